"""Durations people write, and the wait before a failing feed is tried again."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.feeds.timing import DurationError, backoff_seconds, format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("15m", 900), ("1h", 3600), ("1h30m", 5400), (" 2 d ", 172_800), ("1.5h", 5400)],
)
def test_durations_with_units(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "text", ["", "15", "5x", "m15", "1h-5m", "0s", "8d", "fifteen minutes", "1e3s", "-5m"]
)
def test_nonsense_is_refused_with_a_sentence(text):
    with pytest.raises(DurationError, match=r"(not a duration: write a number and a unit|out of range)"):
        parse_duration(text)


@given(st.integers(min_value=1, max_value=7 * 86_400))
def test_a_formatted_duration_reads_back_near_itself(seconds):
    text = format_duration(seconds).replace(" ", "")
    assert abs(parse_duration(text) - seconds) < 60


def test_the_wait_doubles_after_each_failure_up_to_the_cap():
    waits = [backoff_seconds(failures, 300, 21_600) for failures in range(0, 10)]
    assert waits == [0, 300, 600, 1200, 2400, 4800, 9600, 19_200, 21_600, 21_600]
    assert backoff_seconds(10_000, 300, 21_600) == 21_600
