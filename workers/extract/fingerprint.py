"""Article fingerprints for syndication: 64-bit SimHash over word 3-shingles of the folded text."""

from __future__ import annotations

import hashlib

import numpy as np

from workers.extract.text import Memo, tokenize

SYNDICATION_MAX_DISTANCE = 6  # of 64 bits: copies with light edits still match
_EMPTY = "0" * 16
# Odd 64-bit multipliers (from splitmix64) that make a shingle's hash depend on word order.
_MIX = np.array([0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB], dtype=np.uint64)


def _word_hash(word: str) -> bytes:
    """A stable 64-bit hash (blake2b, the same in every process; 8 bytes, little-endian). Kept as
    bytes: joining them and reading the buffer as uint64 costs a tenth of converting a list of Python
    ints to an array."""
    return hashlib.blake2b(word.encode(), digest_size=8).digest()


_HASHES = Memo(_word_hash)  # computed once per word


def simhash_words(words: list[str], shingle: int = 3) -> str:
    """SimHash of a folded word sequence (an article's token texts)."""
    if not words:
        return _EMPTY
    h = np.frombuffer(b"".join(map(_HASHES.__getitem__, words)), dtype="<u8").astype(np.uint64)
    n = max(1, len(h) - shingle + 1)
    grams = np.zeros(n, dtype=np.uint64)
    for k in range(min(shingle, len(h))):  # uint64 arithmetic wraps, as a hash mix should
        grams ^= h[k : k + n] * _MIX[k % len(_MIX)]
    # bits of every shingle's hash at once: (n, 64) matrix of 0/1, then a majority vote per bit
    bits = np.unpackbits(grams.view(np.uint8)).reshape(-1, 64)
    votes = bits.sum(axis=0, dtype=np.int32) * 2 > n
    return np.packbits(votes).tobytes().hex()


def simhash(text: str, shingle: int = 3) -> str:
    return simhash_words(tokenize(text).words, shingle)


def distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def is_copy(a: str | None, b: str | None) -> bool:
    return bool(a and b) and a != _EMPTY and distance(a, b) <= SYNDICATION_MAX_DISTANCE  # type: ignore[arg-type]
