"""The words right before or after one-word trigger matches, counted, for a curator's false-friend review.

    python -m scripts.trigger_neighbours --side before|after [--articles 8000] [--top 150] [--min-count 5]

A one-word trigger match is often part of another compound: «مراكز الاعتقال» (a detention centre),
«قوات مكافحة الشغب» (riot police), «ضربات الشمس» (sunstroke), «الهجمات الإلكترونية» (cyber attacks),
«الانسحاب من الاتفاق». Procedure, over a seeded sample of both shared corpora (read at run time; no
evaluation set is read):
1. Find every trigger index match of one word (before the sentence-level filters, so entries the
   filters already drop show up too).
2. Count (trigger word, neighbour, sub-type) with the neighbour on the chosen side, leaving out
   function words, and print the most frequent with an example.
3. A curator reads the list and writes the compounds that are another sense into triggers.json
   `not_after` / `not_before` (or `not_forms`), then checks the read sets do not fall.
Round 8's lists: arrests not_after «مراكز», «مركز», «معسكرات», «ظروف»; riots «مكافحة»; chemical
weapons «المواد», «العلاج»; not_before «الإلكترونية» (attack), «الشمس» (strike), «النووية» (grenade).
"""

from __future__ import annotations

import argparse
import random
from collections import Counter

from scripts.mine_trigger_terms import texts
from workers.extract.lexicon import trigger_index
from workers.extract.text import fold, tokenize

FUNCTION_WORDS = frozenset(
    fold(w)
    for w in [
        "في",
        "من",
        "على",
        "إلى",
        "عن",
        "أن",
        "مع",
        "بعد",
        "خلال",
        "التي",
        "الذي",
        "هذا",
        "هذه",
        "تلك",
        "تم",
        "وتم",
        "قد",
        "أو",
        "و",
        "أي",
        "كما",
        "أنها",
        "أنه",
        "منذ",
        "إثر",
        "جراء",
        "حول",
        "أثناء",
        "بين",
        "ضد",
    ]
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--side", choices=["before", "after"], default="before")
    parser.add_argument("--articles", type=int, default=8000)
    parser.add_argument("--top", type=int, default=150)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    corpus = texts()
    random.Random(args.seed).shuffle(corpus)
    index = trigger_index()
    counts: Counter[tuple[str, str, str]] = Counter()
    examples: dict[tuple[str, str, str], str] = {}
    for text in corpus[: args.articles]:
        tokens = tokenize(text)
        words = tokens.words
        for m in index.find(tokens):
            if m.end_token - m.start_token != 1:
                continue
            at = m.start_token - 1 if args.side == "before" else m.end_token
            if not 0 <= at < len(words) or words[at] in FUNCTION_WORDS:
                continue
            key = (words[m.start_token], words[at], m.entry.sub_event_type)
            counts[key] += 1
            examples.setdefault(key, " ".join(words[max(0, m.start_token - 3) : m.end_token + 3]))
    shown = [(k, n) for k, n in counts.most_common() if n >= args.min_count][: args.top]
    for (word, neighbour, sub_type), n in shown:
        print(f"{n:5d}  {word}  {neighbour}  {sub_type}  |  {examples[(word, neighbour, sub_type)]}")


if __name__ == "__main__":
    main()
