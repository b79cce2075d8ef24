"""Parse the free-text deadlines of human rights action plans.

Action plans (e.g. Kazakhstan's Government Decree No. 258 of 28 April 2022) give each
action's deadline as prose in Russian, Kazakh or English. ``parse_deadline`` turns it into
a due date and, where it has one, a recurrence. Text it does not recognise comes back with
``parsed=False`` so that a coordinator reads it: the parser never guesses.

Matching ignores case, extra and non-breaking spaces, commas, trailing dots, the kind of
dash, and year words after a year ("г.", "гг.", "год", "года", "годы", "year", "жылғы",
"жылдың", "жылдары"). Supported forms, by example:

* Year: "2023", "2023 год", "end of 2023", "by the end of 2023", "до конца 2023 года",
  "2023 жылдың соңына дейін" -> 31 Dec 2023.
* Year range: "2024-2026", "2024–2026 годы", "2024-26" -> 1 Jan 2024 to 31 Dec 2026.
* Half year: "first half of 2023", "1st half 2023", "H1 2023", "I полугодие 2023 года",
  "первое полугодие 2023 года", "2023 жылдың бірінші жартыжылдығы" -> 30 Jun 2023;
  the second half ("second half of 2023", "II полугодие") -> 31 Dec.
* Quarter: "Q4 2022", "4th quarter 2022", "IV quarter 2022", "fourth quarter of 2022",
  "IV квартал 2022 года", "4 квартал 2022 г.", "2022 жылғы IV тоқсан" -> 31 Dec 2022.
* Month: "December 2022", "декабрь 2022 года", "декабря 2022 г.", "12.2022",
  "2022 жылғы желтоқсан" -> 31 Dec 2022.
* Date: "25 January 2022", "January 25, 2022", "by 25 January 2022", "25.01.2022",
  "2022-01-25", "до 25 января 2022 года", "2022 жылғы 25 қаңтар" -> 25 Jan 2022.
* Annual: "annually", "every year by January 25", "annually, by 25 January",
  "ежегодно, до 25 января", "ежегодно к 25 января", "жыл сайын, 25 қаңтарға дейін".
* Other recurrences: "quarterly", "ежеквартально", "тоқсан сайын"; "semi-annually",
  "twice a year", "раз в полугодие"; "monthly", "ежемесячно", "ай сайын". A trailing
  "by the 5th day of ..." is accepted and dropped: the day is relative to the period.
* Continuous: "ongoing", "continuously", "permanently", "on a regular basis", "постоянно",
  "на постоянной основе", "тұрақты".

Leading "by", "until", "no later than", "end of", "до", "к", "не позднее", "до конца" and
trailing Kazakh "дейін", "соңына" mark a deadline; "in", "during", "в", "в течение",
"ішінде" mark a window. A period read as a window has a start date ("Q4 2022" starts on
1 Oct 2022); a deadline has none ("by the end of Q4 2022").
"""

# Russian and Kazakh words are the point of this module, not look-alike typos.

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeAlias


class Recurrence(StrEnum):
    """How often an action falls due; the values are stored in the database."""

    NONE = "none"
    ANNUAL = "annual"
    HALF_YEARLY = "half_yearly"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"
    CONTINUOUS = "continuous"


@dataclass(frozen=True)
class ParsedDeadline:
    text: str  # the original text, unchanged, so nothing is lost when parsing fails
    due_date: date | None  # last day by which the action is due
    start_date: date | None  # first day of the window, when the text names a window
    recurrence: Recurrence
    recurrence_month: int | None  # "annually, by 25 January" -> 1 ...
    recurrence_day: int | None  # ... and 25
    parsed: bool  # False: keep the text and flag it for a coordinator
    # The period the text names ("first half of 2023": 1 Jan 2023), even when a deadline word
    # ("by the end of") drops it from start_date: pages write the period back from it.
    period_start: date | None = None

    @property
    def needs_review(self) -> bool:
        """Unparsed text goes to a person rather than being guessed at."""
        return not self.parsed


@dataclass(frozen=True)
class _Parts:
    """What a handler read from the text, before the caller's context is applied."""

    due: date | None = None
    start: date | None = None
    recurrence: Recurrence = Recurrence.NONE
    month: int | None = None
    day: int | None = None


_Handler: TypeAlias = Callable[[re.Match[str]], _Parts | None]


def _alternation(words: Iterable[str]) -> str:
    # Longest first, so "в течение" wins over "в" and "sept" over "sep".
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


# --- Vocabulary, built once -------------------------------------------------------------

# One line per month: English (full and short), Russian (nominative, genitive, prepositional),
# Kazakh (stem; case endings are matched by _KAZAKH_ENDING).
_MONTH_FORMS = (
    "january jan январь января январе қаңтар",
    "february feb февраль февраля феврале ақпан",
    "march mar март марта марте наурыз",
    "april apr апрель апреля апреле сәуір",
    "may май мая мае мамыр",
    "june jun июнь июня июне маусым",
    "july jul июль июля июле шілде",
    "august aug август августа августе тамыз",
    "september sep sept сентябрь сентября сентябре қыркүйек",
    "october oct октябрь октября октябре қазан",
    "november nov ноябрь ноября ноябре қараша",
    "december dec декабрь декабря декабре желтоқсан",
)
_MONTHS = {form: n for n, forms in enumerate(_MONTH_FORMS, 1) for form in forms.split()}
_KAZAKH_ENDING = r"(?:-?(?:ға|ге|қа|ке|ның|нің|дың|дің|тың|тің|нда|нде|да|де|та|те|сы|сі|ы|і))?"

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
# Stems, because Russian ordinals decline ("первое", "втором", "четвертого").
_ORDINAL_STEMS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "перв": 1,
    "втор": 2,
    "трет": 3,
    "четверт": 4,
    "бірінші": 1,
    "екінші": 2,
    "үшінші": 3,
    "төртінші": 4,
}

# Words that say "by this time"; a period they introduce is a deadline, not a window.
_DEADLINE_WORDS = frozenset(
    {
        "by",
        "until",
        "till",
        "up to",
        "no later than",
        "not later than",
        "end of",
        "до",
        "к",
        "ко",
        "не позднее",
        "не позже",
        "в срок",
        "срок",
        "конца",
        "концу",
        "конец",
        "окончания",
        "дейін",
        "соңына",
        "соңында",
        "соңы",
        "аяғына",
        "аяғында",
    }
)
# Words that carry no date information; they are dropped without marking a deadline.
_WINDOW_WORDS = frozenset(
    {
        "in",
        "during",
        "within",
        "throughout",
        "the",
        "of",
        "в",
        "во",
        "в течение",
        "на протяжении",
        "ішінде",
        "бойы",
    }
)
_FILLERS = _alternation(_DEADLINE_WORDS | _WINDOW_WORDS)
_LEADING_FILLER = re.compile(rf"(?P<word>{_FILLERS})(?:\s+|$)")
_TRAILING_FILLER = re.compile(rf"(?:^|\s+)(?P<word>{_FILLERS})$")

# Regex fragments per recurrence. Order matters only in _PATTERNS below.
_RECURRENCE_PHRASES = {
    Recurrence.CONTINUOUS: (
        r"on-?going|continuous(?:ly)?|continually|permanent(?:ly)?|constantly|regularly",
        r"on an? (?:regular|permanent|continuous|continuing|ongoing|systematic) basis",
        r"постоянно|регулярно|систематически|в постоянном режиме",
        r"на (?:постоянной|регулярной|систематической) основе",
        r"тұрақты(?: негізде| түрде)?|үнемі|ұдайы|жүйелі түрде",
    ),
    Recurrence.ANNUAL: (
        r"annually|yearly|(?:every|each) year|once (?:a|per) year",
        r"ежегодно|каждый год|(?:один )?раз в год",
        r"жыл сайын|жылына бір рет",
    ),
    Recurrence.HALF_YEARLY: (
        r"semi-?\s?annually|half-?\s?yearly|twice (?:a|per) year|every (?:six|6) months",
        r"every half-?\s?year",
        r"(?:один )?раз в (?:полугодие|полгода|пол года)|каждое полугодие",
        r"(?:два раза|дважды) в год|полугодично",
        r"жарты жылда бір рет|жылына екі рет",
    ),
    Recurrence.QUARTERLY: (
        r"quarterly|(?:every|each) quarter|once (?:a|per) quarter",
        r"ежеквартально|каждый квартал|(?:один )?раз в квартал",
        r"тоқсан сайын|тоқсанына бір рет",
    ),
    Recurrence.MONTHLY: (
        r"monthly|(?:every|each) month|once (?:a|per) month",
        r"ежемесячно|каждый месяц|(?:один )?раз в месяц",
        r"ай сайын|айына бір рет",
    ),
}

# --- Regex fragments --------------------------------------------------------------------

_YEAR = r"(?P<year>(?:19|20)\d\d)"  # four digits only: a bare "258" is a decree number
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_MONTH = rf"(?P<month>{_alternation(_MONTHS)}){_KAZAKH_ENDING}\.?"
_MONTH_NUMBER = r"(?P<month>\d{1,2})"
_ORDINAL = (
    rf"(?P<ord>\d|[ivx]+|(?:{_alternation(_ORDINAL_STEMS)})\w*)"
    r"(?:st|nd|rd|th|-?(?:й|го|ый|ий|ой|е|ое|ші|шы|ы|і))?"
)
_UNIT = r"(?P<unit>quarter|кварта\w*|тоқсан\w*|half(?:[\s-]?year)?|полугоди\w*|жарты\s?жыл\w*)"
_OF = r"\s+(?:of\s+)?"

# Day and month without a year: the date of an annual recurrence.
_DAY_MONTH_FORMS = (
    rf"{_DAY}{_OF}{_MONTH}",
    rf"{_MONTH}\s+{_DAY}",
    rf"{_DAY}\.{_MONTH_NUMBER}",
)
_DAY_MONTH = [re.compile(form) for form in _DAY_MONTH_FORMS]
# What may follow "quarterly"/"monthly": "(by) the 5th day of ...", but not a year.
_DAY_OF_PERIOD = re.compile(r"(?!.*\d{4})\d{1,2}(?!\d)")

# --- Normalisation ----------------------------------------------------------------------

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_PUNCTUATION = re.compile(r"[,;:()]")
_SPACES = re.compile(r"\s+")  # \s covers non-breaking and other Unicode spaces
_YEAR_SUFFIX = re.compile(
    r"(?<=\d{4})\s*(?:годы|годов|года|году|год|гг|г|жылғы|жылдың|жылдары|жылы|жыл|years?)"
    r"(?!\w)\.?"
)
_YEAR_PREFIX = re.compile(r"(?<![\w-])years?\s+(?=\d{4})")  # "year 2023", not "half-year 2023"
# Kazakh and Russian texts often type the Roman I with the Cyrillic "і".
_ROMAN_NUMERAL = re.compile(r"(?<!\w)[ivxі]+(?!\w)")


def _normalise(text: str) -> str:
    s = _DASHES.sub("-", text.lower().replace("ё", "е"))
    s = _SPACES.sub(" ", _PUNCTUATION.sub(" ", s))
    s = _YEAR_PREFIX.sub("", _YEAR_SUFFIX.sub("", s))
    s = _ROMAN_NUMERAL.sub(lambda m: m[0].replace("і", "i"), s)
    return _SPACES.sub(" ", s).strip(" .")


def _strip_fillers(s: str) -> tuple[str, bool]:
    """Drop leading and trailing filler words; report whether one of them set a deadline."""
    deadline = False
    while match := _LEADING_FILLER.match(s):
        deadline |= match["word"] in _DEADLINE_WORDS
        s = s[match.end() :]
    while match := _TRAILING_FILLER.search(s):
        deadline |= match["word"] in _DEADLINE_WORDS
        s = s[: match.start()]
    return s, deadline


# --- Helpers shared by the handlers -----------------------------------------------------


def _safe_date(year: int, month: int, day: int) -> date | None:
    # Texts like "31 February 2022" must be flagged, not raise.
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _period(year: int, index: int, parts: int) -> _Parts | None:
    """The index-th of ``parts`` equal slices of a year: 12 months, 4 quarters, 2 halves, 1."""
    if not 1 <= index <= parts:
        return None  # "Q5", "III полугодие", month 13
    months = 12 // parts
    last = index * months
    return _Parts(start=date(year, last - months + 1, 1), due=_month_end(year, last))


def _month_number(token: str) -> int:
    return int(token) if token.isdigit() else _MONTHS[token]


def _ordinal(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    if token in _ROMAN:
        return _ROMAN[token]
    return next((n for stem, n in _ORDINAL_STEMS.items() if token.startswith(stem)), None)


# --- Handlers: a regex match in, the parts it names out (None: not a valid deadline) -----


def _year(match: re.Match[str]) -> _Parts | None:
    return _period(int(match["year"]), 1, 1)


def _year_range(match: re.Match[str]) -> _Parts | None:
    first, last = int(match["year"]), int(match["end"])
    if last < 100:  # "2024-26"
        last += first - first % 100
    if last < first:  # also rejects "2022-13", which is no range and no month
        return None
    return _Parts(start=date(first, 1, 1), due=date(last, 12, 31))


def _month(match: re.Match[str]) -> _Parts | None:
    return _period(int(match["year"]), _month_number(match["month"]), 12)


def _part_of_year(match: re.Match[str]) -> _Parts | None:
    index = _ordinal(match["ord"])
    parts = 4 if match["unit"].startswith(("q", "кв", "тоқ")) else 2
    return None if index is None else _period(int(match["year"]), index, parts)


def _exact_date(match: re.Match[str]) -> _Parts | None:
    due = _safe_date(int(match["year"]), _month_number(match["month"]), int(match["day"]))
    return None if due is None else _Parts(due=due)


def _annual_date(text: str) -> _Parts | None:
    for pattern in _DAY_MONTH:
        if match := pattern.fullmatch(text):
            month, day = _month_number(match["month"]), int(match["day"])
            # A leap year, so that "29 February" is accepted as a recurring date.
            if _safe_date(2000, month, day) is None:
                return None
            return _Parts(recurrence=Recurrence.ANNUAL, month=month, day=day)
    return None


def _recurring(recurrence: Recurrence) -> _Handler:
    def handle(match: re.Match[str]) -> _Parts | None:
        rest = match["rest"]
        if not rest:
            return _Parts(recurrence=recurrence)
        rest, _ = _strip_fillers(rest)
        if recurrence is Recurrence.ANNUAL:
            return _annual_date(rest)
        if recurrence is not Recurrence.CONTINUOUS and _DAY_OF_PERIOD.match(rest):
            # "quarterly, by the 5th day of the following month": the day is relative to
            # each period, so there is no calendar date to store.
            return _Parts(recurrence=recurrence)
        return None

    return handle


def _table(handler: _Handler, *forms: str) -> list[tuple[re.Pattern[str], _Handler]]:
    return [(re.compile(form), handler) for form in forms]


# Tried in order against the whole normalised text; the first handler that returns parts wins.
_PATTERNS: list[tuple[re.Pattern[str], _Handler]] = [
    *(
        entry
        for recurrence, phrases in _RECURRENCE_PHRASES.items()
        for entry in _table(
            _recurring(recurrence),
            rf"(?:{'|'.join(phrases)})(?:\s+(?P<rest>.+))?",  # "annually, by 25 January"
            rf"(?P<rest>.+?)\s+(?:{'|'.join(phrases)})",  # "до 25 января ежегодно"
        )
    ),
    *_table(_year_range, rf"{_YEAR}\s*-\s*(?P<end>(?:19|20)\d\d|\d\d)"),
    *_table(
        _exact_date,
        *(rf"{form}\s+{_YEAR}" for form in _DAY_MONTH_FORMS[:2]),
        rf"{_YEAR}\s+{_DAY}\s+{_MONTH}",
        rf"{_DAY}\.{_MONTH_NUMBER}\.{_YEAR}",
        rf"{_YEAR}-{_MONTH_NUMBER}-(?P<day>\d{{1,2}})",
    ),
    *_table(_month, rf"{_MONTH}{_OF}{_YEAR}", rf"{_YEAR}\s+{_MONTH}", rf"{_MONTH_NUMBER}\.{_YEAR}"),
    *_table(
        _part_of_year,
        rf"{_ORDINAL}[\s-]*{_UNIT}{_OF}(?:the\s+)?{_YEAR}",
        rf"{_YEAR}\s+{_ORDINAL}[\s-]*{_UNIT}",
        rf"(?P<unit>[qh])\s*(?P<ord>\d){_OF}{_YEAR}",
        rf"{_YEAR}\s*(?P<unit>[qh])(?P<ord>\d)",
    ),
    *_table(_year, _YEAR),
]


def parse_deadline(text: str, *, reference_year: int | None = None) -> ParsedDeadline:
    """Read a deadline; ``reference_year`` dates the occurrence of an annual recurrence."""
    core, is_deadline = _strip_fillers(_normalise(text))
    for pattern, handler in _PATTERNS:
        match = pattern.fullmatch(core)
        parts = handler(match) if match else None
        if parts is None:
            continue
        due = parts.due
        if parts.month is not None and parts.day is not None and reference_year is not None:
            # The first occurrence in the reference year; 29 February falls back to the 28th.
            last_day = calendar.monthrange(reference_year, parts.month)[1]
            due = _safe_date(reference_year, parts.month, min(parts.day, last_day))
        return ParsedDeadline(
            text=text,
            due_date=due,
            start_date=None if is_deadline else parts.start,
            recurrence=parts.recurrence,
            recurrence_month=parts.month,
            recurrence_day=parts.day,
            parsed=True,
            period_start=parts.start,
        )
    return ParsedDeadline(
        text=text,
        due_date=None,
        start_date=None,
        recurrence=Recurrence.NONE,
        recurrence_month=None,
        recurrence_day=None,
        parsed=False,
    )
