"""Round-18 causes (sentences written for these tests): an event named after a word that makes it
earlier than the sentence's news («غداة», «ردا على», «على خلفية», suspected of) is that news's
background, never the article's lead, and people killed before that word are the news's own toll; a
weekday still to come («الأحد المقبل») is the next one."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.test_extract import item
from workers.contracts import encode
from workers.extract.core import extract
from workers.extract.dates import find_dates
from workers.extract.text import tokenize
from workers.process.handlers import LocalPipeline


def trigger_facts(event: dict[str, Any]) -> list[str]:
    return [e.get("factuality") for e in event["evidence"] if e["field"] == "trigger"]


def by_sub(events: list[dict[str, Any]], sub: str) -> dict[str, Any]:
    found = [e for e in events if e["sub_event_type"] == sub]
    assert len(found) == 1, [e["sub_event_type"] for e in events]
    return found[0]


# --- the event after the marker is background; the sentence's own news leads


@pytest.mark.parametrize(
    ("text", "news", "earlier"),
    [
        (
            "قصف الجيش مواقع المسلحين في البلدة غداة هجوم انتحاري على ثكنة عسكرية.",
            "shelling_artillery_missile_attack",
            "suicide_bomb",
        ),
        (
            "شنت الطائرات الإسرائيلية غارات على مواقع في القطاع ردا على إطلاق صواريخ من غزة.",
            "air_drone_strike",
            "shelling_artillery_missile_attack",
        ),
        (
            "اعتقلت الشرطة ثلاثة رجال مشتبه بتورطهم في تفجير عبوة ناسفة استهدف السوق.",
            "arrests",
            "remote_explosive_landmine_ied",
        ),
    ],
)
def test_an_event_after_an_earlier_event_marker_is_background(text: str, news: str, earlier: str) -> None:
    events = extract(item(text))
    assert set(trigger_facts(by_sub(events, earlier))) == {"background"}
    assert [e["sub_event_type"] for e in events if e["lead"]] == [news]


def test_against_the_background_of_names_no_news_of_its_own() -> None:
    # a diplomatic step «على خلفية» a poisoning: the poisoning is history; no violence leads
    events = extract(item("طردت الحكومة دبلوماسيين اثنين على خلفية اغتيال معارض في العاصمة."))
    assert events and all(set(trigger_facts(e)) == {"background"} and not e["lead"] for e in events)


def test_the_suspects_as_subject_report_their_act() -> None:
    # «المشتبه بهم خطفوا»: the suspects did it; no preposition makes the kidnapping what they are
    # suspected of, so it is this sentence's news
    events = extract(item("وقال المحققون إن المشتبه بهم خطفوا طفلة في الثامنة من عمرها من قريتها أمس."))
    abduction = by_sub(events, "abduction_forced_disappearance")
    assert trigger_facts(abduction) == ["asserted"] and abduction["lead"]


def test_after_is_no_marker_of_an_earlier_event() -> None:
    # «بعد انفجار»: the deaths and the blast are one event, reported as news
    events = extract(item("قتل ثلاثة أشخاص بعد انفجار عبوة ناسفة في سوق المدينة صباح اليوم."))
    ied = by_sub(events, "remote_explosive_landmine_ied")
    assert ied["lead"] and "background" not in trigger_facts(ied)
    assert ied["casualties"]["killed"]["min"] == 3


# --- people killed before the marker are the news's toll, not the earlier event's


def test_people_killed_before_the_marker_are_an_event_of_their_own() -> None:
    text = (
        "قتل ثلاثة من رجال الشرطة، السبت، خلال مداهمة لمنزل في البلدة، "
        "وذلك غداة تفجير استهدف دورية للشرطة يوم الجمعة."
    )
    events = extract(item(text, published="2019-03-16T12:00:00Z"))
    ied = by_sub(events, "remote_explosive_landmine_ied")
    assert set(trigger_facts(ied)) == {"background"} and not ied["lead"]
    assert ied["date"] == "2019-03-15" and ied["casualties"]["killed"] is None
    news = [e for e in events if e["lead"]]
    assert len(news) == 1 and news[0]["date"] == "2019-03-16"
    assert news[0]["casualties"]["killed"]["min"] == 3


# --- through dedup: a follow-up that cites the bombing does not join it


BOMBING = "مقتل شرطي في انفجار عبوة ناسفة استهدفت دورية للشرطة في البلدة مساء الجمعة."
RAID = (
    "قتل ثلاثة من رجال الشرطة السبت خلال مداهمة لمنزل في البلدة تحصن فيه مسلحون، "
    "غداة تفجير عبوة ناسفة استهدف دورية للشرطة يوم الجمعة."
)


def test_the_raid_that_followed_a_bombing_is_not_merged_into_it() -> None:
    bombing = item(BOMBING, published="2019-03-15T20:00:00Z", title="مقتل شرطي في انفجار عبوة ناسفة")
    raid = {**item(RAID, published="2019-03-16T12:00:00Z", title="مقتل ثلاثة من الشرطة في مداهمة"), "item_id": "1" * 20}
    raid_lead = [e["sub_event_type"] for e in extract(raid) if e["lead"]]
    assert raid_lead and raid_lead[0] != "remote_explosive_landmine_ied"
    pipeline = LocalPipeline()
    for message in (bombing, raid):
        pipeline.feed(encode(message))
    assert pipeline.dead_letters == []
    raid_news = [
        e
        for e in pipeline.sink.values()
        if e["sub_event_type"] == raid_lead[0] and raid["item_id"] in {s["item_id"] for s in e["sources"]}
    ]
    assert len(raid_news) == 1
    assert bombing["item_id"] not in {s["item_id"] for s in raid_news[0]["sources"]}


# --- a weekday still to come


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("تبدأ المحادثات الأحد المقبل في العاصمة", date(2018, 8, 12)),
        ("أعلنت المحكمة العليا أن الأحد، سيكون أول أيام الشهر", date(2018, 8, 12)),
        ("قتل ثلاثة جنود الأحد في هجوم على حاجز", date(2018, 8, 5)),
        ("الأحد سيطرت القوات على البلدة", date(2018, 8, 5)),  # «سيطرت» is no future verb
    ],
)
def test_a_weekday_to_come_is_the_next_one(text: str, day: date) -> None:
    saturday = date(2018, 8, 11)
    assert [m.date for m in find_dates(tokenize(text), saturday)] == [day]


# --- a cell dismantled is an arrest operation; a suspension is not


@pytest.mark.parametrize(
    "text",
    [
        "أعلنت وزارة الداخلية عن تفكيك خلية إرهابية كانت تخطط لتنفيذ هجمات على منشآت أمنية.",
        "قالت الوزارة إن قوات الأمن فككت خلية إرهابية من خمسة عناصر في المدينة.",
        "أعلن الجيش ضبط خلية تضم أربعة مسلحين في شمال البلاد.",
    ],
)
def test_a_cell_dismantled_is_an_arrest(text: str) -> None:
    assert [e["sub_event_type"] for e in extract(item(text))] == ["arrests"]


def test_a_suspension_is_no_arrest() -> None:
    assert extract(item("أعلنت اللجنة إيقاف اللاعب ثلاث مباريات وتغريمه.")) == []
