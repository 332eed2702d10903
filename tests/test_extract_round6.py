"""Round-6 causes (sentences written for these tests): a future verb that carries a verbal-noun
trigger, brackets inside a clause, and place names that are no names (the kind of an area after
«منطقة», the word for a town itself, a base named by whose it is)."""

from __future__ import annotations

import pytest

from tests.test_extract_causes import events, subs
from workers.extract.acled_coding import _after_settlement_words, _site_before
from workers.extract.text import fold

# --- the future of a support verb (cues.json support_verbs)


@pytest.mark.parametrize(
    "text",
    [
        "قال رئيس النقابة إننا سنواصل الإضراب في باريس.",
        "سيواصل العمال إضرابهم في باريس.",
        "وقال المتحدث إن الجيش سينفذ عملية عسكرية في حلب.",
        "وقال إن التحالف سيشن غارات على مواقع المسلحين في حلب.",
    ],
)
def test_a_future_support_verb_makes_its_trigger_future(text: str) -> None:
    assert events(text) == []


def test_the_past_of_a_support_verb_still_reports() -> None:
    assert subs("واصل العمال إضرابهم في باريس.") == ["peaceful_protest"]
    assert subs("شن التحالف غارات على مواقع المسلحين في حلب.") == ["air_drone_strike"]


def test_brackets_do_not_end_the_factuality_window() -> None:
    assert events('وقال رئيس الاتحاد "سنواصل (الإضراب) في يوليو".') == []


# --- no place name


@pytest.mark.parametrize("kind", ["خفض", "عازلة", "سيطرة", "مزدحمة", "حظر"])
def test_the_kind_of_an_area_is_no_place_name(kind: str) -> None:
    words = [fold(w) for w in ["سقطت", "قذيفة", "في", "منطقة", kind, "التصعيد"]]
    assert _after_settlement_words(words) == []


def test_a_name_after_an_area_word_still_is_one() -> None:
    words = [fold(w) for w in ["سقطت", "قذيفة", "في", "منطقة", "الدريهمي"]]
    assert _after_settlement_words(words) == [(4, 5)]


def test_the_word_for_a_town_is_no_place_name() -> None:
    for text in (
        "انفجرت عبوة ناسفة في المدينة وقتلت 3 أشخاص.",
        "انفجرت عبوة ناسفة في المنطقة وقتلت 3 أشخاص.",
    ):
        (event,) = events(text)
        assert (event["location"] or {}).get("name_ar") not in ("المدينة", "المنطقة")


def test_a_base_named_by_whose_it_is_has_no_name() -> None:
    words = [fold(w) for w in ["هجوم", "على", "قاعدة", "للقوات", "الأجنبية", "في", "كابول"]]
    assert _site_before(words, 6) is None
    words = [fold(w) for w in ["هجوم", "على", "قاعدة", "العند", "الجوية", "في", "لحج"]]
    assert _site_before(words, 6) == ("Base", [3])


# --- aliases that name an actor only at home (actors.json ar_at_home)


def test_the_resistance_is_yemen_s_popular_resistance_only_in_yemen() -> None:
    (event,) = events("وتقدمت المقاومة في مديرية دار سعد بعدن وقتلت 5 من الحوثيين.")
    assert "Popular Resistance" in [a["name"] for a in event["actors"]]
    (event,) = events("قتل 3 مسلحين في هجوم للمقاومة على دورية إسرائيلية في غزة.")
    assert "Popular Resistance" not in [a["name"] for a in event["actors"]]
    assert not any(a["id"].endswith("@home") for a in event["actors"])


def test_the_regime_is_syria_s_army_in_syria() -> None:
    (event,) = events("قتل 3 أشخاص في قصف للنظام على دوما.")
    assert "Military Forces of Syria" in [a["name"] for a in event["actors"]]


def test_people_a_figure_counts_are_civilians() -> None:
    (event,) = events("قتل 20 من المصلين في تفجير انتحاري استهدف مسجدا في كابول.")
    assert [a["name"] for a in event["actors"]] == ["Civilians (Afghanistan)"]


# --- dates counted back from publication


@pytest.mark.parametrize(
    ("words", "day"),
    [("قبل يومين", "2019-03-09"), ("قبل ثلاثة أيام", "2019-03-08"), ("قبل 4 أيام", "2019-03-07")],
)
def test_so_many_days_ago_dates_the_event(words: str, day: str) -> None:
    (event,) = events(f"قتل 7 مسلحين في غارة جوية {words} على مواقعهم في حلب.")
    assert event["date"] == day


def test_before_a_verb_is_no_date() -> None:
    (event,) = events("قتل 7 مسلحين في غارة جوية قبل أن يصلوا إلى حلب.")
    assert event["date"] == "2019-03-11"  # the publication day


def test_crowds_take_to_the_streets() -> None:
    assert subs("خرج مئات المواطنين إلى الشوارع في عمان.") == ["peaceful_protest"]


@pytest.mark.parametrize(
    "text",
    [
        "هاجم مسلحون ثلاثة فنادق في بلدة سيفاري وقتلوا 5 أشخاص.",  # a broken plural of «فندق»
        "وفي العراق، هجمات مسلحة تستهدف مرشحين للانتخابات البرلمانية.",
        "قتل مسلحون 5 أشخاص في هجوم على عشرات المصلين في كابول.",  # people known as civilians
    ],
)
def test_a_generic_attack_on_civilians_is_violence_against_them(text: str) -> None:
    assert "attack" in subs(text) and "armed_clash" not in subs(text)


# --- force against protesters


def test_lethal_dispersal_of_a_sit_in_is_excessive_force() -> None:
    text = "قتل أكثر من 700 شخص في القاهرة أثناء قيام قوات الأمن بفض اعتصامي مؤيدي مرسي."
    assert subs(text) == ["excessive_force_against_protesters"]
    assert subs("فضت الشرطة اعتصام العمال في القاهرة.") == ["protest_with_intervention"]


def test_protesters_a_figure_counts_as_the_killed_make_excessive_force() -> None:
    text = "قتلت القوات الإسرائيلية أكثر من مائة متظاهر فلسطيني قرب السياج في غزة."
    assert subs(text) == ["excessive_force_against_protesters"]


def test_security_services_in_the_construct_state_have_their_country() -> None:
    (event,) = events("أعلنت أجهزة الأمن الروسية أنها قتلت ثمانية مسلحين في داغستان.")
    assert "Police Forces of Russia" in [a["name"] for a in event["actors"]]


def test_saudi_emergency_forces_are_saudi_police_at_home() -> None:
    (event,) = events("قتل 15 من قوات الطوارئ في تفجير مسجد في أبها.")
    assert [a["name"] for a in event["actors"]] == ["Police Forces of Saudi Arabia"]


def test_a_direction_is_no_place_name() -> None:
    (event,) = events("اعترضت قوات الدفاع الجوي السعودي صاروخا في شمال شرق العاصمة الرياض مساء الأحد.")
    assert event["location"]["name"] == "Riyadh"


def test_a_nisba_after_a_title_is_a_first_name() -> None:
    text = "قال العقيد الركن تركي المالكي إن قوات الدفاع الجوي اعترضت صاروخا باليستيا فوق الرياض."
    (event,) = events(text)
    assert "Civilians (Turkey)" not in [a["name"] for a in event["actors"]]
    (event,) = events("قتل مواطن تركي في انفجار في إسطنبول.")
    assert "Civilians (Turkey)" in [a["name"] for a in event["actors"]]


def test_a_place_in_a_later_statement_is_not_the_event_s() -> None:
    text = (
        "قال مكتب رئيس الوزراء إن مقاتلات تركية قصفت مواقع لتنظيم داعش وذكرت وسائل اعلام محلية أن "
        "الشرطة نفذت مداهمات في اسطنبول."
    )
    strike = next(e for e in events(text) if e["event_type"] == "explosions_remote_violence")
    assert strike["location"]["name"] != "Istanbul"
    # without «و» the verb goes on with the same story: its place stands
    (event,) = events("ردت الشرطة على هذا الاعتداء مؤكدة كما أكدت أن المصابين نقلوا إلى مستشفيات أبها.")
    assert event["location"]["name"] == "Abha"


def test_food_poisoning_is_no_attack() -> None:
    assert events("أصيب 30 شخصا بتسمم غذائي في حفل زفاف في الرياض.") == []


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        (
            "سيطر الجيش الوطني على منطقة العلم شرق عدن بعد معارك عنيفة مع المليشيات الحوثية.",
            "government_regains_territory",
        ),
        ("حررت المقاومة الشعبية مدينة زنجبار من ميليشيات الحوثي.", "non_state_actor_overtakes_territory"),
    ],
)
def test_who_takes_territory_decides_its_sub_type(text: str, sub: str) -> None:
    assert subs(text) == [sub]


def test_a_town_word_in_a_geonames_name_does_not_hide_other_readings() -> None:
    (event,) = events("حررت المقاومة الشعبية مدينة زنجبار من ميليشيات الحوثي.")
    assert event["location"]["country_code"] == "YE"  # Zinjibar, not Zanzibar («مدينة زنجبار»)
    (event,) = events("اعتقلت الشرطة الكويتية 3 أشخاص في الكويت.")
    assert event["location"]["precision"] == "country"  # «مدينة الكويت» stays Kuwait City's name
