"""What the CRF name recogniser costs extraction: the same articles extracted with the model and
without it, alternating rounds in one process, reported as articles/s per core and as a ratio.

    PYTHONPATH=. python bench/ner_cost.py [--articles 1000] [--rounds 3]

The model is trained on first use (workers/extract/ner.py) before timing starts.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from workers.extract import ner
from workers.extract.core import extract
from workers.extract.gazetteer import place_index
from workers.extract.lexicon import actor_index, trigger_index
from workers.poll.fixtures import CORPUS, corpus_articles, corpus_item


def _set_model(on: bool, data_dir: str) -> None:
    os.environ["MARSAD_DATA_DIR"] = data_dir if on else "/nonexistent"
    ner.tagger.cache_clear()
    ner._entities.cache_clear()  # a round must not reuse the previous round's tagging
    ner.tagger()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"skipped: {CORPUS} not found")
    data_dir = str(ner.data_dir())
    arts = corpus_articles(("middleEast", "internationalNews"))
    items = [corpus_item(a, f"{i:020x}") for i, a in zip(range(args.articles * 2), arts, strict=False)]
    warm, timed = items[args.articles :], items[: args.articles]
    trigger_index(), actor_index(), place_index()
    _set_model(True, data_dir)
    if ner.tagger() is None:
        sys.exit("skipped: no NER model (shared ANERcorp missing)")
    for it in warm:
        extract(it)
    rates: dict[bool, list[float]] = {True: [], False: []}
    events: dict[bool, int] = {}
    for _ in range(args.rounds):
        for on in (False, True):
            _set_model(on, data_dir)
            t0 = time.process_time()
            events[on] = sum(len(extract(it)) for it in timed)
            rates[on].append(len(timed) / (time.process_time() - t0))
    best = {on: max(r) for on, r in rates.items()}
    print(f"{len(timed)} articles, best of {args.rounds} rounds (CPU time, one core)")
    print(f"without NER: {best[False]:,.0f} articles/s ({events[False]} events)")
    print(f"with NER:    {best[True]:,.0f} articles/s ({events[True]} events)")
    print(f"ratio with/without: {best[True] / best[False]:.2f}")


if __name__ == "__main__":
    main()
