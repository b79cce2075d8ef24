"""Deadline parsing: pure Python, no database or Django settings needed."""

# Russian and Kazakh test texts, not look-alike typos.

from dataclasses import FrozenInstanceError, replace
from datetime import date

import pytest

from rightsmonitor.plans.deadlines import ParsedDeadline, Recurrence, parse_deadline

D = date
EN_DASH, EM_DASH, NBSP = "\u2013", "\u2014", "\u00a0"

# (text, due_date, start_date) for one-off deadlines.
DATED = [
    # English: months
    ("December 2022", D(2022, 12, 31), D(2022, 12, 1)),
    ("december 2022.", D(2022, 12, 31), D(2022, 12, 1)),
    ("February 2024", D(2024, 2, 29), D(2024, 2, 1)),
    ("February 2023", D(2023, 2, 28), D(2023, 2, 1)),
    ("in June of 2023", D(2023, 6, 30), D(2023, 6, 1)),
    ("by December 2022", D(2022, 12, 31), None),
    ("12.2022", D(2022, 12, 31), D(2022, 12, 1)),
    # English: years
    ("2023", D(2023, 12, 31), D(2023, 1, 1)),
    ("2023 year", D(2023, 12, 31), D(2023, 1, 1)),
    ("end of 2023", D(2023, 12, 31), None),
    ("by the end of 2023", D(2023, 12, 31), None),
    ("  By  the End of 2023 .", D(2023, 12, 31), None),
    ("during 2023", D(2023, 12, 31), D(2023, 1, 1)),
    # English: quarters
    ("Q4 2022", D(2022, 12, 31), D(2022, 10, 1)),
    ("q1 2022", D(2022, 3, 31), D(2022, 1, 1)),
    ("Q2 2022", D(2022, 6, 30), D(2022, 4, 1)),
    ("Q3 2022", D(2022, 9, 30), D(2022, 7, 1)),
    ("2022 Q3", D(2022, 9, 30), D(2022, 7, 1)),
    ("4th quarter 2022", D(2022, 12, 31), D(2022, 10, 1)),
    ("IV quarter 2022", D(2022, 12, 31), D(2022, 10, 1)),
    ("fourth quarter of 2022", D(2022, 12, 31), D(2022, 10, 1)),
    ("in the third quarter of 2022", D(2022, 9, 30), D(2022, 7, 1)),
    ("by the end of Q4 2022", D(2022, 12, 31), None),
    # English: halves
    ("first half of 2023", D(2023, 6, 30), D(2023, 1, 1)),
    ("1st half 2023", D(2023, 6, 30), D(2023, 1, 1)),
    ("H1 2023", D(2023, 6, 30), D(2023, 1, 1)),
    ("second half of 2023", D(2023, 12, 31), D(2023, 7, 1)),
    ("2nd half-year 2023", D(2023, 12, 31), D(2023, 7, 1)),
    ("H2 2023", D(2023, 12, 31), D(2023, 7, 1)),
    # English: ranges
    ("2024-2026", D(2026, 12, 31), D(2024, 1, 1)),
    (f"2024{EN_DASH}2026", D(2026, 12, 31), D(2024, 1, 1)),
    (f"2024 {EM_DASH} 2026", D(2026, 12, 31), D(2024, 1, 1)),
    ("2024-26", D(2026, 12, 31), D(2024, 1, 1)),
    # English: exact dates
    ("by 25 January 2022", D(2022, 1, 25), None),
    ("25 January 2022", D(2022, 1, 25), None),
    ("25th of January, 2022", D(2022, 1, 25), None),
    ("January 25, 2022", D(2022, 1, 25), None),
    ("not later than 1 July 2023", D(2023, 7, 1), None),
    ("25.01.2022", D(2022, 1, 25), None),
    ("2022-01-25", D(2022, 1, 25), None),
    ("29 February 2024", D(2024, 2, 29), None),
    # Russian: months, nominative and genitive, all twelve
    ("декабрь 2022 года", D(2022, 12, 31), D(2022, 12, 1)),
    ("декабря 2022 г.", D(2022, 12, 31), D(2022, 12, 1)),
    ("Январь 2023 г.", D(2023, 1, 31), D(2023, 1, 1)),
    ("января 2023 года", D(2023, 1, 31), D(2023, 1, 1)),
    ("февраль 2023 г.", D(2023, 2, 28), D(2023, 2, 1)),
    ("февраля 2024 года", D(2024, 2, 29), D(2024, 2, 1)),
    ("март 2023 года", D(2023, 3, 31), D(2023, 3, 1)),
    ("марта 2023 года", D(2023, 3, 31), D(2023, 3, 1)),
    ("апрель 2023 года", D(2023, 4, 30), D(2023, 4, 1)),
    ("апреля 2023 года", D(2023, 4, 30), D(2023, 4, 1)),
    ("май 2023 года", D(2023, 5, 31), D(2023, 5, 1)),
    ("мая 2023 года", D(2023, 5, 31), D(2023, 5, 1)),
    ("июнь 2023 года", D(2023, 6, 30), D(2023, 6, 1)),
    ("июня 2023 года", D(2023, 6, 30), D(2023, 6, 1)),
    ("июль 2023 года", D(2023, 7, 31), D(2023, 7, 1)),
    ("июля 2023 года", D(2023, 7, 31), D(2023, 7, 1)),
    ("август 2023 года", D(2023, 8, 31), D(2023, 8, 1)),
    ("августа 2023 года", D(2023, 8, 31), D(2023, 8, 1)),
    ("сентябрь 2023 года", D(2023, 9, 30), D(2023, 9, 1)),
    ("сентября 2023 года", D(2023, 9, 30), D(2023, 9, 1)),
    ("октябрь 2023 года", D(2023, 10, 31), D(2023, 10, 1)),
    ("октября 2023 года", D(2023, 10, 31), D(2023, 10, 1)),
    ("ноябрь 2023 года", D(2023, 11, 30), D(2023, 11, 1)),
    ("ноября 2023 года", D(2023, 11, 30), D(2023, 11, 1)),
    ("в декабре 2022 года", D(2022, 12, 31), D(2022, 12, 1)),
    # Russian: years, quarters, halves, ranges
    ("до конца 2023 года", D(2023, 12, 31), None),
    ("2023 год", D(2023, 12, 31), D(2023, 1, 1)),
    ("в течение 2023 года", D(2023, 12, 31), D(2023, 1, 1)),
    ("IV квартал 2022 года", D(2022, 12, 31), D(2022, 10, 1)),
    ("4 квартал 2022 г.", D(2022, 12, 31), D(2022, 10, 1)),
    ("I квартал 2023 г.", D(2023, 3, 31), D(2023, 1, 1)),
    ("\u0406V квартал 2022 г.", D(2022, 12, 31), D(2022, 10, 1)),  # Cyrillic І for Roman I
    ("4-й квартал 2022 года", D(2022, 12, 31), D(2022, 10, 1)),
    ("до конца III квартала 2022 года", D(2022, 9, 30), None),
    ("I полугодие 2023 года", D(2023, 6, 30), D(2023, 1, 1)),
    ("первое полугодие 2023 года", D(2023, 6, 30), D(2023, 1, 1)),
    ("II полугодие 2023 года", D(2023, 12, 31), D(2023, 7, 1)),
    ("во втором полугодии 2023 года", D(2023, 12, 31), D(2023, 7, 1)),
    ("2024-2026 годы", D(2026, 12, 31), D(2024, 1, 1)),
    (f"2024{EN_DASH}2026 гг.", D(2026, 12, 31), D(2024, 1, 1)),
    # Russian: exact dates
    ("до 25 января 2022 года", D(2022, 1, 25), None),
    ("25 января 2022 года", D(2022, 1, 25), None),
    ("не позднее 1 марта 2023 г.", D(2023, 3, 1), None),
    ("25.01.2022 г.", D(2022, 1, 25), None),
    # Kazakh
    ("2022 жылғы желтоқсан", D(2022, 12, 31), D(2022, 12, 1)),
    ("2023 жылғы қаңтар", D(2023, 1, 31), D(2023, 1, 1)),
    ("2023 жылғы ақпан", D(2023, 2, 28), D(2023, 2, 1)),
    ("2023 жылғы наурыз", D(2023, 3, 31), D(2023, 3, 1)),
    ("2023 жылғы сәуір", D(2023, 4, 30), D(2023, 4, 1)),
    ("2023 жылғы мамыр", D(2023, 5, 31), D(2023, 5, 1)),
    ("2023 жылғы маусым", D(2023, 6, 30), D(2023, 6, 1)),
    ("2023 жылғы шілде", D(2023, 7, 31), D(2023, 7, 1)),
    ("2023 жылғы тамыз", D(2023, 8, 31), D(2023, 8, 1)),
    ("2023 жылғы қыркүйек", D(2023, 9, 30), D(2023, 9, 1)),
    ("2023 жылғы қазан", D(2023, 10, 31), D(2023, 10, 1)),
    ("2023 жылғы қараша", D(2023, 11, 30), D(2023, 11, 1)),
    ("2022 жылғы желтоқсанға дейін", D(2022, 12, 31), None),
    ("2023 жылдың соңына дейін", D(2023, 12, 31), None),
    ("2022 жылғы IV тоқсан", D(2022, 12, 31), D(2022, 10, 1)),
    ("2023 жылдың бірінші жартыжылдығы", D(2023, 6, 30), D(2023, 1, 1)),
    ("2024-2026 жылдары", D(2026, 12, 31), D(2024, 1, 1)),
    ("2022 жылғы 25 қаңтар", D(2022, 1, 25), None),
    # Tolerance: non-breaking spaces, doubled spaces, commas, trailing dots
    (f"декабрь{NBSP}2022{NBSP}г.", D(2022, 12, 31), D(2022, 12, 1)),
    ("IV  квартал   2022  года .", D(2022, 12, 31), D(2022, 10, 1)),
    ("December, 2022.", D(2022, 12, 31), D(2022, 12, 1)),
]


@pytest.mark.parametrize(("text", "due", "start"), DATED)
def test_one_off_deadlines(text: str, due: date, start: date | None) -> None:
    result = parse_deadline(text)
    # period_start (what pages write back) is the named window, checked where there is one.
    assert replace(result, period_start=None) == ParsedDeadline(
        text=text,
        due_date=due,
        start_date=start,
        recurrence=Recurrence.NONE,
        recurrence_month=None,
        recurrence_day=None,
        parsed=True,
    )
    if start is not None:
        assert result.period_start == start
    assert not result.needs_review


# (text, recurrence, month, day): recurring work has no single due date.
RECURRING = [
    ("annually, by 25 January", Recurrence.ANNUAL, 1, 25),
    ("every year by January 25", Recurrence.ANNUAL, 1, 25),
    ("Annually, by the 25th of January.", Recurrence.ANNUAL, 1, 25),
    ("by 1 March annually", Recurrence.ANNUAL, 3, 1),
    ("annually", Recurrence.ANNUAL, None, None),
    ("ежегодно, до 25 января", Recurrence.ANNUAL, 1, 25),
    ("ежегодно к 25 января", Recurrence.ANNUAL, 1, 25),
    ("Ежегодно, не позднее 15 июля", Recurrence.ANNUAL, 7, 15),
    ("до 25 января (ежегодно)", Recurrence.ANNUAL, 1, 25),
    ("ежегодно, до 25.01", Recurrence.ANNUAL, 1, 25),
    ("ежегодно", Recurrence.ANNUAL, None, None),
    ("жыл сайын, 25 қаңтарға дейін", Recurrence.ANNUAL, 1, 25),
    ("жыл сайын", Recurrence.ANNUAL, None, None),
    ("annually, by 29 February", Recurrence.ANNUAL, 2, 29),
    ("ongoing", Recurrence.CONTINUOUS, None, None),
    ("Continuously", Recurrence.CONTINUOUS, None, None),
    ("permanently", Recurrence.CONTINUOUS, None, None),
    ("on a regular basis", Recurrence.CONTINUOUS, None, None),
    ("постоянно", Recurrence.CONTINUOUS, None, None),
    ("На постоянной основе.", Recurrence.CONTINUOUS, None, None),
    ("тұрақты", Recurrence.CONTINUOUS, None, None),
    ("тұрақты негізде", Recurrence.CONTINUOUS, None, None),
    ("quarterly", Recurrence.QUARTERLY, None, None),
    (
        "quarterly, by the 5th day of the month following the quarter",
        Recurrence.QUARTERLY,
        None,
        None,
    ),
    ("ежеквартально", Recurrence.QUARTERLY, None, None),
    (
        "ежеквартально, до 5 числа месяца, следующего за отчетным кварталом",
        Recurrence.QUARTERLY,
        None,
        None,
    ),
    ("тоқсан сайын", Recurrence.QUARTERLY, None, None),
    ("semi-annually", Recurrence.HALF_YEARLY, None, None),
    (f"semi{EN_DASH}annually", Recurrence.HALF_YEARLY, None, None),
    ("twice a year", Recurrence.HALF_YEARLY, None, None),
    ("раз в полугодие", Recurrence.HALF_YEARLY, None, None),
    ("два раза в год", Recurrence.HALF_YEARLY, None, None),
    ("monthly", Recurrence.MONTHLY, None, None),
    ("ежемесячно", Recurrence.MONTHLY, None, None),
    ("ай сайын", Recurrence.MONTHLY, None, None),
]


@pytest.mark.parametrize(("text", "recurrence", "month", "day"), RECURRING)
def test_recurring_deadlines(
    text: str, recurrence: Recurrence, month: int | None, day: int | None
) -> None:
    result = parse_deadline(text)
    assert result == ParsedDeadline(
        text=text,
        due_date=None,
        start_date=None,
        recurrence=recurrence,
        recurrence_month=month,
        recurrence_day=day,
        parsed=True,
    )


UNPARSED = [
    "after adoption of the law",
    "после принятия закона",
    "",
    "   ",
    "2022-13",
    "2026-2024",
    "31 February 2022",
    "31.02.2022",
    "Q5 2022",
    "V квартал 2022 года",
    "III полугодие 2023 года",
    "13.2022",
    "by 25 January",  # no year and no recurrence: ambiguous
    "annually, by 31 April",
    "ongoing, until 2026",
    "quarterly, 2023-2025",
    "December",
    "258",
    "1 квартал",
    "maybe 2022",
]


@pytest.mark.parametrize("text", UNPARSED)
def test_unparsed_text_is_kept_and_flagged(text: str) -> None:
    result = parse_deadline(text, reference_year=2024)
    assert result == ParsedDeadline(
        text=text,
        due_date=None,
        start_date=None,
        recurrence=Recurrence.NONE,
        recurrence_month=None,
        recurrence_day=None,
        parsed=False,
    )
    assert result.needs_review


@pytest.mark.parametrize(
    ("text", "reference_year", "due"),
    [
        ("annually, by 25 January", 2024, D(2024, 1, 25)),
        ("ежегодно, до 25 декабря", 2023, D(2023, 12, 25)),
        ("жыл сайын, 25 қаңтарға дейін", 2030, D(2030, 1, 25)),
        ("annually, by 29 February", 2024, D(2024, 2, 29)),
        ("annually, by 29 February", 2023, D(2023, 2, 28)),  # no 29th: the month's last day
        ("annually", 2024, None),  # no day to date
        ("quarterly", 2024, None),
        ("annually, by 25 January", None, None),
    ],
)
def test_reference_year_dates_annual_recurrence(
    text: str, reference_year: int | None, due: date | None
) -> None:
    result = parse_deadline(text, reference_year=reference_year)
    assert result.parsed
    assert result.due_date == due


def test_reference_year_does_not_change_one_off_deadlines() -> None:
    assert parse_deadline("Q4 2022", reference_year=2030).due_date == D(2022, 12, 31)


def test_out_of_range_reference_year_does_not_raise() -> None:
    result = parse_deadline("annually, by 25 January", reference_year=0)
    assert result.parsed
    assert result.due_date is None
    assert (result.recurrence_month, result.recurrence_day) == (1, 25)


@pytest.mark.parametrize(
    "text",
    [
        f"  IV{NBSP}квартал 2022 г.  ",
        f"2024{EN_DASH}2026 ГОДЫ",
        "Ежегодно,  до 25 ЯНВАРЯ.",
        "after\tadoption of the law\n",
    ],
)
def test_text_is_preserved_byte_for_byte(text: str) -> None:
    assert parse_deadline(text).text.encode() == text.encode()


def test_recurrence_values_are_the_stored_strings() -> None:
    assert [r.value for r in Recurrence] == [
        "none",
        "annual",
        "half_yearly",
        "quarterly",
        "monthly",
        "continuous",
    ]
    assert Recurrence("half_yearly") is Recurrence.HALF_YEARLY
    assert f"{Recurrence.QUARTERLY}" == "quarterly"  # StrEnum: stores as its value


def test_result_is_immutable() -> None:
    result = parse_deadline("Q4 2022")
    with pytest.raises(FrozenInstanceError):
        result.due_date = None  # type: ignore[misc]
