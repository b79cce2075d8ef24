"""The assessment's own blocks: summary figures, charts, overdue actions, actions taken off
monitoring, and the table of every action, section by section.

Each collects JSON from ``PlanFacts`` (see ``content.py`` for the definitions of on time,
overdue and status over periods) and writes it to DOCX and XLSX; the HTML partials are
``templates/assessments/blocks/<key>.html``, shared by the web page and the PDF.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from rightsmonitor.assessments.blocks import AssessmentBlock, BlockData, register
from rightsmonitor.assessments.content import (
    STATUSES,
    PlanFacts,
    Texts,
    evidence_links,
    pick,
    status_counts,
    texts,
)
from rightsmonitor.assessments.renderers.common import (
    Cell,
    Link,
    Percent,
    format_date,
    status_label,
)
from rightsmonitor.core.translation import language_codes
from rightsmonitor.plans.deadline_display import deadline_label
from rightsmonitor.plans.models import Action, ActionAgency, Agency

if TYPE_CHECKING:
    from rightsmonitor.assessments.renderers.docx import DocxWriter
    from rightsmonitor.assessments.renderers.xlsx import XlsxWriter


def _status_headers(first: str) -> list[str]:
    return [first, *(status_label(key) for key in STATUSES), _("Total")]


def _count_rows(rows: list[dict[str, Any]], language: str, *, name_key: str) -> list[list[Cell]]:
    return [
        [
            _row_name(row, language, name_key),
            *(row["counts"].get(key, 0) for key in STATUSES),
            row["total"],
        ]
        for row in rows
    ]


def _abbreviations(agency: Agency) -> Texts:
    """An agency's abbreviation in every language (MIA, МВД, ІІМ), as snapshots keep texts."""
    return {code: agency.abbreviation_in(code) for code in language_codes()}


def _row_name(row: dict[str, Any], language: str, name_key: str) -> str:
    if name_key == "section":
        return f"{row['number']}. {pick(row['title'], language)}"
    name = pick(row["name"], language)
    # Snapshots approved before abbreviations were translated have the English one only.
    short = pick(row.get("abbreviations") or row["abbreviation"], language)
    return f"{short} ({name})" if name and name != short else short


class SummaryBlock(AssessmentBlock):
    key = "summary"
    title = gettext_lazy("Summary")
    order = 10
    template = "assessments/blocks/summary.html"

    def collect(self, facts: PlanFacts) -> BlockData:
        overall = status_counts()
        by_section: dict[int, dict[str, Any]] = {
            section.pk: {
                "number": section.number,
                "title": texts(section, "title"),
                "counts": status_counts(),
                "total": 0,
            }
            for section in facts.sections
        }
        by_lead: dict[str, dict[str, Any]] = {}
        due = on_time = late = 0
        end = facts.assessment.end
        for action in facts.actions:
            status = facts.status(action)
            overall[status] += 1
            section_row = by_section[action.section_id]
            section_row["counts"][status] += 1
            section_row["total"] += 1
            lead = facts.lead(action)
            abbreviation = lead.agency.abbreviation if lead else "—"
            lead_row = by_lead.setdefault(
                abbreviation,
                {
                    "abbreviation": abbreviation,
                    "abbreviations": _abbreviations(lead.agency) if lead else {},
                    "name": texts(lead.agency, "name") if lead else {},
                    "counts": status_counts(),
                    "total": 0,
                },
            )
            lead_row["counts"][status] += 1
            lead_row["total"] += 1
            if action.due_date and action.due_date <= end:
                due += 1
                completed = facts.completed_on(action)
                if completed and completed <= action.due_date:
                    on_time += 1
                elif completed:
                    late += 1
        return {
            "total": len(facts.actions),
            "by_status": overall,
            "due": due,
            "completed_on_time": on_time,
            "completed_late": late,
            "on_time_rate": round(100 * on_time / due, 1) if due else None,
            "overdue": len(facts.overdue_days),
            "off_monitoring": sum(1 for a in facts.actions if not facts.on_monitoring(a)),
            "by_section": list(by_section.values()),
            "by_lead_agency": sorted(by_lead.values(), key=lambda row: row["abbreviation"]),
        }

    @staticmethod
    def figures(data: BlockData) -> list[tuple[str, Any]]:
        """The headline figures, labelled, in the order every format shows them."""
        rate = data["on_time_rate"]
        return [
            (_("Actions in the plan"), data["total"]),
            # .get: snapshots published before "not yet assessed" was counted lack that key.
            *((status_label(key), data["by_status"].get(key, 0)) for key in STATUSES),
            (_("Actions due by the end of the period"), data["due"]),
            (_("Completed on time"), data["completed_on_time"]),
            (_("Completed late"), data["completed_late"]),
            (_("On-time rate"), "—" if rate is None else Percent(rate)),
            (_("Overdue actions"), data["overdue"]),
            (_("Actions taken off monitoring"), data["off_monitoring"]),
        ]

    def write_docx(self, writer: DocxWriter, data: BlockData) -> None:
        writer.heading(str(self.title), 1)
        writer.table(
            [_("Figure"), _("Value")], [[label, value] for label, value in self.figures(data)]
        )
        writer.heading(_("Actions by assessed status and section"), 2)
        writer.table(
            _status_headers(_("Section")),
            _count_rows(data["by_section"], writer.language, name_key="section"),
            landscape=True,
        )
        writer.heading(_("Actions by assessed status and lead agency"), 2)
        writer.table(
            _status_headers(_("Lead agency")),
            _count_rows(data["by_lead_agency"], writer.language, name_key="agency"),
            landscape=True,
        )

    def write_xlsx(self, writer: XlsxWriter, data: BlockData) -> None:
        writer.summary_table(
            str(self.title), [_("Figure"), _("Value")], [list(pair) for pair in self.figures(data)]
        )
        writer.summary_table(
            _("Actions by assessed status and section"),
            _status_headers(_("Section")),
            _count_rows(data["by_section"], writer.language, name_key="section"),
            stacked_chart=True,
        )
        writer.summary_table(
            _("Actions by assessed status and lead agency"),
            _status_headers(_("Lead agency")),
            _count_rows(data["by_lead_agency"], writer.language, name_key="agency"),
        )


class StatusOverPeriodsBlock(AssessmentBlock):
    """How the statuses moved from one reporting period to the next (two periods or more)."""

    key = "status_over_periods"
    title = gettext_lazy("Status over the reporting periods")
    order = 20
    template = "assessments/blocks/status_over_periods.html"

    def collect(self, facts: PlanFacts) -> BlockData | None:
        if len(facts.periods) < 2:
            return None
        rows = []
        for period in facts.periods:
            day = min(period.review_deadline, facts.as_of)
            counts = status_counts()
            for action in facts.actions:
                counts[facts.status_on(action, day)] += 1
            rows.append(
                {
                    "start": period.start.isoformat(),
                    "end": period.end.isoformat(),
                    "on": day.isoformat(),
                    "counts": counts,
                    "total": len(facts.actions),
                }
            )
        return {"periods": rows}

    @staticmethod
    def label(row: dict[str, Any]) -> str:
        return f"{format_date(row['start'])} – {format_date(row['end'])}"

    def _rows(self, data: BlockData) -> list[list[Cell]]:
        return [
            [self.label(row), *(row["counts"].get(key, 0) for key in STATUSES), row["total"]]
            for row in data["periods"]
        ]

    def write_docx(self, writer: DocxWriter, data: BlockData) -> None:
        writer.heading(str(self.title), 1)
        writer.table(_status_headers(_("Reporting period")), self._rows(data), landscape=True)

    def write_xlsx(self, writer: XlsxWriter, data: BlockData) -> None:
        writer.summary_table(
            str(self.title),
            _status_headers(_("Reporting period")),
            self._rows(data),
            stacked_chart=True,
        )


def _action_row(facts: PlanFacts, action: Action) -> dict[str, Any]:
    lead = facts.lead(action)
    return {
        "number": action.number,
        "title": texts(action, "title"),
        "due_date": action.due_date.isoformat() if action.due_date else None,
        "deadline_text": action.deadline_text,
        "lead": _abbreviations(lead.agency) if lead else "",
        "status": facts.status(action),
    }


class _ActionListBlock(AssessmentBlock):
    """A list of actions (``data["actions"]``): a landscape table, or a sentence when empty."""

    def headers(self) -> list[str]:
        raise NotImplementedError

    def cells(self, row: dict[str, Any], language: str) -> list[Cell]:
        raise NotImplementedError

    def empty_message(self) -> str:
        raise NotImplementedError

    def introduction(self, data: BlockData) -> str:
        return ""

    def rows(self, data: BlockData, language: str) -> list[list[Cell]]:
        return [self.cells(row, language) for row in data["actions"]]

    def write_docx(self, writer: DocxWriter, data: BlockData) -> None:
        writer.heading(str(self.title), 1)
        if introduction := self.introduction(data):
            writer.paragraph(introduction)
        if not data["actions"]:
            writer.paragraph(self.empty_message())
            return
        writer.table(self.headers(), self.rows(data, writer.language), landscape=True)

    def write_xlsx(self, writer: XlsxWriter, data: BlockData) -> None:
        writer.sheet(str(self.title), self.headers(), self.rows(data, writer.language))


class OverdueBlock(_ActionListBlock):
    key = "overdue"
    title = gettext_lazy("Overdue actions")
    order = 30
    template = "assessments/blocks/overdue.html"

    def collect(self, facts: PlanFacts) -> BlockData:
        rows = [
            {**_action_row(facts, action), "days_overdue": facts.overdue_days[action.pk]}
            for action in facts.actions
            if action.pk in facts.overdue_days
        ]
        rows.sort(key=lambda row: -row["days_overdue"])
        return {"as_of": facts.as_of.isoformat(), "actions": rows}

    def headers(self) -> list[str]:
        return [
            _("No."),
            _("Action"),
            _("Lead agency"),
            _("Deadline"),
            _("Days overdue"),
            _("Assessed status"),
        ]

    def cells(self, row: dict[str, Any], language: str) -> list[Cell]:
        return [
            row["number"],
            pick(row["title"], language),
            pick(row["lead"], language),
            deadline_label(row["deadline_text"], language=language) or format_date(row["due_date"]),
            row["days_overdue"],
            status_label(row["status"]),
        ]

    def introduction(self, data: BlockData) -> str:
        return _("As of %(date)s") % {"date": format_date(data["as_of"])}

    def empty_message(self) -> str:
        return _("No action is overdue.")


class OffMonitoringBlock(_ActionListBlock):
    key = "off_monitoring"
    title = gettext_lazy("Actions taken off monitoring")
    order = 40
    template = "assessments/blocks/off_monitoring.html"

    def collect(self, facts: PlanFacts) -> BlockData:
        rows = []
        for action in facts.actions:
            if facts.on_monitoring(action):
                continue
            change = facts.off_monitoring_change(action)
            monitoring = facts.monitoring[action.pk]
            rows.append(
                {
                    **_action_row(facts, action),
                    "reason": monitoring.off_monitoring_reason,
                    "date": timezone.localdate(change.at).isoformat() if change else None,
                }
            )
        return {"actions": rows}

    def headers(self) -> list[str]:
        return [
            _("No."),
            _("Action"),
            _("Assessed status"),
            _("Taken off monitoring"),
            _("Reason"),
        ]

    def cells(self, row: dict[str, Any], language: str) -> list[Cell]:
        return [
            row["number"],
            pick(row["title"], language),
            status_label(row["status"]),
            format_date(row["date"]),
            row["reason"],
        ]

    def empty_message(self) -> str:
        return _("No action has been taken off monitoring.")


class SectionTablesBlock(AssessmentBlock):
    """Every action of every section: deadline, agencies, status, the accepted report."""

    key = "sections"
    title = gettext_lazy("Implementation by section")
    order = 50
    template = "assessments/blocks/sections.html"

    def collect(self, facts: PlanFacts) -> BlockData:
        sections = []
        for section in facts.sections:
            rows = []
            for action in facts.actions_by_section.get(section.pk, []):
                report = facts.accepted_reports.get(action.pk)
                rows.append(
                    {
                        **_action_row(facts, action),
                        "agencies": [
                            {
                                "abbreviation": a.agency.abbreviation,
                                "abbreviations": _abbreviations(a.agency),
                                "lead": a.role == ActionAgency.Role.LEAD,
                                "as_agreed": a.as_agreed,
                            }
                            for a in action.assignments.all()
                        ],
                        "on_monitoring": facts.on_monitoring(action),
                        "overdue_days": facts.overdue_days.get(action.pk, 0),
                        "report": _report_summary(report) if report else None,
                    }
                )
            sections.append({"id": section.pk, "number": section.number, "actions": rows})
        return {"sections": sections}

    @staticmethod
    def agencies(row: dict[str, Any]) -> str:
        names = []
        for agency in row["agencies"]:
            name = pick(agency.get("abbreviations") or agency["abbreviation"], get_language())
            if agency["as_agreed"]:
                name = _("%(agency)s (as agreed)") % {"agency": name}
            names.append(name)
        return ", ".join(names)

    @staticmethod
    def report_text(report: dict[str, Any] | None) -> str:
        if not report:
            return _("No accepted report.")
        document = report["document"]
        parts = [report["narrative"]]
        if document["type"] or document["number"]:
            parts.append(
                _("Adopted document: %(type)s No. %(number)s of %(date)s")
                % {
                    "type": document["type"] or "—",
                    "number": document["number"] or "—",
                    "date": format_date(document["date"]) or "—",
                }
            )
        return "\n".join(part for part in parts if part)

    def headers(self) -> list[str]:
        return [
            _("No."),
            _("Action"),
            _("Deadline"),
            _("Agencies"),
            _("Assessed status"),
            _("Accepted report"),
            _("Evidence"),
        ]

    def rows(self, section: dict[str, Any], language: str) -> list[list[Cell]]:
        return [
            [
                row["number"],
                pick(row["title"], language),
                deadline_label(row["deadline_text"], language=language)
                or format_date(row["due_date"]),
                self.agencies(row),
                status_label(row["status"]),
                self.report_text(row["report"]),
                [Link(e["label"], e["url"]) for e in (row["report"] or {}).get("evidence", [])],
            ]
            for row in section["actions"]
        ]

    def write_docx(self, writer: DocxWriter, data: BlockData) -> None:
        writer.heading(str(self.title), 1)
        titles = {s["id"]: s for s in writer.snapshot["sections"]}
        for section in data["sections"]:
            frame = titles.get(section["id"], {})
            writer.heading(f"{section['number']}. {pick(frame.get('title'), writer.language)}", 2)
            comment = pick(frame.get("comment"), writer.language)
            if comment:
                writer.html(comment)
            writer.table(self.headers(), self.rows(section, writer.language), landscape=True)

    def write_xlsx(self, writer: XlsxWriter, data: BlockData) -> None:
        titles = {s["id"]: s for s in writer.snapshot["sections"]}
        for section in data["sections"]:
            frame = titles.get(section["id"], {})
            writer.sheet(
                _("Section %(number)s") % {"number": section["number"]},
                self.headers(),
                self.rows(section, writer.language),
                caption=f"{section['number']}. {pick(frame.get('title'), writer.language)}",
            )


def _report_summary(report: Any) -> dict[str, Any]:
    return {
        "agency": report.agency.abbreviation,
        "period_start": report.period.start.isoformat(),
        "period_end": report.period.end.isoformat(),
        "narrative": report.narrative,
        "proposed_status": report.proposed_status,
        "document": {
            "type": report.document_type,
            "number": report.document_number,
            "date": report.document_date.isoformat() if report.document_date else None,
        },
        "evidence": evidence_links(report),
    }


def register_core_blocks() -> None:
    for block in (
        SummaryBlock(),
        StatusOverPeriodsBlock(),
        OverdueBlock(),
        OffMonitoringBlock(),
        SectionTablesBlock(),
    ):
        register(block)
