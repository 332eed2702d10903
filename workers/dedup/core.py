"""Pure core of the dedup stage: merge a single-report event into the open events it may be.

Blocking (issue 15): a block is a **country** (`block_key`), the Kafka key of the candidates topic,
so every report of a country lands in one partition whatever its event type; within the partition
a candidate is compared with
- the open events of its country dated within the window (`DedupState.blocks`),
- the open events placed nowhere (the `unknown` block) and, for a candidate placed nowhere, the
  partition's most recently reported events (at most `DedupConfig.vague_scan` of each),
- the open events holding a syndicated copy of its article, found by SimHash bands in the state's
  story-fingerprint table (`DedupState`), in any block of the partition.
A report without a country takes its article's first country as its Kafka key
(`routing_key`), so it meets that country's events; copies of one text have the same body, so the
same first country, whatever their headlines say.

One article's events of one sub-type family, same day, agreeing places and figures, are one event
(`join_siblings`, run by the extraction stage before dedup, so no other report can come between
them): extraction names a bombing once per trigger word («انتحاري» a suicide bombing, «عبوة ناسفة»
an IED), and outlets' headlines lead with either. An event keeps the sub-types of each report
(`sub_types`, from the sources' `sub_event_types`), so a later report of any of them finds it, and
takes its own sub-type, day and summary from its earliest-published report (`merge_into`), so
the order reports arrive in does not change what later reports are compared against. A town neither headline names (read from the body) does not part two same-day
reports whose stories match strongly; a town a headline names does. `verdict` gives the rule behind
each score (`bench/dedup_eval.py --errors` counts them).

Story evidence comes before event types (`match_score`): a syndicated copy joins its original's
event of the same sub-type family outright; reports whose stories match strongly merge across the
sub-types of one family; a report placed only by country (or not at all) needs story evidence to
join anything, so two country-level reports of one day are not one event by default. An event keeps
the id it was born with; each merge emits a new version with what changed. Tuning: `DedupConfig`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from workers.dedup.config import DedupConfig, config_for
from workers.dedup.revision import revise, supersedes
from workers.dedup.similarity import (
    MAX_STORY_SKETCHES,
    Similarity,
    lexical_similarity,
    sketch,
    sketch_similarity,
    story_text,
)
from workers.extract.fingerprint import SYNDICATION_MAX_DISTANCE, is_copy
from workers.extract.text import fold
from workers.geo import PRECISION_RANK, distance_km

__all__ = [
    "DedupConfig",
    "config_for",
    "lexical_similarity",
    "sketch",
    "sketch_similarity",
    "story_text",
]

MAX_SOURCES = 200
MAX_EVIDENCE = 200
UNKNOWN = "unknown"  # the block of events placed nowhere
EMPTY_PRINT = "0" * 16  # the SimHash of an empty text
CHEMICAL = "chemical_weapon"
COPY_COUNTERPART_STEP = 0.01  # ranks the original's events a copy's event may join (all above threshold)


def block_key(event: dict[str, Any]) -> str:
    """The event's country (`unknown` when it has none): reports of one event name its place at
    different grains (Douma, Eastern Ghouta, Damascus countryside, Syria) and its type under
    different sub-types, so places and types are compared inside the block."""
    return (event.get("location") or {}).get("country_code") or UNKNOWN


def routing_key(event: dict[str, Any], article_events: Iterable[dict[str, Any]]) -> str:
    """The Kafka key of a candidate: its block, or for an event placed nowhere its article's first
    country (so it reaches the partition of the events it may be)."""
    key = block_key(event)
    if key != UNKNOWN:
        return key
    return next((k for k in map(block_key, article_events) if k != UNKNOWN), UNKNOWN)


def _vague(loc: dict[str, Any] | None) -> bool:
    """Placed only by country, or not at all."""
    return not loc or loc.get("lat") is None or loc.get("precision") == "country"


def place_agreement(
    a: dict[str, Any] | None, b: dict[str, Any] | None, cfg: DedupConfig | None = None
) -> float | None:
    """1 same place, 0.6 nearby, 0.3 vague (no place, or only a country; different countries are
    told apart by the caller); None: too far apart."""
    scores = (cfg or DedupConfig()).places
    if _vague(a) or _vague(b):
        return scores.vague
    assert a is not None and b is not None
    if a.get("id") == b.get("id"):
        return scores.same
    km = distance_km(a["lat"], a["lon"], b["lat"], b["lon"])
    return scores.same if km <= scores.near_km else scores.nearby if km <= scores.area_km else None


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


def _figures(event: dict[str, Any]) -> dict[str, tuple[int, int | None]]:
    return {k: (v["min"], v["max"]) for k, v in event["casualties"].items() if v and v["min"]}


def _casualties_agree(a: dict[str, Any], b: dict[str, Any], kinds: tuple[str, ...] = ("killed", "wounded", "captured")) -> float:
    """1 when figures overlap or are missing, lower the further apart they are."""
    scores = []
    for kind in kinds:
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


@lru_cache(maxsize=65_536)
def _print_bits(fingerprint: str) -> int:
    return int(fingerprint, 16)


def copy_distance(event: dict[str, Any], cand: dict[str, Any]) -> int:
    """Bits between the closest SimHashes of a report of `cand` and a report of `event` (65: none)."""
    prints = [_print_bits(f) for s in cand["sources"][:MAX_STORY_SKETCHES] if (f := s.get("fingerprint")) and f != EMPTY_PRINT]
    best = 65
    for source in event["sources"]:
        f = source.get("fingerprint")
        if f and f != EMPTY_PRINT:
            bits = _print_bits(f)
            best = min([best, *((bits ^ p).bit_count() for p in prints)])
    return best


# «مسلحون مجهولون»: no one in particular, so no contradiction with a named attacker. UAG-XX where the
# country is known; the bare legacy id where it is not.
UNIDENTIFIED_PREFIX = "UAG"
UNIDENTIFIED_ID = "UNIDENTIFIED"


def _unidentified(actor_id: str) -> bool:
    return actor_id.startswith(UNIDENTIFIED_PREFIX) or actor_id == UNIDENTIFIED_ID


def _attackers(event: dict[str, Any]) -> set[str]:
    """Actors the report names as carrying the event out (role `actor`; `unknown` counts too, as
    the report did not say they were only the target)."""
    return {
        a["id"]
        for a in event["actors"]
        if a.get("role", "actor") != "target" and not _unidentified(a["id"])
    }


def _countries(event: dict[str, Any]) -> str | None:
    return (event.get("location") or {}).get("country_code")


def report_types(event: dict[str, Any], source: dict[str, Any]) -> frozenset[str]:
    """The sub-event types one report (a source of `event`) gave it: its `sub_event_types` where
    they differ from the event's own (a report of another sub-type merged in, or one article naming
    the event under two: siblings), else the event's own."""
    kept = source.get("sub_event_types")
    return frozenset(kept) if kept else frozenset([event["sub_event_type"]])


def sub_types(event: dict[str, Any]) -> frozenset[str]:
    """The sub-event types an event's reports gave it, so a later report of any of them finds it.
    Kept on slim records; read from the whole event otherwise, so a restored state has the same."""
    kept = event.get("sub_types")
    if kept is not None:
        return kept  # type: ignore[no-any-return]
    return frozenset([event["sub_event_type"]]).union(*(report_types(event, s) for s in event["sources"]))


# ACLED's catch-all sub-type (violence against civilians of any kind): extraction gives it beside a
# bombing's own sub-type (a sibling joined in), so sharing only it says little across days. Kept
# apart (pairwise F1, bench/dedup_eval.py): held_out_r4_mixed 0.67 -> 0.79 (P 0.67 -> 0.96, the MP
# shot in Mogadishu and the next day's hotel bombing), held_out_snn_2015 0.73 -> 0.75, no set fell.
_CATCH_ALL_SUBS = frozenset({"attack"})


def _same_sub_beyond_catch_all(
    subs_e: frozenset[str], subs_c: frozenset[str], event: dict[str, Any], cand: dict[str, Any]
) -> bool:
    """Do the two (with their sub-types `subs_e`, `subs_c`) share a sub-type other than the
    catch-all «attack», or have one own sub-type?"""
    return bool((subs_e & subs_c) - _CATCH_ALL_SUBS) or event["sub_event_type"] == cand["sub_event_type"]


def _place_from_body(event: dict[str, Any]) -> bool:
    """Was the event's place read from the body: it has an Arabic name that no report's headline
    contains? (False when there is no name to look for.) Every report's headline is read, not the
    first ones', so the answer does not depend on which reports arrived first. Kept on slim records."""
    kept = event.get("place_from_body")
    if kept is not None:
        return kept  # type: ignore[no-any-return]
    name = fold((event.get("location") or {}).get("name_ar") or "")
    if not name:
        return False
    return not any(name in fold(s.get("title") or "") for s in event["sources"])


def _siblings(event: dict[str, Any], cand: dict[str, Any], d1: date | None, d2: date | None, cfg: DedupConfig) -> bool:
    """Two events of one article, of one sub-type family, are one event told twice when nothing
    tells them apart: same day, same country, places that agree, figures that agree. Extraction
    types one bombing from each trigger word («انتحاري», «ناسفة», «هجوم»), so one article gives a
    suicide bombing and an IED for it, and outlets' headlines lead with either."""
    if d1 and d2 and d1 != d2:
        return False
    c1, c2 = _countries(event), _countries(cand)
    if c1 and c2 and c1 != c2:
        return False
    return (
        place_agreement(event.get("location"), cand.get("location"), cfg) is not None
        and _casualties_agree(event, cand) >= 0.5
    )


def _sibling_of(event: dict[str, Any], other: dict[str, Any], cfg: DedupConfig) -> bool:
    subs_e, subs_o = sub_types(event), sub_types(other)
    if subs_e.isdisjoint(subs_o) and CHEMICAL in subs_e | subs_o:
        return False  # a gas attack is its own event
    family = any(cfg.same_family(a, b) for a in subs_e for b in subs_o)
    return family and _siblings(event, other, _day(event), _day(other), cfg)


def _join(event: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """`event` (one report) with its article's other naming `other` folded in: still one report
    (one source), of both sub-types."""
    types = report_types(event, event["sources"][0]) | report_types(other, other["sources"][0])
    actors = {a["id"]: a for a in event["actors"]}
    for a in other["actors"]:
        actors.setdefault(a["id"], a)
    return {
        **event,
        "actors": list(actors.values()),
        "casualties": {k: _merge_count(v, other["casualties"].get(k)) for k, v in event["casualties"].items()},
        "location": _finer_place(event.get("location"), other.get("location")),
        "date": event.get("date") or other.get("date"),  # the same day when both have one (_siblings)
        "attributions": event["attributions"] + [a for a in other["attributions"] if a not in event["attributions"]],
        "evidence": (event["evidence"] + other["evidence"])[:MAX_EVIDENCE],
        "confidence": max(event["confidence"], other["confidence"]),
        "lead": bool(event.get("lead")) or bool(other.get("lead")),
        "attempted": bool(event.get("attempted")) and bool(other.get("attempted")),
        "sources": _retype(event["sources"][:1], [types], event["sub_event_type"]),
    }


def join_siblings(events: list[dict[str, Any]], cfg: DedupConfig | None = None) -> list[dict[str, Any]]:
    """One article's events, with its namings of one event joined (`_siblings`): extraction types a
    bombing once per trigger word, so one article gives a suicide bombing and an IED for it.

    Done here, on the article's own events before dedup, not by dedup as reports arrive: joined
    there, the result depended on which other outlets' reports came between the two namings (the
    worker and LocalPipeline read a block's reports in different orders). The headline's event
    (`lead`), else the first, is the one the others fold into; it keeps its id and sub-type and
    its single source lists every sub-type (`sub_event_types`)."""
    cfg = cfg or DedupConfig()
    if not cfg.siblings_join or len(events) < 2:
        return events
    joined: list[tuple[int, dict[str, Any]]] = []  # (article position, event)
    for i in sorted(range(len(events)), key=lambda i: (not events[i].get("lead"), i)):
        event = events[i]
        for k, (at, group) in enumerate(joined):
            if _sibling_of(group, event, cfg):
                joined[k] = (at, _join(group, event))
                break
        else:
            joined.append((i, event))
    return [event for _at, event in sorted(joined, key=lambda ae: ae[0])]


def match_score(
    event: dict[str, Any], cand: dict[str, Any], cfg: DedupConfig, text_sim: Similarity | None = None
) -> float:
    """0 when the two cannot be the same event; else the evidence that they are, in [0, 1]
    (`verdict` says why)."""
    return verdict(event, cand, cfg, text_sim).score


@dataclass(frozen=True)
class Verdict:
    """A match score and the rule that decided it (`bench/dedup_eval.py --errors` counts them)."""

    score: float
    reason: str


def verdict(
    event: dict[str, Any], cand: dict[str, Any], cfg: DedupConfig, text_sim: Similarity | None = None
) -> Verdict:
    """The evidence that `event` and `cand` are one event, in [0, 1], and why.

    Story evidence first: a syndicated copy of a report already in the event joins it (same sub-type
    family, any place or headline). Otherwise same type, place and day only make two reports
    candidates (a busy town has several events a day): merging needs evidence on top (similar
    wording, the same casualty figures, the same belligerents). Across sub-types of one family the
    stories must match strongly; a report placed only by country needs story evidence to join.
    """
    text_sim = text_sim or cfg.text_sim
    subs_e, subs_c = sub_types(event), sub_types(cand)
    same_sub = not subs_e.isdisjoint(subs_c)
    if not same_sub and CHEMICAL in subs_e | subs_c:
        return Verdict(0.0, "chemical")  # a gas attack is its own event, even beside that day's shelling of the same town
    family = same_sub or any(cfg.same_family(a, b) for a in subs_e for b in subs_c)
    both_lead = bool(event.get("lead")) and bool(cand.get("lead"))
    if not family and not both_lead:
        return Verdict(0.0, "type family")  # background an article cites may be typed anything: only headline stories cross types
    d1, d2 = _day(event), _day(cand)
    if {s["item_id"] for s in event["sources"]} & {s["item_id"] for s in cand["sources"]}:
        # (one article's namings of one event were joined before dedup: `join_siblings`)
        return Verdict(0.0, "same article")  # the article itself told these apart (e.g. an airstrike and a suicide attack)
    if d1 and d2 and abs((d1 - d2).days) > cfg.window_days:
        return Verdict(0.0, "date")
    copy_bits = copy_distance(event, cand) if family else 65
    if cfg.copies_join and copy_bits <= SYNDICATION_MAX_DISTANCE:
        # The same wire copy, whatever its headline made of the place. An article gives several
        # events, all held by its copy's original: each joins its own counterpart, the one of the
        # same sub-type (then the same place) before another of the family.
        same_place = (event.get("location") or {}).get("id") == (cand.get("location") or {}).get("id")
        return Verdict(1.0 - COPY_COUNTERPART_STEP * (2 * (not same_sub) + (not same_place)), "copy")
    ea = {a["id"] for a in event["actors"]}
    ca = {a["id"] for a in cand["actors"]}
    c1, c2 = _countries(event), _countries(cand)
    if c1 and c2 and c1 != c2:
        return Verdict(0.0, "country")
    # different attackers: a different attack in the same place. (One report may name only the
    # attacker and another only the side attacked, or gunmen it cannot name: no contradiction.
    # Unidentified attackers counted as a party parted held_out_r3_ant's reports: pairwise F1 0.60
    # -> 0.65 without them, the other twelve sets unchanged.)
    if _attackers(event) and _attackers(cand) and not ea & ca:
        return Verdict(0.0, "attackers")
    # 1 killed and 40 killed are two events, unless the stories are told alike (a toll that rose
    # between reports of one story: `story_beats_deaths`)
    deaths_differ = _casualties_agree(event, cand, ("killed",)) < 0.5
    if deaths_differ and cfg.story_beats_deaths > 1:
        return Verdict(0.0, "casualties")
    figures_differ = _casualties_agree(event, cand, ("wounded", "captured")) < 0.5
    if figures_differ and cfg.story_beats_figures > 1:
        return Verdict(0.0, "casualties")  # no need to read the stories
    place = place_agreement(event.get("location"), cand.get("location"), cfg)
    if place is None and not (
        cfg.unnamed_places_yield and d1 == d2 and _place_from_body(event) and _place_from_body(cand)
    ):
        return Verdict(0.0, "place")  # same country, different towns (checked before reading the stories)
    if (
        cfg.cross_sub_same_day
        and d1 != d2
        and copy_bits > cfg.near_copy_bits
        and not _same_sub_beyond_catch_all(subs_e, subs_c, event, cand)
    ):
        # another sub-type on another day: two weak links, unless the texts are one wire copy
        return Verdict(0.0, "sub-type other day")
    # A lightly edited copy (an outlet's rewrite of the same wire text) is the same story.
    similarity = 1.0 if copy_bits <= cfg.near_copy_bits else text_sim(event, cand)
    text = 1.0 if copy_bits <= cfg.near_copy_bits else cfg.text_evidence(similarity)
    if deaths_differ and similarity < cfg.story_beats_deaths:
        return Verdict(0.0, "casualties")
    if figures_differ and text < cfg.story_beats_figures:
        return Verdict(0.0, "casualties")  # the wounded told twice: a count that rose, when the stories are one
    if place is None:
        if text < cfg.story_strong:
            return Verdict(0.0, "place")  # same country, different towns
        # Neither headline names its town: each was read from the body (a ministry's city, a
        # province), and the stories match: the towns are no evidence either way.
        place = cfg.places.vague
    if not same_sub and text < (cfg.story_strong if family else cfg.story_cross_type):
        return Verdict(0.0, "sub-type story")  # e.g. an IED and a suicide bombing of one day, told in different words
    vague = _vague(event.get("location")) or _vague(cand.get("location"))
    if (
        d1 != d2
        and not vague
        and place < cfg.places.same
        and copy_bits > cfg.near_copy_bits
        and text < cfg.story_other_day_other_place
    ):
        return Verdict(0.0, "other day, other place")  # two shellings of one province on two days
    if vague and text < cfg.story_vague:
        return Verdict(0.0, "vague story")  # "an attack in Syria" and another of the same day: nothing says they are one
    if (
        cfg.vague_same_day
        and d1 != d2
        and vague
        and copy_bits > cfg.near_copy_bits
        and ((_vague(event.get("location")) and _vague(cand.get("location"))) or text < cfg.story_strong)
    ):
        # "a bombing in Afghanistan" today and another yesterday: nothing but the country and the words
        # (and "a bombing in Afghanistan" today beside yesterday's in Kunduz, unless told alike)
        return Verdict(0.0, "vague other day")
    w = cfg.weights
    date_score = 1.0 if not (d1 and d2) else 1.0 - abs((d1 - d2).days) / (cfg.window_days + 1)
    actor_score = len(ea & ca) / len(ea | ca) if ea and ca else 0.0
    fa, fc = _figures(event), _figures(cand)
    same_figures = any(fa[k] == fc[k] for k in fa.keys() & fc.keys())
    score = (
        w.same_sub * same_sub
        + w.date * date_score
        + w.place * place
        + w.text * text
        + w.actors * actor_score
        + w.figures * same_figures
        + w.both_lead * both_lead
    )
    return Verdict(min(1.0, score), "evidence" if score >= cfg.threshold else "below threshold")


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


def report_order(source: dict[str, Any]) -> tuple[str, str, str]:
    """Sort key of an event's reports: earliest published first, then a stable id. The first report
    in this order gives the event its sub-type, type, day and summary (`merge_into`), so what later
    reports are compared against does not depend on which report arrived first."""
    return (source.get("published_at") or "", source["item_id"], source.get("report_id") or "")


def _retype(sources: list[dict[str, Any]], types: list[frozenset[str]], own: str) -> list[dict[str, Any]]:
    """`sources` with `sub_event_types` set where a report's types (`types`, aligned) are not just
    the event's own sub-type `own`, and dropped where they are."""
    out = []
    for source, kinds in zip(sources, types, strict=True):
        source = {k: v for k, v in source.items() if k != "sub_event_types"}
        if kinds != {own}:
            source["sub_event_types"] = sorted(kinds)
        out.append(source)
    return out


def merge_into(event: dict[str, Any], cand: dict[str, Any]) -> dict[str, Any]:
    """A new version of `event` that includes the report in `cand` (same id, version + 1).

    The sources stay in `report_order`; the earliest report's sub-type, type, day and summary are
    the event's, whichever arrived first (reports of one block come from different input
    partitions, and a worker restored after a crash or a second worker reads them in another order)."""
    merged = {**event, "version": event["version"] + 1}
    changes: list[str] = []
    sources = list(event["sources"])
    types = [report_types(event, s) for s in sources]
    for added in cand["sources"]:  # one report; several when a bridge merges two events
        sources.append(dict(added))
        types.append(report_types(cand, added))
    first = min(event["sources"], key=report_order)
    primary = cand if report_order(min(cand["sources"], key=report_order)) < report_order(first) else event
    if primary is cand:  # an earlier report than any the event held: it types and dates the event
        for key in ("event_type", "sub_event_type", "date", "summary"):
            merged[key] = cand.get(key)
        if cand["sub_event_type"] != event["sub_event_type"]:
            changes.append(f"sub-type: {event['sub_event_type']} -> {cand['sub_event_type']}")
        if cand.get("date") != event.get("date"):
            changes.append(f"date: {event.get('date') or '-'} -> {cand.get('date') or '-'}")
    ordered = sorted(zip(sources, types, strict=True), key=lambda st: report_order(st[0]))[:MAX_SOURCES]
    merged["sources"] = _retype([s for s, _ in ordered], [t for _, t in ordered], merged["sub_event_type"])
    added_ids = {s.get("report_id") or s["item_id"] for s in cand["sources"]}
    first_added = next(
        (i for i, s in enumerate(merged["sources"]) if (s.get("report_id") or s["item_id"]) in added_ids),
        len(merged["sources"]),
    )
    # A copy is a copy of the earliest-published report of its text, whoever publishes it (an
    # outlet reposting its own story under a second URL too), whichever arrived first: from the
    # first report added on (in report order; usually just the new one) the links are redone.
    for i in range(first_added, len(merged["sources"])):
        source = merged["sources"][i]
        source["copy_of"] = next(
            (e["item_id"] for e in merged["sources"][:i] if is_copy(e.get("fingerprint"), source.get("fingerprint"))),
            None,
        )
        if (source.get("report_id") or source["item_id"]) in added_ids:
            changes.append(
                f"source added: {source['source']}" + (" (syndicated copy)" if source["copy_of"] else "")
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
    # The finer place wins whichever came first.
    place = _finer_place(event.get("location"), cand.get("location"))
    if place is not event.get("location"):
        merged["location"] = place
        changes.append(f"location: {(event.get('location') or {}).get('name', '-')} -> {place['name']}")
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


def report_stories(event: dict[str, Any]) -> list[str]:
    """The stories of an event's first reports (`report_order`): each report's headline and the
    sentence its trigger was found in (the event's summary for the first). Read from the whole
    event, so a state rebuilt from the sink compares the same stories as the one that published it."""
    sentence_of: dict[str, str] = {}
    for ev in event.get("evidence", ()):
        if ev.get("field") == "trigger":
            sentence_of.setdefault(ev["item_id"], ev.get("sentence", ""))
    stories = []
    for i, source in enumerate(event["sources"][:MAX_STORY_SKETCHES]):
        said = event.get("summary", "") if i == 0 else sentence_of.get(source["item_id"], event.get("summary", ""))
        stories.append(f"{source.get('title', '')}. {said[:SLIM_SUMMARY]}")
    return stories


def slim(event: dict[str, Any]) -> dict[str, Any]:
    """What matching needs of an event: no evidence, a cut summary, the text sketch computed once.
    workers.dedup.state keeps it in memory beside the whole version, so a busy block is not
    re-sketched for every report."""
    loc = event.get("location")
    return {
        "event_id": event["event_id"],
        "event_type": event["event_type"],
        "sub_event_type": event["sub_event_type"],
        "sub_types": sub_types(event),
        "place_from_body": _place_from_body(event),
        "date": event.get("date"),
        "first_reported_at": event.get("first_reported_at"),
        "last_reported_at": event.get("last_reported_at"),
        "location": {k: loc.get(k) for k in ("id", "lat", "lon", "precision", "country_code", "name_ar")}
        if loc
        else None,
        "actors": [{"id": a["id"], "role": a.get("role", "unknown")} for a in event["actors"]],
        "casualties": {k: v and {"min": v["min"], "max": v["max"]} for k, v in event["casualties"].items()},
        "lead": bool(event.get("lead")),
        "summary": event.get("summary", "")[:SLIM_SUMMARY],
        "sketches": [list(sketch(story)) for story in report_stories(event)],
        "sources": [
            {k: s.get(k) for k in ("item_id", "report_id", "fingerprint", "title", "revision", "sub_event_types") if k in s}
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


def window_day_list(window: tuple[str, str]) -> list[str]:
    """The ISO days of a window (lo, hi), in order."""
    lo, hi = date.fromisoformat(window[0]), date.fromisoformat(window[1])
    return [(lo + timedelta(days=i)).isoformat() for i in range((hi - lo).days + 1)]


def in_window(day_text: str, window: tuple[str, str] | None) -> bool:
    """An open event dated `day_text` (ISO, '' unknown) may match within `window`."""
    return window is None or not day_text or window[0] <= day_text[:10] <= window[1]


def day_text(event: dict[str, Any]) -> str:
    """The event's day as ISO text ('' unknown): what the block index keeps for the window filter."""
    return _day_text(event)


@dataclass(frozen=True)
class Match:
    """What to do with a candidate, given the open events it may match (see `match`)."""

    kind: str  # new | merged | revised | duplicate
    index: int | None = None  # position of the matched event in the list given to `match`
    also: tuple[int, ...] = ()  # other events it matches at or above the threshold (bridging)


def match(open_events: list[dict[str, Any]], cand: dict[str, Any], cfg: DedupConfig) -> Match:
    """Decide against `open_events` (whole or slim records, already filtered to the date window):
    `duplicate` if one already holds this report (a redelivery), `revised` if it holds an older
    revision of it (a re-fetched article, figures replace), else `merged` into the best
    match at or above the threshold, else `new`. Ties go to the event with the smaller id, so the
    choice does not depend on the order the events were opened in."""
    subs, lead = sub_types(cand), bool(cand.get("lead"))
    # Only events of the same sub-type family (or, for an article's own story, another article's own
    # story) can match, or hold this very report: the rest of a country's block is skipped here.
    near = [
        i
        for i, e in enumerate(open_events)
        if any(cfg.same_family(a, b) for a in sub_types(e) for b in subs) or (lead and e.get("lead"))
    ]
    for i in near:
        # Redelivery (at-least-once) or the same report seen twice: nothing changes, nothing is emitted.
        if _has_report(open_events[i], cand):
            # ...unless it is a newer revision of that report: its figures replace (dedup/revision.py)
            return Match("revised" if supersedes(open_events[i], cand) else "duplicate", i)
    scored = [(match_score(open_events[i], cand, cfg), i) for i in near]
    scored = [(s, i) for s, i in scored if s >= cfg.threshold]
    if not scored:
        return Match("new")
    scored.sort(key=lambda si: (-si[0], open_events[si[1]]["event_id"]))
    return Match("merged", scored[0][1], tuple(i for _s, i in scored[1:]))


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
    if decision.kind == "revised":
        at = near[decision.index]  # type: ignore[index]
        revised = revise(state[at], cand, MAX_EVIDENCE)
        return Outcome("merged", revised, state[:at] + [revised] + state[at + 1 :])
    if decision.kind == "new":
        event = {**cand, "version": 1, "changes": []}
        return Outcome("new", event, state + [event])
    best = near[decision.index]  # type: ignore[index]
    merged = merge_into(state[best], cand)
    return Outcome("merged", merged, state[:best] + [merged] + state[best + 1 :])
