"""The feeds file (TOML or YAML): which outlets to poll and how often.

Validated like the settings: a misspelled table (`[[feeeds]]`), an unknown key (`intervall_s`),
a wrong type (`interval_s = "soon"`), a non-positive interval or an empty file is an error that
names the file, the line (TOML) and the key, instead of a poller that polls nothing or every second.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from workers.geo import countries_table

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
_TABLES = ("feed", "feeds")  # [[feed]] in TOML; `feeds:` is accepted as well (YAML lists read better)
_SCHEMES = ("http", "https", "file")


@dataclass(frozen=True)
class Feed:
    id: str
    name: str
    url: str
    language: str = "ar"
    country: str = ""
    # A local outlet's own country (ISO 3166-1 alpha-2): the army, police and government it names
    # without a country («رجال الأمن») are that country's. Empty for outlets that cover the region
    # or the world (their «قوات الأمن» may be anyone's).
    home_country: str = ""
    interval_s: float | None = None  # None = the global poll interval


_KEYS = {f.name for f in fields(Feed)}


class FeedsFileError(ValueError):
    pass


def load_feeds(path: str | Path) -> list[Feed]:
    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
        data = yaml.safe_load(text) if path.suffix in {".yaml", ".yml"} else tomllib.loads(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise FeedsFileError(f"{path}: cannot parse feeds file: {exc}") from None
    where = _Locator(path, text)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FeedsFileError(f"{path}: expected [[feed]] tables, found a {type(data).__name__}")
    for table in data:
        if table not in _TABLES:
            raise FeedsFileError(
                f"{where.table(table)}: unknown table {table!r}; feeds are listed as [[feed]] tables"
            )
    entries = [e for t in _TABLES for e in _as_list(data.get(t), path)]
    if not entries:
        raise FeedsFileError(f"{path}: no feeds: list at least one [[feed]] with a url")
    feeds: list[Feed] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        feed = _feed(entry, i, where)
        if feed.id in seen:
            raise FeedsFileError(f"{where.key(i, 'id')}: duplicate feed id {feed.id!r}")
        seen.add(feed.id)
        feeds.append(feed)
    return feeds


def _as_list(value: Any, path: Path) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FeedsFileError(f"{path}: feeds must be a list of tables ([[feed]]), not a single table")
    return value


def _feed(entry: Any, i: int, where: _Locator) -> Feed:
    if not isinstance(entry, dict):
        raise FeedsFileError(f"{where.entry(i)}: feed #{i + 1} must be a table of keys")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise FeedsFileError(
            f"{where.key(i, unknown[0])}: feed #{i + 1}: unknown key {unknown[0]!r} (known: {sorted(_KEYS)})"
        )
    for key in ("id", "name", "url", "language", "country", "home_country"):
        if key in entry and not isinstance(entry[key], str):
            raise FeedsFileError(
                f"{where.key(i, key)}: feed #{i + 1}: {key} must be a string, not {entry[key]!r}"
            )
    url = (entry.get("url") or "").strip()
    if not url:
        raise FeedsFileError(f"{where.entry(i)}: feed #{i + 1} needs a url")
    if urlsplit(url).scheme.lower() not in _SCHEMES:
        raise FeedsFileError(f"{where.key(i, 'url')}: feed #{i + 1}: url must be http(s) or file://: {url!r}")
    home_country = entry.get("home_country", "")
    if home_country and home_country not in countries_table():
        raise FeedsFileError(
            f"{where.key(i, 'home_country')}: feed #{i + 1}: home_country must be an ISO 3166-1 alpha-2"
            f" code of a country (GeoNames) such as \"SA\", not {home_country!r}"
        )
    interval = entry.get("interval_s")
    if interval is not None and (
        isinstance(interval, bool) or not isinstance(interval, int | float) or not interval > 0
    ):
        raise FeedsFileError(
            f"{where.key(i, 'interval_s')}: feed #{i + 1}: interval_s must be a positive number of seconds,"
            f" not {interval!r}"
        )
    feed_id = entry.get("id") or _slug(entry.get("name") or url)
    if not _ID_RE.match(feed_id):
        raise FeedsFileError(f"{where.key(i, 'id')}: feed id {feed_id!r} must match {_ID_RE.pattern}")
    return Feed(
        id=feed_id,
        name=entry.get("name") or feed_id,
        url=url,
        language=entry.get("language", "ar"),
        country=entry.get("country", ""),
        home_country=home_country,
        interval_s=float(interval) if interval is not None else None,
    )


class _Locator:
    """`file:line` for a feed entry or key in a TOML feeds file (tomllib keeps no positions)."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.toml = path.suffix not in {".yaml", ".yml"}
        self.lines = text.splitlines()

    def _at(self, line: int | None) -> str:
        return f"{self.path}:{line}" if line else str(self.path)

    def table(self, name: str) -> str:
        pattern = re.compile(rf"^\s*\[\[?\s*{re.escape(name)}\s*\]")
        return self._at(self._find(pattern, 0, len(self.lines)) if self.toml else None)

    def _headers(self) -> list[int]:
        return [n for n, line in enumerate(self.lines) if re.match(r"^\s*\[\[\s*feeds?\s*\]\]", line)]

    def entry(self, i: int) -> str:
        headers = self._headers()
        return self._at(headers[i] + 1 if self.toml and i < len(headers) else None)

    def key(self, i: int, key: str) -> str:
        headers = self._headers()
        if not self.toml or i >= len(headers):
            return self._at(None)
        end = headers[i + 1] if i + 1 < len(headers) else len(self.lines)
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        return self._at(self._find(pattern, headers[i], end) or headers[i] + 1)

    def _find(self, pattern: re.Pattern[str], start: int, end: int) -> int | None:
        for n in range(start, end):
            if pattern.match(self.lines[n]):
                return n + 1
        return None


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:100] or "feed"
