"""Round-13 causes (sentences written for these tests): street protests, …"""

from __future__ import annotations

import pytest

from tests.test_extract_causes import subs

# --- taking to the streets with a purpose («نزلوا إلى الشوارع احتجاجا», «مطالبين», «للمطالبة»), and
# protesters who «نزل/خرج»: a protest, even with words between the street and the purpose


@pytest.mark.parametrize(
    "text",
    [
        "ونزل آلاف العمال الغاضبين من تأخر الرواتب إلى الشوارع يوم الجمعة احتجاجا على قرار الحكومة.",
        "وتدفق المئات إلى الشوارع مطالبين بإقالة المحافظ.",
        "وخرج مئات الطلاب في أحد شوارع المدينة للمطالبة بالإفراج عن زملائهم.",
        "وفي البصرة، نزل المحتجون إلى ساحة المدينة بعد انقطاع الكهرباء.",
        "وخرج آلاف المتظاهرين في جميع أنحاء البلاد للتعبير عن رفضهم للقانون الجديد.",
    ],
)
def test_taking_to_the_streets_with_a_purpose_is_a_protest(text: str) -> None:
    assert subs(text) == ["peaceful_protest"]


@pytest.mark.parametrize(
    "text",
    [
        "وتدفق الملايين من الجماهير إلى الشوارع فرحين بعد صفارة النهاية.",  # a celebration
        "وتحدث السكان عن زلزال قوي أجبر الناس على الهروب إلى الشوارع.",  # flight
        "وتطلع الشركة للعودة إلى الشوارع العامة بسياراتها ذاتية القيادة.",
    ],
)
def test_the_street_with_no_purpose_is_no_protest(text: str) -> None:
    assert subs(text) == []
