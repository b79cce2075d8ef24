"""The assessment's content, workflow, editions and files, through ``assessments.actions``."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from pathlib import Path

import docx
import openpyxl
import pypdf
import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.utils import timezone as django_timezone

from rightsmonitor.assessments import actions
from rightsmonitor.assessments.blocks import _REGISTRY as BLOCKS
from rightsmonitor.assessments.blocks import AssessmentBlock, BlockData, register
from rightsmonitor.assessments.content import STATUSES, build_snapshot
from rightsmonitor.assessments.models import (
    STALLED_AFTER,
    Assessment,
    AssessmentFile,
    AssessmentState,
    GenerationJob,
    SectionComment,
)
from rightsmonitor.core.locking import ConcurrentEditError
from rightsmonitor.plans.tests.factories import build_plan
from rightsmonitor.reporting import actions as reporting_actions
from rightsmonitor.reporting.models import ActionMonitoring

from .conftest import LINK, REPORT_TEXT, WRITING_DAY, AssessedPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def writing_day() -> Iterator[None]:
    with time_machine.travel(WRITING_DAY, tick=False):
        yield


def block(snapshot: dict, key: str) -> dict:
    return next(entry["data"] for entry in snapshot["blocks"] if entry["key"] == key)


def test_summary_figures_equal_the_database(assessed: AssessedPlan, writing_day: None) -> None:
    snapshot = build_snapshot(assessed.assessment)
    summary = block(snapshot, "summary")
    assessed_counts = dict(
        ActionMonitoring.objects.filter(action__plan=assessed.plan)
        .values_list("assessed_status")
        .annotate(n=Count("pk"))
    )
    never_assessed = assessed.plan.actions.filter(monitoring__isnull=True).count()
    expected = {status: assessed_counts.get(status, 0) for status in STATUSES}
    expected["not_assessed"] = never_assessed  # never "not started": nobody said so
    assert summary["by_status"] == expected
    assert summary["by_status"] == {
        "not_assessed": 2,
        "not_started": 0,
        "in_progress": 1,
        "partially_completed": 1,
        "completed": 1,
        "not_completed": 1,
        "no_longer_relevant": 0,
    }
    assert summary["total"] == 6 == assessed.plan.actions.count()
    # Due by 31.12.2022: all but 2.1; 1.1 was completed on 15.12.2022, in time.
    assert (summary["due"], summary["completed_on_time"], summary["completed_late"]) == (5, 1, 0)
    assert summary["on_time_rate"] == 20.0
    assert (summary["overdue"], summary["off_monitoring"]) == (4, 1)
    assert [row["total"] for row in summary["by_section"]] == [3, 3]
    assert [row["abbreviation"] for row in summary["by_lead_agency"]] == ["MIA"]

    overdue = block(snapshot, "overdue")
    assert [(row["number"], row["days_overdue"]) for row in overdue["actions"]] == [
        ("1.2", 25),
        ("1.3", 25),
        ("2.2", 25),
        ("2.3", 25),
    ]
    off = block(snapshot, "off_monitoring")
    assert [(row["number"], row["reason"]) for row in off["actions"]] == [
        ("1.1", "Done: order adopted.")
    ]
    sections = block(snapshot, "sections")["sections"]
    rows = {row["number"]: row for section in sections for row in section["actions"]}
    assert rows["1.2"]["report"]["narrative"] == REPORT_TEXT
    assert rows["1.2"]["report"]["evidence"] == [{"label": "The order", "url": LINK}]
    assert rows["1.3"]["report"] is None
    assert [a["abbreviation"] for a in rows["1.1"]["agencies"]] == ["MIA", "GPO"]
    # One reporting period in 2022: no status-over-periods chart.
    assert "status_over_periods" not in {entry["key"] for entry in snapshot["blocks"]}
    assert snapshot["sections"][0]["title"]["ru"] == "Гендерное равенство"


def test_status_over_periods_rebuilds_each_period(assessed: AssessedPlan) -> None:
    with time_machine.travel(datetime.datetime(2024, 2, 1, tzinfo=datetime.UTC), tick=False):
        whole = actions.create_assessment(
            assessed.plan,
            start=datetime.date(2022, 4, 28),
            end=datetime.date(2023, 12, 31),
            by=assessed.coordinator,
        )
        snapshot = build_snapshot(whole)
    periods = block(snapshot, "status_over_periods")["periods"]
    assert [row["end"] for row in periods] == ["2022-12-31", "2023-12-31"]
    # On the 2022 review deadline (25.01.2023) every verdict of the fixture had been given.
    first = periods[0]["counts"]
    assert (first["completed"], first["in_progress"], first["not_completed"]) == (1, 1, 1)
    assert sum(first.values()) == 6


def test_approval_freezes_the_content(assessed: AssessedPlan, writing_day: None) -> None:
    assessment = assessed.assessment
    actions.take_transition(assessment, "approve", by=assessed.coordinator)
    frozen = assessment.snapshot
    assert assessment.state == AssessmentState.APPROVED and frozen is not None
    actions.take_transition(assessment, "publish", by=assessed.coordinator)

    # The data moves on: a late report on 1.3 is accepted, and 1.3 is assessed completed.
    action = assessed.plan.actions.get(number="1.3")
    focal_point = assessed.focal_point
    late = reporting_actions.start_report(
        action, focal_point.agency, assessed.period_2022, by=focal_point
    )
    reporting_actions.save_report(
        late,
        {"narrative": "Sent late.", "proposed_status": "completed"},
        by=focal_point,
        expected_version=None,
    )
    reporting_actions.take_transition(late, "submit", by=focal_point)
    reporting_actions.take_transition(late, "accept", by=assessed.coordinator)
    reporting_actions.set_assessed_status(action, "completed", by=assessed.coordinator)
    assessment.refresh_from_db()
    assert "Sent late." in str(build_snapshot(assessment))
    assert "Sent late." not in str(assessment.snapshot)
    assert assessment.snapshot == frozen
    assert actions.content_of(assessment) == frozen
    assert block(build_snapshot(assessment), "summary")["by_status"]["completed"] == 2
    assert block(actions.content_of(assessment), "summary")["by_status"]["completed"] == 1


def test_a_new_edition_is_a_separate_document(assessed: AssessedPlan, writing_day: None) -> None:
    first = assessed.assessment
    section = assessed.plan.sections.get(number="1")
    actions.update_texts(
        first,
        language="en",
        texts={"introduction": "Year one.", "conclusions": ""},
        section_comments={section.pk: "Good progress."},
        by=assessed.coordinator,
        expected_version=first.version,
    )
    for name in ("approve", "publish"):
        actions.take_transition(first, name, by=assessed.coordinator)
    reporting_actions.set_assessed_status(
        assessed.plan.actions.get(number="1.3"), "completed", by=assessed.coordinator
    )

    second = actions.new_edition(first, by=assessed.coordinator)
    assert (second.edition, second.state, second.supersedes) == (2, AssessmentState.DRAFT, first)
    assert second.introduction_en == "<p>Year one.</p>"
    assert SectionComment.objects.get(assessment=second, section=section).comment_en == (
        "<p>Good progress.</p>"
    )
    for name in ("approve", "publish"):
        actions.take_transition(second, name, by=assessed.coordinator)
    first.refresh_from_db()
    assert first.state == second.state == AssessmentState.PUBLISHED
    assert block(first.snapshot, "summary")["by_status"]["completed"] == 1
    assert block(second.snapshot, "summary")["by_status"]["completed"] == 2
    with pytest.raises(ValidationError):
        actions.new_edition(first, by=assessed.coordinator)  # edition 2 exists


def test_texts_are_sanitised_and_stale_edits_refused(assessed: AssessedPlan) -> None:
    assessment = assessed.assessment
    loaded = assessment.version
    actions.update_texts(
        assessment,
        language="ru",
        texts={
            "introduction": '<p onclick="x()">Введение <script>alert(1)</script><b>важно</b></p>',
            "conclusions": "Первый абзац.\n\nВторой абзац.",
        },
        section_comments={},
        by=assessed.coordinator,
        expected_version=loaded,
    )
    assessment.refresh_from_db()
    assert (
        "script" not in assessment.introduction_ru and "onclick" not in assessment.introduction_ru
    )
    assert "<b>важно</b>" in assessment.introduction_ru or "<strong>" in assessment.introduction_ru
    assert assessment.conclusions_ru == "<p>Первый абзац.</p>\n\n<p>Второй абзац.</p>"
    assert assessment.introduction_en == ""  # other languages untouched

    with pytest.raises(ConcurrentEditError):
        actions.update_texts(
            assessment,
            language="ru",
            texts={"introduction": "Overwrites the other edit"},
            section_comments={},
            by=assessed.coordinator,
            expected_version=loaded,
        )
    assessment.refresh_from_db()
    assert "важно" in assessment.introduction_ru
    history = [(h.history_user, h.history_type) for h in assessment.history.order_by("history_id")]
    assert history[-1] == (assessed.coordinator, "~")


def test_only_staff_change_assessments(
    assessed: AssessedPlan, focal_point_mia, ngo_member, public
) -> None:
    for user in (focal_point_mia, ngo_member, public):
        with pytest.raises(PermissionDenied):
            actions.create_assessment(assessed.plan, period=assessed.period_2023, by=user)
        with pytest.raises(PermissionDenied):
            actions.take_transition(assessed.assessment, "approve", by=user)
        with pytest.raises(PermissionDenied):
            actions.request_files(assessed.assessment, by=user)


def test_refusals(assessed: AssessedPlan, writing_day: None) -> None:
    coordinator = assessed.coordinator
    with pytest.raises(ValidationError) as refused:
        actions.create_assessment(assessed.plan, period=assessed.period_2022, by=coordinator)
    assert refused.value.code == "exists"
    other = build_plan(code="other", sections=1, actions_per_section=1)
    with pytest.raises(ValidationError):
        actions.create_assessment(other, period=assessed.period_2022, by=coordinator)
    with pytest.raises(ValidationError) as refused:
        actions.take_transition(assessed.assessment, "publish", by=coordinator)
    assert refused.value.code == "invalid_transition"
    actions.take_transition(assessed.assessment, "approve", by=coordinator)
    with pytest.raises(ValidationError) as refused:
        actions.update_texts(
            assessed.assessment,
            language="en",
            texts={"introduction": "Too late"},
            section_comments={},
            by=coordinator,
            expected_version=None,
        )
    assert refused.value.code == "not_draft"
    # Reopening thaws the content.
    actions.take_transition(assessed.assessment, "reopen", by=coordinator)
    assert assessed.assessment.snapshot is None
    assert Assessment.objects.filter(plan=assessed.plan).count() == 1


# Files -----------------------------------------------------------------------------------------


def _read_text(row: AssessmentFile) -> str:
    with row.file.open("rb") as handle:
        data = handle.read()
    if row.format == "pdf":
        # Table cells wrap lines: compare with white space collapsed.
        text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
        return " ".join(text.split())
    if row.format == "docx":
        document = docx.Document(io.BytesIO(data))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join([*(p.text for p in document.paragraphs), *cells])
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(
        str(value)
        for sheet in workbook.worksheets
        for row_values in sheet.iter_rows(values_only=True)
        for value in row_values
        if value is not None
    )


def test_a_job_whose_worker_died_is_given_up_and_started_again(assessed: AssessedPlan) -> None:
    """A worker killed in the middle leaves its job "running": once it has been silent for
    ``STALLED_AFTER`` the page says it stopped, and asking again starts a new job."""
    assessment = assessed.assessment
    job = actions.request_files(assessment, by=assessed.coordinator)
    job.state, job.current_step = GenerationJob.State.RUNNING, "PDF · kk"
    job.started_at = job.heartbeat_at = django_timezone.now()
    job.save()
    assert job.is_active and actions.request_files(assessment, by=assessed.coordinator) == job

    with time_machine.travel(django_timezone.now() + STALLED_AFTER + datetime.timedelta(seconds=1)):
        assert job.is_stalled and not job.is_active
        assert "stopped at PDF · kk" in job.problem
        again = actions.request_files(assessment, by=assessed.coordinator)
    assert again != job and again.state == GenerationJob.State.QUEUED
    job.refresh_from_db()
    assert job.state == GenerationJob.State.FAILED and "stopped at PDF · kk" in job.error
    assert actions.run_generation(job.pk).state == GenerationJob.State.FAILED  # left alone


def test_generation_writes_every_format_and_language(
    assessed: AssessedPlan, media_root: Path, writing_day: None, django_capture_on_commit_callbacks
) -> None:
    assessment = assessed.assessment
    job = actions.request_files(assessment, by=assessed.coordinator)
    assert actions.request_files(assessment, by=assessed.coordinator) == job  # one at a time
    job = actions.run_generation(job.pk)
    assert (job.state, job.percent, job.total_steps) == (GenerationJob.State.DONE, 100, 9)
    files = list(assessment.files.all())
    assert sorted((f.format, f.language) for f in files) == sorted(
        (fmt, lang) for fmt in ("pdf", "docx", "xlsx") for lang in ("en", "ru", "kk")
    )
    for row in files:
        assert row.download_name == f"kz-assessment-2022-ed1-{row.language}.{row.format}"
        text = _read_text(row)
        for action in assessed.plan.actions.all():
            assert action.number in text, (row, action.number)
        assert REPORT_TEXT in text, row
    by_language = {f.language: _read_text(f) for f in files if f.format == "docx"}
    assert "Гендерное равенство" in by_language["ru"]
    assert "Қылмыстық сот төрелігі" in by_language["kk"]
    assert "Gender equality" in by_language["en"]

    # Writing again replaces the files: nine on disk, not eighteen.
    with django_capture_on_commit_callbacks(execute=True):
        actions.run_generation(actions.request_files(assessment, by=assessed.coordinator).pk)
    assert len(list((media_root / "assessments").rglob("*.*"))) == 9


class _Broken(AssessmentBlock):
    key = "broken"
    title = "Broken"
    order = 999
    template = "assessments/includes/file_links.html"  # renders (empty) in web and PDF

    def collect(self, facts: object) -> BlockData:
        return {}

    def write_docx(self, writer: object, data: BlockData) -> None:
        raise RuntimeError("this block cannot write Word")

    def write_xlsx(self, writer: object, data: BlockData) -> None:
        raise RuntimeError("this block cannot write Excel")


def test_a_failed_generation_keeps_the_earlier_files(
    assessed: AssessedPlan, writing_day: None
) -> None:
    assessment = assessed.assessment
    actions.run_generation(actions.request_files(assessment, by=assessed.coordinator).pk)
    before = {(f.format, f.language): f.file.name for f in assessment.files.all()}
    register(_Broken())
    try:
        job = actions.run_generation(actions.request_files(assessment, by=assessed.coordinator).pk)
    finally:
        BLOCKS.pop("broken")
    assert job.state == GenerationJob.State.FAILED
    assert "cannot write Word" in job.error
    after = {(f.format, f.language): f.file.name for f in assessment.files.all()}
    assert set(after) == set(before)
    for row in assessment.files.all():
        assert row.file.storage.exists(row.file.name)


def test_approval_queues_files_from_the_snapshot(
    assessed: AssessedPlan, writing_day: None, django_capture_on_commit_callbacks
) -> None:
    assessment = assessed.assessment
    actions.run_generation(actions.request_files(assessment, by=assessed.coordinator).pk)
    assert not assessment.files.filter(from_snapshot=True).exists()
    with django_capture_on_commit_callbacks(execute=False):
        actions.take_transition(assessment, "approve", by=assessed.coordinator)
    # The draft's files are gone; a job for the frozen content is queued.
    assert not assessment.files.exists()
    job = assessment.jobs.first()
    assert job is not None and job.state == GenerationJob.State.QUEUED
    actions.run_generation(job.pk)
    assert assessment.files.filter(from_snapshot=True).count() == 9
