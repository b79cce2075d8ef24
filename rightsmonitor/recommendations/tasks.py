"""Background work (django-tasks, stored in the database; ``manage.py db_worker`` runs it)."""

from __future__ import annotations

from django_tasks import task

from rightsmonitor.recommendations.actions import run_import


@task()
def import_recommendations_file(run_id: int) -> dict[str, object]:
    """Import an uploaded recommendations file; progress in the ``progress`` cache."""
    summary = run_import(run_id)
    return summary.as_dict() if summary else {}
