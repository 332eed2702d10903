"""`marsad` command line: run everything locally, or one worker at a time."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workers import __version__, endpoints, logs, metrics
from workers.settings import (
    Settings,
    SettingsError,
    data_dir,
    feeds_file,
    load_settings,
    packaged_file,
    unknown_env_settings,
)

if TYPE_CHECKING:
    from workers.poll.feeds import Feed

log = logging.getLogger("marsad")

# What the embedded (local default) broker serves, said in the banner and the README: tansu
# answers ApiVersions v3 in a form librdkafka cannot read, so kcat and confluent-kafka fail on it.
EMBEDDED_CLIENTS = (
    "embedded tansu broker: Python kafka-python and aiokafka clients work; librdkafka clients "
    "(kcat, confluent-kafka) cannot read its ApiVersions v3 answer"
)
# Ways to read the sink with no Kafka client of one's own (export / serve: the outputs commands).
SINK_WITHOUT_CLIENT = (
    ("marsad tail", "event blocks"),
    ("marsad tail --format json", "one JSON event per line; also marsad export / marsad serve"),
)


STATUS_EVERY_S = 30.0  # how often `marsad run` repeats its status line while events come


class BrokerUnreachable(RuntimeError):
    """No Kafka broker answered at the configured bootstrap address."""


@dataclass
class EmbeddedRun:
    """An embedded broker and the state that belongs to it.

    The embedded broker keeps its topics in memory. State that refers to them (the poller's seen-set
    and log checkpoints, the article store) must live and die with it: kept in
    MARSAD_STATE_DIR, a second `marsad run` found every item already seen and printed nothing.
    """

    broker: object
    state_dir: Path

    def stop(self) -> None:
        self.broker.stop()  # type: ignore[attr-defined]
        shutil.rmtree(self.state_dir, ignore_errors=True)


def _with_broker(settings: Settings) -> tuple[Settings, EmbeddedRun | None]:
    """Settings pointing at a broker: the configured cluster, or a freshly started embedded tansu
    (with a state dir of its own under MARSAD_STATE_DIR, removed when it stops)."""
    if not settings.embedded:
        return settings, None
    from workers.broker.embedded import EmbeddedBroker

    Path(settings.state_dir).mkdir(parents=True, exist_ok=True)
    run_dir = Path(tempfile.mkdtemp(prefix="embedded-run-", dir=settings.state_dir))
    broker = EmbeddedBroker(log_file=run_dir / "tansu.log").start()
    log.info(
        "embedded tansu broker on %s (memory storage; it and its state in %s stop with this command)",
        broker.bootstrap,
        run_dir,
    )
    return settings.replace(kafka_bootstrap=broker.bootstrap, state_dir=str(run_dir)), EmbeddedRun(
        broker, run_dir
    )


def _check_feeds_file(path: str) -> list[Feed]:
    """The feeds of `path`, or FeedsFileError with one line saying what is wrong with it."""
    from workers.poll.feeds import FeedsFileError, load_feeds

    if not Path(path).is_file():
        raise FeedsFileError(f"feeds file {path} not found (--feeds or MARSAD_FEEDS_FILE)")
    return load_feeds(path)


def cmd_poll(settings: Settings, args: argparse.Namespace) -> int:
    from workers.broker.admin import ensure_topics
    from workers.broker.log_limit import limit_client_logs
    from workers.poll.publish import Publisher
    from workers.poll.worker import Poller, seen_store_for

    limit_client_logs()  # a broker that accepts and drops connections must not flood the log
    feeds = _check_feeds_file(str(args.feeds or feeds_file(settings)))
    seen = seen_store_for(settings)  # an unusable state dir stops here with one line (StateDirError)
    settings, broker = _with_broker(settings)
    try:
        ensure_topics(settings)
        port = endpoints.serve(settings.metrics_port, settings.metrics_host)
        log.info("poller: %d feeds, metrics on :%d/metrics (also /healthz, /readyz)", len(feeds), port)
        metrics.use_role("poller")
        publisher = Publisher(settings)
        recovered = publisher.recover_seen(seen, settings)
        if recovered:
            log.info(
                "poller: %d items found on the items topic after the last checkpoint, marked seen", recovered
            )
        from kafka.errors import KafkaError

        from workers.poll.audit import verify_recent

        try:
            verify_recent(seen, publisher, settings)  # what it acknowledged before is still on the topic
        except (KafkaError, RuntimeError) as exc:
            log.warning("poller: could not verify the items topic at start (%s); the run loop retries", exc)
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
                if poller.all_failing():
                    log.error("poll --once: every feed failed")
                    return 1
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
        metrics.use_role("processor")
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


async def tail_events(  # type: ignore[no-untyped-def]
    settings: Settings,
    stop: asyncio.Event,
    out=sys.stdout,
    fmt: str = "text",
    since: float | None = None,
    order: str = "logical",
    status: StatusLine | None = None,
) -> None:
    """Print every event version from the sink topic (manual assignment: no consumer group).

    fmt: text (readable; `order` says how Arabic is shown, see workers/display.py), json (one event
    a line), csv (ACLED columns). since: unix seconds; older records (by their Kafka timestamp) are
    skipped. status: `marsad run`'s reminder line, printed between events now and then.
    """
    import csv
    import json

    from aiokafka import AIOKafkaConsumer, TopicPartition
    from aiokafka.errors import KafkaError

    from workers.acled import COLUMNS, acled_row, outlet_countries_from_feeds
    from workers.display import render
    from workers.sinkview import UnreadableRecord, consumer_config, parse_record
    from workers.topics import topics_for

    spec = topics_for(settings).events
    outlets = outlet_countries_from_feeds(settings.feeds_file) if fmt == "csv" else {}
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n") if fmt == "csv" else None
    if writer:
        writer.writeheader()
    consumer = AIOKafkaConsumer(
        **consumer_config(settings), group_id=None, auto_offset_reset="earliest", enable_auto_commit=False
    )
    try:
        with logs.quieted("aiokafka"):  # its "Unable connect" error would repeat ours below
            await consumer.start()
    except KafkaError as exc:
        await consumer.stop()  # a consumer whose start failed still holds a client to close
        raise BrokerUnreachable(f"cannot reach Kafka at {settings.kafka_bootstrap}: {exc}") from None
    try:
        consumer.assign([TopicPartition(spec.name, p) for p in range(spec.partitions)])
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for rec in records:
                    if since is not None and rec.timestamp is not None and rec.timestamp < since * 1000:
                        continue
                    try:
                        record = parse_record(rec.key, rec.value, rec.timestamp)
                        if record.event is None:
                            if fmt == "text":
                                into = f" into {record.merged_into}" if record.merged_into else ""
                                print(f"[GONE] {record.event_id} merged{into}\n", file=out, flush=True)
                            elif fmt == "json":
                                gone = {"event_id": record.event_id, "merged_into": record.merged_into}
                                print(json.dumps(gone), file=out, flush=True)
                            continue
                        if writer:
                            writer.writerow(
                                {
                                    k: "" if v is None else v
                                    for k, v in acled_row(record.event, outlets).items()
                                }
                            )
                            out.flush()
                        elif fmt == "json":
                            print(json.dumps(record.event, ensure_ascii=False), file=out, flush=True)
                        else:
                            print(render(record.event, order) + "\n", file=out, flush=True)
                    except (UnreadableRecord, ValueError, KeyError, TypeError) as exc:
                        print(
                            f"[unreadable event at offset {rec.offset}: {exc}]", file=sys.stderr, flush=True
                        )
                    if status is not None:
                        status.event_shown()
            if status is not None and status.due():
                print(status.line(), file=out, flush=True)
    finally:
        await consumer.stop()


class StatusLine:
    """`marsad run`'s reminder of where things are (the start-up lines scroll away): printed after
    the first events and then every `every_s` seconds while events keep coming."""

    def __init__(self, text: str, every_s: float = STATUS_EVERY_S):
        import time

        self._clock = time.monotonic
        self.text, self.every_s = text, every_s
        self.shown = 0
        self._last = self._clock()
        self._pending = False

    def event_shown(self) -> None:
        self.shown += 1
        self._pending = True

    def due(self) -> bool:
        return self._pending and self._clock() - self._last >= self.every_s

    def line(self) -> str:
        self._last, self._pending = self._clock(), False
        return f"── {self.text} · {self.shown} event versions shown ──\n"


def cmd_tail(settings: Settings, args: argparse.Namespace) -> int:
    from workers.sinkview import parse_since

    if settings.embedded:
        print(
            "marsad: set MARSAD_KAFKA_BOOTSTRAP to the cluster to read from (`marsad run` prints its "
            "broker's address)",
            file=sys.stderr,
        )
        return 2
    since = parse_since(args.since) if args.since else None
    asyncio.run(
        _until_signal(
            lambda stop: tail_events(
                settings, stop, fmt=args.format, since=since, order=_order(settings, args)
            )
        )
    )
    return 0


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from workers.acled import outlet_countries_from_feeds
    from workers.export import EventFilter, export, rows
    from workers.sinkview import SinkMissing, latest_events, parse_since

    if settings.embedded:
        print("set MARSAD_KAFKA_BOOTSTRAP to the cluster to export from", file=sys.stderr)
        return 2

    def day(text: str | None):  # type: ignore[no-untyped-def]
        return datetime.fromtimestamp(parse_since(text), UTC).date() if text else None

    filt = EventFilter(
        since=day(args.since),
        until=day(args.until),
        countries=frozenset(c.strip().upper() for c in args.country for c in c.split(",") if c.strip()),
    )
    try:
        view, unreadable = asyncio.run(latest_events(settings))
    except SinkMissing as exc:
        print(f"marsad: {exc}", file=sys.stderr)
        return 2
    if unreadable:
        log.warning("export: %d unreadable records on the sink skipped", unreadable)
    selected = rows(view, filt, outlet_countries_from_feeds(settings.feeds_file))
    export(selected, args.format, args.output)
    print(
        f"marsad: exported {len(selected)} of {len(view.events)} events "
        f"({len(view.merged)} merged or removed)",
        file=sys.stderr,
    )
    return 0


def cmd_alert(settings: Settings, args: argparse.Namespace) -> int:
    from workers.alert.deliver import Delivery
    from workers.alert.rules import RulesFileError, load_rules
    from workers.alert.service import run_alerts

    try:
        rules = load_rules(
            args.rules or settings.alert_rules_file or packaged_file("deploy/alert-rules.yaml")
        )
    except RulesFileError as exc:
        print(f"marsad: {exc}", file=sys.stderr)
        return 2
    if args.check:
        print(f"{len(rules)} rules: " + ", ".join(r.name for r in rules))
        return 0
    if settings.embedded:
        print("set MARSAD_KAFKA_BOOTSTRAP to the cluster whose sink to watch", file=sys.stderr)
        return 2
    try:
        delivery = Delivery(
            alertmanager_url=args.alertmanager_url or settings.alertmanager_url,
            webhook_url=args.webhook_url or settings.alert_webhook_url,
        )
    except ValueError as exc:
        print(f"marsad: {exc}", file=sys.stderr)
        return 2
    port = endpoints.serve(_port_or_free(settings.metrics_host, settings.metrics_port), settings.metrics_host)
    log.info("alert: metrics on :%d/metrics (also /healthz, /readyz)", port)
    metrics.use_role("alert")
    endpoints.set_ready("alert", True)
    asyncio.run(_until_signal(lambda stop: run_alerts(settings, rules, delivery, stop)))
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from workers.serve import serve

    if settings.embedded:
        print("set MARSAD_KAFKA_BOOTSTRAP to the cluster whose sink to index", file=sys.stderr)
        return 2
    host, port = args.host or settings.api_host, args.port if args.port is not None else settings.api_port
    asyncio.run(_until_signal(lambda stop: serve(settings, stop, host, port)))
    return 0


def _order(settings: Settings, args: argparse.Namespace) -> str:
    return "visual" if getattr(args, "visual", False) else settings.display_order


def _unknown_names() -> set[str]:
    return {line.split(" ", 1)[0] for line in unknown_env_settings()}


def _spawn(
    command: str,
    settings: Settings,
    metrics_port: int,
    extra: list[str],
    verbose: bool,
    env_extra: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    env = {
        **{k: v for k, v in os.environ.items() if k not in _unknown_names()},  # warned about once, here
        **(env_extra or {}),
        "MARSAD_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "MARSAD_METRICS_PORT": str(metrics_port),
        "MARSAD_STATE_DIR": settings.state_dir,
        "MARSAD_DATA_DIR": settings.data_dir,
    }
    if not verbose:
        # The terminal shows event blocks; the workers' info lines (one per event) would scatter
        # between them. Warnings and errors still show; -v shows everything.
        env["MARSAD_LOG_LEVEL"] = "WARNING"
    # Own session: the supervisor decides the shutdown order (poller, processor, then broker).
    return subprocess.Popen(
        [sys.executable, "-m", "workers.cli", *(["-v"] if verbose else []), command, *extra],
        env=env,
        start_new_session=True,
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
    site = None
    poller_env: dict[str, str] = {}
    if args.demo:
        from workers.poll.demo_site import DEMO_HOST_DELAY_S, DemoSite, demo_articles

        # Teaser feeds and article pages on a local site: the poller reads the pages, as in production.
        corpus = data_dir(settings) / "ant-multisource-2018.jsonl.gz"
        if not corpus.exists():
            raise FileNotFoundError(f"{corpus} not found: the demo needs the shared data folder (--data)")
        site = DemoSite(demo_articles(path=corpus)).start()
        demo_dir = Path(tempfile.mkdtemp(prefix="demo-site-"))
        feeds = str(site.write_feeds_file(demo_dir))
        poller_env = {
            "MARSAD_CRAWL_ALLOW_PRIVATE_HOSTS": site.netloc,  # the site is on loopback
            "MARSAD_CRAWL_HOST_DELAY_S": str(DEMO_HOST_DELAY_S),
        }
        log.info("demo: teaser feeds and article pages from the shared corpus on %s", site.url("/"))
    feeds = str(feeds or feeds_file(settings))
    _check_feeds_file(feeds)  # a missing or broken feeds file stops here, before any broker starts
    settings, broker = _with_broker(settings)
    children: list[subprocess.Popen[bytes]] = []
    worker_failed = False
    try:
        ensure_topics(settings)
        # Local run: the configured port and the next one when free, else any free port (printed below).
        processor_port = _port_or_free(settings.metrics_host, settings.metrics_port)
        next_port = settings.metrics_port + 1 if settings.metrics_port else 0  # 0: any free port
        poller_port = _port_or_free(settings.metrics_host, next_port, avoid=processor_port)
        children.append(_spawn("process", settings, processor_port, [], args.verbose))
        children.append(
            _spawn("poll", settings, poller_port, ["--feeds", feeds], args.verbose, env_extra=poller_env)
        )
        where = (
            f"broker {settings.kafka_bootstrap}; processor metrics :{processor_port}/metrics, "
            f"poller metrics :{poller_port}/metrics"
        )
        clients = EMBEDDED_CLIENTS if broker else "configured Kafka cluster"
        readers = "".join(
            f"          MARSAD_KAFKA_BOOTSTRAP={settings.kafka_bootstrap} {command:<26} ({what})\n"
            for command, what in SINK_WITHOUT_CLIENT
        )
        print(
            f"marsad: {where}. Ctrl-C to stop.\n"
            f"        {clients}.\n"
            f"        Read the sink from another terminal, no Kafka client needed:\n{readers}",
            flush=True,
        )
        status = StatusLine(f"marsad: {where}")

        async def supervise(stop: asyncio.Event) -> None:
            async def watch() -> None:
                nonlocal worker_failed
                while not stop.is_set():
                    for child in children:
                        if child.poll() is not None:
                            log.error("a worker exited with %s; stopping", child.returncode)
                            worker_failed = True
                            stop.set()
                    await asyncio.sleep(0.5)

            await asyncio.gather(
                tail_events(settings, stop, order=_order(settings, args), status=status), watch()
            )

        asyncio.run(_until_signal(supervise))
    finally:
        for child in reversed(children):  # poller first, then the processor
            stop_process_group(child, 20)
        if site is not None:
            site.stop()
            shutil.rmtree(demo_dir, ignore_errors=True)
        if broker:
            broker.stop()
        print("marsad: stopped.", flush=True)
    return 1 if worker_failed else 0


def _when(text: str, now: float) -> float:
    """A unix time from an ISO 8601 time or an age such as 90m, 6h, 2d."""
    from datetime import datetime

    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    if text and text[-1] in units and text[:-1].replace(".", "", 1).isdigit():
        return now - float(text[:-1]) * units[text[-1]]
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise SystemExit(f"marsad audit: not a time or an age (like 6h): {text!r}") from None


def cmd_audit(settings: Settings, args: argparse.Namespace) -> int:
    import time

    from workers.poll.audit import audit
    from workers.poll.publish import Publisher
    from workers.poll.worker import seen_store_for

    if settings.embedded:
        print("set MARSAD_KAFKA_BOOTSTRAP to the cluster the poller publishes to", file=sys.stderr)
        return 2
    now = time.time()
    since, until = _when(args.since, now), _when(args.until, now) if args.until else now
    seen = seen_store_for(settings)
    publisher = Publisher(settings) if args.repair else None
    try:
        report = audit(settings, seen, since, until, publisher)
    finally:
        if publisher:
            publisher.close()
        seen.close()
    print("\n".join(report.lines()))
    if report.missing and report.republished < len(report.missing):
        print("gap found: run with --repair to publish the missing items again", file=sys.stderr)
        return 1
    return 0


def cmd_demo_feeds(settings: Settings, args: argparse.Namespace) -> int:
    from workers.poll.fixtures import demo_feeds

    print(demo_feeds(args.out, data_dir=data_dir(settings), per_outlet=args.per_outlet))
    return 0


def cmd_eval(settings: Settings, args: argparse.Namespace) -> int:
    from workers.extract.evaluate import DEFAULT_SETS, gold_path, load_gold, report_set

    shared = data_dir(settings)
    corpus = Path(args.corpus) if args.corpus else shared / "ant-multisource-2018.jsonl.gz"
    if not corpus.exists():
        raise FileNotFoundError(
            f"{corpus} not found: eval reads the gold sentences from the shared corpora; "
            "point --data (or MARSAD_DATA_DIR) at the shared data folder, or pass --corpus"
        )
    tables = [
        report_set(name, load_gold(gold_path(name), corpus, shared)) for name in args.gold or DEFAULT_SETS
    ]
    print("\n\n".join(tables))
    return 0


def _command(sub, name: str, summary: str, description: str):  # type: ignore[no-untyped-def]
    """A subcommand with a one-line summary (in `marsad -h`) and a paragraph (in `marsad NAME -h`)."""
    return sub.add_parser(
        name, help=summary, description=f"{summary[0].upper()}{summary[1:]}. {description}"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="marsad",
        description="Marsad: monitor Arabic news feeds, extract events, merge overlapping reports, publish them "
        "to Kafka. Settings come from MARSAD_* environment variables or a TOML file (--config / MARSAD_CONFIG); "
        "with no MARSAD_KAFKA_BOOTSTRAP an embedded tansu broker is started on a free loopback port.",
    )
    parser.add_argument("--version", action="version", version=f"marsad {__version__}")
    parser.add_argument("--config", help="TOML settings file (keys as in workers/settings.py)")
    parser.add_argument(
        "--data",
        help="the shared data folder (corpus for --demo, demo-feeds and eval); "
        "default: MARSAD_DATA_DIR, else ../shared/data",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="show info logs and Kafka client chatter"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = _command(
        sub,
        "run",
        "run broker, poller, processor and metrics; print each new or updated event",
        "The broker is an embedded tansu on a free loopback port unless MARSAD_KAFKA_BOOTSTRAP is set. "
        "Events are printed as blocks; a status line repeats the broker address and metrics ports. "
        "Offline? Use --demo.",
    )
    p.add_argument("--feeds", help="feeds file (TOML or YAML); default: MARSAD_FEEDS_FILE or deploy/feeds.toml")
    p.add_argument(
        "--demo",
        action="store_true",
        help="poll fixture feeds built from the shared corpus (offline demo; see --data)",
    )
    _display_flags(p)
    p.set_defaults(func=cmd_run)

    p = _command(
        sub,
        "poll",
        "run the feed poller alone (publishes to the items topic)",
        "Serves /metrics, /healthz and /readyz on MARSAD_METRICS_PORT; /readyz is 503 while every feed fails.",
    )
    p.add_argument("--feeds", help="feeds file (TOML or YAML); default: MARSAD_FEEDS_FILE or deploy/feeds.toml")
    p.add_argument(
        "--once", action="store_true", help="poll every feed once and exit (exit status 1 if every feed failed)"
    )
    p.set_defaults(func=cmd_poll)

    p = _command(
        sub,
        "process",
        "run the stream processor alone (extract + dedup -> events topic)",
        "Start several for more throughput: they form one consumer group. Stops consuming (and stays up "
        "for its metrics) when the dead-letter breaker opens; see MARSAD_DEAD_LETTER_LIMIT_*.",
    )
    p.set_defaults(func=cmd_process)

    p = _command(
        sub,
        "topics",
        "create the topics on the configured cluster",
        "Needs MARSAD_KAFKA_BOOTSTRAP; partitions from MARSAD_PARTITIONS, replication from "
        "MARSAD_REPLICATION_FACTOR. Prints each topic and whether it was created or existed.",
    )
    p.set_defaults(func=cmd_topics)

    p = _command(
        sub,
        "tail",
        "print events from the sink topic of the configured cluster",
        "Reads every partition from the beginning without joining a consumer group. Needs "
        "MARSAD_KAFKA_BOOTSTRAP (for a local `marsad run`, the address it prints). Merged events "
        "show as [GONE] lines (json: {event_id, merged_into}).",
    )
    p.add_argument("--format", choices=["text", "json", "csv"], default="text",
                   help="text (readable), json (one event a line), csv (ACLED columns)")
    p.add_argument("--since", help="only records written since: 30m, 6h, 7d, 2w or an ISO date/time")
    _display_flags(p)
    p.set_defaults(func=cmd_tail)

    p = _command(
        sub,
        "export",
        "latest events on the sink as ACLED-style CSV or Parquet (merged events left out)",
        "Reads the whole sink (latest version per event id, merge records applied) and writes the "
        "ACLED columns documented in the README, filtered by event date and country.",
    )
    p.add_argument("--format", choices=["csv", "parquet"], default="csv")
    p.add_argument("--output", "-o", help="output file (default: stdout for csv)")
    p.add_argument("--since", help="event date on or after (ISO date, or 30m / 6h / 7d / 2w ago)")
    p.add_argument("--until", help="event date on or before (ISO date)")
    p.add_argument(
        "--country", action="append", default=[], help="ISO code or English name; repeat or comma-separate"
    )
    p.set_defaults(func=cmd_export)

    p = _command(
        sub,
        "alert",
        "watch the sink and send rule-based alerts to Alertmanager and/or a webhook",
        "Rules come from a YAML file (deploy/alert-rules.yaml, schema schemas/alert_rules.json). An event "
        "alerts once per rule and again only when it reaches a higher level; merged events resolve.",
    )
    p.add_argument("--rules", help="alert rules YAML (default: MARSAD_ALERT_RULES_FILE)")
    p.add_argument("--alertmanager-url", help="Alertmanager base URL (default: MARSAD_ALERTMANAGER_URL)")
    p.add_argument("--webhook-url", help="webhook for JSON notices (default: MARSAD_ALERT_WEBHOOK_URL)")
    p.add_argument("--check", action="store_true", help="validate the rules file and exit")
    p.set_defaults(func=cmd_alert)

    p = _command(
        sub,
        "serve",
        "HTTP read API over the latest events (GET /events, /events/{id})",
        "Keeps a local SQLite index of the sink's latest versions; responses follow "
        "schemas/api_events.json.",
    )
    p.add_argument("--host", help="listen address (default: MARSAD_API_HOST)")
    p.add_argument("--port", type=int, help="listen port (default: MARSAD_API_PORT)")
    p.set_defaults(func=cmd_serve)

    p = _command(
        sub,
        "eval",
        "score the extractor on annotated gold sentences (P/R/F1 per field, per set and corpus)",
        "The gold files name corpus sentences by document id, index and hash; their text is read from "
        "the shared corpora at run time (--data / MARSAD_DATA_DIR).",
    )
    p.add_argument(
        "--gold",
        action="append",
        help="a gold set: 2018, dev, test, holdout, holdout_r4, holdout_r5, holdout_r6, holdout_r7, holdout_r8, holdout_r9, holdout_r10, holdout_r11, holdout_r12, holdout_r13, holdout_r14, holdout_r15, holdout_r16, holdout_r17, holdout_r18 or holdout_r19 (the frozen test sets: "
        "only when named), or a file (format in eval/README.md); repeatable (default: 2018 and dev)",
    )
    p.add_argument(
        "--corpus",
        help="corpus the gold refs point into (default: ant-multisource-2018.jsonl.gz in the shared data folder)",
    )
    p.set_defaults(func=cmd_eval)

    p = _command(
        sub,
        "audit",
        "compare items published (poller journal) with the items topic and the sink over a time range",
        "Finds items the poller marked as published that are missing from the items topic (a broker "
        "that lost acknowledged writes) and items with no source on the sink; exit status 1 when items "
        "are missing. --repair publishes them again from the poller's journal.",
    )
    p.add_argument("--since", default="24h", help="ISO 8601 time or age (90m, 6h, 2d); default 24h")
    p.add_argument("--until", help="ISO 8601 time or age; default now")
    p.add_argument("--repair", action="store_true", help="publish the missing items again from the journal")
    p.set_defaults(func=cmd_audit)

    p = _command(
        sub,
        "demo-feeds",
        "write fixture RSS feeds from the shared corpus and a feeds file",
        "One RSS file per outlet of the multi-outlet corpus plus OUT/feeds.toml with file:// URLs; "
        "`marsad run --feeds OUT/feeds.toml` then polls them.",
    )
    p.add_argument("out", help="output folder")
    p.add_argument(
        "--per-outlet", type=int, default=40, help="articles per outlet's feed (default: %(default)s)"
    )
    p.set_defaults(func=cmd_demo_feeds)
    return parser


def _display_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--visual",
        "--no-bidi",
        action="store_true",
        help="show Arabic pre-reordered for terminals without bidi support (xterm, tmux); "
        "default: logical order in bidi isolates (MARSAD_DISPLAY_ORDER)",
    )


def _kafka_errors() -> tuple[type[BaseException], ...]:
    from aiokafka.errors import KafkaError as AioKafkaError
    from kafka.errors import KafkaError

    return (KafkaError, AioKafkaError)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(args.config)
    except SettingsError as exc:
        for problem in exc.problems + unknown_env_settings():
            print(f"marsad: {problem}", file=sys.stderr)
        return 2
    if args.data:
        settings = settings.replace(data_dir=args.data)
    logs.setup(settings.log_level, settings.log_format, verbose=args.verbose)
    for warning in unknown_env_settings():
        log.warning(warning)
    from workers.broker.embedded import BrokerError
    from workers.poll.feeds import FeedsFileError
    from workers.poll.seen import StateDirError

    try:
        return int(args.func(settings, args) or 0)
    except KeyboardInterrupt:
        return 130
    except (FeedsFileError, BrokerError, BrokerUnreachable, FileNotFoundError, StateDirError) as exc:
        print(f"marsad: {exc}", file=sys.stderr)
        return 2
    except _kafka_errors() as exc:
        print(f"marsad: Kafka at {settings.kafka_bootstrap or '(embedded)'}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
