"""NER precision / recall / F1 per type on the ANERcorp test split (CAMeL Lab split).

Trains the CRF of workers/extract/ner.py on the train split (into a temporary file, so the cached
model is not touched), tags the test split and scores exact entity spans per type, as conlleval
does. Anchors from the literature on this split: CRF baselines about 0.7x F1, CAMeLBERT 0.83.

    PYTHONPATH=. python eval/ner_eval.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from workers.extract import ner
from workers.extract.text import fold


def score(gold: list[list[str]], pred: list[list[str]]) -> dict[str, tuple[int, int, int]]:
    tally: dict[str, Counter[str]] = {}
    for g, p in zip(gold, pred, strict=True):
        gs = {(e.kind, e.start_token, e.end_token) for e in ner.spans(g)}
        ps = {(e.kind, e.start_token, e.end_token) for e in ner.spans(p)}
        for kind, *_ in gs | ps:
            tally.setdefault(kind, Counter())
        for e in gs & ps:
            tally[e[0]]["tp"] += 1
        for e in ps - gs:
            tally[e[0]]["fp"] += 1
        for e in gs - ps:
            tally[e[0]]["fn"] += 1
    return {k: (c["tp"], c["fp"], c["fn"]) for k, c in tally.items()}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ner.data_dir())
    parser.add_argument("--no-gazetteers", action="store_true", help="train without ANERGazet features")
    args = parser.parse_args()
    train = args.data / "anercorp" / ner.TRAIN_FILE
    test = args.data / "anercorp" / ner.TEST_FILE
    if not train.exists():
        print(f"ANERcorp not found under {args.data}", file=sys.stderr)
        return 2
    gaz = {} if args.no_gazetteers else ner.gazetteers(args.data)
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "ner.model"
        t0 = time.process_time()
        ner.train_model(train, model, gaz)
        trained = time.process_time() - t0
        import pycrfsuite

        tagger = pycrfsuite.Tagger()
        tagger.open(str(model))
        sentences = ner.read_conll(test)
        t0 = time.process_time()
        pred = [tagger.tag(ner.features([fold(t) or t for t, _ in s], gaz)) for s in sentences]
        tagged = time.process_time() - t0
        size = model.stat().st_size
    gold = [[tag for _, tag in s] for s in sentences]
    tallies = score(gold, pred)
    tokens = sum(len(s) for s in sentences)
    print(f"ANERcorp test: {len(sentences)} sentences, {tokens} tokens; gazetteer features: {bool(gaz)}")
    print(f"train {trained:.0f} s CPU, model {size / 1e6:.1f} MB, tagging {tokens / tagged:,.0f} tokens/s")
    print(f"{'type':<6} {'P':>5} {'R':>5} {'F1':>5}   tp/fp/fn")
    total = [0, 0, 0]
    for kind in sorted(tallies):
        tp, fp, fn = tallies[kind]
        total = [total[0] + tp, total[1] + fp, total[2] + fn]
        p, r, f = prf(tp, fp, fn)
        print(f"{kind:<6} {p:>5.2f} {r:>5.2f} {f:>5.2f}   {tp}/{fp}/{fn}")
    p, r, f = prf(*total)
    print(f"{'all':<6} {p:>5.2f} {r:>5.2f} {f:>5.2f}   {total[0]}/{total[1]}/{total[2]}  (micro)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
