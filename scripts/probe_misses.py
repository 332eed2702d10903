"""Sentences of both shared corpora that match a pattern and yield no event (or do), for a curator
reading for missing phrasings and false alarms (issue 12).

    python scripts/probe_misses.py REGEX [--show miss|hit] [--limit 40] [--sample 400] [--seed 1]

Repeatable procedure, no evaluation set read: every sentence (the project's splitter) of ANT 2018
and SaudiNewsNet 2015 that matches REGEX is collected; a seeded random sample of them is extracted
one sentence at a time, and the sentences that yield no event (--show miss) or some (--show hit) are
printed with their events, followed by the share that yield none. The patterns used for issue 12's
second round: casualty words followed by a figure, violence and protest words (assassination,
ambush, raid, sit-in, strike, march), projectile words («مقذوف», «قذائف», «صواريخ»), the Saudi
border wording («الأراضي اليمنية», «الحد الجنوبي») and «إرهابي»; a phrasing was added to the
lexicons when several sampled sentences shared it.
"""

from __future__ import annotations

import argparse
import random
import re

from scripts.mine_trigger_terms import texts
from workers.extract.core import extract
from workers.extract.text import split_sentences


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pattern")
    parser.add_argument("--show", choices=("miss", "hit"), default="miss")
    parser.add_argument("--limit", type=int, default=40)
    parser.add_argument("--sample", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    pattern = re.compile(args.pattern)
    found = [
        s.text for t in texts() if pattern.search(t) for s in split_sentences(t) if pattern.search(s.text)
    ]
    random.Random(args.seed).shuffle(found)
    sample = found[: args.sample]
    misses = shown = 0
    for sentence in sample:
        events = extract({"item_id": "probe", "text": sentence, "title": "", "published_at": None})
        misses += not events
        if shown < args.limit and (not events) == (args.show == "miss"):
            shown += 1
            print("-", sentence[:300], "=>", [e["sub_event_type"] for e in events])
    print(f"{len(found)} sentences match; of {len(sample)} sampled, {misses} yield no event")


if __name__ == "__main__":
    main()
