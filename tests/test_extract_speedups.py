"""The shortcuts taken for extraction speed give what the plain computation gives (sentences written
for these tests). bench/extract_identity.py checks the same on both corpora, as a digest."""

from __future__ import annotations

import random
import re
from datetime import date

import pytest

from workers.extract import core, ner
from workers.extract.dates import find_dates
from workers.extract.fingerprint import simhash
from workers.extract.text import Sentence, split_sentences, tokenize

SENTENCES = [
    "قصفت الطائرات مواقع المسلحين في ريف المدينة الشمالي صباح اليوم وقتل ثلاثة مدنيين",
    "وأعلنت الشرطة اعتقال 12 شخصا بعد الاشتباكات التي اندلعت أمس الخميس في بغداد",
    "وللاحتجاجات والمظاهرات التي نظمها الطلاب يوم 5 مارس أثر في الحكومة",
    "قال المتحدث باسم قوات سوريا الديمقراطية إن الهجوم على بلدة الباغوز بدأ الأسبوع الماضي",
    "وبالقصف والاعتقالات والاغتيالات وكالانفجار، للجيش لقوات بالقوات فالمسلحون",
]


def test_one_first_word_test_serves_all_lexicons_as_each_would():
    for sentence in SENTENCES:
        for word in tokenize(sentence).words:
            expected = sum(1 << k for k, index in enumerate(core._indexes()) if index.starts_phrase(word))
            assert core._PHRASE_STARTS[word] == expected, word


def test_fingerprints_are_those_stored_before():
    # dedup state keeps fingerprints: computing them faster must not change them
    assert simhash(SENTENCES[0]) == "2fe82229e373c1e9"
    assert simhash("اعتقلت الشرطة") == "fd4a7427a261b9ff"
    assert simhash("") == "0000000000000000"


def test_dates_are_found_where_they_start_and_not_inside_another():
    tokens = tokenize("قتل اثنان اليوم الخميس وجرح ثلاثة أول أمس و 5 مارس 2017 والأسبوع الماضي")
    found = [(d.date, d.precision, d.start_token, d.end_token) for d in find_dates(tokens, date(2018, 3, 8))]
    assert found == [
        (date(2018, 3, 8), "day", 2, 4),
        (date(2018, 3, 6), "day", 6, 8),
        (date(2017, 3, 5), "day", 9, 12),
        (date(2018, 3, 1), "week", 12, 14),
    ]
    assert find_dates(tokenize("لا تاريخ في هذه الجملة"), date(2018, 3, 8)) == []


def test_the_tagger_gets_only_features_it_knows_and_tags_the_same():
    if ner.tagger() is None:
        pytest.skip("no NER model (the shared ANERcorp is not here)")
    known = ner._model_attributes()
    for sentence in SENTENCES:
        words = tokenize(sentence).words
        full, passed = ner.features(words, ner.gazetteers()), ner._tagging_features(words)
        assert [[f for f in feats if f in known] for feats in full] == passed
        assert ner.tagger().tag(full) == ner.tagger().tag(passed)


def _split_plainly(text: str) -> list[Sentence]:
    """split_sentences as a loop over the separators, each piece stripped (what the one regex does)."""
    out, pos = [], 0
    for m in re.finditer(r"[.!?؟][,،\s]+|\n+", text):
        end = m.start() if text[m.start()] == "\n" else m.start() + 1  # the stop stays in its sentence
        out.append((pos, text[pos:end]))
        pos = m.end()
    out.append((pos, text[pos:]))
    return [
        Sentence(at + len(piece) - len(piece.lstrip()), at + len(piece.rstrip()), piece.strip())
        for at, piece in out
        if piece.strip()
    ]


def test_sentences_split_by_one_regex_are_those_of_the_plain_loop():
    rng = random.Random(7)
    alphabet = list(".!?؟,، \n\t\u00a0\u2029ab")
    texts = [*SENTENCES, " ".join(SENTENCES), ".,".join(SENTENCES), "\n\n".join(SENTENCES) + " \n"]
    texts += ["".join(rng.choices(alphabet, k=rng.randint(0, 14))) for _ in range(20_000)]
    for text in texts:
        assert split_sentences(text) == _split_plainly(text), repr(text)
