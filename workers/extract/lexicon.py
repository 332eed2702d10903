"""Lexicons (data/*.json) and a phrase matcher over folded tokens that understands proclitics."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from itertools import compress
from typing import Any, Generic, TypeVar

from workers.extract.text import Tokens, clitic_variants, fold

T = TypeVar("T")


def load_data(name: str) -> dict[str, Any]:
    return json.loads(resources.files("workers.extract").joinpath("data", name).read_text(encoding="utf-8"))


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs 3x, and matches are many
class Match(Generic[T]):
    entry: T
    start_token: int
    end_token: int  # exclusive
    start: int  # original char offsets
    end: int
    had_article: bool  # first token carried ال (or لل)
    had_prep: bool  # first token carried ب/ل/ك


_MEMO_LIMIT = 200_000  # distinct tokens remembered per index; the memo starts over past this


# first word -> [(phrase length, {the other words: [(entry, takes clitics), ...]}), ...], longest first
_Phrases = list[tuple[int, dict[tuple[str, ...], list[tuple[Any, bool]]]]]


class _FirstWordHits(dict[str, tuple]):
    """token -> the clitic readings of it that start some phrase: (stem, article, prep, bare, phrases).
    Filled on first sight of a token, so matching an article costs one dict lookup per token."""

    def __init__(self, by_first: dict[str, _Phrases]) -> None:
        super().__init__()
        self._by_first = by_first

    def __missing__(self, token: str) -> tuple:
        if len(self) >= _MEMO_LIMIT:
            self.clear()
        hits = tuple(
            (stem, article, prep, stem == token, self._by_first[stem])
            for stem, article, prep in clitic_variants(token)
            if stem in self._by_first
        )
        self[token] = hits
        return hits


class PhraseIndex(Generic[T]):
    """Finds lexicon phrases in a token list; the first token may carry proclitics; longest match wins.
    Phrases are keyed by first word, then by length and remaining words, so a common first word
    («ان», «علي») costs one lookup per length, not one comparison per phrase."""

    def __init__(self) -> None:
        self._by_first: dict[str, _Phrases] = {}
        self._hits = _FirstWordHits(self._by_first)

    def add(self, phrase: str, entry: T, clitics: bool = True) -> None:
        words = tuple(fold(phrase).split())
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

    def find(
        self, tokens: Tokens, at: list[int] | None = None, bound: list[int] | None = None
    ) -> list[Match[T]]:
        """Matches in `tokens`. `at` (ascending positions), when given, are the only places a phrase
        may start: a caller that has already screened the tokens for several indexes passes them.
        `bound[i]`, when given, is where a phrase starting at i must end by (its sentence's end)."""
        words = tokens.words
        hits = self._hits
        matches: list[Match[T]] = []
        free = 0  # tokens before this one are inside an earlier match
        if at is None:
            at = list(compress(range(len(words)), map(hits.__getitem__, words)))
        for i in at:
            if i < free:
                continue
            limit = bound[i] if bound is not None else len(words)
            best: tuple[T, int, bool, bool] | None = None
            for _stem, article, prep, bare, by_len in hits[words[i]]:
                for n, rests in by_len:
                    if best is not None and n <= best[1]:
                        break  # an earlier reading already matched a phrase this long
                    if i + n > limit:
                        continue
                    options = rests.get(tuple(words[i + 1 : i + n]))
                    entry = next((e for e, clitics in options if bare or clitics), None) if options else None
                    if entry is not None:
                        best = (entry, n, article, prep)
                        break
            if best:
                entry, n, article, prep = best
                matches.append(
                    Match(entry, i, i + n, tokens.starts[i], tokens.ends[i + n - 1], article, prep)
                )
                free = i + n
        return matches


@dataclass(frozen=True)
class Trigger:
    event_type: str
    sub_event_type: str
    confidence: float
    generic: bool
    pos: str
    needs_context: bool = False  # a term with common non-violent senses; see triggers.json
    undone_by: str | None = None  # a cues.json word list that cancels it in its clause (a release)


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    kind: str
    country: str | None
    name_ar: str


@cache
def trigger_index() -> PhraseIndex[Trigger]:
    index: PhraseIndex[Trigger] = PhraseIndex()
    for spec in load_data("triggers.json")["triggers"]:
        trig = Trigger(
            spec["event_type"],
            spec["sub_event_type"],
            spec["confidence"],
            spec.get("generic", False),
            spec["pos"],
            undone_by=spec.get("undone_by"),
        )
        ambiguous = replace(trig, needs_context=True)
        needs_context = set(spec.get("needs_context", ()))
        for term in spec["terms"]:
            index.add(term, ambiguous if term in needs_context else trig, clitics=True)
    return index


@cache
def actor_index() -> PhraseIndex[Actor]:
    index: PhraseIndex[Actor] = PhraseIndex()
    for spec in load_data("actors.json")["actors"]:
        actor = Actor(
            spec["id"], spec["name"], spec["kind"], spec.get("country"), spec["ar"][0] if spec["ar"] else ""
        )
        for alias in spec["ar"] + spec["en"]:
            index.add(alias, actor)
    return index


@cache
def cues() -> dict[str, Any]:
    return load_data("cues.json")


@dataclass(frozen=True, slots=True)
class CasualtyCue:
    """A word that says what a number next to it counts («قتلى»: killed)."""

    kind: str  # killed / wounded / captured / displaced
    sides: frozenset[str]  # 'before_number' and/or 'after_number': where the number may stand


@cache
def casualty_index() -> PhraseIndex[CasualtyCue]:
    sides_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for kind, sides in cues()["casualties"].items():
        for side, words in sides.items():
            for word in words:
                sides_of[(kind, fold(word))].add(side)
    index: PhraseIndex[CasualtyCue] = PhraseIndex()
    for (kind, word), sides in sides_of.items():
        index.add(word, CasualtyCue(kind, frozenset(sides)))
    return index


@cache
def word_or_prefix_set(key: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """(whole words, prefixes) of a cues.json list whose entries ending in * are prefixes."""
    entries = [fold(w) for w in cues()[key]]
    return frozenset(w for w in entries if not w.endswith("*")), tuple(
        w[:-1] for w in entries if w.endswith("*")
    )


@cache
def word_set(key: str) -> frozenset[str]:
    return frozenset(fold(w) for w in cues()[key])
