"""Soak: months of real multi-outlet news through extract + dedup, compressed into minutes.

Feeds the shared corpus (Feb-Oct 2018) in publication order through the in-memory pipeline (the
same handlers as the Faust agents) and prints, at intervals, the simulated date, the process RSS and
the dedup state size. With the state's time-to-live, state and memory level off instead of growing.

    .venv/bin/python bench/soak.py [--articles 12000] [--every 1500]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from email.utils import parsedate_to_datetime

from workers.contracts import encode
from workers.dedup.core import DedupConfig
from workers.poll.fixtures import CORPUS, corpus_articles, corpus_item
from workers.process.handlers import LocalPipeline


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=12000)
    parser.add_argument("--every", type=int, default=1500)
    parser.add_argument("--ttl-days", type=int, default=14)
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"skipped: {CORPUS} not found (the soak reads the shared corpus at run time)")
    arts = list(corpus_articles(("middleEast", "internationalNews")))
    arts.sort(key=lambda a: parsedate_to_datetime(a["time"]))
    arts = arts[: args.articles]
    pipeline = LocalPipeline(DedupConfig(ttl_days=args.ttl_days), retain=False)
    started = time.monotonic()
    print(
        f"{len(arts)} articles, {arts[0]['time'][:16]} .. {arts[-1]['time'][:16]}; ttl {args.ttl_days} days"
    )
    print(
        f"{'articles':>8} {'simulated date':>16} {'RSS MB':>7} {'state events':>12} {'versions out':>12} {'dead':>5}"
    )
    for n, art in enumerate(arts, 1):
        item = corpus_item(art, f"{n:020x}")
        published = item["published_at"]
        pipeline.feed(encode(item))
        if n % args.every == 0 or n == len(arts):
            state = len(pipeline.dedup)
            print(
                f"{n:>8} {published[:16]:>16} {rss_mb():>7.0f} {state:>12} {pipeline.emitted:>12} "
                f"{len(pipeline.dead_letters):>5}",
                flush=True,
            )
    print(f"done in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
