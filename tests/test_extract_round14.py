"""Round-14 causes (sentences written for these tests): statement dates, …"""

from __future__ import annotations

import pytest

from tests.test_extract_causes import events

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
