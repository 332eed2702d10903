"""Poller benchmark: poll N local feeds (default 2,000) through the real poller and the embedded
broker; print feeds per minute for a first pass (everything new: parse + publish) and a steady-state
pass (conditional GET, 304s), and the peak RSS of the poller process.

Baselines measured in the same run, printed as ratios to the poller's first pass:
- naive: a plain `feedparser.parse(url)` loop over the same feeds (fetch + parse, no publish);
- parse-only limit: the fetched bodies parsed by `parse_feed` in as many processes as the poller
  has parse workers, with nothing else to do (the best a poller with that many parse processes
  could do), twice: with feedparser (`fast=False`, the yardstick issue 16 set, when the poller
  parsed with feedparser) and with the poller's own parse path (these plain RSS feeds take the
  lxml fast path of workers/poll/rss_fast.py, so parsing stops being the limit).

    .venv/bin/python bench/poll_benchmark.py [--feeds 2000] [--items 20] [--text synthetic|corpus]
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


def _parse(body: bytes, feed: Feed, content_type: str, fast: bool) -> None:
    parse_feed(body, feed, content_type=content_type, fast=fast)


def parse_only(urls: list[str], workers: int, *, fast: bool) -> float:
    """Seconds to parse every (pre-fetched) body with parse_feed in `workers` processes."""
    fetched = [urllib.request.urlopen(url) for url in urls]  # noqa: S310 - loopback
    bodies = [response.read() for response in fetched]
    types = [response.headers.get("Content-Type", "") for response in fetched]
    feeds = [Feed(f"f{i}", f"F{i}", url) for i, url in enumerate(urls)]
    modes = [fast] * len(urls)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(_parse, bodies[:workers], feeds[:workers], types[:workers], modes[:workers]))  # start them
        started = time.perf_counter()
        for _ in pool.map(_parse, bodies, feeds, types, modes, chunksize=4):
            pass
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--parse-workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--text",
        choices=["synthetic", "corpus"],
        default="synthetic",
        help="feed text: one repeated sentence, or articles of the shared corpus (real compression)",
    )
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
            args.text,
        ]
    )
    try:
        assert wait_for_port("127.0.0.1", port, 60), "feed server did not start"
        with EmbeddedBroker() as broker, tempfile.TemporaryDirectory() as state:
            feeds = [Feed(f"f{i}", f"F{i}", f"http://127.0.0.1:{port}/f{i}.xml") for i in range(args.feeds)]
            urls = [f.url for f in feeds]
            ratios: list[tuple[float, float, float]] = []
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
                limit = parse_only(urls, args.parse_workers, fast=False)
                own_limit = parse_only(urls, args.parse_workers, fast=True)
                ratios.append((naive / first, limit / first, own_limit / first))
                print(
                    f"round {round_no}: naive feedparser.parse(url) loop {len(urls) / naive * 60:,.0f} feeds/min;"
                    f" parse-only limit ({args.parse_workers} processes) with feedparser"
                    f" {len(urls) / limit * 60:,.0f} feeds/min, with the poller's parse path"
                    f" {len(urls) / own_limit * 60:,.0f} feeds/min; first pass = {naive / first:.2f}x naive,"
                    f" {limit / first:.2f}x feedparser parse-only limit, {own_limit / first:.2f}x own parse-only limit",
                    flush=True,
                )
            vs_naive = statistics.median(r[0] for r in ratios)
            vs_limit = statistics.median(r[1] for r in ratios)
            vs_own_limit = statistics.median(r[2] for r in ratios)
            print(
                f"median over {len(ratios)} rounds: first pass vs naive loop {vs_naive:.2f}x (target >= 1.5x);"
                f" vs feedparser parse-only limit {vs_limit:.2f}x (target >= 0.8x);"
                f" vs the poller's own parse-only limit {vs_own_limit:.2f}x"
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
