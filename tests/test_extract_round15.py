"""Round-15 causes (sentences written for these tests): counted nouns that look like cue verbs, …"""

from __future__ import annotations

import pytest

from tests.test_extract_causes import events, subs

# --- a word counted by a number is a noun: «قتل 20 طالباً» counts students; it is not «طالب» (a call
# that would make the attack no event)


@pytest.mark.parametrize(
    ("text", "sub_type"),
    [
        ("قتل 20 طالباً في هجوم انتحاري في كابول.", "suicide_bomb"),
        ("أصيب 12 طالبا في انفجار عبوة ناسفة قرب مدرسة في المدينة.", "remote_explosive_landmine_ied"),
        ("وقالت السلطات إن 17 طالبا أصيبوا في إطلاق النار على المدرسة.", "attack"),
    ],
)
def test_a_counted_noun_is_no_call(text: str, sub_type: str) -> None:
    assert subs(text) == [sub_type]


def test_the_counted_figure_is_kept() -> None:
    (event,) = events("قتل 20 طالباً في هجوم انتحاري في كابول.")
    assert (event["casualties"]["killed"]["min"], event["casualties"]["killed"]["max"]) == (20, 20)


@pytest.mark.parametrize(
    "text",
    [
        # a year before the verb is no count: the call stands
        "وفي 2015 دعا التنظيم إلى شن هجمات على الشرطة.",
        "طالب 20 نائبا بوقف القصف على المدينة.",
    ],
)
def test_a_call_is_still_a_call(text: str) -> None:
    assert subs(text) == []


# --- «شديد/شديدة الانفجار», «قابل للانفجار», «سريعة الاشتعال»: what a material or a weapon is, not an
# explosion (triggers.json remote_explosive_landmine_ied not_after)


@pytest.mark.parametrize(
    "text",
    [
        "وافقت الولايات المتحدة على بيع قطر خمسة آلاف رأس حربي شديد الانفجار.",
        "وقال المصدر إن إيران أجرت تجارب على مواد شديدة الانفجار في منشأة عسكرية.",
        "وقالت الناشطة إن البلاد على فوهة بركان قابل للانفجار.",
    ],
)
def test_a_highly_explosive_material_is_no_explosion(text: str) -> None:
    assert "remote_explosive_landmine_ied" not in subs(text)


@pytest.mark.parametrize(
    ("text", "sub_types"),
    [
        ("قصف الجيش البلدة بصواريخ شديدة الانفجار ما أدى إلى مقتل خمسة مدنيين.", ["shelling_artillery_missile_attack"]),
        ("قتل ثلاثة أشخاص في انفجار شديد هز وسط المدينة.", ["remote_explosive_landmine_ied"]),
    ],
)
def test_the_weapon_and_a_strong_blast_are_kept(text: str, sub_types: list[str]) -> None:
    assert subs(text) == sub_types
