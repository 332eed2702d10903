"""Open-vocabulary names: a CRF named-entity recogniser (python-crfsuite) trained on ANERcorp.

Why: lexicons know only the names someone listed; a party or town that no list knows leaves an
event without an actor or place. The CRF finds person, organisation and location names from their
shape and context (clitics, affixes, neighbouring words, title words such as «الرئيس»).

The model is not shipped: ANERcorp's licence does not say it may be redistributed, so the model is
trained from the shared train split (`../shared/data/anercorp`, or under MARSAD_DATA_DIR) at first
use into the user's cache folder (`~/.cache/marsad/ner-crf-<hash>.model`, about 1 minute of CPU,
4 MB; `scripts/dev.sh` trains it at set-up) and reused afterwards. Without the shared data there is
no model and `tagger()` returns None: extraction goes on with its lexicons alone.

Scores on the ANERcorp test split (`python eval/ner_eval.py`, exact spans): micro P 0.80, R 0.54,
F1 0.65; LOC 0.83, PERS 0.58, ORG 0.51, MISC 0.51 (0.63 without the ANERGazet features; L2-only
training, c2 0.1, gave 0.64 with a 37 MB model). Tagging runs at about 40,000 tokens/s, and only on
the event sentences that need it; bench/ner_cost.py: extraction with the model runs at 0.82-0.87 of
its speed without it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from workers.extract.text import fold

log = logging.getLogger(__name__)

TRAIN_FILE = "ANERCorp_CamelLab_train.txt"
TEST_FILE = "ANERCorp_CamelLab_test.txt"
GAZETTEERS = {"LOC": "ANERGazet_Loc.txt", "ORG": "ANERGazet_Org.txt", "PERS": "ANERGazet_Pers.txt"}
# CRF training: L1/L2 weights and iterations (common settings for CRF NER; not tuned on the test split)
C1, C2, MAX_ITERATIONS = 0.05, 0.05, 150
FEATURE_VERSION = "3"  # bump when features change: the cached model's name depends on it
# Words that open a name of a kind (title words): features, not names themselves.
_PERSON_CUES = frozenset(
    fold(w)
    for w in [
        "الرئيس",
        "الوزير",
        "رئيس",
        "وزير",
        "الملك",
        "الأمير",
        "الشيخ",
        "السيد",
        "الدكتور",
        "العميد",
        "اللواء",
        "العقيد",
        "الجنرال",
        "المتحدث",
        "الناطق",
        "قال",
        "أعلن",
        "أكد",
    ]
)
_ORG_CUES = frozenset(
    fold(w)
    for w in ["حركة", "جماعة", "تنظيم", "حزب", "منظمة", "وكالة", "شركة", "جمعية", "مجلس", "هيئة", "جبهة"]
)
_LOC_CUES = frozenset(
    fold(w)
    for w in [
        "مدينة",
        "بلدة",
        "قرية",
        "محافظة",
        "منطقة",
        "ولاية",
        "إقليم",
        "في",
        "إلى",
        "من",
        "شمال",
        "جنوب",
        "شرق",
        "غرب",
    ]
)


def data_dir() -> Path:
    """The shared data folder (setting `data_dir`, MARSAD_DATA_DIR), read when the model is first needed."""
    from workers.settings import Settings
    from workers.settings import data_dir as shared_data

    return shared_data(Settings(data_dir=os.environ.get("MARSAD_DATA_DIR", "")))


def read_conll(path: Path) -> list[list[tuple[str, str]]]:
    """ANERcorp's `token TAG` lines, sentences separated by blank lines."""
    sentences: list[list[tuple[str, str]]] = [[]]
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.rsplit(" ", 1)
        if len(parts) != 2:
            if sentences[-1]:
                sentences.append([])
            continue
        sentences[-1].append((parts[0], parts[1]))
    return [s for s in sentences if s]


@cache
def gazetteers(root: Path | None = None) -> dict[str, frozenset[str]]:
    """ANERGazet name lists (folded), when the shared data has them."""
    root = root or data_dir()
    out: dict[str, frozenset[str]] = {}
    for kind, name in GAZETTEERS.items():
        path = root / "gazetteers" / name
        if path.exists():  # every word of a listed name: «جورج بوش» lists «جورج» and «بوش»
            out[kind] = frozenset(
                word for line in path.read_text(encoding="utf-8").splitlines() for word in fold(line).split()
            )
    return out


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    for prefix in ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ب", "ل", "ف"):
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            return word[len(prefix) :]
    return word


_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")  # a search, not a loop over the word's letters in Python


def _word_features(word: str, gaz: dict[str, frozenset[str]]) -> list[str]:
    stem = _stem(word)
    feats = [
        "w=" + word,
        "s=" + stem,
        "p2=" + word[:2],
        "p3=" + word[:3],
        "x2=" + word[-2:],
        "x3=" + word[-3:],
        "sx2=" + stem[-2:],
        "len=" + str(min(len(word), 8)),
    ]
    if word.isdigit():
        feats.append("digit")
    if not _ARABIC_LETTER.search(word):
        feats.append("nonarabic")
    if word.startswith("ال"):
        feats.append("article")
    for kind, names in gaz.items():
        if word in names or stem in names:
            feats.append("gaz=" + kind)
    return feats


@lru_cache(maxsize=200_000)
def _default_word_features(word: str) -> list[str]:
    """A word's own features with the shared gazetteers, memoized: news repeats its words."""
    return _word_features(word, gazetteers())


_NEIGHBOUR_MEMO = 50_000  # words, about 40 MB at most
_OFFSETS = (-2, -1, 1, 2)


def _neighbour_features(word: str, off: int, own: list[str]) -> tuple[str, ...]:
    """Features a word gives the word `off` positions away: its word, stem and some of its own."""
    feats = [f"{off}w=" + word, f"{off}s=" + _stem(word)]
    if off in (-1, 1):
        feats.extend(f"{off}" + f for f in own if f.startswith(("gaz=", "x2=", "p2=", "x3=")))
    return tuple(feats)


@lru_cache(maxsize=_NEIGHBOUR_MEMO)
def _default_neighbour_features(word: str) -> tuple[tuple[str, ...], ...]:
    """What a word gives its neighbours at each of _OFFSETS, with the shared gazetteers; memoized as
    _default_word_features: building these strings per position was half of tagging a sentence."""
    own = _default_word_features(word)
    return tuple(_neighbour_features(word, off, own) for off in _OFFSETS)


def features(words: Sequence[str], gaz: dict[str, frozenset[str]]) -> list[list[str]]:
    """CRF features per (folded) word: its own shape, and its neighbours' words and stems."""
    if gaz is gazetteers():
        own = [_default_word_features(w) for w in words]
        given = [_default_neighbour_features(w) for w in words]
    else:
        own = [_word_features(w, gaz) for w in words]
        given = [
            tuple(_neighbour_features(w, off, o) for off in _OFFSETS) for w, o in zip(words, own, strict=True)
        ]
    return _assemble(words, own, given)


def _tagging_features(words: Sequence[str]) -> list[list[str]]:
    """features(words, gazetteers()) less those the model has no weight for, which the tagger would
    look up and ignore: a third of them, and passing them was a third of tagging."""
    own, given = zip(*map(_known_word_features, words), strict=True) if words else ((), ())
    return _assemble(words, own, given, _model_attributes())


@cache
def _model_attributes() -> frozenset[str]:
    """Every feature the model has a weight for (read from the model once, about 1.5 s)."""
    return frozenset(tagger().info().attributes)  # type: ignore[attr-defined]


@lru_cache(maxsize=_NEIGHBOUR_MEMO)
def _known_word_features(word: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """A word's own and neighbour features (with the shared gazetteers) that the model knows."""
    knows = _model_attributes().__contains__
    every = _default_word_features(word)
    given = tuple(tuple(filter(knows, _neighbour_features(word, off, every))) for off in _OFFSETS)
    return tuple(filter(knows, every)), given


def _assemble(
    words: Sequence[str],
    own: Sequence[Sequence[str]],
    given: Sequence[tuple[tuple[str, ...], ...]],
    known: frozenset[str] | None = None,
) -> list[list[str]]:
    """Each word's features: its own, what its neighbours give it (own[j], given[j]: word j's), and
    those of its position (edges, the word before, bigrams; only the `known` bigrams when given)."""
    n = len(words)
    out: list[list[str]] = []
    for i, w in enumerate(words):
        feats = [
            *own[i],
            *(given[i - 2][0] if i >= 2 else ("-2edge",)),
            *(given[i - 1][1] if i >= 1 else ("-1edge",)),
            *(given[i + 1][2] if i + 1 < n else ("1edge",)),
            *(given[i + 2][3] if i + 2 < n else ("2edge",)),
        ]
        prev = words[i - 1] if i else ""
        if prev in _PERSON_CUES:
            feats.append("after_person_cue")
        if prev in _ORG_CUES:
            feats.append("after_org_cue")
        if _stem(prev) in _LOC_CUES or prev in _LOC_CUES:
            feats.append("after_loc_cue")
        bigrams = ("bigram=" + prev + "|" + w, "next_bigram=" + w + "|" + (words[i + 1] if i + 1 < n else ""))
        feats.extend(bigrams if known is None else (b for b in bigrams if b in known))
        out.append(feats)
    return out


def _model_path(train: Path) -> Path:
    """In the user's cache folder (XDG_CACHE_HOME, else ~/.cache), not the state folder: workers and
    tests with a state folder of their own then share one model instead of training their own."""
    digest = hashlib.sha1(train.read_bytes() + FEATURE_VERSION.encode()).hexdigest()[:12]
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache_home / "marsad" / f"ner-crf-{digest}.model"


def train_model(train: Path, model: Path, gaz: dict[str, frozenset[str]] | None = None) -> Path:
    import pycrfsuite

    gaz = gazetteers() if gaz is None else gaz
    trainer = pycrfsuite.Trainer(verbose=False)
    for sentence in read_conll(train):
        words = [fold(t) or t for t, _ in sentence]
        trainer.append(features(words, gaz), [tag for _, tag in sentence])
    trainer.set_params({"c1": C1, "c2": C2, "max_iterations": MAX_ITERATIONS})
    model.parent.mkdir(parents=True, exist_ok=True)
    tmp = model.with_suffix(f".tmp{os.getpid()}")
    trainer.train(str(tmp))
    tmp.replace(model)  # atomic: a second worker never loads a half-written model
    return model


@cache
def tagger() -> object | None:
    """The CRF tagger, trained on first use; None (and one log line) without the shared data or
    python-crfsuite."""
    train = data_dir() / "anercorp" / TRAIN_FILE
    try:
        import pycrfsuite
    except ImportError:
        log.warning("python-crfsuite is not installed: no open-vocabulary names")
        return None
    if not train.exists():
        log.warning("ANERcorp not found at %s: no open-vocabulary names", train.parent)
        return None
    model = _model_path(train)
    if not model.exists():
        log.info("training the NER model from %s into %s", train, model)
        train_model(train, model)
    t = pycrfsuite.Tagger()
    t.open(str(model))
    return t


def forget() -> None:
    """Drop everything memoized from the data folder (the model, the name lists, tagged sentences),
    so the next use reads MARSAD_DATA_DIR again: for tests that switch the model off."""
    tagger.cache_clear()
    gazetteers.cache_clear()
    _entities.cache_clear()
    _default_neighbour_features.cache_clear()
    _model_attributes.cache_clear()
    _known_word_features.cache_clear()


@dataclass(frozen=True)
class Entity:
    kind: str  # PERS | ORG | LOC | MISC
    start_token: int
    end_token: int  # exclusive


def spans(tags: Iterable[str]) -> list[Entity]:
    """BIO tags -> entities (an I- without its B- starts one, as conlleval does)."""
    out: list[Entity] = []
    kind, start = None, 0
    tags = list(tags)
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, k = tag.partition("-")
        if kind is not None and (prefix != "I" or k != kind):
            out.append(Entity(kind, start, i))
            kind = None
        if prefix == "B" or (prefix == "I" and kind is None):
            kind, start = k, i
    return out


def entities(words: Sequence[str]) -> list[Entity]:
    """Names in a sentence's folded words; [] when there is no model."""
    if tagger() is None or not words:
        return []
    return list(_entities(tuple(words)))


@lru_cache(maxsize=256)
def _entities(words: tuple[str, ...]) -> tuple[Entity, ...]:
    """Memoized: the steps that complete an event often ask about the same sentence."""
    return tuple(spans(tagger().tag(_tagging_features(words))))  # type: ignore[attr-defined]


if __name__ == "__main__":  # scripts/dev.sh: train at set-up, so no worker or test waits for it
    model = tagger()
    print("NER model ready" if model is not None else "NER model skipped: no shared ANERcorp")
