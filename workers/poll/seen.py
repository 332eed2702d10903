"""The poller's state: which articles were acknowledged by the broker, kept across restarts.

SQLite in the state dir: durable, bounded (oldest entries pruned past `capacity`), and written
only after the broker acknowledged the item, so a crash can repeat an item but never lose one.

- `seen`: every key that names a published or dead-lettered article: its item id and its aliases
  (feed guid, content fingerprint; see identity.py).
- `journal`: each published item's partition, offset and payload (zlib). The audit (`marsad
  audit`) and the poller's verification after a broker restart compare it with the items topic and
  republish what the broker lost: acknowledged writes were lost when the embedded single-node
  broker was SIGKILLed (issue 16), and only a copy kept here can bring them back.
- `checkpoints`: the highest items-topic offset per partition below which every item is marked
  (crash recovery reads the topic after it); `verified`: the offset up to which the topic was
  checked against the journal.

Disk full or a read-only state dir: a write that fails raises StateWriteError and the marks are
kept in memory (so they still count as seen: no republishing storm); the poller stops publishing
new items until a write succeeds again (`writable`).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


class StateWriteError(RuntimeError):
    """The seen-set could not be written (disk full, read-only, I/O error)."""


class StateDirError(StateWriteError):
    """The state dir or its database cannot be opened or created at all."""


@dataclass(frozen=True)
class PublishedItem:
    """An item the broker acknowledged, as the seen-set records it."""

    item_id: str
    aliases: tuple[str, ...]
    partition: int
    offset: int
    payload: bytes  # the encoded item, as sent


@dataclass(frozen=True)
class FeedValidators:
    """A feed's HTTP validators, saved with the marks of the batch they vouch for."""

    feed_id: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class JournalEntry:
    item_id: str
    partition: int
    offset: int
    at: float


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS seen (item_id TEXT PRIMARY KEY, at REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS seen_at ON seen(at)",
    "CREATE TABLE IF NOT EXISTS validators (feed_id TEXT PRIMARY KEY, etag TEXT, last_modified TEXT)",
    "CREATE TABLE IF NOT EXISTS checkpoints (partition INTEGER PRIMARY KEY, offset INTEGER)",
    "CREATE TABLE IF NOT EXISTS verified (partition INTEGER PRIMARY KEY, offset INTEGER)",
    "CREATE TABLE IF NOT EXISTS journal (item_id TEXT PRIMARY KEY, at REAL NOT NULL, "
    "partition INTEGER NOT NULL, offset INTEGER NOT NULL, payload BLOB NOT NULL)",
    "CREATE INDEX IF NOT EXISTS journal_pos ON journal(partition, offset)",
    "CREATE INDEX IF NOT EXISTS journal_at ON journal(at)",
    "CREATE TABLE IF NOT EXISTS probe (id INTEGER PRIMARY KEY, filler BLOB)",
)
# Payloads take room (about 1 KB per item compressed): the journal keeps the newest 200,000 items,
# days of a few hundred feeds, enough for the verification (minutes) and an audit over days.
JOURNAL_CAPACITY = 200_000
PROBE_BYTES = 256 * 1024  # about one feed's batch of items with their journal payloads


class SeenStore:
    def __init__(self, path: str | Path, capacity: int = 2_000_000, journal_capacity: int = JOURNAL_CAPACITY):
        self.path = Path(path)
        self.capacity = capacity
        self.journal_capacity = journal_capacity
        self._marks_since_prune = 0
        self._lock = threading.Lock()
        # Marks the database refused (disk full): still seen for this process, written on recovery.
        self._unwritten_keys: dict[str, float] = {}
        self._unwritten_items: list[PublishedItem] = []
        self._unwritten_offsets: dict[int, int] = {}
        self._unwritten_validators: dict[str, FeedValidators] = {}
        self._flush_failed = False
        self.last_error: str | None = None
        self._probe_failed = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            for statement in _SCHEMA:
                self._db.execute(statement)
        except (OSError, sqlite3.Error) as exc:
            raise StateDirError(
                f"cannot open the poller state {self.path}: {exc} (check MARSAD_STATE_DIR: "
                "it must be a writable directory with free space)"
            ) from None

    @property
    def writable(self) -> bool:
        """False while marks wait in memory because the last write failed. (Not "while marks wait":
        another thread's marks on their way to disk are no failure, and retrying them cost a thread
        hop and a lock wait per feed.)"""
        return not (self._probe_failed or self._flush_failed)

    def probe(self) -> None:
        """Write and delete a batch-sized row: a full disk or read-only file shows before anything is
        published (a restart on a full disk had republished every item it could not mark)."""
        with self._lock:
            try:
                self._db.execute("INSERT OR REPLACE INTO probe VALUES (1, zeroblob(?))", (PROBE_BYTES,))
                self._db.execute("DELETE FROM probe")
            except sqlite3.Error as exc:
                self._probe_failed = True
                self.last_error = f"{type(exc).__name__}: {exc}"
                raise StateWriteError(f"cannot write the poller state {self.path}: {exc}") from None
            self._probe_failed = False

    def unseen(self, item_ids: list[str]) -> list[str]:
        if not item_ids:
            return []
        with self._lock:
            known: set[str] = {i for i in item_ids if i in self._unwritten_keys}
            for i in range(0, len(item_ids), 500):
                chunk = item_ids[i : i + 500]
                rows = self._db.execute(
                    f"SELECT item_id FROM seen WHERE item_id IN ({','.join('?' * len(chunk))})", chunk
                )
                known.update(r[0] for r in rows)
        return [i for i in item_ids if i not in known]

    def mark(self, item_ids: Iterable[str], offsets: dict[int, int] | None = None) -> None:
        """Mark keys seen and, in the same transaction, advance the per-partition log checkpoints."""
        self.record([], list(item_ids), offsets)

    def record(
        self,
        published: list[PublishedItem],
        keys: list[str] | None = None,
        offsets: dict[int, int] | None = None,
        validators: FeedValidators | None = None,
    ) -> None:
        """Mark published items (id, aliases, journal) and other keys seen, advance checkpoints and
        save the feed's validators, in one transaction. On failure the marks stay in memory and
        StateWriteError is raised."""
        now = time.time()
        with self._lock:
            for key in keys or []:
                self._unwritten_keys[key] = now
            for item in published:
                self._unwritten_items.append(item)
                self._unwritten_keys[item.item_id] = now
                for alias in item.aliases:
                    self._unwritten_keys[alias] = now
            for partition, offset in (offsets or {}).items():
                self._unwritten_offsets[partition] = max(self._unwritten_offsets.get(partition, -1), offset)
            if validators is not None:
                self._unwritten_validators[validators.feed_id] = validators
            self._flush()

    def retry(self) -> bool:
        """Write marks held in memory; True when nothing is left unwritten."""
        if self._probe_failed:
            self.probe()
        with self._lock:
            if self._unwritten_keys or self._unwritten_items or self._unwritten_offsets or self._unwritten_validators:
                self._flush()
        return self.writable

    def _flush(self) -> None:
        if not (
            self._unwritten_keys or self._unwritten_items or self._unwritten_offsets or self._unwritten_validators
        ):
            return
        try:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR REPLACE INTO seen VALUES (?, ?)", list(self._unwritten_keys.items())
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO journal VALUES (?, ?, ?, ?, ?)",
                [
                    (
                        i.item_id,
                        self._unwritten_keys.get(i.item_id, 0.0),
                        i.partition,
                        i.offset,
                        zlib.compress(i.payload, 1),
                    )
                    for i in self._unwritten_items
                ],
            )
            for partition, offset in self._unwritten_offsets.items():
                self._db.execute(
                    "INSERT INTO checkpoints VALUES (?, ?) ON CONFLICT(partition) DO UPDATE "
                    "SET offset = MAX(offset, excluded.offset)",
                    (partition, offset),
                )
            self._db.executemany(
                "INSERT OR REPLACE INTO validators VALUES (?, ?, ?)",
                [(v.feed_id, v.etag, v.last_modified) for v in self._unwritten_validators.values()],
            )
            self._db.execute("COMMIT")
        except (sqlite3.Error, OSError) as exc:
            if self._db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
            self.last_error = f"{type(exc).__name__}: {exc}"
            self._flush_failed = True
            raise StateWriteError(f"cannot write the poller state {self.path}: {exc}") from None
        self._flush_failed = False
        self._marks_since_prune += len(self._unwritten_keys)
        self._unwritten_keys, self._unwritten_items, self._unwritten_offsets = {}, [], {}
        self._unwritten_validators = {}
        self.last_error = None
        # COUNT(*) is a table scan: prune in batches, not on every mark.
        if self._marks_since_prune >= max(1000, self.capacity // 100):
            self._marks_since_prune = 0
            with contextlib.suppress(sqlite3.Error):  # pruning again later is fine
                self._prune()

    def _prune(self) -> None:
        for table, capacity in (("seen", self.capacity), ("journal", self.journal_capacity)):
            (count,) = self._db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
            excess = count - capacity
            if excess > 0:
                self._db.execute(
                    f"DELETE FROM {table} WHERE item_id IN (SELECT item_id FROM {table} ORDER BY at LIMIT ?)",
                    (excess,),
                )

    def checkpoints(self) -> dict[int, int]:
        with self._lock:
            stored = dict(self._db.execute("SELECT partition, offset FROM checkpoints").fetchall())
            for partition, offset in self._unwritten_offsets.items():
                stored[partition] = max(stored.get(partition, -1), offset)
            return stored

    def verified(self) -> dict[int, int]:
        with self._lock:
            return dict(self._db.execute("SELECT partition, offset FROM verified").fetchall())

    def set_verified(self, offsets: dict[int, int]) -> None:
        with self._lock:
            try:
                self._db.executemany(
                    "INSERT INTO verified VALUES (?, ?) ON CONFLICT(partition) DO UPDATE "
                    "SET offset = MAX(offset, excluded.offset)",
                    list(offsets.items()),
                )
            except sqlite3.Error as exc:
                raise StateWriteError(f"cannot write the poller state {self.path}: {exc}") from None

    def journal_after(self, offsets: dict[int, int]) -> list[JournalEntry]:
        """Journal entries past the given offset of each partition (all of a partition not listed)."""
        entries: list[JournalEntry] = []
        with self._lock:
            partitions = [r[0] for r in self._db.execute("SELECT DISTINCT partition FROM journal")]
            for partition in partitions:
                rows = self._db.execute(
                    "SELECT item_id, partition, offset, at FROM journal WHERE partition = ? AND offset > ?",
                    (partition, offsets.get(partition, -1)),
                )
                entries.extend(JournalEntry(*row) for row in rows)
        return entries

    def journal_between(self, since: float, until: float) -> list[JournalEntry]:
        with self._lock:
            rows = self._db.execute(
                "SELECT item_id, partition, offset, at FROM journal WHERE at >= ? AND at < ?", (since, until)
            ).fetchall()
        return [JournalEntry(*row) for row in rows]

    def relocate(self, positions: dict[str, tuple[int, int]]) -> None:
        """Record the new partition and offset of republished items."""
        with self._lock:
            try:
                self._db.executemany(
                    "UPDATE journal SET partition = ?, offset = ? WHERE item_id = ?",
                    [(p, o, item_id) for item_id, (p, o) in positions.items()],
                )
            except sqlite3.Error as exc:
                raise StateWriteError(f"cannot write the poller state {self.path}: {exc}") from None

    def payloads(self, item_ids: list[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        with self._lock:
            for i in range(0, len(item_ids), 500):
                chunk = item_ids[i : i + 500]
                rows = self._db.execute(
                    f"SELECT item_id, payload FROM journal WHERE item_id IN ({','.join('?' * len(chunk))})",
                    chunk,
                )
                found.update((r[0], zlib.decompress(r[1])) for r in rows)
        return found

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM seen").fetchone()[0]

    def validators(self, feed_id: str) -> tuple[str | None, str | None]:
        with self._lock:
            row = self._db.execute(
                "SELECT etag, last_modified FROM validators WHERE feed_id=?", (feed_id,)
            ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def close(self) -> None:
        with self._lock:
            self._db.close()
