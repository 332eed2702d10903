"""Nothing lost silently: compare what the poller published with what the items topic holds.

The embedded single-node broker, SIGKILLed with S3 storage, lost 6 of 5,978 acknowledged items in
2 of 31 kills, and answered their producer retries with DuplicateSequenceNumber, so no client could
tell from acks (issue 16). The poller's journal (seen.py) keeps each published item's partition,
offset and payload; two checks read it against the topic:

- `verify_recent`: the poller, at start and when the broker comes back after failed publishes,
  reads the items topic past its last verified offset and republishes journal entries not on it;
- `audit`: `marsad audit --since/--until` compares, over a time range, items published per the
  journal vs items on the topic vs item ids cited as sources on the sink, reports the gap, and
  with `--repair` republishes the missing items from the journal.

Republished items keep their item id, so the processor treats them as any redelivery (dedup
recognises a report it already merged).
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from kafka import KafkaConsumer, TopicPartition

from workers import metrics
from workers.poll.publish import Publisher, consumer_config
from workers.poll.seen import JournalEntry, SeenStore
from workers.settings import Settings
from workers.topics import topics_for

log = logging.getLogger(__name__)

READ_POLL_MS = 1000


@dataclass
class TopicScan:
    keys: set[str] = field(default_factory=set)
    last: dict[int, int] = field(default_factory=dict)  # partition -> highest offset read
    records: int = 0


def _read(consumer: KafkaConsumer, parts: list[TopicPartition], on_record) -> None:  # type: ignore[no-untyped-def]
    """Read assigned partitions to their end. The end offset a broker reports is only a lower bound
    here (tansu answers the last batch's base offset + 1), so reading stops at the first empty poll
    once every partition is past it."""
    ends = consumer.end_offsets(parts)
    empty_polls = 0
    while empty_polls < 2:
        batches = consumer.poll(timeout_ms=READ_POLL_MS)
        for records in batches.values():
            for rec in records:
                on_record(rec)
        reached = all(consumer.position(tp) >= ends[tp] for tp in parts)
        if batches:
            empty_polls = 0
        elif reached:
            empty_polls += 2
        else:
            empty_polls += 1
            if empty_polls >= 2:
                raise RuntimeError(f"could not read {parts[0].topic} to its end")


def scan_topic(settings: Settings, topic: str, starts: dict[int, int] | None = None) -> TopicScan:
    """Keys of the records of `topic` from `starts` (partition -> offset; all partitions from the
    beginning when None) to the end."""
    consumer = KafkaConsumer(**consumer_config(settings, "marsad-audit"))
    scan = TopicScan()
    try:
        partitions = sorted(consumer.partitions_for_topic(topic) or [])
        parts = [TopicPartition(topic, p) for p in partitions if starts is None or p in starts]
        if not parts:
            return scan
        consumer.assign(parts)
        beginnings = consumer.beginning_offsets(parts)
        for tp in parts:
            consumer.seek(tp, max((starts or {}).get(tp.partition, 0), beginnings[tp]))

        def take(rec) -> None:  # type: ignore[no-untyped-def]
            scan.records += 1
            scan.last[rec.partition] = max(scan.last.get(rec.partition, -1), rec.offset)
            if rec.key:
                scan.keys.add(rec.key.decode("utf-8", "replace"))

        _read(consumer, parts, take)
        return scan
    finally:
        consumer.close()


def sink_sources(settings: Settings) -> set[str]:
    """Item ids cited as sources by the latest version of every event on the sink."""
    consumer = KafkaConsumer(**consumer_config(settings, "marsad-audit-sink"))
    latest: dict[bytes, bytes] = {}
    try:
        topic = topics_for(settings).events.name
        parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
        if not parts:
            return set()
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)

        def take(rec) -> None:  # type: ignore[no-untyped-def]
            if rec.key is not None and rec.value is not None:
                latest[rec.key] = rec.value

        _read(consumer, parts, take)
    finally:
        consumer.close()
    ids: set[str] = set()
    for value in latest.values():
        try:
            ids.update(s["item_id"] for s in json.loads(value).get("sources", []))
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # an unreadable event is the processor's dead letter, not the audit's concern
    return ids


def republish(seen: SeenStore, publisher: Publisher, missing: list[JournalEntry], by: str) -> int:
    """Publish the journal's copies of missing items again and record their new positions."""
    payloads = seen.payloads([e.item_id for e in missing])
    if not payloads:
        return 0
    placed = publisher.republish(payloads)
    seen.relocate(placed)
    metrics.items_republished.labels(by).inc(len(placed))
    return len(placed)


@dataclass
class VerifyReport:
    checked: int = 0
    missing: list[str] = field(default_factory=list)
    republished: int = 0


def verify_recent(seen: SeenStore, publisher: Publisher, settings: Settings) -> VerifyReport:
    """Check journal entries past the last verified offsets against the items topic; republish
    the missing ones; advance the verified offsets."""
    verified = seen.verified()
    entries = seen.journal_after(verified)
    report = VerifyReport(checked=len(entries))
    if not entries:
        return report
    partitions = {e.partition for e in entries}
    scan = scan_topic(
        settings, topics_for(settings).items.name, {p: verified.get(p, -1) + 1 for p in partitions}
    )
    missing = [e for e in entries if e.item_id not in scan.keys]
    report.missing = [e.item_id for e in missing]
    if missing:
        log.error(
            "verify: %d of %d acknowledged items are not on the items topic (the broker lost them); "
            "publishing them again from the journal",
            len(missing),
            len(entries),
        )
        report.republished = republish(seen, publisher, missing, "verify")
    # Up to the highest offset both read and checked: items marked while the topic was read (their
    # journal rows came after the entries above) and republished items lie beyond it, so the next
    # check covers them.
    checked: dict[int, int] = {}
    for e in entries:
        checked[e.partition] = max(checked.get(e.partition, -1), e.offset)
    seen.set_verified({p: min(last, checked[p]) for p, last in scan.last.items() if p in checked})
    return report


@dataclass
class AuditReport:
    since: float
    until: float
    published: int = 0  # per the journal
    on_topic: int = 0
    missing: list[JournalEntry] = field(default_factory=list)
    with_events: int = 0  # of those on the topic, items cited as a source on the sink
    sink_not_on_topic: list[str] = field(default_factory=list)
    republished: int = 0

    def lines(self) -> list[str]:
        out = [
            f"items published per the poller's journal: {self.published}",
            f"  on the items topic: {self.on_topic}",
            f"  missing from the items topic: {len(self.missing)}",
            f"  cited as a source by an event on the sink: {self.with_events}",
            f"sink sources from this range not on the items topic: {len(self.sink_not_on_topic)}",
        ]
        out += [
            f"missing: {e.item_id} (was partition {e.partition} offset {e.offset})" for e in self.missing[:50]
        ]
        if len(self.missing) > 50:
            out.append(f"... and {len(self.missing) - 50} more")
        if self.republished:
            out.append(f"republished from the journal: {self.republished}")
        return out


def audit(
    settings: Settings, seen: SeenStore, since: float, until: float, publisher: Publisher | None = None
) -> AuditReport:
    """Compare the journal with the items topic and the sink over [since, until) (unix times);
    republish what is missing when a publisher is given."""
    entries = seen.journal_between(since, until)
    report = AuditReport(since, until, published=len(entries))
    if not entries:
        return report
    starts: dict[int, int] = defaultdict(lambda: 1 << 62)
    for e in entries:
        starts[e.partition] = min(starts[e.partition], e.offset)
    scan = scan_topic(settings, topics_for(settings).items.name, dict(starts))
    report.missing = [e for e in entries if e.item_id not in scan.keys]
    report.on_topic = len(entries) - len(report.missing)
    cited = sink_sources(settings)
    ids = {e.item_id for e in entries}
    report.with_events = len(cited & (ids - {e.item_id for e in report.missing}))
    report.sink_not_on_topic = sorted(cited & {e.item_id for e in report.missing})
    if publisher is not None and report.missing:
        report.republished = republish(seen, publisher, report.missing, "audit")
    return report
