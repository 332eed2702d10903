"""Round-7 causes (sentences written for these tests): an abduction word whose object is people."""

from __future__ import annotations

import pytest

from tests.test_extract_causes import events, subs

# --- an abduction word is its own context when it takes people as its object


@pytest.mark.parametrize(
    "text",
    [
        "وقال المدير إن التنظيم خطف 36 سيدة وطفلا الأربعاء.",
        "أعلنت الوزارة اختطاف صحفي في مدينة الموصل.",
        "وكانت العصابة قد خطفت مواطنين من القرية أمس.",
    ],
)
def test_an_abduction_of_people_needs_no_other_context(text: str) -> None:
    assert subs(text) == ["abduction_forced_disappearance"]


@pytest.mark.parametrize(
    "text",
    [
        "خطف الفريق 3 نقاط ثمينة من ملعب منافسه.",  # sport: three points
        "خطف النجم الأضواء في حفل الافتتاح.",  # the spotlight
        "وقال المعلق إن الحزب يحاول اختطاف القرار الوطني.",  # a metaphor
    ],
)
def test_an_abduction_word_without_people_still_needs_context(text: str) -> None:
    assert events(text) == []
