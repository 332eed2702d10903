"""Pure core of the dedup stage: merge a single-report event into the open events of its block.

Blocking: candidates meet only within their block (event type x country), which is also the
Kafka key of the repartition topic, so every candidate of a block lands in one partition.
Within a block, a candidate joins the best-matching open event when place (by distance), date
window, actors, casualty figures and wording agree; otherwise it opens a new event. An event keeps the id it
was born with; each merge emits a new version with what changed.
"""

from __future__ import annotations

import heapq
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from workers.extract.fingerprint import is_copy
from workers.extract.gazetteer import NEAR_KM, PRECISION_RANK, distance_km
from workers.extract.text import fold

MAX_SOURCES = 200
MAX_EVIDENCE = 200
# Same sub-type, day and place reach it (0.55); anything less certain needs evidence on top.
MERGE_THRESHOLD = 0.55


def block_key(event: dict[str, Any]) -> str:
    """Event type x country: reports of one event name its place at different grains (Douma, Eastern
    Ghouta, Damascus countryside, Syria), so places are compared inside the block, by distance."""
    country = (event.get("location") or {}).get("country_code") or "unknown"
    return f"{event['event_type']}|{country}"


CHEMICAL = "chemical_weapon"
AREA_KM = 60  # farther apart than this, two places are two events


def place_agreement(a: dict[str, Any] | None, b: dict[str, Any] | None) -> float | None:
    """1 same place, 0.6 nearby, 0.3 unknown (no place, or only a country); None: too far apart."""
    if not a or not b or a.get("lat") is None or b.get("lat") is None:
        return 0.3
    if a.get("id") == b.get("id"):
        return 1.0
    km = distance_km(a["lat"], a["lon"], b["lat"], b["lon"])
    return 1.0 if km <= NEAR_KM else 0.6 if km <= AREA_KM else None


def _day_text(event: dict[str, Any]) -> str:
    """The event's day as ISO text: its date, else the day it was first reported."""
    return event.get("date") or (event.get("first_reported_at") or "")[:10]


def _day(event: dict[str, Any]) -> date | None:
    value = _day_text(event)
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def reported_at(event: dict[str, Any]) -> datetime | None:
    """When the event was last reported (its newest source), or None."""
    value = event.get("last_reported_at")
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


SKETCH_SIZE = 64


@lru_cache(maxsize=4096)  # recent candidates' texts; open events keep their sketch in the state
def sketch(text: str, n: int = 4) -> tuple[int, ...]:
    """Bottom-k sketch of the text's character 4-grams: the SKETCH_SIZE smallest CRC32 values.
    Two sketches estimate the 4-gram Jaccard overlap; an open event keeps its sketch in the block
    state, so a busy block is not re-shingled for every report."""
    t = "".join(fold(text).split())
    grams = {t[i : i + n] for i in range(max(1, len(t) - n + 1))}
    return tuple(heapq.nsmallest(SKETCH_SIZE, {zlib.crc32(g.encode()) for g in grams}))


def sketch_similarity(a: tuple[int, ...] | list[int], b: tuple[int, ...] | list[int]) -> float:
    if not a or not b:
        return 0.0
    sa, sb = set(a), set(b)
    union = heapq.nsmallest(SKETCH_SIZE, sa | sb)
    both = sa & sb
    return sum(1 for x in union if x in both) / len(union)


def story_text(event: dict[str, Any]) -> str:
    """What a report says about the event: its headline and the sentence that reports it."""
    title = event["sources"][0].get("title", "") if event.get("sources") else ""
    return f"{title}. {event.get('summary', '')}"


def lexical_similarity(a: dict[str, Any], b: dict[str, Any]) -> float:
    """Jaccard overlap of character 4-grams of the two stories (headline + reporting sentence),
    estimated from their sketches."""
    return sketch_similarity(
        a.get("sketch") or sketch(story_text(a)), b.get("sketch") or sketch(story_text(b))
    )


def _figures(event: dict[str, Any]) -> dict[str, tuple[int, int | None]]:
    return {k: (v["min"], v["max"]) for k, v in event["casualties"].items() if v and v["min"]}


def _casualties_agree(a: dict[str, Any], b: dict[str, Any]) -> float:
    """1 when figures overlap or are missing, lower the further apart they are."""
    scores = []
    for kind in ("killed", "wounded", "captured"):
        x, y = a["casualties"].get(kind), b["casualties"].get(kind)
        if not x or not y:
            continue
        x_hi = x["max"] if x["max"] is not None else 10**9
        y_hi = y["max"] if y["max"] is not None else 10**9
        if x["min"] <= y_hi and y["min"] <= x_hi:
            scores.append(1.0)
        else:
            lo, hi = sorted([max(x["min"], 1), max(y["min"], 1)])
            scores.append(0.7 if hi <= 3 * lo else 0.2)
    return min(scores) if scores else 1.0


Similarity = Callable[[dict[str, Any], dict[str, Any]], float]


@dataclass(frozen=True)
class DedupConfig:
    window_days: int = 1
    ttl_days: int = 14
    threshold: float = MERGE_THRESHOLD
    text_sim: Similarity = lexical_similarity  # or workers.dedup.semantic.semantic_similarity
    # Text similarity below `text_floor` says nothing; at `text_full` it is full evidence. Measured on
    # the labelled clusters (eval/): same-story pairs average 0.10 lexical / 0.55 semantic, pairs of
    # different stories in the same town 0.06 / 0.44.
    text_floor: float = 0.04
    text_full: float = 0.14


def _is_copy_of_any(event: dict[str, Any], cand: dict[str, Any]) -> bool:
    fingerprint = cand["sources"][0].get("fingerprint")
    return any(is_copy(s.get("fingerprint"), fingerprint) for s in event["sources"])


def _attackers(event: dict[str, Any]) -> set[str]:
    """Actors the report names as carrying the event out (role `actor`; `unknown` counts too, as
    the report did not say they were only the target)."""
    return {a["id"] for a in event["actors"] if a.get("role", "actor") != "target"}


def match_score(event: dict[str, Any], cand: dict[str, Any], cfg: DedupConfig, text_sim: Similarity) -> float:
    """0 when the two cannot be the same event; else the evidence that they are, in [0, 1].

    Same type, place and day only make two reports candidates: a busy town has several events a
    day. Merging needs evidence on top: similar wording, the same casualty figures, the same
    belligerents, or a syndicated copy of a report already in the event.
    """
    if event["event_type"] != cand["event_type"]:
        return 0.0
    if {s["item_id"] for s in event["sources"]} & {s["item_id"] for s in cand["sources"]}:
        return 0.0  # the article itself told these apart (e.g. an airstrike and a suicide attack)
    d1, d2 = _day(event), _day(cand)
    if d1 and d2 and abs((d1 - d2).days) > cfg.window_days:
        return 0.0
    ea = {a["id"] for a in event["actors"]}
    ca = {a["id"] for a in cand["actors"]}
    if _attackers(event) and _attackers(cand) and not ea & ca:
        # different attackers: a different attack in the same place. (One report may name only the
        # attacker and another only the side attacked: that is no contradiction.)
        return 0.0
    if _casualties_agree(event, cand) < 0.5:
        return 0.0
    place = place_agreement(event.get("location"), cand.get("location"))
    if place is None:
        return 0.0  # same country, different towns
    same_sub = event["sub_event_type"] == cand["sub_event_type"]
    if not same_sub and CHEMICAL in (event["sub_event_type"], cand["sub_event_type"]):
        return 0.0  # a gas attack is its own event, even beside that day's shelling of the same town
    if same_sub and _is_copy_of_any(event, cand):
        return 1.0  # the same wire copy
    date_score = 1.0 if not (d1 and d2) else 1.0 - abs((d1 - d2).days) / (cfg.window_days + 1)
    actor_score = len(ea & ca) / len(ea | ca) if ea and ca else 0.0
    fa, fc = _figures(event), _figures(cand)
    same_figures = any(fa[k] == fc[k] for k in fa.keys() & fc.keys())
    text = (text_sim(event, cand) - cfg.text_floor) / (cfg.text_full - cfg.text_floor)
    both_lead = bool(event.get("lead")) and bool(cand.get("lead"))
    return min(
        1.0,
        0.25 * same_sub
        + 0.15 * date_score
        + 0.15 * place
        + 0.25 * min(max(text, 0.0), 1.0)
        + 0.1 * actor_score
        + 0.1 * same_figures
        + 0.1 * both_lead,
    )


def _merge_count(a: dict[str, Any] | None, b: dict[str, Any] | None) -> dict[str, Any] | None:
    if not a or not b:
        return a or b
    lo = min(a["min"], b["min"])
    hi = None if a["max"] is None or b["max"] is None else max(a["max"], b["max"])
    out = {"min": lo, "max": hi}
    texts = [t for t in (a.get("text"), b.get("text")) if t]
    if texts:
        out["text"] = " / ".join(dict.fromkeys(" / ".join(texts).split(" / ")))[:200]
    return out


def _fmt_count(c: dict[str, Any] | None) -> str:
    if not c:
        return "-"
    if c["max"] == c["min"]:
        return str(c["min"])
    return f"{c['min']}-{c['max'] if c['max'] is not None else ''}"


def _finer_place(a: dict[str, Any] | None, b: dict[str, Any] | None) -> dict[str, Any] | None:
    """The more precise of two places of one event (a town over its province over its country);
    between two towns, the smaller id: an arbitrary but fixed choice, the same in any arrival order."""
    if not a or not b:
        return a or b
    rank_a, rank_b = (
        PRECISION_RANK.get(a.get("precision", ""), 0),
        PRECISION_RANK.get(b.get("precision", ""), 0),
    )
    if rank_a != rank_b:
        return a if rank_a > rank_b else b
    return a if a["id"] <= b["id"] else b


def merge_into(event: dict[str, Any], cand: dict[str, Any]) -> dict[str, Any]:
    """A new version of `event` that includes the report in `cand` (same id, version + 1)."""
    merged = {**event, "version": event["version"] + 1}
    changes: list[str] = []
    source = dict(cand["sources"][0])
    for existing in event["sources"]:
        # a copy is a copy whoever publishes it (an outlet reposting its own story under a second URL too)
        if is_copy(existing.get("fingerprint"), source.get("fingerprint")):
            source["copy_of"] = existing["item_id"]
            break
    merged["sources"] = (event["sources"] + [source])[:MAX_SOURCES]
    changes.append(
        f"source added: {source['source']}" + (" (syndicated copy)" if source.get("copy_of") else "")
    )
    actors = {a["id"]: a for a in event["actors"]}
    for a in cand["actors"]:
        if a["id"] not in actors:
            actors[a["id"]] = a
            changes.append(f"actor added: {a['id']}")
    merged["actors"] = list(actors.values())
    casualties = {}
    for kind, before in event["casualties"].items():
        after = _merge_count(before, cand["casualties"].get(kind))
        casualties[kind] = after
        if (before or {}).get("min") != (after or {}).get("min") or (before or {}).get("max") != (
            after or {}
        ).get("max"):
            changes.append(f"{kind}: {_fmt_count(before)} -> {_fmt_count(after)}")
    merged["casualties"] = casualties
    # Reports of one block can arrive in either order (they come from different input partitions):
    # the finer place wins whichever came first. (The summary and sub-type stay the first report's.)
    place = _finer_place(event.get("location"), cand.get("location"))
    if place is not event.get("location"):
        merged["location"] = place
        changes.append(f"location: {(event.get('location') or {}).get('name', '-')} -> {place['name']}")
    if not event.get("date") and cand.get("date"):
        merged["date"] = cand["date"]
        changes.append("date set")
    merged["attributions"] = event["attributions"] + [
        a for a in cand["attributions"] if a not in event["attributions"]
    ]
    merged["evidence"] = (event["evidence"] + cand["evidence"])[:MAX_EVIDENCE]
    times = [t for t in (event.get("first_reported_at"), cand.get("first_reported_at")) if t]
    merged["first_reported_at"] = min(times) if times else None
    times = [t for t in (event.get("last_reported_at"), cand.get("last_reported_at")) if t]
    merged["last_reported_at"] = max(times) if times else None
    independent = {s["source"] for s in merged["sources"] if not s.get("copy_of")}
    merged["confidence"] = round(
        min(1.0, max(event["confidence"], cand["confidence"]) + 0.05 * (len(independent) - 1)), 3
    )
    merged["attempted"] = bool(event.get("attempted")) and bool(cand.get("attempted"))
    merged["lead"] = bool(event.get("lead")) or bool(cand.get("lead"))
    merged["changes"] = changes
    return merged


@dataclass(frozen=True)
class Outcome:
    kind: str  # new | merged | duplicate
    event: dict[str, Any]  # the version to publish (or the unchanged event for duplicates)
    state: list[dict[str, Any]]  # the block's open events after this candidate


SLIM_SUMMARY = 1000  # characters of the reporting sentence kept for text similarity


def slim(event: dict[str, Any]) -> dict[str, Any]:
    """What matching needs of an event: no evidence, a cut summary, the text sketch computed once.
    workers.dedup.state keeps it in memory beside the whole version, so a busy block is not
    re-sketched for every report."""
    loc = event.get("location")
    return {
        "event_id": event["event_id"],
        "event_type": event["event_type"],
        "sub_event_type": event["sub_event_type"],
        "date": event.get("date"),
        "first_reported_at": event.get("first_reported_at"),
        "last_reported_at": event.get("last_reported_at"),
        "location": {k: loc.get(k) for k in ("id", "lat", "lon", "precision", "country_code")}
        if loc
        else None,
        "actors": [{"id": a["id"], "role": a.get("role", "unknown")} for a in event["actors"]],
        "casualties": {k: v and {"min": v["min"], "max": v["max"]} for k, v in event["casualties"].items()},
        "lead": bool(event.get("lead")),
        "summary": event.get("summary", "")[:SLIM_SUMMARY],
        "sketch": list(sketch(story_text(event))),
        "sources": [
            {k: s.get(k) for k in ("item_id", "report_id", "fingerprint", "title") if k in s}
            for s in event["sources"]
        ],
    }


def _has_report(event: dict[str, Any], cand: dict[str, Any]) -> bool:
    """Is `cand` (a single-report event) already one of `event`'s sources? By the report's own id:
    one article can give two events of a kind in one block (clashes in two towns of a country)."""
    source = cand["sources"][0]
    report_id = source.get("report_id") or cand["event_id"]
    return any(
        s.get("report_id") == report_id
        if "report_id" in s
        else s["item_id"] == source["item_id"] and event["sub_event_type"] == cand["sub_event_type"]
        for s in event["sources"]
    )


def window_days(cand: dict[str, Any], cfg: DedupConfig) -> tuple[str, str] | None:
    """The ISO days (lo, hi) an open event must be dated within to match `cand`; None: any day."""
    day = _day(cand)
    if day is None:
        return None
    return (
        (day - timedelta(days=cfg.window_days)).isoformat(),
        (day + timedelta(days=cfg.window_days)).isoformat(),
    )


def in_window(day_text: str, window: tuple[str, str] | None) -> bool:
    """An open event dated `day_text` (ISO, '' unknown) may match within `window`."""
    return window is None or not day_text or window[0] <= day_text[:10] <= window[1]


def day_text(event: dict[str, Any]) -> str:
    """The event's day as ISO text ('' unknown): what the block index keeps for the window filter."""
    return _day_text(event)


@dataclass(frozen=True)
class Match:
    """What to do with a candidate, given the open events it may match (see `match`)."""

    kind: str  # new | merged | duplicate
    index: int | None = None  # position of the matched event in the list given to `match`


def match(open_events: list[dict[str, Any]], cand: dict[str, Any], cfg: DedupConfig) -> Match:
    """Decide against `open_events` (whole or slim records, already filtered to the date window):
    `duplicate` if one already holds this report (a redelivery), else `merged` into the best
    match at or above the threshold, else `new`."""
    for i, event in enumerate(open_events):
        # Redelivery (at-least-once) or the same report seen twice: nothing changes, nothing is emitted.
        if _has_report(event, cand):
            return Match("duplicate", i)
    scored = [(match_score(e, cand, cfg, cfg.text_sim), i) for i, e in enumerate(open_events)]
    scored = [(s, i) for s, i in scored if s >= cfg.threshold]
    if not scored:
        return Match("new")
    return Match("merged", max(scored)[1])


def apply(state: list[dict[str, Any]], cand: dict[str, Any], cfg: DedupConfig | None = None) -> Outcome:
    """Merge `cand` into a block's open events `state` (whole events; pure: returns the new state).

    Matching only: no expiry, no bookkeeping. The processor keeps its state in
    workers.dedup.state.DedupState, which uses `match` and `merge_into` the same way."""
    cfg = cfg or DedupConfig()
    window = window_days(cand, cfg)
    near = [i for i, e in enumerate(state) if in_window(_day_text(e), window)]
    decision = match([state[i] for i in near], cand, cfg)
    if decision.kind == "duplicate":
        return Outcome("duplicate", state[near[decision.index]], state)  # type: ignore[index]
    if decision.kind == "new":
        event = {**cand, "version": 1, "changes": []}
        return Outcome("new", event, state + [event])
    best = near[decision.index]  # type: ignore[index]
    merged = merge_into(state[best], cand)
    return Outcome("merged", merged, state[:best] + [merged] + state[best + 1 :])


def config_for(window_days: int, ttl_days: int, text_similarity: str) -> DedupConfig:
    """The dedup configuration named by settings (`lexical` or `semantic` text similarity)."""
    if text_similarity == "semantic":
        from workers.dedup.semantic import semantic_similarity

        return DedupConfig(
            window_days, ttl_days, text_sim=semantic_similarity, text_floor=0.40, text_full=0.70
        )
    if text_similarity != "lexical":
        raise ValueError(f"unknown dedup text similarity {text_similarity!r}: use lexical or semantic")
    return DedupConfig(window_days, ttl_days)
