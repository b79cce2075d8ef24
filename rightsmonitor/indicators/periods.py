"""Observation periods: read from files and forms, written back the same way.

Accepted forms (SDMX ``TIME_PERIOD`` and what statistics offices type):

- a year: ``2022``
- a quarter: ``2022-Q1``, ``2022Q1``, ``Q1 2022``
- a half-year: ``2022-S1`` (stored as a date range)
- a month: ``2022-03``, ``2022-M03``
- a date range: ``2022-01-01/2022-06-30`` (ISO 8601 interval of dates)

``format_period`` writes the canonical SDMX form, so an export reads back to the same period.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from rightsmonitor.indicators.models import PeriodType


class PeriodError(ValueError):
    """The text is not a period this module reads; the message says what is accepted."""


@dataclass(frozen=True)
class Period:
    type: str
    start: date
    end: date

    @property
    def label(self) -> str:
        return format_period(self.type, self.start, self.end)

    @property
    def year(self) -> int:
        return self.start.year


_YEAR = re.compile(r"^(\d{4})(?:\.0)?$")  # "2022.0": a year typed into a number cell
_QUARTER = re.compile(r"^(?:(\d{4})\s*-?\s*Q([1-4])|Q([1-4])\s+(\d{4}))$", re.IGNORECASE)
_HALF = re.compile(r"^(\d{4})-?S([12])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-M?(\d{1,2})$", re.IGNORECASE)
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*/\s*(\d{4}-\d{2}-\d{2})$")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_period(text: str | int | float) -> Period:
    raw = str(text).strip()
    if match := _YEAR.match(raw):
        year = int(match.group(1))
        return Period(PeriodType.YEAR, date(year, 1, 1), date(year, 12, 31))
    if match := _QUARTER.match(raw):
        year = int(match.group(1) or match.group(4))
        quarter = int(match.group(2) or match.group(3))
        first = 3 * quarter - 2
        return Period(PeriodType.QUARTER, date(year, first, 1), _month_end(year, first + 2))
    if match := _HALF.match(raw):
        year, half = int(match.group(1)), int(match.group(2))
        first = 1 if half == 1 else 7
        return Period(PeriodType.RANGE, date(year, first, 1), _month_end(year, first + 5))
    if (match := _MONTH.match(raw)) and 1 <= int(match.group(2)) <= 12:
        year, month = int(match.group(1)), int(match.group(2))
        return Period(PeriodType.MONTH, date(year, month, 1), _month_end(year, month))
    if match := _RANGE.match(raw):
        try:
            start, end = date.fromisoformat(match.group(1)), date.fromisoformat(match.group(2))
        except ValueError as exc:
            raise PeriodError(
                _("“%(text)s” holds a date that does not exist.") % {"text": raw}
            ) from exc
        if end < start:
            raise PeriodError(_("The period “%(text)s” ends before it starts.") % {"text": raw})
        return _normalised(start, end)
    raise PeriodError(
        _(
            "“%(text)s” is not a period: write a year (2022), a quarter (2022-Q1), a month "
            "(2022-03) or two dates (2022-01-01/2022-06-30)."
        )
        % {"text": raw}
    )


def _normalised(start: date, end: date) -> Period:
    """A range that is exactly a year, quarter or month is stored as one."""
    if start.day == 1 and end == _month_end(end.year, end.month) and start.year == end.year:
        months = end.month - start.month + 1
        if months == 12:
            return Period(PeriodType.YEAR, start, end)
        if months == 3 and start.month % 3 == 1:
            return Period(PeriodType.QUARTER, start, end)
        if months == 1:
            return Period(PeriodType.MONTH, start, end)
    return Period(PeriodType.RANGE, start, end)


def format_period(period_type: str, start: date, end: date) -> str:
    if period_type == PeriodType.YEAR:
        return f"{start.year}"
    if period_type == PeriodType.QUARTER:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if period_type == PeriodType.MONTH:
        return f"{start.year}-{start.month:02d}"
    return f"{start.isoformat()}/{end.isoformat()}"
