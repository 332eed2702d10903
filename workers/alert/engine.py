"""Alert decisions, without Kafka or HTTP: a sink record + what was alerted before -> notices to send.

- a version that matches a rule for the first time fires it (level 1 or more);
- a later version fires again only at a higher level; the lower level's alert is resolved, so
  Alertmanager shows one alert per event and rule;
- a record that removes the event (merged into another, or a tombstone) resolves its alerts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from workers.acled import acled_record
from workers.alert.rules import Rule
from workers.alert.state import AlertState, AlertStore
from workers.sinkview import SinkRecord

ALERT_NAME = "MarsadEvent"
SOURCE_LINKS_MAX = 10


@dataclass(frozen=True)
class Notice:
    """One alert to send: its Alertmanager shape plus the idempotency key and the state it leaves."""

    key: str  # event/rule/level: the same notice always has the same key
    status: str  # firing | resolved
    labels: dict[str, str]
    annotations: dict[str, str]
    starts_at: str
    ends_at: str
    generator_url: str
    state: AlertState
    event: Mapping[str, Any] | None = None

    def alertmanager(self) -> dict[str, Any]:
        """The alert as Alertmanager's v2 API takes it (POST /api/v2/alerts)."""
        body: dict[str, Any] = {
            "labels": self.labels,
            "annotations": self.annotations,
            "startsAt": self.starts_at,
            "endsAt": self.ends_at,
        }
        if self.generator_url:
            body["generatorURL"] = self.generator_url
        return body

    def webhook(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "status": self.status,
            "labels": self.labels,
            "annotations": self.annotations,
            "startsAt": self.starts_at,
            "endsAt": self.ends_at,
            "event": self.event,
        }


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _labels(event: Mapping[str, Any], rule: Rule, level: int) -> dict[str, str]:
    loc = event.get("location") or {}
    labels = {
        "alertname": ALERT_NAME,
        "event_id": event["event_id"],
        "rule": rule.name,
        "level": str(level),
        "severity": rule.severity,
        "event_type": event["event_type"],
        "sub_event_type": event["sub_event_type"],
        "country": loc.get("country_code") or "",
        "admin1": loc.get("admin1") or "",
    }
    return {k: v for k, v in labels.items() if v}


def _annotations(event: Mapping[str, Any], outlet_countries: Mapping[str, str]) -> dict[str, str]:
    row = acled_record(event, outlet_countries)
    urls = list(dict.fromkeys(s["url"] for s in event.get("sources", [])))[:SOURCE_LINKS_MAX]
    killed = (event.get("casualties") or {}).get("killed")
    toll = ""
    if killed:
        top = killed["max"] if killed["max"] is not None else f"{killed['min']}+"
        toll = str(killed["min"]) if killed["max"] == killed["min"] else f"{killed['min']}-{top}"
    annotations = {
        "summary": row.notes,
        "summary_ar": row.summary_ar,
        "sources": "\n".join(urls),
        "source_outlets": row.source,
        "independent_sources": str(row.independent_sources),
        "killed": toll,
        "event_date": row.event_date or "",
        "location": ", ".join(x for x in (row.location, row.admin1, row.country) if x),
        "event_version": str(row.version),
    }
    return {k: v for k, v in annotations.items() if v}


class AlertEngine:
    def __init__(
        self,
        rules: list[Rule],
        store: AlertStore,
        outlet_countries: Mapping[str, str] | None = None,
        alert_ttl: timedelta = timedelta(hours=24),
    ):
        self.rules = rules
        self.store = store
        self.outlet_countries = outlet_countries or {}
        self.alert_ttl = alert_ttl

    def decide(self, record: SinkRecord, now: datetime | None = None) -> list[Notice]:
        now = now or datetime.now(UTC)
        if record.removed:
            return [
                self._resolve(state, None, now)
                for state in self.store.for_event(record.event_id)
                if state.status == "firing"
            ]
        event = record.event
        assert event is not None
        notices: list[Notice] = []
        for rule in self.rules:
            level = rule.level(event)
            before = self.store.get(event["event_id"], rule.name)
            if level == 0 or (before is not None and (before.status != "firing" or level <= before.level)):
                continue
            if before is not None:
                notices.append(self._resolve(before, event, now))
            labels = _labels(event, rule, level)
            starts = before.starts_at if before else _iso(now)
            state = AlertState(event["event_id"], rule.name, level, "firing", labels, starts)
            urls = [s["url"] for s in event.get("sources", []) if s.get("url", "").startswith("http")]
            notices.append(
                Notice(
                    key=f"{event['event_id']}/{rule.name}/{level}",
                    status="firing",
                    labels=labels,
                    annotations=_annotations(event, self.outlet_countries),
                    starts_at=starts,
                    ends_at=_iso(now + self.alert_ttl),
                    generator_url=urls[0] if urls else "",
                    state=state,
                    event=event,
                )
            )
        return notices

    def _resolve(self, state: AlertState, event: Mapping[str, Any] | None, now: datetime) -> Notice:
        why = (
            f"superseded by a higher level of rule {state.rule}"
            if event is not None
            else f"event {state.event_id} was merged into another event or removed"
        )
        return Notice(
            key=f"{state.event_id}/{state.rule}/{state.level}/resolved",
            status="resolved",
            labels=state.labels,
            annotations={"summary": why},
            starts_at=state.starts_at,
            ends_at=_iso(now),
            generator_url="",
            state=replace(state, status="resolved"),
            event=event,
        )

    def record(self, notices: list[Notice]) -> None:
        """Remember what was delivered (after delivery succeeded). A superseded level is overwritten
        by the new level's firing state, which comes after it in the list."""
        self.store.put([n.state for n in notices])
