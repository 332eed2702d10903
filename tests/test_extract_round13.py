"""Round-13 causes (sentences written for these tests): street protests, …"""

from __future__ import annotations

import pytest

from tests.test_extract import item
from tests.test_extract_causes import events, subs
from workers.extract.core import extract

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


# --- a bombing word with a building as its object («تفجير مسجد») is a bombing with no other conflict
# word: the condolences and condemnations that name one (cues.json bombing_targets)


@pytest.mark.parametrize(
    "text",
    [
        "استنكر أهالي المحافظة حادثة تفجير مسجد الحي أثناء صلاة الجمعة.",
        "وخرجت أمس عشر حالات من مصابي تفجير الكنيسة من المستشفى.",
    ],
)
def test_a_bombed_building_is_a_bombing(text: str) -> None:
    assert subs(text) == ["remote_explosive_landmine_ied"]


@pytest.mark.parametrize(
    "text",
    [
        "وحذر المحلل من تفجير الأزمة بين الحزبين في البرلمان.",
        "تفجير المساجد عمل خبيث لا يقره عقل ولا دين.",  # a plural: bombings in general
        "ورجح المحققون وجود مشاكل بين الرجل وزوجته دفعته إلى تفجير منزله.",  # a house: often a crime
    ],
)
def test_a_crisis_mosques_or_a_house_are_no_bombing(text: str) -> None:
    assert subs(text) == []


# --- a weapon that is the subject of a word of its use right after it («الصاروخ استهدف») struck


@pytest.mark.parametrize(
    "text",
    [
        "وأفادت مصادر محلية أن الصاروخ استهدف حيا سكنيا وسط المدينة.",
        "وقال إن نحو 150 صاروخا أطلقت من القطاع تجاه الحدود.",
    ],
)
def test_a_weapon_that_struck_is_an_attack(text: str) -> None:
    assert subs(text) == ["shelling_artillery_missile_attack"]


@pytest.mark.parametrize(
    "text",
    [
        "لا بالونات حارقة ولا صواريخ ولا إطلاق نار على الحدود.",  # a list of what did not happen
        "وقال المسؤول إن برنامج الصواريخ يتطور بسرعة.",
    ],
)
def test_a_weapon_named_with_no_use_is_no_attack(text: str) -> None:
    assert subs(text) == []


# --- a person named by role and nationality («الصحفي السعودي», «القس الأمريكي») is a civilian of
# that country wherever the event is (ACLED's Civilians (Russia) for an attack on a Russian in Britain)


@pytest.mark.parametrize(
    ("text", "civilians"),
    [
        ("قتل الصحفي السعودي جمال خاشقجي في القنصلية في إسطنبول.", "Civilians (Saudi Arabia)"),
        ("اعتقلت السلطات التركية القس الأمريكي أندرو برانسون في إزمير.", "Civilians (United States)"),
        ("اختطف مسلحون الطالب الأمريكي في العاصمة الليبية طرابلس أمس.", "Civilians (United States)"),
    ],
)
def test_a_person_of_a_nationality_is_a_civilian_of_that_country(text: str, civilians: str) -> None:
    (event,) = events(text)
    assert civilians in [a["name"] for a in event["actors"]]


# --- a fire or a demolition that killed someone is an attack on people, not property destruction


def test_an_arson_that_killed_is_an_attack() -> None:
    assert subs("قتل مستوطنون رضيعا فلسطينيا حرقا في منزله في قرية قرب نابلس.") == ["attack"]


def test_an_arson_that_killed_no_one_stays_property_destruction() -> None:
    assert subs("أحرق مستوطنون منزلا فلسطينيا في قرية قرب نابلس فجر اليوم.") == ["looting_property_destruction"]


# --- natural disasters (cues.json accident_words: «إعصار», «فيضانات», «زلزال», «ثوران» …) give an
# ambiguous trigger no conflict context and make a toll no casualty-only event


@pytest.mark.parametrize(
    "text",
    [
        "وفي 2007، أسفر الإعصار عن مقتل تسعة وأربعين شخصا وخلف خسائر مادية كبيرة.",
        "لقي خمسة أشخاص مصرعهم إثر فيضانات اجتاحت عددا من المناطق في تونس.",
        "قتل 25 على الأقل جراء ثوران بركان في غواتيمالا.",
        "وارتفعت حصيلة قتلى الزلزال الذي ضرب الجزيرة إلى 90 شخصا.",
    ],
)
def test_a_natural_disaster_is_no_event(text: str) -> None:
    assert subs(text) == []


def test_an_operation_named_a_storm_is_still_war() -> None:
    assert subs("وقصفت طائرات التحالف مواقع الحوثيين في صعدة أمس ضمن عملية عاصفة الحزم.") != []


# --- an arrest for a crime («جريمة قتل») is ordinary crime (cues.json criminal_words), unless the
# sentence names an assassination, a martyr or settlers (political_arrest_words)


def test_an_arrest_for_a_murder_is_no_event() -> None:
    text = "ألقت الشرطة القبض على شابين للاشتباه بعلاقتهما بجريمة قتل طالب في المدينة."
    assert "arrests" not in subs(text)  # the killing itself stays a casualty-only event: left


@pytest.mark.parametrize(
    "text",
    [
        "اعتقلت الشرطة رجلين يشتبه في تورطهما في جريمة اغتيال الصحفي المعارض.",
        "اعتقلت الشرطة ثلاثة مشتبه بهم في الجريمة التي أدت إلى استشهاد جندي في الدورية.",
        "أعلنت الشرطة اعتقالات مرتبطة مباشرة بجريمة المستوطنين في القرية.",
    ],
)
def test_an_arrest_for_a_political_crime_stays(text: str) -> None:
    assert "arrests" in subs(text)


# --- «في عملية دهم شمالي مدينة عدن»: an event named before a direction is no place near the town


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("قتل قيادي بارز في التنظيم في عملية دهم شمالي مدينة عدن فجر السبت.", "Aden"),
        ("قتل 12 مسلحا في ضربات جوية جنوب البوكمال أمس.", "Ālbū Kamāl"),
    ],
)
def test_an_event_named_before_a_direction_is_no_place(text: str, place: str) -> None:
    (event,) = events(text)
    assert event["location"]["name"] == place


# --- «X في مديرية Y», «X بمحافظة Y»: a gazetteer town X of another country than the district or
# province Y that contains it is a namesake; the event is in Y


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("سيطرت قوات الجيش الاثنين على جبال الرصيفة في مديرية كتاف بمحافظة صعدة.", "YE"),
        ("أضرم مستوطنون النار في منزل عائلة في قرية دوما بمحافظة نابلس أمس.", "PS"),
    ],
)
def test_a_foreign_namesake_in_a_district_gives_way_to_the_district(text: str, country: str) -> None:
    (event,) = events(text)
    assert event["location"]["country_code"] == country


# --- a missile, shell or drone intercepted or shot down is disrupted weapons use, not a strike
# (cues.json interception_words), unless the weapon is the instrument or the interception failed


@pytest.mark.parametrize(
    "text",
    [
        "اعترضت الدفاعات الجوية مساء الخميس صاروخا باليستيا أطلقته الميليشيات باتجاه مدينة جازان.",
        "وأطلق المسلحون صاروخا باتجاه المدينة، واعترضته صواريخ الباتريوت ودمرته في الجو.",
        "وتمكنت قوات الدفاع الجوي من اعتراض وتدمير صاروخين أطلقا باتجاه العاصمة.",
        "وأسقط الجيش طائرة مسيرة تابعة للمتمردين في ريف المحافظة.",
        # destroyed, with the weapon as the direct object (cues.json interception_object_words)
        "وقالت الوكالة إن الدفاعات الجوية دمرت صاروخين أطلقهما المتمردون باتجاه المدينة.",
        "وأعلن التحالف تدمير طائرة مسيرة أطلقها المتمردون باتجاه المطار.",
    ],
)
def test_an_intercepted_weapon_is_disrupted_weapons_use(text: str) -> None:
    assert subs(text) == ["disrupted_weapons_use"]


@pytest.mark.parametrize(
    "text",
    [
        "وقالت الحركة إن مقاتليها أسقطوا المروحية العسكرية بصاروخ أمس.",  # the missile is the instrument
        "وذكر المرصد أن الدفاعات الجوية أخفقت في اعتراض الصاروخين اللذين سقطا على المطار.",
        "وقال الجيش إنه دمر بطارية صواريخ أطلقت منها قذائف على القرية.",  # a launcher destroyed
        "وأضاف أن الأحياء القديمة دمرتها الصواريخ التي أطلقها الجيش على المدينة.",  # the weapon destroyed
    ],
)
def test_a_weapon_used_or_not_stopped_stays_a_strike(text: str) -> None:
    assert "shelling_artillery_missile_attack" in subs(text)
    assert "disrupted_weapons_use" not in subs(text)


def test_a_headline_that_names_an_interception_leads_with_it() -> None:
    # the body tells of a strike first; the headline names the interception, which is the story
    text = (
        "وقصفت الميليشيات بالصواريخ قرية في منطقة نجران. "
        "واعترضت الدفاعات الجوية مساء الخميس صاروخا باليستيا أطلقته الميليشيات باتجاه مدينة جازان."
    )
    out = extract(item(text, title="اعتراض صاروخ باليستي أطلق باتجاه جازان"))
    (lead,) = [e for e in out if e["lead"]]
    assert lead["sub_event_type"] == "disrupted_weapons_use"
    assert len(out) == 2


# --- settlers storming a holy site with no one hurt are a demonstration (ACLED: peaceful protest),
# not an armed clash; forces storming it stay what they were (cues.json storming_words, holy_sites)


@pytest.mark.parametrize(
    "text",
    [
        "اقتحم نحو 400 مستوطن، صباح الأحد، باحات المسجد الأقصى من جهة باب المغاربة.",
        "واقتحمت مجموعات من المستوطنين المتطرفين أمس المسجد الأقصى بحراسة مشددة من الشرطة.",
    ],
)
def test_settlers_storming_a_holy_site_are_a_protest(text: str) -> None:
    assert subs(text) == ["peaceful_protest"]


@pytest.mark.parametrize(
    "text",
    [
        "اقتحمت قوات الاحتلال باحات المسجد الأقصى واشتبكت مع المصلين.",  # forces, not settlers
        "اقتحم مستوطنون قرية بورين وأصابوا ثلاثة فلسطينيين بجروح.",  # people hurt, no holy site
    ],
)
def test_other_stormings_are_no_protest(text: str) -> None:
    assert "peaceful_protest" not in subs(text)


# --- protesters burning or wrecking property: a riot (ACLED), not property destruction


def test_protesters_setting_fire_to_a_building_are_a_riot() -> None:
    assert subs("وأضرم متظاهرون غاضبون النار في مقر الحزب وسط المدينة مساء الجمعة.") == ["violent_demonstration"]
    # no protesters: property destruction stays
    assert subs("أضرم مستوطنون النار في منزل فلسطيني في قرية قرب نابلس فجر اليوم.") == [
        "looting_property_destruction"
    ]


# --- «جبهات القتال» (the front lines) is a place, not fighting: recruits sent to it, fighters who
# flee it (triggers.json armed_clash not_after)


@pytest.mark.parametrize(
    "text",
    [
        "وتلجأ الميليشيات إلى تجنيد المدنيين وإرسالهم إلى جبهات القتال في الساحل الغربي.",
        "أظهر مقطع فيديو هروب مسلحين من مواقعهم في جبهات القتال بمحافظة الجوف.",
    ],
)
def test_the_front_lines_are_no_fighting(text: str) -> None:
    assert "armed_clash" not in subs(text)


def test_fighting_on_a_front_is_still_fighting() -> None:
    assert "armed_clash" in subs("واندلعت معارك عنيفة بين القوات والمتمردين على جبهة نهم شرق صنعاء أمس.")


# --- an explosion at a factory, a mine or a gas cylinder with no armed actor is an accident
# (cues.json accident_words)


@pytest.mark.parametrize(
    "text",
    [
        "قتل خمسة عمال وأصيب آخرون في انفجار بمصنع للكيماويات شمال المدينة الخميس.",
        "لقي ثلاثة أشخاص مصرعهم في انفجار أسطوانة غاز داخل مطعم وسط العاصمة.",
    ],
)
def test_an_industrial_explosion_is_no_event(text: str) -> None:
    assert subs(text) == []


def test_militants_bombing_a_factory_stay_an_event() -> None:
    assert subs("فجر مسلحون من تنظيم داعش عبوة ناسفة داخل مصنع للإسمنت في المدينة فقتلوا ثلاثة عمال.") != []


# --- the feminine dual past «ـتا» (two aircraft, two cars): «قصفتا», «انفجرتا» (morph._INFLECTIONS)


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        ("وقال الجيش إن طائرتين حربيتين قصفتا المطار العسكري فجر اليوم.", "air_drone_strike"),
        ("وذكر سكان أن سيارتين ملغومتين انفجرتا أمس أمام مقر الشرطة في المدينة.", "remote_explosive_landmine_ied"),
    ],
)
def test_a_feminine_dual_verb_is_found(text: str, sub: str) -> None:
    assert sub in subs(text)
