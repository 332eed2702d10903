"""Fetch one feed: http(s) with conditional GET, timeouts, a body cap and redirects; file:// for offline runs."""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import aiohttp


@dataclass
class Validators:
    """Conditional-GET state kept per feed."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FetchResult:
    status: int | None  # HTTP status; 200 for a file read; None when no response
    body: bytes = b""
    content_type: str | None = None
    final_url: str = ""
    validators: Validators = field(default_factory=Validators)
    error: str | None = None  # None = ok; else an error kind used as a metric label
    detail: str = ""
    retry_after_s: float | None = None
    elapsed_s: float = 0.0

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


async def _read_capped(resp: aiohttp.ClientResponse, cap: int) -> bytes | None:
    chunks, size = [], 0
    async for chunk in resp.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > cap:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


FILE_CONTENT_TYPE = "application/xml"


def _read_file(url: str, cap: int) -> FetchResult:
    path = Path(unquote(urlsplit(url).path))
    try:
        size = path.stat().st_size
        if size > cap:
            return FetchResult(None, error="too_large", detail=f"{size} bytes > {cap}", final_url=url)
        # A file has no Content-Type header; without one feedparser flags every file:// feed as
        # "bozo" (NonXMLContentType). Feeds are XML whatever the extension, so say so.
        return FetchResult(200, body=path.read_bytes(), final_url=url, content_type=FILE_CONTENT_TYPE)
    except OSError as exc:
        return FetchResult(None, error="network", detail=str(exc), final_url=url)


_REDIRECTS = {301, 302, 303, 307, 308}


async def _is_public(host: str) -> bool:
    """True unless the host resolves to a loopback, private, link-local or otherwise non-global address."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None)
    except OSError:
        return True  # unresolvable: the request itself fails as a network error
    return all(ipaddress.ip_address(info[4][0].split("%")[0]).is_global for info in infos)


async def _follow(
    session: aiohttp.ClientSession,
    url: str,
    headers: dict[str, str],
    validators: Validators | None,
    max_bytes: int,
    max_redirects: int,
    allow_private: bool,
) -> FetchResult:
    """GET with redirects followed by hand, so each hop's target can be checked before it is fetched."""
    current = url
    for _hop in range(max_redirects + 1):
        async with session.get(current, headers=headers, allow_redirects=False) as resp:
            location = resp.headers.get("Location")
            if resp.status in _REDIRECTS and location:
                target = urljoin(current, location)
                parts = urlsplit(target)
                if parts.scheme not in ("http", "https"):
                    return FetchResult(
                        None,
                        error="refused",
                        detail=f"redirect to {parts.scheme}: refused",
                        final_url=current,
                    )
                if not allow_private and not await _is_public(parts.hostname or ""):
                    return FetchResult(
                        None,
                        error="refused",
                        detail=f"redirect to a private address refused: {target}"[:300],
                        final_url=current,
                    )
                current = target
                continue
            return await _response(resp, current, validators, max_bytes)
    return FetchResult(
        None, error="redirects", detail=f"more than {max_redirects} redirects", final_url=current
    )


async def _response(
    resp: aiohttp.ClientResponse, url: str, validators: Validators | None, max_bytes: int
) -> FetchResult:
    result = FetchResult(resp.status, final_url=url, content_type=resp.headers.get("Content-Type"))
    result.validators = Validators(resp.headers.get("ETag"), resp.headers.get("Last-Modified"))
    if resp.status == 304:
        result.validators = validators or Validators()
    elif resp.status in (429, 503):
        result.error = f"http_{resp.status}"
        result.retry_after_s = parse_retry_after(resp.headers.get("Retry-After"))
    elif resp.status >= 400:
        result.error = "http_4xx" if resp.status < 500 else "http_5xx"
    else:
        declared = resp.content_length
        body = None if declared and declared > max_bytes else await _read_capped(resp, max_bytes)
        if body is None:
            result.error, result.detail = "too_large", f"body over {max_bytes} bytes"
        else:
            result.body = body
    return result


async def fetch(
    session: aiohttp.ClientSession,
    url: str,
    validators: Validators | None = None,
    *,
    timeout_s: float = 20.0,
    max_bytes: int = 10 * 1024 * 1024,
    max_redirects: int = 5,
    allow_private_redirects: bool = False,
) -> FetchResult:
    """Never raises for network or HTTP trouble: the result carries an error kind instead."""
    started = time.monotonic()
    scheme = urlsplit(url).scheme.lower()
    if scheme == "file":
        result = await asyncio.to_thread(_read_file, url, max_bytes)
        result.elapsed_s = time.monotonic() - started
        return result
    if scheme not in ("http", "https"):
        return FetchResult(None, error="refused", detail=f"scheme {scheme!r} not allowed", final_url=url)
    headers = {}
    if validators and validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators and validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    try:
        async with asyncio.timeout(timeout_s):
            result = await _follow(
                session, url, headers, validators, max_bytes, max_redirects, allow_private_redirects
            )
    except TimeoutError:
        result = FetchResult(
            None, error="timeout", detail=f"no complete response in {timeout_s}s", final_url=url
        )
    except (aiohttp.ClientError, OSError, ValueError) as exc:
        result = FetchResult(
            None, error="network", detail=f"{type(exc).__name__}: {exc}"[:300], final_url=url
        )
    result.elapsed_s = time.monotonic() - started
    return result
