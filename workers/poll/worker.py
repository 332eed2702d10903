"""The poll stage's streaming shell: schedule feeds, fetch, parse, publish new items, mark them seen.

Order of operations per feed: fetch -> parse -> drop items already seen (by id, guid or content)
-> publish (acks=all) -> mark seen. An item is marked seen only after the broker acknowledged it,
so a crash may repeat the publish of a few items (the processor is idempotent) but can never lose
one. Feeds run concurrently end to end: parsing in worker processes, publishing through one
producer with each batch awaiting its own acks (see publish.py).
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
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from kafka.errors import KafkaError

from workers import endpoints, metrics
from workers.contracts import dead_letter, now_iso
from workers.poll.feeds import Feed
from workers.poll.fetch import FetchResult, Validators, fetch
from workers.poll.fulltext import ArticleFetcher
from workers.poll.parse import ParsedFeed, parse_feed
from workers.poll.publish import BatchResult, Publisher, PublishError
from workers.poll.seen import FeedValidators, SeenStore, StateWriteError
from workers.settings import Settings

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 3600.0
# How often the poller checks that items the broker acknowledged are still on the topic (also
# right after the broker comes back from an outage): a broker that loses acknowledged writes is
# noticed within this time, and the check reads only records written since the last one.
VERIFY_INTERVAL_S = 300.0
PARSE_QUEUE_PER_WORKER = 2
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
class Triage:
    fresh: list[dict[str, Any]] = field(default_factory=list)
    known_keys: list[str] = field(default_factory=list)  # keys to mark without publishing


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
        self._state_ok = True
        self._publish_failed = False
        self.verify_due = False  # set when the broker comes back after failed publishes
        try:
            self.seen.probe()
            metrics.poller_state_writable.set(1)
        except StateWriteError as exc:
            self._state_failed(exc)

    def _limits(self) -> None:
        # asyncio primitives belong to one event loop: made afresh for each poll_once / run.
        self._host_limits: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(self.per_host)
        )
        self._global = asyncio.Semaphore(self.concurrency)
        # A bounded queue per parse process: each has its next feed waiting (no idle gap between
        # parses), and the parse timeout covers at most one other feed's parse besides its own.
        self._parse_slots = asyncio.Semaphore(
            PARSE_QUEUE_PER_WORKER * max(1, self.settings.poll_parse_workers)
        )

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
        # The global limit covers the whole feed (fetch, parse, publish), bounding the bodies and
        # batches held at once; the per-host limit only the fetch.
        async with self._global:
            async with self._host_limits[host]:
                result = await fetch(
                    session,
                    feed.url,
                    Validators(etag, last_modified),
                    timeout_s=self.settings.fetch_timeout_s,
                    max_bytes=self.settings.max_body_bytes,
                    allow_private_redirects=self.settings.allow_private_redirects,
                )
            metrics.feed_fetch_latency.labels(feed.id).observe(result.elapsed_s)
            report = await self._handle(feed, result)
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

    async def _handle(self, feed: Feed, result: FetchResult) -> PollReport:
        """Parse, drop what is already seen, publish the rest and mark each batch on its own acks."""
        if result.error:
            metrics.feed_polls.labels(feed.id, "error").inc()
            metrics.feed_errors.labels(feed.id, result.error).inc()
            log.warning("feed %s: %s %s", feed.id, result.error, result.detail)
            return PollReport(feed.id, "error", error=result.error)
        if result.not_modified:
            metrics.feed_polls.labels(feed.id, "not_modified").inc()
            metrics.feed_last_success.labels(feed.id).set(time.time())
            return PollReport(feed.id, "not_modified")
        if not self.seen.writable and not await asyncio.to_thread(self._state_retry):
            # Marks we cannot write would be lost at a restart and republished: publish nothing new.
            metrics.feed_polls.labels(feed.id, "error").inc()
            metrics.feed_errors.labels(feed.id, "state").inc()
            return PollReport(feed.id, "error", error="state")
        kwargs = {
            "content_type": result.content_type,
            "base_url": result.final_url or feed.url,
            "fetched_at": now_iso(),
            "max_text_chars": self.settings.max_text_chars,
        }
        try:
            parsed = await self._parse(result.body, feed, kwargs)
        except (FuturesTimeout, TimeoutError):
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
        triage = await asyncio.to_thread(self._triage, feed, parsed, report)
        fresh = triage.fresh
        if self.articles is not None:  # article text for teasers, plus revised articles (fulltext.py)
            fresh = await self.articles.acomplete(feed.id, parsed, fresh)
        batch = await self.publisher.publish_batch(fresh, parsed.aliases) if fresh else BatchResult()
        offsets = self.publisher.watermark.release([(i.partition, i.offset) for i in batch.published])
        # Keep validators only once the whole batch is safe, or a 304 could hide unpublished items;
        # they are written in the transaction of the batch's marks.
        validators = None if batch.failed else FeedValidators(feed.id, result.validators.etag, result.validators.last_modified)
        state_ok = await asyncio.to_thread(self._record, batch, triage.known_keys, offsets, validators)
        report.new = len(batch.published)
        metrics.items_in.labels("poll").inc(len(batch.published))
        metrics.items_out.labels("poll").inc(len(batch.published))
        metrics.feed_entries.labels(feed.id, "new").inc(len(batch.published))
        if batch.failed:
            # Not lost: still unseen, so the next poll publishes them (the feed backs off meanwhile).
            log.error(
                "feed %s: %d items not acknowledged (%s); they stay unseen and are retried next poll",
                feed.id,
                len(batch.failed),
                batch.error,
            )
            self._publish_failed = True
            metrics.feed_errors.labels(feed.id, "publish").inc()
            report.outcome, report.error = "error", "publish"
            return report
        if batch.published and self._publish_failed:
            self._publish_failed = False
            self.verify_due = True  # the broker is back: check that what it acknowledged is still there
        if not state_ok:
            metrics.feed_errors.labels(feed.id, "state").inc()
            report.outcome, report.error = "error", "state"
            return report
        metrics.feed_polls.labels(feed.id, "ok").inc()
        metrics.feed_last_success.labels(feed.id).set(time.time())
        return report

    def _triage(self, feed: Feed, parsed: ParsedFeed, report: PollReport) -> Triage:
        """Split a parsed feed into fresh items and known ones; dead-letter the rejected entries.

        An item is known when its id or any alias (feed guid, content fingerprint) is seen: a story
        under a new session-id URL is not new. Two entries of one document that share a key are
        published once."""
        triage = Triage()
        keys_of = {
            item["item_id"]: [item["item_id"], *parsed.aliases.get(item["item_id"], [])]
            for item in parsed.items
        }
        unseen = set(self.seen.unseen([k for keys in keys_of.values() for k in keys]))
        claimed: set[str] = set()
        for item in parsed.items:
            keys = keys_of[item["item_id"]]
            if all(k in unseen for k in keys) and not claimed.intersection(keys):
                triage.fresh.append(item)
            else:
                report.seen += 1
                # Remember the new URL's id too, so the next poll finds it in one lookup.
                triage.known_keys.extend(k for k in keys if k in unseen and k not in claimed)
            claimed.update(keys)
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
            try:
                self.publisher.dead_letter(
                    dead_letter(
                        "poll", reason, error, repr(raw)[:100_000], feed_id=feed.id, key=raw.get("item_id")
                    )
                )
            except PublishError as exc:
                log.error("feed %s: dead letter not acknowledged (%s); retried next poll", feed.id, exc)
                continue
            metrics.items_rejected.labels("poll", reason).inc()
            metrics.feed_entries.labels(feed.id, "rejected").inc()
            report.rejected += 1
            if raw.get("item_id"):  # a rejected entry is dead-lettered once, not at every poll
                triage.known_keys.append(raw["item_id"])
        return triage

    def _record(
        self, batch: BatchResult, keys: list[str], offsets: dict[int, int], validators: FeedValidators | None
    ) -> bool:
        try:
            self.seen.record(batch.published, keys, offsets, validators)
        except StateWriteError as exc:
            self._state_failed(exc)
            return False
        self._state_recovered()
        return True

    def _state_retry(self) -> bool:
        try:
            self.seen.retry()
        except StateWriteError:
            metrics.poller_state_write_errors.inc()
            return False
        self._state_recovered()
        return True

    def _state_failed(self, exc: StateWriteError) -> None:
        metrics.poller_state_write_errors.inc()
        metrics.poller_state_writable.set(0)
        if self._state_ok:  # one line per outage, not one per feed and poll
            self._state_ok = False
            log.error(
                "%s; publishing of new items is paused until the state can be written "
                "(what was published is kept in memory as seen)",
                exc,
            )

    def _state_recovered(self) -> None:
        if not self._state_ok:
            self._state_ok = True
            log.info("poller state %s is writable again; publishing resumes", self.seen.path)
        metrics.poller_state_writable.set(1)

    def _new_pool(self) -> ProcessPoolExecutor | None:
        # feedparser and schema checks are CPU-bound, and a hostile feed could keep a parser busy:
        # parsing runs in worker processes, which can be abandoned when they overrun.
        workers = self.settings.poll_parse_workers
        return (
            ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) if workers else None
        )

    async def _parse(self, body: bytes, feed: Feed, kwargs: dict[str, object]) -> ParsedFeed:
        pool = self._parse_pool
        if pool is None:
            return await asyncio.to_thread(parse_feed, body, feed, **kwargs)  # type: ignore[arg-type]
        async with self._parse_slots:
            future = pool.submit(parse_feed, body, feed, **kwargs)
            try:
                # Awaited, not waited on in a thread: many feeds are in flight at once.
                return await asyncio.wait_for(asyncio.wrap_future(future), self.settings.parse_timeout_s)
            except asyncio.CancelledError:
                if future.cancelled():  # dropped with a pool another feed's overrun replaced
                    raise FuturesTimeout from None
                raise
            except BrokenProcessPool:
                raise FuturesTimeout from None
            except TimeoutError:
                self._replace_pool(pool)
                raise

    def _replace_pool(self, pool: ProcessPoolExecutor) -> None:
        with self._pool_lock:
            if self._parse_pool is pool:  # first to notice replaces the pool; the stuck worker dies
                self._parse_pool = self._new_pool()
                for proc in list(getattr(pool, "_processes", {}).values()):
                    proc.terminate()
                pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        if self.articles is not None:
            self.articles.close()
        if self._parse_pool is not None:
            self._parse_pool.shutdown(wait=True, cancel_futures=True)

    async def _verify(self) -> None:
        """Check that what the broker acknowledged since the last check is on the items topic."""
        from workers.poll.audit import verify_recent

        try:
            await asyncio.to_thread(verify_recent, self.seen, self.publisher, self.settings)  # type: ignore[arg-type]
        except (KafkaError, RuntimeError, OSError) as exc:
            log.warning("verify: could not check the items topic (%s); trying again later", exc)
            self.verify_due = True

    async def poll_once(self) -> list[PollReport]:
        self._limits()
        async with _session(self.settings) as session:
            return await asyncio.gather(*(self.poll_feed(session, s.feed) for s in self.states.values()))

    async def run(self, stop: asyncio.Event) -> None:
        """Poll every feed when due until `stop` is set."""
        self._limits()
        async with _session(self.settings) as session:
            tasks: dict[str, asyncio.Task[PollReport]] = {}
            verify: asyncio.Task[None] | None = None
            next_verify = time.monotonic() + VERIFY_INTERVAL_S
            while not stop.is_set():
                now = time.monotonic()
                if (self.verify_due or now >= next_verify) and (verify is None or verify.done()):
                    self.verify_due, next_verify = False, now + VERIFY_INTERVAL_S
                    verify = asyncio.create_task(self._verify())
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
