"""The poller against a local HTTP server that plays real failure modes.

The broker side is a recording publisher (the real one is exercised end to end in
test_pipeline_e2e and test_poller_restart); here each HTTP behaviour gets checked.
"""

from __future__ import annotations

import asyncio
import gzip
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FeedServer
from workers import metrics
from workers.contracts import encode
from workers.poll.feeds import Feed
from workers.poll.fixtures import rss_document
from workers.poll.publish import BatchResult, Watermark
from workers.poll.seen import PublishedItem, SeenStore
from workers.poll.worker import Poller
from workers.settings import Settings


class RecordingPublisher:
    """Stands in for the Kafka publisher: records what would be published (one partition)."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.dead: list[dict[str, Any]] = []
        self.watermark = Watermark()

    async def publish_batch(
        self, items: list[dict[str, Any]], aliases: dict[str, list[str]] | None = None
    ) -> BatchResult:
        result = BatchResult()
        for item in items:
            self.items.append(item)
            offset = len(self.items) - 1
            self.watermark.acked(0, offset)
            aka = tuple((aliases or {}).get(item["item_id"], ()))
            result.published.append(PublishedItem(item["item_id"], aka, 0, offset, encode(item)))
        return result

    def dead_letter(self, record: dict[str, Any]) -> None:
        self.dead.append(record)


def entries(n: int, prefix: str = "a") -> list[dict[str, str]]:
    return [
        {
            "title": f"خبر {prefix} {i}",
            "link": f"https://o.example/{prefix}/{i}",
            "description": f"نص الخبر {i}",
            "pubDate": "Mon, 11 Mar 2019 09:30:00 +0000",
        }
        for i in range(n)
    ]


def make(tmp_path: Path, feeds: list[Feed], **overrides: Any) -> tuple[Poller, RecordingPublisher]:
    overrides.setdefault("allow_private_redirects", True)  # the test server is on loopback
    overrides.setdefault("poll_parse_workers", 0)  # parse in threads: no process start per test
    overrides.setdefault("fetch_articles", False)  # feeds only (pages: tests/test_article_fetch.py)
    settings = Settings(state_dir=str(tmp_path), fetch_timeout_s=1.5, max_body_bytes=2_000_000, **overrides)
    publisher = RecordingPublisher()
    return Poller(settings, feeds, publisher, SeenStore(tmp_path / "seen.sqlite3")), publisher  # type: ignore[arg-type]


def poll(poller: Poller) -> dict[str, Any]:
    return {r.feed_id: r for r in asyncio.run(poller.poll_once())}


def counter(name: str, **labels: str) -> float:
    return sum(
        s.value
        for m in metrics.families()
        for s in m.samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    )


def test_conditional_get_and_no_repeats(tmp_path: Path, feed_server: FeedServer) -> None:
    body = rss_document("t", "https://o.example/", entries(3))

    def handler(req: Any) -> tuple[int, dict[str, str], bytes]:
        if req.headers.get("If-None-Match") == '"v1"':
            return 304, {}, b""
        return 200, {"ETag": '"v1"', "Content-Type": "application/rss+xml"}, body

    feed_server.routes["/f.xml"] = handler
    poller, pub = make(tmp_path, [Feed("cg", "CG", feed_server.url("/f.xml"))])
    first = poll(poller)["cg"]
    assert (first.outcome, first.new) == ("ok", 3)
    second = poll(poller)["cg"]
    assert second.outcome == "not_modified"
    assert feed_server.requests[-1][1].get("If-None-Match") == '"v1"'
    assert len(pub.items) == 3
    assert counter("marsad_feed_polls_total", feed="cg", outcome="not_modified") == 1


def test_same_items_seen_again_are_not_republished(tmp_path: Path, feed_server: FeedServer) -> None:
    url = feed_server.static("/f.xml", rss_document("t", "https://o.example/", entries(4)))
    poller, pub = make(tmp_path, [Feed("rep", "Rep", url)])
    poll(poller)
    # the outlet adds one story; tracking parameters do not make old ones new
    more = entries(4) + [
        {"title": "جديد", "link": "https://o.example/a/new?utm_source=rss", "description": "نص"}
    ]
    for e in more[:4]:
        e["link"] += "?utm_medium=feed"
    feed_server.static("/f.xml", rss_document("t", "https://o.example/", more))
    report = poll(poller)["rep"]
    assert (report.new, report.seen) == (1, 4)
    assert len(pub.items) == 5


@pytest.mark.parametrize(
    ("status", "headers", "kind"),
    [(500, {}, "http_5xx"), (404, {}, "http_4xx"), (429, {"Retry-After": "120"}, "http_429")],
)
def test_http_errors_back_off(
    tmp_path: Path, feed_server: FeedServer, status: int, headers: dict, kind: str
) -> None:
    feed_server.routes["/e.xml"] = lambda _r: (status, headers, b"no")
    poller, pub = make(tmp_path, [Feed("err", "Err", feed_server.url("/e.xml"))], poll_interval_s=10)
    before = counter("marsad_feed_errors_total", feed="err", kind=kind)
    report = poll(poller)["err"]
    assert (report.outcome, report.error) == ("error", kind)
    assert counter("marsad_feed_errors_total", feed="err", kind=kind) == before + 1
    delay = poller.states["err"].next_due - time.monotonic()
    assert delay > 10  # backoff beyond the normal interval
    if status == 429:
        assert delay >= 119  # Retry-After honoured
    assert pub.items == []


def test_timeouts_and_slow_bodies(tmp_path: Path, feed_server: FeedServer) -> None:
    def slow_headers(_req: Any) -> tuple[int, dict[str, str], bytes]:
        time.sleep(3)
        return 200, {}, b""

    def slow_body(req: Any) -> tuple[int, dict[str, str], bytes]:
        req.send_response(200)
        req.send_header("Content-Length", "100000")
        req.end_headers()
        for _ in range(30):  # trickles 30 bytes over 3 s
            req.wfile.write(b" ")
            req.wfile.flush()
            time.sleep(0.1)
        raise ConnectionResetError  # stop without writing the rest

    feed_server.routes["/slow-headers"] = slow_headers
    feed_server.routes["/slow-body"] = slow_body
    feeds = [
        Feed("sh", "SH", feed_server.url("/slow-headers")),
        Feed("sb", "SB", feed_server.url("/slow-body")),
    ]
    poller, _ = make(tmp_path, feeds)
    started = time.monotonic()
    reports = poll(poller)
    assert time.monotonic() - started < 3.0  # the 1.5 s timeout covers the whole body
    assert reports["sh"].error == "timeout" and reports["sb"].error == "timeout"


def test_huge_bodies_are_capped(tmp_path: Path, feed_server: FeedServer) -> None:
    def declared(_req: Any) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Content-Length": str(50 * 1024 * 1024)}, b""

    def streamed(req: Any) -> tuple[int, dict[str, str], bytes]:
        req.send_response(200)
        req.send_header("Transfer-Encoding", "chunked")
        req.end_headers()
        chunk = b"<rss>" + b"x" * 65536
        for _ in range(800):  # 50 MB if nobody stops reading
            req.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        raise ConnectionResetError

    bomb = gzip.compress(b"<rss>" + b" " * (50 * 1024 * 1024))  # 50 MB that gzips to ~50 KB
    feed_server.routes["/declared"] = declared
    feed_server.routes["/streamed"] = streamed
    feed_server.routes["/gzip"] = lambda _r: (200, {"Content-Encoding": "gzip"}, bomb)
    feeds = [Feed(n, n, feed_server.url(f"/{n}")) for n in ("declared", "streamed", "gzip")]
    poller, _ = make(tmp_path, feeds)
    reports = poll(poller)
    assert {k: r.error for k, r in reports.items()} == {
        "declared": "too_large",
        "streamed": "too_large",
        "gzip": "too_large",
    }


def test_wrong_charset_header_and_legacy_encoding(tmp_path: Path, feed_server: FeedServer) -> None:
    cp1256 = (
        rss_document("t", "https://o.example/", entries(1))
        .decode()
        .replace('encoding="utf-8"', 'encoding="windows-1256"')
        .encode("windows-1256")
    )
    feed_server.routes["/cp"] = lambda _r: (200, {"Content-Type": "text/xml; charset=utf-8"}, cp1256)
    poller, pub = make(tmp_path, [Feed("cp", "CP", feed_server.url("/cp"))])
    assert poll(poller)["cp"].new == 1
    assert pub.items[0]["title"] == "خبر a 0"


def test_invalid_xml_and_entity_bomb_do_not_crash(tmp_path: Path, feed_server: FeedServer) -> None:
    lol = (
        '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
        + "]>"
    )
    bomb = f'<?xml version="1.0"?>{lol}<rss><channel><item><title>&j;</title></item></channel></rss>'.encode()
    broken = rss_document("t", "https://o.example/", entries(2))[:-40]
    feed_server.routes["/bomb"] = lambda _r: (200, {"Content-Type": "text/xml"}, bomb)
    feed_server.routes["/broken"] = lambda _r: (200, {"Content-Type": "text/xml"}, broken)
    poller, pub = make(
        tmp_path, [Feed("bomb", "B", feed_server.url("/bomb")), Feed("br", "BR", feed_server.url("/broken"))]
    )
    started = time.monotonic()
    reports = poll(poller)
    assert time.monotonic() - started < 10
    assert all(len(i["title"]) < 10_000 for i in pub.items)  # no billion-laughs expansion
    assert reports["br"].new >= 1  # keep what parses


def test_redirects_followed_and_loops_stopped(tmp_path: Path, feed_server: FeedServer) -> None:
    url = feed_server.static("/final.xml", rss_document("t", "https://o.example/", entries(1)))
    feed_server.routes["/moved"] = lambda _r: (301, {"Location": url}, b"")
    feed_server.routes["/loop"] = lambda _r: (302, {"Location": "/loop"}, b"")
    poller, pub = make(
        tmp_path, [Feed("mv", "MV", feed_server.url("/moved")), Feed("lp", "LP", feed_server.url("/loop"))]
    )
    reports = poll(poller)
    assert reports["mv"].new == 1 and reports["lp"].error == "redirects"


def test_counters_reconcile_over_a_mixed_poll(tmp_path: Path, feed_server: FeedServer) -> None:
    good = rss_document(
        "t",
        "https://o.example/",
        entries(3, "m") + [{"title": "", "link": "https://o.example/x", "description": ""}],
    )
    feed_server.static("/good", good)
    feed_server.routes["/bad"] = lambda _r: (500, {}, b"")
    poller, pub = make(
        tmp_path, [Feed("g", "G", feed_server.url("/good")), Feed("b", "B", feed_server.url("/bad"))]
    )
    before = {k: counter(f"marsad_items_{k}_total", stage="poll") for k in ("in", "out", "rejected")}
    poll(poller)
    poll(poller)  # the second poll sees everything again: nothing new, the bad entry not re-dead-lettered
    delta = {k: counter(f"marsad_items_{k}_total", stage="poll") - v for k, v in before.items()}
    assert delta == {"in": 4, "out": 3, "rejected": 1}
    assert len(pub.items) == 3 and len(pub.dead) == 1 and pub.dead[0]["reason"] == "schema_violation"


def test_redirects_into_private_networks_are_refused_by_default(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    url = feed_server.static("/internal.xml", rss_document("t", "https://o.example/", entries(1)))
    feed_server.routes["/to-internal"] = lambda _r: (302, {"Location": url}, b"")
    feed_server.routes["/to-file"] = lambda _r: (302, {"Location": "file:///etc/passwd"}, b"")
    feeds = [Feed("ssrf", "S", feed_server.url("/to-internal")), Feed("fl", "F", feed_server.url("/to-file"))]
    poller, pub = make(tmp_path, feeds, allow_private_redirects=False)
    reports = poll(poller)
    assert reports["ssrf"].error == "refused" and reports["fl"].error == "refused"
    assert pub.items == [] and "/internal.xml" not in [path for path, _ in feed_server.requests]


def test_a_parse_that_overruns_is_abandoned_and_the_poller_goes_on(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    big = rss_document("t", "https://o.example/", entries(400, "big"))  # takes far more than 1 ms to parse
    small = rss_document("t", "https://o.example/", entries(1, "small"))
    feed_server.static("/big", big)
    feed_server.static("/small", small)
    poller, pub = make(
        tmp_path, [Feed("big", "B", feed_server.url("/big"))], poll_parse_workers=1, parse_timeout_s=0.001
    )
    try:
        assert poll(poller)["big"].error == "parse_timeout"
        poller.settings = poller.settings.replace(parse_timeout_s=30)
        poller.states = {"small": type(poller.states["big"])(Feed("small", "S", feed_server.url("/small")))}
        assert poll(poller)["small"].new == 1  # a fresh worker process took over
    finally:
        poller.close()
