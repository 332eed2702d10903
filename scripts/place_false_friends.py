"""Words the gazetteer reads as a place through a proclitic, for a curator (issue 13).

    python scripts/place_false_friends.py [--min-count 20] [--top 200] [--bare]

Counts every word of both shared corpora; for each frequent word that the place index matches only
through a proclitic reading (و/ف «and», ب/ل «in/for», ال) while the word as written is no place,
prints the word, its count, the count of the stem the place was read from, and the place. A word
much more frequent than its stem is most likely a word of its own («فرقة» a division, not «ف» +
Raqqa; «طراز» a model, not Taraz): the curator reviews the list by hand and adds such words to
places.json `stop_surfaces`. `--bare`: words that are a place's own name, written bare, ranked by
count, with the place's population: a frequent word naming a small or far town («طراز» a model, not
Taraz) goes to places.json `stop_names`. No evaluation set is read.
"""

from __future__ import annotations

import argparse
from collections import Counter

from scripts.mine_trigger_terms import texts
from workers.extract.gazetteer import Place, place_index
from workers.extract.lexicon import PhraseIndex
from workers.extract.text import clitic_variants, tokenize


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--min-count", type=int, default=20)
    parser.add_argument("--top", type=int, default=200)
    parser.add_argument("--bare", action="store_true", help="a place's own name written bare")
    args = parser.parse_args()
    counts: Counter[str] = Counter()
    for text in texts():
        counts.update(tokenize(text).words)
    index = place_index()
    names = index.first_words()
    if args.bare:
        _print_bare(counts, index, args)
        return
    rows = []
    for word, n in counts.items():
        if n < args.min_count or word in names:  # the word as written is a place's name
            continue
        found = index.find(tokenize(word))
        if not found or found[0].end_token != 1:
            continue
        stems = [stem for stem, _article, _prep in clitic_variants(word) if stem != word]
        if not stems:
            continue
        stem_count = max(counts.get(s, 0) for s in stems)
        place = found[0].entry[0]
        rows.append((n / (stem_count + 1), word, n, stem_count, place.name, place.country_code))
    for ratio, word, n, stem_count, name, cc in sorted(rows, reverse=True)[: args.top]:
        print(f"{word}\t{n}\t{stem_count}\t{ratio:.1f}\t{name} {cc}")


def _print_bare(counts: Counter[str], index: PhraseIndex[list[Place]], args: argparse.Namespace) -> None:
    rows = []
    for word, n in counts.most_common():
        if n < args.min_count or len(rows) >= args.top:
            break
        found = index.find(tokenize(word))
        if found and found[0].end_token == 1 and not (found[0].had_prep or found[0].had_article):
            place = found[0].entry[0]
            if place.precision == "place" and not place.capital:
                rows.append((word, n, place.name, place.country_code, place.population))
    for word, n, name, cc, population in rows:
        print(f"{word}\t{n}\t{name} {cc}\t{population}")


if __name__ == "__main__":
    main()
