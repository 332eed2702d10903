"""Candidate trigger words, ranked, for the lexicon's curator to review by hand (issue 12).

    python scripts/mine_trigger_terms.py [--top 300] [--min-count 15] [--seed WORD ...]

Repeatable procedure over both shared corpora (ANT 2018, SaudiNewsNet 2015), read at run time:
1. Split every article into sentences; reduce each word to its matching key (workers.extract.morph,
   the same analysis the lexicons use).
2. A sentence is "violent" when it holds a casualty figure (a number within three words of a
   casualty cue of cues.json) or a match of the trigger lexicon (triggers.json), or a --seed word.
3. Rank the keys by a smoothed log-odds ratio of appearing in violent sentences versus the others,
   keeping keys seen at least --min-count times in violent sentences, and print the top ones with
   counts and the most frequent surface form. Known trigger keys are marked with '*'.
The list is read by hand: a curator keeps the words that name a kind of event (and assigns the ACLED
sub-type), drops topic words (place names, «الحوثي», «سوريا») and descriptive ones. No evaluation set
is read. The seeds used for the issue-12 lexicon are in the README (Extending the lexicons).
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import re
from collections import Counter, defaultdict

from workers.extract import lexicon
from workers.extract.morph import keys_of
from workers.extract.text import split_sentences, tokenize
from workers.poll.fixtures import CORPUS, SHARED_DATA

SAUDI = SHARED_DATA / "saudinewsnet-2015.jsonl.gz"
_NUMBER = re.compile(r"^\d+$")


def texts() -> list[str]:
    out = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        for line in fh:
            art = json.loads(line)
            if art.get("cat") in ("middleEast", "internationalNews"):
                out.append(art["text"])
    with gzip.open(SAUDI, "rt", encoding="utf-8") as fh:
        for line in fh:
            out.append(json.loads(line).get("content") or "")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--top", type=int, default=300)
    parser.add_argument("--min-count", type=int, default=15)
    parser.add_argument("--seed", nargs="*", default=[])
    args = parser.parse_args()
    triggers, cues = lexicon.trigger_index(), lexicon.casualty_index()
    known = {
        k
        for spec in lexicon.trigger_lexicon()["triggers"]
        for t in spec["terms"]
        for k in keys_of(t.split()[0])
    }
    seed_keys = {k for w in args.seed for k in keys_of(w)}
    violent: Counter[str] = Counter()
    other: Counter[str] = Counter()
    surface: dict[str, Counter[str]] = defaultdict(Counter)
    n_violent = n_other = 0
    for text in texts():
        for sentence in split_sentences(text):
            tokens = tokenize(sentence.text)
            words = tokens.words
            numbers = [i for i, w in enumerate(words) if _NUMBER.match(w)]
            figure = any(any(abs(c.start_token - i) <= 3 for i in numbers) for c in cues.find(tokens))
            is_violent = (
                figure
                or bool(triggers.find(tokens))
                or any(not seed_keys.isdisjoint(keys_of(w)) for w in words)
            )
            seen = set()
            for w in words:
                main = keys_of(w)[-1]  # the most reduced reading
                if main in seen:
                    continue
                seen.add(main)
                (violent if is_violent else other)[main] += 1
                if is_violent:
                    surface[main][w] += 1
            if is_violent:
                n_violent += 1
            else:
                n_other += 1
    scored = []
    for key, v in violent.items():
        if v < args.min_count or len(key) < 3:
            continue
        o = other[key]
        score = math.log((v + 0.5) / (n_violent + 1)) - math.log((o + 0.5) / (n_other + 1))
        scored.append((score, key, v, o))
    scored.sort(reverse=True)
    print(f"{n_violent} violent sentences, {n_other} others")
    for score, key, v, o in scored[: args.top]:
        mark = "*" if key in known else " "
        print(f"{score:5.2f} {mark} {key}\t{v}\t{o}\t{surface[key].most_common(1)[0][0]}")


if __name__ == "__main__":
    main()
