"""The one place that names Marsad's topics and how they are configured."""

from __future__ import annotations

from dataclasses import dataclass

from workers.settings import Settings


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    compacted: bool = False
    schema: str | None = None  # schema file name in schemas/


@dataclass(frozen=True)
class Topics:
    items: TopicSpec  # news items from the poller, key = item_id
    candidates: TopicSpec  # single-report events, key = blocking key (repartition for dedup)
    events: TopicSpec  # sink: merged events, key = event_id, compacted
    dead_letter: TopicSpec  # anything a stage could not process, with the reason

    def all(self) -> list[TopicSpec]:
        return [self.items, self.candidates, self.events, self.dead_letter]


def topics_for(settings: Settings) -> Topics:
    p, n = settings.topic_prefix, settings.partitions
    return Topics(
        items=TopicSpec(f"{p}.items", n, schema="news_item.json"),
        candidates=TopicSpec(f"{p}.event-candidates", n, schema="event.json"),
        events=TopicSpec(f"{p}.events", n, compacted=True, schema="event.json"),
        dead_letter=TopicSpec(f"{p}.dead-letter", 1, schema="dead_letter.json"),
    )
