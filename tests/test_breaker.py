"""The dead-letter circuit breaker: the pure core, and a real processor stopped by a poison stream."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from kafka import KafkaProducer

from tests.conftest import SEED_ARTICLE, need_shared
from tests.helpers import debian_tool, processor_env, read_topic, seed_item
from tests.test_pipeline_e2e import stop
from workers.broker.admin import ensure_topics
from workers.broker.embedded import free_port, wait_for_port
from workers.contracts import encode
from workers.process.breaker import DeadLetterBreaker, Trip
from workers.settings import REPO_ROOT, Settings
from workers.topics import topics_for


def test_opens_only_on_a_full_window_above_the_ratio() -> None:
    breaker = DeadLetterBreaker(ratio=0.5, window=4)
    assert [breaker.record(0, True) for _ in range(3)] == [None, None, None]  # window not full yet
    breaker = DeadLetterBreaker(ratio=0.5, window=4)
    outcomes = [True, False, True, False, True, False, True, False]  # exactly half: not above the ratio
    assert all(breaker.record(0, dead) is None for dead in outcomes)
    assert breaker.record(0, True) is None  # window F T F T: still half
    assert not breaker.is_open
    assert breaker.record(0, True) == Trip(partition=0, dead=3, window=4, ratio=0.5)  # T F T T
    assert breaker.is_open and breaker.record(0, True) is None  # reported once


def test_three_of_four_opens() -> None:
    breaker = DeadLetterBreaker(ratio=0.5, window=4)
    results = [breaker.record(0, dead) for dead in (True, True, True, False)]
    assert results[:3] == [None, None, None] and results[3] == Trip(0, 3, 4, 0.5)


def test_partitions_are_judged_apart_and_the_window_slides() -> None:
    breaker = DeadLetterBreaker(ratio=0.5, window=4)
    for _ in range(10):  # partition 1 is healthy; partition 0 alternates
        assert breaker.record(1, False) is None
        assert breaker.record(0, True) is None
        assert breaker.record(0, False) is None
    trip = None
    for _ in range(3):
        trip = trip or breaker.record(0, True)
    assert trip is not None and trip.partition == 0


def test_ratio_one_never_opens_and_bad_arguments_are_refused() -> None:
    breaker = DeadLetterBreaker(ratio=1.0, window=2)
    assert all(breaker.record(0, True) is None for _ in range(100))
    with pytest.raises(ValueError):
        DeadLetterBreaker(ratio=1.5, window=2)
    with pytest.raises(ValueError):
        DeadLetterBreaker(ratio=0.5, window=0)


def _processor(settings: Settings, metrics_port: int, ratio: float, window: int, log: Path) -> subprocess.Popen[bytes]:
    env = processor_env(
        settings,
        metrics_port,
        MARSAD_DEAD_LETTER_LIMIT_RATIO=str(ratio),
        MARSAD_DEAD_LETTER_LIMIT_WINDOW=str(window),
    )
    return subprocess.Popen(
        [sys.executable, "-m", "workers.cli", "process"],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _alerts(port: int) -> list[dict[str, object]]:
    """Prometheus's active alerts; none while it is still starting (it answers 503 until ready)."""
    url = f"http://127.0.0.1:{port}/api/v1/alerts"
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return json.loads(resp.read())["data"]["alerts"]
    except urllib.error.HTTPError as exc:
        if exc.code == 503:
            return []
        raise


def _query(port: int, promql: str) -> float | None:
    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": promql})
    with urllib.request.urlopen(url, timeout=5) as resp:
        result = json.loads(resp.read())["data"]["result"]
    return float(result[0]["value"][1]) if result else None


@pytest.mark.integration
def test_poison_stream_stops_the_worker_alert_fires_and_nothing_after_is_lost(
    settings: Settings, tmp_path: Path
) -> None:
    prometheus = debian_tool("prometheus")
    need_shared(SEED_ARTICLE)
    settings = settings.replace(partitions=1)  # one partition: the order of poison and good is the log's
    ensure_topics(settings)
    topics = topics_for(settings)
    title, _, body = SEED_ARTICLE.read_text(encoding="utf-8").partition("\n")
    poison = 6
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    for n in range(poison):  # a bad deploy upstream: nothing but unreadable messages
        producer.send(topics.items.name, key=f"bad-{n}".encode(), value=b"{not json")
    for n in range(3):
        item = seed_item(n, f"Outlet {n}", title, body)
        producer.send(topics.items.name, key=item["item_id"].encode(), value=encode(item))
    producer.flush()
    producer.close()

    metrics_port, prom_port = free_port(), free_port()
    rules = tmp_path / "rules.yml"
    shutil.copy(REPO_ROOT / "deploy" / "prometheus" / "rules.yml", rules)
    config = tmp_path / "prometheus.yml"
    config.write_text(
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        f"rule_files: ['{rules}']\n"
        "scrape_configs:\n  - job_name: marsad-processor\n"
        f"    static_configs: [{{targets: ['127.0.0.1:{metrics_port}']}}]\n"
    )
    log = tmp_path / "processor.log"
    window = 5
    proc = _processor(settings, metrics_port, ratio=0.5, window=window, log=log)
    prom = subprocess.Popen(
        [
            prometheus,
            f"--config.file={config}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{prom_port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_for_port("127.0.0.1", prom_port, 30), "prometheus did not start"
        firing: list[dict[str, object]] = []
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and not firing:
            assert proc.poll() is None, log.read_text()[-3000:]
            firing = [
                a
                for a in _alerts(prom_port)
                if a["labels"]["alertname"] == "MarsadDeadLetterBreakerOpen" and a["state"] == "firing"  # type: ignore[index]
            ]
            time.sleep(1)
        assert firing, log.read_text()[-3000:]
        assert firing[0]["labels"]["stage"] == "extract"  # type: ignore[index]
        assert firing[0]["labels"]["topic"] == topics.items.name  # type: ignore[index]
        # The worker stays up (for its metrics) but is not ready.
        assert _query(prom_port, 'up{job="marsad-processor"}') == 1
        assert _query(prom_port, 'marsad_worker_ready{worker="processor"}') == 0
        records = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        opened = [r for r in records if r["msg"].startswith("dead-letter breaker open")]
        assert len(opened) == 1 and f"5 of the last {window} messages" in opened[0]["msg"], opened
        time.sleep(3)  # it stays stopped: nothing after the trip is consumed
        dead = read_topic(settings.kafka_bootstrap, topics.dead_letter.name, 1, until=lambda rs: False, timeout=3)
        assert len(dead) == window
        sink = read_topic(settings.kafka_bootstrap, topics.events.name, 1, until=lambda rs: False, timeout=3)
        assert sink == []
    finally:
        prom.terminate()
        prom.wait(20)
        stop(proc)

    # The fix is deployed (here: the breaker relaxed); the next start picks up where it stopped.
    proc = _processor(settings, free_port(), ratio=1.0, window=window, log=log)
    try:
        good = {f"{n:020x}" for n in range(3)}

        def sources(records: list[object]) -> set[str]:
            return {s["item_id"] for r in records for s in json.loads(r.value)["sources"]}  # type: ignore[attr-defined]

        sink = read_topic(
            settings.kafka_bootstrap,
            topics.events.name,
            1,
            until=lambda rs: proc.poll() is not None or sources(rs) >= good,
            timeout=120,
        )
        assert proc.poll() is None, log.read_text()[-3000:]
        assert sources(sink) == good  # every good message after the poison arrived
        time.sleep(2)
        dead = read_topic(settings.kafka_bootstrap, topics.dead_letter.name, 1, until=lambda rs: False, timeout=3)
        assert sorted(json.loads(r.value)["key"] for r in dead) == sorted(f"bad-{n}" for n in range(poison))
    finally:
        stop(proc)
