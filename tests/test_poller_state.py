"""The poller's state dir full or read-only (issue 16): one clear error line, a metric, no
republishing storm, and recovery once space is back.

Disk full is real: the state dir is a tiny tmpfs, filled with a file until the kernel answers
ENOSPC (SQLite then says "database or disk is full"). Mounting needs root (CAP_SYS_ADMIN); without
it the tests skip with that reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FeedServer
from tests.test_poller import counter, entries, make
from workers.poll.feeds import Feed
from workers.poll.fixtures import rss_document
from workers.poll.seen import SeenStore, StateDirError
from workers.settings import REPO_ROOT


def _mount(target: Path, options: str) -> None:
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs to play a full or read-only disk (needs root): {done.stderr.strip()}")


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    target = tmp_path / "state"
    _mount(target, "size=2m")
    yield target
    subprocess.run(["umount", "-l", str(target)], check=False)


def fill(disk: Path) -> Path:
    """Write a file until the disk is full; return it (delete it to free the space)."""
    filler = disk / "filler"
    with filler.open("wb") as fh, contextlib.suppress(OSError):
        while True:
            fh.write(b"\0" * 65536)
            fh.flush()
    return filler


def test_disk_full_pauses_publishing_with_one_error_line_and_resumes(
    tiny_disk: Path, feed_server: FeedServer, caplog: pytest.LogCaptureFixture
) -> None:
    feeds = []
    for f in range(3):
        body = rss_document("t", "https://o.example/", entries(30, f"d{f}"))
        feeds.append(Feed(f"d{f}", f"D{f}", feed_server.static(f"/d{f}.xml", body)))
    poller, pub = make(tiny_disk, feeds)
    poller.seen = SeenStore(tiny_disk / "seen.sqlite3")
    filler = fill(tiny_disk)
    errors_before = counter("marsad_poller_state_write_errors_total")
    with caplog.at_level(logging.INFO, logger="workers.poll.worker"):
        for _ in range(5):
            asyncio.run(poller.poll_once())
    published_while_full = len(pub.items)
    # At most the batches that were in flight when the first write failed; then nothing, poll after poll.
    assert published_while_full <= 90
    assert len({i["item_id"] for i in pub.items}) == published_while_full  # nothing published twice
    state_errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(state_errors) == 1, [r.getMessage() for r in state_errors]
    assert "database or disk is full" in state_errors[0].getMessage()
    assert "paused" in state_errors[0].getMessage()
    assert counter("marsad_poller_state_writable") == 0
    assert counter("marsad_poller_state_write_errors_total") > errors_before

    filler.unlink()  # space is back
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="workers.poll.worker"):
        for _ in range(2):
            asyncio.run(poller.poll_once())
    assert counter("marsad_poller_state_writable") == 1
    assert any("writable again" in r.getMessage() for r in caplog.records)
    ids = [i["item_id"] for i in pub.items]
    assert len(ids) == len(set(ids)) == 90  # every item once
    assert SeenStore(tiny_disk / "seen.sqlite3").unseen(ids) == []  # and marked on disk


def test_a_restart_on_a_full_disk_publishes_nothing(tiny_disk: Path, feed_server: FeedServer) -> None:
    url = feed_server.static("/r.xml", rss_document("t", "https://o.example/", entries(40, "r")))
    # The poller ran here before and was killed: its WAL files are left, as after a crash.
    crash = (
        "import os, sys; from workers.poll.seen import SeenStore; "
        "s = SeenStore(sys.argv[1]); s.mark(['0' * 20]); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", crash, str(tiny_disk / "seen.sqlite3")], check=True)
    filler = fill(tiny_disk)
    poller, pub = make(tiny_disk, [Feed("r", "R", url)])
    poller.seen = SeenStore(tiny_disk / "seen.sqlite3")
    poller.__post_init__()  # start-up probe against this store
    for _ in range(3):
        reports = asyncio.run(poller.poll_once())
    assert pub.items == [] and reports[0].error == "state"
    filler.unlink()
    asyncio.run(poller.poll_once())
    assert len(pub.items) == 40


def test_a_store_that_cannot_even_open_on_a_full_disk_is_a_clear_error(tiny_disk: Path) -> None:
    SeenStore(tiny_disk / "seen.sqlite3").close()  # closed cleanly: SQLite must create its WAL files anew
    fill(tiny_disk)
    with pytest.raises(StateDirError, match="cannot open the poller state .*MARSAD_STATE_DIR"):
        SeenStore(tiny_disk / "seen.sqlite3")


def test_read_only_state_dir_is_one_clear_line_not_a_traceback(tmp_path: Path) -> None:
    state = tmp_path / "ro"
    _mount(state, "ro,size=1m")
    try:
        with pytest.raises(StateDirError, match="cannot open the poller state"):
            SeenStore(state / "seen.sqlite3")
        feeds = tmp_path / "feeds.toml"
        feeds.write_text('[[feed]]\nid = "a"\nurl = "https://a.example/rss"\n')
        proc = subprocess.run(
            [sys.executable, "-m", "workers.cli", "poll", "--once", "--feeds", str(feeds)],
            capture_output=True,
            text=True,
            timeout=60,
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO_ROOT), "MARSAD_STATE_DIR": str(state)},
        )
    finally:
        subprocess.run(["umount", "-l", str(state)], check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "cannot open the poller state" in proc.stderr and "MARSAD_STATE_DIR" in proc.stderr
