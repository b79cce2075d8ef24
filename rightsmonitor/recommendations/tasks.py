"""Background work (django-tasks, stored in the database; ``manage.py worker`` runs it)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django_tasks import TaskResultStatus, task
from django_tasks.signals import task_finished

from rightsmonitor.recommendations.actions import fail_interrupted_run, run_import


@task()
def import_recommendations_file(run_id: int) -> dict[str, object]:
    """Import an uploaded recommendations file; progress in the ``progress`` cache."""
    summary = run_import(run_id)
    return summary.as_dict() if summary else {}


@receiver(task_finished)
def _fail_the_run_of_a_failed_task(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """The worker gave the import up (it died under it too often) or the task raised: the run
    must not say "running" for ever."""
    if (
        task_result.status == TaskResultStatus.FAILED
        and task_result.task.func is import_recommendations_file.func
    ):
        fail_interrupted_run(task_result.args[0])
