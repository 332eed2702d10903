"""Counts in Arabic text: digits, Arabic-Indic digits (folded upstream) and number words.

A count is a range (lo, hi): exact when lo == hi, open-ended when hi is None. Vague amounts
(«عشرات» dozens, «مئات» hundreds) stay ranges; nothing is made more exact than the text says.
An approximation («نحو 500») is the figure it gives, as ACLED records it (and the gold sets,
eval/README.md): its text keeps the qualifier; «أكثر من 20», «ما لا يقل عن 20» are open-ended.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress

from workers.extract.text import Memo, Tokens, clitic_variants, fold

_UNITS = {
    "واحد": 1,
    "واحده": 1,
    "احد": 1,
    "احدي": 1,
    "اثنان": 2,
    "اثنين": 2,
    "اثنتان": 2,
    "اثنتين": 2,
    "ثلاث": 3,
    "ثلاثه": 3,
    "اربع": 4,
    "اربعه": 4,
    "خمس": 5,
    "خمسه": 5,
    "ست": 6,
    "سته": 6,
    "سبع": 7,
    "سبعه": 7,
    "ثمان": 8,
    "ثماني": 8,
    "ثمانيه": 8,
    "تسع": 9,
    "تسعه": 9,
    "عشر": 10,
    "عشره": 10,
    "عشرون": 20,
    "عشرين": 20,
    "ثلاثون": 30,
    "ثلاثين": 30,
    "اربعون": 40,
    "اربعين": 40,
    "خمسون": 50,
    "خمسين": 50,
    "ستون": 60,
    "ستين": 60,
    "سبعون": 70,
    "سبعين": 70,
    "ثمانون": 80,
    "ثمانين": 80,
    "تسعون": 90,
    "تسعين": 90,
    "مئه": 100,
    "مائه": 100,
    "مئتين": 200,
    "مئتان": 200,
    "مائتين": 200,
    "مائتان": 200,
    "الف": 1000,
    "الفين": 2000,
    "الفان": 2000,
    "مليون": 1_000_000,
}
_DUAL = {"قتيلين": 2, "جريحين": 2, "شخصين": 2, "مدنيين_dual": 2}
# Vague amounts: plural of the unit -> (lo, hi)
_VAGUE = {
    "عشرات": (20, 99),
    "العشرات": (20, 99),
    "مئات": (200, 999),
    "المئات": (200, 999),
    "مات": (200, 999),
    "الاف": (2000, 9999),
    "آلاف": (2000, 9999),
    "الالاف": (2000, 9999),
    "بضع": (3, 9),
    "بضعه": (3, 9),
    "عده": (3, 10),
    "عدد": (2, None),
    "العديد": (3, None),
    "عشرات الالاف": (20000, 99999),
}
_COUNT_NOUNS = frozenset({"عدد", "وعدد", "بعدد"})  # «عدد» before a definite noun names a figure
_APPROX = {
    fold(w)
    for w in [
        "نحو",
        "حوالي",
        "قرابة",
        "زهاء",
        "ما يقارب",
        "تقريبا",
        "قرابه",
        "ما يقرب",
        "اكثر من",
        "أكثر من",
        "ما لا يقل عن",
        "أقل من",
        "اقل من",
    ]
}
_QUALIFIER_WORDS = 4  # the longest qualifier: «ما لا يقل عن»
_AT_LEAST = {fold(w) for w in ["اكثر", "أكثر", "يقل", "يزيد"]}
_AT_MOST = {fold(w) for w in ["اقل"]}
_OR = {"او", "الي", "و"}
# «10.000 مدني»: outlets that write figures the European way group thousands with a dot; a dot
# before exactly three digits is that grouping, never a decimal in a casualty figure («1.5 مليون» is)
_DOT_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+")


@dataclass(frozen=True)
class Count:
    lo: int
    hi: int | None
    start_token: int
    end_token: int  # exclusive
    text: str = ""
    noun: bool = False  # a noun's number, not a numeral: «قتل جنديان» (2), «أصيب فلسطيني» (1)

    def as_dict(self) -> dict[str, object]:
        return {"min": self.lo, "max": self.hi, "text": self.text[:200]}


@lru_cache(maxsize=100_000)
def _value(tok: str) -> int | None:
    if tok[:1].isdigit():
        if _DOT_GROUPED.fullmatch(tok):
            return int(tok.replace(".", ""))
        try:
            return int(float(tok.replace(",", "")))
        except (ValueError, OverflowError):  # «1.2.3», 400 nines
            return None
    for stem, _article, _prep in clitic_variants(tok):
        if stem in _UNITS:
            return _UNITS[stem]
    return None


@lru_cache(maxsize=100_000)
def _vague(tok: str) -> tuple[int, int | None] | None:
    for stem, _article, _prep in clitic_variants(tok):
        if stem in _VAGUE:
            return _VAGUE[stem]
    return None


def _is_numeric(tok: str) -> bool:
    """Whether a token can start a count."""
    return _value(tok) is not None or _vague(tok) is not None


_NUMERIC = Memo(_is_numeric)  # one dict lookup per token of an article


def is_number_word(tok: str) -> bool:
    """Can this token start a count («36», «ثلاثة», «عشرات»)?"""
    return _NUMERIC[tok]


def find_counts(tokens: Tokens, text: str, base: int = 0) -> list[Count]:
    """All counts in a sentence's tokens; `text`/`base` give the original text for the `text` field."""
    counts: list[Count] = []
    words = tokens.words
    n = len(words)
    end = 0
    for i in list(compress(range(n), map(_NUMERIC.__getitem__, words))):
        if i < end:  # inside the previous count («ثلاثة آلاف»)
            continue
        tok = words[i]
        value = _value(tok)
        vague = None if value is not None else _vague(tok)
        start, end = i, i + 1
        if value is not None:
            # compounds: "ثلاثة آلاف", "خمسة عشر", "3 آلاف", "2 مليون"
            if end < n and words[end] in ("الاف", "الف", "مليون", "ملايين", "مليار"):
                value *= 1_000_000 if words[end] in ("مليون", "ملايين") else 1000
                end += 1
            elif end < n and words[end] in ("عشر", "عشره") and value < 10:
                value += 10
                end += 1
            lo, hi = value, value
            # ranges: "3000 أو 4000", "بين 10 و 20", "من 5 إلى 7"
            if end + 1 < n and words[end] in _OR:
                other = _value(words[end + 1])
                if other is not None and other > value:
                    hi = other
                    end += 2
            elif end < n and words[end].startswith("و") and _value(words[end][1:] or "x") is not None:
                other = _value(words[end][1:])
                if other is not None and other > value and start > 0 and words[start - 1] == "بين":
                    hi = other
                    end += 1
        else:
            # «عدد القتلى» is "the number of the dead", not "a number of": only «عدد من», «عدد كبير»
            if tok in _COUNT_NOUNS and i + 1 < n and words[i + 1].startswith("ال"):
                end = i
                continue
            # «القضاء على عدد (30) عنصر»: the figure after «عدد» is the count, «عدد» its label
            if tok in _COUNT_NOUNS and i + 1 < n and _value(words[i + 1]) is not None:
                end = i
                continue
            lo, hi = vague  # type: ignore[misc]
        # qualifiers just before: "نحو 500", "أكثر من 20"
        window = " ".join(words[max(0, start - _QUALIFIER_WORDS) : start])
        qualifier = max((q for q in _APPROX if window.endswith(q)), key=len, default=None)
        if value is not None and qualifier is not None:
            start -= len(qualifier.split())  # the figure is «نحو 500», not «500»
            if any(w in window.split() for w in _AT_LEAST):
                hi = None
            elif any(w in window.split() for w in _AT_MOST):
                lo, hi = 0, max(lo - 1, 0)
            # «نحو 500» stays 500 (ACLED records the figure reported); its text keeps the «نحو»
        counts.append(
            Count(lo, hi, start, end, text[tokens.starts[start] - base : tokens.ends[end - 1] - base])
        )
    return counts
