"""Contracts at the edges and the processor's handlers: bad messages are dead-lettered with a reason."""

from __future__ import annotations

import base64
import json

import pytest
from jsonschema import Draft202012Validator

from workers import metrics
from workers.contracts import (
    DEAD_LETTER,
    EVENT,
    NEWS_ITEM,
    ContractError,
    dead_letter,
    decode,
    encode,
    schema,
    validation_errors,
)
from workers.process.handlers import LocalPipeline, handle_item


def news_item(text: str, item_id: str = "1" * 20, source: str = "Outlet A") -> dict:
    return {
        "schema_version": 1,
        "item_id": item_id,
        "feed_id": "a",
        "source": source,
        "url": f"https://a.example/{item_id}",
        "title": "",
        "text": text,
        "language": "ar",
        "published_at": "2019-03-11T09:00:00Z",
        "fetched_at": "2019-03-11T09:05:00Z",
    }


@pytest.mark.parametrize("name", [NEWS_ITEM, EVENT, DEAD_LETTER])
def test_schemas_are_valid_json_schema(name: str) -> None:
    Draft202012Validator.check_schema(schema(name))


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{not json", "invalid_json"),
        (b"\xff\xfe\x00binary", "invalid_encoding"),
        (json.dumps({"hello": "world"}).encode(), "schema_violation"),
        (b" " * 3_000_000, "too_large"),
        (None, "invalid_json"),
    ],
)
def test_decode_rejects_with_a_reason(raw: bytes | None, reason: str) -> None:
    with pytest.raises(ContractError) as info:
        decode(NEWS_ITEM, raw)
    assert info.value.reason == reason


def test_dead_letter_keeps_binary_payload_as_base64() -> None:
    record = dead_letter("extract", "invalid_encoding", "not UTF-8", b"\xff\x00\x01", key=b"k")
    assert validation_errors(DEAD_LETTER, record) == []
    assert base64.b64decode(record["payload"]) == b"\xff\x00\x01" and record["payload_encoding"] == "base64"


def test_poison_messages_are_dead_lettered_and_the_pipeline_goes_on() -> None:
    def total(metric: str, **labels: str) -> float:
        return sum(
            s.value
            for m in metrics.families()
            if m.name == metric
            for s in m.samples
            if s.name.endswith("_total") and all(s.labels.get(k) == v for k, v in labels.items())
        )

    before = {k: total(f"marsad_items_{k}", stage="extract") for k in ("in", "out", "rejected")}
    pipeline = LocalPipeline()
    poison = [
        b"{not json",
        b"\x00\xff" * 100,
        encode({"item_id": "x"}),
        b"x" * 3_000_000,
        encode(news_item("نص " * 10, item_id="zz")),
    ]  # bad item id pattern
    good = encode(news_item("قتل 3 أشخاص في قصف مدفعي على مدينة حلب اليوم."))
    english = encode(news_item("A football match ended in a draw.", item_id="2" * 20))
    for raw in [*poison, good, english]:
        pipeline.feed(raw)
    assert [d["reason"] for d in pipeline.dead_letters] == [
        "invalid_json",
        "invalid_encoding",
        "schema_violation",
        "too_large",
        "schema_violation",
    ]
    assert all(validation_errors(DEAD_LETTER, d) == [] for d in pipeline.dead_letters)
    assert len(pipeline.sink) == 1
    (event,) = pipeline.sink.values()
    assert event["location"]["name"] == "Aleppo" and event["casualties"]["killed"]["min"] == 3
    after = {k: total(f"marsad_items_{k}", stage="extract") for k in ("in", "out", "rejected")}
    delta = {k: after[k] - before[k] for k in after}
    assert delta["in"] == 7 and delta["in"] == delta["out"] + delta["rejected"]


def test_text_in_another_script_yields_no_event_and_no_error() -> None:
    result = handle_item(encode(news_item("Ein Fußballspiel endete unentschieden. 足球比赛")))
    assert result.dead_letter is None and result.candidates == []


def test_same_story_twice_is_one_event_with_two_sources() -> None:
    text = "اندلعت اشتباكات عنيفة في الباغوز بين قوات سوريا الديمقراطية وتنظيم داعش، وقتل 3 مقاتلين."
    pipeline = LocalPipeline()
    pipeline.feed(encode(news_item(text, item_id="a" * 20, source="Outlet A")))
    pipeline.feed(encode(news_item(text, item_id="b" * 20, source="Outlet B")))
    pipeline.feed(encode(news_item(text, item_id="a" * 20, source="Outlet A")))  # redelivery
    assert len(pipeline.sink) == 1
    event = next(iter(pipeline.sink.values()))
    assert [s["source"] for s in event["sources"]] == ["Outlet A", "Outlet B"]
    assert [v["version"] for v in pipeline.versions] == [1, 2]
