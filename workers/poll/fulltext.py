"""The article fetcher: between a feed's parse and the publish of its items, read the article itself.

One call from the poller (`ArticleFetcher.complete`) takes the feed's new items and returns them
with the article text where the feed only had a teaser (`text_source: article`; the teaser stays,
`text_source: feed`, when the page fails), plus new versions (`revision` + 1, same item_id) of earlier
articles whose text changed: on a revisit when the feed entry's `updated` changed, or on the
schedule. Why: on 1,000 corpus articles cut to title + first sentence the extractor found 301
single-report events against 1,782 from the full texts; teaser feeds plus the fetched pages give
the 1,782 again (bench/fulltext_benchmark.py).

The fetcher runs its own event loop in a thread, so its politeness state (robots.txt cache, per-host
gates) is shared by every feed whatever thread polls it, and the poller's blocking publish path only
waits for the result. Page text extraction runs in worker processes with the feeds' parse-time cap.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import multiprocessing
import threading
import time
from collections.abc import Coroutine
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from workers import metrics
from workers.contracts import now_iso
from workers.poll.article import ArticleText, TeaserPolicy, extract_article
from workers.poll.crawler import Crawler, Page
from workers.poll.fetch import Validators
from workers.poll.parse import EntryMeta, ParsedFeed, html_to_text
from workers.poll.revisions import ArticleRecord, ArticleStore, parse_schedule
from workers.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_REVISITS_PER_POLL = 100  # scheduled revisits handled per feed poll (the rest with the next one)


class ExtractTimeout(Exception):
    pass


class ExtractPool:
    """trafilatura on untrusted markup, in worker processes abandoned past the time cap."""

    def __init__(self, workers: int, timeout_s: float):
        self.workers = workers
        self.timeout_s = timeout_s
        self._lock = threading.Lock()
        self._pool = self._new()

    def _new(self) -> ProcessPoolExecutor | None:
        if not self.workers:
            return None
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))

    async def extract(self, body: bytes, url: str) -> ArticleText | None:
        pool = self._pool
        if pool is None:
            return await asyncio.to_thread(extract_article, body, url)
        future = asyncio.get_running_loop().run_in_executor(pool, extract_article, body, url)
        overrun = ExtractTimeout(f"extraction took over {self.timeout_s}s")
        try:
            return await asyncio.wait_for(future, self.timeout_s)
        except TimeoutError:
            self.replace(pool)
            raise overrun from None
        # As the poller's feed parsing does (worker.py _parse): a page queued in, or running in, a
        # pool another page's overrun replaced fails with that overrun, not as an extraction error,
        # and its cancelled future must not cancel the feed's poll.
        except BrokenProcessPool:
            raise overrun from None
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if future.cancelled() and not (task is not None and task.cancelling()):
                raise overrun from None
            raise

    @property
    def current(self) -> ProcessPoolExecutor | None:
        return self._pool

    def replace(self, pool: ProcessPoolExecutor) -> None:
        """Put a new pool in place of `pool` (once, by the first to notice it overran) and stop the
        old one's workers: a stuck worker only stops when terminated."""
        with self._lock:
            if self._pool is pool:
                self._pool = self._new()
                for proc in list(getattr(pool, "_processes", {}).values()):
                    proc.terminate()
                pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def _body_digest(body: bytes) -> str:
    return hashlib.sha1(body).hexdigest()[:20]


def _text_digest(text: str) -> str:
    return ArticleText(text).digest


def _date_time(value: str | None) -> str | None:
    """trafilatura gives a page's date as YYYY-MM-DD; items carry date-times."""
    if not value:
        return None
    return f"{value}T00:00:00Z" if len(value) == 10 else value


@dataclass
class FirstSight:
    item: dict[str, Any]  # as published
    record: ArticleRecord | None  # to store; None when a cached record was reused as it is
    fetch: bool = False  # a teaser: its article page is still to be read


class ArticleFetcher:
    def __init__(self, settings: Settings, store: ArticleStore | None = None, crawler: Crawler | None = None):
        self.settings = settings
        self.policy = TeaserPolicy(settings.teaser_max_chars)
        self.schedule = parse_schedule(settings.article_revisit_s)
        self.store = store or ArticleStore(
            Path(settings.state_dir) / "articles.sqlite3", self.schedule, settings.article_store_capacity
        )
        self.pool = ExtractPool(settings.article_extract_workers, settings.parse_timeout_s)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="article-fetcher", daemon=True)
        self._thread.start()
        self._crawler = crawler
        self._claimed: set[str] = set()  # item ids being revisited (touched only on the fetcher's loop)

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    @property
    def crawler(self) -> Crawler:
        if self._crawler is None:
            self._crawler = Crawler(self.settings)
        return self._crawler

    # -- the poller's one call -------------------------------------------------------------------
    def complete(self, feed_id: str, parsed: ParsedFeed, fresh: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """New items with article text where the feed had a teaser, then revised versions of earlier
        items: this feed's entries whose `updated` changed, and any feed's articles due for a
        scheduled revisit. Blocking; safe to call from any thread."""
        return self._run(self._complete(feed_id, parsed, fresh))

    async def acomplete(
        self, feed_id: str, parsed: ParsedFeed, fresh: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """`complete` for a caller on another event loop: awaits the fetcher's loop without blocking it."""
        return await asyncio.wrap_future(
            asyncio.run_coroutine_threadsafe(self._complete(feed_id, parsed, fresh), self._loop)
        )

    async def _complete(
        self, feed_id: str, parsed: ParsedFeed, fresh: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        no_meta = EntryMeta(has_content=False, updated=None)
        fresh_ids = {item["item_id"] for item in fresh}
        known = self.store.get_many([item["item_id"] for item in fresh])
        # Items whose feed carries the article are settled here; only teasers wait for their page
        # (a task per item cost more than the rest of this call on feeds that carry the text).
        sights = [
            self._first_sight(feed_id, item, parsed.meta.get(item["item_id"], no_meta), known.get(item["item_id"]))
            for item in fresh
        ]
        fetching = [i for i, sight in enumerate(sights) if sight.fetch]
        jobs: list[Coroutine[Any, Any, dict[str, Any] | None]] = []
        revisiting: set[str] = set()
        for item in parsed.items:  # entries seen before whose `updated` changed
            meta = parsed.meta.get(item["item_id"], no_meta)
            if item["item_id"] in fresh_ids or not meta.updated:
                continue
            record = self.store.get(item["item_id"])
            if record is not None and record.updated != meta.updated and record.item_id not in self._claimed:
                revisiting.add(record.item_id)
                jobs.append(self._revisit(record, "feed_updated", item, meta.updated))
        # Scheduled revisits of any feed's articles ride along with whichever feed is being published:
        # a feed that answers 304 for hours still gets its articles revisited on time.
        for record in self.store.due(time.time(), MAX_REVISITS_PER_POLL):
            if record.item_id not in revisiting | fresh_ids | self._claimed:
                revisiting.add(record.item_id)
                jobs.append(self._revisit(record, "schedule", None, record.updated))
        self._claimed |= revisiting  # concurrent polls of other feeds leave these alone
        try:
            fetched, revised = await asyncio.gather(
                asyncio.gather(*(self._fetch_article(sights[i]) for i in fetching)), asyncio.gather(*jobs)
            )
        finally:
            self._claimed -= revisiting
        for i, sight in zip(fetching, fetched, strict=True):
            sights[i] = sight
        self.store.put_many([sight.record for sight in sights if sight.record is not None])
        out = [sight.item for sight in sights] + [r for r in revised if r is not None]
        for item in out:
            source = item.get("text_source", "feed")
            metrics.article_items.labels(source).inc()
            metrics.article_text_chars.labels(source).observe(len(item["text"]))
        return out

    # -- first sight of an item ------------------------------------------------------------------
    def _first_sight(
        self, feed_id: str, item: dict[str, Any], meta: EntryMeta, record: ArticleRecord | None
    ) -> FirstSight:
        """The item as published and the record to store for it (the caller stores a feed's records
        in one transaction); `fetch` when it is a teaser whose page `_fetch_article` must read."""
        item = {**item, "text_source": "feed", "revision": 0}
        is_teaser = self.policy.is_teaser(item["text"], item["title"], meta.has_content)
        if record is None:
            record = ArticleRecord(
                item["item_id"],
                feed_id,
                item["url"],
                item,
                time.time(),
                updated=meta.updated,
                from_feed=not is_teaser,
            )
        elif record.digest is not None:
            # Fetched before but not acknowledged (a failed publish): the cached article is reused
            # (the store keeps no text of an article the feed carries: the feed's item is it).
            return FirstSight(item if record.from_feed else record.item, None)
        if (
            not is_teaser
            or not self.settings.fetch_articles
            or not item["url"].startswith(("http://", "https://"))
        ):
            record.item, record.digest = item, meta.text_digest or _text_digest(item["text"])
            return FirstSight(item, record)
        return FirstSight(item, record, fetch=True)

    async def _fetch_article(self, sight: FirstSight) -> FirstSight:
        """A teaser completed from its page (the feed's text stays when the page gives none)."""
        item, record = sight.item, sight.record
        assert record is not None  # _first_sight gives every teaser a record
        page = await self.crawler.get(item["url"], Validators(record.etag, record.last_modified))
        article = await self._extract(page)
        if article is not None:
            item = self._with_article(item, article)
            record.digest = article.digest
            record.body_digest = _body_digest(page.body)
            record.etag, record.last_modified = page.validators.etag, page.validators.last_modified
        record.item = item
        return FirstSight(item, record)

    async def _extract(self, page: Page) -> ArticleText | None:
        """Extracted text of a fetched page, or None with the failure counted by reason."""
        if page.error or page.not_modified:
            if page.error:
                metrics.article_pages.labels("failed").inc()
                metrics.article_failures.labels(page.error).inc()
                log.info("article %s: %s %s", page.url, page.error, page.detail)
            return None
        try:
            article = await self.pool.extract(page.body, page.final_url or page.url)
        except ExtractTimeout as exc:
            metrics.article_pages.labels("failed").inc()
            metrics.article_failures.labels("extract_timeout").inc()
            log.warning("article %s: %s; abandoned", page.url, exc)
            return None
        except Exception as exc:  # noqa: BLE001 - hostile markup must not sink the feed
            metrics.article_pages.labels("failed").inc()
            metrics.article_failures.labels("extract_error").inc()
            log.warning("article %s: extraction failed: %r", page.url, exc)
            return None
        if article is None:
            metrics.article_pages.labels("failed").inc()
            metrics.article_failures.labels("no_text").inc()
            return None
        metrics.article_pages.labels("fetched").inc()
        return article

    def _with_article(self, item: dict[str, Any], article: ArticleText) -> dict[str, Any]:
        title = item["title"] or html_to_text(article.title or "")[0]
        return {
            **item,
            "title": title[:2000],
            "text": article.text[: self.settings.max_text_chars],
            "text_source": "article",
            "published_at": item.get("published_at") or _date_time(article.published_at),
            "author": (article.author or None) and article.author[:500],  # type: ignore[index]
        }

    # -- revisits ----------------------------------------------------------------------------------
    async def _revisit(
        self, record: ArticleRecord, trigger: str, feed_item: dict[str, Any] | None, updated: str | None
    ) -> dict[str, Any] | None:
        """A new version of the item if its text changed, else None (the record is updated either way)."""
        if trigger == "schedule":
            record.checks_done += 1
        record.updated = updated
        candidate: dict[str, Any] | None = None
        if record.from_feed:
            if feed_item is not None and _text_digest(feed_item["text"]) != record.digest:
                candidate = {**feed_item, "text_source": "feed"}
                record.digest = _text_digest(feed_item["text"])
        elif record.url.startswith(("http://", "https://")) and self.settings.fetch_articles:
            page = await self.crawler.get(record.url, Validators(record.etag, record.last_modified))
            if page.not_modified:
                metrics.article_pages.labels("not_modified").inc()
            elif not page.error and _body_digest(page.body) == record.body_digest:
                metrics.article_pages.labels("not_modified").inc()  # same bytes: nothing to extract
            else:
                article = await self._extract(page)
                if article is not None:
                    record.etag, record.last_modified = page.validators.etag, page.validators.last_modified
                    record.body_digest = _body_digest(page.body)
                    if article.digest != record.digest:
                        base = {**record.item, **(feed_item or {})}
                        candidate = self._with_article(
                            {**base, "title": record.item.get("title") or base.get("title", "")}, article
                        )
                        record.digest = article.digest
        if candidate is not None:
            record.revision += 1
            candidate = {**candidate, "revision": record.revision, "fetched_at": now_iso()}
            candidate["published_at"] = record.item.get("published_at") or candidate.get("published_at")
            record.item = candidate
            metrics.article_revisions.labels(trigger).inc()
            log.info("article %s: revision %d (%s)", record.url, record.revision, trigger)
        self.store.put(record)
        return candidate

    def close(self) -> None:
        if self._crawler is not None:
            self._run(self._crawler.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
        self.pool.close()
        self.store.close()


__all__ = ["ArticleFetcher", "ExtractPool"]
