"""Publish items with kafka-python: acks=all, idempotent, keyed by item id; pipelined and retried.

Pipelining: every feed's batch is sent through one producer without a lock; each batch awaits
its own records' acknowledgements (kafka-python futures bridged to asyncio) and is marked seen
as soon as they arrive. The earlier design published, flushed and marked one feed at a time under
a global lock: on 2,000 local feeds py-spy found 20% of samples holding that lock and 30% waiting
on it (issue 16); the first pass ran at 0.70x a plain `feedparser.parse(url)` loop.

Checkpoints: with batches in flight at once, the recovery checkpoint of a partition may only
advance to just below the lowest offset that was acknowledged but not yet marked (`Watermark`),
so the checkpoint never covers an item whose mark could still be lost in a crash.

Errors: every way a send can fail (KafkaTimeoutError from `send()` while metadata is missing, a
full buffer, a failed future) leaves the item unmarked; the batch is retried with exponential
backoff, and what is still unacknowledged is retried at the feed's next poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError

from workers import metrics
from workers.broker.admin import kafka_python_security
from workers.contracts import encode
from workers.poll.seen import PublishedItem, StateWriteError
from workers.settings import Settings
from workers.topics import topics_for

log = logging.getLogger(__name__)

# Tuning (why these values): a broker away for a minute must not turn into a busy reconnect loop
# (a proxy that accepted and closed connections drew 169,597 log lines in 60 s from kafka-python's
# 50 ms default backoff); sends must not block a thread for kafka-python's 60 s default when the
# broker is unknown; a batch is retried a few times within one poll, then at the next poll.
RECONNECT_BACKOFF_MS = 500
RECONNECT_BACKOFF_MAX_MS = 30_000
SEND_MAX_BLOCK_MS = 10_000
# kafka-python fails a record for good after DELIVERY_TIMEOUT_MS (when its sender gets to check).
REQUEST_TIMEOUT_MS = 15_000
DELIVERY_TIMEOUT_MS = 30_000
# How long a batch waits for acks before its feed counts as failed for this poll. Records still in
# flight then are not sent again: a later attempt joins the same record (Publisher._inflight).
ACK_TIMEOUT_S = 30.0
RETRY_BACKOFF_MS = 1000
# Records per produce request: kafka-python's 16 KB default held one feed's batch per partition, so
# with 5 requests in flight the poller waited on broker round trips (426 ms per feed on the 600-feed
# profile, against 107 ms at 1 MB, with the poll pass 16% shorter).
BATCH_SIZE_BYTES = 1024 * 1024
# zstd, not gzip: on 20-item feeds of real articles (87 KB of JSON) kafka-python's gzip (level 9,
# fixed) took 24 ms of CPU per feed, zstd 1.1 ms for a batch 8% larger (25 KB against 23 KB; the
# CRC32C kafka-python computes over it in pure Python, 4-6 ms, is the larger cost left). Readers
# need a zstd codec: `zstandard` for kafka-python (the audit), `cramjam` for aiokafka (processor).
COMPRESSION = "zstd"
PUBLISH_ATTEMPTS = 3
RETRY_BACKOFF_S = 1.0
RETRY_BACKOFF_MAX_S = 10.0


def producer_config(settings: Settings) -> dict[str, Any]:
    return {
        "bootstrap_servers": settings.kafka_bootstrap,
        "acks": "all",
        "enable_idempotence": True,
        "compression_type": COMPRESSION,
        "linger_ms": 5,
        "batch_size": BATCH_SIZE_BYTES,
        "retries": 5,
        "max_request_size": 4 * 1024 * 1024,
        "max_block_ms": SEND_MAX_BLOCK_MS,
        "request_timeout_ms": REQUEST_TIMEOUT_MS,
        "delivery_timeout_ms": DELIVERY_TIMEOUT_MS,
        "reconnect_backoff_ms": RECONNECT_BACKOFF_MS,
        "reconnect_backoff_max_ms": RECONNECT_BACKOFF_MAX_MS,
        # also paces the sender's loop looking for a broker to ask for a producer id (idempotence)
        "retry_backoff_ms": RETRY_BACKOFF_MS,
        "client_id": "marsad-poller",
        **kafka_python_security(settings),
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
    order (one producer, idempotent), so an item still in flight gets a higher offset than any
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


class _BatchWaiter:
    """Collects a batch's record outcomes from the producer's thread; wakes the event loop once,
    when the last record settled (not once per record)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, size: int):
        self.loop = loop
        self.done: asyncio.Future[None] = loop.create_future()
        self._results: list[Any] = [None] * size
        self._left = size
        self._lock = threading.Lock()
        if size == 0:
            self.done.set_result(None)

    def settle(self, slot: int, result: Any) -> None:
        with self._lock:
            if self._results[slot] is not None:
                return
            self._results[slot] = result
            self._left -= 1
            last = self._left == 0
        if last and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._finish)

    def _finish(self) -> None:
        if not self.done.done():
            self.done.set_result(None)

    def outcomes(self) -> list[Any]:
        with self._lock:
            return [r if r is not None else TimeoutError("no ack yet") for r in self._results]


@dataclass
class BatchResult:
    published: list[PublishedItem] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # item ids never acknowledged
    error: str | None = None


class Publisher:
    def __init__(self, settings: Settings, producer: KafkaProducer | None = None):
        self.settings = settings
        self.topics = topics_for(settings)
        self.watermark = Watermark()
        self.lock = threading.Lock()  # kept for callers that publish and mark as one step (tests)
        self.last_offsets: dict[int, int] = {}
        self.producer = producer or KafkaProducer(**producer_config(settings))
        # Records sent but not yet settled, by item id: a batch that gave up waiting for them
        # leaves them here, and a later attempt awaits the same record instead of sending a second.
        self._inflight: dict[str, Any] = {}
        self._inflight_lock = threading.RLock()

    def _send_all(self, topic: str, ids: list[str], payloads: dict[str, bytes], waiter: _BatchWaiter) -> None:
        """Send a batch's records (joining any of them still in flight from an earlier attempt)."""
        for slot, item_id in enumerate(ids):
            with self._inflight_lock:
                future = self._inflight.get(item_id)
                if future is None:
                    try:
                        future = self.producer.send(topic, key=item_id.encode(), value=payloads[item_id])
                    except (KafkaError, BufferError, AssertionError) as exc:
                        # KafkaTimeoutError (metadata not available within max_block_ms) is raised
                        # here, not through the future: it used to escape the publish error handling.
                        waiter.settle(slot, exc)
                        continue
                    self._inflight[item_id] = future
                    future.add_callback(self._settled, item_id, True)
                    future.add_errback(self._settled, item_id, False)
            future.add_callback(waiter.settle, slot)
            future.add_errback(waiter.settle, slot)

    def _settled(self, item_id: str, acked: bool, result: Any) -> None:
        if acked:
            self.watermark.acked(result.partition, result.offset)
        with self._inflight_lock:
            self._inflight.pop(item_id, None)

    async def publish_batch(
        self, items: list[dict[str, Any]], aliases: dict[str, list[str]] | None = None
    ) -> BatchResult:
        """Send a feed's items and await their acknowledgements; retry failures with backoff.

        Never raises for broker trouble: what was acknowledged is in `published` (to be marked),
        the rest in `failed` (stays unseen, retried at the next poll)."""
        loop = asyncio.get_running_loop()
        topic = self.topics.items.name
        pending = {item["item_id"]: encode(item) for item in items}
        result = BatchResult()
        for attempt in range(1, PUBLISH_ATTEMPTS + 1):
            ids = list(pending)
            waiter = _BatchWaiter(loop, len(ids))
            # send() can block (metadata, full buffer): off the event loop.
            await asyncio.to_thread(self._send_all, topic, ids, pending, waiter)
            # asyncio.wait, not wait_for: records still pending at the timeout stay in flight
            await asyncio.wait([waiter.done], timeout=ACK_TIMEOUT_S)
            for item_id, outcome in zip(ids, waiter.outcomes(), strict=True):
                if isinstance(outcome, BaseException):
                    result.error = f"{type(outcome).__name__}: {outcome}"
                    continue
                result.published.append(
                    PublishedItem(
                        item_id,
                        tuple((aliases or {}).get(item_id, ())),
                        outcome.partition,
                        outcome.offset,
                        pending.pop(item_id),
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

    def publish_items(
        self, items: list[dict[str, Any]], attempts: int = PUBLISH_ATTEMPTS, timeout_s: float = 30.0
    ) -> list[str]:
        """Blocking form: send items and return the ids acknowledged. Raises PublishError otherwise."""
        result = asyncio.run(self.publish_batch(items))
        for item in result.published:
            self.last_offsets[item.partition] = max(self.last_offsets.get(item.partition, -1), item.offset)
        self.watermark.release([(i.partition, i.offset) for i in result.published])
        acked = [i.item_id for i in result.published]
        if result.failed:
            raise PublishError(f"{len(result.failed)} items not acknowledged: {result.error}", acked)
        return acked

    def republish(self, payloads: dict[str, bytes]) -> dict[str, tuple[int, int]]:
        """Send stored payloads again (audit repair, post-restart verification): id -> new position."""
        futures = {
            item_id: self.producer.send(self.topics.items.name, key=item_id.encode(), value=payload)
            for item_id, payload in payloads.items()
        }
        self.producer.flush(timeout=ACK_TIMEOUT_S)
        placed = {}
        for item_id, future in futures.items():
            meta = future.get(timeout=ACK_TIMEOUT_S)
            placed[item_id] = (meta.partition, meta.offset)
        return placed

    def dead_letter(self, record: dict[str, Any]) -> None:
        """Write a dead letter and wait for its ack (raises KafkaError: the entry is retried later)."""
        future = self.producer.send(
            self.topics.dead_letter.name, key=(record.get("key") or "").encode(), value=encode(record)
        )
        future.get(timeout=ACK_TIMEOUT_S)

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
        self.producer.close(timeout=10)


__all__ = ["Publisher", "PublishError", "BatchResult", "Watermark", "producer_config", "consumer_config"]
