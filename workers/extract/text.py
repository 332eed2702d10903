"""Text preparation: fold Arabic for matching while keeping offsets into the original text.

Folding = camel-tools' Unicode normalization, dediacritization and alef / alef-maksura /
teh-marbuta normalization, applied per character through a translation table built once from
camel-tools itself, plus tatweel removal and Arabic-Indic digits -> ASCII. Removing characters
shifts offsets, so folding returns a map from folded positions back to original positions.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
)

_ARABIC_INDIC = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")} | {
    ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")
}


def _fold_char(ch: str) -> str:
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
_SENTENCE_END = re.compile(r"(?<=[.!?؟])(?:[,،]|\s)+|\n+")


@dataclass(frozen=True)
class Sentence:
    start: int  # offsets in the original text
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        if text[pos : m.start()].strip():
            sentences.append(_trimmed(text, pos, m.start()))
        pos = m.end()
    if text[pos:].strip():
        sentences.append(_trimmed(text, pos, len(text)))
    return sentences


def _trimmed(text: str, start: int, end: int) -> Sentence:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Sentence(start, end, text[start:end])


_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+", re.UNICODE)


class Token(NamedTuple):  # a tuple: tokens are made by the hundred per article
    text: str  # folded form
    start: int  # original offsets
    end: int


def tokenize(original: str, base: int = 0) -> list[Token]:
    """Word and number tokens of `original` (folded), with offsets shifted by `base`."""
    folded = fold_with_offsets(original)
    return [
        # end = where the next folded char starts, so dropped diacritics at a word's end stay inside it
        Token(m.group(), base + folded.offsets[m.start()], base + folded.offsets[m.end()])
        for m in _TOKEN.finditer(folded.text)
    ]


# Proclitics: conjunctions (و ف), prepositions (ب ل ك), the article (ال). "لل" = ل + ال.
_CONJ = ("و", "ف")
_PREP = ("ب", "ل", "ك")


@lru_cache(maxsize=200_000)
def clitic_variants(token: str) -> tuple[tuple[str, bool, bool], ...]:
    """(stem, had_article, had_preposition) readings of a folded token, the bare token first."""
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
