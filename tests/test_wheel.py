"""A built wheel, installed in a fresh venv, runs `marsad eval` and `marsad run --demo` from anywhere.

The wheel used to half work: `run` looked for site-packages/deploy/feeds.toml, `eval` for a gold
file the wheel did not contain, `--demo` for lib/python3.11/shared/data. The feeds and gold files
are now installed under <prefix>/share/marsad and the shared data folder is a setting
(MARSAD_DATA_DIR / --data).

The venv reuses the test interpreter's installed dependencies through a .pth line instead of
downloading them again (torch alone is gigabytes); only the wheel itself is installed, with --no-deps.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA, need_shared
from workers.settings import REPO_ROOT

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """bin/ of a fresh venv holding the wheel built from this checkout."""
    root = tmp_path_factory.mktemp("wheel")
    env = clean_env()  # no PYTHONPATH: pip must not see this checkout (or its egg-info) as installed
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(root / "dist"), str(REPO_ROOT)],
        check=True,
        capture_output=True,
        env=env,
    )
    (wheel,) = (root / "dist").glob("marsad-*.whl")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q", "--no-deps",
         "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        env=env,
    )
    # Only now (pip would take a marsad found there as already installed): the dependencies of the
    # interpreter running the tests, as a plain path (its own .pth files, such as an editable install
    # of a checkout, are not processed, so `workers` comes from the wheel).
    Path(purelib, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv / "bin"


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARSAD_") and k != "PYTHONPATH"}
    return {**env, **extra}


def test_the_installed_package_is_the_wheel(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run(
        [str(installed / "python"), "-c", "import workers; print(workers.__file__)"],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(installed.parent) in where and str(REPO_ROOT) not in where


def test_wheel_runs_eval(installed: Path, tmp_path: Path) -> None:
    need_shared(SHARED_DATA / "ant-multisource-2018.jsonl.gz")
    result = subprocess.run(
        [str(installed / "marsad"), "--data", str(SHARED_DATA), "eval"],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "150 sentences" in result.stdout and "event type" in result.stdout
    # without the data folder: one line that says what to set
    result = subprocess.run(
        [str(installed / "marsad"), "--data", str(tmp_path / "nowhere"), "eval"],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "MARSAD_DATA_DIR" in result.stderr and "Traceback" not in result.stderr


def test_wheel_runs_the_demo(installed: Path, tmp_path: Path) -> None:
    need_shared(SHARED_DATA / "ant-multisource-2018.jsonl.gz")
    out_path = tmp_path / "run.out"
    env = clean_env(MARSAD_DATA_DIR=str(SHARED_DATA), MARSAD_STATE_DIR=str(tmp_path / "state"), MARSAD_METRICS_PORT="0")
    with out_path.open("wb") as out:
        proc = subprocess.Popen(
            [str(installed / "marsad"), "run", "--demo"],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline and "[NEW]" not in out_path.read_text("utf-8", "replace"):
                assert proc.poll() is None, out_path.read_text("utf-8", "replace")[-3000:]
                time.sleep(1)
            assert "[NEW]" in out_path.read_text("utf-8", "replace"), out_path.read_text("utf-8", "replace")[-3000:]
            os.killpg(proc.pid, signal.SIGINT)
            assert proc.wait(60) in (0, 130)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    assert "marsad: stopped." in out_path.read_text("utf-8", "replace")
