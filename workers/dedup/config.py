"""Dedup's tuning in one named, documented configuration (`DedupConfig`), swept by
`bench/dedup_eval.py --sweep`.

Why these numbers (measured on the labelled clusters of eval/dedup_clusters.json, development
sets only): same-story pairs average 0.10 lexical / 0.55 semantic similarity of title + lead,
pairs of different stories in the same town 0.06 / 0.44; below `text_floor` the wording says
nothing, at `text_full` it is full evidence. Same sub-type, day and place pass the threshold
(0.25 + 0.15 + 0.15 = 0.55 >= 0.45); a report placed only by country does not without story
evidence (0.25 + 0.15 + 0.045 < 0.45, and `story_vague` is required anyway).

`bench/dedup_eval.py --sweep` (development sets `clusters`, `held_out`, `held_out_2`, `held_out_3`;
mean pairwise F1): country blocks with copies and families only 0.442 (threshold 0.45) / 0.431
(0.55); letting two articles' own stories cross types (`story_cross_type` 0.6-0.8) 0.495 with
`story_vague` 0 and 0.467 with 0.3, the value kept, because two country-level reports of one day are
not one event without story evidence (issue 15). `story_strong` 0.4 or 0.6: no difference there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from workers.dedup.similarity import Similarity, lexical_similarity

# Sub-types one event is reported under by different outlets: a bombing is a suicide bombing in one
# report, an IED or a plain "attack" that killed civilians in another; a protest turns into a riot;
# a missile is shelling in one report and an air strike in another; a town changes hands in a
# clash. Within a family, reports merge across sub-types only when their stories match strongly.
DEFAULT_FAMILIES: tuple[frozenset[str], ...] = (
    frozenset({"suicide_bomb", "remote_explosive_landmine_ied", "attack"}),
    frozenset({"peaceful_protest", "protest_with_intervention", "excessive_force_against_protesters",
               "violent_demonstration", "mob_violence"}),
    frozenset({"shelling_artillery_missile_attack", "air_drone_strike"}),
    frozenset({"armed_clash", "government_regains_territory", "non_state_actor_overtakes_territory"}),
)


@dataclass(frozen=True)
class MatchWeights:
    """Weights of the evidence a candidate and an open event are one event (they sum past 1; the
    score is capped at 1)."""

    same_sub: float = 0.25  # same ACLED sub-event type
    date: float = 0.15  # same day (less across the window)
    place: float = 0.15  # same place (0.6 of it nearby, 0.3 of it for a country or no place)
    text: float = 0.25  # story similarity, between text_floor and text_full
    actors: float = 0.10  # Jaccard of the actors
    figures: float = 0.10  # one casualty figure is the same
    both_lead: float = 0.10  # both are their articles' own story


@dataclass(frozen=True)
class PlaceScores:
    """How far apart two places of one event may be, and what agreeing places are worth."""

    near_km: float = 15.0  # a town and its suburbs: the same place
    area_km: float = 60.0  # farther apart than this, two places are two events
    same: float = 1.0
    nearby: float = 0.6
    vague: float = 0.3  # one of them is placed only by country (or not at all)


@dataclass(frozen=True)
class DedupConfig:
    window_days: int = 1  # ACLED events are day-level
    ttl_days: int = 14
    threshold: float = 0.45  # a match score at or above it merges
    text_sim: Similarity = lexical_similarity  # or workers.dedup.semantic.semantic_similarity
    text_floor: float = 0.04
    text_full: float = 0.14
    weights: MatchWeights = field(default_factory=MatchWeights)
    places: PlaceScores = field(default_factory=PlaceScores)
    # Story evidence, as the normalised text score in [0, 1] ((similarity - floor) / (full - floor)):
    story_strong: float = 0.6  # merges across sub-types of one family
    story_vague: float = 0.3  # needed when either report is placed only by country (or not at all)
    # Two articles' own stories (both lead events) that match this strongly are one event whatever
    # types extraction gave them (a town taken in one report is a clash or an agreement in another).
    story_cross_type: float = 0.8
    families: tuple[frozenset[str], ...] = DEFAULT_FAMILIES
    copies_join: bool = True  # a syndicated copy (SimHash <= 6 bits apart) joins its original's event, across blocks
    # Wire copies rewritten by an outlet drift further: of 221 cross-outlet SaudiNewsNet pairs sharing a
    # headline and a body (word-5-gram Jaccard >= 0.5; none in the labelled sets), 61% are within 6
    # bits and 95% within 12; of 5,441 random same-day pairs, one unrelated pair is within 12. So 7-12
    # bits count as full story evidence, not as a match by themselves (the hard "no"s still hold).
    near_copy_bits: int = 12
    bridging: bool = True  # a report matching two open events merges them (tombstone for one)
    vague_scan: int = 200  # open events of other blocks a report without a country is compared with

    def text_evidence(self, similarity: float) -> float:
        """Story similarity as evidence in [0, 1]."""
        return min(max((similarity - self.text_floor) / (self.text_full - self.text_floor), 0.0), 1.0)

    def same_family(self, a: str, b: str) -> bool:
        return a == b or bool(_families_of(self.families, a) & _families_of(self.families, b))


@lru_cache(maxsize=1024)
def _families_of(families: tuple[frozenset[str], ...], sub_event_type: str) -> frozenset[int]:
    """The positions of the families a sub-type belongs to (looked up once per sub-type)."""
    return frozenset(i for i, family in enumerate(families) if sub_event_type in family)


def config_for(window_days: int, ttl_days: int, text_similarity: str) -> DedupConfig:
    """The dedup configuration named by settings (`lexical` or `semantic` text similarity)."""
    if text_similarity == "semantic":
        from workers.dedup.semantic import semantic_similarity

        return DedupConfig(
            window_days, ttl_days, text_sim=semantic_similarity, text_floor=0.40, text_full=0.70
        )
    if text_similarity != "lexical":
        raise ValueError(f"unknown dedup text similarity {text_similarity!r}: use lexical or semantic")
    return DedupConfig(window_days, ttl_days)
