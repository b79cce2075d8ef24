"""Background work (django-tasks, stored in the database; ``manage.py worker`` runs it)."""

from __future__ import annotations

from django_tasks import task

from rightsmonitor.assessments.actions import run_generation


@task()
def generate_assessment_files(job_id: int) -> dict[str, object]:
    """Write an assessment's PDF, DOCX and XLSX in every language; progress in the job row."""
    return run_generation(job_id).as_dict()
