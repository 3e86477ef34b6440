"""The period a question is about ("en mars 2019", "in 2020", "cette semaine", "hier") and the
periods people type in `--since`/`--until`: pure functions on text and today's date.

Rules rather than a general date parser: a question is full of numbers and words that a lenient
parser takes for dates ("2000 manifestants", "mai" in "mais"); these rules only fire on a month
with its year, a year after a preposition (or ending the question), a written day, and a short list
of relative phrases in French, English, Spanish and German.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from index.text.terms import fold_accents

_MONTHS: dict[str, int] = {}
for _names in (
    "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre",
    "january february march april may june july august september october november december",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "januar februar marz april mai juni juli august september oktober november dezember",
    "jan feb mar apr may jun jul aug sep oct nov dec",
    "janv fevr avr juil sept",
):
    for _number, _name in enumerate(_names.split(), start=1):
        _MONTHS.setdefault(_name, _number)
for _alias, _number in (("maerz", 3), ("janv", 1), ("fevr", 2), ("avr", 4), ("juil", 7), ("sept", 9)):
    _MONTHS[_alias] = _number

_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>1[89]\d\d|20\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:er|st|nd|rd|th|\.)?"

# Each pattern names the groups it reads; the first that matches a stretch of text wins there.
_PATTERNS = [
    re.compile(rf"\b{_DAY}\s+(?:de\s+)?{_MONTH}\s+(?:de\s+|del\s+)?{_YEAR}\b"),  # 14 mars 2022
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b"),  # March 14, 2022
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)\b"),  # 2022-03-14
    re.compile(rf"\b(?P<day>\d{{1,2}})[/.](?P<month>\d{{1,2}})[/.]{_YEAR}\b"),  # 14/03/2022
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d\d)\b(?!-)"),  # 2022-03
    re.compile(rf"\b{_MONTH}\s+(?:de\s+|of\s+|del\s+)?{_YEAR}\b"),  # mars 2019, March 2019
    # A year after a word that makes it a time ("en 2020", "in 2020", "depuis 2020"); never after
    # "de" or "et", which count things ("plus de 2000 morts").
    re.compile(
        rf"\b(?:en|in|im|au|depuis|since|during|pendant|durant|annee|year|jahr|ano|desde|seit|avant"
        rf"|before|vor|antes|apres|after|nach|despues|entre|between|zwischen)"
        rf"\s+(?:l'annee\s+|the\s+year\s+|el\s+ano\s+|dem\s+jahr\s+)?{_YEAR}\b"
    ),
    # The second year of "entre 2019 et 2021".
    re.compile(rf"(?<=\d\d\d\d)\s+(?:et|and|und|y|a|to|bis)\s+{_YEAR}\b"),
    # ... or ending the question ("la coupe du monde 2018 ?"); never "2000 manifestants".
    re.compile(rf"(?<![\d,.])\b{_YEAR}\s*[?!.]*\s*$"),
]

# Phrases relative to today: (unit, how many units back).
_RELATIVE: list[tuple[re.Pattern[str], str, int]] = [
    (re.compile(p), unit, back)
    for p, unit, back in (
        (r"\b(?:avant-hier|avant hier|anteayer|vorgestern|the day before yesterday)\b", "day", 2),
        (r"\b(?:hier|yesterday|ayer|gestern)\b", "day", 1),
        (r"\b(?:aujourd'hui|aujourd hui|today|hoy|heute|ce matin|this morning|ce soir|tonight)\b", "day", 0),
        (
            r"\b(?:la semaine (?:derniere|passee)|last week|la semana pasada|letzte[nr]? woche)\b",
            "week",
            1,
        ),
        (r"\b(?:cette semaine|this week|esta semana|diese[rn]? woche)\b", "week", 0),
        (r"\b(?:le mois (?:dernier|passe)|last month|el mes pasado|letzte[nr]? monat)\b", "month", 1),
        (r"\b(?:ce mois(?:-ci| ci)?|this month|este mes|diese[nr]? monat)\b", "month", 0),
        (
            r"\b(?:l'annee (?:derniere|passee)|l'an (?:dernier|passe)|last year|el ano pasado"
            r"|letzte[sn]? jahr)\b",
            "year",
            1,
        ),
        (r"\b(?:cette annee|this year|este ano|diese[sn]? jahr)\b", "year", 0),
        (r"\b(?:ces derniers jours|these last days|the last few days|the past few days)\b", "days", 7),
    )
]
# A period named after one of these words reaches to today ("depuis mars 2019") or ends before it.
_ARTICLE = r"(?:\s+(?:le|la|l'|the|el|la|dem|den|en|in|im))?"
_SINCE = re.compile(rf"\b(?:depuis|since|desde|seit|a partir de|apres|after|nach|despues de){_ARTICLE}\s*$")
_BEFORE = re.compile(rf"\b(?:avant|before|vor|antes de){_ARTICLE}\s*$")


@dataclass(frozen=True)
class Period:
    """A stretch of days, first and last included; `unit` says how it was named (for its label)."""

    start: date
    end: date
    unit: str = "range"  # "day", "week", "month", "year", or "range" (several, or since/before)

    def holds(self, iso_day: str | None) -> bool:
        """Whether an article's ISO date falls in the period (an undated article never does)."""
        if not iso_day:
            return False
        return self.start.isoformat() <= iso_day[:10] <= self.end.isoformat()


def period_in_question(question: str, today: date) -> Period | None:
    """The period a question names, or None: several dates make one period from the first to the
    last ("entre mars 2019 et juin 2020")."""
    text = fold_accents(question)
    found: list[Period] = []
    taken: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            period = _from_match(match)
            if period is None:
                continue
            taken.append(match.span())
            first = min(match.start(name) for name, value in match.groupdict().items() if value)
            found.append(_open_ended(period, text[:first], today))
    for pattern, unit, back in _RELATIVE:
        phrase = pattern.search(text)
        if phrase is not None and not any(phrase.start() < e and s < phrase.end() for s, e in taken):
            taken.append(phrase.span())
            found.append(_relative(unit, back, today))
    if not found:
        return None
    if len(found) == 1:
        return found[0]
    return Period(min(p.start for p in found), max(p.end for p in found))


def parse_period(text: str, today: date) -> Period:
    """A period typed as an option ("2019", "2019-03", "mars 2019", "14/03/2022", "hier"); raises
    ValueError with a sentence naming the forms understood."""
    period = period_in_question(text.strip(), today) if len(text) <= 60 else None
    if period is None:
        raise ValueError(
            f"{text[:60]!r} is not a date; write a year, a month or a day: 2019, 2019-03 or 2019-03-14"
        )
    return period


class PeriodError(ValueError):
    """A since/until value that is not a date (`value` says which), or since after until."""

    def __init__(self, message: str, value: str | None = None) -> None:
        super().__init__(message)
        self.value = value


def window_between(since: str | None, until: str | None, today: date) -> Period | None:
    """The period of `--since`/`--until` (or /ask's since and until): from the first day of `since`
    to the last day of `until`, either end open; None when neither is given."""
    if not (since or "").strip() and not (until or "").strip():
        return None
    start, end = date.min, date.max
    for value, is_since in ((since, True), (until, False)):
        if value is None or not value.strip():
            continue
        try:
            period = parse_period(value, today)
        except ValueError as error:
            raise PeriodError(str(error), value) from None
        if is_since:
            start = period.start
        else:
            end = period.end
    if start > end:
        raise PeriodError(f"since ({since}) is after until ({until}): nothing was published in between")
    return Period(start, end)


def _from_match(match: re.Match[str]) -> Period | None:
    parts = match.groupdict()
    year = int(parts["year"])
    month_text = parts.get("month")
    if month_text is None:
        return Period(date(year, 1, 1), date(year, 12, 31), "year")
    month = int(month_text) if month_text.isdigit() else _MONTHS[month_text.rstrip(".")]
    day_text = parts.get("day")
    if month > 12 and day_text is not None and month_text.isdigit():  # 03/14/2022: month first
        month, day_text = int(day_text), month_text
    if not 1 <= month <= 12 or not 1800 <= year <= 2999:
        return None
    if day_text is None:
        last = calendar.monthrange(year, month)[1]
        return Period(date(year, month, 1), date(year, month, last), "month")
    try:
        day = date(year, month, int(day_text.rstrip(".")))
    except ValueError:
        return None
    return Period(day, day, "day")


def _open_ended(period: Period, before: str, today: date) -> Period:
    """ "depuis mars 2019" reaches today; "avant 2020" ends the day before 2020."""
    if _SINCE.search(before):
        return Period(period.start, max(today, period.start))
    if _BEFORE.search(before):
        return Period(date.min, period.start - timedelta(days=1))
    return period


def _relative(unit: str, back: int, today: date) -> Period:
    if unit == "day":
        day = today - timedelta(days=back)
        return Period(day, day, "day")
    if unit == "days":
        return Period(today - timedelta(days=back), today)
    if unit == "week":
        monday = today - timedelta(days=today.weekday()) - timedelta(weeks=back)
        return Period(monday, min(today, monday + timedelta(days=6)), "week")
    if unit == "month":
        first = today.replace(day=1)
        for _ in range(back):
            first = (first - timedelta(days=1)).replace(day=1)
        last = date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
        return Period(first, min(today, last), "month")
    year = today.year - back
    return Period(date(year, 1, 1), min(today, date(year, 12, 31)), "year")
