"""The processor's streaming shell: a Faust app with two agents and two tables.

  items topic --extract agent--> candidates topic (key = block key: a repartition, like group_by)
  candidates topic --dedup agent + `dedup-blocks`, `dedup-events` tables--> events sink topic (key = event id)

`dedup-blocks` holds each block's open events in slim form (what matching needs), `dedup-events`
each open event's whole latest version. The tables' changelog topics make dedup state survive restarts and rebalances; because the
candidates topic is keyed by block, every candidate of a block meets its block's state in one
partition, whatever the number of workers.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

import faust
from aiokafka.partitioner import murmur2

from workers import endpoints, metrics
from workers.contracts import encode
from workers.dedup.core import config_for, reported_at, sweep
from workers.process.breaker import BreakerHook
from workers.process.handlers import Delivery, handle_candidate, handle_item
from workers.settings import Settings
from workers.topics import topics_for

log = logging.getLogger(__name__)

SWEEP_INTERVAL_S = 60.0  # how often each partition's dedup blocks are swept for expired events


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


def faust_credentials(settings: Settings) -> Any:
    if settings.kafka_sasl_mechanism:
        import ssl

        ctx = ssl.create_default_context(cafile=settings.kafka_ssl_cafile or None)
        return faust.SASLCredentials(
            username=settings.kafka_sasl_username,
            password=settings.kafka_sasl_password,
            mechanism=settings.kafka_sasl_mechanism,
            ssl_context=ctx if "SSL" in settings.kafka_security_protocol else None,
        )
    if settings.kafka_security_protocol == "SSL":
        import ssl

        return faust.SSLCredentials(ssl.create_default_context(cafile=settings.kafka_ssl_cafile or None))
    return None


def create_app(settings: Settings) -> faust.App:
    topics = topics_for(settings)
    cfg = config_for(settings.dedup_window_days, settings.dedup_ttl_days, settings.dedup_text_similarity)
    app = faust.App(
        settings.app_id,
        broker=f"kafka://{settings.kafka_bootstrap}",
        broker_credentials=faust_credentials(settings),
        store=settings.store,
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        web_enabled=False,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        # Short group timeouts: tansu (and small clusters) rebalance in seconds, not a minute.
        broker_session_timeout=10,
        broker_heartbeat_interval=1,
        broker_rebalance_timeout=10,
        stream_recovery_delay=0,
        table_cleanup_interval=60,
        datadir=f"{settings.state_dir}/faust",
    )
    items = app.topic(
        topics.items.name, key_type=bytes, value_type=bytes, value_serializer="raw", key_serializer="raw"
    )
    candidates = app.topic(
        topics.candidates.name,
        key_type=bytes,
        value_type=bytes,
        value_serializer="raw",
        key_serializer="raw",
        partitions=topics.candidates.partitions,
    )
    events = app.topic(topics.events.name, key_serializer="raw", value_serializer="raw")
    dead_letters = app.topic(topics.dead_letter.name, key_serializer="raw", value_serializer="raw")
    # Key: block key (str), value: the block's open events (JSON). Co-partitioned with `candidates`.
    blocks = app.Table("dedup-blocks", default=list, partitions=topics.candidates.partitions, key_type=str)
    # Key: event id, value: the event's whole latest version. Written only while a candidate of the
    # event's block is processed, so it lives on the same partition as its block.
    open_events = app.Table("dedup-events", partitions=topics.candidates.partitions, key_type=str)

    async def send_dead_letter(record: dict[str, Any]) -> None:
        await dead_letters.send(key=(record.get("key") or "").encode(), value=encode(record))
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

    def breaker(stage: str, topic: str) -> BreakerHook:
        return BreakerHook(stage, topic, settings.dead_letter_limit_ratio, settings.dead_letter_limit_window)

    extract_breaker = breaker("extract", topics.items.name)
    dedup_breaker = breaker("dedup", topics.candidates.name)

    @app.agent(items, name="extract")
    async def extract_agent(stream: faust.StreamT) -> None:
        async for event in stream.events():
            await extract_breaker.hold_if_open()
            msg = event.message
            result = handle_item(event.value, Delivery(msg.topic, msg.partition, msg.offset, event.key))
            extract_breaker.record(msg.partition, result.dead_letter is not None)
            if result.dead_letter:
                await send_dead_letter(result.dead_letter)
            for key, cand in result.candidates:
                await candidates.send(key=key.encode(), value=encode(cand))

    watermark: dict[str, datetime] = {}  # newest report time this worker has seen (event time)
    last_sweep: dict[int, float] = {}

    def sweep_partition(partition: int) -> None:
        """Expire old events of every block on `partition`, inside the agent's iteration.

        Blocks that get no new report are never touched by `apply`, so they are swept here. Faust
        writes a table change to the changelog partition of the current event, so only the keys of
        that partition (same murmur2 partitioner as the producer) are rewritten or deleted.
        """
        now = watermark.get("now")
        if now is None:
            return
        n = topics.candidates.partitions
        mine = {k: list(v) for k, v in blocks.items() if (murmur2(k.encode()) & 0x7FFFFFFF) % n == partition}
        before = {k: len(v) for k, v in mine.items()}
        sweep(mine, now, cfg, on_drop=lambda event_id: open_events.pop(event_id, None))
        for key, count in before.items():
            if key not in mine:
                del blocks[key]
            elif len(mine[key]) != count:
                blocks[key] = mine[key]

    @app.agent(candidates, name="dedup")
    async def dedup_agent(stream: faust.StreamT) -> None:
        async for event in stream.events():
            await dedup_breaker.hold_if_open()
            msg = event.message
            raw_key = event.key or b""
            key = raw_key.decode("utf-8", "replace")
            result = handle_candidate(
                event.value,
                list(blocks[key]),
                cfg,
                Delivery(msg.topic, msg.partition, msg.offset, raw_key),
                events=open_events,
            )
            dedup_breaker.record(msg.partition, result.dead_letter is not None)
            if result.dead_letter:
                await send_dead_letter(result.dead_letter)
                continue
            assert result.outcome is not None
            for event_id in result.outcome.expired:
                open_events.pop(event_id, None)
            if result.outcome.kind != "duplicate":
                blocks[key] = result.outcome.state
                open_events[result.outcome.event["event_id"]] = result.outcome.event
            reported = reported_at(result.outcome.event)
            if reported and ("now" not in watermark or reported > watermark["now"]):
                watermark["now"] = reported
            if time.monotonic() - last_sweep.get(msg.partition, 0.0) > SWEEP_INTERVAL_S:
                last_sweep[msg.partition] = time.monotonic()
                sweep_partition(msg.partition)
            published = result.publish
            if published:
                await events.send(key=published["event_id"].encode(), value=encode(published))
                log.info(
                    "event %s v%d: %s",
                    published["event_id"],
                    published["version"],
                    published["sub_event_type"],
                    extra={
                        "event_id": published["event_id"],
                        "version": published["version"],
                        "item_id": published["sources"][-1]["item_id"],
                    },
                )
                loc = published.get("location") or {}
                metrics.events_emitted.labels(
                    published["event_type"],
                    loc.get("country_code") or "unknown",
                    "new" if published["version"] == 1 else "update",
                ).inc()
                _freshness(published)

    @app.timer(10.0)
    async def report_state_size() -> None:
        # A timer, not per message: walking the table is O(state).
        metrics.dedup_state_events.set(sum(len(v) for v in blocks.values()))

    @app.timer(10.0)
    async def report_lag() -> None:
        consumer = app.consumer
        committed = getattr(consumer, "_committed_offset", {})
        for tp in consumer.assignment():
            try:
                high = consumer.highwater(tp)
            except Exception:  # noqa: BLE001 - no fetch yet for this partition
                continue
            done = committed.get(tp)
            metrics.consumer_lag.labels(tp.topic, str(tp.partition)).set(
                max(high - (done + 1 if done is not None else 0), 0)
            )

    @app.task
    async def on_started() -> None:
        metrics.broker_up.labels("processor").set(1)
        endpoints.set_ready("processor", True)
        log.info("processor started: %s -> %s", topics.items.name, topics.events.name)

    return app
