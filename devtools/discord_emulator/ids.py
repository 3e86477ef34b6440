"""Snowflake ids shaped like Discord's: a millisecond timestamp above a counter."""

from __future__ import annotations

import itertools
import time

DISCORD_EPOCH_MS = 1_420_070_400_000


class SnowflakeFactory:
    """Hands out increasing snowflakes; `created_at` is recoverable as on Discord."""

    def __init__(self) -> None:
        self._counter = itertools.count()
        self._last = 0

    def next(self) -> int:
        """A new id, strictly greater than every id handed out before."""
        stamp = int(time.time() * 1000) - DISCORD_EPOCH_MS
        candidate = (stamp << 22) | (next(self._counter) & 0xFFF)
        self._last = max(candidate, self._last + 1)
        return self._last


def iso_now() -> str:
    """The current time as Discord writes timestamps (ISO 8601, UTC offset)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000+00:00", time.gmtime())


def iso_in(seconds: float) -> str:
    """A timestamp `seconds` from now, for archive deadlines."""
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000+00:00", time.gmtime(time.time() + seconds))
