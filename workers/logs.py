"""Logging: JSON lines when stderr is not a terminal (for log shippers), readable text when it is.

Every worker keeps these handlers (the Faust worker used to replace them with its own text format:
254 of 258 stderr lines were text with MARSAD_LOG_FORMAT=json). The Kafka clients log a line per
rebalance step and connection; they are held at WARNING unless `-v`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from collections.abc import Iterator
from typing import Any

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        # Context passed with extra={...}: item_id, event_id, feed ...
        out.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


CHATTY_LOGGERS = ("kafka", "aiokafka", "asyncio")


def setup(level: str = "INFO", fmt: str = "auto", verbose: bool = False) -> None:
    use_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter() if use_json else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.captureWarnings(True)  # Python warnings as log records (JSON too), not raw stderr text
    for noisy in CHATTY_LOGGERS:
        logging.getLogger(noisy).setLevel(root.level if verbose else max(logging.WARNING, root.level))


@contextlib.contextmanager
def quieted(name: str) -> Iterator[None]:
    """Silence logger `name` below CRITICAL for a block whose failure the caller reports itself
    (unless -v asked for the chatter: then its level is below WARNING and is left alone)."""
    logger = logging.getLogger(name)
    saved = logger.level
    if logger.getEffectiveLevel() >= logging.WARNING:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(saved)
