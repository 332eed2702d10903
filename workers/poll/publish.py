"""Publish items with kafka-python: acks=all, idempotent, compressed, keyed by item id; retried."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError

from workers import metrics
from workers.broker.admin import kafka_python_security
from workers.contracts import dead_letter, encode
from workers.settings import Settings
from workers.topics import topics_for

log = logging.getLogger(__name__)


class PublishError(RuntimeError):
    def __init__(self, message: str, acked: list[str]):
        super().__init__(message)
        self.acked = acked  # ids that did reach the broker before the failure


class Publisher:
    def __init__(self, settings: Settings, producer: KafkaProducer | None = None):
        self.topics = topics_for(settings)
        self.lock = threading.Lock()
        self.last_offsets: dict[int, int] = {}
        self.producer = producer or KafkaProducer(
            bootstrap_servers=settings.kafka_bootstrap,
            acks="all",
            enable_idempotence=True,
            compression_type="gzip",
            linger_ms=5,
            retries=5,
            max_request_size=4 * 1024 * 1024,
            client_id="marsad-poller",
            **kafka_python_security(settings),
        )

    def publish_items(
        self, items: list[dict[str, Any]], attempts: int = 3, timeout_s: float = 30.0
    ) -> list[str]:
        """Send items; return ids the broker acknowledged. Raises PublishError if some never were."""
        pending = {item["item_id"]: item for item in items}
        acked: list[str] = []
        for attempt in range(1, attempts + 1):
            futures = {
                item_id: self.producer.send(self.topics.items.name, key=item_id.encode(), value=encode(item))
                for item_id, item in pending.items()
            }
            self.producer.flush(timeout=timeout_s)
            for item_id, future in futures.items():
                try:
                    meta = future.get(timeout=timeout_s)
                    self.last_offsets[meta.partition] = max(
                        self.last_offsets.get(meta.partition, -1), meta.offset
                    )
                except KafkaError as exc:
                    log.warning("publish of %s failed (attempt %d): %s", item_id, attempt, exc)
                    continue
                acked.append(item_id)
                pending.pop(item_id)
            if not pending:
                metrics.broker_up.labels("poller").set(1)
                return acked
            time.sleep(min(2**attempt, 10))
        metrics.broker_up.labels("poller").set(0)
        raise PublishError(f"{len(pending)} items not acknowledged after {attempts} attempts", acked)

    def dead_letter(self, record: dict[str, Any]) -> None:
        self.producer.send(
            self.topics.dead_letter.name, key=(record.get("key") or "").encode(), value=encode(record)
        )
        self.producer.flush(timeout=30)

    def recover_seen(self, seen: Any, settings: Settings, max_per_partition: int = 200_000) -> int:
        """Mark seen every item on the items topic after the store's checkpoints (crash recovery).

        Closes the gap between a broker ack and the local mark: an item published just before a
        crash is found in the log and not published again. Returns how many ids were recovered.
        """
        consumer = KafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap,
            group_id=None,
            enable_auto_commit=False,
            consumer_timeout_ms=2000,
            client_id="marsad-poller-recovery",
            **kafka_python_security(settings),
        )
        try:
            topic = self.topics.items.name
            parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
            if not parts:
                return 0
            consumer.assign(parts)
            ends = consumer.end_offsets(parts)
            checkpoints = seen.checkpoints()
            todo = {}
            for tp in parts:
                start = max(checkpoints.get(tp.partition, -1) + 1, ends[tp] - max_per_partition, 0)
                if start < ends[tp]:
                    consumer.seek(tp, start)
                    todo[tp] = ends[tp]
                else:
                    consumer.pause(tp)
            ids: list[str] = []
            offsets: dict[int, int] = {}
            while todo:
                batches = consumer.poll(timeout_ms=1000)
                if not batches:
                    break
                for tp, records in batches.items():
                    for rec in records:
                        if rec.key:
                            ids.append(rec.key.decode("utf-8", "replace"))
                        offsets[tp.partition] = max(offsets.get(tp.partition, -1), rec.offset)
                    if consumer.position(tp) >= todo.get(tp, 0):
                        todo.pop(tp, None)
                        consumer.pause(tp)
            seen.mark(ids, offsets)
            return len(ids)
        finally:
            consumer.close()

    def close(self) -> None:
        self.producer.close(timeout=10)


__all__ = ["Publisher", "PublishError", "dead_letter"]
