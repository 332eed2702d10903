"""Plain message handlers for the processor: raw bytes in, messages out (no Kafka here).

The Faust agents in workers.process.app only move bytes between topics and the table; all
decisions (validate, extract, dedup, dead-letter) are made here, so tests and tools can run the
whole pipeline in memory with `LocalPipeline`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from workers import metrics
from workers.contracts import EVENT, NEWS_ITEM, ContractError, dead_letter, decode, encode, validate
from workers.dedup.core import DedupConfig, Outcome, apply, block_key, reported_at, sweep
from workers.extract.core import extract

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


def handle_item(raw: bytes | None, where: Delivery | None = None) -> ItemResult:
    """items topic -> candidate events keyed by block, or a dead-letter record. Never raises."""
    where = where or Delivery()
    started = time.perf_counter()
    metrics.items_in.labels("extract").inc()
    try:
        item = decode(NEWS_ITEM, raw, max_bytes=MAX_ITEM_BYTES)
        events = extract(item)
        for event in events:
            validate(EVENT, event)
    except ContractError as exc:
        return _reject("extract", exc.reason, str(exc), raw, where)
    except Exception as exc:  # noqa: BLE001 - a bug on one item must not stop the stream
        return _reject("extract", "extract_error", f"{type(exc).__name__}: {exc}", raw, where)
    finally:
        metrics.stage_latency.labels("extract").observe(time.perf_counter() - started)
    metrics.items_out.labels("extract").inc()
    for event in events:
        metrics.events_extracted.labels(event["event_type"]).inc()
    return ItemResult(candidates=[(block_key(e), e) for e in events])


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
    outcome: Outcome | None = None
    dead_letter: dict[str, Any] | None = None

    @property
    def publish(self) -> dict[str, Any] | None:
        """The event version to put on the sink, if any."""
        return self.outcome.event if self.outcome and self.outcome.kind != "duplicate" else None


def handle_candidate(
    raw: bytes | None,
    state: list[dict[str, Any]],
    cfg: DedupConfig,
    where: Delivery | None = None,
    events: Mapping[str, dict[str, Any]] | None = None,
) -> CandidateResult:
    """candidates topic + the block's state -> new state and the event version to publish.

    With `events` (event id -> whole latest version) the block state is slim; see dedup.core.apply.
    """
    where = where or Delivery()
    started = time.perf_counter()
    metrics.items_in.labels("dedup").inc()
    try:
        cand = decode(EVENT, raw, max_bytes=MAX_ITEM_BYTES)
        outcome = apply(state, cand, cfg, events)
        if outcome.kind != "duplicate":
            validate(EVENT, outcome.event)
    except ContractError as exc:
        return CandidateResult(dead_letter=_reject("dedup", exc.reason, str(exc), raw, where).dead_letter)
    except Exception as exc:  # noqa: BLE001
        return CandidateResult(
            dead_letter=_reject(
                "dedup", "dedup_error", f"{type(exc).__name__}: {exc}", raw, where
            ).dead_letter
        )
    finally:
        metrics.stage_latency.labels("dedup").observe(time.perf_counter() - started)
    if outcome.kind == "new":
        metrics.items_out.labels("dedup").inc()
    else:
        metrics.items_merged.inc()  # merged into an event, or a redelivered report already merged
    return CandidateResult(outcome=outcome)


class LocalPipeline:
    """extract -> dedup in memory: the same handlers the Faust agents use, for tests, eval and benchmarks.

    `retain=False` keeps no copy of the output (sink, versions): for soak runs, where only the
    pipeline's own state should hold memory.
    """

    SWEEP_EVERY = 500

    def __init__(self, cfg: DedupConfig | None = None, retain: bool = True):
        self.cfg = cfg or DedupConfig()
        self.retain = retain
        self.state: dict[str, list[dict[str, Any]]] = {}  # block key -> slim open events
        self.events: dict[str, dict[str, Any]] = {}  # event id -> whole latest version (open events)
        self.sink: dict[str, dict[str, Any]] = {}  # event_id -> latest version (a compacted topic)
        self.versions: list[dict[str, Any]] = []  # every version emitted, in order
        self.dead_letters: list[dict[str, Any]] = []
        self.emitted = 0
        self.watermark: datetime | None = None
        self._since_sweep = 0

    def feed(self, raw: bytes) -> None:
        result = handle_item(raw)
        if result.dead_letter:
            self.dead_letters.append(result.dead_letter)
        for key, cand in result.candidates:
            res = handle_candidate(encode(cand), self.state.get(key, []), self.cfg, events=self.events)
            if res.dead_letter:
                self.dead_letters.append(res.dead_letter)
                continue
            assert res.outcome is not None
            self.state[key] = res.outcome.state
            for event_id in res.outcome.expired:
                self.events.pop(event_id, None)
            if res.outcome.kind != "duplicate":
                self.events[res.outcome.event["event_id"]] = res.outcome.event
            reported = reported_at(cand)
            if reported and (self.watermark is None or reported > self.watermark):
                self.watermark = reported
            if res.publish:
                self.emitted += 1
                if self.retain:
                    self.sink[res.publish["event_id"]] = res.publish
                    self.versions.append(res.publish)
        self._since_sweep += 1
        if self._since_sweep >= self.SWEEP_EVERY and self.watermark is not None:
            self._since_sweep = 0
            sweep(self.state, self.watermark, self.cfg, on_drop=lambda i: self.events.pop(i, None))
