"""Dedup state: the one implementation of open events, their block index, expiry and watermark.

Used by the in-memory pipeline (`workers.process.handlers.LocalPipeline`) and by the streaming
worker (`workers.process.app`, one `DedupState` per candidates partition), so both reach the same
events from the same reports. Matching itself is `workers.dedup.core.match` / `merge_into`.

Layout (why): the worker used to keep each block's whole list of open events under one table key
and rewrite it to a changelog on every report: O(open events) bytes per report, 1 MB (Kafka's
message limit) for a busy block, and the worker died (issue 11). Here:

- `EventStore`: event id -> the event's whole latest version. One record per event; a report
  changes exactly one (the version it publishes). Nothing else is durable: in the worker the
  store's changelog *is* the sink topic (each version goes to the partition of its block), and
  `restore` rebuilds everything else from those versions.
  A version is bounded by the event's own size (MAX_SOURCES, MAX_EVIDENCE), not by its block's:
  the largest of 100,000 synthetic reports was 1.5 KB; a heavily reported event can still reach
  a few hundred KB.
- Block index (memory only): block key -> {event id: `IndexEntry(day, last_reported_at)`}, about
  60 bytes per event, used to pick the events dated within the matching window. Matching then
  reads `slim` records (kept in memory beside the store, made once per version when first needed,
  with the text sketch).
- Cap: at most `max_open_per_block` open events per block. Past it, the event reported least
  recently (oldest `last_reported_at`, then smallest id) is evicted: it is the least likely to get
  another report, and a late report of it opens a new event, as after expiry. Counted in
  `marsad_dedup_evicted_total{reason="block_cap"}`.
- Watermark: the newest `last_reported_at` of any version applied (new or merged; never a
  duplicate or a rejected report), so a restore from the published versions rebuilds the same
  watermark. Report times are clamped at ingestion (workers.process.report_time), so one item
  dated 2099 cannot move it.
- Expiry runs on every applied report: events not reported since watermark - TTL leave the state
  (a heap on last_reported_at, O(log n) per report), so a backlog replay cannot outgrow it.
  Counted in `marsad_dedup_evicted_total{reason="ttl"}`.

- Recent reports: the report ids of the last `RECENT_REPORTS` versions applied (report id ->
  event id), kept whatever happened to their events since. A report that arrives already older
  than watermark - TTL (a backlog is not in time order) opens an event that expires at once; if
  the worker dies before committing its input offset, that report is redelivered and must still
  be recognised. Redelivery reaches back at most one uncommitted poll (`process_batch_max`
  candidates), far fewer than this window.

`restore(event)` replays one published version through the same bookkeeping as `apply`, so a
state restored from the sink equals the state that published it (same cap evictions, same expiry).

Issue 15 adds, all rebuilt by `restore` from the same versions:
- Blocks are countries (`workers.dedup.core.block_key`); event types are compared in matching.
  A day index per block (block -> ISO day -> event ids) gives the events within the window in
  2 * window + 1 lookups (a country's block is several times a type's: scanning it cost 4x).
- Events placed nowhere (block `unknown`) are compared with every report of the window (at most
  `DedupConfig.vague_scan`); a report placed nowhere is compared with the partition's most recently
  reported events.
- Story-fingerprint table: each source's 64-bit SimHash split into `SIMHASH_BANDS` bands; a
  candidate whose article is a copy (<= 6 bits apart) shares at least one band with its original,
  so its copies are found in any block of the partition with 7 dict lookups.
- Late bridging: a report that matches two open events shows they are one, when the two events
  also match each other above `bridge_min_score` (a report's link to each is second-hand evidence
  that they are one; at any score above zero one truck-bombing report bridged three Kabul events of
  two days, held_out_r3_mixed pairwise F1 0.55, 0.68 with the margin). The event reported
  first (then the smaller id) keeps its id and takes the other's reports in one new version; the
  other gets a tombstone version, `merged_into` the kept id (`Applied.tombstones`), published after
  it, and leaves the state (a restore that reads the tombstone drops it too).
"""

from __future__ import annotations

import heapq
import itertools
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from workers import metrics
from workers.dedup.core import (
    MAX_EVIDENCE,
    UNKNOWN,
    DedupConfig,
    block_key,
    day_text,
    in_window,
    match,
    match_score,
    merge_into,
    slim,
    window_day_list,
    window_days,
)
from workers.dedup.revision import revise, supersedes
from workers.extract.fingerprint import SYNDICATION_MAX_DISTANCE

DEFAULT_MAX_OPEN_PER_BLOCK = 2000  # settings.dedup_max_open_per_block; a block is a whole country since issue 15
RECENT_REPORTS = 5_000  # report ids remembered past expiry (more than any redelivery reaches back)
SIMHASH_BITS = 64
SIMHASH_BANDS = 7  # copies are <= 6 bits apart (SYNDICATION_MAX_DISTANCE): one band is intact
_BAND_EDGES = [round(i * SIMHASH_BITS / SIMHASH_BANDS) for i in range(SIMHASH_BANDS + 1)]
_EMPTY_PRINT = "0" * 16


def simhash_bands(fingerprint: str | None) -> list[tuple[int, int]]:
    """(band number, band bits) of a 64-bit SimHash (hex); none for a missing or empty one."""
    if not fingerprint or fingerprint == _EMPTY_PRINT:
        return []
    value = int(fingerprint, 16)
    return [
        (i, (value >> lo) & ((1 << (hi - lo)) - 1))
        for i, (lo, hi) in enumerate(zip(_BAND_EDGES, _BAND_EDGES[1:], strict=False))
    ]


def tombstone(absorbed: dict[str, Any], kept_id: str) -> dict[str, Any]:
    """The last version of an event absorbed by a bridge: downstream consumers drop `event_id` and
    follow `merged_into` (schemas/event.json)."""
    return {
        **absorbed,
        "version": absorbed["version"] + 1,
        "merged_into": kept_id,
        "changes": [f"merged into {kept_id}"],
    }


class EventStore(Protocol):
    """Event id -> whole latest version of an open event."""

    def get(self, event_id: str) -> dict[str, Any] | None: ...
    def put(self, event_id: str, event: dict[str, Any]) -> None: ...
    def delete(self, event_id: str) -> None: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[str]: ...


class MemoryStore(dict[str, dict[str, Any]]):
    """The default EventStore: a dict (the worker's durable copy is the sink topic)."""

    def put(self, event_id: str, event: dict[str, Any]) -> None:
        self[event_id] = event

    def delete(self, event_id: str) -> None:
        self.pop(event_id, None)


@dataclass(frozen=True)
class IndexEntry:
    """What the block index keeps per open event."""

    day: str  # ISO day of the event ('' unknown): the matching window filter
    last_reported_at: str  # its newest report: expiry and cap eviction


@dataclass(frozen=True)
class Applied:
    """The result of one report."""

    kind: str  # new | merged | duplicate
    # the version to publish; for a duplicate, the event already holding the report (only its id
    # when that event has left the state since)
    event: dict[str, Any]
    expired: tuple[str, ...] = ()  # event ids that left the state after this report (TTL)
    evicted: tuple[str, ...] = ()  # event ids pushed out by the per-block cap
    tombstones: tuple[dict[str, Any], ...] = ()  # versions of events this report bridged into `event`

    @property
    def publish(self) -> dict[str, Any] | None:
        return None if self.kind == "duplicate" else self.event

    @property
    def publish_all(self) -> list[dict[str, Any]]:
        """Every record to put on the sink, in order: the version, then the tombstones."""
        return [] if self.kind == "duplicate" else [self.event, *self.tombstones]


def _iso(when: datetime) -> str:
    return when.isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class DedupState:
    """Open events of some blocks (all of them in memory; one candidates partition in the worker)."""

    cfg: DedupConfig = field(default_factory=DedupConfig)
    max_open_per_block: int = DEFAULT_MAX_OPEN_PER_BLOCK
    store: EventStore = field(default_factory=MemoryStore)
    blocks: dict[str, dict[str, IndexEntry]] = field(default_factory=dict)
    watermark: str | None = None  # newest last_reported_at applied (UTC ISO, to the second)
    _slim: dict[str, dict[str, Any]] = field(default_factory=dict)
    _block_of: dict[str, str] = field(default_factory=dict)
    _expiry: list[tuple[str, str]] = field(default_factory=list)  # heap of (last_reported_at, event id)
    _recent: OrderedDict[str, str] = field(default_factory=OrderedDict)  # report id -> event id
    # SimHash band -> (event id, the source's whole print): a band finds copies' candidates, the
    # print tells a copy (<= 6 bits) from a band-mate at once
    _bands: dict[tuple[int, int], set[tuple[str, int]]] = field(default_factory=dict)
    _bands_of: dict[str, set[tuple[tuple[int, int], int]]] = field(default_factory=dict)
    # block -> ISO day -> event ids: the window is 2 * window_days + 1 lookups, not a scan of the block
    _days: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    _day_of: dict[str, str] = field(default_factory=dict)
    _touched: OrderedDict[str, None] = field(default_factory=OrderedDict)  # event ids, last reported last

    # -- the API -------------------------------------------------------------------------------
    def apply(self, cand: dict[str, Any]) -> Applied:
        """Dedup one single-report event (already validated, report time already clamped)."""
        report_id = cand["sources"][0].get("report_id") or cand["event_id"]
        if report_id in self._recent:  # applied already (its event may have expired since)
            event_id = self._recent[report_id]
            held = self.store.get(event_id)
            if held is None or not supersedes(held, cand):
                return Applied("duplicate", held or {"event_id": event_id})
            return self._revise(held, cand)  # a newer revision of an applied report
        window = window_days(cand, self.cfg)
        near = self._candidates_for(cand, window)
        decision = match([self._slim_of(event_id) for event_id in near], cand, self.cfg)
        if decision.kind == "duplicate":
            event = self.store.get(near[decision.index])  # type: ignore[index]
            assert event is not None
            return Applied("duplicate", event)
        if decision.kind == "revised":
            held = self.store.get(near[decision.index])  # type: ignore[index]
            assert held is not None
            return self._revise(held, cand)
        tombstones: list[dict[str, Any]] = []
        if decision.kind == "new":
            event = {**cand, "version": 1, "changes": []}
        else:
            whole = self.store.get(near[decision.index])  # type: ignore[index]
            assert whole is not None
            event = merge_into(whole, cand)
            if self.cfg.bridging:
                event, tombstones = self._bridge(event, [near[i] for i in decision.also])
        evicted, expired = self._put(event)
        return Applied(decision.kind, event, expired, evicted, tuple(tombstones))

    def _candidates_for(self, cand: dict[str, Any], window: tuple[str, str] | None) -> list[str]:
        """The open events `cand` may be (see workers.dedup.core: blocking), in a fixed order."""
        key = block_key(cand)
        days = self._days.get(key, {})
        wanted = window_day_list(window) if window else sorted(days)
        # ("": events of unknown day match any). The order does not decide anything: `match` ranks
        # by score, then event id.
        found = dict.fromkeys(event_id for day in [*wanted, ""] for event_id in days.get(day, ()))
        if key != UNKNOWN:  # events placed nowhere, dated within the window (at most vague_scan)
            unplaced = self._days.get(UNKNOWN, {})
            pool: Iterable[str] = (e for day in [*wanted, ""] for e in unplaced.get(day, ()))
            for event_id in itertools.islice(pool, self.cfg.vague_scan):
                found[event_id] = None
        else:  # placed nowhere itself: the partition's most recently reported events
            for event_id in itertools.islice(reversed(self._touched), self.cfg.vague_scan):
                if event_id not in found and in_window(self._day(event_id), window):
                    found[event_id] = None
        if self.cfg.copies_join:
            for source in cand["sources"]:
                fingerprint = source.get("fingerprint")
                for band in simhash_bands(fingerprint):
                    bits = int(fingerprint, 16)
                    for event_id, other in self._bands.get(band, ()):
                        if (
                            (bits ^ other).bit_count() <= SYNDICATION_MAX_DISTANCE
                            and event_id not in found
                            and in_window(self._day(event_id), window)
                        ):
                            found[event_id] = None
        return list(found)

    def _drop_day(self, key: str, day: str, event_id: str) -> None:
        by_day = self._days[key]
        by_day[day].discard(event_id)
        if not by_day[day]:
            del by_day[day]
            if not by_day:
                del self._days[key]

    def _published_version(self, event_id: str) -> int:
        stored = self.store.get(event_id)
        return int(stored["version"]) if stored else 0

    def _day(self, event_id: str) -> str:
        return self.blocks[self._block_of[event_id]][event_id].day

    def _bridge(self, event: dict[str, Any], others: list[str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Merge into `event` the other open events its new report also matched, where the two
        events match each other above `bridge_min_score`; the one reported first keeps its id."""
        tombstones: list[dict[str, Any]] = []
        for other_id in others:
            other = self.store.get(other_id)
            if other is None or other_id == event["event_id"]:
                continue
            if match_score(slim(other), slim(event), self.cfg) <= self.cfg.bridge_min_score:
                continue  # e.g. the other holds a report of the same article: told apart there
            kept, absorbed = sorted(
                (event, other), key=lambda e: (e.get("first_reported_at") or "", e["event_id"])
            )
            merged = merge_into(kept, absorbed)
            merged["changes"] = [*merged["changes"], f"merged with {absorbed['event_id']}"]
            # One new version per event per report: the versions made in this call are not published.
            merged["version"] = self._published_version(kept["event_id"]) + 1
            gone = tombstone(absorbed, kept["event_id"])
            gone["version"] = self._published_version(absorbed["event_id"]) + 1
            tombstones.append(gone)
            self._forget(absorbed["event_id"])
            event = merged
        return event, tombstones

    def _revise(self, held: dict[str, Any], cand: dict[str, Any]) -> Applied:
        """A re-fetched article (same report, higher revision): its figures replace the earlier
        revision's in the event that holds it (workers/dedup/revision.py)."""
        revised = revise(held, cand, MAX_EVIDENCE)
        evicted, expired = self._put(revised)
        return Applied("merged", revised, expired, evicted)

    def restore(self, event: dict[str, Any]) -> None:
        """Replay one published version (read back from the sink) through the same bookkeeping."""
        if event.get("merged_into"):
            if event["event_id"] in self._block_of:
                self._forget(event["event_id"])
            return
        self._put(event)

    def get(self, event_id: str) -> dict[str, Any] | None:
        return self.store.get(event_id)

    def __len__(self) -> int:
        """Open events."""
        return len(self._block_of)

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._block_of

    # -- bookkeeping ---------------------------------------------------------------------------
    def _slim_of(self, event_id: str) -> dict[str, Any]:
        record = self._slim.get(event_id)
        if record is None:
            event = self.store.get(event_id)
            assert event is not None
            record = self._slim[event_id] = slim(event)
        return record

    def _put(self, event: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        key = block_key(event)
        event_id = event["event_id"]
        last = event.get("last_reported_at") or ""
        previous = self.store.get(event_id)
        held = {s.get("report_id") or event_id for s in previous["sources"]} if previous else set()
        old_key = self._block_of.get(event_id)
        if old_key is not None and old_key != key:  # cannot happen for merges; a restore may disagree
            self._forget(event_id)
        self.store.put(event_id, event)
        self._slim.pop(event_id, None)  # made when matching first needs it: a restore replays many
        # versions that are superseded or expire before any report is matched against them
        self._block_of[event_id] = key
        self.blocks.setdefault(key, {})[event_id] = IndexEntry(day_text(event), last)
        self._touched.pop(event_id, None)
        self._touched[event_id] = None
        day = day_text(event)[:10]
        old_day = self._day_of.get(event_id)
        if old_day is not None and old_day != day:
            self._drop_day(key, old_day, event_id)
        self._day_of[event_id] = day
        self._days.setdefault(key, {}).setdefault(day, set()).add(event_id)
        bands = self._bands_of.setdefault(event_id, set())
        for source in event["sources"]:
            fingerprint = source.get("fingerprint")
            for band in simhash_bands(fingerprint):
                entry = (band, int(fingerprint, 16))
                if entry not in bands:
                    bands.add(entry)
                    self._bands.setdefault(band, set()).add((event_id, entry[1]))
        # the reports this version added (sources are in publication order, not arrival order: the
        # new one need not be last); the same from a restore, which puts the same versions in turn
        for source in event["sources"]:
            report_id = source.get("report_id") or event_id
            if report_id not in held:
                self._recent.pop(report_id, None)
                self._recent[report_id] = event_id
        while len(self._recent) > RECENT_REPORTS:
            self._recent.popitem(last=False)
        if last:
            heapq.heappush(self._expiry, (last, event_id))
            if self.watermark is None or last > self.watermark:
                self.watermark = last
        evicted = self._cap(key)
        expired = self._expire()
        return evicted, expired

    def _cap(self, key: str) -> tuple[str, ...]:
        index = self.blocks[key]
        evicted: list[str] = []
        while len(index) > self.max_open_per_block:
            oldest = min(index, key=lambda event_id: (index[event_id].last_reported_at, event_id))
            self._forget(oldest)
            evicted.append(oldest)
        if evicted:
            metrics.dedup_evicted.labels("block_cap").inc(len(evicted))
        return tuple(evicted)

    def _expire(self) -> tuple[str, ...]:
        if self.watermark is None:
            return ()
        try:
            now = datetime.fromisoformat(self.watermark.replace("Z", "+00:00"))
        except ValueError:
            return ()
        cutoff = _iso(now - timedelta(days=self.cfg.ttl_days))
        expired: list[str] = []
        while self._expiry and self._expiry[0][0][:19] < cutoff[:19]:
            last, event_id = heapq.heappop(self._expiry)
            key = self._block_of.get(event_id)
            if key is None or self.blocks[key][event_id].last_reported_at != last:
                continue  # evicted already, or reported again since: a newer heap entry stands
            self._forget(event_id)
            expired.append(event_id)
        if expired:
            metrics.dedup_evicted.labels("ttl").inc(len(expired))
        return tuple(expired)

    def _forget(self, event_id: str) -> None:
        key = self._block_of.pop(event_id)
        index = self.blocks[key]
        del index[event_id]
        if not index:
            del self.blocks[key]
        self._slim.pop(event_id, None)
        self._touched.pop(event_id, None)
        for band, bits in self._bands_of.pop(event_id, ()):
            holders = self._bands[band]
            holders.discard((event_id, bits))
            if not holders:
                del self._bands[band]
        day = self._day_of.pop(event_id, None)
        if day is not None:
            self._drop_day(key, day, event_id)
        self.store.delete(event_id)
