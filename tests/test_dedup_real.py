"""Dedup on real multi-outlet reports: the hand-clustered Douma articles of eval/dedup_clusters.json
(Sky News Arabia, France 24, BBC Arabic; April 2018), read from the shared corpus at run time.

On 7 April 2018 Douma had two stories: regime shelling and air strikes that killed civilians in the
morning, and the chemical attack in the evening. Several outlets reported each; France 24 filed
one of its chemical-attack reports twice, under two sections (the same copy at two URLs).
"""

from __future__ import annotations

import hashlib
import json
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import need_shared
from workers.contracts import EVENT, encode, validation_errors
from workers.poll.fixtures import CORPUS, corpus_articles, corpus_item
from workers.process.handlers import LocalPipeline

CLUSTERS = Path(__file__).resolve().parents[1] / "eval" / "dedup_clusters.json"
CHEMICAL = "douma-chemical-attack-2018-04-07"
SHELLING = "douma-shelling-2018-04-07"
# France 24 filed this chemical-attack report under "middle east" and again under "international".
FR_COPY = ("FR-middleEast-224-20180408", "FR-internationalNews-610-20180408")


def item_id(docno: str) -> str:
    return hashlib.sha1(docno.encode()).hexdigest()[:20]


@pytest.fixture(scope="module")
def douma() -> dict[str, Any]:
    need_shared(CORPUS)
    clusters: dict[str, list[str]] = json.loads(CLUSTERS.read_text())["clusters"]
    wanted = {d for c, docs in clusters.items() if c.startswith("douma-") for d in docs} | set(FR_COPY)
    arts = [a for a in corpus_articles(("middleEast", "internationalNews")) if a["docno"] in wanted]
    assert {a["docno"] for a in arts} == wanted, "the shared corpus lacks articles the clusters name"
    arts.sort(key=lambda a: parsedate_to_datetime(a["time"]))  # as the feeds published them
    pipeline = LocalPipeline()
    for art in arts:
        pipeline.feed(encode(corpus_item(art, item_id(art["docno"]))))
    assert not pipeline.dead_letters
    docno_of = {item_id(a["docno"]): a["docno"] for a in arts}
    return {"pipeline": pipeline, "clusters": clusters, "docno_of": docno_of}


def docnos(event: dict[str, Any], docno_of: dict[str, str]) -> set[str]:
    return {docno_of[s["item_id"]] for s in event["sources"]}


def outlets(docs: set[str]) -> set[str]:
    return {d.split("-")[0] for d in docs}


DOUMA = {"Douma", "Eastern Ghouta"}  # reports place the day's strikes in the town or in its district


def event_of(douma: dict[str, Any], sub: str, cluster: str) -> dict[str, Any]:
    """The sink's event of this sub-type in Douma holding the most reports of the cluster."""
    sink, docno_of = douma["pipeline"].sink, douma["docno_of"]
    members = set(douma["clusters"][cluster])
    found = [
        e
        for e in sink.values()
        if e["sub_event_type"] == sub and (e["location"] or {}).get("name") in DOUMA and not e.get("merged_into")
    ]
    assert found, f"no {sub} event in Douma"
    return max(found, key=lambda e: len(docnos(e, docno_of) & members))


def test_one_chemical_attack_from_three_outlets_is_one_event(douma: dict[str, Any]) -> None:
    event = event_of(douma, "chemical_weapon", CHEMICAL)
    members = docnos(event, douma["docno_of"]) & set(douma["clusters"][CHEMICAL])
    assert len(members) >= 3 and outlets(members) >= {"SK", "FR", "BB"}, members
    assert event["date"] == "2018-04-07" and event["lead"]
    # every report after the first was a merge, or came with an event a later report bridged into it
    bridged = [
        v for v in douma["pipeline"].versions if v.get("merged_into") == event["event_id"]
    ]
    assert event["version"] + sum(len(v["sources"]) for v in bridged) == len(event["sources"])
    assert event["casualties"]["killed"]["min"] >= 40  # «70 قتيلا على الأقل», «150», «90-110»...
    assert not validation_errors(EVENT, event)


def morning_event(douma: dict[str, Any]) -> dict[str, Any]:
    """The Douma explosions event (not the gas attack) holding most reports of the morning story.
    Its sub-type is not asserted: France 24 leads with shelling and Sky News with air strikes, one
    event of the explosions family (issue 15: story evidence before sub-types), and the earliest
    report types it."""
    sink, docno_of = douma["pipeline"].sink, douma["docno_of"]
    members = set(douma["clusters"][SHELLING])
    found = [
        e
        for e in sink.values()
        if e["event_type"] == "explosions_remote_violence"
        and e["sub_event_type"] != "chemical_weapon"
        and (e["location"] or {}).get("name") in DOUMA
        and not e.get("merged_into")
    ]
    assert found, "no explosions event in Douma"
    return max(found, key=lambda e: len(docnos(e, docno_of) & members))


def test_the_morning_shelling_is_one_event_from_two_outlets(douma: dict[str, Any]) -> None:
    event = morning_event(douma)
    members = docnos(event, douma["docno_of"]) & set(douma["clusters"][SHELLING])
    assert members == set(douma["clusters"][SHELLING]) and outlets(members) == {"SK", "FR"}


def test_two_events_in_douma_on_the_same_day_stay_apart(douma: dict[str, Any]) -> None:
    chemical = event_of(douma, "chemical_weapon", CHEMICAL)
    shelling = morning_event(douma)
    # same town, same day (France 24's lead names the day before: the event keeps the earliest
    # report's day), same event type (explosions / remote violence): one dedup block
    assert chemical["date"] == "2018-04-07" and shelling["date"] in ("2018-04-06", "2018-04-07")
    assert chemical["event_type"] == shelling["event_type"]
    assert chemical["event_id"] != shelling["event_id"]
    # and neither swallowed the other's story: no morning-shelling report leads the chemical event
    docno_of = douma["docno_of"]
    assert not docnos(chemical, docno_of) & set(douma["clusters"][SHELLING])


def test_a_syndicated_copy_is_linked_to_its_original_not_counted_again(douma: dict[str, Any]) -> None:
    sink = douma["pipeline"].sink
    original, copy = (item_id(d) for d in FR_COPY)
    both = [e for e in sink.values() if {original, copy} <= {s["item_id"] for s in e["sources"]}]
    assert both, "the copy never met its original"
    for event in both:
        by_id = {s["item_id"]: s for s in event["sources"]}
        first, second = sorted(
            [original, copy], key=lambda i: [s["item_id"] for s in event["sources"]].index(i)
        )
        assert by_id[second]["copy_of"] == first and by_id[first]["copy_of"] is None
    chemical = event_of(douma, "chemical_weapon", CHEMICAL)
    independent = [s for s in chemical["sources"] if not s["copy_of"]]
    assert len(independent) == len(chemical["sources"]) - 1
