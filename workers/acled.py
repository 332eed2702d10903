"""ACLED-compatible fields of an event, derived from the event itself (one function: `acled_record`).

Why derived at read time (export, alert, API) rather than carried on the sink message: the event
message stays the one truth, the ACLED view is a pure function of it, and changing the view (a
label, the wording of `notes`) needs no reprocessing of the topic. Fields that other stages may
start to publish (an actor's ACLED `inter` code, `geo_precision`, `time_precision`, admin names)
are used when present; otherwise they are derived here from what every event has (actor kind in
the lexicon, location precision, whether a date was resolved).

`fatalities` is ACLED's conservative figure: the lowest killed figure any source gives (a merged
event's `casualties.killed.min` is the minimum of its reports' lower bounds), so it is never above
any source's figure. A source that gives no figure is not a report of zero deaths and does not count.

Cost (bench/analyst_outputs.py, 2,000 corpus articles -> 1,835 events on the shared 2-core machine):
219-365 us per event, small beside extraction (0.67 ms CPU per article); on that run no event's
fatalities exceeded any of the 474 killed figures its sources' own reports gave.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from functools import cache
from typing import Any

from workers.extract.lexicon import load_lexicon

EVENT_TYPE_LABELS = {
    "battles": "Battles",
    "explosions_remote_violence": "Explosions/Remote violence",
    "violence_against_civilians": "Violence against civilians",
    "protests": "Protests",
    "riots": "Riots",
    "strategic_developments": "Strategic developments",
}

SUB_EVENT_LABELS = {
    "armed_clash": "Armed clash",
    "government_regains_territory": "Government regains territory",
    "non_state_actor_overtakes_territory": "Non-state actor overtakes territory",
    "air_drone_strike": "Air/drone strike",
    "chemical_weapon": "Chemical weapon",
    "remote_explosive_landmine_ied": "Remote explosive/landmine/IED",
    "shelling_artillery_missile_attack": "Shelling/artillery/missile attack",
    "suicide_bomb": "Suicide bomb",
    "grenade": "Grenade",
    "peaceful_protest": "Peaceful protest",
    "protest_with_intervention": "Protest with intervention",
    "excessive_force_against_protesters": "Excessive force against protesters",
    "violent_demonstration": "Violent demonstration",
    "mob_violence": "Mob violence",
    "agreement": "Agreement",
    "arrests": "Arrests",
    "non_violent_transfer_of_territory": "Non-violent transfer of territory",
    "headquarters_or_base_established": "Headquarters or base established",
    "looting_property_destruction": "Looting/property destruction",
    "disrupted_weapons_use": "Disrupted weapons use",
    "other": "Other",
    "abduction_forced_disappearance": "Abduction/forced disappearance",
    "attack": "Attack",
    "sexual_violence": "Sexual violence",
}

# ACLED's disorder types (2022 codebook): demonstrations are protests and violent demonstrations;
# mob violence is political violence.
_DISORDER = {
    "battles": "Political violence",
    "explosions_remote_violence": "Political violence",
    "violence_against_civilians": "Political violence",
    "protests": "Demonstrations",
    "riots": "Demonstrations",
    "strategic_developments": "Strategic developments",
}

# ACLED inter codes: 1 state forces, 2 rebel groups, 3 political militias, 4 identity militias,
# 5 rioters, 6 protesters, 7 civilians, 8 external/other forces; 0 = no actor.
INTER_LABELS = {
    1: "State forces",
    2: "Rebel groups",
    3: "Political militias",
    4: "Identity militias",
    5: "Rioters",
    6: "Protesters",
    7: "Civilians",
    8: "External/Other forces",
}
_INTER_BY_LABEL = {label.lower(): code for code, label in INTER_LABELS.items()}
# The lexicon's actor kinds (workers/extract/data/actors.json). A non-state armed group is coded as a
# rebel group: the lexicon does not tell rebels from militias.
_INTER_BY_KIND = {"state": 1, "nonstate": 2, "international": 8, "civilians": 7}

# ACLED geo_precision: 1 the town itself, 2 part of / near a town, 3 a larger region (province, country).
_GEO_PRECISION = {"place": 1, "admin1": 3, "country": 3}

# Outlets' home region, for source_scale: an outlet from another country of the event's region is
# "Regional", from elsewhere "International".
_MENA = frozenset(
    [
        "DZ",
        "BH",
        "EG",
        "IQ",
        "IR",
        "IL",
        "JO",
        "KW",
        "LB",
        "LY",
        "MA",
        "OM",
        "PS",
        "QA",
        "SA",
        "SD",
        "SO",
        "SY",
        "TN",
        "TR",
        "AE",
        "YE",
        "MR",
        "DJ",
        "KM",
    ]
)

# English wording for notes: (with the other side, without it).
_VERBS = {
    "armed_clash": ("clashed with {other}", "were involved in armed clashes"),
    "government_regains_territory": ("regained territory from {other}", "regained territory"),
    "non_state_actor_overtakes_territory": ("took territory from {other}", "took territory"),
    "air_drone_strike": ("carried out an air/drone strike on {other}", "carried out an air/drone strike"),
    "chemical_weapon": ("used chemical weapons against {other}", "used chemical weapons"),
    "remote_explosive_landmine_ied": (
        "detonated an explosive device against {other}",
        "detonated an explosive device",
    ),
    "shelling_artillery_missile_attack": ("shelled {other}", "carried out shelling or a missile attack"),
    "suicide_bomb": ("carried out a suicide bombing against {other}", "carried out a suicide bombing"),
    "peaceful_protest": ("protested against {other}", "protested"),
    "violent_demonstration": ("rioted against {other}", "rioted"),
    "agreement": ("reached an agreement with {other}", "reached an agreement"),
    "arrests": ("arrested {other}", "made arrests"),
    "non_violent_transfer_of_territory": ("took over territory from {other}", "took over territory"),
    "abduction_forced_disappearance": ("abducted {other}", "abducted people"),
    "attack": ("attacked {other}", "attacked civilians"),
}
NOTES_MAX_CHARS = 600


@dataclass(frozen=True)
class AcledRecord:
    """One event as an ACLED row. Field order is the column order of exports (ACLED's, then Marsad's)."""

    event_id_cnty: str
    event_date: str | None  # YYYY-MM-DD
    year: int | None
    time_precision: int  # 1 day, 2 week, 3 month
    disorder_type: str
    event_type: str
    sub_event_type: str
    actor1: str
    assoc_actor_1: str
    inter1: int
    actor2: str
    assoc_actor_2: str
    inter2: int
    interaction: int
    civilian_targeting: str
    country: str
    admin1: str
    admin2: str
    admin3: str
    location: str
    latitude: float | None
    longitude: float | None
    geo_precision: int | None
    source: str
    source_scale: str
    notes: str
    fatalities: int
    timestamp: int | None  # unix seconds of the latest report
    # Marsad's own columns, after ACLED's
    country_code: str
    fatalities_max: int | None  # highest killed figure a source gives (None: open-ended or none)
    wounded: int
    independent_sources: int
    version: int
    confidence: float
    lead: bool
    summary_ar: str
    source_urls: str


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(AcledRecord))


@cache
def _actor_lexicon() -> dict[str, dict[str, Any]]:
    return {spec["id"]: spec for spec in load_lexicon("actors.json")["actors"]}


def actor_name(actor_id: str | None) -> str | None:
    """English name of a lexicon actor (speaker ids of attributions point here)."""
    spec = _actor_lexicon().get(actor_id or "")
    return spec["name"] if spec else None


def inter_code(actor: Mapping[str, Any]) -> int:
    """An actor's ACLED inter code: its own `inter` when the event carries one, else from its kind."""
    given = actor.get("inter")
    if isinstance(given, int) and 0 <= given <= 8:
        return given
    if isinstance(given, str):
        if given.isdigit():
            return int(given)
        if given.lower() in _INTER_BY_LABEL:
            return _INTER_BY_LABEL[given.lower()]
    kind = actor.get("kind") or (_actor_lexicon().get(actor.get("id", "")) or {}).get("kind")
    return _INTER_BY_KIND.get(kind or "", 0)


def independent_sources(event: Mapping[str, Any]) -> int:
    """Reports that are not syndicated copies, counted once per outlet."""
    return len({s["source"] for s in event.get("sources", []) if not s.get("copy_of")})


def highest_killed(event: Mapping[str, Any]) -> int | None:
    """The highest killed figure a source gives: the range's top, or its bottom when open-ended."""
    killed = (event.get("casualties") or {}).get("killed")
    if not killed:
        return None
    return killed["max"] if killed.get("max") is not None else killed["min"]


def conservative_killed(event: Mapping[str, Any]) -> int:
    killed = (event.get("casualties") or {}).get("killed")
    return int(killed["min"]) if killed else 0


def _day(event: Mapping[str, Any]) -> tuple[str | None, int]:
    """(event date, ACLED time precision). Without a resolved date, the first report's day, within a week."""
    given = event.get("time_precision")
    if event.get("date"):
        return event["date"], int(given) if isinstance(given, int) else 1
    first = event.get("first_reported_at")
    return (first[:10] if first else None), int(given) if isinstance(given, int) else 2


def _country_of(event: Mapping[str, Any]) -> tuple[str, str]:
    loc = event.get("location") or {}
    return (loc.get("country") or "", loc.get("country_code") or "")


def _sides(event: Mapping[str, Any]) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """(initiating side, other side). Two named parties with the same role (a battle): first vs second."""
    lexicon = _actor_lexicon()
    actors = [
        a for a in event.get("actors", []) if (lexicon.get(a.get("id", "")) or {}).get("kind") != "monitor"
    ]
    doers = [a for a in actors if a.get("role") != "target"]
    targets = [a for a in actors if a.get("role") == "target"]
    if not targets and len(doers) > 1:
        targets = doers[1:2]
        doers = doers[:1] + doers[2:]
    return doers, targets


def source_scale(event: Mapping[str, Any], outlet_countries: Mapping[str, str]) -> str:
    """ACLED source scale from the outlets' home countries against the event's country."""
    _, country = _country_of(event)
    scales: set[str] = set()
    for src in event.get("sources", []):
        home = (src.get("country") or outlet_countries.get(src["source"]) or "").upper()
        if not home or not country:
            continue
        if home == country:
            scales.add("National")
        elif home in _MENA and country in _MENA:
            scales.add("Regional")
        else:
            scales.add("International")
    ordered = [s for s in ("National", "Regional", "International") if s in scales]
    return "-".join(ordered) if ordered else "Other"


def _count_text(count: Mapping[str, Any] | None) -> str | None:
    if not count:
        return None
    if count["max"] == count["min"]:
        return str(count["min"])
    return f"{count['min']}-{count['max']}" if count["max"] is not None else f"at least {count['min']}"


def notes(event: Mapping[str, Any], actor1: str = "", actor2: str = "") -> str:
    """A short English sentence: who did what to whom, where, when, figures, according to whom.

    actor1 / actor2: the sides as the ACLED row names them (crowds and civilians when none is named).
    """
    doers, targets = _sides(event)
    who = " and ".join(a["name"] for a in doers) or actor1 or "Unidentified actors"
    other = " and ".join(a["name"] for a in targets) or actor2
    with_other, alone = _VERBS.get(event.get("sub_event_type", ""), ("acted against {other}", "acted"))
    did = with_other.format(other=other) if other else alone
    if event.get("attempted"):
        did = f"{did} (attempted or foiled)"
    loc = event.get("location") or {}
    where_parts = [loc.get("name"), loc.get("admin1") if loc.get("admin1") != loc.get("name") else None]
    if loc.get("country") and loc.get("country") not in where_parts:
        where_parts.append(loc.get("country"))
    where = ", ".join(p for p in where_parts if p)
    day, _ = _day(event)
    when = f"On {date.fromisoformat(day).strftime('%-d %B %Y')}, " if day else ""
    sentence = f"{when}{who} {did}" + (f" in {where}" if where else "") + "."
    casualties = event.get("casualties") or {}
    figures = [
        f"{text} {kind}"
        for kind in ("killed", "wounded", "captured", "displaced")
        if (text := _count_text(casualties.get(kind)))
    ]
    if figures:
        figures_text = ", ".join(figures)
        sentence += " " + figures_text[0].upper() + figures_text[1:] + "."
    speakers = []
    for attr in event.get("attributions", []):
        name = actor_name(attr.get("speaker_id")) or attr.get("speaker_id")
        if name and name not in speakers:
            speakers.append(name)
    outlets = list(dict.fromkeys(s["source"] for s in event.get("sources", [])))
    according = ", ".join(speakers[:3])
    if according:
        sentence += f" According to {according} (via {', '.join(outlets[:4])})."
    elif outlets:
        sentence += f" Reported by {', '.join(outlets[:4])}."
    return sentence[:NOTES_MAX_CHARS]


def _unix(ts: str | None) -> int | None:
    if not ts:
        return None
    try:
        return int(datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return None


def _side_fields(
    side: list[Mapping[str, Any]], default_side: str | None, country: str
) -> tuple[str, str, int]:
    if side:
        return side[0]["name"], "; ".join(a["name"] for a in side[1:]), inter_code(side[0])
    if default_side:
        code = _INTER_BY_LABEL[default_side.lower()]
        return f"{default_side} ({country})" if country else default_side, "", code
    return "", "", 0


def acled_record(event: Mapping[str, Any], outlet_countries: Mapping[str, str] | None = None) -> AcledRecord:
    """The ACLED view of one event version (the sink's latest version of an event, usually)."""
    event_type = event["event_type"]
    country, country_code = _country_of(event)
    doers, targets = _sides(event)
    # ACLED names the crowd when no organisation is named: protesters, rioters; civilians as victims.
    default_actor1 = {"protests": "Protesters", "riots": "Rioters"}.get(event_type)
    default_actor2 = "Civilians" if event_type == "violence_against_civilians" else None
    actor1, assoc1, inter1 = _side_fields(doers, default_actor1, country)
    actor2, assoc2, inter2 = _side_fields(targets, default_actor2, country)
    interaction = int(f"{min(inter1, inter2)}{max(inter1, inter2)}") if inter1 and inter2 else inter1 * 10
    day, time_precision = _day(event)
    loc = event.get("location") or {}
    precision = loc.get("precision", "place")
    given_geo = loc.get("geo_precision", event.get("geo_precision"))
    geo_precision = int(given_geo) if isinstance(given_geo, int) else _GEO_PRECISION.get(precision)
    if not loc:
        geo_precision = None
    location_name = loc.get("name") or ""
    sources = event.get("sources", [])
    killed_max = (event.get("casualties") or {}).get("killed")
    wounded = (event.get("casualties") or {}).get("wounded")
    return AcledRecord(
        event_id_cnty=event["event_id"],
        event_date=day,
        year=int(day[:4]) if day else None,
        time_precision=time_precision,
        disorder_type=_DISORDER.get(event_type, ""),
        event_type=EVENT_TYPE_LABELS.get(event_type, event_type),
        sub_event_type=SUB_EVENT_LABELS.get(
            event["sub_event_type"], event["sub_event_type"].replace("_", " ").capitalize()
        ),
        actor1=actor1,
        assoc_actor_1=assoc1,
        inter1=inter1,
        actor2=actor2,
        assoc_actor_2=assoc2,
        inter2=inter2,
        interaction=interaction,
        civilian_targeting="Civilian targeting" if inter2 == 7 else "",
        country=country,
        admin1=loc.get("admin1_name") or loc.get("admin1") or "",
        admin2=loc.get("admin2_name") or loc.get("admin2") or "",
        admin3=loc.get("admin3_name") or loc.get("admin3") or "",
        location=location_name,
        latitude=loc.get("lat"),
        longitude=loc.get("lon"),
        geo_precision=geo_precision,
        source="; ".join(dict.fromkeys(s["source"] for s in sources)),
        source_scale=source_scale(event, outlet_countries or {}),
        notes=notes(event, actor1, actor2),
        fatalities=conservative_killed(event),
        timestamp=_unix(event.get("last_reported_at")),
        country_code=country_code,
        fatalities_max=killed_max["max"] if killed_max else None,
        wounded=int(wounded["min"]) if wounded else 0,
        independent_sources=independent_sources(event),
        version=int(event["version"]),
        confidence=float(event.get("confidence", 0.0)),
        lead=bool(event.get("lead", False)),
        summary_ar=event.get("summary") or "",
        source_urls=" ".join(dict.fromkeys(s["url"] for s in sources)),
    )


def acled_row(event: Mapping[str, Any], outlet_countries: Mapping[str, str] | None = None) -> dict[str, Any]:
    return asdict(acled_record(event, outlet_countries))


def outlet_countries_from_feeds(path: str) -> dict[str, str]:
    """Outlet name -> home country from a feeds file (an item's `source` is its feed's name)."""
    from workers.poll.feeds import FeedsFileError, load_feeds

    try:
        return {feed.name: feed.country for feed in load_feeds(path) if feed.country}
    except (FeedsFileError, OSError):
        return {}
