"""The streaming shell of `marsad alert`: a consumer group on the sink feeding the alert engine.

Per record: decide (engine), deliver (retrying until it succeeds or the worker stops), record the
state, and only then commit the record's offset. A crash anywhere re-reads from the last commit;
the state makes already-delivered notices decide to nothing, so a restart re-sends nothing.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path

import aiohttp

from workers import metrics
from workers.acled import outlet_countries_from_feeds
from workers.alert.deliver import Delivery, DeliveryError
from workers.alert.engine import AlertEngine, Notice
from workers.alert.rules import Rule
from workers.alert.state import AlertStore
from workers.settings import Settings
from workers.sinkview import UnreadableRecord, consumer_config, parse_record
from workers.topics import topics_for

log = logging.getLogger("marsad.alert")

RETRY_FIRST_S = 1.0
RETRY_MAX_S = 60.0


class Stopped(Exception):
    pass


def store_path(settings: Settings) -> Path:
    return Path(settings.state_dir) / "alerts.sqlite"


async def deliver_with_retry(
    delivery: Delivery, session: aiohttp.ClientSession, notices: list[Notice], stop: asyncio.Event
) -> None:
    wait = RETRY_FIRST_S
    while True:
        try:
            await delivery.send(session, notices)
            return
        except DeliveryError as exc:
            metrics.alert_delivery_failures.inc()
            log.warning("alert delivery failed (%s); retrying in %.0f s", exc, wait)
        try:
            await asyncio.wait_for(stop.wait(), wait)
            raise Stopped
        except TimeoutError:
            wait = min(wait * 2, RETRY_MAX_S)


async def run_alerts(settings: Settings, rules: list[Rule], delivery: Delivery, stop: asyncio.Event) -> None:
    from aiokafka import AIOKafkaConsumer, TopicPartition
    from aiokafka.structs import OffsetAndMetadata

    topic = topics_for(settings).events.name
    store = AlertStore(store_path(settings))
    engine = AlertEngine(
        rules,
        store,
        outlet_countries_from_feeds(settings.feeds_file),
        alert_ttl=timedelta(hours=settings.alert_ttl_hours),
    )
    consumer = AIOKafkaConsumer(
        topic,
        **consumer_config(settings),
        group_id=settings.alert_group_id,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    log.info(
        "alert: %d rules, state in %s, consumer group %s",
        len(rules),
        store_path(settings),
        settings.alert_group_id,
    )
    try:
        async with aiohttp.ClientSession() as session:
            while not stop.is_set():
                batches = await consumer.getmany(timeout_ms=500)
                for tp, records in batches.items():
                    for rec in records:
                        try:
                            record = parse_record(rec.key, rec.value, rec.timestamp)
                        except UnreadableRecord as exc:
                            log.warning("alert: unreadable record at %s/%d: %s", tp, rec.offset, exc)
                            continue
                        notices = engine.decide(record)
                        if notices:
                            await deliver_with_retry(delivery, session, notices, stop)
                            engine.record(notices)
                            for n in notices:
                                metrics.alerts_sent.labels(n.state.rule, n.status).inc()
                                log.info("alert %s %s", n.status, n.key)
                    if records:  # once per batch: a repeat after a crash decides to nothing anyway
                        offset = OffsetAndMetadata(records[-1].offset + 1, "")
                        await consumer.commit({TopicPartition(tp.topic, tp.partition): offset})
    except Stopped:
        log.info("alert: stopped during a delivery retry; the record will be read again")
    finally:
        await consumer.stop()
        store.close()
