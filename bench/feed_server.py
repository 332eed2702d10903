"""A loopback feed server for benchmarks: N RSS feeds with ETag support (run as its own process).

Text: `synthetic` repeats one sentence (compresses about 40x, so it hides what compression costs);
`corpus` cycles through articles of the shared multi-outlet corpus, read at run time (real
Arabic news compresses about 4x)."""

from __future__ import annotations

import itertools
import sys

from aiohttp import web

from workers.poll.fixtures import corpus_articles, rss_document

SENTENCE = (
    "قال مسؤول محلي إن اشتباكات اندلعت بين قوات الأمن ومسلحين في المدينة وأسفرت عن مقتل ثلاثة أشخاص "
    "وإصابة خمسة آخرين، فيما تواصل السلطات عمليات البحث. "
)


def build(n_feeds: int, per_feed: int, text: str = "synthetic") -> dict[str, bytes]:
    articles = itertools.cycle(itertools.islice(corpus_articles(), 5000)) if text == "corpus" else None
    feeds = {}
    for f in range(n_feeds):
        entries = []
        for i in range(per_feed):
            article = next(articles) if articles is not None else None
            entries.append(
                {
                    "title": article["title"] if article else f"خبر رقم {i} من المصدر {f}",
                    "link": f"https://o{f % 50}.example/{f}/{i}",
                    "description": article["text"] if article else SENTENCE * 8,
                    "pubDate": "Mon, 11 Mar 2019 09:30:00 +0000",
                }
            )
        feeds[f"/f{f}.xml"] = rss_document(f"o{f}", "https://o.example/", entries)
    return feeds


def main() -> None:
    port, n_feeds, per_feed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    feeds = build(n_feeds, per_feed, sys.argv[4] if len(sys.argv) > 4 else "synthetic")

    async def handle(request: web.Request) -> web.Response:
        body = feeds.get(request.path)
        if body is None:
            return web.Response(status=404)
        etag = f'"{len(body)}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304)
        return web.Response(body=body, content_type="application/rss+xml", headers={"ETag": etag})

    app = web.Application()
    app.router.add_get("/{name}", handle)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main()
