"""Item identity under URL noise, and hostile link schemes (issue 16)."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import FeedServer
from tests.test_poller import make
from workers.contracts import encode
from workers.poll.feeds import Feed
from workers.poll.fixtures import rss_document
from workers.poll.identity import canonical_url, safe_url
from workers.poll.parse import parse_feed
from workers.process.handlers import LocalPipeline

FEED = Feed("f", "F", "https://o.example/rss")
# A story the extractor turns into an event, so republishing would show as new event versions.
VIOLENT = "قال مسؤول محلي إن اشتباكات اندلعت بين قوات الأمن ومسلحين في مدينة حلب وأسفرت عن مقتل ثلاثة أشخاص."

HOSTILE = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "  javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x01javascript:alert(1)",
    "\u200bjavascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
]


@pytest.mark.parametrize("href", HOSTILE)
def test_only_http_urls_leave_the_poller(href: str) -> None:
    entry = {
        "title": "خبر",
        "link": href,
        "guid": "urn:x:1",
        "description": f'<p>نص <a href="{href}">رابط</a> <a href="/ok/1">داخلي</a></p>',
    }
    parsed = parse_feed(rss_document("t", "https://o.example/", [entry]), FEED)
    assert len(parsed.items) == 1, parsed.rejected
    item = parsed.items[0]
    # Dropped, or (where the feed parser already resolved it as a relative path) a harmless https URL.
    assert item["url"] == "" or item["url"].startswith("https://o.example/")
    assert "https://o.example/ok/1" in item["links"]
    assert all(urlsplit(u).scheme == "https" for u in item["links"])
    assert safe_url(href) is None


def test_session_and_tracking_parameters_are_not_identity() -> None:
    base = "https://o.example/news/1"
    for noisy in (
        base + "?sid=8f3a",
        base + "?PHPSESSID=abc&utm_campaign=x",
        base + ";jsessionid=0A1B2C",
        base + "?fbclid=IwAR&gclid=Cj0&mtm_source=x",
        "http://WWW.o.example/news/1/?sessionid=1#frag",
    ):
        assert canonical_url(noisy) == base, noisy
    assert canonical_url(base + "?id=5&sid=1") == base + "?id=5"


def _noisy_feed(poll: int, kind: str) -> bytes:
    """20 stories; every poll changes each link in the way `kind` says."""
    token = uuid.uuid4().hex[:12]
    entries: list[dict[str, Any]] = []
    for i in range(20):
        link = f"https://o.example/story/{i}"
        entry = {"title": f"عنوان الخبر {i}", "description": f"{VIOLENT} (الخبر رقم {i})"}
        if kind == "session-id":  # known session parameter in the query and in the path
            entry["link"] = f"{link};jsessionid={token}?sid={token}"
        elif kind == "stable-guid":  # an unknown parameter, but a stable guid
            entry["link"], entry["guid"] = f"{link}?v={token}", f"urn:o:{i}"
        else:  # new URL and new guid every poll: only the content says it is the same story
            entry["link"] = entry["guid"] = f"https://o.example/{token}/{i}"
        entries.append(entry)
    return rss_document("t", "https://o.example/", entries)


@pytest.mark.parametrize("kind", ["session-id", "stable-guid", "same-content"])
def test_a_feed_changing_links_every_poll_publishes_each_story_once(
    tmp_path: Path, feed_server: FeedServer, kind: str
) -> None:
    poll_no = {"n": 0}

    def handler(_req: Any) -> tuple[int, dict[str, str], bytes]:
        poll_no["n"] += 1
        return 200, {"Content-Type": "application/rss+xml"}, _noisy_feed(poll_no["n"], kind)

    feed_server.routes["/noisy.xml"] = handler
    poller, pub = make(tmp_path, [Feed("noisy", "Noisy", feed_server.url("/noisy.xml"))])
    pipeline = LocalPipeline()
    versions = []
    for _ in range(3):
        before = len(pub.items)
        asyncio.run(poller.poll_once())
        for item in pub.items[before:]:
            pipeline.feed(encode(item))
        versions.append(pipeline.emitted)
    assert len(pub.items) == 20
    assert versions[0] > 0  # the stories do make events
    assert versions[1] == versions[0] == versions[2]  # no new event versions after the first poll


def test_a_feed_reusing_one_guid_is_not_merged(tmp_path: Path, feed_server: FeedServer) -> None:
    entries = [
        {"title": f"خبر {i}", "link": f"https://o.example/n/{i}", "guid": "same", "description": f"نص {i}"}
        for i in range(5)
    ]
    feed_server.static("/g.xml", rss_document("t", "https://o.example/", entries))
    poller, pub = make(tmp_path, [Feed("g", "G", feed_server.url("/g.xml"))])
    asyncio.run(poller.poll_once())
    assert len(pub.items) == 5
