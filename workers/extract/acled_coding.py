"""An extracted event completed the way ACLED codes one: who is actor1 / actor2, how precise the
place and the date are, and the names no lexicon knows.

Runs on each event extract() built, with the item text and the countries the article names, so
the sentence-level extractor stays as it is:
- generic actors take the event's country («القوات الأمنية» in Egypt → "Police Forces of Egypt",
  a bare «التحالف» in Yemen → the Saudi-led coalition, «مدنيين» → "Civilians (Yemen)");
  every actor gets its interaction code and its ACLED column (`slot`): actor1 the first party
  acting, actor2 the first party acted on (in a battle the second side), assoc_actor_1 / _2 the
  others on each side;
- the place: a town named relative to another («قرية X جنوب Y») is X, near Y (geo_precision 2),
  unless X is a neighbourhood or a building («حي الفرسان شمالي بلدة أوباري», «سجن عوفر غربي رام
  الله»: Y, near it), and a base or airport in a city («قاعدة العند الجوية في لحج») is the base;
  «قرب / ريف / محيط / أطراف Y» is near Y (2); a province 3; a town 1;
- the date: time_precision 1 for a day the text gives, 2 for a week or a range, 3 for a month;
  the publication date standing in for a date the text does not give is 2 (within days);
- the country of an event with no place: its target's, then its state forces' («غارات لطائرات
  الاحتلال على مواقع لحماس»: Palestine, not Israel), then the one country the article names;
- a country acting next to the trigger is its forces, as are countries joined to an attack by «مع»
  and a capital standing for its country («قصفت أنقرة»);
- a speaker that is a function word («فيه», «الأحد») is dropped, and, where the NER model is
  available, one that it does not see as a person or organisation too; an organisation the model
  finds in the event's sentence that no lexicon knows becomes an actor (name as written,
  romanized, kind unknown), and a location after a locative cue a place candidate when the
  event has no town.

Measured: 15% of extraction time in a profile of 600 corpus articles (it reads the article's tokens
from extract() and memoizes a sentence's matches across its events); dev set actors F1 0.08 -> 0.59,
place 0.29 -> 0.53 with the generated actors and places (README: "Actors, places and names").
Second round (from main at d04f557, with sentence.py's and candidates.py's place rules): dev actors
0.68 -> 0.71, country 0.58 -> 0.67, place 0.61 -> 0.65; 2018 set country 0.76 -> 0.79, place 0.67 ->
0.78.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any

from camel_tools.utils.charmap import CharMapper

from workers.extract import lexicon, ner
from workers.extract.actors import CONTEXT_ROLES, HOME, catalogue, countries, in_country, nisba_country
from workers.extract.dates import find_dates
from workers.extract.events import MAX_EVIDENCE
from workers.extract.gazetteer import (
    AREA_WORDS,
    LOCATIVE_CUES,
    country_place,
    distance_km,
    place_index,
    resolve,
)
from workers.extract.lexicon import TERRITORY_SUB_TYPES, actor_index
from workers.extract.morph import keys_of
from workers.extract.text import fold, tokenize, without_conjunction

# Words before a place that say the event was near it, not in it (ACLED geo_precision 2).
NEAR_WORDS = frozenset(
    fold(w)
    for w in [
        "قرب",
        "بالقرب",
        "ريف",
        "محيط",
        "أطراف",
        "ضواحي",
        "شمال",
        "جنوب",
        "شرق",
        "غرب",
        "شمالي",
        "جنوبي",
        "شرقي",
        "غربي",
        "أطرف",
        "مشارف",
    ]
)
COMPASS = frozenset(fold(w) for w in ["شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي"])
SETTLEMENT_WORDS = frozenset(
    fold(w) for w in ["بلدة", "قرية", "مدينة", "منطقة", "حي", "مخيم", "ناحية", "قضاء", "العاصمة", "مديرية"]
) | frozenset(fold(w) for w in AREA_WORDS)
SITE_WORDS = {
    fold(w): en for w, en in (("مطار", "Airport"), ("قاعدة", "Base"), ("ميناء", "Port"), ("معسكر", "Camp"))
}
SITE_ADJECTIVES = frozenset(fold(w) for w in ["الجوية", "العسكرية", "الدولي", "البحرية", "الجوي", "العسكري"])
# «حي X شمالي Y»: X is a neighbourhood of the town Y
PARTS_OF_TOWN = frozenset(fold(w) for w in ["حي", "أحياء", "ضاحية", "شارع"])
# «سجن عوفر غربي رام الله»: a building or checkpoint near the town Y, not a place of its own
FACILITY_WORDS = frozenset(
    fold(w)
    for w in [
        "سجن",
        "حاجز",
        "معبر",
        "مستشفى",
        "مدرسة",
        "مسجد",
        "سوق",
        "منزل",
        "مبنى",
        "مقر",
        "جسر",
        "محطة",
        "مصنع",
    ]
)
LOCATIVE_PREPS = frozenset(fold(w) for w in ["في", "قرب", "داخل"])
# a span the model calls a place that opens with one of these is a building or the word for a town
_NOT_NAME_HEADS = FACILITY_WORDS | SETTLEMENT_WORDS
# A speaker is a person or an organisation: these are never one («قال فيه», «أعلن الأحد»).
NOT_SPEAKERS = frozenset(
    fold(w)
    for w in [
        "فيه",
        "فيها",
        "فيهم",
        "عنه",
        "عنها",
        "منه",
        "منها",
        "له",
        "لها",
        "لهم",
        "إنه",
        "انه",
        "إنها",
        "أنها",
        "أنه",
        "هذا",
        "هذه",
        "ذلك",
        "تلك",
        "اليوم",
        "أمس",
        "غدا",
        "الأحد",
        "الاثنين",
        "الإثنين",
        "الثلاثاء",
        "الأربعاء",
        "الخميس",
        "الجمعة",
        "السبت",
        "صباح",
        "مساء",
        "ليلة",
        "فجر",
        "ظهر",
        "بعد",
        "قبل",
        "خلال",
        "أيضا",
        "كذلك",
        "إن",
        "أن",
        "ان",
        "ما",
        "لا",
        "لم",
        "كما",
        "بينما",
        "حيث",
        "الذي",
        "التي",
        "الذين",
    ]
)
# Nouns that open a speaker's description without a name («مصدر أمني», «شهود عيان»): kept.
SPEAKER_NOUNS = frozenset(
    fold(w)
    for w in [
        "مصدر",
        "مصادر",
        "مسؤول",
        "مسؤولون",
        "شهود",
        "شاهد",
        "سكان",
        "ناشطون",
        "ناشطين",
        "المتحدث",
        "متحدث",
        "الناطق",
        "ناطق",
        "بيان",
        "وزارة",
        "وكالة",
    ]
)
ORG_HEADS = frozenset(
    fold(w)
    for w in [
        "حركة",
        "جماعة",
        "تنظيم",
        "حزب",
        "منظمة",
        "جبهة",
        "مجلس",
        "هيئة",
        "قوات",
        "ميليشيا",
        "ميليشيات",
        "مليشيا",
        "كتائب",
        "كتيبة",
        "لواء",
        "ألوية",
        "جيش",
        "فصيل",
        "فصائل",
        "سرايا",
        "تجمع",
    ]
)
_SLOTS_ACTING, _SLOTS_ACTED_ON = ("actor1", "assoc_actor_1"), ("actor2", "assoc_actor_2")
_ROMAN = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh",
    "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
    "ع": "'", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "w",
    "ي": "y", "ى": "a", "ة": "a", "ء": "'", "ؤ": "'", "ئ": "'",
}  # fmt: skip


@cache
def _romanizer() -> CharMapper:
    return CharMapper(_ROMAN, None)


def romanize(arabic: str) -> str:
    """A readable Latin spelling of a name (camel-tools character mapping plus a few vowel rules;
    Arabic script leaves short vowels out): «الحميدية» → "Al-Hmidiya", «العند» → "Al-'nd"."""
    words = []
    for word in arabic.split():
        ending = ""
        if word.endswith("ية") and len(word) > 3:
            word, ending = word[:-2], "iya"
        latin = _romanizer().map_string(word)
        latin = re.sub(r"(?<=[^aeiou'])y(?=[^aeiouy'])", "i", latin)  # a medial ya between consonants
        latin = re.sub(r"(?<=[^aeiou'])w(?=[^aeiouw'])", "u", latin) + ending
        article = latin.startswith("al") and len(latin) > 3
        if article:
            latin = latin[2:]
        latin = latin[:1].upper() + latin[1:]
        words.append("Al-" + latin if article else latin)
    return " ".join(words)


# (sentence text, its offset) -> (actor matches, place matches) over that sentence's tokens
SentenceFinds = Mapping[tuple[str, int], tuple[list[Any], list[Any]]]
_NO_FINDS: SentenceFinds = {}
# (item text, its tokens, its sentences' finds): the article complete() works on
_CURRENT_TEXT: list[Any] = [None, None, _NO_FINDS]


def _use_text(text: str, tokens: Any, finds: SentenceFinds | None = None) -> None:
    """The article's tokens from extract(), sliced per sentence as it cuts them: tokenizing each
    sentence again cost 0.5 ms a sentence. Likewise the lexicon matches extract() found per sentence."""
    if _CURRENT_TEXT[0] is not text:
        _CURRENT_TEXT[:] = [text, tokens if tokens is not None else tokenize(text), finds or _NO_FINDS]
        _sentence_tokens.cache_clear()
        _sentence_places.cache_clear()
        _sentence_actors.cache_clear()


@lru_cache(maxsize=64)
def _sentence_tokens(sentence: str, offset: int) -> Any:
    """A trigger sentence's tokens: several steps below read the same one, for each of its events."""
    text, tokens, _ = _CURRENT_TEXT
    if text is None or text[offset : offset + len(sentence)] != sentence:
        return tokenize(sentence, offset)
    lo = bisect.bisect_left(tokens.starts, offset)
    hi = bisect.bisect_left(tokens.starts, offset + len(sentence))
    return tokens[lo:hi]


@lru_cache(maxsize=64)
def _sentence_places(sentence: str, offset: int) -> list[Any]:
    found = _CURRENT_TEXT[2].get((sentence, offset))
    return found[1] if found is not None else place_index().find(_sentence_tokens(sentence, offset))


@lru_cache(maxsize=64)
def _sentence_actors(sentence: str, offset: int) -> list[Any]:
    found = _CURRENT_TEXT[2].get((sentence, offset))
    return found[0] if found is not None else actor_index().find(_sentence_tokens(sentence, offset))


def _stable_id(prefix: str, text: str) -> str:
    return f"{prefix}:{hashlib.sha1(fold(text).encode()).hexdigest()[:10]}"


def complete(
    event: dict[str, Any],
    text: str,
    countries_named: set[str],
    tokens: Any = None,
    finds: SentenceFinds | None = None,
    home_country: str | None = None,
) -> None:
    """Fill the ACLED fields of one event in place (see the module docstring). `tokens`: the item
    text's tokens, when the caller has them; `finds`: the actor and place matches it found in each
    sentence (token positions relative to the sentence), likewise; `home_country`: the country a
    local outlet's bare «رجال الأمن», «الجيش» belong to (the feed's `home_country`)."""
    _use_text(text, tokens, finds)
    _place(event, text)
    loc = event.get("location")
    # «سقوط مقذوف من الأراضي اليمنية»: where a projectile came from is not where the event is
    elsewhere = (
        countries_named - _launch_countries(event, text)
        if loc is None or not loc.get("country_code")
        else countries_named
    )
    if loc and not loc.get("country_code"):  # a place no gazetteer knows: the country of the event
        cc = _event_country(event | {"location": None}, elsewhere)
        if cc:
            loc.update(country_code=cc, country=country_place(cc).name)
    if not event.get("location"):
        cc = _event_country(event, elsewhere)
        if cc is None and home_country and _bare_state_role(event):
            # «رجال الأمن» in a local paper, the text naming no country: the paper's own country
            cc = home_country
        if cc:  # ACLED places every event in a country: the one its forces or the article give
            event["location"] = country_place(cc).as_location()
    _parties_named_otherwise(event, text)
    _actors(event, countries_named)
    _time_precision(event, text)
    _speakers(event, text)
    _actors(event, countries_named)  # names the NER added take their slots too
    _territory_by_taker(event)
    _attack_on_armed_party(event)


# ACLED tells a change of territory by who takes it: government forces (or their allies) regain,
# a non-state group overtakes, whatever the verb («حرر», «سيطر على»)
_STATE, _NON_STATE = frozenset({1}), frozenset({2, 3, 4})


def _territory_by_taker(event: dict[str, Any]) -> None:
    if event["sub_event_type"] not in TERRITORY_SUB_TYPES:
        return
    taker = next((a for a in event["actors"] if a.get("slot") == "actor1"), None)
    inter = taker.get("inter") if taker else None
    if inter in _STATE:
        event["sub_event_type"] = "government_regains_territory"
    elif inter in _NON_STATE:
        event["sub_event_type"] = "non_state_actor_overtakes_territory"


# ACLED's "attack" is violence against unarmed people; armed, organised forces attacked (the army,
# the police, a militia) make a battle, however one-sided: «أطلق مسلحون النار على رجال الأمن»
_ARMED_INTER = _STATE | _NON_STATE


def _attack_on_armed_party(event: dict[str, Any]) -> None:
    if event["sub_event_type"] != "attack":
        return
    acted_on = [a for a in event["actors"] if a.get("slot") in _SLOTS_ACTED_ON]
    if acted_on and all(a.get("inter") in _ARMED_INTER for a in acted_on):
        event["event_type"], event["sub_event_type"] = "battles", "armed_clash"
        for attr in event["attributions"]:  # what the speakers claim is the same event
            attr["claims"] = list(
                dict.fromkeys("armed_clash" if c == "attack" else c for c in attr["claims"])
            )


_LAUNCH_FROM = frozenset(fold(w) for w in ["من", "داخل"])
_TERRITORY = frozenset(fold(w) for w in ["الأراضي", "الحدود", "أراضي", "الاراضي"])


def _launch_countries(event: dict[str, Any], text: str) -> set[str]:
    """Countries the event's sentence names as where something was fired from: «من (داخل) الأراضي
    اليمنية», «من الحدود اليمنية»."""
    ev = _evidence(event, "trigger")
    if ev is None:
        return set()
    offset, sentence = _sentence_of(ev, text)
    words = _sentence_tokens(sentence, offset).words
    out = set()
    for i in range(1, len(words) - 1):
        if words[i] in _TERRITORY and words[i - 1] in _LAUNCH_FROM:
            code = nisba_country(words[i + 1])
            if code:
                out.add(code)
    return out


def _evidence(event: dict[str, Any], field: str) -> dict[str, Any] | None:
    return next((e for e in event["evidence"] if e["field"] == field and not e.get("in_title")), None)


def _sentence_of(ev: dict[str, Any], text: str) -> tuple[int, str]:
    """(offset, text) of the evidence's sentence in the item text."""
    sentence = ev["sentence"]
    start = text.rfind(sentence, 0, ev["start"] + 1) if ev["start"] < len(text) else -1
    if start < 0:
        start = text.find(sentence)
    return max(start, 0), sentence


# --- actors


@cache
def _context_ids() -> frozenset[str]:
    return frozenset(bare_id for bare_id, *_ in CONTEXT_ROLES.values())


def _bare_state_role(event: dict[str, Any]) -> bool:
    """Does the event name state forces or a government by their role only («الشرطة», «رجال الأمن»,
    «الجيش»), with no country?"""
    return any(a["id"] in _BARE_STATE_IDS for a in event["actors"])


# ACLED inter codes whose actors place an event with no place of its own in their country, in this
# order: state forces («الشرطة المصرية»: Egypt), then a rebel or militia group of one country
# («مليشيات الحوثي»: Yemen), which fights at home
_HOME_COUNTRY_CODES = (_STATE, _NON_STATE)
# ids of a country's own forces and government named by their role only (CONTEXT_ROLES MIL, POL, GOV)
_BARE_STATE_IDS = frozenset(CONTEXT_ROLES[key][0] for key in ("MIL", "POL", "GOV"))


def _event_country(event: dict[str, Any], countries_named: set[str]) -> str | None:
    """Where the event happened; without a place, the country of the party it was done to («غارات
    إسرائيلية على مواقع للمقاومة الفلسطينية»: Palestine), else of its country-specific state actors
    («الشرطة المصرية» and «متظاهرين»: Egypt), else of its one-country armed groups, else the one
    country the article names."""
    loc = event.get("location") or {}
    if loc.get("country_code"):
        return str(loc["country_code"])
    specs = catalogue()
    targets = {
        a.get("country_code") or (specs[a["id"]].country if a["id"] in specs else None)
        for a in event["actors"]
        if a["role"] == "target"
    } - {None}
    if len(targets) == 1:
        return str(targets.pop())
    for codes in _HOME_COUNTRY_CODES:
        home = {
            specs[a["id"]].country
            for a in event["actors"]
            if a["id"] in specs and specs[a["id"]].country and specs[a["id"]].inter in codes
        }
        if len(home) == 1:
            return home.pop()
    return next(iter(countries_named)) if len(countries_named) == 1 else None


def _actors(event: dict[str, Any], countries_named: set[str]) -> None:
    specs = catalogue()
    cc = _event_country(event, countries_named)
    out: dict[str, dict[str, Any]] = {}
    for a in event["actors"]:
        spec = specs.get(a["id"])
        if spec is not None and spec.context == HOME:
            actor = in_country(spec.actor(), cc)
            if actor.context == HOME:
                continue  # «المقاومة» outside Yemen: some other resistance, not named
            a = a | {"id": actor.id, "name": actor.name, "name_ar": a.get("name_ar") or actor.name_ar}
            a["inter"], a["country_code"] = actor.inter, actor.country
        elif spec is not None and a["id"] in _context_ids():
            actor = in_country(spec.actor(), cc, frozenset(countries_named))
            a = a | {"id": actor.id, "name": actor.name, "name_ar": actor.name_ar or a.get("name_ar", "")}
            a["inter"], a["country_code"] = actor.inter, actor.country
        elif spec is not None:
            a = a | {"inter": spec.inter, "country_code": spec.country}
        elif a["id"].startswith(("CIV-", "PRO-", "RIO-", "UAG-", "MIL-", "POL-", "GOV-")):
            pass  # already resolved
        if a.get("inter") == 7 and event["event_type"] in ("protests", "riots"):
            a = _as_demonstrators(a | {"country_code": a.get("country_code") or cc}, event["event_type"])
        prev = out.get(a["id"])
        if prev is None or (prev["role"] == "target" and a["role"] == "actor"):
            out[a["id"]] = a
    actors = list(out.values())
    acting = [a for a in actors if a["role"] != "target"]
    acted_on = [a for a in actors if a["role"] == "target"]
    if event["event_type"] == "battles" and len(acting) > 1 and not acted_on:
        acted_on = [acting.pop(1)]  # a battle has two sides: the second one named is actor2
    for side, slots in ((acting, _SLOTS_ACTING), (acted_on, _SLOTS_ACTED_ON)):
        for k, a in enumerate(side):
            a["slot"] = slots[min(k, 1)]
    event["actors"] = actors


def _as_demonstrators(a: dict[str, Any], event_type: str) -> dict[str, Any]:
    """Civilians named in a protest are its protesters («آلاف الفلسطينيين»), in a riot its rioters."""
    key = "PRO" if event_type == "protests" else "RIO"
    bare_id, pattern, inter, _kind, _ = CONTEXT_ROLES[key]
    country = countries().get(a.get("country_code") or "")
    if country is None:
        return a | {"id": bare_id, "name": pattern.split(" (")[0], "inter": inter, "role": "actor"}
    name = pattern.format(en=country.display)
    return a | {"id": f"{key}-{country.code}", "name": name, "inter": inter, "role": "actor"}


def _add_actor(
    event: dict[str, Any], actor: dict[str, Any], ev: dict[str, Any], start: int, end: int
) -> None:
    event["actors"].append(actor)
    if len(event["evidence"]) < MAX_EVIDENCE:
        event["evidence"].append(ev | {"field": "actor", "start": start, "end": end, "confidence": 0.5})


LEADER_WORDS = frozenset(fold(w) for w in ["تقوده", "يقوده", "تقودها", "يقودها", "بقيادة", "قيادة"])
# A country named this close to the trigger (in tokens) may be the party acting: «شنت الولايات المتحدة
# وبريطانيا وفرنسا ضربات», «قصفت إسرائيل» (Arabic puts the subject after the verb, or before it).
COUNTRY_PARTY_WINDOW = (6, 4)  # tokens before, after
# «هاجمت مواقع النظام السوري مع أمريكا وبريطانيا»: countries joined to the acting side by «مع», and
# those listed after them or after a country that acts («ضربات شنتها الولايات المتحدة وفرنسا
# وبريطانيا»), act too, this far after the trigger
JOINT_PARTY_WINDOW = 10
_WITH = fold("مع")
_JOINT_TYPES = frozenset({"battles", "explosions_remote_violence"})  # not «التعاون مع إيران» in an arrest
# «العمليات التي نفذتها كل من الولايات المتحدة وبريطانيا وفرنسا», «الضربة التي وجهتها أمريكا»: a
# verb of carrying out with a pronoun for the act names who did it right after it (or after «كل من»),
# this far after the trigger
AGENT_CLAUSE_WINDOW = 16
_AGENT_VERBS = frozenset(
    fold(w)
    for w in ["نفذتها", "نفذها", "شنتها", "شنها", "وجهتها", "وجهها", "قادتها", "قادها", "أطلقتها", "أطلقها"]
)
_EACH_OF = (fold("كل"), fold("من"))
# «شنتها الولايات المتحدة وحليفتاها فرنسا وبريطانيا»: a word that carries a list of countries on
_ALLY_WORDS = frozenset(fold(w) for w in ["وحليفتاها", "وحليفتيها", "وحليفتها", "وحلفاؤها", "وحلفائها", "وحليفها"])


def _agent_start(words: list[str], trig: int) -> int | None:
    """Where the doer of the act starts after «التي نفذتها (كل من)» within AGENT_CLAUSE_WINDOW tokens
    after the trigger, or None."""
    for v in range(trig + 1, min(len(words) - 1, trig + AGENT_CLAUSE_WINDOW)):
        if words[v] in _AGENT_VERBS:
            after = v + 1
            if tuple(words[after : after + 2]) == _EACH_OF:
                after += 2
            return after
    return None


def _parties_named_otherwise(event: dict[str, Any], text: str) -> None:
    """Parties the actor lexicon cannot see: a country acting («قصفت إسرائيل», «اعتقلت السعودية»)
    is its forces (police for arrests), unless it is where the event happened (arrests aside) or its
    forces are already named; a person attacked, abducted or killed («خطف سكريبال») is a civilian of
    the event's country when the event has no target (names from the NER model)."""
    ev = _evidence(event, "trigger")
    if ev is None:
        return
    offset, sentence = _sentence_of(ev, text)
    tokens = _sentence_tokens(sentence, offset)
    trig = next((i for i, st in enumerate(tokens.starts) if st >= ev["start"]), 0)
    trig_end = next((i for i, st in enumerate(tokens.starts) if st >= ev["end"]), len(tokens.words))
    loc_cc = (event.get("location") or {}).get("country_code")
    arrests = event["sub_event_type"] == "arrests"
    have = {a.get("country_code") for a in event["actors"] if a.get("inter") == 1} | {
        catalogue()[a["id"]].country
        for a in event["actors"]
        if a["id"] in catalogue() and catalogue()[a["id"]].inter == 1
    }
    before, after = COUNTRY_PARTY_WINDOW
    joint_end = -1  # where the last country joined by «مع» (or listed after one) ends
    agent = _agent_start(tokens.words, trig) if event["event_type"] in _JOINT_TYPES else None
    named = _sentence_actors(sentence, offset)
    for m in _sentence_places(sentence, offset):
        place = m.entry[0]
        word_before = tokens.words[m.start_token - 1] if m.start_token else ""
        if place.capital and place.country_code and not m.had_prep and word_before not in LOCATIVE_CUES:
            place = country_place(place.country_code)  # «تشن أنقرة هجوما»: the capital for its country
        listed = (m.start_token == joint_end and tokens.words[m.start_token][:1] == "و") or (
            joint_end >= 0 and m.start_token == joint_end + 1 and tokens.words[joint_end] in _ALLY_WORDS
        )  # «وبريطانيا», «وحليفتاها فرنسا»: the list goes on
        joint = (
            place.precision == "country"
            and event["event_type"] in _JOINT_TYPES
            and (
                m.start_token == agent  # «التي نفذتها (كل من) الولايات المتحدة»
                or (agent is not None and agent < m.start_token and listed)
                or (trig < m.start_token <= trig + JOINT_PARTY_WINDOW and (word_before == _WITH or listed))
            )
        )
        if joint:
            joint_end = m.end_token
        if place.precision != "country" or not (joint or trig - before <= m.start_token <= trig + after):
            continue
        if any(a.start_token <= m.start_token < a.end_token for a in named) or (
            not joint and word_before.endswith("ا") and tokens.words[m.end_token - 1].endswith("يا")
        ):
            continue  # an actor's name, or a nisba after a noun: «مواطنا ألمانيا» is a German, not Germany
        if (
            m.had_prep
            or (word_before in LOCATIVE_CUES and m.start_token != agent)  # «كل من أمريكا» is no «from»
            or (
                place.nisba and m.start_token != trig_end
            )  # «الضربة الإسرائيلية» acts; «من الأراضي اليمنية» not
            or (m.had_article and not fold(place.name_ar).startswith("ال"))
        ):
            continue  # where something is, or a nisba («الإسرائيلية»)
        if word_before in LEADER_WORDS:
            continue  # «التحالف الذي تقوده السعودية»: the coalition acts, not the country's own forces
        if place.country_code == loc_cc and not arrests:
            continue
        if event["event_type"] in _JOINT_TYPES:
            joint_end = m.end_token  # the countries listed after it with «و» act with it
        if place.country_code in have:
            continue
        spec = catalogue().get(f"{'POL' if arrests else 'MIL'}-{place.country_code}")
        spec = spec or _by_name_or_none(_military_name(place.country_code))
        if spec is None:
            continue
        actor = {"id": spec.id, "name": spec.name, "name_ar": spec.actor().name_ar, "role": "actor"}
        _add_actor(event, actor, ev, m.start, m.end)
        have.add(place.country_code)
    if event["sub_event_type"] in ("arrests", "abduction_forced_disappearance"):
        _people_taken(event, sentence, offset, ev, trig)
    _mention_evidence(event, sentence, offset, ev)
    if event["event_type"] != "violence_against_civilians" or any(
        a["role"] == "target" for a in event["actors"]
    ):
        return
    loc = event.get("location") or {}
    country = countries().get(loc.get("country_code") or "")
    for ent in ner.entities(tokens.words):
        if ent.kind != "PERS":
            continue
        start, end = tokens.starts[ent.start_token], tokens.ends[ent.end_token - 1]
        name = f"Civilians ({country.display})" if country else "Civilians"
        cid = f"CIV-{country.code}" if country else "CIVILIANS"
        actor = {
            "id": cid,
            "name": name,
            "name_ar": sentence[start - offset : end - offset],
            "role": "target",
        }
        _add_actor(event, actor, ev, start, end)
        return


def _people_taken(event: dict[str, Any], sentence: str, offset: int, ev: dict[str, Any], trig: int) -> None:
    """Arrested or abducted people («اعتقلت السلطات 17 شخصا») are the event's civilian target."""
    if any(a["role"] == "target" for a in event["actors"]):
        return
    cc = (event.get("location") or {}).get("country_code")
    for m in _sentence_actors(sentence, offset):
        if m.entry.kind == "civilians" and m.start_token > trig:
            actor = in_country(m.entry, cc)
            item = {"id": actor.id, "name": actor.name, "name_ar": actor.name_ar, "role": "target"}
            _add_actor(event, item, ev, m.start, m.end)
            return


def _military_name(code: str | None) -> str:
    country = countries().get(code or "")
    return f"Military Forces of {country.en}" if country else ""


def _mention_evidence(event: dict[str, Any], sentence: str, offset: int, ev: dict[str, Any]) -> None:
    """Evidence for every mention of the event's actors in its sentence, not only the first:
    «العناصر الحوثية» after «ميليشيات الحوثي» is the same party, named again."""
    ids = {a["id"] for a in event["actors"]}
    seen = {(e["start"], e["end"]) for e in event["evidence"] if e["field"] == "actor"}
    for m in _sentence_actors(sentence, offset):
        if (m.start, m.end) in seen or len(event["evidence"]) >= MAX_EVIDENCE:
            continue
        if (
            m.entry.id in ids
            or in_country(m.entry, (event.get("location") or {}).get("country_code")).id in ids
        ):
            event["evidence"].append(
                ev | {"field": "actor", "start": m.start, "end": m.end, "confidence": 0.7}
            )


def _by_name_or_none(name: str) -> Any:
    return _specs_by_name().get(name)


@cache
def _specs_by_name() -> dict[str, Any]:
    return {spec.name: spec for spec in catalogue().values() if spec.context is None}


# --- place


def _place(event: dict[str, Any], text: str) -> None:
    loc = event.get("location")
    ev = _evidence(event, "location")
    if not loc or ev is None or loc.get("precision") == "country":
        if not loc or loc.get("precision") == "country":
            # «في منطقة سالزبيري في بريطانيا»: a country the sentence names yields to a name after a
            # settlement word; the model is asked only when the sentence names no place at all
            _ner_place(event, text, model=ev is None)
        return
    offset, sentence = _sentence_of(ev, text)
    tokens = _sentence_tokens(sentence, offset)
    at = next((i for i, s in enumerate(tokens.starts) if s >= ev["start"]), None)
    if at is None:
        return
    words = tokens.words
    before = words[at - 1] if at else ""
    # «قاعدة العند الجوية في (مدينة) لحج», «مطار صنعاء الدولي في صنعاء»: the site, not the city
    site = _site_before(words, at)
    if site is not None:
        kind, name_tokens = site
        first = name_tokens[0] - 1  # the site word: «قاعدة»
        name_ar = sentence[tokens.starts[name_tokens[0]] - offset : tokens.ends[name_tokens[-1]] - offset]
        known = place_index().find(tokenize(name_ar))
        name = (
            known[0].entry[0].name if known and known[0].end_token == len(name_tokens) else romanize(name_ar)
        )
        loc.update(
            id=_stable_id("site", loc["id"] + name_ar),
            name=f"{name} {kind}",
            name_ar=sentence[tokens.starts[first] - offset : tokens.ends[name_tokens[-1]] - offset],
            precision="place",
            geo_precision=2,
        )
        return
    if at and _site_stem(before) in SITE_WORDS:  # «مطار صنعاء»: the airport of the city
        loc.update(
            id=_stable_id("site", loc["id"] + before),
            name=f"{loc['name']} {SITE_WORDS[_site_stem(before)]}",
            name_ar=sentence[tokens.starts[at - 1] - offset : ev["end"] - offset],
            precision="place",
            geo_precision=2,
        )
        return
    # «قرية X جنوب (مدينة) Y»: X, near Y
    relative = _relative_before(words, at)
    if relative is not None and (
        words[relative[0] - 1] in PARTS_OF_TOWN or words[relative[0]] in FACILITY_WORDS
    ):
        # «حي الفرسان شمالي بلدة أوباري», «سجن عوفر غربي رام الله»: a part of the town or a building
        # near it is coded as the town (ACLED names no neighbourhoods or buildings), near it
        loc["geo_precision"] = 2
        return
    if relative is not None:
        s, e = relative
        name_ar = sentence[tokens.starts[s] - offset : tokens.ends[e - 1] - offset]
        known = place_index().find(tokenize(name_ar))
        if known and known[0].end_token == e - s:
            named = resolve(known[0].entry, {loc["country_code"]} if loc.get("country_code") else set())
            if named.country_code == loc.get("country_code"):
                event["location"] = named.as_location()
                return
        loc.update(
            id=_stable_id("near", loc["id"] + name_ar),
            name=romanize(name_ar),
            name_ar=name_ar,
            geo_precision=2,
        )
        loc["precision"] = "place"
        return
    # «قرية الحميدية جنوب إدلب» where the gazetteer's «الحميدية» is a town of another country
    end = next((i for i, e in enumerate(tokens.ends) if e >= ev["end"]), at) + 1
    after = _relative_after(tokens, end)
    if after is not None and (after.country_code != loc.get("country_code") or _not_near(loc, after)):
        name_ar = sentence[tokens.starts[at] - offset : tokens.ends[end - 1] - offset]
        event["location"] = after.as_location() | {
            "id": _stable_id("near", after.id + name_ar),
            "name": romanize(name_ar),
            "name_ar": name_ar,
            "precision": "place",
            "geo_precision": 2,
        }
        return
    if before in NEAR_WORDS or (at >= 2 and words[at - 2] in NEAR_WORDS and before in SETTLEMENT_WORDS):
        loc["geo_precision"] = 2


NEAR_TOWN_KM = 50  # «X جنوب Y» names a place within this of Y


def _far(loc: dict[str, Any], place: Any) -> bool:
    if None in (loc.get("lat"), place.lat):
        return False
    return distance_km(loc["lat"], loc["lon"], place.lat, place.lon) > NEAR_TOWN_KM


def _not_near(loc: dict[str, Any], place: Any) -> bool:
    """Is the gazetteer's X of «X جنوب Y» too far from Y to be the X meant? For a town Y, by
    distance; for a region, by its name: the centre of «الضفة الغربية» is 63 km from Jenin, in it."""
    if place.precision == "place":
        return _far(loc, place)
    return bool(loc.get("admin1")) and place.precision == "admin1" and loc["admin1"] != place.admin1


def _relative_after(tokens: Any, end: int) -> Any:
    """The place Y of «X جنوب [مدينة] Y» when X ends at `end`."""
    words = tokens.words
    if end >= len(words) or words[end] not in COMPASS:
        return None
    j = end + 1
    if j < len(words) and words[j] in SETTLEMENT_WORDS:
        j += 1
    found = place_index().find(tokens[j : j + 4])
    if not found or found[0].start_token != 0:
        return None
    return resolve(found[0].entry, set())


def _site_stem(word: str) -> str:
    return word[1:] if word[:1] in ("و", "ب", "ل", "ف") and word[1:] in SITE_WORDS else word


_FOR_THE = fold("لل")  # «للقوات»: a preposition, which a site's name never opens with


def _site_before(words: list[str], at: int) -> tuple[str, list[int]] | None:
    """«مطار X [الدولي] في [مدينة] Y» with Y at `at`: (site kind, X's tokens)."""
    j = at - 1
    if j >= 0 and words[j] in SETTLEMENT_WORDS:
        j -= 1
    if j < 1 or words[j] not in LOCATIVE_PREPS:
        return None
    j -= 1
    while j >= 0 and words[j] in SITE_ADJECTIVES:
        j -= 1
    end = j + 1
    for k in range(j, max(-1, j - 4), -1):
        stem = _site_stem(words[k])
        if stem in SITE_WORDS:
            if k + 1 >= end or words[k + 1].startswith(_FOR_THE):
                return None  # «قاعدة للقوات الأجنبية»: whose base, not its name
            return SITE_WORDS[stem], list(range(k + 1, end))
    return None


def _relative_before(words: list[str], at: int) -> tuple[int, int] | None:
    """«[قرية] X جنوب [مدينة] Y» with Y at `at`: X's token span, when a settlement word or a
    preposition opens it within three words."""
    j = at - 1
    if j >= 0 and words[j] in SETTLEMENT_WORDS:
        j -= 1
    if j < 1 or words[j] not in COMPASS:
        return None
    end = j
    for k in range(end - 1, max(-1, end - 4), -1):
        w = words[k]
        opens = (
            w in SETTLEMENT_WORDS
            or w in LOCATIVE_PREPS
            or (w[:1] in ("ب", "و") and w[1:] in SETTLEMENT_WORDS)
        )
        if opens:
            # «في شمال شرق العاصمة الرياض»: a direction, no place of its own; «في مسيرات العودة شرق
            # خان يونس»: an event named, not a place
            named = k + 1 < end and not all(words[t] in COMPASS for t in range(k + 1, end))
            if named and not lexicon.key_set("event_nouns").isdisjoint(keys_of(words[k + 1])):
                return None
            return (k + 1, end) if named else None
    return None


def _ner_place(event: dict[str, Any], text: str, model: bool = True) -> None:
    """No town found: a name after a settlement word («منطقة اعشار», «مديرية موزع») or a location the
    NER model sees after a locative cue, which no gazetteer knows, is the place (in the event's
    country, if any; no coordinates, geo_precision 2)."""
    ev = _evidence(event, "trigger")
    if ev is None:
        return
    offset, sentence = _sentence_of(ev, text)
    tokens = _sentence_tokens(sentence, offset)
    # the cheap rule first; the model only when it finds nothing (the model costs 14% of extraction)
    found = _unknown_places(tokens, _after_settlement_words(tokens.words))
    if not found and model:
        found = _unknown_places(
            tokens, [(e.start_token, e.end_token) for e in ner.entities(tokens.words) if e.kind == "LOC"]
        )
    for s, e in found:
        name_ar = sentence[tokens.starts[s] - offset : tokens.ends[e - 1] - offset]
        old = event.get("location") or {}
        event["location"] = {
            "id": _stable_id("near", (old.get("country_code") or "") + name_ar),
            "name": romanize(name_ar),
            "name_ar": name_ar,
            "admin1": None,
            "country_code": old.get("country_code"),
            "country": old.get("country"),
            "lat": None,
            "lon": None,
            "precision": "place",
            "geo_precision": 2,
        }
        return


def _unknown_places(tokens: Any, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans after a settlement word or a locative preposition that no gazetteer or actor list knows."""
    out = []
    for s, e in spans:
        if s == 0:
            continue
        before = tokens.words[s - 1]
        if before not in SETTLEMENT_WORDS and before not in LOCATIVE_PREPS:
            continue
        if place_index().find(tokens[s:e]) or actor_index().find(tokens[s:e]):
            continue  # the gazetteer knows it (the extractor already weighed it), or it is a party
        if tokens.words[s] in COMPASS or _strip_article(tokens.words[s]) in _NOT_NAME_HEADS:
            continue  # «في المنزل», «في المدينة», «في شمال»: a building, the word for a town, a direction
        if _indefinite_adjective(tokens.words[s]):
            continue  # «في مناطق متفرقة»: the model's LOC, but no name
        out.append((s, e))
    return out


# First words of compound place names: «بيت لاهيا», «كفر نبل», «عين العرب», «دير الزور»
_COMPOUND_STARTS = frozenset(
    fold(w)
    for w in [
        "بيت",
        "كفر",
        "عين",
        "دير",
        "تل",
        "جبل",
        "وادي",
        "بئر",
        "أبو",
        "ابو",
        "بني",
        "أم",
        "ام",
        "رأس",
        "خان",
        "سيدي",
    ]
)


def _strip_article(word: str) -> str:
    return word[2:] if word.startswith("ال") else word


MIN_NISBA_LETTERS = 5  # «عشوائي», «سكني»: a word this long ending in ي (no article) is a nisba adjective


def _indefinite_adjective(word: str) -> bool:
    """«حدودية», «قريبة», «خفض» (التصعيد): a word that describes an area rather than names one
    (cues.json `area_kind_words`, and nisba adjectives by their ending)."""
    return word in lexicon.word_set("area_kind_words") or (
        not word.startswith("ال")
        and (word.endswith("يه") or (word.endswith("ي") and len(word) >= MIN_NISBA_LETTERS))
    )


def _after_settlement_words(words: list[str]) -> list[tuple[int, int]]:
    """The name after «منطقة / مديرية / بلدة / قرية ...»: one word, two for a compound name; not an
    indefinite adjective («منطقة حدودية», «منطقة عسكرية») nor a second settlement word («بلدة
    قرية»: the name follows that one)."""
    out = []
    for i, w in enumerate(words[:-1]):
        if w not in SETTLEMENT_WORDS or w == fold("العاصمة"):
            continue
        name = words[i + 1]
        if len(name) < 3 or _indefinite_adjective(name) or name in NOT_SPEAKERS or name in SETTLEMENT_WORDS:
            continue
        end = i + 3 if name in _COMPOUND_STARTS and i + 2 < len(words) else i + 2
        out.append((i + 1, end))
    return out


# --- date


def _time_precision(event: dict[str, Any], text: str) -> None:
    ev = _evidence(event, "date")
    precision = 2  # the publication date stands in: the event was within the days before it
    if ev is not None and event.get("date"):
        offset, sentence = _sentence_of(ev, text)
        published = None
        for source in event["sources"]:
            if source.get("published_at"):
                from datetime import datetime

                try:
                    published = datetime.fromisoformat(source["published_at"].replace("Z", "+00:00")).date()
                except ValueError:
                    published = None
        mentions = [
            m
            for m in find_dates(_sentence_tokens(sentence, offset), published)
            if m.date.isoformat() == event["date"]
        ]
        if mentions:
            precision = {"day": 1, "week": 2, "month": 3}.get(mentions[0].precision, 2)
    event["time_precision"] = precision


# --- speakers and unknown names


def _speakers(event: dict[str, Any], text: str) -> None:
    kept = []
    cc = (event.get("location") or {}).get("country_code")
    for attr in event["attributions"]:
        spec = catalogue().get(attr.get("speaker_id") or "")
        if spec is not None and (spec.id in _context_ids() or spec.context == HOME):
            # «وأفاد التحالف» in Yemen: the Saudi-led coalition; «المقاومة» outside Yemen: no one known
            resolved = in_country(spec.actor(), cc, frozenset({cc} if cc else ()))
            attr["speaker_id"] = None if resolved.context == HOME else resolved.id
        first = fold(attr["speaker"]).split()[:1]
        if not first or first[0] in NOT_SPEAKERS or without_conjunction(first[0]) in NOT_SPEAKERS:
            continue
        one_word = len(attr["speaker"].split()) == 1  # a longer name is a name; one word may be anything
        listed = ner.gazetteers().get("PERS", frozenset())  # a listed name needs no model call
        if (
            attr.get("speaker_id")
            or first[0] in SPEAKER_NOUNS
            or not one_word
            or without_conjunction(first[0]) in listed
            or ner.tagger() is None
        ):
            kept.append(attr)
            continue
        if _is_named(event, attr, text):
            kept.append(attr)
    event["attributions"] = kept
    _ner_actors(event, text)


def _is_named(event: dict[str, Any], attr: dict[str, Any], text: str) -> bool:
    """Does the NER model see a person or organisation in the speaker's words?"""
    ev = next((e for e in event["evidence"] if e["field"] == "attribution"), None)
    if ev is None:
        return True
    offset, sentence = _sentence_of(ev, text)
    tokens = _sentence_tokens(sentence, offset)
    for ent in ner.entities(tokens.words):
        if (
            ent.kind in ("PERS", "ORG")
            and tokens.starts[ent.start_token] < ev["end"]
            and tokens.ends[ent.end_token - 1] > ev["start"]
        ):
            return True
    return False


def _ner_actors(event: dict[str, Any], text: str) -> None:
    """An organisation in the trigger's sentence that no lexicon knows, for an event without actors."""
    if event["actors"] or ner.tagger() is None:
        return
    ev = _evidence(event, "trigger")
    if ev is None:
        return
    offset, sentence = _sentence_of(ev, text)
    tokens = _sentence_tokens(sentence, offset)
    if ORG_HEADS.isdisjoint(without_conjunction(w) for w in tokens.words):
        return  # no word that opens an organisation's name («حركة», «جماعة», «كتائب»): no model call
    for ent in ner.entities(tokens.words):
        if ent.kind != "ORG":
            continue
        span = tokens[ent.start_token : ent.end_token]
        if actor_index().find(span) or place_index().find(span):
            continue
        name_ar = sentence[tokens.starts[ent.start_token] - offset : tokens.ends[ent.end_token - 1] - offset]
        event["actors"].append(
            {"id": _stable_id("ner", name_ar), "name": romanize(name_ar), "name_ar": name_ar, "role": "actor"}
        )
