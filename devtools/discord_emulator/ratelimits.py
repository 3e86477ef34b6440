"""Discord's rate limits: per-route buckets counted per major parameter, and the global limit.

A request beyond its bucket is answered 429 with `{"message": "You are being rate limited.",
"retry_after": seconds, "global": false}` and the headers discord.py reads (`X-RateLimit-*`,
`Retry-After`, and `Via`, without which discord.py takes a 429 for a Cloudflare ban). Every
answer carries its bucket's `X-RateLimit-*` headers, so a well-behaved client waits before it
is refused. Windows are fixed: they open with the first request and reset `per` seconds later.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .spec import path_parameters

RATE_LIMITED = "You are being rate limited."
# Interactions are not bound by the global limit, and responding to one is never rate limited.
CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
GLOBAL_EXEMPT_PREFIXES = ("/interactions/", "/webhooks/")
MAJOR_PARAMETERS = (("channel_id",), ("guild_id",), ("webhook_id", "webhook_token"))


@dataclass(frozen=True)
class Bucket:
    """`limit` requests per `per` seconds; routes naming the same bucket share its count."""

    name: str
    limit: int
    per: float


MESSAGES = "/channels/{channel_id}/messages"
MESSAGE = "/channels/{channel_id}/messages/{message_id}"
OWN_REACTION = "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me"
WEBHOOK = "/webhooks/{webhook_id}/{webhook_token}"

# Sizes as Discord's headers commonly report them for bots; Discord may change them at any time.
DISCORD_BUCKETS: Mapping[tuple[str, str], Bucket] = MappingProxyType(
    {
        ("POST", MESSAGES): Bucket("message-create", 5, 5.0),
        ("PATCH", MESSAGE): Bucket("message-edit", 5, 5.0),
        ("DELETE", MESSAGE): Bucket("message-delete", 5, 1.0),
        ("POST", "/channels/{channel_id}/typing"): Bucket("typing", 5, 5.0),
        ("PUT", OWN_REACTION): Bucket("reactions", 1, 0.25),
        ("DELETE", OWN_REACTION): Bucket("reactions", 1, 0.25),
        ("POST", f"{MESSAGE}/threads"): Bucket("thread-create", 10, 10.0),
        ("POST", "/channels/{channel_id}/threads"): Bucket("thread-create", 10, 10.0),
        ("POST", WEBHOOK): Bucket("webhook", 5, 2.0),
        ("PATCH", f"{WEBHOOK}/messages/@original"): Bucket("webhook-edit", 5, 2.0),
        ("PATCH", f"{WEBHOOK}/messages/{{message_id}}"): Bucket("webhook-edit", 5, 2.0),
    }
)


@dataclass(frozen=True)
class RateLimits:
    """What the emulator enforces; `time_scale` shrinks every window (0.05: 5 per 5 s → 5 per 0.25 s)."""

    buckets: Mapping[tuple[str, str], Bucket] = field(default_factory=lambda: DISCORD_BUCKETS)
    other_routes: Bucket = Bucket("route", 50, 1.0)
    global_limit: Bucket | None = Bucket("global", 50, 1.0)
    time_scale: float = 1.0

    def bucket_for(self, method: str, template: str) -> Bucket:
        """The bucket a route counts against; routes Discord does not document get `other_routes`."""
        found = self.buckets.get((method.upper(), template))
        if found is not None:
            return found
        return Bucket(
            f"{self.other_routes.name} {method.upper()} {template}",
            self.other_routes.limit,
            self.other_routes.per,
        )


@dataclass
class _Window:
    count: int = 0
    resets_at: float = 0.0


@dataclass(frozen=True)
class Verdict:
    """Whether a request may proceed, the headers its answer carries, and the 429 body if not."""

    allowed: bool
    headers: dict[str, str]
    body: dict[str, Any] | None = None


class Limiter:
    """Counts requests per bucket and major parameter, and globally, against `RateLimits`."""

    def __init__(
        self,
        limits: RateLimits,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.limits = limits
        self._clock = clock
        self._wall_clock = wall_clock
        self._windows: dict[tuple[str, str], _Window] = {}

    def check(self, method: str, template: str | None, path: str) -> Verdict:
        """Count one request to `path` (relative to /api/v10) whose spec template is `template`."""
        if template == CALLBACK:
            return Verdict(True, {})
        now = self._clock()
        global_window = self._global_window(path, now)
        if global_window is not None and global_window[0].count >= global_window[1].limit:
            return self._refused(global_window[0], now, global_=True)
        if template is None:
            self._count(global_window)
            return Verdict(True, {})
        bucket = self.limits.bucket_for(method, template)
        window = self._window((bucket.name, _major(template, path)), bucket, now)
        if window.count >= bucket.limit:
            return self._refused(window, now, bucket=bucket)
        window.count += 1
        self._count(global_window)
        return Verdict(True, self._headers(bucket, window, now))

    def _global_window(self, path: str, now: float) -> tuple[_Window, Bucket] | None:
        bucket = self.limits.global_limit
        if bucket is None or path.startswith(GLOBAL_EXEMPT_PREFIXES):
            return None
        return self._window(("global", ""), bucket, now), bucket

    @staticmethod
    def _count(global_window: tuple[_Window, Bucket] | None) -> None:
        if global_window is not None:
            global_window[0].count += 1

    def _window(self, key: tuple[str, str], bucket: Bucket, now: float) -> _Window:
        window = self._windows.setdefault(key, _Window())
        if now >= window.resets_at:
            window.count = 0
            window.resets_at = now + bucket.per * self.limits.time_scale
        return window

    def _headers(self, bucket: Bucket, window: _Window, now: float) -> dict[str, str]:
        reset_after = max(window.resets_at - now, 0.0)
        return {
            "X-RateLimit-Limit": str(bucket.limit),
            "X-RateLimit-Remaining": str(max(bucket.limit - window.count, 0)),
            "X-RateLimit-Reset": f"{self._wall_clock() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": hashlib.sha1(bucket.name.encode()).hexdigest()[:16],
        }

    def _refused(
        self, window: _Window, now: float, *, bucket: Bucket | None = None, global_: bool = False
    ) -> Verdict:
        retry_after = round(max(window.resets_at - now, 0.001), 3)
        headers = {"Retry-After": str(math.ceil(retry_after)), "Via": "1.1 google"}
        if global_:
            headers |= {"X-RateLimit-Global": "true", "X-RateLimit-Scope": "global"}
        elif bucket is not None:
            headers |= self._headers(bucket, window, now) | {"X-RateLimit-Scope": "user"}
        body = {"message": RATE_LIMITED, "retry_after": retry_after, "global": global_}
        return Verdict(False, headers, body)


def _major(template: str, path: str) -> str:
    """The value of the route's major parameter (channel, guild, or webhook id and token)."""
    values = path_parameters(template, path)
    for names in MAJOR_PARAMETERS:
        if all(n in values for n in names):
            return "/".join(values[n] for n in names)
    return ""
