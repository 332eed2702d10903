"""The poll stage's streaming shell: schedule feeds, fetch, parse, publish new items, mark them seen.

Order of operations per feed: fetch -> parse -> drop ids already seen -> publish (acks=all) ->
mark seen. An item is marked seen only after the broker acknowledged it, so a crash may repeat
the publish of a few items (the processor is idempotent) but can never lose one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import random
import threading
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

from workers import endpoints, metrics
from workers.contracts import dead_letter, now_iso
from workers.poll.feeds import Feed
from workers.poll.fetch import FetchResult, Validators, fetch
from workers.poll.fulltext import ArticleFetcher
from workers.poll.parse import ParsedFeed, parse_feed
from workers.poll.publish import Publisher, PublishError
from workers.poll.seen import SeenStore
from workers.settings import Settings

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 3600.0
# Errors that mean "cannot reach the outlet" rather than "the outlet sent something bad".
NETWORK_ERRORS = {"network", "timeout"}
OFFLINE_HINT = (
    "; no network? `marsad run --demo` polls fixture feeds built from the shared corpus instead"
)


@dataclass
class FeedState:
    feed: Feed
    next_due: float = 0.0
    failures: int = 0


@dataclass
class PollReport:
    feed_id: str
    outcome: str  # ok | not_modified | error
    new: int = 0
    seen: int = 0
    rejected: int = 0
    error: str | None = None


@dataclass
class Poller:
    settings: Settings
    feeds: list[Feed]
    publisher: Publisher
    seen: SeenStore
    states: dict[str, FeedState] = field(default_factory=dict)
    articles: ArticleFetcher | None = None  # reads the article behind a teaser (None: feed text only)

    def __post_init__(self) -> None:
        if self.articles is None and self.settings.fetch_articles:
            self.articles = ArticleFetcher(self.settings)
        self._warned_all_failing = False
        self._errors_seen: set[str] = set()
        self.per_host = self.settings.poll_per_host
        self.concurrency = self.settings.poll_concurrency
        self.states = {f.id: FeedState(f) for f in self.feeds}
        self._pool_lock = threading.Lock()
        self._parse_pool = self._new_pool()
        self._limits()

    def _limits(self) -> None:
        # asyncio primitives belong to one event loop: made afresh for each poll_once / run.
        self._host_limits: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(self.per_host)
        )
        self._global = asyncio.Semaphore(self.concurrency)

    def interval(self, feed: Feed) -> float:
        return feed.interval_s or self.settings.poll_interval_s

    def _schedule(self, state: FeedState, result: FetchResult | None) -> None:
        base = self.interval(state.feed)
        floor = 0.0
        if result is not None and result.error:
            state.failures += 1
            delay = min(base * 2 ** min(state.failures, 10), MAX_BACKOFF_S)
            floor = result.retry_after_s or 0.0  # the server's Retry-After is a minimum, jitter or not
        else:
            state.failures = 0
            delay = base
        # Jitter spreads feeds that share an interval so they are not all fetched in one burst.
        state.next_due = time.monotonic() + max(delay * random.uniform(0.9, 1.1), floor)

    async def poll_feed(self, session: aiohttp.ClientSession, feed: Feed) -> PollReport:
        host = urlsplit(feed.url).hostname or ""
        etag, last_modified = self.seen.validators(feed.id)
        async with self._global, self._host_limits[host]:
            result = await fetch(
                session,
                feed.url,
                Validators(etag, last_modified),
                timeout_s=self.settings.fetch_timeout_s,
                max_bytes=self.settings.max_body_bytes,
                allow_private_redirects=self.settings.allow_private_redirects,
            )
        metrics.feed_fetch_latency.labels(feed.id).observe(result.elapsed_s)
        report = await asyncio.to_thread(self._handle, feed, result)
        self._schedule(self.states[feed.id], result if report.outcome == "error" else None)
        self._report_health(report)
        return report

    def all_failing(self) -> bool:
        """True when every feed's last poll failed (offline, or a broken feeds file)."""
        return bool(self.states) and all(s.failures > 0 for s in self.states.values())

    def _report_health(self, report: PollReport) -> None:
        """/readyz answers 503 while every feed fails; say once why and what to try."""
        self._errors_seen.add(report.error or "")
        failing = self.all_failing()
        endpoints.set_ready("poller", not failing)
        if failing and not self._warned_all_failing:
            self._warned_all_failing = True
            hint = OFFLINE_HINT if self._errors_seen & NETWORK_ERRORS else ""
            log.warning("every feed failed its last poll (%s)%s", ", ".join(sorted(self._errors_seen - {""})), hint)
        elif not failing:
            self._warned_all_failing = False

    def _handle(self, feed: Feed, result: FetchResult) -> PollReport:
        """Blocking part (parse + publish + mark), run in a thread."""
        if result.error:
            metrics.feed_polls.labels(feed.id, "error").inc()
            metrics.feed_errors.labels(feed.id, result.error).inc()
            log.warning("feed %s: %s %s", feed.id, result.error, result.detail)
            return PollReport(feed.id, "error", error=result.error)
        if result.not_modified:
            metrics.feed_polls.labels(feed.id, "not_modified").inc()
            metrics.feed_last_success.labels(feed.id).set(time.time())
            return PollReport(feed.id, "not_modified")
        kwargs = {
            "content_type": result.content_type,
            "base_url": result.final_url or feed.url,
            "fetched_at": now_iso(),
            "max_text_chars": self.settings.max_text_chars,
        }
        try:
            parsed = self._parse(result.body, feed, kwargs)
        except FuturesTimeout:
            metrics.feed_polls.labels(feed.id, "error").inc()
            metrics.feed_errors.labels(feed.id, "parse_timeout").inc()
            log.warning("feed %s: parse took over %.1fs; abandoned", feed.id, self.settings.parse_timeout_s)
            return PollReport(feed.id, "error", error="parse_timeout")
        if parsed.bozo and not parsed.entries:
            metrics.feed_polls.labels(feed.id, "error").inc()
            metrics.feed_errors.labels(feed.id, "parse").inc()
            log.warning("feed %s: unparseable: %s", feed.id, parsed.bozo)
            return PollReport(feed.id, "error", error="parse")
        if parsed.bozo:
            metrics.feed_errors.labels(feed.id, "bozo").inc()
        report = PollReport(feed.id, "ok")
        # Two entries of one feed can share a link: publish each id once.
        by_id = {item["item_id"]: item for item in parsed.items}
        fresh_ids = self.seen.unseen(list(by_id))
        report.seen = len(parsed.items) - len(fresh_ids)
        rejected_ids = [r[2]["item_id"] for r in parsed.rejected if r[2].get("item_id")]
        already = set(rejected_ids) - set(self.seen.unseen(rejected_ids))
        # Stage "in" counts entries not seen before that this poll settled: published or rejected.
        # Entries whose publish failed stay unseen and are counted when a later poll publishes them.
        metrics.items_in.labels("poll").inc(len(parsed.rejected) - len(already))
        metrics.feed_entries.labels(feed.id, "seen").inc(report.seen)
        rejected = [r for r in parsed.rejected if not r[2].get("item_id") or r[2]["item_id"] not in already]
        for reason, error, raw in rejected:
            log.warning(
                "feed %s: entry dead-lettered: %s",
                feed.id,
                error[:200],
                extra={"feed": feed.id, "reason": reason, "item_id": raw.get("item_id")},
            )
            self.publisher.dead_letter(
                dead_letter(
                    "poll", reason, error, repr(raw)[:100_000], feed_id=feed.id, key=raw.get("item_id")
                )
            )
            metrics.items_rejected.labels("poll", reason).inc()
            metrics.feed_entries.labels(feed.id, "rejected").inc()
            report.rejected += 1
        # A rejected entry is dead-lettered once, not at every poll.
        self.seen.mark([r[2]["item_id"] for r in rejected if r[2].get("item_id")])
        fresh = [by_id[i] for i in fresh_ids]
        if self.articles is not None:  # article text for teasers, plus revised articles (fulltext.py)
            fresh = self.articles.complete(feed.id, parsed, fresh)
        # One publish + mark at a time: the log checkpoints then only ever cover marked items.
        with self.publisher.lock:
            try:
                acked = self.publisher.publish_items(fresh) if fresh else []
            except PublishError as exc:
                acked = exc.acked
                log.error("feed %s: %s; the rest stays unseen and is retried next poll", feed.id, exc)
            self.seen.mark(acked, self.publisher.last_offsets if acked else None)
        report.new = len(acked)
        metrics.items_in.labels("poll").inc(len(acked))
        metrics.items_out.labels("poll").inc(len(acked))
        metrics.feed_entries.labels(feed.id, "new").inc(len(acked))
        unpublished = len(fresh) - len(acked)
        if unpublished:
            # Not lost: still unseen, so the next poll publishes them.
            self._schedule(self.states[feed.id], FetchResult(None, error="publish"))
            metrics.feed_errors.labels(feed.id, "publish").inc()
            report.outcome, report.error = "error", "publish"
            return report
        # Keep validators only once the whole batch is safe, or a 304 could hide unpublished items.
        self.seen.save_validators(feed.id, result.validators.etag, result.validators.last_modified)
        metrics.feed_polls.labels(feed.id, "ok").inc()
        metrics.feed_last_success.labels(feed.id).set(time.time())
        return report

    def _new_pool(self) -> ProcessPoolExecutor | None:
        # feedparser and schema checks are CPU-bound, and a hostile feed could keep a parser busy:
        # parsing runs in worker processes, which can be abandoned when they overrun.
        workers = self.settings.poll_parse_workers
        return (
            ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) if workers else None
        )

    def _parse(self, body: bytes, feed: Feed, kwargs: dict[str, object]) -> ParsedFeed:
        pool = self._parse_pool
        if pool is None:
            return parse_feed(body, feed, **kwargs)  # type: ignore[arg-type]
        future = pool.submit(parse_feed, body, feed, **kwargs)
        try:
            return future.result(timeout=self.settings.parse_timeout_s)
        except FuturesTimeout:
            with self._pool_lock:
                if self._parse_pool is pool:  # first to notice replaces the pool; the stuck worker dies
                    self._parse_pool = self._new_pool()
                    for proc in list(getattr(pool, "_processes", {}).values()):
                        proc.terminate()
                    pool.shutdown(wait=False, cancel_futures=True)
            raise

    def close(self) -> None:
        if self.articles is not None:
            self.articles.close()
        if self._parse_pool is not None:
            self._parse_pool.shutdown(wait=True, cancel_futures=True)

    async def poll_once(self) -> list[PollReport]:
        self._limits()
        async with _session(self.settings) as session:
            return await asyncio.gather(*(self.poll_feed(session, s.feed) for s in self.states.values()))

    async def run(self, stop: asyncio.Event) -> None:
        """Poll every feed when due until `stop` is set."""
        self._limits()
        async with _session(self.settings) as session:
            tasks: dict[str, asyncio.Task[PollReport]] = {}
            while not stop.is_set():
                now = time.monotonic()
                for state in self.states.values():
                    if state.feed.id not in tasks and state.next_due <= now:
                        tasks[state.feed.id] = asyncio.create_task(self.poll_feed(session, state.feed))
                for feed_id, task in list(tasks.items()):
                    if task.done():
                        tasks.pop(feed_id)
                        if task.exception():
                            log.error("feed %s: poll crashed: %r", feed_id, task.exception())
                            self._schedule(self.states[feed_id], FetchResult(None, error="crash"))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=0.5)
            for task in tasks.values():
                task.cancel()
            await asyncio.gather(*tasks.values(), return_exceptions=True)


def _session(settings: Settings) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        timeout=aiohttp.ClientTimeout(total=None, sock_connect=settings.fetch_timeout_s),
        connector=aiohttp.TCPConnector(limit=128, ttl_dns_cache=300),
    )


def seen_store_for(settings: Settings) -> SeenStore:
    return SeenStore(Path(settings.state_dir) / "poller-seen.sqlite3")
