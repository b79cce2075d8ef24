"""Who may see, write and review progress reports. Pages, the API and commands ask here.

- Coordinators and administrators see every report and review them.
- A focal point writes and submits the reports of their own agency, and sees the contributions
  of co-executors on actions their agency leads (to consolidate them), whatever their state.
  A co-executor does not see the lead's consolidated report before it is accepted.
- An agency's validating authority sees and signs off that agency's reports.
- Everyone may read accepted reports of public plans; nobody else's drafts.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from rightsmonitor.core.roles import is_focal_point, is_staff_role
from rightsmonitor.core.workflow import Transition, WhoCheck
from rightsmonitor.plans.models import Action, ActionAgency, PlanQuerySet
from rightsmonitor.reporting.models import (
    AgencyReportingSettings,
    Evidence,
    ProgressReport,
    ProgressReportQuerySet,
)
from rightsmonitor.reporting.workflow import (
    EDITABLE_STATES,
    Actor,
    ReportState,
    available_transitions,
)


def reporting_agency_id(user: Any) -> int | None:
    """The agency ``user`` writes reports for: their own, if they are an active focal point."""
    if is_focal_point(user):
        return int(user.agency_id) if user.agency_id else None
    return None


def can_see_officials(user: Any) -> bool:
    """Who took each review step, by e-mail: for the government side, not the public."""
    return is_staff_role(user) or is_focal_point(user)


def validated_agency_ids(user: Any) -> set[int]:
    """The agencies whose reports ``user`` signs off (as long as they still work there)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.agency_id:
        return set()
    return set(
        AgencyReportingSettings.objects.filter(
            validating_authority=user, agency_id=user.agency_id
        ).values_list("agency_id", flat=True)
    )


def sign_off_required(agency_id: int) -> bool:
    """Whether the agency's reports go to its validating authority before submission.

    Agencies without reporting settings have not named a validating authority: they submit
    directly. Once settings exist, the sign-off step is on unless they turn it off.
    """
    return AgencyReportingSettings.objects.filter(
        agency_id=agency_id, sign_off_required=True
    ).exists()


def uses_ready_step(agency_id: int) -> bool:
    """Whether the agency's validating authority signs off only reports marked ready."""
    return AgencyReportingSettings.objects.filter(
        agency_id=agency_id, sign_off_required=True, ready_step=True
    ).exists()


def reports_for_user(user: Any) -> ProgressReportQuerySet:
    reports = ProgressReport.objects.all()
    if is_staff_role(user):
        return reports
    visible = Q(state=ReportState.ACCEPTED, action__plan__status__in=PlanQuerySet.PUBLIC_STATUSES)
    agency_id = reporting_agency_id(user)
    if agency_id:
        led_actions = ActionAgency.objects.filter(agency_id=agency_id, role=ActionAgency.Role.LEAD)
        visible |= Q(agency_id=agency_id) | Q(
            kind=ProgressReport.Kind.CONTRIBUTION, action__in=led_actions.values("action_id")
        )
    validated = validated_agency_ids(user)
    if validated:
        visible |= Q(agency_id__in=validated)
    return reports.filter(visible)


def can_view_report(user: Any, report: ProgressReport) -> bool:
    return reports_for_user(user).filter(pk=report.pk).exists()


def is_author(user: Any, report: ProgressReport) -> bool:
    return reporting_agency_id(user) == report.agency_id


def is_validator(user: Any, report: ProgressReport) -> bool:
    return report.agency_id in validated_agency_ids(user)


def can_edit_report(user: Any, report: ProgressReport) -> bool:
    """Change the text and the evidence: the author, while the report is a draft or returned."""
    return is_author(user, report) and report.state in EDITABLE_STATES


# Whether a user is each actor the workflow table names, for a report.
ACTOR_CHECKS: dict[str, WhoCheck] = {
    Actor.AUTHOR: is_author,
    Actor.VALIDATOR: is_validator,
    Actor.COORDINATOR: lambda u, _r: is_staff_role(u),
}


def can_take(user: Any, report: ProgressReport, transition: Transition) -> bool:
    return transition.may_be_taken_by(user, report, ACTOR_CHECKS)


def transitions_for(user: Any, report: ProgressReport) -> list[Transition]:
    """The transitions ``user`` may take on ``report`` now: the buttons a page shows."""
    possible = available_transitions(
        report.state,
        sign_off_required=sign_off_required(report.agency_id),
        times_returned=report.times_returned,
        ready_step=uses_ready_step(report.agency_id),
    )
    return [transition for transition in possible if can_take(user, report, transition)]


def can_assign(user: Any, report: ProgressReport) -> bool:
    """Hand a report to a colleague: a focal point of the report's agency, while it is open."""
    return is_author(user, report) and report.state != ReportState.ACCEPTED


def can_report_on(user: Any, action: Action) -> bool:
    """Start a report: a focal point of an agency responsible for the action."""
    agency_id = reporting_agency_id(user)
    return agency_id is not None and action.assignments.filter(agency_id=agency_id).exists()


def can_review(user: Any) -> bool:
    return is_staff_role(user)


def can_set_monitoring(user: Any) -> bool:
    return is_staff_role(user)


def can_view_action_timeline(user: Any, action: Action) -> bool:
    """Staff; focal points and validating authorities of an agency responsible for the action.

    ``action.assignments`` is expected to be prefetched.
    """
    if can_review(user):
        return True
    if can_report_on(user, action):
        return True
    validated = validated_agency_ids(user)
    return any(assignment.agency_id in validated for assignment in action.assignments.all())


# Evidence anyone may download ------------------------------------------------------------------

# The evidence of a report everyone may read (``reports_for_user`` of the public): an accepted
# report of a public plan. Drafts, reports under review and non-public plans stay private.
_PUBLIC_EVIDENCE = Q(
    report__state=ReportState.ACCEPTED,
    report__action__plan__status__in=PlanQuerySet.PUBLIC_STATUSES,
)


def public_evidence() -> QuerySet[Evidence]:
    """Evidence that downloads without login, from its public address."""
    return Evidence.objects.filter(_PUBLIC_EVIDENCE)


def evidence_is_public(evidence: Evidence) -> bool:
    return public_evidence().filter(pk=evidence.pk).exists()
