"""Pure core of the extract stage: one news item -> single-report events (schemas/event.json).

Per sentence: triggers (event sub-types), actors with roles, places, counts tied to casualty cues,
date expressions and who claims it. Per article: sentences' candidates of the same sub-type and
place become one event; sentences without a place inherit the article's main place. Every field
keeps its evidence (sentence, character offsets in the item text, confidence).
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import Counter as Tally
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from workers.extract import lexicon
from workers.extract.dates import DateMention, find_dates
from workers.extract.fingerprint import simhash
from workers.extract.gazetteer import LOCATIVE_CUES, Place, place_index, resolve
from workers.extract.lexicon import Actor, Match, Trigger
from workers.extract.numbers import Count, find_counts
from workers.extract.text import Sentence, Token, fold, split_sentences, tokenize

MAX_EVIDENCE = 40
_TARGET_CUES = frozenset(
    fold(w)
    for w in [
        "على",
        "ضد",
        "مواقع",
        "معاقل",
        "مقرات",
        "تابعة",
        "استهدف",
        "استهدفت",
        "تجمعات",
        "مخازن",
        "مستودعات",
        "لصالح",
    ]
)
_CLAUSE_BREAKS = frozenset(fold(w) for w in ["ان", "إن", "أن", "انه", "إنه", "أنه", "انها", "إنها", "أنها"])
# A speaker's name ends before these (or a comma): «أعلن بالي عن انتهاء المهلة».
_SPEAKER_STOPS = _CLAUSE_BREAKS | frozenset(
    fold(w)
    for w in [
        "عن",
        "في",
        "على",
        "الى",
        "إلى",
        "لـ",
        "ل",
        "امس",
        "اليوم",
        "مساء",
        "صباح",
        "القيادي",
        "المتحدث",
        "الناطق",
        "المسؤول",
        "الوزير",
        "رئيس",
        "مدير",
        "قائد",
        "عضو",
        "مصدر",
        "مسؤول",
    ]
)
_PUNCT_BREAKS = ("،", "؛", ":", ",", ";", "(", ")", '"', "«", "»")
CASUALTY_KINDS = ("killed", "wounded", "captured", "displaced")


@dataclass
class Candidate:
    trigger: Trigger
    sentence: Sentence
    match: Match[Trigger]
    sentence_index: int
    actors: dict[str, tuple[Actor, str, Match[Actor]]] = field(default_factory=dict)
    place: tuple[Place, Match[list[Place]] | None, Sentence] | None = None
    date: tuple[DateMention | None, date | None, Sentence | None] = (None, None, None)
    casualties: dict[str, tuple[Count, Sentence, int, int]] = field(default_factory=dict)
    attribution: dict[str, Any] | None = None
    attempted: bool = False
    quantity: int | None = None


def _published_date(item: dict[str, Any]) -> date | None:
    value = item.get("published_at")
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _speaker_span(tokens: list[Token], verbs: frozenset[str]) -> tuple[int, int, int] | None:
    """(verb index, speaker start, speaker end) of the first reporting verb in a sentence."""
    for i, tok in enumerate(tokens):
        stem = tok.text[1:] if tok.text[:1] in ("و", "ف") and tok.text[1:] in verbs else tok.text
        if stem not in verbs:
            continue
        j = i + 1
        while j < len(tokens) and j - i <= 12 and tokens[j].text not in _CLAUSE_BREAKS:
            j += 1
        return i, i + 1, j


_PUNCT_RE = re.compile("|".join(re.escape(p) for p in _PUNCT_BREAKS))


def _clause_ids(sentence: Sentence, tokens: list[Token]) -> list[int]:
    """Clause number per token: a comma, semicolon or colon between two tokens starts a new clause."""
    breaks = [m.start() + sentence.start for m in _PUNCT_RE.finditer(sentence.text)]
    return [bisect.bisect_left(breaks, tok.start) for tok in tokens]
    return None


@dataclass
class _Analysed:
    sentence: Sentence
    tokens: list[Token]
    triggers: list[Match[Trigger]]
    actors: list[Match[Actor]]
    places: list[Match[list[Place]]]
    counts: list[Count]
    casualty_cues: list[Match[tuple[str, frozenset[str]]]]
    dates: list[DateMention]
    speaker: tuple[int, int, int] | None
    clauses: list[int]


def _analyse(sentence: Sentence, tokens: list[Token], published: date | None) -> _Analysed:
    triggers = [
        m
        for m in lexicon.trigger_index().find(tokens)
        if not (m.entry.pos == "v" and (m.had_article or m.had_prep))
    ]
    specific_types = {m.entry.event_type for m in triggers if not m.entry.generic}
    triggers = [m for m in triggers if not (m.entry.generic and m.entry.event_type in specific_types)]
    dates = find_dates(tokens, published)
    date_tokens = {i for d in dates for i in range(d.start_token, d.end_token)}
    counts = [
        c
        for c in find_counts(tokens, sentence.text, sentence.start)
        if not any(i in date_tokens for i in range(c.start_token, c.end_token))
    ]
    speaker = _speaker_span(tokens, lexicon.word_set("attribution_verbs"))
    clauses = _clause_ids(sentence, tokens)
    actors = lexicon.actor_index().find(tokens)
    # Not places: a name inside an actor's name («قوات سوريا الديمقراطية»), or a person's name in the
    # speaker slot («قال عدنان عفرين»), or a small town's name with no locative cue before it.
    taken = {i for m in actors for i in range(m.start_token, m.end_token)}
    if speaker:
        taken.update(range(speaker[1], _name_end(tokens, clauses, speaker[1], speaker[2])))
    places = [
        m
        for m in place_index().find(tokens)
        if not taken.intersection(range(m.start_token, m.end_token)) and not _needs_cue_missing(m, tokens)
    ]
    return _Analysed(
        sentence,
        tokens,
        triggers,
        actors,
        places,
        counts,
        lexicon.casualty_index().find(tokens),
        dates,
        speaker,
        clauses,
    )


def _name_end(tokens: list[Token], clauses: list[int], s: int, e: int) -> int:
    """End of the speaker's name: before the first comma, preposition or title, at most 4 words."""
    end = s + 1
    while end < e and clauses[end] == clauses[s] and tokens[end].text not in _SPEAKER_STOPS and end - s < 4:
        end += 1
    return end


def _needs_cue_missing(m: Match[list[Place]], tokens: list[Token]) -> bool:
    if not any(p.needs_cue for p in m.entry):
        return False
    prev = tokens[m.start_token - 1].text if m.start_token else ""
    return not (m.had_prep or prev in LOCATIVE_CUES)


def _is_nisba(m: Match[list[Place]]) -> bool:
    place = m.entry[0]
    return place.nisba or (
        place.precision == "country" and m.had_article and not fold(place.name_ar).startswith("ال")
    )


def _role(actor: Actor, m: Match[Actor], trig: Match[Trigger], tokens: list[Token]) -> str | None:
    """actor / target, or None when the mention has no part in this kind of event."""
    if actor.kind == "civilians":
        return None if trig.entry.event_type in ("battles", "strategic_developments") else "target"
    if trig.entry.event_type == "battles":
        return "actor"
    before = {t.text for t in tokens[max(0, m.start_token - 2) : m.start_token]}
    if before & _TARGET_CUES:
        return "target"
    if (
        trig.entry.sub_event_type in ("arrests", "abduction_forced_disappearance")
        and m.start_token > trig.end_token
    ):
        return "target"
    return "actor"


def _assign_casualties(a: _Analysed, cands: list[Candidate]) -> None:
    """Tie each casualty cue to a count next to it, then to the nearest trigger of the sentence."""
    used: set[int] = set()
    cue_tokens = {i for c in a.casualty_cues for i in range(c.start_token, c.end_token)}
    for cue in a.casualty_cues:
        kind, sides = cue.entry
        found: Count | None = None
        if "before_number" in sides:  # «قتل 5», «أسرت سبعة من»
            for ci, c in enumerate(a.counts):
                if (
                    ci not in used
                    and 0 <= c.start_token - cue.end_token <= 3
                    and not any(i in cue_tokens for i in range(cue.end_token, c.start_token))
                ):
                    found, used_idx = c, ci
                    break
        if found is None and "after_number" in sides:  # «5 قتلى», «أحد مقاتلي قسد قتل»
            for ci in range(len(a.counts) - 1, -1, -1):
                c = a.counts[ci]
                if (
                    ci not in used
                    and 0 <= cue.start_token - c.end_token <= 5
                    and not any(i in cue_tokens for i in range(c.end_token, cue.start_token))
                ):
                    found, used_idx = c, ci
                    break
        if found is None:
            continue
        used.add(used_idx)
        span = (min(found.start_token, cue.start_token), max(found.end_token, cue.end_token))
        clause = a.clauses[cue.start_token]

        def distance(cd: Candidate, span: tuple[int, int] = span, clause: int = clause) -> tuple[bool, int]:
            gap = min(abs(cd.match.start_token - span[1]), abs(span[0] - cd.match.end_token))
            return (a.clauses[cd.match.start_token] != clause, gap)

        target = min(cands, key=distance)
        if kind not in target.casualties:
            target.casualties[kind] = (found, a.sentence, a.tokens[span[0]].start, a.tokens[span[1] - 1].end)


def _attribution(a: _Analysed, item_id: str, last: dict[str, Any] | None) -> dict[str, Any] | None:
    if a.speaker is None:
        return None
    verb_i, s, e = a.speaker
    span_tokens = a.tokens[s:e]
    org = next((m.entry for m in lexicon.actor_index().find(span_tokens)), None)
    if s == e or (e - s == 1 and span_tokens[0].text in _CLAUSE_BREAKS):
        return dict(last) if last else None  # «وأضاف أن...»: the previous speaker goes on
    # the name is what precedes the first comma or preposition (appositions and objects follow it)
    name_end = _name_end(a.tokens, a.clauses, s, e)
    start, end = a.tokens[s].start, a.tokens[name_end - 1].end
    speaker = a.sentence.text[start - a.sentence.start : end - a.sentence.start]
    if last and last.get("speaker") and speaker.split()[-1:] == last["speaker"].split()[-1:]:
        return dict(last)  # «وقال بالي» after «مصطفى بالي»: same person
    verb_tok = a.tokens[verb_i]
    return {
        "speaker": speaker,
        "speaker_id": org.id if org else None,
        "verb": a.sentence.text[verb_tok.start - a.sentence.start : verb_tok.end - a.sentence.start],
        "item_id": item_id,
        "_evidence": (a.sentence, start, end),
    }


def extract(item: dict[str, Any]) -> list[dict[str, Any]]:
    """Events reported by one item (each a version-1, single-source event)."""
    text: str = item["text"]
    # Cheap gate first: an article without any trigger word has no event.
    tokens = tokenize(text)
    if not lexicon.trigger_index().find(tokens):
        return []
    published = _published_date(item)
    starts = [t.start for t in tokens]
    analysed = [
        _analyse(
            s, tokens[bisect.bisect_left(starts, s.start) : bisect.bisect_left(starts, s.end)], published
        )
        for s in split_sentences(text)
    ]
    title_places = place_index().find(tokenize(item.get("title") or ""))

    # Article context: which countries it talks about, its main place.
    countries: set[str] = set()
    place_tally: Tally[str] = Tally()
    place_by_id: dict[str, tuple[Place, Match[list[Place]], Sentence]] = {}
    for m in title_places:
        countries.update(p.country_code for p in m.entry if len(m.entry) == 1 and p.country_code)
    for a in analysed:
        for m in a.places:
            if len(m.entry) == 1 and m.entry[0].country_code:
                countries.add(m.entry[0].country_code)
        for m in a.actors:
            if m.entry.country:
                countries.add(m.entry.country)
    for a in analysed:
        for m in a.places:
            if _is_nisba(m):
                continue
            place = resolve(m.entry, countries)
            weight = 3 if place.precision == "place" else 2 if place.precision == "admin1" else 1
            place_tally[place.id] += weight
            place_by_id.setdefault(place.id, (place, m, a.sentence))
    main_place = place_by_id[place_tally.most_common(1)[0][0]] if place_tally else None
    lead_date = next((d for a in analysed for d in a.dates if d.precision == "day"), None)

    candidates: list[Candidate] = []
    last_attr: dict[str, Any] | None = None
    attempt_words = lexicon.word_set("attempt_words")
    for si, a in enumerate(analysed):
        attribution = _attribution(a, item["item_id"], last_attr)
        if attribution:
            last_attr = attribution
        if not a.triggers:
            continue
        sentence_cands = []
        for trig in a.triggers:
            cand = Candidate(trig.entry, a.sentence, trig, si, attribution=attribution)
            for m in a.actors:
                role = _role(m.entry, m, trig, a.tokens) if m.entry.kind != "monitor" else None
                if role:
                    cand.actors.setdefault(m.entry.id, (m.entry, role, m))
            specific = [m for m in a.places if not _is_nisba(m)]
            if specific:
                best = max(
                    specific,
                    key=lambda m: (
                        {"place": 3, "admin1": 2, "country": 1}[resolve(m.entry, countries).precision],
                        -abs(m.start_token - trig.start_token),
                    ),
                )
                cand.place = (resolve(best.entry, countries), best, a.sentence)
            elif main_place:
                cand.place = (main_place[0], None, main_place[2])
            if a.dates:
                nearest = min(a.dates, key=lambda d: abs(d.start_token - trig.start_token))
                cand.date = (nearest, nearest.date, a.sentence)
            elif lead_date is not None:
                cand.date = (None, lead_date.date, None)
            elif published:
                cand.date = (None, published, None)
            window = {t.text for t in a.tokens[max(0, trig.start_token - 4) : trig.start_token]}
            cand.attempted = bool(window & attempt_words)
            qty = next((c for c in a.counts if c.end_token == trig.start_token and c.lo == c.hi), None)
            cand.quantity = qty.lo if qty else None
            sentence_cands.append(cand)
        _assign_casualties(a, sentence_cands)
        candidates.extend(sentence_cands)
    if not candidates:
        return []
    fingerprint = simhash(text)
    return [_to_event(group, item, fingerprint) for group in _group(candidates)]


def _group(candidates: list[Candidate]) -> list[list[Candidate]]:
    groups: dict[tuple[str, str], list[Candidate]] = {}
    for c in candidates:
        key = (c.trigger.sub_event_type, c.place[0].id if c.place else "-")
        groups.setdefault(key, []).append(c)
    return list(groups.values())


def _ev(
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


def _to_event(group: list[Candidate], item: dict[str, Any], fingerprint: str) -> dict[str, Any]:
    item_id = item["item_id"]
    first = group[0]
    evidence: list[dict[str, Any]] = []
    actors: dict[str, dict[str, Any]] = {}
    casualties: dict[str, Any] = dict.fromkeys(CASUALTY_KINDS)
    attributions: dict[str, dict[str, Any]] = {}
    for c in group:
        evidence.append(_ev("trigger", item_id, c.sentence, c.match.start, c.match.end, c.trigger.confidence))
        for actor, role, m in c.actors.values():
            prev = actors.get(actor.id)
            if prev is None or (prev["role"] != role and role == "actor"):
                actors[actor.id] = {
                    "id": actor.id,
                    "name": actor.name,
                    "name_ar": actor.name_ar,
                    "role": role,
                }
                evidence.append(_ev("actor", item_id, c.sentence, m.start, m.end, 0.8))
        for kind, (count, sentence, start, end) in c.casualties.items():
            if casualties[kind] is None:  # the first figure an article gives is its headline figure
                casualties[kind] = count.as_dict()
                evidence.append(
                    _ev(kind, item_id, sentence, start, end, 0.8 if count.lo == count.hi else 0.6)
                )
        if c.attribution:
            attr = attributions.setdefault(
                c.attribution["speaker"],
                {k: v for k, v in c.attribution.items() if k != "_evidence"} | {"claims": []},
            )
            claim = c.trigger.sub_event_type
            if claim not in attr["claims"]:
                attr["claims"].append(claim)
            sentence, start, end = c.attribution["_evidence"]
            evidence.append(_ev("attribution", item_id, sentence, start, end, 0.7))
    placed = next((c for c in group if c.place), None)
    location = placed.place[0].as_location() if placed and placed.place else None
    if placed and placed.place:
        place, m, sentence = placed.place
        if m is not None:
            evidence.append(_ev("location", item_id, sentence, m.start, m.end, 0.85))
    dated = next((c for c in group if c.date[1] is not None), None)
    event_date = dated.date[1].isoformat() if dated and dated.date[1] else None
    if dated and dated.date[0] is not None and dated.date[2] is not None:
        mention = dated.date[0]
        evidence.append(
            _ev("date", item_id, dated.date[2], 0, 0, mention.confidence)
            | {"start": dated.date[2].start, "end": dated.date[2].end}
        )
    confidence = max(c.trigger.confidence for c in group) * (0.6 + 0.2 * bool(location) + 0.2 * bool(actors))
    event_key = f"{item_id}|{first.trigger.sub_event_type}|{location['id'] if location else '-'}"
    event: dict[str, Any] = {
        "schema_version": 1,
        "event_id": "ev-" + hashlib.sha1(event_key.encode()).hexdigest()[:16],
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
            }
        ],
        "first_reported_at": item.get("published_at") or item.get("fetched_at"),
        "last_reported_at": item.get("published_at") or item.get("fetched_at"),
        "evidence": evidence[:MAX_EVIDENCE],
        "confidence": round(min(confidence, 1.0), 3),
        "summary": first.sentence.text[:5000],
        "attempted": any(c.attempted for c in group),
        "quantity": next((c.quantity for c in group if c.quantity), None),
        "changes": [],
    }
    return event
