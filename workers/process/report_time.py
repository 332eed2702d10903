"""Report times the processor can trust, decided once, at ingestion (before extraction).

Dedup runs on event time: its watermark is the newest report time applied, and events not
reported since watermark - TTL expire. One feed item dated 2099 (feeds do carry `9999-12-31`; a
year typo 15 days ahead is enough) used to empty the whole dedup state (issue 11). So:

- published later than `fetched_at` + skew, or unreadable: the item counts as published when it
  was fetched; the claimed time stays on its source as `published_at_claimed` (flagged, not lost);
- published (or fetched) before the floor (`0001-01-01`): dead letter, reason `implausible_time`.

After this, every report time is at most fetched_at + skew, so the watermark only moves with time
the poller observed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from workers import metrics
from workers.contracts import ContractError


@dataclass(frozen=True)
class TimePolicy:
    skew: timedelta = timedelta(hours=6)  # settings.report_time_skew_s
    floor: datetime = datetime(1990, 1, 1, tzinfo=UTC)  # settings.report_time_floor


def policy_for(skew_s: float, floor: str) -> TimePolicy:
    return TimePolicy(timedelta(seconds=skew_s), _parse(floor) or datetime(1990, 1, 1, tzinfo=UTC))


def _parse(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def clamp_report_time(item: dict[str, Any], policy: TimePolicy) -> dict[str, Any]:
    """The item with a trusted `published_at` (a copy when it changes), or ContractError."""
    fetched = _parse(item.get("fetched_at"))
    if fetched is None or fetched < policy.floor:
        raise ContractError("implausible_time", f"fetched_at {item.get('fetched_at')!r} is before the floor")
    claimed = item.get("published_at")
    if claimed is None:
        return item
    published = _parse(claimed)
    if published is not None and published < policy.floor:
        raise ContractError("implausible_time", f"published_at {claimed!r} is before {_iso(policy.floor)}")
    if published is not None and published <= fetched + policy.skew:
        return item
    metrics.report_times_clamped.inc()
    return {**item, "published_at": _iso(fetched), "published_at_claimed": str(claimed)[:64]}
