"""Fast path of the poll stage's parser: plain RSS 2.0 documents read by lxml, in C.

Why: feedparser runs a Python handler for every element. On the 20-item feeds of
`bench/poll_benchmark.py` it took 7.5 ms of a parse worker's CPU per feed; lxml reads the same
document in 0.36 ms. With feedparser in every parse worker the poller could not beat a naive
`feedparser.parse(url)` loop by much on 2 cores (issue 16 asks for 1.5x).

What: `rss_entries` returns the entries of a document in feedparser's shape (the keys
`entry_to_item` reads: title, link, id, summary, content, published, published_parsed, updated),
or None, and `parse_feed` then hands the document to feedparser. It answers only where it gives
what feedparser gives, so the fast path is an optimisation and never a second dialect:
- an `rss` root of version 2.0 / 0.91 / 0.92 with its items in one `channel` (no Atom, no RSS 1.0);
- a declared XML content type with a UTF-8 charset (or an XML media type that implies it and a
  UTF-8 or absent XML declaration); no DOCTYPE (entities), no `xml:base` / `base` attributes;
- items whose children are all leaf elements of a short list (those that feed our fields, plus
  author, category, comments, enclosure, dc:creator), each field at most once; media titles,
  descriptions and the like, which feedparser maps onto title and summary, send the document on;
- an absolute http(s) link, an RFC 822 pubDate with a numeric or UTC zone, and text values free of
  the characters feedparser rewrites (C1 controls, Latin-1 it may re-decode as UTF-8).
Anything else (about every feed that is not plain RSS) goes to feedparser.
`tests/test_poll_parse_fast.py` checks that both paths give the same items on every fixture feed
and on the edge cases above.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

RSS_VERSIONS = {"2.0", "0.91", "0.92", "0.93", "0.94"}
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
CONTENT_ENCODED = f"{{{CONTENT_NS}}}encoded"
# Item children that feed our fields (each at most once) or that feedparser keeps apart from them.
FIELD_TAGS = {"title", "link", "description", "guid", "pubDate", CONTENT_ENCODED}
OTHER_TAGS = {"author", "category", "comments", "enclosure", f"{{{DC_NS}}}creator"}
XML_MEDIA_TYPES = {"application/rss+xml", "application/xml", "application/x-rss+xml", "text/xml"}
MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s*)?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"(\d{4}) (\d{2}):(\d{2})(?::(\d{2}))? ([+-]\d{4}|GMT|UT|UTC|Z)"
)
_ENTITY_LIKE = re.compile(r"&\w+;|&amp;")  # feedparser rewrites these in links
_C1 = re.compile("[\x80-\x9f]")
_LATIN1 = re.compile("[\xa0-\xff]")
_BEYOND_LATIN1 = re.compile("[^\x00-\xff]")
_HEAD_BYTES = 1024
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class NotPlainRss(Exception):
    """The document needs feedparser (the reason is for tests and logs)."""


def rss_entries(body: bytes, content_type: str | None, base_url: str) -> list[dict[str, Any]] | None:
    """feedparser-shaped entries of a plain RSS document, or None when feedparser must read it."""
    try:
        return _entries(body, content_type, base_url)
    except NotPlainRss:
        return None


def _entries(body: bytes, content_type: str | None, base_url: str) -> list[dict[str, Any]]:
    _check_encoding(body, content_type)
    if b"base=" in body:  # xml:base or base on any element moves feedparser's link resolution
        raise NotPlainRss("base attribute")
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise NotPlainRss(f"not well-formed: {exc}") from exc
    if root.tag != "rss" or root.get("version") not in RSS_VERSIONS:
        raise NotPlainRss("not RSS 2.0")
    channels = root.findall("channel")
    if len(channels) != 1:
        raise NotPlainRss("not one channel")
    items = channels[0].findall("item")
    if len(root.findall(".//item")) != len(items):
        raise NotPlainRss("items outside the channel")
    return [_entry(item, base_url) for item in items]


def _check_encoding(body: bytes, content_type: str | None) -> None:
    if not content_type:
        raise NotPlainRss("no content type")  # feedparser flags the document (bozo)
    media, _, params = content_type.partition(";")
    media = media.strip().lower()
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower()
    if media not in XML_MEDIA_TYPES:
        raise NotPlainRss(f"content type {media}")
    head = body[:_HEAD_BYTES]
    if b"<!DOCTYPE" in head.upper() or body.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        raise NotPlainRss("doctype or byte-order mark")
    declared = re.search(rb"""^<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""", head)
    declared_utf8 = declared is None or declared.group(1).lower() in (b"utf-8", b"utf8")
    if charset is not None and charset not in ("utf-8", "utf8"):
        raise NotPlainRss(f"charset {charset}")
    if not declared_utf8 or (charset is None and media == "text/xml"):
        raise NotPlainRss("encoding not plainly UTF-8")  # RFC 3023 defaults text/xml to ASCII


def _text(element: Any) -> str:
    if len(element):
        raise NotPlainRss(f"markup inside <{element.tag}>")
    value = (element.text or "").strip()
    # feedparser maps C1 controls to cp1252 letters, and re-decodes a value made only of Latin-1
    # letters as UTF-8 when it can (mojibake repair); a value with Arabic letters it leaves alone.
    if _C1.search(value) or (_LATIN1.search(value) and not _BEYOND_LATIN1.search(value)):
        raise NotPlainRss("C1 or Latin-1 characters")
    return value


def _entry(item: Any, base_url: str) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for child in item:
        tag = child.tag
        if tag in FIELD_TAGS:
            if tag in fields:
                raise NotPlainRss(f"two <{tag}> in an item")
            fields[tag] = child
        elif tag not in OTHER_TAGS or len(child):
            raise NotPlainRss(f"item child {tag!r}")
    entry: dict[str, Any] = {}
    if "link" not in fields:
        raise NotPlainRss("item without a link")
    link = _text(fields["link"])
    if not link or _ENTITY_LIKE.search(link) or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:///", link):
        raise NotPlainRss("link feedparser would rewrite")
    joined = urljoin(base_url, link)
    if not _is_http(link) or not _is_http(joined):
        raise NotPlainRss("link not absolute http(s)")
    entry["link"] = joined
    title = _text(fields["title"]) if "title" in fields else ""
    if title:
        entry["title"] = title
    if "guid" in fields:
        guid_element = fields["guid"]
        guid = _text(guid_element)
        is_link = _attribute(guid_element, "ispermalink", "true") == "true"
        if guid and is_link:
            guid = urljoin(base_url, guid)
            if not _is_http(guid):
                raise NotPlainRss("guid feedparser would resolve oddly")
        if guid:
            entry["id"] = guid
    if "description" in fields:
        entry["summary"] = _text(fields["description"])
    if CONTENT_ENCODED in fields:
        value = _text(fields[CONTENT_ENCODED])
        entry["content"] = [{"value": value}]
        entry["summary"] = value  # feedparser copies HTML content to the summary
    if "pubDate" in fields:
        raw = _text(fields["pubDate"])
        if raw:
            entry["published"] = entry["updated"] = raw  # feedparser answers `updated` with it
            entry["published_parsed"] = _rfc822(raw)
    return entry


def _attribute(element: Any, name: str, default: str) -> str:
    for key, value in element.attrib.items():
        if key.lower() == name:
            return value
    return default


def _is_http(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _rfc822(raw: str) -> time.struct_time:
    match = _RFC822.fullmatch(raw)
    if not match:
        raise NotPlainRss("date not in plain RFC 822 form")
    day, month, year, hour, minute, second, zone = match.groups()
    try:  # datetime checks the fields (no 31 February) and gives the UTC seconds in one step
        stamp = datetime(int(year), MONTHS[month], int(day), int(hour), int(minute), int(second or 0), tzinfo=UTC)
    except (ValueError, OverflowError) as exc:
        raise NotPlainRss("date out of range") from exc
    seconds = int(stamp.timestamp())
    if zone[0] in "+-":
        offset = int(zone[1:3]) * 3600 + int(zone[3:5]) * 60
        seconds -= offset if zone[0] == "+" else -offset
    return time.gmtime(seconds)


__all__ = ["NotPlainRss", "rss_entries"]
