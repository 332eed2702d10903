"""Story evidence before event types, late bridging and order independence (issue 15).

Scenarios are written by hand (short Arabic stories we wrote ourselves); the same ones run through
`DedupState` in memory and, for the bridge, through the real worker on the tansu broker.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.test_processor_state import run_worker
from workers.contracts import EVENT, encode, validation_errors
from workers.dedup.config import DedupConfig
from workers.dedup.core import join_siblings, match_score
from workers.dedup.state import DedupState
from workers.process.handlers import LocalPipeline
from workers.settings import Settings
from workers.topics import topics_for

TOWN = {"id": "gn:douma", "name": "Douma", "lat": 33.57, "lon": 36.40, "precision": "place"}
OTHER_TOWN = {"id": "gn:daraa", "name": "Daraa", "lat": 32.62, "lon": 36.10, "precision": "place"}
COUNTRY = {"id": "cc:SY", "name": "Syria", "lat": 35.0, "lon": 38.0, "precision": "country"}

# Stories (headline + reporting sentence) written for these tests.
MARKET = "انتحاري يفجر نفسه في سوق دوما الشعبي ويقتل عشرين شخصا من المتسوقين صباح اليوم"
MARKET_2 = "مقتل عشرين شخصا في تفجير انتحاري استهدف سوق دوما الشعبي صباح اليوم"
CHECKPOINT = "عبوة ناسفة تنفجر قرب حاجز للشرطة عند مدخل دوما الشمالي وتجرح ثلاثة عناصر"
BRIDGE = (
    "انتحاري يفجر نفسه في سوق دوما الشعبي ويقتل عشرين شخصا من المتسوقين صباح اليوم "
    "بعد ساعة من انفجار عبوة ناسفة قرب حاجز للشرطة عند مدخل دوما الشمالي جرحت ثلاثة عناصر"
)
CLASH = "اشتباكات عنيفة بين فصائل المعارضة وقوات الحكومة في ريف درعا الشرقي"
ARRESTS = "قوات الأمن تعتقل عشرات المطلوبين في حملة مداهمات واسعة"


def report(
    item_id: str,
    *,
    sub: str = "suicide_bomb",
    story: str = MARKET,
    place: dict[str, Any] | None = TOWN,
    day: str = "2019-03-11",
    reported: str = "2019-03-11T10:00:00Z",
    fingerprint: str | None = None,
    lead: bool = True,
) -> dict[str, Any]:
    """A single-report event as extraction emits it (schemas/event.json)."""
    event_type = {
        "armed_clash": "battles",
        "arrests": "strategic_developments",
        "peaceful_protest": "protests",
        "violent_demonstration": "riots",
    }.get(sub, "explosions_remote_violence")
    event_id = "ev-" + hashlib.sha1(f"{item_id}|{sub}".encode()).hexdigest()[:16]
    return {
        "schema_version": 1,
        "event_id": event_id,
        "version": 1,
        "event_type": event_type,
        "sub_event_type": sub,
        "actors": [],
        "location": {**place, "country_code": "SY", "country": "Syria"} if place else None,
        "date": day,
        "casualties": {"killed": None, "wounded": None, "captured": None, "displaced": None},
        "attributions": [],
        # the sentence the trigger was found in: what a merged event compares this report by
        "evidence": [
            {"field": "trigger", "item_id": item_id, "sentence": story, "start": 0, "end": 1, "confidence": 0.8}
        ],
        "confidence": 0.8,
        "summary": story,
        "changes": [],
        "lead": lead,
        "sources": [
            {
                "item_id": item_id,
                "source": f"outlet-{item_id}",
                "url": f"https://{item_id}.example/",
                "title": "",
                "published_at": reported,
                "fingerprint": fingerprint or hashlib.sha1(item_id.encode()).hexdigest()[:16],
                "report_id": event_id,
            }
        ],
        "first_reported_at": reported,
        "last_reported_at": reported,
    }


def clusters(reports: list[dict[str, Any]], cfg: DedupConfig | None = None) -> set[frozenset[str]]:
    """Feed `reports` to one DedupState; the reports grouped by the event each ended in."""
    state = DedupState(cfg or DedupConfig())
    event_of: dict[str, str] = {}
    merged_into: dict[str, str] = {}
    for r in reports:
        applied = state.apply(r)
        event_of[r["sources"][0]["item_id"]] = applied.event["event_id"]
        for tomb in applied.tombstones:
            merged_into[tomb["event_id"]] = tomb["merged_into"]
    groups: dict[str, set[str]] = {}
    for item, event_id in event_of.items():
        while event_id in merged_into:
            event_id = merged_into[event_id]
        groups.setdefault(event_id, set()).add(item)
    return {frozenset(g) for g in groups.values()}


# -- story evidence ---------------------------------------------------------------------------


def test_a_wire_copy_joins_its_original_whatever_its_headline_placed() -> None:
    original = report("a", fingerprint="00ff00ff00ff00ff")
    # one outlet's headline named another country: the same body, the lead placed elsewhere
    copy = report("b", fingerprint="00ff00ff00ff00fe", story="عاجل: " + CLASH, place=None)
    copy["location"] = {"id": "cc:JO", "name": "Jordan", "country_code": "JO", "precision": "country"}
    assert clusters([original, copy]) == {frozenset({"a", "b"})}
    assert clusters([original, copy], DedupConfig(copies_join=False)) == {frozenset({"a"}), frozenset({"b"})}


def test_each_event_of_a_copy_joins_its_own_counterpart_in_the_original() -> None:
    # the original article gives a suicide bombing in Douma and an IED at a checkpoint in Daraa
    bomb = report("a", sub="suicide_bomb", story=MARKET, fingerprint="00ff00ff00ff00ff")
    ied = report("a", sub="remote_explosive_landmine_ied", story=CHECKPOINT, fingerprint="00ff00ff00ff00ff", lead=False,
                 place=OTHER_TOWN)
    # the IED's id sorts first: a tie between the two would go to it
    bomb["event_id"] = bomb["sources"][0]["report_id"] = "ev-ffffffffffffffff"
    ied["event_id"] = ied["sources"][0]["report_id"] = "ev-0000000000000000"
    # its copy
    copy_bomb = report("z", sub="suicide_bomb", story=MARKET, fingerprint="00ff00ff00ff00ff")
    copy_ied = report("z", sub="remote_explosive_landmine_ied", story=CHECKPOINT, fingerprint="00ff00ff00ff00ff",
                      lead=False, place=OTHER_TOWN)
    state = DedupState(DedupConfig())
    for r in (bomb, ied):
        state.apply(r)
    assert state.apply(copy_bomb).event["event_id"] == bomb["event_id"]
    assert state.apply(copy_ied).event["event_id"] == ied["event_id"]


def test_an_edited_wire_copy_is_story_evidence_but_not_a_match_by_itself() -> None:
    original = report("a", sub="suicide_bomb", story=MARKET, fingerprint="00000000000000ff")
    # an outlet's rewrite of the same wire text: 10 bits apart, told in other words, typed an IED
    edited = report("b", sub="remote_explosive_landmine_ied", story=CHECKPOINT, fingerprint="0000000000003ff0")
    assert clusters([original, edited]) == {frozenset({"a", "b"})}
    elsewhere = {**edited, "location": {**OTHER_TOWN, "country_code": "SY", "country": "Syria", "name_ar": "درعا"}}
    elsewhere["sources"] = [{**edited["sources"][0], "title": "انفجار في درعا"}]
    assert len(clusters([original, elsewhere])) == 2  # distant towns its headline names are still two events
    unrelated = {**edited, "sources": [{**edited["sources"][0], "fingerprint": "00000ffffffff0ff"}]}
    assert len(clusters([original, unrelated])) == 2


def test_sub_types_of_one_family_merge_on_a_strong_story_only() -> None:
    bomb = report("a", sub="suicide_bomb", story=MARKET)
    ied_same_story = report("b", sub="remote_explosive_landmine_ied", story=MARKET_2)
    ied_other_story = report("c", sub="remote_explosive_landmine_ied", story=CHECKPOINT)
    assert clusters([bomb, ied_same_story]) == {frozenset({"a", "b"})}
    assert clusters([bomb, ied_other_story]) == {frozenset({"a"}), frozenset({"c"})}


def sibling_scenario() -> list[dict[str, Any]]:
    """Extraction types one bombing once per trigger word: each article gives a suicide bombing and
    an IED for it, and the two outlets' headlines lead with different ones, told in other words."""
    return [
        report("a", sub="suicide_bomb", story=MARKET),
        report("a", sub="remote_explosive_landmine_ied", story=MARKET, lead=False),
        report("b", sub="remote_explosive_landmine_ied", story=CHECKPOINT, reported="2019-03-11T10:30:00Z"),
        report("b", sub="suicide_bomb", story=CHECKPOINT, lead=False, reported="2019-03-11T10:30:00Z"),
    ]


def joined(reports: list[dict[str, Any]], cfg: DedupConfig | None = None) -> list[dict[str, Any]]:
    """`reports` as the processor's extraction stage hands them to dedup: each article's events
    with its siblings joined (join_siblings), articles in the order they first appear."""
    by_article: dict[str, list[dict[str, Any]]] = {}
    for r in reports:
        by_article.setdefault(r["sources"][0]["item_id"], []).append(r)
    return [e for events in by_article.values() for e in join_siblings(events, cfg)]


def test_one_article_s_suicide_bombing_and_ied_of_one_place_and_day_are_one_event() -> None:
    reports = joined(sibling_scenario())
    assert len(reports) == 2  # each article's two namings are one report
    assert clusters(reports) == {frozenset({"a", "b"})}
    assert len(clusters(joined(sibling_scenario(), DedupConfig(siblings_join=False)))) == 2
    state = DedupState(DedupConfig())
    for r in reports:
        event = state.apply(r).event
    assert len(state) == 1
    # the merged event remembers what each report called it, so either sub-type finds it
    assert [s.get("sub_event_types") for s in event["sources"]] == [
        ["remote_explosive_landmine_ied", "suicide_bomb"]
    ] * 2
    assert validation_errors(EVENT, event) == []


def open_events(reports: list[dict[str, Any]]) -> int:
    state = DedupState(DedupConfig())
    for r in joined(reports):
        state.apply(r)
    return len(state)


def test_an_article_s_two_bombings_in_two_towns_days_or_tolls_stay_two_events() -> None:
    here = report("a", sub="suicide_bomb", story=MARKET)
    assert open_events([here, report("a", sub="remote_explosive_landmine_ied", story=MARKET, lead=False)]) == 1
    there = report("a", sub="remote_explosive_landmine_ied", story=CHECKPOINT, place=OTHER_TOWN, lead=False)
    assert open_events([here, there]) == 2
    next_day = report("a", sub="remote_explosive_landmine_ied", story=CHECKPOINT, lead=False, day="2019-03-12")
    assert open_events([here, next_day]) == 2
    other_toll = report("a", sub="remote_explosive_landmine_ied", story=CHECKPOINT, lead=False)
    here["casualties"] = {**here["casualties"], "killed": {"min": 20, "max": 20}}
    other_toll["casualties"] = {**other_toll["casualties"], "killed": {"min": 2, "max": 2}}
    assert open_events([here, other_toll]) == 2
    other_family = report("a", sub="armed_clash", story=CHECKPOINT, lead=False)
    assert open_events([here, other_family]) == 2


def test_a_wounded_count_that_rose_does_not_part_one_story_but_parts_two() -> None:
    early = report("a", story=MARKET)
    later = report("b", story=MARKET)  # the same story told again, six times as many wounded
    other = report("c", story=CHECKPOINT)
    early["casualties"] = {**early["casualties"], "wounded": {"min": 5, "max": 5}}
    later["casualties"] = {**later["casualties"], "wounded": {"min": 30, "max": 30}}
    other["casualties"] = {**other["casualties"], "wounded": {"min": 30, "max": 30}}
    assert clusters([early, later]) == {frozenset({"a", "b"})}
    assert len(clusters([early, later], DedupConfig(story_beats_figures=1.01))) == 2
    assert len(clusters([early, other])) == 2  # another story in the town that day, another count
    killed = {**other, "casualties": {**other["casualties"], "wounded": None, "killed": {"min": 30, "max": 30}}}
    early["casualties"] = {**early["casualties"], "killed": {"min": 5, "max": 5}}
    assert len(clusters([early, killed])) == 2  # 5 and 30 killed in other words: two events


SHOOTING = "مقتل شاب فلسطيني برصاص الجيش الإسرائيلي قرب مدخل دوما فجر اليوم"
SHOOTING_2 = "استشهاد شاب فلسطيني برصاص جنود الاحتلال عند مدخل دوما فجر اليوم"


def test_a_shooting_typed_a_clash_and_an_attack_is_one_event_but_not_across_days() -> None:
    clash = report("a", sub="armed_clash", story=SHOOTING)
    attack = report("b", sub="attack", story=SHOOTING_2)
    assert clusters([clash, attack]) == {frozenset({"a", "b"})}
    next_day = report("c", sub="attack", story=SHOOTING_2, day="2019-03-12")
    # another sub-type on another day: two weak links (the next day's shooting is another one)
    assert len(clusters([clash, next_day])) == 2
    assert len(clusters([clash, next_day], DedupConfig(cross_sub_same_day=False))) == 1
    same_type_next_day = report("d", sub="armed_clash", story=SHOOTING_2, day="2019-03-12")
    assert clusters([clash, same_type_next_day]) == {frozenset({"a", "d"})}  # a report dated a day late


def test_a_bombing_whose_article_also_names_an_attack_is_not_the_attack_of_the_day_before() -> None:
    # Mogadishu: an MP shot dead (an «attack») one day, a hotel bombing the next whose articles also
    # name an «attack» (a sibling joined into the bombing); they share only the catch-all sub-type
    shot = report("a", sub="attack", story=SHOOTING)
    bombing = joined(
        [
            report("b", sub="remote_explosive_landmine_ied", story=SHOOTING_2, day="2019-03-12"),
            report("b", sub="attack", story=SHOOTING_2, day="2019-03-12", lead=False),
        ]
    )
    assert len(bombing) == 1
    assert len(clusters([shot, *bombing])) == 2
    assert len(clusters([*bombing, shot])) == 2
    # the same story of one sub-type a day late still joins (a report dated late)
    late = report("c", sub="attack", story=SHOOTING_2, day="2019-03-12")
    assert clusters([shot, late]) == {frozenset({"a", "c"})}


def test_protest_and_riot_of_one_story_merge() -> None:
    story = "آلاف المحتجين يتظاهرون في ساحة دوما احتجاجا على انقطاع الكهرباء"
    protest = report("a", sub="peaceful_protest", story=story)
    riot = report("b", sub="violent_demonstration", story=story + " ويحرقون مبنى البلدية")
    assert clusters([protest, riot]) == {frozenset({"a", "b"})}


def test_a_country_level_report_joins_the_town_event_of_its_story() -> None:
    town = report("a", story=MARKET)
    country = report("b", story=MARKET_2, place=COUNTRY)
    assert clusters([town, country]) == {frozenset({"a", "b"})}


def test_a_report_placed_nowhere_joins_the_town_event_of_its_story_in_either_order() -> None:
    town = report("a", story=MARKET)
    nowhere = report("b", story=MARKET_2, place=None)
    other_story = report("c", sub="remote_explosive_landmine_ied", story=CHECKPOINT, place=None)
    for order in ([town, nowhere, other_story], [nowhere, other_story, town], [other_story, town, nowhere]):
        assert clusters(order) == {frozenset({"a", "b"}), frozenset({"c"})}
    state = DedupState(DedupConfig())
    for r in (nowhere, town):
        event = state.apply(r).event
    assert event["location"]["id"] == TOWN["id"]  # the merged event is placed by the report that placed it


def test_two_country_level_reports_of_one_day_stay_apart_without_story_evidence() -> None:
    one = report("a", sub="arrests", story=ARRESTS, place=COUNTRY)
    two = report("b", sub="arrests", story="الشرطة توقف سائق شاحنة بعد حادث على الطريق الدولي", place=COUNTRY)
    assert clusters([one, two]) == {frozenset({"a"}), frozenset({"b"})}


def test_two_country_level_reports_a_day_apart_stay_apart_unless_copies() -> None:
    today = report("a", story=MARKET, place=COUNTRY)
    yesterday = report("b", story=MARKET_2, place=COUNTRY, day="2019-03-10")
    assert len(clusters([today, yesterday])) == 2
    assert len(clusters([today, yesterday], DedupConfig(vague_same_day=False))) == 1  # the story alone merged them
    in_town = report("c", story=MARKET_2, day="2019-03-10")  # one of them placed in a town: the story decides
    assert clusters([today, in_town]) == {frozenset({"a", "c"})}
    copy = report("d", story=MARKET_2, place=COUNTRY, day="2019-03-10", fingerprint="00ff00ff00ff0000")
    today["sources"][0]["fingerprint"] = "00ff00ff00ff0003"  # 2 bits apart: the same wire text
    assert clusters([today, copy]) == {frozenset({"a", "d"})}


def test_a_country_level_report_of_another_day_needs_a_strong_story_to_join_a_town_event() -> None:
    # held_out_r3_mixed: "a suicide bombing in Afghanistan" (Kabul airport, 10 August) joined the
    # Kunduz attack of the 9th on wording that shared little more than "killed in a suicide bombing"
    town = report("a", story=MARKET)
    weak = "قتلى في تفجير انتحاري صباح اليوم بريف دمشق"  # lexical similarity 0.08: evidence 0.38
    assert clusters([town, report("b", story=weak, place=COUNTRY)]) == {frozenset({"a", "b"})}  # same day
    other_day = report("b", story=weak, place=COUNTRY, day="2019-03-10")
    assert clusters([town, other_day]) == {frozenset({"a"}), frozenset({"b"})}
    told_alike = report("c", story=MARKET_2, place=COUNTRY, day="2019-03-10")
    assert clusters([town, told_alike]) == {frozenset({"a", "c"})}


def test_different_towns_stay_apart_even_with_similar_words() -> None:
    here = report("a", sub="armed_clash", story=CLASH)
    there = report("b", sub="armed_clash", story=CLASH, place=OTHER_TOWN)
    here["location"]["name_ar"], there["location"]["name_ar"] = "دوما", "درعا"
    here["sources"][0]["title"] = "اشتباكات في دوما"  # the headlines name the towns: two events
    there["sources"][0]["title"] = "اشتباكات في درعا"
    assert clusters([here, there]) == {frozenset({"a"}), frozenset({"b"})}
    assert len(clusters([here, {**there, "date": "2019-03-12"}], DedupConfig(vague_same_day=False))) == 2


def test_towns_read_from_the_body_do_not_part_one_story() -> None:
    # Neither headline names a town: one outlet's town is where the ministry spoke, the other's
    # the province's capital. The same story of the same day is one event.
    here = report("a", sub="armed_clash", story=CLASH)
    there = report("b", sub="armed_clash", story=CLASH, place=OTHER_TOWN)
    here["location"]["name_ar"], there["location"]["name_ar"] = "دوما", "درعا"
    assert clusters([here, there]) == {frozenset({"a", "b"})}
    assert len(clusters([here, there], DedupConfig(unnamed_places_yield=False))) == 2
    nameless = {**there, "location": {k: v for k, v in there["location"].items() if k != "name_ar"}}
    assert len(clusters([here, nameless])) == 2  # no name to look for in the headline: the towns stand
    other_story = report("c", sub="armed_clash", story=ARRESTS, place=OTHER_TOWN)
    assert len(clusters([here, other_story])) == 2
    next_day = report("d", sub="armed_clash", story=CLASH, place=OTHER_TOWN, day="2019-03-12")
    assert len(clusters([here, next_day])) == 2


# -- late bridging ----------------------------------------------------------------------------


def bridge_scenario() -> list[dict[str, Any]]:
    """A suicide bombing and an IED the same morning in one town, reported apart, then one report
    that tells both as one attack (the IED was the bomber's accomplice)."""
    return [
        report("a", sub="suicide_bomb", story=MARKET, reported="2019-03-11T09:00:00Z"),
        report("c", sub="remote_explosive_landmine_ied", story=CHECKPOINT, reported="2019-03-11T09:30:00Z"),
        report("b", sub="suicide_bomb", story=BRIDGE, reported="2019-03-11T11:00:00Z"),
    ]


def test_a_report_that_shows_two_open_events_are_one_merges_them_with_a_tombstone() -> None:
    first, second, bridge = bridge_scenario()
    state = DedupState(DedupConfig())
    assert state.apply(first).kind == "new"
    assert state.apply(second).kind == "new"  # an IED, told differently: its own event so far
    applied = state.apply(bridge)
    assert applied.kind == "merged"
    kept, (gone,) = applied.event, applied.tombstones
    assert kept["event_id"] == first["event_id"]  # the event reported first keeps its id
    assert gone["event_id"] == second["event_id"] and gone["merged_into"] == kept["event_id"]
    assert gone["version"] == 2  # one version past the one consumers saw
    assert {s["item_id"] for s in kept["sources"]} == {"a", "b", "c"}
    assert len(state) == 1 and second["event_id"] not in state
    for record in applied.publish_all:
        assert validation_errors(EVENT, record) == []
    assert [r["event_id"] for r in applied.publish_all] == [kept["event_id"], gone["event_id"]]


def test_no_bridge_when_the_two_events_come_from_one_article() -> None:
    first, second, bridge = bridge_scenario()
    second["sources"][0]["item_id"] = "a"  # one article told the two apart, with their own tolls
    first["casualties"] = {**first["casualties"], "killed": {"min": 20, "max": 20}}
    second["casualties"] = {**second["casualties"], "wounded": {"min": 3, "max": 3}, "killed": {"min": 1, "max": 1}}
    assert len(clusters([first, second, bridge])) == 2


def test_a_weak_second_hand_link_bridges_nothing() -> None:
    """A report that joins today's market bombing and barely matches yesterday's checkpoint attack in
    a nearby town (through the civilians both name) does not make those two one event: a bridge is
    second-hand evidence, so the two events must match each other above `bridge_min_score`
    (held_out_r3_mixed: a truck-bombing report bridged three Kabul events of two days)."""
    civilians = {"id": "CIV-SY", "name": "Civilians (Syria)", "role": "target"}
    police = {"id": "POL-SY", "name": "Police Forces of Syria", "role": "target"}
    nearby = {"id": "gn:harasta", "name": "Harasta", "lat": 33.56, "lon": 36.12, "precision": "place"}
    yesterday = report(
        "a", story="هجوم بحزام ناسف على حاجز عسكري شمال المدينة", place=nearby, day="2019-03-10",
        reported="2019-03-10T09:00:00Z", lead=False,
    )
    market = report("c", story=MARKET, reported="2019-03-11T09:30:00Z")
    bridge = report("b", story=MARKET, reported="2019-03-11T11:00:00Z")
    yesterday["actors"], market["actors"], bridge["actors"] = [civilians], [police], [civilians, police]
    # (another day in another town is now a hard "no" of its own, `story_other_day_other_place`;
    # without it the link is weak, and the bridge's own bar is what parts the two)
    cfg = DedupConfig(story_other_day_other_place=0.0)
    assert match_score(yesterday, market, cfg) < cfg.threshold  # apart on their own
    assert cfg.threshold <= match_score(yesterday, bridge, cfg) <= cfg.bridge_min_score  # a weak link
    assert clusters([yesterday, market, bridge], cfg) == {frozenset({"a"}), frozenset({"b", "c"})}
    # what any link at all did before: the three in one
    assert len(clusters([yesterday, market, bridge], replace(cfg, bridge_min_score=0.0))) == 1
    assert match_score(yesterday, bridge, DedupConfig()) == 0.0  # and with it, no link at all


def test_an_unidentified_attacker_does_not_contradict_a_named_one() -> None:
    """One outlet says gunmen, another names the group: the same attack («مسلحون مجهولون» is no one in
    particular); two named groups still part two attacks."""
    first, second = report("a"), report("b", story=MARKET_2, reported="2019-03-11T11:00:00Z")
    first["actors"] = [{"id": "UAG-SY", "name": "Unidentified Armed Group (Syria)", "role": "actor"}]
    second["actors"] = [{"id": "ISIS", "name": "Islamic State", "role": "actor"}]
    assert len(clusters([first, second])) == 1
    first["actors"] = [{"id": "HTS", "name": "HTS: Hayat Tahrir al Sham", "role": "actor"}]
    assert len(clusters([first, second])) == 2
    # where the report names no country the generic actor has the bare legacy id: still no one
    first["actors"] = [{"id": "UNIDENTIFIED", "name": "Unidentified Armed Group", "role": "actor"}]
    assert len(clusters([first, second])) == 1


def test_a_death_toll_that_rose_between_reports_of_one_story_is_one_event() -> None:
    """5 dead, then 30, in the same words: one event whose toll rose (figures within three times of
    each other agree anyway). The same two figures in
    another story of the town that day stay two events, and so does the first pair with the rule off."""
    first, update = report("a", story=MARKET), report("b", story=MARKET, reported="2019-03-11T14:00:00Z")
    other = report("c", story=CHECKPOINT, reported="2019-03-11T14:00:00Z")
    first["casualties"]["killed"] = {"min": 5, "max": 5, "text": "خمسة"}
    for later in (update, other):
        later["casualties"]["killed"] = {"min": 30, "max": 30, "text": "30"}
    assert len(clusters([first, update])) == 1
    assert len(clusters([first, other])) == 2
    assert len(clusters([first, update], replace(DedupConfig(), story_beats_deaths=1.01))) == 2  # off


def test_a_restored_state_drops_the_absorbed_event() -> None:
    pipeline = LocalPipeline()
    for r in bridge_scenario():
        pipeline.feed_candidate(encode(r))
    restored = DedupState(DedupConfig())
    for version in pipeline.versions:
        restored.restore(version)
    assert sorted(restored.store) == sorted(pipeline.dedup.store) == sorted(pipeline.sink)
    assert pipeline.merged_into == {bridge_scenario()[1]["event_id"]: bridge_scenario()[0]["event_id"]}


# -- order independence -----------------------------------------------------------------------


def shuffled_day() -> list[dict[str, Any]]:
    """One day of reports in one country: the bridged attack, a copy, a country-level report of the
    market bombing, a clash in another town, arrests."""
    return [
        *bridge_scenario(),
        report("d", sub="suicide_bomb", story=MARKET_2, place=COUNTRY, reported="2019-03-11T12:00:00Z"),
        report("e", sub="armed_clash", story=CLASH, place=OTHER_TOWN, reported="2019-03-11T10:30:00Z"),
        report("f", sub="armed_clash", story=CLASH + " وسقوط قتلى", place=OTHER_TOWN, reported="2019-03-11T13:00:00Z"),
        report("g", sub="arrests", story=ARRESTS, place=COUNTRY, reported="2019-03-11T14:00:00Z"),
        report("h", sub="suicide_bomb", story=MARKET, fingerprint="1234123412341234", reported="2019-03-11T15:00:00Z"),
        report("i", sub="suicide_bomb", story="تفجير جديد", fingerprint="1234123412341235", place=None,
               reported="2019-03-11T16:00:00Z"),
    ]


def test_the_same_reports_in_any_order_within_the_day_give_the_same_clusters() -> None:
    reports = shuffled_day()
    expected = clusters(reports)
    assert expected == {
        frozenset({"a", "b", "c", "d", "h", "i"}),
        frozenset({"e", "f"}),
        frozenset({"g"}),
    }
    rng = random.Random(15)
    orders = [list(p) for p in itertools.islice(itertools.permutations(reports), 0, 40320, 997)]
    orders += [rng.sample(reports, len(reports)) for _ in range(60)]
    for order in orders:
        assert clusters(order) == expected, [r["sources"][0]["item_id"] for r in order]


# -- through the real worker ------------------------------------------------------------------


@pytest.mark.integration
def test_an_article_s_two_namings_of_one_bombing_are_one_event_through_the_worker(
    settings: Settings, tmp_path: Path
) -> None:
    settings = settings.replace(partitions=1)
    scenario = joined(sibling_scenario())  # what the extraction stage hands on
    records, dead = run_worker(settings, tmp_path, scenario, topics_for(settings).candidates.name, expect=2)
    assert dead == []
    values = [json.loads(r.value) for r in records]
    assert {v["event_id"] for v in values} == {scenario[0]["event_id"]}  # one event, two versions
    assert {s["item_id"] for s in values[-1]["sources"]} == {"a", "b"}
    pipeline = LocalPipeline()
    for r in scenario:
        pipeline.feed_candidate(encode(r))
    assert values == pipeline.versions  # the worker publishes what the in-memory pipeline does


@pytest.mark.integration
def test_the_bridge_tombstone_reaches_the_sink_through_the_worker(settings: Settings, tmp_path: Path) -> None:
    settings = settings.replace(partitions=1)
    topics = topics_for(settings)
    scenario = bridge_scenario()
    records, dead = run_worker(settings, tmp_path, scenario, topics.candidates.name, expect=4)
    assert dead == []
    values = [json.loads(r.value) for r in records]
    tombstones = [v for v in values if v.get("merged_into")]
    assert [(t["event_id"], t["merged_into"]) for t in tombstones] == [
        (scenario[1]["event_id"], scenario[0]["event_id"])
    ]
    assert validation_errors(EVENT, tombstones[0]) == []
    kept = [v for v in values if v["event_id"] == scenario[0]["event_id"]][-1]
    assert {s["item_id"] for s in kept["sources"]} == {"a", "b", "c"}
    pipeline = LocalPipeline()
    for r in scenario:
        pipeline.feed_candidate(encode(r))
    assert values == pipeline.versions  # the worker publishes what the in-memory pipeline does


NEARBY_TOWN = {"id": "gn:harasta-north", "name": "North", "lat": 33.80, "lon": 36.55, "precision": "place"}  # ~29 km
SHELLING = "قصفت قوات النظام بالمدفعية الثقيلة أحياء دوما السكنية وأوقعت جرحى بين المدنيين"
SHELLING_ELSEWHERE = "سقوط قذائف صاروخية على بلدة شمالي العاصمة مصدرها مواقع الجيش ومقتل امرأة"


def test_another_day_and_another_town_of_one_kind_of_attack_are_two_events_unless_told_alike() -> None:
    today = report("a", sub="shelling_artillery_missile_attack", story=SHELLING)
    tomorrow = report(
        "b", sub="shelling_artillery_missile_attack", story=SHELLING_ELSEWHERE, place=NEARBY_TOWN, day="2019-03-12"
    )
    assert len(clusters([today, tomorrow])) == 2  # two weak links: another day, another town
    assert len(clusters([today, tomorrow], DedupConfig(story_other_day_other_place=0.0))) == 1
    told_alike = {**tomorrow, "evidence": today["evidence"], "summary": SHELLING}
    assert len(clusters([today, told_alike])) == 1  # the same story, dated and placed apart by its outlets
    same_town = report("c", sub="shelling_artillery_missile_attack", story=SHELLING_ELSEWHERE, day="2019-03-12")
    assert len(clusters([today, same_town])) == 1  # a report dated a day late, in the same town
