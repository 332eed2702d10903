"""Poller benchmark: poll N local feeds (default 2,000) through the real poller and the embedded
broker; print feeds per minute for a first pass (everything new: parse + publish) and a steady-state
pass (conditional GET, 304s), and the peak RSS of the poller process.

Two baselines measured in the same run, printed as ratios to the poller's first pass:
- naive: a plain `feedparser.parse(url)` loop over the same feeds (fetch + parse, no publish);
- parse-only limit: the fetched bodies parsed by `parse_feed` in as many processes as the poller
  has parse workers, with nothing else to do (the best a poller with that many parse processes
  could do).

    .venv/bin/python bench/poll_benchmark.py [--feeds 2000] [--items 20]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import feedparser

from workers.broker.admin import ensure_topics
from workers.broker.embedded import EmbeddedBroker, free_port, wait_for_port
from workers.poll.feeds import Feed
from workers.poll.parse import parse_feed
from workers.poll.publish import Publisher
from workers.poll.seen import SeenStore
from workers.poll.worker import Poller
from workers.settings import Settings


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def naive_loop(urls: list[str]) -> float:
    """Seconds for `feedparser.parse(url)` over every feed, one after another."""
    started = time.perf_counter()
    for url in urls:
        feedparser.parse(url)
    return time.perf_counter() - started


def parse_only(urls: list[str], workers: int) -> float:
    """Seconds to parse every (pre-fetched) body with parse_feed in `workers` processes."""
    bodies = [urllib.request.urlopen(url).read() for url in urls]  # noqa: S310 - loopback
    feeds = [Feed(f"f{i}", f"F{i}", url) for i, url in enumerate(urls)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(parse_feed, bodies[:workers], feeds[:workers]))  # start the workers first
        started = time.perf_counter()
        for _ in pool.map(parse_feed, bodies, feeds, chunksize=4):
            pass
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--parse-workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--rounds", type=int, default=3)
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
            feeds = [Feed(f"f{i}", f"F{i}", f"http://127.0.0.1:{port}/f{i}.xml") for i in range(args.feeds)]
            urls = [f.url for f in feeds]
            ratios: list[tuple[float, float]] = []
            # Rounds interleave the three measurements, so load from other processes on a shared
            # machine falls on all of them alike; each round's poller starts with a fresh state and
            # topic (everything new).
            for round_no in range(1, args.rounds + 1):
                settings = Settings(
                    kafka_bootstrap=broker.bootstrap,
                    state_dir=str(Path(state) / f"r{round_no}"),
                    topic_prefix=f"bench{round_no}",
                    partitions=4,
                    poll_per_host=32,
                    poll_concurrency=64,
                    fetch_timeout_s=30,
                    poll_parse_workers=args.parse_workers,
                )
                ensure_topics(settings)
                publisher = Publisher(settings)
                poller = Poller(
                    settings, feeds, publisher, SeenStore(Path(settings.state_dir) / "seen.sqlite3")
                )
                labels = ["first pass (all new: fetch, parse, publish)"]
                if round_no == args.rounds:
                    labels.append("steady state (conditional GET)")
                took: dict[str, float] = {}
                for label in labels:
                    started, cpu = time.perf_counter(), time.process_time()
                    reports = asyncio.run(poller.poll_once())
                    elapsed = took.setdefault(label, time.perf_counter() - started)
                    cpu = time.process_time() - cpu
                    errors = sum(r.outcome == "error" for r in reports)
                    new = sum(r.new for r in reports)
                    print(
                        f"round {round_no}: {label}: {len(reports)} feeds in {elapsed:.1f} s = "
                        f"{len(reports) / elapsed * 60:,.0f} feeds/min; {new:,} items published; {errors} errors; "
                        f"poller process CPU {cpu:.1f} s",
                        flush=True,
                    )
                poller.close()  # joins the parse workers: now they count among this process's children
                publisher.close()
                first = took[labels[0]]
                naive = naive_loop(urls)
                limit = parse_only(urls, args.parse_workers)
                ratios.append((naive / first, limit / first))
                print(
                    f"round {round_no}: naive feedparser.parse(url) loop {len(urls) / naive * 60:,.0f} feeds/min;"
                    f" parse-only limit ({args.parse_workers} processes) {len(urls) / limit * 60:,.0f} feeds/min;"
                    f" first pass = {naive / first:.2f}x naive, {limit / first:.2f}x parse-only limit",
                    flush=True,
                )
            vs_naive = statistics.median(r[0] for r in ratios)
            vs_limit = statistics.median(r[1] for r in ratios)
            print(
                f"median over {len(ratios)} rounds: first pass vs naive loop {vs_naive:.2f}x (target >= 1.5x);"
                f" vs parse-only limit {vs_limit:.2f}x (target >= 0.8x)"
            )
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
