"""Round-12 causes (sentences written for these tests): war tolls, dot-grouped figures, ordinary crime."""

from __future__ import annotations

import pytest

from tests.test_extract_causes import events, subs

# --- a figure written with a dot between thousands («10.000») is ten thousand, not ten


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        ("قتل 12.500 شخص في هجوم على المدينة أمس.", 12500),
        ("أسفر القصف عن مقتل 1.200 مدني في المدينة أمس.", 1200),
    ],
)
def test_a_dot_grouped_figure_is_thousands(text: str, killed: int) -> None:
    (event,) = events(text)
    assert event["casualties"]["killed"]["min"] == killed


# --- a fighting noun whose only anchor is a figure of thousands is a war's toll, not an occasion


@pytest.mark.parametrize(
    "text",
    [
        "وقتل عشرة آلاف شخص على الأقل في القتال في اليمن وشرد الملايين.",
        "وتسببت المعارك في مقتل نحو 25 ألف شخص وخلفت مئات الآلاف من اللاجئين.",
        "وقتل في الصراع نحو 10.000 مدني منذ بدء الحرب.",  # casualty-only, once the figure reads 10,000
    ],
)
def test_a_war_toll_is_no_event(text: str) -> None:
    assert subs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "قتل 20 شخصا في القتال في اليمن في 2015.",  # a year is not a toll
        "وقتل ألف شخص على الأقل في القتال في مدينة حلب أمس.",  # a place and a day make it one occasion
    ],
)
def test_fighting_with_a_year_or_a_place_stays_a_battle(text: str) -> None:
    assert subs(text) == ["armed_clash"]


# --- a police report of ordinary violent crime (cues.json crime_report_words: «بلاغ», «الجاني»,
# «عائلي») is no political event: its shootings, stabbings, beatings and arrests go, and the generic
# words that would stand for them


@pytest.mark.parametrize(
    "text",
    [
        "وأوضح الناطق الإعلامي لشرطة المنطقة أنه ورد بلاغ عن قيام مواطن بإطلاق النار على زوجته وابنه"
        " داخل منزلهم مما أسفر عن وفاة الابن وإصابة الزوجة.",
        "وقال المتحدث باسم الشرطة إن الجاني سدد عدة طعنات للضحية أدت إلى وفاته قبل أن يلوذ بالفرار.",
        "تلقت الشرطة بلاغا عن تعرض امرأة للاعتداء بالضرب من قبل زوجها إثر خلاف عائلي.",
        "ورد للشرطة بلاغ عن حدوث إطلاق نار نتج عنه مقتل ثلاثة أشخاص وإصابة رابع.",  # casualty-only
        "وتمكنت الشرطة من القبض على الجاني وضبط السلاح المستخدم في الجريمة.",
    ],
)
def test_a_police_crime_report_is_no_event(text: str) -> None:
    assert subs(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a martyr: an attack on the security forces, reported by the police
        (
            "وقال الناطق الإعلامي للشرطة إنه ورد بلاغ عن تعرض دورية أمنية لإطلاق نار ما نتج عنه استشهاد"
            " أحد رجال الأمن.",
            ["attack"],
        ),
        # an armed group named: a political detention, whoever reported it
        (
            "قالت نقابة الأساتذة إنها تلقت بلاغا باعتقال عدد من أعضاء هيئة التدريس على يد ميليشيات الحوثي.",
            ["arrests"],
        ),
        # shelling reported to the civil defence is no crime
        ("تلقى الدفاع المدني بلاغا عن سقوط مقذوف عسكري على منزل في المدينة.", ["shelling_artillery_missile_attack"]),
    ],
)
def test_a_report_with_a_political_party_or_shelling_stays(text: str, expected: list[str]) -> None:
    assert subs(text) == expected


# --- «قد» fused to «و/ف» before a «يـ» verb is a possibility («وقد يؤدي الهجوم»); «وقد تم», «فقد
# نفذت» are past and stay


@pytest.mark.parametrize(
    "text",
    [
        "وقد يؤدي الهجوم على المدينة إلى موجة نزوح جديدة.",
        "وقد يشن الجيش هجوما على المدينة خلال الأيام المقبلة.",
        "فقد يتعرض المتظاهرون للاعتقال إذا خرجوا إلى الشوارع.",
    ],
)
def test_fused_qad_before_an_imperfect_is_no_event(text: str) -> None:
    assert subs(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وقد تم اعتقال ثلاثة أشخاص في المدينة أمس.", ["arrests"]),
        ("وقد نفذت الطائرات غارات على مواقع المسلحين في المدينة.", ["air_drone_strike"]),
    ],
)
def test_fused_qad_before_a_past_verb_stays(text: str, expected: list[str]) -> None:
    assert subs(text) == expected


# --- after «قد», «تم» and a past verb of a root in «ن» («نفذت», «نفذوا») are the pluperfect of a
# report («وكانت القوات قد نفذت غارة»), not a possibility


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وكانت القوات الأمريكية قد نفذت غارة جوية قرب المدينة الأحد.", ["air_drone_strike"]),
        ("وكان الحوثيون قد نفذوا حملة اعتقالات في المدينة.", ["arrests"]),
        ("وكان قد تم اعتقال ثلاثة أشخاص في المدينة الأسبوع الماضي.", ["arrests"]),
    ],
)
def test_qad_before_a_past_verb_is_a_report(text: str, expected: list[str]) -> None:
    assert subs(text) == expected


def test_qad_before_an_imperfect_in_nun_stays_a_possibility() -> None:
    assert subs("قد نشن هجوما على المدينة إذا لزم الأمر.") == []


# --- a foiled plot or foiled attacks (triggers.json disrupted_weapons_use: «أحبط مخططا», «إحباط
# هجمات», «أحبط مؤامرة») is disrupted weapons use, not an attack


@pytest.mark.parametrize(
    "text",
    [
        "أعلن الجيش أنه أحبط مخططا إرهابيا لتهريب أسلحة عبر الحدود.",
        "وقال المسؤول إن الاستخبارات أحبطت هجمات إرهابية كانت تستهدف الاحتفالات في العاصمة.",
        "أعلنت السلطات إحباط مؤامرة لتفجير مبنى حكومي في المدينة.",
    ],
)
def test_a_foiled_plot_is_disrupted_weapons_use(text: str) -> None:
    assert subs(text) == ["disrupted_weapons_use"]


# --- a killing by a named hand with no figure («قد قتل على أيدي الشرطة») is a casualty-only event


@pytest.mark.parametrize(
    "text",
    [
        "وكان الشاب قد قتل على أيدي الشرطة الشهر الماضي.",
        "وكان المهاجر قد قتل على يد القوات الفرنسية في المدينة.",
    ],
)
def test_a_killing_by_a_named_hand_is_an_event(text: str) -> None:
    assert subs(text) == ["attack"]


def test_a_death_by_an_unarmed_hand_is_no_event() -> None:
    assert subs("توفي الرجل على يد الأطباء في المستشفى.") == []


# --- a two-word GeoNames name is also found written as one word («دياربكر», «بورسعيد», «البوكمال»)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("قتل خمسة جنود في هجوم بمدينة دياربكر أمس.", "Diyarbakır"),
        ("قتل ثلاثة أشخاص في قصف على مدينة البوكمال أمس.", "Ālbū Kamāl"),  # not an unknown «Al-Bukmal»
    ],
)
def test_a_two_word_place_written_as_one_word_is_found(text: str, place: str) -> None:
    (event,) = events(text)
    assert event["location"]["name"] == place


# --- «تظاهرة» before a word of culture, science or sport is a festival, not a protest
# (triggers.json peaceful_protest not_before); «الودية» (a friendly match) is a sport word


@pytest.mark.parametrize(
    "text",
    [
        "يحظى الملتقى باهتمام دولي كبير كونه تظاهرة علمية ضخمة يجتمع خلالها الشباب.",
        "أصبح المهرجان تظاهرة ثقافية منافسة ومؤثرة في المنطقة.",
        "يخوض الفريق خامس مواجهاته الودية أمام فريق تورينو اليوم الأربعاء.",
    ],
)
def test_a_festival_or_a_friendly_match_is_no_event(text: str) -> None:
    assert subs(text) == []


def test_a_protest_with_an_ordinary_adjective_stays() -> None:
    assert subs("خرجت تظاهرة حاشدة في وسط العاصمة أمس.") == ["peaceful_protest"]


# --- «كثير/العديد من» + a trigger with no day is a group's record, not one occasion (cues.json
# many_words)


@pytest.mark.parametrize(
    "text",
    [
        "وكانت الجماعة هي المسؤولة عن كثير من الهجمات على قوات حلف شمال الأطلسي في السنوات الأخيرة.",
        "وأعلنت الحركة مسؤوليتها عن العديد من الهجمات على أفراد الشرطة والجيش منذ عام 2016.",
    ],
)
def test_many_attacks_with_no_day_is_a_record(text: str) -> None:
    assert subs(text) == []


def test_many_attacks_on_a_day_stay_an_event() -> None:
    assert subs("شن مسلحون العديد من الهجمات على مواقع الجيش في المدينة أمس.") == ["armed_clash"]


def test_many_dead_is_a_figure_not_a_record() -> None:
    assert subs("وقالت المتحدثة إن الحركة هي الملامة على أحداث العنف التي سقط خلالها العديد من القتلى.") != []


# --- ramming: «دهس» with a crowd as its object is an attack when the sentence speaks of violence


@pytest.mark.parametrize(
    "text",
    [
        "قالت الشرطة إن رجلا دهس حشدا من المارة في وسط المدينة السبت.",
        "قالت الشرطة إن المهاجم قاد شاحنة صغيرة ودهس بها العديد من المارة في نيويورك.",
    ],
)
def test_running_over_a_crowd_is_an_attack(text: str) -> None:
    assert subs(text) == ["attack"]


def test_running_over_with_no_context_is_no_event() -> None:
    assert subs("قالت الصحيفة إن سيارة دهست المارة في الشارع الرئيسي بطريق الخطأ.") == []
