"""`marsad alert` against a real Alertmanager (Debian prometheus-alertmanager) with a webhook receiver.

Fixture stories go through the pipeline (LocalPipeline) onto the sink topic of the tansu broker;
the alert worker runs as its own process. Checks: the matching event's alert reaches Alertmanager's
webhook receiver once; the update that crosses a higher level re-alerts; restarts (same consumer
group, then a fresh group that re-reads the whole sink) send nothing; a merged event's alert resolves.
"""

from __future__ import annotations

import asyncio
import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaProducer

from tests.helpers import debian_tool
from tests.stories import DOUMA_FIRST, DOUMA_UPDATE, run_story
from workers.broker.admin import ensure_topics
from workers.broker.embedded import free_port, wait_for_port
from workers.contracts import encode
from workers.process.handlers import LocalPipeline
from workers.settings import Settings
from workers.topics import topics_for

pytestmark = pytest.mark.integration

RULES = """
rules:
  - name: deadly-shelling
    severity: critical
    country: [SY]
    event_type: [explosions_remote_violence]
    min_killed: 1
    lead_only: true
    levels:
      - {min_killed: 10}
  - name: protests-in-yemen
    country: [YE]
    event_type: [protests]
"""

ALERTMANAGER_CONFIG = """
route:
  receiver: test
  group_by: [alertname, event_id]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: test
    webhook_configs:
      - url: http://127.0.0.1:{port}/alertmanager
        send_resolved: true
"""


class Receiver:
    """A local HTTP server that records every JSON POST, by path."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, str], Any]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.posts.append((self.path, dict(self.headers), json.loads(body)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def bodies(self, path: str) -> list[Any]:
        with self.lock:
            return [body for p, _, body in self.posts if p == path]

    def firing(self) -> list[tuple[str, str]]:
        """(event_id, level) of every firing alert in every Alertmanager notification."""
        return [
            (a["labels"]["event_id"], a["labels"]["level"])
            for n in self.bodies("/alertmanager")
            for a in n["alerts"]
            if a["status"] == "firing"
        ]

    def resolved(self) -> list[tuple[str, str]]:
        return [
            (a["labels"]["event_id"], a["labels"]["level"])
            for n in self.bodies("/alertmanager")
            for a in n["alerts"]
            if a["status"] == "resolved"
        ]


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()


@pytest.fixture
def alertmanager(tmp_path: Path, receiver: Receiver) -> Iterator[int]:
    binary = debian_tool("prometheus-alertmanager", package="prometheus-alertmanager")
    config = tmp_path / "alertmanager.yml"
    config.write_text(ALERTMANAGER_CONFIG.format(port=receiver.port))
    port = free_port()
    proc = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--storage.path={tmp_path / 'am-data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "alertmanager.log", "wb"),  # noqa: SIM115
    )
    try:
        assert wait_for_port("127.0.0.1", port, 30), (tmp_path / "alertmanager.log").read_text()[-2000:]
        yield port
    finally:
        proc.terminate()
        proc.wait(20)


def start_alert(settings: Settings, rules: Path, am_port: int, hook: str, group: str, log: Path) -> Any:
    env = {
        **os.environ,
        "MARSAD_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "MARSAD_TOPIC_PREFIX": settings.topic_prefix,
        "MARSAD_PARTITIONS": str(settings.partitions),
        "MARSAD_STATE_DIR": settings.state_dir,
        "MARSAD_METRICS_PORT": "0",
        "MARSAD_ALERT_GROUP_ID": group,
        "MARSAD_LOG_FORMAT": "text",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "workers.cli",
            "alert",
            "--rules",
            str(rules),
            "--alertmanager-url",
            f"http://127.0.0.1:{am_port}",
            "--webhook-url",
            hook,
        ],
        env=env,
        stdout=open(log, "ab"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )


def stop_alert(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)


def committed(settings: Settings, group: str) -> int:
    """Sink records the alert worker's consumer group has committed (all partitions)."""

    async def run() -> int:
        from aiokafka import AIOKafkaConsumer, TopicPartition

        spec = topics_for(settings).events
        consumer = AIOKafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap, group_id=group, enable_auto_commit=False
        )
        await consumer.start()
        try:
            offsets = [await consumer.committed(TopicPartition(spec.name, p)) for p in range(spec.partitions)]
        finally:
            await consumer.stop()
        return sum(o or 0 for o in offsets)

    return asyncio.run(run())


def publish(settings: Settings, records: list[tuple[str, dict[str, Any]]]) -> None:
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    topic = topics_for(settings).events.name
    for key, value in records:
        producer.send(topic, key=key.encode(), value=encode(value))
    producer.flush()
    producer.close()


def test_alert_once_escalate_restart_and_resolve(
    settings: Settings, tmp_path: Path, receiver: Receiver, alertmanager: int
) -> None:
    ensure_topics(settings)
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES)
    hook = f"http://127.0.0.1:{receiver.port}/direct"
    log = tmp_path / "alert.log"
    pipeline = LocalPipeline()

    first = run_story(pipeline, 1, DOUMA_FIRST)
    assert [e["version"] for e in first] == [1]
    event_id = first[0]["event_id"]
    publish(settings, [(e["event_id"], e) for e in first])

    proc = start_alert(settings, rules, alertmanager, hook, "g1", log)
    try:
        wait_until(lambda: (event_id, "1") in receiver.firing(), 60, "the first alert at the receiver")
        direct = receiver.bodies("/direct")
        assert [d["key"] for d in direct] == [f"{event_id}/deadly-shelling/1"]
        note = direct[0]
        assert note["labels"]["severity"] == "critical" and note["labels"]["country"] == "SY"
        assert "Military Forces of Syria" in note["annotations"]["summary"]
        assert "دوما" in note["annotations"]["summary_ar"]
        assert note["annotations"]["sources"].startswith("https://outlet1.example/")

        update = run_story(pipeline, 2, DOUMA_UPDATE)
        assert [(e["event_id"], e["version"]) for e in update] == [(event_id, 2)], "the update must merge"
        publish(settings, [(e["event_id"], e) for e in update])
        wait_until(lambda: (event_id, "2") in receiver.firing(), 60, "the re-alert at level 2")
        time.sleep(4)  # a few group intervals: anything Alertmanager would repeat has arrived
        assert receiver.firing().count((event_id, "1")) == 1
        assert receiver.firing().count((event_id, "2")) == 1
        assert (event_id, "1") in receiver.resolved(), "the superseded level is resolved"
    finally:
        stop_alert(proc)

    sent_before = len(receiver.posts)
    # restart in the same consumer group, then in a new group that re-reads the whole sink
    on_sink = 2  # versions 1 and 2 of the event
    for group in ("g1", "g-fresh"):
        proc = start_alert(settings, rules, alertmanager, hook, group, log)
        try:
            wait_until(
                lambda g=group: committed(settings, g) == on_sink, 60, f"group {group} to read the sink"
            )
            time.sleep(4)  # a few Alertmanager group intervals
            assert proc.poll() is None, log.read_text()[-3000:]
        finally:
            stop_alert(proc)
    assert len(receiver.posts) == sent_before, "a restart re-sent alerts"

    # the event is absorbed by another one: its alert resolves
    publish(settings, [(event_id, {"event_id": event_id, "merged_into": "ev-0000000000000001"})])
    proc = start_alert(settings, rules, alertmanager, hook, "g1", log)
    try:
        wait_until(lambda: (event_id, "2") in receiver.resolved(), 60, "the merged event's alert to resolve")
        resolved = [d for d in receiver.bodies("/direct") if d["status"] == "resolved"]
        assert [d["key"] for d in resolved][-1] == f"{event_id}/deadly-shelling/2/resolved"
        assert receiver.firing().count((event_id, "2")) == 1
    finally:
        stop_alert(proc)
    assert "Traceback" not in log.read_text()


def test_delivery_retries_until_accepted_and_stops_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    import aiohttp

    from tests.test_acled_alert_rules import RULES, event
    from workers.alert import service
    from workers.alert.deliver import Delivery
    from workers.alert.engine import AlertEngine
    from workers.alert.rules import parse_rules
    from workers.alert.state import AlertStore
    from workers.sinkview import SinkRecord

    answers = [503, 500, 200]
    seen: list[str] = []

    class Flaky(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            seen.append(self.headers["Idempotency-Key"])
            self.send_response(answers.pop(0) if answers else 503)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Flaky)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(service, "RETRY_FIRST_S", 0.05)
    engine = AlertEngine(parse_rules(RULES), AlertStore(":memory:"))
    notices = engine.decide(SinkRecord("ev-0123456789abcdef", event()))
    delivery = Delivery(webhook_url=f"http://127.0.0.1:{server.server_address[1]}/hook")

    async def deliver(stop_after: float | None) -> None:
        stop = asyncio.Event()
        if stop_after is not None:
            asyncio.get_running_loop().call_later(stop_after, stop.set)
        async with aiohttp.ClientSession() as session:
            await service.deliver_with_retry(delivery, session, notices, stop)

    try:
        asyncio.run(deliver(None))
        assert seen == ["ev-0123456789abcdef/deadly/1"] * 3, "retried with the same idempotency key"
        with pytest.raises(service.Stopped):
            asyncio.run(deliver(0.5))  # the receiver now always fails: a stop ends the retries
    finally:
        server.shutdown()
