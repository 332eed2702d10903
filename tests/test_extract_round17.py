"""Round-17 causes (sentences written for these tests): the headline typed as a body sentence is
typed, aircraft before a strike verb in the imperfect (a headline's tense), and a negation between
a phrase's subject and its verb."""

from __future__ import annotations

import pytest

from tests.test_extract import item
from tests.test_extract_causes import subs
from workers.extract.core import extract


def lead_sub_type(title: str, text: str) -> str | None:
    leads = [e["sub_event_type"] for e in extract(item(text, title=title)) if e["lead"]]
    return leads[0] if leads else None


_TURKISH_STRIKES = (
    "شن سلاح الجو التركي الجمعة أولى غاراته على مواقع لتنظيم داعش في سوريا. "
    "وأطلقت دبابات تركية عدة قذائف على مواقع التنظيم قرب الحدود."
)


# --- the headline names the lead event's kind as a body sentence would type it: «سلاح الجو يقصف» is an
# air strike, though «يقصف» alone is shelling (the body's first event is an air strike, its second
# the tanks' shelling)


@pytest.mark.parametrize(
    "title",
    [
        "سلاح الجو التركي يقصف مواقع لداعش في سوريا",
        "مقاتلات تركية تقصف مواقع لداعش في سوريا",
        "طائرات حربية تركية تقصف مواقع داعش في سوريا",
    ],
)
def test_a_headline_of_jets_striking_leads_with_the_air_strike(title: str) -> None:
    assert lead_sub_type(title, _TURKISH_STRIKES) == "air_drone_strike"


def test_a_headline_of_tanks_shelling_leads_with_the_shelling() -> None:
    assert lead_sub_type("دبابات تركية تقصف مواقع لداعش", _TURKISH_STRIKES) == "shelling_artillery_missile_attack"


def test_a_headline_that_reports_nothing_still_names_its_kind() -> None:
    # a question reports no event, yet it says what the article is about: its trigger words stand
    text = "قتل خمسة أشخاص في تفجير انتحاري في السوق. واندلعت اشتباكات بين الجيش والمسلحين في المدينة."
    assert lead_sub_type("من يقف وراء الاشتباكات في المدينة؟", text) == "armed_clash"


# --- aircraft before a strike verb in the imperfect, as headlines and summaries write the news


@pytest.mark.parametrize(
    "text",
    [
        "مقاتلات إسرائيلية تقصف مواقع للجيش السوري قرب القنيطرة.",
        "طائرات الأباتشي السعودية تستهدف تجمعات لمليشيات الحوثي في صعدة.",
        "الطيران الإسرائيلي يقصف موقعا عسكريا قرب دمشق.",
    ],
)
def test_aircraft_striking_in_the_imperfect_is_an_air_strike(text: str) -> None:
    assert subs(text) == ["air_drone_strike"]


# --- a negation particle inside a phrase, between the aircraft and the strike verb, negates it


@pytest.mark.parametrize(
    "text",
    [
        "وأكد المتحدث أن الطائرات لم تقصف البلدة.",
        "وقال إن سلاح الجو لم يستهدف أي منشأة مدنية.",
    ],
)
def test_a_negation_inside_a_phrase_negates_it(text: str) -> None:
    assert subs(text) == []


# --- a generic strike word that is the sentence's news, with the specific events after it named as
# what it answers or follows («ردا على», «بعد»), is not a restatement of them


def test_a_strike_in_answer_to_an_earlier_attack_is_its_own_event() -> None:
    text = (
        "قصفت تركيا أمس الخميس مواقع لتنظيم داعش في سوريا ردا على مقتل أحد جنودها بإطلاق نار، "
        "وذلك بعد ثلاثة أيام على هجوم انتحاري."
    )
    assert "shelling_artillery_missile_attack" in subs(text)


@pytest.mark.parametrize(
    ("text", "sub_types"),
    [
        ("استهدف الهجوم الانتحاري مسجدا في المدينة.", ["suicide_bomb"]),
        ("قصفت الطائرات مواقع المسلحين بغارات جوية.", ["air_drone_strike"]),
    ],
)
def test_a_generic_word_restating_a_specific_one_still_stands_aside(text: str, sub_types: list[str]) -> None:
    assert subs(text) == sub_types
