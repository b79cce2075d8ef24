"""Deadlines written in the reader's language.

Plans store a deadline as written ("I полугодие 2023 года"); pages, exports and the API show
it from its parsed form, so a Kazakh reader sees "2023 жылдың бірінші жартыжылдығы" whatever
language the plan was written in. Text the parser does not read is shown as written.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from django.utils import translation
from django.utils.dates import MONTHS, MONTHS_ALT
from django.utils.translation import pgettext

from rightsmonitor.core.translation import active_language, long_date
from rightsmonitor.plans.deadlines import ParsedDeadline, Recurrence, parse_deadline

# Kazakh month names in the nominative and the dative ("25 қаңтарға дейін"): the dative ending
# follows vowel harmony, which no format string can do, and Django's names are capitalised.
_KAZAKH_MONTHS = (
    ("қаңтар", "қаңтарға"),
    ("ақпан", "ақпанға"),
    ("наурыз", "наурызға"),
    ("сәуір", "сәуірге"),
    ("мамыр", "мамырға"),
    ("маусым", "маусымға"),
    ("шілде", "шілдеге"),
    ("тамыз", "тамызға"),
    ("қыркүйек", "қыркүйекке"),
    ("қазан", "қазанға"),
    ("қараша", "қарашаға"),
    ("желтоқсан", "желтоқсанға"),
)


@lru_cache(maxsize=4096)
def _parse(text: str) -> ParsedDeadline:
    return parse_deadline(text)


def _month_name(month: int) -> str:
    """The month alone ("December", "декабрь", "желтоқсан")."""
    language = active_language()
    if language == "kk":
        return _KAZAKH_MONTHS[month - 1][0]
    name = str(MONTHS[month])
    return name.lower() if language == "ru" else name


def _day_of_month(month: int, day: int) -> str:
    """A day that "by" introduces: "25 January", "25 января", "25 қаңтарға"."""
    language = active_language()
    if language == "kk":
        return f"{day} {_KAZAKH_MONTHS[month - 1][1]}"
    if language == "ru":
        return f"{day} {MONTHS_ALT[month]}"
    return f"{day} {MONTHS[month]}"


def _by_date(day: date) -> str:
    if active_language() == "kk":
        written = f"{day.year} жылғы {_day_of_month(day.month, day.day)}"
    else:
        written = long_date(day)
    return pgettext("deadline", "by %(date)s") % {"date": written}


def _period(start: date, due: date, *, deadline: bool) -> str | None:
    months = (due.year - start.year) * 12 + due.month - start.month + 1
    year = due.year
    if months == 1:
        return pgettext("deadline", "%(month)s %(year)s") % {
            "month": _month_name(due.month),
            "year": year,
        }
    if months == 3:
        quarters = {
            3: pgettext("deadline", "first quarter of %(year)s"),
            6: pgettext("deadline", "second quarter of %(year)s"),
            9: pgettext("deadline", "third quarter of %(year)s"),
            12: pgettext("deadline", "fourth quarter of %(year)s"),
        }
        return quarters[due.month] % {"year": year}
    if months == 6:
        if due.month == 6:
            return pgettext("deadline", "first half of %(year)s") % {"year": year}
        return pgettext("deadline", "second half of %(year)s") % {"year": year}
    if months == 12 and start.month == 1:
        if deadline:
            return pgettext("deadline", "by the end of %(year)s") % {"year": year}
        return pgettext("deadline", "%(year)s") % {"year": year}
    if start.month == 1 and due.month == 12:
        return pgettext("deadline", "%(first)s–%(last)s") % {"first": start.year, "last": year}
    return None


def _recurring(parsed: ParsedDeadline) -> str:
    if parsed.recurrence is Recurrence.ANNUAL:
        if parsed.recurrence_month and parsed.recurrence_day:
            day = _day_of_month(parsed.recurrence_month, parsed.recurrence_day)
            return pgettext("deadline", "annually, by %(day)s") % {"day": day}
        return pgettext("deadline", "annually")
    return {
        Recurrence.HALF_YEARLY: pgettext("deadline", "twice a year"),
        Recurrence.QUARTERLY: pgettext("deadline", "quarterly"),
        Recurrence.MONTHLY: pgettext("deadline", "monthly"),
        Recurrence.CONTINUOUS: pgettext("deadline", "ongoing"),
    }[parsed.recurrence]


def deadline_label(text: str | None, *, language: str | None = None) -> str:
    """The deadline ``text`` as the reader's language (or ``language``) writes it."""
    if not text:
        return ""
    if language is not None:
        with translation.override(language):
            return deadline_label(text)
    parsed = _parse(text)
    if not parsed.parsed:
        return text
    if parsed.recurrence is not Recurrence.NONE:
        return _recurring(parsed)
    if parsed.due_date is None:
        return text
    if parsed.period_start is None:
        return _by_date(parsed.due_date)
    label = _period(parsed.period_start, parsed.due_date, deadline=parsed.start_date is None)
    return label or text


__all__ = ["deadline_label"]
