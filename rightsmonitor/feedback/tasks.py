"""The daily purge and reminders as a background task (django-tasks), like reporting's.

``purge_feedback_daily`` deletes what the retention period allows, sends the due-date
reminders (``feedback.reminders``: once a day per person however often it runs), then queues
itself for the next night, so a running ``manage.py worker`` keeps doing both. Start the chain once::

    python manage.py shell -c \
        "from rightsmonitor.feedback.tasks import schedule_daily_purge; schedule_daily_purge()"

or run ``manage.py purge_feedback`` from cron instead; running both does no harm.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone
from django_tasks import TaskResult, TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from rightsmonitor.feedback.actions import purge_closed_cases
from rightsmonitor.feedback.reminders import send_due_reminders

RUN_AT = time(3, 30)  # local time of the nightly purge


@task()
def purge_feedback_daily() -> dict[str, int]:
    today = timezone.localdate()
    summary = purge_closed_cases(today=today)
    reminders = send_due_reminders(today=today)
    schedule_daily_purge()
    return {**summary.as_dict(), **reminders.as_dict()}


def next_run(now: datetime | None = None) -> datetime:
    now = timezone.localtime(now)
    run = timezone.make_aware(datetime.combine(now.date(), RUN_AT))
    return run if run > now else run + timedelta(days=1)


def schedule_daily_purge() -> TaskResult[dict[str, int]] | None:
    """Queue the next nightly run unless one is queued already; return it, or None."""
    queued = DBTaskResult.objects.filter(
        task_path=purge_feedback_daily.module_path, status=TaskResultStatus.READY
    )
    if queued.exists():
        return None
    return purge_feedback_daily.using(run_after=next_run()).enqueue()
