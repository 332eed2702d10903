"""Extraction evaluation against a gold file of annotated sentences (JSON lines).

Each line: {"ref": {"docno", "sentence", "sha1"} or "text": "...", "published": "YYYY-MM-DD",
"events": [{"type", "actors", "country", "place", "killed", "wounded", "captured", "displaced",
"date"}]}. A `ref` names a sentence of the shared corpus by document and sentence index (the repo
keeps no corpus text); it is resolved at run time and checked against the hash. Each sentence is
extracted on its own, and precision / recall / F1 are counted per field over (sentence, value) pairs.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workers.extract.core import extract
from workers.extract.text import split_sentences

FIELDS = ("event type", "actors", "country", "place", "casualties", "date")


@dataclass
class Tally:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)

    def add(self, name: str, gold: Counter[Any], pred: Counter[Any]) -> None:
        hit = sum((gold & pred).values())
        self.tp[name] += hit
        self.fp[name] += sum(pred.values()) - hit
        self.fn[name] += sum(gold.values()) - hit

    def scores(self, name: str) -> tuple[float, float, float]:
        tp, fp, fn = self.tp[name], self.fp[name], self.fn[name]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _place_key(name: str | None) -> str | None:
    """Consonant skeleton of a romanized name, so spellings of one Arabic name meet: Hodeidah and
    Al Hudaydah -> hddh, Daraa and Dar'a -> dr, Dhamar and Dhamār -> dhmr."""
    if not name:
        return None
    key = re.sub(r"[^a-z]", "", unicodedata.normalize("NFKD", name).lower())
    key = re.sub(r"^(al|as|ar|ad|an|el|az)(?=[a-z]{3})", "", key)
    return re.sub(r"(?<=.)[aeiouyw]", "", key)


def _same_place(gold: str, pred: str) -> bool:
    return gold == pred or (len(gold) >= 4 and gold in pred) or (len(pred) >= 4 and pred in gold)


def load_gold(path: Path, corpus: Path | None) -> list[tuple[dict[str, Any], str]]:
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    wanted = {e["ref"]["docno"] for e in entries if "ref" in e}
    texts: dict[str, str] = {}
    if wanted:
        if corpus is None or not corpus.exists():
            raise FileNotFoundError(f"gold entries refer to the shared corpus, not found at {corpus}")
        with gzip.open(corpus, "rt", encoding="utf-8") as fh:
            for line in fh:
                doc = json.loads(line)
                if doc["docno"] in wanted:
                    texts[doc["docno"]] = doc["text"]
    out = []
    for e in entries:
        if "ref" not in e:
            out.append((e, e["text"]))
            continue
        ref = e["ref"]
        sentence = split_sentences(texts[ref["docno"]])[ref["sentence"]].text
        if hashlib.sha1(sentence.encode()).hexdigest()[:12] != ref["sha1"]:
            raise ValueError(
                f"{ref['docno']} sentence {ref['sentence']}: text differs from the annotated one"
            )
        out.append((e, sentence))
    return out


def evaluate(gold: list[tuple[dict[str, Any], str]]) -> Tally:
    tally = Tally()
    for n, (entry, text) in enumerate(gold):
        item = {
            "schema_version": 1,
            "item_id": f"{n:020x}",
            "feed_id": "eval",
            "source": "eval",
            "url": "",
            "title": "",
            "text": text,
            "language": "ar",
            "published_at": f"{entry['published']}T12:00:00Z",
            "fetched_at": f"{entry['published']}T12:00:00Z",
        }
        pred = extract(item)
        want = entry["events"]
        tally.add("event type", Counter(e["type"] for e in want), Counter(e["event_type"] for e in pred))
        tally.add(
            "actors",
            Counter({a for e in want for a in e["actors"]}),
            Counter({a["id"] for e in pred for a in e["actors"]}),
        )
        tally.add(
            "country",
            Counter({e["country"] for e in want if e["country"]}),
            Counter({(e["location"] or {}).get("country_code") for e in pred} - {None}),
        )
        gold_places = {_place_key(e["place"]) for e in want if e["place"]}
        pred_places = {
            _place_key((e["location"] or {}).get("name"))
            for e in pred
            if (e["location"] or {}).get("precision") != "country"
        } - {None}
        matched = {g for g in gold_places if any(_same_place(g, p) for p in pred_places)}  # type: ignore[arg-type]
        tally.tp["place"] += len(matched)
        tally.fn["place"] += len(gold_places) - len(matched)
        tally.fp["place"] += sum(1 for p in pred_places if not any(_same_place(g, p) for g in gold_places))  # type: ignore[arg-type]
        kinds = ("killed", "wounded", "captured", "displaced")
        tally.add(
            "casualties",
            Counter({(k, *e[k]) for e in want for k in kinds if e.get(k)}),
            Counter(
                {
                    (k, e["casualties"][k]["min"], e["casualties"][k]["max"])
                    for e in pred
                    for k in kinds
                    if e["casualties"].get(k)
                }
            ),
        )
        tally.add(
            "date",
            Counter({e["date"] for e in want if e.get("date")}),
            Counter(
                {
                    e["date"]
                    for e in pred
                    if e.get("date") and any(ev["field"] == "date" for ev in e["evidence"])
                }
            ),
        )
    return tally


def report(tally: Tally, sentences: int, events: int) -> str:
    lines = [
        f"{sentences} sentences, {events} gold events",
        f"{'field':<11} {'P':>5} {'R':>5} {'F1':>5}   tp/fp/fn",
    ]
    for name in FIELDS:
        p, r, f1 = tally.scores(name)
        lines.append(
            f"{name:<11} {p:>5.2f} {r:>5.2f} {f1:>5.2f}   {tally.tp[name]}/{tally.fp[name]}/{tally.fn[name]}"
        )
    return "\n".join(lines)
