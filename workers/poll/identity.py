"""Stable item identity: the same article (seen again, or after a restart) gets the same id."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track the reader, never change the article.
_TRACKING = {
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "ref",
    "ref_src",
    "cmpid",
    "ocid",
    "at_medium",
    "at_campaign",
    "rss",
    "output",
    "ito",
}


def canonical_url(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in _TRACKING
    ]
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    scheme = "https" if parts.scheme in ("http", "https") else parts.scheme.lower()
    return urlunsplit((scheme, host + port, path, urlencode(sorted(query)), ""))


def item_id_for(link: str | None, guid: str | None, fallback: str) -> str:
    """sha1 of the canonical link; a non-URL guid or the title/date fallback when there is no link."""
    if link:
        basis = canonical_url(link)
    elif guid:
        basis = canonical_url(guid) if "://" in guid else f"guid:{guid.strip()}"
    else:
        basis = f"text:{fallback}"
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:20]
