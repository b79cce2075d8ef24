"""Daily reminder digests through the real ``send_reminders`` command, with frozen time.

E-mails land in ``mail.outbox`` (Django's locmem backend in tests). The command sends once its
transactions commit, so runs are wrapped in ``django_capture_on_commit_callbacks``.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import translation
from django.utils.translation import ngettext
from django_tasks_db.models import DBTaskResult

from rightsmonitor.accounts.tests.factories import CoordinatorFactory, FocalPointFactory
from rightsmonitor.plans.models import Plan
from rightsmonitor.reporting.actions import save_report
from rightsmonitor.reporting.models import Notification, ReminderDigest
from rightsmonitor.reporting.tasks import next_run, schedule_daily_reminders, send_daily_reminders
from rightsmonitor.reporting.tests.test_queries import make_plan, make_report, period, today
from rightsmonitor.reporting.workflow import ReportState

pytestmark = pytest.mark.django_db

DUE = dt.date(2022, 12, 31)  # every action of build_plan


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run ``send_reminders`` on a frozen day; return what it printed."""

    def run(day: dt.date, *args: str) -> str:
        out = StringIO()
        with today(day), django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", *args, stdout=out)
        return out.getvalue()

    return run


@pytest.fixture
def plan_without_periods() -> Plan:
    """Actions due 31 December 2022 and no reporting periods: only action deadlines."""
    return make_plan(sections=1, actions_per_section=2, periods=False)


def mail_to(address: str) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if address in message.to]


# Due soon: on day -30, -7 and -1 only --------------------------------------------------------


@pytest.mark.parametrize("days_before", [30, 7, 1])
def test_due_item_is_mentioned_30_7_and_1_days_before(
    run, plan_without_periods, focal_point_mia, days_before: int
) -> None:
    run(DUE - dt.timedelta(days=days_before))
    [message] = mail.outbox
    assert message.to == ["focal.mia@example.org"]
    assert message.subject == "Rights Monitor: 2 items due"
    assert "Due soon" in message.body
    assert "- Action 1.1 (MIA): Draft a law on matter" in message.body
    assert "- Action 1.2 (MIA)" in message.body
    when = "in 1 day" if days_before == 1 else f"in {days_before} days"
    assert f"due 31 December 2022, {when}" in message.body
    assert "http://127.0.0.1:8000/plans/" in message.body
    assert "Overdue" not in message.body
    # Both actions fall due on the same day: one notice for the two.
    [notice] = Notification.objects.filter(user=focal_point_mia)
    assert notice.kind == Notification.Kind.DUE_SOON
    assert notice.message == f"2 action deadlines: due 31 December 2022, {when}"
    assert notice.url == "/reporting/tasks/"


@pytest.mark.parametrize("days_before", [31, 29, 8, 6, 2, 0])
def test_due_item_is_not_mentioned_on_other_days(
    run, plan_without_periods, focal_point_mia, coordinator, days_before: int
) -> None:
    run(DUE - dt.timedelta(days=days_before))
    assert mail.outbox == []
    assert not ReminderDigest.objects.exists()
    assert not Notification.objects.exists()


def test_reminder_days_come_from_settings(
    run, settings, plan_without_periods, focal_point_mia
) -> None:
    settings.REMINDER_DAYS = [14]
    run(DUE - dt.timedelta(days=30))
    assert mail.outbox == []
    run(DUE - dt.timedelta(days=14))
    assert "in 14 days" in mail.outbox[0].body


# Overdue and returned -----------------------------------------------------------------------


def test_overdue_items_are_listed_every_day(
    run, plan_without_periods, focal_point_mia, focal_point_gpo
) -> None:
    run(dt.date(2023, 1, 5))
    [message] = mail_to("focal.mia@example.org")
    assert message.subject == "Rights Monitor: 2 overdue"
    assert "Overdue\n\n- Action 1.1 (MIA)" in message.body
    assert "was due 31 December 2022, 5 days overdue" in message.body
    assert "(GPO)" not in message.body
    assert "(GPO)" in mail_to("focal.gpo@example.org")[0].body
    overdue = Notification.objects.filter(user=focal_point_mia, kind=Notification.Kind.OVERDUE)
    assert [notice.message for notice in overdue] == [
        "2 action deadlines: was due 31 December 2022, 5 days overdue"
    ]

    # The next day: listed again by e-mail, but the in-app notices are not repeated.
    run(dt.date(2023, 1, 6))
    assert "6 days overdue" in mail_to("focal.mia@example.org")[1].body
    assert overdue.count() == 1


def test_returned_report_is_listed_for_the_agencys_focal_points(run, reporting_world) -> None:
    world = reporting_world
    report = world.report_in(ReportState.RETURNED)  # MIA's, signed off, submitted, returned
    run(dt.date(2022, 12, 20))  # nothing else is due in 30, 7 or 1 days
    # Both of MIA's focal points (its validating authority has a focal-point account).
    for user in (world.focal_point_mia, world.validator_mia):
        [message] = mail_to(user.email)
        assert message.subject == "Rights Monitor: 1 returned for revision"
        assert (
            "Returned to you for revision\n\n"
            "- Report on action 1.1 (MIA) for 28.04.2022–31.12.2022\n"
            "  due 10 January 2023, in 21 days\n"
            "  Coordinator's comment: Add the number of the adopted order.\n"
            f"  http://127.0.0.1:8000/reporting/reports/{report.pk}/\n"
        ) in message.body
    assert mail_to(world.focal_point_gpo.email) == []

    # Once overdue it stays under "returned" (with its deadline), not listed twice.
    run(dt.date(2023, 1, 12))
    body = mail_to(world.focal_point_mia.email)[-1].body
    assert body.count("Report on action 1.1 (MIA)") == 1
    assert "was due 10 January 2023, 2 days overdue" in body


# Validating authorities and coordinators -----------------------------------------------------


def test_validating_authority_hears_of_drafts_awaiting_sign_off(run, reporting_world) -> None:
    world = reporting_world
    ready = world.start()
    save_report(
        ready,
        {"narrative": "Order No. 12 adopted."},
        by=world.focal_point_mia,
        expected_version=None,
    )
    world.start(action=world.gpo_led_action)  # MIA's contribution, nothing written yet
    world.start(world.gpo)  # GPO's reports need no sign-off

    run(dt.date(2022, 12, 20))
    deputy = world.validator_mia
    [message] = mail_to(deputy.email)
    assert message.subject == "Rights Monitor: 1 awaiting your sign-off"
    assert "Awaiting your sign-off\n\n- Report on action 1.1 (MIA)" in message.body
    assert f"/reporting/reports/{ready.pk}/" in message.body
    assert "action 1.2" not in message.body
    assert "(GPO)" not in message.body
    # Signed off, it waits for the focal point, not for the validating authority.
    world.take(ready, "sign_off")
    run(dt.date(2022, 12, 21))
    assert len(mail_to(deputy.email)) == 1


def test_coordinator_gets_a_summary_by_agency(run, coordinator, plan_without_periods) -> None:
    plan = make_plan(sections=1, actions_per_section=1)
    make_report(plan.actions.get(), "GPO", period(plan, 2022), ReportState.SUBMITTED)
    run(dt.date(2023, 1, 12))
    [message] = mail_to(coordinator.email)
    # Each agency: three actions past 31 December. MIA's report for 2022 is late (due on
    # 10 January); GPO's was sent and awaits review.
    assert message.subject == "Rights Monitor: 7 overdue, 1 awaiting review"
    assert (
        "Summary by agency\n"
        "Agency | Overdue deadlines | Overdue reports | Awaiting review\n"
        "GPO | 3 | 0 | 1\n"
        "MIA | 3 | 1 | 0\n"
    ) in message.body
    assert "http://127.0.0.1:8000/reporting/dashboard/" in message.body


def test_nothing_to_hear_about_means_no_email(run, coordinator, focal_point_mia) -> None:
    make_plan(sections=1, actions_per_section=1, periods=False, status=Plan.Status.COMPLETED)
    run(dt.date(2023, 1, 5))
    assert mail.outbox == []
    assert not ReminderDigest.objects.exists()


def test_inactive_people_get_nothing(
    run, plan_without_periods, focal_point_mia, coordinator
) -> None:
    CoordinatorFactory(email="former.coordinator@example.org", is_active=False)
    FocalPointFactory(
        email="former.mia@example.org", agency=focal_point_mia.agency, is_active=False
    )
    run(dt.date(2023, 1, 5))
    assert sorted(message.to[0] for message in mail.outbox) == [
        "coordinator@example.org",
        "focal.mia@example.org",
    ]


# Once a day, dry runs, languages -------------------------------------------------------------


def test_second_run_on_the_same_day_sends_nothing(
    run, plan_without_periods, focal_point_mia, coordinator
) -> None:
    first = run(dt.date(2023, 1, 5))
    assert "Sent 2 digest(s) for 2023-01-05; 0 already sent" in first
    assert len(mail.outbox) == 2
    digests = list(ReminderDigest.objects.values_list("user__email", "day", "items"))
    assert sorted(digests) == [
        ("coordinator@example.org", dt.date(2023, 1, 5), 2),
        ("focal.mia@example.org", dt.date(2023, 1, 5), 2),
    ]
    notices = Notification.objects.count()

    second = run(dt.date(2023, 1, 5))
    assert "Sent 0 digest(s) for 2023-01-05; 2 already sent that day" in second
    assert len(mail.outbox) == 2
    assert ReminderDigest.objects.count() == 2
    assert Notification.objects.count() == notices


def test_dry_run_sends_and_writes_nothing(run, plan_without_periods, focal_point_mia) -> None:
    out = run(dt.date(2023, 1, 5), "--dry-run")
    assert "focal.mia@example.org: Rights Monitor: 2 overdue" in out
    assert "Would send 1 digest(s) for 2023-01-05" in out
    assert mail.outbox == []
    assert not ReminderDigest.objects.exists()
    assert not Notification.objects.exists()


def test_date_option_sets_the_day(run, plan_without_periods, focal_point_mia) -> None:
    run(dt.date(2023, 6, 1), "--date", "2022-12-24")
    assert "in 7 days" in mail.outbox[0].body
    assert ReminderDigest.objects.get().day == dt.date(2022, 12, 24)


@pytest.mark.parametrize("value", ["24.12.2022", "2022-13-01", "tomorrow"])
def test_bad_date_is_refused(value: str) -> None:
    with pytest.raises(CommandError, match="is not a date: write it as YYYY-MM-DD"):
        call_command("send_reminders", "--date", value)


def test_digest_in_the_persons_language(run, plan_without_periods, focal_point_mia) -> None:
    focal_point_mia.preferred_language = "ru"
    focal_point_mia.save()
    action = plan_without_periods.actions.get(number="1.1")
    action.title_ru = "Разработать законопроект"
    action.save()
    run(DUE - dt.timedelta(days=7))
    [message] = mail.outbox
    assert "Разработать законопроект" in message.body
    assert "31 декабря 2022" in message.body
    assert "/ru/plans/" in message.body  # links open in Russian
    with translation.override("ru"):
        items_due = ngettext("%(count)d item due", "%(count)d items due", 2) % {"count": 2}
    assert message.subject == f"Rights Monitor: {items_due}"
    notice = Notification.objects.get(user=focal_point_mia)
    assert notice.event == "due_soon" and notice.text == ""  # stored as an event, not a sentence
    with translation.override("ru"):  # written in the reader's language when read
        assert "31 декабря 2022" in notice.message
    assert "31 December 2022" in notice.message
    assert translation.get_language() == "en"


# Query count ---------------------------------------------------------------------------------

# Due items: actions, their agencies, periods, reports (4); returned and draft reports (1);
# people (1); validating authorities (1); awaiting review (1); agencies of the summary (1);
# hand-off notices waiting for the digest (1); digests already sent today (1), previous
# digests (1); per person: savepoint, digest, notifications, release (3 people x 4, one fewer
# for the coordinator, who has no notices).
MAX_QUERIES = 12 + 3 * 4 - 1


@pytest.mark.parametrize("actions", [10, 100])
def test_query_count_does_not_grow_with_actions(
    run, django_assert_max_num_queries, focal_point_mia, focal_point_gpo, coordinator, actions
) -> None:
    make_plan(sections=1, actions_per_section=actions)
    with django_assert_max_num_queries(MAX_QUERIES):
        run(dt.date(2023, 1, 3))
    assert len(mail.outbox) == 3
    assert mail_to(focal_point_mia.email)[0].body.count("- Action 1.") == actions


# The django-tasks alternative to cron ---------------------------------------------------------


def test_daily_task_sends_and_queues_tomorrows_run(
    django_capture_on_commit_callbacks, plan_without_periods, focal_point_mia
) -> None:
    with today(dt.date(2023, 1, 5)), django_capture_on_commit_callbacks(execute=True):
        result = send_daily_reminders.call()
        assert result == {
            "day": "2023-01-05",
            "dry_run": False,
            "sent": 1,
            "skipped": 0,
            "notifications": 1,
        }
        [queued] = DBTaskResult.objects.all()
        assert queued.task_path == send_daily_reminders.module_path
        assert queued.run_after == next_run()
        assert next_run().date() == dt.date(2023, 1, 6)
        assert schedule_daily_reminders() is None  # one queued run at a time
    assert len(mail.outbox) == 1
