"""What every renderer shares: links in cells, status names, dates, the file generators' list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import dateformat
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from rightsmonitor.assessments.blocks import AssessmentBlock, block_for
from rightsmonitor.assessments.content import pick
from rightsmonitor.reporting import queries


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Percent:
    """A percentage: text in documents ("42.9 %"), a number formatted as a percentage in
    workbooks (0.429 shown as 42.9%), so that it can be sorted and charted."""

    percent: float  # 42.9 for 42.9 %

    def __str__(self) -> str:
        return f"{self.percent:g} %"


Cell = str | int | float | None | Link | list[Link] | Percent


def status_label(key: str) -> str:
    """The status's name in the active language ("Not yet assessed" included)."""
    try:
        return queries.status_label(key)
    except ValueError:
        return key


def format_date(value: str | date | None) -> str:
    """An ISO date (as the snapshot stores it) written out as documents in the language do.

    "25 January 2023", "25 января 2023 г.", "2023 жылғы 25 қаңтар".
    """
    if not value:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    language = (get_language() or "en").split("-")[0]
    if language == "ru":
        return dateformat.format(day, "j E Y г.")
    if language == "kk":
        return f"{day.year} жылғы {day.day} {dateformat.format(day, 'F').lower()}"
    return dateformat.format(day, "j F Y")


def cell_text(cell: Cell) -> str:
    """A cell as plain text (for formats without links)."""
    if cell is None:
        return ""
    if isinstance(cell, Link):
        return cell.label
    if isinstance(cell, list):
        return "\n".join(link.label for link in cell)
    return str(cell)


# The document's frame, the same in every format ------------------------------------------


def document_title(snapshot: dict[str, Any], language: str) -> str:
    return _("Assessment of implementation: %(plan)s") % {
        "plan": pick(snapshot["plan"]["title"], language)
    }


def period_label(snapshot: dict[str, Any]) -> str:
    assessment = snapshot["assessment"]
    return _("%(start)s – %(end)s") % {
        "start": format_date(assessment["start"]),
        "end": format_date(assessment["end"]),
    }


def edition_label(snapshot: dict[str, Any]) -> str:
    return _("Edition %(number)s, data as of %(date)s") % {
        "number": snapshot["assessment"]["edition"],
        "date": format_date(snapshot["as_of"]),
    }


def draft_notice() -> str:
    return _("DRAFT: not approved; the figures change with the data until approval.")


def method_notes() -> list[tuple[str, str]]:
    """How the figures are computed, printed at the end of every format."""
    return [
        (
            _("Assessed status"),
            _(
                "The coordinator's verdict on each action when the data was taken; an action "
                "never assessed counts as not started."
            ),
        ),
        (
            _("On time"),
            _(
                "An action due by the end of the assessed period that the coordinator assessed "
                "completed on or before its due date."
            ),
        ),
        (
            _("Overdue"),
            _(
                "An action whose deadline passed before the date of the data without being "
                "accepted as completed; days are counted from the deadline."
            ),
        ),
        (
            _("Accepted report"),
            _(
                "The lead agency's consolidated report accepted by the coordinator for the "
                "latest reporting period within the assessed period."
            ),
        ),
    ]


def blocks_of(snapshot: dict[str, Any]) -> list[tuple[AssessmentBlock, dict[str, Any]]]:
    """The snapshot's blocks with the code that renders them, in order; unknown keys skipped."""
    found = []
    for entry in snapshot.get("blocks", []):
        block = block_for(entry["key"])
        if block is not None:
            found.append((block, entry["data"]))
    return sorted(found, key=lambda pair: (pair[0].order, pair[0].key))
