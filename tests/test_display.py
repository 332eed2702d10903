"""Terminal output: compact event blocks, Arabic legible with and without a bidi terminal.

`marsad tail` runs inside tmux (a real terminal emulator, which, like xterm, draws cells left to
right and implements no bidi) and the screen is read back with `capture-pane`:
- logical order (default): the Arabic arrives as stored, each run between FSI and PDI, so a bidi
  terminal lays it out right-to-left without moving the English around it;
- visual order (`--visual`): the Arabic arrives pre-reordered, so the screen read right to left is
  the text, with numbers still left to right and no isolate marks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from typing import Any

import pytest
from kafka import KafkaProducer

from workers.broker.admin import ensure_topics
from workers.contracts import encode
from workers.display import FSI, PDI, render, visual
from workers.settings import REPO_ROOT, Settings
from workers.topics import topics_for

PLACE, ACTOR, SPEAKER = "حلب", "قوات سوريا الديمقراطية", "المرصد السوري"
SUMMARY = "قُتل 12 شخصا في اشتباكات (حلب)"


def sample_event() -> dict[str, Any]:
    return {
        "event_id": "ev-demo-1",
        "version": 2,
        "event_type": "battles",
        "sub_event_type": "armed_clash",
        "date": "2019-03-11",
        "location": {"name": "Aleppo", "name_ar": PLACE, "country": "Syria", "lat": 36.2, "lon": 37.15},
        "actors": [{"id": "sdf", "name_ar": ACTOR, "role": "actor"}],
        "casualties": {"killed": {"min": 12, "max": 12}},
        "attributions": [{"speaker": SPEAKER, "speaker_id": "sohr"}],
        "sources": [{"source": "Outlet A"}, {"source": "Outlet B", "copy_of": "x"}],
        "summary": SUMMARY,
        "changes": ["sources +1"],
    }


def test_visual_order_reverses_words_and_letters_but_not_numbers() -> None:
    assert visual("abc 12") == "abc 12"  # nothing right-to-left: untouched
    assert visual(PLACE) == "بلح"
    assert visual("في (حلب) يوم 3/4") == "3/4 موي (بلح) يف"  # brackets mirrored, the date kept
    assert visual("قُتل") == "لتقُ"  # the damma stays on its letter


def test_a_block_is_compact() -> None:
    event = sample_event()
    event["summary"] = "كلمة " * 200
    block = render(event)
    assert len(block.splitlines()) <= 9
    assert max(len(line) for line in block.splitlines()) <= 160


def tmux() -> str:
    path = shutil.which("tmux")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("tmux missing in CI: scripts/dev.sh test_tools installs it")
        pytest.skip("tmux not installed (Debian package tmux)")
    return path


def screen_of(command: list[str], env: dict[str, str], until: str, timeout: float = 60) -> list[str]:
    """Run `command` in a detached 150x40 tmux session; the pane's lines once `until` shows."""
    binary = tmux()
    session = f"marsad-{uuid.uuid4().hex[:8]}"
    socket = f"marsad-test-{session}"
    shell = " ".join(f"{k}='{v}'" for k, v in env.items()) + " " + " ".join(command)
    subprocess.run(
        [binary, "-L", socket, "new-session", "-d", "-s", session, "-x", "150", "-y", "40", f"env {shell}"],
        check=True,
    )
    try:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = subprocess.run(
                [binary, "-L", socket, "capture-pane", "-p", "-t", session], capture_output=True, text=True
            ).stdout
            if until in text:
                time.sleep(0.5)  # the rest of the block
                return subprocess.run(
                    [binary, "-L", socket, "capture-pane", "-p", "-t", session],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout.splitlines()
            time.sleep(0.3)
        raise AssertionError(f"{until!r} never showed; screen:\n{text}")
    finally:
        subprocess.run([binary, "-L", socket, "kill-server"], capture_output=True)


def line_with(lines: list[str], label: str) -> str:
    return next(line for line in lines if line.startswith(f"  {label}:"))


@pytest.mark.integration
def test_tail_in_tmux_logical_and_visual(settings: Settings) -> None:
    tmux()
    ensure_topics(settings)
    topics = topics_for(settings)
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    producer.send(topics.events.name, key=b"ev-demo-1", value=encode(sample_event()))
    producer.flush()
    producer.close()
    env = {
        "PYTHONPATH": str(REPO_ROOT),
        "MARSAD_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "MARSAD_TOPIC_PREFIX": settings.topic_prefix,
        "MARSAD_PARTITIONS": str(settings.partitions),
        "LANG": "C.UTF-8",
    }
    cli = [sys.executable, "-m", "workers.cli", "tail"]

    logical = screen_of(cli, env, until="changed:")
    assert logical[0].startswith("[UPDATE v2] ev-demo-1  battles / armed_clash")
    assert line_with(logical, "where") == f"  where:   {FSI}{PLACE}{PDI} Aleppo, Syria  (36.2000, 37.1500)"
    assert line_with(logical, "actors") == f"  actors:  {FSI}{ACTOR}{PDI} sdf [actor]"
    assert line_with(logical, "claim") == f"  claim:   {FSI}{SPEAKER}{PDI} (sohr)"
    assert line_with(logical, "text") == f"  text:    {FSI}{SUMMARY}{PDI}"

    shown = screen_of([*cli, "--visual"], env, until="changed:")
    assert FSI not in "\n".join(shown) and PDI not in "\n".join(shown)
    assert line_with(shown, "where") == "  where:   بلح Aleppo, Syria  (36.2000, 37.1500)"
    # read right to left, the screen gives the words back in order
    actors = line_with(shown, "actors").removeprefix("  actors:  ").removesuffix(" sdf [actor]")
    assert [w[::-1] for w in reversed(actors.split())] == ACTOR.split()
    text = line_with(shown, "text").removeprefix("  text:    ")
    assert text == "(بلح) تاكابتشا يف اصخش 12 لتقُ"
