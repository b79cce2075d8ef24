"""The whole review journey through the actions, and exactly the audit rows it leaves."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from rightsmonitor.reporting import actions
from rightsmonitor.reporting.models import (
    ActionMonitoring,
    AgencyReportingSettings,
    ImplementationStatus,
    MonitoringChange,
    Notification,
    ProgressReport,
    ReportTransition,
)
from rightsmonitor.reporting.tests.factories import ReportingWorld, pdf_upload
from rightsmonitor.reporting.workflow import ReportState

pytestmark = pytest.mark.django_db
S = ReportState
ALMATY = datetime.timezone(datetime.timedelta(hours=5))
RETURN_COMMENT = "Give the number and date of the order that approved the methodology."
OFF_REASON = "Completed: the methodology was approved by order No. 12."


def at(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2023, 1, day, hour, 0, tzinfo=ALMATY)


def transitions(report: ProgressReport) -> list[tuple[Any, ...]]:
    return [
        (row.name, row.from_state, row.to_state, row.actor.email, row.comment, row.at)
        for row in ReportTransition.objects.filter(report=report).select_related("actor")
    ]


def monitoring_changes(world: ReportingWorld) -> list[tuple[Any, ...]]:
    return [
        (row.field, row.old_value, row.new_value, row.actor.email, row.reason, row.at)
        for row in MonitoringChange.objects.filter(action=world.action).select_related("actor")
    ]


def notifications() -> list[tuple[str, str, str]]:
    return [
        (n.user.email, n.kind, n.message)
        for n in Notification.objects.select_related("user").order_by("pk")
    ]


def test_journey_with_sign_off(
    reporting_world: ReportingWorld, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    world = reporting_world
    author, validator, coordinator = world.focal_point_mia, world.validator_mia, world.coordinator

    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(at(3, 9), tick=False):
            report = actions.start_report(world.action, world.mia, world.period, by=author)
            report = actions.save_report(
                report,
                {"narrative": "A draft methodology was prepared."},
                by=author,
                expected_version=report.version,
            )
        with time_machine.travel(at(4, 9), tick=False):
            report = actions.save_report(
                report,
                {
                    "narrative": "The methodology was approved.",
                    "proposed_status": ImplementationStatus.COMPLETED,
                    "document_type": "Order of the Minister",
                    "document_number": "12",
                    "document_date": datetime.date(2022, 12, 20),
                },
                by=author,
                expected_version=report.version,
            )
            evidence = actions.add_evidence_file(report, pdf_upload(), by=author)
        with time_machine.travel(at(5, 10), tick=False):
            report = actions.take_transition(report, "sign_off", by=validator)
        with time_machine.travel(at(5, 11), tick=False):
            report = actions.take_transition(report, "submit", by=author)
        with time_machine.travel(at(12, 15), tick=False):
            report = actions.take_transition(
                report, "return", by=coordinator, comment=f"  {RETURN_COMMENT}\n"
            )
        with time_machine.travel(at(13, 9), tick=False):
            report = actions.save_report(
                report,
                {"narrative": "The methodology was approved by order No. 12 of 20.12.2022."},
                by=author,
                expected_version=report.version,
            )
            report = actions.take_transition(report, "sign_off", by=validator)
        with time_machine.travel(at(13, 10), tick=False):
            report = actions.take_transition(report, "resubmit", by=author)
        with time_machine.travel(at(20, 16), tick=False):
            # The coordinator gives the verdict with the acceptance (the agency's proposal).
            report = actions.take_transition(
                report, "accept", by=coordinator, assessed_status=ImplementationStatus.COMPLETED
            )
        with time_machine.travel(at(20, 17), tick=False):
            actions.take_off_monitoring(world.action, reason=OFF_REASON, by=coordinator)

    assert transitions(report) == [
        ("sign_off", S.DRAFT, S.SIGNED_OFF, "deputy.mia@example.org", "", at(5, 10)),
        ("submit", S.SIGNED_OFF, S.SUBMITTED, "focal.mia@example.org", "", at(5, 11)),
        ("return", S.SUBMITTED, S.RETURNED, "coordinator@example.org", RETURN_COMMENT, at(12, 15)),
        ("sign_off", S.RETURNED, S.SIGNED_OFF, "deputy.mia@example.org", "", at(13, 9)),
        ("resubmit", S.SIGNED_OFF, S.RESUBMITTED, "focal.mia@example.org", "", at(13, 10)),
        ("accept", S.RESUBMITTED, S.ACCEPTED, "coordinator@example.org", "", at(20, 16)),
    ]
    assert monitoring_changes(world) == [
        ("assessed_status", "", "completed", "coordinator@example.org",
         "Accepted report 28.04.2022–31.12.2022", at(20, 16)),
        ("on_monitoring", "True", "False", "coordinator@example.org", OFF_REASON, at(20, 17)),
    ]  # fmt: skip

    report.refresh_from_db()
    assert report.state == S.ACCEPTED
    assert report.times_returned == 1
    assert report.kind == ProgressReport.Kind.CONSOLIDATED
    assert report.narrative == "The methodology was approved by order No. 12 of 20.12.2022."
    assert report.document_date == datetime.date(2022, 12, 20)
    # created 1, three saves, six transitions
    assert report.version == 10
    monitoring = ActionMonitoring.objects.get(action=world.action)
    assert monitoring.assessed_status == ImplementationStatus.COMPLETED
    assert monitoring.on_monitoring is False
    assert monitoring.off_monitoring_reason == OFF_REASON
    assert [e.original_name for e in report.evidence.all()] == ["order-no-12.pdf"]
    assert (media_root / evidence.file.name).read_bytes().startswith(b"%PDF-1.4")

    label = f"{world.action.number} (MIA)"
    mia_people = ["deputy.mia@example.org", "focal.mia@example.org"]  # users by e-mail
    signed_off = f"Report {label} was signed off by Deputy Head: it can be submitted."
    returned = f"Report {label} was returned for revision. Comment: {RETURN_COMMENT}"
    assert notifications() == [
        ("focal.mia@example.org", "signed_off", signed_off),
        ("coordinator@example.org", "submitted", f"Report {label} was submitted for review."),
        *[(email, "returned", returned) for email in mia_people],
        ("focal.mia@example.org", "signed_off", signed_off),
        ("coordinator@example.org", "submitted", f"Report {label} was resubmitted for review."),
        *[
            (email, "accepted", f"Report {label} was accepted. Assessed status: Completed.")
            for email in mia_people
        ],
    ]  # fmt: skip


def test_journey_without_sign_off(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    AgencyReportingSettings.objects.filter(agency=world.mia).update(sign_off_required=False)
    author, coordinator = world.focal_point_mia, world.coordinator

    with time_machine.travel(at(3, 9), tick=False):
        report = actions.start_report(world.action, world.mia, world.period, by=author)
        report = actions.save_report(
            report,
            {
                "narrative": "Half done.",
                "proposed_status": ImplementationStatus.PARTIALLY_COMPLETED,
            },
            by=author,
            expected_version=report.version,
        )
    with time_machine.travel(at(5, 11), tick=False):
        report = actions.take_transition(report, "submit", by=author)
    with time_machine.travel(at(12, 15), tick=False):
        report = actions.take_transition(report, "return", by=coordinator, comment=RETURN_COMMENT)
    with time_machine.travel(at(13, 10), tick=False):
        report = actions.save_report(
            report, {"narrative": "Half done, see order 12."}, by=author, expected_version=None
        )
        report = actions.take_transition(report, "resubmit", by=author)
    with time_machine.travel(at(20, 16), tick=False):
        report = actions.take_transition(report, "accept", by=coordinator, comment="Thank you.")
    with time_machine.travel(at(20, 17), tick=False):
        actions.take_off_monitoring(world.action, reason=OFF_REASON, by=coordinator)

    assert transitions(report) == [
        ("submit", S.DRAFT, S.SUBMITTED, "focal.mia@example.org", "", at(5, 11)),
        ("return", S.SUBMITTED, S.RETURNED, "coordinator@example.org", RETURN_COMMENT, at(12, 15)),
        ("resubmit", S.RETURNED, S.RESUBMITTED, "focal.mia@example.org", "", at(13, 10)),
        ("accept", S.RESUBMITTED, S.ACCEPTED, "coordinator@example.org", "Thank you.", at(20, 16)),
    ]
    # Accepted without a verdict: the agency's proposal does not become the official status.
    assert monitoring_changes(world) == [
        ("on_monitoring", "True", "False", "coordinator@example.org", OFF_REASON, at(20, 17)),
    ]  # fmt: skip
    assert not ReportTransition.objects.filter(name="sign_off").exists()


def test_the_coordinator_may_change_the_status_after_acceptance_and_put_the_action_back(
    reporting_world: ReportingWorld,
) -> None:
    world = reporting_world
    report = world.start()
    actions.save_report(
        report,
        {"proposed_status": ImplementationStatus.COMPLETED},
        by=world.focal_point_mia,
        expected_version=None,
    )
    world.walk(report, S.ACCEPTED)
    actions.set_assessed_status(
        world.action,
        ImplementationStatus.PARTIALLY_COMPLETED,
        by=world.coordinator,
        reason="The order is not yet registered.",
    )
    actions.take_off_monitoring(world.action, reason="Superseded by 1.2.", by=world.coordinator)
    actions.put_back_on_monitoring(world.action, reason="1.2 was dropped.", by=world.coordinator)
    # Setting the same status again changes nothing and writes no row.
    actions.set_assessed_status(
        world.action, ImplementationStatus.PARTIALLY_COMPLETED, by=world.coordinator
    )

    assert [
        (c.field, c.old_value, c.new_value, c.reason)
        for c in MonitoringChange.objects.filter(action=world.action)
    ] == [
        # Accepting chose no verdict; the first one has no old value (the action was not assessed).
        ("assessed_status", "", "partially_completed", "The order is not yet registered."),
        ("on_monitoring", "True", "False", "Superseded by 1.2."),
        ("on_monitoring", "False", "True", "1.2 was dropped."),
    ]
    monitoring = ActionMonitoring.objects.get(action=world.action)
    assert (monitoring.assessed_status, monitoring.on_monitoring) == ("partially_completed", True)
    assert monitoring.off_monitoring_reason == ""


def test_accepting_a_contribution_leaves_the_assessed_status_alone(
    reporting_world: ReportingWorld,
) -> None:
    world = reporting_world
    contribution = world.report_in(S.ACCEPTED, agency=world.gpo)
    assert contribution.kind == ProgressReport.Kind.CONTRIBUTION
    assert [t.name for t in contribution.transitions.all()] == ["submit", "accept"]
    assert not MonitoringChange.objects.exists()


def test_audit_rows_cannot_be_changed_or_deleted(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    report = world.report_in(S.SUBMITTED)
    actions.take_off_monitoring(world.action, reason="Done.", by=world.coordinator)
    row = ReportTransition.objects.first()
    change = MonitoringChange.objects.get()
    assert row is not None
    row.comment = "rewritten"
    change.reason = "rewritten"
    for audit_row in (row, change):
        with pytest.raises(ValueError, match="immutable"):
            audit_row.save()
        with pytest.raises(ValueError, match="immutable"):
            audit_row.delete()
    assert ReportTransition.objects.filter(report=report).count() == 2
    assert MonitoringChange.objects.get().reason == "Done."


def test_the_times_are_aware(reporting_world: ReportingWorld) -> None:
    report = reporting_world.report_in(S.SIGNED_OFF)
    row = report.transitions.get()
    assert timezone.is_aware(row.at)
