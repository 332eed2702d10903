"""Article fingerprints for syndication: 64-bit SimHash over word 3-shingles of the folded text."""

from __future__ import annotations

import hashlib
import re

from workers.extract.text import fold

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
SYNDICATION_MAX_DISTANCE = 6  # of 64 bits: copies with light edits still match


def simhash(text: str, shingle: int = 3) -> str:
    words = _WORD.findall(fold(text))
    if not words:
        return "0" * 16
    weights = [0] * 64
    grams = [" ".join(words[i : i + shingle]) for i in range(max(1, len(words) - shingle + 1))]
    for gram in grams:
        h = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if h >> bit & 1 else -1
    value = sum(1 << bit for bit in range(64) if weights[bit] > 0)
    return f"{value:016x}"


def distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def is_copy(a: str | None, b: str | None) -> bool:
    return bool(a and b) and a != "0" * 16 and distance(a, b) <= SYNDICATION_MAX_DISTANCE  # type: ignore[arg-type]
