"""Publication dates as articles write them, read into one ISO form at ingestion."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.text.dates import publication_date


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2022-03-14", "2022-03-14"),
        ("2022-03-14T23:30:00-05:00", "2022-03-14"),  # the day as the outlet wrote it
        ("Mon, 14 Mar 2022 10:00:00 GMT", "2022-03-14"),  # RSS
        ("14 mars 2022", "2022-03-14"),
        ("1er avril 2020", "2020-04-01"),
        ("lundi 14 mars 2022 à 10h32", "2022-03-14"),
        ("March 14, 2022", "2022-03-14"),
        ("14 März 2022", "2022-03-14"),
        ("14 de marzo de 2022", "2022-03-14"),
        ("14/03/2022", "2022-03-14"),  # day first, as in French
        ("03/04/2022", "2022-04-03"),
        ("03/14/2022", "2022-03-14"),  # 14 cannot be a month
        ("14.03.2022", "2022-03-14"),
    ],
)
def test_written_dates_become_iso_days(written, iso):
    assert publication_date(written).iso == iso


@pytest.mark.parametrize(
    "written", ["hier", "lundi", "n'importe quoi", "2022-02-30", "31/02/2022", "2022", "x" * 500]
)
def test_what_is_not_a_day_is_no_date_with_a_reason_naming_the_form(written):
    reading = publication_date(written)
    assert reading.iso is None and "write it as 2022-03-14" in (reading.problem or "")


def test_no_date_is_no_problem():
    assert publication_date(None).problem is None and publication_date("  ").iso is None


@given(st.text(max_size=120))
def test_any_text_gives_an_iso_day_or_a_reason_and_never_raises(written):
    reading = publication_date(written)
    assert (reading.iso is None) == (reading.problem is not None) or not written.strip()
    if reading.iso is not None:
        assert len(reading.iso) == 10 and reading.iso[4] == "-"
