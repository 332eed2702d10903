"""The sink as downstream readers see it: the latest version of each event, absorbed events removed.

The events topic is compacted and keyed by event id, so the latest record per key wins. A record
may also say an event is gone: a Kafka tombstone (null value), or a record naming the event that
absorbed it (`merged_into`, written when dedup folds one open event into another). Readers
(export, alert, serve, tail) share this one reading of a record so they agree on what "latest" is.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from workers.settings import Settings
from workers.topics import topics_for

PROGRESS_MIN_RECORDS = 2_000  # reads shorter than this print no progress bar
PROGRESS_EVERY_S = 0.25


@dataclass(frozen=True)
class SinkRecord:
    event_id: str
    event: dict[str, Any] | None  # None: the event is gone (tombstone or merged)
    merged_into: str | None = None
    timestamp_ms: int | None = None

    @property
    def removed(self) -> bool:
        return self.event is None


class UnreadableRecord(ValueError):
    pass


def parse_record(key: bytes | None, value: bytes | None, timestamp_ms: int | None = None) -> SinkRecord:
    """One sink record -> SinkRecord; UnreadableRecord for a value that is not an event or a tombstone."""
    if value is None:
        if not key:
            raise UnreadableRecord("tombstone without a key")
        return SinkRecord(key.decode("utf-8", "replace"), None, None, timestamp_ms)
    try:
        data = json.loads(value)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UnreadableRecord(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise UnreadableRecord("not a JSON object")
    event_id = data.get("event_id") or (key.decode("utf-8", "replace") if key else None)
    if not event_id:
        raise UnreadableRecord("no event id")
    if data.get("merged_into"):
        return SinkRecord(event_id, None, str(data["merged_into"]), timestamp_ms)
    if "event_type" not in data or "version" not in data:
        raise UnreadableRecord("neither an event nor a tombstone")
    return SinkRecord(event_id, data, None, timestamp_ms)


@dataclass
class LatestEvents:
    """Latest version per event id; tombstones and merges remove the event (and remember where it went)."""

    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    merged: dict[str, str | None] = field(default_factory=dict)  # removed id -> absorbing id (or None)

    def apply(self, record: SinkRecord) -> None:
        if record.removed:
            self.events.pop(record.event_id, None)
            self.merged[record.event_id] = record.merged_into
            return
        assert record.event is not None
        current = self.events.get(record.event_id)
        if current is None or int(record.event["version"]) >= int(current["version"]):
            self.events[record.event_id] = record.event
            self.merged.pop(record.event_id, None)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.events.values())


class Progress:
    """A one-line progress bar on stderr for long reads (only past PROGRESS_MIN_RECORDS)."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None, width: int = 30):
        self.label, self.total, self.width = label, total, width
        self.stream = stream or sys.stderr
        self.done = 0
        self.enabled = total >= PROGRESS_MIN_RECORDS
        self._last = 0.0

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self.enabled and (now - self._last >= PROGRESS_EVERY_S or self.done >= self.total):
            self._last = now
            share = min(1.0, self.done / max(self.total, 1))
            bar = "#" * int(share * self.width)
            self.stream.write(
                f"\r{self.label} [{bar:<{self.width}}] {self.done:,}/{self.total:,} records {share:4.0%}"
            )
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def consumer_config(settings: Settings) -> dict[str, Any]:
    """aiokafka connection settings from Marsad's (security protocol, SASL, CA file)."""
    config: dict[str, Any] = {"bootstrap_servers": settings.kafka_bootstrap}
    if settings.kafka_security_protocol != "PLAINTEXT":
        config["security_protocol"] = settings.kafka_security_protocol
    if settings.kafka_sasl_mechanism:
        config["sasl_mechanism"] = settings.kafka_sasl_mechanism
        config["sasl_plain_username"] = settings.kafka_sasl_username
        config["sasl_plain_password"] = settings.kafka_sasl_password
    if settings.kafka_ssl_cafile:
        from aiokafka.helpers import create_ssl_context

        config["ssl_context"] = create_ssl_context(cafile=settings.kafka_ssl_cafile)
    return config


class SinkMissing(LookupError):
    pass


async def sink_partitions(consumer: Any, topic: str) -> list[int]:
    """The topic's partitions as the cluster has them (not as MARSAD_PARTITIONS says); SinkMissing if absent."""
    if topic not in await consumer.topics():
        raise SinkMissing(f"topic {topic} does not exist on the cluster (check MARSAD_TOPIC_PREFIX)")
    return sorted(consumer.partitions_for_topic(topic) or [])


async def read_to_end(
    settings: Settings,
    on_record: Callable[[Any], Awaitable[None] | None],
    progress_label: str | None = None,
) -> int:
    """Every record on the sink topic, from the beginning until each partition is caught up.

    `on_record` gets the aiokafka record (key, value, timestamp, partition, offset). Returns the count.
    """
    from aiokafka import AIOKafkaConsumer, TopicPartition

    spec = topics_for(settings).events
    consumer = AIOKafkaConsumer(
        **consumer_config(settings), group_id=None, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    seen = 0
    try:
        parts = [TopicPartition(spec.name, p) for p in await sink_partitions(consumer, spec.name)]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        # The end is the high watermark each fetch reports. ListOffsets answers serve only to size the
        # progress bar: tansu answers them with less than the high watermark (1 for 7 records in one batch).
        ends = await consumer.end_offsets(parts)
        starts = await consumer.beginning_offsets(parts)
        progress = Progress(
            progress_label or f"reading {spec.name}",
            sum(ends[p] - starts[p] for p in parts),
        )
        pending = set(parts)
        while pending:
            batches = await consumer.getmany(*pending, timeout_ms=500)
            for records in batches.values():
                for rec in records:
                    result = on_record(rec)
                    if result is not None:
                        await result
                    seen += 1
                    progress.advance()
            marks = {tp: consumer.highwater(tp) for tp in parts}
            if all(mark is not None for mark in marks.values()):
                progress.total = max(progress.total, sum(marks[p] - starts[p] for p in parts))  # type: ignore[operator]
            for tp in list(pending):
                mark = marks[tp]
                if mark is not None and await consumer.position(tp) >= mark:
                    pending.discard(tp)
        progress.close()
    finally:
        await consumer.stop()
    return seen


async def latest_events(settings: Settings, progress_label: str | None = None) -> tuple[LatestEvents, int]:
    """The sink reduced to the latest version per event. Returns (view, unreadable record count)."""
    view = LatestEvents()
    unreadable = 0

    def take(rec: Any) -> None:
        nonlocal unreadable
        try:
            view.apply(parse_record(rec.key, rec.value, rec.timestamp))
        except UnreadableRecord:
            unreadable += 1

    await read_to_end(settings, take, progress_label)
    return view, unreadable


_UNITS_S = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_since(text: str, now: float | None = None) -> float:
    """A point in time as unix seconds: relative ('30m', '6h', '7d', '2w') or ISO ('2019-03-11', with time)."""
    from datetime import UTC, datetime

    text = text.strip()
    if text and text[-1] in _UNITS_S and text[:-1].isdigit():
        return (time.time() if now is None else now) - int(text[:-1]) * _UNITS_S[text[-1]]
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"cannot read {text!r} as a time: use 30m, 6h, 7d, 2w or an ISO date/time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
