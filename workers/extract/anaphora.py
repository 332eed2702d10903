"""A bare «التنظيم» ("the organisation") names the one armed organisation the article has named.

News on the Islamic State or al-Qaeda names the group once («تنظيم داعش») and then writes «التنظيم»
(«أعلن التنظيم مسؤوليته», «قتل 12 من عناصر التنظيم»). Sentence by sentence the lexicon sees no actor
there, so those events had none. Here, before the sentences are analysed, a definite «التنظيم» (with
or without «و/ف/ب/ل»; cues.json organisation_anaphors) that no actor match covers becomes a match of
the organisation the title or the article so far has named, when it has named exactly one (a
non-state actor of the catalogue, not a generic role such as «مسلحون»); with two («داعش» and
«القاعدة») it stays unresolved.

Measured over 150 articles of both corpora that name IS, al-Qaeda, al-Shabaab or Boko Haram and write
«التنظيم» (seed 191): 18 articles and 32 events changed, nearly all an IS or al-Qaeda event that now
names the group (IS's abductions in al-Qaryatayn and Sweida, AQAP's looting in Doan, the Algerian
ambush the group claimed); wrong: three opinion paragraphs on "this organisation" that were already
false events, and two events whose other actors moved. The sentence-level gold sets do not see it
(they score sentences alone) and the 13 dedup sets did not move.
"""

from __future__ import annotations

from workers.extract import lexicon
from workers.extract.lexicon import Actor, Match
from workers.extract.text import Tokens, clitic_variants


def _named_organisations(matches: list[Match[Actor]]) -> dict[str, Actor]:
    return {m.entry.id: m.entry for m in matches if m.entry.kind == "nonstate" and m.entry.context is None}


def _is_anaphor(word: str) -> bool:
    anaphors = lexicon.word_set("organisation_anaphors")
    if not any(a in word for a in anaphors):
        return False  # most words: no clitic readings needed
    return any(stem in anaphors and article for stem, article, _ in clitic_variants(word))


def mentions_anaphor(text: str) -> bool:
    """A cheap screen on the raw text: most articles never write «تنظيم», and the word-by-word pass
    below is then skipped (the letters of the stem are not changed by folding)."""
    return any(a in text for a in lexicon.word_set("organisation_anaphors"))


def resolve_organisation_anaphora(
    title_actors: list[Match[Actor]], sentence_actors: list[list[Match[Actor]]], sentence_tokens: list[Tokens]
) -> None:
    """Add to each sentence's actor matches (positions relative to the sentence, as core._by_sentence
    makes them) the organisation each unresolved «التنظيم» refers to, in place."""
    named = _named_organisations(title_actors)
    for matches, tokens in zip(sentence_actors, sentence_tokens, strict=True):
        covered = {i for m in matches for i in range(m.start_token, m.end_token)}
        added: list[Match[Actor]] = []
        for i, word in enumerate(tokens.words):
            if i in covered or not _is_anaphor(word):
                continue
            # the organisations named before this word count: earlier sentences and this one's start
            seen = named | _named_organisations([m for m in matches if m.end_token <= i])
            if len(seen) != 1:
                continue
            (organisation,) = seen.values()
            added.append(
                Match(organisation, i, i + 1, tokens.starts[i], tokens.ends[i], had_article=True, had_prep=False)
            )
        named |= _named_organisations(matches)
        matches.extend(added)
        matches.sort(key=lambda m: m.start_token)
