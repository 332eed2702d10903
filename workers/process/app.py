"""The processor's streaming shell: one aiokafka consumer group over two topics, in one loop.

  items topic --extract (handle_item)--> candidates topic (key = block key: a repartition, like group_by)
  candidates topic --dedup (handle_candidate + DedupState)--> events sink (key = event id,
                                                               partition = the candidate's partition)

One hop where the partitioning allows: a candidate whose block partition this worker owns is
deduplicated at once (handle_report) instead of going through the candidates topic; with one
worker that is every candidate. Only candidates of blocks another worker owns take the second hop.

Why not Faust tables any more (issue 11, measured there): a table holding each block's open events
rewrote up to 1 MB per report to its changelog and the worker died; table changelog writes went out
in a background buffer after the sink send, so a SIGKILL repeated versions on the sink; Faust ran
at 0.35x the in-memory throughput (0.43x of a plain aiokafka loop), with 1.1 s p50 latency (1.5 s
fetch wait per hop) and no gain from a second worker (standbys replaying each other's changelogs).

Exactly-once effect on the sink without transactions: **the sink is the dedup state's changelog.**
Each dedup partition's event versions go to the same-numbered partition of the events topic, and a
version is the only record a report writes (O(1) records, bounded by the event's own size). On
assignment of candidates partition p, `DedupState` p is rebuilt by replaying events partition p
(`DedupState.restore`: same bookkeeping as live, so the same watermark, expiry and cap evictions).
A candidate whose version reached the sink is found in the rebuilt state (its report id is a
source) and publishes nothing; one whose version did not is processed again and published once.
No standby replicas: the sink is the standby.

Measured (bench/replay_backlog.py, 10,000 corpus articles, shared 2-core machine, README "The
processor at volume"): one worker 0.80x the in-memory wall rate and 0.84x its work per CPU-second,
sink equal to the in-memory run; two workers 1.67x; item -> sink p50 49 ms / p99 95 ms at 20 items/s.

Settings that matter: `process_fetch_wait_ms` (the broker-side wait for more input, paid once per
hop when input is sparse), `process_batch_max` (records per poll).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import CommitFailedError, KafkaError
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.structs import ConsumerRecord

from workers import endpoints, metrics
from workers.broker.admin import aiokafka_security
from workers.contracts import encode
from workers.dedup.core import config_for
from workers.dedup.state import RECENT_REPORTS, DedupState
from workers.process.breaker import BreakerHook
from workers.process.handlers import (
    CandidateResult,
    Delivery,
    handle_candidate,
    handle_item,
    handle_report,
    warm_up,
)
from workers.process.report_time import policy_for
from workers.settings import Settings
from workers.topics import Topics, topics_for

log = logging.getLogger(__name__)

METRICS_INTERVAL_S = 10.0  # state size and consumer lag are reported this often
GROUP_SESSION_TIMEOUT_MS = 10_000  # tansu (and small clusters) rebalance in seconds, not a minute
GROUP_HEARTBEAT_MS = 1_000
PRODUCER_LINGER_MS = 2  # small batches of sends within one poll's work


def _freshness(event: dict[str, Any]) -> None:
    last = event.get("last_reported_at")
    if last:
        try:
            age = (
                time.time() - datetime.fromisoformat(last.replace("Z", "+00:00")).astimezone(UTC).timestamp()
            )
            metrics.freshness.observe(max(age, 0.0))
        except ValueError:
            pass


@dataclass
class Processor:
    """One worker of the `settings.app_id` consumer group (start several for more throughput)."""

    settings: Settings
    topics: Topics = field(init=False)
    states: dict[int, DedupState] = field(default_factory=dict)  # candidates partition -> its state
    committed: dict[TopicPartition, int] = field(default_factory=dict)  # next offset, as committed
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one batch, or one rebalance step, at a time
    _consumer: AIOKafkaConsumer | None = None
    _partitioner: DefaultPartitioner = field(default_factory=DefaultPartitioner)
    _producer: AIOKafkaProducer | None = None

    @property
    def breaker_open(self) -> bool:
        return any(b.is_open for b in self.breakers.values())

    def __post_init__(self) -> None:
        self.topics = topics_for(self.settings)
        s = self.settings
        if s.process_batch_max * 2 > RECENT_REPORTS:
            raise ValueError(
                f"process_batch_max {s.process_batch_max} is too large: redelivered reports must stay "
                f"within the {RECENT_REPORTS} DedupState remembers past expiry"
            )
        self.cfg = config_for(s.dedup_window_days, s.dedup_ttl_days, s.dedup_text_similarity)
        # Dead-letter circuit breakers (workers/process/breaker.py), one per stage's input topic.
        self.breakers = {
            stage: BreakerHook(stage, topic, s.dead_letter_limit_ratio, s.dead_letter_limit_window)
            for stage, topic in (("extract", self.topics.items.name), ("dedup", self.topics.candidates.name))
        }
        self.dead_lettered = 0  # dead letters sent by this worker (to tell which record made one)
        self.times = policy_for(s.report_time_skew_s, s.report_time_floor)

    # -- clients -------------------------------------------------------------------------------
    async def start(self) -> None:
        s = self.settings
        warm_up()  # before joining the group: a member that owns partitions should be ready for them
        security = aiokafka_security(s)
        self._producer = AIOKafkaProducer(
            bootstrap_servers=s.kafka_bootstrap,
            acks="all",
            # Not idempotent: tansu answers aiokafka's InitProducerId with an unknown error. aiokafka
            # keeps one batch in flight per partition, so order holds; a retried batch after a lost
            # ack could repeat a version (the broker cannot tell), which a replicated Kafka with
            # idempotence on would not.
            enable_idempotence=False,
            linger_ms=PRODUCER_LINGER_MS,
            max_request_size=4 * 1024 * 1024,
            **security,
        )
        await self._producer.start()
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=s.kafka_bootstrap,
            group_id=s.app_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=s.process_fetch_wait_ms,
            max_poll_records=s.process_batch_max,
            session_timeout_ms=GROUP_SESSION_TIMEOUT_MS,
            heartbeat_interval_ms=GROUP_HEARTBEAT_MS,
            rebalance_timeout_ms=GROUP_SESSION_TIMEOUT_MS,
            **security,
        )
        await self._consumer.start()
        sink = await self._producer.partitions_for(self.topics.events.name)
        if len(sink) != self.topics.candidates.partitions:
            raise RuntimeError(
                f"{self.topics.events.name} has {len(sink)} partitions, {self.topics.candidates.name} "
                f"{self.topics.candidates.partitions}: the sink must mirror the dedup partitions"
            )
        self._consumer.subscribe(
            [self.topics.items.name, self.topics.candidates.name], listener=_Rebalance(self)
        )

    async def stop(self) -> None:
        async with self._lock:
            if self._consumer:
                await self._consumer.stop()  # leaves the group: the partitions move at once
            if self._producer:
                await self._producer.stop()

    async def run(self, stop: asyncio.Event) -> None:
        await self.start()
        metrics.broker_up.labels("processor").set(1)
        log.info("processor started: %s -> %s", self.topics.items.name, self.topics.events.name)
        timers = asyncio.create_task(self._report_metrics())
        try:
            assert self._consumer is not None
            while not stop.is_set():
                if self.breaker_open:
                    # Stop consuming, stay up (metrics, /readyz 503) until stopped: nothing after the
                    # trip is processed or committed, so a restart after the fix resumes there.
                    await stop.wait()
                    break
                batches = await self._consumer.getmany(timeout_ms=200)
                if batches:
                    await self.process(batches)
        finally:
            timers.cancel()
            endpoints.set_ready("processor", False)
            await self.stop()

    # -- one poll's work -----------------------------------------------------------------------
    async def process(self, batches: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        """Process one poll's records, then make them durable. Commit order:

        1. items: extract; candidates (and dead letters) handed to the producer;
           candidates: dedup in `DedupState` (memory); each version (or dead letter) handed to the
           producer, to the events partition numbered as the candidate's partition;
        2. await every send's acknowledgement (acks=all, idempotent producer): the sink records
           are both the output and the dedup state's changelog;
        3. commit the input offsets.
        A crash before 2 completes loses the in-memory state with the unacknowledged outputs: the
        restart rebuilds the state from the sink and reprocesses the input from the last commit,
        so each version is published once. A crash between 2 and 3 redelivers input whose
        versions are in the rebuilt state: they are duplicates and publish nothing. A failed send
        raises and stops the worker (fail-stop: memory is ahead of the sink).
        """
        assert self._consumer is not None
        async with self._lock:
            assigned = self._consumer.assignment()
            sends: list[Awaitable[Any]] = []
            done: dict[TopicPartition, int] = {}
            for tp, records in batches.items():
                if tp not in assigned or not records:
                    continue  # revoked while this poll was waiting for the lock
                is_items = tp.topic == self.topics.items.name
                state = None if is_items else self.states.get(tp.partition)
                if not is_items and state is None:
                    continue
                breaker = self.breakers["extract" if is_items else "dedup"]
                for rec in records:
                    before = self.dead_lettered
                    sends.extend(await (self._extract(rec) if state is None else self._dedup(rec, state)))
                    breaker.record(tp.partition, self.dead_lettered > before)
                    done[tp] = rec.offset + 1
                    if self.breaker_open:
                        break  # the records after the trip stay uncommitted
                if self.breaker_open:
                    break
            if sends:
                await asyncio.gather(*sends)
            if done:
                try:
                    await self._consumer.commit(done)
                except CommitFailedError as exc:
                    # A rebalance took the partitions: the outputs are acknowledged, so the new owner
                    # finds these reports in the state it rebuilds and publishes nothing again.
                    log.warning("offset commit failed (rebalance): %s", exc)
                    return
                self.committed.update(done)

    async def _extract(self, rec: ConsumerRecord) -> list[Awaitable[Any]]:
        assert self._producer is not None
        result = handle_item(rec.value, Delivery(rec.topic, rec.partition, rec.offset, rec.key), self.times, self.cfg)
        sends = [await self._dead_letter(result.dead_letter)] if result.dead_letter else []
        for key, cand in result.candidates:
            raw_key = key.encode()
            partition = self._partition_of(raw_key)
            state = self.states.get(partition)
            if state is not None:
                # One hop: this worker holds the block's state, so the candidate skips the topic.
                # Safe for replay: its version goes to the same sink partition, and a redelivered
                # item finds the report in the state rebuilt from it.
                where = Delivery(self.topics.candidates.name, partition, None, raw_key)
                sends.extend(await self._publish(handle_report(cand, state, where), partition))
            else:
                sends.append(
                    await self._producer.send(self.topics.candidates.name, encode(cand), key=raw_key)
                )
        return sends

    def _partition_of(self, key: bytes) -> int:
        """The candidates partition of a block key: the producer's own partitioner (murmur2)."""
        partitions = list(range(self.topics.candidates.partitions))
        return self._partitioner(key, partitions, partitions)

    async def _dedup(self, rec: ConsumerRecord, state: DedupState) -> list[Awaitable[Any]]:
        result = handle_candidate(rec.value, state, Delivery(rec.topic, rec.partition, rec.offset, rec.key))
        return await self._publish(result, rec.partition)

    async def _publish(self, result: CandidateResult, partition: int) -> list[Awaitable[Any]]:
        """Hand the version (to events partition `partition`: its block's) or the dead letter to the producer."""
        assert self._producer is not None
        if result.dead_letter:
            return [await self._dead_letter(result.dead_letter)]
        sends: list[Awaitable[Any]] = []
        for published in result.publish_all:  # the version, then tombstones of events it absorbed
            sends.append(await self._publish_record(published, partition))
        return sends

    async def _publish_record(self, published: dict[str, Any], partition: int) -> Awaitable[Any]:
        assert self._producer is not None
        event_id = published["event_id"]
        sent = await self._producer.send(
            self.topics.events.name, encode(published), key=event_id.encode(), partition=partition
        )
        log.info(
            "event %s v%d: %s",
            event_id,
            published["version"],
            "merged into " + published["merged_into"] if published.get("merged_into") else published["sub_event_type"],
            extra={
                "event_id": event_id,
                "version": published["version"],
                "item_id": published["sources"][-1]["item_id"],
            },
        )
        loc = published.get("location") or {}
        metrics.events_emitted.labels(
            published["event_type"],
            loc.get("country_code") or "unknown",
            "merged" if published.get("merged_into") else "new" if published["version"] == 1 else "update",
        ).inc()
        _freshness(published)
        return sent

    async def _dead_letter(self, record: dict[str, Any]) -> Awaitable[Any]:
        assert self._producer is not None
        self.dead_lettered += 1  # (handlers count it in marsad_items_rejected_total by reason)
        log.warning(
            "dead-lettered: %s",
            record["error"][:200],
            extra={
                "stage": record["stage"],
                "reason": record["reason"],
                "item_id": record.get("key"),
                "partition": record.get("partition"),
                "offset": record.get("offset"),
            },
        )
        return await self._producer.send(
            self.topics.dead_letter.name, encode(record), key=(record.get("key") or "").encode()
        )

    # -- rebalances ----------------------------------------------------------------------------
    async def assigned(self, tps: set[TopicPartition]) -> None:
        """Rebuild the dedup state of each candidates partition from its events partition."""
        async with self._lock:
            started = time.monotonic()
            for tp in sorted(tps):
                if tp.topic == self.topics.candidates.name and tp.partition not in self.states:
                    self.states[tp.partition] = await self._restore(tp.partition)
            log.info(
                "assigned %s; dedup state restored in %.2f s (%d open events)",
                sorted((t.topic, t.partition) for t in tps),
                time.monotonic() - started,
                sum(len(s) for s in self.states.values()),
            )
            endpoints.set_ready("processor", True)

    async def revoked(self, tps: set[TopicPartition]) -> None:
        """Called before a rebalance: the current batch is done and committed (the lock)."""
        async with self._lock:
            for tp in tps:
                if tp.topic == self.topics.candidates.name:
                    self.states.pop(tp.partition, None)
                self.committed.pop(tp, None)

    async def _restore(self, partition: int) -> DedupState:
        state = DedupState(self.cfg, self.settings.dedup_max_open_per_block)
        sink = TopicPartition(self.topics.events.name, partition)
        reader = AIOKafkaConsumer(
            bootstrap_servers=self.settings.kafka_bootstrap,
            group_id=None,
            enable_auto_commit=False,
            fetch_max_wait_ms=self.settings.process_fetch_wait_ms,
            **aiokafka_security(self.settings),
        )
        await reader.start()
        try:
            reader.assign([sink])
            end = (await reader.end_offsets([sink]))[sink]
            await reader.seek_to_beginning(sink)
            while await reader.position(sink) < end:
                for records in (await reader.getmany(sink, timeout_ms=500, max_records=5000)).values():
                    for rec in records:
                        if rec.value is not None:
                            state.restore(json.loads(rec.value))
        finally:
            await reader.stop()
        return state

    # -- timers --------------------------------------------------------------------------------
    async def _report_metrics(self) -> None:
        """State size and consumer lag (highwater from the fetcher, minus what this worker committed)."""
        while True:
            await asyncio.sleep(METRICS_INTERVAL_S)
            metrics.dedup_state_events.set(sum(len(s) for s in self.states.values()))
            if self._consumer is None:
                continue
            for tp in self._consumer.assignment():
                high = self._consumer.highwater(tp)
                if high is None:
                    continue  # no fetch yet for this partition
                done = self.committed.get(tp)
                if done is None:  # nothing committed by this worker yet: its fetch position
                    try:
                        done = await asyncio.wait_for(self._consumer.position(tp), 1.0)
                    except (TimeoutError, KafkaError, AssertionError):
                        continue
                metrics.consumer_lag.labels(tp.topic, str(tp.partition)).set(max(high - done, 0))


class _Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, processor: Processor):
        self.processor = processor

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        await self.processor.revoked(set(revoked))

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        await self.processor.assigned(set(assigned))


async def run_processor(settings: Settings, stop: asyncio.Event) -> None:
    await Processor(settings).run(stop)
