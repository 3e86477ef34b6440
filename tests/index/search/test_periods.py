"""The period a question names, in French, English, Spanish and German, and nothing else."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.search.periods import Period, parse_period, period_in_question

TODAY = date(2026, 11, 30)  # a Monday


def _days(first: str, last: str) -> tuple[date, date]:
    return date.fromisoformat(first), date.fromisoformat(last)


@pytest.mark.parametrize(
    ("question", "first", "last"),
    [
        ("Que s'est-il passé en mars 2019 ?", "2019-03-01", "2019-03-31"),
        ("What happened in March 2019?", "2019-03-01", "2019-03-31"),
        ("Was geschah im März 2019?", "2019-03-01", "2019-03-31"),
        ("¿Qué pasó en mayo de 2019?", "2019-05-01", "2019-05-31"),
        ("Qui a gagné en 2020 ?", "2020-01-01", "2020-12-31"),
        ("who won in 2020", "2020-01-01", "2020-12-31"),
        ("qui a gagné la coupe du monde 2018 ?", "2018-01-01", "2018-12-31"),
        ("que s'est-il passé le 14 mars 2022 à Rome ?", "2022-03-14", "2022-03-14"),
        ("what happened on March 14, 2022?", "2022-03-14", "2022-03-14"),
        ("réunion du 14/03/2022", "2022-03-14", "2022-03-14"),
        ("que s'est il passe hier", "2026-11-29", "2026-11-29"),  # typed without accents
        ("what happened yesterday?", "2026-11-29", "2026-11-29"),
        ("quoi de neuf aujourd'hui ?", "2026-11-30", "2026-11-30"),
        ("les news de la semaine dernière", "2026-11-23", "2026-11-29"),
        ("news from last week", "2026-11-23", "2026-11-29"),
        ("quoi de neuf cette semaine ?", "2026-11-30", "2026-11-30"),  # Monday: the week so far
        ("le mois dernier", "2026-10-01", "2026-10-31"),
        ("l'année dernière", "2025-01-01", "2025-12-31"),
        ("entre 2019 et 2021, qui dirigeait ?", "2019-01-01", "2021-12-31"),
        ("depuis mars 2019", "2019-03-01", "2026-11-30"),
        ("since 2021", "2021-01-01", "2026-11-30"),
        ("avant 2020, qui dirigeait ?", "0001-01-01", "2019-12-31"),
    ],
)
def test_a_period_named_in_a_question_is_read(question, first, last):
    period = period_in_question(question, TODAY)
    assert period is not None and (period.start, period.end) == _days(first, last)


@pytest.mark.parametrize(
    "question",
    [
        "Qu'est-ce que la Russie a demandé à la Chine ?",
        "plus de 2000 morts ?",  # a count, not a year
        "2000 manifestants à Paris",
        "Mais que dit Macron ?",  # "mai" is in "mais"
        "En quelle année est né Victor Hugo ?",
        "what may happen next?",
        "mars est une planète",
    ],
)
def test_questions_without_a_period_have_none(question):
    assert period_in_question(question, TODAY) is None


def test_an_article_is_in_a_period_by_its_iso_day_and_an_undated_one_never():
    march = Period(*_days("2019-03-01", "2019-03-31"))
    assert march.holds("2019-03-31") and march.holds("2019-03-14T10:00:00+00:00")
    assert not march.holds("2019-04-01") and not march.holds(None) and not march.holds("")


@pytest.mark.parametrize(
    ("typed", "first", "last"),
    [
        ("2019", "2019-01-01", "2019-12-31"),
        ("2019-03", "2019-03-01", "2019-03-31"),
        ("2019-03-14", "2019-03-14", "2019-03-14"),
        ("mars 2019", "2019-03-01", "2019-03-31"),
        ("hier", "2026-11-29", "2026-11-29"),
    ],
)
def test_since_and_until_options_take_a_year_a_month_or_a_day(typed, first, last):
    period = parse_period(typed, TODAY)
    assert (period.start, period.end) == _days(first, last)


@pytest.mark.parametrize("typed", ["bientôt", "", "2019-13", "x" * 100])
def test_an_option_that_is_no_date_is_a_sentence_naming_the_forms(typed):
    with pytest.raises(ValueError, match="2019, 2019-03 or 2019-03-14"):
        parse_period(typed, TODAY)


@given(st.text(max_size=200), st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 1, 1)))
def test_any_question_gives_no_period_or_an_ordered_one_without_raising(question, today):
    period = period_in_question(question, today)
    assert period is None or period.start <= period.end
