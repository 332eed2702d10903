"""Lexicons (data/*.json) and a phrase matcher over folded tokens that understands proclitics."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Generic, TypeVar

from workers.extract.text import Token, clitic_variants, fold

T = TypeVar("T")


def load_data(name: str) -> dict[str, Any]:
    return json.loads(resources.files("workers.extract").joinpath("data", name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Match(Generic[T]):
    entry: T
    start_token: int
    end_token: int  # exclusive
    start: int  # original char offsets
    end: int
    had_article: bool  # first token carried ال (or لل)
    had_prep: bool  # first token carried ب/ل/ك


class PhraseIndex(Generic[T]):
    """Finds lexicon phrases in a token list; the first token may carry proclitics; longest match wins."""

    def __init__(self) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], T, bool]]] = defaultdict(list)

    def add(self, phrase: str, entry: T, clitics: bool = True) -> None:
        words = tuple(fold(phrase).split())
        if words:
            bucket = self._by_first[words[0]]
            bucket.append((words, entry, clitics))
            bucket.sort(key=lambda x: -len(x[0]))

    def find(self, tokens: list[Token]) -> list[Match[T]]:
        matches: list[Match[T]] = []
        i = 0
        while i < len(tokens):
            best: Match[T] | None = None
            for stem, article, prep in clitic_variants(tokens[i].text):
                bare = stem == tokens[i].text
                for words, entry, clitics in self._by_first.get(stem, ()):
                    if not bare and not clitics:
                        continue
                    n = len(words)
                    if tuple(_rest(tokens, i, n)) != words[1:]:
                        continue
                    if best is None or n > best.end_token - best.start_token:
                        best = Match(entry, i, i + n, tokens[i].start, tokens[i + n - 1].end, article, prep)
                    break
            if best:
                matches.append(best)
                i = best.end_token
            else:
                i += 1
        return matches


def _rest(tokens: list[Token], i: int, n: int) -> list[str]:
    return [t.text for t in tokens[i + 1 : i + n]]


@dataclass(frozen=True)
class Trigger:
    event_type: str
    sub_event_type: str
    confidence: float
    generic: bool
    pos: str


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
        )
        for term in spec["terms"]:
            # Verb forms take only و/ف (handled by clitic_variants' conjunction step when not article/prep).
            index.add(term, trig, clitics=True)
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


@cache
def casualty_index() -> PhraseIndex[tuple[str, frozenset[str]]]:
    """Entries: (kind, sides); sides holds 'before_number' and/or 'after_number'."""
    sides_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for kind, sides in cues()["casualties"].items():
        for side, words in sides.items():
            for word in words:
                sides_of[(kind, fold(word))].add(side)
    index: PhraseIndex[tuple[str, frozenset[str]]] = PhraseIndex()
    for (kind, word), sides in sides_of.items():
        index.add(word, (kind, frozenset(sides)))
    return index


@cache
def word_set(key: str) -> frozenset[str]:
    return frozenset(fold(w) for w in cues()[key])
