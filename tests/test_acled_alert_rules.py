"""Pure parts of the analyst outputs: the ACLED view, sink records, alert rules and decisions."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from workers.acled import COLUMNS, acled_record
from workers.alert.engine import AlertEngine
from workers.alert.rules import RulesFileError, load_rules, parse_rules
from workers.alert.state import AlertStore
from workers.export import EventFilter, rows
from workers.settings import REPO_ROOT
from workers.sinkview import LatestEvents, Progress, UnreadableRecord, parse_record, parse_since

NOW = datetime(2019, 3, 11, 12, 0, tzinfo=UTC)


def event(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "schema_version": 1,
        "event_id": "ev-0123456789abcdef",
        "version": 1,
        "event_type": "explosions_remote_violence",
        "sub_event_type": "air_drone_strike",
        "actors": [
            {"id": "SYR-GOV", "name": "Syrian government forces", "role": "actor"},
            {"id": "CIVILIANS", "name": "Civilians", "role": "target"},
        ],
        "location": {
            "id": "g:1",
            "name": "Douma",
            "admin1": "Rif Dimashq",
            "country_code": "SY",
            "country": "Syria",
            "lat": 33.57,
            "lon": 36.4,
            "precision": "place",
        },
        "date": "2019-03-11",
        "casualties": {"killed": {"min": 5, "max": 12}, "wounded": None, "captured": None, "displaced": None},
        "attributions": [{"speaker": "المرصد", "speaker_id": "SOHR", "item_id": "a"}],
        "sources": [
            {"item_id": "a", "source": "Outlet A", "url": "https://a.example/1", "copy_of": None},
            {"item_id": "b", "source": "Outlet B", "url": "https://b.example/1", "copy_of": None},
            {"item_id": "c", "source": "Outlet C", "url": "https://c.example/1", "copy_of": "a"},
        ],
        "first_reported_at": "2019-03-11T09:30:00Z",
        "last_reported_at": "2019-03-11T12:30:00Z",
        "evidence": [],
        "confidence": 0.9,
        "summary": "قصف جوي على دوما",
        "changes": [],
        "lead": True,
    }
    base.update(over)
    return base


def test_acled_record_derives_every_field() -> None:
    r = acled_record(event(), {"Outlet A": "SY", "Outlet B": "AE", "Outlet C": "GB"})
    assert (r.event_type, r.sub_event_type, r.disorder_type) == (
        "Explosions/Remote violence",
        "Air/drone strike",
        "Political violence",
    )
    assert (r.actor1, r.inter1, r.actor2, r.inter2, r.interaction) == (
        "Syrian government forces",
        1,
        "Civilians",
        7,
        17,
    )
    assert r.civilian_targeting == "Civilian targeting"
    assert (r.event_date, r.year, r.time_precision, r.geo_precision) == ("2019-03-11", 2019, 1, 1)
    assert (r.admin1, r.location, r.latitude, r.longitude) == ("Rif Dimashq", "Douma", 33.57, 36.4)
    assert r.fatalities == 5 and r.fatalities_max == 12, "ACLED's conservative figure is the lowest"
    assert r.source == "Outlet A; Outlet B; Outlet C" and r.independent_sources == 2
    assert r.source_scale == "National-Regional-International"
    assert r.notes == (
        "On 11 March 2019, Syrian government forces carried out an air/drone strike on Civilians in "
        "Douma, Rif Dimashq, Syria. 5-12 killed. According to Syrian Observatory for Human Rights "
        "(via Outlet A, Outlet B, Outlet C)."
    )
    assert r.summary_ar == "قصف جوي على دوما"
    assert list(r.__dataclass_fields__) == list(COLUMNS)


def test_acled_record_uses_fields_other_stages_publish() -> None:
    e = event(time_precision=2, geo_precision=2)
    e["actors"][0]["inter"] = 8
    e["location"].update(admin2="Duma District", admin3="Duma Subdistrict", admin1="Rif Dimashq")
    r = acled_record(e)
    assert (r.inter1, r.interaction, r.time_precision, r.geo_precision) == (8, 78, 2, 2)
    assert (r.admin2, r.admin3) == ("Duma District", "Duma Subdistrict")


def test_acled_defaults_for_crowds_vague_places_and_missing_dates() -> None:
    e = event(
        event_type="protests",
        sub_event_type="peaceful_protest",
        actors=[],
        date=None,
        casualties={"killed": None, "wounded": None, "captured": None, "displaced": None},
    )
    e["location"]["precision"] = "admin1"
    r = acled_record(e)
    assert (r.actor1, r.inter1, r.actor2, r.inter2, r.interaction) == ("Protesters (Syria)", 6, "", 0, 60)
    assert (r.disorder_type, r.fatalities, r.geo_precision) == ("Demonstrations", 0, 3)
    assert (r.event_date, r.time_precision) == ("2019-03-11", 2), "first report's day, within a week"
    assert r.source_scale == "Other", "no outlet country known"
    assert r.notes.startswith("On 11 March 2019, Protesters (Syria) protested in Douma")


def test_battle_sides_and_open_ended_figures() -> None:
    e = event(
        event_type="battles",
        sub_event_type="armed_clash",
        actors=[
            {"id": "SDF", "name": "Syrian Democratic Forces", "role": "actor"},
            {"id": "ISIS", "name": "Islamic State", "role": "actor"},
        ],
        casualties={"killed": {"min": 24, "max": None}, "wounded": None, "captured": None, "displaced": None},
    )
    r = acled_record(e)
    assert (r.actor1, r.actor2, r.interaction, r.fatalities) == (
        "Syrian Democratic Forces",
        "Islamic State",
        22,
        24,
    )
    assert "clashed with Islamic State" in r.notes and "At least 24 killed." in r.notes


def test_sink_records_and_latest_view() -> None:
    view = LatestEvents()
    v1, v2 = event(), event(version=2)
    view.apply(parse_record(b"ev-0123456789abcdef", _json(v2)))
    view.apply(parse_record(b"ev-0123456789abcdef", _json(v1)))  # an older version arriving late
    assert view.events["ev-0123456789abcdef"]["version"] == 2
    other = event(event_id="ev-00000000000000ff")
    view.apply(parse_record(b"ev-00000000000000ff", _json(other)))
    view.apply(
        parse_record(b"x", b'{"event_id": "ev-00000000000000ff", "merged_into": "ev-0123456789abcdef"}')
    )
    view.apply(parse_record(b"ev-gone", None))
    assert set(view.events) == {"ev-0123456789abcdef"}
    assert view.merged == {"ev-00000000000000ff": "ev-0123456789abcdef", "ev-gone": None}
    for bad in (b"\xff", b"[1]", b'{"event_id": "x"}'):
        with pytest.raises(UnreadableRecord):
            parse_record(b"k", bad)


def test_export_filter_and_progress_bar() -> None:
    events = [event(), event(event_id="ev-00000000000000ee", date="2019-03-01")]
    events[1]["location"] = dict(events[1]["location"], country_code="YE", country="Yemen")
    assert [r["event_id_cnty"] for r in rows(events, EventFilter(), {})] == [
        "ev-00000000000000ee",
        "ev-0123456789abcdef",
    ]
    since = EventFilter(since=datetime(2019, 3, 5).date())
    assert [r["country_code"] for r in rows(events, since, {})] == ["SY"]
    assert [r["country"] for r in rows(events, EventFilter(countries=frozenset({"YEMEN"})), {})] == ["Yemen"]
    out = io.StringIO()
    bar = Progress("reading", 5000, stream=out)
    for _ in range(5000):
        bar.advance()
    bar.close()
    assert "5,000/5,000 records 100%" in out.getvalue()
    quiet = io.StringIO()
    Progress("reading", 10, stream=quiet).advance()
    assert quiet.getvalue() == "", "short reads print no bar"


def test_parse_since() -> None:
    assert parse_since("2h", now=10_000) == 10_000 - 7200
    assert parse_since("2019-03-11") == datetime(2019, 3, 11, tzinfo=UTC).timestamp()
    with pytest.raises(ValueError, match="cannot read"):
        parse_since("yesterday")


def _json(obj: Any) -> bytes:
    import json

    return json.dumps(obj).encode()


RULES = {
    "rules": [
        {
            "name": "deadly",
            "severity": "critical",
            "country": ["SY"],
            "event_type": ["explosions_remote_violence"],
            "actor_kind": ["state"],
            "min_killed": 1,
            "min_confidence": 0.5,
            "lead_only": True,
            "levels": [{"min_sources": 3}, {"min_killed": 20}],
        },
        {"name": "idlib", "admin1": ["Idlib"]},
        {"name": "isis", "actor": ["ISIS"]},
    ]
}


def test_rules_schema_rejects_bad_files(tmp_path: Path) -> None:
    for bad, reason in (
        ({"rules": [{"name": "x", "min_killed": -1}]}, "min_killed"),
        ({"rules": [{"name": "x", "event_type": ["war"]}]}, "event_type"),
        ({"rules": [{"name": "x", "colour": "red"}]}, "colour"),
        ({"rules": [{"name": "x"}, {"name": "x"}]}, "duplicate"),
    ):
        with pytest.raises(RulesFileError, match=reason):
            parse_rules(bad)
    broken = tmp_path / "rules.yaml"
    broken.write_text("rules: [\n")
    with pytest.raises(RulesFileError, match="not YAML"):
        load_rules(broken)
    assert [r.name for r in load_rules(REPO_ROOT / "deploy" / "alert-rules.yaml")]


def test_rule_levels() -> None:
    deadly, idlib, isis = parse_rules(RULES)
    e = event()
    assert deadly.level(e) == 1  # 2 independent sources, 12 killed at most
    assert deadly.level(event(casualties={**e["casualties"], "killed": {"min": 5, "max": 25}})) == 2
    assert deadly.level(event(lead=False)) == 0
    assert deadly.level(event(confidence=0.4)) == 0
    assert deadly.level(event(actors=e["actors"][1:])) == 0, "no state actor"
    assert (idlib.level(e), isis.level(e)) == (0, 0)


def test_engine_alerts_once_escalates_resolves_and_survives_restart(tmp_path: Path) -> None:
    rules = parse_rules(RULES)
    store = AlertStore(tmp_path / "alerts.sqlite")
    engine = AlertEngine(rules, store, alert_ttl=timedelta(hours=1))

    def run(value: bytes | None, key: bytes = b"ev-0123456789abcdef") -> list[Any]:
        notices = engine.decide(parse_record(key, value), now=NOW)
        engine.record(notices)
        return notices

    first = run(_json(event()))
    assert [(n.key, n.status) for n in first] == [("ev-0123456789abcdef/deadly/1", "firing")]
    am = first[0].alertmanager()
    assert am["labels"]["severity"] == "critical" and am["labels"]["level"] == "1"
    assert am["endsAt"] == "2019-03-11T13:00:00Z" and am["generatorURL"] == "https://a.example/1"
    assert am["annotations"]["summary_ar"] == "قصف جوي على دوما"
    assert am["annotations"]["sources"].split("\n")[:2] == ["https://a.example/1", "https://b.example/1"]
    assert run(_json(event(version=2, summary="x"))) == [], "a new version at the same level is quiet"

    third_source = event(version=3)
    third_source["sources"] = [*third_source["sources"], {"item_id": "d", "source": "Outlet D", "url": "u"}]
    escalated = run(_json(third_source))
    assert [(n.key, n.status) for n in escalated] == [
        ("ev-0123456789abcdef/deadly/1/resolved", "resolved"),
        ("ev-0123456789abcdef/deadly/2", "firing"),
    ]
    assert escalated[1].starts_at == first[0].starts_at
    store.close()

    store = AlertStore(tmp_path / "alerts.sqlite")  # a restart re-reads everything
    engine = AlertEngine(rules, store)
    for value in (_json(event()), _json(third_source)):
        assert engine.decide(parse_record(b"ev-0123456789abcdef", value), now=NOW) == []
    gone = engine.decide(parse_record(b"ev-0123456789abcdef", None), now=NOW)
    assert [(n.key, n.status, n.ends_at) for n in gone] == [
        ("ev-0123456789abcdef/deadly/2/resolved", "resolved", "2019-03-11T12:00:00Z")
    ]
    engine.record(gone)
    assert engine.decide(parse_record(b"ev-0123456789abcdef", None), now=NOW) == []
    assert store.count("resolved") == 1
