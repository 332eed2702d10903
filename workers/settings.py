"""All settings in one place: defaults, then an optional TOML file, then MARSAD_* env vars.

Every setting is typed and checked when a command starts: a bad value is one line naming the
variable (or TOML key) and what is wrong, never a traceback, and all problems are reported at once.
Secret values (SASL password) are never printed, not even in an error line. An environment
variable that starts with MARSAD_ but names no setting is most often a typo, so it is warned about.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
# MARSAD_* variables that are not settings: the config file path, dev.sh's venv location.
NON_SETTING_ENV = {"MARSAD_CONFIG", "MARSAD_VENV"}


def setting(
    default: Any,
    *,
    choices: tuple[str, ...] | None = None,
    min: float | None = None,
    max: float | None = None,
    secret: bool = False,
) -> Any:
    """A settings field with the checks `load_settings` applies (and `repr` hiding secrets)."""
    return field(
        default=default,
        repr=not secret,
        metadata={"choices": choices, "min": min, "max": max, "secret": secret},
    )


@dataclass(frozen=True)
class Settings:
    # Kafka. Empty bootstrap = start the embedded tansu broker.
    kafka_bootstrap: str = ""
    kafka_security_protocol: str = setting(
        "PLAINTEXT", choices=("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
    )
    kafka_sasl_mechanism: str = setting(
        "", choices=("", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "GSSAPI", "OAUTHBEARER")
    )
    kafka_sasl_username: str = ""
    kafka_sasl_password: str = setting("", secret=True)
    kafka_ssl_cafile: str = ""
    topic_prefix: str = "marsad"
    partitions: int = setting(4, min=1)
    replication_factor: int = setting(1, min=1)
    # Poller. Empty feeds file = deploy/feeds.toml (from the checkout, or as installed with the wheel).
    feeds_file: str = ""
    poll_interval_s: float = setting(300.0, min=0.1)
    poll_per_host: int = setting(2, min=1)  # concurrent fetches per host: polite to outlets with many feeds
    poll_concurrency: int = setting(64, min=1)
    poll_parse_workers: int = setting(2, min=0)  # parse processes (0 = in the poller's threads, no time cap)
    parse_timeout_s: float = setting(20.0, min=0.1)  # a feed whose parse takes longer is abandoned
    fetch_timeout_s: float = setting(20.0, min=0.1)
    max_body_bytes: int = setting(10 * 1024 * 1024, min=1)
    # A public feed that redirects into our network (SSRF) is refused unless this is set.
    allow_private_redirects: bool = False
    max_text_chars: int = setting(100_000, min=1)
    user_agent: str = "MarsadBot/0.1 (+https://github.com/marsad; news monitoring)"
    state_dir: str = str(Path.home() / ".marsad")
    # Article fetcher (workers/poll/fulltext.py): teaser items are completed from their pages.
    fetch_articles: bool = True
    teaser_max_chars: int = setting(600, min=0)  # a feed text this short, with no feed `content`, is a teaser
    article_extract_workers: int = setting(1, min=0)  # processes extracting page text (0 = threads, no cap)
    article_revisit_s: str = "3600,21600"  # re-fetch an article this long after its first fetch
    article_store_capacity: int = setting(200_000, min=1)  # articles kept for revisits and conditional GET
    crawl_host_concurrency: int = setting(2, min=1)  # page requests in flight per host
    crawl_host_delay_s: float = setting(1.0, min=0)  # minimum gap between request starts to one host
    crawl_max_crawl_delay_s: float = setting(30.0, min=0)  # a robots.txt Crawl-delay is honoured up to this
    crawl_robots_ttl_s: float = setting(86_400.0, min=1)
    crawl_max_redirects: int = setting(5, min=0)
    # "host:port" pairs pages may be fetched from although they resolve to a private address
    # (a local test or demo site); everything else private is refused at connect time.
    crawl_allow_private_hosts: str = ""
    # The shared data folder (corpus for --demo and eval). Empty = ../shared/data next to the checkout
    # or the current folder.
    data_dir: str = ""
    # Processor
    app_id: str = "marsad-processor"
    dedup_window_days: int = setting(1, min=0)  # ACLED events are day-level; see bench/dedup_eval.py
    dedup_ttl_days: int = setting(14, min=1)
    dedup_text_similarity: str = setting("lexical", choices=("lexical", "semantic"))
    # per country (a block since issue 15); past it the least recently reported event leaves
    dedup_max_open_per_block: int = setting(2000, min=1)
    # A report dated later than its fetch time + this skew is taken as fetched then (flagged); one
    # dated before the floor is dead-lettered. Only trusted times move the dedup watermark.
    report_time_skew_s: float = setting(6 * 3600.0, min=0.0)
    report_time_floor: str = "1990-01-01T00:00:00Z"
    # broker-side wait for more input: the latency of each topic hop
    process_fetch_wait_ms: int = setting(20, min=0, max=60_000)
    process_batch_max: int = setting(500, min=1)  # records per poll of the processor's consumer
    # Dead-letter circuit breaker (workers/process/breaker.py): the processor stops consuming when
    # more than this share of one partition's last `window` messages were dead-lettered.
    # A ratio of 1 never trips (the share cannot exceed 1).
    dead_letter_limit_ratio: float = setting(0.5, min=0.0, max=1.0)
    dead_letter_limit_window: int = setting(100, min=1)
    # Downstream of the sink: marsad alert, marsad serve
    alert_rules_file: str = ""  # empty: deploy/alert-rules.yaml as shipped
    alertmanager_url: str = ""  # e.g. http://alertmanager:9093 (v2 API)
    alert_webhook_url: str = ""  # a JSON POST per notice, with an Idempotency-Key header
    alert_group_id: str = "marsad-alert"
    alert_ttl_hours: float = setting(24.0, min=0.01)  # how long a firing alert stays active in Alertmanager
    api_host: str = "127.0.0.1"
    api_port: int = setting(8464, min=0, max=65535)
    # Observability
    metrics_port: int = setting(9464, min=0, max=65535)
    metrics_host: str = "127.0.0.1"
    log_format: str = setting("auto", choices=("auto", "json", "text"))
    log_level: str = setting("INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"))
    # How `marsad run` / `tail` show Arabic: logical (bidi isolates, for bidi terminals) or visual
    # (pre-reordered for terminals without bidi); see workers/display.py.
    display_order: str = setting("logical", choices=("logical", "visual"))

    @property
    def embedded(self) -> bool:
        return not self.kafka_bootstrap

    def replace(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)


class SettingsError(ValueError):
    """One or more settings are invalid; `problems` holds one line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def _coerce(raw: object, kind: type, from_env: bool) -> object:
    """`raw` as `kind`, or ValueError with a short reason. TOML values must already have the type."""
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        if from_env and str(raw).strip().lower() in _TRUE | _FALSE:
            return str(raw).strip().lower() in _TRUE
        raise ValueError("not a boolean (true/false, 1/0, yes/no, on/off)")
    if kind is int:
        if isinstance(raw, bool) or (not from_env and not isinstance(raw, int)):
            raise ValueError("not an integer")
        try:
            return int(str(raw).strip().replace("_", ""))
        except ValueError:
            raise ValueError("not an integer") from None
    if kind is float:
        if isinstance(raw, bool) or (not from_env and not isinstance(raw, int | float)):
            raise ValueError("not a number")
        try:
            return float(str(raw).strip())
        except ValueError:
            raise ValueError("not a number") from None
    if not from_env and not isinstance(raw, str):
        raise ValueError("not a string")
    return str(raw)


def _check(f: dataclasses.Field[Any], value: object) -> str | None:
    meta = f.metadata
    if meta.get("choices") is not None and value not in meta["choices"]:
        return "must be one of " + ", ".join(repr(c) for c in meta["choices"])
    if meta.get("min") is not None and value < meta["min"]:  # type: ignore[operator]
        return f"must be at least {meta['min']}"
    if meta.get("max") is not None and value > meta["max"]:  # type: ignore[operator]
        return f"must be at most {meta['max']}"
    return None


def _shown(f: dataclasses.Field[Any], raw: object) -> str:
    return "(hidden)" if f.metadata.get("secret") else repr(raw)


def load_settings(config_file: str | None = None, env: dict[str, str] | None = None) -> Settings:
    """Build settings: defaults < TOML file (MARSAD_CONFIG or argument) < MARSAD_<FIELD> env vars.

    Raises SettingsError listing every problem, one line each."""
    env = dict(os.environ if env is None else env)
    by_name = {f.name: f for f in fields(Settings)}
    kinds = {name: type(getattr(Settings(), name)) for name in by_name}
    # (field name, raw value, where it came from, from the environment?)
    raw_values: dict[str, tuple[object, str, bool]] = {}
    problems: list[str] = []
    path = config_file or env.get("MARSAD_CONFIG")
    if path:
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except OSError as exc:
            raise SettingsError([f"settings file {path}: {exc.strerror or exc}"]) from None
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError([f"settings file {path}: not valid TOML: {exc}"]) from None
        data = data.get("marsad", data)
        for key, value in data.items():
            if key in by_name:
                raw_values[key] = (value, f"{path}: {key}", False)
            else:
                problems.append(f"{path}: unknown setting {key!r} (settings are the fields of workers/settings.py)")
    for name in by_name:
        key = f"MARSAD_{name.upper()}"
        if key in env:
            raw_values[name] = (env[key], key, True)
    values: dict[str, object] = {}
    for name, (raw, origin, from_env) in raw_values.items():
        f = by_name[name]
        try:
            value = _coerce(raw, kinds[name], from_env)
            if name == "log_level":
                value = {"WARN": "WARNING"}.get(str(value).strip().upper(), str(value).strip().upper())
        except ValueError as exc:
            problems.append(f"{origin}={_shown(f, raw)}: {exc}")
            continue
        why = _check(f, value)
        if why:
            problems.append(f"{origin}={_shown(f, raw)}: {why}")
            continue
        values[name] = value
    if problems:
        raise SettingsError(problems)
    return Settings(**values)  # type: ignore[arg-type]


def unknown_env_settings(env: dict[str, str] | None = None) -> list[str]:
    """MARSAD_* variables that name no setting (likely typos), as warning lines."""
    env = dict(os.environ if env is None else env)
    known = {f"MARSAD_{f.name.upper()}" for f in fields(Settings)} | NON_SETTING_ENV
    out = []
    for key in sorted(k for k in env if k.startswith("MARSAD_") and k not in known):
        close = _closest(key, known)
        out.append(f"{key} is not a Marsad setting; ignored" + (f" (did you mean {close}?)" if close else ""))
    return out


def _closest(key: str, known: set[str]) -> str | None:
    import difflib

    match = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.8)
    return match[0] if match else None


def source_checkout() -> Path | None:
    """The repository root when running from a source checkout (not an installed wheel)."""
    return REPO_ROOT if (REPO_ROOT / "pyproject.toml").is_file() else None


def packaged_file(relative: str) -> Path:
    """A project file shipped outside the Python packages (deploy/feeds.toml, eval/*.jsonl).

    From a checkout it is the repository's file; from an installed wheel it is the copy the wheel
    installed under <prefix>/share/marsad/ (pyproject.toml's data-files)."""
    checkout = source_checkout()
    if checkout is not None:
        return checkout / relative
    name = Path(relative).name
    from importlib import metadata

    try:
        for entry in metadata.files("marsad") or []:
            if entry.name == name and "share/marsad" in entry.as_posix():
                return Path(str(entry.locate())).resolve()
    except metadata.PackageNotFoundError:
        pass
    return Path(sys.prefix) / "share" / "marsad" / name


def feeds_file(settings: Settings) -> Path:
    return Path(settings.feeds_file) if settings.feeds_file else packaged_file("deploy/feeds.toml")


def data_dir(settings: Settings) -> Path:
    """The shared data folder: MARSAD_DATA_DIR / --data, else ../shared/data beside the checkout or
    the current folder, else ./shared/data. May not exist: callers say so when they need it."""
    if settings.data_dir:
        return Path(settings.data_dir).expanduser()
    candidates = []
    checkout = source_checkout()
    if checkout is not None:
        candidates.append(checkout.parent / "shared" / "data")
    candidates += [Path.cwd().parent / "shared" / "data", Path.cwd() / "shared" / "data"]
    return next((c for c in candidates if c.is_dir()), candidates[0])


__all__ = [
    "Settings",
    "SettingsError",
    "load_settings",
    "unknown_env_settings",
    "REPO_ROOT",
    "feeds_file",
    "data_dir",
    "packaged_file",
]
