"""`marsad run` on the embedded broker: starts, shows events, stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import SEED_ARTICLE, SHARED_DATA, need_shared
from tests.helpers import seed_feed
from workers.broker.embedded import free_port

pytestmark = pytest.mark.integration


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_run_starts_shows_events_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    need_shared(SEED_ARTICLE)
    feed = tmp_path / "seed.xml"
    feed.write_bytes(seed_feed(SEED_ARTICLE, "outlet-a", "https://outlet-a.example/baghouz"))
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(
        f'[[feed]]\nid = "outlet-a"\nname = "Outlet A"\nurl = "{feed.as_uri()}"\n', encoding="utf-8"
    )
    metrics_port = free_port()
    env = {
        **os.environ,
        "MARSAD_STATE_DIR": str(tmp_path / "state"),
        "MARSAD_METRICS_PORT": str(metrics_port),
    }
    env.pop("MARSAD_KAFKA_BOOTSTRAP", None)
    out_path = tmp_path / "run.out"
    with out_path.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "workers.cli", "run", "--feeds", str(feeds)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and "[NEW]" not in out_path.read_text("utf-8", "replace"):
                assert proc.poll() is None, out_path.read_text("utf-8", "replace")[-3000:]
                time.sleep(0.5)
            text = out_path.read_text("utf-8", "replace")
            assert "[NEW]" in text, text[-3000:]
            broker_port = int(re.search(r"broker 127\.0\.0\.1:(\d+)", text).group(1))  # type: ignore[union-attr]
            ports = re.search(r"processor metrics :(\d+)/metrics, poller metrics :(\d+)/metrics", text)
            assert ports, text[-2000:]
            worker_ports = [int(ports.group(1)), int(ports.group(2))]
            assert worker_ports[0] == metrics_port  # the configured port, when free
            assert port_open(broker_port) and all(port_open(p) for p in worker_ports)
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
            assert proc.wait(60) in (0, 130)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    text = out_path.read_text("utf-8", "replace")
    assert "marsad: stopped." in text
    # Arabic is printed as text, not escapes
    assert "الباغوز" in text
    # Blocks only: no worker's info log line (one per event before) between them
    blocks = text[text.index("[NEW]") :]
    assert not [line for line in blocks.splitlines() if '"level": "info"' in line or " INFO " in line], blocks
    # The banner says which clients the embedded broker serves and how to read the sink without one
    assert "librdkafka clients (kcat, confluent-kafka) cannot read" in text
    assert "marsad tail --format json" in text
    # nothing left behind: broker and workers are gone
    time.sleep(0.5)
    assert not port_open(broker_port), "embedded broker still listening after exit"
    assert not any(port_open(p) for p in worker_ports), "a worker outlived `marsad run`"


def run_until_event(
    args: list[str], state_dir: Path, out_path: Path, scrape_poller: bool = False
) -> tuple[str, str]:
    """`marsad run ARGS` until it prints an event (or 150 s), then Ctrl-C; its output and the poller's
    metrics page (when asked)."""
    env = {**os.environ, "MARSAD_STATE_DIR": str(state_dir), "MARSAD_METRICS_PORT": str(free_port())}
    env.pop("MARSAD_KAFKA_BOOTSTRAP", None)
    page = ""
    with out_path.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "workers.cli", "run", *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 150
            while time.monotonic() < deadline and "[NEW]" not in out_path.read_text("utf-8", "replace"):
                assert proc.poll() is None, out_path.read_text("utf-8", "replace")[-3000:]
                time.sleep(0.5)
            text = out_path.read_text("utf-8", "replace")
            if scrape_poller and "[NEW]" in text:
                port = re.search(r"poller metrics :(\d+)/metrics", text).group(1)  # type: ignore[union-attr]
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as resp:
                    page = resp.read().decode()
            os.killpg(proc.pid, signal.SIGINT)
            proc.wait(60)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    return out_path.read_text("utf-8", "replace"), page


def test_a_second_run_shows_events_again(tmp_path: Path) -> None:
    """The seen-set used to outlive the embedded broker's memory: a second run printed nothing."""
    need_shared(SEED_ARTICLE)
    feed = tmp_path / "seed.xml"
    feed.write_bytes(seed_feed(SEED_ARTICLE, "outlet-a", "https://outlet-a.example/baghouz"))
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(f'[[feed]]\nid = "outlet-a"\nname = "A"\nurl = "{feed.as_uri()}"\n', encoding="utf-8")
    state = tmp_path / "state"
    for attempt in range(2):
        text, _ = run_until_event(["--feeds", str(feeds)], state, tmp_path / f"run{attempt}.out")
        assert "[NEW]" in text, (attempt, text[-3000:])
    assert list(state.iterdir()) == []  # the embedded run's state went with its broker


def test_the_demo_reads_article_pages_and_shows_events_twice(tmp_path: Path) -> None:
    need_shared(SHARED_DATA / "ant-multisource-2018.jsonl.gz")
    for attempt in range(2):
        text, page = run_until_event(["--demo"], tmp_path / "state", tmp_path / f"demo{attempt}.out", True)
        assert "[NEW]" in text, (attempt, text[-3000:])
        fetched = re.search(r'marsad_article_items_total\{text_source="article"\} (\d+)', page)
        assert fetched and float(fetched.group(1)) > 0, page[-2000:]
