"""Recency in the ranking: between passages of near-equal relevance the more recent wins, and an
optional half-life makes older news fade (servers that only care about fresh news).

Both are additions to the ranking score, which is log-odds: a decay of one half-life subtracts
ln 2, halving the odds that the ranking prefers the passage. Undated articles are left where
their relevance puts them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from index.text.dates import stored_day

# The most a date can move a passage: enough to settle a near tie (0.1 in log-odds is a few
# points of probability), never enough to put a clearly weaker passage first.
RECENCY_TIE = 0.1


def recency_bonus(dates: Sequence[str | None], today: date, half_life_days: float = 0.0) -> list[float]:
    """What each candidate's date adds to its ranking score: up to RECENCY_TIE for the newest of
    the candidates (none when they share one date), minus the decay when a half-life is set."""
    days = [stored_day(value) for value in dates]
    known = [day.toordinal() for day in days if day is not None]
    oldest, newest = (min(known), max(known)) if known else (0, 0)
    bonus = []
    for day in days:
        if day is None:
            bonus.append(0.0)
            continue
        tie = RECENCY_TIE * ((day.toordinal() - oldest) / (newest - oldest)) if newest > oldest else 0.0
        age = max(0, (today - day).days)
        decay = -math.log(2) * age / half_life_days if half_life_days > 0 else 0.0
        bonus.append(tie + decay)
    return bonus
