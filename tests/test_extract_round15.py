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


# --- a riot and what it throws: grenades and bombs named right after a riot's word («يرشقون … بالحجارة
# والعبوات الناسفة والقنابل اليدوية») are the violent demonstration's, not explosions beside it; a
# violent demonstration includes the protest and the police's intervention (sentence.SUPERSEDES);
# a missile salvo («رشقة صاروخية») is shelling, not a riot


@pytest.mark.parametrize(
    "text",
    [
        "وقال الجيش إن المحتجين كانوا يرشقون القوات والسياج الحدودي بالحجارة والعبوات الناسفة والقنابل اليدوية.",
        "رشق المتظاهرون قوات الأمن بالحجارة وقنبلة يدوية في وسط المدينة.",
        "أطلقت الشرطة الغاز المسيل للدموع على متظاهرين كانوا يرشقون مبنى المحافظة بالحجارة.",
        "واستخدمت شرطة مكافحة الشغب الغاز المسيل للدموع لتفريق المتظاهرين الذين رشقوا القوات بقنابل حارقة.",
    ],
)
def test_a_riot_is_one_violent_demonstration(text: str) -> None:
    assert subs(text) == ["violent_demonstration"]


def test_a_bombing_beside_a_riot_stays() -> None:
    assert subs("قتل خمسة في انفجار عبوة ناسفة، فيما رشق متظاهرون الشرطة بالحجارة.") == [
        "remote_explosive_landmine_ied",
        "violent_demonstration",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "أطلقت الفصائل رشقة صاروخية على المستوطنات الإسرائيلية.",
        "وقال المصدر إنه تم رصد رشقات صاروخية أطلقت من القطاع على البلدات المجاورة.",
    ],
)
def test_a_missile_salvo_is_shelling(text: str) -> None:
    assert subs(text) == ["shelling_artillery_missile_attack"]


# --- clashes in a protest («خرجت تظاهرات … حيث اندلعت مواجهات», «اشتباكات بين المتظاهرين وقوات
# الأمن») are the protest turned violent: one violent demonstration (cues.json riot_clash_words),
# unless an armed group is named


@pytest.mark.parametrize(
    "text",
    [
        "اندلعت اشتباكات بين المتظاهرين وقوات الأمن في وسط العاصمة.",
        "وخرجت الجمعة تظاهرات في المدينة حيث اندلعت مواجهات مع الشرطة.",
        "وقتل ثلاثة أشخاص في مواجهات بين محتجين وقوات الشرطة أمام مقر المحافظة.",
    ],
)
def test_clashes_in_a_protest_are_a_violent_demonstration(text: str) -> None:
    assert subs(text) == ["violent_demonstration"]


@pytest.mark.parametrize(
    "text",
    [
        "اشتبك الجيش مع مسلحي داعش في الموصل، فيما تظاهر السكان في بغداد.",
        "اندلعت اشتباكات عنيفة بين الجيش والمتمردين في ريف المدينة.",
    ],
)
def test_a_battle_stays_a_battle(text: str) -> None:
    assert "armed_clash" in subs(text) and "violent_demonstration" not in subs(text)


# --- a verbal attack: «شن هجوما حادا على ألمانيا متهما إياها», «هاجم نتنياهو واصفا إياه» are words,
# not violence (cues.json verbal_attack_tone right after the word, verbal_attack_words a few words on)


@pytest.mark.parametrize(
    "text",
    [
        "شن الرئيس الأمريكي هجوما حادا على ألمانيا متهما إياها بإثراء روسيا خلال قمة حلف شمال الأطلسي في بروكسل.",
        "وهاجم الرئيس التركي رئيس الوزراء الإسرائيلي واصفا إياه بأنه محتل وإرهابي.",
        "من جانبه، شن النائب هجوما على الحكومة داعيا البرلمان إلى مساءلتها عن تدهور الأمن.",
    ],
)
def test_a_verbal_attack_is_no_event(text: str) -> None:
    assert subs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        # a tone word further on describes something else
        "قتل عشرة جنود في هجوم على ثكنة عسكرية أسفر عن أزمة حادة بين البلدين.",
        "شن مسلحون هجوما عنيفا على مركز للشرطة في المدينة وقتلوا ثلاثة من عناصره.",
    ],
)
def test_an_armed_attack_stays(text: str) -> None:
    assert subs(text) != []


# --- a gathering to celebrate, welcome or bid farewell is no protest (cues.json celebration_words)


@pytest.mark.parametrize(
    "text",
    [
        "ونظمت المحافظة، مسيرة حاشدة، احتفالاً بافتتاح الجسر الجديد.",
        "تعيش المدينة تظاهرة اجتماعية واحتفالية ابتهاجاً بقدوم العيد.",
        "احتشد آلاف الأشخاص في الساحة لوداع المغني الراحل.",
    ],
)
def test_a_celebration_is_no_protest(text: str) -> None:
    assert subs(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "تظاهر مئات الطلاب في وسط العاصمة احتجاجا على رفع الرسوم الجامعية.",
        # a protest beside a celebration stays
        "وخرجت مسيرة العودة الكبرى التي تزامنت مع احتفال نقل السفارة إلى القدس.",
    ],
)
def test_a_protest_stays(text: str) -> None:
    assert subs(text) == ["peaceful_protest"]


# --- combatants killed with no event word («مقتل نحو 10 متشددين», «مقتل ضابطين», «قتلى المليشيات
# الحوثية … 44 قتيلاً») are fighting: an armed clash, not an attack on civilians


@pytest.mark.parametrize(
    "text",
    [
        "وأدت واحدة من العمليات إلى مقتل نحو 10 متشددين السبت في مالي.",
        "أعلن المتحدث باسم القوات المسلحة، الخميس، مقتل ضابطين وإصابة ثلاثة آخرين في سيناء.",
        "وأكد التحالف أن عدد قتلى المليشيات الحوثية خلال الـ24 ساعة الماضية في صعدة بلغ 44 قتيلاً.",
    ],
)
def test_combatants_killed_are_fighting(text: str) -> None:
    assert subs(text) == ["armed_clash"]


@pytest.mark.parametrize(
    "text",
    [
        "قتل خمسة مدنيين برصاص الجيش في المدينة.",
        "أدت الأحداث إلى قتل رجل غير مسلح على يد الشرطة في المدينة.",
        # civilians counted beside militia named as the ones held responsible
        "وحملت ميليشيا الحوثي مسؤولية مقتل 370 مدنيا وإصابة 471 آخرين في تعز.",
    ],
)
def test_civilians_killed_stay_an_attack(text: str) -> None:
    assert subs(text) == ["attack"]


# --- sport: an injury («الإصابة») in a sentence about a match is no casualty that makes «المواجهة» a
# clash (sentence._conflict_context checks sport before the casualty cues, unless someone was killed)


@pytest.mark.parametrize(
    "text",
    [
        "ودخل منتخب فرنسا المواجهة محروما من خدمات مهاجمه بسبب الإصابة.",
        "ولن يتمكن قائد المنتخب من خوض أي من تلك المواجهات بسبب العدوى التي أصابته.",
    ],
)
def test_an_injury_in_sport_is_no_clash(text: str) -> None:
    assert subs(text) == []


def test_players_killed_in_an_attack_stay() -> None:
    assert subs("قتل خمسة لاعبين في هجوم على حافلة الفريق.") == ["attack"]


# --- who carried it out: «الضربات التي شنتها الولايات المتحدة وحليفتاها فرنسا وبريطانيا», «العمليات التي
# نفذتها كل من الولايات المتحدة وبريطانيا وفرنسا» name the forces that acted (acled_coding._agent_start)


def actor_names(text: str) -> set[str]:
    return {a["name"] for e in events(text) for a in e["actors"]}


@pytest.mark.parametrize(
    "text",
    [
        "وقالت الوزارة إن الضربات الجوية التي شنتها الولايات المتحدة وحليفتاها فرنسا وبريطانيا على مواقع في سوريا لم توقع ضحايا.",
        "وقال الجيش إن صواريخ أطلقت على مطار عسكري في حمص، في إشارة إلى الضربات التي نفذتها كل من الولايات المتحدة وبريطانيا وفرنسا ليلا.",
    ],
)
def test_the_countries_that_carried_out_strikes_are_their_forces(text: str) -> None:
    assert {
        "Military Forces of the United States",
        "Military Forces of the United Kingdom",
        "Military Forces of France",
    } <= actor_names(text)


def test_the_turkish_raids_name_turkey() -> None:
    text = "ونددت الحكومة بالغارات التي نفذتها تركيا أمس على قرى حدودية في شمال العراق."
    assert "Military Forces of Turkey" in actor_names(text)


# --- a day of a month a few days after publication is still to come («اجتماع يوم 15 أبريل الحالي»):
# it dates no event, and is not read as the same day a year before (dates.FUTURE_DAYS, is_future)


def test_a_coming_day_dates_no_event() -> None:
    # published 2019-03-11: the 15th is four days on
    text = "وقتل خمسة جنود في هجوم على نقطة تفتيش، قبل اجتماع للحلف يوم 15 مارس الحالي."
    assert events(text) and all(
        not any(ev["field"] == "date" for ev in e["evidence"]) for e in events(text)
    )
