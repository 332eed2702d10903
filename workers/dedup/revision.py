"""A revised article is an update of a report already in an event: its figures replace, not add.

Outlets revise a story under the same URL as the toll rises («حصيلة جديدة»); the poller republishes
it with the same item_id and a higher `revision` (workers/poll/fulltext.py). Its single-report event
has the same report id as before, so dedup would take it for a redelivery and drop it. Instead, a
candidate whose report is in the event with a lower revision replaces that source, its evidence,
and the casualty figures it states: 5 killed revised to 9 makes the event say 9, where merging the
two as separate reports would give the range 5-9.

Not handled: a revision that changes the event's sub-type or place gets another report id and is
kept apart from its earlier version (the same article never merges with itself).
"""

from __future__ import annotations

from typing import Any


def _revision(source: dict[str, Any]) -> int:
    return int(source.get("revision") or 0)


def _same_report(old: dict[str, Any], new: dict[str, Any]) -> bool:
    if "report_id" in old and "report_id" in new:
        return old["report_id"] == new["report_id"]
    return old["item_id"] == new["item_id"]


def supersedes(event: dict[str, Any], cand: dict[str, Any]) -> bool:
    """Is `cand` a newer revision of a report already among `event`'s sources? (slim or whole event)"""
    new = cand["sources"][0]
    return any(_same_report(s, new) and _revision(s) < _revision(new) for s in event["sources"])


def _fmt(count: dict[str, Any] | None) -> str:
    if not count:
        return "-"
    if count["max"] == count["min"]:
        return str(count["min"])
    return f"{count['min']}-{count['max'] if count['max'] is not None else ''}"


def revise(event: dict[str, Any], cand: dict[str, Any], max_evidence: int) -> dict[str, Any]:
    """The next version of `event` with the revised report in place of its earlier version."""
    new = dict(cand["sources"][0])
    changes = [f"revised: {new['source']} (revision {_revision(new)})"]
    sources = []
    for s in event["sources"]:
        if _same_report(s, new):
            new["copy_of"] = s.get("copy_of")
            sources.append(new)
        else:
            sources.append(s)
    casualties = dict(event["casualties"])
    for kind, after in cand["casualties"].items():
        before = casualties.get(kind)
        if after and after != before:
            casualties[kind] = after  # the outlet's new figure replaces its old one
            changes.append(f"{kind}: {_fmt(before)} -> {_fmt(after)}")
    evidence = [e for e in event["evidence"] if e.get("item_id") != new["item_id"]] + cand["evidence"]
    return {
        **event,
        "version": event["version"] + 1,
        "sources": sources,
        "casualties": casualties,
        "evidence": evidence[:max_evidence],
        "changes": changes,
    }


__all__ = ["revise", "supersedes"]
