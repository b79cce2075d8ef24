"""Approving an assessment whose texts are not in every language warns; the page marks them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from django.urls import reverse

from rightsmonitor.assessments import actions
from rightsmonitor.assessments.models import AssessmentState
from rightsmonitor.assessments.translations import untranslated_texts
from rightsmonitor.conftest import client_for

from .conftest import WRITING_DAY, AssessedPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def writing_day() -> Iterator[None]:
    with time_machine.travel(WRITING_DAY, tick=False):
        yield


def _write_english_only(assessed: AssessedPlan) -> None:
    section = assessed.plan.sections.get(number="2")
    actions.update_texts(
        assessed.assessment,
        language="en",
        texts={"introduction": "<p>Written in English only.</p>", "conclusions": ""},
        section_comments={section.pk: "<p>An English comment.</p>"},
        by=assessed.coordinator,
        expected_version=None,
    )
    assessed.assessment.refresh_from_db()


def test_approval_lists_the_fallbacks_and_needs_a_confirmation(
    assessed: AssessedPlan, writing_day: None
) -> None:
    _write_english_only(assessed)
    assessment = assessed.assessment
    assert [(f.text, f.language, f.shown_in) for f in untranslated_texts(assessment)] == [
        ("Introduction", "ru", "en"),
        ("Introduction", "kk", "en"),
        ("Comment on section 2", "ru", "en"),
        ("Comment on section 2", "kk", "en"),
    ]
    client = client_for(assessed.coordinator)
    page = client.get(f"/ru{assessment.get_absolute_url()}").content.decode()
    assert "Введение: нет текста (Русский), будет показан текст (Английский)" in page
    assert 'name="confirm_fallbacks"' in page

    url = reverse("assessments:transition", args=[assessment.pk, "approve"])
    client.post(url, {"version": assessment.version})
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.DRAFT  # not without the confirmation

    client.post(url, {"version": assessment.version, "confirm_fallbacks": "1"})
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.APPROVED


def test_the_published_page_marks_each_fallback(
    assessed: AssessedPlan, writing_day: None, public
) -> None:
    _write_english_only(assessed)
    assessment = assessed.assessment
    for name in ("approve", "publish"):
        actions.take_transition(assessment, name, by=assessed.coordinator)
    path = assessment.get_absolute_url()
    html = client_for(public).get(f"/kk{path}").content.decode()
    assert '<div class="rich-text" lang="en"><p>Written in English only.</p></div>' in html
    assert '<div class="section-comment" lang="en"><p>An English comment.</p></div>' in html
    assert html.count("(ағылшын тілінде)") == 2
    english = client_for(public).get(path).content.decode()
    assert "fallback-mark" not in english
