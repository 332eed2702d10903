"""Plain message handlers for the processor: raw bytes in, messages out (no Kafka here).

The processor shell in workers.process.app only moves bytes between topics and the state; all
decisions (validate, extract, dedup, dead-letter) are made here, so tests and tools can run the
whole pipeline in memory with `LocalPipeline`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from workers import metrics
from workers.contracts import EVENT, NEWS_ITEM, ContractError, dead_letter, decode, encode, validate
from workers.dedup.core import DedupConfig, join_siblings, routing_key
from workers.dedup.state import DEFAULT_MAX_OPEN_PER_BLOCK, Applied, DedupState
from workers.extract.core import extract
from workers.process.report_time import TimePolicy, clamp_report_time

MAX_ITEM_BYTES = 2_000_000


@dataclass
class Delivery:
    """Where a message came from (for dead-letter records)."""

    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    key: bytes | None = None


@dataclass
class ItemResult:
    candidates: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (block key, event)
    dead_letter: dict[str, Any] | None = None


def handle_item(
    raw: bytes | None,
    where: Delivery | None = None,
    times: TimePolicy | None = None,
    cfg: DedupConfig | None = None,
) -> ItemResult:
    """items topic -> candidate events keyed by block, or a dead-letter record. Never raises.

    The report time is made trustworthy here, once (workers.process.report_time). Each message is
    validated once, by the stage that reads it: the item here, each candidate in handle_candidate
    (tests/test_fuzz.py checks that extraction only makes valid candidates)."""
    where = where or Delivery()
    started = time.perf_counter()
    metrics.items_in.labels("extract").inc()
    try:
        item = clamp_report_time(decode(NEWS_ITEM, raw, max_bytes=MAX_ITEM_BYTES), times or TimePolicy())
        # one article's namings of one event become one report here, before any other report can
        # come between them (workers.dedup.core.join_siblings)
        events = join_siblings(extract(item), cfg)
        claimed = item.get("published_at_claimed")
        if claimed:  # flagged on the report itself, so every version of the event keeps it
            for event in events:
                event["sources"][0]["published_at_claimed"] = claimed
    except ContractError as exc:
        return _reject("extract", exc.reason, str(exc), raw, where)
    except Exception as exc:  # noqa: BLE001 - a bug on one item must not stop the stream
        return _reject("extract", "extract_error", f"{type(exc).__name__}: {exc}", raw, where)
    finally:
        metrics.stage_latency.labels("extract").observe(time.perf_counter() - started)
    metrics.items_out.labels("extract").inc()
    for event in events:
        metrics.events_extracted.labels(event["event_type"]).inc()
    return ItemResult(candidates=[(routing_key(e, events), e) for e in events])


def _reject(stage: str, reason: str, error: str, raw: bytes | None, where: Delivery) -> ItemResult:
    metrics.items_rejected.labels(stage, reason).inc()
    record = dead_letter(
        stage,
        reason,
        error,
        raw,
        source_topic=where.topic,
        partition=where.partition,
        offset=where.offset,
        key=where.key,
    )
    return ItemResult(dead_letter=record)


@dataclass
class CandidateResult:
    applied: Applied | None = None
    dead_letter: dict[str, Any] | None = None

    @property
    def publish(self) -> dict[str, Any] | None:
        """The event version to put on the sink, if any."""
        return self.applied.publish if self.applied else None

    @property
    def publish_all(self) -> list[dict[str, Any]]:
        """Every record to put on the sink, in order: the version, then tombstones of events a
        bridge merged into it."""
        return self.applied.publish_all if self.applied else []


def handle_candidate(raw: bytes | None, state: DedupState, where: Delivery | None = None) -> CandidateResult:
    """candidates topic -> `state` updated and the event version to publish (or a dead letter).

    The candidate is validated here (its topic is an input edge); the version it yields is built
    by merge code from validated parts and is not validated again (tests check it)."""
    return _dedup(raw, None, state, where or Delivery())


def handle_report(cand: dict[str, Any], state: DedupState, where: Delivery | None = None) -> CandidateResult:
    """A candidate made in this process, for a block whose state this process holds (the worker's
    one-hop path): the same as handle_candidate without the JSON round trip."""
    return _dedup(None, cand, state, where or Delivery())


def _dedup(
    raw: bytes | None, cand: dict[str, Any] | None, state: DedupState, where: Delivery
) -> CandidateResult:
    started = time.perf_counter()
    metrics.items_in.labels("dedup").inc()
    try:
        if cand is None:
            cand = decode(EVENT, raw, max_bytes=MAX_ITEM_BYTES)
        else:
            validate(EVENT, cand)
        applied = state.apply(cand)
    except ContractError as exc:
        raw = raw if cand is None else encode(cand)
        return CandidateResult(dead_letter=_reject("dedup", exc.reason, str(exc), raw, where).dead_letter)
    except Exception as exc:  # noqa: BLE001
        raw = raw if cand is None else encode(cand)
        return CandidateResult(
            dead_letter=_reject(
                "dedup", "dedup_error", f"{type(exc).__name__}: {exc}", raw, where
            ).dead_letter
        )
    finally:
        metrics.stage_latency.labels("dedup").observe(time.perf_counter() - started)
    if applied.kind == "new":
        metrics.items_out.labels("dedup").inc()
    else:
        metrics.items_merged.inc()  # merged into an event, or a redelivered report already merged
    return CandidateResult(applied=applied)


class LocalPipeline:
    """extract -> dedup in memory: the same handlers and the same DedupState the worker uses, for
    tests, eval and benchmarks. One DedupState: the worker with one candidates partition.

    `retain=False` keeps no copy of the output (sink, versions): for soak runs, where only the
    pipeline's own state should hold memory.
    """

    def __init__(
        self,
        cfg: DedupConfig | None = None,
        retain: bool = True,
        times: TimePolicy | None = None,
        max_open_per_block: int = DEFAULT_MAX_OPEN_PER_BLOCK,
    ):
        self.cfg = cfg or DedupConfig()
        self.retain = retain
        self.times = times or TimePolicy()
        self.dedup = DedupState(self.cfg, max_open_per_block)
        self.sink: dict[str, dict[str, Any]] = {}  # event_id -> latest version (a compacted topic)
        self.merged_into: dict[str, str] = {}  # absorbed event id -> the id it was merged into
        self.versions: list[dict[str, Any]] = []  # every version emitted, in order
        self.dead_letters: list[dict[str, Any]] = []
        self.emitted = 0

    def feed(self, raw: bytes) -> None:
        result = handle_item(raw, times=self.times, cfg=self.cfg)
        if result.dead_letter:
            self.dead_letters.append(result.dead_letter)
        for _key, cand in result.candidates:
            self.feed_candidate(encode(cand))

    def feed_candidate(self, raw: bytes) -> CandidateResult:
        res = handle_candidate(raw, self.dedup)
        if res.dead_letter:
            self.dead_letters.append(res.dead_letter)
        for record in res.publish_all:
            self.emitted += 1
            if self.retain:
                if record.get("merged_into"):
                    self.sink.pop(record["event_id"], None)  # consumers drop an absorbed event
                    self.merged_into[record["event_id"]] = record["merged_into"]
                else:
                    self.sink[record["event_id"]] = record
                self.versions.append(record)
        return res


WARM_UP_ITEM = {
    "schema_version": 1,
    "item_id": "0" * 20,
    "feed_id": "warm-up",
    "source": "warm-up",
    "url": "",
    "title": "قصف على دمشق",
    "text": "قتل ثلاثة أشخاص وأصيب خمسة آخرون في قصف جوي على مدينة دمشق اليوم، بحسب المرصد السوري.",
    "language": "ar",
    "published_at": "2019-03-11T10:00:00Z",
    "fetched_at": "2019-03-11T10:00:00Z",
}


def warm_up() -> None:
    """Load lexicons and gazetteers and compile the validators before the first real message: the
    first item otherwise pays ~1.5 s, felt as latency by everything queued behind it."""
    validate(NEWS_ITEM, WARM_UP_ITEM)
    for event in extract(WARM_UP_ITEM):
        validate(EVENT, event)
