"""Every Prometheus metric Marsad exports, defined once (names, types, labels, help).

Conventions: `marsad_` prefix, `_total` for counters, `_seconds` for durations, base units,
low-cardinality labels only (stage, reason, feed id, event type, country -- never item or event ids).

Reconciliation per stage: items_in_total == items_out_total + items_rejected_total (+ merged for dedup).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

STAGES = ("poll", "extract", "dedup")

items_in = Counter("marsad_items_in_total", "Messages a stage received.", ["stage"], registry=REGISTRY)
items_out = Counter(
    "marsad_items_out_total",
    "Messages a stage finished and passed on (poll: items published; extract: items processed; "
    "dedup: candidates that opened a new event).",
    ["stage"],
    registry=REGISTRY,
)
items_rejected = Counter(
    "marsad_items_rejected_total",
    "Messages a stage could not process and sent to the dead-letter topic.",
    ["stage", "reason"],
    registry=REGISTRY,
)
items_merged = Counter(
    "marsad_items_merged_total",
    "Candidates the dedup stage merged into an existing event.",
    registry=REGISTRY,
)
dead_letters = Counter(
    "marsad_dead_letters_total",
    "Records written to the dead-letter topic.",
    ["stage", "reason"],
    registry=REGISTRY,
)
stage_latency = Histogram(
    "marsad_stage_processing_seconds",
    "Time a stage spent on one message.",
    ["stage"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
    registry=REGISTRY,
)

# Poller
feed_polls = Counter(
    "marsad_feed_polls_total",
    "Feed fetches by outcome (ok, not_modified, error).",
    ["feed", "outcome"],
    registry=REGISTRY,
)
feed_errors = Counter(
    "marsad_feed_errors_total",
    "Feed fetch or parse errors by kind (timeout, http_4xx, http_5xx, too_large, network, parse, refused).",
    ["feed", "kind"],
    registry=REGISTRY,
)
feed_fetch_latency = Histogram(
    "marsad_feed_fetch_seconds",
    "Feed fetch duration (request to last byte).",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30),
    registry=REGISTRY,
)
feed_entries = Counter(
    "marsad_feed_entries_total",
    "Feed entries seen by the poller, by outcome (new, seen, rejected).",
    ["feed", "outcome"],
    registry=REGISTRY,
)
feed_last_success = Gauge(
    "marsad_feed_last_success_timestamp_seconds",
    "Unix time of the last successful poll of a feed (for stale-feed alerts).",
    ["feed"],
    registry=REGISTRY,
)

# Extraction and dedup
events_extracted = Counter(
    "marsad_events_extracted_total",
    "Single-report events the extractor found.",
    ["event_type"],
    registry=REGISTRY,
)
events_emitted = Counter(
    "marsad_events_emitted_total",
    "Event versions written to the sink topic, by type, country and kind (new, update, or merged: a tombstone).",
    ["event_type", "country", "kind"],
    registry=REGISTRY,
)
dedup_state_events = Gauge(
    "marsad_dedup_state_events", "Open events held in this worker's dedup state.", registry=REGISTRY
)
freshness = Histogram(
    "marsad_event_freshness_seconds",
    "Publication time of the newest report -> its event version on the sink.",
    buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400),
    registry=REGISTRY,
)
broker_up = Gauge(
    "marsad_broker_connected",
    "1 when the worker's last broker operation succeeded, else 0.",
    ["worker"],
    registry=REGISTRY,
)
worker_info = Gauge(
    "marsad_worker_up", "1 while the worker runs (labels name the worker).", ["worker"], registry=REGISTRY
)
worker_ready = Gauge(
    "marsad_worker_ready", "1 when the worker is ready (as /readyz answers).", ["worker"], registry=REGISTRY
)

consumer_lag = Gauge(
    "marsad_consumer_lag_messages",
    "Messages on a partition not yet processed by this worker's consumer group (highwater - committed).",
    ["topic", "partition"],
    registry=REGISTRY,
)
dedup_evicted = Counter(
    "marsad_dedup_evicted_total",
    "Open events dropped from dedup state, by reason: ttl (not reported since watermark - TTL) or "
    "block_cap (the block held more than MARSAD_DEDUP_MAX_OPEN_PER_BLOCK; the least recently reported goes).",
    ["reason"],
    registry=REGISTRY,
)
report_times_clamped = Counter(
    "marsad_report_times_clamped_total",
    "Items whose publication time was later than fetched_at + MARSAD_REPORT_TIME_SKEW_S (or unreadable) "
    "and was replaced by fetched_at.",
    registry=REGISTRY,
)
