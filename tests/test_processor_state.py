"""Dedup state at volume and under hostile times, in memory and through the real worker (issue 11).

- One block far past 1 MB of open events: the worker used to store a block's open events under one
  key and die on `MessageSizeTooLargeError`. Now each report writes one record (its event version,
  to the sink, which is the state's changelog): every record must stay small.
- A redelivered report with a later time, then a late report of an expired event: LocalPipeline and
  the worker used to disagree (new event vs KeyError). One DedupState now: the same outcome.
- A report dated 2099, one 15 days ahead and one in year 0001 change nothing else's dedup.
"""

from __future__ import annotations

import copy
import hashlib
import json
import time
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaProducer

from tests.helpers import latest_by_key, read_topic
from tests.test_pipeline_e2e import start_processor, stop
from tests.test_processor_restart import corpus_items
from workers.broker.admin import ensure_topics
from workers.contracts import EVENT, encode, validation_errors
from workers.dedup.core import DedupConfig
from workers.dedup.state import DedupState
from workers.process.handlers import LocalPipeline, handle_item
from workers.settings import Settings
from workers.topics import topics_for

CHANGELOG_RECORD_LIMIT = 64 * 1024


def candidate(
    n: int, *, reported: str, place: int | None = None, report: str | None = None
) -> dict[str, Any]:
    """A single-report battle in Syria (one dedup block), at its own place unless `place` is given."""
    place = n if place is None else place
    report_id = "ev-" + hashlib.sha1(f"{report or n}".encode()).hexdigest()[:16]
    return {
        "schema_version": 1,
        "event_id": report_id,
        "version": 1,
        "event_type": "battles",
        "sub_event_type": "armed_clash",
        "actors": [{"id": "SDF", "name": "SDF", "role": "actor"}],
        "location": {
            "id": f"test:{place}",
            "name": f"P{place}",
            "country_code": "SY",
            "precision": "place",
            "lat": 20.0 + (place % 30) * 1.0,  # 1 degree (lat) or 2 (lon) apart: never one area
            "lon": (place // 30) * 2.0,
        },
        "date": reported[:10],
        "casualties": {"killed": None, "wounded": None, "captured": None, "displaced": None},
        "attributions": [],
        "evidence": [],
        "confidence": 0.5,
        # ~3 KB of UTF-8 Arabic per event: 600 open events hold 1.8 MB
        "summary": ("اشتباكات عنيفة بين قوات سوريا الديمقراطية ومسلحين في ريف دير الزور الشرقي " * 20)[:1500],
        "changes": [],
        "sources": [
            {
                "item_id": hashlib.sha1(f"item{report or n}".encode()).hexdigest()[:20],
                "source": "Outlet",
                "url": f"https://outlet.example/{n}",
                "title": f"اشتباكات {n}",
                "published_at": reported,
                "fingerprint": hashlib.sha1(f"fp{report or n}".encode()).hexdigest()[:16],
                "report_id": report_id,
            }
        ],
        "first_reported_at": reported,
        "last_reported_at": reported,
    }


def keyerror_sequence() -> list[dict[str, Any]]:
    """A (March 1), A redelivered with a later time, C (March 20: E expires), L: a late report of E."""
    first = candidate(1, reported="2019-03-01T10:00:00Z")
    redelivered = copy.deepcopy(first)
    redelivered["sources"][0]["published_at"] = redelivered["first_reported_at"] = redelivered[
        "last_reported_at"
    ] = "2019-03-20T10:00:00Z"
    later = candidate(2, reported="2019-03-20T12:00:00Z")
    late = candidate(3, reported="2019-03-01T11:00:00Z", place=1, report="late")
    late["date"] = "2019-03-01"
    return [first, redelivered, later, late]


def test_keyerror_sequence_in_memory() -> None:
    pipeline = LocalPipeline(DedupConfig(ttl_days=14))
    kinds = [pipeline.feed_candidate(encode(c)).applied.kind for c in keyerror_sequence()]  # type: ignore[union-attr]
    # the redelivery is recognised (nothing moves); March 20 expires E; the late report opens a new event
    assert kinds == ["new", "duplicate", "new", "new"]
    assert pipeline.dead_letters == []
    assert [(v["event_id"], v["version"]) for v in pipeline.versions] == [
        (c["event_id"], 1) for c in keyerror_sequence()[::2] + keyerror_sequence()[3:]
    ]


def test_one_busy_block_writes_small_records_in_memory() -> None:
    state = DedupState(DedupConfig(ttl_days=14), max_open_per_block=1000)
    biggest = 0
    for n in range(600):
        out = state.apply(candidate(n, reported=f"2019-03-01T{n // 60:02d}:{n % 60:02d}:00Z"))
        assert out.kind == "new"
        biggest = max(biggest, len(encode(out.event)))
    held = sum(len(encode(state.get(i))) for i in state.blocks["SY"])
    assert held > 1_500_000  # one block, far past Kafka's 1 MB message limit
    assert biggest < CHANGELOG_RECORD_LIMIT


def test_block_cap_evicts_the_least_recently_reported() -> None:
    state = DedupState(DedupConfig(ttl_days=14), max_open_per_block=3)
    opened = [
        state.apply(candidate(n, reported=f"2019-03-01T1{n}:00:00Z")).event["event_id"] for n in range(4)
    ]
    assert len(state) == 3 and opened[0] not in state and all(i in state for i in opened[1:])


def hostile_items(items: list[dict[str, Any]], extra: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`items` with three more articles in the middle: dated 2099, 15 days ahead, and in year 0001."""
    from datetime import datetime, timedelta

    far, ahead, ancient = (copy.deepcopy(x) for x in extra[:3])
    far["published_at"], far["fetched_at"] = "2099-01-01T00:00:00Z", items[20]["fetched_at"]
    ahead["fetched_at"] = items[10]["fetched_at"]
    ahead["published_at"] = (datetime.fromisoformat(ahead["fetched_at"]) + timedelta(days=15)).isoformat()
    ancient["published_at"] = "0001-01-01T00:00:00Z"
    return items[:10] + [ahead] + items[10:20] + [far, ancient] + items[20:]


def grouping(sink: dict[str, dict[str, Any]], items: list[dict[str, Any]]) -> set[frozenset[str]]:
    """How the given items' reports were grouped into events (other items ignored)."""
    ids = {i["item_id"] for i in items}
    return {
        g
        for e in sink.values()
        if (g := frozenset((e["sub_event_type"], s["item_id"]) for s in e["sources"] if s["item_id"] in ids))
    }


N_ITEMS = 120


def test_future_and_ancient_report_times_change_nothing_else_in_memory() -> None:
    items = corpus_items(N_ITEMS + 3)
    items, extra = items[:N_ITEMS], items[N_ITEMS:]
    clean, hostile = LocalPipeline(), LocalPipeline()
    for item in items:
        clean.feed(encode(item))
    for item in hostile_items(items, extra):
        hostile.feed(encode(item))
    assert len(clean.sink) > 20
    assert grouping(hostile.sink, items) == grouping(clean.sink, items)
    assert len(hostile.dedup) >= len(clean.dedup)  # nothing emptied the state
    assert hostile.dedup.watermark == clean.dedup.watermark  # the 2099 report did not move it
    assert [d["reason"] for d in hostile.dead_letters] == ["implausible_time"]
    flagged = {
        s["item_id"] for e in hostile.sink.values() for s in e["sources"] if s.get("published_at_claimed")
    }
    assert flagged <= {extra[0]["item_id"], extra[1]["item_id"]}  # only the two future-dated reports
    for event in hostile.sink.values():
        assert validation_errors(EVENT, event) == []


# -- through the real worker -------------------------------------------------------------------


def run_worker(
    settings: Settings, tmp_path: Path, messages: list[dict[str, Any]], topic: str, expect: int
) -> tuple[list[Any], list[Any]]:
    """Put `messages` on `topic`, run one worker until `expect` sink records (or a quiet spell)."""
    ensure_topics(settings)
    topics = topics_for(settings)
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    for m in messages:
        key = (m.get("item_id") or "battles|SY").encode()
        producer.send(topic, key=key, value=encode(m))
    producer.flush()
    producer.close()
    log = tmp_path / "processor.log"
    proc = start_processor(settings, log)
    try:
        records: list[Any] = []
        last, since = -1, time.monotonic()
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            records = read_topic(
                settings.kafka_bootstrap,
                topics.events.name,
                settings.partitions,
                until=lambda rs: False,
                timeout=2,
            )
            assert proc.poll() is None, log.read_text()[-3000:]
            if len(records) != last:
                last, since = len(records), time.monotonic()
            elif len(records) >= expect and time.monotonic() - since > 4:
                break
        dead = read_topic(
            settings.kafka_bootstrap, topics.dead_letter.name, 1, until=lambda rs: False, timeout=2
        )
    finally:
        stop(proc)
    return records, dead


@pytest.mark.integration
def test_one_block_past_1mb_through_the_worker_writes_small_records(
    settings: Settings, tmp_path: Path
) -> None:
    settings = settings.replace(partitions=1, dedup_max_open_per_block=1000)
    cands = [candidate(n, reported=f"2019-03-01T{n // 60:02d}:{n % 60:02d}:00Z") for n in range(600)]
    held = sum(len(encode({**c, "version": 1, "changes": []})) for c in cands)
    assert held > 1_500_000
    topics = topics_for(settings)
    records, dead = run_worker(settings, tmp_path, cands, topics.candidates.name, expect=600)
    assert dead == []
    assert len(latest_by_key(records)) == 600  # no crash, every report an event
    # the sink is the dedup state's changelog: the only records dedup writes
    assert max(len(r.value) for r in records) < CHANGELOG_RECORD_LIMIT


@pytest.mark.integration
def test_keyerror_sequence_through_the_worker_matches_memory(settings: Settings, tmp_path: Path) -> None:
    settings = settings.replace(partitions=1, dedup_ttl_days=14)
    topics = topics_for(settings)
    records, dead = run_worker(settings, tmp_path, keyerror_sequence(), topics.candidates.name, expect=3)
    pipeline = LocalPipeline(DedupConfig(ttl_days=14))
    for c in keyerror_sequence():
        pipeline.feed_candidate(encode(c))
    assert dead == []
    assert [json.loads(r.value) for r in records] == pipeline.versions


@pytest.mark.integration
def test_future_and_ancient_report_times_through_the_worker(settings: Settings, tmp_path: Path) -> None:
    settings = settings.replace(partitions=1)
    items = corpus_items(N_ITEMS + 3)
    items, extra = items[:N_ITEMS], items[N_ITEMS:]
    clean = LocalPipeline()
    for item in items:
        clean.feed(encode(item))
    hostile = LocalPipeline()
    for item in hostile_items(items, extra):
        hostile.feed(encode(item))
    topics = topics_for(settings)
    records, dead = run_worker(
        settings, tmp_path, hostile_items(items, extra), topics.items.name, expect=len(hostile.versions)
    )
    sink = latest_by_key(records)
    assert grouping(sink, items) == grouping(clean.sink, items)
    assert sink == hostile.sink
    assert [json.loads(d.value)["reason"] for d in dead] == ["implausible_time"]


def test_state_restored_from_published_versions_equals_the_live_state() -> None:
    """The worker rebuilds DedupState by replaying the sink: the same open events, block index,
    watermark, and the same decision for every report that comes next (expiry and cap included)."""
    items = corpus_items(N_ITEMS + 40)
    live = LocalPipeline(max_open_per_block=5)  # a small cap, so evictions happen and must replay
    for item in items[:N_ITEMS]:
        live.feed(encode(item))
    restored = DedupState(live.cfg, max_open_per_block=5)
    for version in live.versions:
        restored.restore(version)
    assert dict(restored.store) == dict(live.dedup.store)
    assert restored.blocks == live.dedup.blocks
    assert restored.watermark == live.dedup.watermark
    assert len(live.dedup) > 20
    assert max(len(index) for index in live.dedup.blocks.values()) == 5  # the cap was reached
    # the next reports decide the same way against either state; redelivered ones are duplicates
    for item in items[N_ITEMS - 10 :]:
        for _key, cand in handle_item(encode(item)).candidates:
            a, b = live.dedup.apply(copy.deepcopy(cand)), restored.apply(copy.deepcopy(cand))
            assert (a.kind, a.event) == (b.kind, b.event)
