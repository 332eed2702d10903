"""Event detection on phrasings the first issue-12 round missed (sentences written for these tests):
multi-word non-violent death words, factuality across quotation marks, casualty figures written as
dual or singular nouns, cross-border fire, ambushes, and the factuality cases of unseen news."""

from __future__ import annotations

import pytest

from tests.test_extract import item, one
from workers.contracts import EVENT, validation_errors
from workers.extract.core import extract


def subs(text: str, published: str = "2019-03-11T09:00:00Z") -> list[str]:
    events = extract(item(text, published))
    for e in events:
        assert validation_errors(EVENT, e) == []
    return sorted(e["sub_event_type"] for e in events)


def figures(text: str, kind: str) -> list[tuple[int, int | None]]:
    return [
        (e["casualties"][kind]["min"], e["casualties"][kind]["max"])
        for e in extract(item(text))
        if e["casualties"].get(kind)
    ]


# --- multi-word non-violent death words (cues.json nonviolent_death_words)


@pytest.mark.parametrize(
    "text",
    [
        "قتل 12 شخصا في سقوط طائرة ركاب قرب المطار.",  # «طائرة ركاب»
        "قتل 3 عمال وأصيب ثلاثة آخرون إثر سقوط رافعة في موقع البناء.",  # «سقوط رافعة»
        "أصيب 40 من الجنود وسجلت إصابات جديدة في المعسكر.",  # «إصابات جديدة»
    ],
)
def test_a_multi_word_nonviolent_death_phrase_rules_out_a_casualty_only_event(text: str) -> None:
    assert extract(item(text)) == []


# --- factuality across quotation marks


@pytest.mark.parametrize(
    "text",
    [
        'هدد القائد بـ"قصف" مواقع المسلحين.',  # a threat, the trigger quoted
        'قال المتحدث إن الجيش لم "يشن" أي غارات على المدينة.',  # negated across a quote
        'دعا الأمين العام إلى "وقف القصف" على المدينة.',  # a call, the object quoted
        'يتظاهر "طلاب الجامعة" يوم الجمعة المقبلة أمام البرلمان.',  # future after a quote
    ],
)
def test_a_quotation_mark_does_not_end_the_factuality_window(text: str) -> None:
    assert extract(item(text)) == []


def test_a_quoted_report_still_yields_its_event() -> None:
    assert subs('قال المصدر إن "طائرات الاحتلال شنت غارات على المدينة".') == ["air_drone_strike"]


# --- casualty figures written as nouns: dual and singular after a cue


@pytest.mark.parametrize(
    ("text", "kind", "want"),
    [
        ("قتل جنديان وأصيب ثلاثة آخرون في هجوم للمسلحين على الحاجز.", "killed", (2, 2)),  # dual «ـان»
        ("أصيب شرطيان في انفجار عبوة ناسفة وسط المدينة.", "wounded", (2, 2)),
        ("أدى القصف إلى مقتل شخصين في الحي.", "killed", (2, 2)),  # dual «ـين»
        ("قتل فلسطيني وأصيب 30 آخرون برصاص قوات الاحتلال.", "killed", (1, 1)),  # singular
        ("أصيبت امرأة بجروح في قصف على المدينة.", "wounded", (1, 1)),
        ("قصفت الطائرات القرية ولقي شخص على الأقل مصرعه.", "killed", (1, None)),  # «على الأقل»
    ],
)
def test_a_noun_of_people_next_to_a_casualty_cue_counts_them(
    text: str, kind: str, want: tuple[int, int | None]
) -> None:
    assert figures(text, kind) == [want]


def test_a_noun_after_a_numeral_does_not_replace_the_numeral() -> None:
    # «مصريا» describes the 20 the numeral counts
    text = "عثر على جثث 20 قبطيا مصريا قتلوا على يد مسلحين في المدينة."
    assert figures(text, "killed") == [(20, 20)]
    # a plural that a dual would also spell («مدنيين») is not a figure
    assert figures("قصفت الطائرات المدينة وقتلت مدنيين.", "killed") == []


def test_a_country_after_a_cue_is_not_one_person() -> None:
    # «ليبيا» is nisba «ليبي» + alef, but no accusative is generated for nouns ending in ي
    text = "قتلت ليبيا 5 مسلحين في غارة جوية قرب الحدود."
    assert figures(text, "killed") == [(5, 5)]


def test_a_year_after_a_month_name_is_not_a_figure() -> None:
    text = "نفذ مسلحون اعتداءات باريس في تشرين 2015 وقتلوا."
    assert figures(text, "killed") == []


# --- phrasings of violence and protest gathered from the corpora


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        ("أدان الوزير العملية الإرهابية التي استهدفت المصلين في المسجد.", "attack"),
        ("ارتفع عدد ضحايا الهجوم الإرهابي على الفندق إلى ستة.", "attack"),
        ("شارك آلاف الأشخاص في مسيرة وسط العاصمة للمطالبة بالإصلاح.", "peaceful_protest"),
        ("خرج مئات الطلاب في مسيرة أمام مبنى الجامعة.", "peaceful_protest"),
        ("أحرق مستوطنون منزل عائلة فلسطينية في القرية.", "looting_property_destruction"),
    ],
)
def test_corpus_phrasings_have_terms(text: str, sub: str) -> None:
    assert sub in subs(text)


def test_a_specific_trigger_outranks_the_generic_terror_attack() -> None:
    assert subs("أسفر التفجير الانتحاري الإرهابي عن مقتل 5 أشخاص في المسجد.") == ["suicide_bomb"]


# --- factuality: more cases of mention without report


@pytest.mark.parametrize(
    "text",
    [
        "قد تشن إسرائيل غارات على لبنان في أي لحظة.",  # «قد» + imperfect: a possibility
        "قد يشن الجيش هجوما على المدينة بعد العيد.",
        "أكد الوزير أن الجيش مستعد لصد أي هجوم على الحدود.",  # readiness, «أي»
        "تؤمن لهم الميليشيات الحماية من أي اعتداءات على القوافل.",  # «أي»: no particular attack
        "تستخدم التطبيقات المشفرة للتخطيط لهجمات إرهابية.",  # a plan
    ],
)
def test_possibility_readiness_and_indefinite_mentions_are_no_event(text: str) -> None:
    assert extract(item(text)) == []


def test_may_with_a_past_verb_is_a_report() -> None:
    assert subs("وقد شنت الطائرات غارات على المدينة.") == ["air_drone_strike"]
    assert subs("قد تعرضت المدينة لقصف عنيف من قوات النظام.") == ["shelling_artillery_missile_attack"]


def test_a_year_after_a_months_second_name_dates_a_background_event() -> None:
    text = "في 6 سبتمبر/ أيلول عام 1997 قتل مسلحون 20 شخصا في القرية."
    event = one(extract(item(text)), "attack")
    assert event["date"] == "1997-09-06"
    assert event["lead"] is False


@pytest.mark.parametrize(
    ("text", "day"),
    [
        # a day of the month written as an ordinal before «من» and the month
        ("أصيب الصحافي برصاص قناص في السادس من نيسان/أبريل قرب الحدود.", "2018-04-06"),
        ("قتل 7 أشخاص في غارة وقعت في الحادي والعشرين من مارس على البلدة.", "2018-03-21"),
        # a month of two words whose second is an ordinal («كانون الأول»), then its other name and a year
        ("وقد خطفها مسلحون في غاو في 24 كانون الأول/ديسمبر 2016.", "2016-12-24"),
    ],
)
def test_a_day_of_the_month_dates_the_event(text: str, day: str) -> None:
    [event] = extract(item(text, "2018-04-26T09:00:00Z"))
    assert event["date"] == day


def test_a_day_of_history_does_not_date_the_articles_other_events() -> None:
    # the body's first day-precise date is the lead date only if it is news, not a day long past
    text = (
        "وقال الوزير إن بلاده تحارب الإرهاب منذ الحادي عشر من سبتمبر 2001. "
        "وقتل 3 أشخاص في انفجار عبوة ناسفة في المدينة."
    )
    [event] = [e for e in extract(item(text, "2018-03-25T09:00:00Z")) if e["casualties"].get("killed")]
    assert event["date"] == "2018-03-25"


def test_coming_from_is_a_direction_not_the_future() -> None:
    text = "سقط مقذوف عسكري قادم من الأراضي اليمنية على منزل في نجران."
    assert subs(text) == ["shelling_artillery_missile_attack"]
    assert extract(item("تنطلق المسيرة الاحتجاجية الأسبوع القادم.")) == []


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        (
            "قال الجيش إن ما لا يقل عن أربع قذائف أطلقت من غزة على إسرائيل.",
            "shelling_artillery_missile_attack",
        ),
        # stopped by air defence: disrupted weapons use (ACLED; round 13)
        ("أعلنت دمشق أن دفاعاتها الجوية تصدت للصواريخ الإسرائيلية.", "disrupted_weapons_use"),
        ("اعترضت الدفاعات الجوية صاروخا باليستيا أطلقه الحوثيون باتجاه جازان.", "disrupted_weapons_use"),
        ("أطلقت الفصائل صواريخ على المستوطنات.", "shelling_artillery_missile_attack"),
    ],
)
def test_missiles_launched_at_or_intercepted_are_remote_violence(text: str, sub: str) -> None:
    assert subs(text) == [sub]  # «ما لا يقل عن» is «at least», not a negation


def test_a_missile_test_is_no_event() -> None:
    assert extract(item("أعلنت روسيا نجاح تجربة إطلاق صاروخ يفوق سرعة الصوت.")) == []


@pytest.mark.parametrize(
    ("text", "sub_types"),
    [
        ("تستخدم الشرطة كاميرات المراقبة من أجل إلقاء القبض على المطلوبين.", []),  # purpose
        # the purpose (taking the city) is no takeover; the advance itself is a clash (round 16)
        ("تقدمت القوات نحو الميناء سعيا للسيطرة على المدينة.", ["armed_clash"]),
    ],
)
def test_a_purpose_is_not_a_report(text: str, sub_types: list[str]) -> None:
    assert [e["sub_event_type"] for e in extract(item(text))] == sub_types


def test_beating_is_not_an_air_strike() -> None:
    assert "air_drone_strike" not in subs("تحولت القضية من تعد بالضرب إلى جريمة قتل.")


@pytest.mark.parametrize(
    ("text", "kind", "want"),
    [
        ("قال الجيش إن أكثر من 140عنصرا من المسلحين لقوا مصرعهم في غارات التحالف.", "killed", (140, None)),
        ("ما يرفع إلى تسعة عدد القتلى في الهجوم على القرية.", "killed", (9, 9)),  # not «عدد»: 2+
        ("ارتفع عدد القتلى إلى 20 في الهجوم على السوق.", "killed", (20, 20)),
        ("ارتفع عدد الجرحى في القصف إلى 35.", "wounded", (35, 35)),
        ("قتل عدد من المسلحين في غارة جوية.", "killed", (2, None)),  # «عدد من»: 2 or more
    ],
)
def test_toll_phrasings_give_their_figure(text: str, kind: str, want: tuple[int, int | None]) -> None:
    assert figures(text, kind) == [want]


def test_a_generic_attack_on_a_civilian_target_is_violence_against_civilians() -> None:
    assert subs("شن مسلحون هجوما على مسجد في المدينة.") == ["attack"]
    assert subs("سقط عشرات القتلى في هجوم على حافلة تقل أطفالا.") == ["attack"]
    # a military target keeps the armed clash
    assert subs("شن مسلحون هجوما على مواقع الجيش في المدينة.") == ["armed_clash"]


def test_a_generic_word_stands_when_the_specific_one_is_not_reported() -> None:
    # the air strikes are only named in an order to stop them; the attack is reported
    text = "أمر الرئيس بوقف الغارات على الحركة المتمردة بعد هجوم نفذته الحركة أسفر عن مقتل 11 جنديا."
    event = one(extract(item(text)), "armed_clash")
    assert event["casualties"]["killed"]["min"] == 11


def test_people_killed_by_a_named_militia_or_at_the_hands_of_others_are_an_attack() -> None:
    assert figures("قال المصدر إن 12 حوثيا سقطوا قتلى أمس.", "killed") == [(12, 12)]
    assert subs("قتل 3 أشخاص على يد مجهولين في المدينة.") == ["attack"]


@pytest.mark.parametrize(
    "text",
    [
        "قال التقرير إن خبراء في تصنيع الصواريخ شوهدوا في منشآت عسكرية في سوريا.",
        "تطرح المفاوضات قضية برنامج الصواريخ الباليستية الإيرانية.",
        "أعلنت روسيا نجاح تجربة إطلاق صاروخ جديد يفوق سرعة الصوت.",
    ],
)
def test_a_weapon_spoken_of_not_used_is_no_event(text: str) -> None:
    assert extract(item(text)) == []


def test_a_strike_on_a_weapons_depot_is_still_an_event() -> None:
    assert subs("استهدفت الطائرات مستودع صواريخ للحوثيين قرب صنعاء.") != []


def test_took_the_lives_of_is_a_killed_cue() -> None:
    assert figures("وقع انفجار أودى بحياة 3 أشخاص في السوق.", "killed") == [(3, 3)]
    assert figures("أسفر التفجير الذي راح ضحيته 15 شخصا عن دمار واسع.", "killed") == [(15, 15)]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("تعد الحلوى واحدة من أهم مظاهر الاحتفال بالعيد.", []),  # «مظاهر»: appearances
        ("وكثيرا ما تنفذ طائرات مسيرة هجمات على المتشددين.", []),  # a habit
        ("قتل شخصان وأصيب 48 آخرون في احتجاج عنيف جنوب البلاد.", ["violent_demonstration"]),
        ("تجمع آلاف المتظاهرين في الساحة يوم الأحد.", ["peaceful_protest"]),
    ],
)
def test_protest_words_and_habits(text: str, want: list[str]) -> None:
    assert subs(text) == want


@pytest.mark.parametrize(
    "text",
    [
        "كسب الفريق أول مواجهتين وديتين له في معسكره الخارجي تحضيرا لكأس البطولة.",
        "وصلت بعثة المنتخب إلى المدينة لإقامة معسكر إعدادي لمدة 18 يوما.",
        "شن المهاجم هجوما على مرمى المنافس في الشوط الثاني.",
    ],
)
def test_sport_is_no_violence(text: str) -> None:
    assert extract(item(text)) == []


def test_violence_near_a_stadium_is_still_violence() -> None:
    assert subs("قتل 3 أشخاص في هجوم مسلح قرب الملعب.") != []


def test_protesters_attacking_is_a_riot() -> None:
    assert subs("اقتحم المتظاهرون مبنى البرلمان في العاصمة.") == ["violent_demonstration"]
    assert subs("هاجم المحتجون مقار الأحزاب السياسية في المدينة.") == ["violent_demonstration"]
    assert subs("هاجم مسلحون حاجزا للجيش.") == ["armed_clash"]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("قال الوزير إن المجتمع المدني هو الحصن في مواجهة الإرهاب.", []),  # «في مواجهة»: facing
        ("اندلعت مواجهة مسلحة بين الجيش والمسلحين.", ["armed_clash"]),
        ("قال المسؤول إن التنظيم لا يزال قادرا على شن هجمات في المستقبل.", []),  # ability, future
    ],
)
def test_facing_and_ability_are_no_events(text: str, want: list[str]) -> None:
    assert subs(text) == want


def test_two_generic_words_of_one_type_are_one_event() -> None:
    assert subs("قال البيان إن الضربة الإسرائيلية استهدفت مجمعا عسكريا قرب دمشق.") == ["air_drone_strike"]


@pytest.mark.parametrize(
    "text",
    [
        "دعا الرئيس إلى الحوار مع المتظاهرين لحل الأزمة.",
        "قال الوزير إن الحكومة تستمع إلى مطالب المتظاهرين.",
        "وعد رئيس الوزراء المحتجين بتلبية مطالبهم.",
    ],
)
def test_a_bare_mention_of_the_protesters_is_no_protest(text: str) -> None:
    assert extract(item(text)) == []


def test_violence_whose_object_is_the_protesters_is_excessive_force() -> None:
    text = "أدان الرئيس أعمال العنف التي ترتكبها القوات بحق المتظاهرين في المدينة."
    assert subs(text) == ["excessive_force_against_protesters"]
    # a weak verb's feminine past («اعتدى» -> «اعتدت») matches its term
    assert subs("اعتدت الشرطة بالضرب على المحتجين في الساحة.") == ["excessive_force_against_protesters"]
    # protesters as the actors keep the riot
    assert subs("رشق المتظاهرون الشرطة بالحجارة.") == ["violent_demonstration"]
