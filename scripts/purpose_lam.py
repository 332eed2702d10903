"""The words before a trigger written with the «ل» of purpose, counted, for cues.json undergoing_words.

    python -m scripts.purpose_lam [--articles 6000] [--top 70] [--show-decisions 40]

A trigger carrying «ل» («لتحرير», «للقتال», «لقصف») mostly names a purpose: what someone means to do
(«أرسل قواته للقتال»), not an act that happened. Some words before it make it an act undergone,
condemned, repelled or claimed («تعرضت لقصف», «هدفا لهجوم», «استنكاره للتفجير»). Procedure, over a
seeded sample of both shared corpora (read at run time; no evaluation set is read):
1. Find every trigger match (triggers.json) whose first word carries the «ل» proclitic.
2. Count the word just before it and print the most frequent with an example; a curator keeps in
   undergoing_words those that report the act as having happened.
3. With --show-decisions N, print N random matches with the factuality rule's decision
   (workers/extract/factuality.py `_purpose`), for a reading of what the rule drops.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter, defaultdict

from scripts.mine_trigger_terms import texts
from workers.extract import factuality, lexicon
from workers.extract.text import tokenize


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=6000)
    parser.add_argument("--top", type=int, default=70)
    parser.add_argument("--show-decisions", type=int, default=0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    corpus = texts()
    random.Random(args.seed).shuffle(corpus)
    index = lexicon.trigger_index()
    before: Counter[str] = Counter()
    examples: dict[str, str] = defaultdict(str)
    matches: list[tuple[list[str], int, int]] = []
    for text in corpus[: args.articles]:
        tokens = tokenize(text)
        for m in index.find(tokens):
            if not factuality.written_with_lam(tokens.words, m):
                continue
            prev = tokens.words[m.start_token - 1] if m.start_token else "^"
            before[prev] += 1
            context = " ".join(tokens.words[max(0, m.start_token - 4) : m.end_token + 3])
            examples[prev] = examples[prev] or context
            matches.append((tokens.words, m.start_token, m.end_token))
    print(f"{sum(before.values())} triggers with the «ل» proclitic in {args.articles} articles")
    for word, count in before.most_common(args.top):
        print(f"{count:5d}  {word}  |  {examples[word]}")
    if args.show_decisions:
        shown = random.Random(args.seed).sample(matches, min(args.show_decisions, len(matches)))
        for words, start, end in shown:  # (the rule's window also stops at a clause boundary)
            kept = factuality.undergone(words[max(0, start - factuality.PURPOSE_WINDOW) : start])
            print("act    " if kept else "purpose", " ".join(words[max(0, start - 5) : end + 4]))


if __name__ == "__main__":
    main()
