"""`marsad serve`: a small read API over the sink's latest events, backed by a local SQLite index.

A consumer (manual assignment, no group) keeps the index: each record's effect and the partition's
next offset are written in one SQLite transaction, so a restart continues where the index stopped
and applies no record twice. The HTTP side only reads the index:

  GET /events?country=SY&since=2019-03-01&type=battles&limit=100   latest versions, newest first
  GET /events/{event_id}                                             one event and its ACLED row

Responses follow schemas/api_events.json (its event objects are schemas/event.json).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from workers.acled import acled_row, outlet_countries_from_feeds
from workers.settings import Settings
from workers.sinkview import (
    SinkRecord,
    UnreadableRecord,
    consumer_config,
    parse_record,
    parse_since,
    sink_partitions,
)
from workers.topics import topics_for

log = logging.getLogger("marsad.serve")

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
API_SCHEMA = "api_events.json"


class EventIndex:
    """Latest version per event id, searchable by country, type and date; merged ids remembered."""

    def __init__(self, path: str | Path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS events (
                event_id TEXT PRIMARY KEY, version INTEGER NOT NULL, country_code TEXT, country TEXT,
                event_type TEXT NOT NULL, sub_event_type TEXT NOT NULL, event_date TEXT,
                last_reported_at TEXT, body TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS events_by_country_date ON events (country_code, event_date);
            CREATE INDEX IF NOT EXISTS events_by_date ON events (event_date);
            CREATE TABLE IF NOT EXISTS merged (event_id TEXT PRIMARY KEY, merged_into TEXT);
            CREATE TABLE IF NOT EXISTS offsets (topic TEXT, partition INTEGER, next_offset INTEGER,
                PRIMARY KEY (topic, partition));
            """
        )
        self.db.commit()

    def next_offsets(self, topic: str) -> dict[int, int]:
        rows = self.db.execute("SELECT partition, next_offset FROM offsets WHERE topic = ?", (topic,))
        return dict(rows.fetchall())

    def apply(self, record: SinkRecord | None, topic: str, partition: int, offset: int) -> None:
        """One record's effect (None: unreadable, only the offset advances) and the offset, atomically."""
        with self.db:
            if record is not None:
                self._apply(record)
            self.db.execute(
                "INSERT INTO offsets VALUES (?, ?, ?) ON CONFLICT (topic, partition) DO UPDATE SET"
                " next_offset = excluded.next_offset",
                (topic, partition, offset + 1),
            )

    def _apply(self, record: SinkRecord) -> None:
        if record.event is None:
            self.db.execute("DELETE FROM events WHERE event_id = ?", (record.event_id,))
            self.db.execute(
                "INSERT OR REPLACE INTO merged VALUES (?, ?)", (record.event_id, record.merged_into)
            )
            return
        e = record.event
        loc = e.get("location") or {}
        day = e.get("date") or (e.get("first_reported_at") or "")[:10] or None
        self.db.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO UPDATE SET"
            " version = excluded.version, country_code = excluded.country_code, country = excluded.country,"
            " event_type = excluded.event_type, sub_event_type = excluded.sub_event_type,"
            " event_date = excluded.event_date, last_reported_at = excluded.last_reported_at,"
            " body = excluded.body WHERE excluded.version >= events.version",
            (
                e["event_id"],
                int(e["version"]),
                loc.get("country_code"),
                loc.get("country"),
                e["event_type"],
                e["sub_event_type"],
                day,
                e.get("last_reported_at"),
                json.dumps(e, ensure_ascii=False),
            ),
        )
        self.db.execute("DELETE FROM merged WHERE event_id = ?", (e["event_id"],))

    def search(
        self,
        country: str | None = None,
        since: str | None = None,
        event_type: str | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> list[dict[str, Any]]:
        where, args = [], []
        if country:
            where.append("(UPPER(country_code) = ? OR UPPER(country) = ?)")
            args += [country.upper(), country.upper()]
        if since:
            where.append("event_date >= ?")
            args.append(since)
        if event_type:
            where.append("(event_type = ? OR sub_event_type = ?)")
            args += [event_type, event_type]
        sql = "SELECT body FROM events" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY event_date DESC, last_reported_at DESC, event_id LIMIT ?"
        return [json.loads(r[0]) for r in self.db.execute(sql, [*args, limit]).fetchall()]

    def get(self, event_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT body FROM events WHERE event_id = ?", (event_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def merged_into(self, event_id: str) -> tuple[bool, str | None]:
        row = self.db.execute("SELECT merged_into FROM merged WHERE event_id = ?", (event_id,)).fetchone()
        return (True, row[0]) if row else (False, None)

    def close(self) -> None:
        self.db.close()


def index_path(settings: Settings) -> Path:
    return Path(settings.state_dir) / "events-index.sqlite"


async def follow_sink(settings: Settings, index: EventIndex, stop: asyncio.Event) -> None:
    """Keep the index up to date with the sink, from where it stopped."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    spec = topics_for(settings).events
    consumer = AIOKafkaConsumer(
        **consumer_config(settings), group_id=None, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    try:
        parts = [TopicPartition(spec.name, p) for p in await sink_partitions(consumer, spec.name)]
        consumer.assign(parts)
        done = index.next_offsets(spec.name)
        for tp in parts:
            if tp.partition in done:
                consumer.seek(tp, done[tp.partition])
            else:
                await consumer.seek_to_beginning(tp)
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=500)
            for tp, records in batches.items():
                for rec in records:
                    try:
                        record: SinkRecord | None = parse_record(rec.key, rec.value, rec.timestamp)
                    except UnreadableRecord as exc:
                        log.warning("serve: unreadable record at %s/%d: %s", tp, rec.offset, exc)
                        record = None
                    index.apply(record, tp.topic, tp.partition, rec.offset)
    finally:
        await consumer.stop()


def _since_day(text: str) -> str:
    return datetime.fromtimestamp(parse_since(text), UTC).date().isoformat()


def make_app(index: EventIndex, outlet_countries: Mapping[str, str] | None = None) -> web.Application:
    outlets = dict(outlet_countries or {})

    def error(status: int, message: str, **extra: Any) -> web.Response:
        return web.json_response({"error": message, **extra}, status=status)

    async def list_events(request: web.Request) -> web.Response:
        q = request.query
        try:
            since = _since_day(q["since"]) if q.get("since") else None
            limit = int(q.get("limit", DEFAULT_LIMIT))
        except ValueError as exc:
            return error(400, str(exc))
        if not 1 <= limit <= MAX_LIMIT:
            return error(400, f"limit must be 1..{MAX_LIMIT}")
        events = index.search(q.get("country") or None, since, q.get("type") or None, limit)
        return web.json_response(
            {"count": len(events), "events": events},
            dumps=lambda o: json.dumps(o, ensure_ascii=False),
        )

    async def one_event(request: web.Request) -> web.Response:
        event_id = request.match_info["event_id"]
        event = index.get(event_id)
        if event is None:
            merged, into = index.merged_into(event_id)
            if merged:
                return error(410, "event merged into another event or removed", merged_into=into)
            return error(404, "no such event")
        return web.json_response(
            {"event": event, "acled": acled_row(event, outlets)},
            dumps=lambda o: json.dumps(o, ensure_ascii=False),
        )

    async def health(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_get("/events", list_events)
    app.router.add_get("/events/{event_id}", one_event)
    app.router.add_get("/healthz", health)
    return app


async def serve(settings: Settings, stop: asyncio.Event, host: str, port: int) -> None:
    index = EventIndex(index_path(settings))
    runner = web.AppRunner(make_app(index, outlet_countries_from_feeds(settings.feeds_file)))
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    log.info("serve: http://%s:%d/events (index %s)", host, port, index_path(settings))
    try:
        await follow_sink(settings, index, stop)
    finally:
        await runner.cleanup()
        index.close()


def api_validator() -> Any:
    """A validator for API responses; resolves their references to schemas/event.json."""
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource

    from workers.contracts import EVENT, schema

    registry = Registry().with_resources(
        [(schema(name)["$id"], Resource.from_contents(schema(name))) for name in (EVENT, API_SCHEMA)]
    )
    return Draft202012Validator(schema(API_SCHEMA), registry=registry, format_checker=FormatChecker())
