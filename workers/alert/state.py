"""What has been alerted, per (event, rule): survives restarts in a local SQLite file.

Written only after a delivery succeeded, and before the consumer commits the record's offset:
a crash in between re-delivers (at least once); the idempotency key (event, rule, level) and
Alertmanager's own de-duplication of identical label sets make the repeat harmless.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class AlertState:
    event_id: str
    rule: str
    level: int
    status: str  # firing | resolved
    labels: dict[str, str]
    starts_at: str


class AlertStore:
    def __init__(self, path: str | Path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path))
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS alerts (event_id TEXT NOT NULL, rule TEXT NOT NULL, level INTEGER NOT NULL,"
            " status TEXT NOT NULL, labels TEXT NOT NULL, starts_at TEXT NOT NULL, updated REAL NOT NULL,"
            " PRIMARY KEY (event_id, rule))"
        )
        self.db.commit()

    def get(self, event_id: str, rule: str) -> AlertState | None:
        row = self.db.execute(
            "SELECT level, status, labels, starts_at FROM alerts WHERE event_id = ? AND rule = ?",
            (event_id, rule),
        ).fetchone()
        return AlertState(event_id, rule, row[0], row[1], json.loads(row[2]), row[3]) if row else None

    def for_event(self, event_id: str) -> list[AlertState]:
        rows = self.db.execute(
            "SELECT rule, level, status, labels, starts_at FROM alerts WHERE event_id = ?", (event_id,)
        ).fetchall()
        return [AlertState(event_id, r[0], r[1], r[2], json.loads(r[3]), r[4]) for r in rows]

    def put(self, states: list[AlertState]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT INTO alerts VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, rule) DO UPDATE SET"
                " level = excluded.level, status = excluded.status, labels = excluded.labels,"
                " starts_at = excluded.starts_at, updated = excluded.updated",
                [
                    (s.event_id, s.rule, s.level, s.status, json.dumps(s.labels), s.starts_at, time.time())
                    for s in states
                ],
            )

    def count(self, status: str | None = None) -> int:
        if status:
            return self.db.execute("SELECT COUNT(*) FROM alerts WHERE status = ?", (status,)).fetchone()[0]
        return self.db.execute("SELECT COUNT(*) FROM alerts").fetchone()[0]

    def close(self) -> None:
        self.db.close()
