"""Dedup at scale: 1,000,000 single-report events through the dedup core, state size over time.

Synthetic candidates (random event type, one of 2,000 places in 20 countries, actors, casualty
figures) arrive in report-time order over a year, as from ~2 reports a minute; the script prints
dedup throughput and the state size (open events, JSON bytes) at intervals. With the TTL sweep,
state stays flat.

    .venv/bin/python bench/dedup_state.py [--items 1000000]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import UTC, datetime, timedelta

from workers.dedup.core import DedupConfig, apply, block_key, sweep

TYPES = [
    ("battles", "armed_clash"),
    ("explosions_remote_violence", "air_drone_strike"),
    ("protests", "peaceful_protest"),
    ("strategic_developments", "arrests"),
]
COUNTRIES = [
    "SY",
    "IQ",
    "YE",
    "LY",
    "EG",
    "PS",
    "LB",
    "SO",
    "SD",
    "AF",
    "TR",
    "SA",
    "JO",
    "TN",
    "DZ",
    "MA",
    "ML",
    "NG",
    "PK",
    "IR",
]
ACTORS = ["SDF", "ISIS", "SYR-GOV", "HTS", "HOUTHI", "ISR-MIL", "HAMAS", "POLICE", "PMF", "TALIBAN"]


def candidate(n: int, when: datetime, rng: random.Random) -> dict:
    event_type, sub = rng.choice(TYPES)
    place = rng.randrange(2000)
    ts = when.isoformat().replace("+00:00", "Z")
    killed = rng.choice([None, None, rng.randrange(1, 30)])
    return {
        "schema_version": 1,
        "event_id": f"ev-{n:016x}",
        "version": 1,
        "event_type": event_type,
        "sub_event_type": sub,
        "actors": [{"id": a, "name": a, "role": "actor"} for a in rng.sample(ACTORS, 2)],
        "location": {
            "id": f"geonames:{place}",
            "name": f"P{place}",
            "country_code": COUNTRIES[place % len(COUNTRIES)],
            "precision": "place",
            "lat": 30 + (place % 97) * 0.1,
            "lon": 35 + (place // 97) * 0.1,
        },
        "date": when.date().isoformat(),
        "casualties": {
            "killed": {"min": killed, "max": killed} if killed else None,
            "wounded": None,
            "captured": None,
            "displaced": None,
        },
        "attributions": [],
        "evidence": [],
        "confidence": 0.8,
        "summary": f"تقرير رقم {n} عن حدث في P{place}",
        "changes": [],
        "sources": [
            {
                "item_id": f"{n:020x}",
                "source": f"outlet{n % 40}",
                "url": "",
                "published_at": ts,
                "fingerprint": f"{rng.getrandbits(64):016x}",
            }
        ],
        "first_reported_at": ts,
        "last_reported_at": ts,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1_000_000)
    args = parser.parse_args()
    rng = random.Random(7)
    cfg = DedupConfig(ttl_days=14)
    state: dict[str, list[dict]] = {}  # block key -> slim open events, as in the worker's table
    events: dict[str, dict] = {}  # event id -> whole latest version (the worker's second table)
    start = datetime(2018, 1, 1, tzinfo=UTC)
    step = timedelta(days=365) / args.items
    merged = new = 0
    t0 = time.process_time()
    print(f"{'items':>9} {'report time':>11} {'open events':>11} {'state MB (JSON)':>15} {'items/s':>8}")
    for n in range(1, args.items + 1):
        when = start + step * n
        cand = candidate(n, when, rng)
        key = block_key(cand)
        out = apply(state.get(key, []), cand, cfg, events)
        state[key] = out.state
        for event_id in out.expired:
            events.pop(event_id, None)
        if out.kind != "duplicate":
            events[out.event["event_id"]] = out.event
        new += out.kind == "new"
        merged += out.kind == "merged"
        if n % 20_000 == 0:
            sweep(state, when, cfg, on_drop=lambda i: events.pop(i, None))
        if n % (args.items // 10) == 0:
            size = (sum(len(json.dumps(v)) for v in state.values()) + len(json.dumps(events))) / 1e6
            rate = n / (time.process_time() - t0)
            print(
                f"{n:>9,} {when.date().isoformat():>11} {sum(map(len, state.values())):>11,} {size:>15.1f} "
                f"{rate:>8,.0f}",
                flush=True,
            )
    print(f"{new:,} events opened, {merged:,} reports merged into an open event")


if __name__ == "__main__":
    main()
