"""Draw the sentences of the extraction development, frozen test and held-out sets from both corpora.

Repeatable: fixed seeds, the project's sentence splitter (so `ref`s resolve in `marsad eval`), refs
that hold ids and hashes only. Per set and corpus, 56 sentences carry a word of KEYWORDS (written for
this sampler, independently of the extractor's lexicons) and 19 (~25%) are drawn from any sentence
of a news article; one sentence per article, at most MAX_PER_OUTLET per outlet and set, the two sets
and the older `extract_gold.jsonl` never share an article. The held-out sets (`extract_holdout.jsonl`
of round 3, then `extract_holdout_rN.jsonl` of round N) are drawn the same way, each with its own
seeds (HOLDOUT_SEEDS) from articles that no set drawn before it uses, so adding one changes nothing
the other sets draw.

    python eval/sample_sentences.py --out DIR      # writes DIR/extract_{dev,test,holdout,holdout_rN}.jsonl, events null
    python eval/sample_sentences.py --check        # the committed sets hold exactly these refs
    python eval/sample_sentences.py --places DIR   # sentences for the place-resolution set

The place-resolution set (`place_resolution.jsonl`) draws PLACE_PER_CORPUS sentences per corpus that
carry a word of PLACE_CUES (own list: town, province, region, capital, camp, directions), from
articles that none of the extraction sets uses, with its own seeds.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from workers.extract.text import fold, split_sentences

EVAL = Path(__file__).resolve().parent
DATA = EVAL.parent.parent / "shared" / "data"
SEED = {"ant": 2026, "saudinewsnet": 2027}
# The held-out sets, one per round, in the order they were drawn: each has the design of dev/test,
# its own seeds and no article of any set drawn before it (dev, test, 2018, place resolution, then the
# earlier held-out sets), so adding one changes nothing the others draw. `holdout` is round 3's,
# drawn after dev/test had been read; `holdout_rN` is round N's, scored from round N+1 on.
HOLDOUT_SEEDS = {
    "holdout": {"ant": 2028, "saudinewsnet": 2029},
    "holdout_r4": {"ant": 2030, "saudinewsnet": 2031},
    "holdout_r5": {"ant": 2032, "saudinewsnet": 2033},
    "holdout_r6": {"ant": 2034, "saudinewsnet": 2035},
    "holdout_r7": {"ant": 2036, "saudinewsnet": 2037},
    "holdout_r8": {"ant": 2038, "saudinewsnet": 2039},
    "holdout_r9": {"ant": 2040, "saudinewsnet": 2041},
    "holdout_r10": {"ant": 2042, "saudinewsnet": 2043},
    "holdout_r11": {"ant": 2044, "saudinewsnet": 2045},
    "holdout_r12": {"ant": 2046, "saudinewsnet": 2047},
    "holdout_r13": {"ant": 2048, "saudinewsnet": 2049},
    "holdout_r14": {"ant": 2050, "saudinewsnet": 2051},
    "holdout_r15": {"ant": 2052, "saudinewsnet": 2053},
    "holdout_r16": {"ant": 2054, "saudinewsnet": 2055},
    "holdout_r17": {"ant": 2056, "saudinewsnet": 2057},
    "holdout_r18": {"ant": 2058, "saudinewsnet": 2059},
    "holdout_r19": {"ant": 2060, "saudinewsnet": 2061},
}
SET_SEED = {  # order of a set's 150 lines
    "dev": 3026,
    "test": 3027,
    "holdout": 3028,
    "holdout_r4": 3030,
    "holdout_r5": 3032,
    "holdout_r6": 3034,
    "holdout_r7": 3036,
    "holdout_r8": 3038,
    "holdout_r9": 3040,
    "holdout_r10": 3042,
    "holdout_r11": 3044,
    "holdout_r12": 3046,
    "holdout_r13": 3048,
    "holdout_r14": 3050,
    "holdout_r15": 3052,
    "holdout_r16": 3054,
    "holdout_r17": 3056,
    "holdout_r18": 3058,
    "holdout_r19": 3060,
}
KEYWORD_PER_SET = 56
RANDOM_PER_SET = 19
MAX_PER_OUTLET = 20
MIN_WORDS, MAX_WORDS = 6, 70  # shorter lines are captions / bylines; longer ones run-on paragraphs
ANT_NEWS = {"middleEast", "internationalNews"}
SAUDI_SPORT = {"arreyadi", "arriyadiyah"}

# Written for this sampler from general knowledge of Arabic news wording (stems, matched inside
# folded words): violence, remote violence, protest, arrest, casualties, military, territory.
KEYWORDS = [
    "قتل",
    "مقتل",
    "قتيل",
    "قتلي",
    "مصرع",
    "لقي حتفه",
    "لقوا حتفهم",
    "استشهد",
    "شهيد",
    "شهداء",
    "جرح",
    "جريح",
    "اصاب",
    "اصيب",
    "مصاب",
    "هجوم",
    "هاجم",
    "اشتباك",
    "اشتبك",
    "معارك",
    "معركه",
    "مواجهات",
    "كمين",
    "قصف",
    "غاره",
    "غارات",
    "طيران",
    "مقاتلات",
    "صاروخ",
    "صواريخ",
    "قذيف",
    "قذائف",
    "مدفعي",
    "هاون",
    "انفجار",
    "تفجير",
    "فجر نفس",
    "عبوه",
    "ناسف",
    "مفخخ",
    "انتحاري",
    "لغم",
    "الغام",
    "رصاص",
    "اطلاق نار",
    "اطلاق النار",
    "مسلح",
    "اغتيال",
    "اغتال",
    "اختطاف",
    "خطف",
    "مختطف",
    "احتجاز",
    "رهائن",
    "اعتقال",
    "اعتقل",
    "معتقل",
    "القبض",
    "توقيف",
    "احتجز",
    "مظاهره",
    "مظاهرات",
    "تظاهر",
    "متظاهر",
    "احتجاج",
    "محتج",
    "اعتصام",
    "مسيره",
    "شغب",
    "اضراب",
    "الجيش",
    "جنود",
    "جندي",
    "القوات",
    "قوات",
    "ميليشي",
    "مليشي",
    "الحوثي",
    "داعش",
    "التحالف",
    "مسلحين",
    "المتمردين",
    "الفصائل",
    "سيطر",
    "استعاد",
    "انسحب",
    "اقتحم",
    "اقتحام",
    "حرق",
    "احراق",
    "نزوح",
    "نازح",
    "تهجير",
    "اسري",
    "اسر ",
]
PLACE_SEED = {"ant": 4026, "saudinewsnet": 4027}
PLACE_PER_CORPUS = 90
PLACE_CUES = [
    "مدينة", "بلدة", "قرية", "محافظة", "ولاية", "منطقة", "إقليم", "العاصمة", "مخيم", "ريف", "ضواحي",
    "مديرية", "شمال", "جنوب", "شرق", "غرب",
]  # fmt: skip
_PLACE_RE = re.compile("|".join(re.escape(fold(k)) for k in PLACE_CUES))
_KEYWORD_RE = re.compile("|".join(re.escape(fold(k)) for k in sorted(set(KEYWORDS), key=len, reverse=True)))


@dataclass(frozen=True)
class Article:
    corpus: str
    key: str  # docno (ANT) or url (SaudiNewsNet, unique there)
    outlet: str
    published: str
    text: str


def _articles(corpus: str) -> list[Article]:
    out = []
    if corpus == "ant":
        with gzip.open(DATA / "ant-multisource-2018.jsonl.gz", "rt", encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                if d["cat"] in ANT_NEWS:
                    day = d["docno"].rsplit("-", 1)[1]
                    out.append(
                        Article("ant", d["docno"], d["src"], f"{day[:4]}-{day[4:6]}-{day[6:]}", d["text"])
                    )
    else:
        with gzip.open(DATA / "saudinewsnet-2015.jsonl.gz", "rt", encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                if d["source"] not in SAUDI_SPORT:
                    out.append(
                        Article("saudinewsnet", d["url"], d["source"], d["date_extracted"][:10], d["content"])
                    )
    return out


def _usable(text: str) -> bool:
    return MIN_WORDS <= len(text.split()) <= MAX_WORDS


def _ref(article: Article, index: int, text: str) -> dict[str, object]:
    key = "docno" if article.corpus == "ant" else "url"
    sha1 = hashlib.sha1(text.encode()).hexdigest()[:12]
    return {"corpus": article.corpus, key: article.key, "sentence": index, "sha1": sha1}


def _old_gold_docs() -> set[str]:
    path = EVAL / "extract_gold.jsonl"
    return {
        json.loads(x)["ref"]["docno"] for x in path.read_text(encoding="utf-8").splitlines() if '"ref"' in x
    }


def sample() -> dict[str, list[dict[str, object]]]:
    """The development and frozen test sets (drawn together, so they never share an article)."""
    return _draw(("test", "dev"), SEED, _old_gold_docs())


def sample_holdout(name: str, taken: set[str]) -> list[dict[str, object]]:
    """Held-out set `name`: same design, its own seeds, no article of `taken` (all earlier sets' articles)."""
    return _draw((name,), HOLDOUT_SEEDS[name], taken)[name]


def _draw(
    set_names: tuple[str, ...], seeds: dict[str, int], skip: set[str]
) -> dict[str, list[dict[str, object]]]:
    sets: dict[str, list[dict[str, object]]] = {s: [] for s in set_names}
    for corpus, seed in seeds.items():
        rng = random.Random(seed)
        slots = [
            (s, kind) for s in set_names for kind in ["kw"] * KEYWORD_PER_SET + ["rand"] * RANDOM_PER_SET
        ]
        rng.shuffle(slots)
        articles = sorted(_articles(corpus), key=lambda a: a.key)
        rng.shuffle(articles)
        per_outlet: dict[tuple[str, str], int] = {}
        pending = list(slots)
        for article in articles:
            if not pending:
                break
            if article.key in skip:
                continue
            sentences = [(i, s.text) for i, s in enumerate(split_sentences(article.text)) if _usable(s.text)]
            for n, (set_name, kind) in enumerate(pending):
                if per_outlet.get((set_name, article.outlet), 0) >= MAX_PER_OUTLET:
                    continue
                pool = (
                    sentences if kind == "rand" else [x for x in sentences if _KEYWORD_RE.search(fold(x[1]))]
                )
                if not pool:
                    continue
                index, text = rng.choice(pool)
                sets[set_name].append(
                    {
                        "ref": _ref(article, index, text),
                        "published": article.published,
                        "sample": kind,
                        "events": None,
                    }
                )
                per_outlet[(set_name, article.outlet)] = per_outlet.get((set_name, article.outlet), 0) + 1
                del pending[n]
                break
        if pending:
            raise SystemExit(f"{corpus}: ran out of articles with {len(pending)} slots open")
    for set_name, lines in sets.items():
        random.Random(SET_SEED[set_name]).shuffle(lines)
    return sets


def _key(ref: dict[str, object]) -> str:
    return str(ref.get("docno") or ref.get("url"))


def _place_set_docs() -> set[str]:
    path = EVAL / "place_resolution.jsonl"
    return {_key(json.loads(x)["ref"]) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()}


def sample_places(taken: set[str]) -> list[dict[str, object]]:
    """Sentences with a place cue, one per article, none from an article in `taken`."""
    out: list[dict[str, object]] = []
    for corpus, seed in PLACE_SEED.items():
        rng = random.Random(seed)
        articles = sorted(_articles(corpus), key=lambda a: a.key)
        rng.shuffle(articles)
        per_outlet: dict[str, int] = {}
        drawn = 0
        for article in articles:
            if drawn == PLACE_PER_CORPUS:
                break
            if article.key in taken or per_outlet.get(article.outlet, 0) >= MAX_PER_OUTLET:
                continue
            pool = [
                (i, s.text)
                for i, s in enumerate(split_sentences(article.text))
                if _usable(s.text) and _PLACE_RE.search(fold(s.text))
            ]
            if not pool:
                continue
            index, text = rng.choice(pool)
            out.append({"ref": _ref(article, index, text), "published": article.published, "mentions": None})
            per_outlet[article.outlet] = per_outlet.get(article.outlet, 0) + 1
            drawn += 1
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="write skeleton sets (events null) to this folder")
    parser.add_argument("--check", action="store_true", help="compare with the committed sets")
    parser.add_argument("--places", type=Path, help="write the place-resolution skeleton to this folder")
    args = parser.parse_args()
    sets = sample()
    taken = _old_gold_docs() | {_key(x["ref"]) for v in sets.values() for x in v}
    if args.places:
        args.places.mkdir(parents=True, exist_ok=True)
        (args.places / "place_resolution.jsonl").write_text(
            "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in sample_places(taken)), encoding="utf-8"
        )
    if args.out or args.check:
        taken |= _place_set_docs()
        for name in HOLDOUT_SEEDS:
            sets[name] = sample_holdout(name, taken)
            taken |= {_key(x["ref"]) for x in sets[name]}
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for name, lines in sets.items():
            (args.out / f"extract_{name}.jsonl").write_text(
                "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8"
            )
    if args.check:
        checked = []
        for name, lines in sets.items():
            path = EVAL / f"extract_{name}.jsonl"
            if not path.exists():  # drawn but not written yet (a new set before its skeleton is committed)
                print(f"extract_{name}.jsonl: not found, not checked", file=sys.stderr)
                continue
            committed = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
            if [x["ref"] for x in committed] != [x["ref"] for x in lines]:
                print(f"extract_{name}.jsonl: refs differ from the sampler's", file=sys.stderr)
                return 1
            checked.append(name)
        print(f"the {len(checked)} sets ({', '.join(checked)}) hold the sampler's refs, in order")
    return 0


if __name__ == "__main__":
    sys.exit(main())
