"""Alert rules: loaded from YAML, checked against schemas/alert_rules.json, evaluated per event version.

A rule's filters (country, admin1, types, actors, minimums, confidence, lead only) decide whether an
event alerts; its `levels` decide how loud: level 1 when the filters hold, one more per `levels`
entry the event also meets. A new version of an event re-alerts only at a higher level, so a toll
that passes the next threshold or a second independent source is news, a re-worded report is not.

Killed thresholds compare with the highest killed figure a source gives: a merged event's lower
bound only falls as sources are added (it is the lowest report), so a rising toll shows in the top
of the range. The ACLED export keeps the conservative (lowest) figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from workers.acled import highest_killed, independent_sources, inter_code
from workers.contracts import validation_errors

RULES_SCHEMA = "alert_rules.json"
_KIND_BY_INTER = {1: "state", 2: "nonstate", 3: "nonstate", 4: "nonstate", 7: "civilians", 8: "international"}


class RulesFileError(ValueError):
    pass


@dataclass(frozen=True)
class Thresholds:
    min_killed: int | None = None
    min_wounded: int | None = None
    min_sources: int | None = None

    def met_by(self, event: Mapping[str, Any]) -> bool:
        if self.min_killed is not None and (highest_killed(event) or 0) < self.min_killed:
            return False
        wounded = (event.get("casualties") or {}).get("wounded")
        top_wounded = (wounded["max"] if wounded["max"] is not None else wounded["min"]) if wounded else 0
        if self.min_wounded is not None and top_wounded < self.min_wounded:
            return False
        return not (self.min_sources is not None and independent_sources(event) < self.min_sources)


@dataclass(frozen=True)
class Rule:
    name: str
    severity: str = "warning"
    countries: frozenset[str] = frozenset()  # upper-cased codes or names
    admin1: frozenset[str] = frozenset()  # lower-cased
    event_types: frozenset[str] = frozenset()
    sub_event_types: frozenset[str] = frozenset()
    actors: frozenset[str] = frozenset()  # lower-cased ids or names
    actor_kinds: frozenset[str] = frozenset()
    base: Thresholds = field(default_factory=Thresholds)
    min_confidence: float | None = None
    lead_only: bool = False
    levels: tuple[Thresholds, ...] = ()

    def matches(self, event: Mapping[str, Any]) -> bool:
        loc = event.get("location") or {}
        if self.countries and not (
            (loc.get("country_code") or "").upper() in self.countries
            or (loc.get("country") or "").upper() in self.countries
        ):
            return False
        if self.admin1 and (loc.get("admin1_name") or loc.get("admin1") or "").lower() not in self.admin1:
            return False
        if self.event_types and event["event_type"] not in self.event_types:
            return False
        if self.sub_event_types and event["sub_event_type"] not in self.sub_event_types:
            return False
        actors = event.get("actors", [])
        if self.actors and not any(
            a["id"].lower() in self.actors or a["name"].lower() in self.actors for a in actors
        ):
            return False
        if self.actor_kinds and not any(
            _KIND_BY_INTER.get(inter_code(a)) in self.actor_kinds for a in actors
        ):
            return False
        if self.min_confidence is not None and float(event.get("confidence", 0)) < self.min_confidence:
            return False
        if self.lead_only and not event.get("lead", False):
            return False
        return self.base.met_by(event)

    def level(self, event: Mapping[str, Any]) -> int:
        """0 when the rule does not match; else 1 + the number of `levels` entries the event meets."""
        if not self.matches(event):
            return 0
        return 1 + sum(1 for t in self.levels if t.met_by(event))


def _thresholds(spec: Mapping[str, Any]) -> Thresholds:
    return Thresholds(spec.get("min_killed"), spec.get("min_wounded"), spec.get("min_sources"))


def parse_rules(data: Any, origin: str = "rules") -> list[Rule]:
    errors = validation_errors(RULES_SCHEMA, data)
    if errors:
        raise RulesFileError(f"{origin}: " + "; ".join(errors))
    rules = []
    for spec in data["rules"]:
        rules.append(
            Rule(
                name=spec["name"],
                severity=spec.get("severity", "warning"),
                countries=frozenset(c.upper() for c in spec.get("country", [])),
                admin1=frozenset(a.lower() for a in spec.get("admin1", [])),
                event_types=frozenset(spec.get("event_type", [])),
                sub_event_types=frozenset(spec.get("sub_event_type", [])),
                actors=frozenset(a.lower() for a in spec.get("actor", [])),
                actor_kinds=frozenset(spec.get("actor_kind", [])),
                base=_thresholds(spec),
                min_confidence=spec.get("min_confidence"),
                lead_only=spec.get("lead_only", False),
                levels=tuple(_thresholds(t) for t in spec.get("levels", [])),
            )
        )
    names = [r.name for r in rules]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise RulesFileError(f"{origin}: duplicate rule names {duplicates}")
    return rules


def load_rules(path: str | Path) -> list[Rule]:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RulesFileError(f"{path}: not YAML: {exc}") from None
    return parse_rules(data, str(path))
