"""A revised article (same item_id, higher revision) updates its event: its figures replace, not add."""

from __future__ import annotations

from typing import Any

from workers.contracts import encode
from workers.process.handlers import LocalPipeline

TITLE = "غارة جوية على إدلب"


def item(text: str, revision: int) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "item_id": "a" * 20,
        "feed_id": "outlet",
        "source": "Outlet",
        "url": "https://outlet.example/idlib",
        "title": TITLE,
        "text": text,
        "language": "ar",
        "published_at": "2018-03-05T10:00:00Z",
        "fetched_at": "2018-03-05T10:05:00Z",
        "text_source": "article",
        "revision": revision,
    }


FIRST = "قتل 5 مدنيين في غارة جوية على مدينة إدلب شمال سوريا اليوم الاثنين."
REVISED = "قتل 9 مدنيين في غارة جوية على مدينة إدلب شمال سوريا اليوم الاثنين، في حصيلة جديدة للغارة."


def killed(event: dict[str, Any]) -> tuple[int, int | None]:
    count = event["casualties"]["killed"]
    return count["min"], count["max"]


def test_a_revision_replaces_the_figures_of_its_earlier_version() -> None:
    pipeline = LocalPipeline()
    pipeline.feed(encode(item(FIRST, 0)))
    assert len(pipeline.versions) == 1 and killed(pipeline.versions[0]) == (5, 5)
    pipeline.feed(encode(item(REVISED, 1)))
    assert len(pipeline.versions) == 2, "the revision was dropped as a redelivery"
    event = pipeline.versions[-1]
    assert event["event_id"] == pipeline.versions[0]["event_id"] and event["version"] == 2
    assert killed(event) == (9, 9)  # replaced, not the range 5-9 two separate reports would give
    assert [s["revision"] for s in event["sources"]] == [1]
    assert any(c.startswith("killed: 5 -> 9") for c in event["changes"])
    assert all("9" in e["sentence"] for e in event["evidence"] if e["field"] == "killed")


def test_a_redelivered_revision_changes_nothing() -> None:
    pipeline = LocalPipeline()
    for raw in (item(FIRST, 0), item(REVISED, 1), item(REVISED, 1), item(FIRST, 0)):
        pipeline.feed(encode(raw))
    assert len(pipeline.versions) == 2  # the repeat of revision 1 and the late revision 0 are duplicates
    assert killed(pipeline.versions[-1]) == (9, 9)
