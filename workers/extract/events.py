"""Event building: candidates of one sub-type and area become one single-report event
(schemas/event.json), its fields each backed by evidence; the lead event is marked."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from workers.extract.candidates import Candidate, Span
from workers.extract.context import ArticleContext
from workers.extract.factuality import BACKGROUND
from workers.extract.gazetteer import NEAR_KM, PRECISION_RANK, distance_km, resolve
from workers.extract.lexicon import Trigger, civilian_attack_trigger
from workers.extract.sentence import VIOLENT_TYPES, is_nisba
from workers.extract.text import Sentence

MAX_EVIDENCE = 40
CASUALTY_KINDS = ("killed", "wounded", "captured", "displaced")
ACTOR_CONFIDENCE = 0.8
CASUALTY_CONFIDENCE = 0.8  # an exact figure; a range or vague amount gets RANGE_CONFIDENCE
RANGE_CONFIDENCE = 0.6
ATTRIBUTION_CONFIDENCE = 0.7
LOCATION_CONFIDENCE = 0.85
HEADLINE_PLACE_CONFIDENCE = 0.6


def _utc(value: str | None) -> str | None:
    """An ISO time in UTC with a Z, so report times compare as strings (dedup's TTL check)."""
    if not value:
        return value
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def evidence(
    field_name: str, item_id: str, sentence: Sentence, start: int, end: int, conf: float
) -> dict[str, Any]:
    return {
        "field": field_name,
        "item_id": item_id,
        "sentence": sentence.text[:5000],
        "start": start,
        "end": end,
        "confidence": round(conf, 3),
    }


def _span_evidence(field_name: str, item_id: str, span: Span, conf: float) -> dict[str, Any]:
    return evidence(field_name, item_id, span.sentence, span.start, span.end, conf)


def build_events(
    candidates: list[Candidate],
    item: dict[str, Any],
    ctx: ArticleContext,
    fingerprint: str,
    headline: list[Trigger],
) -> list[dict[str, Any]]:
    """The article's events, in order of first mention, one of them marked as its lead: the one of
    a kind the `headline` reports (core._headline_triggers)."""
    events = [_to_event(group, item, fingerprint) for group in _group(candidates)]
    named = list(headline)
    # a headline's generic «هجوم» names the body's attack on civilians as well as a clash: the body
    # types the word by its victims (candidates._civilian_target), the headline has none to go by
    named += [civilian_attack_trigger(e.confidence) for e in named if e.generic and e.event_type == "battles"]
    lead = _mark_lead(events, {e.sub_event_type for e in named}, {e.event_type for e in named})
    if lead is not None:
        _place_from_headline(lead, item, ctx)
    return events


def _place_from_headline(event: dict[str, Any], item: dict[str, Any], ctx: ArticleContext) -> None:
    """A lead event placed only by country (or not at all) takes the town its headline names:
    «حصيلة جديدة لضحايا الهجوم الكيماوي في دوما» over a body that says only «سوريا»; one placed
    nowhere takes the headline's country too («مقتل جنديين في هجوم شرقي تركيا»)."""
    loc = event["location"]
    if loc and loc["precision"] != "country":
        return
    named = [(m, resolve(m.entry, ctx.countries)) for m in ctx.title_places if not is_nisba(m)]
    usable = [
        (m, place)
        for m, place in named
        if not loc or (place.precision != "country" and place.country_code == loc["country_code"])
    ]
    if not usable:
        return
    m, place = min(usable, key=lambda found: found[1].precision == "country")  # a town before a country
    event["location"] = place.as_location()
    title = item.get("title") or ""
    event["evidence"].append(
        evidence(
            "location",
            item["item_id"],
            Sentence(0, len(title), title),
            m.start,
            m.end,
            HEADLINE_PLACE_CONFIDENCE,
        )
        | {"in_title": True}
    )


def _mark_lead(
    events: list[dict[str, Any]], title_subs: set[str], title_types: set[str]
) -> dict[str, Any] | None:
    """The article's own story: the event whose kind its headline names, else the first it reports
    (events are in order of first mention; one first named as background comes after those first
    named as news). Others are follow-ups or context; an event the text names as history
    (factuality: background) is never the lead, so an article of history has none."""
    news = [i for i, e in enumerate(events) if not _is_background(e)]
    if not news:
        for event in events:
            event["lead"] = False
        return None
    lead = min(
        news,
        key=lambda i: (
            events[i]["sub_event_type"] not in title_subs,
            events[i]["event_type"] not in title_types,
            _first_named_as_background(events[i]),  # «… غداة تفجير الفحيص»: the news's past, told first
            i,
        ),
    )
    for i, event in enumerate(events):
        event["lead"] = i == lead
    return events[lead]


def _first_named_as_background(event: dict[str, Any]) -> bool:
    first = next(e for e in event["evidence"] if e["field"] == "trigger")
    return first.get("factuality") == BACKGROUND


def _is_background(event: dict[str, Any]) -> bool:
    return all(e.get("factuality") == BACKGROUND for e in event["evidence"] if e["field"] == "trigger")


def _group(candidates: list[Candidate]) -> list[list[Candidate]]:
    """One event per sub-type and area: mentions of one kind of event at the same place, at places
    within NEAR_KM of each other («دوما» and «دمشق»), or at a place and only its country, are one
    event located at the most precise of them."""
    groups: list[list[Candidate]] = []
    for c in candidates:
        for group in groups:
            if group[0].trigger.sub_event_type == c.trigger.sub_event_type and _same_area(group[0], c):
                group.append(c)
                break
        else:
            groups.append([c])
    groups = _fold_casualty_only(groups)
    for group in groups:  # the most precise place first: it becomes the event's location
        group.sort(key=lambda c: -PRECISION_RANK.get(c.place.place.precision, 0) if c.place else 0)
    return groups


def _fold_casualty_only(groups: list[list[Candidate]]) -> list[list[Candidate]]:
    """Figures with no event word («قتلت وأصابت العشرات») in an article that reports violence in
    the same area belong to that violence, not to an attack of unknown type."""
    kept: list[list[Candidate]] = []
    for group in groups:
        if group[0].trigger.casualty_only:
            host = next(
                (
                    g
                    for g in groups
                    if not g[0].trigger.casualty_only
                    and g[0].trigger.event_type in VIOLENT_TYPES
                    and _same_area(g[0], group[0])
                    and not _history_for_news(g, group)
                ),
                None,
            )
            if host is not None:
                host.extend(group)
                continue
        kept.append(group)
    return kept


def _history_for_news(host: list[Candidate], figures: list[Candidate]) -> bool:
    """Is the host an event named only as background and the figures news («لقي ثلاثة رجال أمن حتفهم
    خلال مداهمة لمشتبه بهم بتفجير عبوة ناسفة»)? The figures are then another event, not the earlier
    one's toll."""
    return all(c.factuality.value == BACKGROUND for c in host) and any(
        c.factuality.value != BACKGROUND for c in figures
    )


def _same_area(a: Candidate, b: Candidate) -> bool:
    if a.place is None or b.place is None:
        return a.place is b.place
    pa, pb = a.place.place, b.place.place
    if pa.id == pb.id:
        return True
    if pa.country_code != pb.country_code:
        return False
    if "country" in (pa.precision, pb.precision):
        return True
    if None in (pa.lat, pb.lat):
        return False
    return distance_km(pa.lat, pa.lon, pb.lat, pb.lon) <= NEAR_KM  # type: ignore[arg-type]


def _factuality_fields(c: Candidate) -> dict[str, Any]:
    """The factuality decision (schemas/event.json evidence: factuality, factuality_cue, casualty_only)."""
    fields: dict[str, Any] = {"factuality": c.factuality.value}
    if c.factuality.cue:
        fields["factuality_cue"] = c.factuality.cue
    if c.trigger.casualty_only:
        fields["casualty_only"] = True
    return fields


def _to_event(group: list[Candidate], item: dict[str, Any], fingerprint: str) -> dict[str, Any]:
    item_id = item["item_id"]
    first = next((c for c in group if not c.trigger.casualty_only), group[0])  # names the event
    ev: list[dict[str, Any]] = []
    actors: dict[str, dict[str, Any]] = {}
    casualties: dict[str, Any] = dict.fromkeys(CASUALTY_KINDS)
    attributions: dict[str, dict[str, Any]] = {}
    for c in group:
        ev.append(
            evidence("trigger", item_id, c.sentence, c.match.start, c.match.end, c.trigger.confidence)
            | _factuality_fields(c)
        )
        for ar in c.actors.values():
            prev = actors.get(ar.actor.id)
            if prev is None or (prev["role"] != ar.role and ar.role == "actor"):
                actors[ar.actor.id] = {
                    "id": ar.actor.id,
                    "name": ar.actor.name,
                    "name_ar": ar.actor.name_ar,
                    "role": ar.role,
                }
                ev.append(
                    evidence("actor", item_id, c.sentence, ar.match.start, ar.match.end, ACTOR_CONFIDENCE)
                )
        for kind, figure in c.casualties.items():
            if casualties[kind] is None:  # the first figure an article gives is its headline figure
                casualties[kind] = figure.count.as_dict()
                exact = figure.count.lo == figure.count.hi
                ev.append(
                    _span_evidence(
                        kind, item_id, figure.span, CASUALTY_CONFIDENCE if exact else RANGE_CONFIDENCE
                    )
                )
        if c.attribution:
            attr = attributions.setdefault(c.attribution.speaker, c.attribution.as_dict() | {"claims": []})
            claim = c.trigger.sub_event_type
            if claim not in attr["claims"]:
                attr["claims"].append(claim)
            ev.append(_span_evidence("attribution", item_id, c.attribution.span, ATTRIBUTION_CONFIDENCE))
    placed = next((c for c in group if c.place), None)
    location = placed.place.place.as_location() if placed and placed.place else None
    if placed and placed.place and placed.place.match is not None:
        m = placed.place.match
        ev.append(evidence("location", item_id, placed.place.sentence, m.start, m.end, LOCATION_CONFIDENCE))
    dated = next((c for c in group if c.date.day is not None), None)
    event_date = dated.date.day.isoformat() if dated and dated.date.day else None
    if dated and dated.date.mention is not None and dated.date.sentence is not None:
        sentence = dated.date.sentence
        ev.append(
            evidence("date", item_id, sentence, 0, 0, dated.date.mention.confidence)
            | {"start": sentence.start, "end": sentence.end}
        )
    confidence = max(c.trigger.confidence for c in group) * (0.6 + 0.2 * bool(location) + 0.2 * bool(actors))
    event_key = f"{item_id}|{first.trigger.sub_event_type}|{location['id'] if location else '-'}"
    event_id = "ev-" + hashlib.sha1(event_key.encode()).hexdigest()[:16]
    reported = _utc(item.get("published_at") or item.get("fetched_at"))
    return {
        "schema_version": 1,
        "event_id": event_id,
        "version": 1,
        "event_type": first.trigger.event_type,
        "sub_event_type": first.trigger.sub_event_type,
        "actors": list(actors.values()),
        "location": location,
        "date": event_date,
        "casualties": casualties,
        "attributions": list(attributions.values()),
        "sources": [
            {
                "item_id": item_id,
                "source": item.get("source", ""),
                "url": item.get("url", ""),
                "title": item.get("title", "")[:500],
                "published_at": item.get("published_at"),
                "copy_of": None,
                "fingerprint": fingerprint,
                "report_id": event_id,
                "revision": item.get("revision", 0),
            }
        ],
        "first_reported_at": reported,
        "last_reported_at": reported,
        "evidence": ev[:MAX_EVIDENCE],
        "confidence": round(min(confidence, 1.0), 3),
        "summary": first.sentence.text[:5000],
        "attempted": any(c.attempted for c in group),
        "quantity": next((c.quantity for c in group if c.quantity), None),
        "changes": [],
    }
