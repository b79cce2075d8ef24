"""Export a plan as the table governments publish: XLSX or CSV, read back by the importer.

XLSX: a title block (plan title; adopting instrument; period) in rows merged across the
table, an empty row, the bold header row (frozen, repeated on every printed page), then
section rows (one merged cell "1. Title", bold, shaded) and action rows (wrapped text).

CSV: UTF-8 with a BOM (Excel opens it as Unicode), comma-separated, the header row first.
A section row has the section number in the No. column and its title in the Action column,
every other cell empty: unambiguous for any number or title. Cells that a spreadsheet would
run as a formula (starting with = + - @) are prefixed with an apostrophe, which the importer
drops again.

Both: header labels in the export language (``columns.HEADER_LABELS``), the texts of that
language only (``title_<language>``: exporting English from a plan kept in Russian gives empty
titles, which the importer refuses rather than mixing languages) or, with ``fallback`` (a table
to read, not to import), the text the site shows instead (``core.translation.translation_of``),
the deadline as written (with ``fallback``: as the language writes it),
agencies as "MIA, GPO (as agreed)" with the marker in the export language, the form of
completion by its name. ``extra_columns`` adds Expected result, Description and Themes (theme
keys separated by "; "), so that an export imported into an empty plan reproduces it.
The query count does not depend on the number of actions. The workbook prints (``core.office``):
A4 landscape fitted to the width, the header row repeated and frozen, a filter on the table,
each row as high as its wrapped text.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Literal

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from rightsmonitor.core import office
from rightsmonitor.core.translation import fallback_order, language_codes, translation_of
from rightsmonitor.plans.agency_list import AgencyMention, format_agency_list
from rightsmonitor.plans.deadline_display import deadline_label
from rightsmonitor.plans.importers.columns import (
    EXTRA_COLUMNS,
    STANDARD_COLUMNS,
    Column,
    header_labels,
)
from rightsmonitor.plans.models import Action, ActionAgency, FormOfCompletion, Plan, Section

Format = Literal["xlsx", "csv"]
FORMATS: tuple[Format, ...] = ("xlsx", "csv")

_WIDTHS = {
    Column.NUMBER: 8,
    Column.ACTION: 60,
    Column.FORM: 24,
    Column.DEADLINE: 20,
    Column.AGENCIES: 30,
    Column.EXPECTED_RESULT: 40,
    Column.DESCRIPTION: 50,
    Column.THEMES: 28,
}
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")


@dataclass(frozen=True)
class SectionRow:
    number: str
    title: str

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}" if self.title else self.number


@dataclass(frozen=True)
class ActionRow:
    cells: list[str]


class PlanTableExporter:
    """Lays a plan out as a table; ``write_xlsx`` and ``write_csv`` put it into a file."""

    def __init__(
        self,
        plan: Plan,
        *,
        language: str = "en",
        extra_columns: bool = True,
        fallback: bool = False,
    ) -> None:
        if language not in language_codes():
            raise ValueError(f"unknown language {language!r}")
        self.plan = plan
        self.language = language
        self.fallback = fallback
        self.columns = [*STANDARD_COLUMNS, *(EXTRA_COLUMNS if extra_columns else ())]
        labels = header_labels(language)
        self.header = [labels[column] for column in self.columns]

    # The table ------------------------------------------------------------------------------

    def rows(self) -> Iterator[SectionRow | ActionRow]:
        """Section and action rows in plan order, in four queries however many actions."""
        sections = list(Section.objects.filter(plan=self.plan).order_by("order", "pk"))
        by_section: dict[int, list[Action]] = defaultdict(list)
        actions = Action.objects.filter(plan=self.plan).with_related().order_by("order", "pk")
        for action in actions:
            by_section[action.section_id].append(action)
        for section in sections:
            yield SectionRow(section.number, self._text(section, "title"))
            for action in by_section[section.pk]:
                yield ActionRow([self._cell(action, column) for column in self.columns])

    def _text(self, instance: object, name: str) -> str:
        if self.fallback:
            return translation_of(instance, name, self.language).text
        return str(getattr(instance, f"{name}_{self.language}", "") or "")

    def _cell(self, action: Action, column: Column) -> str:
        match column:
            case Column.NUMBER:
                return action.number
            case Column.ACTION:
                return self._text(action, "title")
            case Column.FORM:
                return self._form_name(action.form_of_completion)
            case Column.DEADLINE:
                if self.fallback:  # for reading: as the language writes it
                    return deadline_label(action.deadline_text, language=self.language)
                return action.deadline_text
            case Column.AGENCIES:
                assignments = sorted(
                    action.assignments.all(),
                    key=lambda a: (a.role != ActionAgency.Role.LEAD, a.order, a.pk),
                )
                mentions = [
                    AgencyMention(a.agency.abbreviation_in(self.language), a.as_agreed)
                    for a in assignments
                ]
                return format_agency_list(mentions, language=self.language)
            case Column.EXPECTED_RESULT:
                return self._text(action, "expected_result")
            case Column.DESCRIPTION:
                return self._text(action, "description")
            case Column.THEMES:
                return "; ".join(theme.key for theme in action.themes.all())
        raise AssertionError(column)

    def _form_name(self, form: FormOfCompletion | None) -> str:
        if form is None:
            return ""
        names = (getattr(form, f"name_{code}", "") for code in fallback_order(self.language))
        return next((name for name in names if name), form.key)

    def title_block(self) -> list[str]:
        plan = self.plan
        with translation.override(self.language):
            lines = [self._text(plan, "title") or str(plan.title) or plan.code]
            instrument = plan.adopting_instrument
            if instrument is not None:
                title = self._text(instrument, "title") or str(instrument.title)
                lines.append(
                    _("Adopted by %(instrument)s “%(title)s”")
                    % {"instrument": instrument, "title": title}
                    if title
                    else _("Adopted by %(instrument)s") % {"instrument": instrument}
                )
            if plan.period_start and plan.period_end:
                lines.append(
                    _("Period: %(start)s – %(end)s")
                    % {
                        "start": f"{plan.period_start:%d.%m.%Y}",
                        "end": f"{plan.period_end:%d.%m.%Y}",
                    }
                )
        return lines

    # Files ----------------------------------------------------------------------------------

    def write_csv(self, stream: IO[bytes], *, delimiter: str = ",") -> None:
        text = io.StringIO(newline="")
        writer = csv.writer(text, delimiter=delimiter)
        writer.writerow(self.header)
        number_at = self.columns.index(Column.NUMBER)
        action_at = self.columns.index(Column.ACTION)
        for row in self.rows():
            if isinstance(row, SectionRow):
                cells = [""] * len(self.columns)
                cells[number_at], cells[action_at] = row.number, row.title
            else:
                cells = row.cells
            writer.writerow([_defuse(cell) for cell in cells])
        stream.write(text.getvalue().encode("utf-8-sig"))

    def write_xlsx(self, stream: IO[bytes]) -> None:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = self.plan.code[:31]
        width = len(self.columns)
        last = get_column_letter(width)
        wrap_top = Alignment(wrap_text=True, vertical="top")
        thin = Side(style="thin", color="999999")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)

        row = 1
        for position, line in enumerate(self.title_block()):
            cell = sheet.cell(row=row, column=1, value=line)
            cell.data_type = "s"
            cell.font = Font(bold=position == 0, size=13 if position == 0 else 11)
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
            sheet.merge_cells(f"A{row}:{last}{row}")
            row += 1
        row += 1  # an empty row between the title block and the table

        header_row = row
        for index, label in enumerate(self.header, start=1):
            cell = sheet.cell(row=row, column=index, value=label)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
            cell.fill = PatternFill("solid", fgColor="D9D9D9")
            cell.border = border
        office.set_column_widths(sheet, [_WIDTHS[column] for column in self.columns])

        section_fill = PatternFill("solid", fgColor="DDEBF7")
        for item in self.rows():
            row += 1
            if isinstance(item, SectionRow):
                cell = sheet.cell(row=row, column=1, value=item.heading)
                cell.data_type = "s"
                cell.font = Font(bold=True)
                cell.fill = section_fill
                cell.alignment = Alignment(wrap_text=True, vertical="center")
                for index in range(1, width + 1):
                    sheet.cell(row=row, column=index).border = border
                sheet.merge_cells(f"A{row}:{last}{row}")
                continue
            for index, value in enumerate(item.cells, start=1):
                cell = sheet.cell(row=row, column=index, value=value or None)
                cell.data_type = "s"  # text stays text: "1.10", "=..." are not numbers or formulas
                cell.alignment = wrap_top
                cell.border = border

        office.table_sheet(sheet, header_row=header_row, last_row=row, columns=width)
        office.set_up_page(sheet, landscape=True)
        office.fit_row_heights(sheet)
        workbook.save(stream)


def _defuse(cell: str) -> str:
    """Keep spreadsheets from running a cell as a formula (CSV injection)."""
    return f"'{cell}" if _FORMULA_START.match(cell) else cell


def write_plan_table(
    plan: Plan,
    stream: IO[bytes],
    fmt: Format = "xlsx",
    *,
    language: str = "en",
    extra_columns: bool = True,
    fallback: bool = False,
) -> None:
    exporter = PlanTableExporter(
        plan, language=language, extra_columns=extra_columns, fallback=fallback
    )
    if fmt == "xlsx":
        exporter.write_xlsx(stream)
    elif fmt == "csv":
        exporter.write_csv(stream)
    else:
        raise ValueError(f"unknown format {fmt!r}")


def export_plan_table(
    plan: Plan,
    fmt: Format = "xlsx",
    *,
    language: str = "en",
    extra_columns: bool = True,
    fallback: bool = False,
) -> bytes:
    """The plan as an XLSX or CSV file's bytes."""
    buffer = io.BytesIO()
    write_plan_table(
        plan, buffer, fmt, language=language, extra_columns=extra_columns, fallback=fallback
    )
    return buffer.getvalue()


def content_type(fmt: Format) -> str:
    return {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv": "text/csv; charset=utf-8",
    }[fmt]
