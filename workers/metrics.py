"""Every Prometheus metric Marsad exports, defined once (names, types, labels, help).

Conventions: `marsad_` prefix, `_total` for counters, `_seconds` for durations, base units,
low-cardinality labels only (stage, reason, feed id, event type, country -- never item or event ids).
Feed ids come from the operator's feeds file, so a `feed` label is bounded by its length.

Each process exports only its own role's series: the metrics of a role are registered in
`REGISTRY` by `use_role` when the worker starts (a poller shows no dedup gauge at 0, a processor
no fetch histogram). The standard process_* / python_* collectors are always there. No `*_created`
samples: Prometheus does not need them and they doubled the series count.

Reconciliation per stage: items_in_total == items_out_total + items_rejected_total (+ merged for dedup).
Every rejected message is a dead letter, so `items_rejected_total` is also the dead-letter count.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    Info,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from workers import __version__

disable_created_metrics()

REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)

STAGES = ("poll", "extract", "dedup")
ROLES = ("poller", "processor", "alert")

# Both roles
items_in = Counter("marsad_items_in_total", "Messages a stage received.", ["stage"], registry=None)
items_out = Counter(
    "marsad_items_out_total",
    "Messages a stage finished and passed on (poll: items published; extract: items processed; "
    "dedup: candidates that opened a new event).",
    ["stage"],
    registry=None,
)
items_rejected = Counter(
    "marsad_items_rejected_total",
    "Messages a stage could not process and sent to the dead-letter topic (one dead letter each).",
    ["stage", "reason"],
    registry=None,
)
broker_up = Gauge(
    "marsad_broker_connected",
    "1 when the worker's last broker operation succeeded, else 0.",
    ["worker"],
    registry=None,
)
worker_info = Info("marsad_worker", "The role and version of this Marsad process.", registry=None)
worker_ready = Gauge(
    "marsad_worker_ready", "1 when the worker is ready (as /readyz answers).", ["worker"], registry=None
)

# Poller
feed_polls = Counter(
    "marsad_feed_polls_total",
    "Feed fetches by outcome (ok, not_modified, error).",
    ["feed", "outcome"],
    registry=None,
)
feed_errors = Counter(
    "marsad_feed_errors_total",
    "Feed fetch or parse errors by kind (timeout, http_4xx, http_5xx, too_large, network, parse, refused).",
    ["feed", "kind"],
    registry=None,
)
feed_fetch_latency = Histogram(
    "marsad_feed_fetch_seconds",
    "Feed fetch duration (request to last byte), per feed.",
    ["feed"],
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30),  # few buckets: one set per feed
    registry=None,
)
feed_entries = Counter(
    "marsad_feed_entries_total",
    "Feed entries seen by the poller, by outcome (new, seen, rejected).",
    ["feed", "outcome"],
    registry=None,
)
feed_last_success = Gauge(
    "marsad_feed_last_success_timestamp_seconds",
    "Unix time of the last successful poll of a feed (for stale-feed alerts).",
    ["feed"],
    registry=None,
)

# Processor: extraction and dedup
stage_latency = Histogram(
    "marsad_stage_processing_seconds",
    "Time a stage spent on one message.",
    ["stage"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
    registry=None,
)
items_merged = Counter(
    "marsad_items_merged_total", "Candidates the dedup stage merged into an existing event.", registry=None
)
events_extracted = Counter(
    "marsad_events_extracted_total", "Single-report events the extractor found.", ["event_type"], registry=None
)
events_emitted = Counter(
    "marsad_events_emitted_total",
    "Event versions written to the sink topic, by type, country and kind (new, update, or merged: a tombstone).",
    ["event_type", "country", "kind"],
    registry=None,
)
dedup_state_events = Gauge(
    "marsad_dedup_state_events", "Open events held in this worker's dedup state.", registry=None
)
freshness = Histogram(
    "marsad_event_freshness_seconds",
    "Publication time of the newest report -> its event version on the sink.",
    buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400),
    registry=None,
)
consumer_lag = Gauge(
    "marsad_consumer_lag_messages",
    "Messages on an input partition not yet processed by this worker's consumer group "
    "(highwater - committed).",
    ["topic", "partition"],
    registry=None,
)

dedup_evicted = Counter(
    "marsad_dedup_evicted_total",
    "Open events dropped from dedup state, by reason: ttl (not reported since watermark - TTL) or "
    "block_cap (the block held more than MARSAD_DEDUP_MAX_OPEN_PER_BLOCK; the least recently reported goes).",
    ["reason"],
    registry=None,
)
report_times_clamped = Counter(
    "marsad_report_times_clamped_total",
    "Items whose publication time was later than fetched_at + MARSAD_REPORT_TIME_SKEW_S (or unreadable) "
    "and was replaced by fetched_at.",
    registry=None,
)

# Article fetcher (workers/poll/fulltext.py, crawler.py)
article_pages = Counter(
    "marsad_article_pages_total",
    "Article page fetches by outcome (fetched, not_modified, failed).",
    ["outcome"],
    registry=None,
)
article_failures = Counter(
    "marsad_article_failures_total",
    "Article pages that gave no text, by reason (robots, refused, timeout, network, too_large, http_4xx, "
    "http_5xx, extract_timeout, no_text, ...). The item keeps its feed teaser.",
    ["reason"],
    registry=None,
)
article_robots_denied = Counter(
    "marsad_article_robots_denied_total", "Page fetches robots.txt did not allow.", registry=None
)
article_text_chars = Histogram(
    "marsad_article_text_chars",
    "Length of the text an item carries when published (characters), by text source.",
    ["text_source"],
    buckets=(100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600),
    registry=None,
)
article_items = Counter(
    "marsad_article_items_total",
    "Items published by where their text came from (article page or feed); teaser items whose page "
    "failed count as feed. Share: article / sum.",
    ["text_source"],
    registry=None,
)
article_revisions = Counter(
    "marsad_article_revisions_total",
    "Revised articles republished (same item_id, higher revision), by trigger (feed_updated, schedule).",
    ["trigger"],
    registry=None,
)

# Downstream consumers of the sink (marsad alert, marsad serve).
alerts_sent = Counter(
    "marsad_alerts_sent_total",
    "Alert notices delivered by `marsad alert` (status: firing, resolved).",
    ["rule", "status"],
    registry=None,
)
alert_delivery_failures = Counter(
    "marsad_alert_delivery_failures_total",
    "Failed deliveries to Alertmanager or the webhook (each is retried).",
    registry=None,
)
breaker_open = Gauge(
    "marsad_dead_letter_breaker_open",
    "1 while a stage has stopped consuming because too many of a partition's recent messages were "
    "dead-lettered (workers/process/breaker.py).",
    ["stage", "topic", "partition"],
    registry=None,
)

# Poller state and delivery checks (issue 16)
poller_state_writable = Gauge(
    "marsad_poller_state_writable",
    "1 when the poller's seen-set (state dir) accepts writes; 0 while it does not (disk full, read-only): "
    "publishing of new items is paused then.",
    registry=None,
)
poller_state_write_errors = Counter(
    "marsad_poller_state_write_errors_total",
    "Failed writes to the poller's seen-set (disk full, read-only, I/O error).",
    registry=None,
)
items_republished = Counter(
    "marsad_items_republished_total",
    "Acknowledged items found missing from the items topic and published again, by who found them "
    "(verify: the poller's check after a broker restart; audit: `marsad audit --repair`).",
    ["by"],
    registry=None,
)

COMMON: tuple[Collector, ...] = (broker_up, worker_info, worker_ready)
BY_ROLE: dict[str, tuple[Collector, ...]] = {
    "poller": (items_in, items_out, items_rejected, feed_polls, feed_errors, feed_fetch_latency,
               feed_entries, feed_last_success, article_pages, article_failures, article_robots_denied,
               article_text_chars, article_items, article_revisions,
               poller_state_writable, poller_state_write_errors, items_republished),
    "processor": (items_in, items_out, items_rejected, stage_latency, items_merged, events_extracted,
                  events_emitted, dedup_state_events, freshness, consumer_lag, breaker_open,
                  dedup_evicted, report_times_clamped),
    "alert": (alerts_sent, alert_delivery_failures),
}
ALL: tuple[Collector, ...] = tuple(
    dict.fromkeys(COMMON + tuple(c for role in BY_ROLE.values() for c in role))
)

for _collector in COMMON:
    REGISTRY.register(_collector)
_registered: set[int] = {id(c) for c in COMMON}


def use_role(role: str) -> None:
    """Export the metrics of `role` from this process (idempotent; a process may run both roles)."""
    for collector in BY_ROLE[role]:
        if id(collector) not in _registered:
            REGISTRY.register(collector)
            _registered.add(id(collector))
    roles = sorted(r for r in ROLES if all(id(c) in _registered for c in BY_ROLE[r]))
    worker_info.info({"role": "+".join(roles), "version": __version__})


def families() -> Iterator[Metric]:
    """Every Marsad metric family of both roles, registered or not (for tests and tools)."""
    for collector in ALL:
        yield from collector.collect()
