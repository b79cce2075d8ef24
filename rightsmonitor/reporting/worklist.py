"""What a person has to do with reports now: the lists of each role's home page.

``worklist(user)`` answers in a constant number of queries, whatever the number of actions,
periods or reports:

- a **focal point**: reports to write (no report yet for an open period, drafts, signed-off
  reports to submit), those waiting for sign-off, those with the coordinator, those that came
  back (returned), and those assigned to them;
- a **validating authority** (a focal point too): the reports waiting for their sign-off;
- a **coordinator**: the reports awaiting review.

Each item carries its deadline (the agencies' for the agency side, the coordinator's for
review) and whether it has passed. Whose move a report is comes from the workflow table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from rightsmonitor.plans.models import Action, ActionAgency, Agency
from rightsmonitor.reporting import access
from rightsmonitor.reporting.models import AgencyReportingSettings, ProgressReport, ReportingPeriod
from rightsmonitor.reporting.queries import monitored_actions
from rightsmonitor.reporting.workflow import AWAITING_REVIEW, Actor, ReportState
from rightsmonitor.reporting.workflow import available_transitions as table_transitions


@dataclass(frozen=True)
class WorkItem:
    """One report to act on, or one not yet started (``report`` None)."""

    action: Action
    agency: Agency
    period: ReportingPeriod
    report: ProgressReport | None
    due: date
    overdue: bool


@dataclass
class Worklist:
    to_write: list[WorkItem] = field(default_factory=list)
    awaiting_sign_off: list[WorkItem] = field(default_factory=list)
    with_coordinator: list[WorkItem] = field(default_factory=list)
    came_back: list[WorkItem] = field(default_factory=list)
    assigned_to_me: list[WorkItem] = field(default_factory=list)
    to_sign_off: list[WorkItem] = field(default_factory=list)  # validating authorities
    to_review: list[WorkItem] = field(default_factory=list)  # coordinators

    @property
    def to_do(self) -> int:
        """What waits for this person's move (for a count in the navigation)."""
        return (
            len(self.to_write) + len(self.came_back) + len(self.to_sign_off) + len(self.to_review)
        )


def _item(report: ProgressReport, today: date, *, review: bool = False) -> WorkItem:
    due = report.period.review_deadline if review else report.period.submission_deadline
    return WorkItem(report.action, report.agency, report.period, report, due, due < today)


def worklist(user: Any, *, on: date | None = None) -> Worklist:
    """The user's lists; empty for people who have no reports to act on."""
    today = on or timezone.localdate()
    result = Worklist()
    if access.can_review(user):
        awaiting = (
            ProgressReport.objects.awaiting_review()
            .select_related("action__plan", "agency", "period")
            .order_by("period__review_deadline", "action__plan__code", "action__order", "pk")
        )
        result.to_review = [_item(report, today, review=True) for report in awaiting]
        return result
    own = access.reporting_agency_id(user)
    validated = access.validated_agency_ids(user)
    agency_ids = ({own} if own else set()) | validated
    if not agency_ids:
        return result
    steps = {
        row.agency_id: row
        for row in AgencyReportingSettings.objects.filter(agency_id__in=agency_ids)
    }

    def transitions(report: ProgressReport) -> set[str]:
        row = steps.get(report.agency_id)
        return {
            t.actor
            for t in table_transitions(
                report.state,
                sign_off_required=bool(row and row.sign_off_required),
                times_returned=report.times_returned,
                ready_step=bool(row and row.sign_off_required and row.ready_step),
            )
        }

    open_periods = {
        period.pk: period
        for period in ReportingPeriod.objects.filter(
            start__lte=today, review_deadline__gte=today
        ).with_plan()
    }
    # Every report not yet accepted, and those of open periods; of monitored actions.
    actions = monitored_actions().filter(assignments__agency_id__in=agency_ids)
    reports = list(
        ProgressReport.objects.filter(agency_id__in=agency_ids, action__in=actions.values("pk"))
        .filter(~Q(state=ReportState.ACCEPTED) | Q(period_id__in=list(open_periods)))
        .select_related("action__plan", "action__section", "agency", "period", "assignee")
        .order_by("period__submission_deadline", "action__section__order", "action__order", "pk")
    )
    for report in reports:
        item = _item(report, today)
        actors = transitions(report)
        if report.agency_id == own:
            if report.assignee_id == user.pk and report.state != ReportState.ACCEPTED:
                result.assigned_to_me.append(item)
            if report.state == ReportState.RETURNED:
                result.came_back.append(item)
            elif report.state in AWAITING_REVIEW:
                result.with_coordinator.append(item)
            elif report.state == ReportState.READY or (
                Actor.VALIDATOR in actors and Actor.AUTHOR not in actors
            ):
                result.awaiting_sign_off.append(item)
            elif Actor.AUTHOR in actors:
                result.to_write.append(item)
        signable = report.state != ReportState.DRAFT or report.narrative.strip()
        if report.agency_id in validated and Actor.VALIDATOR in actors and signable:
            result.to_sign_off.append(item)
    if own and open_periods:
        started = {(r.action_id, r.period_id) for r in reports if r.agency_id == own}
        assignments = list(
            ActionAgency.objects.filter(
                agency_id=own,
                action__in=actions.filter(plan_id__in={p.plan_id for p in open_periods.values()}),
            ).with_action()
        )
        missing = [
            WorkItem(
                a.action,
                a.agency,
                period,
                None,
                period.submission_deadline,
                period.submission_deadline < today,
            )
            for period in open_periods.values()
            for a in assignments
            if a.action.plan_id == period.plan_id
            and (a.action_id, period.pk) not in started
            and not (a.action.start_date and a.action.start_date > period.end)
        ]
        result.to_write = sorted(
            [*missing, *result.to_write],
            key=lambda i: (i.due, i.action.section.order, i.action.order, i.action.pk),
        )
    return result
