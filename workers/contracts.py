"""Message contracts: load the JSON Schemas in schemas/ and validate messages at the edges."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator, FormatChecker

NEWS_ITEM = "news_item.json"
EVENT = "event.json"
DEAD_LETTER = "dead_letter.json"

DEAD_LETTER_PAYLOAD_CAP = 64 * 1024


class ContractError(ValueError):
    """A message does not satisfy its contract; `reason` is a dead-letter reason code."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@cache
def schema(name: str) -> dict[str, Any]:
    return json.loads(resources.files("schemas").joinpath(name).read_text(encoding="utf-8"))


@cache
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(schema(name), format_checker=FormatChecker())


@cache
def _compiled(name: str) -> Callable[[Any], Any]:
    # jsonschema walks the schema anew for every message (several ms for an event); fastjsonschema
    # compiles it to Python once. It says only the first error, so failures are re-run through
    # jsonschema for a complete reason.
    return fastjsonschema.compile(schema(name))


def validation_errors(name: str, message: Any) -> list[str]:
    try:
        _compiled(name)(message)
        return []
    except fastjsonschema.JsonSchemaException as exc:
        first = f"{exc}"[:500]
    errors = sorted(_validator(name).iter_errors(message), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"[:500] for e in errors[:5]] or [
        first
    ]


def validate(name: str, message: Any) -> None:
    errors = validation_errors(name, message)
    if errors:
        raise ContractError("schema_violation", "; ".join(errors))


def decode(name: str, raw: bytes | str | None, max_bytes: int = 2_000_000) -> dict[str, Any]:
    """Bytes from a topic -> validated dict, or ContractError with a dead-letter reason."""
    if raw is None:
        raise ContractError("invalid_json", "empty message")
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    if len(raw) > max_bytes:
        raise ContractError("too_large", f"message is {len(raw)} bytes, limit {max_bytes}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContractError("invalid_encoding", f"not UTF-8: {exc}") from None
    try:
        message = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContractError("invalid_json", f"not JSON: {exc}") from None
    validate(name, message)
    return message


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def dead_letter(
    stage: str,
    reason: str,
    error: str,
    payload: bytes | str | None,
    *,
    source_topic: str | None = None,
    partition: int | None = None,
    offset: int | None = None,
    key: bytes | str | None = None,
    feed_id: str | None = None,
) -> dict[str, Any]:
    """Build a dead-letter record that keeps the original payload (text when UTF-8, else base64)."""
    raw = payload.encode("utf-8", "surrogatepass") if isinstance(payload, str) else (payload or b"")
    truncated = len(raw) > DEAD_LETTER_PAYLOAD_CAP
    raw = raw[:DEAD_LETTER_PAYLOAD_CAP]
    try:
        body, encoding = raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        body, encoding = base64.b64encode(raw).decode("ascii"), "base64"
    if isinstance(key, bytes):
        key = key.decode("utf-8", "replace")
    record = {
        "schema_version": 1,
        "stage": stage,
        "reason": reason,
        "error": error[:4000],
        "source_topic": source_topic,
        "partition": partition,
        "offset": offset,
        "key": key,
        "feed_id": feed_id,
        "payload": body,
        "payload_encoding": encoding,
        "payload_truncated": truncated,
        "at": now_iso(),
    }
    validate(DEAD_LETTER, record)
    return record
