"""What reading the article (not the teaser) is worth, and what it costs.

    .venv/bin/python bench/fulltext_benchmark.py [--articles 1000]

Three ways to feed the same corpus articles (middle-east news, read at run time) to extraction:
- full text: the article as the corpus has it (the baseline, what a full-content feed would give);
- teaser: title + first sentence, what real outlets' feeds carry;
- fetched: teaser feeds and article pages on a local site (workers/poll/demo_site.py: navigation,
  cookie banner, ads, related links, comments), polled by the real Poller + ArticleFetcher, the
  page text extracted by trafilatura.
For each: single-report events, those with a killed figure, with a town-level place, with an
attribution, and events after dedup (in-memory pipeline). Then fetch + extract speed: pages per
second of wall time and per CPU-second of this process (one core: extraction runs in its threads,
the site in another process, no per-host delay).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from workers.contracts import encode
from workers.extract.core import extract
from workers.poll.article import char_f1
from workers.poll.demo_site import DemoSite, teaser
from workers.poll.feeds import Feed
from workers.poll.fixtures import CORPUS, corpus_articles, corpus_item
from workers.poll.seen import SeenStore
from workers.poll.worker import Poller
from workers.process.handlers import LocalPipeline
from workers.settings import Settings


def load(n: int) -> list[dict[str, Any]]:
    return [a for _, a in zip(range(n), corpus_articles(("middleEast",)), strict=False)]


def serve(n: int, ports: Any) -> None:
    """The local news site, in its own process so its CPU is not counted as the crawler's."""
    site = DemoSite(load(n)).start()
    ports.put(site.port)
    while True:
        time.sleep(3600)


class Collect:
    """The publisher's place: keeps what would be published."""

    def __init__(self) -> None:
        import threading

        self.items: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.last_offsets: dict[int, int] = {}

    def publish_items(self, items: list[dict[str, Any]]) -> list[str]:
        self.items.extend(items)
        return [i["item_id"] for i in items]

    def dead_letter(self, record: dict[str, Any]) -> None:
        pass


def figures(items: list[dict[str, Any]]) -> dict[str, int]:
    singles = [ev for item in items for ev in extract(item)]
    pipeline = LocalPipeline()
    for item in items:
        pipeline.feed(encode(item))
    return {
        "events": len(singles),
        "killed": sum(bool((ev["casualties"].get("killed") or {}).get("min")) for ev in singles),
        "town": sum((ev.get("location") or {}).get("precision") == "place" for ev in singles),
        "attributed": sum(bool(ev["attributions"]) for ev in singles),
        "after dedup": len(pipeline.sink),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1000)
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"skipped: {CORPUS} not found (the benchmark reads the shared corpus at run time)")
    articles = load(args.articles)
    full = [corpus_item(a, f"{i:020x}") for i, a in enumerate(articles)]
    teasers = [{**item, "text": teaser(item["text"])} for item in full]

    ctx = multiprocessing.get_context("spawn")
    ports = ctx.Queue()
    server = ctx.Process(target=serve, args=(args.articles, ports), daemon=True)
    server.start()
    port = ports.get(timeout=120)
    site = DemoSite(articles, port=port)  # only for URLs and outlet names; the other process serves
    with tempfile.TemporaryDirectory() as state:
        settings = Settings(
            state_dir=state,
            poll_parse_workers=0,
            article_extract_workers=0,  # in this process's threads: its CPU time is the cost
            crawl_host_delay_s=0.0,
            crawl_host_concurrency=4,
            crawl_allow_private_hosts=f"127.0.0.1:{port}",
            fetch_timeout_s=30,
        )
        feeds = [Feed(o, o, site.url(f"/feeds/{o}.xml")) for o in site.outlets()]
        sink = Collect()
        poller = Poller(settings, feeds, sink, SeenStore(Path(state) / "seen.sqlite3"))  # type: ignore[arg-type]
        wall, cpu = time.monotonic(), time.process_time()
        try:
            asyncio.run(poller.poll_once())
        finally:
            poller.close()
        wall, cpu = time.monotonic() - wall, time.process_time() - cpu
    server.terminate()
    fetched = sink.items
    by_url = {site.url(site.page_path(a)): a for a in articles}
    from_pages = [i for i in fetched if i.get("text_source") == "article"]
    f1 = [char_f1(i["text"], by_url[i["url"]]["text"]) for i in from_pages]

    print(
        f"{len(articles)} middle-east corpus articles; median chars: full text "
        f"{statistics.median(len(i['text']) for i in full):.0f}, teaser "
        f"{statistics.median(len(i['text']) for i in teasers):.0f}, fetched page "
        f"{statistics.median(len(i['text']) for i in fetched):.0f}"
    )
    print(
        f"pages: {len(from_pages)} of {len(fetched)} items got their article text; "
        f"character F1 vs the original: mean {statistics.mean(f1):.4f}, min {min(f1):.4f}"
    )
    rows = {"full text": figures(full), "teaser only": figures(teasers), "fetched pages": figures(fetched)}
    base = rows["full text"]
    print(f"{'':14}" + "".join(f"{k:>13}" for k in base))
    for name, row in rows.items():
        print(f"{name:14}" + "".join(f"{row[k]:>13}" for k in base))
    for name in ("teaser only", "fetched pages"):
        print(f"{name}: events {rows[name]['events'] / base['events']:.1%} of full text")
    print(
        f"fetch + extract: {len(fetched)} pages in {wall:.1f} s wall ({len(fetched) / wall:.1f} pages/s), "
        f"{cpu:.1f} s CPU of the crawler process ({len(fetched) / cpu:.1f} pages per CPU-second, one core)"
    )


if __name__ == "__main__":
    main()
