"""Analyst outputs over a pipeline run on the sink: `marsad export` (CSV, Parquet), `marsad serve`.

The run: fixture stories (tests/stories.py: one shelling told by two outlets with different tolls)
and, when ../shared/data is there, the seed wire story from two outlets, through LocalPipeline;
every version goes onto the sink topic, plus a record saying one event was merged into another.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaProducer

from tests.conftest import SEED_ARTICLE
from tests.stories import DOUMA_FIRST, DOUMA_UPDATE, news_item
from workers.acled import COLUMNS
from workers.broker.admin import ensure_topics
from workers.broker.embedded import free_port, wait_for_port
from workers.cli import main
from workers.contracts import encode
from workers.export import COLUMN_TYPES, arrow_schema
from workers.process.handlers import LocalPipeline, handle_item
from workers.serve import api_validator
from workers.settings import Settings
from workers.topics import topics_for

pytestmark = pytest.mark.integration

ABSORBER = "ev-00000000000000aa"


@dataclass
class Run:
    latest: dict[str, dict[str, Any]]  # what the sink holds per event id, before the merge record
    merged_id: str
    report_killed: dict[str, dict[str, Any] | None]  # single-report event id -> its killed figure


@pytest.fixture
def sink_run(settings: Settings) -> Run:
    ensure_topics(settings)
    items = [news_item(1, *DOUMA_FIRST), news_item(2, *DOUMA_UPDATE)]
    if SEED_ARTICLE.exists():
        title, _, body = SEED_ARTICLE.read_text(encoding="utf-8").partition("\n")
        for n, outlet in ((3, "Outlet C"), (4, "Outlet D")):
            items.append(news_item(n, outlet, title.strip(), body.strip(), "2019-03-11T09:30:00Z"))
    pipeline = LocalPipeline()
    report_killed: dict[str, dict[str, Any] | None] = {}
    for item in items:
        raw = encode(item)
        for _, single in handle_item(raw).candidates:
            report_killed[single["event_id"]] = single["casualties"]["killed"]
        pipeline.feed(raw)
    assert not pipeline.dead_letters
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    topic = topics_for(settings).events.name
    for version in pipeline.versions:
        producer.send(topic, key=version["event_id"].encode(), value=encode(version))
    merged_id = sorted(e for e in pipeline.sink if pipeline.sink[e]["casualties"]["killed"] is None)[0]
    producer.send(
        topic, key=merged_id.encode(), value=encode({"event_id": merged_id, "merged_into": ABSORBER})
    )
    producer.flush()
    producer.close()
    return Run(dict(pipeline.sink), merged_id, report_killed)


def use(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setenv("MARSAD_KAFKA_BOOTSTRAP", settings.kafka_bootstrap)
    monkeypatch.setenv("MARSAD_TOPIC_PREFIX", settings.topic_prefix)
    monkeypatch.setenv("MARSAD_PARTITIONS", str(settings.partitions))
    monkeypatch.setenv("MARSAD_STATE_DIR", settings.state_dir)


def test_acled_export_opens_with_pandas_and_pyarrow(
    settings: Settings, sink_run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pandas as pd
    import pyarrow.parquet as pq

    use(monkeypatch, settings)
    parquet, csv_path = tmp_path / "events.parquet", tmp_path / "events.csv"
    assert main(["export", "--format", "parquet", "--output", str(parquet)]) == 0
    assert main(["export", "--format", "csv", "--output", str(csv_path)]) == 0

    table = pq.read_table(parquet)
    assert table.schema.equals(arrow_schema(), check_metadata=False)
    frame = pd.read_parquet(parquet)
    assert tuple(frame.columns) == COLUMNS
    expected_ids = set(sink_run.latest) - {sink_run.merged_id}
    assert set(frame["event_id_cnty"]) == expected_ids, "latest version per event, merged event left out"
    for name, kind in COLUMN_TYPES.items():
        dtype = str(frame[name].dtype)
        if kind == "int":
            assert dtype in ("int64", "Int64") or frame[name].isna().any(), (name, dtype)
        elif kind == "float":
            assert dtype == "float64", (name, dtype)
        elif kind == "bool":
            assert dtype == "bool", (name, dtype)
    assert frame["fatalities"].dtype == "int64" and frame["inter1"].dtype == "int64"

    csv_frame = pd.read_csv(csv_path)
    assert tuple(csv_frame.columns) == COLUMNS
    assert sorted(csv_frame["event_id_cnty"]) == sorted(frame["event_id_cnty"])
    assert csv_frame["fatalities"].dtype == "int64"

    # fatalities <= every source's killed figure (each source's own single-report extraction)
    checked = 0
    for row in frame.itertuples():
        event = sink_run.latest[row.event_id_cnty]
        assert row.version == event["version"]
        for source in event["sources"]:
            killed = sink_run.report_killed.get(source["report_id"])
            if killed:
                assert row.fatalities <= killed["min"], (row.event_id_cnty, source["source"], killed)
                checked += 1
    assert checked >= 2, "the fixture run must have sources with killed figures"
    douma = frame[frame["location"] == "Douma"].iloc[0]
    assert douma["fatalities"] == 5 and douma["fatalities_max"] == 12
    assert douma["independent_sources"] == 2 and douma["inter1"] == 1 and douma["inter2"] == 7
    assert douma["interaction"] == 17 and douma["civilian_targeting"] == "Civilian targeting"
    assert "Syrian government forces shelled Civilians" in douma["notes"]
    assert "Douma" in douma["notes"] and "5-12 killed" in douma["notes"]

    # filters: country and time
    filtered = tmp_path / "none.csv"
    assert main(["export", "--country", "YE", "--output", str(filtered)]) == 0
    assert len(pd.read_csv(filtered)) == 0
    assert main(["export", "--country", "sy", "--since", "2019-03-11", "--output", str(filtered)]) == 0
    assert set(pd.read_csv(filtered)["event_id_cnty"]) == {
        e for e in expected_ids if (sink_run.latest[e]["date"] or "") >= "2019-03-11"
    }


@pytest.fixture
def api(settings: Settings, sink_run: Run, tmp_path: Path) -> Iterator[tuple[int, Path]]:
    port = free_port()
    log = tmp_path / "serve.log"
    env = {
        **os.environ,
        "MARSAD_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "MARSAD_TOPIC_PREFIX": settings.topic_prefix,
        "MARSAD_PARTITIONS": str(settings.partitions),
        "MARSAD_STATE_DIR": settings.state_dir,
    }
    cmd = [sys.executable, "-m", "workers.cli", "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT)  # noqa: SIM115
    try:
        assert wait_for_port("127.0.0.1", port, 60), log.read_text()[-2000:]
        yield port, log
    finally:
        proc.terminate()
        proc.wait(20)


def get(port: int, path: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_read_api_serves_latest_versions(sink_run: Run, api: tuple[int, Path]) -> None:
    port, log = api
    validator = api_validator()
    expected = set(sink_run.latest) - {sink_run.merged_id}
    deadline = time.monotonic() + 60
    listing: Any = {}
    while time.monotonic() < deadline:
        status, listing = get(port, "/events?limit=1000")
        if status == 200 and listing["count"] == len(expected):
            break
        time.sleep(0.5)
    assert {e["event_id"] for e in listing["events"]} == expected, log.read_text()[-2000:]
    validator.validate(listing)
    for event in listing["events"]:
        assert event == sink_run.latest[event["event_id"]], "the latest version of each event"

    status, douma = get(port, "/events?country=SY&since=2019-03-11&type=shelling_artillery_missile_attack")
    assert status == 200
    validator.validate(douma)
    assert [e["location"]["name"] for e in douma["events"]] == ["Douma"]
    assert douma["events"][0]["version"] == 2
    status, by_type = get(port, "/events?type=explosions_remote_violence")
    assert status == 200 and all(e["event_type"] == "explosions_remote_violence" for e in by_type["events"])
    status, none = get(port, "/events?country=YE")
    assert (status, none) == (200, {"count": 0, "events": []})

    event_id = douma["events"][0]["event_id"]
    status, one = get(port, f"/events/{event_id}")
    assert status == 200
    validator.validate(one)
    assert one["acled"]["fatalities"] == 5 and one["event"]["event_id"] == event_id

    status, gone = get(port, f"/events/{sink_run.merged_id}")
    assert status == 410 and gone["merged_into"] == ABSORBER
    validator.validate(gone)
    status, missing = get(port, "/events/ev-ffffffffffffffff")
    assert status == 404
    status, bad = get(port, "/events?since=yesterday")
    assert status == 400 and "cannot read" in bad["error"]


def test_tail_formats_and_since(settings: Settings, sink_run: Run) -> None:
    import asyncio
    import csv
    import io

    from workers.cli import tail_events

    async def tail(fmt: str, since: float | None, wait_s: float = 30) -> str:
        out, stop = io.StringIO(), asyncio.Event()
        task = asyncio.create_task(tail_events(settings, stop, out=out, fmt=fmt, since=since))
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline and out.getvalue().count("\n") < 3 + len(sink_run.latest):
            await asyncio.sleep(0.3)
        await asyncio.sleep(1)
        stop.set()
        await task
        return out.getvalue()

    lines = asyncio.run(tail("json", None)).splitlines()
    versions = [json.loads(line) for line in lines]
    assert {"event_id": sink_run.merged_id, "merged_into": ABSORBER} in versions
    assert {v["event_id"] for v in versions if "version" in v} == set(sink_run.latest)

    table = list(csv.DictReader(io.StringIO(asyncio.run(tail("csv", None)))))
    assert table and tuple(table[0]) == COLUMNS
    assert {r["event_id_cnty"] for r in table} == set(sink_run.latest)

    text = asyncio.run(tail("text", None))
    assert "[NEW]" in text and f"[GONE] {sink_run.merged_id} merged into {ABSORBER}" in text

    future = time.time() + 3600
    assert asyncio.run(tail("json", future, wait_s=3)) == "", "--since skips records written before it"
