"""End to end on the real broker: fixture feeds over HTTP -> poller -> processor worker -> sink topic."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from kafka import KafkaProducer

from tests.conftest import SEED_ARTICLE, FeedServer, need_shared
from tests.helpers import latest_by_key, read_topic, seed_feed
from workers import metrics
from workers.contracts import EVENT, validation_errors
from workers.poll.feeds import Feed
from workers.poll.publish import Publisher
from workers.poll.worker import Poller, seen_store_for
from workers.settings import Settings
from workers.topics import topics_for

pytestmark = pytest.mark.integration


def start_processor(
    settings: Settings, log_path: Path, extra_env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MARSAD_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "MARSAD_TOPIC_PREFIX": settings.topic_prefix,
        "MARSAD_APP_ID": settings.app_id,
        "MARSAD_PARTITIONS": str(settings.partitions),
        "MARSAD_STATE_DIR": settings.state_dir,
        "MARSAD_METRICS_PORT": str(settings.metrics_port),
        "MARSAD_DEDUP_WINDOW_DAYS": str(settings.dedup_window_days),
        "MARSAD_DEDUP_TTL_DAYS": str(settings.dedup_ttl_days),
        "MARSAD_DEDUP_TEXT_SIMILARITY": settings.dedup_text_similarity,
        "MARSAD_DEDUP_MAX_OPEN_PER_BLOCK": str(settings.dedup_max_open_per_block),
        **(extra_env or {}),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "workers.cli", "process"],
        stdout=log_path.open("ab"),
        env=env,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def test_seed_story_from_two_feeds_becomes_one_set_of_events(
    settings: Settings, feed_server: FeedServer, tmp_path: Path
) -> None:
    need_shared(SEED_ARTICLE)
    topics = topics_for(settings)
    # The same wire story from two outlets, plus an entry with no text at all (rejected by the poller).
    empty = {"title": "", "link": "https://outlet-b.example/empty", "description": ""}
    url_a = feed_server.static(
        "/a.xml", seed_feed(SEED_ARTICLE, "outlet-a", "https://outlet-a.example/baghouz")
    )
    url_b = feed_server.static(
        "/b.xml", seed_feed(SEED_ARTICLE, "outlet-b", "https://outlet-b.example/news/1", extra=[empty])
    )
    feeds = [Feed("outlet-a", "Outlet A", url_a), Feed("outlet-b", "Outlet B", url_b)]

    from workers.broker.admin import ensure_topics

    ensure_topics(settings)
    proc = start_processor(settings, tmp_path / "processor.log")
    try:
        publisher, seen = Publisher(settings), seen_store_for(settings)
        poller = Poller(settings, feeds, publisher, seen)
        reports = asyncio.run(poller.poll_once())
        poller.close()
        assert {r.feed_id: (r.outcome, r.new, r.rejected) for r in reports} == {
            "outlet-a": ("ok", 1, 0),
            "outlet-b": ("ok", 1, 1),
        }
        # A poison message straight onto the items topic: the processor must dead-letter it and go on.
        poison = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, max_request_size=16 * 1024 * 1024)
        huge = {
            "schema_version": 1,
            "item_id": "e" * 20,
            "feed_id": "x",
            "source": "X",
            "url": "",
            "title": "",
            "text": "نص " * 2_000_000,  # 10 MB
            "language": "ar",
            "fetched_at": "2019-03-11T10:00:00Z",
        }
        poison.send(topics.items.name, key=b"huge", value=json.dumps(huge, ensure_ascii=False).encode()).get(
            30
        )
        poison.send(topics.items.name, key=b"poison", value=b"{not json").get(30)
        poison.close()
        publisher.close()
        seen.close()

        def complete(records: list) -> bool:  # type: ignore[type-arg]
            events = latest_by_key(records).values()
            subs = {e["sub_event_type"]: e for e in events}
            return "arrests" in subs and all(len(e["sources"]) == 2 for e in events) and len(subs) >= 4

        records = read_topic(
            settings.kafka_bootstrap,
            topics.events.name,
            topics.events.partitions,
            until=complete,
            timeout=120,
        )
        # the poison messages were sent after the items: stopping the processor once the events are
        # complete could cut it off before it dead-letters them (seen once in CI), so wait for them too
        dead = read_topic(
            settings.kafka_bootstrap,
            topics.dead_letter.name,
            topics.dead_letter.partitions,
            until=lambda rs: len(rs) >= 3,
            timeout=60,
        )
        assert proc.poll() is None, (tmp_path / "processor.log").read_text()[-3000:]
    finally:
        stop(proc)

    events = latest_by_key(records)
    assert events, "no events on the sink topic"
    for record in records:
        assert validation_errors(EVENT, json.loads(record.value)) == []
        assert record.key.decode() == json.loads(record.value)["event_id"]
    by_sub = {}
    for event in events.values():
        assert event["sub_event_type"] not in by_sub, f"event emitted twice: {event['sub_event_type']}"
        by_sub[event["sub_event_type"]] = event
        assert sorted(s["source"] for s in event["sources"]) == ["Outlet A", "Outlet B"]
        # the second outlet carries the same wire copy: linked, not independent corroboration
        assert sum(1 for s in event["sources"] if s.get("copy_of")) == 1

    clash = by_sub["armed_clash"]
    assert clash["location"]["name"] == "Al-Baghuz Fawqani"
    assert clash["location"]["country_code"] == "SY"
    assert {a["id"] for a in clash["actors"]} >= {"SDF", "ISIS"}
    assert clash["casualties"]["killed"] == {"min": 1, "max": 1, "text": "أحد"}
    assert clash["casualties"]["wounded"]["min"] == clash["casualties"]["wounded"]["max"] == 4
    assert clash["date"] == "2019-03-11"
    arrests = by_sub["arrests"]
    assert arrests["casualties"]["captured"]["min"] == 7
    assert any(a.get("speaker_id") == "SOHR" for a in arrests["attributions"])
    assert by_sub["suicide_bomb"]["attempted"] and by_sub["suicide_bomb"]["quantity"] == 4
    assert "air_drone_strike" in by_sub

    reasons = {(d["stage"], d["reason"]) for d in (json.loads(r.value) for r in dead)}
    assert ("poll", "schema_violation") in reasons
    assert ("extract", "invalid_json") in reasons
    assert ("extract", "too_large") in reasons  # a 10 MB item: dead-lettered (payload cut to 64 KiB)
    huge_record = next(json.loads(r.value) for r in dead if json.loads(r.value)["reason"] == "too_large")
    assert huge_record["payload_truncated"] and huge_record["key"] == "huge"
    poison_record = next(json.loads(r.value) for r in dead if json.loads(r.value)["reason"] == "invalid_json")
    assert poison_record["payload"] == "{not json" and poison_record["source_topic"] == topics.items.name

    # Poll stage counters reconcile: in == out + rejected.
    total = {s.name: s for s in metrics.families()}

    def value(metric: str, **labels: str) -> float:
        return sum(
            s.value
            for s in total[metric].samples
            if s.name.endswith("_total") and all(s.labels.get(k) == v for k, v in labels.items())
        )

    assert value("marsad_items_in", stage="poll") == value("marsad_items_out", stage="poll") + value(
        "marsad_items_rejected", stage="poll"
    )
