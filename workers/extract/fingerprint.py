"""Article fingerprints for syndication: 64-bit SimHash over word 3-shingles of the folded text."""

from __future__ import annotations

import hashlib
import re

import numpy as np

from workers.extract.text import fold

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
SYNDICATION_MAX_DISTANCE = 6  # of 64 bits: copies with light edits still match
_EMPTY = "0" * 16


def simhash(text: str, shingle: int = 3) -> str:
    words = _WORD.findall(fold(text))
    if not words:
        return _EMPTY
    grams = [" ".join(words[i : i + shingle]) for i in range(max(1, len(words) - shingle + 1))]
    digests = b"".join(hashlib.blake2b(g.encode(), digest_size=8).digest() for g in grams)
    # bits of every gram's hash at once: (n, 64) matrix of 0/1, then a majority vote per bit
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8).reshape(-1, 8), axis=1)
    votes = bits.sum(axis=0) * 2 > len(grams)
    return np.packbits(votes).tobytes().hex()


def distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def is_copy(a: str | None, b: str | None) -> bool:
    return bool(a and b) and a != _EMPTY and distance(a, b) <= SYNDICATION_MAX_DISTANCE  # type: ignore[arg-type]
