"""The compose stack's monitoring configuration passes the tools' own checks (`promtool check
config`, `amtool check-config`), as mounted by docker-compose.yml, and its parts point at each other."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.helpers import debian_tool
from workers.alert.rules import load_rules
from workers.settings import REPO_ROOT

COMPOSE = REPO_ROOT / "docker-compose.yml"


def services() -> dict:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def mounted(service: str, root: Path) -> dict[str, Path]:
    """Copy a service's bind-mounted files under `root` at their container paths; container path -> copy."""
    copies = {}
    for volume in services()[service].get("volumes", []):
        source, target = volume.split(":")[:2]
        if not source.startswith("./"):
            continue
        copy = root / target.lstrip("/")
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO_ROOT / source, copy)
        copies[target] = copy
    return copies


def test_promtool_checks_the_compose_prometheus_config(tmp_path: Path) -> None:
    promtool = debian_tool("promtool")
    files = mounted("prometheus", tmp_path)
    config_path = next(p for target, p in files.items() if target.endswith("prometheus.yml"))
    text = config_path.read_text()
    for target, copy in files.items():  # the config names container paths: point them at the copies
        text = text.replace(target, str(copy))
    config_path.write_text(text)
    result = subprocess.run([promtool, "check", "config", str(config_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rules.yml" in result.stdout + result.stderr, "the rules file was not checked"

    config = yaml.safe_load(text)
    targets = [
        t for am in config["alerting"]["alertmanagers"] for sc in am["static_configs"] for t in sc["targets"]
    ]
    assert targets == ["alertmanager:9093"] and "alertmanager" in services()


def test_amtool_checks_the_compose_alertmanager_config(tmp_path: Path) -> None:
    amtool = debian_tool("amtool", package="prometheus-alertmanager")
    files = mounted("alertmanager", tmp_path)
    (config_path,) = files.values()
    result = subprocess.run([amtool, "check-config", str(config_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_ops_and_event_alerts_reach_their_receivers() -> None:
    amtool = shutil.which("amtool")
    if amtool is None:
        pytest.skip("amtool not installed (Debian package prometheus-alertmanager)")
    config = str(REPO_ROOT / "deploy" / "alertmanager" / "alertmanager.yml")

    def receiver(*labels: str) -> str:
        result = subprocess.run(
            [amtool, "config", "routes", "test", f"--config.file={config}", *labels],
            capture_output=True,
            text=True,
        )
        return result.stdout.strip()

    assert receiver("alertname=MarsadWorkerDown", "job=marsad-poller") == "ops"
    assert receiver("alertname=MarsadEvent", "event_id=ev-0123456789abcdef") == "analysts"


def test_the_compose_alert_worker_is_wired_to_alertmanager() -> None:
    alert = services()["alert"]
    assert alert["environment"]["MARSAD_ALERTMANAGER_URL"] == "http://alertmanager:9093"
    rules_path = alert["command"][alert["command"].index("--rules") + 1]
    assert rules_path.startswith("/app/")
    assert load_rules(REPO_ROOT / rules_path.removeprefix("/app/"))  # the rules file it runs validates
