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
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import cache, cached_property
from itertools import compress, repeat
from operator import and_
from typing import Any

from workers.extract import acled, lexicon
from workers.extract.dates import DateMention, find_dates
from workers.extract.fingerprint import simhash_words
from workers.extract.gazetteer import (
    LOCATIVE_CUES,
    NEAR_KM,
    PRECISION_RANK,
    Place,
    country_place,
    distance_km,
    place_index,
    resolve,
)
from workers.extract.lexicon import Actor, Match, PhraseIndex, Trigger
from workers.extract.numbers import Count, find_counts
from workers.extract.text import Sentence, Tokens, clitic_variants, fold, split_sentences, tokenize

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


def _published_date(item: dict[str, Any]) -> date | None:
    value = item.get("published_at")
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


@cache
def _with_conjunctions(verbs: frozenset[str]) -> frozenset[str]:
    return verbs | {c + v for v in verbs for c in ("و", "ف")}


def _speaker_span(tokens: Tokens, verbs: frozenset[str]) -> tuple[int, int, int] | None:
    """(verb index, speaker start, speaker end) of the first reporting verb in a sentence."""
    words = tokens.words
    if _with_conjunctions(verbs).isdisjoint(words):
        return None
    for i, w in enumerate(words):
        if w not in verbs and not (w[:1] in ("و", "ف") and w[1:] in verbs):
            continue
        j = i + 1
        while j < len(words) and j - i <= 12 and words[j] not in _CLAUSE_BREAKS:
            j += 1
        return i, i + 1, j


_PUNCT_RE = re.compile("|".join(re.escape(p) for p in _PUNCT_BREAKS))


def _clause_ids(sentence: Sentence, tokens: Tokens) -> list[int]:
    """Clause number per token: a comma, semicolon or colon between two tokens starts a new clause."""
    breaks = [m.start() + sentence.start for m in _PUNCT_RE.finditer(sentence.text)]
    if not breaks:
        return [0] * len(tokens)
    return [bisect.bisect_left(breaks, start) for start in tokens.starts]


def _indexes() -> tuple[PhraseIndex[Any], ...]:
    """Trigger, actor, place and casualty-cue lexicons, in the order _Analysed takes their matches."""
    return (lexicon.trigger_index(), lexicon.actor_index(), place_index(), lexicon.casualty_index())


class _PhraseStarts(dict[str, int]):
    """token -> bit k set when lexicon k (of _indexes()) has a phrase starting with it (memoized), so
    each lexicon looks only at the few tokens that can start one of its phrases."""

    def __missing__(self, token: str) -> int:
        if len(self) >= 200_000:
            self.clear()
        self[token] = mask = sum(1 << k for k, index in enumerate(_indexes()) if index.starts_phrase(token))
        return mask


_PHRASE_STARTS = _PhraseStarts()


class _Analysed:
    """One sentence's mentions. Triggers, actors, places and the speaker are found for every sentence
    (they give the article its context); dates, counts, cues and clauses only when asked for, which
    is mostly for sentences with a trigger."""

    def __init__(
        self, sentence: Sentence, tokens: Tokens, published: date | None, found: list[list[Match[Any]]]
    ) -> None:
        """`found`: the sentence's trigger, actor, place and casualty-cue matches, in that order."""
        self.sentence, self.tokens, self._published = sentence, tokens, published
        triggers = [m for m in found[0] if not (m.entry.pos == "v" and (m.had_article or m.had_prep))]
        if any(m.entry.undone_by for m in triggers):
            in_names = {i for m in found[1] for i in range(m.start_token, m.end_token)}  # «هيئة تحرير الشام»
            triggers = [m for m in triggers if not (m.entry.undone_by and self._undone(m, in_names))]
        if any(m.entry.needs_context for m in triggers) and not _conflict_context(tokens, triggers, found):
            triggers = [m for m in triggers if not m.entry.needs_context]
        specific_types = {m.entry.event_type for m in triggers if not m.entry.generic}
        self.triggers = [
            m for m in triggers if not (m.entry.generic and m.entry.event_type in specific_types)
        ]
        self.speaker = _speaker_span(tokens, lexicon.word_set("attribution_verbs"))
        self.actors: list[Match[Actor]] = found[1]
        self.casualty_cues: list[Match[tuple[str, frozenset[str]]]] = found[3]
        # Not places: a name inside an actor's name («قوات سوريا الديمقراطية»), or a person's name in
        # the speaker slot («قال عدنان عفرين»), or a small town's name with no locative cue before it.
        taken = {i for m in self.actors for i in range(m.start_token, m.end_token)}
        if self.speaker:
            taken.update(
                range(self.speaker[1], _name_end(tokens, self.clauses, self.speaker[1], self.speaker[2]))
            )
        self.places = []
        for m in found[2]:
            if taken.intersection(range(m.start_token, m.end_token)):
                continue
            if _needs_cue_missing(m, tokens):
                if not m.entry[0].capital or not m.entry[0].country_code:
                    continue
                # «دعت أنقرة»: the capital stands for its country
                m = replace(m, entry=[country_place(m.entry[0].country_code)])
            self.places.append(m)

    def _undone(self, m: Match[Trigger], skip: set[int]) -> bool:
        """Does the trigger's clause say the event ended («أفرجت عن الرهائن»: a release, not a kidnapping)?"""
        words = lexicon.word_set(m.entry.undone_by or "")
        clause = self.clauses[m.start_token]
        return any(
            stem in words
            for i, w in enumerate(self.tokens.words)
            if self.clauses[i] == clause and i not in skip
            for stem, _, _ in clitic_variants(w)
        )

    @cached_property
    def dates(self) -> list[DateMention]:
        return find_dates(self.tokens, self._published)

    @cached_property
    def counts(self) -> list[Count]:
        date_tokens = {i for d in self.dates for i in range(d.start_token, d.end_token)}
        return [
            c
            for c in find_counts(self.tokens, self.sentence.text, self.sentence.start)
            if not any(i in date_tokens for i in range(c.start_token, c.end_token))
        ]

    @cached_property
    def clauses(self) -> list[int]:
        return _clause_ids(self.sentence, self.tokens)


# A dateline: a few words, then an agency in parentheses and/or a dash: «لندن، بريطانيا (CNN) --»,
# «بيروت - (رويترز) -», «أبوظبي - سكاي نيوز عربية». «في حلب (شمال)» is not one.
_DATELINE = re.compile(
    r"\s*(?:[^\s.()،,-]+[\s،,]+){0,4}?[^\s.()،,-]+\s*"
    r"(?:\((?:[A-Za-z][A-Za-z .]{1,20}|رويترز|أ ?ف ?ب|ا ?ف ?ب|د ?ب ?أ|سانا|واس|وام|الأناضول)\)\s*[-–—]*|[-–—]{1,2}\s)"
)

_ARMED_KINDS = frozenset({"state", "nonstate", "international"})


def _conflict_context(tokens: Tokens, triggers: list[Match[Trigger]], found: list[list[Match[Any]]]) -> bool:
    """Does the sentence say it is about violence? An unambiguous trigger, an armed actor, a casualty
    cue or a conflict word («مسلحين», «القوات», «قتلى») makes an ambiguous trigger («معركة») count."""
    if any(not m.entry.needs_context for m in triggers):
        return True
    trigger_tokens = {i for m in triggers for i in range(m.start_token, m.end_token)}
    if any(m.start_token not in trigger_tokens for m in found[3]):  # «خطف» is a cue as well as a trigger
        return True
    if any(m.entry.kind in _ARMED_KINDS for m in found[1]):
        return True
    words, prefixes = lexicon.word_or_prefix_set("conflict_context")
    return any(
        stem in words or stem.startswith(prefixes) for w in tokens.words for stem, _, _ in clitic_variants(w)
    )


def _name_end(tokens: Tokens, clauses: list[int], s: int, e: int) -> int:
    """End of the speaker's name: before the first comma, preposition or title, at most 4 words."""
    end = s + 1
    while end < e and clauses[end] == clauses[s] and tokens.words[end] not in _SPEAKER_STOPS and end - s < 4:
        end += 1
    return end


def _needs_cue_missing(m: Match[list[Place]], tokens: Tokens) -> bool:
    """A small town's name, or a capital's (metonymy: «دعت أنقرة»), with no locative cue before it."""
    if not any(p.needs_cue for p in m.entry) and not m.entry[0].capital:
        return False
    prev = _word_before(m, tokens)
    if m.start_token >= 2 and prev.startswith("ال") and prev.endswith(("يه", "ي")):
        prev = tokens.words[m.start_token - 2]  # past an adjective: «العاصمة الزيمبابوية هراري»
    return not (m.had_prep or prev in LOCATIVE_CUES or (prev in _TARGET_CUES and m.entry[0].capital))


def _country_as_actor(m: Match[list[Place]], tokens: Tokens) -> bool:
    """A country named with no locative cue is a party, not where it happened («اتفاق رعته روسيا»)."""
    if m.entry[0].precision != "country" or m.had_prep:
        return False
    prev = _word_before(m, tokens)
    return prev not in LOCATIVE_CUES and prev not in _TARGET_CUES


def _launch_site(m: Match[list[Place]], tokens: Tokens) -> bool:
    return _word_before(m, tokens) == "من"


def _word_before(m: Match[Any], tokens: Tokens) -> str:
    return tokens.words[m.start_token - 1] if m.start_token else ""


def _is_nisba(m: Match[list[Place]]) -> bool:
    place = m.entry[0]
    return place.nisba or (
        place.precision == "country" and m.had_article and not fold(place.name_ar).startswith("ال")
    )


def _role(actor: Actor, m: Match[Actor], trig: Match[Trigger], tokens: Tokens) -> str | None:
    """actor / target, or None when the mention has no part in this kind of event."""
    if actor.kind == "civilians":
        return None if trig.entry.event_type in ("battles", "strategic_developments") else "target"
    if trig.entry.event_type == "battles":
        return "actor"
    before = set(tokens.words[max(0, m.start_token - 2) : m.start_token])
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
    if s == e or (e - s == 1 and span_tokens.words[0] in _CLAUSE_BREAKS):
        return dict(last) if last else None  # «وأضاف أن...»: the previous speaker goes on
    # the name is what precedes the first comma or preposition (appositions and objects follow it)
    name_end = _name_end(a.tokens, a.clauses, s, e)
    start, end = a.tokens.starts[s], a.tokens.ends[name_end - 1]
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


def _by_sentence(matches: list[Match[Any]], spans: list[tuple[int, int]]) -> list[list[Match[Any]]]:
    """Article-level matches split by sentence, their token positions made sentence-relative."""
    out: list[list[Match[Any]]] = [[] for _ in spans]
    los = [lo for lo, _ in spans]
    for m in matches:
        k = bisect.bisect_right(los, m.start_token) - 1
        lo = los[k]
        m.start_token -= lo
        m.end_token -= lo
        out[k].append(m)
    return out


def extract(item: dict[str, Any]) -> list[dict[str, Any]]:
    """Events reported by one item (each a version-1, single-source event)."""
    text: str = item["text"]
    # Cheap gate first: an article without any trigger word has no event.
    tokens = tokenize(text)
    masks = list(map(_PHRASE_STARTS.__getitem__, tokens.words))
    # positions where lexicon k may match, by C-speed loops: compress(positions, mask & bit k)
    candidates = [list(compress(range(len(masks)), map(and_, masks, repeat(1 << k)))) for k in range(4)]
    if not candidates[0]:
        return []
    sentences = split_sentences(text)
    starts = tokens.starts
    spans = [(bisect.bisect_left(starts, s.start), bisect.bisect_left(starts, s.end)) for s in sentences]
    bound = list(range(1, len(tokens) + 1))  # a phrase ends inside its sentence
    for lo, hi in spans:
        bound[lo:hi] = repeat(hi, hi - lo)
    indexes = _indexes()
    triggers = indexes[0].find(tokens, candidates[0], bound)
    if not triggers:
        return []
    published = _published_date(item)
    # Each lexicon runs once over the article; its matches then go to their sentences.
    found = [triggers] + [indexes[k].find(tokens, candidates[k], bound) for k in (1, 2, 3)]
    dateline = _DATELINE.match(text)
    if dateline:  # «دبي، الإمارات (CNN) --»: where the bureau is, not where anything happened
        found[2] = [m for m in found[2] if m.start >= dateline.end()]
    per_sentence = [_by_sentence(matches, spans) for matches in found]
    analysed = [
        _Analysed(s, tokens[lo:hi], published, [found[k] for found in per_sentence])
        for k, (s, (lo, hi)) in enumerate(zip(sentences, spans, strict=True))
    ]
    title_tokens = tokenize(item.get("title") or "")
    title_places = place_index().find(title_tokens)
    title_triggers = indexes[0].find(title_tokens)

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
            place_tally[place.id] += PRECISION_RANK[place.precision]
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
            remote = trig.entry.event_type == "explosions_remote_violence"
            if specific:
                best = max(
                    specific,
                    key=lambda m: (
                        # where a missile or shell came from is not where it fell («من اليمن على نجران»)
                        not (remote and _launch_site(m, a.tokens)),
                        # a country named as a party («اتفاق رعته روسيا») yields to a place named
                        not _country_as_actor(m, a.tokens),
                        PRECISION_RANK[resolve(m.entry, countries).precision],
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
            window = set(a.tokens.words[max(0, trig.start_token - 4) : trig.start_token])
            cand.attempted = bool(window & attempt_words)
            qty = next((c for c in a.counts if c.end_token == trig.start_token and c.lo == c.hi), None)
            cand.quantity = qty.lo if qty else None
            sentence_cands.append(cand)
        _assign_casualties(a, sentence_cands)
        candidates.extend(sentence_cands)
    if not candidates:
        return []
    fingerprint = simhash_words(tokens.words)
    events = [_to_event(group, item, fingerprint) for group in _group(candidates)]
    lead = _mark_lead(
        events, {m.entry.sub_event_type for m in title_triggers}, {m.entry.event_type for m in title_triggers}
    )
    _place_from_headline(lead, item, title_places, countries)
    for event in events:
        acled.complete(event, text, countries)  # actor slots, ACLED precisions, names no lexicon knows
    return events


def _place_from_headline(
    event: dict[str, Any], item: dict[str, Any], title_places: list[Match[list[Place]]], countries: set[str]
) -> None:
    """A lead event placed only by country (or not at all) takes the town its headline names:
    «حصيلة جديدة لضحايا الهجوم الكيماوي في دوما» over a body that says only «سوريا»."""
    loc = event["location"]
    if loc and loc["precision"] != "country":
        return
    for m in title_places:
        if _is_nisba(m):
            continue
        place = resolve(m.entry, countries)
        if place.precision == "country" or (loc and place.country_code != loc["country_code"]):
            continue
        event["location"] = place.as_location()
        title = item.get("title") or ""
        event["evidence"].append(
            _ev("location", item["item_id"], Sentence(0, len(title), title), m.start, m.end, 0.6)
            | {"in_title": True}
        )
        return


def _mark_lead(events: list[dict[str, Any]], title_subs: set[str], title_types: set[str]) -> dict[str, Any]:
    """The article's own story: the event whose kind its headline names, else the first it reports
    (events are in order of first mention). Others are background, follow-ups or context."""
    lead = min(
        range(len(events)),
        key=lambda i: (
            events[i]["sub_event_type"] not in title_subs,
            events[i]["event_type"] not in title_types,
            i,
        ),
    )
    for i, event in enumerate(events):
        event["lead"] = i == lead
    return events[lead]


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
    for group in groups:  # the most precise place first: it becomes the event's location
        group.sort(key=lambda c: -PRECISION_RANK.get(c.place[0].precision, 0) if c.place else 0)
    return groups


def _same_area(a: Candidate, b: Candidate) -> bool:
    if a.place is None or b.place is None:
        return a.place is b.place
    pa, pb = a.place[0], b.place[0]
    if pa.id == pb.id:
        return True
    if pa.country_code != pb.country_code:
        return False
    if "country" in (pa.precision, pb.precision):
        return True
    if None in (pa.lat, pb.lat):
        return False
    return distance_km(pa.lat, pa.lon, pb.lat, pb.lon) <= NEAR_KM  # type: ignore[arg-type]


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
    event_id = "ev-" + hashlib.sha1(event_key.encode()).hexdigest()[:16]
    event: dict[str, Any] = {
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
            }
        ],
        "first_reported_at": _utc(item.get("published_at") or item.get("fetched_at")),
        "last_reported_at": _utc(item.get("published_at") or item.get("fetched_at")),
        "evidence": evidence[:MAX_EVIDENCE],
        "confidence": round(min(confidence, 1.0), 3),
        "summary": first.sentence.text[:5000],
        "attempted": any(c.attempted for c in group),
        "quantity": next((c.quantity for c in group if c.quantity), None),
        "changes": [],
    }
    return event
