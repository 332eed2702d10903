"""Light Arabic morphology for matching: one analysis for lexicon terms and for text.

A word's *keys* are what a lexicon term and a text word must share to match. A key is a folded,
clitic-free stem (text.clitic_variants strips و ف ب ل ك ال) with at most one pronoun suffix and one
inflectional suffix removed, and the long vowel of the derived verbal-noun patterns taken out:
«الاعتقالات», «اعتقالهم», «اعتقلت», «اعتقلوا» all have the key «اعتقل»; «قصفا», «قصفت», «القصف» the
key «قصف»; «صاروخين», «صاروخا» the key «صاروخ». Imperfect and future verb
forms («يعتقل», «ستقصف») are generated from a lexicon verb at load time (verb_forms), because
stripping ي/ت/ن from text words would merge nouns such as «تظاهر»/«ظاهرة». Broken plurals are
listed in the lexicon. Camel-tools' analyser would do better but needs data that cannot be installed
here; a stem-key is cheap: keys are memoized per distinct token, so the per-article cost is one
dict lookup per candidate token. Measured (bench/extract_benchmark.py, one session, shared machine):
the issue-12 extractor (keys, 25 sub-types, factuality) runs at 0.65-0.67x the speed of the code
before it, which also finds 4,814 events in 3,000 articles where the old one found 2,912.
"""

from __future__ import annotations

from functools import lru_cache

from workers.extract.text import clitic_variants, fold

MIN_STEM = 3  # letters a stem keeps after a suffix is removed (Arabic roots have three)
_PRONOUNS = ("هما", "كما", "هم", "هن", "كم", "ها", "نا")
# one inflection: dual, sound plurals, verb endings, feminine (ة folds to ه), tanween alef
# (not the feminine nisba «ـية»: «الاحتجاجية», «القتالية» describe, they do not name an event)
# nor the nisba «ـي»: «السلبي» is not «سلب» (looting); «قتلى», «جرحى» are listed as written
_INFLECTIONS = ("تين", "تان", "يين", "ات", "ون", "ين", "ان", "وا", "تا", "ه", "ت", "ا")
_MEMO = 200_000


def _by_last_letter(suffixes: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Suffixes grouped by their last letter (order kept): a word is tried only against the few
    that can end it, which makes reduce() several times cheaper than trying them all."""
    out: dict[str, tuple[str, ...]] = {}
    for suffix in suffixes:
        out[suffix[-1]] = (*out.get(suffix[-1], ()), suffix)
    return out


_PRONOUNS_BY_LAST = _by_last_letter(_PRONOUNS)
_INFLECTIONS_BY_LAST = _by_last_letter(_INFLECTIONS)


@lru_cache(maxsize=_MEMO)
def reduce(stem: str) -> str:
    """The key of a clitic-free folded stem."""
    w = stem
    for suffix in _PRONOUNS_BY_LAST.get(w[-1:], ()):
        if w.endswith(suffix) and len(w) - len(suffix) >= MIN_STEM:
            w = w[: -len(suffix)]
            break
    for suffix in _INFLECTIONS_BY_LAST.get(w[-1:], ()):
        if w.endswith(suffix) and len(w) - len(suffix) >= MIN_STEM:
            w = w[: -len(suffix)]
            break
    # verbal nouns of the derived forms (افعال انفعال افتعال استفعال) meet their verbs: اعتقال -> اعتقل
    if len(w) >= 5 and w[0] == "ا" and w[-2] == "ا":
        w = w[:-2] + w[-1]
    return w


# the pronoun «ـه» after «ت»: a sound feminine plural («غاراته», «هجماته») or a feminine noun, whose
# «ة» is written «ت» before a pronoun («ضربته الجوية», «عمليته»), or a past verb with its object
# («اعتقلته»). «ـه» folds like «ة», so reduce() takes it for the feminine ending and stops at «غارات»,
# «ضربت»; the pronoun reading needs its own key («غار», «ضرب», «اعتقل»)
_T_WITH_PRONOUN = "ته"


# the plural «ـيين» of a nisba: reduce() takes its whole ending off («مدنيين» -> «مدن», as «الحوثيين»
# -> «الحوث»), so it would not meet its singular («مدني», as «مدنيون» does); it gets that key too
_NISBA_PLURAL = "يين"


@lru_cache(maxsize=_MEMO)
def stem_keys(stem: str) -> tuple[str, ...]:
    """The keys of a clitic-free folded stem: its reduction, and for «غاراته», «ضربته» also «غار»,
    «ضرب»; for «مدنيين» also «مدني»."""
    key = reduce(stem)
    if stem.endswith(_NISBA_PLURAL) and len(stem) - len(_NISBA_PLURAL) >= MIN_STEM:
        singular = stem[: -len(_NISBA_PLURAL) + 1]
        if singular != key:
            return (key, singular)
    if stem.endswith(_T_WITH_PRONOUN) and len(stem) - len(_T_WITH_PRONOUN) >= MIN_STEM:
        other = reduce(stem[:-1])
        if other != key:
            return (key, other)
    return (key,)


@lru_cache(maxsize=_MEMO)
def keys_of(token: str) -> tuple[str, ...]:
    """Every key a folded text token may have: the raw clitic readings and their reductions."""
    out: dict[str, None] = {}
    for stem, _, _ in clitic_variants(token):
        out[stem] = None
        for key in stem_keys(stem):
            out[key] = None
    return tuple(out)


def term_key(word: str) -> str:
    """The key of one word of a lexicon term (written without clitics; a leading ال is dropped)."""
    w = fold(word)
    if w.startswith("ال") and len(w) > 4:
        w = w[2:]
    return reduce(w)


def verb_forms(verb: str) -> list[str]:
    """Imperfect (ي ت ن) and future (سي ست سن) forms of a past-tense verb: «اعتقل» -> «يعتقل»…
    The future forms are kept apart by factuality.py (a future clause reports nothing yet)."""
    w = fold(verb)
    base = w[1:] if w.startswith("ا") and len(w) >= 4 else w
    forms = [p + base for p in ("ي", "ت", "ن")]
    return forms + ["س" + f for f in forms]


def past_forms(verb: str) -> list[str]:
    """Past forms whose key differs from the verb's: a verb ending in a weak «ى» drops it before
    «ت» and «وا» («اعتدى» -> «اعتدت», «اعتدوا»)."""
    w = fold(verb)
    return [w[:-1] + "ت", w[:-1] + "وا"] if w.endswith("ي") and len(w) >= 4 else []


FUTURE_PREFIXES = ("سي", "ست", "سن")
