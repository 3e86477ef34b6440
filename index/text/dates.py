"""Publication dates as articles write them ("14 mars 2022", "Mon, 14 Mar 2022 10:00:00 GMT",
"14/03/2022") read once, at ingestion, into one form: the ISO day, "2022-03-14".

One form is what lets the bot show every date the same way, filter by period and compare recency;
an article whose date cannot be read keeps no date (and the build says so), rather than a date
nobody can compare.
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

# A written date names its year in full; "hier" or "lundi" is no publication date.
_FULL_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|2\d\d\d)(?!\d)")
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:$|[T ])")
_NUMERIC_DAY = re.compile(r"^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{4})\s*$")
# Longer text is a sentence, not a date.
_MOST_CHARS = 80


@dataclass(frozen=True)
class DateReading:
    """An article's date in ISO form, or None with the reason when it cannot be read."""

    iso: str | None
    problem: str | None = None


def publication_date(value: str | None) -> DateReading:
    """The ISO day of a date as written in an article's metadata (day first when ambiguous, as
    in French: 03/04/2022 is 3 April)."""
    if value is None or not value.strip():
        return DateReading(None)
    text = value.strip()
    day = _read(text) if len(text) <= _MOST_CHARS else None
    if day is None:
        return DateReading(None, f"date {text[:40]!r} is not a date; write it as 2022-03-14")
    return DateReading(day.isoformat())


def stored_day(value: str | None) -> date | None:
    """The day of a date as the index stores it (`publication_date`'s ISO form, maybe with a time),
    or None for no date or anything else: every reader of stored dates parses them here."""
    iso = _ISO_DAY.match(value or "")
    return None if iso is None else _day(*(int(part) for part in iso.groups()))


def _read(text: str) -> date | None:
    if _ISO_DAY.match(text):
        return stored_day(text)
    numeric = _NUMERIC_DAY.match(text)
    if numeric is not None:
        first, second, year = (int(part) for part in numeric.groups())
        return _day(year, second, first) or _day(year, first, second)  # 14/03 is day first; 03/14 cannot be
    if _FULL_YEAR.search(text) is None:
        return None
    moment: datetime | None
    try:
        moment = email.utils.parsedate_to_datetime(text)  # RSS: "Mon, 14 Mar 2022 10:00:00 GMT"
    except (TypeError, ValueError, IndexError):
        moment = _written(text)
    return None if moment is None else moment.date()


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _written(text: str) -> datetime | None:
    """A date in words, in any language dateparser knows ("14 mars 2022", "March 14, 2022")."""
    import dateparser  # only the build reads dates in words; the import takes 0.1 s

    try:
        return dateparser.parse(
            text,
            settings={"DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month", "year"], "STRICT_PARSING": True},
        )
    except (ValueError, OverflowError, TypeError, RecursionError):
        return None
