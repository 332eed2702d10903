"""Nouns that count the people a casualty cue speaks of, ranked, for a curator to review (issue 12).

    python scripts/mine_casualty_nouns.py [--top 80] [--min-count 5]

Repeatable procedure over both shared corpora (ANT 2018 middle-east + international, SaudiNewsNet
2015), read at run time; no evaluation set is read:
1. Split every article into sentences and find the casualty cues of cues.json (killed, wounded).
2. Take the word right after a cue that a number may follow («قتل جنديان», «مقتل شخص») and the word
   right before a cue that a number may precede («جنديان قتلا»), when it is not itself a number.
3. Print, by count, the dual forms (ending «ان»/«ين»/«تان»/«تين») and the indefinite singular ones
   (no «ال», no plural or dual ending), each with its count.
A curator keeps the nouns that name people (soldier, child, civilian, nationality adjectives used as
nouns), and writes them in their singular form to cues.json `casualty_nouns`; their duals are
generated (workers/extract/sentence.py). Plurals that a sound plural would also spell («مدنيين») are
left out: unvocalised, a dual «ين» and a plural «ين» are one word.
"""

from __future__ import annotations

import argparse
from collections import Counter

from scripts.mine_trigger_terms import texts
from workers.extract import lexicon
from workers.extract.text import split_sentences, tokenize

_DUAL_ENDINGS = ("ان", "ين")
_PLURAL_ENDINGS = ("ون", "ات")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--top", type=int, default=80)
    parser.add_argument("--min-count", type=int, default=5)
    args = parser.parse_args()
    cues = lexicon.casualty_index()
    dual: Counter[str] = Counter()
    single: Counter[str] = Counter()
    for text in texts():
        for sentence in split_sentences(text):
            tokens = tokenize(sentence.text)
            words = tokens.words
            for cue in cues.find(tokens):
                if cue.entry.kind not in ("killed", "wounded"):
                    continue
                near = []
                if "before_number" in cue.entry.sides and cue.end_token < len(words):
                    near.append(words[cue.end_token])
                if "after_number" in cue.entry.sides and cue.start_token > 0:
                    near.append(words[cue.start_token - 1])
                for w in near:
                    if w[:1].isdigit() or w.startswith(("ال", "وال")) or len(w) < 3:
                        continue
                    if w.endswith(_DUAL_ENDINGS):
                        dual[w] += 1
                    elif not w.endswith(_PLURAL_ENDINGS):
                        single[w] += 1
    for title, counter in (("dual", dual), ("singular", single)):
        print(f"== {title}")
        for w, n in counter.most_common(args.top):
            if n >= args.min_count:
                print(f"{n}\t{w}")


if __name__ == "__main__":
    main()
