"""The columns of a plan table as governments publish it, in the words they use.

``No. | Action | Form of completion | Deadline | Responsible agencies`` plus the optional
``Expected result``, ``Description`` and ``Themes``. Header labels are part of the exchange
format, not interface text: the exporter writes exactly these labels and the importer reads
them (and the other wordings below) back, so they are not passed through gettext.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from enum import StrEnum


class Column(StrEnum):
    NUMBER = "number"
    ACTION = "action"
    FORM = "form_of_completion"
    DEADLINE = "deadline"
    AGENCIES = "agencies"
    EXPECTED_RESULT = "expected_result"
    DESCRIPTION = "description"
    THEMES = "themes"


STANDARD_COLUMNS = (Column.NUMBER, Column.ACTION, Column.FORM, Column.DEADLINE, Column.AGENCIES)
EXTRA_COLUMNS = (Column.EXPECTED_RESULT, Column.DESCRIPTION, Column.THEMES)
REQUIRED_COLUMNS = (Column.ACTION, Column.DEADLINE, Column.AGENCIES)
HEADER_SCAN_ROWS = 20  # the header row is looked for among the first non-empty rows

# What the exporter writes, per language; the first alias of each column below.
HEADER_LABELS: dict[str, dict[Column, str]] = {
    "en": {
        Column.NUMBER: "No.",
        Column.ACTION: "Action",
        Column.FORM: "Form of completion",
        Column.DEADLINE: "Deadline",
        Column.AGENCIES: "Responsible agencies",
        Column.EXPECTED_RESULT: "Expected result",
        Column.DESCRIPTION: "Description",
        Column.THEMES: "Themes",
    },
    "ru": {
        Column.NUMBER: "№ п/п",
        Column.ACTION: "Наименование мероприятия",
        Column.FORM: "Форма завершения",
        Column.DEADLINE: "Срок исполнения",
        Column.AGENCIES: "Ответственные исполнители",
        Column.EXPECTED_RESULT: "Ожидаемый результат",
        Column.DESCRIPTION: "Описание",
        Column.THEMES: "Темы",
    },
    "kk": {
        Column.NUMBER: "№",
        Column.ACTION: "Іс-шара атауы",
        Column.FORM: "Аяқтау нысаны",
        Column.DEADLINE: "Орындау мерзімі",
        Column.AGENCIES: "Жауапты орындаушылар",
        Column.EXPECTED_RESULT: "Күтілетін нәтиже",
        Column.DESCRIPTION: "Сипаттама",
        Column.THEMES: "Тақырыптар",
    },
}

# Other wordings seen in published plans. Matching ignores case, punctuation and spacing.
_ALIASES: dict[Column, tuple[str, ...]] = {
    Column.NUMBER: (
        "No",
        "Nº",
        "#",
        "N",
        "Nr",
        "Number",
        "№",
        "№ п/п",
        "п/п",
        "№ р/с",
        "р/с",
        "№ р/н",
    ),
    Column.ACTION: (
        "Action",
        "Actions",
        "Measure",
        "Measures",
        "Activity",
        "Activities",
        "Наименование мероприятия",
        "Наименование мероприятий",
        "Мероприятие",
        "Мероприятия",
        "Іс-шара атауы",
        "Іс-шараның атауы",
        "Іс-шара",
        "Іс-шаралар",
    ),
    Column.FORM: (
        "Form of completion",
        "Completion form",
        "Form of implementation",
        "Форма завершения",
        "Форма завершения мероприятия",
        "Аяқтау нысаны",
    ),
    Column.DEADLINE: (
        "Deadline",
        "Deadlines",
        "Timeframe",
        "Time frame",
        "Due date",
        "Срок исполнения",
        "Сроки исполнения",
        "Срок",
        "Сроки",
        "Срок выполнения",
        "Орындау мерзімі",
        "Орындау мерзімдері",
        "Мерзімі",
        "Мерзім",
    ),
    Column.AGENCIES: (
        "Responsible agencies",
        "Responsible agency",
        "Responsible executors",
        "Responsible executor",
        "Responsible",
        "Responsible bodies",
        "Ответственные исполнители",
        "Ответственный исполнитель",
        "Ответственные за исполнение",
        "Жауапты орындаушылар",
        "Жауапты орындаушы",
        "Орындауға жауаптылар",
    ),
    Column.EXPECTED_RESULT: (
        "Expected result",
        "Expected results",
        "Ожидаемый результат",
        "Ожидаемые результаты",
        "Күтілетін нәтиже",
        "Күтілетін нәтижелер",
    ),
    Column.DESCRIPTION: ("Description", "Описание", "Сипаттама"),
    Column.THEMES: ("Themes", "Theme", "Темы", "Тема", "Тақырыптар", "Тақырып"),
}

_NOT_WORD = re.compile(r"[^\w№#]+")


def normalise_header(text: str) -> str:
    """Casefolded words only: "№ п/п" -> "№ п п", "Responsible  agencies:" -> "responsible agencies"."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    return " ".join(_NOT_WORD.sub(" ", text).replace("_", " ").split())


_BY_NORMALISED: dict[str, Column] = {}
for _column, _labels in _ALIASES.items():
    for _label in (*_labels, *(labels[_column] for labels in HEADER_LABELS.values())):
        _BY_NORMALISED.setdefault(normalise_header(_label), _column)


def match_header(text: str) -> Column | None:
    return _BY_NORMALISED.get(normalise_header(text)) if text else None


def header_labels(language: str) -> dict[Column, str]:
    return HEADER_LABELS.get(language, HEADER_LABELS["en"])


def header_columns(values: Sequence[object]) -> dict[Column, list[int]]:
    """The known columns a row names, with the positions where it names them."""
    found: dict[Column, list[int]] = {}
    for index, value in enumerate(values):
        if isinstance(value, str) and (column := match_header(value)) is not None:
            found.setdefault(column, []).append(index)
    return found


def find_header(rows: Sequence[Sequence[object]]) -> int | None:
    """Index of the header row: the first that names at least two known columns."""
    for index, values in enumerate(rows[:HEADER_SCAN_ROWS]):
        if len(header_columns(values)) >= 2:
            return index
    return None
