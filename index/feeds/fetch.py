"""Polite, bounded HTTP GETs: the one module that imports httpx and protego.

Every request: only http(s); robots.txt asked first (once per host, cached) and obeyed; one
request at a time per host with a pause between two (longer if robots.txt asks for a
Crawl-delay); a time limit; the body streamed and abandoned past a size limit; redirects
followed by hand, at most a few, each target checked like the first URL, loops named.
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from index.errors import FeedError
from index.feeds.config import url_problem
from index.feeds.options import FetchOptions

_log = logging.getLogger(__name__)
# httpx logs every request at INFO; a round's summary already says what was fetched and what failed.
logging.getLogger("httpx").setLevel(logging.WARNING)

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ROBOTS_MAX_BYTES = 512_000  # RFC 9309: crawlers parse at least 500 KiB
_ROBOTS_TTL_S = 3600.0
_ROBOTS_RETRY_S = 300.0  # an unreachable robots.txt means "disallow all" for this long
_MAX_CRAWL_DELAY_S = 60.0


def private_address_problem(url: str, operator_hosts: frozenset[str]) -> str | None:
    """Why `url` must not be fetched because its host is on a private, loopback or link-local
    address (the bot's own machine, its network, a cloud metadata service), or None.

    A feed is anyone's text: an item linking to http://127.0.0.1:8080/admin would otherwise be
    fetched and its page quoted in Discord. Hosts the operator named in feeds.toml are trusted.
    """
    host = (urlsplit(url).hostname or "").lower()
    if not host or host in operator_hosts:
        return None
    try:
        addresses = {ipaddress.ip_address(host)}
    except ValueError:
        try:
            found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):  # unresolvable: the request itself fails and says so
            return None
        addresses = {ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found}
    private = sorted(str(address) for address in addresses if not address.is_global)
    if private:
        return (
            f"{url!r} is on a private or local address ({private[0]}): only the hosts named in the "
            "feeds file may be"
        )
    return None


class Stopped(Exception):
    """The caller asked to stop (shutdown) while a request was waiting its turn."""


@dataclass(frozen=True)
class Page:
    """A response worth reading: 200 with its body, or 304 (not modified) without one."""

    url: str  # after redirects
    status: int
    content_type: str  # media type, lower-cased, without parameters
    charset: str | None
    body: bytes
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass
class FetchStats:
    """What a fetcher did: requests sent (robots.txt included), bytes read, time spent waiting."""

    requests: int = 0
    bytes: int = 0
    waited_seconds: float = 0.0


@dataclass
class _Robots:
    rules: Protego | None  # None: allow everything (no robots.txt)
    expires: float
    unreachable: str | None = None  # why everything is disallowed for now
    crawl_delay: float = 0.0


class RobotsCache:
    """robots.txt rules by origin, kept for an hour: share one between fetchers to ask each host once."""

    def __init__(self) -> None:
        self._rules: dict[str, _Robots] = {}
        self._lock = threading.Lock()

    def get(self, origin: str, now: float) -> _Robots | None:
        with self._lock:
            robots = self._rules.get(origin)
        return robots if robots is not None and robots.expires > now else None

    def put(self, origin: str, robots: _Robots) -> None:
        with self._lock:
            self._rules[origin] = robots


@dataclass
class _Host:
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_at: float = 0.0
    delay: float = 0.0


class Fetcher:
    """Sends GETs on behalf of the follower, one host at a time, within the limits of `options`."""

    def __init__(
        self,
        options: FetchOptions | None = None,
        *,
        stop: threading.Event | None = None,
        robots: RobotsCache | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.options = options or FetchOptions()
        self.stats = FetchStats()
        self._stop = stop or threading.Event()
        self._clock = clock
        self._client = httpx.Client(
            headers={"User-Agent": self.options.user_agent},
            follow_redirects=False,
            timeout=httpx.Timeout(self.options.timeout),
        )
        self._robots = robots or RobotsCache()
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self,
        url: str,
        *,
        accept: str = "*/*",
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Page:
        """GET `url` (conditionally, given validators), or raise `FeedError` with a short reason."""
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        chain = [url]
        for _ in range(self.options.max_redirects + 1):
            problem = url_problem(url) or private_address_problem(url, self.options.operator_hosts)
            if problem:
                raise FeedError(problem if len(chain) == 1 else f"redirected to {problem}")
            self._check_robots(url)
            result = self._send(url, headers, self.options.max_bytes)
            if isinstance(result, Page):
                return result
            target = urljoin(url, result)
            if target in chain:
                raise FeedError(f"redirect loop: {' → '.join([*chain, target])}")
            chain.append(target)
            url = target
        raise FeedError(f"more than {self.options.max_redirects} redirects, from {chain[0]} to {chain[-1]}")

    # --- robots.txt -----------------------------------------------------------------------

    def _check_robots(self, url: str) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        robots = self._robots.get(origin, self._clock())
        if robots is None:
            robots = self._load_robots(origin)
            self._robots.put(origin, robots)
        if robots.crawl_delay:
            host = self._host(parts.netloc.lower())
            host.delay = max(host.delay, robots.crawl_delay)
        if robots.unreachable:
            raise FeedError(robots.unreachable)
        if robots.rules is not None and not robots.rules.can_fetch(url, self.options.user_agent):
            raise FeedError(f"robots.txt of {parts.netloc} disallows {parts.path or '/'} for our user agent")

    def _load_robots(self, origin: str) -> _Robots:
        now = self._clock()
        netloc = urlsplit(origin).netloc.lower()
        try:
            body = self._robots_body(origin + "/robots.txt")
        except FeedError as error:
            if error.status is not None and 400 <= error.status < 500:  # RFC 9309: 4xx allows everything
                return _Robots(rules=None, expires=now + _ROBOTS_TTL_S)
            reason = f"robots.txt of {netloc} could not be read ({error.reason}); will ask again later"
            return _Robots(rules=None, expires=now + _ROBOTS_RETRY_S, unreachable=reason)
        if body is None:
            return _Robots(rules=None, expires=now + _ROBOTS_TTL_S)
        rules = Protego.parse(body.decode("utf-8", errors="replace"))
        delay = min(float(rules.crawl_delay(self.options.user_agent) or 0.0), _MAX_CRAWL_DELAY_S)
        return _Robots(rules=rules, expires=now + _ROBOTS_TTL_S, crawl_delay=delay)

    def _robots_body(self, url: str) -> bytes | None:
        """robots.txt's bytes (cut at the RFC's 500 KiB), or None when redirects lead nowhere usable."""
        for _ in range(self.options.max_redirects + 1):
            result = self._send(url, {"Accept": "text/plain"}, _ROBOTS_MAX_BYTES, truncate=True)
            if isinstance(result, Page):
                return result.body
            url = urljoin(url, result)
            if url_problem(url):
                return None
        return None

    # --- one request ----------------------------------------------------------------------

    def _host(self, netloc: str) -> _Host:
        with self._hosts_lock:
            return self._hosts.setdefault(netloc, _Host(delay=self.options.host_delay))

    def _send(
        self, url: str, headers: dict[str, str], max_bytes: int, *, truncate: bool = False
    ) -> Page | str:
        """One GET: a Page, or the Location of a redirect; waits its host's turn first."""
        host = self._host(urlsplit(url).netloc.lower())
        with host.lock:
            self._wait(host)
            try:
                return self._request(url, headers, max_bytes, truncate)
            finally:
                host.next_at = self._clock() + max(host.delay, self.options.host_delay)

    def _wait(self, host: _Host) -> None:
        if self._stop.is_set():
            raise Stopped
        pause = host.next_at - self._clock()
        if pause > 0:
            self.stats.waited_seconds += pause
            if self._stop.wait(pause):
                raise Stopped

    def _request(self, url: str, headers: dict[str, str], max_bytes: int, truncate: bool) -> Page | str:
        timeout = self.options.timeout
        deadline = self._clock() + timeout
        self.stats.requests += 1
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status in _REDIRECTS and response.headers.get("location"):
                    return response.headers["location"]
                if status >= 400 or status in _REDIRECTS:
                    raise FeedError(
                        f"HTTP {status} {response.reason_phrase}".strip(),
                        status=status,
                        retry_after=_retry_after(response.headers.get("retry-after")),
                    )
                body = b"" if status == 304 else self._read(response, max_bytes, deadline, truncate)
                media, _, _ = response.headers.get("content-type", "").partition(";")
                return Page(
                    url=url,
                    status=status,
                    content_type=media.strip().lower(),
                    charset=response.charset_encoding,
                    body=body,
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                )
        except httpx.TimeoutException as error:
            raise FeedError(f"no answer within {timeout:g} s (timeout)") from error
        except httpx.DecodingError as error:
            raise FeedError(f"the response could not be decoded ({error})") from error
        except httpx.HTTPError as error:
            raise FeedError(f"could not connect ({type(error).__name__}: {error})") from error

    def _read(self, response: httpx.Response, max_bytes: int, deadline: float, truncate: bool) -> bytes:
        limit = f"the {_size(max_bytes)} limit (QA_FEEDS_MAX_BYTES)"
        declared = response.headers.get("content-length", "")
        if not truncate and declared.isdigit() and int(declared) > max_bytes:
            raise FeedError(f"the response is {_size(int(declared))}, over {limit}")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            self.stats.bytes += len(chunk)
            if size > max_bytes:
                if truncate:
                    chunks.append(chunk[: len(chunk) - (size - max_bytes)])
                    break
                raise FeedError(f"the response is over {limit}: stopped reading")
            if self._clock() > deadline:
                raise FeedError(f"the response took longer than {self.options.timeout:g} s (timeout)")
            chunks.append(chunk)
        return b"".join(chunks)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (a number of seconds or an HTTP date)."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _size(count: int) -> str:
    for unit, scale in (("MB", 1_000_000), ("KB", 1_000)):
        if count >= scale:
            return f"{count / scale:g} {unit}"
    return f"{count} bytes"
