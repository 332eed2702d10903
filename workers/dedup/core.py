"""Pure core of the dedup stage: merge a single-report event into the open events of its block.

Blocking: candidates meet only within their block (event type x place), which is also the
Kafka key of the repartition topic, so every candidate of a block lands in one partition.
Within a block, a candidate joins the best-matching open event when the date window, actors,
casualty figures and wording agree; otherwise it opens a new event. An event keeps the id it
was born with; each merge emits a new version with what changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from workers.extract.fingerprint import is_copy
from workers.extract.text import fold

MAX_SOURCES = 200
MAX_EVIDENCE = 200
MERGE_THRESHOLD = 0.55


def block_key(event: dict[str, Any]) -> str:
    loc = event.get("location") or {}
    where = loc.get("id") or "unknown"
    if loc.get("precision") == "country":
        where = f"country:{loc.get('country_code')}"
    return f"{event['event_type']}|{where}"


def _day(event: dict[str, Any]) -> date | None:
    value = event.get("date") or (event.get("first_reported_at") or "")[:10]
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


def _shingles(text: str, n: int = 4) -> set[str]:
    t = "".join(fold(text).split())
    return {t[i : i + n] for i in range(max(1, len(t) - n + 1))}


def lexical_similarity(a: dict[str, Any], b: dict[str, Any]) -> float:
    sa, sb = _shingles(a.get("summary", "")), _shingles(b.get("summary", ""))
    return len(sa & sb) / len(sa | sb) if sa and sb else 0.0


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


def match_score(event: dict[str, Any], cand: dict[str, Any], cfg: DedupConfig, text_sim: Similarity) -> float:
    """0 when the two cannot be the same event; else a weighted agreement in [0, 1]."""
    if event["event_type"] != cand["event_type"]:
        return 0.0
    if {s["item_id"] for s in event["sources"]} & {s["item_id"] for s in cand["sources"]}:
        return 0.0  # the article itself told these apart (e.g. an airstrike and a suicide attack)
    d1, d2 = _day(event), _day(cand)
    if d1 and d2 and abs((d1 - d2).days) > cfg.window_days:
        return 0.0
    ea = {a["id"] for a in event["actors"]}
    ca = {a["id"] for a in cand["actors"]}
    actor_score = len(ea & ca) / len(ea | ca) if ea and ca else 0.5
    if ea and ca and not ea & ca:
        return 0.0  # different belligerents: a different clash in the same place
    sub = 1.0 if event["sub_event_type"] == cand["sub_event_type"] else 0.4
    date_score = 1.0 if not (d1 and d2) else 1.0 - abs((d1 - d2).days) / (cfg.window_days + 1)
    cas = _casualties_agree(event, cand)
    if cas < 0.5:
        return 0.0
    text = text_sim(event, cand)
    return (
        0.25 * sub
        + 0.2 * actor_score
        + 0.2 * date_score
        + 0.15 * cas
        + 0.2 * max(text, 0.0)
        + 0.1 * (text > 0.5)
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


def merge_into(event: dict[str, Any], cand: dict[str, Any]) -> dict[str, Any]:
    """A new version of `event` that includes the report in `cand` (same id, version + 1)."""
    merged = {**event, "version": event["version"] + 1}
    changes: list[str] = []
    source = dict(cand["sources"][0])
    for existing in event["sources"]:
        if existing["source"] != source["source"] and is_copy(
            existing.get("fingerprint"), source.get("fingerprint")
        ):
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
    if not event.get("location") and cand.get("location"):
        merged["location"] = cand["location"]
        changes.append("location set")
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
    merged["changes"] = changes
    return merged


@dataclass(frozen=True)
class Outcome:
    kind: str  # new | merged | duplicate
    event: dict[str, Any]  # the version to publish (or the unchanged event for duplicates)
    state: list[dict[str, Any]]  # the block's open events after this candidate


def _expired(event: dict[str, Any], now: datetime | None, cfg: DedupConfig) -> bool:
    last = reported_at(event)
    return bool(last and now and now - last > timedelta(days=cfg.ttl_days))


def apply(
    state: list[dict[str, Any]],
    cand: dict[str, Any],
    cfg: DedupConfig | None = None,
) -> Outcome:
    """Merge `cand` into the block's open events `state` (pure: returns the new state)."""
    cfg = cfg or DedupConfig()
    now = reported_at(cand)
    state = [e for e in state if not _expired(e, now, cfg)]
    item_id = cand["sources"][0]["item_id"]
    for event in state:
        # Redelivery (at-least-once) or the same report seen twice: nothing changes, nothing is emitted.
        if event["sub_event_type"] == cand["sub_event_type"] and any(
            s["item_id"] == item_id for s in event["sources"]
        ):
            return Outcome("duplicate", event, state)
    scored = [(match_score(e, cand, cfg, cfg.text_sim), i) for i, e in enumerate(state)]
    scored = [(s, i) for s, i in scored if s >= cfg.threshold]
    if not scored:
        event = {**cand, "version": 1, "changes": []}
        return Outcome("new", event, state + [event])
    _, best = max(scored)
    merged = merge_into(state[best], cand)
    new_state = state[:best] + [merged] + state[best + 1 :]
    return Outcome("merged", merged, new_state)


def sweep(blocks: dict[str, list[dict[str, Any]]], watermark: datetime, cfg: DedupConfig) -> int:
    """Drop events older than the TTL from every block, and blocks left empty (in place).

    `watermark` is event time (the newest report seen), not wall-clock time, so a replay of the
    same input sweeps the same events. Returns how many events were dropped.
    """
    dropped = 0
    for key in list(blocks):
        kept = [e for e in blocks[key] if not _expired(e, watermark, cfg)]
        dropped += len(blocks[key]) - len(kept)
        if not kept:
            del blocks[key]
        elif len(kept) != len(blocks[key]):
            blocks[key] = kept
    return dropped


def config_for(window_days: int, ttl_days: int, text_similarity: str) -> DedupConfig:
    """The dedup configuration named by settings (`lexical` or `semantic` text similarity)."""
    if text_similarity == "semantic":
        from workers.dedup.semantic import semantic_similarity

        return DedupConfig(window_days, ttl_days, text_sim=semantic_similarity)
    if text_similarity != "lexical":
        raise ValueError(f"unknown dedup text similarity {text_similarity!r}: use lexical or semantic")
    return DedupConfig(window_days, ttl_days)
