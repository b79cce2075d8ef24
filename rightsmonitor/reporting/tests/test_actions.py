"""The reporting actions' refusals, optimistic locking, and who sees which report (access)."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from rightsmonitor.accounts.tests.factories import FocalPointFactory
from rightsmonitor.core.locking import ConcurrentEditError
from rightsmonitor.plans.models import Plan
from rightsmonitor.plans.tests.factories import AgencyFactory, build_plan
from rightsmonitor.reporting import access, actions
from rightsmonitor.reporting.models import (
    ActionMonitoring,
    AgencyReportingSettings,
    Frequency,
    ImplementationStatus,
    MonitoringChange,
    ProgressReport,
    ReportingPeriod,
    ReportingSchedule,
    ReportTransition,
)
from rightsmonitor.reporting.tests.factories import (
    ActionMonitoringFactory,
    AgencyReportingSettingsFactory,
    EvidenceLinkFactory,
    NotificationFactory,
    ProgressReportFactory,
    ReportingPeriodFactory,
    ReportingScheduleFactory,
    ReportingWorld,
)
from rightsmonitor.reporting.workflow import TRANSITION_NAMES, ReportState

pytestmark = pytest.mark.django_db
S = ReportState

USERS = (
    "administrator",
    "coordinator",
    "focal_point_mia",
    "validator_mia",
    "focal_point_gpo",
    "ngo_member",
    "public",
)
# Who may take each transition on a report of MIA. The validating authority is also a focal
# point of MIA, so an author too.
ALLOWED = {
    "sign_off": {"validator_mia"},
    "submit": {"focal_point_mia", "validator_mia"},
    "resubmit": {"focal_point_mia", "validator_mia"},
    "return": {"administrator", "coordinator"},
    "accept": {"administrator", "coordinator"},
}


def user(world: ReportingWorld, name: str) -> Any:
    return getattr(world, name)


def without_sign_off(world: ReportingWorld) -> None:
    AgencyReportingSettings.objects.filter(agency=world.mia).update(sign_off_required=False)


def walked(world: ReportingWorld, path: tuple[str, ...]) -> ProgressReport:
    report = world.start()
    for name in path:
        report = world.take(report, name)
    return report


def snapshot(report: ProgressReport) -> tuple[Any, ...]:
    report = ProgressReport.objects.get(pk=report.pk)
    return (report.state, report.version, report.times_returned, report.transitions.count())


# The transitions, each from each state it leaves, with and without the agency's sign-off.
TRANSITION_CASES = [
    ("sign_off", True, ()),
    ("sign_off", True, ("sign_off", "submit", "return")),
    ("submit", True, ("sign_off",)),
    ("submit", False, ()),
    ("resubmit", True, ("sign_off", "submit", "return", "sign_off")),
    ("resubmit", False, ("submit", "return")),
    ("return", True, ("sign_off", "submit")),
    ("return", False, ("submit", "return", "resubmit")),
    ("accept", True, ("sign_off", "submit")),
    ("accept", True, ("sign_off", "submit", "return", "sign_off", "resubmit")),
]


@pytest.mark.parametrize(("name", "sign_off", "path"), TRANSITION_CASES)
def test_only_the_transitions_actor_may_take_it(
    reporting_world: ReportingWorld, name: str, sign_off: bool, path: tuple[str, ...]
) -> None:
    world = reporting_world
    if not sign_off:
        without_sign_off(world)
    report = walked(world, path)
    before = snapshot(report)
    for wrong in sorted(set(USERS) - ALLOWED[name]):
        with pytest.raises(PermissionDenied):
            actions.take_transition(report, name, by=user(world, wrong), comment="Why not?")
        assert snapshot(report) == before, wrong
    assert report.state == before[0]  # the caller's instance is left alone too

    right = sorted(ALLOWED[name])[0]
    moved = actions.take_transition(report, name, by=user(world, right), comment="Fine.")
    assert report.state == moved.state != before[0]
    assert report.version == moved.version == before[1] + 1
    assert ReportTransition.objects.filter(report=report).last().actor == user(world, right)


STATE_PATHS = [
    (True, ()),
    (True, ("sign_off",)),
    (True, ("sign_off", "submit")),
    (True, ("sign_off", "submit", "return")),
    (True, ("sign_off", "submit", "return", "sign_off")),
    (True, ("sign_off", "submit", "return", "sign_off", "resubmit")),
    (True, ("sign_off", "submit", "accept")),
    (False, ()),
    (False, ("submit",)),
    (False, ("submit", "return")),
    (False, ("submit", "return", "resubmit")),
    (False, ("submit", "accept")),
]


@pytest.mark.parametrize(("sign_off", "path"), STATE_PATHS)
def test_transitions_from_the_wrong_state_are_refused(
    reporting_world: ReportingWorld, sign_off: bool, path: tuple[str, ...]
) -> None:
    world = reporting_world
    if not sign_off:
        without_sign_off(world)
    report = walked(world, path)
    before = snapshot(report)
    possible = {t.name for t in access.transitions_for(world.focal_point_mia, report)} | {
        t.name for t in access.transitions_for(world.validator_mia, report)
    }
    possible |= {t.name for t in access.transitions_for(world.coordinator, report)}
    impossible = [name for name in (*TRANSITION_NAMES, "publish") if name not in possible]
    assert impossible
    for name in impossible:
        actor = world.actor_for(report, name) if name in ALLOWED else world.coordinator
        with pytest.raises(ValidationError) as refused:
            actions.take_transition(report, name, by=actor, comment="Please.")
        assert refused.value.code == "invalid_transition", name
        assert snapshot(report) == before


def test_the_refusal_names_the_state(reporting_world: ReportingWorld) -> None:
    report = reporting_world.start()
    with pytest.raises(ValidationError) as refused:
        actions.take_transition(report, "accept", by=reporting_world.coordinator)
    assert refused.value.messages == ["“accept” is not possible for a report that is “Draft”."]


@pytest.mark.parametrize("comment", ["", "   \n "])
def test_a_return_needs_a_comment(reporting_world: ReportingWorld, comment: str) -> None:
    world = reporting_world
    report = world.report_in(S.SUBMITTED)
    before = snapshot(report)
    with pytest.raises(ValidationError) as refused:
        actions.take_transition(report, "return", by=world.coordinator, comment=comment)
    assert refused.value.message_dict == {"comment": ["Say what needs to change."]}
    assert snapshot(report) == before


def test_a_deactivated_focal_point_can_do_nothing(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    report = world.report_in(S.SIGNED_OFF)
    world.focal_point_mia.is_active = False
    world.focal_point_mia.save()
    with pytest.raises(PermissionDenied):
        actions.take_transition(report, "submit", by=world.focal_point_mia)
    with pytest.raises(PermissionDenied):
        actions.start_report(world.action, world.mia, world.period, by=world.focal_point_mia)


def test_a_validator_who_left_the_agency_can_no_longer_sign_off(
    reporting_world: ReportingWorld,
) -> None:
    world = reporting_world
    report = world.start()
    world.validator_mia.agency = world.gpo
    world.validator_mia.save()
    with pytest.raises(PermissionDenied):
        actions.take_transition(report, "sign_off", by=world.validator_mia)


# Stale transitions -----------------------------------------------------------------------------


def test_accept_and_return_at_once_cannot_both_win(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    report = world.report_in(S.SUBMITTED)
    loaded = report.version  # both coordinators opened the page at this version
    actions.take_transition(
        ProgressReport.objects.get(pk=report.pk),
        "accept",
        by=world.coordinator,
        expected_version=loaded,
    )
    with pytest.raises(ConcurrentEditError):
        actions.take_transition(
            ProgressReport.objects.get(pk=report.pk),
            "return",
            by=world.administrator,
            comment="Missing the order.",
            expected_version=loaded,
        )
    report.refresh_from_db()
    assert report.state == S.ACCEPTED
    assert [t.name for t in report.transitions.all()] == ["sign_off", "submit", "accept"]


def test_a_coordinator_cannot_accept_a_text_they_have_not_seen(
    reporting_world: ReportingWorld,
) -> None:
    world = reporting_world
    report = world.report_in(S.SUBMITTED)
    seen = report.version
    # Meanwhile another coordinator returns it and the agency resubmits a new text.
    report = world.take(report, "return")
    report = actions.save_report(
        report, {"narrative": "New text."}, by=world.focal_point_mia, expected_version=None
    )
    report = world.take(report, "sign_off")
    report = world.take(report, "resubmit")
    with pytest.raises(ConcurrentEditError):
        actions.take_transition(report, "accept", by=world.coordinator, expected_version=seen)
    assert ProgressReport.objects.get(pk=report.pk).state == S.RESUBMITTED
    accepted = actions.take_transition(
        report, "accept", by=world.coordinator, expected_version=report.version
    )
    assert accepted.state == S.ACCEPTED


# Starting and editing ------------------------------------------------------------------------


def test_start_report_kinds_and_idempotence(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    consolidated = world.start(world.mia)
    contribution = world.start(world.gpo)
    assert (consolidated.kind, consolidated.state, consolidated.author) == (
        ProgressReport.Kind.CONSOLIDATED,
        S.DRAFT,
        world.focal_point_mia,
    )
    assert (contribution.kind, contribution.author) == (
        ProgressReport.Kind.CONTRIBUTION,
        world.focal_point_gpo,
    )
    assert world.start(world.mia) == consolidated
    on_gpo_action = world.start(world.mia, world.gpo_led_action)
    assert on_gpo_action.kind == ProgressReport.Kind.CONTRIBUTION
    assert ProgressReport.objects.count() == 3
    assert not ReportTransition.objects.exists()


@pytest.mark.parametrize(
    "who", ["focal_point_gpo", "coordinator", "administrator", "ngo_member", "public"]
)
def test_only_a_focal_point_of_the_agency_may_start_its_report(
    reporting_world: ReportingWorld, who: str
) -> None:
    world = reporting_world
    with pytest.raises(PermissionDenied):
        actions.start_report(world.action, world.mia, world.period, by=user(world, who))
    assert not ProgressReport.objects.exists()


def test_start_report_refusals(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    other_plan = build_plan(sections=1, actions_per_section=1, code="other-plan")
    other_period = ReportingPeriodFactory(plan=other_plan)
    with pytest.raises(ValidationError) as refused:
        actions.start_report(world.action, world.mia, other_period, by=world.focal_point_mia)
    assert refused.value.code == "wrong_plan"

    outsider_agency = AgencyFactory(abbreviation="MLSP")
    outsider = FocalPointFactory(email="focal.mlsp@example.org", agency=outsider_agency)
    with pytest.raises(PermissionDenied):
        actions.start_report(world.action, outsider_agency, world.period, by=outsider)

    actions.take_off_monitoring(world.action, reason="Completed.", by=world.coordinator)
    with pytest.raises(ValidationError) as refused:
        actions.start_report(world.action, world.mia, world.period, by=world.focal_point_mia)
    assert refused.value.code == "off_monitoring"
    assert not ProgressReport.objects.exists()


def test_save_report_changes_the_text_and_records_the_editor(
    reporting_world: ReportingWorld,
) -> None:
    world = reporting_world
    report = world.start()
    saved = actions.save_report(
        report,
        {
            "narrative": "Done.",
            "proposed_status": ImplementationStatus.COMPLETED,
            "document_type": "Order",
            "document_number": "12",
            "document_date": "2022-12-20",
        },
        by=world.validator_mia,
        expected_version=1,
    )
    assert report.version == saved.version == 2
    stored = ProgressReport.objects.get(pk=report.pk)
    assert (stored.narrative, stored.proposed_status, stored.document_date) == (
        "Done.",
        "completed",
        datetime.date(2022, 12, 20),
    )
    assert stored.author == world.validator_mia
    assert stored.state == S.DRAFT


@pytest.mark.parametrize("who", ["focal_point_gpo", "coordinator", "administrator", "ngo_member"])
def test_only_the_agency_may_edit_its_report(reporting_world: ReportingWorld, who: str) -> None:
    world = reporting_world
    report = world.start()
    with pytest.raises(PermissionDenied):
        actions.save_report(
            report, {"narrative": "Hijacked."}, by=user(world, who), expected_version=None
        )
    assert ProgressReport.objects.get(pk=report.pk).narrative == ""


@pytest.mark.parametrize("state", [S.SIGNED_OFF, S.SUBMITTED, S.RESUBMITTED, S.ACCEPTED])
def test_a_report_out_of_the_authors_hands_cannot_be_edited(
    reporting_world: ReportingWorld, state: str
) -> None:
    world = reporting_world
    report = world.report_in(state)
    before = snapshot(report)
    with pytest.raises(ValidationError) as refused:
        actions.save_report(
            report, {"narrative": "Late."}, by=world.focal_point_mia, expected_version=None
        )
    assert refused.value.code == "not_editable"
    assert "can no longer be changed" in refused.value.messages[0]
    # Someone who is not an author is told no, not why.
    with pytest.raises(PermissionDenied):
        actions.save_report(
            report, {"narrative": "Late."}, by=world.focal_point_gpo, expected_version=None
        )
    assert snapshot(report) == before


def test_a_stale_save_is_refused_and_the_first_save_kept(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    report = world.start()
    first = ProgressReport.objects.get(pk=report.pk)
    second = ProgressReport.objects.get(pk=report.pk)
    actions.save_report(
        first, {"narrative": "First."}, by=world.focal_point_mia, expected_version=first.version
    )
    with pytest.raises(ConcurrentEditError):
        actions.save_report(
            second, {"narrative": "Second."}, by=world.validator_mia, expected_version=1
        )
    with pytest.raises(ConcurrentEditError):  # its own, stale, version
        actions.save_report(
            second, {"narrative": "Second."}, by=world.validator_mia, expected_version=None
        )
    stored = ProgressReport.objects.get(pk=report.pk)
    assert (stored.narrative, stored.version, stored.author) == (
        "First.",
        2,
        world.focal_point_mia,
    )
    assert (second.narrative, second.version) == ("", 1)  # the loser's copy is untouched


def test_a_stale_copy_cannot_undo_a_transition(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    stale = world.start()
    world.take(ProgressReport.objects.get(pk=stale.pk), "sign_off")
    with pytest.raises(ValidationError):
        actions.save_report(stale, {"narrative": "x"}, by=world.focal_point_mia, expected_version=2)
    assert ProgressReport.objects.get(pk=stale.pk).state == S.SIGNED_OFF


def test_save_report_validates(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    report = world.start()
    with pytest.raises(ValidationError) as refused:
        actions.save_report(
            report,
            {"proposed_status": "perfect"},
            by=world.focal_point_mia,
            expected_version=None,
        )
    assert "proposed_status" in refused.value.message_dict
    with pytest.raises(ValueError, match="state"):
        actions.save_report(
            report, {"state": S.ACCEPTED}, by=world.focal_point_mia, expected_version=None
        )
    assert snapshot(report) == (S.DRAFT, 1, 0, 0)


# The coordinator's verdict -------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["focal_point_mia", "validator_mia", "focal_point_gpo", "ngo_member", "public"]
)
def test_only_staff_set_the_verdict(reporting_world: ReportingWorld, who: str) -> None:
    world = reporting_world
    by = user(world, who)
    with pytest.raises(PermissionDenied):
        actions.set_assessed_status(world.action, ImplementationStatus.COMPLETED, by=by)
    with pytest.raises(PermissionDenied):
        actions.take_off_monitoring(world.action, reason="Done.", by=by)
    with pytest.raises(PermissionDenied):
        actions.put_back_on_monitoring(world.action, by=by)
    with pytest.raises(PermissionDenied):
        actions.set_schedule(
            world.plan, frequency=Frequency.MONTHLY, submission_days=5, review_days=10, by=by
        )
    assert not MonitoringChange.objects.exists()


def test_verdict_refusals(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    coordinator = world.coordinator
    with pytest.raises(ValidationError) as refused:
        actions.set_assessed_status(world.action, "Completed", by=coordinator)
    assert "assessed_status" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        actions.take_off_monitoring(world.action, reason="  ", by=coordinator)
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError):
        actions.put_back_on_monitoring(world.action, by=coordinator)
    monitoring = actions.take_off_monitoring(world.action, reason="Done.", by=coordinator)
    with pytest.raises(ValidationError):
        actions.take_off_monitoring(world.action, reason="Done again.", by=coordinator)
    with pytest.raises(ConcurrentEditError):
        actions.put_back_on_monitoring(
            world.action, by=coordinator, expected_version=monitoring.version - 1
        )
    with pytest.raises(ConcurrentEditError):
        actions.set_assessed_status(
            world.action, ImplementationStatus.COMPLETED, by=coordinator, expected_version=1
        )
    actions.set_assessed_status(
        world.action,
        ImplementationStatus.COMPLETED,
        by=world.administrator,
        expected_version=monitoring.version,
    )
    assert MonitoringChange.objects.count() == 2
    assert ActionMonitoring.objects.get().version == monitoring.version + 1


def test_set_schedule(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    schedule = actions.set_schedule(
        world.plan,
        frequency=Frequency.QUARTERLY,
        submission_days=15,
        review_days=30,
        by=world.coordinator,
    )
    assert ReportingSchedule.objects.get(plan=world.plan) == schedule
    assert (schedule.frequency, schedule.submission_days, schedule.review_days) == (
        "quarterly",
        15,
        30,
    )
    with pytest.raises(ValidationError) as refused:
        actions.set_schedule(
            world.plan, frequency="weekly", submission_days=5, review_days=10, by=world.coordinator
        )
    assert "frequency" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        actions.set_schedule(
            world.plan,
            frequency=Frequency.ANNUAL,
            submission_days=30,
            review_days=10,
            by=world.coordinator,
        )
    assert "review_days" in refused.value.message_dict
    assert ReportingSchedule.objects.get(plan=world.plan).frequency == "quarterly"


def test_agency_settings_need_a_validator_of_the_agency(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    settings_row = AgencyReportingSettings.objects.get(agency=world.gpo)
    settings_row.sign_off_required = True
    with pytest.raises(ValidationError) as refused:
        settings_row.full_clean()
    assert "validating_authority" in refused.value.message_dict
    settings_row.validating_authority = world.validator_mia  # works for MIA
    with pytest.raises(ValidationError) as refused:
        settings_row.full_clean()
    assert refused.value.message_dict["validating_authority"] == [
        "The validating authority must work for the agency."
    ]
    settings_row.validating_authority = world.focal_point_gpo
    settings_row.full_clean()


def test_update_agency_settings_records_who_changed_them(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    row = actions.update_agency_settings(
        world.gpo,
        sign_off_required=True,
        validating_authority=world.focal_point_gpo,
        by=world.coordinator,
    )
    assert (row.sign_off_required, row.validating_authority) == (True, world.focal_point_gpo)
    assert access.sign_off_required(world.gpo.pk)
    latest = row.history.latest()
    assert (latest.history_user, latest.sign_off_required) == (world.coordinator, True)

    actions.update_agency_settings(
        world.gpo, sign_off_required=False, validating_authority=None, by=world.administrator
    )
    assert not access.sign_off_required(world.gpo.pk)
    assert row.history.count() >= 2
    assert row.history.latest().history_user == world.administrator


def test_update_agency_settings_refusals(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    with pytest.raises(PermissionDenied):
        actions.update_agency_settings(
            world.gpo,
            sign_off_required=False,
            validating_authority=None,
            by=world.focal_point_gpo,
        )
    with pytest.raises(ValidationError) as refused:  # MIA's deputy cannot vouch for GPO
        actions.update_agency_settings(
            world.gpo,
            sign_off_required=True,
            validating_authority=world.validator_mia,
            by=world.coordinator,
        )
    assert "validating_authority" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:  # sign-off with nobody to sign
        actions.update_agency_settings(
            world.gpo, sign_off_required=True, validating_authority=None, by=world.coordinator
        )
    assert "validating_authority" in refused.value.message_dict
    assert not access.sign_off_required(world.gpo.pk)


def test_mark_notifications_read_leaves_newer_and_others_notices(
    reporting_world: ReportingWorld,
) -> None:
    world = reporting_world
    seen = NotificationFactory(user=world.focal_point_mia)
    newer = NotificationFactory(user=world.focal_point_mia)
    someone_elses = NotificationFactory(user=world.focal_point_gpo)
    assert actions.mark_notifications_read(world.focal_point_mia, up_to=seen.pk) == 1
    for notice in (seen, newer, someone_elses):
        notice.refresh_from_db()
    assert seen.read_at is not None
    assert newer.read_at is None and someone_elses.read_at is None
    assert actions.mark_notifications_read(world.focal_point_mia) == 1


# Access ----------------------------------------------------------------------------------------


@pytest.fixture
def reports(reporting_world: ReportingWorld) -> dict[str, ProgressReport]:
    """Reports of MIA and GPO on both actions: accepted ones for 2022, drafts for 2023."""
    world = reporting_world
    (period_2023,) = actions.ensure_periods(world.plan, until=datetime.date(2023, 12, 31))

    def start(agency: Any, action: Any) -> ProgressReport:
        return actions.start_report(action, agency, period_2023, by=world.focal_point_of(agency))

    return {
        "mia_accepted": world.report_in(S.ACCEPTED),
        "gpo_contribution_accepted": world.report_in(S.ACCEPTED, agency=world.gpo),
        "mia_draft": start(world.mia, world.action),
        "gpo_contribution_draft": start(world.gpo, world.action),
        "gpo_draft": start(world.gpo, world.gpo_led_action),
        "mia_contribution_submitted": world.walk(
            start(world.mia, world.gpo_led_action), S.SUBMITTED
        ),
    }


ACCEPTED = {"mia_accepted", "gpo_contribution_accepted"}
EVERYTHING = ACCEPTED | {
    "mia_draft",
    "gpo_contribution_draft",
    "gpo_draft",
    "mia_contribution_submitted",
}
VISIBLE = {
    "administrator": EVERYTHING,
    "coordinator": EVERYTHING,
    # MIA's own reports, and GPO's contributions to the action MIA leads; not GPO's own
    # consolidated draft on the action GPO leads.
    "focal_point_mia": ACCEPTED | {"mia_draft", "gpo_contribution_draft", "mia_contribution_submitted"},
    "validator_mia": ACCEPTED | {"mia_draft", "gpo_contribution_draft", "mia_contribution_submitted"},
    # GPO's own reports and MIA's contribution to the action GPO leads; not MIA's draft of 1.1.
    "focal_point_gpo": ACCEPTED | {"gpo_contribution_draft", "gpo_draft", "mia_contribution_submitted"},
    "ngo_member": ACCEPTED,
    "public": ACCEPTED,
}  # fmt: skip


@pytest.mark.parametrize("who", USERS)
def test_reports_for_user(
    reporting_world: ReportingWorld, reports: dict[str, ProgressReport], who: str
) -> None:
    by = user(reporting_world, who)
    visible = set(access.reports_for_user(by).values_list("pk", flat=True))
    assert {name for name, report in reports.items() if report.pk in visible} == VISIBLE[who]
    for name, report in reports.items():
        assert access.can_view_report(by, report) == (name in VISIBLE[who])


def test_an_uninvolved_agency_sees_only_accepted_reports(
    reporting_world: ReportingWorld, reports: dict[str, ProgressReport]
) -> None:
    outsider = FocalPointFactory(
        email="focal.mlsp@example.org", agency=AgencyFactory(abbreviation="MLSP")
    )
    visible = set(access.reports_for_user(outsider))
    assert visible == {reports[name] for name in ACCEPTED}


def test_accepted_reports_of_a_draft_plan_are_not_public(
    reporting_world: ReportingWorld, reports: dict[str, ProgressReport]
) -> None:
    world = reporting_world
    Plan.objects.filter(pk=world.plan.pk).update(status=Plan.Status.DRAFT)
    assert not access.reports_for_user(world.public).exists()
    assert not access.reports_for_user(world.ngo_member).exists()
    assert access.reports_for_user(world.focal_point_gpo).count() == 4
    world.focal_point_gpo.is_active = False
    world.focal_point_gpo.save()
    assert not access.reports_for_user(world.focal_point_gpo).exists()


def test_the_lead_sees_contributions_but_cannot_act_on_them(
    reporting_world: ReportingWorld,
) -> None:
    world = reporting_world
    contribution = world.start(world.gpo)
    assert access.can_view_report(world.focal_point_mia, contribution)
    assert not access.can_edit_report(world.focal_point_mia, contribution)
    assert access.transitions_for(world.focal_point_mia, contribution) == []
    with pytest.raises(PermissionDenied):
        actions.save_report(
            contribution, {"narrative": "x"}, by=world.focal_point_mia, expected_version=None
        )
    with pytest.raises(PermissionDenied):
        actions.take_transition(contribution, "submit", by=world.focal_point_mia)
    # The co-executor does not see the lead's draft, let alone act on it.
    lead_draft = world.start(world.mia)
    assert not access.can_view_report(world.focal_point_gpo, lead_draft)
    with pytest.raises(PermissionDenied):
        actions.take_transition(lead_draft, "submit", by=world.focal_point_gpo)


def test_transitions_for_gives_each_person_their_buttons(reporting_world: ReportingWorld) -> None:
    world = reporting_world

    def buttons(report: ProgressReport) -> dict[str, list[str]]:
        return {
            who: [t.name for t in access.transitions_for(user(world, who), report)]
            for who in USERS
            if access.transitions_for(user(world, who), report)
        }

    report = world.start()
    assert buttons(report) == {"validator_mia": ["sign_off"]}
    report = world.take(report, "sign_off")
    assert buttons(report) == {"focal_point_mia": ["submit"], "validator_mia": ["submit"]}
    report = world.take(report, "submit")
    assert buttons(report) == {
        "administrator": ["return", "accept"],
        "coordinator": ["return", "accept"],
    }
    report = world.take(report, "accept")
    assert buttons(report) == {}
    gpo_report = world.start(world.gpo, world.gpo_led_action)
    assert buttons(gpo_report) == {"focal_point_gpo": ["submit"]}


def test_access_helpers(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    report = world.start()
    assert access.is_validator(world.validator_mia, report)
    assert not access.is_validator(world.focal_point_mia, report)
    assert not access.is_validator(world.public, report)
    assert access.sign_off_required(world.mia.pk)
    assert not access.sign_off_required(world.gpo.pk)
    assert not access.sign_off_required(AgencyFactory(abbreviation="MLSP").pk)  # no settings
    assert access.can_report_on(world.focal_point_gpo, world.action)
    assert not access.can_report_on(world.coordinator, world.action)
    assert access.can_review(world.coordinator) and access.can_review(world.administrator)
    assert not access.can_review(world.focal_point_mia)
    assert access.can_set_monitoring(world.coordinator)
    assert not access.can_set_monitoring(world.public)
    assert ReportingPeriod.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_at_the_same_moment(reporting_world: ReportingWorld) -> None:
    """Real concurrent transactions (PostgreSQL): the row lock makes one of them stale."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the lock is exercised on PostgreSQL")
    world = reporting_world
    report = world.report_in(S.SUBMITTED)
    loaded = report.version
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def click(name: str, by: Any) -> None:
        try:
            copy = ProgressReport.objects.get(pk=report.pk)
            barrier.wait(timeout=10)
            actions.take_transition(
                copy, name, by=by, comment="Missing the order.", expected_version=loaded
            )
            outcomes[name] = "won"
        except ConcurrentEditError:
            outcomes[name] = "stale"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=click, args=("accept", world.coordinator)),
        threading.Thread(target=click, args=("return", world.administrator)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["stale", "won"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "won")
    report.refresh_from_db()
    assert report.state == {"accept": S.ACCEPTED, "return": S.RETURNED}[winner]
    assert [t.name for t in report.transitions.all()] == ["sign_off", "submit", winner]


def test_the_factories_make_valid_rows() -> None:
    report = ProgressReportFactory()
    link = EvidenceLinkFactory(report=report)
    rows = [
        report,
        link,
        report.period,
        ActionMonitoringFactory(action=report.action),
        NotificationFactory(),
        ReportingScheduleFactory(plan=report.action.plan),
        AgencyReportingSettingsFactory(agency=report.agency),
    ]
    for row in rows:
        row.full_clean()
    assert report.period.plan == report.action.plan
    assert (
        ProgressReportFactory(
            action=report.action,
            agency=report.agency,
            period=ReportingPeriodFactory(
                plan=report.action.plan,
                start=datetime.date(2023, 1, 1),
                end=datetime.date(2023, 12, 31),
            ),
        ).period
        != report.period
    )
