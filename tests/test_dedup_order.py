"""The same reports in shuffled orders give the same clusters, in memory and through the worker
(issue 15, round 4).

Round 3's dedup rules were reverted because the worker and LocalPipeline reached different events
from one input: reports of a block reach dedup in another order there (other input partitions, a
second worker, a restart). Each scenario below is one of the ways order leaked in, fed in several
orders within a realistic delay (hours, not days); all fail on round 3's code (963053a):
- siblings: one article names one bombing twice (a suicide bombing and an IED) and was joined by
  dedup as reports arrived; now by `join_siblings` in the extraction stage;
- an event typed and dated by whichever report arrived first; now by its earliest-published one;
- whether an event's town was read from the body was judged on its first eight headlines; now all.
"""

from __future__ import annotations

import itertools
import json
import random
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.test_dedup_story import CLASH, OTHER_TOWN, SHOOTING, SHOOTING_2, report
from tests.test_processor_state import run_worker
from workers.contracts import encode
from workers.process.handlers import LocalPipeline
from workers.settings import Settings
from workers.topics import topics_for

Clusters = set[frozenset[str]]


def sink_clusters(events: dict[str, dict[str, Any]] | list[dict[str, Any]]) -> Clusters:
    """Articles grouped by the open event they ended in (events absorbed by a bridge dropped)."""
    values = events.values() if isinstance(events, dict) else events
    return {frozenset(s["item_id"] for s in e["sources"]) for e in values if not e.get("merged_into")}


def _pipeline_clusters(messages: list[dict[str, Any]], *, items: bool) -> Clusters:
    pipeline = LocalPipeline()
    feed = pipeline.feed if items else pipeline.feed_candidate
    for message in messages:
        feed(encode(message))
    assert pipeline.dead_letters == []
    return sink_clusters(pipeline.sink)


def in_memory(reports: list[dict[str, Any]]) -> Clusters:
    """Candidates (single-report events) fed to LocalPipeline's dedup in this order."""
    return _pipeline_clusters(reports, items=False)


def items_in_memory(items: list[dict[str, Any]]) -> Clusters:
    """News items fed to LocalPipeline (extraction, sibling joining, dedup) in this order."""
    return _pipeline_clusters(items, items=True)


def delayed_orders(reports: list[dict[str, Any]], when: str, n: int, seed: int = 15) -> list[list[dict[str, Any]]]:
    """`n` arrival orders: each report arrives up to 6 hours after it was published (`when`: its
    time field), as it would through feeds polled at different rates and repartitioning."""
    rng = random.Random(seed)
    orders = []
    for _ in range(n):
        delays = {id(r): rng.uniform(0, 6 * 3600) for r in reports}
        orders.append(sorted(reports, key=lambda r: _epoch(_time(r, when)) + delays[id(r)]))
    return orders


def _time(r: dict[str, Any], when: str) -> str:
    return r[when] if when in r else r["sources"][0]["published_at"]


def _epoch(iso: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


# -- scenario 1: one article names a bombing twice (siblings), through extraction -----------------


def news_item(n: int, title: str, text: str, published: str) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "item_id": f"{n:020x}",
        "feed_id": f"f{n}",
        "source": f"outlet{n}",
        "url": f"https://o{n}.example/1",
        "title": title,
        "text": text,
        "language": "ar",
        "published_at": published,
        "fetched_at": published,
    }


def sibling_items() -> list[dict[str, Any]]:
    """Four outlets on one market bombing in Douma (written for this test). Extraction types it a
    suicide bombing and an IED in each of the first two (one per trigger word), their headlines
    leading with different ones; a third only says a bomber blew himself up, a fourth only that a
    bomb went off (no other sub-type to hold on to), and a fifth reports another day's clash."""
    return [
        news_item(
            1,
            "انتحاري يفجر نفسه في سوق دوما",
            "فجر انتحاري نفسه بحزام ناسف في سوق مدينة دوما بريف دمشق صباح اليوم الاثنين ما أدى إلى مقتل "
            "عشرين شخصا. وقال مصدر في الشرطة إن عبوة ناسفة انفجرت في السوق الشعبي بمدينة دوما وقتلت عشرين شخصا.",
            "2019-03-11T09:30:00Z",
        ),
        news_item(
            2,
            "انفجار عبوة ناسفة في سوق دوما",
            "انفجرت عبوة ناسفة في السوق الشعبي بمدينة دوما بريف دمشق صباح اليوم الاثنين وقتل عشرون شخصا. "
            "وأفاد شهود بأن انتحاريا فجر نفسه وسط المتسوقين في دوما.",
            "2019-03-11T10:30:00Z",
        ),
        news_item(
            3,
            "مقتل عشرين في تفجير انتحاري بدوما",
            "قتل عشرون شخصا عندما فجر انتحاري نفسه في السوق الشعبي بمدينة دوما بريف دمشق صباح اليوم الاثنين.",
            "2019-03-11T11:00:00Z",
        ),
        news_item(
            4,
            "عبوة ناسفة تقتل عشرين في دوما",
            "قتل عشرون شخصا في انفجار عبوة ناسفة في السوق الشعبي بمدينة دوما بريف دمشق صباح اليوم الاثنين.",
            "2019-03-11T12:00:00Z",
        ),
        news_item(
            5,
            "اشتباكات في درعا",
            "اندلعت اشتباكات عنيفة بين فصائل المعارضة وقوات الحكومة في مدينة درعا اليوم الاثنين.",
            "2019-03-11T13:00:00Z",
        ),
    ]


def test_one_article_s_two_namings_of_a_bombing_join_it_in_any_order() -> None:
    items = sibling_items()
    expected = items_in_memory(items)
    ids = [i["item_id"] for i in items]
    assert frozenset(ids[:4]) in expected  # the four outlets' reports: one event
    orders = [[*p, items[4]] for p in itertools.permutations(items[:4])]  # every order of the bombing's
    orders += delayed_orders(items, "published_at", 10)
    for order in orders:
        assert items_in_memory(order) == expected, [i["item_id"][-1] for i in order]


# -- scenario 2: the earliest report types and dates the event -------------------------------------


def typed_day() -> list[dict[str, Any]]:
    """A shooting at Douma's entrance: an attack on a civilian in the first outlet, a clash in the
    second (same story, same day), and a clash in a third that dates it a day later (the morning
    after). Had the third arrived first it typed the event a clash of the 12th, and the first
    outlet's attack of the 11th (another sub-type on another day) stayed apart."""
    return [
        report("a", sub="attack", story=SHOOTING, reported="2019-03-11T08:00:00Z"),
        report("b", sub="armed_clash", story=SHOOTING_2, reported="2019-03-11T09:00:00Z"),
        report("c", sub="armed_clash", story=SHOOTING_2, day="2019-03-12", reported="2019-03-11T11:00:00Z"),
        report("d", sub="armed_clash", story=CLASH, place=OTHER_TOWN, reported="2019-03-11T10:00:00Z"),
    ]


def test_the_earliest_report_types_the_event_whatever_arrives_first() -> None:
    reports = typed_day()
    expected = in_memory(reports)
    assert expected == {frozenset({"a", "b", "c"}), frozenset({"d"})}
    for order in itertools.permutations(reports):
        assert in_memory(list(order)) == expected, [r["sources"][0]["item_id"] for r in order]


# -- scenario 3: a town read from the body, told by all the headlines ------------------------------


def headlines_scenario() -> list[dict[str, Any]]:
    """Ten outlets on clashes in Douma within three hours; only the first to publish names Douma in
    its headline (the rest read it from the body). A report placed in Daraa, read from its body,
    tells the same story that afternoon. Two towns no headline names do not part one story; Douma
    is named, so the two stay apart, however late the naming report arrives: round 3 looked only
    at the first eight reports to arrive."""
    reports = []
    for n in range(10):
        r = report(f"r{n}", sub="armed_clash", story=CLASH, reported=f"2019-03-11T{8 + n // 4:02d}:{15 * (n % 4):02d}:00Z")
        r["location"]["name_ar"] = "دوما"
        r["sources"][0]["title"] = "اشتباكات في دوما" if n == 0 else "اشتباكات عنيفة"
        reports.append(r)
    daraa = report("z", sub="armed_clash", story=CLASH, place=OTHER_TOWN, reported="2019-03-11T14:30:00Z")
    daraa["location"]["name_ar"] = "درعا"
    return [*reports, daraa]


def test_every_headline_says_whether_a_town_was_read_from_the_body() -> None:
    reports = headlines_scenario()
    expected = in_memory(reports)
    assert expected == {frozenset(f"r{n}" for n in range(10)), frozenset({"z"})}
    for order in delayed_orders(reports, "first_reported_at", 40):
        assert in_memory(order) == expected, [r["sources"][0]["item_id"] for r in order]


# -- through the real worker -------------------------------------------------------------------------


def _fresh(settings: Settings) -> Settings:
    tag = uuid.uuid4().hex[:6]
    return settings.replace(partitions=1, topic_prefix=f"{settings.topic_prefix}o{tag}", app_id=f"{settings.app_id}-o{tag}")


@pytest.mark.integration
def test_shuffled_articles_through_the_worker_give_the_in_memory_clusters(settings: Settings, tmp_path: Path) -> None:
    items = sibling_items()
    expected = items_in_memory(items)
    for n, order in enumerate([items[::-1], [items[3], items[1], items[4], items[0], items[2]]]):
        run_settings, logs = _fresh(settings), tmp_path / f"run{n}"
        logs.mkdir()
        records, dead = run_worker(
            run_settings, logs, order, topics_for(run_settings).items.name, expect=2
        )
        assert dead == []
        latest: dict[str, dict[str, Any]] = {}
        for rec in records:
            latest[rec.key.decode()] = json.loads(rec.value)
        assert sink_clusters(latest) == expected, [i["item_id"][-1] for i in order]


@pytest.mark.integration
def test_shuffled_reports_through_the_worker_give_the_in_memory_clusters(settings: Settings, tmp_path: Path) -> None:
    reports = typed_day()
    expected = in_memory(reports)
    late_first = [reports[2], reports[3], reports[0], reports[1]]  # the day-late clash first
    run_settings = _fresh(settings)
    records, dead = run_worker(
        run_settings, tmp_path, late_first, topics_for(run_settings).candidates.name, expect=4
    )
    assert dead == []
    latest: dict[str, dict[str, Any]] = {}
    for rec in records:
        latest[rec.key.decode()] = json.loads(rec.value)
    assert sink_clusters(latest) == expected
    pipeline = LocalPipeline()
    for r in late_first:
        pipeline.feed_candidate(encode(r))
    assert [json.loads(r.value) for r in records] == pipeline.versions  # byte for byte what memory publishes
