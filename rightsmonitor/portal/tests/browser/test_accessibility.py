"""axe-core finds no WCAG 2.1 A/AA violation on the public pages and the login page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from rightsmonitor.assessments.models import Assessment
from rightsmonitor.plans.models import Plan

from .conftest import Axe, PageProblems

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/plans/",
    "/plans/kz-hr-2022/",
    "/plans/kz-hr-2022/actions/5.1/",
    "/agencies/",
    "/agencies/MIA/",
    "/accounts/login/",
    "/ru/plans/kz-hr-2022/",
    "/assessments/",
]


def test_public_pages_and_login_are_accessible(page: Page, demo_plan: Plan, axe: Axe) -> None:
    """One test for all the pages, so the demo plan is loaded once; every page is checked and
    the failure lists the violations of all of them."""
    failures = []
    assessment = Assessment.objects.get(plan=demo_plan).get_absolute_url()
    for path in [*PAGES, assessment, f"/ru{assessment}", f"/kk{assessment}"]:
        response = page.goto(path)
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        expect(page.locator("main h1")).to_be_visible()
        violations = axe.violations(page)
        if violations:
            failures.append(axe.describe(path, violations))
    assert not failures, "\n\n".join(failures)


def test_api_docs_load(page: Page, page_problems: PageProblems, axe: Axe) -> None:
    """Swagger UI renders the schema from our own static files. axe checks only our shell
    around it: swagger-ui is third-party and has violations we cannot fix from our side
    (low-contrast method badges and version stamps, controls nested in buttons)."""
    response = page.goto("/api/v1/docs/", wait_until="networkidle")
    assert response is not None and response.ok
    swagger = page.locator("#swagger-ui")
    expect(swagger.locator(".info .title")).to_contain_text("Rights Monitor API")
    expect(swagger.locator(".opblock").first).to_be_visible()

    # Our override of drf-spectacular's page (templates/drf_spectacular/swagger_ui.html) has a
    # language and no inline style or script, so the CSP refuses nothing.
    violations = axe.violations(page, exclude=("#swagger-ui",))
    assert not violations, axe.describe(page.url, violations)
    assert not page_problems.problems, "\n".join(page_problems.problems)
