"""A revised article end to end: page revised -> poller republishes it -> the processor updates the event."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FeedServer
from tests.helpers import read_topic
from tests.test_pipeline_e2e import start_processor, stop
from tests.test_revision_dedup import FIRST, REVISED
from workers.broker.admin import ensure_topics
from workers.poll.feeds import Feed
from workers.poll.fixtures import rss_document
from workers.poll.publish import Publisher
from workers.poll.worker import Poller, seen_store_for
from workers.settings import Settings
from workers.topics import topics_for

pytestmark = pytest.mark.integration

# Written for this test: the rest of the page's story, so the article is more than a teaser.
FILLER = "وأضاف المصدر أن فرق الإسعاف وصلت إلى المكان بعد وقت قصير وأن العمل ما زال جاريا. " * 3


def page(text: str) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in (text, FILLER))
    return f"<html><body><nav><a href='/'>الرئيسية</a></nav><article><h1>غارة جوية على إدلب</h1>{paragraphs}</article></body></html>".encode()


def killed(event: dict[str, Any]) -> tuple[int, int | None] | None:
    count = event["casualties"].get("killed")
    return (count["min"], count["max"]) if count else None


def test_a_revised_page_updates_its_event_on_the_sink(
    settings: Settings, feed_server: FeedServer, tmp_path: Path
) -> None:
    current = {"text": FIRST}
    feed_server.routes["/robots.txt"] = lambda _r: (404, {}, b"")
    feed_server.routes["/idlib.html"] = lambda _r: (
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        page(current["text"]),
    )
    entry = {
        "title": "غارة جوية على إدلب",
        "link": feed_server.url("/idlib.html"),
        "description": "قتل مدنيون في غارة جوية على إدلب.",
        "pubDate": "Mon, 05 Mar 2018 10:00:00 +0000",
    }
    url = feed_server.static("/f.xml", rss_document("o", feed_server.url("/"), [entry]))
    settings = settings.replace(
        crawl_allow_private_hosts=f"127.0.0.1:{feed_server.port}",
        crawl_host_delay_s=0.0,
        article_extract_workers=0,
        article_revisit_s="0",  # revisit at the next poll instead of after an hour
    )
    ensure_topics(settings)
    topics = topics_for(settings)
    proc = start_processor(settings, tmp_path / "processor.log")
    publisher, seen = Publisher(settings), seen_store_for(settings)
    poller = Poller(settings, [Feed("o", "Outlet", url)], publisher, seen)
    try:
        asyncio.run(poller.poll_once())
        current["text"] = REVISED
        asyncio.run(poller.poll_once())

        def versions(records: list[Any]) -> list[dict[str, Any]]:
            return [json.loads(r.value) for r in records]

        records = read_topic(
            settings.kafka_bootstrap,
            topics.events.name,
            settings.partitions,
            until=lambda recs: any(killed(e) == (9, 9) for e in versions(recs)),
            timeout=120,
        )
    finally:
        poller.close()
        publisher.close()
        seen.close()
        stop(proc)
    events = versions(records)
    items = read_topic(
        settings.kafka_bootstrap, topics.items.name, settings.partitions, until=lambda r: len(r) >= 2
    )
    assert [json.loads(r.value)["revision"] for r in items] == [0, 1]
    assert {r.key for r in items} == {items[0].key}  # one item id, two versions
    airstrikes = [e for e in events if e["sub_event_type"] == "air_drone_strike"]
    assert [e["version"] for e in airstrikes] == [1, 2], (tmp_path / "processor.log").read_text()[-3000:]
    assert [killed(e) for e in airstrikes] == [(5, 5), (9, 9)]  # replaced, not 5-9
    assert airstrikes[0]["event_id"] == airstrikes[1]["event_id"]
