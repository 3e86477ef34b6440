"""Durations people write (30s, 15m, 1h30m) and the wait before a failing feed is tried again."""

from __future__ import annotations

import re

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
MIN_INTERVAL_S = 1.0
MAX_INTERVAL_S = 7 * 86_400.0


class DurationError(ValueError):
    """A duration that cannot be read; the message says what is accepted."""


def parse_duration(text: str) -> float:
    """Seconds in a duration like "30s", "15m", "1h", "1h30m" or "1.5h"; bounded to 1 s .. 7 days."""
    cleaned = text.strip().lower().replace(" ", "")
    parts = _DURATION.findall(cleaned)
    if not cleaned or "".join(number + unit for number, unit in parts) != cleaned:
        raise DurationError(
            f"{text!r} is not a duration: write a number and a unit (s, m, h or d), "
            "e.g. 30s, 15m, 1h or 1h30m"
        )
    seconds = sum(float(number) * _UNITS[unit] for number, unit in parts)
    if not MIN_INTERVAL_S <= seconds <= MAX_INTERVAL_S:
        raise DurationError(f"{text!r} is out of range: choose between 1s and 7d")
    return seconds


def format_duration(seconds: float) -> str:
    """A short human duration: "45s", "15m", "2h 5m"."""
    whole = round(seconds)
    if whole < 60:
        return f"{max(seconds, 0):.0f}s" if seconds >= 1 or seconds <= 0 else f"{seconds:.1f}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m" + (f" {secs}s" if secs else "")
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h" + (f" {minutes}m" if minutes else "")


def backoff_seconds(failures: int, first: float, cap: float) -> float:
    """Wait after `failures` consecutive failures: first, twice that, four times, ... never over `cap`."""
    if failures <= 0:
        return 0.0
    return min(cap, first * 2.0 ** min(failures - 1, 60))
