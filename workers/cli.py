"""`marsad` command line: run everything locally, or one worker at a time."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from workers import endpoints, logs, metrics
from workers.settings import Settings, load_settings

log = logging.getLogger("marsad")


def _with_broker(settings: Settings) -> tuple[Settings, object | None]:
    """Settings pointing at a broker: the configured cluster, or a freshly started embedded tansu."""
    if not settings.embedded:
        return settings, None
    from workers.broker.embedded import EmbeddedBroker

    Path(settings.state_dir).mkdir(parents=True, exist_ok=True)
    broker = EmbeddedBroker(log_file=Path(settings.state_dir) / "tansu.log").start()
    log.info("embedded tansu broker on %s (memory storage; stops with this command)", broker.bootstrap)
    return settings.replace(kafka_bootstrap=broker.bootstrap), broker


def cmd_poll(settings: Settings, args: argparse.Namespace) -> int:
    from workers.broker.admin import ensure_topics
    from workers.poll.feeds import load_feeds
    from workers.poll.publish import Publisher
    from workers.poll.worker import Poller, seen_store_for

    feeds = load_feeds(args.feeds or settings.feeds_file)
    settings, broker = _with_broker(settings)
    try:
        ensure_topics(settings)
        port = endpoints.serve(settings.metrics_port, settings.metrics_host)
        log.info("poller: %d feeds, metrics on :%d/metrics (also /healthz, /readyz)", len(feeds), port)
        metrics.worker_info.labels("poller").set(1)
        publisher, seen = Publisher(settings), seen_store_for(settings)
        recovered = publisher.recover_seen(seen, settings)
        if recovered:
            log.info(
                "poller: %d items found on the items topic after the last checkpoint, marked seen", recovered
            )
        poller = Poller(settings, feeds, publisher, seen)
        endpoints.set_ready("poller", True)
        try:
            if args.once:
                reports = asyncio.run(poller.poll_once())
                for r in reports:
                    log.info(
                        "feed %s: %s new=%d seen=%d rejected=%d%s",
                        r.feed_id,
                        r.outcome,
                        r.new,
                        r.seen,
                        r.rejected,
                        f" error={r.error}" if r.error else "",
                    )
                return 0
            asyncio.run(_until_signal(poller.run))
        finally:
            poller.close()
            publisher.close()
            seen.close()
    finally:
        if broker:
            broker.stop()  # type: ignore[attr-defined]
    return 0


async def _until_signal(main) -> None:  # type: ignore[no-untyped-def]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await main(stop)


def cmd_process(settings: Settings, args: argparse.Namespace) -> int:
    from workers.broker.admin import ensure_topics
    from workers.process.app import run_processor

    settings, broker = _with_broker(settings)
    try:
        ensure_topics(settings)
        port = endpoints.serve(settings.metrics_port, settings.metrics_host)
        endpoints.set_ready("processor", False)
        log.info("processor: metrics on :%d/metrics (also /healthz, /readyz)", port)
        asyncio.run(_until_signal(lambda stop: run_processor(settings, stop)))
    finally:
        if broker:
            broker.stop()  # type: ignore[attr-defined]
    return 0


def cmd_topics(settings: Settings, args: argparse.Namespace) -> int:
    from workers.broker.admin import ensure_topics
    from workers.topics import topics_for

    if settings.embedded:
        print("set MARSAD_KAFKA_BOOTSTRAP to the cluster whose topics to create", file=sys.stderr)
        return 2
    created = ensure_topics(settings)
    for spec in topics_for(settings).all():
        print(
            f"{spec.name}\tpartitions={spec.partitions}\tcompacted={spec.compacted}\t"
            f"{'created' if spec.name in created else 'exists'}"
        )
    return 0


async def tail_events(settings: Settings, stop: asyncio.Event, out=sys.stdout) -> None:  # type: ignore[no-untyped-def]
    """Print every event version from the sink topic (manual assignment: no consumer group)."""
    import json

    from aiokafka import AIOKafkaConsumer, TopicPartition

    from workers.display import render
    from workers.topics import topics_for

    spec = topics_for(settings).events
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        consumer.assign([TopicPartition(spec.name, p) for p in range(spec.partitions)])
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for rec in records:
                    try:
                        print(render(json.loads(rec.value)) + "\n", file=out, flush=True)
                    except (ValueError, KeyError, TypeError) as exc:
                        print(f"[unreadable event at offset {rec.offset}: {exc}]", file=out, flush=True)
    finally:
        await consumer.stop()


def cmd_tail(settings: Settings, args: argparse.Namespace) -> int:
    if settings.embedded:
        print("set MARSAD_KAFKA_BOOTSTRAP to the cluster to read from", file=sys.stderr)
        return 2
    asyncio.run(_until_signal(lambda stop: tail_events(settings, stop)))
    return 0


def _spawn(command: str, settings: Settings, metrics_port: int, extra: list[str]) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MARSAD_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "MARSAD_METRICS_PORT": str(metrics_port),
        "MARSAD_STATE_DIR": settings.state_dir,
    }
    # Own session: the supervisor decides the shutdown order (poller, processor, then broker).
    return subprocess.Popen(
        [sys.executable, "-m", "workers.cli", command, *extra], env=env, start_new_session=True
    )


def _port_or_free(host: str, port: int, avoid: int | None = None) -> int:
    from workers.broker.embedded import free_port

    if port and port != avoid:
        with socket.socket() as probe:
            try:
                probe.bind((host, port))
                return port
            except OSError:
                log.warning("port %d is in use; the worker takes a free one", port)
    chosen = free_port()
    return chosen if chosen != avoid else free_port()


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    from workers.broker.admin import ensure_topics
    from workers.broker.embedded import stop_process_group

    feeds = args.feeds
    if args.demo:
        from workers.poll.fixtures import demo_feeds

        feeds = str(demo_feeds(Path(settings.state_dir) / "demo-feeds"))
        log.info("demo: fixture feeds from the shared corpus in %s", feeds)
    settings, broker = _with_broker(settings)
    children: list[subprocess.Popen[bytes]] = []
    try:
        ensure_topics(settings)
        # Local run: the configured port and the next one when free, else any free port (printed below).
        processor_port = _port_or_free(settings.metrics_host, settings.metrics_port)
        poller_port = _port_or_free(settings.metrics_host, settings.metrics_port + 1, avoid=processor_port)
        children.append(_spawn("process", settings, processor_port, []))
        children.append(_spawn("poll", settings, poller_port, ["--feeds", feeds] if feeds else []))
        print(
            f"marsad: broker {settings.kafka_bootstrap}; processor metrics :{processor_port}/metrics, "
            f"poller metrics :{poller_port}/metrics. Ctrl-C to stop.\n",
            flush=True,
        )

        async def supervise(stop: asyncio.Event) -> None:
            async def watch() -> None:
                while not stop.is_set():
                    for child in children:
                        if child.poll() is not None:
                            log.error("a worker exited with %s; stopping", child.returncode)
                            stop.set()
                    await asyncio.sleep(0.5)

            await asyncio.gather(tail_events(settings, stop), watch())

        asyncio.run(_until_signal(supervise))
    finally:
        for child in reversed(children):  # poller first, then the processor
            stop_process_group(child, 20)
        if broker:
            broker.stop()  # type: ignore[attr-defined]
        print("marsad: stopped.", flush=True)
    return 0


def cmd_demo_feeds(settings: Settings, args: argparse.Namespace) -> int:
    from workers.poll.fixtures import demo_feeds

    print(demo_feeds(args.out, per_outlet=args.per_outlet))
    return 0


def cmd_eval(settings: Settings, args: argparse.Namespace) -> int:
    from workers.extract.evaluate import DEFAULT_SETS, gold_path, load_gold, report_set
    from workers.poll.fixtures import SHARED_DATA

    corpus = Path(args.corpus) if args.corpus else SHARED_DATA / "ant-multisource-2018.jsonl.gz"
    tables = [
        report_set(name, load_gold(gold_path(name), corpus, SHARED_DATA))
        for name in args.gold or DEFAULT_SETS
    ]
    print("\n\n".join(tables))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="marsad",
        description="Marsad: monitor Arabic news feeds, extract events, merge overlapping reports, publish them "
        "to Kafka. Settings come from MARSAD_* environment variables or a TOML file (--config / MARSAD_CONFIG); "
        "with no MARSAD_KAFKA_BOOTSTRAP an embedded tansu broker is started on a free loopback port.",
    )
    parser.add_argument("--config", help="TOML settings file (keys as in workers/settings.py)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "run",
        help="run broker (embedded unless configured), poller, processor and metrics; "
        "print each new or updated event",
    )
    p.add_argument(
        "--feeds", help="feeds file (TOML or YAML); default: MARSAD_FEEDS_FILE or deploy/feeds.toml"
    )
    p.add_argument(
        "--demo", action="store_true", help="poll fixture feeds built from ../shared/data (offline demo)"
    )
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("poll", help="run the feed poller alone (publishes to the items topic)")
    p.add_argument("--feeds", help="feeds file (TOML or YAML)")
    p.add_argument("--once", action="store_true", help="poll every feed once and exit")
    p.set_defaults(func=cmd_poll)

    p = sub.add_parser(
        "process", help="run the Faust stream processor alone (extract + dedup -> events topic)"
    )
    p.set_defaults(func=cmd_process)

    p = sub.add_parser("topics", help="create the topics on the configured cluster")
    p.set_defaults(func=cmd_topics)

    p = sub.add_parser("tail", help="print events from the sink topic of the configured cluster")
    p.set_defaults(func=cmd_tail)

    p = sub.add_parser(
        "eval", help="score the extractor on a gold file of annotated sentences (P/R/F1 per field)"
    )
    p.add_argument(
        "--gold",
        action="append",
        help="a gold set: 2018, dev or test (the frozen test set: only when named), or a file; repeatable "
        "(default: 2018 and dev)",
    )
    p.add_argument(
        "--corpus",
        help="corpus the gold refs point into (default: ../shared/data/ant-multisource-2018.jsonl.gz)",
    )
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("demo-feeds", help="write fixture RSS feeds from the shared corpus and a feeds file")
    p.add_argument("out", help="output folder")
    p.add_argument("--per-outlet", type=int, default=40)
    p.set_defaults(func=cmd_demo_feeds)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = load_settings(args.config)
    logs.setup(settings.log_level, settings.log_format)
    from workers.broker.embedded import BrokerError
    from workers.poll.feeds import FeedsFileError

    try:
        return int(args.func(settings, args) or 0)
    except KeyboardInterrupt:
        return 130
    except (FeedsFileError, BrokerError, FileNotFoundError) as exc:
        print(f"marsad: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
