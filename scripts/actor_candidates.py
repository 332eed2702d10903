"""Candidate armed-group names from both shared corpora, for the hand-labelled catalogue
(workers/extract/data/armed_groups.json). Repeatable: the same corpora give the same list.

Procedure: tokenize every article (camel-tools folding, as the extractor does); wherever a group
head word («جماعة», «حركة», «تنظيم», «ميليشيا», «كتائب», «لواء», «جيش», «قوات», «فصائل», «حزب»,
«سرايا», «جبهة», «مجلس», «قبائل», «الحشد») starts a phrase, count the phrase of 2 and of 3 words.
Print those seen at least --min times, most frequent first, with the name of any catalogue actor
already matching it. An annotator then labels each unknown one with its ACLED name and
interaction code, or drops it (a government body, a generic phrase).

    python scripts/actor_candidates.py --min 15 > /tmp/candidates.tsv
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import Counter
from pathlib import Path

from workers.extract.lexicon import actor_index
from workers.extract.text import fold, tokenize

# Generic heads with the article, whose qualifier names the party («القوات الكردية», «المقاتلين
# الأكراد», «الحرس الثوري»): added for issue 13's second pass. Phrases of 2 words only for these:
# their third word is mostly the verb or place that follows.
ARTICLE_HEAD_WORDS = [
    "القوات",
    "المقاتلين",
    "المقاتلون",
    "الوحدات",
    "الفصائل",
    "الميليشيات",
    "المليشيات",
    "الميليشيا",
    "المليشيا",
    "الحرس",
]
ARTICLE_HEADS = {fold(w) for w in ARTICLE_HEAD_WORDS}
HEADS = ARTICLE_HEADS | {
    fold(w)
    for w in [
        "جماعة",
        "حركة",
        "تنظيم",
        "ميليشيا",
        "ميليشيات",
        "مليشيا",
        "مليشيات",
        "كتائب",
        "لواء",
        "جيش",
        "قوات",
        "فصائل",
        "فصيل",
        "حزب",
        "سرايا",
        "جبهة",
        "مجلس",
        "قبائل",
        "الحشد",
    ]
}
CORPORA = {
    "ant-multisource-2018.jsonl.gz": "text",
    "saudinewsnet-2015.jsonl.gz": "content",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--min", type=int, default=15)
    args = parser.parse_args()
    counts: Counter[str] = Counter()
    for name, key in CORPORA.items():
        with gzip.open(args.data / name, "rt", encoding="utf-8") as fh:
            for line in fh:
                words = tokenize(json.loads(line).get(key) or "").words
                for i, w in enumerate(words):
                    stem = w[1:] if w[:1] in ("و", "ف", "ب", "ل") and w[1:] in HEADS else w
                    if stem not in HEADS:
                        continue
                    for n in (2,) if stem in ARTICLE_HEADS else (2, 3):
                        if i + n <= len(words):
                            counts[" ".join([stem, *words[i + 1 : i + n]])] += 1
    index = actor_index()
    for phrase, n in counts.most_common():
        if n < args.min:
            break
        known = {m.entry.name for m in index.find(tokenize(phrase))}
        print(f"{n}\t{phrase}\t{'; '.join(sorted(known))}")


if __name__ == "__main__":
    main()
