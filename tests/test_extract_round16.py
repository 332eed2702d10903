"""Round-16 causes (sentences written for these tests): a generic attack word whose victims the
sentence counts as civilians, …, casualty figures («ذهب ضحيته», «وأصيب آخر», roles, people-only
cues, «عدد (3)»), violence in the family, «التنظيم», continued advances and a group's backer."""

from __future__ import annotations

import pytest

from tests.test_extract import item
from tests.test_extract_causes import events, subs
from workers.extract.core import extract
from workers.extract.evaluate import legacy_2018_id
from workers.extract.morph import keys_of, term_key
from workers.extract.text import fold


def lowest(text: str, kind: str) -> list[int | None]:
    """Each extracted event's lowest figure of one casualty kind (None where it has none)."""
    figures = [e["casualties"][kind] for e in extract(item(text))]
    return [f["min"] if f else None for f in figures]


# --- a generic attack word («هجوم», «هجمات») whose dead or wounded the sentence counts as civilians
# or people, with no state force named, is an attack on civilians (ACLED), not a battle


@pytest.mark.parametrize(
    "text",
    [
        "أسفر هجوم شنه مسلحون مساء الأحد عن مقتل سبعة أشخاص في بلدة شمالي البلاد.",
        "قتل خمسة مدنيين وأصيب عشرة آخرون في هجمات نفذها متشددون في ولاية بورنو.",
        "لقي 14 شخصا حتفهم في هجوم لجماعة مسلحة على منطقة زراعية.",
    ],
)
def test_a_generic_attack_on_people_is_an_attack(text: str) -> None:
    assert subs(text) == ["attack"]


@pytest.mark.parametrize(
    "text",
    [
        "أسفر هجوم شنه مسلحون مساء الأحد عن مقتل سبعة جنود في بلدة شمالي البلاد.",
        "قتل 9 أشخاص بينهم 3 من رجال الشرطة في هجوم لمسلحين على نقطة تفتيش.",
        "شن الجيش هجوما على معاقل المتمردين أسفر عن مقتل 30 شخصا.",
    ],
)
def test_an_attack_with_soldiers_or_forces_stays_a_battle(text: str) -> None:
    assert subs(text) == ["armed_clash"]


def test_a_headline_attack_leads_with_the_attack_on_people() -> None:
    """The headline's generic «هجوم» has no victims to type it by: it names the body's attack on
    people, not a later sentence's clash."""
    body = (
        "قتل 18 شخصا على الأقل في هجوم تبنته حركة مسلحة في ولاية شمالية. "
        "وأكدت وزارة الداخلية أن جميع القتلى في الهجوم الذي وقع مساء الجمعة من عناصر الشرطة المحلية."
    )
    out = extract(item(body, title="هجوم دام في شمال البلاد"))
    (lead,) = [e for e in out if e["lead"]]
    assert lead["sub_event_type"] == "attack"
    assert lead["casualties"]["killed"]["min"] == 18


@pytest.mark.parametrize(("plural", "singular"), [("المدنيين", "مدني"), ("عسكريين", "عسكري")])
def test_a_nisba_plural_meets_its_singular(plural: str, singular: str) -> None:
    """«مدنيين» reduces to «مدن» (its whole ending off); it also keys as «مدني», as «مدنيون» does."""
    assert term_key(singular) in keys_of(fold(plural))


# --- an air force or fighter jets as the subject after a strike verb («قصفت مقاتلات تركية»,
# «قصف سلاح الجو»), and «أغار» (a raid), are air strikes, not shelling


@pytest.mark.parametrize(
    "text",
    [
        "قصفت مقاتلات تركية مواقع لتنظيم داعش داخل سوريا.",
        "قصف سلاح الجو السوري مناطق في الزبداني.",
        "وقال المصدر إن سلاح الجو السوري قصف مناطق في الزبداني.",
        "استهدفت مقاتلات التحالف تجمعات للمسلحين.",
        "وقال الجيش إن طائراته أغارت على 18 موقعا للفصائل.",
        "أغارت الطائرات الإسرائيلية على موقعين لحركة حماس في قطاع غزة.",
    ],
)
def test_jets_and_an_air_force_strike_from_the_air(text: str) -> None:
    assert subs(text) == ["air_drone_strike"]


def test_artillery_stays_shelling() -> None:
    assert subs("قصف الجيش مواقع المسلحين بالمدفعية.") == ["shelling_artillery_missile_attack"]


@pytest.mark.parametrize(
    ("text", "sub_types"),
    [
        ("وقال التنظيم إن التفجيرين استهدفا مقاتلين في فصائل مسلحة.", ["remote_explosive_landmine_ied"]),
        ("أغارت الجماعة المسلحة على القرية وأحرقت المنازل.", ["looting_property_destruction"]),
        ("كنت أغار من زملائي في المدرسة.", []),
    ],
)
def test_fighters_targeted_and_a_raid_on_the_ground_are_no_air_strike(text: str, sub_types: list[str]) -> None:
    assert subs(text) == sub_types


# --- people killed «خلال/في/أثناء» a protest: lethal force on a demonstration (ACLED: excessive
# force against protesters), not a peaceful protest; a protest against a killing stays a protest


@pytest.mark.parametrize(
    "text",
    [
        "قتل 61 فلسطينيا على الأقل خلال تظاهرات شارك فيها عشرات الآلاف على حدود غزة.",
        "وقتلت قوات الأمن 12 شخصا في الاحتجاجات التي شهدتها العاصمة.",
        "لقي ثلاثة أشخاص حتفهم أثناء مظاهرة في وسط المدينة.",
    ],
)
def test_people_killed_during_a_protest_is_excessive_force(text: str) -> None:
    assert subs(text) == ["excessive_force_against_protesters"]


def test_a_protest_against_a_killing_stays_a_protest() -> None:
    assert "peaceful_protest" in subs("خرج الآلاف في مظاهرات احتجاجا على مقتل 3 شبان برصاص الشرطة.")


def test_the_protest_a_killing_retypes_is_one_event() -> None:
    text = "وتراجعت حدة التظاهرات عند الحدود بعد أن قتل 61 فلسطينيا خلال تظاهرات حاشدة في مايو."
    assert subs(text) == ["excessive_force_against_protesters"]


# --- the opposition's factions («فصائل المعارضة», «الفصائل المسلحة») are "Opposition Rebels
# (Syria)", as the held-out sets name them; the Free Syrian Army is the group named as such


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("اشتبكت فصائل المعارضة مع قوات النظام في ريف درعا.", "Opposition Rebels (Syria)"),
        ("اشتبك الجيش السوري الحر مع قوات النظام في ريف حلب.", "Free Syrian Army"),
    ],
)
def test_the_opposition_factions_are_not_the_free_syrian_army(text: str, actor: str) -> None:
    (event,) = events(text)
    assert actor in {a["name"] for a in event["actors"]}


def test_the_2018_set_reads_the_factions_as_its_fsa() -> None:
    assert legacy_2018_id("SYR-OPP") == "FSA"


# --- a day between a killed cue and the person it counts («قتل الثلاثاء الصحافي»): still one killed


def test_a_day_between_the_cue_and_the_person_killed() -> None:
    (event,) = events("قتل الثلاثاء الصحافي الروسي البارز في العاصمة الأوكرانية كييف.")
    assert event["sub_event_type"] == "attack"
    assert event["casualties"]["killed"]["min"] == 1


# --- forces that advanced («تقدمت قوات الجيش والمقاومة على المحور الثاني») fought their way: an armed
# clash (ACLED); the advance as a noun («لوقف تقدم الحوثيين», «مع تقدم القوات») is no event of its own


@pytest.mark.parametrize(
    "text",
    [
        "وتقدمت قوات الجيش والمقاومة على المحور الغربي لمدينة تعز.",
        "وتقدمت المقاومة الشعبية صوب منطقتين شمال المدينة.",
    ],
)
def test_forces_that_advanced_clashed(text: str) -> None:
    assert subs(text) == ["armed_clash"]


@pytest.mark.parametrize(
    "text",
    [
        "وزرع المتمردون الألغام لإعاقة تقدم القوات نحو المدينة.",
        "تقدم الفريق إلى الدور نصف النهائي بعد فوزه على منافسه.",
    ],
)
def test_an_advance_named_as_a_noun_is_no_event(text: str) -> None:
    assert "armed_clash" not in subs(text)


# --- a shooting or killing of soldiers or police (their dead counted as such, or the fire aimed «على»
# a force) is a battle with the security forces (ACLED armed clash), not an attack on civilians


@pytest.mark.parametrize(
    "text",
    [
        "قتل جنديان برصاص قناص في ريف درعا.",
        "أطلق مسلحون النار على عناصر من الشرطة عند نقطة تفتيش جنوب المدينة.",
        "أطلق مسلحون النار على دورية للجيش قرب الحدود.",
    ],
)
def test_shooting_soldiers_or_police_is_a_clash(text: str) -> None:
    assert subs(text) == ["armed_clash"]


@pytest.mark.parametrize(
    "text",
    [
        "أطلق مسلحون مجهولون النار على مدنيين في سوق المدينة.",
        "أطلق جندي النار على شاب فلسطيني عند الحاجز فأرداه قتيلا.",
        "أصيب شابان برصاص قوات الاحتلال التي اقتحمت المخيم فجرا.",  # the force after «برصاص» fired
    ],
)
def test_shooting_civilians_stays_an_attack(text: str) -> None:
    assert subs(text) == ["attack"]


# --- arrests for harassment, drunkenness or a traffic dispute are ordinary crime (cues.json
# criminal_words), no political event


@pytest.mark.parametrize(
    "text",
    [
        "وأعلنت الشرطة القبض على ثلاثة شبان متهمين بالتحرش بفتاة في أحد المتنزهات.",
        "ألقت الشرطة القبض على سائق كان يقود سيارته وهو في حالة سكر.",
        "ألقت الشرطة القبض على رجل لاتهامه بضرب سائق إثر خلاف مروري.",
    ],
)
def test_ordinary_crime_arrests_are_no_event(text: str) -> None:
    assert subs(text) == []


# --- a speaker who launched an attack («شن خطيب جمعة طهران، الجمعة، هجوما على») spoke: no event


@pytest.mark.parametrize(
    "text",
    [
        "شن خطيب الجمعة في طهران، أمس، هجوما على الجماعات المسلحة في المنطقة.",
        "شن الكاتب الصحفي هجوما على الميليشيات الحوثية في مقاله.",
    ],
)
def test_a_speakers_attack_is_words(text: str) -> None:
    assert subs(text) == []


def test_a_speaker_reporting_an_attack_keeps_it() -> None:
    assert subs("وقال المتحدث باسم الشرطة إن الهجوم على نقطة التفتيش أسفر عن مقتل ثلاثة جنود.") != []


# --- «قام بتفجير نفسه», «أقدم على تفجير نفسه», «قبل أن يفجر نفسه» narrate a suicide bombing; the
# bare verbal noun in commentary («تفجير نفسه هو الحل») or a change of mind («عدل عن») does not


@pytest.mark.parametrize(
    "text",
    [
        "قام انتحاري بتفجير نفسه وسط المصلين في مسجد بمدينة القطيف.",
        "أقدم رجل على تفجير نفسه أمام مبنى السفارة مساء الأربعاء.",
        "قتل مسلح حارسين في نقطة تفتيش قبل أن يفجر نفسه في المكان.",
    ],
)
def test_narrated_blowing_oneself_up_is_a_suicide_bomb(text: str) -> None:
    assert "suicide_bomb" in subs(text)
    assert "remote_explosive_landmine_ied" not in subs(text)


@pytest.mark.parametrize(
    "text",
    [
        "ويرى الكاتب أن تفجير نفسه هو الحل القصير للوصول إلى الجنة في نظر المتطرف.",
        "وقال المتهم للمحققين إنه عدل عن تفجير نفسه في اللحظة الأخيرة.",
    ],
)
def test_blowing_oneself_up_in_commentary_is_no_suicide_bomb(text: str) -> None:
    assert "suicide_bomb" not in subs(text)


# --- a bare «هجوم» in a sentence naming no armed party (no armed actor, no force noun, no combatant
# dead) is an attack on civilians; naming forces keeps it a clash


@pytest.mark.parametrize(
    "text",
    [
        "وقال شهود إن منفذي الهجوم لاذوا بالفرار على دراجة نارية.",
        "ونقل الجرحى إلى المستشفى بعد الهجوم الذي استمر دقائق.",
    ],
)
def test_a_bare_attack_with_no_armed_party_is_an_attack(text: str) -> None:
    assert subs(text) == ["attack"]


@pytest.mark.parametrize(
    "text",
    [
        "وشنت قوات مشتركة هجوما كبيرا على البلدة أمس.",
        "وقتل ثلاثة جنود في هجوم على البلدة أمس.",
    ],
)
def test_a_bare_attack_with_forces_stays_a_clash(text: str) -> None:
    assert subs(text) == ["armed_clash"]


# --- «ذهب ضحيته/ضحيتها» before a number counts the dead, as «راح ضحيته» does


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        ("وشهدت السوق تفجيرا ذهب ضحيته 12 شخصا مساء الخميس.", 12),
        ("ونفذ مسلحون مجزرة في القرية ذهب ضحيتها سبعة مدنيين.", 7),
    ],
)
def test_gone_as_its_victims_counts_the_dead(text: str, killed: int) -> None:
    assert lowest(text, "killed") == [killed]


# --- «وأصيب آخر» counts one more, «آخران» two; «وإصابة آخرين» is others, no figure


@pytest.mark.parametrize(
    ("text", "wounded"),
    [
        ("قتل رجل وأصيب آخر بجروح في قصف مدفعي على القرية.", 1),
        ("قتل جندي وأصيب آخران في انفجار عبوة ناسفة على الطريق.", 2),
        ("قتل جندي وإصابة آخرين في انفجار عبوة ناسفة على الطريق.", None),
    ],
)
def test_another_wounded_counts_one(text: str, wounded: int | None) -> None:
    assert lowest(text, "wounded") == [wounded]


# --- commanders, leaders, drivers, students, farmers and guards killed count one
# (cues.json casualty_nouns, mined by scripts/mine_casualty_nouns.py)


@pytest.mark.parametrize(
    "text",
    [
        "وأعلنت مصادر عسكرية مقتل قائد ميداني في الجماعة بغارة جوية على مواقعها.",
        "قتل مزارع برصاص الجنود شرق المدينة صباح اليوم.",
        "وأسفر الانفجار عن مقتل سائق الحافلة في وسط البلدة.",
    ],
)
def test_a_named_role_killed_counts_one(text: str) -> None:
    assert lowest(text, "killed") == [1]


# --- «القضاء على», «تصفية» count the dead only before a number or a noun of people
# (cues.json casualties.killed.before_people)


@pytest.mark.parametrize(
    ("text", "killed"),
    [
        ("وأعلن الجيش القضاء على 25 إرهابيا في عمليات بشمال البلاد.", 25),
        ("وقالت القيادة إنه تمت تصفية سبعة مسلحين خلال الاشتباك.", 7),
    ],
)
def test_eliminated_people_are_killed(text: str, killed: int) -> None:
    assert lowest(text, "killed") == [killed]


@pytest.mark.parametrize(
    "text",
    [
        "وتعمل الحكومة على القضاء على ظاهرة التسول في المدن الكبرى.",
        "وقال إن الفريق يسعى إلى تصفية الحسابات مع منافسه في المباراة المقبلة.",
    ],
)
def test_eliminating_things_is_no_casualty_cue(text: str) -> None:
    assert extract(item(text)) == []


def test_a_number_of_things_eliminated_counts_no_dead() -> None:
    events = extract(item("وقال الجيش إن طائراته قصفت البلدة وتم القضاء على ثلاثة مخازن للسلاح."))
    assert events
    assert all(e["casualties"]["killed"] is None for e in events)


# --- «عدد (3)»: the figure after «عدد» is the count, «عدد» only its label


def test_a_figure_labelled_number_of_is_the_count() -> None:
    assert lowest("وقال البيان إنه استشهد عدد (3) جنود وأصيب ضابط في الهجوم.", "killed") == [3]


# --- a killing or shooting that falls on the doer's own family is ordinary crime (cues.json
# family_victim_words); a relative named beside the victim of a political attack is not


@pytest.mark.parametrize(
    "text",
    [
        "أقدم رجل على قتل زوجته بسكين داخل منزلهما في المدينة.",
        "وأطلق شاب النار على شقيقه إثر مشادة بينهما مساء أمس.",
    ],
)
def test_violence_on_ones_own_family_is_no_event(text: str) -> None:
    assert extract(item(text)) == []


def test_a_relative_beside_the_victim_keeps_the_attack() -> None:
    assert subs("وأطلق مسلحون النار على الصحفي وابنته أمام منزلهما في المدينة أمس.") == ["attack"]


# --- a bare «التنظيم» names the one organisation the article has named (workers/extract/anaphora.py)

_SECOND = " وقال التنظيم في بيان إن عناصره قتلوا 12 جنديا في هجوم على ثكنة قرب الموصل أمس."


def _actors_of_the_clash(text: str) -> list[str]:
    return [a["name"] for e in extract(item(text)) if e["sub_event_type"] == "armed_clash" for a in e["actors"]]


def test_the_organisation_is_the_one_the_article_named() -> None:
    assert "Islamic State" in _actors_of_the_clash("أعلن تنظيم داعش مسؤوليته عن تفجير في بغداد." + _SECOND)


def test_the_organisation_stays_unresolved_after_two_were_named() -> None:
    names = _actors_of_the_clash("تبادل تنظيم داعش وتنظيم القاعدة الاتهامات بشأن التفجير." + _SECOND)
    assert "Islamic State" not in names and "Al Qaeda" not in names


def test_the_organisation_stays_unresolved_when_none_was_named() -> None:
    assert _actors_of_the_clash("شهدت المدينة توترا أمنيا منذ أيام." + _SECOND) == []


# --- forces that «واصلت ... تقدمها/زحفها» keep fighting their way forward: an armed clash; the same
# words without a conflict word are progress of another kind


@pytest.mark.parametrize(
    ("text", "sub_types"),
    [
        ("وتواصل قوات الجيش تقدمها نحو مركز المديرية وسط مواجهات عنيفة.", ["armed_clash"]),
        ("وواصل المسلحون زحفهم باتجاه البلدة من الجهة الشرقية.", ["armed_clash"]),
        ("وواصل الفريق تقدمه في جدول الترتيب بعد فوزه على ضيفه.", []),
        ("وتواصل الشركة تقدمها في الأسواق الآسيوية هذا العام.", []),
    ],
)
def test_forces_that_keep_advancing_are_fighting(text: str, sub_types: list[str]) -> None:
    assert subs(text) == sub_types


# --- a group's backer («المدعومة من إيران», «المدعومة إيرانيا», «الموالية لإيران») is neither where the
# event happened nor its people (cues.json backing_words)


@pytest.mark.parametrize(
    "text",
    [
        "قصفت ميليشيات الحوثي المدعومة من إيران حي الروضة في تعز أمس.",
        "قصفت ميليشيات الحوثي الموالية لإيران حي الروضة في تعز أمس.",
        "قصفت ميليشيات الحوثي المدعومة إيرانيا حي الروضة في تعز أمس.",
    ],
)
def test_a_groups_backer_is_no_place_or_victim(text: str) -> None:
    (event,) = extract(item(text))
    assert event["location"]["country_code"] == "YE"
    assert all("Iran" not in a["name"] for a in event["actors"])


def test_a_backed_group_fighting_elsewhere_keeps_its_front() -> None:
    (event,) = extract(item("وتواصل قوات الجيش تقدمها في صفوف مليشيات الحوثي المدعومة من إيران."))
    assert event["location"]["country_code"] == "YE"
