"""Round-14 causes (sentences written for these tests): statement dates, …"""

from __future__ import annotations

import pytest

from tests.test_extract_causes import events, subs

# --- a day in the clause of a reporting verb («أعلن المتحدث، الاثنين، قصف ...», «أفادت مصادر،
# الثلاثاء، بمقتل ...») is when it was said, not when the event happened: no date evidence


def dated(text: str) -> list[str]:
    """The dates the sentence itself gives its events (with date evidence)."""
    return sorted(
        e["date"] for e in events(text) if any(ev["field"] == "date" for ev in e["evidence"])
    )


@pytest.mark.parametrize(
    "text",
    [
        "قال مصدر عسكري في قيادة المنطقة الشمالية للجيش، الثلاثاء، إن المسلحين هاجموا نقطة تفتيش.",
        "وذكرت الوكالة الرسمية للأنباء في تقرير لها، الأحد، بأن طائرات حربية قصفت مواقع المسلحين.",
        "أعلن المتحدث الرسمي باسم قوات التحالف العقيد الركن تركي المالكي في مؤتمر صحفي بالرياض، "
        "الجمعة، أن قوات التحالف شنت غارات على مواقع المتمردين في صعدة.",
        "قتل خمسة جنود في هجوم على نقطة تفتيش، حسب ما أفاد المرصد، السبت.",
    ],
)
def test_a_day_in_the_reporting_clause_is_no_event_date(text: str) -> None:
    assert events(text) and dated(text) == []


@pytest.mark.parametrize(
    ("text", "day"),
    [
        # the day inside what is said
        ("قال المرصد إن طائرات حربية قصفت الاثنين مواقع المسلحين في المدينة.", "2019-03-11"),
        # the act's own noun right after the day: the 2018 set dates the act by it
        ("أعلن المتحدث باسم الجيش، الاثنين، قصف 166 هدفا في مناطق شمال سيناء.", "2019-03-11"),
        # the event's own day beside the statement's
        ("أعلن الجيش الاثنين مقتل خمسة مسلحين في غارة نفذتها طائراته الأحد.", "2019-03-10"),
        # no reporting verb before the day
        ("شنت الطائرات الأحد غارات على مواقع المسلحين في المدينة.", "2019-03-10"),
    ],
)
def test_the_event_day_is_kept(text: str, day: str) -> None:
    assert dated(text) == [day]


# --- an aircraft named before a strike verb («مقاتلات التحالف العربي استهدفت», «طائرة عسكرية
# استهدفت»): an air strike, as «قصفت الطائرات» after it is (triggers.json air_drone_strike)


@pytest.mark.parametrize(
    "text",
    [
        "وقالت مصادر أمنية تركية إن مقاتلات تركية قصفت أهدافا للمسلحين الأكراد شمال العراق.",
        "أعلن الجيش الإسرائيلي أن طائرة عسكرية استهدفت تسعة أهداف في قطاع غزة.",
        "وأكدت الحكومة أن المقاتلات التركية قصفت ليل الجمعة السبت سبعة أهداف لحزب العمال الكردستاني.",
        "وقال المرصد إن الطائرات قصفت الاثنين مواقع في المدينة.",
        "وقال المرصد إن مقاتلات النظام استهدفت منطقة الشيفونية.",
    ],
)
def test_an_aircraft_before_a_strike_verb_is_an_air_strike(text: str) -> None:
    assert subs(text) == ["air_drone_strike"]


@pytest.mark.parametrize(
    "text",
    [
        "ووقعت الحكومة عقدا لشراء طائرات قصف استراتيجية من الولايات المتحدة.",
        "وقال الطيار إن الطائرة ضربت شحنة كانت تحملها مروحية أخرى بعد إقلاعها.",
    ],
)
def test_an_aircraft_with_no_strike_is_no_air_strike(text: str) -> None:
    assert subs(text) == []


# --- reinforcements as what a strike hit («استهدفت تعزيزات المتمردين») are no change to a group's
# activity: the strike is the event


def test_reinforcements_struck_are_no_deployment() -> None:
    text = "وقالت مصادر ميدانية إن مقاتلات التحالف استهدفت تعزيزات للمتمردين في مديرية باقم."
    assert subs(text) == ["air_drone_strike"]


def test_an_aircraft_as_instrument_of_a_foiled_attack_is_no_air_strike() -> None:
    text = "كشف المرصد عن إحباط هجوم بطائرات دون طيار مفخخة، استهدف قاعدة حميميم العسكرية الروسية في سوريا."
    assert subs(text) == ["disrupted_weapons_use"]
