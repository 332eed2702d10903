"""The words that follow a pattern in both shared corpora, by count, for a curator (issue 12).

    python scripts/words_after.py REGEX [--top 150]

REGEX must end where the counted word starts. Used for cues.json civilian_targets: the word after
«هجوم/هجمات (one word) على» («هجوم على حافلة», «الهجوم على مسجد»), counted over ANT 2018 and
SaudiNewsNet 2015; the curator kept the civilian places and people (hotel, bus, mosque, church,
market, school, civilians, worshippers, ...) and left out military and place names. No evaluation
set is read.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter

from scripts.mine_trigger_terms import texts

CIVILIAN_TARGETS_PATTERN = r"(?:هجوم|هجوما|هجوماً|الهجوم|هجمات|الهجمات|هجومين)\s+(?:\S+\s+)??على\s+"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pattern", nargs="?", default=CIVILIAN_TARGETS_PATTERN)
    parser.add_argument("--top", type=int, default=150)
    args = parser.parse_args()
    after = re.compile(args.pattern + r"(\S+)")
    counts: Counter[str] = Counter(m.group(1) for t in texts() for m in after.finditer(t))
    print(" ".join(f"{w}:{n}" for w, n in counts.most_common(args.top)))


if __name__ == "__main__":
    main()
