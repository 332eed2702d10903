"""A polite, guarded page fetcher: robots.txt, per-host concurrency and delay, SSRF checks at connect time.

Feeds are few and chosen by the operator; article links are many and chosen by whoever writes the
feed, so every page fetch is treated as hostile:
- the address check runs in the connector's resolver, on the addresses the connection is actually
  made to (a name that resolves to a loopback, private or link-local address is refused, also when a
  public name re-resolves to a private one between checks); IP literals, which aiohttp does not send
  through the resolver, are checked before each hop;
- only http(s), redirects followed by hand (each hop re-checked; robots.txt of a new host read);
- the body cap (after decoding), the whole-fetch timeout and the parse-time cap are the feeds' ones.
Politeness: robots.txt is read once per host and cached (`crawl_robots_ttl_s`; a robots.txt that
fails with 5xx or a network error disallows the host until it is read again, as RFC 9309 says; 4xx
allows everything); at most `crawl_host_concurrency` requests per host at a time, their starts at
least `crawl_host_delay_s` apart (or the robots Crawl-delay, capped at `crawl_max_crawl_delay_s`);
a 429 or 503 with Retry-After holds the host's next request back that long (same cap).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
import urllib.robotparser
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from workers import metrics
from workers.poll.fetch import Validators, _read_capped, parse_retry_after
from workers.settings import Settings

ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309: parse at least 500 KiB
ROBOTS_RETRY_S = 600.0  # an unreachable robots.txt is tried again after this long
ROBOTS_AGENT = "MarsadBot"  # the product token matched against robots.txt User-agent lines
_REDIRECTS = {301, 302, 303, 307, 308}


class PrivateAddressRefused(OSError):
    """A page host resolved to an address the crawler must not connect to."""


def _is_global(address: str) -> bool:
    return ipaddress.ip_address(address.split("%")[0]).is_global


def _allowed_netlocs(settings: Settings) -> frozenset[str]:
    return frozenset(h.strip().lower() for h in settings.crawl_allow_private_hosts.split(",") if h.strip())


class GuardedResolver(AbstractResolver):
    """Resolves like aiohttp's default resolver, then refuses non-global addresses (SSRF guard).

    `allowed` holds "host:port" pairs that may be private (a local test or demo site).
    """

    def __init__(self, allowed: frozenset[str]):
        self._inner = DefaultResolver()
        self._allowed = allowed

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if f"{host.lower()}:{port}" not in self._allowed:
            private = [r["host"] for r in results if not _is_global(r["host"])]
            if private:
                raise PrivateAddressRefused(f"{host} resolves to a non-public address {private[0]}")
        return results

    async def close(self) -> None:
        await self._inner.close()


@dataclass
class Page:
    """What one page fetch gave. `error` is None when ok (or 304), else a reason used as a metric label."""

    url: str
    status: int | None = None
    body: bytes = b""
    final_url: str = ""
    content_type: str | None = None
    validators: Validators = field(default_factory=Validators)
    error: str | None = None  # refused | robots | timeout | network | too_large | http_4xx | http_5xx | ...
    detail: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass
class _Robots:
    parser: urllib.robotparser.RobotFileParser | None  # None = the whole host is disallowed for now
    expires: float
    refused: str | None = None  # the host itself is refused (non-public address): why


class HostGate:
    """Per-host politeness: a concurrency limit and a minimum gap between request starts."""

    def __init__(self, concurrency: int, delay_s: float):
        self.delay_s = delay_s
        self._slots = asyncio.Semaphore(concurrency)
        self._turn = asyncio.Lock()
        self._last_start = float("-inf")

    async def __aenter__(self) -> HostGate:
        await self._slots.acquire()
        async with self._turn:  # starts are serialised so each waits its gap after the previous one
            wait = self._last_start + self.delay_s - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._last_start = time.monotonic()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._slots.release()

    def pause(self, seconds: float) -> None:
        """The host asked us to slow down (429/503 Retry-After): no request starts for `seconds`."""
        self._last_start = max(self._last_start, time.monotonic() + seconds - self.delay_s)


class Crawler:
    """Fetches pages politely and safely. Create and use it inside one running event loop."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._allowed = _allowed_netlocs(settings)
        self._robots: dict[str, _Robots] = {}
        self._robots_locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._gates: dict[str, HostGate] = {}
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                headers={"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"},
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.settings.fetch_timeout_s),
                connector=aiohttp.TCPConnector(
                    limit=self.settings.poll_concurrency, resolver=GuardedResolver(self._allowed)
                ),
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _gate(self, netloc: str, crawl_delay: float | None = None) -> HostGate:
        gate = self._gates.get(netloc)
        if gate is None:
            gate = self._gates[netloc] = HostGate(
                self.settings.crawl_host_concurrency, self.settings.crawl_host_delay_s
            )
        if crawl_delay is not None:
            gate.delay_s = max(
                self.settings.crawl_host_delay_s, min(crawl_delay, self.settings.crawl_max_crawl_delay_s)
            )
        return gate

    def _literal_refused(self, url: str) -> str | None:
        """Reason to refuse `url` before connecting: scheme, or a private IP literal (not resolved)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return f"scheme {parts.scheme!r} not allowed"
        host = (parts.hostname or "").lower()
        if not host:
            return "no host"
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            return None
        netloc = f"{host}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
        if not literal.is_global and netloc not in self._allowed:
            return f"non-public address {host}"
        return None

    async def get(self, url: str, validators: Validators | None = None) -> Page:
        """GET a page: never raises for network, HTTP or policy trouble (the Page says why)."""
        timeout_s = self.settings.fetch_timeout_s
        try:
            async with asyncio.timeout(timeout_s):
                return await self._follow(url, validators)
        except TimeoutError:
            return Page(url, error="timeout", detail=f"no complete response in {timeout_s}s")
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, PrivateAddressRefused) or isinstance(
                exc.__cause__, PrivateAddressRefused
            ):
                return Page(url, error="refused", detail=str(exc.__cause__ or exc.os_error)[:300])
            return Page(url, error="network", detail=f"{type(exc).__name__}: {exc}"[:300])
        except PrivateAddressRefused as exc:
            return Page(url, error="refused", detail=str(exc)[:300])
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            return Page(url, error="network", detail=f"{type(exc).__name__}: {exc}"[:300])

    async def _follow(self, url: str, validators: Validators | None) -> Page:
        headers = {}
        if validators and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        current = url
        for _hop in range(self.settings.crawl_max_redirects + 1):
            refused = self._literal_refused(current)
            if refused:
                return Page(url, error="refused", detail=f"{refused}: {current}"[:300], final_url=current)
            denied = await self.robots_denial(current)
            if denied == "robots":
                metrics.article_robots_denied.inc()
                return Page(
                    url, error="robots", detail=f"robots.txt disallows {current}"[:300], final_url=current
                )
            if denied:
                return Page(url, error="refused", detail=denied[:300], final_url=current)
            netloc = urlsplit(current).netloc.lower()
            async with (
                self._gate(netloc),
                self.session().get(current, headers=headers, allow_redirects=False) as resp,
            ):
                location = resp.headers.get("Location")
                if resp.status in _REDIRECTS and location:
                    target = urljoin(current, location)
                    if urlsplit(target).netloc.lower() != netloc:
                        headers = {}  # validators belong to the first host's copy
                    current = target
                    continue
                return await self._page(url, current, resp, validators)
        return Page(url, error="redirects", detail=f"more than {self.settings.crawl_max_redirects} redirects")

    async def _page(
        self, url: str, final_url: str, resp: aiohttp.ClientResponse, validators: Validators | None
    ) -> Page:
        page = Page(url, resp.status, final_url=final_url, content_type=resp.headers.get("Content-Type"))
        page.validators = Validators(resp.headers.get("ETag"), resp.headers.get("Last-Modified"))
        cap = self.settings.max_body_bytes
        if resp.status == 304:
            page.validators = validators or Validators()
        elif resp.status >= 400:
            page.error = "http_429" if resp.status == 429 else "http_4xx" if resp.status < 500 else "http_5xx"
            retry_after = parse_retry_after(resp.headers.get("Retry-After"))
            if resp.status in (429, 503) and retry_after:
                pause = min(retry_after, self.settings.crawl_max_crawl_delay_s)
                self._gate(urlsplit(final_url).netloc.lower()).pause(pause)
        elif resp.status != 200:
            page.error, page.detail = "http_other", f"status {resp.status}"
        else:
            declared = resp.content_length
            body = None if declared and declared > cap else await _read_capped(resp, cap)
            if body is None:
                page.error, page.detail = "too_large", f"body over {cap} bytes"
            else:
                page.body = body
        return page

    async def robots_denial(self, url: str) -> str | None:
        """None when robots.txt allows `url`; "robots" when it does not (or cannot be read); else the
        reason the host itself is refused."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        entry = self._robots.get(origin)
        if entry is None or entry.expires < time.monotonic():
            async with self._robots_locks[origin]:  # one robots.txt fetch per host, however many pages wait
                entry = self._robots.get(origin)
                if entry is None or entry.expires < time.monotonic():
                    entry = self._robots[origin] = await self._read_robots(origin)
        if entry.refused:
            return entry.refused
        if entry.parser is None:
            return "robots"
        delay = entry.parser.crawl_delay(ROBOTS_AGENT)
        self._gate(parts.netloc.lower(), float(delay) if delay is not None else None)
        return None if entry.parser.can_fetch(ROBOTS_AGENT, url) else "robots"

    async def _read_robots(self, origin: str) -> _Robots:
        now = time.monotonic()
        current = origin + "/robots.txt"
        try:
            for _hop in range(self.settings.crawl_max_redirects + 1):
                refused = self._literal_refused(current)
                if refused:
                    return _Robots(None, now + ROBOTS_RETRY_S, refused=f"{refused}: {current}")
                async with (
                    self._gate(urlsplit(current).netloc.lower()),
                    self.session().get(current, allow_redirects=False) as resp,
                ):
                    location = resp.headers.get("Location")
                    if resp.status in _REDIRECTS and location:
                        current = urljoin(current, location)
                        continue
                    if 400 <= resp.status < 500:
                        return self._robots_from(b"", now)  # no robots.txt: everything allowed
                    if resp.status != 200:
                        return _Robots(None, now + ROBOTS_RETRY_S)
                    return self._robots_from(await _read_capped(resp, ROBOTS_MAX_BYTES) or b"", now)
        except aiohttp.ClientConnectorError as exc:
            cause = exc.__cause__ or exc.os_error
            if isinstance(cause, PrivateAddressRefused):
                return _Robots(None, now + ROBOTS_RETRY_S, refused=str(cause))
        except (aiohttp.ClientError, OSError, ValueError):
            pass
        return _Robots(None, now + ROBOTS_RETRY_S)

    def _robots_from(self, body: bytes, now: float) -> _Robots:
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(body.decode("utf-8", "replace").splitlines())
        return _Robots(parser, now + self.settings.crawl_robots_ttl_s)


__all__ = ["Crawler", "Page", "GuardedResolver", "HostGate", "PrivateAddressRefused"]
