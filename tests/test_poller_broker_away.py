"""The broker away behind a proxy that accepts connections and closes them (issue 16).

Before: KafkaTimeoutError from `producer.send()` escaped the publish error handling (items sent
before it were never marked, and published twice at the next poll), and kafka-python reconnected
without backoff: 169,597 log lines (30 MB) in 60 s.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FeedServer
from tests.helpers import kill_group, read_topic
from tests.tcp_proxy import TcpProxy
from tests.test_poller import entries
from workers.broker.admin import ensure_topics
from workers.broker.embedded import EmbeddedBroker, free_port
from workers.poll import publish
from workers.poll.feeds import Feed
from workers.poll.fixtures import rss_document
from workers.poll.publish import Publisher
from workers.poll.seen import SeenStore
from workers.poll.worker import Poller
from workers.settings import Settings
from workers.topics import topics_for

pytestmark = pytest.mark.integration


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[tuple[TcpProxy, EmbeddedBroker, Settings]]:
    """A broker that clients reach only through a proxy (it advertises the proxy's address)."""
    proxy = TcpProxy(backend_port=0).start()
    broker = EmbeddedBroker(advertised=f"127.0.0.1:{proxy.port}", log_file=tmp_path / "tansu.log").start()
    proxy.switch(broker.port)
    settings = Settings(
        kafka_bootstrap=f"127.0.0.1:{proxy.port}",
        topic_prefix="away",
        partitions=2,
        state_dir=str(tmp_path / "state"),
        metrics_port=0,
    )
    ensure_topics(settings)
    yield proxy, broker, settings
    broker.stop()
    proxy.stop()


def test_send_timeout_keeps_items_unseen_and_they_are_published_once_later(
    proxied: tuple[TcpProxy, EmbeddedBroker, Settings],
    feed_server: FeedServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(publish, "SEND_MAX_BLOCK_MS", 1000)  # send() gives up on metadata after 1 s
    monkeypatch.setattr(publish, "RETRY_BACKOFF_S", 0.1)
    monkeypatch.setattr(publish, "ACK_TIMEOUT_S", 3.0)
    proxy, broker, via_proxy = proxied
    url = feed_server.static("/f.xml", rss_document("t", "https://o.example/", entries(10, "away")))
    seen = SeenStore(tmp_path / "seen.sqlite3")
    publisher = Publisher(via_proxy)
    poller = Poller(
        via_proxy.replace(allow_private_redirects=True, poll_parse_workers=0),
        [Feed("f", "F", url)],
        publisher,
        seen,
    )
    try:
        proxy.switch(free_port())  # nothing listens there: connections are accepted and closed
        report = asyncio.run(poller.poll_once())[0]
        assert (report.outcome, report.error, report.new) == ("error", "publish", 0)
        assert len(seen) == 0  # nothing marked: the items wait for the next poll
        proxy.switch(broker.port)
        report = asyncio.run(poller.poll_once())[0]
        assert (report.outcome, report.new) == ("ok", 10)
    finally:
        poller.close()
        publisher.close()
    items = topics_for(via_proxy).items
    keys = Counter(
        r.key.decode()
        for r in read_topic(
            via_proxy.kafka_bootstrap, items.name, items.partitions, until=lambda rs: len(rs) >= 10
        )
    )
    assert len(keys) == 10  # none lost
    # Not asserted: no copy twice. When the proxy drops a connection after the broker wrote a batch
    # but before its acknowledgement came back, the record fails and is sent again at the next poll:
    # at-least-once (the processor is idempotent). Seen in 1 of 3 runs of this test (each item twice).


def test_broker_away_behind_a_closing_proxy_bounded_log_then_recovery(
    proxied: tuple[TcpProxy, EmbeddedBroker, Settings], feed_server: FeedServer, tmp_path: Path
) -> None:
    proxy, broker, settings = proxied
    revealed = {"n": 5}

    def handler(_req: Any) -> tuple[int, dict[str, str], bytes]:
        body = rss_document("t", "https://o.example/", entries(revealed["n"], "out"))
        return 200, {"Content-Type": "application/rss+xml"}, body

    feed_server.routes["/f.xml"] = handler
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(f'[[feed]]\nid = "f"\nurl = "{feed_server.url("/f.xml")}"\n')
    log = tmp_path / "poller.log"
    env = {
        **os.environ,
        "MARSAD_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "MARSAD_TOPIC_PREFIX": settings.topic_prefix,
        "MARSAD_PARTITIONS": str(settings.partitions),
        "MARSAD_STATE_DIR": settings.state_dir,
        "MARSAD_METRICS_PORT": "0",
        "MARSAD_POLL_INTERVAL_S": "1",
        "MARSAD_POLL_PARSE_WORKERS": "0",
        "MARSAD_ALLOW_PRIVATE_REDIRECTS": "true",
        "MARSAD_LOG_FORMAT": "json",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "workers.cli", "poll", "--feeds", str(feeds)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
        start_new_session=True,
    )
    items = topics_for(settings).items
    try:
        got = read_topic(  # generous: the poller's start (imports, state probe) is slow on a busy machine
            settings.kafka_bootstrap, items.name, items.partitions, until=lambda rs: len(rs) >= 5, timeout=180
        )
        assert len(got) == 5
        before = log.read_bytes().count(b"\n")
        proxy.switch(free_port())  # the broker is away: the proxy accepts and closes
        revealed["n"] = 12  # the outlet publishes while the broker is away
        time.sleep(25)
        during = log.read_bytes().count(b"\n") - before
        assert proc.poll() is None, log.read_text()[-2000:]
        proxy.switch(broker.port)
        got = read_topic(
            settings.kafka_bootstrap, items.name, items.partitions, until=lambda rs: len(rs) >= 12, timeout=90
        )
    finally:
        kill_group(proc)
    size = log.stat().st_size
    print(f"log lines during 25 s away: {during}; log size {size} bytes")
    assert during < 1500, f"{during} log lines in 25 s"
    keys = Counter(r.key.decode() for r in got)
    assert len(keys) == 12 and max(keys.values()) == 1, keys
