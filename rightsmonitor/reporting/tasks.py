"""Background tasks (django-tasks; the ``TASKS`` setting stores them in the database).

``send_daily_reminders`` is the alternative to running ``manage.py send_reminders`` from cron:
it sends the day's digests, then queues itself for the next morning, so a running
``manage.py worker`` sends reminders every day. Start the chain once::

    python manage.py shell -c \
        "from rightsmonitor.reporting.tasks import schedule_daily_reminders; \
         schedule_daily_reminders()"

Cron and the task may both run: the digests are recorded per person and day, so nobody gets
two. Only one run is kept queued at a time.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone
from django_tasks import TaskResult, TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from rightsmonitor.reporting.reminders import send_reminders

RUN_AT = time(7, 0)  # local time (settings.TIME_ZONE) of the daily run


@task()
def send_daily_reminders() -> dict[str, object]:
    """Send today's digests, then queue tomorrow's run; returns the run's counts."""
    summary = send_reminders(on=timezone.localdate())
    schedule_daily_reminders()
    return summary.as_dict()


def next_run(now: datetime | None = None) -> datetime:
    """The next ``RUN_AT`` after ``now``, timezone-aware."""
    now = timezone.localtime(now)
    run = timezone.make_aware(datetime.combine(now.date(), RUN_AT))
    return run if run > now else run + timedelta(days=1)


def schedule_daily_reminders() -> TaskResult[dict[str, object]] | None:
    """Queue the next daily run unless one is queued already; return it, or None."""
    queued = DBTaskResult.objects.filter(
        task_path=send_daily_reminders.module_path, status=TaskResultStatus.READY
    )
    if queued.exists():
        return None
    return send_daily_reminders.using(run_after=next_run()).enqueue()
