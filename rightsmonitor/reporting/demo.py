"""Load the demo reporting data (``demo/kazakhstan_2022.yaml``) into the demo plan.

Every report, step and verdict goes through ``reporting.actions`` as the person the workflow
names, so the demo's audit rows, notifications and timelines are those real use would leave.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from rightsmonitor.accounts.models import Role, User
from rightsmonitor.plans.models import Agency, Plan
from rightsmonitor.reporting import actions
from rightsmonitor.reporting.models import ProgressReport, ReportingPeriod
from rightsmonitor.reporting.workflow import TRANSITIONS, Actor

DEMO_REPORTING_FILE = Path(__file__).resolve().parent / "demo" / "kazakhstan_2022.yaml"
_ACTOR_OF = {transition.name: transition.actor for transition in TRANSITIONS}


class DemoReportingError(Exception):
    """The demo file names an action, agency, person or step the database does not have."""


def _focal_point(agency: Agency, validators: dict[int, User]) -> User:
    """The agency's demo focal point who writes its reports (not its validating authority)."""
    writer = (
        User.objects.filter(agency=agency, role=Role.FOCAL_POINT, is_active=True)
        .exclude(pk__in=[user.pk for user in validators.values()])
        .order_by("pk")
        .first()
    )
    if writer is None:
        raise DemoReportingError(f"no demo focal point for agency {agency.abbreviation}")
    return writer


def _load_report(
    plan: Plan, entry: dict[str, Any], *, coordinator: User, validators: dict[int, User]
) -> ProgressReport:
    agency = Agency.objects.get(abbreviation=entry["agency"])
    action = plan.actions.get(number=entry["action"])
    period = ReportingPeriod.objects.get(plan=plan, end=entry["period_end"])
    author = _focal_point(agency, validators)
    report = actions.start_report(action, agency, period, by=author)
    document = entry.get("document") or {}
    actions.save_report(
        report,
        {
            "narrative": entry["narrative"].strip(),
            "proposed_status": entry["proposed_status"],
            "document_type": document.get("type", ""),
            "document_number": str(document.get("number", "")),
            "document_date": document.get("date"),
        },
        by=author,
        expected_version=None,
    )
    for link in entry.get("links", []):
        actions.add_evidence_link(
            report, link["url"], by=author, description=link.get("description", "")
        )
    people: dict[str, User | None] = {
        Actor.AUTHOR: author,
        Actor.VALIDATOR: validators.get(agency.pk),
        Actor.COORDINATOR: coordinator,
    }
    comments = entry.get("comments") or {}
    for step in entry.get("steps", []):
        if step not in _ACTOR_OF:
            raise DemoReportingError(f"unknown workflow step {step!r}")
        actions.take_transition(
            report, step, by=people[_ACTOR_OF[step]], comment=comments.get(step, "").strip()
        )
    return report


@transaction.atomic
def load_demo_reporting(plan: Plan, *, coordinator: User, path: Path = DEMO_REPORTING_FILE) -> int:
    """Set the schedule, periods, sign-off settings, reports and verdicts; return the reports."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    schedule = data["schedule"]
    actions.set_schedule(
        plan,
        frequency=schedule["frequency"],
        submission_days=schedule["submission_days"],
        review_days=schedule["review_days"],
        by=coordinator,
    )
    if plan.period_end is None:
        raise DemoReportingError("the demo plan has no end date")
    actions.ensure_periods(plan, until=plan.period_end)
    validators: dict[int, User] = {}
    for abbreviation, email in (data.get("validating_authorities") or {}).items():
        agency = Agency.objects.get(abbreviation=abbreviation)
        validator = User.objects.get(email=email)
        actions.update_agency_settings(
            agency, sign_off_required=True, validating_authority=validator, by=coordinator
        )
        validators[agency.pk] = validator
    reports = [
        _load_report(plan, entry, coordinator=coordinator, validators=validators)
        for entry in data.get("reports", [])
    ]
    for verdict in data.get("verdicts", []):
        action = plan.actions.get(number=verdict["action"])
        actions.set_assessed_status(action, verdict["assessed_status"], by=coordinator)
        if verdict.get("off_monitoring"):
            actions.take_off_monitoring(
                action, reason=verdict["off_monitoring"].strip(), by=coordinator
            )
    return len(reports)
