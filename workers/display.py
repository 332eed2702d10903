"""Readable terminal rendering of events (Arabic kept as UTF-8, wrapped in bidi isolates)."""

from __future__ import annotations

from typing import Any

FSI, PDI = "\u2068", "\u2069"  # first-strong isolate: Arabic runs render right-to-left inside LTR lines


def iso(text: str | None) -> str:
    return f"{FSI}{text}{PDI}" if text else ""


def _count(c: dict[str, Any] | None) -> str | None:
    if not c:
        return None
    if c["max"] == c["min"]:
        return str(c["min"])
    return f"{c['min']}–{c['max']}" if c["max"] is not None else f"{c['min']}+"


def render(event: dict[str, Any]) -> str:
    kind = "NEW" if event["version"] == 1 else f"UPDATE v{event['version']}"
    lines = [
        f"[{kind}] {event['event_id']}  {event['event_type']} / {event['sub_event_type']}  {event.get('date') or '?'}"
    ]
    loc = event.get("location")
    if loc:
        where = ", ".join(x for x in (loc.get("name"), loc.get("admin1"), loc.get("country")) if x)
        coords = f"  ({loc['lat']:.4f}, {loc['lon']:.4f})" if loc.get("lat") is not None else ""
        lines.append(f"  where:   {iso(loc.get('name_ar'))} {where}{coords}")
    if event["actors"]:
        parts = [f"{iso(a.get('name_ar'))} {a['id']} [{a['role']}]" for a in event["actors"]]
        lines.append("  actors:  " + "; ".join(parts))
    figures = [
        f"{k} {v}"
        for k in ("killed", "wounded", "captured", "displaced")
        if (v := _count(event["casualties"].get(k)))
    ]
    if figures:
        lines.append("  toll:    " + ", ".join(figures))
    if event.get("attempted"):
        lines.append(
            "  note:    attempted / foiled"
            + (f" ({event['quantity']} incidents)" if event.get("quantity") else "")
        )
    for attr in event["attributions"][:3]:
        who = iso(attr["speaker"]) + (f" ({attr['speaker_id']})" if attr.get("speaker_id") else "")
        lines.append(f"  claim:   {who}")
    srcs = [s["source"] + (" (copy)" if s.get("copy_of") else "") for s in event["sources"]]
    lines.append(f"  sources: {len(srcs)}: " + ", ".join(srcs[:6]) + (" …" if len(srcs) > 6 else ""))
    if event.get("summary"):
        summary = event["summary"]
        lines.append("  text:    " + iso(summary[:160] + ("…" if len(summary) > 160 else "")))
    if event.get("changes"):
        lines.append("  changed: " + "; ".join(event["changes"][:5]))
    return "\n".join(lines)
