"""Round-11 causes (sentences written for these tests): whom a generic attack word hits."""

from __future__ import annotations

import pytest

from tests.test_extract_causes import events, subs
from workers.extract.lexicon import TERRITORY_SUB_TYPES

# --- a generic attack word («هجوم», «هاجم») is violence against civilians when its target or its
# victims are civilian (ACLED: an armed group attacking civilians is an attack, not a battle)


@pytest.mark.parametrize(
    "text",
    [
        # the target after «على», past the attacker named in between
        "قال مسؤول إن هجوما نفذته جماعة مسلحة على مدرسة في المدينة أوقع عشرات القتلى.",
        # the victims, after a casualty cue
        "أسفر الهجومان عن سقوط عشرات القتلى من السياح في المدينة الساحلية.",
        "هاجم مسلحون قريتين في شمال البلاد وقتلوا عشرة أشخاص جميعهم من الصيادين.",
        # villages attacked by an armed group
        "هاجم المسلحون ثلاث قرى في شمال البلاد.",
    ],
)
def test_a_generic_attack_on_civilians_is_an_attack(text: str) -> None:
    assert subs(text) == ["attack"]


@pytest.mark.parametrize(
    "text",
    [
        "شن التنظيم هجمات على قرى تحت سيطرة قوات النظام في ريف المحافظة.",  # held by an armed party
        "هاجم الجيش مواقع المتمردين في قرية على الحدود.",  # positions in a village
        "شن مسلحون هجوما على نقطة تفتيش للجيش أسفر عن مقتل خمسة جنود.",
    ],
)
def test_a_generic_attack_on_an_armed_party_stays_a_battle(text: str) -> None:
    assert subs(text) == ["armed_clash"]


# --- fighting named as an activity («المشاركة في القتال», «في المعركة ضد الإرهاب») is no event when
# nothing in the sentence makes it one occasion: no place below a country, day, casualties, nor a word
# saying it broke out or raged


@pytest.mark.parametrize(
    "text",
    [
        "وقال الوزير إن الميليشيات تزج بالأطفال في المعارك وتستخدمهم دروعا بشرية.",
        "وأثبتت هذه القوات فعالية كبيرة في قتال التنظيم خلال السنوات الأخيرة.",
        "وأكد الرئيس أن بلاده ستبقى شريكا في المعركة ضد الإرهاب.",
    ],
)
def test_fighting_named_as_an_activity_is_no_event(text: str) -> None:
    assert subs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "واندلعت معارك عنيفة بين الجيش والمسلحين.",  # broke out, fierce
        "وتخوض الفصائل معارك ضارية مع التنظيم.",
        "وقتل خمسة جنود في المعارك.",  # casualties
        "وتدور المعارك بين القوات والمسلحين قرب المطار.",  # a word for a place
    ],
)
def test_fighting_that_took_place_stays_an_event(text: str) -> None:
    assert subs(text) == ["armed_clash"]


# --- arrests for corruption or hacking are ordinary crime (cues.json criminal_words), unless the
# sentence names terrorism, journalists, activists, protesters or the opposition


@pytest.mark.parametrize(
    "text",
    [
        "أعلنت الشرطة توقيف وزير سابق للاشتباه في تورطه بقضايا فساد.",
        "ألقت الجهات الأمنية القبض على هكر اخترق موقع وزارة الصحة.",
    ],
)
def test_an_arrest_for_corruption_or_hacking_is_no_event(text: str) -> None:
    assert subs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "اعتقلت الشرطة صحافيين بعد نشرهما تحقيقا بشأن الفساد.",
        "اعتقلت الشرطة أربعة أشخاص يشتبه بصلاتهم بالإرهاب وبتهريب المخدرات.",
    ],
)
def test_a_political_arrest_stays_one_beside_a_crime(text: str) -> None:
    assert subs(text) == ["arrests"]


# --- a sentence that lists other articles («مقالات أخرى للكاتب», «اقرأ أيضا:») is page furniture


@pytest.mark.parametrize(
    ("opener", "titles"),
    [
        ("مقالات أخرى للكاتب", "السفر في الصيف!انفجار حزام ناسف في السوق!ثقافة العمل"),
        ("اقرأ أيضا: ", "مقتل عشرة في هجوم انتحاري ببغداد"),
    ],
)
def test_a_list_of_other_articles_gives_no_event(opener: str, titles: str) -> None:
    assert subs(titles) != []  # the titles alone give one
    assert subs("افتتح الوزير المعرض السنوي للكتاب. " + opener + titles) == []


# --- «فتح النار» (opened fire) is a shooting, like «أطلق النار»


@pytest.mark.parametrize(
    "text",
    [
        "واقترب خمسة مسلحين من مدخل الفندق وفتحوا النار.",
        "وفتح مسلح النار داخل صالة سينما مكتظة.",
        "قام حارس بفتح النار من بندقيته على الوفد فقتل شخصين.",
    ],
)
def test_opening_fire_is_an_attack(text: str) -> None:
    assert subs(text) == ["attack"]


# --- an event reported in a statement dated Monday, with no day of its own, happened by Monday


def test_an_event_said_on_a_day_is_dated_no_later_than_that_day() -> None:
    text = "قالت وزارة الداخلية أمس الاثنين إن الانفجار الذي هز البلدة قتل 27 شخصا."
    dated = [e["date"] for e in events(text, published="2015-07-21T10:00:00Z")]
    assert dated == ["2015-07-20"]


# --- «سيطر»/«استولى» with a long subject before its «على» (past the three inserted words a phrase
# allows) is a takeover when territory follows that «على»


@pytest.mark.parametrize(
    "text",
    [
        "وسيطرت قوات الجيش الخاصة التابعة لوزارة الدفاع على بلدة جبلية قرب الحدود.",
        "واستولى مقاتلو الجماعة المسلحة المدعومة من الخارج على معسكر للجيش.",
    ],
)
def test_a_takeover_with_a_long_subject_is_found(text: str) -> None:
    found = subs(text)
    assert len(found) == 1 and found[0] in TERRITORY_SUB_TYPES


@pytest.mark.parametrize(
    "text",
    [
        "وسيطرت أجواء من التوتر الشديد بين الحزبين على الجلسة الأولى للبرلمان.",  # no territory
        "وكانت الجماعة المسلحة تسيطر منذ سنوات طويلة على مساحات واسعة من البلاد.",  # who holds it
    ],
)
def test_control_that_is_no_takeover_is_no_event(text: str) -> None:
    assert not set(subs(text)) & TERRITORY_SUB_TYPES


# --- fighting said to have taken place needs no other conflict word («تركزت المواجهات في …»),
# and a mass shooting is one without it


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        ("وتركزت المواجهات في أطراف المديرية الجنوبية.", "armed_clash"),
        ("حصد إطلاق نار جماعي في مدرسة ثانوية أرواح عشرة طلاب.", "attack"),
    ],
)
def test_fighting_or_shooting_said_to_have_happened_is_an_event(text: str, sub: str) -> None:
    assert subs(text) == [sub]


def test_confrontations_named_as_an_activity_are_no_event() -> None:
    assert subs("واتهم الوزير الجماعة بتجنيد الأطفال للمشاركة في المواجهات.") == []


# --- «قضايا» (cases, issues) before a violence word speaks of a kind of case, not one event


@pytest.mark.parametrize(
    "text",
    [
        "وتناول الاستطلاع قضايا مثل التحرش الجنسي والعنف ضد المرأة.",
        "ودخل السجن بسبب ضلوعه في قضايا اعتداء بالضرب.",
    ],
)
def test_cases_of_a_kind_of_violence_are_no_event(text: str) -> None:
    assert subs(text) == []
