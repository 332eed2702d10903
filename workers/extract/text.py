"""Text preparation: fold Arabic for matching while keeping offsets into the original text.

Folding = camel-tools' Unicode normalization, dediacritization and alef / alef-maksura /
teh-marbuta normalization, applied per character through a translation table built once from
camel-tools itself, plus tatweel removal and Arabic-Indic digits -> ASCII. Removing characters
shifts offsets, so folding returns a map from folded positions back to original positions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple, TypeVar, overload

import numpy as np
from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
)

_ARABIC_INDIC = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")} | {
    ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")
}


# Persian letters that Arabic writes with its own: keheh, Farsi yeh (GeoNames spells «کابول» so).
_PERSIAN = {"\u06a9": "\u0643", "\u06cc": "\u064a"}


def _fold_char(ch: str) -> str:
    ch = _PERSIAN.get(ch, ch)
    if ord(ch) in _ARABIC_INDIC:
        return _ARABIC_INDIC[ord(ch)]
    if ch == "\u0640":  # tatweel
        return ""
    out = normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(dediac_ar(ch))))
    return out.lower()


@cache
def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in list(range(0x0600, 0x0700)) + list(range(0x0750, 0x0780)) + list(range(0x06F0, 0x06FA)):
        folded = _fold_char(chr(cp))
        if folded != chr(cp):
            table[cp] = folded
    for cp in range(ord("A"), ord("Z") + 1):
        table[cp] = chr(cp).lower()
    return table


def fold(text: str) -> str:
    """Matching form of a string (for lexicon entries and quick comparisons)."""
    return unicodedata.normalize("NFKC", text).translate(_table()) if text else ""


@dataclass(frozen=True)
class Folded:
    text: str  # folded text
    offsets: list[int]  # offsets[i] = position in the original of folded char i (len+1 entries)


@cache
def _one_to_one() -> tuple[dict[int, str], re.Pattern[str]]:
    """Folding split in two: same-length replacements (a str.translate table) and deletions (a regex)."""
    same, deleted = {}, []
    for cp, rep in _table().items():
        if rep == "":
            deleted.append(chr(cp))
        elif len(rep) == 1:
            same[cp] = rep
    return same, re.compile("[" + re.escape("".join(deleted)) + "]")


def fold_with_offsets(original: str) -> Folded:
    same, deleted = _one_to_one()
    folded = original.translate(same)
    if not deleted.search(folded):  # usual case (undiacritized news): offsets are the identity
        return Folded(folded, list(range(len(original) + 1)))
    out: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in deleted.finditer(folded):
        out.append(folded[pos : m.start()])
        offsets.extend(range(pos, m.start()))
        pos = m.end()
    out.append(folded[pos:])
    offsets.extend(range(pos, len(original) + 1))
    return Folded("".join(out), offsets)


# Sentences end at . ! ? ؟ or a newline; the shared corpus joins sentences with ".," too.
# One match per sentence, its separator included: leading spaces, then the sentence (group 1: up to a
# stop that is followed by a comma or space, which stays in its sentence, or a newline, or the end),
# then what separates it from the next. Only group 1's trailing spaces are left to strip in Python.
# (The look-behind is tried once per sentence, not at every character.)
_SENTENCE = re.compile(
    r"\s*([^.!?؟\n]*(?:[.!?؟](?![,،\s])[^.!?؟\n]*)*(?:[.!?؟](?=[,،\s]))?)(?:(?<=[.!?؟])[,،\s]+|\n+)?"
)


@dataclass(frozen=True)
class Sentence:
    start: int  # offsets in the original text
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    return [
        Sentence(m.start(1), m.start(1) + len(s), s)
        for m in _SENTENCE.finditer(text)
        if (s := m.group(1).rstrip())  # blank pieces (between two newlines) are no sentence
    ]


class Token(NamedTuple):
    text: str  # folded form
    start: int  # original offsets
    end: int


class Tokens(Sequence[Token]):
    """An article's tokens as three parallel lists: hot loops read `words` (folded strings) and build a
    Token only where a match needs its offsets; slicing (a sentence's tokens) copies list slices."""

    __slots__ = ("words", "starts", "ends")

    def __init__(self, words: list[str], starts: list[int], ends: list[int]) -> None:
        self.words, self.starts, self.ends = words, starts, ends

    def __len__(self) -> int:
        return len(self.words)

    @overload
    def __getitem__(self, i: int) -> Token: ...
    @overload
    def __getitem__(self, i: slice) -> Tokens: ...
    def __getitem__(self, i: int | slice) -> Token | Tokens:
        if isinstance(i, slice):
            return Tokens(self.words[i], self.starts[i], self.ends[i])
        return Token(self.words[i], self.starts[i], self.ends[i])

    def __iter__(self) -> Iterator[Token]:
        return map(Token, self.words, self.starts, self.ends)

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Tokens({list(self)!r})"


# Tokens are what r"\d+(?:[.,]\d+)*|[^\W\d_]+" would find (numbers keep their separators). The
# regex costs about a microsecond per character in CPython, so the tokenizer works on a code-point
# array instead: a lookup table folds and classifies every character, numpy finds the runs.
_OTHER, _LETTER, _DIGIT = 0, 1, 2
_PLANE = 0x10000  # characters above the BMP (emoji, rare scripts) go to the regex tokenizer
_SPACE = 0x20
_SHORT = 250  # characters: below this (titles) numpy's fixed cost per call exceeds the regex's


@cache
def _tables() -> tuple[np.ndarray, np.ndarray]:
    """(folded code point, class) for every BMP code point; deleted characters fold to 0."""
    fold_to = np.arange(_PLANE, dtype=np.uint32)
    for cp, rep in _table().items():  # every replacement is one character or none
        fold_to[cp] = ord(rep) if rep else 0
    classes = np.zeros(_PLANE, dtype=np.int8)
    for cp in range(_PLANE):
        ch = chr(cp)
        if ch.isdecimal():
            classes[cp] = _DIGIT
        elif ch.isalnum():
            classes[cp] = _LETTER
    return fold_to, classes


def tokenize(original: str, base: int = 0) -> Tokens:
    """Word and number tokens of `original` (folded), with offsets shifted by `base`."""
    if not original:
        return Tokens([], [], [])
    if len(original) < _SHORT:
        return _tokenize_slow(original, base)
    fold_to, classes = _tables()
    codes = np.frombuffer(original.encode("utf-32-le"), dtype=np.uint32)
    if codes.max() >= _PLANE:
        return _tokenize_slow(original, base)
    folded = fold_to[codes]
    keep = folded != 0
    # deleted characters (diacritics, tatweel) shift offsets: where[i] = original position of folded i
    where = None if keep.all() else np.append(np.flatnonzero(keep), len(codes))
    if where is not None:
        folded = folded[keep]
    kind = classes[folded]
    # a . or , between two digits belongs to the number: «1,200» «3.5»
    sep = np.flatnonzero((folded[1:-1] == 0x2C) | (folded[1:-1] == 0x2E)) + 1
    if len(sep):
        kind[sep[(kind[sep - 1] == _DIGIT) & (kind[sep + 1] == _DIGIT)]] = _DIGIT
    padded = np.zeros(len(kind) + 2, dtype=np.int8)
    padded[1:-1] = kind
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    # each edge starts a run that ends at the next edge; runs of separators are not tokens
    starts, ends = edges[:-1], edges[1:]
    is_token = kind[starts] != _OTHER
    starts, ends = starts[is_token], ends[is_token]
    if len(ends) > 1 and (ends[:-1] == starts[1:]).any():  # a letter run touching a number run: «و3»
        text = folded.tobytes().decode("utf-32-le")
        words = [text[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]
    else:  # separators -> spaces, then str.split does the slicing in C
        words = (
            np.where(kind == _OTHER, _SPACE, folded).astype(np.uint32).tobytes().decode("utf-32-le").split()
        )
    # end = where the next folded char starts, so dropped diacritics at a word's end stay inside it
    if where is not None:
        starts, ends = where[starts], where[ends]
    if base:
        starts, ends = starts + base, ends + base
    return Tokens(words, starts.tolist(), ends.tolist())


_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+", re.UNICODE)


def _tokenize_slow(original: str, base: int) -> Tokens:
    """Regex tokenizer for text with characters above the BMP (and the reference for tests)."""
    folded = fold_with_offsets(original)
    found = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded.text)]
    return Tokens(
        [w for w, _, _ in found],
        [base + folded.offsets[s] for _, s, _ in found],
        [base + folded.offsets[e] for _, _, e in found],
    )


# Proclitics: conjunctions (و ف), prepositions (ب ل ك), the article (ال). "لل" = ل + ال.
_CONJ = ("و", "ف")
_PREP = ("ب", "ل", "ك")
# every proclitic reading needs a token longer than this, starting with one of these letters
_MIN_CLITIC_TOKEN = 3
_PROCLITIC_FIRST = frozenset((*_CONJ, *_PREP, "ا"))


def without_conjunction(word: str) -> str:
    """A folded word without a leading «و»/«ف» («وتعرضت», «فلتحرير»)."""
    return word[1:] if word[:1] in _CONJ and len(word) > 3 else word


def without_proclitic(word: str) -> str:
    """A folded word without a leading «و»/«ف» or «ل»: «ورئيس», «لمنظمة», and «للعلاج» is «ل» +
    «العلاج»."""
    if word.startswith("لل") and len(word) > 4:
        return "ال" + word[2:]
    return word[1:] if word[:1] in ("و", "ف", "ل") and len(word) > 3 else word


_V = TypeVar("_V")
MEMO_LIMIT = 200_000  # distinct tokens a per-token memo remembers; it starts over past this


class Memo(dict[str, _V]):
    """token -> compute(token), filled on first sight and cleared when `limit` tokens are held. A
    plain dict: a hit, hundreds per article, is one C lookup (`memo[token]`, or `map(memo.__getitem__,
    words)`), about half what an lru_cache hit costs."""

    def __init__(self, compute: Callable[[str], _V], limit: int = MEMO_LIMIT) -> None:
        super().__init__()
        self._compute, self._limit = compute, limit

    def __missing__(self, token: str) -> _V:
        if len(self) >= self._limit:
            self.clear()
        self[token] = found = self._compute(token)
        return found


def _clitic_variants(token: str) -> tuple[tuple[str, bool, bool], ...]:
    """(stem, had_article, had_preposition) readings of a folded token, the bare token first."""
    if len(token) <= _MIN_CLITIC_TOKEN or token[0] not in _PROCLITIC_FIRST:
        return ((token, False, False),)  # most new words: no reading but the bare one
    seen: dict[str, tuple[str, bool, bool]] = {token: (token, False, False)}

    def add(stem: str, article: bool, prep: bool) -> None:
        if len(stem) >= 2 and stem not in seen:
            seen[stem] = (stem, article, prep)

    bases = [(token, False)]
    if len(token) > 3 and token[0] in _CONJ:
        bases.append((token[1:], False))
    for base, _ in list(bases):
        if len(base) > 3 and base.startswith("لل"):  # ل + ال
            add(base[2:], True, True)
            add("ال" + base[2:], False, True)
        if len(base) > 3 and base[0] in _PREP:
            add(base[1:], False, True)
            if base[1:].startswith("ال") and len(base) > 4:
                add(base[3:], True, True)
        if base.startswith("ال") and len(base) > 3:
            add(base[2:], True, False)
        add(base, False, False)
    return tuple(seen.values())


clitic_variants = Memo(_clitic_variants).__getitem__  # (stem, had_article, had_preposition) readings, bare first
