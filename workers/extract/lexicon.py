"""Lexicons (data/*.json) and a phrase matcher over folded tokens that understands proclitics."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from itertools import compress
from typing import Any, Generic, TypeVar

from workers.extract.morph import keys_of, past_forms, stem_keys, term_key, verb_forms
from workers.extract.text import Tokens, clitic_variants, fold

T = TypeVar("T")


def load_data(name: str) -> dict[str, Any]:
    return json.loads(resources.files("workers.extract").joinpath("data", name).read_text(encoding="utf-8"))


class LexiconError(ValueError):
    """A lexicon file does not follow its JSON Schema."""


# lexicon file -> its schema in schemas/ (checked at load time: a bad edit fails loudly, not silently)
LEXICON_SCHEMAS = {
    "triggers.json": "trigger_lexicon.json",
    "cues.json": "cue_lexicon.json",
    "actors.json": "actor_lexicon.json",
    "places.json": "place_lexicon.json",
    "admin1.json": "admin_lexicon.json",
    "admin2.json": "admin_lexicon.json",
    "countries_ar.json": "country_lexicon.json",
    "place_names_ar.json": "place_display_names.json",
    "known_attacks.json": "known_attack_lexicon.json",
}


def validate_lexicon(name: str, data: dict[str, Any]) -> None:
    """Raise LexiconError when `data` (the content of lexicon file `name`) breaks its schema."""
    from jsonschema import Draft202012Validator

    schema = json.loads(
        resources.files("schemas").joinpath(LEXICON_SCHEMAS[name]).read_text(encoding="utf-8")
    )
    errors = sorted(Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path)
        raise LexiconError(f"{name} at /{where}: {errors[0].message} ({len(errors)} error(s))")


def load_lexicon(name: str) -> dict[str, Any]:
    """A lexicon data file, validated against its schema."""
    data = load_data(name)
    validate_lexicon(name, data)
    return data


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs 3x, and matches are many
class Match(Generic[T]):
    entry: T
    start_token: int
    end_token: int  # exclusive
    start: int  # original char offsets
    end: int
    had_article: bool  # first token carried ال (or لل)
    had_prep: bool  # first token carried ب/ل/ك
    inserted: int = 0  # words that stood between the phrase's own words


_MEMO_LIMIT = 200_000  # distinct tokens remembered per index; the memo starts over past this


# first word -> [(phrase length, {the other words: [(entry, takes clitics), ...]}), ...], longest first
_Phrases = list[tuple[int, dict[tuple[str, ...], list[tuple[Any, bool]]]]]


class _FirstWordHits(dict[str, tuple]):
    """token -> the readings of it that start some phrase: (key, article, prep, bare, phrases).
    Filled on first sight of a token, so matching an article costs one dict lookup per token."""

    def __init__(self, by_first: dict[str, _Phrases], morph: bool, stop_tokens: frozenset[str]) -> None:
        super().__init__()
        self._by_first = by_first
        self._morph = morph
        self._stop = stop_tokens

    def __missing__(self, token: str) -> tuple:
        if len(self) >= _MEMO_LIMIT:
            self.clear()
        if token in self._stop or (token[:1] in ("و", "ف") and token[1:] in self._stop):
            self[token] = ()
            return ()
        hits = []
        seen = set()
        for stem, article, prep in clitic_variants(token):
            for key in (stem, *stem_keys(stem)) if self._morph else (stem,):
                if key in self._by_first and key not in seen:
                    seen.add(key)
                    hits.append((key, article, prep, stem == token, self._by_first[key]))
        self[token] = result = tuple(hits)
        return result


class PhraseIndex(Generic[T]):
    """Finds lexicon phrases in a token list; the first token may carry proclitics; longest match wins.
    Phrases are keyed by first word, then by length and remaining words, so a common first word
    («ان», «علي») costs one lookup per length, not one comparison per phrase.

    `morph`: words are compared by their morphological keys (morph.py), for every word of a phrase,
    so «الاعتقالات» matches a term «اعتقل». `max_inserted`: up to this many words may stand between a
    phrase's words («سيطرت القوات، فجر اليوم، على»); the fewest inserted words win among equally long
    matches. `stop_tokens`: folded words, as written (after «و»/«ف»), that start no phrase: words
    of their own that a proclitic reading would take for a phrase («كبيرا» is not «ك» + «بيرا»)."""

    def __init__(
        self, morph: bool = False, max_inserted: int = 0, stop_tokens: frozenset[str] = frozenset()
    ) -> None:
        self._by_first: dict[str, _Phrases] = {}
        self._morph = morph
        self._max_inserted = max_inserted
        self._hits = _FirstWordHits(self._by_first, morph, stop_tokens)

    def add(self, phrase: str, entry: T, clitics: bool = True) -> None:
        folded = fold(phrase).split()
        words = tuple(term_key(w) for w in folded) if self._morph else tuple(folded)
        if not words:
            return
        by_len = self._by_first.setdefault(words[0], [])
        rests = next((r for n, r in by_len if n == len(words)), None)
        if rests is None:
            rests = {}
            by_len.append((len(words), rests))
            by_len.sort(key=lambda x: -x[0])
        rests.setdefault(words[1:], []).append((entry, clitics))
        self._hits.clear()

    def starts_phrase(self, token: str) -> bool:
        return bool(self._hits[token])

    @property
    def morph(self) -> bool:
        """Are words compared by their morphological keys (else as written)?"""
        return self._morph

    def first_words(self) -> frozenset[str]:
        """The words (keys, when `morph`) phrases start with: a token starts a phrase when one of its
        clitic readings (or, when `morph`, that reading's key) is one of them (see starts_phrase)."""
        return frozenset(self._by_first)

    def _rest_end(self, words: list[str], j: int, rest: tuple[str, ...], limit: int) -> int:
        """Where `rest` ends if its words follow position j (with at most max_inserted words
        inserted in all), else -1."""
        budget = self._max_inserted
        for w in rest:
            while True:
                if j >= limit:
                    return -1
                if w in keys_of(words[j]):
                    j += 1
                    break
                if budget == 0:
                    return -1
                budget -= 1
                j += 1
        return j

    def find(
        self, tokens: Tokens, at: list[int] | None = None, bound: list[int] | None = None
    ) -> list[Match[T]]:
        """Matches in `tokens`. `at` (ascending positions), when given, are the only places a phrase
        may start: a caller that has already screened the tokens for several indexes passes them.
        `bound[i]`, when given, is where a phrase starting at i must end by (its sentence's end)."""
        words = tokens.words
        hits = self._hits
        loose = self._morph or self._max_inserted > 0
        matches: list[Match[T]] = []
        free = 0  # tokens before this one are inside an earlier match
        if at is None:
            at = list(compress(range(len(words)), map(hits.__getitem__, words)))
        for i in at:
            if i < free:
                continue
            limit = bound[i] if bound is not None else len(words)
            best: tuple[T, int, int, bool, bool] | None = None  # entry, phrase words, end, article, prep
            for _key, article, prep, bare, by_len in hits[words[i]]:
                for n, rests in by_len:
                    if best is not None and n <= best[1]:
                        break  # an earlier reading already matched a phrase this long
                    if not loose or n == 1:
                        if i + n > limit:
                            continue
                        options = rests.get(tuple(words[i + 1 : i + n])) if not loose else rests.get(())
                        entry = next((e for e, c in options if bare or c), None) if options else None
                        if entry is not None:
                            best = (entry, n, i + n, article, prep)
                            break
                        continue
                    for rest, options in rests.items():
                        end = self._rest_end(words, i + 1, rest, limit)
                        entry = next((e for e, c in options if bare or c), None) if end > 0 else None
                        if entry is not None and (best is None or best[1] < n or end < best[2]):
                            best = (entry, n, end, article, prep)
                    if best is not None and best[1] == n:
                        break
            if best:
                entry, n, end, article, prep = best
                matches.append(
                    Match(entry, i, end, tokens.starts[i], tokens.ends[end - 1], article, prep, end - i - n)
                )
                free = end
        return matches


# ACLED's changes of territory, told apart by who takes the place (acled_coding._territory_by_taker)
TERRITORY_SUB_TYPES = frozenset({"government_regains_territory", "non_state_actor_overtakes_territory"})


@dataclass(frozen=True)
class Trigger:
    event_type: str
    sub_event_type: str
    confidence: float
    generic: bool
    needs_context: bool = False  # a term with common non-violent senses; see triggers.json
    needs_object: bool = False  # counts only with people as its object («أوقفت الشرطة 12 شخصا»)
    needs_territory: bool = False  # counts only with a place as its object («استعادت قريتين»)
    needs_territory_on: bool = False  # counts only with «على» and a place after it («سيطرت … على عدن»)
    instrument: bool = False  # names a weapon or aircraft, not its use: counts only where it is used
    undone_by: str | None = None  # a cues.json word list that cancels it in its clause (a release)
    exact: frozenset[str] = frozenset()  # when set, the only surface forms (after و/ف) that count
    not_forms: frozenset[str] = frozenset()  # surface forms (after و/ف) that are another word
    not_after: frozenset[str] = frozenset()  # words before it that make it part of a name («رئيس التحرير»)
    not_before: frozenset[str] = frozenset()  # words after it that make it another compound («تحرير محضر»)
    future: bool = False  # a generated future form («سيقصف»): not (yet) reported
    imperfect: bool = False  # a generated imperfect form («يقصف»): a habit unless narrated (factuality.py)
    casualty_only: bool = False  # no trigger word: a sentence reporting people killed or wounded


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    kind: str
    country: str | None
    name_ar: str
    inter: int = 8  # ACLED interaction code (workers/extract/actors.py)
    context: str | None = None  # a generic role («القوات الأمنية») whose country comes from the event


@cache
def trigger_lexicon() -> dict[str, Any]:
    return load_lexicon("triggers.json")


@cache
def casualty_only_trigger(combatants: bool = False) -> Trigger:
    """People killed or wounded with no event word: an attack of unknown type, or fighting when the
    dead are combatants (triggers.json casualty_only / casualty_only_combatants)."""
    spec = trigger_lexicon()["casualty_only_combatants" if combatants else "casualty_only"]
    return Trigger(spec["event_type"], spec["sub_event_type"], spec["confidence"], False, casualty_only=True)


@cache
def sub_event_trigger(sub_event_type: str) -> Trigger:
    """The trigger of a triggers.json sub-type (its first entry's type and confidence): what a
    trigger becomes when a rule of candidates.py retypes it."""
    spec = next(t for t in trigger_lexicon()["triggers"] if t["sub_event_type"] == sub_event_type)
    return Trigger(spec["event_type"], spec["sub_event_type"], spec["confidence"], False)


@dataclass(frozen=True, slots=True)
class KnownAttack:
    """A named attack the news cites by its target (known_attacks.json)."""

    name: str
    sub_event_type: str
    country: str  # ISO code of where it happened


@cache
def known_attack_index() -> PhraseIndex[KnownAttack]:
    data = load_lexicon("known_attacks.json")
    index: PhraseIndex[KnownAttack] = PhraseIndex(morph=True, max_inserted=data["max_inserted_words"])
    for spec in data["attacks"]:
        attack = KnownAttack(spec["name"], spec["sub_event_type"], spec["country"])
        for phrase in spec["ar"]:
            index.add(phrase, attack)
    return index


def disrupted_weapons_trigger() -> Trigger:
    """What a weapon trigger becomes when the weapon was found, defused or intercepted."""
    return sub_event_trigger("disrupted_weapons_use")


@cache
def trigger_index() -> PhraseIndex[Trigger]:
    data = trigger_lexicon()
    index: PhraseIndex[Trigger] = PhraseIndex(morph=True, max_inserted=data["max_inserted_words"])
    for spec in data["triggers"]:
        trig = Trigger(
            spec["event_type"],
            spec["sub_event_type"],
            spec["confidence"],
            spec.get("generic", False),
            undone_by=spec.get("undone_by"),
            not_forms=frozenset(fold(w) for w in spec.get("not_forms", ())),
            not_after=frozenset(fold(w) for w in spec.get("not_after", ())),
            not_before=frozenset(fold(w) for w in spec.get("not_before", ())),
        )
        needs_context = set(spec.get("needs_context", ()))
        needs_object = set(spec.get("needs_object", ()))
        needs_territory = set(spec.get("needs_territory", ()))
        needs_territory_on = set(spec.get("needs_territory_on", ()))
        instruments = set(spec.get("instruments", ()))
        exact = frozenset(fold(w) for w in spec.get("exact", ()))

        def entry(
            term: str,
            trig: Trigger = trig,
            needs_context: set[str] = needs_context,
            needs_object: set[str] = needs_object,
            needs_territory: set[str] = needs_territory,
            needs_territory_on: set[str] = needs_territory_on,
            instruments: set[str] = instruments,
            exact: frozenset[str] = exact,
            **flags: bool,
        ) -> Trigger:
            # a phrase is matched with its first word as written («تقدمت قوات», not the noun «تقدم قوات»)
            surfaces = frozenset(f.split()[0] for f in exact) if fold(term) in exact else frozenset()
            return replace(
                trig,
                needs_context=term in needs_context,
                needs_object=term in needs_object,
                needs_territory=term in needs_territory,
                needs_territory_on=term in needs_territory_on,
                instrument=term in instruments,
                exact=surfaces,
                **flags,
            )

        for term in [*spec["terms"], *spec.get("exact", ())]:
            index.add(term, entry(term))
        for verb in spec.get("verbs", ()):
            index.add(verb, entry(verb))
            first, *rest = verb.split()
            forms = verb_forms(first)
            for form in forms[: len(forms) // 2]:
                index.add(" ".join([form, *rest]), entry(verb, imperfect=True))
            for form in past_forms(first):
                index.add(" ".join([form, *rest]), entry(verb))
            for form in forms[len(forms) // 2 :]:
                index.add(" ".join([form, *rest]), entry(verb, future=True))
    return index


@cache
def actor_index() -> PhraseIndex[Actor]:
    """Generated state forces, the named catalogue and generic roles (workers/extract/actors.py); where
    two actors share a phrase, the first added (a specific one before a generic role) wins."""
    from workers.extract.actors import catalogue  # actors.py builds on this module's Actor

    # words of their own that a proclitic reading took for an actor (actors.json stop_surfaces)
    stop = frozenset(fold(w) for w in load_lexicon("actors.json").get("stop_surfaces", ()))
    index: PhraseIndex[Actor] = PhraseIndex(stop_tokens=stop)
    for spec in catalogue().values():
        actor = spec.actor()
        for alias in spec.ar + spec.en:
            index.add(alias, actor)
        for alias in spec.exact:
            index.add(alias, actor, clitics=False)
    return index


@cache
def cues() -> dict[str, Any]:
    return load_lexicon("cues.json")


@dataclass(frozen=True, slots=True)
class CasualtyCue:
    """A word that says what a number next to it counts («قتلى»: killed)."""

    kind: str  # killed / wounded / captured / displaced
    sides: frozenset[str]  # 'before_number' and/or 'after_number': where the number may stand
    # a cue that is one only before a number or a noun of people («القضاء على 30 إرهابيا», not
    # «القضاء على الإرهاب»): cues.json before_people; sentence.counts_people_after decides
    people_only: bool = False


_BEFORE_PEOPLE = "before_people"


@cache
def casualty_index() -> PhraseIndex[CasualtyCue]:
    # words with one key («قتل», «قتلى») are one cue, with the sides of both
    sides_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    written: dict[tuple[str, str], str] = {}
    for kind, sides in cues()["casualties"].items():
        for side, words in sides.items():
            for word in words:
                key = (kind, " ".join(term_key(w) for w in fold(word).split()))
                sides_of[key].add(side)
                written.setdefault(key, word)
    index: PhraseIndex[CasualtyCue] = PhraseIndex(morph=True)
    for key, sides in sides_of.items():
        people_only = sides == {_BEFORE_PEOPLE}
        counted = frozenset({"before_number"}) if people_only else frozenset(sides - {_BEFORE_PEOPLE})
        index.add(written[key], CasualtyCue(key[0], counted, people_only))
    return index


@cache
def word_or_prefix_set(key: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """(whole words, prefixes) of a cues.json list whose entries ending in * are prefixes. Its
    entries must be single words (a phrase in it could never match: use phrase_list)."""
    entries = [fold(w) for w in cues()[key]]
    if any(" " in w for w in entries):
        raise LexiconError(
            f"cues.json {key}: multi-word entries need phrase_list(), not word_or_prefix_set()"
        )
    return frozenset(w for w in entries if not w.endswith("*")), tuple(
        w[:-1] for w in entries if w.endswith("*")
    )


@cache
def word_set(key: str) -> frozenset[str]:
    return frozenset(fold(w) for w in cues()[key])


def _word_hits(word: str, entry: str) -> bool:
    """A folded word against one folded entry word (a trailing * makes it a prefix)."""
    return word.startswith(entry[:-1]) if entry.endswith("*") else word == entry


@dataclass(frozen=True, slots=True)
class PhraseList:
    """A cues.json word list whose entries may be phrases («سقوط رافعة») as well as words and
    prefixes («حادث*»). The first word of an entry may carry proclitics (و ف ب ل ك ال), the others
    are compared as written (after folding)."""

    words: frozenset[str]
    prefixes: tuple[str, ...]
    phrases: dict[str, tuple[tuple[str, ...], ...]]  # first word -> the other words of its phrases

    def found_in(self, words: list[str]) -> bool:
        for i, w in enumerate(words):
            for stem, _, _ in clitic_variants(w):
                if stem in self.words or stem.startswith(self.prefixes):
                    return True
                for rest in self.phrases.get(stem, ()):
                    following = words[i + 1 : i + 1 + len(rest)]
                    if len(following) == len(rest) and all(map(_word_hits, following, rest)):
                        return True
        return False


@cache
def phrase_list(key: str) -> PhraseList:
    words, prefixes, phrases = set(), [], defaultdict(list)
    for entry in cues()[key]:
        first, *rest = fold(entry).split()
        if rest:
            phrases[first].append(tuple(rest))
        elif first.endswith("*"):
            prefixes.append(first[:-1])
        else:
            words.add(first)
    return PhraseList(frozenset(words), tuple(prefixes), {k: tuple(v) for k, v in phrases.items()})


@cache
def casualty_noun_counts() -> dict[str, int]:
    """Folded surface form -> how many people it counts: cues.json casualty_nouns in the singular
    count 1 (with the accusative «طفلا» of those not ending in ي or ة: «ليبيا» is a country, so
    «جنديا» is listed in casualty_nouns_accusative), their duals 2 («جنديان», «طفلتين»; a noun
    ending in ي only «ـان»: «مدنيين» is as often a plural, and so is the «ـين» of a noun in
    casualty_nouns_plural_in: «وإصابة آخرين» is others, «وأصيب آخر» one); a singular with the
    article counts one too («أصيب الصحافي ياسر مرتجى»)."""
    out: dict[str, int] = {fold(w): 1 for w in cues()["casualty_nouns_accusative"]}
    plural_in = frozenset(fold(w) for w in cues()["casualty_nouns_plural_in"])
    for noun in cues()["casualty_nouns"]:
        w = fold(noun)
        out[w] = 1
        out["ال" + w] = 1
        base = w[:-1] + "ت" if w.endswith("ه") else w
        if not w.endswith(("ه", "ي")):
            out[w + "ا"] = 1
        out[base + "ان"] = 2
        if not w.endswith("ي") and w not in plural_in:
            out[base + "ين"] = 2
    return out


@cache
def key_set(key: str) -> frozenset[str]:
    """Morphological keys (morph.term_key) of a cues.json list of single words."""
    return frozenset(term_key(w) for w in cues()[key])


@cache
def civilian_attack_trigger(confidence: float) -> Trigger:
    """What a generic attack word becomes when its target is civilian (candidates.py)."""
    spec = trigger_lexicon()["casualty_only"]
    return Trigger(spec["event_type"], spec["sub_event_type"], confidence, True)


@cache
def surface_set(key: str) -> frozenset[str]:
    """A cues.json word list as folded surface forms, with and without a leading و or ف: tested
    against a sentence's tokens in one set operation."""
    words = {fold(w) for w in cues()[key]}
    return frozenset(words | {c + w for w in words for c in ("و", "ف")})


def peaceful_protest_trigger() -> Trigger:
    """What a storming becomes when settlers storm a holy site (candidates.py)."""
    return sub_event_trigger("peaceful_protest")


def riot_trigger() -> Trigger:
    """What a generic attack word becomes when protesters are its party (candidates.py)."""
    return sub_event_trigger("violent_demonstration")


def excessive_force_trigger() -> Trigger:
    """What violence becomes when the protesters are its object (candidates.py)."""
    return sub_event_trigger("excessive_force_against_protesters")
