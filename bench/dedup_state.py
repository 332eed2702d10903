"""Dedup at scale: 1,000,000 single-report events through the dedup core, state size over time.

Synthetic candidates (random event type, one of 2,000 places in 20 countries, actors, casualty
figures) arrive in report-time order over a year, as from ~2 reports a minute; the script prints
dedup throughput and the state size (open events, JSON bytes) at intervals. With the TTL sweep,
state stays flat.

    .venv/bin/python bench/dedup_state.py [--items 1000000]
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta

from workers.contracts import encode
from workers.dedup.core import DedupConfig
from workers.dedup.state import DedupState

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
    state = DedupState(cfg)  # the worker's state (one partition); expiry runs on every report
    start = datetime(2018, 1, 1, tzinfo=UTC)
    step = timedelta(days=365) / args.items
    merged = new = 0
    biggest = 0  # largest record a report writes (its event version, UTF-8 JSON)
    t0 = time.process_time()
    print(f"{'items':>9} {'report time':>11} {'open events':>11} {'state MB (JSON)':>15} {'items/s':>8}")
    for n in range(1, args.items + 1):
        when = start + step * n
        out = state.apply(candidate(n, when, rng))
        new += out.kind == "new"
        merged += out.kind == "merged"
        if out.publish:
            biggest = max(biggest, len(encode(out.publish)))
        if n % (args.items // 10) == 0:
            size = sum(len(encode(state.get(i))) for i in state.store) / 1e6
            rate = n / (time.process_time() - t0)
            print(
                f"{n:>9,} {when.date().isoformat():>11} {len(state):>11,} {size:>15.1f} {rate:>8,.0f}",
                flush=True,
            )
    print(f"largest record written per report: {biggest:,} bytes")
    print(f"{new:,} events opened, {merged:,} reports merged into an open event")


if __name__ == "__main__":
    main()
