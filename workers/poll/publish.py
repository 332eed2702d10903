"""Publish items with aiokafka: acks=all, keyed by item id; pipelined and retried.

Why aiokafka and not kafka-python (the client the design card names, still used here for the
poller's consumers and topic admin): kafka-python builds record batches in pure Python, CRC32C
included. On 300 feeds of 20 SaudiNewsNet articles sent to the embedded broker, the same records
cost 1.98 s of CPU through kafka-python's producer and 0.39 s through aiokafka's (C record builder),
and py-spy put the pure-Python CRC32C at 17% of the poller process's samples on feeds of real
articles. The C CRC32C that kafka-python would use (`crc32c`) is LGPL, which this project's
licence rule excludes. The processor already produces with aiokafka.

Not idempotent, as in the processor: tansu answers aiokafka's InitProducerId with an unknown error.
aiokafka keeps one batch in flight per partition, so a partition's records are acknowledged in
offset order; a batch retried after a lost acknowledgement can repeat an item on the topic, which
the processor absorbs (a report it already holds changes nothing) and the audit counts once.

The producer lives on an event loop of its own, in a thread (`marsad-producer`), as kafka-python's
did in its sender thread: the poller's loop awaits batches through `publish_batch`, and the blocking
callers (audit repair, dead letters, start-up checks, tests) call in from any thread.

Pipelining: every feed's batch is sent through one producer without a lock; each batch awaits
its own records' acknowledgements and is marked seen as soon as they arrive. The earlier design
published, flushed and marked one feed at a time under a global lock: on 2,000 local feeds py-spy
found 20% of samples holding that lock and 30% waiting on it (issue 16); the first pass ran at
0.70x a plain `feedparser.parse(url)` loop.

Checkpoints: with batches in flight at once, the recovery checkpoint of a partition may only
advance to just below the lowest offset that was acknowledged but not yet marked (`Watermark`),
so the checkpoint never covers an item whose mark could still be lost in a crash.

Errors: every way a send can fail (metadata not available within SEND_MAX_BLOCK_MS, a full buffer,
a failed delivery) leaves the item unmarked; the batch is retried with exponential backoff, and what
is still unacknowledged is retried at the feed's next poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError as AioKafkaError
from kafka import KafkaConsumer, TopicPartition

from workers import metrics
from workers.broker.admin import aiokafka_security, kafka_python_security
from workers.contracts import encode
from workers.poll.seen import PublishedItem, StateWriteError
from workers.settings import Settings
from workers.topics import topics_for

log = logging.getLogger(__name__)

T = TypeVar("T")

# Tuning (why these values): a broker away for a minute must not turn into a busy reconnect loop
# (a proxy that accepted and closed connections drew 169,597 log lines in 60 s from kafka-python's
# 50 ms default backoff; workers/broker/log_limit.py caps what reaches the log); a send must not wait
# for metadata longer than SEND_MAX_BLOCK_MS when the broker is unknown; a batch is retried a few
# times within one poll, then at the next poll.
RECONNECT_BACKOFF_MS = 500  # kafka-python consumers (start-up recovery)
RECONNECT_BACKOFF_MAX_MS = 30_000
SEND_MAX_BLOCK_MS = 10_000
# aiokafka fails a batch it could not deliver within REQUEST_TIMEOUT_MS.
REQUEST_TIMEOUT_MS = 15_000
# How long the producer may take to reach the broker at start (the broker may be starting too).
START_TIMEOUT_S = 30.0
# How long a batch waits for acks before its feed counts as failed for this poll. Records still in
# flight then are not sent again: a later attempt joins the same record (Publisher._inflight).
ACK_TIMEOUT_S = 30.0
RETRY_BACKOFF_MS = 1000
# Bytes per partition batch: a 16 KB default held one feed's batch per partition, so the poller
# waited on broker round trips (426 ms per feed on the 600-feed profile, against 107 ms at 1 MB, with
# the poll pass 16% shorter; measured with kafka-python, whose batching aiokafka shares).
BATCH_SIZE_BYTES = 1024 * 1024
# zstd, not gzip: on 20-item feeds of real articles (87 KB of JSON) kafka-python's gzip (level 9,
# fixed) took 24 ms of CPU per feed, zstd 1.1 ms for a batch 8% larger. Readers need a zstd codec:
# `cramjam` for aiokafka, `zstandard` for kafka-python (the audit).
COMPRESSION = "zstd"
LINGER_MS = 5
PUBLISH_ATTEMPTS = 3
RETRY_BACKOFF_S = 1.0
RETRY_BACKOFF_MAX_S = 10.0


def producer_config(settings: Settings) -> dict[str, Any]:
    """aiokafka producer options (see the module docstring for acks and idempotence)."""
    return {
        "bootstrap_servers": settings.kafka_bootstrap,
        "acks": "all",
        "enable_idempotence": False,
        "compression_type": COMPRESSION,
        "linger_ms": LINGER_MS,
        "max_batch_size": BATCH_SIZE_BYTES,
        "max_request_size": 4 * 1024 * 1024,
        "request_timeout_ms": REQUEST_TIMEOUT_MS,
        "retry_backoff_ms": RETRY_BACKOFF_MS,
        "client_id": "marsad-poller",
        **aiokafka_security(settings),
    }


def consumer_config(settings: Settings, client_id: str) -> dict[str, Any]:
    return {
        "bootstrap_servers": settings.kafka_bootstrap,
        "group_id": None,
        "enable_auto_commit": False,
        "consumer_timeout_ms": 2000,
        "reconnect_backoff_ms": RECONNECT_BACKOFF_MS,
        "reconnect_backoff_max_ms": RECONNECT_BACKOFF_MAX_MS,
        "client_id": client_id,
        **kafka_python_security(settings),
    }


class PublishError(RuntimeError):
    def __init__(self, message: str, acked: list[str]):
        super().__init__(message)
        self.acked = acked  # ids that did reach the broker before the failure


class Watermark:
    """Per partition: offsets acknowledged but not yet marked, and the highest acknowledged.

    The safe checkpoint of a partition is just below its lowest unmarked offset (or its highest
    acknowledged one when none is pending). Records of one partition are acknowledged in offset
    order (one producer, one batch in flight per partition), so an item still in flight gets a higher offset than any
    already acknowledged.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[int, set[int]] = {}
        self._highest: dict[int, int] = {}

    def acked(self, partition: int, offset: int) -> None:
        with self._lock:
            self._pending.setdefault(partition, set()).add(offset)
            self._highest[partition] = max(self._highest.get(partition, -1), offset)

    def release(self, positions: list[tuple[int, int]]) -> dict[int, int]:
        """Forget these (partition, offset) pairs (now marked); return the safe checkpoints."""
        with self._lock:
            for partition, offset in positions:
                self._pending.get(partition, set()).discard(offset)
            safe = {}
            for partition, highest in self._highest.items():
                pending = self._pending.get(partition)
                safe[partition] = min(pending) - 1 if pending else highest
            return {p: o for p, o in safe.items() if o >= 0}


@dataclass
class BatchResult:
    published: list[PublishedItem] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # item ids never acknowledged
    error: str | None = None


class Publisher:
    """One aiokafka producer on its own event loop and thread (see the module docstring)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.topics = topics_for(settings)
        self.watermark = Watermark()
        self.lock = threading.Lock()  # kept for callers that publish and mark as one step (tests)
        self.last_offsets: dict[int, int] = {}
        # Records sent but not yet settled, by item id: a batch that gave up waiting for them
        # leaves them here, and a later attempt awaits the same record instead of sending a second.
        # Touched only on the producer's loop.
        self._inflight: dict[str, asyncio.Future[Any]] = {}
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="marsad-producer", daemon=True)
        self._thread.start()
        try:
            self._producer = self._call(self._start(), timeout=START_TIMEOUT_S + 5)
        except BaseException:
            self._stop_loop()
            raise

    # -- the producer's loop -------------------------------------------------------------------
    def _call(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run a coroutine on the producer's loop from another thread and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    async def _start(self) -> AIOKafkaProducer:
        """Start the producer, retrying while the broker cannot be reached (PublishError after
        START_TIMEOUT_S)."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            producer = AIOKafkaProducer(**producer_config(self.settings))
            try:
                await producer.start()
                return producer
            except AioKafkaError as exc:
                await producer.stop()
                if time.monotonic() >= deadline:
                    raise PublishError(f"cannot reach the broker {self.settings.kafka_bootstrap}: {exc}", []) from None
                await asyncio.sleep(RETRY_BACKOFF_MS / 1000)

    async def _produce(self, topic: str, key: str, payload: bytes) -> asyncio.Future[Any]:
        """Hand one record to the producer: its delivery future. TimeoutError when the producer
        cannot take it (no metadata, a full buffer) within SEND_MAX_BLOCK_MS."""
        # asyncio.timeout, not wait_for: wait_for wraps every record's send in a task of its own
        async with asyncio.timeout(SEND_MAX_BLOCK_MS / 1000):
            return await self._producer.send(topic, key=key.encode(), value=payload)

    async def _send(self, topic: str, item_id: str, payload: bytes) -> asyncio.Future[Any]:
        """The delivery future of an item's record: one already in flight, else a new send's.
        A send that fails at once (no metadata within SEND_MAX_BLOCK_MS, a full buffer) gives a
        future holding that error: the item stays unmarked, like any failed delivery."""
        future = self._inflight.get(item_id)
        if future is not None:
            return future
        try:
            future = await self._produce(topic, item_id, payload)
        except (AioKafkaError, TimeoutError) as exc:
            failed: asyncio.Future[Any] = self._loop.create_future()
            failed.set_exception(exc)
            failed.exception()  # retrieved here: asyncio must not log it as never retrieved
            return failed
        self._inflight[item_id] = future
        future.add_done_callback(functools.partial(self._settled, item_id))
        return future

    def _settled(self, item_id: str, future: asyncio.Future[Any]) -> None:
        if not future.cancelled() and future.exception() is None:
            meta = future.result()
            self.watermark.acked(meta.partition, meta.offset)
        self._inflight.pop(item_id, None)

    async def _publish(self, items: list[dict[str, Any]], aliases: dict[str, list[str]] | None) -> BatchResult:
        topic = self.topics.items.name
        pending = {item["item_id"]: encode(item) for item in items}
        result = BatchResult()
        for attempt in range(1, PUBLISH_ATTEMPTS + 1):
            ids = list(pending)
            futures = [await self._send(topic, item_id, pending[item_id]) for item_id in ids]
            # asyncio.wait, not wait_for: records still pending at the timeout stay in flight
            await asyncio.wait(futures, timeout=ACK_TIMEOUT_S)
            for item_id, future in zip(ids, futures, strict=True):
                if not future.done():
                    result.error = "TimeoutError: no ack yet"
                    continue
                if future.exception() is not None:
                    exc = future.exception()
                    result.error = f"{type(exc).__name__}: {exc}"
                    continue
                meta = future.result()
                result.published.append(
                    PublishedItem(
                        item_id, tuple((aliases or {}).get(item_id, ())), meta.partition, meta.offset, pending.pop(item_id)
                    )
                )
            if not pending:
                metrics.broker_up.labels("poller").set(1)
                return result
            metrics.broker_up.labels("poller").set(0)
            if attempt < PUBLISH_ATTEMPTS:
                log.warning(
                    "publish: %d of %d items not acknowledged (attempt %d, %s); retrying",
                    len(pending),
                    len(ids),
                    attempt,
                    result.error,
                )
                await asyncio.sleep(min(RETRY_BACKOFF_S * 2 ** (attempt - 1), RETRY_BACKOFF_MAX_S))
        result.failed = list(pending)
        return result

    async def _send_and_wait(self, topic: str, records: dict[str, bytes]) -> dict[str, tuple[int, int]]:
        """Send keyed records and wait for every ack: key -> (partition, offset). PublishError if any fails."""
        futures = {}
        for key, payload in records.items():
            try:
                futures[key] = await self._produce(topic, key, payload)
            except (AioKafkaError, TimeoutError) as exc:
                raise PublishError(f"send to {topic} failed: {type(exc).__name__}: {exc}", []) from None
        if futures:
            await asyncio.wait(list(futures.values()), timeout=ACK_TIMEOUT_S)
        placed, errors = {}, []
        for key, future in futures.items():
            if not future.done():
                future.cancel()
                errors.append("TimeoutError: no ack")
            elif future.exception() is not None:
                errors.append(f"{type(future.exception()).__name__}: {future.exception()}")
            else:
                placed[key] = (future.result().partition, future.result().offset)
        if errors:
            raise PublishError(f"{len(errors)} of {len(futures)} records to {topic} not acknowledged: {errors[0]}", list(placed))
        return placed

    # -- called from the poller's loop ---------------------------------------------------------
    async def publish_batch(
        self, items: list[dict[str, Any]], aliases: dict[str, list[str]] | None = None
    ) -> BatchResult:
        """Send a feed's items and await their acknowledgements; retry failures with backoff.

        Never raises for broker trouble: what was acknowledged is in `published` (to be marked),
        the rest in `failed` (stays unseen, retried at the next poll)."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self._publish(items, aliases), self._loop))

    # -- blocking, from any thread but the producer's ------------------------------------------
    def publish_items(self, items: list[dict[str, Any]]) -> list[str]:
        """Blocking form: send items and return the ids acknowledged. Raises PublishError otherwise."""
        result = self._call(self._publish(items, None))
        for item in result.published:
            self.last_offsets[item.partition] = max(self.last_offsets.get(item.partition, -1), item.offset)
        self.watermark.release([(i.partition, i.offset) for i in result.published])
        acked = [i.item_id for i in result.published]
        if result.failed:
            raise PublishError(f"{len(result.failed)} items not acknowledged: {result.error}", acked)
        return acked

    def republish(self, payloads: dict[str, bytes]) -> dict[str, tuple[int, int]]:
        """Send stored payloads again (audit repair, post-restart verification): id -> new position."""
        return self._call(self._send_and_wait(self.topics.items.name, payloads))

    def dead_letter(self, record: dict[str, Any]) -> None:
        """Write a dead letter and wait for its ack (raises PublishError: the entry is retried later)."""
        self._call(self._send_and_wait(self.topics.dead_letter.name, {record.get("key") or "": encode(record)}))

    def recover_seen(self, seen: Any, settings: Settings, max_per_partition: int = 200_000) -> int:
        """Mark seen every item on the items topic after the store's checkpoints (crash recovery).

        Closes the gap between a broker ack and the local mark: an item published just before a
        crash is found in the log and not published again. Returns how many ids were recovered.
        """
        consumer = KafkaConsumer(**consumer_config(settings, "marsad-poller-recovery"))
        try:
            topic = self.topics.items.name
            parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
            if not parts:
                return 0
            consumer.assign(parts)
            ends = consumer.end_offsets(parts)
            checkpoints = seen.checkpoints()
            todo = {}
            for tp in parts:
                start = max(checkpoints.get(tp.partition, -1) + 1, ends[tp] - max_per_partition, 0)
                if start < ends[tp]:
                    consumer.seek(tp, start)
                    todo[tp] = ends[tp]
                else:
                    consumer.pause(tp)
            ids: list[str] = []
            offsets: dict[int, int] = {}
            while todo:
                batches = consumer.poll(timeout_ms=1000)
                if not batches:
                    break
                for tp, records in batches.items():
                    for rec in records:
                        if rec.key:
                            ids.append(rec.key.decode("utf-8", "replace"))
                        offsets[tp.partition] = max(offsets.get(tp.partition, -1), rec.offset)
                    if consumer.position(tp) >= todo.get(tp, 0):
                        todo.pop(tp, None)
                        consumer.pause(tp)
            with contextlib.suppress(StateWriteError):  # kept in memory; the poller reports the state
                seen.mark(ids, offsets)
            return len(ids)
        finally:
            consumer.close()

    def close(self) -> None:
        with contextlib.suppress(Exception):  # a broker already gone must not stop the shutdown
            self._call(self._producer.stop(), timeout=10)
        self._stop_loop()

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        if not self._thread.is_alive():
            self._loop.close()


__all__ = ["Publisher", "PublishError", "BatchResult", "Watermark", "producer_config", "consumer_config"]
