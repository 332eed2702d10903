"""A local news site for the demo, tests and benchmarks: teaser feeds plus real-looking article pages.

Outlets' feeds carry a title and a teaser; the article is on a page full of other things. This site
serves both, built at run time from the shared corpus (nothing of it is copied into the repo):
`/feeds/<outlet>.xml` (RSS, title + first sentence), `/<outlet>/<docno>.html` (the article inside
navigation, a cookie banner, ads, related links to other corpus titles, reader comments and a
footer), `/robots.txt`. Pages answer conditional GETs (ETag), and `revise()` changes an article's
text the way outlets update a toll, so the whole production path (teaser -> page -> extraction ->
revision) runs against it.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import http.server
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from workers.poll.fixtures import rss_document

TEASER_MAX_CHARS = 300  # a teaser is the first sentence, cut at this length
RELATED_LINKS = 6
# The demo's outlets all sit on one loopback host: at the production gap (1 s) its 160 pages would
# take minutes before the first events show; the local site can take a request every 50 ms.
DEMO_HOST_DELAY_S = 0.05

_SENTENCE_END = re.compile(r"[.!؟?](?=\s|$)|\n")

# Page furniture (written for this module, not taken from any outlet).
_NAV = ["الرئيسية", "الشرق الأوسط", "العالم", "اقتصاد", "رياضة", "علوم وتكنولوجيا", "ثقافة", "فيديو"]
_COMMENTS = [
    ("أبو خالد", "الله يحمي الناس الأبرياء، متى تنتهي هذه المأساة"),
    ("سارة", "أين المجتمع الدولي من كل هذا؟ كلام كثير ولا أفعال"),
    ("مواطن عربي", "شكرا على التغطية المستمرة"),
]
_COOKIE = "نستخدم ملفات تعريف الارتباط لتحسين تجربتك على موقعنا. بمتابعة التصفح فإنك توافق على ذلك."


def teaser(text: str, max_chars: int = TEASER_MAX_CHARS) -> str:
    """The first sentence of an article, as feeds publish it."""
    text = text.strip()
    match = _SENTENCE_END.search(text)
    first = text[: match.end()].strip() if match else text
    return first[:max_chars]


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def article_page(
    article: dict[str, Any], related: Iterable[tuple[str, str]] = (), text: str | None = None
) -> bytes:
    """The article as an outlet's page: the text in <article> paragraphs, with everything else around it."""
    body = text if text is not None else article["text"]
    related = list(related)
    paras = [f"<p>{_esc(p.strip())}</p>\n" for p in body.split("\n") if p.strip()]
    # Outlets break the story with an in-text ad and a "read also" link after the second paragraph.
    inline = '<div class="ad ad-inline" id="ad-in">إعلان</div>\n'
    if related:
        title, url = related[0]
        inline += f'<div class="read-also"><strong>اقرأ أيضا:</strong> <a href="{_esc(url)}">{_esc(title)}</a></div>\n'
    paragraphs = "".join(paras[:2]) + inline + "".join(paras[2:])
    published = parsedate_to_datetime(article["time"]).isoformat()
    author = article.get("author") or ""
    nav = "".join(f'<li><a href="/section/{i}">{_esc(n)}</a></li>' for i, n in enumerate(_NAV))
    links = "".join(f'<li><a href="{_esc(u)}">{_esc(t)}</a></li>' for t, u in related)
    comments = "".join(
        f'<div class="comment"><span class="user">{_esc(u)}</span><p>{_esc(c)}</p>'
        '<a href="#" class="reply">رد</a> <span class="likes">12 إعجاب</span></div>'
        for u, c in _COMMENTS
    )
    page = f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{_esc(article["title"])} | {_esc(article["src"])}</title>
<meta property="og:title" content="{_esc(article["title"])}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="{published}">
{f'<meta name="author" content="{_esc(author)}">' if author else ""}
<link rel="canonical" href="{_esc(article.get("url", ""))}">
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}</script>
<style>.ad{{min-height:250px}} .cookie{{position:fixed;bottom:0}}</style>
</head><body>
<div class="cookie-banner cookie" id="cookie-consent"><p>{_COOKIE}</p><button>موافق</button> <a href="/privacy">سياسة الخصوصية</a></div>
<header class="site-header"><a class="logo" href="/">{_esc(article["src"])}</a>
<nav class="main-nav"><ul>{nav}</ul></nav>
<form class="search" action="/search"><input name="q" placeholder="ابحث"></form></header>
<div class="breadcrumb"><a href="/">الرئيسية</a> &gt; <a href="/section/1">الشرق الأوسط</a></div>
<div class="ad ad-leaderboard" id="ad-top">إعلان</div>
<main>
<article class="story">
<h1 class="headline">{_esc(article["title"])}</h1>
<div class="byline">{f'<span class="author">{_esc(author)}</span> ' if author else ""}<time datetime="{published}">{_esc(article["time"])}</time></div>
<div class="share"><a href="#">فيسبوك</a> <a href="#">تويتر</a> <a href="#">واتساب</a></div>
<figure class="lead-image"><img src="/img/lead.jpg" alt=""><figcaption>صورة أرشيفية</figcaption></figure>
<div class="story-body">
{paragraphs}</div>
<div class="tags"><a href="/tag/1">سياسة</a> <a href="/tag/2">أخبار عاجلة</a></div>
</article>
<aside class="related"><h3>اقرأ أيضا</h3><ul>{links}</ul></aside>
<div class="ad ad-mpu" id="ad-mid">إعلان</div>
<section class="comments"><h3>التعليقات (3)</h3>{comments}
<form class="comment-form"><textarea placeholder="أضف تعليقا"></textarea><button>إرسال</button></form></section>
</main>
<aside class="most-read"><h3>الأكثر قراءة</h3><ol>{links}</ol></aside>
<footer><ul><li><a href="/about">من نحن</a></li><li><a href="/contact">اتصل بنا</a></li>
<li><a href="/terms">شروط الاستخدام</a></li></ul><p>جميع الحقوق محفوظة ٢٠١٨</p></footer>
<script src="/static/app.js"></script>
</body></html>"""
    return page.encode("utf-8")


def _slug(src: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", src.lower()).strip("-") or "outlet"


@dataclass
class DemoSite:
    """Serves teaser feeds, article pages and robots.txt for `articles` on a loopback port.

    `disallow` paths go into robots.txt; `revise(docno, text)` replaces an article's text; every
    request is recorded (path, time) for tests of politeness.
    """

    articles: list[dict[str, Any]]
    disallow: list[str] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 0
    requests: list[tuple[str, float]] = field(default_factory=list)
    _texts: dict[str, str] = field(default_factory=dict)
    _server: http.server.ThreadingHTTPServer | None = None

    def __post_init__(self) -> None:
        self._by_path = {self.page_path(a): a for a in self.articles}
        self._by_outlet: dict[str, list[dict[str, Any]]] = {}
        for a in self.articles:
            self._by_outlet.setdefault(_slug(a["src"]), []).append(a)

    @staticmethod
    def page_path(article: dict[str, Any]) -> str:
        return f"/{_slug(article['src'])}/{article['docno']}.html"

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    @property
    def netloc(self) -> str:
        return f"{self.host}:{self.port}"

    def outlets(self) -> list[str]:
        return sorted(self._by_outlet)

    def revise(self, docno: str, text: str) -> None:
        self._texts[docno] = text

    def feed(self, outlet: str) -> bytes:
        entries = [
            {
                "title": a["title"],
                "link": self.url(self.page_path(a)),
                "description": teaser(self._texts.get(a["docno"], a["text"])),
                "pubDate": a["time"],
                "guid": a["docno"],
            }
            for a in self._by_outlet[outlet]
        ]
        return rss_document(outlet, self.url("/"), entries)

    def page(self, path: str) -> bytes | None:
        article = self._by_path.get(path)
        if article is None:
            return None
        i = self.articles.index(article)
        others = self.articles[i + 1 : i + 1 + RELATED_LINKS] or self.articles[:RELATED_LINKS]
        related = [(o["title"], self.url(self.page_path(o))) for o in others if o is not article]
        return article_page(article, related, self._texts.get(article["docno"]))

    def robots(self) -> bytes:
        lines = ["User-agent: *", *(f"Disallow: {p}" for p in self.disallow), ""]
        return "\n".join(lines).encode()

    def respond(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, self.robots()
        if path.startswith("/feeds/") and path.endswith(".xml") and path[7:-4] in self._by_outlet:
            return 200, {"Content-Type": "application/rss+xml; charset=utf-8"}, self.feed(path[7:-4])
        body = self.page(path)
        if body is None:
            return 404, {"Content-Type": "text/plain"}, b"not found"
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if headers.get("If-None-Match") == etag:
            return 304, {"ETag": etag}, b""
        return 200, {"Content-Type": "text/html; charset=utf-8", "ETag": etag}, body

    def start(self) -> DemoSite:
        import time

        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                site.requests.append((self.path, time.monotonic()))
                status, headers, body = site.respond(self.path, dict(self.headers))
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True, name="demo-site").start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def write_feeds_file(self, out_dir: str | Path, interval_s: float = 60) -> Path:
        """A feeds file pointing at this site's teaser feeds."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        lines = [
            f'[[feed]]\nid = "{o}"\nname = "{self._by_outlet[o][0]["src"]}"\n'
            f'url = "{self.url(f"/feeds/{o}.xml")}"\nlanguage = "ar"\ninterval_s = {interval_s}\n'
            for o in self.outlets()
        ]
        path = out / "feeds.toml"
        path.write_text("\n".join(lines), encoding="utf-8")
        return path


def demo_articles(
    per_outlet: int = 40, category: str = "middleEast", path: Path | None = None
) -> list[dict[str, Any]]:
    """`per_outlet` articles of each outlet of the shared corpus (read at run time)."""
    from workers.poll.fixtures import CORPUS, corpus_articles

    counts: dict[str, int] = {}
    chosen = []
    for art in corpus_articles((category,), path or CORPUS):
        if counts.get(art["src"], 0) < per_outlet:
            counts[art["src"]] = counts.get(art["src"], 0) + 1
            chosen.append(art)
    return chosen


__all__ = ["DemoSite", "article_page", "teaser", "demo_articles"]
