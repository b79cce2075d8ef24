"""The follow-up table of recommendations, for the State's UPR mid-term report: XLSX and DOCX.

``followup_rows(queryset, user=...)`` reads the recommendations in chunks of ``CHUNK`` (each
chunk costs a fixed number of queries, and only one chunk is held in memory) and yields a
``FollowUpRow`` per recommendation; ``write_xlsx`` and ``write_docx`` write any iterable of
rows. The columns: the reference (document symbol and paragraph), the text, the body, the
recommending states, the State's position, the linked actions (one per line: number and
title), the derived status, the evidence and the themes.

Only what ``user`` may see is written: links to actions of the plans they may see
(``access.links_for_user``) and progress reports they may read (``reporting.access``).

Evidence, kept simple: for each linked action, its accepted consolidated progress reports
(the lead agency's, as the public action page shows them), one paragraph each, "<action
number> (<period>): <what was done, at most ``NARRATIVE_LENGTH`` characters>", followed by
the report's evidence (the file name or the link, and its description), one per line.

Every cell is text. A cell that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-`` or ``@``) gets an apostrophe in front in the XLSX, as the other exports of Rights
Monitor do; characters that XML cannot hold (control characters) are dropped from both files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import astuple, dataclass
from itertools import islice
from typing import IO, Any

import docx
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from docx.shared import Cm, Pt
from openpyxl import Workbook

from rightsmonitor.core import office
from rightsmonitor.recommendations import access
from rightsmonitor.recommendations.models import Recommendation, RecommendationLink
from rightsmonitor.recommendations.status import RecommendationStatus, linked_statuses
from rightsmonitor.reporting.access import reports_for_user
from rightsmonitor.reporting.models import ProgressReport
from rightsmonitor.reporting.workflow import ReportState

CHUNK = 500
NARRATIVE_LENGTH = 300
FORMULA_START = re.compile(r"^[=+\-@]")
# Characters XML 1.0 cannot hold (openpyxl and python-docx refuse them).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Column widths in the XLSX (characters) and the DOCX (shares of what the landscape A4 text
# width leaves once each header's longest word fits).
XLSX_WIDTHS = (18, 60, 14, 18, 14, 40, 16, 50, 24)
DOCX_WIDTHS = (2.2, 6.0, 1.6, 2.0, 1.6, 4.0, 1.8, 4.5, 2.3)
DOCX_WORD = 11  # a longer word in a cell (a URL, a symbol) may break rather than widen its column


@dataclass(frozen=True)
class FollowUpRow:
    reference: str
    text: str
    body: str
    recommending_states: str
    position: str
    actions: str
    status: str
    evidence: str
    themes: str


def headers() -> list[str]:
    return [
        _("Symbol and paragraph"),
        _("Recommendation"),
        _("Body"),
        _("Recommending states"),
        _("Position"),
        _("Linked actions"),
        _("Status"),
        _("Evidence"),
        _("Themes"),
    ]


# Reading ---------------------------------------------------------------------------------------


def followup_rows(
    queryset: QuerySet[Recommendation], *, user: Any, chunk_size: int = CHUNK
) -> Iterator[FollowUpRow]:
    """One row per recommendation of ``queryset``, in its order, read ``chunk_size`` at a time."""
    links = access.links_for_user(user).select_related("action__plan")
    recommendations = (
        queryset.select_related("body")
        .prefetch_related("themes", Prefetch("links", queryset=links, to_attr="visible_links"))
        .iterator(chunk_size=chunk_size)
    )
    statuses = dict(RecommendationStatus.choices)
    while chunk := list(islice(recommendations, chunk_size)):
        derived = linked_statuses([recommendation.pk for recommendation in chunk], user=user)
        evidence = _evidence(
            user,
            {link.action_id for r in chunk for link in r.visible_links},
        )
        for recommendation in chunk:
            visible: list[RecommendationLink] = recommendation.visible_links
            status = derived.get(recommendation.pk, RecommendationStatus.NOT_COVERED)
            yield FollowUpRow(
                reference=reference(recommendation),
                text=recommendation.text,
                body=str(recommendation.body.code),
                recommending_states=", ".join(recommendation.recommending_states),
                position=str(recommendation.get_position_display()),
                actions="\n".join(_action_line(link) for link in visible),
                status=str(statuses.get(status, status)),
                evidence="\n".join(
                    line for link in visible for line in evidence.get(link.action_id, [])
                ),
                themes="; ".join(str(theme) for theme in recommendation.themes.all()),
            )


def reference(recommendation: Recommendation) -> str:
    if recommendation.symbol and recommendation.paragraph:
        return _("%(symbol)s, para. %(paragraph)s") % {
            "symbol": recommendation.symbol,
            "paragraph": recommendation.paragraph,
        }
    return recommendation.symbol or recommendation.paragraph


def _action_line(link: RecommendationLink) -> str:
    action = link.action
    return _("%(plan)s %(number)s. %(title)s") % {
        "plan": action.plan.code,
        "number": action.number,
        "title": action.title,
    }


def _evidence(user: Any, action_ids: set[int]) -> dict[int, list[str]]:
    """{action id: lines} from the accepted consolidated reports ``user`` may read."""
    if not action_ids:
        return {}
    reports = (
        reports_for_user(user)
        .filter(
            action_id__in=action_ids,
            kind=ProgressReport.Kind.CONSOLIDATED,
            state=ReportState.ACCEPTED,
        )
        .select_related("action", "period")
        .prefetch_related("evidence")
        .order_by("action_id", "period__end")
    )
    lines: dict[int, list[str]] = {}
    for report in reports:
        narrative = " ".join(report.narrative.split())
        if len(narrative) > NARRATIVE_LENGTH:
            narrative = narrative[: NARRATIVE_LENGTH - 1].rstrip() + "…"
        found = lines.setdefault(report.action_id, [])
        found.append(
            _("%(number)s (%(period)s): %(narrative)s")
            % {"number": report.action.number, "period": report.period, "narrative": narrative}
        )
        for item in report.evidence.all():
            name = item.original_name or item.url
            found.append(f"– {name} ({item.description})" if item.description else f"– {name}")
    return lines


# Writing ---------------------------------------------------------------------------------------


def _text(value: str) -> str:
    return NOT_XML.sub("", value)


def _xlsx_text(value: str) -> str | None:
    value = _text(value)
    if not value:
        return None
    return f"'{value}" if FORMULA_START.match(value) else value


def write_xlsx(rows: Iterable[FollowUpRow], stream: IO[bytes], *, title: str = "") -> None:
    """One sheet, the header row bold, frozen, filterable and printed on every page, text
    wrapped and each row as high as its text, landscape A4 fitted to the width
    (``core.office``); write-only mode streams the rows to a temporary file, so memory stays
    flat however many there are."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title or _("Follow-up")))
    table = office.StreamedTable(sheet, headers(), XLSX_WIDTHS, landscape=True)
    for row in rows:
        table.append([_xlsx_text(value) for value in astuple(row)])
    table.close()
    workbook.save(stream)


def _sheet_title(title: str) -> str:
    return re.sub(r"[\\/*?:\[\]]", " ", title)[:31] or "Sheet"


def write_docx(
    rows: Iterable[FollowUpRow], stream: IO[bytes], *, title: str, description: Sequence[str] = ()
) -> None:
    """A landscape document: the heading, what was chosen (one paragraph per line of
    ``description``), and the table, its header row repeated on every page."""
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(9)
    section = document.sections[0]
    office.docx_page(section, landscape=True, margin=Cm(1.5))
    document.add_heading(_text(title), level=1)
    for line in description:
        document.add_paragraph(_text(line))
    labels = headers()
    table = document.add_table(rows=1, cols=len(labels))
    table.style = "Table Grid"
    header_row = table.rows[0]
    office.repeat_header_row(header_row)
    for cell, label in zip(header_row.cells, labels, strict=True):
        cell.paragraphs[0].add_run(label).bold = True
    # Room for each column's longest word (a header's whole, a cell's up to DOCX_WORD), so that
    # "Recommendation" or "implemented" is not broken; the rest shared by DOCX_WIDTHS.
    words = [max(map(len, label.split())) for label in labels]
    for row in rows:
        cells = table.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, astuple(row), strict=True)):
            cell.text = _text(value)
            longest = max(map(len, value.split()), default=0)
            words[index] = max(words[index], min(longest, DOCX_WORD))
    office.fit_table_widths(table, section, DOCX_WIDTHS, words=words, font_size=9)
    document.save(stream)
