"""A real Prometheus server scrapes a running processor; the pipeline metrics are read over its API."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from kafka import KafkaProducer

from tests.conftest import SEED_ARTICLE, need_shared
from tests.helpers import debian_tool, latest_by_key, read_topic, seed_item
from tests.test_pipeline_e2e import start_processor, stop
from workers.broker.admin import ensure_topics
from workers.broker.embedded import free_port, wait_for_port
from workers.contracts import encode
from workers.settings import Settings
from workers.topics import topics_for

pytestmark = pytest.mark.integration


def query(port: int, promql: str) -> float | None:
    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": promql})
    with urllib.request.urlopen(url, timeout=5) as resp:
        data = json.loads(resp.read())
    result = data["data"]["result"]
    return float(result[0]["value"][1]) if result else None


def test_prometheus_scrapes_pipeline_metrics(settings: Settings, tmp_path: Path) -> None:
    binary = debian_tool("prometheus")
    need_shared(SEED_ARTICLE)
    ensure_topics(settings)
    topics = topics_for(settings)
    metrics_port = free_port()
    settings = settings.replace(metrics_port=metrics_port)
    title, _, body = SEED_ARTICLE.read_text(encoding="utf-8").partition("\n")
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    for n, outlet in enumerate(["Outlet A", "Outlet B"]):
        item = seed_item(n, outlet, title, body)
        producer.send(topics.items.name, key=item["item_id"].encode(), value=encode(item))
    producer.send(topics.items.name, key=b"poison", value=b"\xff\xfe\x00 binary junk")
    producer.flush()
    producer.close()

    proc = start_processor(settings, tmp_path / "processor.log")
    prom_port = free_port()
    config = tmp_path / "prometheus.yml"
    config.write_text(
        "global: {scrape_interval: 1s}\n"
        f"scrape_configs:\n  - job_name: marsad-processor\n    static_configs: [{{targets: ['127.0.0.1:{metrics_port}']}}]\n"
    )
    prom = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{prom_port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        events = read_topic(
            settings.kafka_bootstrap,
            topics.events.name,
            topics.events.partitions,
            until=lambda rs: proc.poll() is not None or (len(latest_by_key(rs)) >= 4 and len(rs) >= 8),
            timeout=120,
        )
        assert proc.poll() is None, (tmp_path / "processor.log").read_text()[-3000:]
        assert len(latest_by_key(events)) >= 4
        assert wait_for_port("127.0.0.1", prom_port, 30), "prometheus did not start"
        deadline = time.monotonic() + 60
        seen_in = None
        while time.monotonic() < deadline:
            seen_in = query(prom_port, 'sum(marsad_items_in_total{stage="extract"})')
            dedup_in = query(prom_port, 'sum(marsad_items_in_total{stage="dedup"})')
            if seen_in == 3 and dedup_in == len(events):
                break
            time.sleep(1)
        assert seen_in == 3, "Prometheus never saw the three items"
        assert query(prom_port, 'up{job="marsad-processor"}') == 1
        # reconciliation, computed by Prometheus itself
        extract_gap = query(
            prom_port,
            'sum(marsad_items_in_total{stage="extract"}) - sum(marsad_items_out_total{stage="extract"})'
            ' - sum(marsad_items_rejected_total{stage="extract"})',
        )
        assert extract_gap == 0
        dedup_gap = query(
            prom_port,
            'sum(marsad_items_in_total{stage="dedup"}) - sum(marsad_items_out_total{stage="dedup"})'
            ' - sum(marsad_items_merged_total) - (sum(marsad_items_rejected_total{stage="dedup"}) or vector(0))',
        )
        assert dedup_gap == 0
        assert query(prom_port, 'sum(marsad_items_rejected_total{reason="invalid_encoding"})') == 1
        assert query(prom_port, 'sum(marsad_events_emitted_total{country="SY", kind="new"})') >= 4
        assert query(prom_port, 'sum(marsad_events_emitted_total{kind="update"})') >= 4
        assert query(prom_port, 'sum(marsad_stage_processing_seconds_count{stage="extract"})') == 3
        assert query(prom_port, 'marsad_worker_ready{worker="processor"}') == 1
    finally:
        prom.terminate()
        prom.wait(20)
        stop(proc)
