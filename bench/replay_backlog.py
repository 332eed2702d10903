"""Replay corpus articles as a backlog through real processor workers on the embedded broker.

Prints, in one run (so that the ratios hold on a shared machine):
- in memory (LocalPipeline: the same handlers and DedupState, no Kafka): articles/s;
- a raw aiokafka loop in this process (consume items -> extract -> dedup -> produce the sink,
  acks=all, commit after the sends), one hop, one partition: articles/s;
- the worker (`python -m workers.cli process`), 1 partition: articles/s, and whether its sink equals
  the in-memory sink (it must: one partition keeps the in-memory order);
- the worker on 4 partitions, 1 worker vs 2 workers: articles/s and the ratio;
- latency item -> sink at a steady rate (default 20 items/s), p50/p90/p99, worker and raw loop;
- the workers' peak RSS, and restart time (SIGKILL, then a new worker: until its dedup state is
  rebuilt from the sink, and until it is processing again).

    .venv/bin/python bench/replay_backlog.py [--items 50000] [--rate 20] [--steady-items 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from workers.broker.admin import ensure_topics
from workers.broker.embedded import EmbeddedBroker
from workers.contracts import encode
from workers.dedup.state import DedupState
from workers.poll.fixtures import CORPUS, corpus_articles, corpus_item
from workers.process.handlers import LocalPipeline, handle_candidate, handle_item, warm_up
from workers.settings import Settings
from workers.topics import topics_for

REPO = Path(__file__).resolve().parent.parent


def load_items(n: int) -> list[bytes]:
    if not CORPUS.exists():
        sys.exit(f"corpus not available: {CORPUS} (reads ../shared/data at run time)")
    arts = corpus_articles(("middleEast", "internationalNews"), CORPUS)
    return [encode(corpus_item(a, f"{i:020x}")) for i, a in zip(range(n), arts, strict=False)]


def settings_for(bootstrap: str, state: Path, partitions: int) -> Settings:
    tag = uuid.uuid4().hex[:8]
    return Settings(
        kafka_bootstrap=bootstrap,
        topic_prefix=f"b{tag}",
        app_id=f"bench-{tag}",
        partitions=partitions,
        state_dir=str(state / tag),
        metrics_port=0,
    )


async def produce(
    settings: Settings, items: list[bytes], rate: float | None = None, sent: dict[str, float] | None = None
) -> dict[str, float]:
    """Put items on the items topic (as fast as acks allow, or at `rate`/s); item id -> send time
    (filled in `sent` as they go, when given)."""
    topic = topics_for(settings).items.name
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all", linger_ms=5)
    await producer.start()
    sent = {} if sent is None else sent
    try:
        started = time.monotonic()
        for n, raw in enumerate(items):
            if rate:
                await asyncio.sleep(max(0.0, started + n / rate - time.monotonic()))
            item_id = json.loads(raw)["item_id"]
            sent[item_id] = time.monotonic()
            await producer.send(topic, raw, key=item_id.encode())
        await producer.flush()
    finally:
        await producer.stop()
    return sent


@dataclass
class Tail:
    """Records arriving on the sink topic, with their arrival times."""

    settings: Settings
    records: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    task: asyncio.Task[None] | None = None

    def start(self) -> Tail:
        self.task = asyncio.create_task(self._run())
        return self

    async def _run(self) -> None:
        topic = topics_for(self.settings).events.name
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.settings.kafka_bootstrap, group_id=None, fetch_max_wait_ms=20
        )
        await consumer.start()
        try:
            consumer.assign([TopicPartition(topic, p) for p in range(self.settings.partitions)])
            while True:
                for recs in (await consumer.getmany(timeout_ms=200)).values():
                    now = time.monotonic()
                    self.records.extend((now, json.loads(r.value)) for r in recs)
        finally:
            await consumer.stop()

    async def until(self, count: int, timeout: float, quiet: float = 30.0) -> float:
        """Wait for `count` records (or `quiet` s without one); return the last arrival time."""
        deadline = time.monotonic() + timeout
        while len(self.records) < count and time.monotonic() < deadline:
            if self.records and time.monotonic() - self.records[-1][0] > quiet:
                break
            await asyncio.sleep(0.2)
        return self.records[-1][0] if self.records else time.monotonic()

    async def stop(self) -> None:
        if self.task:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)

    def latest(self) -> dict[str, dict[str, Any]]:
        return {e["event_id"]: e for _, e in self.records}


def spawn_worker(settings: Settings, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "MARSAD_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "MARSAD_TOPIC_PREFIX": settings.topic_prefix,
        "MARSAD_APP_ID": settings.app_id,
        "MARSAD_PARTITIONS": str(settings.partitions),
        "MARSAD_STATE_DIR": settings.state_dir,
        "MARSAD_METRICS_PORT": "0",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "workers.cli", "process"],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def peak_rss_mb(pid: int) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", text).group(1)) / 1024  # type: ignore[union-attr]


def stop_worker(proc: subprocess.Popen[bytes], kill: bool = False) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL if kill else signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


@dataclass
class WorkerRun:
    rate: float  # articles/s, wall clock, first to last sink record
    cpu_rate: float  # articles per CPU-second of the worker processes (robust on a shared machine)
    rss_mb: list[float]
    sink: dict[str, dict[str, Any]]
    versions: int


async def backlog_through_workers(
    broker: str, state: Path, items: list[bytes], partitions: int, workers: int, expect: int
) -> WorkerRun:
    settings = settings_for(broker, state, partitions)
    ensure_topics(settings)
    await produce(settings, items)  # the backlog is there before any worker starts
    tail = Tail(settings).start()
    logs = [Path(state) / f"{settings.app_id}-{i}.log" for i in range(workers)]
    procs = []
    started = time.monotonic()
    for log in logs:
        procs.append(spawn_worker(settings, log))
    try:
        # the clock runs from the moment a worker owns partitions (start-up and group join are
        # measured as restart time); the second worker's join and the rebalance count
        while time.monotonic() - started < 120 and not any(
            "dedup state restored" in log.read_text("utf-8", "replace") for log in logs
        ):
            await asyncio.sleep(0.05)
        first = time.monotonic()
        cpu_first = sum(cpu_seconds(p.pid) for p in procs)
        last = await tail.until(expect, timeout=3600)
        cpu = sum(cpu_seconds(p.pid) for p in procs) - cpu_first
        for p, log in zip(procs, logs, strict=True):
            if p.poll() is not None:
                sys.exit(f"worker died: {log.read_text()[-2000:]}")
        rss = [peak_rss_mb(p.pid) for p in procs]
    finally:
        for p in procs:
            stop_worker(p)
        await tail.stop()
    processed = len(items) * len(tail.records) / max(expect, 1)  # items behind the versions seen
    return WorkerRun(
        processed / max(last - first, 1e-9), processed / max(cpu, 1e-9), rss, tail.latest(), len(tail.records)
    )


async def raw_loop(
    settings: Settings, count: int, sent: dict[str, float] | None = None, ready: asyncio.Event | None = None
) -> tuple[float, float, list[float]]:
    """The floor for a shell: one aiokafka consumer on the items topic doing extract + dedup in one
    hop, producing the sink with acks=all and committing after the sends.
    Returns (items/s wall, items per CPU-second of this process, latencies)."""
    topics = topics_for(settings)
    consumer = AIOKafkaConsumer(
        topics.items.name,
        bootstrap_servers=settings.kafka_bootstrap,
        group_id=settings.app_id + "-raw",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=20,
        max_poll_records=500,
    )
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all", linger_ms=2)
    await consumer.start()
    await producer.start()
    state = DedupState()
    done, latencies = 0, []
    first, cpu_first = None, 0.0
    try:
        while done < count:
            batches = await consumer.getmany(timeout_ms=200)
            if ready is not None and consumer.assignment() and not ready.is_set():
                ready.set()
                print("READY", flush=True)
            if not batches:
                continue
            if first is None:
                first, cpu_first = time.monotonic(), time.process_time()
            futures = []
            for recs in batches.values():
                for rec in recs:
                    done += 1
                    for _key, cand in handle_item(rec.value).candidates:
                        out = handle_candidate(encode(cand), state).publish
                        if out:
                            futures.append(
                                await producer.send(
                                    topics.events.name, encode(out), key=out["event_id"].encode()
                                )
                            )
            await asyncio.gather(*futures)
            if batches:
                await consumer.commit()
                if sent is not None:  # from each record's producer timestamp (same machine clock)
                    now = time.time()
                    latencies.extend(now - r.timestamp / 1000 for recs in batches.values() for r in recs)
    finally:
        await consumer.stop()
        await producer.stop()
    wall, cpu = time.monotonic() - (first or time.monotonic()), time.process_time() - cpu_first
    return done / max(wall, 1e-9), done / max(cpu, 1e-9), latencies


def percentiles(values: list[float]) -> str:
    if len(values) < 2:
        return "n/a"
    q = statistics.quantiles(values, n=100)
    return f"p50 {q[49] * 1000:.0f} ms, p90 {q[89] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms ({len(values)} samples)"


def signature(sink: dict[str, dict[str, Any]]) -> set[tuple[str, str, frozenset[str]]]:
    return {
        (
            e["sub_event_type"],
            (e["location"] or {}).get("id", "-"),
            frozenset(s["item_id"] for s in e["sources"]),
        )
        for e in sink.values()
    }


async def steady_latency(broker: str, state: Path, items: list[bytes], rate: float) -> tuple[str, float]:
    settings = settings_for(broker, state, 1)
    ensure_topics(settings)
    log = Path(state) / f"{settings.app_id}-steady.log"
    proc = spawn_worker(settings, log)
    tail = Tail(settings).start()
    try:
        deadline = time.monotonic() + 60
        while "dedup state restored" not in log.read_text("utf-8", "replace") and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        cpu_start = cpu_seconds(proc.pid)
        sent = await produce(settings, items, rate)
        await asyncio.sleep(3)
        latencies = [
            at - sent[e["sources"][-1]["item_id"]]
            for at, e in tail.records
            if e["sources"][-1]["item_id"] in sent
        ]
        cpu = cpu_seconds(proc.pid) - cpu_start
    finally:
        stop_worker(proc)
        await tail.stop()
    return percentiles(latencies), cpu / (len(items) / rate + 3)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def restart_time(broker: str, state: Path, items: list[bytes]) -> str:
    """A worker with the backlog's events in its state is SIGKILLed; a new one starts."""
    settings = settings_for(broker, state, 1)
    ensure_topics(settings)
    await produce(settings, items)
    log = Path(state) / f"{settings.app_id}-restart.log"
    tail = Tail(settings).start()
    proc = spawn_worker(settings, log)
    try:
        await tail.until(10**9, timeout=3600, quiet=8.0)
        stop_worker(proc, kill=True)
        killed = time.monotonic()
        before = log.read_text("utf-8", "replace").count("dedup state restored")
        proc = spawn_worker(settings, log)
        while log.read_text("utf-8", "replace").count("dedup state restored") == before:
            await asyncio.sleep(0.05)
            if time.monotonic() - killed > 120:
                return "no restart within 120 s"
        ready = time.monotonic() - killed
        restored = re.findall(
            r"restored in ([0-9.]+) s \((\d+) open events\)", log.read_text("utf-8", "replace")
        )[-1]
        # processing again: a new item's event reaches the sink
        count = len(tail.records)
        reported = {e["sources"][0]["item_id"] for _, e in tail.records}
        probe = next(json.loads(raw) for raw in items if json.loads(raw)["item_id"] in reported)
        probe["item_id"] = "f" * 20  # the same article again under a new id: a syndicated copy
        t0 = time.monotonic()
        await produce(settings, [encode(probe)])
        while len(tail.records) == count and time.monotonic() - t0 < 30:
            await asyncio.sleep(0.02)
        first_event = time.monotonic() - t0
    finally:
        stop_worker(proc)
        await tail.stop()
    return (
        f"SIGKILL -> new worker ready {ready:.1f} s (of which state rebuild {restored[0]} s for "
        f"{restored[1]} open events, from {count} sink records); then a new item -> sink {first_event * 1000:.0f} ms"
    )


async def phase_memory(n: int) -> None:
    """In a fresh process, warmed up like a worker (workers.process.handlers.warm_up)."""
    items = load_items(n)
    warm_up()
    started, cpu_started = time.monotonic(), time.process_time()
    pipeline = LocalPipeline()
    for raw in items:
        pipeline.feed(raw)
    wall, cpu = time.monotonic() - started, time.process_time() - cpu_started
    print(json.dumps({"wall_rate": n / wall, "cpu_rate": n / cpu}), flush=True)


async def phase_raw(args: argparse.Namespace) -> None:
    """The raw loop in a fresh process, warmed up like a worker."""
    warm_up()
    settings = Settings(
        kafka_bootstrap=args.bootstrap, topic_prefix=args.prefix, app_id=args.prefix, partitions=1
    )
    wall_rate, cpu_rate, latencies = await raw_loop(
        settings, args.items, {} if args.latency else None, asyncio.Event()
    )
    print(json.dumps({"wall_rate": wall_rate, "cpu_rate": cpu_rate, "latencies": latencies}), flush=True)


async def run_phase(*argv: str, steady: tuple[Settings, list[bytes], float] | None = None) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        *argv,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.stdout is not None
    result: dict[str, Any] = {}
    async for line in proc.stdout:
        text = line.decode().strip()
        if text == "READY" and steady:
            await produce(*steady)
        elif text.startswith("{"):
            result = json.loads(text)
    await proc.wait()
    return result


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--rate", type=float, default=20.0, help="items/s for the latency measurement")
    parser.add_argument("--steady-items", type=int, default=300)
    parser.add_argument("--phase", choices=["memory", "raw"], help=argparse.SUPPRESS)
    parser.add_argument("--bootstrap", help=argparse.SUPPRESS)
    parser.add_argument("--prefix", help=argparse.SUPPRESS)
    parser.add_argument("--latency", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "memory":
        return await phase_memory(args.items)
    if args.phase == "raw":
        return await phase_raw(args)
    items = load_items(args.items)
    print(
        f"{len(items):,} corpus articles ({sum(map(len, items)) / 1e6:.0f} MB as items); "
        f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}. Each of in memory, raw loop "
        "and worker runs in a fresh process, warmed up the same way (one item)."
    )
    reference = LocalPipeline()  # the expected sink (not timed here)
    for raw in items:
        reference.feed(raw)
    memory = await run_phase("--phase", "memory", "--items", str(len(items)))
    memory_rate, memory_cpu = memory["wall_rate"], memory["cpu_rate"]
    print(
        f"in memory:                 {memory_rate:6,.0f} articles/s wall, {memory_cpu:6,.0f} per CPU-second "
        f"({len(reference.sink):,} events, {len(reference.versions):,} versions)"
    )

    with EmbeddedBroker() as broker, tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp)
        raw_settings = settings_for(broker.bootstrap, state, 1)
        ensure_topics(raw_settings)
        await produce(raw_settings, items)
        raw = await run_phase(
            "--phase",
            "raw",
            "--items",
            str(len(items)),
            "--bootstrap",
            broker.bootstrap,
            "--prefix",
            raw_settings.topic_prefix,
        )
        raw_rate, raw_cpu = raw["wall_rate"], raw["cpu_rate"]
        print(
            f"raw aiokafka loop (1 hop): {raw_rate:6,.0f} articles/s wall, {raw_cpu:6,.0f} per CPU-second "
            f"({raw_cpu / memory_cpu:.2f}x in memory per CPU-second)"
        )

        one = await backlog_through_workers(broker.bootstrap, state, items, 1, 1, len(reference.versions))
        equal = one.sink == reference.sink
        print(
            f"worker, 1 partition:       {one.rate:6,.0f} articles/s wall, {one.cpu_rate:6,.0f} per CPU-second "
            f"({one.cpu_rate / memory_cpu:.2f}x in memory, {one.cpu_rate / raw_cpu:.2f}x raw per CPU-second; "
            f"wall {one.rate / memory_rate:.2f}x in memory); sink equal to in memory: {equal} "
            f"({one.versions:,} versions); peak RSS {one.rss_mb[0]:.0f} MB"
        )
        w1 = await backlog_through_workers(broker.bootstrap, state, items, 4, 1, len(reference.versions))
        w2 = await backlog_through_workers(broker.bootstrap, state, items, 4, 2, len(reference.versions))
        same = len(signature(w1.sink) & signature(reference.sink)) / max(len(reference.sink), 1)
        same2 = len(signature(w2.sink) & signature(w1.sink)) / max(len(w1.sink), 1)
        print(
            f"worker, 4 partitions:      1 worker {w1.rate:,.0f} articles/s wall ({w1.cpu_rate:,.0f} per CPU-second), "
            f"2 workers {w2.rate:,.0f} ({w2.cpu_rate:,.0f} per CPU-second of both): {w2.rate / w1.rate:.2f}x wall, "
            f"{w2.cpu_rate / w1.cpu_rate:.2f}x per CPU-second; peak RSS "
            f"{', '.join(f'{r:.0f}' for r in w1.rss_mb + w2.rss_mb)} MB; events as in memory: {same:.1%} "
            f"(1 worker), 2 workers as 1: {same2:.1%}"
        )

        steady = items[: args.steady_items]
        latency, cpu = await steady_latency(broker.bootstrap, state, steady, args.rate)
        print(
            f"latency item -> sink at {args.rate:.0f} items/s, worker: {latency}; worker CPU {cpu:.0%} of a core"
        )
        raw_settings = settings_for(broker.bootstrap, state, 1)
        ensure_topics(raw_settings)
        steady_raw = await run_phase(
            "--phase",
            "raw",
            "--items",
            str(len(steady)),
            "--bootstrap",
            broker.bootstrap,
            "--prefix",
            raw_settings.topic_prefix,
            "--latency",
            steady=(raw_settings, steady, args.rate),
        )
        print(
            f"latency item -> sink at {args.rate:.0f} items/s, raw loop: {percentiles(steady_raw['latencies'])}"
        )
        print(await restart_time(broker.bootstrap, state, items[: min(len(items), 5000)]))


if __name__ == "__main__":
    asyncio.run(main())
