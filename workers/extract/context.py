"""Article context: what the whole article says that a sentence without its own place or date
inherits (the countries it talks about, its main place, its lead date), and its headline's
triggers and places (which pick the lead event and may name its town)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from workers.extract.dates import DateMention, is_future
from workers.extract.factuality import BACKGROUND_DAYS
from workers.extract.gazetteer import PRECISION_RANK, Place, resolve
from workers.extract.lexicon import Match, Trigger
from workers.extract.sentence import SentenceAnalysis, is_nisba
from workers.extract.text import Sentence


@dataclass(slots=True)
class PlaceChoice:
    """Where a candidate happened, and the mention that says so."""

    place: Place
    match: Match[list[Place]] | None  # None: inherited from the article's main place
    sentence: Sentence


@dataclass(slots=True)
class ArticleContext:
    item_id: str
    published: date | None
    countries: set[str]  # ISO codes the title and body name (places and actors)
    main_place: PlaceChoice | None  # the most mentioned place, weighted by precision
    lead_date: DateMention | None  # the first day-precise date of the body
    title_places: list[Match[list[Place]]]
    title_triggers: list[Match[Trigger]]


def _one_country(m: Match[list[Place]]) -> set[str]:
    """The country a place name is in, when all its readings are in one («محافظة إدلب» is the
    province and the city, both Syrian); none for a name read in two countries («أريحا»)."""
    codes = {p.country_code for p in m.entry}
    return codes if len(codes) == 1 and None not in codes else set()


def article_context(
    item: dict[str, Any],
    published: date | None,
    analysed: list[SentenceAnalysis],
    title_places: list[Match[list[Place]]],
    title_triggers: list[Match[Trigger]],
) -> ArticleContext:
    countries: set[str] = set()
    for m in title_places:
        countries.update(_one_country(m))
    for a in analysed:
        for m in a.places:
            countries.update(_one_country(m))
        for am in a.actors:
            if am.entry.country:
                countries.add(am.entry.country)
    place_tally: Counter[str] = Counter()
    first_seen: dict[str, PlaceChoice] = {}
    for a in analysed:
        for m in a.places:
            if is_nisba(m):
                continue
            place = resolve(m.entry, countries)
            place_tally[place.id] += PRECISION_RANK[place.precision]
            first_seen.setdefault(place.id, PlaceChoice(place, m, a.sentence))
    main_place = None
    if place_tally:
        # inherited by sentences without a place: the place, but not the mention's offsets
        top = first_seen[place_tally.most_common(1)[0][0]]
        main_place = PlaceChoice(top.place, None, top.sentence)
    # not a day of history («منذ الحادي عشر من سبتمبر», «وقع في الأول من يوليو» in a later story):
    # it dates the background event it names (factuality.BACKGROUND_DAYS), not the article's others
    lead_date = next(
        (
            d
            for a in analysed
            for d in a.dates
            if d.precision == "day"
            and (published is None or d.date >= published - timedelta(days=BACKGROUND_DAYS))
            and not is_future(d, published)
        ),
        None,
    )
    return ArticleContext(
        item["item_id"], published, countries, main_place, lead_date, title_places, title_triggers
    )
