"""The content of an assessment: facts read from the database once, blocks, the snapshot.

``build_snapshot(assessment)`` reads everything the blocks need in a fixed number of queries
(``PlanFacts``), lets each registered block collect its JSON, and returns one JSON-ready dict:
the plan, the assessment's texts, the section comments and the blocks' data. Texts are kept in
every language (``{"en": ..., "ru": ..., "kk": ...}``) so that one snapshot renders in all of
them; interface words (status names, headings) are translated when rendering.

Definitions the report states in its notes:

- **Assessed status**: the coordinator's verdict on the action (``ActionMonitoring``) when the
  content is built; an action never assessed counts as "not yet assessed", as on the dashboard,
  the action pages and in the open data (``reporting.queries.status_of``, the one definition).
- **On time**: an action due on or before the end of the assessed period that the coordinator
  assessed completed, with the verdict recorded on or before its due date.
- **Overdue**: the action deadlines missed on the "as of" date (``reporting.queries``); days
  overdue counted from the deadline.
- **Status over periods**: each action's assessed status on each reporting period's review
  deadline (or the "as of" date if that is earlier), rebuilt from the verdicts' audit rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from rightsmonitor.assessments.blocks import registered_blocks
from rightsmonitor.assessments.models import Assessment
from rightsmonitor.core.translation import fallback_order, language_codes
from rightsmonitor.plans.models import Action, ActionAgency, Plan, Section
from rightsmonitor.reporting import queries
from rightsmonitor.reporting.models import (
    ActionMonitoring,
    ImplementationStatus,
    MonitoringChange,
    ProgressReport,
    ReportingPeriod,
)
from rightsmonitor.reporting.queries import DueKind, due_items
from rightsmonitor.reporting.workflow import ReportState

SNAPSHOT_SCHEMA = 1
STATUSES = list(queries.STATUSES)
Texts = dict[str, str]


def texts(instance: Any, name: str) -> Texts:
    """Every language's value of a translated field, e.g. {"en": ..., "ru": ..., "kk": ...}."""
    return {code: getattr(instance, f"{name}_{code}", "") or "" for code in language_codes()}


def pick(values: Texts | str | None, language: str | None) -> str:
    """The text in ``language``, else the first available in the usual fallback order."""
    if values is None:
        return ""
    if isinstance(values, str):
        return values
    for code in fallback_order(language):
        if values.get(code):
            return values[code]
    return ""


def status_counts() -> dict[str, int]:
    return dict.fromkeys(STATUSES, 0)


@dataclass
class PlanFacts:
    """What the blocks read, loaded once per build."""

    assessment: Assessment
    plan: Plan
    as_of: date
    sections: list[Section]
    actions: list[Action]  # in plan order, with assignments and their agencies
    monitoring: dict[int, ActionMonitoring]
    accepted_reports: dict[int, ProgressReport]  # per action: the latest accepted consolidated
    periods: list[ReportingPeriod]  # of the plan, ending on or before the assessment's end
    changes: dict[int, list[MonitoringChange]]  # per action, oldest first
    overdue_days: dict[int, int]  # per overdue action: the most days any deadline is overdue
    actions_by_section: dict[int, list[Action]] = field(default_factory=dict)

    def status(self, action: Action) -> str:
        return queries.status_of_monitoring(self.monitoring.get(action.pk))

    def on_monitoring(self, action: Action) -> bool:
        monitoring = self.monitoring.get(action.pk)
        return monitoring.on_monitoring if monitoring else True

    def lead(self, action: Action) -> ActionAgency | None:
        return next((a for a in action.assignments.all() if a.role == ActionAgency.Role.LEAD), None)

    def status_on(self, action: Action, day: date) -> str:
        """The assessed status the action had at the end of ``day`` ("not_assessed" before
        its first verdict)."""
        status = queries.NOT_ASSESSED
        for change in self.changes.get(action.pk, []):
            if change.field != MonitoringChange.Field.ASSESSED_STATUS:
                continue
            if timezone.localdate(change.at) > day:
                break
            status = change.new_value
        return status

    def completed_on(self, action: Action) -> date | None:
        """The day of the verdict that made the action's current status "completed"."""
        if self.status(action) != ImplementationStatus.COMPLETED:
            return None
        for change in reversed(self.changes.get(action.pk, [])):
            if (
                change.field == MonitoringChange.Field.ASSESSED_STATUS
                and change.new_value == ImplementationStatus.COMPLETED
            ):
                return timezone.localdate(change.at)
        return None

    def off_monitoring_change(self, action: Action) -> MonitoringChange | None:
        for change in reversed(self.changes.get(action.pk, [])):
            if change.field == MonitoringChange.Field.ON_MONITORING and change.new_value == "False":
                return change
        return None


def gather_facts(assessment: Assessment, *, as_of: date | None = None) -> PlanFacts:
    plan = Plan.objects.with_related().get(pk=assessment.plan_id)
    as_of = as_of or timezone.localdate()
    sections = list(plan.sections.order_by("order", "pk"))
    actions = list(
        Action.objects.filter(plan=plan)
        .select_related("section", "form_of_completion")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=ActionAgency.objects.select_related("agency").order_by("order", "pk"),
            )
        )
        .order_by("section__order", "section_id", "order", "pk")
    )
    monitoring = {m.action_id: m for m in ActionMonitoring.objects.filter(action__plan=plan)}
    accepted: dict[int, ProgressReport] = {}
    reports = (
        ProgressReport.objects.filter(
            action__plan=plan,
            kind=ProgressReport.Kind.CONSOLIDATED,
            state=ReportState.ACCEPTED,
            period__end__gte=assessment.start,
            period__end__lte=assessment.end,
        )
        .select_related("agency", "period")
        .prefetch_related("evidence")
        .order_by("period__end", "pk")
    )
    for report in reports:
        accepted[report.action_id] = report  # the latest period wins
    changes: dict[int, list[MonitoringChange]] = defaultdict(list)
    for change in MonitoringChange.objects.filter(action__plan=plan).order_by("at", "pk"):
        changes[change.action_id].append(change)
    overdue_days: dict[int, int] = {}
    for item in due_items(on=as_of, horizon_days=0, plan=plan):
        if item.kind == DueKind.ACTION_DEADLINE and item.overdue:
            action_id = item.action.pk
            overdue_days[action_id] = max(overdue_days.get(action_id, 0), item.days_overdue)
    periods = list(plan.reporting_periods.filter(end__lte=assessment.end).order_by("end"))
    by_section: dict[int, list[Action]] = defaultdict(list)
    for action in actions:
        by_section[action.section_id].append(action)
    return PlanFacts(
        assessment=assessment,
        plan=plan,
        as_of=as_of,
        sections=sections,
        actions=actions,
        monitoring=monitoring,
        accepted_reports=accepted,
        periods=periods,
        changes=dict(changes),
        overdue_days=overdue_days,
        actions_by_section=dict(by_section),
    )


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def evidence_links(report: ProgressReport) -> list[dict[str, str]]:
    """The report's evidence as label and public address (files through the checked view)."""
    links = []
    for item in report.evidence.all():
        if item.file:
            # Accepted reports only: the public address, which downloads without login.
            url = absolute_url(reverse("reporting:public_evidence", args=[item.pk]))
            label = item.original_name
        else:
            url = item.url
            label = item.description or item.url
        links.append({"label": label, "url": url})
    return links


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def build_snapshot(assessment: Assessment, *, as_of: date | None = None) -> dict[str, Any]:
    """The assessment's whole content as JSON-ready data (see the module's docstring)."""
    facts = gather_facts(assessment, as_of=as_of)
    plan = facts.plan
    instrument = plan.adopting_instrument
    comments = {c.section_id: c for c in assessment.section_comments.all()}
    blocks = []
    for block in registered_blocks():
        data = block.collect(facts)
        if data is not None:
            blocks.append({"key": block.key, "data": data})
    return {
        "schema": SNAPSHOT_SCHEMA,
        "as_of": facts.as_of.isoformat(),
        "built_at": timezone.now().isoformat(),
        "plan": {
            "code": plan.code,
            "title": texts(plan, "title"),
            "country": plan.country,
            "period_start": _iso(plan.period_start),
            "period_end": _iso(plan.period_end),
            "url": absolute_url(plan.get_absolute_url()),
            "instrument": {
                "title": texts(instrument, "title"),
                "number": instrument.number,
                "date": _iso(instrument.date),
            }
            if instrument
            else None,
        },
        "assessment": {
            "start": assessment.start.isoformat(),
            "end": assessment.end.isoformat(),
            "edition": assessment.edition,
            "introduction": texts(assessment, "introduction"),
            "conclusions": texts(assessment, "conclusions"),
        },
        "sections": [
            {
                "id": section.pk,
                "number": section.number,
                "title": texts(section, "title"),
                "comment": texts(comments[section.pk], "comment") if section.pk in comments else {},
            }
            for section in facts.sections
        ],
        "blocks": blocks,
    }
