"""SIGKILL the processor mid-stream and restart it: the sink ends as a clean run would.

The reference is the same handlers run in memory (LocalPipeline). With one partition the order of
candidates is the order of items, so both must reach the same events with the same sources, and
(exact replay) the sink must hold every version the reference emitted exactly once.
"""

from __future__ import annotations

import json
import random
import threading
import time
from pathlib import Path

import pytest
from kafka import KafkaProducer

from tests.conftest import need_shared
from tests.helpers import kill_group, latest_by_key, read_topic
from tests.test_pipeline_e2e import start_processor, stop
from workers.broker.admin import ensure_topics
from workers.contracts import encode
from workers.dedup.core import config_for
from workers.poll.fixtures import CORPUS, corpus_articles, corpus_item
from workers.process.handlers import LocalPipeline
from workers.settings import Settings
from workers.topics import topics_for

pytestmark = pytest.mark.integration
N_ITEMS = 300  # enough that a kill after the first 10 events lands mid-stream


def corpus_items(n: int) -> list[dict]:
    arts = corpus_articles(("middleEast",), need_shared(CORPUS))
    return [corpus_item(art, f"{i:020x}") for i, art in zip(range(n), arts, strict=False)]


def signature(events: dict[str, dict]) -> set[tuple[str, str, frozenset[str]]]:
    return {
        (
            e["sub_event_type"],
            (e["location"] or {}).get("id", "-"),
            frozenset(s["item_id"] for s in e["sources"]),
        )
        for e in events.values()
    }


def test_processor_killed_mid_stream_recovers_to_the_clean_result(settings: Settings, tmp_path: Path) -> None:
    # Expiry follows the watermark of applied reports, in the worker as in memory, so the default
    # TTL applies (300 corpus articles span more than it).
    settings = settings.replace(partitions=1)
    items = corpus_items(N_ITEMS)
    reference = LocalPipeline(
        config_for(settings.dedup_window_days, settings.dedup_ttl_days, settings.dedup_text_similarity)
    )
    for item in items:
        reference.feed(encode(item))
    assert len(reference.sink) > 20

    ensure_topics(settings)
    topics = topics_for(settings)
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    for item in items:
        producer.send(topics.items.name, key=item["item_id"].encode(), value=encode(item))
    producer.flush()
    producer.close()

    first = start_processor(settings, tmp_path / "first.log")
    try:
        partial = read_topic(
            settings.kafka_bootstrap, topics.events.name, 1, until=lambda rs: len(rs) >= 10, timeout=120
        )
        assert len(partial) >= 10, (tmp_path / "first.log").read_text()[-3000:]
    finally:
        kill_group(first)
    killed_at = len(
        read_topic(settings.kafka_bootstrap, topics.events.name, 1, until=lambda rs: False, timeout=2)
    )
    assert killed_at < len(reference.versions), "the kill came after everything was done"

    second = start_processor(settings, tmp_path / "second.log")
    try:
        want = signature(reference.sink)
        deadline = time.monotonic() + 150
        records: list = []
        while time.monotonic() < deadline:
            records = read_topic(
                settings.kafka_bootstrap, topics.events.name, 1, until=lambda rs: False, timeout=3
            )
            if signature(latest_by_key(records)) == want:
                break
            assert second.poll() is None, (tmp_path / "second.log").read_text()[-3000:]
    finally:
        stop(second)
    final = latest_by_key(records)
    assert signature(final) == want  # no event lost, none split or emitted under a second id
    assert len(final) == len(reference.sink)
    assert {e["event_id"] for e in final.values()} == set(reference.sink)  # ids are the clean run's ids


KILLS = 5
STREAM_ITEMS = 400
STREAM_RATE = 12.0  # items/s: the stream lasts ~33 s, long enough for five kills


def test_five_sigkills_during_a_stream_repeat_no_version_and_lose_no_report(
    settings: Settings, tmp_path: Path
) -> None:
    settings = settings.replace(partitions=1)
    items = corpus_items(STREAM_ITEMS)
    reference = LocalPipeline(
        config_for(settings.dedup_window_days, settings.dedup_ttl_days, settings.dedup_text_similarity)
    )
    for item in items:
        reference.feed(encode(item))
    ensure_topics(settings)
    topics = topics_for(settings)

    def stream() -> None:
        producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
        for item in items:
            producer.send(topics.items.name, key=item["item_id"].encode(), value=encode(item))
            time.sleep(1 / STREAM_RATE)
        producer.flush()
        producer.close()

    feeder = threading.Thread(target=stream, daemon=True)
    log = tmp_path / "processor.log"
    rng = random.Random(11)
    proc = start_processor(settings, log)
    feeder.start()
    kills = 0
    try:
        while kills < KILLS:
            # wait until this incarnation has its partitions (state restored), then kill it mid-work
            deadline = time.monotonic() + 60
            while log.read_text("utf-8", "replace").count("dedup state restored") <= kills:
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(0.2)
            time.sleep(rng.uniform(1.0, 4.0))
            kill_group(proc)
            kills += 1
            proc = start_processor(settings, log)
        feeder.join(120)
        want = {(v["event_id"], v["version"]) for v in reference.versions}
        deadline = time.monotonic() + 150
        records: list = []
        while time.monotonic() < deadline:
            records = read_topic(
                settings.kafka_bootstrap, topics.events.name, 1, until=lambda rs: False, timeout=3
            )
            if {(json.loads(r.value)["event_id"], json.loads(r.value)["version"]) for r in records} >= want:
                time.sleep(3)  # anything repeated late would land now
                records = read_topic(
                    settings.kafka_bootstrap, topics.events.name, 1, until=lambda rs: False, timeout=3
                )
                break
            assert proc.poll() is None, log.read_text()[-3000:]
    finally:
        stop(proc)
    assert kills == KILLS
    text = log.read_text("utf-8", "replace")
    assert text.count("dedup state restored") >= KILLS + 1
    versions = [(json.loads(r.value)["event_id"], json.loads(r.value)["version"]) for r in records]
    repeated = len(versions) - len(set(versions))
    assert repeated == 0, f"{repeated} repeated versions on the sink"
    assert set(versions) == {(v["event_id"], v["version"]) for v in reference.versions}  # none lost
    assert latest_by_key(records) == reference.sink  # byte for byte the clean run's events
