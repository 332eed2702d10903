"""All settings in one place: defaults, then an optional TOML file, then MARSAD_* env vars."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    # Kafka. Empty bootstrap = start the embedded tansu broker.
    kafka_bootstrap: str = ""
    kafka_security_protocol: str = "PLAINTEXT"
    kafka_sasl_mechanism: str = ""
    kafka_sasl_username: str = ""
    kafka_sasl_password: str = ""
    kafka_ssl_cafile: str = ""
    topic_prefix: str = "marsad"
    partitions: int = 4
    replication_factor: int = 1
    # Poller
    feeds_file: str = str(REPO_ROOT / "deploy" / "feeds.toml")
    poll_interval_s: float = 300.0
    poll_per_host: int = 2  # concurrent fetches per host: polite to outlets with many feeds
    poll_concurrency: int = 64
    poll_parse_workers: int = 2  # processes that parse feeds (0 = in the poller's threads, no time cap)
    parse_timeout_s: float = 20.0  # a feed whose parse takes longer is abandoned (needs parse workers)
    fetch_timeout_s: float = 20.0
    max_body_bytes: int = 10 * 1024 * 1024
    # A public feed that redirects into our network (SSRF) is refused unless this is set.
    allow_private_redirects: bool = False
    max_text_chars: int = 100_000
    user_agent: str = "MarsadBot/0.1 (+https://github.com/marsad; news monitoring)"
    state_dir: str = str(Path.home() / ".marsad")
    # Processor
    app_id: str = "marsad-processor"
    dedup_window_days: int = 1  # ACLED events are day-level; see bench/dedup_eval.py
    dedup_ttl_days: int = 14
    dedup_text_similarity: str = "lexical"  # lexical | semantic (multilingual USE sentence embeddings)
    dedup_max_open_per_block: int = 2000  # per country (a block since issue 15); past it the least recently reported event leaves
    # A report dated later than its fetch time + this skew is taken as fetched then (flagged); one
    # dated before the floor is dead-lettered. Only trusted times move the dedup watermark.
    report_time_skew_s: float = 6 * 3600.0
    report_time_floor: str = "1990-01-01T00:00:00Z"
    process_fetch_wait_ms: int = 20  # broker-side wait for more input: the latency of each topic hop
    process_batch_max: int = 500  # records per poll of the processor's consumer
    # Observability
    metrics_port: int = 9464
    metrics_host: str = "127.0.0.1"
    log_format: str = "auto"  # auto | json | text
    log_level: str = "INFO"

    @property
    def embedded(self) -> bool:
        return not self.kafka_bootstrap

    def replace(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)


def _coerce(raw: object, target: object) -> object:
    if isinstance(target, bool):
        return str(raw).strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(target, int):
        return int(raw)  # type: ignore[arg-type]
    if isinstance(target, float):
        return float(raw)  # type: ignore[arg-type]
    return str(raw)


def load_settings(config_file: str | None = None, env: dict[str, str] | None = None) -> Settings:
    """Build settings: defaults < TOML file (MARSAD_CONFIG or argument) < MARSAD_<FIELD> env vars."""
    env = dict(os.environ if env is None else env)
    base = Settings()
    values: dict[str, object] = {}
    path = config_file or env.get("MARSAD_CONFIG")
    if path:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        data = data.get("marsad", data)
        known = {f.name for f in fields(Settings)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown settings in {path}: {sorted(unknown)}")
        values.update(data)
    for f in fields(Settings):
        key = f"MARSAD_{f.name.upper()}"
        if key in env:
            values[f.name] = env[key]
    coerced = {k: _coerce(v, getattr(base, k)) for k, v in values.items()}
    return Settings(**coerced)  # type: ignore[arg-type]


__all__ = ["Settings", "load_settings", "REPO_ROOT"]
