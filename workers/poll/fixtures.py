"""Build RSS documents from articles: fixture feeds for tests and offline demo runs.

`demo_feeds` turns articles of the shared corpus (read at run time, never copied into the repo)
into one RSS file per outlet plus a feeds file pointing at them with file:// URLs.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterable, Iterator
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from workers.settings import Settings, data_dir

# The shared data folder as settings find it (the CLI passes `data_dir(settings)`, which also
# honours --data); tests and benchmarks read it at run time.
SHARED_DATA = data_dir(Settings(data_dir=os.environ.get("MARSAD_DATA_DIR", "")))


def rss_document(title: str, link: str, entries: Iterable[dict[str, str]]) -> bytes:
    """entries: dicts with title, link, description, and pubDate (RFC 822) or published (datetime)."""
    items = []
    for e in entries:
        pub = e.get("pubDate") or (
            format_datetime(e["published"]) if isinstance(e.get("published"), datetime) else ""
        )
        items.append(
            "<item>"
            f"<title>{escape(e['title'])}</title><link>{escape(e['link'])}</link>"
            f"<guid>{escape(e.get('guid', e['link']))}</guid>"
            + (f"<pubDate>{escape(pub)}</pubDate>" if pub else "")
            + f"<description>{escape(e['description'])}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>{escape(link)}</link><language>ar</language>"
        + "".join(items)
        + "</channel></rss>"
    ).encode("utf-8")


def demo_feeds(
    out_dir: str | Path, data_dir: Path = SHARED_DATA, per_outlet: int = 40, category: str = "middleEast"
) -> Path:
    """Write one RSS file per outlet from the multi-outlet corpus; return the feeds.toml path."""
    corpus = data_dir / "ant-multisource-2018.jsonl.gz"
    if not corpus.exists():
        raise FileNotFoundError(
            f"{corpus} not found: the demo needs the shared data folder; "
            "point --data (or MARSAD_DATA_DIR) at it"
        )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    by_src: dict[str, list[dict[str, str]]] = {}
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        for line in fh:
            art = json.loads(line)
            if art.get("cat") != category:
                continue
            bucket = by_src.setdefault(art["src"], [])
            if len(bucket) < per_outlet:
                bucket.append(
                    {
                        "title": art["title"],
                        "link": art["url"],
                        "description": art["text"],
                        "pubDate": art["time"],
                        "guid": art["docno"],
                    }
                )
    lines = []
    for src, entries in sorted(by_src.items()):
        path = out / f"{src}.xml"
        path.write_bytes(rss_document(src, f"https://{src}.example/", entries))
        lines.append(
            f'[[feed]]\nid = "{src.lower()}"\nname = "{src}"\nurl = "{path.resolve().as_uri()}"\n'
            'language = "ar"\ninterval_s = 60\n'
        )
    feeds = out / "feeds.toml"
    feeds.write_text("\n".join(lines), encoding="utf-8")
    return feeds


CORPUS = SHARED_DATA / "ant-multisource-2018.jsonl.gz"


def corpus_articles(
    categories: tuple[str, ...] = ("middleEast",), path: Path = CORPUS
) -> Iterator[dict[str, Any]]:
    """Articles of the multi-outlet corpus in the given categories (read at run time, never copied)."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            art = json.loads(line)
            if art.get("cat") in categories and art["text"].strip():
                yield art


def corpus_item(article: dict[str, Any], item_id: str) -> dict[str, Any]:
    """A corpus article as a news item (schemas/news_item.json), published at the article's time."""
    published = parsedate_to_datetime(article["time"]).isoformat()
    return {
        "schema_version": 1,
        "item_id": item_id,
        "feed_id": article["src"].lower(),
        "source": article["src"],
        "url": article["url"],
        "title": article["title"],
        "text": article["text"],
        "language": "ar",
        "published_at": published,
        "fetched_at": published,
    }
