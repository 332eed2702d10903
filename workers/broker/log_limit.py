"""Bound the log volume of Kafka client libraries while a broker is unreachable.

A proxy that accepted connections and closed them drew 169,597 log lines (30 MB) in 60 s from
kafka-python (issue 16): each failed connection logs several lines, and a connection that the
proxy accepts resets the library's reconnect backoff. Backoff settings slow the loop (publish.py);
this filter caps what reaches the log: per logger and level, `burst` records per `window_s`, then a
count of what was dropped on the next record that passes.
"""

from __future__ import annotations

import logging
import threading
import time

CLIENT_LOGGERS = ("kafka", "aiokafka")
BURST = 5
WINDOW_S = 60.0


class RepeatLimiter(logging.Filter):
    def __init__(
        self, prefixes: tuple[str, ...] = CLIENT_LOGGERS, burst: int = BURST, window_s: float = WINDOW_S
    ):
        super().__init__()
        self.prefixes = prefixes
        self.burst = burst
        self.window_s = window_s
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, int], list[float]] = {}  # key -> [window start, passed, dropped]

    def filter(self, record: logging.LogRecord) -> bool:
        name = record.name
        if not any(name == p or name.startswith(p + ".") for p in self.prefixes):
            return True
        key = (name, record.levelno)
        now = time.monotonic()
        with self._lock:
            window = self._windows.get(key)
            if window is None or now - window[0] >= self.window_s:
                dropped = int(window[2]) if window else 0
                self._windows[key] = [now, 1, 0]
                if dropped:
                    record.msg = f"{record.msg} [{dropped} more {record.levelname.lower()} records of {name} dropped in the last {self.window_s:.0f} s]"
                return True
            if window[1] < self.burst:
                window[1] += 1
                return True
            window[2] += 1
            return False


def limit_client_logs(burst: int = BURST, window_s: float = WINDOW_S) -> RepeatLimiter:
    """Attach one limiter to the root logger's handlers (where client library records end up)."""
    limiter = RepeatLimiter(burst=burst, window_s=window_s)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RepeatLimiter) for f in handler.filters):
            handler.addFilter(limiter)
    return limiter
