"""Property-based tests: no input raises out of the parsing and extraction entry points, and every
output satisfies its contract."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workers.contracts import DEAD_LETTER, EVENT, NEWS_ITEM, ContractError, decode, encode, validation_errors
from workers.extract.core import extract
from workers.poll.feeds import Feed
from workers.poll.fixtures import rss_document
from workers.poll.parse import parse_feed
from workers.process.handlers import handle_item

FEED = Feed("fz", "Fuzz", "https://fz.example/rss")
ARABIC = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
TEXTISH = st.text(
    alphabet=st.one_of(
        ARABIC, st.characters(exclude_categories=("Cs",)), st.sampled_from(list(" .,،؟\n0123456789٣"))
    ),
    max_size=600,
)
# Real words so the extractor's deeper paths run, not only its early exit.
WORDS = st.sampled_from(
    [
        "قتل",
        "أصيب",
        "اشتباكات",
        "غارة",
        "جوية",
        "في",
        "الباغوز",
        "إدلب",
        "حلب",
        "قسد",
        "داعش",
        "الجيش",
        "السوري",
        "قال",
        "المرصد",
        "السوري",
        "إن",
        "أمس",
        "الأحد",
        "اليوم",
        "نحو",
        "500",
        "أو",
        "4000",
        "سبعة",
        "عشرات",
        "من",
        "على",
        "ضد",
        "أسرت",
        "اعتقلت",
        "مظاهرة",
        "انفجار",
        "،",
        ".",
        "مدينة",
        "بلدة",
        "٣",
        "حاولوا",
        "هجمات",
        "انتحارية",
    ]
)
NEWSY = st.lists(WORDS, max_size=60).map(" ".join)
FUZZ = settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


def item(text: str, title: str = "") -> dict:
    return {
        "schema_version": 1,
        "item_id": "f" * 20,
        "feed_id": "fz",
        "source": "Fuzz",
        "url": "https://fz.example/1",
        "title": title,
        "text": text or ".",
        "language": "ar",
        "published_at": "2019-03-11T09:00:00Z",
        "fetched_at": "2019-03-11T09:00:00Z",
    }


@FUZZ
@given(st.binary(max_size=2000))
def test_parse_feed_never_raises_on_bytes(body: bytes) -> None:
    parsed = parse_feed(body, FEED)
    assert all(validation_errors(NEWS_ITEM, i) == [] for i in parsed.items)


@FUZZ
@given(st.lists(st.tuples(TEXTISH, TEXTISH, st.text(max_size=80)), max_size=5))
def test_parse_feed_items_always_satisfy_the_contract(entries: list[tuple[str, str, str]]) -> None:
    doc = rss_document(
        "t", "https://fz.example/", [{"title": t, "description": d, "link": link} for t, d, link in entries]
    )
    parsed = parse_feed(doc, FEED)
    assert len(parsed.items) + len(parsed.rejected) == parsed.entries
    assert all(validation_errors(NEWS_ITEM, i) == [] for i in parsed.items)


@FUZZ
@given(st.one_of(TEXTISH, NEWSY), st.one_of(TEXTISH, NEWSY))
def test_extract_never_raises_and_events_validate(text: str, title: str) -> None:
    for event in extract(item(text, title)):
        assert validation_errors(EVENT, event) == []


@FUZZ
@given(st.binary(max_size=3000))
def test_decode_raises_only_contract_errors(raw: bytes) -> None:
    try:
        decode(NEWS_ITEM, raw)
    except ContractError as exc:
        assert exc.reason in {"invalid_json", "invalid_encoding", "schema_violation", "too_large"}


@FUZZ
@given(st.one_of(st.binary(max_size=500), NEWSY.map(lambda t: encode(item(t)))))
def test_handle_item_always_gives_valid_output(raw: bytes) -> None:
    result = handle_item(raw)
    if result.dead_letter is not None:
        assert validation_errors(DEAD_LETTER, result.dead_letter) == []
        assert result.candidates == []
    for _key, event in result.candidates:
        assert validation_errors(EVENT, event) == []
