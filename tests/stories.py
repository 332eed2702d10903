"""Fixture stories written for these tests (not corpus text): one shelling of Douma told by two
outlets, the second with a higher toll, so the pipeline merges them into one event whose version 2
has a higher killed figure and a second independent source."""

from __future__ import annotations

from typing import Any

from workers.contracts import encode
from workers.process.handlers import LocalPipeline

DOUMA_FIRST = (
    "Outlet A",
    "مقتل خمسة مدنيين في قصف على دوما",
    "قتل خمسة مدنيين وأصيب عشرة آخرون اليوم الاثنين في قصف مدفعي لقوات النظام السوري على مدينة دوما "
    "في الغوطة الشرقية، بحسب المرصد السوري لحقوق الإنسان.",
    "2019-03-11T09:30:00Z",
)
DOUMA_UPDATE = (
    "Outlet B",
    "ارتفاع حصيلة قصف دوما",
    "قتل 12 مدنيا وأصيب 20 آخرون اليوم الاثنين في قصف مدفعي لقوات النظام السوري على مدينة دوما "
    "في الغوطة الشرقية.",
    "2019-03-11T12:30:00Z",
)


def news_item(n: int, outlet: str, title: str, text: str, published_at: str) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "item_id": f"{n:020x}",
        "feed_id": f"feed-{n}",
        "source": outlet,
        "url": f"https://outlet{n}.example/news/{n}",
        "title": title,
        "text": text,
        "language": "ar",
        "published_at": published_at,
        "fetched_at": published_at,
    }


def run_story(pipeline: LocalPipeline, n: int, story: tuple[str, str, str, str]) -> list[dict[str, Any]]:
    """Feed one story; returns the event versions it emitted."""
    before = len(pipeline.versions)
    pipeline.feed(encode(news_item(n, *story)))
    return pipeline.versions[before:]
