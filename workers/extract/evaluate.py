"""Extraction evaluation against a gold file of annotated sentences (JSON lines).

Each line: {"ref": {...} or "text": "...", "published": "YYYY-MM-DD", "events": [{"type", "actors",
"country", "place", "killed", "wounded", "captured", "displaced", "date"}]}. A `ref` names a sentence
of a shared corpus by document and sentence index (the repo keeps no corpus text): {"docno",
"sentence", "sha1"} in the ANT corpus (the 2018 set), or {"corpus": "ant", "docno", ...} /
{"corpus": "saudinewsnet", "url", ...} (the development and test sets); it is resolved at run time
and checked against the hash. Each sentence is extracted on its own, and precision / recall / F1 are
counted per field over (sentence, value) pairs.

Actors: the 2018 set lists ids of the 32-entry catalogue it was annotated with (LEGACY_2018_IDS; parties
outside it were left out), scored against the extracted actor's `id` read as that catalogue's id
(`legacy_2018_id`: "Police Forces of Iraq" POL-IQ is POLICE, "Government of Syria" GOV-SY is SYR-GOV,
the one id that catalogue had for a government's side); an extracted actor that catalogue had no id
for (MIL-ZW, UAG-EG, RIO-PS) is not counted, since the set cannot hold it. Before this, the generated
actors of issue 13 counted as false positives and missed ids on the 2018 set (actors F1 0.62 -> 0.57
at d04f557, 0.69 read this way). The newer sets
list ACLED-style actors ({"name", "inter", "ar"}), scored by name (case and spacing ignored) against
the extracted actor's `name`, and each gold mention counts as covered when an actor evidence span of
any extracted event overlaps where its Arabic words («ar») stand in the sentence. The "non-event"
row is the share of sentences with no gold event that yield an event anyway.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from workers.extract.core import extract
from workers.extract.text import split_sentences

FIELDS = ("event type", "actors", "country", "place", "casualties", "date")
CORPUS_FILES = {"ant": "ant-multisource-2018.jsonl.gz", "saudinewsnet": "saudinewsnet-2015.jsonl.gz"}
_CORPUS_KEYS = {"ant": ("docno", "text"), "saudinewsnet": ("url", "content")}  # ref key, text field


@dataclass
class Tally:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    non_event_sentences: int = 0  # sentences with no gold event
    non_event_flagged: int = 0  # ... of which yield an event
    actor_mentions: int = 0  # gold actor mentions (ACLED-style sets only)
    actor_mentions_covered: int = 0  # ... that an extracted actor record overlaps

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


@dataclass(frozen=True)
class PlaceName:
    """A place as scored: the skeleton of its romanized name and, where known, its GeoNames id. Two
    spellings of one place meet by skeleton («Hodeidah», «Al Hudaydah»), or by id where the
    gazetteer's romanization is far from the annotator's («Kuniw» for Kunyo Barrow)."""

    key: str | None
    geonameid: int | None = None

    def same(self, other: PlaceName) -> bool:
        if self.geonameid is not None and self.geonameid == other.geonameid:
            return True
        return bool(self.key and other.key and _same_place(self.key, other.key))


def geonames_id(place_id: str | None) -> int | None:
    """The GeoNames id in a place or location id («geonames:2228373»), if it is one."""
    source, _, number = (place_id or "").partition(":")
    return int(number) if source == "geonames" and number.isdigit() else None


def corpus_of(entry: dict[str, Any]) -> str:
    """Which corpus a gold line's sentence comes from ("text" for inline sentences)."""
    if "ref" not in entry:
        return "text"
    return str(entry["ref"].get("corpus", "ant"))


def _read_corpus(path: Path, key: str, text_field: str, wanted: set[str]) -> dict[str, str]:
    texts: dict[str, str] = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            if doc[key] in wanted:
                texts[doc[key]] = doc[text_field]
    return texts


def load_gold(
    path: Path, corpus: Path | None, data_dir: Path | None = None
) -> list[tuple[dict[str, Any], str]]:
    """Gold lines with their sentences. `corpus`: the ANT file that refs without a "corpus" key point
    into (the 2018 set); `data_dir`: the folder holding CORPUS_FILES for refs that name their corpus
    (default: the folder of `corpus`)."""
    entries = [
        json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    if data_dir is None and corpus is not None:
        data_dir = corpus.parent
    texts: dict[str, dict[str, str]] = {}
    for name in sorted({corpus_of(e) for e in entries} - {"text"}):
        key, text_field = _CORPUS_KEYS[name]
        wanted = {e["ref"][key] for e in entries if corpus_of(e) == name}
        legacy = any(corpus_of(e) == name and "corpus" not in e["ref"] for e in entries)
        source = corpus if legacy else (data_dir / CORPUS_FILES[name] if data_dir else None)
        if source is None or not source.exists():
            raise FileNotFoundError(f"gold entries refer to the shared corpus, not found at {source}")
        texts[name] = _read_corpus(source, key, text_field, wanted)
    out = []
    for e in entries:
        name = corpus_of(e)
        if name == "text":
            out.append((e, e["text"]))
            continue
        ref = e["ref"]
        doc = ref[_CORPUS_KEYS[name][0]]
        sentence = split_sentences(texts[name][doc])[ref["sentence"]].text
        if hashlib.sha1(sentence.encode()).hexdigest()[:12] != ref["sha1"]:
            raise ValueError(f"{doc} sentence {ref['sentence']}: text differs from the annotated one")
        out.append((e, sentence))
    return out


# The catalogue the 2018 set was annotated with (eval/README.md: "parties outside the catalogue are left out").
LEGACY_2018_IDS = frozenset(
    [
        "AQ",
        "BOKO-HARAM",
        "CIVILIANS",
        "EGY-MIL",
        "FSA",
        "HAMAS",
        "HEZBOLLAH",
        "HOUTHI",
        "HTS",
        "ICRC",
        "IRQ-GOV",
        "ISIS",
        "ISR-MIL",
        "LNA",
        "PIJ",
        "PKK",
        "PMF",
        "POLICE",
        "PROTESTERS",
        "RUS-MIL",
        "SAUDI-COALITION",
        "SDF",
        "SHABAAB",
        "SOHR",
        "SYR-GOV",
        "TALIBAN",
        "TUR-MIL",
        "UN",
        "US-COALITION",
        "WHITE-HELMETS",
        "YEM-GOV",
        "YPG",
    ]
)
_LEGACY_ROLES = {"POL": "POLICE", "PRO": "PROTESTERS", "CIV": "CIVILIANS"}  # generated role -> old generic id
# actors split off an old catalogue entry since: the 2018 catalogue's FSA took in the opposition's
# factions («فصائل المعارضة»), now "Opposition Rebels (Syria)" as the held-out sets name them
_LEGACY_SPLITS = {"SYR-OPP": "FSA"}


@cache
def _legacy_state_ids() -> dict[str, str]:
    """Country -> the old catalogue's id for its state forces (SY -> SYR-GOV)."""
    from workers.extract.actors import STATE, catalogue

    return {
        spec.country: spec.id
        for spec in catalogue().values()
        if spec.id in LEGACY_2018_IDS and spec.country and spec.inter == STATE
    }


def legacy_2018_id(actor_id: str) -> str | None:
    """An extracted actor's id as the 2018 set's catalogue names it, or None where it had no id for it."""
    if actor_id in LEGACY_2018_IDS:
        return actor_id
    if actor_id in _LEGACY_SPLITS:
        return _LEGACY_SPLITS[actor_id]
    role, _, country = actor_id.partition("-")
    if role == "GOV":
        return _legacy_state_ids().get(country)
    return _LEGACY_ROLES.get(role) if country else None


def _norm_name(name: str) -> str:
    """An actor's name as scored: case and spacing aside, and an English alias of a catalogue actor
    (data/actors.json `en`: «Hamas», «Houthis») read as that actor's name («Hamas Movement»), as the
    aliases of one place count as one place."""
    plain = " ".join(name.casefold().split())
    return _english_aliases().get(plain, plain)


@cache
def _english_aliases() -> dict[str, str]:
    from workers.extract.actors import catalogue

    return {
        " ".join(alias.casefold().split()): " ".join(spec.name.casefold().split())
        for spec in catalogue().values()
        for alias in spec.en
    }


def _mention_covered(text: str, surface: str, pred: list[dict[str, Any]]) -> bool:
    """A gold actor mention is covered when an extracted actor's evidence overlaps its words."""
    spans = [(m.start(), m.end()) for m in re.finditer(re.escape(surface), text)]
    return any(
        ev["start"] < end and start < ev["end"]
        for e in pred
        for ev in e["evidence"]
        if ev["field"] == "actor"
        for start, end in spans
    )


# The home country a feeds file would declare for each corpus's outlets (deploy/feeds.toml
# `home_country`): SaudiNewsNet's 14 outlets are Saudi papers; the ANT outlets are international
# (Sky News Arabia, Al Arabiya, France 24, BBC, CNN) and declare none.
HOME_COUNTRIES = {"saudinewsnet": "SA"}


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
        home = HOME_COUNTRIES.get(corpus_of(entry))
        if home:
            item["home_country"] = home
        pred = extract(item)
        want = entry["events"]
        tally.add("event type", Counter(e["type"] for e in want), Counter(e["event_type"] for e in pred))
        if not want:
            tally.non_event_sentences += 1
            tally.non_event_flagged += bool(pred)
        gold_actors = [a for e in want for a in e["actors"]]
        if any(isinstance(a, dict) for a in gold_actors):  # ACLED-style actors: score by name
            tally.add(
                "actors",
                Counter({_norm_name(a["name"]) for a in gold_actors}),
                Counter({_norm_name(a["name"]) for e in pred for a in e["actors"]}),
            )
            tally.actor_mentions += len(gold_actors)
            tally.actor_mentions_covered += sum(_mention_covered(text, a["ar"], pred) for a in gold_actors)
        else:
            tally.add(
                "actors",
                Counter(set(gold_actors)),
                Counter({legacy_2018_id(a["id"]) for e in pred for a in e["actors"]} - {None}),
            )
        tally.add(
            "country",
            Counter({e["country"] for e in want if e["country"]}),
            Counter({(e["location"] or {}).get("country_code") for e in pred} - {None}),
        )
        gold_places = {PlaceName(_place_key(e["place"]), e.get("geonameid")) for e in want if e["place"]}
        pred_places = {
            PlaceName(_place_key(loc.get("name")), geonames_id(loc.get("id")))
            for loc in (e["location"] or {} for e in pred)
            if loc.get("precision") != "country" and loc.get("name")
        }
        # a governorate named alone is gold admin1 with place null (eval/README.md): one extracted is
        # a hit when the gold names it as the place, and no false place when the gold has none
        areas = {
            PlaceName(_place_key(loc.get("name")), geonames_id(loc.get("id")))
            for loc in (e["location"] or {} for e in pred)
            if loc.get("precision") == "admin1"
        }
        matched = {g for g in gold_places if any(g.same(p) for p in pred_places)}
        tally.tp["place"] += len(matched)
        tally.fn["place"] += len(gold_places) - len(matched)
        tally.fp["place"] += sum(1 for p in pred_places - areas if not any(g.same(p) for g in gold_places))
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
    if tally.non_event_sentences:
        share = tally.non_event_flagged / tally.non_event_sentences
        lines.append(
            f"{'non-event':<11} {share:>5.2f}{'':12}   {tally.non_event_flagged}/{tally.non_event_sentences}"
            " sentences with no gold event yield one"
        )
    if tally.actor_mentions:
        share = tally.actor_mentions_covered / tally.actor_mentions
        lines.append(
            f"{'actor recs':<11} {share:>5.2f}{'':12}   {tally.actor_mentions_covered}/{tally.actor_mentions}"
            " gold actor mentions get an actor record"
        )
    return "\n".join(lines)


EVAL_DIR = Path(__file__).resolve().parents[2] / "eval"  # in a checkout
# Named gold sets (shipped in the wheel too, see settings.packaged_file). The frozen test sets are
# scored only when asked for by name (`--gold test`, `--gold holdout`, `--gold holdout_r4`,
# `--gold holdout_r5`, `--gold holdout_r6`, `--gold holdout_r7`, `--gold holdout_r8`, `--gold holdout_r9`,
# `--gold holdout_r10`, `--gold holdout_r11`, `--gold holdout_r12`, `--gold holdout_r13`, `--gold holdout_r14`, `--gold holdout_r15`, `--gold holdout_r16`,
# `--gold holdout_r17`, `--gold holdout_r18`, `--gold holdout_r19`).
GOLD_SETS = {
    "2018": "eval/extract_gold.jsonl",
    "dev": "eval/extract_dev.jsonl",
    "test": "eval/extract_test.jsonl",
    "holdout": "eval/extract_holdout.jsonl",
    "holdout_r4": "eval/extract_holdout_r4.jsonl",
    "holdout_r5": "eval/extract_holdout_r5.jsonl",
    "holdout_r6": "eval/extract_holdout_r6.jsonl",
    "holdout_r7": "eval/extract_holdout_r7.jsonl",
    "holdout_r8": "eval/extract_holdout_r8.jsonl",
    "holdout_r9": "eval/extract_holdout_r9.jsonl",
    "holdout_r10": "eval/extract_holdout_r10.jsonl",
    "holdout_r11": "eval/extract_holdout_r11.jsonl",
    "holdout_r12": "eval/extract_holdout_r12.jsonl",
    "holdout_r13": "eval/extract_holdout_r13.jsonl",
    "holdout_r14": "eval/extract_holdout_r14.jsonl",
    "holdout_r15": "eval/extract_holdout_r15.jsonl",
    "holdout_r16": "eval/extract_holdout_r16.jsonl",
    "holdout_r17": "eval/extract_holdout_r17.jsonl",
    "holdout_r18": "eval/extract_holdout_r18.jsonl",
    "holdout_r19": "eval/extract_holdout_r19.jsonl",
}
DEFAULT_SETS = ("2018", "dev")


def gold_path(name_or_path: str) -> Path:
    from workers.settings import packaged_file

    return packaged_file(GOLD_SETS[name_or_path]) if name_or_path in GOLD_SETS else Path(name_or_path)


def report_set(name: str, gold: list[tuple[dict[str, Any], str]]) -> str:
    """One table for the whole set, then one per corpus where the set draws on more than one."""

    def table(title: str, part: list[tuple[dict[str, Any], str]]) -> str:
        body = report(evaluate(part), len(part), sum(len(e["events"]) for e, _ in part))
        return f"== {title}\n{body}"

    corpora = sorted({corpus_of(e) for e, _ in gold})
    parts = [table(name, gold)]
    if len(corpora) > 1:
        parts += [table(f"{name} / {c}", [g for g in gold if corpus_of(g[0]) == c]) for c in corpora]
    return "\n\n".join(parts)


@dataclass(frozen=True)
class PlaceGuess:
    """A place a resolver found in a sentence: character span and GeoNames id (None: not resolved)."""

    start: int
    end: int
    geonameid: int | None


@dataclass
class PlaceScore:
    mentions: int = 0  # gold mentions with a GeoNames id
    found: int = 0  # ... that a guess overlaps
    exact: int = 0  # ... whose overlapping guess has the gold id

    @property
    def exact_rate(self) -> float:
        return self.exact / self.mentions if self.mentions else 0.0


def score_places(
    gold: list[tuple[dict[str, Any], str]], resolver: Callable[[str], list[PlaceGuess]]
) -> dict[str, PlaceScore]:
    """Exact-id rate over `place_resolution.jsonl` mentions that have a geonameid, overall ("all"), below
    country level ("sub-country"), per corpus and per level (country, city, admin1). A mention counts as exact when a guess overlapping
    its span carries its id (several guesses: any of them)."""
    scores: dict[str, PlaceScore] = {}
    for entry, text in gold:
        guesses = resolver(text)
        for m in entry["mentions"]:
            if m.get("geonameid") is None:
                continue
            over = [g for g in guesses if g.start < m["end"] and m["start"] < g.end]
            keys = ["all", corpus_of(entry), m["level"]] + (
                ["sub-country"] if m["level"] != "country" else []
            )
            for key in keys:
                s = scores.setdefault(key, PlaceScore())
                s.mentions += 1
                s.found += bool(over)
                s.exact += any(g.geonameid == m["geonameid"] for g in over)
    return scores
