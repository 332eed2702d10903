"""Poller benchmark: poll N local feeds (default 2,000) through the real poller and the embedded
broker; print feeds per minute for a first pass (everything new: parse + publish) and a steady-state
pass (conditional GET, 304s), and the peak RSS of the poller process.

    .venv/bin/python bench/poll_benchmark.py [--feeds 2000] [--items 20]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from workers.broker.admin import ensure_topics
from workers.broker.embedded import EmbeddedBroker, free_port, wait_for_port
from workers.poll.feeds import Feed
from workers.poll.publish import Publisher
from workers.poll.seen import SeenStore
from workers.poll.worker import Poller
from workers.settings import Settings


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--parse-workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("feed_server.py")),
            str(port),
            str(args.feeds),
            str(args.items),
        ]
    )
    try:
        assert wait_for_port("127.0.0.1", port, 60), "feed server did not start"
        with EmbeddedBroker() as broker, tempfile.TemporaryDirectory() as state:
            settings = Settings(
                kafka_bootstrap=broker.bootstrap,
                state_dir=state,
                partitions=4,
                poll_per_host=32,
                poll_concurrency=64,
                fetch_timeout_s=30,
                poll_parse_workers=args.parse_workers,
            )
            ensure_topics(settings)
            feeds = [Feed(f"f{i}", f"F{i}", f"http://127.0.0.1:{port}/f{i}.xml") for i in range(args.feeds)]
            publisher = Publisher(settings)
            poller = Poller(settings, feeds, publisher, SeenStore(Path(state) / "seen.sqlite3"))
            for label in ("first pass (all new: fetch, parse, publish)", "steady state (conditional GET)"):
                started = time.perf_counter()
                reports = asyncio.run(poller.poll_once())
                elapsed = time.perf_counter() - started
                errors = sum(r.outcome == "error" for r in reports)
                new = sum(r.new for r in reports)
                print(
                    f"{label}: {len(reports)} feeds in {elapsed:.1f} s = {len(reports) / elapsed * 60:,.0f} feeds/min;"
                    f" {new:,} items published; {errors} errors"
                )
            poller.close()  # joins the parse workers: now they count among this process's children
            publisher.close()
            # Read before the broker (also a child) is stopped and reaped, or its RSS would be reported
            children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"peak RSS of the poller process: {peak_rss_mb():.0f} MB; largest parse worker: {children:.0f} MB"
            f" ({args.parse_workers} parse workers)"
        )
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
