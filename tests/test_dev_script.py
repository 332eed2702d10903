"""scripts/dev.sh: a failed set-up step says why, Ctrl-C stops the set-up, torch comes from the CPU index.

The script runs against a stand-in `python` (a shell script) in a temporary venv folder, so the
tests need no network and never touch the real .venv.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from workers.settings import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "dev.sh"

# A stand-in interpreter: records its arguments; `import torch` fails; pip of torch runs MODE.
FAKE_PYTHON = """#!/usr/bin/env bash
echo "$*" >> "{calls}"
case "$*" in
  "-c import torch") exit 1 ;;
  *"install -q torch"*)
    case "{mode}" in
      slow) trap 'echo "ERROR: Operation cancelled by user" >&2; exit 1' INT; sleep 30 & wait; exit 1 ;;
      fail) echo "ERROR: Could not find a version that satisfies the requirement torch" >&2; exit 1 ;;
    esac ;;
  *"install -q -e"*)
    if [ "{mode}" = "broken-deps" ]; then echo "error: gcc failed building some-extension" >&2; exit 1; fi ;;
esac
exit 0
"""


def fake_venv(tmp_path: Path, mode: str) -> tuple[dict[str, str], Path]:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    calls = tmp_path / "calls"
    python = venv / "bin" / "python"
    python.write_text(FAKE_PYTHON.format(calls=calls, mode=mode))
    python.chmod(0o755)
    env = {
        **os.environ,
        "MARSAD_VENV": str(venv),
        "MARSAD_SETUP_LOG": str(tmp_path / "setup.log"),
    }
    return env, calls


def test_torch_comes_from_the_cpu_index_and_a_fallback_is_said_aloud(tmp_path: Path) -> None:
    env, calls = fake_venv(tmp_path, "fail")
    result = subprocess.run(["bash", str(SCRIPT), "setup"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    log = calls.read_text()
    assert "torch==" not in log  # no version pin that only some indexes hold
    assert "install -q torch --index-url https://download.pytorch.org/whl/cpu --retries 1" in log  # fails fast when unreachable
    assert "WARNING: no CPU-only torch" in result.stderr
    assert "Could not find a version" in result.stderr  # why, not just that


def test_a_failed_step_shows_why_and_stops(tmp_path: Path) -> None:
    env, _ = fake_venv(tmp_path, "broken-deps")
    result = subprocess.run(["bash", str(SCRIPT), "setup"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "FAILED: install Marsad and its dependencies" in result.stderr
    assert "gcc failed building some-extension" in result.stderr
    assert not (tmp_path / "venv" / ".marsad-installed").exists()


def test_ctrl_c_during_set_up_stops_it(tmp_path: Path) -> None:
    env, calls = fake_venv(tmp_path, "slow")
    proc = subprocess.Popen(
        ["bash", str(SCRIPT), "setup"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and "install -q torch" not in (calls.read_text() if calls.exists() else ""):
        time.sleep(0.1)
    time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr
    assert "install -q -e" not in calls.read_text()  # it did not fall through to the next step
