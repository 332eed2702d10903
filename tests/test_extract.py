"""Extraction on short sentences written for these tests, and on the seed article (shared data)."""

from __future__ import annotations

import pytest

from tests.conftest import SEED_ARTICLE, need_shared
from workers.contracts import EVENT, validation_errors
from workers.extract.core import extract
from workers.extract.numbers import find_counts
from workers.extract.text import clitic_variants, fold, fold_with_offsets, split_sentences, tokenize


def item(text: str, published: str = "2019-03-11T09:00:00Z", title: str = "") -> dict:
    return {
        "schema_version": 1,
        "item_id": "0" * 20,
        "feed_id": "t",
        "source": "Test",
        "url": "https://t.example/1",
        "title": title,
        "text": text,
        "language": "ar",
        "published_at": published,
        "fetched_at": "2019-03-11T10:00:00Z",
    }


def one(events: list[dict], sub: str) -> dict:
    found = [e for e in events if e["sub_event_type"] == sub]
    assert len(found) == 1, [e["sub_event_type"] for e in events]
    return found[0]


def counts(text: str) -> list[tuple[int, int | None]]:
    return [(c.lo, c.hi) for c in find_counts(tokenize(text), text)]


def test_folding_keeps_offsets_into_the_original() -> None:
    original = "أُصِيبَ ـ أربعةٌ ٣"
    folded = fold_with_offsets(original)
    assert folded.text == "اصيب  اربعه 3"
    tokens = tokenize(original)
    assert [original[t.start : t.end] for t in tokens] == ["أُصِيبَ", "أربعةٌ", "٣"]
    assert fold("إلى") == "الي"


def test_clitics_are_stripped_for_matching() -> None:
    stems = {v[0] for v in clitic_variants("بالباغوز")}
    assert "الباغوز" in stems and "باغوز" in stems
    assert "المتطرفين" in {v[0] for v in clitic_variants("للمتطرفين")}


def test_sentences_split_on_corpus_joiner_and_punctuation() -> None:
    text = "وقع انفجار في المدينة., وقال مسؤول إن التحقيق جار. هل من جديد؟ نعم"
    assert [s.text for s in split_sentences(text)] == [
        "وقع انفجار في المدينة.",
        "وقال مسؤول إن التحقيق جار.",
        "هل من جديد؟",
        "نعم",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قتل 5 أشخاص", [(5, 5)]),
        ("أصيب ١٢ شخصا", [(12, 12)]),
        ("أسرت سبعة مسلحين", [(7, 7)]),
        ("نحو 500 مقاتل", [(500, 500)]),  # the figure reported, as ACLED records it
        ("ما لا يقل عن 20 قتيلا", [(20, None)]),
        ("3000 أو 4000 مدني", [(3000, 4000)]),
        ("قتل العشرات", [(20, 99)]),
        ("أكثر من 20 قتيلا", [(20, None)]),
        ("ثلاثة آلاف نازح", [(3000, 3000)]),
    ],
)
def test_counts_keep_vague_amounts_as_ranges(text: str, expected: list) -> None:
    assert counts(text) == expected


def test_airstrike_with_casualties_place_and_yesterday() -> None:
    text = "قتل 5 مدنيين وأصيب 12 آخرون أمس الأحد في غارة جوية على مدينة إدلب."
    events = extract(item(text))
    strike = one(events, "air_drone_strike")
    assert strike["event_type"] == "explosions_remote_violence"
    assert strike["casualties"]["killed"]["min"] == 5 and strike["casualties"]["wounded"]["min"] == 12
    assert strike["location"]["name"] == "Idlib" and strike["location"]["country_code"] == "SY"
    assert strike["location"]["lat"] == pytest.approx(35.93, abs=0.1)
    assert strike["date"] == "2019-03-10"
    killed = next(e for e in strike["evidence"] if e["field"] == "killed")
    assert text[killed["start"] : killed["end"]] == "قتل 5"  # offsets index the item text
    assert validation_errors(EVENT, strike) == []


def test_actor_aliases_and_roles() -> None:
    text = "وقال المرصد السوري لحقوق الإنسان إن قسد اعتقلت عشرة من عناصر تنظيم الدولة الإسلامية في منبج."
    arrests = one(extract(item(text)), "arrests")
    roles = {a["id"]: a["role"] for a in arrests["actors"]}
    assert roles == {"SDF": "actor", "ISIS": "target"}
    assert arrests["casualties"]["captured"] == {"min": 10, "max": 10, "text": "عشرة"}
    assert arrests["attributions"][0]["speaker_id"] == "SOHR"
    assert arrests["location"]["name"] == "Manbij"


def test_clitic_place_and_evidence_offsets_point_at_the_original() -> None:
    text = "اندلعت اشتباكات عنيفة بالباغوز بين قوات سوريا الديمقراطية وداعش."
    clash = one(extract(item(text)), "armed_clash")
    loc = next(e for e in clash["evidence"] if e["field"] == "location")
    assert text[loc["start"] : loc["end"]] == "بالباغوز"
    assert clash["location"]["admin1"] == "Deir ez-Zor"
    assert {a["id"] for a in clash["actors"]} == {"SDF", "ISIS"}


def test_words_that_look_like_places_are_not_places() -> None:
    # «إطار» is also a town in Mauritania, «وأن» spells Van (Turkey): neither is a place here.
    events = extract(item("وقال إن الهجوم جاء في إطار عملية عسكرية، وأن الاشتباكات مستمرة."))
    assert events and all(e["location"] is None for e in events)


def test_text_without_an_event_gives_none() -> None:
    assert extract(item("افتتح معرض الكتاب أبوابه اليوم بمشاركة مئات الناشرين.")) == []


def test_seed_article_events() -> None:
    need_shared(SEED_ARTICLE)
    title, _, body = SEED_ARTICLE.read_text(encoding="utf-8").partition("\n")
    events = extract(item(body.strip(), title=title))
    by_sub = {e["sub_event_type"]: e for e in events}
    assert set(by_sub) >= {"armed_clash", "air_drone_strike", "suicide_bomb", "arrests"}
    for e in events:
        assert validation_errors(EVENT, e) == []
        assert e["location"]["id"] == "cur:baghouz"
    clash = by_sub["armed_clash"]
    assert {a["id"] for a in clash["actors"]} >= {"SDF", "ISIS"}
    assert (clash["casualties"]["killed"]["min"], clash["casualties"]["wounded"]["min"]) == (1, 4)
    assert clash["date"] == "2019-03-11"
    assert by_sub["suicide_bomb"]["attempted"] and by_sub["suicide_bomb"]["quantity"] == 4
    arrests = by_sub["arrests"]
    assert arrests["casualties"]["captured"]["min"] == 7
    assert arrests["date"] == "2019-03-10"  # «منذ أمس الأحد»
    assert [a["speaker_id"] for a in arrests["attributions"]] == ["SOHR"]
    assert any(a["speaker"] == "مصطفى بالي" and a["speaker_id"] == "SDF" for a in clash["attributions"])


@pytest.mark.parametrize(
    "text",
    [
        "كَتَبَ الولدُ ـ الدرسَ، وقال: «٣٠٠٠ أو 4,500» جريحاً في 3.5 ساعة.",
        "وقتل 12 شخصا و3 جنود بالقرب من حمص😀 ثم انسحبوا.",
        "Reuters reported 1,200 displaced; «العاصمة» وَ ٢٠١٨.",
        "",
        "...",
    ],
)
def test_fast_tokenizer_agrees_with_the_regex_tokenizer(text: str) -> None:
    # the article tokenizer works on code-point arrays; the regex one is its definition
    from workers.extract.text import _tokenize_slow

    long_text = (text + " ") * 30  # past the short-text cut-over, so the array path runs
    assert list(tokenize(long_text, base=7)) == list(_tokenize_slow(long_text, 7))


def test_ambiguous_trigger_needs_a_conflict_context() -> None:
    # «خطف» as «snatched (an award)», «معركة» of a film, «انسحاب» from a deal: no event
    assert extract(item("خطف الممثل جائزة أفضل ممثل في الحفل.")) == []
    assert extract(item("يروي الفيلم قصة معركة بين قط وفأر.")) == []
    assert extract(item("أعلنت الحكومة انسحاب البلاد من الاتفاق التجاري.")) == []
    # the same words with armed actors or casualties around them are events
    one(extract(item("خطف مسلحون مهندسين اثنين قرب المدينة.")), "abduction_forced_disappearance")
    one(extract(item("قتل ثلاثة جنود في معركة قرب الحدود.")), "armed_clash")
    one(
        extract(item("أعلنت القوات الأمريكية انسحاب جنودها من القاعدة.")), "non_violent_transfer_of_territory"
    )


def test_a_release_is_not_an_abduction() -> None:
    # «رهائن» / «المختطفين» with a release in the same clause report the end of an abduction
    assert extract(item("أفرجت الجماعة المسلحة عن عشرة رهائن بموجب الاتفاق.")) == []
    assert extract(item("طالب الأهالي بإطلاق سراح المختطفين.")) == []
    # a kidnapping, and one by a group whose name holds «تحرير», still is one
    one(extract(item("احتجز مسلحون خمسة رهائن في مصرف بالمدينة.")), "abduction_forced_disappearance")
    event = one(
        extract(item("اختطفت هيئة تحرير الشام ثلاثة صحفيين في إدلب.")), "abduction_forced_disappearance"
    )
    assert [(a["id"], a["role"]) for a in event["actors"]] == [("HTS", "actor"), ("CIV-SY", "target")]


def test_suffocation_cases_after_shelling_are_a_chemical_attack_but_tear_gas_is_not() -> None:
    one(extract(item("سجلت حالات اختناق بين المدنيين إثر قصف لقوات النظام على المدينة.")), "chemical_weapon")
    events = extract(item("أطلقت الشرطة الغاز المسيل للدموع على المتظاهرين وسجلت حالات اختناق."))
    assert "chemical_weapon" not in {e["sub_event_type"] for e in events}


def test_an_intercepted_missile_falls_where_it_was_aimed_not_where_it_came_from() -> None:
    # «صاروخا»: the accusative spelling; «من اليمن»: the launch site, not the event's place. An
    # interception is disrupted weapons use (ACLED), placed where the missile was aimed
    text = "اعترضت الدفاعات الجوية صاروخا أطلقه الحوثيون من اليمن على مدينة نجران."
    event = one(extract(item(text)), "disrupted_weapons_use")
    assert event["location"]["country_code"] == "SA"
    assert "HOUTHI" in [a["id"] for a in event["actors"]]  # and the air defences (generated actors)
    text = "أطلقت الفصائل صاروخا من غزة باتجاه إسرائيل."
    event = one(extract(item(text)), "shelling_artillery_missile_attack")
    assert event["location"]["id"] == "country:IL"


def test_big_cities_whose_names_are_also_stop_words_are_found() -> None:
    # «رياض» is a first name on the stop list; «الرياض» is the Saudi capital
    event = one(
        extract(item("اعترضت الدفاعات الجوية صاروخا في سماء الرياض.")), "disrupted_weapons_use"
    )
    assert event["location"]["name"] == "Riyadh"
    event = one(extract(item("قتل شخصان في انفجار عبوة ناسفة في جدة.")), "remote_explosive_landmine_ied")
    assert event["location"]["name"] == "Jeddah"
    # a spelling GeoNames lacks, and the same name in Persian letters
    for kabul in ("كابول", "کابول"):
        event = one(extract(item(f"قتل عشرة أشخاص في تفجير انتحاري في {kabul}.")), "suicide_bomb")
        assert event["location"]["name"] == "Kabul"


def test_security_council_is_not_the_police() -> None:
    events = extract(item("قتل عشرة مدنيين في غارة جوية على القرية رغم هدنة مجلس الأمن."))
    assert all(a["id"] != "POLICE" for e in events for a in e["actors"])
    one(events, "air_drone_strike")


def test_dateline_is_not_the_event_place() -> None:
    # the bureau's city and country say where the story was filed, not where the strike was
    event = one(extract(item("لندن، بريطانيا (CNN) -- قتل خمسة أشخاص في غارة جوية.")), "air_drone_strike")
    assert event["location"] is None
    text = "لندن، بريطانيا (CNN) -- قتل خمسة أشخاص في غارة جوية. وقال شهود إن الغارة ضربت سوقا في إدلب."
    assert one(extract(item(text)), "air_drone_strike")["location"]["name"] == "Idlib"


def test_a_capital_without_a_locative_cue_stands_for_its_country() -> None:
    events = extract(item("اعتقلت أنقرة عشرات الصحفيين."))
    assert one(events, "arrests")["location"]["precision"] == "country"
    assert one(events, "arrests")["location"]["country_code"] == "TR"
    events = extract(item("اعتقلت الشرطة عشرات المحتجين في وسط أنقرة."))
    assert one(events, "arrests")["location"]["name"] == "Ankara"
