"""Recency: a nudge that settles near ties towards the newer article, and an optional fade."""

from __future__ import annotations

import itertools
import math
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from index.search.recency import RECENCY_TIE, recency_bonus

TODAY = date(2026, 11, 30)
days = st.one_of(st.none(), st.dates(date(1990, 1, 1), TODAY).map(date.isoformat), st.just("not a date"))


@given(st.lists(days, max_size=20))
def test_the_nudge_never_exceeds_the_tie_and_follows_the_dates(dates):
    bonus = recency_bonus(dates, TODAY)
    assert all(0.0 <= b <= RECENCY_TIE for b in bonus)
    readable = [(d, b) for d, b in zip(dates, bonus, strict=True) if d and d[0].isdigit()]
    for (a, bonus_a), (b, bonus_b) in itertools.combinations(readable, 2):
        assert a >= b or bonus_a <= bonus_b
    assert all(b == 0.0 for d, b in zip(dates, bonus, strict=True) if not d or not d[0].isdigit())


def test_a_half_life_halves_the_odds_once_per_half_life():
    old, new = (TODAY - timedelta(days=60)).isoformat(), TODAY.isoformat()
    faded = recency_bonus([old, new], TODAY, half_life_days=30)
    assert math.isclose(faded[1] - faded[0], RECENCY_TIE + 2 * math.log(2))


def test_one_date_for_all_moves_nothing():
    assert recency_bonus(["2022-03-14", "2022-03-14", None], TODAY) == [0.0, 0.0, 0.0]
