"""Public pages: what anyone sees, drafts hidden, languages, and constant query counts."""

from __future__ import annotations

import pytest
from django.test import Client

from rightsmonitor.conftest import client_for
from rightsmonitor.plans.models import Plan
from rightsmonitor.plans.tests.factories import build_plan

pytestmark = pytest.mark.django_db


def test_home_links_to_public_plans_only(client: Client) -> None:
    public = build_plan(code="in-force")
    draft = build_plan(code="draft", status=Plan.Status.DRAFT)
    page = client.get("/").content.decode()
    assert public.get_absolute_url() in page
    assert draft.get_absolute_url() not in page
    assert client.get(draft.get_absolute_url()).status_code == 404
    # From the home page straight to a plan's dashboard, or to the site search.
    assert '<a href="/plans/in-force/dashboard/">' in page
    assert '<a href="/plans/draft/dashboard/">' not in page
    assert 'action="/search/"' in page and 'name="q"' in page


def test_coordinator_sees_drafts(coordinator) -> None:
    draft = build_plan(code="draft", status=Plan.Status.DRAFT)
    assert client_for(coordinator).get(draft.get_absolute_url()).status_code == 200


def test_plan_page_shows_sections_actions_and_agencies(client: Client) -> None:
    plan = build_plan(code="kz", sections=2, actions_per_section=2)
    html = client.get(plan.get_absolute_url()).content.decode()
    for number in ["1.1", "1.2", "2.1", "2.2"]:
        assert f"/plans/kz/actions/{number}/" in html
    assert "GPO</a> (as agreed)" in html
    assert "December 2022" in html


def test_action_page(client: Client) -> None:
    plan = build_plan(code="kz")
    action = plan.actions.get(number="1.2")
    html = client.get(action.get_absolute_url()).content.decode()
    assert action.title_en in html
    assert "Agency MIA" in html
    assert client.get("/plans/kz/actions/99.9/").status_code == 404


def test_translated_content_and_interface(client: Client) -> None:
    plan = build_plan(code="kz", title_ru="План по правам человека")
    html = client.get("/ru/plans/kz/").content.decode()
    assert "План по правам человека" in html
    assert '<html lang="ru">' in html
    # Falls back to English where a translation is missing.
    english = client.get("/kk/plans/kz/").content.decode()
    assert plan.title_en in english


def test_language_switcher_links_to_the_same_page_in_each_language(client: Client) -> None:
    build_plan(code="kz")
    html = client.get("/ru/plans/kz/?section=1").content.decode()
    # On a phone only the short name shows; the full one is the link's name (css/responsive.css).
    assert (
        '<a href="/plans/kz/?section=1" hreflang="en" lang="en">'
        '<span class="lang-short" aria-hidden="true">Eng</span><span class="lang-long">English</span></a>'
    ) in html
    assert '<a href="/kk/plans/kz/?section=1" hreflang="kk" lang="kk">' in html
    assert '<span class="lang-long">Қазақ' in html
    assert (
        'hreflang="ru" lang="ru" aria-current="true"><span class="lang-short" aria-hidden="true">'
        'Рус</span><span class="lang-long">Русский</span></a>'
    ) in html
    # Django's own view still takes the old form's post.
    response = client.post("/i18n/setlang/", {"language": "kk", "next": "/plans/"})
    assert response.status_code == 302
    assert response["Location"] == "/kk/plans/"


@pytest.mark.parametrize("kind", ["plan", "agency"])
def test_page_query_count_does_not_grow(
    client: Client, django_assert_max_num_queries, kind: str
) -> None:
    small = build_plan(code="small", sections=2, actions_per_section=5)
    url = small.get_absolute_url() if kind == "plan" else "/agencies/MIA/"
    with django_assert_max_num_queries(12):
        client.get(url)
    big = build_plan(code="big", sections=10, actions_per_section=30)
    url = big.get_absolute_url() if kind == "plan" else "/agencies/MIA/"
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/", "/plans/", "/agencies/"])
def test_list_pages_query_count(client: Client, django_assert_max_num_queries, url: str) -> None:
    for n in range(3):
        build_plan(code=f"p{n}", sections=1, actions_per_section=2)
    with django_assert_max_num_queries(8):
        client.get(url)
    for n in range(3, 30):
        build_plan(code=f"p{n}", sections=1, actions_per_section=2)
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
