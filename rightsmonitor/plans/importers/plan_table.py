"""Import a plan table as governments publish it (XLSX, CSV, Word or HTML) into a plan.

Three steps, each a plain class with one job, each usable on its own:

1. ``read_rows(file, filename=...)`` -> ``TableRows`` (in ``table_files``, through the guarded
   reader ``core.tabular``): the cells of the worksheet of an XLSX workbook that holds the
   header (or ``sheet=``), of the table of a Word document or an HTML page that holds it, or
   of a CSV file whose encoding (UTF-8 with or without BOM, UTF-16 with BOM, Windows-1251)
   and delimiter (comma, semicolon, tab) are detected.
2. ``parse_plan_table(rows)`` -> ``ParsedPlanTable``: sections and actions, no database.
3. ``import_plan_table(plan, parsed, by=...)`` -> ``ImportReport``: agencies, forms and themes
   are resolved first, then everything is written through ``plans.actions`` in one
   transaction. ``load_plan_table`` chains the three for the command and the upload page.

Every step raises ``TableError`` (``core.tabular``; ``.errors`` lists each problem with its
row and column) and collects all the problems it can find, up to ``MAX_ERRORS``, before
raising. The column vocabulary, shared with the exporter, is in ``columns``.

How a table is read
-------------------
* The header row is the first of the first 20 non-empty rows that names at least two known
  columns (see ``columns.py``: English, Russian and Kazakh wordings, any case, punctuation and
  spacing). Everything above it is the title block (``ParsedPlanTable.title_block``). Action,
  Deadline and Responsible agencies are required; No. and Form of completion are expected;
  Expected result, Description and Themes are imported when present; others are ignored.
* A row of column numbers (1 2 3 4 5) right under the header is skipped, and so are empty rows.
* A section row has one non-empty cell, not right of the No. and Action columns (a merged
  cell shows its text in its first cell): "1. Gender equality", "II. Courts", "Раздел 3. ...",
  or a title without a number, which then gets the next free number. Or it has a number in
  the No. column and a title in the Action column and every other cell empty. Any other row
  is an action row.
* A table without any section row is one section, "1", titled with the plan's title. Actions
  above the first section row of a table that has section rows are an error.
* An empty No. cell (or no No. column) gets the number "<section>.<n>". Numbers that Excel
  stored as numbers come back as written (1.1 -> "1.1"; 1.10 was stored as 1.1 and stays so);
  a No. cell that Excel turned into a date (Russian-locale Excel reads "1.10" as 1 October) is
  read back as "1.10".
* Deadline cells holding an Excel date (or a date serial number) become "DD.MM.YYYY"; other
  text is kept as written and parsed by ``plans.deadlines``; what it cannot read is imported
  and flagged for review, not rejected.
* Every action needs a title and at least one responsible agency.
* A single-cell row starting a footer ("Abbreviations:", «Примечание:», «Расшифровка
  аббревиатур:», ...) ends the table; a single-cell row starting with "*" is a footnote.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from rightsmonitor.core.locking import ConcurrentEditError
from rightsmonitor.core.tabular import (
    MAX_ERRORS,
    CellValue,
    Problems,
    Source,
    TableError,
    TableErrors,
    TableRows,
    cell_text,
    decode_csv,
    is_empty,
    iter_messages,
)
from rightsmonitor.core.translation import language_codes
from rightsmonitor.plans import actions as plan_actions
from rightsmonitor.plans.agency_list import (
    AgencyListError,
    AgencyMention,
    AgencyResolver,
    parse_agency_list,
)
from rightsmonitor.plans.importers.columns import (
    HEADER_SCAN_ROWS,
    REQUIRED_COLUMNS,
    Column,
    find_header,
    header_columns,
    normalise_header,
)
from rightsmonitor.plans.importers.errors import PlanNotEmptyError
from rightsmonitor.plans.importers.table_files import deadline_text, number_text, read_rows
from rightsmonitor.plans.models import (
    Action,
    ActionAgency,
    FormOfCompletion,
    Plan,
    Section,
    Theme,
)

__all__ = [
    "MAX_ERRORS",
    "ImportReport",
    "ParsedAction",
    "ParsedPlanTable",
    "ParsedSection",
    "PlanNotEmptyError",
    "PlanTableImporter",
    "PlanTableParser",
    "TableError",
    "TableErrors",
    "TableRows",
    "cell_text",
    "deadline_text",
    "decode_csv",
    "import_plan_table",
    "iter_messages",
    "load_new_plan_table",
    "load_plan_table",
    "number_text",
    "parse_plan_table",
    "read_rows",
    "split_section_heading",
]

Progress: TypeAlias = Callable[[int, int], None]

# Names of the columns in messages; the labels a file uses are in columns.HEADER_LABELS.
COLUMN_NAMES = {
    Column.NUMBER: gettext_lazy("No."),
    Column.ACTION: gettext_lazy("Action"),
    Column.FORM: gettext_lazy("Form of completion"),
    Column.DEADLINE: gettext_lazy("Deadline"),
    Column.AGENCIES: gettext_lazy("Responsible agencies"),
    Column.EXPECTED_RESULT: gettext_lazy("Expected result"),
    Column.DESCRIPTION: gettext_lazy("Description"),
    Column.THEMES: gettext_lazy("Themes"),
}


# --- Parsing ----------------------------------------------------------------------------------


@dataclass
class ParsedAction:
    row: int
    number: str
    title: str
    form: str = ""
    deadline: str = ""
    agencies: list[AgencyMention] = field(default_factory=list)
    expected_result: str = ""
    description: str = ""
    themes: list[str] = field(default_factory=list)


@dataclass
class ParsedSection:
    number: str
    title: str
    row: int | None  # None for the implicit section of a table without section rows
    actions: list[ParsedAction] = field(default_factory=list)

    @property
    def implicit(self) -> bool:
        return self.row is None


@dataclass
class ParsedPlanTable:
    sections: list[ParsedSection]
    columns: dict[Column, str]  # the columns found, with the header as the file writes it
    header_row: int
    title_block: str = ""
    ignored_columns: list[str] = field(default_factory=list)
    # Problems in rows, when parsed with strict=False; the importer reports them together
    # with the agencies, forms and themes it cannot find.
    problems: list[TableError] = field(default_factory=list)

    @property
    def actions(self) -> Iterator[ParsedAction]:
        for section in self.sections:
            yield from section.actions

    def column_label(self, column: Column) -> str:
        return self.columns.get(column) or str(COLUMN_NAMES[column])


def _is_numbering_row(values: Sequence[CellValue]) -> bool:
    """The "1 2 3 4 5" row that many plans put under the header."""
    numbers: list[int] = []
    for value in values:
        if is_empty(value):
            continue
        text = cell_text(value)
        if not text.isdigit():
            return False
        numbers.append(int(text))
    return len(numbers) >= 2 and numbers == list(range(1, len(numbers) + 1))


_SECTION_HEADING = re.compile(
    r"(?:(?:section|chapter|part|раздел|глава|часть|направление|бөлім|тарау)\s+)?"
    r"(?:(?P<number>\d{1,3}(?:\.\d{1,3})*)(?:[.)]\s*|\s+|$)"  # "1. Title", "1.2 Title", "3"
    r"|(?P<letter>[IVXLC]+|[A-ZА-Я])[.)]\s*)"  # "IV. Title", "A) Title"
    r"(?P<title>.*)",
    re.IGNORECASE | re.DOTALL,
)
_FOOTER_MARKERS = tuple(
    normalise_header(marker)
    for marker in (
        "Abbreviations",
        "List of abbreviations",
        "Note",
        "Notes",
        "Примечание",
        "Примечания",
        "Расшифровка аббревиатур",
        "Расшифровка сокращений",
        "Список сокращений",
        "Ескертпе",
        "Аббревиатуралардың толық жазылуы",
        "Қысқартулардың толық жазылуы",
    )
)
_THEME_SEPARATORS = re.compile(r"[;,\n]+")


def split_section_heading(text: str) -> tuple[str, str]:
    """ "1. Gender equality" -> ("1", "Gender equality"); a title alone -> ("", title)."""
    text = " ".join(text.split())
    match = _SECTION_HEADING.fullmatch(text)
    if match is None:
        return "", text
    number = match["number"] or match["letter"]
    if match["letter"] and not match["letter"].isupper():
        return "", text  # "a) ..." or "i. ..." is more likely prose than a section number
    return number, match["title"].strip()


def _is_footer(text: str) -> bool:
    normalised = normalise_header(text)
    return normalised in _FOOTER_MARKERS or (
        text.rstrip().endswith(":") and normalised.startswith(_FOOTER_MARKERS)
    )


class PlanTableParser:
    """Turns the rows of a plan table into sections and actions, collecting every problem."""

    def __init__(self, table: TableRows, *, strict: bool = True) -> None:
        self.table = table
        self.strict = strict
        self.problems = Problems()
        self.sections: list[ParsedSection] = []
        self.numbers: dict[str, int] = {}  # action number -> row
        self.first_orphan_row: int | None = None

    def parse(self) -> ParsedPlanTable:
        rows = self.table.rows
        header_index = find_header([values for _row, values in rows])
        if header_index is None:
            raise TableError(
                _(
                    "Cannot find the header row: none of the first %(count)d rows names the "
                    "columns (No., Action, Form of completion, Deadline, Responsible agencies)."
                )
                % {"count": HEADER_SCAN_ROWS}
            )
        header_row, header = rows[header_index]
        self.columns = self._columns(header_row, header)
        self.problems.raise_if_any()
        self.labels = {column: cell_text(header[index]) for column, index in self.columns.items()}
        ignored = [
            cell_text(value)
            for index, value in enumerate(header)
            if not is_empty(value) and index not in self.columns.values()
        ]
        title_lines = (
            " ".join(cell_text(value) for value in values if not is_empty(value))
            for _row, values in rows[:header_index]
        )
        title_block = "\n".join(line for line in title_lines if line)
        body = rows[header_index + 1 :]
        if body and _is_numbering_row(body[0][1]):
            body = body[1:]
        for row, values in body:
            if not self._row(row, values):
                break
        self._check_orphans()
        if not any(section.actions for section in self.sections):
            self.problems.add(_("The table has no actions under its header."), row=header_row)
        if self.strict:
            self.problems.raise_if_any()
        return ParsedPlanTable(
            sections=self.sections,
            columns=self.labels,
            header_row=header_row,
            title_block=title_block,
            ignored_columns=ignored,
            problems=list(self.problems.items),
        )

    # Header ---------------------------------------------------------------------------------

    def _columns(self, row: int, header: Sequence[CellValue]) -> dict[Column, int]:
        columns: dict[Column, int] = {}
        for column, indexes in header_columns(header).items():
            if len(indexes) > 1:
                self.problems.add(
                    _("The table has %(count)d columns named like this; keep one.")
                    % {"count": len(indexes)},
                    row=row,
                    column=cell_text(header[indexes[1]]),
                )
            columns[column] = indexes[0]
        for column in REQUIRED_COLUMNS:
            if column not in columns:
                self.problems.add(
                    _("The table has no “%(column)s” column.") % {"column": COLUMN_NAMES[column]},
                    row=row,
                    column=str(COLUMN_NAMES[column]),
                )
        return columns

    def _cell(self, values: Sequence[CellValue], column: Column) -> CellValue:
        index = self.columns.get(column)
        return values[index] if index is not None and index < len(values) else None

    def _label(self, column: Column) -> str:
        return self.labels.get(column) or str(COLUMN_NAMES[column])

    # Rows -----------------------------------------------------------------------------------

    def _row(self, row: int, values: Sequence[CellValue]) -> bool:
        """Read one row; False at the start of a footer."""
        filled = [index for index, value in enumerate(values) if not is_empty(value)]
        if not filled:
            return True
        number_index, action_index = self.columns.get(Column.NUMBER), self.columns[Column.ACTION]
        # A merged section row shows its text in its first cell: left of the table's other
        # columns. A lone value further right is a broken action row, reported as such.
        if len(filled) == 1 and filled[0] <= max(number_index or 0, action_index):
            value = values[filled[0]]
            text = cell_text(value)
            if _is_footer(text):
                return False
            if text.startswith("*"):
                return True  # a footnote
            if isinstance(value, str):
                self._section(row, *split_section_heading(text))
            else:  # a number alone: a section without a title
                self._section(row, number_text(value), "")
            return True
        if number_index is not None and set(filled) == {number_index, action_index}:
            self._section(row, number_text(values[number_index]), cell_text(values[action_index]))
            return True
        self._action(row, values)
        return True

    def _section(self, row: int, number: str, title: str) -> None:
        label = self._label(Column.NUMBER) if number else self._label(Column.ACTION)
        if not number:
            used = {section.number for section in self.sections}
            number = str(len(self.sections) + 1)
            while number in used:
                number = str(int(number) + 1)
        if len(number) > 16:
            self.problems.add(
                _("The section number “%(number)s” is longer than 16 characters.")
                % {"number": number},
                row=row,
                column=label,
            )
        if len(title) > 500:
            self.problems.add(
                _("The section title is longer than 500 characters."),
                row=row,
                column=self._label(Column.ACTION),
            )
        for section in self.sections:
            if section.number == number and not section.implicit:
                self.problems.add(
                    _("The section number %(number)s is already used in row %(row)s.")
                    % {"number": number, "row": section.row},
                    row=row,
                    column=label,
                )
        self.sections.append(ParsedSection(number=number, title=title, row=row))

    def _action(self, row: int, values: Sequence[CellValue]) -> None:
        if not self.sections:
            self.sections.append(ParsedSection(number="1", title="", row=None))
        section = self.sections[-1]
        if section.implicit and self.first_orphan_row is None:
            self.first_orphan_row = row
        action = ParsedAction(
            row=row,
            number=number_text(self._cell(values, Column.NUMBER)),
            title=cell_text(self._cell(values, Column.ACTION), multiline=True),
            form=cell_text(self._cell(values, Column.FORM)),
            deadline=deadline_text(self._cell(values, Column.DEADLINE)),
            expected_result=cell_text(self._cell(values, Column.EXPECTED_RESULT), multiline=True),
            description=cell_text(self._cell(values, Column.DESCRIPTION), multiline=True),
            themes=[
                key
                for part in _THEME_SEPARATORS.split(
                    cell_text(self._cell(values, Column.THEMES), multiline=True)
                )
                if (key := part.strip())
            ],
        )
        if not action.number:
            action.number = f"{section.number}.{len(section.actions) + 1}"
        self._check_action(action)
        agencies = cell_text(self._cell(values, Column.AGENCIES), multiline=True)
        try:
            action.agencies = parse_agency_list(agencies)
        except AgencyListError as error:
            self.problems.add(str(error), row=row, column=self._label(Column.AGENCIES))
        else:
            if not action.agencies:
                self.problems.add(
                    _("Name at least one responsible agency."),
                    row=row,
                    column=self._label(Column.AGENCIES),
                )
        section.actions.append(action)

    def _check_action(self, action: ParsedAction) -> None:
        row = action.row
        if not action.title:
            self.problems.add(
                _("The action has no title."), row=row, column=self._label(Column.ACTION)
            )
        if len(action.number) > 16:
            self.problems.add(
                _("The number “%(number)s” is longer than 16 characters.")
                % {"number": action.number},
                row=row,
                column=self._label(Column.NUMBER),
            )
        elif action.number in self.numbers:
            self.problems.add(
                _("The number %(number)s is already used in row %(row)d.")
                % {"number": action.number, "row": self.numbers[action.number]},
                row=row,
                column=self._label(Column.NUMBER),
            )
        else:
            self.numbers[action.number] = row
        if len(action.deadline) > 255:
            self.problems.add(
                _("The deadline is longer than 255 characters."),
                row=row,
                column=self._label(Column.DEADLINE),
            )
        if len(action.form) > 255:
            self.problems.add(
                _("The form of completion is longer than 255 characters."),
                row=row,
                column=self._label(Column.FORM),
            )

    def _check_orphans(self) -> None:
        has_section_rows = any(not section.implicit for section in self.sections)
        if self.first_orphan_row is not None and has_section_rows:
            self.problems.add(
                _(
                    "This action comes before the first section row. Add a section row above "
                    "it, or remove every section row to import the plan as one section."
                ),
                row=self.first_orphan_row,
                column=self._label(Column.ACTION),
            )


def parse_plan_table(table: TableRows, *, strict: bool = True) -> ParsedPlanTable:
    """Sections and actions of the table. Problems in rows raise ``TableError`` unless
    ``strict`` is false: then they are left in ``problems`` for ``import_plan_table`` to
    report along with its own, so that one run lists everything to fix."""
    return PlanTableParser(table, strict=strict).parse()


# --- Importing --------------------------------------------------------------------------------


@dataclass
class ImportReport:
    plan: str
    language: str
    dry_run: bool = False
    sections_created: int = 0
    sections_updated: int = 0
    sections_deleted: int = 0
    actions_created: int = 0
    actions_updated: int = 0
    actions_unchanged: int = 0
    actions_deleted: int = 0
    agencies_created: list[str] = field(default_factory=list)
    forms_created: list[str] = field(default_factory=list)
    deadlines_needing_review: list[str] = field(default_factory=list)  # action numbers
    ignored_columns: list[str] = field(default_factory=list)
    title_block: str = ""  # the text above the header, e.g. to show what was imported

    def lines(self) -> list[str]:
        """The report as a person reads it, one line per fact."""
        lines = [
            _("Sections: %(created)d created, %(updated)d updated, %(deleted)d deleted.")
            % {
                "created": self.sections_created,
                "updated": self.sections_updated,
                "deleted": self.sections_deleted,
            },
            _(
                "Actions: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                "%(deleted)d deleted."
            )
            % {
                "created": self.actions_created,
                "updated": self.actions_updated,
                "unchanged": self.actions_unchanged,
                "deleted": self.actions_deleted,
            },
        ]
        if self.agencies_created:
            lines.append(_("New agencies: %(list)s.") % {"list": ", ".join(self.agencies_created)})
        if self.forms_created:
            lines.append(
                _("New forms of completion: %(list)s.") % {"list": ", ".join(self.forms_created)}
            )
        if self.deadlines_needing_review:
            lines.append(
                ngettext(
                    "%(count)d deadline could not be read and needs review: %(list)s.",
                    "%(count)d deadlines could not be read and need review: %(list)s.",
                    len(self.deadlines_needing_review),
                )
                % {
                    "count": len(self.deadlines_needing_review),
                    "list": ", ".join(self.deadlines_needing_review),
                }
            )
        if self.ignored_columns:
            lines.append(
                _("Columns not imported: %(list)s.") % {"list": ", ".join(self.ignored_columns)}
            )
        if self.dry_run:
            lines.append(_("Dry run: nothing was saved."))
        return lines


def _key(text: str) -> str:
    return " ".join(text.casefold().replace("ё", "е").split())


_TRANSLITERATION = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфхцыэ", "abvgdezijklmnoprstufhcye", strict=True)),
        **{"ё": "e", "ж": "zh", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ь": "", "ю": "yu"},
        **{"я": "ya", "ә": "a", "ғ": "g", "қ": "q", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u"},
        **{"һ": "h", "і": "i"},
    }
)


def form_key(name: str) -> str:
    """A slug for a new form of completion: "Проект закона" -> "proekt-zakona"."""
    return slugify(name.casefold().translate(_TRANSLITERATION))[:58].strip("-") or "form"


class _FormResolver:
    """Finds forms of completion by key or by a name in any language; plans new ones."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.by_key: dict[str, FormOfCompletion] = {}
        self.keys: set[str] = set()
        for form in FormOfCompletion.objects.all():
            self.keys.add(form.key)
            for text in (form.key, form.name_en, form.name_ru, form.name_kk):
                if text:
                    self.by_key.setdefault(_key(text), form)
        self.new: dict[str, FormOfCompletion] = {}  # unsaved, by _key(name)

    def find(self, name: str) -> FormOfCompletion:
        key = _key(name)
        if key in self.by_key:
            return self.by_key[key]
        if key not in self.new:
            slug = base = form_key(name)
            suffix = 1
            while slug in self.keys:
                suffix += 1
                slug = f"{base}-{suffix}"
            self.keys.add(slug)
            form = FormOfCompletion(key=slug)
            setattr(form, f"name_{self.language}", name)
            self.new[key] = form
        return self.new[key]

    def save_new(self, *, by: Any) -> list[str]:
        return [
            str(form) for form in plan_actions.add_forms_of_completion(self.new.values(), by=by)
        ]


class _ThemeResolver:
    def __init__(self) -> None:
        self.by_key: dict[str, Theme] = {}
        for theme in Theme.objects.all():
            for text in (theme.key, theme.name_en, theme.name_ru, theme.name_kk):
                if text:
                    self.by_key.setdefault(_key(text), theme)

    def find(self, name: str) -> Theme | None:
        return self.by_key.get(_key(name))


_FIELD_COLUMNS = {
    "number": Column.NUMBER,
    "title": Column.ACTION,
    "form_of_completion": Column.FORM,
    "deadline_text": Column.DEADLINE,
    "expected_result": Column.EXPECTED_RESULT,
    "description": Column.DESCRIPTION,
}


class PlanTableImporter:
    """Writes a parsed table into a plan through ``plans.actions``: validate all, then write.

    Call ``run()`` inside a transaction (``import_plan_table`` does).
    """

    def __init__(
        self,
        plan: Plan,
        parsed: ParsedPlanTable,
        *,
        by: Any,
        language: str = "en",
        create_agencies: bool = False,
        replace: bool = False,
        progress: Progress | None = None,
    ) -> None:
        if language not in language_codes():
            raise TableError(
                _("Unknown language “%(language)s”; use one of %(codes)s.")
                % {"language": language, "codes": ", ".join(language_codes())}
            )
        self.plan = plan
        self.parsed = parsed
        self.by = by
        self.language = language
        self.create_agencies = create_agencies
        self.replace = replace
        self.progress = progress
        self.report = ImportReport(
            plan=plan.code,
            language=language,
            ignored_columns=list(parsed.ignored_columns),
            title_block=parsed.title_block,
        )
        self.problems = Problems()
        for problem in parsed.problems:
            self.problems.extend(problem)

    def run(self) -> ImportReport:
        # One import into a plan at a time.
        list(Plan.objects.select_for_update().filter(pk=self.plan.pk).values_list("pk", flat=True))
        self.sections = {s.number: s for s in Section.objects.filter(plan=self.plan)}
        self.actions = {a.number: a for a in Action.objects.filter(plan=self.plan).with_related()}
        if not self.replace and (self.sections or self.actions):
            if self.actions:
                message = ngettext(
                    "The plan already has %(count)d action; use --replace to update it from the file.",
                    "The plan already has %(count)d actions; use --replace to update it from the file.",
                    len(self.actions),
                ) % {"count": len(self.actions)}
            else:
                message = ngettext(
                    "The plan already has %(count)d section; use --replace to update it from the file.",
                    "The plan already has %(count)d sections; use --replace to update it from the file.",
                    len(self.sections),
                ) % {"count": len(self.sections)}
            raise PlanNotEmptyError(message, actions=len(self.actions), sections=len(self.sections))
        self._resolve()
        self.problems.raise_if_any()
        self._write()
        self.problems.raise_if_any()
        return self.report

    # Before the first write -----------------------------------------------------------------

    def _label(self, column: Column) -> str:
        return self.parsed.column_label(column)

    def _resolve(self) -> None:
        self.forms = _FormResolver(self.language)
        themes = _ThemeResolver()
        lookup = AgencyResolver(create_missing=False)
        self.agency_ids: dict[str, int | None] = {}  # casefolded mention -> agency id (None: new)
        self.theme_lists: dict[int, list[Theme]] = {}
        self.action_forms: dict[int, FormOfCompletion | None] = {}
        for action in self.parsed.actions:
            if action.form:
                self.action_forms[action.row] = self.forms.find(action.form)
            self._resolve_agencies(action, lookup)
            found: list[Theme] = []
            for name in action.themes:
                theme = themes.find(name)
                if theme is None:
                    self.problems.add(
                        _("Unknown theme “%(theme)s”.") % {"theme": name},
                        row=action.row,
                        column=self._label(Column.THEMES),
                    )
                elif theme not in found:
                    found.append(theme)
            self.theme_lists[action.row] = found
        for section in self.parsed.sections:
            if section.implicit:
                title = getattr(self.plan, f"title_{self.language}") or str(self.plan.title)
                section.title = title[:500]

    def _resolve_agencies(self, action: ParsedAction, lookup: AgencyResolver) -> None:
        column = self._label(Column.AGENCIES)
        seen: dict[int, str] = {}
        for mention in action.agencies:
            name = mention.abbreviation
            try:
                agency = lookup.resolve(name)
            except AgencyListError as error:
                if not self.create_agencies:
                    self.problems.add(str(error), row=action.row, column=column)
                elif len(name) > 32:
                    self.problems.add(
                        _("“%(name)s” is too long for an abbreviation (32 characters at most).")
                        % {"name": name},
                        row=action.row,
                        column=column,
                    )
                self.agency_ids[name.casefold()] = None
                continue
            self.agency_ids[name.casefold()] = agency.pk
            if agency.pk in seen:
                self.problems.add(
                    _("%(first)s and %(second)s are the same agency.")
                    % {"first": seen[agency.pk], "second": name},
                    row=action.row,
                    column=column,
                )
            seen[agency.pk] = name

    # Writes ---------------------------------------------------------------------------------

    def _write(self) -> None:
        self.report.forms_created = self.forms.save_new(by=self.by)
        self.resolver = AgencyResolver(create_missing=self.create_agencies, by=self.by)
        keep_sections: set[str] = set()
        keep_actions: set[str] = set()
        total = sum(len(section.actions) for section in self.parsed.sections)
        for position, parsed_section in enumerate(self.parsed.sections, start=1):
            section = self._write_section(parsed_section, position)
            keep_sections.add(section.number)
            for order, parsed_action in enumerate(parsed_section.actions, start=1):
                self._guarded(parsed_action, self._write_action, section, parsed_action, order)
                keep_actions.add(parsed_action.number)
                if self.progress is not None:
                    self.progress(len(keep_actions), total)
        if self.replace:
            self._delete(keep_sections, keep_actions)
        self.report.agencies_created = [agency.abbreviation for agency in self.resolver.created]

    def _guarded(self, parsed: ParsedAction, write: Callable[..., None], *args: Any) -> None:
        """Turn an error from plans.actions into a problem naming the row and the column."""
        try:
            write(*args)
        except ValidationError as error:
            by_field = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            for name, messages in by_field.items():
                base = name.rsplit("_", 1)[0] if name.endswith(("_en", "_ru", "_kk")) else name
                column = _FIELD_COLUMNS.get(base)
                label = self._label(column) if column else None
                for message in messages:
                    self.problems.add(message, row=parsed.row, column=label)
        except AgencyListError as error:
            self.problems.add(str(error), row=parsed.row, column=self._label(Column.AGENCIES))
        except ConcurrentEditError:
            self.problems.add(
                _(
                    "Someone changed this action while the file was being imported. Import it again."
                ),
                row=parsed.row,
            )
        self.problems.raise_if_any()

    def _write_section(self, parsed: ParsedSection, position: int) -> Section:
        title_field = f"title_{self.language}"
        fields = {title_field: parsed.title, "order": position}
        section = self.sections.get(parsed.number)
        try:
            if section is None:
                section = plan_actions.create_section(
                    self.plan, by=self.by, number=parsed.number, **fields
                )
                self.report.sections_created += 1
            elif any(getattr(section, name) != value for name, value in fields.items()):
                plan_actions.update_section(section, fields, by=self.by)
                self.report.sections_updated += 1
        except ValidationError as error:
            raise TableError(
                " ".join(error.messages), row=parsed.row, column=self._label(Column.ACTION)
            ) from error
        except ConcurrentEditError as error:
            raise TableError(str(ConcurrentEditError.message), row=parsed.row) from error
        return section

    def _action_fields(self, parsed: ParsedAction, order: int) -> dict[str, Any]:
        columns = self.parsed.columns
        fields: dict[str, Any] = {f"title_{self.language}": parsed.title, "order": order}
        if Column.FORM in columns:
            fields["form_of_completion"] = self.action_forms.get(parsed.row)
        if Column.EXPECTED_RESULT in columns:
            fields[f"expected_result_{self.language}"] = parsed.expected_result
        if Column.DESCRIPTION in columns:
            fields[f"description_{self.language}"] = parsed.description
        return fields

    def _write_action(self, section: Section, parsed: ParsedAction, order: int) -> None:
        fields = self._action_fields(parsed, order)
        themes = (
            self.theme_lists.get(parsed.row, []) if Column.THEMES in self.parsed.columns else None
        )
        action = self.actions.get(parsed.number)
        if action is None:
            action = plan_actions.create_action(
                section,
                by=self.by,
                number=parsed.number,
                deadline=parsed.deadline,
                agencies=parsed.agencies,
                themes=themes or (),
                resolver=self.resolver,
                **fields,
            )
            self.report.actions_created += 1
        elif self._changed(action, section, fields, parsed, themes):
            plan_actions.update_action(
                action,
                {**fields, "section": section},
                by=self.by,
                deadline=parsed.deadline,
                agencies=parsed.agencies,
                themes=themes,
                resolver=self.resolver,
            )
            self.report.actions_updated += 1
        else:
            self.report.actions_unchanged += 1
        if action.deadline_needs_review:
            self.report.deadlines_needing_review.append(action.number)

    def _changed(
        self,
        action: Action,
        section: Section,
        fields: dict[str, Any],
        parsed: ParsedAction,
        themes: list[Theme] | None,
    ) -> bool:
        if action.section_id != section.pk or parsed.deadline.strip() != action.deadline_text:
            return True
        for name, value in fields.items():
            if name == "form_of_completion":
                if action.form_of_completion_id != (value.pk if value else None):
                    return True
            elif getattr(action, name) != value:
                return True
        assignments = sorted(
            action.assignments.all(),
            key=lambda a: (a.role != ActionAgency.Role.LEAD, a.order, a.pk),
        )
        current = [(a.agency_id, a.as_agreed) for a in assignments]
        wanted = [
            (self.agency_ids.get(m.abbreviation.casefold()), m.as_agreed) for m in parsed.agencies
        ]
        if current != wanted:
            return True
        return themes is not None and {t.pk for t in themes} != {t.pk for t in action.themes.all()}

    def _delete(self, keep_sections: set[str], keep_actions: set[str]) -> None:
        for number, action in self.actions.items():
            if number in keep_actions:
                continue
            try:
                plan_actions.delete_action(action, by=self.by)
            except (ProtectedError, RestrictedError) as error:
                raise TableError(
                    _(
                        "Action %(number)s is not in the file, but it cannot be deleted because "
                        "other records (such as progress reports) refer to it. Keep it in the file."
                    )
                    % {"number": number}
                ) from error
            self.report.actions_deleted += 1
        for number, section in self.sections.items():
            if number in keep_sections:
                continue
            try:
                plan_actions.delete_section(section, by=self.by)
            except (ProtectedError, RestrictedError) as error:
                raise TableError(
                    _("Section %(number)s is not in the file, but other records refer to it.")
                    % {"number": number}
                ) from error
            self.report.sections_deleted += 1


def import_plan_table(
    plan: Plan,
    parsed: ParsedPlanTable,
    *,
    by: Any,
    language: str = "en",
    create_agencies: bool = False,
    replace: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Write the table into the plan, all or nothing. ``dry_run`` validates and rolls back.

    ``progress(done, total)`` is called after each action is written.
    """
    importer = PlanTableImporter(
        plan,
        parsed,
        by=by,
        language=language,
        create_agencies=create_agencies,
        replace=replace,
        progress=progress,
    )
    try:
        with transaction.atomic():
            report = importer.run()
            if dry_run:
                report.dry_run = True
                transaction.set_rollback(True)
    except DatabaseError as error:
        raise TableError(
            _("The database refused the import: %(error)s") % {"error": error}
        ) from error
    return report


def load_plan_table(
    source: Source,
    plan: Plan,
    *,
    by: Any,
    filename: str = "",
    sheet: str | None = None,
    language: str = "en",
    create_agencies: bool = False,
    replace: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Read, parse and import a file: what the command and the staff upload page call."""
    parsed = parse_plan_table(read_rows(source, filename=filename, sheet=sheet), strict=False)
    return import_plan_table(
        plan,
        parsed,
        by=by,
        language=language,
        create_agencies=create_agencies,
        replace=replace,
        dry_run=dry_run,
        progress=progress,
    )


def load_new_plan_table(
    source: Source,
    *,
    code: str,
    country: str,
    title: str,
    by: Any,
    language: str = "en",
    dry_run: bool = False,
    **options: Any,
) -> tuple[Plan, ImportReport]:
    """Create a draft plan and fill it from a table: both or neither. ``options`` are
    ``load_plan_table``'s (filename, sheet, create_agencies, progress).

    Raises ``ValidationError`` for the plan's own fields (a taken code, an unknown country)
    and ``TableError`` for the table; either way nothing is saved, as with ``dry_run``.
    """
    with transaction.atomic():
        plan = plan_actions.create_plan(
            by=by,
            code=code,
            country=country,
            status=Plan.Status.DRAFT,
            **{f"title_{language}": title},
        )
        report = load_plan_table(source, plan, by=by, language=language, **options)
        if dry_run:
            report.dry_run = True
            transaction.set_rollback(True)
    return plan, report
