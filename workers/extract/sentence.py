"""One sentence's mentions: triggers, actors, places, casualty cues, the speaker, dates and counts.

The lexicons run once over a whole article (core.match_article); their matches are then handed to
each sentence as a `SentenceMatches`. `SentenceAnalysis` filters them (ambiguous triggers without a
conflict context, a release that undoes an abduction, names inside actors' names that are not
places) and computes dates, counts and clauses lazily: they are needed mostly where a trigger is.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import cache, cached_property
from itertools import repeat
from typing import Any

from workers.extract import lexicon
from workers.extract.actors import coordinated_force
from workers.extract.dates import FIRST_YEAR, LAST_YEAR, MONTH_WORDS, DateMention, find_dates
from workers.extract.gazetteer import (
    ADMIN2_WORDS,
    ARAB_WORLD,
    LOCATIVE_CUES,
    Place,
    capital_place,
    country_place,
)
from workers.extract.lexicon import Actor, CasualtyCue, Match, Trigger
from workers.extract.morph import keys_of, term_key
from workers.extract.numbers import Count, find_counts, is_number_word
from workers.extract.text import (
    Sentence,
    Tokens,
    clitic_variants,
    fold,
    without_conjunction,
    without_proclitic,
)

# Words before an actor or place that make it the target of the action.
TARGET_CUES = frozenset(
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
CLAUSE_BREAKS = frozenset(
    fold(w)
    for w in ["ان", "إن", "أن", "انه", "إنه", "أنه", "انها", "إنها", "أنها"]
    + ["انهم", "إنهم", "أنهم", "انهما", "إنهما", "أنهما"]  # «قالت إنهما متورطان»
)
# A speaker's name ends before these (or a comma): «أعلن بالي عن انتهاء المهلة».
_SPEAKER_STOPS = CLAUSE_BREAKS | frozenset(
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
_PUNCT_RE = re.compile("|".join(re.escape(p) for p in _PUNCT_BREAKS))
# Quotation marks and brackets end a clause for roles and figures, not for factuality: «هدد بـ"قصف"»
# is a threat, «سنواصل (الإضراب)» a future strike.
_FACTUALITY_OPEN = ('"', "«", "»", "“", "”", "(", ")")
_UNQUOTED_RE = re.compile("|".join(re.escape(p) for p in _PUNCT_BREAKS if p not in _FACTUALITY_OPEN))
_YEAR_WORDS = frozenset(fold(w) for w in ["عام", "العام", "سنة", "السنة", "لعام", "بعام", "وعام", "منذ"])
_AGE_WORDS = frozenset(fold(w) for w in ["عاما", "عام", "سنة", "سنوات", "أعوام", "عاماً", "سنه"])
_PERCENT_WORDS = frozenset(fold(w) for w in ["بالمئة", "بالمائة", "بالمية", "المئة", "المائة"])
# a span of time counts hours, not people: «في غضون 24 ساعة، قتل ... فلسطينيا ثانيا»
_TIME_UNIT_WORDS = frozenset(
    fold(w)
    for w in [
        "ساعة",
        "ساعات",
        "دقيقة",
        "دقائق",
        "يوما",
        "يوماً",
        "أيام",
        "أسبوعا",
        "أسابيع",
        "شهرا",
        "أشهر",
        "شهور",
    ]
)
_AT_LEAST = [fold("على"), fold("الأقل")]
_AT_LEAST_GAP = 2  # words between a number and «على الأقل» («1700 مدني على الأقل»)
_SPEAKER_WINDOW = 12  # words after a reporting verb that may hold the speaker
_SPEAKER_NAME_WORDS = 4
_ARMED_KINDS = frozenset({"state", "nonstate", "international"})
_POLITICAL_PARTY_KINDS = frozenset({"nonstate", "international"})  # a crime report naming one is political
# An abduction word is its own context when its object is people: a figure right after it («خطف 36
# سيدة»), or a noun of people within VICTIM_OBJECT_WINDOW words («اختطاف صحفي», «خطف مواطنين»);
# «خطف الأضواء», «خطف اللقب» stay out. Not for the other ambiguous words of violence against people:
# over 6,000 corpus articles the same test let in as many slaughtered livestock («ذبح»), food
# poisonings («تسمم مواطنين»), death sentences and assaults on doctors as real attacks.
VICTIM_OBJECT_WINDOW = 2
SUBJECT_BEFORE_OBJECT = 3  # words after a killed/wounded verb where its subject may stand before its object
FAMILY_VICTIM_GAP = 1  # words between an act and the relative it falls on («الاعتداء بالضرب على زوجته»)
PEOPLE_AFTER_NUMBER = 2  # words after a numeral where the people it counts may be named («30 عنصرا تكفيريا»)
_NUMBER_OF = fold("عدد")  # «القضاء على عدد (30) عنصر»
_LAST = fold("آخر")  # after a people-only cue «آخر» is "the last" («تصفية آخر جيوب المتمردين»), not another
OBJECT_WINDOW = 4  # words after a needs_object verb where the people it takes may stand
# words after a needs_territory verb where the place it takes may stand, past its subject and a time
# («استعادت قوات الجيش خلال ساعات قريتين»)
TERRITORY_OBJECT_WINDOW = 4
# words after a needs_territory_on verb where its «على» may stand, past a long subject and a time
# («سيطرت القوات الموالية للرئيس عبد ربه منصور هادي على»)
TERRITORY_ON_WINDOW = 10
ON = fold("على")  # «على»: the preposition of a takeover's or an attack's object
_ARTICLE = ("ال", "لل")
_NOUN_ENDINGS = ("ه", "ة")
# what ends a territory verb's object: a preposition («استعادة الاستقرار في اليمن»), and the
# article after «ب»/«ل» on a word («بالمدينة»: a place where, not the place taken)
_OBJECT_STOPS = frozenset(
    fold(w)
    for w in [
        "في",
        "من",
        "إلى",
        "على",
        "عن",
        "مع",
        "ضد",
        "بين",
        "عبر",
        "داخل",
        "خارج",
        "حول",
        "نحو",
        "لدى",
        "قرب",
    ]
)
_PREP_ARTICLE = ("بال", "لل")
_OBJECT_PRONOUNS = ("ته", "تهم", "وهم", "وه")  # «أوقفته», «أوقفتهم», «أوقفوهم»
_THAT_WORDS = frozenset(fold(w) for w in ["إن", "أن", "وإن", "وأن"])  # before an accusative subject
_ACCUSATIVE = "ا"
_FROM_WORK = fold("عن")  # «أوقف عن العمل»: the «from» of a suspension
FROM_OBJECT_REACH = 4  # words after a trigger where «من» may stand before what it is from (not_before)
_FROM = fold("من")
_VICTIM_OBJECT_SUB_TYPES = frozenset({"abduction_forced_disappearance"})
# a bomb's object that only a bombing has: «تفجير مسجد», «تفجير الكنيسة» (a crisis or a surprise is
# «تفجير» too, a mosque is not)
_BOMBING_SUB_TYPES = frozenset({"remote_explosive_landmine_ied", "suicide_bomb"})
# ACLED codes one event where a sentence names two of these: the key's sub-type, not the values'
# («فرقت الشرطة المتظاهرين»: a protest with intervention, not also a peaceful protest; «استعادت
# السيطرة … عقب معارك»: the territory change, not also a clash).
SUPERSEDES: dict[str, frozenset[str]] = {
    "protest_with_intervention": frozenset({"peaceful_protest"}),
    "excessive_force_against_protesters": frozenset(
        {"peaceful_protest", "protest_with_intervention", "attack"}
    ),
    "government_regains_territory": frozenset({"armed_clash", "non_state_actor_overtakes_territory"}),
    "non_state_actor_overtakes_territory": frozenset({"armed_clash"}),
    # protesters who throw stones or Molotovs riot, whatever the police do (ACLED codes no excessive
    # force on a violent demonstration; eval/README.md: the Ultras' clashes and arrests are one riot)
    "violent_demonstration": frozenset(
        {"peaceful_protest", "protest_with_intervention", "excessive_force_against_protesters"}
    ),
}
VIOLENT_TYPES = frozenset({"battles", "explosions_remote_violence", "violence_against_civilians"})
# words before a person's name («المدعو», «يدعى»): what follows is no place even when a town shares it
_NAMED_WORDS = frozenset(
    fold(w)
    for w in ["يدعى", "ويدعى", "تدعى", "المدعو", "المدعوة", "اسمه", "اسمها", "الملقب", "الملقبة", "يلقب"]
)
_NOUN_COUNTED = frozenset({"killed", "wounded", "captured"})  # cue kinds a noun of people next to them counts
_CRIME_PRONE = frozenset({"arrests"})  # sub-types that ordinary crime words (cues.json) rule out
_CRIME_REPORT_PRONE = frozenset({"arrests", "attack", "mob_violence"})  # ... and a police crime report


def _before_a_prior_event(generic: Match[Trigger], first_specific: int, tokens: Tokens) -> bool:
    """Is a generic word the sentence's own news, the specific ones after it an earlier event it
    follows or answers (cues.json prior_event_connectors between them: «قصفت تركيا مواقع داعش ردا
    على مقتل أحد جنودها … بعد 3 أيام على هجوم انتحاري»)? Then it is no restatement of them."""
    if generic.end_token > first_specific:
        return False
    return lexicon.phrase_list("prior_event_connectors").found_in(tokens.words[generic.end_token : first_specific])


def counts_people_after(words: list[str], i: int) -> bool:
    """Does a count of people start at word i (past «عدد»): a noun of people (cues.json
    casualty_nouns, combatant_nouns: «عنصر إرهابي», «إرهابيين»), or a number with one within
    PEOPLE_AFTER_NUMBER words after it («30 إرهابيا»; not «ثلاث مرات», «3 أهداف»)? What a people-only
    casualty cue (lexicon.CasualtyCue.people_only) needs to count at all."""
    if i < len(words) and words[i] == _NUMBER_OF:
        i += 1
    if i >= len(words):
        return False
    if not is_number_word(words[i]):
        return words[i] != _LAST and _names_people(words[i])
    while i < len(words) and is_number_word(words[i]):  # «ثلاثة آلاف»
        i += 1
    return any(_names_people(w) for w in words[i : i + PEOPLE_AFTER_NUMBER])


def _names_people(word: str) -> bool:
    people = lexicon.key_set("casualty_nouns") | lexicon.key_set("combatant_nouns")
    return word in lexicon.casualty_noun_counts() or not people.isdisjoint(keys_of(word))


@dataclass(slots=True)
class SentenceMatches:
    """A sentence's lexicon matches, token positions relative to the sentence."""

    triggers: list[Match[Trigger]]
    actors: list[Match[Actor]]
    places: list[Match[list[Place]]]
    casualty_cues: list[Match[CasualtyCue]]


@dataclass(frozen=True, slots=True)
class SpeakerSpan:
    """Token positions of a reporting verb and of the words after it that may name its speaker."""

    verb: int
    start: int
    end: int  # exclusive


@cache
def _with_conjunctions(verbs: frozenset[str]) -> frozenset[str]:
    return verbs | {c + v for v in verbs for c in ("و", "ف")}


def _speaker_span(tokens: Tokens, verbs: frozenset[str]) -> SpeakerSpan | None:
    """The first reporting verb of a sentence and the words that may name who speaks."""
    words = tokens.words
    if _with_conjunctions(verbs).isdisjoint(words):
        return None
    for i, w in enumerate(words):
        if w not in verbs and not (w[:1] in ("و", "ف") and w[1:] in verbs):
            continue
        j = i + 1
        while j < len(words) and j - i <= _SPEAKER_WINDOW and words[j] not in CLAUSE_BREAKS:
            j += 1
        return SpeakerSpan(i, i + 1, j)
    return None


def _clause_ids(sentence: Sentence, tokens: Tokens, punct: re.Pattern[str] = _PUNCT_RE) -> list[int]:
    """Clause number per token: a comma, semicolon or colon between two tokens starts a new clause."""
    breaks = [m.start() + sentence.start for m in punct.finditer(sentence.text)]
    if not breaks:
        return [0] * len(tokens)
    return list(map(bisect.bisect_left, repeat(breaks), tokens.starts))  # a C loop: per token, per sentence


class SentenceAnalysis:
    """One sentence's mentions. Triggers, actors, places and the speaker are found for every sentence
    (they give the article its context); dates, counts, cues and clauses only when asked for, which
    is mostly for sentences with a trigger."""

    def __init__(
        self, sentence: Sentence, tokens: Tokens, published: date | None, found: SentenceMatches
    ) -> None:
        self.sentence, self.tokens, self._published = sentence, tokens, published
        self.actors: list[Match[Actor]] = _coordinated(
            _named_armed_men([m for m in found.actors if not _nisba_names_no_one(m, tokens)]), tokens
        )
        triggers = [
            m
            for m in found.triggers
            if not (m.entry.exact and not _written_as(m, tokens, m.entry.exact))
            and not (  # a one-word match, or a phrase with words inserted: «مواجهة» is a facing,
                # «مواجهة مسلحة» a clash, but «تعزيز التعاون العسكري» no «تعزيزات عسكرية»
                m.entry.not_forms
                and (m.end_token - m.start_token == 1 or m.inserted)
                and _written_as(m, tokens, m.entry.not_forms)
            )
            and not _in_compound(m, tokens)
        ]
        if any(m.entry.undone_by for m in triggers):
            in_names = {
                i for m in found.actors for i in range(m.start_token, m.end_token)
            }  # «هيئة تحرير الشام»
            triggers = [m for m in triggers if not (m.entry.undone_by and self._undone(m, in_names))]
        triggers = [
            m
            for m in triggers
            if not (m.entry.needs_object and not _people_object(tokens, m, found))
            and not (m.entry.needs_territory and not _territory_object(tokens, m, found))
            and not (m.entry.needs_territory_on and not _territory_on(tokens, m, found))
        ]
        if any(m.entry.instrument for m in triggers) and not _weapon_used(tokens, triggers, found):
            triggers = [m for m in triggers if not m.entry.instrument]
        if any(m.entry.needs_context for m in triggers) and not _conflict_context(tokens, triggers, found):
            triggers = [m for m in triggers if not m.entry.needs_context]
        # the event and casualty words: a family word in or right after one is a domestic crime
        self._acts: list[Match[Trigger] | Match[CasualtyCue]] = [*found.triggers, *found.casualty_cues]
        # a police crime report: its shootings, stabbings and arrests go, and with them the generic
        # words («الهجوم», «ضربها») that would otherwise stand for them
        crime = [m for m in triggers if m.entry.sub_event_type in _CRIME_REPORT_PRONE or m.entry.generic]
        if crime and self.crime_report:
            triggers = [m for m in triggers if m not in crime]
        # a generic word («هجوم», «استهدف») names the event a specific one of its type, or of any
        # violent type, names better: «فجر انتحاري نفسه … في هجوم» is one suicide bombing, «حملة خطف
        # تستهدف» one abduction campaign
        specific = {m.entry.event_type for m in triggers if not m.entry.generic}
        # the generic words a specific one set aside: they stand when the sentence does not report
        # the specific one («أمر بوقف الغارات … بعد هجوم أسفر عن مقتل 11»; candidates.py)
        self.set_aside: list[Match[Trigger]] = []
        if specific:
            violent = not specific.isdisjoint(VIOLENT_TYPES)
            first_specific = min(m.start_token for m in triggers if not m.entry.generic)
            kept = [
                m
                for m in triggers
                if not (m.entry.generic and (violent or m.entry.event_type in specific))
                or _before_a_prior_event(m, first_specific, tokens)
            ]
            if len(kept) < len(triggers):
                self.set_aside = [m for m in triggers if m not in kept]
            triggers = kept
        if _clash_in_a_protest(triggers, self.actors, tokens):
            riot = lexicon.riot_trigger()
            triggers = [replace(m, entry=riot) if _clash_word(m, tokens) else m for m in triggers]
        kept = _superseded(triggers)
        # the sub-types a more specific one set aside: they stand when the sentence does not report
        # the specific one («المعركة الدائرة لاستعادة المدينة»: a purpose, the battle still stands)
        self.superseded: list[Match[Trigger]] = [m for m in triggers if m not in kept]
        triggers = _one_generic(kept)
        if any(m.entry.sub_event_type in _CRIME_PRONE for m in triggers) and _criminal(tokens):
            triggers = [m for m in triggers if m.entry.sub_event_type not in _CRIME_PRONE]
        self.triggers = triggers
        self.speaker = _speaker_span(tokens, lexicon.word_set("attribution_verbs"))
        self.casualty_cues: list[Match[CasualtyCue]] = found.casualty_cues
        # Not places: a name inside an actor's name («قوات سوريا الديمقراطية»), or a person's name in
        # the speaker slot («قال عدنان عفرين»), or a small town's name with no locative cue before it.
        taken = {i for m in self.actors for i in range(m.start_token, m.end_token)}
        if self.speaker:
            taken.update(range(self.speaker.start, self.name_end(self.speaker)))
        self.places: list[Match[list[Place]]] = []
        for m in found.places:
            if word_before(m, tokens) in _NAMED_WORDS:
                continue  # «شاب يدعى حلب»: a person's name
            if _birthplace(m, tokens):
                continue  # «مسقط رأسه»: his birthplace, not Muscat
            if _backer(m, tokens):
                continue  # «الميليشيات المدعومة من إيران»: who backs them, not where anything happened
            if meeting_venue(m, tokens.words, triggers):
                continue  # «قبل ساعات من قمة حاسمة في طهران»: where a meeting is held
            if organisation_seat(m, tokens.words, triggers):
                continue  # «بحسب المرصد الذي يتخذ من لندن مقرا له»: where a source sits
            if m.had_prep and tokens.words[m.start_token].lstrip("وف")[:1] == _LIKE:
                continue  # «كبيراً» is «big», not «ك» (like) + Beira: the news compares with no place
            if taken.intersection(range(m.start_token, m.end_token)) and not _located_in_name(m, tokens):
                continue
            if m.had_article and all(
                p.precision == "place" and p.country_code not in ARAB_WORLD for p in m.entry
            ):
                continue  # «بين الفينة والأخرى» is not Vinh: the news writes no article before a foreign town
            if is_nisba(m) and word_before(m, tokens) == _CAPITAL_WORD:
                capital = capital_place(m.entry[0].country_code or "")
                if capital is not None:  # «ضواحي العاصمة السورية»: Damascus
                    m = replace(m, entry=[capital])
            m = country_unless_city(m, tokens.words)
            if needs_cue_missing(m, tokens):
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

    def name_end(self, span: SpeakerSpan) -> int:
        """End of the speaker's name: before the first comma, preposition, title or event word, at
        most 4 words; an actor named first is the whole name («أعلن الجيش تحرير مدينة الرمادي»: the
        army speaks, Ramadi is where)."""
        s, e = span.start, span.end
        named = next((m.end_token for m in self.actors if m.start_token == s), None)
        if named is not None:
            return named
        words, clauses = self.tokens.words, self.clauses
        events = {m.start_token for m in self.triggers}
        end = s + 1
        while (
            end < e
            and clauses[end] == clauses[s]
            and words[end] not in _SPEAKER_STOPS
            and end not in events
            and end - s < _SPEAKER_NAME_WORDS
        ):
            end += 1
        return end

    @cached_property
    def crime_report(self) -> bool:
        """Is this sentence a police report of ordinary violent crime (_crime_report_in)? Asked by the
        trigger filter above and by casualty-only events (candidates.py), computed once."""
        return _crime_report_in(self.tokens, self.actors, self._acts)

    @cached_property
    def dates(self) -> list[DateMention]:
        return find_dates(self.tokens, self._published)

    @cached_property
    def counts(self) -> list[Count]:
        """Numbers that may count people: not dates, years («عام 2015») or ages («17 عاما»);
        «1700 على الأقل» is open-ended."""
        date_tokens = {i for d in self.dates for i in range(d.start_token, d.end_token)}
        words = self.tokens.words
        out = []
        found = find_counts(self.tokens, self.sentence.text, self.sentence.start)
        nouns = self._noun_counts({i for c in found for i in range(c.start_token, c.end_token)})
        for c in sorted(found + nouns, key=lambda c: c.start_token) if nouns else found:
            if any(i in date_tokens for i in range(c.start_token, c.end_token)):
                continue
            before = words[c.start_token - 1] if c.start_token else ""
            after = words[c.end_token] if c.end_token < len(words) else ""
            if (
                before in _YEAR_WORDS
                or after in _AGE_WORDS
                or after in _PERCENT_WORDS
                or after in _TIME_UNIT_WORDS
            ):
                continue
            if before in MONTH_WORDS and c.lo == c.hi and FIRST_YEAR <= c.lo <= LAST_YEAR:
                continue  # «في تشرين 2015»: a year
            end = self.tokens.ends[c.end_token - 1] - self.sentence.start
            if self.sentence.text[end : end + 2].strip().startswith(("%", "٪")):
                continue
            if c.hi is not None and any(
                words[j : j + 2] == _AT_LEAST for j in range(c.end_token, c.end_token + _AT_LEAST_GAP + 1)
            ):
                c = replace(c, hi=None)
            out.append(c)
        return out

    def _noun_counts(self, numeral_tokens: set[int]) -> list[Count]:
        """A noun of people right after a killed/wounded cue, where a number would stand, counts
        them: «قتل فلسطيني» 1, «أصيب جنديان» 2 (cues.json casualty_nouns). Not before a cue: there a
        noun is more often the verb's subject («ليبيا وقتلت») or what a numeral counts («20 قبطيا
        مصريا قتلوا»); except a singular in the accusative right after «إن/أن», the subject of a
        passive («إن شخصا قتل وأصيب آخر»: one killed)."""
        table = lexicon.casualty_noun_counts()
        words, out = self.tokens.words, []
        for cue in self.casualty_cues:
            j = cue.start_token - 1  # «إن شخصا قتل»: after «إن/أن» the accusative noun is the subject
            if (
                cue.entry.kind in _NOUN_COUNTED
                and "after_number" in cue.entry.sides
                and j >= 1
                and j not in numeral_tokens
                and words[j - 1] in _THAT_WORDS
                and words[j].endswith(_ACCUSATIVE)
                and table.get(words[j]) == 1
            ):
                out.append(self._noun_count(j, 1))
                continue
            i = cue.end_token
            if cue.entry.kind not in _NOUN_COUNTED or "before_number" not in cue.entry.sides:
                continue
            # the day may come first: «قتل الثلاثاء الصحافي الروسي»
            i = next((d.end_token for d in self.dates if d.start_token == i), i)
            if i >= len(words) or i in numeral_tokens or any(c.start_token == i for c in out):
                continue
            w = words[i][1:] if words[i][:1] in ("و", "ف") and words[i][1:] in table else words[i]
            if w in table:
                out.append(self._noun_count(i, table[w]))
                continue
            # the verb's subject first, then its object in the accusative: «قتل مسلحون شرطيا», «قتلت
            # قوات الاحتلال شابا», «قتل قناص حوثي طفلا»: one
            for j in range(i + 1, min(len(words), i + 1 + SUBJECT_BEFORE_OBJECT)):
                if j in numeral_tokens:
                    break
                # the singular only: «مسلحين» after a subject is as often a plural as two
                if table.get(words[j]) == 1 and words[j].endswith(_ACCUSATIVE):
                    out.append(self._noun_count(j, 1))
                    break
        return out

    def _noun_count(self, token: int, people: int) -> Count:
        """A noun of people at `token` counting `people`, with its words as written."""
        start = self.tokens.starts[token] - self.sentence.start
        end = self.tokens.ends[token] - self.sentence.start
        return Count(people, people, token, token + 1, self.sentence.text[start:end], noun=True)

    @cached_property
    def clauses(self) -> list[int]:
        return _clause_ids(self.sentence, self.tokens)

    @cached_property
    def statement_clauses(self) -> list[int]:
        """Clauses as factuality reads them: a quotation mark does not start a new one."""
        if not any(q in self.sentence.text for q in _FACTUALITY_OPEN):
            return self.clauses  # most sentences: the same clauses, computed once
        return _clause_ids(self.sentence, self.tokens, _UNQUOTED_RE)


# Titles before a person's name: «العقيد الركن تركي المالكي» is a man named Turki, not a Turk
_TITLES = frozenset(
    fold(w)
    for w in [
        "العقيد",
        "الركن",
        "العميد",
        "اللواء",
        "الشيخ",
        "الأمير",
        "الدكتور",
        "د.",
        "المهندس",
        "السيد",
        "الرائد",
        "النقيب",
    ]
)


def _nisba_names_no_one(m: Match[Actor], tokens: Tokens) -> bool:
    """A one-word civilian nisba («تركي», «مصري») right after a title is a person's first name, and
    after a word of origin it says where a thing or a person comes from («طائرة من صنع إيراني»,
    «فرنسي من أصل مغربي»), and after a backing word who backs a group («المدعومة إيرانيا»: cues.json
    backing_words): no people of that country."""
    return (
        m.entry.kind == "civilians"
        and m.end_token - m.start_token == 1
        and m.start_token > 0
        and (
            tokens.words[m.start_token - 1] in _TITLES
            or without_conjunction(tokens.words[m.start_token - 1]) in _ORIGIN_WORDS
            or tokens.words[m.start_token - 1] in lexicon.word_set("backing_words")
        )
    )


_ORIGIN_WORDS = frozenset(
    fold(w) for w in ["صنع", "الصنع", "تصنيع", "مواصفات", "بمواصفات", "طراز", "أصل", "الأصل", "أصول"]
)


def _coordinated(actors: list[Match[Actor]], tokens: Tokens) -> list[Match[Actor]]:
    """Add the forces a nisba joined by «و» names: «الضربات الأمريكية والبريطانية والفرنسية»."""
    out = actors
    for m in actors:
        j, actor = m.end_token, m.entry
        while j < len(tokens.words) and (other := coordinated_force(actor, tokens.words[j])) is not None:
            if out is actors:
                out = list(actors)
            out.append(Match(other, j, j + 1, tokens.starts[j], tokens.ends[j], False, False))
            j += 1
    return out


NAMED_AFTER_WINDOW = 6  # tokens after «مسلحين» in which the group they belong to may be named


def _named_armed_men(actors: list[Match[Actor]]) -> list[Match[Actor]]:
    """«مسلحين حوثيين», «مسلحين ينتمون لحركة حسم», «مسلحين يشتبه في كونهم قادة للقاعدة»: armed men
    the sentence names the group of right after are that group, not an unidentified armed group."""
    if not any(m.entry.context == "UAG" for m in actors):
        return actors
    named = [m.start_token for m in actors if m.entry.kind == "nonstate" and m.entry.context is None]
    return [
        m
        for m in actors
        if not (
            m.entry.context == "UAG"
            and any(0 <= start - m.end_token <= NAMED_AFTER_WINDOW for start in named)
        )
    ]


def _conflict_context(tokens: Tokens, triggers: list[Match[Trigger]], found: SentenceMatches) -> bool:
    """Does the sentence say it is about violence? An unambiguous trigger, an armed actor, a casualty
    cue or a conflict word («مسلحين», «القوات», «قتلى») makes an ambiguous trigger («معركة») count."""
    if any(not m.entry.needs_context for m in triggers):
        return True
    if any(is_fighting_noun(m, tokens) and fighting_took_place(m, tokens) for m in triggers):
        return True  # «تركزت المواجهات في مناطق …», «اندلعت معارك»: fighting said to have taken place
    armed = any(m.entry.kind in _ARMED_KINDS for m in found.actors)
    if not armed and lexicon.phrase_list("accident_words").found_in(tokens.words):
        return False  # «مصرع 3 في حادث سير», «حريق يدمر منازل»: an accident, even with casualties
    sport = not lexicon.surface_set("sport_words").isdisjoint(tokens.words)
    if sport and not armed and not any(m.entry.kind == "killed" for m in found.casualty_cues):
        return False  # «مواجهة القادسية», «معسكر إعدادي»; «خط الهجوم بعد إصابة الثنائي»: an injury
    trigger_tokens = {i for m in triggers for i in range(m.start_token, m.end_token)}
    if any(
        m.start_token not in trigger_tokens for m in found.casualty_cues
    ):  # «خطف» is a cue as well as a trigger
        return True
    if sport:
        return False
    if armed or any(
        _people_after(tokens, m, found)
        for m in triggers
        if m.entry.needs_context and m.entry.sub_event_type in _VICTIM_OBJECT_SUB_TYPES
    ):
        return True
    if any(_civilian_object(tokens, m) for m in triggers if m.entry.sub_event_type in _BOMBING_SUB_TYPES):
        return True  # «استنكر … حادثة تفجير مسجد قوة الطوارئ»
    if any(_used_right_after(tokens, m) for m in triggers if m.entry.instrument):
        return True  # «الصاروخ استهدف حيا سكنيا»: a weapon that struck
    if lexicon.known_attack_index().find(tokens):
        return True  # «التفجير الذي استهدف مسجد الإمام الصادق»: a named attack (known_attacks.json)
    return _names_word_of(tokens, "conflict_context")


def _civilian_object(tokens: Tokens, trig: Match[Trigger]) -> bool:
    """Is the word right after a bombing word a building (cues.json bombing_targets): «تفجير مسجد»,
    «تفجير الفندق»?"""
    if trig.end_token >= len(tokens.words):
        return False
    return not lexicon.key_set("bombing_targets").isdisjoint(keys_of(tokens.words[trig.end_token]))


WEAPON_USE_GAP = 2  # words after a weapon where a word of its use makes it a strike («الصاروخ استهدف»)


def _used_right_after(tokens: Tokens, trig: Match[Trigger]) -> bool:
    """Is a weapon (triggers.json instruments) the subject of a word of its use just after it
    (cues.json weapon_use_words): «الصاروخ استهدف حيا», «قذيفة سقطت على»? Not across a negation:
    «ولا صواريخ ولا إطلاق نار» lists what did not happen."""
    after = tokens.words[trig.end_token : trig.end_token + WEAPON_USE_GAP]
    negation = lexicon.word_set("negation_words")
    for n, word in enumerate(after):
        if word in negation or (
            word[:1] in "وف" and word[1:] in negation
        ):  # «ولا»: too short for without_conjunction
            after = after[:n]
            break
    return names_weapon_use(after)


def _names_word_of(tokens: Tokens, cue_list: str) -> bool:
    """Does a word of the sentence, or its stem under a proclitic, belong to the cues.json list (a
    trailing * there matches any ending)?"""
    words, prefixes = lexicon.word_or_prefix_set(cue_list)
    return any(
        stem in words or stem.startswith(prefixes) for w in tokens.words for stem, _, _ in clitic_variants(w)
    )


_FIGHTING_NOUNS = frozenset(term_key(w) for w in ["قتال", "معارك", "معركة", "اقتتال", "مواجهات"])
OCCURRENCE_GAP = 2  # words either side of a fighting noun where «اندلعت», «عنيفة» say it took place


def is_fighting_noun(trig: Match[Trigger], tokens: Tokens) -> bool:
    """A one-word trigger that names fighting («قتال», «المعارك», «المواجهات»)."""
    return trig.end_token - trig.start_token == 1 and not _FIGHTING_NOUNS.isdisjoint(
        keys_of(tokens.words[trig.start_token])
    )


def fighting_took_place(trig: Match[Trigger], tokens: Tokens) -> bool:
    """A word next to a fighting noun that says it broke out, raged or took place (cues.json
    fighting_occurrence_words: «اندلعت معارك», «معارك عنيفة», «تركزت المواجهات»)."""
    occurred = lexicon.key_set("fighting_occurrence_words")
    words = tokens.words
    near = range(max(0, trig.start_token - OCCURRENCE_GAP), min(len(words), trig.end_token + OCCURRENCE_GAP))
    return any(
        i not in range(trig.start_token, trig.end_token) and not occurred.isdisjoint(keys_of(words[i]))
        for i in near
    )


def _people_after(tokens: Tokens, trig: Match[Trigger], found: SentenceMatches) -> bool:
    """Does the violence word take people as its object: a figure right after it, or a noun of
    people (cues.json casualty_nouns, or a civilian the actor lexicon knows) a word or two on?"""
    words = tokens.words
    if trig.end_token < len(words) and is_number_word(words[trig.end_token]):
        return True
    return _people_named(tokens, found, trig.end_token, trig.end_token + VICTIM_OBJECT_WINDOW)


def _people_named(
    tokens: Tokens, found: SentenceMatches, start: int, end: int, counted: Callable[[int], bool] | None = None
) -> bool:
    """Does a noun of people (cues.json casualty_nouns), a civilian the actor lexicon knows, or a
    figure (`counted`, when given) stand in tokens [start, end)?"""
    words = tokens.words
    end = min(len(words), end)
    nouns = lexicon.casualty_noun_counts()
    return any(words[i] in nouns or (counted is not None and counted(i)) for i in range(start, end)) or any(
        m.entry.kind == "civilians" and start <= m.start_token < end for m in found.actors
    )


def _weapon_used(tokens: Tokens, triggers: list[Match[Trigger]], found: SentenceMatches) -> bool:
    """Does a sentence that names a weapon or an aircraft (triggers.json instruments: «صواريخ»,
    «طائرات حربية») say it was used: a word of its use (cues.json weapon_use_words: «أطلق», «سقطت»,
    «استهدفت»), a casualty cue, or a trigger that names an act («غارات», «هجوم»)? «دمج الأنظمة
    الدفاعية من الصواريخ البالستية» and «نقلت مروحيات الجنود» name no attack."""
    if found.casualty_cues or any(not m.entry.instrument for m in triggers):
        return True
    return names_weapon_use(tokens.words)


def names_weapon_use(words: list[str]) -> bool:
    """Does a word of a weapon's use (cues.json weapon_use_words, by morphological key: «أطلقت»,
    «سقطت», «تعرضت») stand in these words? Shared by the instrument rule above and factuality's
    weapon-model rule («طائرات من طراز رافال» with no word of use is a delivery)."""
    use = lexicon.key_set("weapon_use_words")
    return any(not use.isdisjoint(keys_of(w)) for w in words)


def _people_object(tokens: Tokens, trig: Match[Trigger], found: SentenceMatches) -> bool:
    """Does a verb that names an arrest only with people as its object («أوقفت» stopped, or
    detained) have them: an object pronoun («أوقفته», «أوقفتهم»), or a figure or a noun of people
    within OBJECT_WINDOW words after it, past its subject and a day («أوقفت الشرطة الجمعة 297
    شخصا»), or a figure just before it («320 شخصا أوقفوا»)?"""
    words = tokens.words
    end = min(len(words), trig.end_token + OBJECT_WINDOW)
    if _FROM_WORK in words[trig.end_token : end]:
        return False  # «أوقفته عن العمل», «أوقف عن الملاكمة»: suspended, not detained
    if words[trig.start_token].endswith(_OBJECT_PRONOUNS):
        return True
    if trig.start_token >= 2 and is_number_word(words[trig.start_token - 2]):
        return True

    def counted(i: int) -> bool:  # a figure, not a day of a month («أوقفت عملياتها في 30 أبريل»)
        after = words[i + 1] if i + 1 < len(words) else ""  # nor a span («أوقف 3 أيام»: suspended)
        return is_number_word(words[i]) and after not in MONTH_WORDS and after not in _TIME_UNIT_WORDS

    return _people_named(tokens, found, trig.end_token, end, counted)


def _territory_object(tokens: Tokens, trig: Match[Trigger], found: SentenceMatches) -> bool:
    """Does a verb that names a change of territory only with a place as its object («استعاد»:
    retook, or regained anything) have one: a word of territory (cues.json territory_nouns:
    «قريتين», «مناطق», «مدينة») or a place the gazetteer knows within TERRITORY_OBJECT_WINDOW words
    after it, before a preposition or a clause break? «استعادت قريتين», «استعاد عدن»; not
    «استعاد لياقته», «استعادة الاستقرار في اليمن», «استعادتها القوات العراقية»."""
    return _territory_from(tokens, trig.end_token, found)


def _territory_on(tokens: Tokens, trig: Match[Trigger], found: SentenceMatches) -> bool:
    """Does a verb that names a takeover only with «على» and a place («سيطر»: took control, or
    dominated anything) have them, however long its subject: «على» within TERRITORY_ON_WINDOW words
    after it, in its clause, then territory as the object of that «على»? «سيطرت القوات الموالية
    للرئيس عبد ربه منصور هادي على منطقة مثلث العلم»; not «سيطرت أجواء من التوتر على الانتخابات»."""
    words = tokens.words
    written = without_conjunction(words[trig.start_token])
    if written.startswith(_ARTICLE) or written.endswith(_NOUN_ENDINGS):
        return False  # «السيطرة», «سيطرة», «سيطرته»: the noun (control), not the verb
    if trig.entry.imperfect:
        return False  # «التي تسيطر على القطاع», «كان يسيطر على ثلث العراق»: who holds it, not a takeover
    for i in range(trig.end_token, min(len(words), trig.end_token + TERRITORY_ON_WINDOW)):
        if words[i] in CLAUSE_BREAKS:
            return False
        if without_conjunction(words[i]) == ON:
            return _territory_from(tokens, i + 1, found)
    return False


def _territory_from(tokens: Tokens, start: int, found: SentenceMatches) -> bool:
    """Territory (a word of cues.json territory_nouns, or a place the gazetteer knows) within
    TERRITORY_OBJECT_WINDOW words from `start`, before a preposition or a clause break."""
    words = tokens.words
    end = min(len(words), start + TERRITORY_OBJECT_WINDOW)
    for i in range(start, end):
        if words[i] in CLAUSE_BREAKS or without_conjunction(words[i]) in _OBJECT_STOPS:
            end = i
            break
    nouns = lexicon.key_set("territory_nouns")
    if any(
        not nouns.isdisjoint(keys_of(words[i]))
        and not without_conjunction(words[i]).startswith(_PREP_ARTICLE)
        for i in range(start, end)
    ):
        return True
    return any(start <= m.start_token < end and not m.had_prep and not is_nisba(m) for m in found.places)


def _in_compound(m: Match[Trigger], tokens: Tokens) -> bool:
    """Is a one-word trigger part of a name, a title or another compound («رئيس التحرير», «ميدان
    التحرير», «تحرير محضر»: triggers.json not_after / not_before), or from something that makes it
    another sense («الانسحاب من الاتفاق»: not_before «من الاتفاق»)?"""
    if m.end_token - m.start_token != 1 or not (m.entry.not_after or m.entry.not_before):
        return False
    words = tokens.words
    before = words[m.start_token - 1] if m.start_token else ""
    after = words[m.end_token] if m.end_token < len(words) else ""
    if without_proclitic(before) in m.entry.not_after or without_proclitic(after) in m.entry.not_before:
        return True
    # «انسحاب (واشنطن) من الاتفاق»: what the trigger is from, a word or two on (not_before «من X»)
    for i in range(m.end_token, min(len(words) - 1, m.end_token + FROM_OBJECT_REACH)):
        if words[i] == _FROM and f"{_FROM} {without_proclitic(words[i + 1])}" in m.entry.not_before:
            return True
    return False


def _written_as(m: Match[Trigger], tokens: Tokens, forms: frozenset[str]) -> bool:
    """Is the trigger written as one of these forms (after و/ف)? «أسرت» is, «أسرى» is not."""
    word = tokens.words[m.start_token]
    return word in forms or (word[:1] in ("و", "ف") and word[1:] in forms)


def _one_generic(triggers: list[Match[Trigger]]) -> list[Match[Trigger]]:
    """Two generic words in one sentence name one event, of one type or not («الضربة … استهدفت»,
    «الهجوم … قصف»): the first stays."""
    generic = [m for m in triggers if m.entry.generic]
    if len(generic) < 2:
        return triggers
    return [m for m in triggers if not m.entry.generic or m is generic[0]]


_PROTEST_TYPES = frozenset({"protests", "riots"})


def _clash_word(m: Match[Trigger], tokens: Tokens) -> bool:
    """A clash noun or verb («اشتباكات», «مواجهات», «اشتبك»: cues.json riot_clash_words)."""
    return m.entry.sub_event_type == "armed_clash" and not lexicon.key_set("riot_clash_words").isdisjoint(
        keys_of(tokens.words[m.start_token])
    )


def _clash_in_a_protest(triggers: list[Match[Trigger]], actors: list[Match[Actor]], tokens: Tokens) -> bool:
    """«خرجت تظاهرات عند الحدود حيث اندلعت مواجهات», «مواجهات عنيفة بين الشرطة وطلبة منعوا
    الامتحانات احتجاجا»: clashes in a sentence that reports a protest or names protesters, with no
    armed group named, are the protest turned violent (ACLED: a violent demonstration), not a battle."""
    if not any(_clash_word(m, tokens) for m in triggers):
        return False
    if any(m.entry.kind == "nonstate" for m in actors):
        return False  # «اشتباكات بين الجيش ومسلحي التنظيم … وتظاهر السكان»: a battle beside a protest
    return any(m.entry.event_type in _PROTEST_TYPES for m in triggers) or any(
        m.entry.kind == "protesters" for m in actors
    )


def included_by(triggers: list[Match[Trigger]]) -> Callable[[Match[Trigger]], bool]:
    """Whether another of `triggers` includes a trigger: its sub-type is one a more specific one
    names (SUPERSEDES), or it is a weapon a riot threw (thrown_in_riot). Used on the sentence's
    triggers (_superseded) and again on the ones it reports (candidates._not_superseded)."""
    dropped = {sub for m in triggers for sub in SUPERSEDES.get(m.entry.sub_event_type, ())}
    riot = any(m.entry.sub_event_type == "violent_demonstration" for m in triggers)
    return lambda m: m.entry.sub_event_type in dropped or (riot and thrown_in_riot(m, triggers))


def _superseded(triggers: list[Match[Trigger]]) -> list[Match[Trigger]]:
    """Drop the triggers another one in the sentence includes (included_by)."""
    included = included_by(triggers)
    return [m for m in triggers if not included(m)]


# weapons that rioters throw: a grenade or a bomb named just after a riot's word is what it threw
_THROWN_SUB_TYPES = frozenset({"grenade", "remote_explosive_landmine_ied"})
RIOT_WEAPON_GAP = 8  # words after a riot's word where what it threw is listed («يرشقون … بالحجارة والعبوات»)


def thrown_in_riot(m: Match[Trigger], triggers: list[Match[Trigger]]) -> bool:
    """«كانوا يرشقون القوات والسياج بالحجارة والعبوات الناسفة والقنابل اليدوية»: the grenades and
    bombs protesters throw are the riot's, as ACLED codes a violent demonstration, not explosions
    beside it. A bombing named before the riot, or further on, stays its own event."""
    if m.entry.sub_event_type not in _THROWN_SUB_TYPES:
        return False
    return any(
        r.entry.sub_event_type == "violent_demonstration"
        and 0 <= m.start_token - r.end_token <= RIOT_WEAPON_GAP
        for r in triggers
    )


def _criminal(tokens: Tokens) -> bool:
    """Ordinary crime (drugs, theft, residence violations, corruption): its arrests are not political
    events, unless the sentence names terrorism, journalists, activists or protesters («اعتقلت الشرطة
    4 أشخاص يشتبه في صلاتهم بالإرهاب», «صحافيان اعتقلا بعد نشر تحقيق بشأن فساد»)."""
    return _names_word_of(tokens, "criminal_words") and not _names_word_of(tokens, "political_arrest_words")


def _crime_report_in(
    tokens: Tokens, actors: list[Match[Actor]], acts: list[Match[Trigger] | Match[CasualtyCue]]
) -> bool:
    """A police report of ordinary violent crime («ورد بلاغ عن قيام مواطن بإطلاق النار على زوجته»,
    «القبض على الجاني», «خلاف عائلي», a killing in the family: _family_victim): its shootings, stabbings
    and arrests are no political event,
    unless the sentence names an armed group or an international party («احتجاز أساتذة على يد
    ميليشيات الحوثي»), terrorism, activists or protesters, a martyr or a wanted man (cues.json
    political_arrest_words, political_violence_words: «استشهاد الجندي», «المطلوب على قائمة الـ23»).
    Shelling reported by the civil defence («تلقى الدفاع المدني بلاغا عن سقوط مقذوف») is no attack
    sub-type and stays."""
    return (
        not any(m.entry.kind in _POLITICAL_PARTY_KINDS for m in actors)
        and (_names_word_of(tokens, "crime_report_words") or _family_victim(tokens, acts))
        and not _names_word_of(tokens, "political_arrest_words")
        and not _names_word_of(tokens, "political_violence_words")
    )


def _family_victim(tokens: Tokens, acts: list[Match[Trigger] | Match[CasualtyCue]]) -> bool:
    """Does an act of violence fall on the doer's own family: a family word with a possessive
    (cues.json family_victim_words) within or right after an event or casualty phrase («أقدم على قتل
    زوجته», «أطلق النار على شقيقه», «بالاعتداء على زوجته الحامل بالضرب»)? A domestic killing is
    ordinary crime; a relative named elsewhere («الهجوم على سكريبال وابنته») is no such act."""
    family = lexicon.word_set("family_victim_words")
    words = tokens.words
    return any(
        words[i] in family
        for act in acts
        for i in range(act.start_token + 1, min(len(words), act.end_token + FAMILY_VICTIM_GAP + 1))
    )


_FALL_OF = fold("مسقط")  # «مسقط رأس»: where one's head fell, a birthplace
_HEAD = fold("رأس")


def _backer(m: Match[list[Place]], tokens: Tokens) -> bool:
    """Does the place name a group's backer («المدعومة من إيران», «المدعومة إيرانيا», «الموالية
    لإيران»: cues.json backing_words right before it, or before the «من» before it)?"""
    backing = lexicon.word_set("backing_words")
    words, i = tokens.words, m.start_token
    if i and words[i - 1] in backing:
        return True
    return i > 1 and words[i - 1] == _FROM_WORD and words[i - 2] in backing


VENUE_GAP = 2  # words between a meeting noun and its venue («قمة حاسمة في طهران»)
TARGET_GAP = 3  # words between an event word and the meeting or seat it hit («هجوم على اجتماع», «اقتحام مقرها»)


def meeting_venue(m: Match[list[Place]], words: list[str], triggers: list[Match[Trigger]]) -> bool:
    """Is the place where a meeting is held (cues.json meeting_nouns within VENUE_GAP words before
    it: «قمة طهران», «محادثات أستانا», «مؤتمر صحفي في دمشق»)? Not where the sentence's events
    happened: Russian strikes on Idlib «قبل ساعات من قمة حاسمة في طهران» were placed in Tehran, and
    dedup parted them from the other reports of the strikes (held_out_r18_mixed). Unless an event
    word stands just before the meeting noun: «هجوم على اجتماع في كابل» hit the meeting."""
    meeting = lexicon.word_set("meeting_nouns")
    for i in range(max(0, m.start_token - VENUE_GAP - 1), m.start_token):
        if not meeting.isdisjoint(keys_of(words[i])):
            return not any(i - TARGET_GAP <= t.end_token <= i for t in triggers)
    return False


_TAKES = frozenset(fold(w) for w in ["يتخذ", "تتخذ", "يتخذون", "اتخذ", "اتخذت"])


def organisation_seat(m: Match[list[Place]], words: list[str], triggers: list[Match[Trigger]]) -> bool:
    """Is the place where an organisation sits (cues.json seat_words): «ومقره بريطانيا», «ومقرها
    في لندن», «الذي يتخذ من لندن مقرا له»? The Syrian Observatory's seat placed a Suwayda desert
    attack in London (held_out_r18_ant). Not a seat an event word just before hit: «اقتحام مقرها
    في صنعاء» is where the storming was."""
    seat = lexicon.word_set("seat_words")
    j = m.start_token - 1  # the word before the place, past a «في»
    if j >= 0 and without_conjunction(words[j]) == _IN:
        j -= 1
    if j >= 0 and without_conjunction(words[j]) in seat:
        return not any(j - TARGET_GAP <= t.end_token <= j for t in triggers)
    after = words[m.end_token] if m.end_token < len(words) else ""
    return (
        j >= 1
        and without_conjunction(words[j]) == _FROM_WORD
        and without_conjunction(words[j - 1]) in _TAKES
        and after in seat
    )


# «وسط» is left out: «سيدي بوزيد وسط تونس» is central Tunisia
_CITY_WORDS = frozenset(fold(w) for w in ["العاصمة", "مدينة", "بمدينة"])


def country_unless_city(m: Match[list[Place]], words: list[str]) -> Match[list[Place]]:
    """A name that is a country and its capital («تونس», «الجزائر», «جيبوتي») is the country, as
    the news writes it («تونس تعلن تفكيك خلية», «كمين في الجزائر») and the gold sets place such
    events; the city only where a word says so («تونس العاصمة», «مدينة الجزائر»)."""
    countries = [p for p in m.entry if p.precision == "country"]
    if len(countries) != 1 or len(m.entry) == 1:
        return m
    code = countries[0].country_code
    if not all(p.country_code == code for p in m.entry):
        return m
    before = words[m.start_token - 1] if m.start_token else ""
    after = words[m.end_token] if m.end_token < len(words) else ""
    if before in _CITY_WORDS or after == _CAPITAL_WORD:
        return replace(m, entry=[p for p in m.entry if p.precision != "country"])
    return replace(m, entry=countries)


def _birthplace(m: Match[list[Place]], tokens: Tokens) -> bool:
    """«في مسقط رأسه»: the idiom for a birthplace, not the city of Muscat."""
    words = tokens.words
    return (
        m.end_token - m.start_token == 1
        and without_proclitic(without_conjunction(words[m.start_token])) == _FALL_OF
        and m.end_token < len(words)
        and words[m.end_token].startswith(_HEAD)
    )


def word_before(m: Match[Any], tokens: Tokens) -> str:
    return tokens.words[m.start_token - 1] if m.start_token else ""


_CUE_CLITICS = ("ب", "و", "ف", "ل")  # attached to a locative cue: «ببلدة», «وريف»
_CAPITAL_WORD = fold("العاصمة")
_FROM_WORD = fold("من")
_LIKE = "ك"  # the proclitic «like, as»
_IN = fold("في")


def _located_in_name(m: Match[list[Place]], tokens: Tokens) -> bool:
    """«تحالف دعم الشرعية في اليمن»: a name that says where its party is (after «في») still places the
    event; «قوات سوريا الديمقراطية» does not."""
    return word_before(m, tokens) == _IN and m.entry[0].precision == "country"


def needs_cue_missing(m: Match[list[Place]], tokens: Tokens) -> bool:
    """A small town's name, or a capital's (metonymy: «دعت أنقرة»), with no locative cue before it."""
    if not any(p.needs_cue for p in m.entry) and not m.entry[0].capital:
        return False
    prev = word_before(m, tokens)
    if m.start_token >= 2 and prev.startswith("ال") and prev.endswith(("يه", "ي")):
        prev = tokens.words[m.start_token - 2]  # past an adjective: «العاصمة الزيمبابوية هراري»
    if prev[:1] in _CUE_CLITICS and prev[1:] in LOCATIVE_CUES:
        prev = prev[1:]  # «ببلدة جالكعيو», «وريف حلب»
    # an attached ب is «in»; an attached ل or ك is not a place cue («للمساكن» is for the dwellings)
    locative_prep = m.had_prep and tokens.words[m.start_token].lstrip("وف")[:1] == "ب"
    return not (locative_prep or prev in LOCATIVE_CUES or (prev in TARGET_CUES and m.entry[0].capital))


def country_as_actor(m: Match[list[Place]], tokens: Tokens) -> bool:
    """A country named with no locative cue is a party, not where it happened («اتفاق رعته روسيا»)."""
    if m.entry[0].precision != "country" or m.had_prep:
        return False
    prev = word_before(m, tokens)
    return prev not in LOCATIVE_CUES and prev not in TARGET_CUES


# «X بالقرب من Y», «X جنوب Y»: Y only says where X is
_RELATIVE_WORDS = frozenset(
    fold(w)
    for w in ["قرب", "بالقرب", "شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي", "أطراف"]
)
_SETTLEMENT_NOUNS = frozenset(fold(w) for w in ["مدينة", "بلدة", "قرية", "العاصمة", "محافظة", "منطقة"])
RELATIVE_GAP = 3  # words allowed between X and the relative word («الغوطة الشرقية المحاصرة بالقرب من دمشق»)


def reference_point(m: Match[list[Place]], places: list[Match[list[Place]]], tokens: Tokens) -> bool:
    """Is the place the Y of «X قرب / جنوب Y», with X a place named just before?"""
    words, i = tokens.words, m.start_token - 1
    if i >= 0 and words[i] == "من":
        i -= 1
    if i >= 0 and words[i] in _SETTLEMENT_NOUNS:
        i -= 1
    if i < 0 or words[i] not in _RELATIVE_WORDS:
        return False
    return any(
        o.end_token <= i and i - o.end_token <= RELATIVE_GAP and o.entry[0].precision != "country"
        for o in places
    )


CONTAINER_GAP = 3  # words between X and Y in «X في مديرية Y», «X بمحافظة Y»
# a district or province word (gazetteer.ADMIN2_WORDS, and those of the other levels) before Y
_CONTAINER_NOUNS = frozenset(fold(w) for w in (*ADMIN2_WORDS, "ولاية", "إقليم", "ناحية", "منطقة"))


def inside_foreign(
    m: Match[list[Place]], places: list[Match[list[Place]]], tokens: Tokens, resolve_: Callable[..., Any]
) -> bool:
    """Is the town X of «X في مديرية/بمحافظة Y» a town of another country than the district or
    province Y that contains it? Then the gazetteer's X is a namesake («جبال الرصيفة في مديرية كتاف
    بمحافظة صعدة» is no Russeifa in Jordan) and Y is where the event is."""
    here = resolve_(m.entry)
    if here.precision != "place":
        return False
    words = tokens.words
    for o in places:
        gap = o.start_token - m.end_token
        if not 0 <= gap <= CONTAINER_GAP or o.entry[0].precision == "country":
            continue
        between = words[m.end_token : o.start_token]
        if any(stem in _CONTAINER_NOUNS for w in between for stem, _, _ in clitic_variants(w)):
            there = resolve_(o.entry)
            return bool(there.country_code and here.country_code and there.country_code != here.country_code)
    return False


def launch_site(m: Match[list[Place]], tokens: Tokens) -> bool:
    """«من اليمن»: where a projectile came from."""
    return word_before(m, tokens) == "من"


def is_nisba(m: Match[list[Place]]) -> bool:
    """An adjective of a place («السوري») rather than the place."""
    place = m.entry[0]
    return place.nisba or (
        place.precision == "country" and m.had_article and not fold(place.name_ar).startswith("ال")
    )
