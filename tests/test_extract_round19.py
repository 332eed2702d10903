"""Round-19 causes (sentences written for these tests): Turkey's provinces and the towns of its
PKK conflict that GeoNames names in no Arabic are places (the 2015 attacks on Turkish soldiers were
placed in Iraq or Syria, or nowhere); «أريحا» in a Syrian article is Ariha, not Jericho; the venue of
a summit or talks («قمة طهران») is not where the sentence's events happened."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_extract import item
from workers.extract.core import extract


def lead(events: list[dict[str, Any]]) -> dict[str, Any]:
    found = [e for e in events if e.get("lead")]
    assert len(found) == 1, [(e["sub_event_type"], e.get("lead")) for e in events]
    return found[0]


# --- Turkey: provinces and the towns of the PKK conflict


@pytest.mark.parametrize(
    ("text", "name", "admin1", "precision"),
    [
        ("قتل جنديان تركيان في انفجار لغم أرضي في ولاية شرناق جنوب شرقي البلاد.", "Şırnak", "Şırnak", "admin1"),
        ("قتل جنديان تركيان في انفجار لغم أرضي في إقليم سيرناك على الحدود.", "Şırnak", "Şırnak", "admin1"),
        ("قتل ثلاثة من عناصر حزب العمال الكردستاني في اشتباكات مع الجيش في بلدة سيلوبي.", "Silopi", "Şırnak", "place"),
        ("أسفر التفجير الانتحاري في بلدة سروج عن مقتل 32 شخصا.", "Suruç", "Şanlıurfa", "place"),
        ("قتل جنديان في هجوم بجرار مفخخ على مركز للدرك في منطقة دوجو بايزيد.", "Doğubayazıt", "Ağrı", "place"),
        ("قتل شرطيان برصاص مسلحين في بلدة تشينار بولاية ديار بكر.", "Çınar", "Diyarbakır", "place"),
    ],
)
def test_turkish_provinces_and_towns_are_places(text: str, name: str, admin1: str, precision: str) -> None:
    loc = lead(extract(item(text)))["location"]
    assert (loc["name"], loc["country_code"], loc.get("admin1"), loc["precision"]) == (name, "TR", admin1, precision)


def test_a_word_that_shares_a_provinces_name_needs_an_area_word() -> None:
    # «موش» is also a colloquial «not»: only «ولاية موش» is the province
    loc = lead(extract(item("قتل جندي تركي في هجوم على مخفر في ولاية موش.")))["location"]
    assert (loc["name"], loc["country_code"], loc["precision"]) == ("Muş", "TR", "admin1")
    # «وان» is also «وأن» without its hamza, after «المنطقة» too: Van is no province here
    events = extract(item("قال الجيش إنه يحمي المنطقة وان الهجوم أسفر عن مقتل جندي في محافظة ماردين."))
    assert lead(events)["location"]["name"] == "Mardin"


# --- «أريحا»: Ariha in Idlib or Jericho in the West Bank, by the article's country


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("قتل 31 شخصا في قصف على سوق في مدينة أريحا بمحافظة إدلب.", "Ariha", "SY"),
        ("قتل 31 شخصا في قصف على سوق في مدينة أريحا شمال غربي سوريا.", "Ariha", "SY"),
        ("أصيب ثلاثة فلسطينيين برصاص الجيش الإسرائيلي في مدينة أريحا بالضفة الغربية.", "Jericho", "PS"),
    ],
)
def test_ariha_or_jericho_by_the_articles_country(text: str, name: str, country: str) -> None:
    loc = lead(extract(item(text)))["location"]
    assert (loc["name"], loc["country_code"]) == (name, country)


def test_a_province_names_its_country_for_an_ambiguous_town() -> None:
    # «محافظة إدلب» is read as the province and as the city, both in Syria: it names Syria
    events = extract(item("قتل خمسة مدنيين في غارة على مدينة أريحا. وتقع المدينة في محافظة إدلب."))
    assert lead(events)["location"]["country_code"] == "SY"


# --- the venue of a meeting


def test_a_summits_venue_is_not_where_the_strikes_fell() -> None:
    text = (
        "شنت طائرات روسية غارات جوية على مقرات لفصائل معارضة في محافظة إدلب، مما أسفر عن قتيلين، "
        "قبل ساعات من قمة حاسمة في طهران لبحث مصير المنطقة."
    )
    loc = lead(extract(item(text, title='روسيا تقصف إدلب قبل "قمة طهران"')))["location"]
    assert loc["country_code"] == "SY"
    assert "Idlib" in loc["name"]


def test_a_headline_summit_gives_the_article_no_place() -> None:
    text = "قتل أربعة مدنيين في قصف جوي، بحسب الدفاع المدني."
    loc = lead(extract(item(text, title="بعد يوم من قمة طهران.. قصف على إدلب")))["location"]
    assert loc["country_code"] == "SY"


def test_a_press_conferences_city_is_not_the_events_place() -> None:
    text = "قال المتحدث في مؤتمر صحفي في دمشق إن القوات قصفت مواقع المسلحين في بلدة كفرنبودة."
    loc = lead(extract(item(text)))["location"]
    assert loc["name"] != "Damascus"


def test_a_meeting_that_was_hit_keeps_its_place() -> None:
    loc = lead(extract(item("قتل 20 شخصا في هجوم انتحاري استهدف اجتماعا لعلماء الدين في كابل.")))["location"]
    assert loc["name"] == "Kabul"


# --- «في أعقاب»: an earlier event, and its place is its own


def test_in_the_wake_of_names_an_earlier_event() -> None:
    events = extract(item("اعتقلت الشرطة عشرة أشخاص في أعقاب هجوم انتحاري على مسجد في المدينة."))
    assert lead(events)["sub_event_type"] == "arrests"
    earlier = [e for e in events if e["sub_event_type"] == "suicide_bomb"]
    assert [e.get("lead") for e in earlier] == [False]


def test_a_place_after_an_earlier_event_marker_is_that_events() -> None:
    text = (
        "قتل جنديان في هجوم نفذه مسلحون من حزب العمال الكردستاني في الوقت الذي يتصاعد فيه العنف في "
        "أعقاب حملة القصف التركية على معسكرات الحزب في شمال العراق."
    )
    loc = lead(extract(item(text, title="مقتل جنديين في هجوم شرقي تركيا")))["location"]
    assert loc["country_code"] == "TR"


# --- militants the report does not name are ACLED's unidentified armed group


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("قتل متشددون ثلاثة جنود في هجوم على نقطة تفتيش في مالي.", "Mali"),
        ("هاجمت العناصر الإرهابية كمينا للشرطة في مدينة العريش.", "Egypt"),
        ("هاجمت الجماعات الإرهابية معسكرا للجيش الليبي في درنة.", "Libya"),
    ],
)
def test_unnamed_militants_are_an_unidentified_armed_group(text: str, country: str) -> None:
    names = [a["name"] for a in lead(extract(item(text)))["actors"]]
    assert f"Unidentified Armed Group ({country})" in names


def test_the_ultra_orthodox_and_football_strikers_are_no_armed_group() -> None:
    text = "اشتبكت الشرطة الإسرائيلية مع يهود متشددين أقاموا اعتصاما في مفترق طريق بالقدس."
    event = lead(extract(item(text)))
    assert event["sub_event_type"] == "violent_demonstration"
    assert not any(a["name"].startswith("Unidentified") for a in event["actors"])
    assert extract(item("وبعد رحيل المهاجمين عن الفريق يجد المدرب نفسه أمام معركة صعبة في الدوري.")) == []


# --- a country that shares its capital's name


@pytest.mark.parametrize(
    ("text", "title", "name"),
    [
        ("فككت قوات الأمن خلية إرهابية في تونس.", "", "Tunisia"),
        ("قتل تسعة جنود في كمين نصبه مسلحون في الجزائر.", "", "Algeria"),
        ("قالت وزارة الداخلية إنها فككت خلية إرهابية.", "تونس تعلن تفكيك خلية إرهابية", "Tunisia"),
        ("فككت قوات الأمن خلية إرهابية في تونس العاصمة.", "", "Tunis"),
        ("انفجرت سيارة مفخخة وسط مدينة الجزائر وقتل ثلاثة أشخاص.", "", "Algiers"),
    ],
)
def test_a_country_named_like_its_capital_is_the_country_unless_the_city_is_said(
    text: str, title: str, name: str
) -> None:
    assert lead(extract(item(text, title=title)))["location"]["name"] == name


# --- where a source sits is not where it happened


@pytest.mark.parametrize(
    "text",
    [
        "قتل تسعة مسلحين في اشتباكات في منطقة صحراوية من محافظة السويداء، بحسب المرصد الذي يتخذ من لندن مقرا له.",
        "قتل 12 مدنيا في غارات على ريف إدلب، وفق المرصد ومقره في لندن.",
        "قتل 12 مدنيا في غارات على ريف إدلب، بحسب المرصد السوري لحقوق الإنسان ومقره بريطانيا.",
    ],
)
def test_an_organisations_seat_is_no_place_of_the_event(text: str) -> None:
    assert lead(extract(item(text)))["location"]["country_code"] == "SY"


def test_a_seat_that_was_stormed_is_where_it_happened() -> None:
    text = "قتل حارس بعد اقتحام مقرها في صنعاء من قبل مسلحين."
    assert lead(extract(item(text)))["location"]["name"] == "Sanaa"
