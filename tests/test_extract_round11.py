"""Round-11 causes (sentences written for these tests): whom a generic attack word hits."""

from __future__ import annotations

import pytest

from tests.test_extract_causes import subs

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
