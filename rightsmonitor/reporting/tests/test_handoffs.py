"""Hand-offs: the "ready for sign-off" step, confirmations, notices as events, e-mails at each
hand-off in the recipient's language, the daily-digest choice, assignment and the worklist.

The journey goes through Django's test client, the real actions and the real mail backend
(``mail.outbox``); callbacks queued on commit are run as the request's transaction commits.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from rightsmonitor.accounts.models import NoticeDelivery, User
from rightsmonitor.plans.models import ActionAgency
from rightsmonitor.reporting import actions, notices
from rightsmonitor.reporting.models import (
    AgencyReportingSettings,
    Notification,
    ProgressReport,
    ReminderDigest,
)
from rightsmonitor.reporting.reminders import send_reminders
from rightsmonitor.reporting.tests.factories import NotificationFactory, ReportingWorld
from rightsmonitor.reporting.workflow import ReportState
from rightsmonitor.reporting.worklist import worklist

RETURN_COMMENT = "Give the number of the adopted order."
SEND_BACK_COMMENT = "Add the figures for the second half of the year."


@pytest.fixture
def world(reporting_world: ReportingWorld) -> ReportingWorld:
    """MIA uses the ready step; its deputy reads Russian, its focal point Kazakh."""
    world = reporting_world
    AgencyReportingSettings.objects.filter(agency=world.mia).update(ready_step=True)
    User.objects.filter(pk=world.validator_mia.pk).update(preferred_language="ru")
    User.objects.filter(pk=world.focal_point_mia.pk).update(preferred_language="kk")
    for user in (world.validator_mia, world.focal_point_mia):
        user.refresh_from_db()
    return world


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def step(
    client: Client, report_pk: int, name: str, capture: Any, comment: str = ""
) -> tuple[int, int]:
    """Press a step's button (and confirm it); the status codes of both requests."""
    url = reverse("reporting:report_transition", args=[report_pk, name])
    data = {f"{name}-comment": comment}
    with capture(execute=True):
        first = client.post(url, data)
    if first.status_code != 200:
        return first.status_code, 0
    with capture(execute=True):
        second = client.post(url, {**data, "confirmed": "yes"})
    return first.status_code, second.status_code


SUBJECTS = {
    "ready": "%(site_name)s: report %(number)s (%(agency)s) is ready for sign-off",
    "sent_back": "%(site_name)s: report %(number)s (%(agency)s) was sent back to draft",
    "signed_off": "%(site_name)s: report %(number)s (%(agency)s) was signed off",
    "submitted": "%(site_name)s: report %(number)s (%(agency)s) was submitted",
    "resubmitted": "%(site_name)s: report %(number)s (%(agency)s) was resubmitted",
    "accepted": "%(site_name)s: report %(number)s (%(agency)s) was accepted",
    "assigned": "%(site_name)s: report %(number)s (%(agency)s) was handed to you",
}


def subject(event: str, user: User, number: str = "1.1", agency: str = "MIA") -> str:
    """The subject ``user`` should get, in their language."""
    with translation.override(user.preferred_language):
        text = gettext(SUBJECTS[event])
    return text % {"site_name": settings.SITE_NAME, "number": number, "agency": agency}


def sent() -> list[tuple[str, str]]:
    """(recipient, subject) of each mail sent since the outbox was last emptied."""
    mails = [(message.to[0], message.subject) for message in mail.outbox]
    mail.outbox.clear()
    return mails


def state_of(report_pk: int) -> str:
    return ProgressReport.objects.get(pk=report_pk).state


def test_the_journey_tells_each_person_at_each_hand_off_in_their_language(
    world: ReportingWorld, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    author, deputy = client_for(world.focal_point_mia), client_for(world.validator_mia)
    coordinator = client_for(world.coordinator)
    report = world.start()
    actions.save_report(report, {"narrative": "Half done."}, by=world.focal_point_mia,
                        expected_version=None)  # fmt: skip

    # The deputy cannot sign off a draft that is not marked ready.
    assert step(deputy, report.pk, "sign_off", capture)[0] == 400
    # Marking ready is not irreversible: no confirmation. The deputy is told, in Russian.
    assert step(author, report.pk, "mark_ready", capture) == (302, 0)
    assert state_of(report.pk) == ReportState.READY
    [ready] = mail.outbox
    assert ready.to == [world.validator_mia.email]
    assert ready.subject == subject("ready", world.validator_mia)
    assert f"{settings.SITE_URL}/reporting/reports/{report.pk}/" in ready.body  # absolute
    with translation.override("ru"):
        greeting = gettext("Hello %(name)s,") % {"name": "Deputy Head"}
    assert greeting in ready.body
    html, mime = ready.alternatives[0]
    assert mime == "text/html" and '<html lang="ru">' in html
    sent()

    # The deputy sends it back with a comment: the author hears it, in Kazakh, with the comment.
    assert step(deputy, report.pk, "send_back", capture, SEND_BACK_COMMENT) == (302, 0)
    assert state_of(report.pk) == ReportState.DRAFT
    [back] = mail.outbox
    assert back.to == [world.focal_point_mia.email]
    assert back.subject == subject("sent_back", world.focal_point_mia)
    assert SEND_BACK_COMMENT in back.body and SEND_BACK_COMMENT in back.alternatives[0][0]
    assert '<html lang="kk">' in back.alternatives[0][0]
    sent()

    # Ready again; the deputy signs off, which is confirmed first.
    step(author, report.pk, "mark_ready", capture)
    assert sent() == [(world.validator_mia.email, subject("ready", world.validator_mia))]
    assert step(deputy, report.pk, "sign_off", capture) == (200, 302)
    assert sent() == [(world.focal_point_mia.email, subject("signed_off", world.focal_point_mia))]

    # Submitted: the coordinator; returned: MIA's focal points, with the coordinator's comment.
    assert step(author, report.pk, "submit", capture) == (200, 302)
    assert sent() == [(world.coordinator.email, subject("submitted", world.coordinator))]
    assert step(coordinator, report.pk, "return", capture, RETURN_COMMENT) == (200, 302)
    returned = list(mail.outbox)
    assert sorted(m.to[0] for m in returned) == sorted(
        [world.focal_point_mia.email, world.validator_mia.email]
    )
    assert all(RETURN_COMMENT in m.body for m in returned)
    sent()

    # Revised, ready, signed off, resubmitted, accepted.
    step(author, report.pk, "mark_ready", capture)
    step(deputy, report.pk, "sign_off", capture)
    sent()
    assert step(author, report.pk, "resubmit", capture) == (200, 302)
    assert sent() == [(world.coordinator.email, subject("resubmitted", world.coordinator))]
    assert step(coordinator, report.pk, "accept", capture) == (200, 302)
    assert sorted(sent()) == sorted(
        (user.email, subject("accepted", user))
        for user in (world.focal_point_mia, world.validator_mia)
    )
    assert state_of(report.pk) == ReportState.ACCEPTED

    # Every notice is an event with its facts, rendered in the reader's language when read.
    notice = Notification.objects.filter(event=notices.RETURNED).first()
    assert notice is not None and notice.text == ""
    assert notice.params["comment"] == RETURN_COMMENT
    assert notice.params["action"] == world.action.number
    page = client_for(notice.user).get(reverse("reporting:notifications"))
    assert RETURN_COMMENT in page.content.decode()
    assert not Notification.objects.filter(mailed_at__isnull=True).exists()


def test_the_daily_digest_carries_hand_offs_once(
    world: ReportingWorld, django_capture_on_commit_callbacks: Any
) -> None:
    User.objects.filter(pk=world.coordinator.pk).update(notice_delivery=NoticeDelivery.DAILY_DIGEST)
    report = world.report_in(ReportState.DRAFT, world.gpo, world.gpo_led_action)
    with django_capture_on_commit_callbacks(execute=True):
        world.take(report, "submit")
    assert mail.outbox == []  # the coordinator chose the digest: nothing at once
    [waiting] = Notification.objects.awaiting_digest()
    assert waiting.user == world.coordinator

    day = datetime.date(2023, 1, 5)
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(on=day)
    digest = next(m for m in mail.outbox if m.to == [world.coordinator.email])
    assert "Handed to you" in digest.body
    assert f"Report {world.gpo_led_action.number} (GPO) was submitted for review." in digest.body
    assert "1 hand-off" in digest.subject
    waiting.refresh_from_db()
    assert waiting.mailed_at is not None

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        summary = send_reminders(on=day)  # the second run of the day
    assert mail.outbox == []
    assert summary.sent == 0
    assert ReminderDigest.objects.filter(user=world.coordinator, day=day).count() == 1


def test_a_report_is_handed_to_a_colleague(
    world: ReportingWorld, django_capture_on_commit_callbacks: Any
) -> None:
    report = world.start()
    colleague = world.validator_mia  # a focal-point account of MIA
    author = client_for(world.focal_point_mia)
    url = reverse("reporting:report_assign", args=[report.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = author.post(url, {"assignee": colleague.pk})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.assignee == colleague
    [message] = mail.outbox
    assert message.to == [colleague.email]
    assert message.subject == subject("assigned", colleague)
    notice = Notification.objects.get(user=colleague, event=notices.ASSIGNED)
    assert notice.params["actor"] == (
        world.focal_point_mia.get_full_name() or world.focal_point_mia.email
    )
    page = author.get(reverse("reporting:report", args=[report.pk])).content.decode()
    assert "Assigned to" in page and "Deputy Head" in page

    # Only a colleague of the same agency, and only by a focal point of the agency.
    with pytest.raises(ValidationError):
        actions.assign_report(report, world.focal_point_gpo, by=world.focal_point_mia)
    assert client_for(world.focal_point_gpo).post(url, {"assignee": ""}).status_code == 404
    assert client_for(world.coordinator).post(url, {"assignee": ""}).status_code == 403
    assert colleague in [item.report.assignee for item in worklist(colleague).assigned_to_me]


def test_a_notice_names_the_agency_as_the_readers_language_writes_it(
    world: ReportingWorld, django_capture_on_commit_callbacks: Any
) -> None:
    world.mia.abbreviation_ru, world.mia.abbreviation_kk = "МВД", "ІІМ"
    world.mia.save()
    report = world.start()
    with django_capture_on_commit_callbacks(execute=True):
        actions.assign_report(report, world.validator_mia, by=world.focal_point_mia)
    notice = Notification.objects.get(user=world.validator_mia, event=notices.ASSIGNED)
    with translation.override("ru"):
        assert "(МВД)" in notice.message and "MIA" not in notice.message
    with translation.override("kk"):
        assert "(ІІМ)" in notice.message
    with translation.override("en"):
        assert "(MIA)" in notice.message


@pytest.mark.django_db
def test_old_notices_keep_their_text() -> None:
    notice = NotificationFactory(text="Report 1.1 (MIA) was returned for revision.")
    assert notice.event == ""
    with translation.override("ru"):
        assert notice.message == "Report 1.1 (MIA) was returned for revision."


def test_the_worklist_of_each_role(
    world: ReportingWorld, django_assert_max_num_queries: Any
) -> None:
    ready = world.start()
    world.take(ready, "mark_ready")
    submitted = world.report_in(ReportState.SUBMITTED, world.gpo, world.gpo_led_action)
    on = datetime.date(2022, 12, 1)

    mine = worklist(world.focal_point_mia, on=on)
    assert [item.report for item in mine.awaiting_sign_off] == [ready]
    # MIA co-executes 1.2 and has not started its contribution.
    assert [(item.action, item.report) for item in mine.to_write] == [(world.gpo_led_action, None)]
    assert mine.to_write[0].due == world.period.submission_deadline
    assert [item.report for item in worklist(world.validator_mia, on=on).to_sign_off] == [ready]
    gpo = worklist(world.focal_point_gpo, on=on)
    assert [item.report for item in gpo.with_coordinator] == [submitted]
    assert [item.report for item in worklist(world.coordinator, on=on).to_review] == [submitted]

    # A constant number of queries, whatever the number of reports.
    with django_assert_max_num_queries(8):
        worklist(world.focal_point_mia, on=on)
    for number in range(3, 8):
        action = world.gpo_led_action
        action.pk = None
        action.number = f"1.{number}"
        action.order = number
        action.save()
        ActionAgency.objects.create(
            action=action, agency=world.mia, role=ActionAgency.Role.LEAD, order=0
        )
        world.start(world.mia, action)
    with django_assert_max_num_queries(8):
        assert len(worklist(world.focal_point_mia, on=on).to_write) >= 5


def test_bulk_accept_reports_a_report_that_changed_meanwhile(
    world: ReportingWorld, django_capture_on_commit_callbacks: Any
) -> None:
    AgencyReportingSettings.objects.filter(agency=world.mia).update(ready_step=False)
    mia = world.report_in(ReportState.SUBMITTED)
    gpo = world.report_in(ReportState.SUBMITTED, world.gpo, world.gpo_led_action)
    coordinator = client_for(world.coordinator)
    dashboard = coordinator.get(reverse("reporting:dashboard")).content.decode()
    assert f'name="reports" value="{mia.pk}:{mia.version}"' in dashboard
    assert f'name="reports" value="{gpo.pk}:{gpo.version}"' in dashboard
    ticked = {"reports": [f"{mia.pk}:{mia.version}", f"{gpo.pk}:{gpo.version}"], "step": "accept"}
    url = reverse("reporting:bulk_review")

    confirm = coordinator.post(url, ticked)
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert '<input type="hidden" name="confirmed" value="yes">' in html
    assert "official status" in html
    assert ProgressReport.objects.filter(state=ReportState.ACCEPTED).count() == 0

    world.take(mia, "return")  # another coordinator returned MIA's report meanwhile
    with django_capture_on_commit_callbacks(execute=True):
        done = coordinator.post(url, {**ticked, "confirmed": "yes"}, follow=True)
    page = done.content.decode()
    assert "1 report accepted." in page
    assert "Report 1.1 (MIA) changed meanwhile and is now “Returned for revision”" in page
    gpo.refresh_from_db()
    mia.refresh_from_db()
    assert (gpo.state, mia.state) == (ReportState.ACCEPTED, ReportState.RETURNED)
    # No verdict in bulk: the action's official status is untouched.
    assert not world.gpo_led_action.monitoring_changes.exists()


def test_bulk_return_needs_the_comment_and_the_coordinator(world: ReportingWorld) -> None:
    report = world.report_in(ReportState.SUBMITTED, world.gpo, world.gpo_led_action)
    ticked = {"reports": [f"{report.pk}:{report.version}"], "step": "return"}
    url = reverse("reporting:bulk_review")
    refused = client_for(world.coordinator).post(url, ticked, follow=True)
    assert "Say what needs to change." in refused.content.decode()
    assert client_for(world.focal_point_gpo).post(url, ticked).status_code == 403
    response = client_for(world.coordinator).post(
        url, {**ticked, "comment": RETURN_COMMENT, "confirmed": "yes"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED
    assert report.transitions.last().comment == RETURN_COMMENT
