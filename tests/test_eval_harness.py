"""The extraction evaluation harness: gold lines with inline text (sentences written for this test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workers.extract.evaluate import evaluate, load_gold, report


def test_scores_per_field(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    lines = [
        {
            "text": "قتل 5 مدنيين أمس الأحد في غارة جوية على مدينة إدلب.",
            "published": "2019-03-11",
            "events": [
                {
                    "type": "explosions_remote_violence",
                    "actors": ["CIVILIANS"],
                    "country": "SY",
                    "place": "Idlib",
                    "killed": [5, 5],
                    "wounded": None,
                    "captured": None,
                    "displaced": None,
                    "date": "2019-03-10",
                }
            ],
        },
        {"text": "افتتح معرض الكتاب أبوابه اليوم.", "published": "2019-03-11", "events": []},
        {
            "text": "خرجت مظاهرة في الخرطوم.",
            "published": "2019-03-11",
            "events": [
                {
                    "type": "protests",
                    "actors": [],
                    "country": "SD",
                    "place": "Khartoum",
                    "killed": [2, 2],
                    "wounded": None,
                    "captured": None,
                    "displaced": None,
                    "date": None,
                }
            ],
        },
    ]
    gold.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines))
    tally = evaluate(load_gold(gold, None))
    assert tally.scores("event type") == (1.0, 1.0, 1.0)
    assert tally.scores("place") == (1.0, 1.0, 1.0)
    assert tally.scores("date") == (1.0, 1.0, 1.0)
    assert (tally.tp["casualties"], tally.fn["casualties"]) == (1, 1)  # the made-up toll is missed
    assert "casualties" in report(tally, 3, 2)


def test_refs_need_the_corpus_and_must_match_its_text(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps(
            {
                "ref": {"docno": "X-1", "sentence": 0, "sha1": "000000000000"},
                "published": "2018-01-01",
                "events": [],
            }
        )
    )
    with pytest.raises(FileNotFoundError):
        load_gold(gold, tmp_path / "missing.jsonl.gz")
    import gzip

    corpus = tmp_path / "corpus.jsonl.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"docno": "X-1", "text": "جملة أخرى غير المعلمة."}) + "\n")
    with pytest.raises(ValueError, match="differs"):
        load_gold(gold, corpus)
