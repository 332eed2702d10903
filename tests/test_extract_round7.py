"""Round-7 causes (sentences written for these tests): an abduction word whose object is people."""

from __future__ import annotations

import pytest

from tests.test_extract_causes import events, subs
from workers.extract.gazetteer import place_index
from workers.extract.lexicon import actor_index
from workers.extract.text import tokenize

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


# --- a span of time is no casualty figure


@pytest.mark.parametrize("unit", ["ساعة", "ساعات", "أيام", "يوما", "أسابيع"])
def test_a_span_of_time_counts_no_people(unit: str) -> None:
    [event] = events(f"في غضون 24 {unit}، قتل رصاص الجيش الإسرائيلي شابا في الضفة الغربية.")
    assert (event["casualties"]["killed"] or {}).get("min") != 24


def test_a_figure_before_a_span_of_time_still_counts() -> None:
    [event] = events("قتل 5 أشخاص خلال 48 ساعة في قصف على حلب.")
    assert event["casualties"]["killed"]["min"] == 5


# --- «X شمال Y» where Y is a region


def test_a_known_town_in_the_region_it_is_placed_by_stays_that_town() -> None:
    """The centre of the West Bank is 63 km from Jenin: a distance to a region's centre says nothing."""
    [event] = events("قتل شاب فلسطيني برصاص الجيش الإسرائيلي في مدينة جنين شمال الضفة الغربية.")
    assert event["location"]["id"] == "geonames:283506"  # Jenin
    assert event["location"]["geo_precision"] == 1


def test_a_known_town_of_another_region_is_not_the_one_meant() -> None:
    """The gazetteer's «الحميدية» is not in Idlib: the village is a new place near Idlib."""
    [event] = events("قتل 3 مدنيين في قصف على قرية الحميدية جنوب إدلب.")
    assert event["location"]["id"].startswith("near:")
    assert event["location"]["country_code"] == "SY"


# --- «ك» (like) is no proclitic before a place name


@pytest.mark.parametrize(
    "text",
    [
        "نفذ الجيش الأميركي ضربة جوية استهدفت قائدا كبيرا للمتطرفين في إقليم كونار.",
        "وأحرز الجيش اليمني تقدما كبيرا في معارك مع الحوثيين.",
    ],
)
def test_big_is_not_like_beira(text: str) -> None:
    """«كبيراً» read as «ك» + «بيرا» placed strikes in Afghanistan and battles in Yemen in Mozambique."""
    assert all((e["location"] or {}).get("country_code") != "MZ" for e in events(text))


# --- words of their own are no proclitic + place (places.json stop_surfaces)


@pytest.mark.parametrize(
    ("word", "not_read_as"),
    [("كبيرا", "Beira"), ("الفرقة", "Raqqa"), ("ورقة", "Raqqa"), ("الصور", "Tyre"), ("بلاد", "Lod"),
     ("فرانس", "Reims"), ("وكيل", "Kiel"), ("لحصار", "Hisar"), ("القرى", "Al-Qra"),
     # a place's own name that is mostly a word or a person (places.json stop_names)
     ("لأول", "Laval"), ("بولتون", "Bolton"), ("ليل", "Lille"), ("حصار", "Hisar"), ("بندر", "Bender")],
)
def test_a_word_of_its_own_is_no_place(word: str, not_read_as: str) -> None:
    assert place_index().find(tokenize(word)) == [], not_read_as


@pytest.mark.parametrize(
    ("text", "place"),
    [("في صور", "Tyre"), ("الرقة", "Ar Raqqah"), ("وحلب", "Aleppo"), ("بالقاهرة", "Cairo")],
)
def test_the_places_those_words_were_read_as_are_still_found(text: str, place: str) -> None:
    [match] = place_index().find(tokenize(text))
    assert match.entry[0].name == place


# --- actors: a country's name is not one of its people; words of their own are no actor


@pytest.mark.parametrize("word", ["جيبوتي", "مالي", "تشيلي", "زيمبابوي", "الحماس", "بمجرى"])
def test_a_word_that_is_no_actor(word: str) -> None:
    """A country named like its nisba («جيبوتي») is the country, not a civilian of it; «الحماس» is
    enthusiasm, not Hamas; «مجرى» a course, not a Hungarian."""
    assert actor_index().find(tokenize(word)) == []


def test_the_people_of_those_countries_and_hamas_are_still_actors() -> None:
    assert [m.entry.id for m in actor_index().find(tokenize("جيبوتيين"))] == ["CIV-DJ"]
    assert [m.entry.id for m in actor_index().find(tokenize("وحماس"))] == ["HAMAS"]


# --- words a trigger's morphology reads as it, that are other words (triggers.json not_forms)


@pytest.mark.parametrize(
    "text",
    [
        "وقال إن الغواصين احتاجوا إلى ساعات طويلة للوصول إلى الأطفال في حلب.",  # needed, not protested
        "واعتاد تنظيم داعش بيع النفط عبر وسطاء في العراق.",  # used to, not attacked
        "وشرب المسلحون من المياه العذبة في بلدة قرب حلب.",  # fresh water, not torture
        "لعبوا دورا في معارك حلب.",  # they played (a role), not a bomb
    ],
)
def test_a_word_that_only_looks_like_a_trigger(text: str) -> None:
    assert not {"peaceful_protest", "attack", "remote_explosive_landmine_ied"} & set(subs(text))


# --- a trigger word inside a name, a title or another compound (triggers.json not_after/not_before)


@pytest.mark.parametrize(
    "text",
    [
        "وقال رئيس تحرير الصحيفة إن المسلحين هاجموا القرية.",  # an editor
        "وتجمع المتظاهرون في ميدان التحرير بالقاهرة.",  # a square
        "وقالت منظمة التحرير الفلسطينية إن القوات الإسرائيلية قتلت شابا.",  # the PLO
        "تم تحرير محضر بالواقعة بعد مقتل شخص في مشاجرة.",  # a police report
    ],
)
def test_liberation_inside_a_name_or_a_compound_is_no_territory_change(text: str) -> None:
    assert "government_regains_territory" not in subs(text)


def test_liberating_a_town_still_is() -> None:
    assert subs("أعلن الجيش العراقي تحرير مدينة الرمادي من تنظيم داعش.") == ["government_regains_territory"]


# --- the speaker's name


def test_an_actor_that_speaks_is_the_whole_speaker_name() -> None:
    """«أعلن الجيش تحرير مدينة الرمادي»: the speaker's name (up to four words) had swallowed Ramadi."""
    [event] = events("أعلن الجيش تحرير مدينة الرمادي من تنظيم داعش.")
    assert event["location"]["name"] == "Ramadi"


# --- a verbal noun that morphology folds into a listed plural (triggers.json not_forms)


def test_strengthening_cooperation_is_no_reinforcement() -> None:
    """«تعزيز» (strengthening) had matched the term «تعزيزات» (military reinforcements)."""
    assert "change_to_group_activity" not in subs("وبحث الوزيران تعزيز التعاون العسكري بين البلدين.")


def test_military_reinforcements_still_are() -> None:
    assert "change_to_group_activity" in subs("وصلت تعزيزات عسكرية للجيش إلى حلب بعد المعارك.")


def test_a_grip_is_no_arrest() -> None:
    """«قبضة» (a grip: «من قبضة الحوثيين») is no «قبض على» (arrested), even with words between."""
    assert "arrests" not in subs("وتحررت المدينة من قبضة الحوثيين وحليفهم علي صالح.")
    assert subs("وقبضت الشرطة على ثلاثة مشتبهين.") == ["arrests"]


# --- ACLED: an attack on armed, organised forces is a battle


def test_shooting_at_the_police_is_an_armed_clash() -> None:
    [event] = events("وأطلق مسلحون النار على رجال الأمن في العوامية.")
    assert (event["event_type"], event["sub_event_type"]) == ("battles", "armed_clash")
    assert [a["slot"] for a in event["actors"]] == ["actor1", "actor2"]


def test_shooting_at_civilians_stays_an_attack() -> None:
    [event] = events("وأطلق مسلحون النار على مدنيين في العوامية.")
    assert (event["event_type"], event["sub_event_type"]) == ("violence_against_civilians", "attack")


def test_a_confrontation_between_armed_parties_is_a_clash_a_match_between_teams_is_not() -> None:
    """«مواجهة بين» with words after it had counted as «مواجهات مسلحة» with a word inserted; now a
    term of its own, needing a conflict word in the sentence like «مواجهات»."""
    assert subs("وقعت مواجهة بين الجيش ومسلحين في ريف درعا.") == ["armed_clash"]
    assert subs("وتقام غدا مواجهة بين الفريقين في الدوري.") == []
