"""The evidence of an accepted report of a public plan downloads without login, from a public
address; everything else is a 404 for the public, never a login page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse

from rightsmonitor.plans.models import Plan
from rightsmonitor.reporting import actions
from rightsmonitor.reporting.access import evidence_is_public
from rightsmonitor.reporting.evidence import PUBLIC_MAX_AGE
from rightsmonitor.reporting.models import Evidence
from rightsmonitor.reporting.tests.factories import PDF, ReportingWorld, pdf_upload
from rightsmonitor.reporting.workflow import ReportState as S

NAME = "Приказ №12 (final).pdf"


def with_file(world: ReportingWorld, state: str) -> Evidence:
    report = world.start()
    evidence = actions.add_evidence_file(report, pdf_upload(NAME), by=world.focal_point_mia)
    world.walk(report, state)
    return evidence


def public_url(evidence: Evidence) -> str:
    return reverse("reporting:public_evidence", args=[evidence.pk])


def test_anyone_downloads_the_file_of_an_accepted_report(
    reporting_world: ReportingWorld, media_root: Path, django_assert_max_num_queries: Any
) -> None:
    evidence = with_file(reporting_world, S.ACCEPTED)
    assert evidence_is_public(evidence)
    with django_assert_max_num_queries(1):
        response = Client().get(public_url(evidence))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == f"public, max-age={PUBLIC_MAX_AGE}"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    # RFC 5987: the original name, encoded, as browsers read it.
    assert (
        "filename*=utf-8''%D0%9F%D1%80%D0%B8%D0%BA%D0%B0%D0%B7%20%E2%84%9612%20%28final%29.pdf"
        in (disposition)
    )
    assert Client().head(public_url(evidence)).status_code == 200
    assert Client().post(public_url(evidence)).status_code == 405


def test_evidence_of_reports_not_accepted_stays_private(
    reporting_world: ReportingWorld, media_root: Path
) -> None:
    world = reporting_world
    draft = with_file(world, S.DRAFT)
    assert not evidence_is_public(draft)
    response = Client().get(public_url(draft))
    assert response.status_code == 404  # not a redirect to the login page
    # Not even its authors get a draft's file here: they have the report's own download.
    assert Client().get(reverse("reporting:public_evidence", args=[9999])).status_code == 404
    private = Client()
    private.force_login(world.focal_point_mia)
    assert private.get(public_url(draft)).status_code == 404
    own = private.get(reverse("reporting:evidence_download", args=[draft.report_id, draft.pk]))
    assert own.status_code == 200
    assert own["Cache-Control"] == "private, no-store"


def test_evidence_of_a_plan_that_is_not_public_stays_private(
    reporting_world: ReportingWorld, media_root: Path
) -> None:
    world = reporting_world
    evidence = with_file(world, S.ACCEPTED)
    Plan.objects.filter(pk=world.plan.pk).update(status=Plan.Status.DRAFT)
    assert not evidence_is_public(evidence)
    assert Client().get(public_url(evidence)).status_code == 404


def test_a_link_has_no_file_to_download(reporting_world: ReportingWorld) -> None:
    world = reporting_world
    report = world.start()
    link = actions.add_evidence_link(report, "https://adilet.zan.kz/", by=world.focal_point_mia)
    world.walk(report, S.ACCEPTED)
    assert Client().get(public_url(link)).status_code == 404


def test_the_action_page_links_the_public_address(
    reporting_world: ReportingWorld, media_root: Path
) -> None:
    world = reporting_world
    evidence = with_file(world, S.ACCEPTED)
    html = Client().get(world.action.get_absolute_url()).content.decode()
    assert f'href="{public_url(evidence)}"' in html
    assert reverse("reporting:evidence_download", args=[evidence.report_id, evidence.pk]) not in (
        html
    )
    # The link the page gives downloads without login.
    assert Client().get(public_url(evidence)).status_code == 200
