"""Test helpers: read topics with aiokafka (manual assignment), build seed-story feeds."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from workers.poll.fixtures import rss_document
from workers.settings import REPO_ROOT, Settings

# The seed story is about Monday 11 March 2019 («اليوم الاثنين»); its feeds carry that date.
SEED_PUBLISHED = datetime(2019, 3, 11, 9, 30, tzinfo=UTC)


def read_topic(
    bootstrap: str, topic: str, partitions: int, *, until: Callable[[list[Any]], bool], timeout: float = 60.0
) -> list[Any]:
    """Records of a topic from the beginning, polling until `until(records)` or the timeout."""

    async def run() -> list[Any]:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest", enable_auto_commit=False
        )
        await consumer.start()
        records: list[Any] = []
        try:
            consumer.assign([TopicPartition(topic, p) for p in range(partitions)])
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                batches = await consumer.getmany(timeout_ms=500)
                for recs in batches.values():
                    records.extend(recs)
                if until(records):
                    break
        finally:
            await consumer.stop()
        return records

    return asyncio.run(run())


def latest_by_key(records: list[Any]) -> dict[str, dict[str, Any]]:
    """What a compacted topic keeps: the last value per key."""
    latest: dict[str, dict[str, Any]] = {}
    for rec in sorted(records, key=lambda r: (r.partition, r.offset)):
        latest[rec.key.decode()] = json.loads(rec.value)
    return latest


def seed_entry(seed_path: Path, link: str) -> dict[str, Any]:
    title, _, body = seed_path.read_text(encoding="utf-8").partition("\n")
    return {"title": title.strip(), "link": link, "description": body.strip(), "published": SEED_PUBLISHED}


def seed_feed(seed_path: Path, outlet: str, link: str, extra: list[dict[str, Any]] | None = None) -> bytes:
    return rss_document(outlet, f"https://{outlet}.example/", [seed_entry(seed_path, link), *(extra or [])])


def debian_tool(name: str, package: str = "prometheus") -> str:
    """Path of a tool from a Debian package: CI must have it (scripts/dev.sh installs it), else skip."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(
                f"{name} missing in CI: scripts/dev.sh test_tools installs Debian's {package} package"
            )
        pytest.skip(f"{name} not installed (Debian package {package})")
    return path


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL a worker started in its own session (a crash, for fault tests), if it still runs."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def processor_env(settings: Settings, metrics_port: int, **extra: str) -> dict[str, str]:
    """The environment of a `marsad process` subprocess on the test's topics, with JSON logs: this
    process's environment less its own MARSAD_* variables, plus `extra` (MARSAD_... = value)."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("MARSAD_")},
        "PYTHONPATH": str(REPO_ROOT),
        "MARSAD_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "MARSAD_TOPIC_PREFIX": settings.topic_prefix,
        "MARSAD_APP_ID": settings.app_id,
        "MARSAD_PARTITIONS": str(settings.partitions),
        "MARSAD_STATE_DIR": settings.state_dir,
        "MARSAD_METRICS_PORT": str(metrics_port),
        "MARSAD_LOG_FORMAT": "json",
        **extra,
    }


def seed_item(n: int, source: str, title: str, body: str) -> dict[str, Any]:
    """News item number `n` carrying the seed story (title and body), as outlet `source` sent it."""
    return {
        "schema_version": 1,
        "item_id": f"{n:020x}",
        "feed_id": f"f{n}",
        "source": source,
        "url": f"https://o{n}.example/1",
        "title": title.strip(),
        "text": body.strip(),
        "language": "ar",
        "published_at": SEED_PUBLISHED.isoformat().replace("+00:00", "Z"),
        "fetched_at": "2019-03-11T10:00:00Z",
    }
