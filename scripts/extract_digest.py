"""Digest of the extractor's output on real articles, to show a refactor changes nothing.

    python scripts/extract_digest.py [--articles 3000] [--show]

Extracts the first N/2 middle-east + international articles of the ANT corpus and the first N/2
articles of the SaudiNewsNet corpus (read at run time, never copied) and prints one SHA-256 over
the canonical JSON of every event, plus the event count. Run it before and after a change that
must not alter output; equal digests mean byte-identical events.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys

from workers.extract.core import extract
from workers.poll.fixtures import CORPUS, SHARED_DATA, corpus_articles, corpus_item

SAUDI = SHARED_DATA / "saudinewsnet-2015.jsonl.gz"


def saudi_items(n: int) -> list[dict]:
    items = []
    with gzip.open(SAUDI, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if len(items) >= n:
                break
            art = json.loads(line)
            if not art.get("content", "").strip():
                continue
            items.append(
                {
                    "schema_version": 1,
                    "item_id": f"snn-{i}",
                    "feed_id": art["source"],
                    "source": art["source"],
                    "url": art["url"],
                    "title": art.get("title") or "",
                    "text": art["content"],
                    "language": "ar",
                    "published_at": art["date_extracted"].replace(" ", "T") + "+00:00",
                    "fetched_at": art["date_extracted"].replace(" ", "T") + "+00:00",
                }
            )
    return items


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=3000)
    args = parser.parse_args()
    if not CORPUS.exists() or not SAUDI.exists():
        sys.exit("skipped: the shared corpora are not found")
    half = args.articles // 2
    ant = [
        corpus_item(a, f"ant-{i}")
        for i, a in zip(range(half), corpus_articles(("middleEast", "internationalNews")), strict=False)
    ]
    items = ant + saudi_items(args.articles - half)
    digest = hashlib.sha256()
    n_events = 0
    for item in items:
        events = extract(item)
        n_events += len(events)
        digest.update(json.dumps(events, ensure_ascii=False, sort_keys=True).encode())
    print(f"{len(items)} articles, {n_events} events, sha256 {digest.hexdigest()}")


if __name__ == "__main__":
    main()
