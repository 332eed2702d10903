"""The extraction evaluation harness: gold lines with inline text (sentences written for this test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workers.extract.evaluate import _norm_name, evaluate, legacy_2018_id, load_gold, report


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


def _line(text: str, events: list[dict[str, object]]) -> dict[str, object]:
    return {"text": text, "published": "2019-03-11", "events": events}


def _event(type_: str, actors: list[dict[str, object]]) -> dict[str, object]:
    return {
        "type": type_,
        "sub_type": None,
        "actors": actors,
        "country": None,
        "place": None,
        "killed": None,
        "wounded": None,
        "captured": None,
        "displaced": None,
        "date": None,
    }


def test_acled_actors_by_name_coverage_and_non_events(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    police = {
        "name": "police forces of  Egypt",
        "inter": 1,
        "ar": "الشرطة",
    }  # the extractor's name, respaced and in other case
    protesters = {"name": "Protesters (Egypt)", "inter": 6, "ar": "ثلاثة متظاهرين"}
    lines = [
        _line(
            "اعتقلت الشرطة المصرية ثلاثة متظاهرين.", [_event("strategic_developments", [police, protesters])]
        ),
        _line("افتتح معرض الكتاب أبوابه اليوم.", []),
        _line("قتل 5 مدنيين أمس الأحد في غارة جوية على مدينة إدلب.", []),  # marked no event: its event counts
    ]
    gold.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines))
    tally = evaluate(load_gold(gold, None))
    assert tally.tp["actors"] == 2 and tally.fn["actors"] == 0  # ACLED names (workers/extract/actors.py)
    assert (tally.actor_mentions, tally.actor_mentions_covered) == (2, 2)  # both got some actor record
    assert (tally.non_event_sentences, tally.non_event_flagged) == (2, 1)
    text = report(tally, 3, 1)
    assert "1/2 sentences with no gold event yield one" in text
    assert "2/2 gold actor mentions get an actor record" in text


def test_catalogue_ids_are_scored_as_the_2018_catalogue_named_them(tmp_path: Path) -> None:
    assert legacy_2018_id("POL-IQ") == "POLICE" and legacy_2018_id("PRO-PS") == "PROTESTERS"
    assert legacy_2018_id("GOV-SY") == "SYR-GOV" and legacy_2018_id("ISR-MIL") == "ISR-MIL"
    assert legacy_2018_id("MIL-ZW") is None and legacy_2018_id("UAG-EG") is None  # no id for them then
    gold = tmp_path / "gold.jsonl"
    line = _line(
        "اعتقلت الشرطة العراقية ثلاثة مسلحين في بغداد.", [_event("strategic_developments", ["POLICE"])]
    )
    gold.write_text(json.dumps(line, ensure_ascii=False))
    tally = evaluate(load_gold(gold, None))
    # Police Forces of Iraq is the old POLICE; the unidentified armed group is not counted at all
    assert (tally.tp["actors"], tally.fp["actors"], tally.fn["actors"]) == (1, 0, 0)


def test_refs_into_both_corpora_and_tables_per_corpus(tmp_path: Path) -> None:
    import gzip
    import hashlib

    from workers.extract.evaluate import CORPUS_FILES, report_set

    ant_text = "مقدمة الخبر هنا. قصفت الطائرات مدينة حلب أمس."
    saudi_text = "افتتح معرض الكتاب أبوابه اليوم."
    with gzip.open(tmp_path / CORPUS_FILES["ant"], "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"docno": "X-1", "text": ant_text}, ensure_ascii=False) + "\n")
    with gzip.open(tmp_path / CORPUS_FILES["saudinewsnet"], "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"url": "http://x/1", "content": saudi_text}, ensure_ascii=False) + "\n")

    def sha(s: str) -> str:
        return hashlib.sha1(s.encode()).hexdigest()[:12]

    lines = [
        {
            "ref": {
                "corpus": "ant",
                "docno": "X-1",
                "sentence": 1,
                "sha1": sha("قصفت الطائرات مدينة حلب أمس."),
            },
            "published": "2018-03-01",
            "events": [_event("explosions_remote_violence", [])],
        },
        {
            "ref": {"corpus": "saudinewsnet", "url": "http://x/1", "sentence": 0, "sha1": sha(saudi_text)},
            "published": "2015-08-01",
            "events": [],
        },
    ]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines))
    loaded = load_gold(gold, None, tmp_path)
    assert [text for _, text in loaded] == ["قصفت الطائرات مدينة حلب أمس.", saudi_text]
    table = report_set("mine", loaded)
    assert "== mine\n" in table and "== mine / ant\n" in table and "== mine / saudinewsnet\n" in table
    assert "0/1 sentences with no gold event yield one" in table


ACLED_SUB_TYPES = {
    "armed_clash", "government_regains_territory", "non_state_actor_overtakes_territory",
    "air_drone_strike", "shelling_artillery_missile_attack", "remote_explosive_landmine_ied", "suicide_bomb",
    "grenade", "chemical_weapon", "attack", "abduction_forced_disappearance", "sexual_violence",
    "peaceful_protest", "protest_with_intervention", "excessive_force_against_protesters",
    "violent_demonstration", "mob_violence", "arrests", "looting_property_destruction", "disrupted_weapons_use",
    "headquarters_or_base_established", "non_violent_transfer_of_territory", "agreement",
    "change_to_group_activity", "other",
}  # fmt: skip


@pytest.mark.parametrize(
    "name",
    [
        "dev",
        "test",
        "holdout",
        "holdout_r4",
        "holdout_r5",
        "holdout_r6",
        "holdout_r7",
        "holdout_r8",
        "holdout_r9",
        "holdout_r10",
        "holdout_r11",
        "holdout_r12",
        "holdout_r13",
        "holdout_r14",
        "holdout_r15",
        "holdout_r16",
        "holdout_r17",
        "holdout_r18",
        "holdout_r19",
    ],
)
def test_committed_sets_resolve_and_are_well_formed(name: str) -> None:
    from workers.extract.evaluate import corpus_of, gold_path
    from workers.poll.fixtures import SHARED_DATA

    if not (SHARED_DATA / "saudinewsnet-2015.jsonl.gz").exists():
        pytest.skip(f"shared corpora not found under {SHARED_DATA}")
    gold = load_gold(gold_path(name), None, SHARED_DATA)
    assert len(gold) == 150
    assert {c: sum(corpus_of(e) == c for e, _ in gold) for c in ("ant", "saudinewsnet")} == {
        "ant": 75,
        "saudinewsnet": 75,
    }
    for entry, text in gold:
        for event in entry["events"]:
            assert event["sub_type"] in ACLED_SUB_TYPES
            for actor in event["actors"]:
                assert 1 <= actor["inter"] <= 8
                assert actor["ar"] in text, (entry["ref"], actor)  # coverage needs the words as written


def test_place_scores_count_exact_ids_of_overlapping_guesses() -> None:
    from workers.extract.evaluate import PlaceGuess, score_places

    text = "وصل الوفد إلى عدن قادما من صنعاء."
    aden, sanaa = text.index("عدن"), text.index("صنعاء")
    entry = {
        "text": text,
        "mentions": [
            {"ar": "عدن", "start": aden, "end": aden + 3, "level": "city", "geonameid": 415189},
            {"ar": "صنعاء", "start": sanaa, "end": sanaa + 5, "level": "city", "geonameid": 71137},
            {"ar": "الوفد", "start": 4, "end": 9, "level": "region", "geonameid": None},  # no id: not scored
        ],
    }

    def resolver(sentence: str) -> list[PlaceGuess]:
        assert sentence == text
        return [PlaceGuess(aden, aden + 3, 415189), PlaceGuess(sanaa + 1, sanaa + 4, 1)]  # Sanaa: wrong id

    scores = score_places([(entry, text)], resolver)
    assert (scores["all"].mentions, scores["all"].found, scores["all"].exact) == (2, 2, 1)
    assert scores["all"].exact_rate == 0.5 and scores["sub-country"].mentions == 2
    assert "country" not in scores


def test_place_resolution_set_spans_match_the_corpus() -> None:
    from workers.extract.evaluate import EVAL_DIR
    from workers.poll.fixtures import SHARED_DATA

    if not (SHARED_DATA / "saudinewsnet-2015.jsonl.gz").exists():
        pytest.skip(f"shared corpora not found under {SHARED_DATA}")
    gold = load_gold(EVAL_DIR / "place_resolution.jsonl", None, SHARED_DATA)
    mentions = [m for e, text in gold for m in e["mentions"] if text[m["start"] : m["end"]] == m["ar"]]
    assert len(mentions) == sum(len(e["mentions"]) for e, _ in gold)
    assert sum(m["geonameid"] is not None for m in mentions) >= 200


def test_places_meet_by_name_skeleton_or_by_geonames_id() -> None:
    from workers.extract.evaluate import PlaceName, _place_key, geonames_id

    assert PlaceName(_place_key("Hodeidah")).same(PlaceName(_place_key("Al Hudaydah")))
    gold = PlaceName(_place_key("Kunyo Barrow"), 55555)  # the gazetteer romanizes it «Kuniw»
    assert gold.same(PlaceName(_place_key("Kuniw"), geonames_id("geonames:55555")))
    assert not gold.same(PlaceName(_place_key("Kuniw"), geonames_id("geonames:1")))
    assert geonames_id("admin1:YE.08") is None and geonames_id(None) is None


@pytest.mark.parametrize(
    ("gold_name", "extracted_name"),
    [
        ("Hamas", "Hamas Movement"),
        ("Boko Haram", "Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad"),
        ("houthis", "Houthi Movement"),
    ],
)
def test_an_english_alias_of_a_catalogue_actor_scores_as_its_name(gold_name: str, extracted_name: str) -> None:
    assert _norm_name(gold_name) == _norm_name(extracted_name)
    assert _norm_name("Hamas") != _norm_name("Hezbollah")
