"""Extraction (and extraction + dedup) throughput on real articles of the shared corpus.

    .venv/bin/python bench/extract_benchmark.py [--articles 3000]

Prints articles per second on one core (this process is single-threaded) for extraction alone and
for the in-memory extract + dedup pipeline, and the dedup state size at the end. The first
--warm-up articles (not timed) fill the per-token memos, as in a worker that has been running.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from workers.contracts import encode
from workers.extract.core import extract
from workers.extract.gazetteer import place_index
from workers.extract.lexicon import actor_index, trigger_index
from workers.poll.fixtures import CORPUS, corpus_articles, corpus_item
from workers.process.handlers import LocalPipeline


def load(n: int) -> list[dict]:
    arts = corpus_articles(("middleEast", "internationalNews"))
    return [corpus_item(art, f"{i:020x}") for i, art in zip(range(n), arts, strict=False)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--warm-up", type=int, default=1000, help="articles extracted before timing")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"skipped: {CORPUS} not found (the benchmark reads the shared corpus at run time)")
    loaded = load(args.articles + args.warm_up)
    items, warm_up = loaded[: args.articles], loaded[args.articles :]
    trigger_index(), actor_index(), place_index()  # build lexicons outside the timing
    # A running worker has seen most words before: its per-token memos are full. Warm them on other
    # articles than the timed ones, as a worker that has been up for a while would be.
    for item in warm_up:
        extract(item)
    lengths = [len(i["text"]) for i in items]
    print(
        f"{len(items)} news articles (middle east + international), median {statistics.median(lengths):.0f} chars"
    )
    started = time.process_time()
    n_events = sum(len(extract(item)) for item in items)
    elapsed = time.process_time() - started
    print(
        f"extraction alone: {len(items) / elapsed:,.0f} articles/s per core "
        f"({elapsed / len(items) * 1000:.2f} ms CPU each; {n_events} single-report events)"
    )
    raw = [encode(i) for i in items]
    pipeline = LocalPipeline()
    started = time.process_time()
    for r in raw:
        pipeline.feed(r)
    elapsed = time.process_time() - started
    state = len(pipeline.dedup)
    print(
        f"extract + dedup (with validation at the edges): {len(items) / elapsed:,.0f} articles/s per core; "
        f"{len(pipeline.sink)} events, {len(pipeline.versions)} versions, {state} events in dedup state, "
        f"{len(pipeline.dead_letters)} dead letters"
    )


if __name__ == "__main__":
    main()
