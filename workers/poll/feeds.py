"""The feeds file (TOML or YAML): which outlets to poll and how often."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import yaml

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")


@dataclass(frozen=True)
class Feed:
    id: str
    name: str
    url: str
    language: str = "ar"
    country: str = ""
    interval_s: float | None = None  # None = the global poll interval


class FeedsFileError(ValueError):
    pass


def load_feeds(path: str | Path) -> list[Feed]:
    path = Path(path)
    raw = path.read_bytes()
    try:
        data = yaml.safe_load(raw) if path.suffix in {".yaml", ".yml"} else tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise FeedsFileError(f"{path}: cannot parse feeds file: {exc}") from None
    entries = (data or {}).get("feed") or (data or {}).get("feeds") or []
    feeds: list[Feed] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or "url" not in entry:
            raise FeedsFileError(f"{path}: feed #{i + 1} needs at least a url")
        feed_id = str(entry.get("id") or _slug(entry.get("name") or entry["url"]))
        if not _ID_RE.match(feed_id):
            raise FeedsFileError(f"{path}: feed id {feed_id!r} must match {_ID_RE.pattern}")
        if feed_id in seen:
            raise FeedsFileError(f"{path}: duplicate feed id {feed_id!r}")
        seen.add(feed_id)
        feeds.append(
            Feed(
                id=feed_id,
                name=str(entry.get("name") or feed_id),
                url=str(entry["url"]),
                language=str(entry.get("language", "ar")),
                country=str(entry.get("country", "")),
                interval_s=float(entry["interval_s"]) if entry.get("interval_s") else None,
            )
        )
    return feeds


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:100] or "feed"
