"""Assessment pages through the Django test client: who sees what, editing, workflow, files."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rightsmonitor.assessments import actions
from rightsmonitor.assessments.models import (
    Assessment,
    AssessmentFile,
    AssessmentState,
    FileFormat,
    GenerationJob,
)
from rightsmonitor.conftest import client_for
from rightsmonitor.plans.tests.factories import build_plan

from .conftest import REPORT_TEXT, WRITING_DAY, AssessedPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def writing_day() -> Iterator[None]:
    with time_machine.travel(WRITING_DAY, tick=False):
        yield


def _publish(assessment: Assessment, by: object) -> None:
    for name in ("approve", "publish"):
        actions.take_transition(assessment, name, by=by)


def test_the_public_sees_published_assessments_only(
    assessed: AssessedPlan, writing_day: None, public, ngo_member, focal_point_mia
) -> None:
    draft_url = assessed.assessment.get_absolute_url()
    for user in (public, ngo_member, focal_point_mia):
        client = client_for(user)
        assert client.get(draft_url).status_code == 404
        listed = client.get(reverse("assessments:list")).content.decode()
        assert draft_url not in listed
    _publish(assessed.assessment, assessed.coordinator)
    response = client_for(public).get(draft_url)
    html = response.content.decode()
    assert response.status_code == 200
    assert REPORT_TEXT in html
    assert "Manage this assessment" not in html
    for action in assessed.plan.actions.all():
        assert action.title_en in html


def test_the_document_in_russian_and_kazakh(
    assessed: AssessedPlan, writing_day: None, public
) -> None:
    _publish(assessed.assessment, assessed.coordinator)
    client = client_for(public)
    url = assessed.assessment.get_absolute_url()  # English: no language prefix
    russian = client.get(f"/ru{url}").content.decode()
    assert "Гендерное равенство" in russian
    assert 'lang="ru"' in russian
    kazakh = client.get(f"/kk{url}").content.decode()
    assert "Қылмыстық сот төрелігі" in kazakh


def test_staff_see_the_draft_with_its_tools(assessed: AssessedPlan, writing_day: None) -> None:
    html = (
        client_for(assessed.coordinator)
        .get(assessed.assessment.get_absolute_url())
        .content.decode()
    )
    assert "Manage this assessment" in html
    assert reverse("assessments:transition", args=[assessed.assessment.pk, "approve"]) in html
    assert reverse("assessments:edit", args=[assessed.assessment.pk]) + "?language=kk" in html
    assert "DRAFT" in html


def test_list_query_count_does_not_grow(assessed: AssessedPlan, writing_day: None, public) -> None:
    _publish(assessed.assessment, assessed.coordinator)
    client = client_for(public)
    url = reverse("assessments:list")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for code in ("a", "b", "c"):
        plan = build_plan(code=code, sections=1, actions_per_section=1)
        extra = actions.create_assessment(
            plan,
            start=datetime.date(2022, 1, 1),
            end=datetime.date(2022, 12, 31),
            by=assessed.coordinator,
        )
        _publish(extra, assessed.coordinator)
        for file_format in FileFormat.values:
            row = AssessmentFile(
                assessment=extra, format=file_format, language="en", generated_at=timezone.now()
            )
            row.file.save(row.download_name, ContentFile(b"x"))
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert html.count("/files/pdf/") == 3
    assert len(many) == len(few)


def test_new_assessment_page(assessed: AssessedPlan, writing_day: None) -> None:
    client = client_for(assessed.coordinator)
    url = reverse("assessments:new")
    assert client.get(url).status_code == 200
    response = client.post(url, {"plan": assessed.plan.pk, "period": assessed.period_2022.pk})
    assert "already has an assessment of this period" in response.content.decode()
    response = client.post(url, {"plan": assessed.plan.pk, "period": assessed.period_2023.pk})
    created = Assessment.objects.get(plan=assessed.plan, end=datetime.date(2023, 12, 31))
    assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
    response = client.post(url, {"plan": assessed.plan.pk, "start": "2023-05-01"})
    assert "give the first and last day" in response.content.decode()


def test_edit_texts_and_a_stale_save(assessed: AssessedPlan, writing_day: None) -> None:
    assessment = assessed.assessment
    section = assessed.plan.sections.get(number="2")
    url = reverse("assessments:edit", args=[assessment.pk]) + "?language=kk"
    client = client_for(assessed.coordinator)
    page = client.get(url)
    assert page.status_code == 200 and 'lang="kk"' in page.content.decode()
    data = {
        "version": assessment.version,
        "introduction": "Кіріспе мәтіні.",
        "conclusions": "",
        f"section_{section.pk}": "<p>Бөлім туралы <em>пікір</em>.</p>",
    }
    assert client.post(url, data).status_code == 302
    assessment.refresh_from_db()
    assert assessment.introduction_kk == "<p>Кіріспе мәтіні.</p>"
    # The same form sent again carries the old version: refused, nothing overwritten.
    response = client.post(url, {**data, "introduction": "Ескі нұсқа."})
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.introduction_kk == "<p>Кіріспе мәтіні.</p>"
    html = client.get(f"/kk{assessment.get_absolute_url()}").content.decode()
    assert "Бөлім туралы <em>пікір</em>." in html
    assert (
        client.get(reverse("assessments:edit", args=[assessment.pk]) + "?language=xx").status_code
        == 404
    )


def test_workflow_buttons_and_generation_progress(
    assessed: AssessedPlan, writing_day: None
) -> None:
    assessment = assessed.assessment
    client = client_for(assessed.coordinator)
    url = reverse("assessments:transition", args=[assessment.pk, "publish"])
    response = client.post(url, {"version": assessment.version}, follow=True)
    assert "is not possible while the assessment is" in response.content.decode()
    url = reverse("assessments:transition", args=[assessment.pk, "approve"])
    client.post(url, {"version": assessment.version})
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.APPROVED
    # An approval queues the files; the page polls while the job runs.
    job = assessment.jobs.get()
    progress = client.get(reverse("assessments:progress", args=[assessment.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in progress and "<progress" in progress
    actions.run_generation(job.pk)
    progress = client.get(reverse("assessments:progress", args=[assessment.pk])).content.decode()
    assert "hx-trigger" not in progress
    assert reverse("assessments:file", args=[assessment.pk, "docx", "ru"]) in progress
    # Asking again with htmx answers with the progress partial of a new job.
    response = client.post(
        reverse("assessments:generate", args=[assessment.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and 'hx-trigger="every 2s"' in response.content.decode()
    assert assessment.jobs.filter(state=GenerationJob.State.QUEUED).count() == 1


def test_file_downloads(assessed: AssessedPlan, writing_day: None, public) -> None:
    assessment = assessed.assessment
    actions.run_generation(actions.request_files(assessment, by=assessed.coordinator).pk)
    url = reverse("assessments:file", args=[assessment.pk, "xlsx", "ru"])
    assert client_for(public).get(url).status_code == 404  # a draft's files are not public
    staff = client_for(assessed.coordinator).get(url)
    assert staff.status_code == 200
    assert staff["Cache-Control"] == "private, no-store"
    _publish(assessment, assessed.coordinator)
    actions.run_generation(assessment.jobs.first().pk)
    response = client_for(public).get(
        reverse("assessments:file", args=[assessment.pk, "pdf", "kk"])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="kz-assessment-2022-ed1-kk.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    response = client_for(public).get(
        reverse("assessments:file", args=[assessment.pk, "docx", "en"])
    )
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
