"""Story similarity for dedup: how alike two reports' stories are, lexically.

What a report says about an event, its *story*, is its headline and the sentence that reports the
event (`story_text`). Each report's story is shingled once into a bottom-k sketch of character
4-grams; an open event keeps the sketches of its first reports (`MAX_STORY_SKETCHES`), and two
events' lexical similarity is the best match between any of their reports, so an event reached by a
bridge report is as findable from either side, whatever the order the reports came in.

Shared by `workers.dedup.core` (matching) and `workers.dedup.semantic` (which falls back to it), so
the two no longer import each other.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from workers.extract.text import fold

SKETCH_SIZE = 64
MAX_STORY_SKETCHES = 8  # reports of an event whose stories are compared (the first ones)

Similarity = Callable[[dict[str, Any], dict[str, Any]], float]


@lru_cache(maxsize=4096)  # recent candidates' texts; open events keep their sketch in the state
def sketch(text: str, n: int = 4) -> tuple[int, ...]:
    """Bottom-k sketch of the text's character 4-grams: the SKETCH_SIZE smallest CRC32 values.
    Two sketches estimate the 4-gram Jaccard overlap."""
    t = "".join(fold(text).split())
    grams = {t[i : i + n] for i in range(max(1, len(t) - n + 1))}
    return tuple(sorted({zlib.crc32(g.encode()) for g in grams})[:SKETCH_SIZE])


def sketch_similarity(a: Sequence[int], b: Sequence[int]) -> float:
    if not a or not b:
        return 0.0
    sa, sb = set(a), set(b)
    union = sorted(sa | sb)[:SKETCH_SIZE]  # the union's sketch (C sort of <= 128 ints beats a heap)
    both = sa & sb
    return sum(1 for x in union if x in both) / len(union)


def story_text(event: dict[str, Any]) -> str:
    """What a report says about the event: its headline and the sentence that reports it."""
    title = event["sources"][0].get("title", "") if event.get("sources") else ""
    return f"{title}. {event.get('summary', '')}"


def story_sketches(event: dict[str, Any]) -> list[list[int]]:
    """The sketches of an event's stories: kept on slim records (`sketches`), else the first report's."""
    kept = event.get("sketches")
    if kept:
        return kept  # type: ignore[no-any-return]
    return [list(sketch(story_text(event)))]


def lexical_similarity(a: dict[str, Any], b: dict[str, Any]) -> float:
    """Jaccard overlap of character 4-grams of the two stories (headline + reporting sentence),
    estimated from their sketches: the best pair of reports."""
    return max(
        (sketch_similarity(x, y) for x in story_sketches(a) for y in story_sketches(b)),
        default=0.0,
    )
