"""What the article fetcher remembers per item: validators, text digest, revision, revisit schedule.

Outlets revise a story as the toll rises («حصيلة جديدة») under the same URL. Each item whose text
came through the fetcher is kept here (SQLite in the state dir, bounded by `article_store_capacity`,
oldest first out) with the last published version, so a revisit can send a conditional GET, skip
extraction when the page bytes did not change (the content cache), and republish a changed text as
`revision` + 1 under the same item_id. Revisits happen when the feed entry's `updated` changes, and
on a schedule after the first fetch (`article_revisit_s`, default 1 h and 6 h).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class ArticleRecord:
    item_id: str
    feed_id: str
    url: str
    item: dict[str, Any]  # the last version published (the content cache; stored without text if from_feed)
    first_fetched: float  # unix time of the first fetch: revisits are scheduled from it
    revision: int = 0
    digest: str | None = None  # of the normalised text; None = the page gave no text yet
    body_digest: str | None = None  # of the page bytes: same bytes, no extraction needed
    etag: str | None = None
    last_modified: str | None = None
    updated: str | None = None  # the feed entry's `updated` when last seen
    from_feed: bool = False  # the feed carried the whole article: revisions come from the feed, not a page
    checks_done: int = 0  # scheduled revisits done

    def next_check(self, schedule: list[float]) -> float | None:
        if self.from_feed or self.checks_done >= len(schedule):
            return None  # a feed that carries the article shows revisions itself (entry `updated`)
        return self.first_fetched + schedule[self.checks_done]


def _stored(record: ArticleRecord) -> dict[str, Any]:
    """What is written of a record: an article the feed carries is kept without its text (revisions
    compare digests; the feed gives the text again), which halved the store's cost per item."""
    if not record.from_feed:
        return record.__dict__
    return {**record.__dict__, "item": {k: v for k, v in record.item.items() if k != "text"}}


def parse_schedule(text: str) -> list[float]:
    """ "3600,21600" -> [3600.0, 21600.0]: seconds after the first fetch, in order."""
    return sorted(float(part) for part in text.split(",") if part.strip())


class ArticleStore:
    def __init__(self, path: str | Path, schedule: list[float], capacity: int = 200_000):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.schedule = schedule
        self.capacity = capacity
        self._puts_since_prune = 0
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS articles (item_id TEXT PRIMARY KEY, feed_id TEXT NOT NULL, "
            "next_check REAL, first_fetched REAL NOT NULL, record TEXT NOT NULL)"
        )
        self._db.execute("CREATE INDEX IF NOT EXISTS articles_due ON articles(next_check)")
        self._db.execute("CREATE INDEX IF NOT EXISTS articles_age ON articles(first_fetched)")

    def get(self, item_id: str) -> ArticleRecord | None:
        with self._lock:
            row = self._db.execute("SELECT record FROM articles WHERE item_id=?", (item_id,)).fetchone()
        return ArticleRecord(**json.loads(row[0])) if row else None

    def get_many(self, item_ids: list[str]) -> dict[str, ArticleRecord]:
        """The records of these items that exist, in one query per 500 ids."""
        found: dict[str, ArticleRecord] = {}
        with self._lock:
            for start in range(0, len(item_ids), 500):
                chunk = item_ids[start : start + 500]
                rows = self._db.execute(
                    f"SELECT record FROM articles WHERE item_id IN ({','.join('?' * len(chunk))})", chunk
                ).fetchall()
                for (row,) in rows:
                    record = ArticleRecord(**json.loads(row))
                    found[record.item_id] = record
        return found

    def put(self, record: ArticleRecord) -> None:
        self.put_many([record])

    def put_many(self, records: list[ArticleRecord]) -> None:
        """Store records in one transaction (a commit per item was a tenth of the poller's CPU)."""
        if not records:
            return
        rows = [
            (
                record.item_id,
                record.feed_id,
                record.next_check(self.schedule),
                record.first_fetched,
                json.dumps(_stored(record), ensure_ascii=False),
            )
            for record in records
        ]
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.executemany("INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?)", rows)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            self._puts_since_prune += len(records)
            if self._puts_since_prune >= max(1000, self.capacity // 100):
                self._puts_since_prune = 0
                (count,) = self._db.execute("SELECT COUNT(*) FROM articles").fetchone()
                if count > self.capacity:
                    self._db.execute(
                        "DELETE FROM articles WHERE item_id IN "
                        "(SELECT item_id FROM articles ORDER BY first_fetched LIMIT ?)",
                        (count - self.capacity,),
                    )

    def due(self, now: float, limit: int = 100) -> list[ArticleRecord]:
        """Records whose next scheduled revisit is at or before `now`, the longest overdue first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT record FROM articles WHERE next_check IS NOT NULL AND next_check<=? "
                "ORDER BY next_check LIMIT ?",
                (now, limit),
            ).fetchall()
        return [ArticleRecord(**json.loads(r[0])) for r in rows]

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()


__all__ = ["ArticleRecord", "ArticleStore", "parse_schedule"]
