"""The poller's parse core on messy feeds (written here, not copied from outlets)."""

from __future__ import annotations

from workers.contracts import NEWS_ITEM, validation_errors
from workers.poll.feeds import Feed
from workers.poll.parse import html_to_text, parse_feed

FEED = Feed("t", "Test", "https://t.example/rss")


def rss(items: str, encoding: str = "utf-8", declared: str | None = None) -> bytes:
    head = f'<?xml version="1.0" encoding="{declared or encoding}"?>'
    return (head + f"<rss version='2.0'><channel><title>t</title>{items}</channel></rss>").encode(encoding)


def test_html_is_stripped_and_links_kept() -> None:
    text, links = html_to_text(
        '<p>قصف <b>مدفعي</b> على <a href="/x">حلب</a></p><script>evil()</script><p>ثانيا</p>'
    )
    assert text == "قصف مدفعي على حلب\nثانيا" and links == ["/x"]


def test_entries_become_valid_items_with_absolute_links() -> None:
    body = rss(
        "<item><title>&lt;b&gt;عنوان&lt;/b&gt;</title><link>/news/1?utm_source=x</link>"
        "<description>&lt;p&gt;نص الخبر&lt;/p&gt;</description>"
        "<pubDate>Mon, 11 Mar 2019 09:30:00 +0300</pubDate></item>"
        "<item><title>بلا تاريخ</title><link>https://t.example/2</link><description>نص</description></item>"
    )
    parsed = parse_feed(body, FEED, base_url="https://t.example/rss")
    assert not parsed.rejected and len(parsed.items) == 2
    first, second = parsed.items
    assert first["title"] == "عنوان" and first["text"] == "نص الخبر"
    assert first["url"] == "https://t.example/news/1?utm_source=x"
    assert first["published_at"] == "2019-03-11T06:30:00Z"
    assert second["published_at"] is None  # missing dates stay missing
    assert all(validation_errors(NEWS_ITEM, i) == [] for i in parsed.items)


def test_windows_1256_feed_is_decoded() -> None:
    body = rss(
        "<item><title>اشتباكات في درعا</title><link>https://t.example/3</link>"
        "<description>قتل خمسة</description></item>",
        encoding="windows-1256",
    )
    parsed = parse_feed(body, FEED, content_type="text/xml")
    assert parsed.items[0]["title"] == "اشتباكات في درعا"


def test_mislabelled_charset_header_still_decodes() -> None:
    body = rss(
        "<item><title>غارة جوية</title><link>https://t.example/4</link><description>نص</description></item>"
    )
    parsed = parse_feed(body, FEED, content_type="text/xml; charset=iso-8859-6")
    assert parsed.items and parsed.items[0]["title"] == "غارة جوية"


def test_broken_xml_keeps_what_parses_and_rejects_empty_entries() -> None:
    body = rss(
        "<item><title>خبر أول</title><link>https://t.example/5</link><description>نص</description></item>"
        "<item><title></title><link>https://t.example/6</link><description></description></item>"
        "<item><title>خبر مقطوع"
    )
    parsed = parse_feed(body, FEED)
    assert parsed.bozo
    assert [i["title"] for i in parsed.items][:1] == ["خبر أول"]
    # the empty entry (and the cut-off one, which lost its text) are rejected with a reason, not dropped
    assert parsed.rejected and {r[0] for r in parsed.rejected} == {"schema_violation"}
    assert len(parsed.items) + len(parsed.rejected) == parsed.entries


def test_garbage_is_not_a_feed() -> None:
    parsed = parse_feed(b"\x00\x01 not a feed at all", FEED)
    assert parsed.items == [] and parsed.bozo


def test_a_local_outlets_items_carry_its_home_country() -> None:
    body = rss("<item><title>عنوان</title><link>https://t.example/9</link><description>نص</description></item>")
    local = Feed("local", "Local", "https://t.example/rss", country="SA", home_country="SA")
    for fast in (True, False):
        [item] = parse_feed(body, local, fast=fast).items
        assert item["home_country"] == "SA" and validation_errors(NEWS_ITEM, item) == []
        [item] = parse_feed(body, FEED, fast=fast).items  # a regional outlet declares none
        assert "home_country" not in item
