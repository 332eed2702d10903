"""Dedup evaluation on human-labelled Arabic article pairs (SemEval-2022 Task 8).

Each pair goes through the real pipeline (extract -> dedup, in memory): the system says "same
event" when one event ends with both articles among its sources. Gold: the annotators' overall
score (1 = most similar, 4 = least): "same" at <= 1.5, "different" at >= 2.5, pairs in between left
out. Prints, for each text-similarity setting, pairwise precision / recall / F1 and B-cubed F1 of the
clusters (connected components over the evaluated articles), and how many pairs the extractor could
decide at all (both articles must yield an event; SemEval's news is mostly not conflict events).

    .venv/bin/python bench/dedup_eval.py
"""

from __future__ import annotations

import json
import sys
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from workers.contracts import encode
from workers.dedup.core import DedupConfig, config_for
from workers.dedup.state import DedupState
from workers.poll.fixtures import CORPUS, corpus_articles, corpus_item
from workers.process.handlers import LocalPipeline, handle_candidate, handle_item

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
PAIRS = DATA / "semeval2022-task8-ar-pairs.jsonl"
CLUSTERS = Path(__file__).resolve().parents[1] / "eval" / "dedup_clusters.json"
A, B = "a" * 20, "b" * 20


def item(item_id: str, text: str) -> bytes:
    return encode(
        {
            "schema_version": 1,
            "item_id": item_id,
            "feed_id": "eval",
            "source": item_id,
            "url": "",
            "title": "",
            "text": text[:100_000] or ".",
            "language": "ar",
            "published_at": None,
            "fetched_at": "2020-01-01T00:00:00Z",
        }
    )


def judge(text1: str, text2: str, cfg: DedupConfig) -> tuple[bool, bool]:
    """(decidable: both articles yielded an event, merged: one event has both as sources)."""
    pipeline = LocalPipeline(cfg)
    pipeline.feed(item(A, text1))
    pipeline.feed(item(B, text2))
    sources = [{s["item_id"] for s in e["sources"]} for e in pipeline.sink.values()]
    decidable = any(A in s for s in sources) and any(B in s for s in sources)
    return decidable, any({A, B} <= s for s in sources)


def components(nodes: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    parent = {n: n for n in nodes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    return {n: hash(find(n)) for n in nodes}


def bcubed_f1(gold: dict[str, int], pred: dict[str, int]) -> float:
    p = r = 0.0
    for n in gold:
        same_pred = {m for m in pred if pred[m] == pred[n]}
        same_gold = {m for m in gold if gold[m] == gold[n]}
        p += len(same_pred & same_gold) / len(same_pred)
        r += len(same_pred & same_gold) / len(same_gold)
    p, r = p / len(gold), r / len(gold)
    return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(rows: list[dict[str, Any]], cfg: DedupConfig) -> str:
    tp = fp = fn = tn = decidable = 0
    nodes: list[str] = []
    gold_edges, pred_edges = [], []
    for r in rows:
        a, b = f"{r['pair_id']}/1", f"{r['pair_id']}/2"
        nodes += [a, b]
        gold = r["overall"] <= 1.5
        ok, merged = judge(r["text1"], r["text2"], cfg)
        decidable += ok
        if gold:
            gold_edges.append((a, b))
        if merged:
            pred_edges.append((a, b))
        tp, fp = tp + (gold and merged), fp + (not gold and merged)
        fn, tn = fn + (gold and not merged), tn + (not gold and not merged)
    p = tp / (tp + fp) if tp + fp else 0.0
    r_ = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r_ / (p + r_) if p + r_ else 0.0
    b3 = bcubed_f1(components(nodes, gold_edges), components(nodes, pred_edges))
    return (
        f"pairwise P {p:.2f} R {r_:.2f} F1 {f1:.2f} (tp {tp} fp {fp} fn {fn} tn {tn}); B-cubed F1 {b3:.2f}; "
        f"decidable pairs {decidable}/{len(rows)}"
    )


def pair_scores(gold: dict[str, str], pred: dict[str, str]) -> tuple[float, float, float]:
    docs = sorted(gold)
    tp = fp = fn = 0
    for i, a in enumerate(docs):
        for b in docs[i + 1 :]:
            g, p = gold[a] == gold[b], pred[a] == pred[b]
            tp, fp, fn = tp + (g and p), fp + (p and not g), fn + (g and not p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def evaluate_clusters(cfg: DedupConfig, labelled_set: str = "clusters") -> str:
    """Multi-outlet clusters labelled by hand (eval/dedup_clusters.json: `clusters`, the development
    set, or `held_out`, `held_out_2`, `held_out_3`): the event an article leads with (the one its
    headline names, else its first) is its predicted cluster."""
    gold = {d: c for c, docs in json.loads(CLUSTERS.read_text())[labelled_set].items() for d in docs}
    arts = [a for a in corpus_articles(("middleEast", "internationalNews")) if a["docno"] in gold]
    arts.sort(key=lambda a: parsedate_to_datetime(a["time"]))
    state = DedupState(cfg)
    pred: dict[str, str] = {}
    for n, art in enumerate(arts):
        raw = encode(corpus_item(art, f"{n:020x}"))
        pred[art["docno"]] = f"none:{art['docno']}"  # no event: a cluster of its own
        for _key, cand in handle_item(raw).candidates:
            res = handle_candidate(encode(cand), state)
            assert res.applied is not None
            if cand.get("lead"):
                pred[art["docno"]] = res.applied.event["event_id"]
    p, r, f1 = pair_scores(gold, pred)
    nodes = list(gold)
    b3 = bcubed_f1({d: hash(gold[d]) for d in nodes}, {d: hash(pred[d]) for d in nodes})
    return (
        f"pairwise P {p:.2f} R {r:.2f} F1 {f1:.2f}; B-cubed F1 {b3:.2f} "
        f"({len(arts)} articles, {len(set(gold.values()))} gold events, {len(set(pred.values()))} predicted)"
    )


def main() -> None:
    if not PAIRS.exists():
        sys.exit(f"skipped: {PAIRS} not found (the evaluation reads the shared data at run time)")
    rows = [json.loads(line) for line in PAIRS.open(encoding="utf-8")]
    rows = [r for r in rows if r["overall"] <= 1.5 or r["overall"] >= 2.5]
    same = sum(r["overall"] <= 1.5 for r in rows)
    print(f"{len(rows)} labelled pairs: {same} same, {len(rows) - same} different (overall 1.5-2.5 left out)")
    for name in ("lexical", "semantic"):
        print(f"{name:>8}: {evaluate(rows, config_for(3, 14, name))}")
    if CORPUS.exists():
        for labelled_set in ("clusters", "held_out", "held_out_2", "held_out_3"):
            print(
                f"hand-labelled multi-outlet event clusters (eval/dedup_clusters.json {labelled_set}), lead events:"
            )
            for window in (3, 1):
                for name in ("lexical", "semantic"):
                    scores = evaluate_clusters(config_for(window, 14, name), labelled_set)
                    print(f"  window {window} d, {name:>8}: {scores}")


if __name__ == "__main__":
    main()
