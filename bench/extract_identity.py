"""Digest of the extractor's (and the extract + dedup pipeline's) output on a fixed sample of both
shared corpora, so that a speed-up can be shown to change nothing.

    .venv/bin/python bench/extract_identity.py [--per-corpus 2000]

Takes every k-th article of the multi-outlet corpus (middle east + international news) and of the
Saudi corpus, up to --per-corpus each, extracts each as a news item, and prints the SHA-256 of the
encoded single-report events, then of every version the in-memory pipeline (extract + dedup) emits.
Both stages are deterministic (no clock, no randomness), so the digests of two code versions are equal
exactly when their output is. Reads the corpora at run time; prints the digests only, no text.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from collections.abc import Iterator
from itertools import islice
from typing import Any

from workers.contracts import encode
from workers.extract.core import extract
from workers.poll.fixtures import CORPUS, SHARED_DATA, corpus_articles, corpus_item
from workers.process.handlers import LocalPipeline

SAUDI = SHARED_DATA / "saudinewsnet-2015.jsonl.gz"
STRIDE = 7  # every 7th article: spread over each corpus' months/outlets, not its first days


def saudi_items() -> Iterator[dict[str, Any]]:
    with gzip.open(SAUDI, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            art = json.loads(line)
            if not (art.get("content") or "").strip():
                continue
            published = art["date_extracted"].replace(" ", "T")
            published = published if published.endswith("Z") or "+" in published else published + "+00:00"
            yield {
                "schema_version": 1,
                "item_id": f"{i:020x}",
                "feed_id": "saudinewsnet",
                "source": art.get("source") or "saudinewsnet",
                "url": art["url"],
                "title": art.get("title") or "",
                "text": art["content"],
                "language": "ar",
                "published_at": published,
                "fetched_at": published,
            }


def ant_items() -> Iterator[dict[str, Any]]:
    arts = corpus_articles(("middleEast", "internationalNews"))
    for i, art in enumerate(arts):
        yield corpus_item(art, f"{i + (1 << 40):020x}")


def sample(n: int) -> list[dict[str, Any]]:
    return list(islice(islice(ant_items(), 0, None, STRIDE), n)) + list(
        islice(islice(saudi_items(), 0, None, STRIDE), n)
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-corpus", type=int, default=2000)
    args = parser.parse_args()
    if not (CORPUS.exists() and SAUDI.exists()):
        sys.exit(f"skipped: {CORPUS} or {SAUDI} not found (read at run time)")
    items = sample(args.per_corpus)
    h = hashlib.sha256()
    n_events = 0
    for item in items:
        events = extract(item)
        n_events += len(events)
        h.update(item["item_id"].encode())
        for event in events:
            h.update(encode(event))
    print(f"{len(items)} items, {n_events} events; extract sha256 {h.hexdigest()}")
    pipeline = LocalPipeline()
    for item in items:
        pipeline.feed(encode(item))
    p = hashlib.sha256()
    for version in pipeline.versions:
        p.update(encode(version))
    p.update(encode(sorted(pipeline.sink)))
    p.update(encode([d.get("reason") for d in pipeline.dead_letters]))
    print(
        f"{len(pipeline.versions)} versions, {len(pipeline.sink)} events, {len(pipeline.dead_letters)} dead letters; "
        f"pipeline sha256 {p.hexdigest()}"
    )


if __name__ == "__main__":
    main()
