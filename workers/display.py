"""Readable terminal rendering of events: one compact block per event, Arabic legible in any terminal.

Two orders for Arabic text inside the English block:
- logical (default): the text as stored, each Arabic run wrapped in Unicode isolates (FSI ... PDI),
  so a terminal that implements bidi (VTE/GNOME Terminal, Konsole, mlterm, iTerm2) shows it
  right-to-left without reordering the English around it; copy-paste gives the real text.
- visual (`--visual` / `--no-bidi`, MARSAD_DISPLAY_ORDER=visual): for terminals and multiplexers
  that draw cells left to right and know no bidi (xterm, tmux, most CI logs), each Arabic run is
  reversed here, word order and letters, with digits and Latin words kept left-to-right, and no
  isolates (such terminals may draw them as boxes). Letters appear in their unjoined forms.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

FSI, PDI = "\u2068", "\u2069"  # first-strong isolate: Arabic runs render right-to-left inside LTR lines
ORDERS = ("logical", "visual")
_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_LTR_RUN = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9A-Za-z][0-9\u0660-\u0669\u06f0-\u06f9A-Za-z.,:/%-]*")
_MIRROR = str.maketrans("()[]{}<>«»", ")(][}{><»«")


def _reversed(run: str) -> str:
    """Characters of `run` in reverse order, each keeping its combining marks (harakat) after it."""
    clusters: list[str] = []
    for ch in run:
        if clusters and unicodedata.category(ch) == "Mn":
            clusters[-1] += ch
        else:
            clusters.append(ch)
    return "".join(reversed(clusters)).translate(_MIRROR)


def visual(text: str) -> str:
    """`text` in left-to-right display order for a terminal without bidi (a simplified UBA for one
    right-to-left paragraph: word order reversed, letters reversed, numbers and Latin runs kept)."""
    if not _RTL.search(text):
        return text
    pieces: list[str] = []
    pos = 0
    for m in _LTR_RUN.finditer(text):
        pieces.append(_reversed(text[pos : m.start()]))
        pieces.append(m.group())  # a number or Latin word reads left to right even inside Arabic
        pos = m.end()
    pieces.append(_reversed(text[pos:]))
    return "".join(reversed(pieces))


def iso(text: str | None, order: str = "logical") -> str:
    if not text:
        return ""
    return visual(text) if order == "visual" else f"{FSI}{text}{PDI}"


SUMMARY_CHARS = 120  # one or two terminal lines: the block stays compact


def _count(c: dict[str, Any] | None) -> str | None:
    if not c:
        return None
    if c["max"] == c["min"]:
        return str(c["min"])
    return f"{c['min']}–{c['max']}" if c["max"] is not None else f"{c['min']}+"


def render(event: dict[str, Any], order: str = "logical") -> str:
    kind = "NEW" if event["version"] == 1 else f"UPDATE v{event['version']}"
    lines = [
        f"[{kind}] {event['event_id']}  {event['event_type']} / {event['sub_event_type']}  {event.get('date') or '?'}"
    ]
    loc = event.get("location")
    if loc:
        where = ", ".join(x for x in (loc.get("name"), loc.get("admin1"), loc.get("country")) if x)
        coords = f"  ({loc['lat']:.4f}, {loc['lon']:.4f})" if loc.get("lat") is not None else ""
        lines.append(f"  where:   {iso(loc.get('name_ar'), order)} {where}{coords}")
    if event["actors"]:
        parts = [f"{iso(a.get('name_ar'), order)} {a['id']} [{a['role']}]" for a in event["actors"]]
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
        who = iso(attr["speaker"], order) + (f" ({attr['speaker_id']})" if attr.get("speaker_id") else "")
        lines.append(f"  claim:   {who}")
    srcs = [s["source"] + (" (copy)" if s.get("copy_of") else "") for s in event["sources"]]
    lines.append(f"  sources: {len(srcs)}: " + ", ".join(srcs[:6]) + (" …" if len(srcs) > 6 else ""))
    if event.get("summary"):
        summary = event["summary"]
        lines.append("  text:    " + iso(summary[:SUMMARY_CHARS] + ("…" if len(summary) > SUMMARY_CHARS else ""), order))
    if event.get("changes"):
        lines.append("  changed: " + "; ".join(event["changes"][:5]))
    return "\n".join(lines)
