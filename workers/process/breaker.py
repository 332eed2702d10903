"""Dead-letter circuit breaker: stop consuming when a partition's recent messages are mostly poison.

A single bad message goes to the dead-letter topic and the stream goes on. But after a bad deploy
(an extractor that raises on everything) or an upstream change (a producer writing a new format),
"go on" means dead-lettering the whole stream: every message is consumed, committed and parked,
and replaying them later is manual work. Like arroyo's `DlqLimit`, the breaker watches the share of
dead-lettered messages among each partition's last `window` messages; once the window is full and
the share exceeds `ratio`, the stage stops consuming. The message that would come next stays
unprocessed and uncommitted, so the next start (after the fix) picks up exactly there.

`DeadLetterBreaker` is the pure core (no Kafka, no clock); `BreakerHook` is the thin shell the
processor calls per message: it logs one clear line, sets `marsad_dead_letter_breaker_open` and
turns /readyz to 503; the processor then stops consuming (workers/process/app.py). The worker keeps serving /metrics, so the alert
`MarsadDeadLetterBreakerOpen` fires instead of the generic "worker down".
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field

from workers import endpoints, metrics

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Trip:
    """Why the breaker opened: `dead` of the last `window` messages on `partition` were dead letters."""

    partition: int
    dead: int
    window: int
    ratio: float


@dataclass
class DeadLetterBreaker:
    """Per-partition sliding window of outcomes; opens when dead letters exceed `ratio` of a full window.

    A ratio of 1.0 never opens (a share cannot exceed 1)."""

    ratio: float
    window: int
    _recent: dict[int, deque[bool]] = field(default_factory=dict)
    _dead: dict[int, int] = field(default_factory=dict)
    trip: Trip | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.ratio <= 1.0:
            raise ValueError(f"ratio must be within [0, 1], got {self.ratio}")
        if self.window < 1:
            raise ValueError(f"window must be at least 1, got {self.window}")

    @property
    def is_open(self) -> bool:
        return self.trip is not None

    def record(self, partition: int, dead_lettered: bool) -> Trip | None:
        """Count one processed message of `partition`; returns the Trip when this one opened the breaker."""
        if self.trip is not None:
            return None
        recent = self._recent.setdefault(partition, deque(maxlen=self.window))
        dead = self._dead.get(partition, 0)
        if len(recent) == self.window and recent[0]:
            dead -= 1  # the oldest outcome falls out of the window
        recent.append(dead_lettered)
        dead += dead_lettered
        self._dead[partition] = dead
        if len(recent) == self.window and dead > self.ratio * self.window:
            self.trip = Trip(partition, dead, self.window, self.ratio)
            return self.trip
        return None


class BreakerHook:
    """What the processor calls: `record` after each message; it stops consuming once `is_open`."""

    def __init__(self, stage: str, topic: str, ratio: float, window: int):
        self.stage, self.topic = stage, topic
        self.core = DeadLetterBreaker(ratio, window)

    def record(self, partition: int, dead_lettered: bool) -> None:
        trip = self.core.record(partition, dead_lettered)
        if trip is None:
            return
        metrics.breaker_open.labels(self.stage, self.topic, str(trip.partition)).set(1)
        endpoints.set_ready("processor", False)
        log.error(
            "dead-letter breaker open: %d of the last %d messages on %s[%d] were dead-lettered "
            "(limit: more than %.0f%%); stage %s stops consuming. Read the dead-letter topic for the "
            "reason, fix it, then restart: the messages not yet processed are consumed then.",
            trip.dead,
            trip.window,
            self.topic,
            trip.partition,
            trip.ratio * 100,
            self.stage,
            extra={"stage": self.stage, "topic": self.topic, "partition": trip.partition},
        )

    @property
    def is_open(self) -> bool:
        """Once open, the processor consumes nothing more (workers/process/app.py)."""
        return self.core.is_open
