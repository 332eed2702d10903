"""The article fetcher against a local news site: teaser feeds + real-looking pages -> article text.

The site (workers/poll/demo_site.py) wraps corpus articles, read at run time, in navigation, a cookie
banner, ads, related links and reader comments; the poller runs its production path against it.
"""

from __future__ import annotations

import asyncio
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED_DATA, FeedServer, need_shared
from tests.test_poller import RecordingPublisher, counter
from workers.poll.article import TeaserPolicy, char_f1
from workers.poll.demo_site import DemoSite, demo_articles, teaser
from workers.poll.feeds import Feed
from workers.poll.fixtures import rss_document
from workers.poll.seen import SeenStore
from workers.poll.worker import Poller
from workers.settings import Settings

CORPUS = SHARED_DATA / "ant-multisource-2018.jsonl.gz"


@pytest.fixture(scope="module")
def articles() -> list[dict[str, Any]]:
    need_shared(CORPUS)
    return demo_articles(per_outlet=13)[:50]  # 4 outlets report middle-east news in the corpus


@pytest.fixture
def site(articles: list[dict[str, Any]]) -> Iterator[DemoSite]:
    s = DemoSite(list(articles)).start()
    yield s
    s.stop()


def make(
    tmp_path: Path, feeds: list[Feed], allow: str, **overrides: Any
) -> tuple[Poller, RecordingPublisher]:
    overrides.setdefault("crawl_host_delay_s", 0.0)
    overrides.setdefault("article_extract_workers", 0)
    settings = Settings(
        state_dir=str(tmp_path),
        fetch_timeout_s=5.0,
        poll_parse_workers=0,
        crawl_allow_private_hosts=allow,
        **overrides,
    )
    publisher = RecordingPublisher()
    poller = Poller(settings, feeds, publisher, SeenStore(tmp_path / "seen.sqlite3"))  # type: ignore[arg-type]
    return poller, publisher


def site_feeds(site: DemoSite) -> list[Feed]:
    return [Feed(o, o, site.url(f"/feeds/{o}.xml")) for o in site.outlets()]


def poll(poller: Poller) -> dict[str, Any]:
    return {r.feed_id: r for r in asyncio.run(poller.poll_once())}


def test_teaser_feeds_give_items_with_the_article_text_without_boilerplate(
    tmp_path: Path, site: DemoSite, articles: list[dict[str, Any]]
) -> None:
    poller, pub = make(tmp_path, site_feeds(site), site.netloc)
    try:
        reports = poll(poller)
    finally:
        poller.close()
    assert sum(r.new for r in reports.values()) == 50
    by_url = {i["url"]: i for i in pub.items}
    f1s = []
    for art in articles:
        item = by_url[site.url(site.page_path(art))]
        assert item["text_source"] == "article", item["url"]
        assert item["revision"] == 0
        assert len(teaser(art["text"])) < len(item["text"])
        for boilerplate in ("ملفات تعريف الارتباط", "أضف تعليقا", "جميع الحقوق محفوظة", "اقرأ أيضا", "إعلان"):
            assert boilerplate not in item["text"] or boilerplate in art["text"], (boilerplate, item["url"])
        f1s.append(char_f1(item["text"], art["text"]))
    print(f"character F1 over 50 pages: mean {statistics.mean(f1s):.4f}, min {min(f1s):.4f}")
    assert statistics.mean(f1s) >= 0.95 and min(f1s) >= 0.9


def test_robots_disallow_is_honoured(tmp_path: Path, articles: list[dict[str, Any]]) -> None:
    two_outlets = [a for a in articles if a["src"] == "BBC"][:3] + [a for a in articles if a["src"] == "CNN"][
        :3
    ]
    site = DemoSite(two_outlets, disallow=["/bbc/"]).start()
    try:
        before = counter("marsad_article_robots_denied_total")
        poller, pub = make(tmp_path, site_feeds(site), site.netloc)
        try:
            poll(poller)
        finally:
            poller.close()
    finally:
        site.stop()
    assert len(pub.items) == 6
    for item in pub.items:
        expected = "feed" if "/bbc/" in item["url"] else "article"
        assert item["text_source"] == expected, item["url"]
    pages = [p for p, _ in site.requests if p.endswith(".html")]
    assert pages and not [p for p in pages if p.startswith("/bbc/")]
    assert counter("marsad_article_robots_denied_total") - before == sum(
        "/bbc/" in i["url"] for i in pub.items
    )
    assert [p for p, _ in site.requests].count("/robots.txt") == 1  # read once, cached


def test_per_host_delay_is_respected(tmp_path: Path, articles: list[dict[str, Any]]) -> None:
    delay = 0.3
    site = DemoSite(articles[:5]).start()  # one outlet, one host
    try:
        poller, pub = make(tmp_path, site_feeds(site), site.netloc, crawl_host_delay_s=delay)
        try:
            poll(poller)
        finally:
            poller.close()
    finally:
        site.stop()
    assert all(i["text_source"] == "article" for i in pub.items) and len(pub.items) == 5
    # robots.txt and the five pages: each request starts at least `delay` after the one before.
    starts = [t for p, t in site.requests if p == "/robots.txt" or p.endswith(".html")]
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    # Measured where the server receives them: network jitter under load can shift one arrival a little.
    assert len(gaps) == 5 and starts[-1] - starts[0] >= 5 * delay - 0.05 and min(gaps) >= 0.6 * delay, gaps


def test_per_host_concurrency_is_limited(tmp_path: Path, feed_server: FeedServer) -> None:
    in_flight, peak, lock = [0], [0], threading.Lock()

    def slow_page(_req: Any) -> tuple[int, dict[str, str], bytes]:
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.3)
        with lock:
            in_flight[0] -= 1
        return 200, {"Content-Type": "text/html"}, b"<html><body><p>x</p></body></html>"

    feed_server.routes["/robots.txt"] = lambda _r: (404, {}, b"")
    entries = []
    for i in range(6):
        feed_server.routes[f"/p{i}.html"] = slow_page
        entries.append({"title": f"خبر {i}", "link": feed_server.url(f"/p{i}.html"), "description": "نص"})
    feed_server.static("/f.xml", rss_document("t", feed_server.url("/"), entries))
    netloc = f"127.0.0.1:{feed_server.port}"
    poller, _ = make(tmp_path, [Feed("c", "C", feed_server.url("/f.xml"))], netloc, crawl_host_concurrency=2)
    try:
        poll(poller)
    finally:
        poller.close()
    assert peak[0] == 2


def test_retry_after_holds_back_the_next_request_to_the_host(tmp_path: Path, feed_server: FeedServer) -> None:
    at: dict[str, float] = {}

    def page(status: int, headers: dict[str, str]) -> Any:
        def handler(req: Any) -> tuple[int, dict[str, str], bytes]:
            at[req.path] = time.monotonic()
            return status, headers, b"<p>x</p>"

        return handler

    feed_server.routes["/robots.txt"] = lambda _r: (404, {}, b"")
    feed_server.routes["/busy.html"] = page(429, {"Retry-After": "1"})
    feed_server.routes["/next.html"] = page(200, {"Content-Type": "text/html"})
    entries = [
        {"title": f"خبر {i}", "link": feed_server.url(path), "description": "نص"}
        for i, path in enumerate(["/busy.html", "/next.html"])
    ]
    feed_server.static("/f.xml", rss_document("t", feed_server.url("/"), entries))
    netloc = f"127.0.0.1:{feed_server.port}"
    poller, _ = make(tmp_path, [Feed("ra", "R", feed_server.url("/f.xml"))], netloc, crawl_host_concurrency=1)
    try:
        poll(poller)
    finally:
        poller.close()
    assert at["/next.html"] - at["/busy.html"] >= 0.95  # the second page waited for the Retry-After


def test_a_page_redirecting_to_a_private_address_is_refused(tmp_path: Path, feed_server: FeedServer) -> None:
    port = feed_server.port
    secret = f"http://localhost:{port}/secret"  # the same server by a name that resolves to loopback
    feed_server.routes["/secret"] = lambda _r: (200, {"Content-Type": "text/html"}, b"<p>internal</p>" * 100)
    feed_server.routes["/robots.txt"] = lambda _r: (404, {}, b"")
    feed_server.routes["/to-name"] = lambda _r: (302, {"Location": secret}, b"")
    feed_server.routes["/to-literal"] = lambda _r: (302, {"Location": f"http://127.0.0.2:{port}/secret"}, b"")
    feed_server.routes["/to-file"] = lambda _r: (302, {"Location": "file:///etc/passwd"}, b"")
    links = ["/to-name", "/to-literal", "/to-file"]
    entries = [
        {"title": f"خبر {i}", "link": feed_server.url(link), "description": "نص قصير"}
        for i, link in enumerate(links)
    ]
    entries.append({"title": "خبر مباشر", "link": secret, "description": "نص قصير"})  # a private link itself
    feed_server.static("/f.xml", rss_document("t", feed_server.url("/"), entries))
    before = counter("marsad_article_failures_total", reason="refused")
    poller, pub = make(tmp_path, [Feed("ssrf", "S", feed_server.url("/f.xml"))], f"127.0.0.1:{port}")
    try:
        assert poll(poller)["ssrf"].new == 4
    finally:
        poller.close()
    assert [i["text_source"] for i in pub.items] == ["feed"] * 4  # the teaser is kept
    assert "/secret" not in [p for p, _ in feed_server.requests]
    assert counter("marsad_article_failures_total", reason="refused") - before == 4


def test_a_revised_page_is_republished_as_a_revision(tmp_path: Path, articles: list[dict[str, Any]]) -> None:
    site = DemoSite(articles[:3]).start()
    try:
        # revisit on every poll (schedule 0 s), to see a revision without waiting an hour
        poller, pub = make(tmp_path, site_feeds(site), site.netloc, article_revisit_s="0,0")
        try:
            poll(poller)
            first = {i["item_id"]: i for i in pub.items}
            assert len(first) == 3
            revised = articles[1]
            addition = "\nوارتفعت حصيلة القتلى إلى 12 شخصا بحسب مصادر طبية."  # written for this test
            site.revise(revised["docno"], revised["text"] + addition)
            poll(poller)
            again = pub.items[3:]
            poll(poller)  # nothing changed since: nothing republished
            assert pub.items[3 + len(again) :] == []
        finally:
            poller.close()
    finally:
        site.stop()
    assert len(again) == 1, [i["url"] for i in again]
    item = again[0]
    assert item["url"] == site.url(site.page_path(revised))
    assert item["revision"] == 1 and item["item_id"] in first and first[item["item_id"]]["revision"] == 0
    assert (
        "حصيلة القتلى إلى 12" in item["text"] and "حصيلة القتلى إلى 12" not in first[item["item_id"]]["text"]
    )
    assert item["published_at"] == first[item["item_id"]]["published_at"]
    # unchanged pages were revisited with a conditional GET and answered 304
    assert counter("marsad_article_pages_total", outcome="not_modified") >= 2


def test_a_changed_feed_entry_updated_triggers_a_revisit(tmp_path: Path, feed_server: FeedServer) -> None:
    body = {"text": "<p>" + "أعلنت السلطات حصيلة أولية للهجوم بلغت خمسة قتلى. " * 8 + "</p>"}
    feed_server.routes["/robots.txt"] = lambda _r: (404, {}, b"")
    feed_server.routes["/a.html"] = lambda _r: (
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        f"<html><body><article><h1>هجوم</h1>{body['text']}</article></body></html>".encode(),
    )

    def atom(updated: str) -> bytes:
        return (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
            f'<entry><title>هجوم</title><link href="{feed_server.url("/a.html")}"/><id>a</id>'
            f"<updated>{updated}</updated><summary>أعلنت السلطات حصيلة أولية.</summary></entry></feed>"
        ).encode()

    feed_server.static("/f.atom", atom("2018-03-01T10:00:00Z"), "application/atom+xml")
    poller, pub = make(
        tmp_path, [Feed("up", "U", feed_server.url("/f.atom"))], f"127.0.0.1:{feed_server.port}"
    )
    try:
        poll(poller)
        body["text"] = "<p>" + "ارتفعت حصيلة الهجوم إلى تسعة قتلى. " * 8 + "</p>"
        poll(poller)  # same `updated`: no revisit (the schedule's first check is an hour away)
        assert len(pub.items) == 1
        feed_server.static("/f.atom", atom("2018-03-01T12:00:00Z"), "application/atom+xml")
        poll(poller)
    finally:
        poller.close()
    assert [i["revision"] for i in pub.items] == [0, 1]
    assert "تسعة" in pub.items[1]["text"] and pub.items[0]["item_id"] == pub.items[1]["item_id"]


def test_a_failing_page_keeps_the_teaser(tmp_path: Path, feed_server: FeedServer) -> None:
    feed_server.routes["/gone.html"] = lambda _r: (404, {}, b"")
    entries = [{"title": "خبر", "link": feed_server.url("/gone.html"), "description": "جملة أولى من الخبر."}]
    feed_server.static("/f.xml", rss_document("t", feed_server.url("/"), entries))
    poller, pub = make(
        tmp_path, [Feed("gone", "G", feed_server.url("/f.xml"))], f"127.0.0.1:{feed_server.port}"
    )
    try:
        poll(poller)
    finally:
        poller.close()
    assert pub.items[0]["text"] == "جملة أولى من الخبر." and pub.items[0]["text_source"] == "feed"


def test_extraction_runs_in_a_worker_process_with_a_time_cap(
    tmp_path: Path, articles: list[dict[str, Any]]
) -> None:
    site = DemoSite(articles[:2]).start()
    try:
        poller, pub = make(
            tmp_path, site_feeds(site), site.netloc, article_extract_workers=1, parse_timeout_s=0.001
        )
        started = time.monotonic()
        try:
            poll(poller)  # no extraction finishes in 1 ms (the worker process is still starting)
        finally:
            poller.close()
    finally:
        site.stop()
    assert [i["text_source"] for i in pub.items] == ["feed", "feed"]
    assert time.monotonic() - started < 30
    assert counter("marsad_article_failures_total", reason="extract_timeout") >= 2


def test_teaser_policy() -> None:
    policy = TeaserPolicy(max_chars=600)
    assert policy.is_teaser("جملة واحدة.", "عنوان", feed_has_content=False)
    assert policy.is_teaser(
        "ع" * 150, "عنوان", feed_has_content=True
    )  # content, but too short for an article
    assert not policy.is_teaser("ع" * 900, "عنوان", feed_has_content=True)
    assert not policy.is_teaser("ع" * 900, "عنوان", feed_has_content=False)  # a long summary is the article
    assert policy.is_teaser("عنوان", "عنوان", feed_has_content=False)


def test_scheduled_revisits_happen_while_the_feed_answers_304(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    page = {"text": "أعلنت السلطات حصيلة أولية للهجوم بلغت خمسة قتلى. " * 8}
    feed_server.routes["/robots.txt"] = lambda _r: (404, {}, b"")
    feed_server.routes["/a.html"] = lambda _r: (
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        f"<html><body><article><h1>هجوم</h1><p>{page['text']}</p></article></body></html>".encode(),
    )
    feed_a = rss_document(
        "a",
        feed_server.url("/"),
        [{"title": "هجوم", "link": feed_server.url("/a.html"), "description": "حصيلة."}],
    )

    def a_with_etag(req: Any) -> tuple[int, dict[str, str], bytes]:
        if req.headers.get("If-None-Match") == '"a1"':
            return 304, {}, b""
        return 200, {"ETag": '"a1"', "Content-Type": "application/rss+xml"}, feed_a

    feed_server.routes["/a.xml"] = a_with_etag
    feed_server.static("/b.xml", rss_document("b", feed_server.url("/"), []))
    feeds = [Feed("a", "A", feed_server.url("/a.xml")), Feed("b", "B", feed_server.url("/b.xml"))]
    netloc = f"127.0.0.1:{feed_server.port}"
    poller, pub = make(tmp_path, feeds, netloc, article_revisit_s="0")
    try:
        poll(poller)
        page["text"] = "ارتفعت حصيلة الهجوم إلى تسعة قتلى. " * 8
        reports = poll(poller)
    finally:
        poller.close()
    assert reports["a"].outcome == "not_modified"
    assert [i["revision"] for i in pub.items] == [0, 1] and "تسعة" in pub.items[1]["text"]


def test_an_async_caller_gets_the_same_completion(tmp_path: Path, feed_server: FeedServer) -> None:
    """`acomplete` is the hook for a poller whose publish path is a coroutine."""
    from workers.poll.fulltext import ArticleFetcher
    from workers.poll.parse import parse_feed

    feed_server.routes["/robots.txt"] = lambda _r: (404, {}, b"")
    text = "أعلنت السلطات حصيلة أولية للهجوم بلغت خمسة قتلى. " * 8
    feed_server.routes["/a.html"] = lambda _r: (
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        f"<html><body><article><p>{text}</p></article></body></html>".encode(),
    )
    feed = Feed("as", "A", feed_server.url("/f.xml"))
    entries = [{"title": "هجوم", "link": feed_server.url("/a.html"), "description": "حصيلة."}]
    parsed = parse_feed(rss_document("t", feed_server.url("/"), entries), feed)
    settings = Settings(
        state_dir=str(tmp_path),
        crawl_allow_private_hosts=f"127.0.0.1:{feed_server.port}",
        crawl_host_delay_s=0.0,
        article_extract_workers=0,
    )
    fetcher = ArticleFetcher(settings)
    try:
        items = asyncio.run(fetcher.acomplete(feed.id, parsed, parsed.items))
    finally:
        fetcher.close()
    assert [i["text_source"] for i in items] == ["article"] and "خمسة قتلى" in items[0]["text"]


def test_an_article_the_feed_carries_is_stored_without_its_text_and_republished_whole(tmp_path: Path) -> None:
    """The store keeps no copy of text the feed itself carries (revisions compare digests); an item
    whose publish failed is completed again from the feed, text and all, not from the store."""
    from workers.poll.fulltext import ArticleFetcher
    from workers.poll.parse import parse_feed

    body = "قتل خمسة مدنيين في قصف على حي سكني في المدينة، وفق ما أعلنت السلطات المحلية. " * 20
    feed = Feed("full", "Full", "https://full.example/rss")
    entries = [{"title": "قصف", "link": "https://full.example/a/1", "description": body}]
    parsed = parse_feed(rss_document("t", "https://full.example/", entries), feed)
    fetcher = ArticleFetcher(Settings(state_dir=str(tmp_path), article_extract_workers=0))
    try:
        first = fetcher.complete(feed.id, parsed, parsed.items)
        stored = fetcher.store.get(parsed.items[0]["item_id"])
        assert stored is not None and stored.from_feed and stored.digest
        assert "text" not in stored.item and stored.item["title"] == "قصف"
        again = fetcher.complete(feed.id, parsed, parsed.items)  # as after an unacknowledged publish
    finally:
        fetcher.close()
    assert [i["text"] for i in first] == [i["text"] for i in again] == [parsed.items[0]["text"]]
    assert first[0]["text_source"] == again[0]["text_source"] == "feed"


def test_a_page_in_a_pool_another_overrun_replaced_counts_as_a_timeout() -> None:
    """CI saw it (round 12): with one worker, the first page's overrun terminates the pool while the
    second page is in it; the second then failed as «extract_error» (BrokenProcessPool), or, still
    queued, raised CancelledError into the feed's poll. Both are the other page's timeout."""
    from workers.poll.fulltext import ExtractPool, ExtractTimeout

    pool = ExtractPool(workers=1, timeout_s=30.0)
    body = "<html><body><article><p>نص</p></article></body></html>".encode()

    async def scenario() -> None:
        running = asyncio.create_task(pool.extract(body, "http://x/1"))
        queued = asyncio.create_task(pool.extract(body, "http://x/2"))
        await asyncio.sleep(0)  # both submitted to the current pool
        pool.replace(pool.current)  # what the first overrun does
        for task in (running, queued):
            with pytest.raises(ExtractTimeout):
                await task

    try:
        asyncio.run(scenario())
    finally:
        pool.close()
