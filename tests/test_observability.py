"""Metrics, endpoints, alert rules and dashboard: checked against the code that defines the metrics."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import debian_tool
from workers import endpoints, metrics
from workers.settings import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"


def defined_metric_names() -> set[str]:
    names = set()
    for family in metrics.families():
        names.add(family.name)
        suffixes = {
            "counter": ["_total"],
            "histogram": ["_bucket", "_sum", "_count"],
            "gauge": [""],
            "info": ["_info"],
        }
        for suffix in suffixes.get(family.type, [""]):
            names.add(family.name + suffix)
    return names


def referenced_metrics(expr: str) -> set[str]:
    return set(re.findall(r"\bmarsad_[a-z_]+\b", expr))


def test_metric_names_follow_conventions() -> None:
    for family in metrics.families():
        assert family.name.startswith("marsad_")
        if family.type == "histogram":
            assert family.name.endswith(("_seconds", "_messages", "_chars")), family.name
        labels = {label for s in family.samples for label in s.labels}
        assert not labels & {"item_id", "event_id", "url"}, f"{family.name} has a high-cardinality label"


def test_dashboard_is_valid_and_queries_only_defined_metrics() -> None:
    dashboard = json.loads((DEPLOY / "grafana" / "dashboards" / "marsad.json").read_text())
    assert dashboard["uid"] and dashboard["title"] and dashboard["schemaVersion"] >= 30
    assert dashboard["panels"], "dashboard has no panels"
    defined = defined_metric_names()
    for panel in dashboard["panels"]:
        assert panel["type"] and panel["title"] and panel["gridPos"]
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            used = referenced_metrics(target["expr"])
            assert used, f"{panel['title']}: query names no Marsad metric"
            assert used <= defined, f"{panel['title']}: unknown metrics {used - defined}"


def test_alert_rules_query_only_defined_metrics_and_have_runbooks() -> None:
    import yaml

    rules = yaml.safe_load((DEPLOY / "prometheus" / "rules.yml").read_text())["groups"][0]["rules"]
    runbook = (DEPLOY / "RUNBOOK.md").read_text()
    for rule in rules:
        assert referenced_metrics(rule["expr"]) <= defined_metric_names(), rule["alert"]
        assert f"## {rule['alert']}" in runbook, f"no runbook section for {rule['alert']}"


def test_promtool_checks_config_and_rules(tmp_path: Path) -> None:
    tool = debian_tool("promtool")
    # The compose file mounts rules at /etc/prometheus; check a copy with the path made local.
    shutil.copy(DEPLOY / "prometheus" / "rules.yml", tmp_path / "rules.yml")
    config = (
        (DEPLOY / "prometheus" / "prometheus.yml")
        .read_text()
        .replace("/etc/prometheus/rules.yml", "rules.yml")
    )
    (tmp_path / "prometheus.yml").write_text(config)
    subprocess.run(
        [tool, "check", "config", str(tmp_path / "prometheus.yml")], check=True, capture_output=True
    )
    subprocess.run(
        [tool, "check", "rules", str(DEPLOY / "prometheus" / "rules.yml")], check=True, capture_output=True
    )
    result = subprocess.run(
        [tool, "test", "rules", "rules_test.yml"], cwd=DEPLOY / "prometheus", capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_health_and_readiness_endpoints() -> None:
    port = endpoints.serve(0)
    base = f"http://127.0.0.1:{port}"
    endpoints.set_ready("unit-test-worker", False)
    with urllib.request.urlopen(f"{base}/healthz") as resp:
        assert resp.status == 200
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{base}/readyz")
    assert info.value.code == 503
    endpoints.set_ready("unit-test-worker", True)
    with urllib.request.urlopen(f"{base}/readyz") as resp:
        assert json.loads(resp.read())["ready"] is True
    with urllib.request.urlopen(f"{base}/metrics") as resp:
        body = resp.read().decode()
    assert 'marsad_worker_ready{worker="unit-test-worker"} 1.0' in body


def test_json_logs_carry_context(capsys: pytest.CaptureFixture[str]) -> None:
    import logging

    from workers import logs

    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        logs.setup("INFO", "json")
        logging.getLogger("marsad.test").info(
            "dead-lettered", extra={"item_id": "abc", "reason": "invalid_json"}
        )
    finally:
        root.handlers[:], root.level = saved
    line = capsys.readouterr().err.strip().splitlines()[-1]
    record = json.loads(line)
    assert record["msg"] == "dead-lettered" and record["item_id"] == "abc" and record["level"] == "info"


def test_compose_file_defines_the_stack() -> None:
    import yaml

    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    assert {"kafka", "poller", "processor", "prometheus", "grafana"} <= set(compose["services"])
    assert compose["services"]["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"  # KRaft
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (REPO_ROOT / source).exists(), f"compose mounts missing {source}"
    tool = shutil.which("docker-compose")
    if tool:  # the compose client parses the file offline
        subprocess.run([tool, "config", "-q"], cwd=REPO_ROOT, check=True)
