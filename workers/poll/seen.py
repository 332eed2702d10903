"""The poller's seen-set: item ids already acknowledged by the broker, kept across restarts.

SQLite in the state dir: durable, bounded (oldest entries pruned past `capacity`), and written
only after the broker acknowledged the item, so a crash can repeat an item but never lose one.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path


class SeenStore:
    def __init__(self, path: str | Path, capacity: int = 2_000_000):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.capacity = capacity
        self._marks_since_prune = 0
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS seen (item_id TEXT PRIMARY KEY, at REAL NOT NULL)")
        self._db.execute("CREATE INDEX IF NOT EXISTS seen_at ON seen(at)")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS validators (feed_id TEXT PRIMARY KEY, etag TEXT, last_modified TEXT)"
        )
        # Highest items-topic offset per partition whose item is marked here: on start, anything after
        # it (published but not marked before a crash) is read back from the log and marked.
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS checkpoints (partition INTEGER PRIMARY KEY, offset INTEGER)"
        )

    def unseen(self, item_ids: list[str]) -> list[str]:
        if not item_ids:
            return []
        with self._lock:
            known: set[str] = set()
            for i in range(0, len(item_ids), 500):
                chunk = item_ids[i : i + 500]
                rows = self._db.execute(
                    f"SELECT item_id FROM seen WHERE item_id IN ({','.join('?' * len(chunk))})", chunk
                )
                known.update(r[0] for r in rows)
        return [i for i in item_ids if i not in known]

    def mark(self, item_ids: list[str], offsets: dict[int, int] | None = None) -> None:
        """Mark ids seen and, in the same transaction, advance the per-partition log checkpoints."""
        if not item_ids and not offsets:
            return
        now = time.time()
        with self._lock:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO seen VALUES (?, ?)", [(i, now) for i in item_ids])
            for partition, offset in (offsets or {}).items():
                self._db.execute(
                    "INSERT INTO checkpoints VALUES (?, ?) ON CONFLICT(partition) DO UPDATE "
                    "SET offset = MAX(offset, excluded.offset)",
                    (partition, offset),
                )
            self._db.execute("COMMIT")
            self._marks_since_prune += len(item_ids)
            # COUNT(*) is a table scan: prune in batches, not on every mark.
            if self._marks_since_prune >= max(1000, self.capacity // 100):
                self._marks_since_prune = 0
                self._prune()

    def _prune(self) -> None:
        (count,) = self._db.execute("SELECT COUNT(*) FROM seen").fetchone()
        excess = count - self.capacity
        if excess > 0:
            self._db.execute(
                "DELETE FROM seen WHERE item_id IN (SELECT item_id FROM seen ORDER BY at LIMIT ?)", (excess,)
            )

    def checkpoints(self) -> dict[int, int]:
        with self._lock:
            return dict(self._db.execute("SELECT partition, offset FROM checkpoints").fetchall())

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM seen").fetchone()[0]

    def validators(self, feed_id: str) -> tuple[str | None, str | None]:
        with self._lock:
            row = self._db.execute(
                "SELECT etag, last_modified FROM validators WHERE feed_id=?", (feed_id,)
            ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def save_validators(self, feed_id: str, etag: str | None, last_modified: str | None) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO validators VALUES (?, ?, ?)", (feed_id, etag, last_modified)
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()
