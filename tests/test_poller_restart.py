"""Kill the poller mid-run (SIGKILL) and restart it: no item lost, none published twice."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FeedServer
from tests.helpers import kill_group, read_topic
from workers.broker.admin import ensure_topics
from workers.poll.fixtures import rss_document
from workers.poll.identity import item_id_for
from workers.settings import Settings
from workers.topics import topics_for

pytestmark = pytest.mark.integration

FEEDS, PER_FEED = 40, 25


def poller(settings: Settings, feeds_file: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MARSAD_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "MARSAD_TOPIC_PREFIX": settings.topic_prefix,
        "MARSAD_PARTITIONS": str(settings.partitions),
        "MARSAD_STATE_DIR": settings.state_dir,
        "MARSAD_METRICS_PORT": "0",
        "MARSAD_POLL_INTERVAL_S": "3600",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "workers.cli", "poll", "--feeds", str(feeds_file), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def test_poller_killed_mid_run_then_restarted(
    settings: Settings, feed_server: FeedServer, tmp_path: Path
) -> None:
    expected: set[str] = set()
    lines = []
    for f in range(FEEDS):
        entries = [
            {"title": f"خبر {f}-{i}", "link": f"https://o{f}.example/n/{i}", "description": f"نص {f} {i}"}
            for i in range(PER_FEED)
        ]
        expected.update(item_id_for(e["link"], None, "") for e in entries)
        body = rss_document(f"o{f}", f"https://o{f}.example/", entries)

        def slow(_req: Any, body: bytes = body) -> tuple[int, dict[str, str], bytes]:
            time.sleep(0.15)  # slow outlets: the kill lands while feeds are still being polled
            return 200, {"Content-Type": "application/rss+xml"}, body

        feed_server.routes[f"/f{f}.xml"] = slow
        lines.append(f'[[feed]]\nid = "f{f}"\nurl = "{feed_server.url(f"/f{f}.xml")}"\n')
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text("\n".join(lines))
    ensure_topics(settings)
    items = topics_for(settings).items

    first = poller(settings, feeds_file)
    try:
        got = read_topic(
            settings.kafka_bootstrap,
            items.name,
            items.partitions,
            until=lambda rs: len(rs) >= 150,
            timeout=90,
        )
        assert len(got) >= 150, (
            first.stderr.read().decode()[-2000:] if first.poll() is not None else "too slow"
        )
    finally:
        kill_group(first)
    partial = len(
        read_topic(settings.kafka_bootstrap, items.name, items.partitions, until=lambda rs: False, timeout=3)
    )
    assert partial < FEEDS * PER_FEED, "the kill came too late to test anything"

    second = poller(settings, feeds_file, "--once")
    _, err = second.communicate(timeout=120)
    assert second.returncode == 0, err.decode()[-2000:]

    records = read_topic(
        settings.kafka_bootstrap,
        items.name,
        items.partitions,
        until=lambda rs: len(rs) >= FEEDS * PER_FEED,
        timeout=30,
    )
    keys = Counter(r.key.decode() for r in records)
    assert set(keys) == expected  # none lost
    assert [k for k, n in keys.items() if n > 1] == []  # none twice


def test_items_acked_but_not_marked_are_recovered_from_the_log(settings: Settings, tmp_path: Path) -> None:
    """The crash window between the broker's ack and the local mark: the log tells what was published."""
    from workers.poll.publish import Publisher
    from workers.poll.seen import SeenStore

    ensure_topics(settings)
    publisher = Publisher(settings)
    seen = SeenStore(tmp_path / "seen.sqlite3")
    item = {
        "schema_version": 1,
        "feed_id": "f",
        "source": "S",
        "url": "",
        "title": "t",
        "text": "نص",
        "language": "ar",
        "fetched_at": "2019-03-11T09:00:00Z",
    }
    marked = [dict(item, item_id=f"{i:020x}") for i in range(5)]
    unmarked = [dict(item, item_id=f"{i:020x}") for i in range(5, 8)]
    with publisher.lock:
        seen.mark(publisher.publish_items(marked), publisher.last_offsets)
        publisher.publish_items(unmarked)  # ...and the process dies before marking these
    assert seen.unseen([i["item_id"] for i in unmarked]) == [i["item_id"] for i in unmarked]
    assert publisher.recover_seen(seen, settings) == 3  # only what follows the checkpoints is read
    assert seen.unseen([i["item_id"] for i in marked + unmarked]) == []
    publisher.close()
