"""Stable item identity: the same article (seen again, or after a restart) gets the same id.

Outlets add noise to links: tracking parameters (`utm_*`, `fbclid`), session ids in the query
(`sid`, `PHPSESSID`) or in the path (`;jsessionid=...`). One feed that changed session ids every
poll republished its 20 articles as 60 items in 3 polls (issue 16). Three keys name an article:

- its id: sha1 of the canonical URL (session and tracking parameters stripped), else of the guid;
- its guid, scoped to the feed, used only when the feed's guids are unique within the document
  (a feed that gives every entry one guid would otherwise merge stories);
- a content fingerprint (title + text, normalised), scoped to the feed: a copy of an article
  under a new URL and guid is not a new item. Copies across outlets stay items of their own; dedup
  links them as syndicated copies (`copy_of`).

An entry is already published when any of its keys is in the seen-set.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track the reader or the session, never change the article.
_TRACKING = {
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
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
    "_ga",
    "_gl",
    # session ids
    "sid",
    "sessionid",
    "session_id",
    "phpsessid",
    "jsessionid",
    "aspsessionid",
    "cfid",
    "cftoken",
    "s_cid",
}
_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_")
# `;jsessionid=...` and other matrix parameters that servlet containers append to the path.
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sessionid|sid)=[^/?#]*", re.IGNORECASE)
_SAFE_SCHEMES = ("http", "https")


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key in _TRACKING or key.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    try:
        host = (parts.hostname or "").lower()
        port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    except ValueError:  # a port that is not a number
        return url.strip()
    if host.startswith("www."):
        host = host[4:]
    path = _PATH_SESSION.sub("", parts.path) or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    scheme = "https" if parts.scheme.lower() in _SAFE_SCHEMES else parts.scheme.lower()
    return urlunsplit((scheme, host + port, path, urlencode(sorted(query)), ""))


def safe_url(url: str) -> str | None:
    """The URL if it is http(s) (after trimming the whitespace and control characters browsers
    ignore), else None: `javascript:`, `data:`, `vbscript:` and the like never leave the poller."""
    if url.isascii() and url.isprintable():  # the usual case: no control or format characters
        cleaned = url.strip()
    else:
        cleaned = "".join(ch for ch in url if unicodedata.category(ch) not in ("Cc", "Cf")).strip()
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return None
    if parts.scheme.lower() not in _SAFE_SCHEMES or not parts.netloc:
        return None
    return cleaned


def item_id_for(link: str | None, guid: str | None, fallback: str) -> str:
    """sha1 of the canonical link; a non-URL guid or the title/date fallback when there is no link."""
    if link:
        basis = canonical_url(link)
    elif guid:
        basis = canonical_url(guid) if "://" in guid else f"guid:{guid.strip()}"
    else:
        basis = f"text:{fallback}"
    return _digest(basis)


def guid_key(feed_id: str, guid: str) -> str:
    """The seen-set key of a feed's guid (a URL guid is canonicalised like a link)."""
    basis = canonical_url(guid) if "://" in guid else guid.strip()
    return "g:" + _digest(f"{feed_id}|{basis}")


def content_key(feed_id: str, title: str, text: str) -> str:
    """The seen-set key of an article's content in a feed: title + text, case and spacing folded."""
    basis = " ".join(f"{title}\n{text}".casefold().split())
    return "c:" + _digest(f"{feed_id}|{basis}")


def _digest(basis: str) -> str:
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:20]
