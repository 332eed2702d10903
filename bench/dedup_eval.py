"""Dedup evaluation on human-labelled Arabic article pairs (SemEval-2022 Task 8).

Each pair goes through the real pipeline (extract -> dedup, in memory): the system says "same
event" when one event ends with both articles among its sources. Gold: the annotators' overall
score (1 = most similar, 4 = least): "same" at <= 1.5, "different" at >= 2.5, pairs in between left
out. Prints, for each text-similarity setting, pairwise precision / recall / F1 and B-cubed F1 of the
clusters (connected components over the evaluated articles), and how many pairs the extractor could
decide at all (both articles must yield an event; SemEval's news is mostly not conflict events).

Hand-labelled multi-outlet clusters (eval/dedup_clusters.json; refs into both shared corpora) are
scored by pairwise P/R/F1, B-cubed F1 and the wire-copy link rate (same-cluster pairs whose bodies
are one text, word-5-gram Jaccard >= 0.5, that end in one event; tombstones are followed).

    .venv/bin/python bench/dedup_eval.py                  # every labelled set, the default config
    .venv/bin/python bench/dedup_eval.py --sets held_out  # some sets; --window 1 3, --similarity semantic
    .venv/bin/python bench/dedup_eval.py --sweep          # DedupConfig grid (SWEEP) on the development sets
    .venv/bin/python bench/dedup_eval.py --errors --sets clusters  # missed pairs / wrong merges by cause
    .venv/bin/python bench/dedup_eval.py --pairs          # also the SemEval pairs
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import random
import sys
from collections import Counter
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path
from typing import Any

from workers.contracts import encode
from workers.dedup.config import DedupConfig, config_for
from workers.dedup.core import UNKNOWN, block_key, join_siblings, verdict
from workers.dedup.state import DedupState
from workers.extract.evaluate import HOME_COUNTRIES
from workers.extract.text import fold
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


SAUDI = DATA / "saudinewsnet-2015.jsonl.gz"
NEW_SETS = ("held_out_ant_2018", "held_out_snn_2015", "held_out_mixed")  # issue 15, refs into both corpora
OLD_SETS = ("clusters", "held_out", "held_out_2", "held_out_3")
WIRE_COPY_JACCARD = 0.5  # word-5-gram Jaccard of two bodies at or above which they are one text (a wire copy)
UNJOINED = DedupConfig(siblings_join=False)  # extraction as it reads an article; run_set joins siblings per config


def ref_key(ref: str | dict[str, str]) -> str:
    """A gold reference as one string: a bare docno (older sets) or {"corpus", "docno" | "url"}."""
    if isinstance(ref, str):
        return f"ant:{ref}"
    return f"ant:{ref['docno']}" if ref["corpus"] == "ant" else f"saudinewsnet:{ref['url']}"


def saudi_item(article: dict[str, Any], item_id: str) -> dict[str, Any]:
    """A SaudiNewsNet article as a news item: it has no publication time, only its crawl time
    (`date_extracted`, taken as UTC), which is when a poller would have seen it."""
    seen = article["date_extracted"].replace(" ", "T") + "Z"
    return {
        "schema_version": 1,
        "item_id": item_id,
        "feed_id": article["source"],
        "source": article["source"],
        "url": article["url"],
        "title": article["title"],
        "text": article["content"],
        "language": "ar",
        "published_at": seen,
        "fetched_at": seen,
        "home_country": HOME_COUNTRIES["saudinewsnet"],  # a local Saudi paper, as its feed would declare
    }


def labelled_articles(keys: set[str]) -> dict[str, tuple[str, dict[str, Any], str]]:
    """key -> (time ISO, news item without id, body text), read from both shared corpora."""
    out: dict[str, tuple[str, dict[str, Any], str]] = {}
    if any(k.startswith("ant:") for k in keys):
        for art in corpus_articles(("middleEast", "internationalNews")):
            key = f"ant:{art['docno']}"
            if key in keys:
                out[key] = (parsedate_to_datetime(art["time"]).isoformat(), corpus_item(art, ""), art["text"])
    if any(k.startswith("saudinewsnet:") for k in keys):
        with gzip.open(SAUDI, "rt", encoding="utf-8") as fh:
            for line in fh:
                art = json.loads(line)
                key = f"saudinewsnet:{art['url']}"
                if key in keys:
                    item = saudi_item(art, "")
                    out[key] = (item["published_at"].replace("Z", "+00:00"), item, art["content"])
    missing = keys - out.keys()
    if missing:
        raise SystemExit(f"the shared corpora lack {len(missing)} labelled articles, e.g. {sorted(missing)[:2]}")
    return out


def _shingles(text: str, n: int = 5) -> set[str]:
    words = fold(text).split()
    return {" ".join(words[i : i + n]) for i in range(max(1, len(words) - n + 1))}


def wire_copy_pairs(gold: dict[str, str], bodies: dict[str, str]) -> list[tuple[str, str]]:
    """Pairs of one gold cluster whose bodies are one text (exact word-5-gram Jaccard >= 0.5),
    from different outlets or under two URLs of one outlet. Measured by the harness itself,
    independently of the dedup's own fingerprints."""
    sh = {k: _shingles(v) for k, v in bodies.items()}
    docs = sorted(gold)
    pairs = []
    for i, a in enumerate(docs):
        for b in docs[i + 1 :]:
            if gold[a] == gold[b] and len(sh[a] & sh[b]) / max(1, len(sh[a] | sh[b])) >= WIRE_COPY_JACCARD:
                pairs.append((a, b))
    return pairs


@dataclass(frozen=True)
class ClusterScores:
    precision: float
    recall: float
    f1: float
    bcubed: float
    wire_linked: int
    wire_pairs: int
    articles: int
    gold_events: int
    predicted: int

    def line(self) -> str:
        wire = f"{self.wire_linked}/{self.wire_pairs}" if self.wire_pairs else "-"
        rate = f" ({self.wire_linked / self.wire_pairs:.0%})" if self.wire_pairs else ""
        return (
            f"pairwise P {self.precision:.2f} R {self.recall:.2f} F1 {self.f1:.2f}; B-cubed F1 {self.bcubed:.2f}; "
            f"wire copies linked {wire}{rate} ({self.articles} articles, {self.gold_events} gold events, "
            f"{self.predicted} predicted)"
        )


def final_id(event_id: str, merged_into: dict[str, str]) -> str:
    """Follow tombstones (`merged_into`) to the event an absorbed id now lives in."""
    while event_id in merged_into:
        event_id = merged_into[event_id]
    return event_id


@dataclass(frozen=True)
class LabelledSet:
    """A labelled set read and extracted once (extraction does not depend on the dedup config)."""

    gold: dict[str, str]  # article key -> gold cluster
    order: list[str]  # article keys in publication order
    candidates: dict[str, list[bytes]]  # article key -> its encoded candidate events
    wire: list[tuple[str, str]]  # same-cluster pairs whose bodies are one text


@cache
def load_set(labelled_set: str) -> LabelledSet:
    raw = json.loads(CLUSTERS.read_text())[labelled_set]
    gold = {ref_key(ref): c for c, refs in raw.items() for ref in refs}
    arts = labelled_articles(set(gold))
    order = sorted(arts, key=lambda k: (arts[k][0], k))
    candidates = {}
    for n, key in enumerate(order):
        item = {**arts[key][1], "item_id": f"{n:020x}"}
        # unjoined: run_set joins an article's siblings with the config it scores
        candidates[key] = [encode(cand) for _key, cand in handle_item(encode(item), cfg=UNJOINED).candidates]
    return LabelledSet(gold, order, candidates, wire_copy_pairs(gold, {k: arts[k][2] for k in gold}))


@dataclass(frozen=True)
class SetRun:
    """One labelled set fed through a DedupState: what each article became."""

    data: LabelledSet
    pred: dict[str, str]  # article key -> the final id of the event its lead candidate ended in
    lead: dict[str, dict[str, Any] | None]  # article key -> its lead candidate (None: no event)
    reached: dict[str, set[str]]  # article key -> final ids of the events any of its candidates ended in


def run_set(cfg: DedupConfig, labelled_set: str = "clusters", order_seed: int | None = None) -> SetRun:
    """Feed a labelled set's candidates, article by article, in publication order (or shuffled by
    `order_seed`); the event an article leads with (the one its headline names, else its first) is
    its predicted cluster."""
    data = load_set(labelled_set)
    keys = list(data.order)
    if order_seed is not None:
        random.Random(order_seed).shuffle(keys)
    state = DedupState(cfg)
    lead_event: dict[str, str] = {}
    lead: dict[str, dict[str, Any] | None] = {}
    events: dict[str, list[str]] = {}
    merged_into: dict[str, str] = {}
    for key in keys:
        lead_event[key] = f"none:{key}"  # no event: a cluster of its own
        lead[key] = None
        events[key] = []
        for cand in join_siblings([json.loads(raw) for raw in data.candidates[key]], cfg):
            res = handle_candidate(encode(cand), state)
            assert res.applied is not None
            for tomb in res.applied.tombstones:
                merged_into[tomb["event_id"]] = tomb["merged_into"]
            events[key].append(res.applied.event["event_id"])
            if cand.get("lead"):
                lead_event[key] = res.applied.event["event_id"]
                lead[key] = cand
    pred = {k: final_id(v, merged_into) for k, v in lead_event.items()}
    reached = {k: {final_id(e, merged_into) for e in v} for k, v in events.items()}
    return SetRun(data, pred, lead, reached)


def score_clusters(cfg: DedupConfig, labelled_set: str = "clusters", order_seed: int | None = None) -> ClusterScores:
    """Multi-outlet clusters labelled by hand (eval/dedup_clusters.json), scored on `run_set`."""
    run = run_set(cfg, labelled_set, order_seed)
    gold, pred = run.data.gold, run.pred
    p, r, f1 = pair_scores(gold, pred)
    nodes = list(gold)
    b3 = bcubed_f1({d: hash(gold[d]) for d in nodes}, {d: hash(pred[d]) for d in nodes})
    linked = sum(pred[a] == pred[b] for a, b in run.data.wire)
    return ClusterScores(
        p, r, f1, b3, linked, len(run.data.wire), len(gold), len(set(gold.values())), len(set(pred.values()))
    )


def error_causes(cfg: DedupConfig, labelled_set: str) -> tuple[Counter[str], Counter[str]]:
    """Missed pairs (one gold event, two predicted) and wrong merges (two gold events, one
    predicted), counted by cause. A missed pair's cause is the rule that parts the two articles'
    lead candidates (`workers.dedup.core.verdict`: type family, sub-type story, place, country,
    date, attackers, casualties...; "evidence" when they would match alone but went elsewhere),
    prefixed "no event" when either article gave none, "unknown location" when either lead has no
    country, and "lead elsewhere" when one article's other events reached the other's event (its
    headline event is not the one the other outlet led with). A wrong merge counts its two gold
    events' sub-types and whether they share a day and place."""
    run = run_set(cfg, labelled_set)
    gold, pred, lead = run.data.gold, run.pred, run.lead
    missed: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    docs = run.data.order
    for i, a in enumerate(docs):
        for b in docs[i + 1 :]:
            same_gold, same_pred = gold[a] == gold[b], pred[a] == pred[b]
            la, lb = lead[a], lead[b]
            if same_gold and not same_pred:
                if la is None or lb is None:
                    missed["no event"] += 1
                    continue
                cause = verdict(la, lb, cfg).reason
                if UNKNOWN in (block_key(la), block_key(lb)):
                    cause = f"unknown location: {cause}"
                if pred[a] in run.reached[b] or pred[b] in run.reached[a]:
                    cause = f"lead elsewhere: {cause}"
                missed[cause] += 1
            elif same_pred and not same_gold and la is not None and lb is not None:
                day = "same day" if la.get("date") == lb.get("date") else "other day"
                place = "same place" if (la.get("location") or {}).get("id") == (lb.get("location") or {}).get("id") else "other place"
                kinds = "/".join(sorted({la["sub_event_type"], lb["sub_event_type"]}))
                wrong[f"{kinds}, {day}, {place}"] += 1
    return missed, wrong


SWEEP: dict[str, tuple[float, ...]] = {  # DedupConfig fields `--sweep` varies (the rest at their defaults)
    "threshold": (0.45, 0.55),
    "story_strong": (0.4, 0.6),
    "story_vague": (0.0, 0.3),
    "story_cross_type": (0.4, 0.6, 0.8, 1.01),
    "story_beats_figures": (1.0, 1.01),
    "story_other_day_other_place": (0.0, 0.6),
}


def sweep(sets: tuple[str, ...]) -> None:
    """Score every combination of SWEEP on `sets`; print them best mean pairwise F1 first."""
    rows = []
    for values in itertools.product(*SWEEP.values()):
        cfg = replace(DedupConfig(), **dict(zip(SWEEP, values, strict=True)))
        scores = [score_clusters(cfg, name) for name in sets]
        f1 = sum(s.f1 for s in scores) / len(scores)
        p = sum(s.precision for s in scores) / len(scores)
        b3 = sum(s.bcubed for s in scores) / len(scores)
        rows.append((f1, p, b3, dict(zip(SWEEP, values, strict=True))))
    for f1, p, b3, values in sorted(rows, key=lambda r: -r[0]):
        print(f"  mean F1 {f1:.3f} P {p:.3f} B-cubed {b3:.3f}  {values}")


def evaluate_clusters(cfg: DedupConfig, labelled_set: str = "clusters") -> str:
    return score_clusters(cfg, labelled_set).line()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", nargs="*", default=None, help="labelled cluster sets (default: all)")
    parser.add_argument("--pairs", action="store_true", help="also score the SemEval pairs")
    parser.add_argument("--window", type=int, nargs="*", default=[1], help="window days (default 1, the setting)")
    parser.add_argument("--similarity", nargs="*", default=["lexical"], help="lexical and/or semantic")
    parser.add_argument("--errors", action="store_true", help="count missed pairs and wrong merges by cause on --sets")
    parser.add_argument("--sweep", action="store_true", help="sweep DedupConfig (SWEEP) on --sets (default: the development sets)")
    args = parser.parse_args()
    if args.errors:
        for labelled_set in args.sets or OLD_SETS + NEW_SETS:
            missed, wrong = error_causes(DedupConfig(), labelled_set)
            print(f"{labelled_set}: {sum(missed.values())} missed pairs, {sum(wrong.values())} wrong pairs")
            for cause, n in missed.most_common():
                print(f"  missed {n:4}  {cause}")
            for kinds, n in wrong.most_common():
                print(f"  wrong  {n:4}  {kinds}")
        return
    if args.sweep:
        sweep(tuple(args.sets or OLD_SETS))
        return
    if args.pairs:
        if not PAIRS.exists():
            sys.exit(f"skipped: {PAIRS} not found (the evaluation reads the shared data at run time)")
        rows = [json.loads(line) for line in PAIRS.open(encoding="utf-8")]
        rows = [r for r in rows if r["overall"] <= 1.5 or r["overall"] >= 2.5]
        same = sum(r["overall"] <= 1.5 for r in rows)
        print(f"{len(rows)} labelled pairs: {same} same, {len(rows) - same} different (overall 1.5-2.5 left out)")
        for name in args.similarity:
            print(f"{name:>8}: {evaluate(rows, config_for(3, 14, name))}")
    if not CORPUS.exists() or not SAUDI.exists():
        sys.exit(f"skipped: {CORPUS} or {SAUDI} not found (the evaluation reads the shared data at run time)")
    for labelled_set in args.sets or OLD_SETS + NEW_SETS:
        print(f"hand-labelled multi-outlet event clusters (eval/dedup_clusters.json {labelled_set}), lead events:")
        for window in args.window:
            for name in args.similarity:
                print(f"  window {window} d, {name:>8}: {evaluate_clusters(config_for(window, 14, name), labelled_set)}")


if __name__ == "__main__":
    main()
