"""The lxml fast path for plain RSS (workers/poll/rss_fast.py) gives exactly what feedparser gives.

Every document here goes through `parse_feed` twice, with and without the fast path, and the
items, seen-set aliases, entry facts and rejections must be equal; plain documents must actually
take the fast path (or the speed-up would silently vanish), odd ones must still come out equal,
whichever path they take. The documents are written here, or built at run time from the shared
corpus (never copied)."""

from __future__ import annotations

import itertools

import pytest

from workers.poll.feeds import Feed
from workers.poll.fixtures import CORPUS, corpus_articles, rss_document
from workers.poll.parse import ParsedFeed, parse_feed
from workers.poll.rss_fast import rss_entries

FEED = Feed("t", "Test", "https://t.example/rss")
BASE = "https://t.example/rss"
RSS_TYPE = "application/rss+xml; charset=utf-8"
FETCHED = "2026-12-01T07:00:00Z"
CONTENT_NS = 'xmlns:content="http://purl.org/rss/1.0/modules/content/"'


def rss(
    items: str, *, root_attrs: str = "", declaration: str = '<?xml version="1.0" encoding="utf-8"?>'
) -> bytes:
    return (
        f'{declaration}<rss version="2.0" {CONTENT_NS} {root_attrs}><channel><title>t</title>'
        f"<link>https://t.example/</link>{items}</channel></rss>"
    ).encode()


def item(
    *,
    title: str = "قصف على حلب",
    link: str = "https://t.example/a/1",
    guid: str | None = "<guid>https://t.example/a/1</guid>",
    date: str | None = "Mon, 11 Mar 2019 09:30:00 +0300",
    body: str = "<description>قتل ثلاثة مدنيين في قصف على حلب.</description>",
    extra: str = "",
) -> str:
    parts = [f"<title>{title}</title>", f"<link>{link}</link>", guid or "", body, extra]
    if date is not None:
        parts.append(f"<pubDate>{date}</pubDate>")
    return "<item>" + "".join(parts) + "</item>"


def both(body: bytes, content_type: str | None = RSS_TYPE) -> tuple[ParsedFeed, ParsedFeed]:
    kwargs = {"content_type": content_type, "base_url": BASE, "fetched_at": FETCHED}
    return parse_feed(body, FEED, fast=True, **kwargs), parse_feed(body, FEED, fast=False, **kwargs)


def assert_same(body: bytes, content_type: str | None = RSS_TYPE) -> ParsedFeed:
    fast, slow = both(body, content_type)
    assert fast.items == slow.items
    assert fast.aliases == slow.aliases
    assert fast.meta == slow.meta
    assert fast.entries == slow.entries
    assert [(reason, error) for reason, error, _ in fast.rejected] == [
        (reason, error) for reason, error, _ in slow.rejected
    ]
    return fast


PLAIN = {
    "one item": rss(item()),
    "no guid": rss(item(guid=None)),
    "guid not a permalink": rss(item(guid='<guid isPermaLink="false">12345</guid>')),
    "guid a relative permalink": rss(item(guid="<guid>story/12345</guid>")),
    "GMT date": rss(item(date="Tue, 12 Mar 2019 23:59:59 GMT")),
    "no weekday, no seconds": rss(item(date="5 Jan 2019 07:05 -0130")),
    "no date": rss(item(date=None)),
    "no title": rss(item(title="")),
    "escaped HTML body": rss(
        item(body="<description>&lt;p&gt;قتل &lt;a href='/x'&gt;ثلاثة&lt;/a&gt;&lt;/p&gt;</description>")
    ),
    "CDATA body": rss(item(body="<description><![CDATA[<p>قتل <b>ثلاثة</b> &amp; جرح</p>]]></description>")),
    "entities in title": rss(item(title="AT&amp;T &lt;b&gt;قصف&lt;/b&gt;")),
    "content:encoded": rss(
        item(
            extra="<content:encoded><![CDATA[<p>النص الكامل للخبر عن القصف.</p><p>فقرة ثانية</p>]]></content:encoded>"
        )
    ),
    "whitespace around values": rss(item(title="\n  قصف  \n", link="\n https://t.example/a/2 \n")),
    "tracking parameters": rss(item(link="https://www.t.example/a/3?utm_source=rss&amp;id=7")),
    "author, category, enclosure": rss(
        item(
            extra='<author>x@t.example</author><category>سياسة</category><enclosure url="https://t.example/i.jpg" type="image/jpeg" length="1"/>'
        )
    ),
    "many items": rss("".join(item(link=f"https://t.example/a/{i}", title=f"خبر {i}") for i in range(30))),
    "repeated guid": rss(
        item(link="https://t.example/a/1", guid="<guid>g</guid>")
        + item(link="https://t.example/a/2", guid="<guid>g</guid>")
    ),
    "same story twice": rss(item() + item()),
}

ODD = {
    "relative link": rss(item(link="/a/9")),
    "javascript link": rss(item(link="javascript:alert(1)")),
    "empty link": rss(item(link="")),
    "double-escaped query": rss(item(link="https://t.example/a?x=1&amp;amp;y=2")),
    "entity-like query": rss(item(link="https://t.example/a?x=1&amp;y;")),
    "three slashes": rss(item(link="https://///t.example/a/1")),
    "guid isPermaLink=True": rss(item(guid='<guid isPermaLink="True">12345</guid>')),
    "urn guid": rss(item(guid="<guid>urn:uuid:1234</guid>")),
    "date with zone name": rss(item(date="Mon, 11 Mar 2019 09:30:00 EST")),
    "two-digit year": rss(item(date="Mon, 11 Mar 19 09:30:00 GMT")),
    "ISO date": rss(item(date="2019-03-11T09:30:00Z")),
    "31 February": rss(item(date="Thu, 31 Feb 2019 09:30:00 GMT")),
    "dc:date": rss(
        item(
            date=None,
            extra='<dc:date xmlns:dc="http://purl.org/dc/elements/1.1/">2019-03-11T09:30:00Z</dc:date>',
        )
    ),
    "media:title": rss(
        item(extra='<media:title xmlns:media="http://search.yahoo.com/mrss/">عنوان آخر</media:title>')
    ),
    "media:group": rss(
        item(
            extra='<media:group xmlns:media="http://search.yahoo.com/mrss/"><media:description>x</media:description></media:group>'
        )
    ),
    "raw markup in description": rss(item(body="<description><p>قتل ثلاثة</p></description>")),
    "comment in title": rss(item(title="قصف<!-- x --> على حلب")),
    "two links": rss(item(extra="<link>https://t.example/a/other</link>")),
    "xml:base": rss(item(), root_attrs='xml:base="https://other.example/"'),
    "no-break space and C1": rss(item(title="قصف\u00a0على\u0085حلب")),
    "no-break space in Arabic": rss(item(title="قصف\u00a0على حلب")),
    "no-break space alone": rss(item(title="Gaza\u00a0strike")),
    "Latin-1 text": rss(item(title="Ã©tÃ© café")),
    "source element": rss(item(extra='<source url="https://s.example/rss">المصدر</source>')),
    "no declaration": rss(item(), declaration=""),
    "RSS 0.91": rss(item()).replace(b'version="2.0"', b'version="0.91"'),
    "RSS 1.0 (RDF)": (
        '<?xml version="1.0" encoding="utf-8"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://t.example/"><title>t</title></channel>'
        '<item rdf:about="https://t.example/a/1"><title>قصف</title><link>https://t.example/a/1</link>'
        "<description>قتل ثلاثة</description></item></rdf:RDF>"
    ).encode(),
    "Atom": (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        '<entry><title>قصف</title><link href="https://t.example/a/1"/><id>urn:x:1</id>'
        "<updated>2019-03-11T09:30:00Z</updated><summary>قتل ثلاثة</summary></entry></feed>"
    ).encode(),
    "DOCTYPE with an entity": (
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE rss [<!ENTITY x "قصف">]><rss version="2.0"><channel>'
        "<title>t</title><item><title>&x;</title><link>https://t.example/a/1</link></item></channel></rss>"
    ).encode(),
    "not well-formed": rss(item()).replace(b"</channel>", b""),
    "windows-1256": (
        '<?xml version="1.0" encoding="windows-1256"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>قصف على حلب</title><link>https://t.example/a/1</link><description>قتل ثلاثة</description>"
        "</item></channel></rss>"
    ).encode("cp1256"),
}


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_plain_rss_takes_the_fast_path_and_matches_feedparser(name: str) -> None:
    body = PLAIN[name]
    assert rss_entries(body, RSS_TYPE, BASE) is not None, "a plain RSS document fell back to feedparser"
    parsed = assert_same(body)
    assert parsed.items or name == "no title"


@pytest.mark.parametrize("name", sorted(ODD))
def test_odd_documents_come_out_as_feedparser_reads_them(name: str) -> None:
    assert_same(ODD[name])


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/xml",
        "text/xml; charset=utf-8",
        "application/xml",
        "text/html",
        "application/rss+xml; charset=iso-8859-6",
    ],
)
def test_content_types(content_type: str | None) -> None:
    assert_same(PLAIN["one item"], content_type)


def test_documents_feedparser_must_read_are_declined() -> None:
    for name in (
        "Atom",
        "RSS 1.0 (RDF)",
        "media:title",
        "dc:date",
        "xml:base",
        "DOCTYPE with an entity",
        "relative link",
    ):
        assert rss_entries(ODD[name], RSS_TYPE, BASE) is None, name
    assert rss_entries(PLAIN["one item"], "text/html", BASE) is None
    assert rss_entries(PLAIN["one item"], None, BASE) is None


@pytest.mark.skipif(not CORPUS.exists(), reason=f"{CORPUS} not found: the shared data folder is absent")
def test_corpus_articles_as_feeds_match_feedparser() -> None:
    """Real Arabic titles and bodies (800 articles of the multi-outlet corpus, read at run time)."""
    articles = list(itertools.islice(corpus_articles(("middleEast", "internationalNews")), 800))
    fast = 0
    for start in range(0, len(articles), 40):
        entries = [
            {"title": a["title"], "link": a["url"], "description": a["text"], "pubDate": a["time"]}
            for a in articles[start : start + 40]
        ]
        body = rss_document("corpus", "https://t.example/", entries)
        assert_same(body)
        fast += rss_entries(body, RSS_TYPE, BASE) is not None
    assert fast >= 15, f"only {fast} of 20 corpus feeds took the fast path"
