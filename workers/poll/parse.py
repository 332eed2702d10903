"""Pure core of the poll stage: feed bytes -> validated news items (+ the entries that failed).

feedparser does the heavy lifting (RSS/Atom/RDF, bozo feeds, declared and sniffed charsets); this
module turns its entries into plain-text items that satisfy schemas/news_item.json. Plain RSS 2.0
documents take a fast path (`rss_fast.py`, lxml) that yields the same entries at about a twentieth
of feedparser's CPU.
"""

from __future__ import annotations

import calendar
import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import feedparser

from workers.contracts import NEWS_ITEM, ContractError, now_iso, validation_errors
from workers.poll.article import ArticleText
from workers.poll.feeds import Feed
from workers.poll.identity import content_key, guid_key, item_id_for, safe_url
from workers.poll.rss_fast import rss_entries

_BLOCK_TAGS = {
    "p",
    "br",
    "div",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "section",
    "article",
}
_SKIP_TAGS = {"script", "style", "noscript", "iframe", "object"}
# Runs of blanks, or one blank that is not a plain space (a lone space is left alone: substituting
# every space by itself was a fifth of a parse worker's CPU).
_SPACES = re.compile(r"[ \t\u00a0\u200b]{2,}|[\t\u00a0\u200b]")
_NEWLINES = re.compile(r"\s*\n\s*")


class _TextAndLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self._skip:
            self._skip -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> tuple[str, list[str]]:
    """Strip HTML to readable text (paragraphs kept as newlines) and collect the links."""
    if "<" not in markup and "&" not in markup:
        return _tidy(markup), []
    parser = _TextAndLinks()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # noqa: BLE001 - malformed markup: fall back to a crude strip
        return _tidy(html.unescape(re.sub(r"<[^>]*>", " ", markup))), []
    return _tidy("".join(parser.parts)), parser.links


def _tidy(text: str) -> str:
    text = _SPACES.sub(" ", text.replace("\r", "\n"))
    return (_NEWLINES.sub("\n", text) if "\n" in text else text).strip()


@dataclass(frozen=True)
class EntryMeta:
    """What the article fetcher needs to know of an entry beyond the item (workers/poll/fulltext.py)."""

    has_content: bool  # the feed carries the article (content:encoded, Atom content), not a summary
    updated: str | None  # the entry's `updated` as the feed states it: a change means a revised article
    # Revision digest of the item's text (article.ArticleText.digest), computed here in the parse
    # worker: in the poller process it was 7% of the CPU on feeds of real articles.
    text_digest: str | None = None


@dataclass
class ParsedFeed:
    items: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[tuple[str, str, dict[str, Any]]] = field(
        default_factory=list
    )  # (reason, error, raw entry)
    bozo: str | None = None  # feedparser's complaint about the document, if any
    entries: int = 0
    # item_id -> further seen-set keys naming the same article (feed guid, content fingerprint)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    meta: dict[str, EntryMeta] = field(default_factory=dict)  # item_id -> entry facts


def _iso(struct: Any) -> str | None:
    if not struct:
        return None
    try:
        ts = calendar.timegm(struct)
        return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    except (TypeError, ValueError, OverflowError):
        return None


def entry_to_item(
    entry: Any, feed: Feed, base_url: str, fetched_at: str, max_text_chars: int
) -> dict[str, Any]:
    """One feedparser entry -> news item dict (not yet validated)."""
    link = _absolute(base_url, entry.get("link") or "") or ""
    title, title_links = html_to_text(entry.get("title") or "")
    bodies = [c.get("value", "") for c in entry.get("content") or [] if isinstance(c, dict)]
    body_html = max(bodies, key=len) if bodies else (entry.get("summary") or entry.get("description") or "")
    text, body_links = html_to_text(body_html)
    if not text:
        text = title
    published = _iso(entry.get("published_parsed")) or _iso(entry.get("updated_parsed"))
    item = {
        "schema_version": 1,
        "item_id": item_id_for(link or None, entry.get("id"), f"{feed.id}|{title}|{published}"),
        "feed_id": feed.id,
        "source": feed.name,
        "url": link[:4096],
        "title": title[:2000],
        "text": text[:max_text_chars],
        "language": (entry.get("language") or feed.language or "ar")[:16],
        "published_at": published,
        "fetched_at": fetched_at,
        "links": [u[:4096] for u in _safe_links(base_url, title_links + body_links)],
    }
    if feed.home_country:
        item["home_country"] = feed.home_country
    return item


def _absolute(base_url: str, href: str) -> str | None:
    """An absolute http(s) URL for a link, or None (javascript:, data:, mailto:, broken)."""
    cleaned = safe_url(href) or "".join(ch for ch in href if ch.isprintable()).strip()
    try:
        return safe_url(urljoin(base_url, cleaned)) if cleaned else None
    except ValueError:
        return None


def _safe_links(base_url: str, hrefs: list[str], limit: int = 200) -> list[str]:
    links = []
    for href in hrefs:
        url = _absolute(base_url, href)
        if url:
            links.append(url)
            if len(links) == limit:
                break
    return links


def _aliases(feed: Feed, entries: list[Any], items: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Guid and content keys per item. Guids count only when they are unique in the document:
    a feed that repeats one guid over several stories has no usable guids."""
    guids = [str(e.get("id") or "").strip() for e in entries]
    usable = len(set(g for g in guids if g)) == sum(1 for g in guids if g)
    aliases: dict[str, list[str]] = {}
    for entry, item in zip(entries, items, strict=True):
        guid = str(entry.get("id") or "").strip()
        keys = [content_key(feed.id, item["title"], item["text"])]
        if usable and guid:
            keys.append(guid_key(feed.id, guid))
        aliases[item["item_id"]] = keys
    return aliases


def parse_feed(
    body: bytes,
    feed: Feed,
    *,
    content_type: str | None = None,
    base_url: str | None = None,
    fetched_at: str | None = None,
    max_text_chars: int = 100_000,
    fast: bool = True,
) -> ParsedFeed:
    """Parse fetched bytes; keep every entry that yields a valid item, reject the rest with a reason.

    `fast=False` always uses feedparser (the tests compare both paths)."""
    entries = rss_entries(body, content_type, base_url or feed.url) if fast else None
    bozo = None
    if entries is None:
        headers = {"content-type": content_type} if content_type else {}
        headers["content-location"] = base_url or feed.url
        parsed = feedparser.parse(
            body, response_headers=headers, sanitize_html=False, resolve_relative_uris=False
        )
        entries = parsed.entries
        if parsed.get("bozo"):
            bozo = f"{type(parsed.get('bozo_exception')).__name__}: {parsed.get('bozo_exception')}"[:500]
    result = ParsedFeed(entries=len(entries), bozo=bozo)
    fetched_at = fetched_at or now_iso()
    kept: list[Any] = []
    for entry in entries:
        try:
            item = entry_to_item(entry, feed, base_url or feed.url, fetched_at, max_text_chars)
        except Exception as exc:  # noqa: BLE001 - one odd entry must not sink the feed
            result.rejected.append(("feed_entry_invalid", f"{type(exc).__name__}: {exc}", dict(entry)))
            continue
        errors = validation_errors(NEWS_ITEM, item)
        if errors:
            result.rejected.append(("schema_violation", "; ".join(errors), item))
        else:
            result.items.append(item)
            kept.append(entry)
            result.meta[item["item_id"]] = EntryMeta(
                has_content=bool(entry.get("content")),
                updated=entry.get("updated") or None,
                text_digest=ArticleText(item["text"]).digest,
            )
    result.aliases = _aliases(feed, kept, result.items)
    return result


__all__ = ["ParsedFeed", "parse_feed", "html_to_text", "entry_to_item", "ContractError"]
