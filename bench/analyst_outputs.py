"""Cost of the analyst outputs per event, on a real pipeline run (not a timed test).

Runs corpus articles (middle-east category, publication order) through the in-memory pipeline, then
times, on the resulting sink (latest version per event) and on every version emitted:
the ACLED view (`acled_record`), CSV and Parquet writing, and the alert engine's decisions with
the default rules file (SQLite state in a temporary folder, as `marsad alert` keeps it). Also checks
the export invariant on the run: fatalities <= the killed figure of every source's own report.

    .venv/bin/python bench/analyst_outputs.py [--articles 2000]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from email.utils import parsedate_to_datetime
from pathlib import Path

from workers.acled import acled_row
from workers.alert.engine import AlertEngine
from workers.alert.rules import load_rules
from workers.alert.state import AlertStore
from workers.contracts import encode
from workers.export import EventFilter, rows, write_csv, write_parquet
from workers.poll.fixtures import CORPUS, corpus_articles, corpus_item
from workers.process.handlers import LocalPipeline, handle_item
from workers.settings import REPO_ROOT
from workers.sinkview import SinkRecord


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"skipped: {CORPUS} not found (the benchmark reads the shared corpus at run time)")
    arts = sorted(corpus_articles(("middleEast",)), key=lambda a: parsedate_to_datetime(a["time"]))
    arts = arts[: args.articles]
    pipeline = LocalPipeline()
    report_killed = {}
    for n, art in enumerate(arts, 1):
        raw = encode(corpus_item(art, f"{n:020x}"))
        for _, single in handle_item(raw).candidates:
            report_killed[single["event_id"]] = single["casualties"]["killed"]
        pipeline.feed(raw)
    events = list(pipeline.sink.values())
    print(f"{len(arts)} articles -> {len(events)} events, {len(pipeline.versions)} versions")

    started = time.perf_counter()
    for _ in range(3):
        table = [acled_row(e) for e in events]
    per_event = (time.perf_counter() - started) / (3 * len(events))
    print(f"acled_record: {per_event * 1e6:.0f} us/event ({1 / per_event:,.0f} events/s)")

    selected = rows(events, EventFilter(), {})
    started = time.perf_counter()
    write_csv(selected, io.StringIO())
    csv_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        # warm-up: pyarrow's first Parquet write (imports, codecs) takes ~0.8 s whatever its size
        write_parquet(selected[:1], Path(tmp) / "warm-up.parquet")
        started = time.perf_counter()
        write_parquet(selected, Path(tmp) / "events.parquet")
        parquet_s = time.perf_counter() - started
        print(f"write {len(selected)} rows: csv {csv_s * 1000:.0f} ms, parquet {parquet_s * 1000:.0f} ms")

        store = AlertStore(Path(tmp) / "alerts.sqlite")
        engine = AlertEngine(load_rules(REPO_ROOT / "deploy" / "alert-rules.yaml"), store)
        started = time.perf_counter()
        sent = 0
        for version in pipeline.versions:
            notices = engine.decide(SinkRecord(version["event_id"], version))
            engine.record(notices)
            sent += len(notices)
        alert_s = time.perf_counter() - started
        print(
            f"alert engine: {len(pipeline.versions)} versions in {alert_s:.2f} s "
            f"({len(pipeline.versions) / alert_s:,.0f} versions/s), {sent} notices "
            f"({store.count('firing')} firing at the end)"
        )

    checked = violations = 0
    for row, event in ((acled_row(e), e) for e in events):
        for source in event["sources"]:
            killed = report_killed.get(source.get("report_id", ""))
            if killed:
                checked += 1
                violations += row["fatalities"] > killed["min"]
    print(f"fatalities <= each source's killed figure: {checked} source figures checked, {violations} above")
    del table


if __name__ == "__main__":
    main()
