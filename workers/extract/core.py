"""Pure core of the extract stage: one news item -> single-report events (schemas/event.json).

Per sentence (sentence.py): triggers (event sub-types), actors, places, casualty cues, dates and
the speaker. Per article (context.py): the countries it names, its main place and lead date, which
sentences without their own inherit. Per trigger (candidates.py): a candidate with roles, place,
date, casualty figures and attribution. Candidates of the same sub-type and area become one event
(events.py); every field keeps its evidence (sentence, character offsets in the item text,
confidence).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from itertools import compress, repeat
from operator import and_
from typing import Any

from workers.extract import acled_coding, lexicon
from workers.extract.anaphora import mentions_anaphor, resolve_organisation_anaphora
from workers.extract.candidates import (
    CASUALTY_ONLY_KINDS,
    Attribution,
    Candidate,
    attribution,
    sentence_candidates,
)
from workers.extract.context import ArticleContext, article_context
from workers.extract.events import CASUALTY_KINDS, MAX_EVIDENCE, build_events
from workers.extract.factuality import weapon_intercepted
from workers.extract.fingerprint import simhash_words
from workers.extract.gazetteer import place_index
from workers.extract.lexicon import CasualtyCue, Match, PhraseIndex, Trigger
from workers.extract.morph import MIN_STEM, stem_keys
from workers.extract.sentence import (
    SentenceAnalysis,
    SentenceMatches,
    country_unless_city,
    counts_people_after,
    meeting_venue,
)
from workers.extract.text import Memo, Sentence, Tokens, clitic_variants, fold, split_sentences, tokenize

__all__ = ["CASUALTY_KINDS", "MAX_EVIDENCE", "extract"]

_TRIGGERS, _ACTORS, _PLACES, _CUES = range(4)  # bit k of _PHRASE_STARTS: lexicon k of _indexes()
HEADLINE_INDEX = -1  # the headline's place among the sentences: before the body's first (index 0)
LINK_OPENER_WORDS = 3  # words at the start of a sentence compared with cues.json link_list_openers

# A dateline: a few words, then an agency in parentheses and/or a dash: «لندن، بريطانيا (CNN) --»,
# «بيروت - (رويترز) -», «أبوظبي - سكاي نيوز عربية». «في حلب (شمال)» is not one.
_DATELINE = re.compile(
    r"\s*(?:[^\s.()،,-]+[\s،,]+){0,4}?[^\s.()،,-]+\s*"
    r"(?:\((?:[A-Za-z][A-Za-z .]{1,20}|رويترز|أ ?ف ?ب|ا ?ف ?ب|د ?ب ?أ|سانا|واس|وام|الأناضول)\)\s*[-–—]*|[-–—]{1,2}\s)"
)


def _published_date(item: dict[str, Any]) -> date | None:
    value = item.get("published_at")
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


@cache
def _indexes() -> tuple[PhraseIndex[Any], ...]:
    """Trigger, actor, place and casualty-cue lexicons, in the order of _TRIGGERS.._CUES."""
    return (lexicon.trigger_index(), lexicon.actor_index(), place_index(), lexicon.casualty_index())


@cache
def _first_word_bits() -> tuple[dict[str, int], dict[str, int], frozenset[str]]:
    """(word as written, morphological key) -> bit k set when lexicon k (of _indexes()) has a phrase
    starting with it: one pass over a new token's readings serves all four lexicons. Also the first
    MIN_STEM letters of those keys: a key keeps its stem's first MIN_STEM letters (morph.reduce cuts
    suffixes only down to MIN_STEM letters, and drops a letter only past them), so a stem that starts
    otherwise needs no key. Half of new words' readings passed a two-letter test, an eighth pass this."""
    as_written: dict[str, int] = {}
    by_key: dict[str, int] = {}
    for k, index in enumerate(_indexes()):
        bits = by_key if index.morph else as_written
        for word in index.first_words():
            bits[word] = bits.get(word, 0) | 1 << k
    return as_written, by_key, frozenset(key[:MIN_STEM] for key in by_key)


def _phrase_start_bits(token: str) -> int:
    """Bit k set when lexicon k (of _indexes()) has a phrase starting with this token, so each
    lexicon looks only at the few tokens that can start one of its phrases. The same test as
    PhraseIndex.starts_phrase for each lexicon, done once for all four: a new word cost 4x as much."""
    as_written, by_key, key_starts = _first_word_bits()
    mask = 0
    for stem, _, _ in clitic_variants(token):
        mask |= as_written.get(stem, 0) | by_key.get(stem, 0)
        if stem[:MIN_STEM] in key_starts:
            for key in stem_keys(stem):
                mask |= by_key.get(key, 0)
    return mask


_PHRASE_STARTS = Memo(_phrase_start_bits)  # token -> its bits, one dict lookup per token


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


def _links_elsewhere(sentence: Sentence) -> bool:
    """«مقالات أخرى للكاتب …», «اقرأ أيضا: …»: page furniture listing other articles' titles, whose
    events are not this article's (cues.json link_list_openers; 376 of the corpus articles end so)."""
    openers = _link_list_openers()
    if not sentence.text.lstrip().startswith(openers.first_words):
        return False  # most sentences: no fold needed
    words = sentence.text.split(maxsplit=LINK_OPENER_WORDS)[:LINK_OPENER_WORDS]
    return fold(" ".join(words)).startswith(openers.folded)


@dataclass(frozen=True, slots=True)
class _Openers:
    first_words: tuple[str, ...]  # as written, a cheap screen before folding
    folded: tuple[str, ...]


@cache
def _link_list_openers() -> _Openers:
    written = lexicon.cues()["link_list_openers"]
    first = {w.split()[0] for w in written} | {fold(w.split()[0]) for w in written}
    return _Openers(tuple(sorted(first)), tuple(sorted(lexicon.word_set("link_list_openers"))))


def _killed_or_wounded(cues: list[Match[Any]]) -> bool:
    return any(c.entry.kind in CASUALTY_ONLY_KINDS for c in cues)


def _sentence_bounds(text: str, tokens: Tokens) -> tuple[list[Sentence], list[tuple[int, int]], list[int]]:
    """Sentences, their token spans, and for each token where a phrase starting there must end."""
    sentences = split_sentences(text)
    starts = tokens.starts
    spans = [(bisect.bisect_left(starts, s.start), bisect.bisect_left(starts, s.end)) for s in sentences]
    bound = list(range(1, len(tokens) + 1))  # a phrase ends inside its sentence
    for lo, hi in spans:
        bound[lo:hi] = repeat(hi, hi - lo)
    return sentences, spans, bound


def _may_start(words: list[str]) -> list[list[int]]:
    """For each lexicon k (of _indexes()), the positions where one of its phrases may start."""
    masks = list(map(_PHRASE_STARTS.__getitem__, words))
    # C-speed loops: the positions that may start any phrase (a quarter of them), then those of lexicon
    # k among them: compress(positions, mask & bit k)
    anywhere = list(compress(range(len(masks)), masks))
    masks = [masks[i] for i in anywhere]
    return [list(compress(anywhere, map(and_, masks, repeat(1 << k)))) for k in range(4)]


def _casualty_cues(
    tokens: Tokens, starts: list[int], bound: list[int] | None = None
) -> list[Match[CasualtyCue]]:
    """The casualty cues of a text, a people-only cue («القضاء على») only where people follow it."""
    return [
        c
        for c in _indexes()[_CUES].find(tokens, starts, bound)
        if not c.entry.people_only or counts_people_after(tokens.words, c.end_token)
    ]


def _headline_triggers(
    title: str, title_tokens: Tokens, title_starts: list[list[int]], published: date | None, ctx: ArticleContext
) -> list[Trigger]:
    """The kinds of event the headline reports, typed as a body sentence is typed: «سلاح الجو
    التركي يقصف مواقع» is an air strike, though «يقصف» alone is shelling, and «مقتل 27 في انفجار»
    names the explosion it reports. The headline's trigger words as they stand when it reports none
    (a question, a quote) or has no trigger word of its own."""
    if not ctx.title_triggers:
        return []
    indexes = _indexes()
    found = SentenceMatches(
        list(ctx.title_triggers),
        indexes[_ACTORS].find(title_tokens, title_starts[_ACTORS]),
        list(ctx.title_places),
        _casualty_cues(title_tokens, title_starts[_CUES]),
    )
    analysis = SentenceAnalysis(Sentence(0, len(title), title), title_tokens, published, found)
    typed = [c.trigger for c in sentence_candidates(analysis, HEADLINE_INDEX, ctx, None)]
    return typed or [m.entry for m in ctx.title_triggers]


def extract(item: dict[str, Any]) -> list[dict[str, Any]]:
    """Events reported by one item (each a version-1, single-source event)."""
    text: str = item["text"]
    # Cheap gate first: an article without any trigger word has no event.
    tokens = tokenize(text)
    may_start = _may_start(tokens.words)
    indexes = _indexes()
    if not may_start[_TRIGGERS] and not _killed_or_wounded(indexes[_CUES].find(tokens, may_start[_CUES])):
        return []  # no trigger word, and no casualty word that could make a casualty-only event
    sentences, spans, bound = _sentence_bounds(text, tokens)
    triggers = indexes[_TRIGGERS].find(tokens, may_start[_TRIGGERS], bound)
    cues = _casualty_cues(tokens, may_start[_CUES], bound)
    if not triggers and not _killed_or_wounded(cues):
        return []
    published = _published_date(item)
    # Each lexicon runs once over the article; its matches then go to their sentences.
    actors = indexes[_ACTORS].find(tokens, may_start[_ACTORS], bound)
    places = indexes[_PLACES].find(tokens, may_start[_PLACES], bound)
    sentence_actors = _by_sentence(actors, spans)
    sentence_places = _by_sentence(places, spans)
    title_tokens = tokenize(item.get("title") or "")
    title_starts = _may_start(title_tokens.words)  # the memo, not each lexicon's, screens new words
    if mentions_anaphor(text):  # «التنظيم»: the organisation the article has named
        resolve_organisation_anaphora(
            indexes[_ACTORS].find(title_tokens, title_starts[_ACTORS]),
            sentence_actors,
            [tokens[lo:hi] for lo, hi in spans],
        )
    # acled_coding reads each trigger sentence's actors and places as the lexicons find them, the
    # dateline's places included: hand them over instead of matching those sentences again
    found_in_sentence = {
        (s.text, s.start): pair
        for s, pair in zip(sentences, zip(sentence_actors, sentence_places, strict=True), strict=True)
    }
    dateline = _DATELINE.match(text)
    if dateline:  # «دبي، الإمارات (CNN) --»: where the bureau is, not where anything happened
        after = dateline.end()
        sentence_places = [[m for m in found if m.start >= after] for found in sentence_places]
    per_sentence = zip(
        _by_sentence(triggers, spans),
        sentence_actors,
        sentence_places,
        _by_sentence(cues, spans),
        strict=True,
    )
    analysed = [
        SentenceAnalysis(
            s,
            tokens[lo:hi],
            published,
            SentenceMatches([], [], [], []) if _links_elsewhere(s) else SentenceMatches(*found),
        )
        for s, (lo, hi), found in zip(sentences, spans, per_sentence, strict=True)
    ]
    title_triggers = [
        # «اعتراض صاروخ باليستي فوق الرياض» names the interception the body reports, not a strike
        replace(m, entry=lexicon.disrupted_weapons_trigger()) if weapon_intercepted(title_tokens.words, m)
        else m
        for m in indexes[_TRIGGERS].find(title_tokens, title_starts[_TRIGGERS])
    ]
    title_places = [
        country_unless_city(m, title_tokens.words)  # «تونس تعلن تفكيك خلية»: the country
        for m in indexes[_PLACES].find(title_tokens, title_starts[_PLACES])
        if not meeting_venue(m, title_tokens.words, title_triggers)  # «روسيا تستبق "قمة طهران" بغارات»
    ]
    ctx = article_context(item, published, analysed, title_places, title_triggers)
    candidates: list[Candidate] = []
    last_attr: Attribution | None = None
    for si, a in enumerate(analysed):
        attr = attribution(a, ctx.item_id, last_attr)
        if attr:
            last_attr = attr
        if a.triggers or a.casualty_cues:
            candidates.extend(sentence_candidates(a, si, ctx, attr))
    if not candidates:
        return []
    headline = _headline_triggers(item.get("title") or "", title_tokens, title_starts, published, ctx)
    events = build_events(candidates, item, ctx, simhash_words(tokens.words), headline)
    for event in events:
        # actor slots, ACLED precisions, names no lexicon knows
        acled_coding.complete(event, text, ctx.countries, tokens, found_in_sentence, item.get("home_country"))
    return events
