"""A newcomer's and an operator's first hour: settings, exit codes, messages, logs, metrics, display.

Each test reproduces one rough edge of issue 18 through the real command line (a subprocess, as a
user types it) where the edge is about what the user sees.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from kafka import KafkaProducer

from tests.conftest import SEED_ARTICLE, need_shared
from tests.helpers import SEED_PUBLISHED, debian_tool, processor_env, read_topic, seed_feed
from workers import endpoints, metrics
from workers.broker.admin import ensure_topics
from workers.broker.embedded import free_port, wait_for_port
from workers.contracts import encode
from workers.poll.feeds import Feed
from workers.poll.seen import SeenStore
from workers.poll.worker import Poller
from workers.settings import REPO_ROOT, Settings, SettingsError, load_settings, unknown_env_settings
from workers.topics import topics_for


def marsad(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`marsad ARGS` as a user runs it, with a clean MARSAD_* environment plus `env`."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("MARSAD_")}
    return subprocess.run(
        [sys.executable, "-m", "workers.cli", *args],
        env={**base, "PYTHONPATH": str(REPO_ROOT), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO_ROOT,
    )


# --- settings ---------------------------------------------------------------------------------


def test_bad_setting_is_one_clear_line_and_exit_2() -> None:
    result = marsad("topics", env={"MARSAD_PARTITIONS": "abc"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == "marsad: MARSAD_PARTITIONS='abc': not an integer"


def test_every_problem_is_reported_at_once_and_secrets_are_never_printed(tmp_path: Path) -> None:
    cfg = tmp_path / "marsad.toml"
    cfg.write_text('[marsad]\nkafka_sasl_password = 12345\npartitions = 0\nlog_format = "xml"\n')
    with pytest.raises(SettingsError) as info:
        load_settings(str(cfg), env={"MARSAD_POLL_INTERVAL_S": "soon", "MARSAD_ALLOW_PRIVATE_REDIRECTS": "maybe"})
    problems = info.value.problems
    assert len(problems) == 5, problems
    assert any("kafka_sasl_password=(hidden): not a string" in p for p in problems)
    assert any("partitions=0: must be at least 1" in p for p in problems)
    assert any("log_format='xml': must be one of" in p for p in problems)
    assert any(p.startswith("MARSAD_POLL_INTERVAL_S='soon': not a number") for p in problems)
    assert any(p.startswith("MARSAD_ALLOW_PRIVATE_REDIRECTS='maybe': not a boolean") for p in problems)
    assert "12345" not in str(info.value)
    settings = load_settings(env={"MARSAD_KAFKA_SASL_PASSWORD": "hunter2", "MARSAD_LOG_LEVEL": "warn"})
    assert settings.kafka_sasl_password == "hunter2" and "hunter2" not in repr(settings)
    assert settings.log_level == "WARNING"


def test_typed_values_from_env_and_toml(tmp_path: Path) -> None:
    cfg = tmp_path / "marsad.toml"
    cfg.write_text("[marsad]\npoll_interval_s = 60\nallow_private_redirects = true\n")
    s = load_settings(str(cfg), env={"MARSAD_MAX_BODY_BYTES": "1_000_000", "MARSAD_PARTITIONS": " 8 "})
    assert (s.poll_interval_s, s.allow_private_redirects, s.max_body_bytes, s.partitions) == (
        60.0,
        True,
        1_000_000,
        8,
    )
    bad = tmp_path / "bad.toml"
    bad.write_text('partitions = "4"\n')  # TOML has types: a quoted number is a string
    with pytest.raises(SettingsError, match="partitions='4': not an integer"):
        load_settings(str(bad), env={})


def test_unknown_marsad_variables_are_warned_about() -> None:
    warnings = unknown_env_settings({"MARSAD_PARTITONS": "3", "MARSAD_CONFIG": "x", "MARSAD_VENV": ".venv"})
    assert warnings == ["MARSAD_PARTITONS is not a Marsad setting; ignored (did you mean MARSAD_PARTITIONS?)"]
    result = marsad("--version", env={"MARSAD_PARTITONS": "3"})
    assert result.returncode == 0 and result.stdout.strip().startswith("marsad ")
    result = marsad("topics", env={"MARSAD_PARTITONS": "3", "MARSAD_LOG_FORMAT": "text"})
    assert "MARSAD_PARTITONS is not a Marsad setting" in result.stderr


# --- exit codes and messages ------------------------------------------------------------------


def test_run_with_a_missing_feeds_file_fails_before_starting_a_broker(tmp_path: Path) -> None:
    state = tmp_path / "state"
    started = time.monotonic()
    result = marsad("run", "--feeds", str(tmp_path / "missing.toml"), env={"MARSAD_STATE_DIR": str(state)})
    assert result.returncode == 2
    assert result.stderr.strip() == f"marsad: feeds file {tmp_path / 'missing.toml'} not found (--feeds or MARSAD_FEEDS_FILE)"
    assert not (state / "tansu.log").exists(), "a broker was started"
    assert time.monotonic() - started < 30


def test_tail_with_a_wrong_bootstrap_is_one_line() -> None:
    port = free_port()  # nothing listens there
    result = marsad("tail", env={"MARSAD_KAFKA_BOOTSTRAP": f"127.0.0.1:{port}", "MARSAD_LOG_FORMAT": "text"})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"marsad: cannot reach Kafka at 127.0.0.1:{port}"), lines
    assert "Traceback" not in result.stderr and "Unclosed" not in result.stderr


def test_version_and_subcommand_help_describe_options() -> None:
    from workers import __version__

    assert marsad("--version").stdout.strip() == f"marsad {__version__}"
    top = marsad("-h").stdout
    for command in ("run", "poll", "process", "topics", "tail", "eval", "demo-feeds"):
        assert f"    {command} " in top, command
    eval_help = " ".join(marsad("eval", "-h").stdout.split())  # argparse wraps lines where it likes
    assert "--gold GOLD" in eval_help and "(format in eval/README.md)" in eval_help
    demo_help = marsad("demo-feeds", "-h").stdout
    assert "--per-outlet PER_OUTLET" in demo_help and "articles per outlet" in demo_help
    assert "Offline? Use --demo." in marsad("run", "-h").stdout


@pytest.mark.integration
def test_poll_once_with_every_feed_failing_exits_non_zero(settings: Settings, tmp_path: Path) -> None:
    ensure_topics(settings)
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(
        '[[feed]]\nid = "down-1"\nurl = "http://127.0.0.1:1/a.xml"\n'
        '[[feed]]\nid = "down-2"\nurl = "http://127.0.0.1:1/b.xml"\n'
    )
    env = {
        "MARSAD_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "MARSAD_TOPIC_PREFIX": settings.topic_prefix,
        "MARSAD_STATE_DIR": settings.state_dir,
        "MARSAD_METRICS_PORT": "0",
        "MARSAD_LOG_FORMAT": "text",
        "MARSAD_POLL_PARSE_WORKERS": "0",
    }
    result = marsad("poll", "--once", "--feeds", str(feeds), env=env, timeout=120)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "every feed failed" in result.stderr
    assert "marsad run --demo" in result.stderr  # network errors: the offline hint


def _poller(tmp_path: Path, feeds: list[Feed]) -> Poller:
    from tests.test_poller import RecordingPublisher

    settings = Settings(state_dir=str(tmp_path), fetch_timeout_s=2.0, poll_parse_workers=0)
    return Poller(settings, feeds, RecordingPublisher(), SeenStore(tmp_path / "seen.sqlite3"))  # type: ignore[arg-type]


def test_readyz_is_503_while_every_feed_fails_and_offline_suggests_demo(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    port = endpoints.serve(0)
    poller = _poller(tmp_path, [Feed(id="gone", name="gone", url="http://127.0.0.1:1/feed.xml")])
    try:
        endpoints.set_ready("poller", True)
        with caplog.at_level("WARNING"):
            asyncio.run(poller.poll_once())
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz")
        assert info.value.code == 503
        assert any("marsad run --demo" in r.getMessage() for r in caplog.records)
    finally:
        poller.close()
        endpoints.set_ready("poller", True)


def test_file_feeds_are_not_counted_as_bozo(tmp_path: Path) -> None:
    need_shared(SEED_ARTICLE)
    feed_file = tmp_path / "seed.xml"
    feed_file.write_bytes(seed_feed(SEED_ARTICLE, "outlet-a", "https://outlet-a.example/1"))
    poller = _poller(tmp_path, [Feed(id="local-file", name="local", url=feed_file.as_uri())])

    def bozo() -> float:
        return sum(
            s.value
            for f in metrics.families()
            for s in f.samples
            if s.labels.get("feed") == "local-file" and s.labels.get("kind") == "bozo"
        )

    try:
        (report,) = asyncio.run(poller.poll_once())
    finally:
        poller.close()
    assert report.outcome == "ok" and report.new == 1
    assert bozo() == 0


# --- metrics ----------------------------------------------------------------------------------

ROLE_SNIPPET = """
import sys
from prometheus_client import generate_latest
from workers import metrics
role = sys.argv[1]
metrics.use_role(role)
if role == "poller":
    metrics.feed_fetch_latency.labels("bbc-arabic").observe(0.4)
    metrics.feed_polls.labels("bbc-arabic", "ok").inc()
    metrics.items_in.labels("poll").inc()
else:
    metrics.items_in.labels("extract").inc()
    metrics.stage_latency.labels("extract").observe(0.002)
    metrics.events_emitted.labels("battles", "SY", "new").inc()
sys.stdout.write(generate_latest(metrics.REGISTRY).decode())
"""

POLLER_ONLY = ("marsad_feed_", )
PROCESSOR_ONLY = ("marsad_dedup_state_events", "marsad_event_freshness_seconds", "marsad_stage_processing_seconds",
                  "marsad_items_merged_total", "marsad_consumer_lag_messages", "marsad_events_")


def series_names(exposition: str) -> set[str]:
    return {line.split("{")[0].split(" ")[0] for line in exposition.splitlines() if line and not line.startswith("#")}


@pytest.mark.parametrize("role", ["poller", "processor"])
def test_metrics_of_a_role_pass_promtool_with_process_metrics_and_nothing_of_the_other_role(role: str) -> None:
    tool = debian_tool("promtool")
    body = subprocess.run(
        [sys.executable, "-c", ROLE_SNIPPET, role],
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    check = subprocess.run([tool, "check", "metrics"], input=body, capture_output=True, text=True)
    assert check.returncode == 0 and not check.stdout.strip() and not check.stderr.strip(), check.stdout + check.stderr
    names = series_names(body)
    assert {"process_cpu_seconds_total", "process_resident_memory_bytes", "python_info"} <= names
    assert not any(n.endswith("_created") for n in names)
    assert "marsad_worker_info" in names and f'role="{role}"' in body
    assert "marsad_worker_up" not in names and "marsad_dead_letters_total" not in names
    other = PROCESSOR_ONLY if role == "poller" else POLLER_ONLY
    assert not [n for n in names if n.startswith(other)], sorted(names)
    if role == "poller":
        assert 'marsad_feed_fetch_seconds_count{feed="bbc-arabic"} 1.0' in body


def test_dashboard_has_lag_broker_country_panels_and_variables() -> None:
    dashboard = json.loads((REPO_ROOT / "deploy" / "grafana" / "dashboards" / "marsad.json").read_text())
    exprs = {t["expr"] for p in dashboard["panels"] for t in p["targets"]}
    assert any("marsad_consumer_lag_messages" in e and '!~".*-changelog"' in e for e in exprs)
    assert any("marsad_broker_connected" in e for e in exprs)
    assert any("by (country)" in e for e in exprs)
    assert any("marsad_dead_letter_breaker_open" in e for e in exprs)
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert {"country", "event_type", "feed"} <= set(variables)
    assert any("$country" in e for e in exprs) and any("$feed" in e for e in exprs)


# --- the real processor's logs and /metrics ----------------------------------------------------


@pytest.mark.integration
def test_processor_logs_are_json_lines_and_its_metrics_pass_promtool(settings: Settings, tmp_path: Path) -> None:
    """A real processor worker with MARSAD_LOG_FORMAT=json: every stderr line parses as JSON."""
    need_shared(SEED_ARTICLE)
    tool = debian_tool("promtool")
    ensure_topics(settings)
    topics = topics_for(settings)
    title, _, body = SEED_ARTICLE.read_text(encoding="utf-8").partition("\n")
    item = {
        "schema_version": 1,
        "item_id": "0" * 20,
        "feed_id": "f",
        "source": "Outlet",
        "url": "https://o.example/1",
        "title": title.strip(),
        "text": body.strip(),
        "language": "ar",
        "published_at": SEED_PUBLISHED.isoformat().replace("+00:00", "Z"),
        "fetched_at": "2019-03-11T10:00:00Z",
    }
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    producer.send(topics.items.name, key=b"a", value=encode(item))
    producer.send(topics.items.name, key=b"poison", value=b"{not json")  # a warning line too
    producer.flush()
    producer.close()
    port = free_port()
    env = processor_env(settings, port)
    stderr_path, stdout_path = tmp_path / "stderr", tmp_path / "stdout"
    with stderr_path.open("wb") as err, stdout_path.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "workers.cli", "process"], env=env, stdout=out, stderr=err, start_new_session=True
        )
    try:
        events = read_topic(
            settings.kafka_bootstrap,
            topics.events.name,
            topics.events.partitions,
            until=lambda rs: proc.poll() is not None or len(rs) >= 1,
            timeout=120,
        )
        assert events, stderr_path.read_text()[-3000:]
        assert wait_for_port("127.0.0.1", port, 10)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics") as resp:
            exposition = resp.read().decode()
    finally:
        proc.terminate()
        proc.wait(60)
    check = subprocess.run([tool, "check", "metrics"], input=exposition, capture_output=True, text=True)
    assert check.returncode == 0 and not (check.stdout + check.stderr).strip(), check.stdout + check.stderr
    names = series_names(exposition)
    assert "process_cpu_seconds_total" in names and not [n for n in names if n.startswith(POLLER_ONLY)]
    lines = [line for line in stderr_path.read_text("utf-8").splitlines() if line.strip()]
    assert len(lines) >= 3, lines
    records = [json.loads(line) for line in lines]  # every line, the Kafka clients' included
    assert all({"ts", "level", "logger", "msg"} <= set(r) for r in records)
    assert any(r["msg"].startswith("dead-lettered") for r in records)
    # Kafka client chatter is held at WARNING: no info lines from aiokafka / kafka
    assert not [r for r in records if r["logger"].split(".")[0] in ("faust", "mode", "aiokafka") and r["level"] == "info"]
    assert stdout_path.read_bytes() == b"", "the processor wrote to stdout (spinner escapes?)"


def test_status_line_repeats_where_things_are() -> None:
    from workers.cli import StatusLine

    status = StatusLine("marsad: broker 127.0.0.1:1234; processor metrics :9464/metrics", every_s=0)
    assert not status.due()  # nothing shown since the banner: no reminder yet
    status.event_shown()
    assert status.due()
    line = status.line()
    assert "broker 127.0.0.1:1234" in line and ":9464/metrics" in line and "1 event versions shown" in line
    assert not status.due()
