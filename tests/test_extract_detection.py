"""Event detection (issue 12) on sentences written for these tests: morphology, inserted words, the
ACLED sub-types, casualty-only reports, factuality; and the lexicons' schemas."""

from __future__ import annotations

import copy

import pytest

from tests.test_extract import item, one
from workers.contracts import EVENT, validation_errors
from workers.extract.core import extract
from workers.extract.lexicon import (
    LEXICON_SCHEMAS,
    LexiconError,
    load_data,
    load_lexicon,
    trigger_index,
    validate_lexicon,
)
from workers.extract.morph import keys_of, term_key
from workers.extract.text import tokenize


def subs(text: str, published: str = "2019-03-11T09:00:00Z") -> list[str]:
    events = extract(item(text, published))
    for e in events:
        assert validation_errors(EVENT, e) == []
    return sorted(e["sub_event_type"] for e in events)


def trigger_evidence(event: dict) -> list[dict]:
    return [e for e in event["evidence"] if e["field"] == "trigger"]


# --- morphology: one analysis for lexicon terms and text


def test_a_term_and_its_inflections_share_a_key() -> None:
    verb = term_key("اعتقل")
    for form in ("اعتقل", "اعتقلت", "اعتقلوا", "الاعتقال", "الاعتقالات", "واعتقالهم", "باعتقال"):
        assert verb in keys_of(form), form
    assert term_key("صاروخ") in keys_of("صاروخين") and term_key("صاروخ") in keys_of("صاروخا")
    assert term_key("غارة") in keys_of("غارتين") and term_key("غارة") in keys_of("والغارات")
    # «ة» written «ت» before the pronoun «ـه», and a past verb with its object
    assert term_key("ضربة") in keys_of("ضربته") and verb in keys_of("اعتقلته")
    # a nisba adjective is not the noun it comes from
    assert term_key("احتجاج") not in keys_of("الاحتجاجية")
    assert term_key("سلب") not in keys_of("السلبي")


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        ("أكدت الشرطة اعتقالهم في وسط المدينة.", "arrests"),  # verbal noun + pronoun
        ("شنت قوات الأمن حملة الاعتقالات في الحي.", "arrests"),  # article + plural
        ("تعرضت البلدة للقصف من قبل قوات النظام.", "shelling_artillery_missile_attack"),  # «القصف»
        ("أطلق المسلحون صاروخين على المدينة.", "shelling_artillery_missile_attack"),  # dual
        ("نفذت طائرات التحالف غارتين على الميناء.", "air_drone_strike"),
        ("وبدأ الجنود يعتقلون الشبان عند الحاجز.", "arrests"),  # imperfect, generated from «اعتقل»
        ("اشتبكوا مع عناصر الجيش قرب الحدود.", "armed_clash"),
        ("كشف الجيش تفاصيل ضربته الجوية على معسكر للمسلحين قرب الحدود.", "air_drone_strike"),
        ("داهمت قوات الأمن منزل الناشط واعتقلته فجر اليوم.", "arrests"),
    ],
)
def test_inflected_forms_match_their_terms(text: str, sub: str) -> None:
    assert sub in subs(text)


def test_a_phrase_allows_a_few_inserted_words() -> None:
    assert subs("سيطرت القوات، فجر اليوم، على البلدة.") == ["non_state_actor_overtakes_territory"]
    # more than max_inserted_words (3) between its words: not the phrase «سيطر على», only its verb,
    # which stands by its own rule (triggers.json needs_territory_on: «على» and a place further on)
    text = "سيطرت القوات الحكومية مساء الأمس بشكل كامل على البلدة."
    (match,) = trigger_index().find(tokenize(text))
    assert match.end_token - match.start_token == 1
    assert subs(text) == ["government_regains_territory"]


# --- sub-types, including the Saudi outlets' cross-border phrasings


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        (
            "سقطت مقذوفات عسكرية أطلقت من داخل الأراضي اليمنية على قرية في جازان.",
            "shelling_artillery_missile_attack",
        ),
        ("نصب مسلحون كمينا لدورية عسكرية على الطريق.", "armed_clash"),
        ("نفذت الجماعة هجمات على مواقع الجيش.", "armed_clash"),
        ("ألقى مجهول قنبلة يدوية على مركز للشرطة.", "grenade"),
        ("اغتصب مسلحون امرأتين في القرية.", "sexual_violence"),
        ("أطلقت قوات الأمن الغاز المسيل للدموع لتفريق المتظاهرين.", "protest_with_intervention"),
        ("أطلقت القوات النار على المتظاهرين في الساحة.", "excessive_force_against_protesters"),
        ("اندلع شجار بين عشائر في القرية أوقع جرحى.", "mob_violence"),
        ("هدمت قوات الاحتلال منزلا لعائلة فلسطينية في الخليل.", "looting_property_destruction"),
        ("نهب مسلحون محتويات المستشفى.", "looting_property_destruction"),
        ("تمكنت الفرق الهندسية من تفكيك عبوة ناسفة زرعها المسلحون.", "disrupted_weapons_use"),
        ("أنشأ الجيش التركي نقطة مراقبة جديدة قرب إدلب.", "headquarters_or_base_established"),
        ("أعلن قائد اللواء وعناصره الانشقاق عن الجيش والانضمام إلى المعارضة.", "change_to_group_activity"),
        ("فرضت السلطات حظر التجول في المدينة بعد الاضطرابات.", "other"),
        ("اغتال مسلحون مجهولون قاضيا في المدينة.", "attack"),
        ("أحرق المتظاهرون إطارات ورشقوا الشرطة بالحجارة.", "violent_demonstration"),
        ("اعتصم العمال أمام مقر الوزارة.", "peaceful_protest"),
        ("بدأ الأسرى إضرابا عن الطعام في السجن.", "peaceful_protest"),
    ],
)
def test_each_sub_type_has_terms(text: str, sub: str) -> None:
    assert sub in subs(text)


def test_the_trigger_lexicon_covers_all_25_acled_sub_types() -> None:
    data = load_lexicon("triggers.json")
    assert len({t["sub_event_type"] for t in data["triggers"]}) == 25


def test_a_trigger_term_flag_names_one_of_its_entrys_terms() -> None:
    # a misspelt term in needs_context, needs_object, needs_territory(_on) or instruments would silently
    # flag nothing
    for spec in load_lexicon("triggers.json")["triggers"]:
        terms = {*spec["terms"], *spec.get("verbs", ()), *spec.get("exact", ())}
        for flag in ("needs_context", "needs_object", "needs_territory", "needs_territory_on", "instruments"):
            assert set(spec.get(flag, ())) <= terms, (spec["sub_event_type"], flag)


def test_lexicons_are_validated_against_their_schemas() -> None:
    load_lexicon("triggers.json")
    load_lexicon("cues.json")
    bad = copy.deepcopy(load_data("triggers.json"))
    bad["triggers"][0]["sub_event_type"] = "skirmish"
    with pytest.raises(LexiconError, match="triggers.json at /triggers/0/sub_event_type"):
        validate_lexicon("triggers.json", bad)
    bad = copy.deepcopy(load_data("cues.json"))
    bad["casualties"]["killed"]["before_number"].append("")
    with pytest.raises(LexiconError, match="cues.json"):
        validate_lexicon("cues.json", bad)


@pytest.mark.parametrize("name", sorted(LEXICON_SCHEMAS))
def test_every_lexicon_file_has_a_schema_and_follows_it(name: str) -> None:
    load_lexicon(name)


def test_a_data_file_without_a_schema_is_a_defect() -> None:
    from importlib import resources

    data_files = {p.name for p in resources.files("workers.extract").joinpath("data").iterdir()}
    assert {n for n in data_files if n.endswith(".json")} == set(LEXICON_SCHEMAS)


@pytest.mark.parametrize(
    ("name", "break_it", "where"),
    [
        ("actors.json", lambda d: d["actors"][0].update(inter=9), "actors.json at /actors/0/inter"),
        ("actors.json", lambda d: d["actors"][0].update(kind="rebel"), "actors.json at /actors/0/kind"),
        ("actors.json", lambda d: d["actors"][0]["ar"].append("SDF"), "actors.json at /actors/0/ar/"),
        ("places.json", lambda d: d["places"][0].update(lat=134.5), "places.json at /places/0/lat"),
        ("admin1.json", lambda d: d["admin1"][0].update(country_code="Syria"), "admin1.json at /admin1/0/"),
        ("countries_ar.json", lambda d: d["skip"].append("ABC"), "countries_ar.json at /skip/"),
        ("place_names_ar.json", lambda d: d.update({"170654": "Dimashq"}), "place_names_ar.json at /170654"),
    ],
)
def test_a_bad_edit_to_an_actor_or_place_file_fails_loudly(name: str, break_it, where: str) -> None:
    bad = copy.deepcopy(load_data(name))
    break_it(bad)
    with pytest.raises(LexiconError, match=where):
        validate_lexicon(name, bad)


# --- casualty-only reports


def test_people_killed_with_no_event_word_are_an_attack_of_unknown_type() -> None:
    events = extract(item("قتل خمسة أشخاص وأصيب ثمانية آخرون في المدينة."))
    event = one(events, "attack")
    assert event["event_type"] == "violence_against_civilians"
    assert event["casualties"]["killed"]["min"] == 5 and event["casualties"]["wounded"]["min"] == 8
    assert trigger_evidence(event)[0]["casualty_only"] is True
    assert validation_errors(EVENT, event) == []


def test_soldiers_killed_with_no_event_word_are_fighting() -> None:
    # combatants killed (cues.json combatant_nouns) are an armed clash, still casualty-only
    events = extract(item("قتل خمسة جنود وأصيب ثمانية آخرون في المدينة."))
    event = one(events, "armed_clash")
    assert event["casualties"]["killed"]["min"] == 5 and event["casualties"]["wounded"]["min"] == 8
    assert trigger_evidence(event)[0]["casualty_only"] is True
    assert validation_errors(EVENT, event) == []


@pytest.mark.parametrize(
    "text",
    [
        "توفي ثلاثة أشخاص وأصيب خمسة في حادث سير على الطريق السريع.",
        "سجلت وزارة الصحة 5 إصابات جديدة بفيروس كورونا.",
        "لقي 4 أشخاص حتفهم غرقا في السيول.",
        "قتل نحو أربعة آلاف شخص منذ بداية الحرب.",  # a war's toll
    ],
)
def test_deaths_from_accidents_and_illness_are_not_events(text: str) -> None:
    assert extract(item(text)) == []


def test_casualties_without_an_event_word_join_the_violence_the_article_reports() -> None:
    text = "اندلعت اشتباكات عنيفة بين الجيش والمسلحين في المدينة. وقتل خمسة جنود وأصيب ثمانية."
    event = one(extract(item(text)), "armed_clash")
    assert event["casualties"]["killed"]["min"] == 5


# --- factuality


@pytest.mark.parametrize(
    "text",
    [
        "هل قصفت الطائرات المدينة؟",  # question
        "إذا هاجمت الميليشيات المدينة فإن الجيش سيرد.",  # conditional
        "ستقصف الطائرات مواقع المسلحين.",  # future verb form
        "سوف يشن الجيش هجوما على المدينة.",  # future particle
        "يتظاهر الطلاب يوم الجمعة المقبلة أمام البرلمان.",  # future, after the trigger
        "لم تشن الطائرات أي غارات على المدينة.",  # negated
        "نفى الجيش قصف المدينة.",  # denied
        "دعا الأمين العام إلى وقف القصف على المدينة.",  # call
        "هدد الجيش بقصف مواقع المسلحين.",  # threat
        "تعتزم القوات شن هجوم على المدينة.",  # plan
        "أصدر القائد أوامر باعتقال المحتجين.",  # instruction
        "ينص القانون على عقوبة الإعدام لمرتكبي جرائم الخطف.",  # generic statement
        "قال قائد الجيش إن الميليشيات تواصل اختطاف القرار الوطني.",  # metaphor
        "تخشى السلطات هجمات جديدة على المنشآت.",  # hypothesis
    ],
)
def test_what_the_text_does_not_report_as_having_happened_is_no_event(text: str) -> None:
    assert extract(item(text)) == []


def test_a_reported_event_carries_its_factuality_in_the_evidence() -> None:
    event = one(extract(item("قصفت الطائرات المدينة أمس.")), "air_drone_strike")
    assert trigger_evidence(event)[0]["factuality"] == "asserted"
    assert event["lead"] is True


def test_a_background_event_keeps_its_date_and_is_not_the_lead() -> None:
    text = (
        "قصفت الطائرات الحربية المدينة أمس. "
        "وكان 20 شخصا قد قتلوا في تفجير انتحاري في المدينة في 5 يناير 2017."
    )
    events = extract(item(text, "2019-03-11T09:00:00Z"))
    strike, bombing = one(events, "air_drone_strike"), one(events, "suicide_bomb")
    assert strike["lead"] is True and bombing["lead"] is False
    assert bombing["date"] == "2017-01-05"
    assert trigger_evidence(bombing)[0]["factuality"] == "background"
    # named as history: background even without a date
    event = one(extract(item("أحيا الفلسطينيون ذكرى مجزرة صبرا وشاتيلا.")), "attack")
    assert event["lead"] is False
    assert trigger_evidence(event)[0] == trigger_evidence(event)[0] | {"factuality": "background"}


def test_a_weapon_found_is_disrupted_weapons_use_not_an_explosion() -> None:
    assert subs("عثرت الشرطة على عبوة ناسفة قرب السوق.") == ["disrupted_weapons_use"]
