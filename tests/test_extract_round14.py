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


# --- a named attack cited by its target (known_attacks.json) takes its own sub-type, whatever the
# sentence calls it: the Abha emergency-forces mosque bombing was a suicide bombing


@pytest.mark.parametrize(
    "text",
    [
        "وأدان رئيس اللجنة التفجير الإرهابي الغاشم الذي تعرض له مسجد قوات الطوارئ في منطقة عسير.",
        "استنكر القنصل العام العمل الإرهابي الدنيء الذي استهدف مسجد قوات الطوارئ الخاصة في منطقة عسير.",
        "زار المدير العام المصابين إثر التفجير الإرهابي الذي وقع بمسجد منسوبي قوات الطوارئ في عسير.",
        "وقال الوزير إن التفجير الذي استهدف مسجد الإمام الصادق في الكويت هز المنطقة كلها.",
    ],
)
def test_a_named_attack_takes_its_own_sub_type(text: str) -> None:
    assert subs(text) == ["suicide_bomb"]


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        # a bombing with no named target keeps its own sub-type
        ("وأدان المجلس التفجير الإرهابي الذي استهدف مسجدا في المدينة.", "remote_explosive_landmine_ied"),
        # a clash near the forces' headquarters is no reference to the mosque bombing
        ("واندلعت اشتباكات عنيفة قرب مقر قوات الطوارئ في المدينة.", "armed_clash"),
    ],
)
def test_no_named_attack_keeps_the_sub_type(text: str, sub: str) -> None:
    assert subs(text) == [sub]


def test_every_known_attack_names_a_trigger_sub_type() -> None:
    from workers.extract.lexicon import load_lexicon, trigger_lexicon

    known = {t["sub_event_type"] for t in trigger_lexicon()["triggers"]}
    assert {a["sub_event_type"] for a in load_lexicon("known_attacks.json")["attacks"]} <= known


def test_a_town_of_a_named_attack_is_no_reference_to_it() -> None:
    text = "وباشرت الشرطة بلاغا عن وفاة المطلوب في مستوصف ببلدة القديح بعد تعرضه للإصابة بطلقات نارية."
    assert "suicide_bomb" not in subs(text)


# --- a change of territory that names an operation or a battle («معركة تحرير المطار», «عملية
# تحرير المدينة») is the fighting, not the capture: an armed clash (ACLED codes the offensive as a
# battle, and the capture only when it is reported)


@pytest.mark.parametrize(
    "text",
    [
        "وقتل في معركة تحرير المطار أكثر من 250 مسلحا من الميليشيات.",
        "ويستمر الجيش والمقاومة في التقدم لليوم الثاني من إطلاق عملية تحرير المدينة.",
        "ونشر المركز الإعلامي للجيش فيديو لجانب من معارك تحرير سلسلة الجبال في المديرية.",
    ],
)
def test_an_operation_named_by_its_aim_is_a_battle(text: str) -> None:
    assert subs(text) == ["armed_clash"]


def test_a_capture_after_a_battle_stays_a_capture() -> None:
    text = "واستعادت القوات الحكومية السيطرة على المطار بعد معارك عنيفة مع المسلحين."
    assert "government_regains_territory" in subs(text)


def test_the_commander_of_an_operation_is_a_title() -> None:
    text = (
        "وأكد العميد قائد اللواء الخامس وقائد عملية تحرير المدينة، أن المسلحين الذين سلموا أنفسهم "
        "أثناء المواجهات سيعاملون وفق القانون."
    )
    assert subs(text) == []


# --- a named attack cited by name alone, with no word of the act, is that attack (the gold sets'
# background-event reading: «the Skripal poisoning … gets one»)


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        ("وتفاقمت أزمة تسمم سكريبال وابنته منذرة بمواجهة دبلوماسية غير مسبوقة.", "attack"),
        ("أدى أمير المنطقة صلاة الميت على الشهداء الذين سقطوا في مسجد قوات الطوارئ الخاصة.", "suicide_bomb"),
    ],
)
def test_a_named_attack_cited_by_name_is_an_event(text: str, sub: str) -> None:
    assert subs(text) == [sub]


def test_a_named_attack_in_a_question_is_no_event() -> None:
    assert subs("هل كانت موسكو وراء تسميم سكريبال؟") == []


def test_a_named_attack_with_no_place_named_is_in_its_own_country() -> None:
    (event,) = events("وتفاقمت أزمة تسمم سكريبال وابنته منذرة بمواجهة دبلوماسية غير مسبوقة.")
    assert event["location"]["country_code"] == "GB"


# --- a stray bullet («طلقة طائشة», «رصاص طائش») is an accident of celebratory or careless fire, not
# violence aimed at anyone (cues.json accident_words), unless fighting is reported beside it


@pytest.mark.parametrize(
    "text",
    [
        "أصيبت امرأة حامل بطلقة نارية طائشة في الكتف خلال وجودها في فناء منزلها.",
        "وتحقق الشرطة في طلقة طائشة اخترقت جدار منزل للعمال في المحافظة.",
    ],
)
def test_a_stray_bullet_is_no_attack(text: str) -> None:
    assert subs(text) == []


def test_a_stray_bullet_in_fighting_keeps_the_fighting() -> None:
    text = "قتل طفل برصاصة طائشة خلال اشتباكات عنيفة بين قوات الأمن ومسلحين في المدينة."
    assert "armed_clash" in subs(text)


# --- «كيمياوي» and «كيمائي» are the same word as «كيماوي/كيميائي» (spellings some outlets use)


@pytest.mark.parametrize(
    "text",
    [
        "وخلص التقرير إلى أن قوات النظام نفذت الهجوم الكيمياوي على المدينة.",
        "وقتل العشرات في هجوم كيمائي على البلدة المحاصرة.",
    ],
)
def test_other_spellings_of_chemical_are_a_chemical_attack(text: str) -> None:
    assert subs(text) == ["chemical_weapon"]


def test_the_nerve_agent_of_a_named_poisoning_is_that_attack() -> None:
    text = "وتفاقمت أزمة تسمم سكريبال وابنته اللذين تعرضا لهجوم بغاز سام في إحدى مدن جنوب إنكلترا."
    assert subs(text) == ["attack"]


def test_a_named_attack_condemned_elsewhere_is_in_its_own_country() -> None:
    text = "وأعرب الأزهر في القاهرة عن استنكاره الشديد للهجوم الإرهابي الذي استهدف مسجد قوات الطوارئ."
    (event,) = events(text)
    assert event["location"]["country_code"] == "SA"
