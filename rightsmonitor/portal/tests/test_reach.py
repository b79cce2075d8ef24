"""Reach: the sitemap and robots.txt, meta tags for sharing, the fallback-language note, and
dates and numbers in the page's language."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.test import Client

from rightsmonitor.plans.models import Action, Plan
from rightsmonitor.plans.tests.factories import ActionFactory, SectionFactory, build_plan
from rightsmonitor.portal.sitemaps import PublicSitemap
from rightsmonitor.recommendations.tests.factories import make_recommendations

pytestmark = pytest.mark.django_db

SITE = "https://rights.example.org"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


@pytest.fixture(autouse=True)
def _site_url(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = SITE


def _xml(client: Client, url: str) -> ElementTree.Element:
    response = client.get(urlsplit(url).path + (f"?{urlsplit(url).query}" if "?" in url else ""))
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)


def _sitemap(client: Client) -> dict[str, dict[str, str]]:
    """Every address in every section page, with its alternates {hreflang: address}."""
    index = _xml(client, "/sitemap.xml")
    found: dict[str, dict[str, str]] = {}
    for loc in index.iterfind("sm:sitemap/sm:loc", NS):
        assert loc.text is not None and loc.text.startswith(f"{SITE}/sitemap-")
        for url in _xml(client, loc.text).iterfind("sm:url", NS):
            address = url.findtext("sm:loc", namespaces=NS)
            assert address is not None
            found[address] = {
                link.attrib["hreflang"]: link.attrib["href"]
                for link in url.iterfind("xhtml:link", NS)
            }
    return found


def test_sitemap_lists_public_pages_in_every_language_and_no_draft(client: Client) -> None:
    plan = build_plan(code="kz", sections=1, actions_per_section=2)
    build_plan(code="draft", status=Plan.Status.DRAFT, sections=1, actions_per_section=1)
    (recommendation,) = make_recommendations(1)

    found = _sitemap(client)

    for path in ["/plans/kz/", "/plans/kz/actions/1.1/", "/agencies/MIA/", "/", "/plans/"]:
        assert f"{SITE}{path}" in found
        assert f"{SITE}/ru{path}" in found
        assert f"{SITE}/kk{path}" in found
    assert f"{SITE}{recommendation.get_absolute_url()}" in found
    assert not [address for address in found if "/plans/draft/" in address]
    assert found[f"{SITE}/kk/plans/kz/"] == {
        "en": f"{SITE}/plans/kz/",
        "ru": f"{SITE}/ru/plans/kz/",
        "kk": f"{SITE}/kk/plans/kz/",
        "x-default": f"{SITE}/plans/kz/",
    }
    assert plan.actions.count() * 3 == len([a for a in found if "/actions/" in a])


def test_sitemap_sections_are_paginated_and_read_one_slice(
    client: Client, monkeypatch: pytest.MonkeyPatch, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(PublicSitemap, "limit", 4)  # 4 addresses: one item and a third
    recommendations = make_recommendations(3)  # 9 addresses: 3 pages

    index = _xml(client, "/sitemap.xml")
    locations = [loc.text for loc in index.iterfind("sm:sitemap/sm:loc", NS)]
    section = f"{SITE}/sitemap-recommendations.xml"
    assert [loc for loc in locations if loc and loc.startswith(section)] == [
        section,
        f"{section}?p=2",
        f"{section}?p=3",
    ]

    pages = []
    for page in (1, 2, 3):
        # The count, then the rows of this page only.
        with django_assert_max_num_queries(2):
            root = _xml(client, f"/sitemap-recommendations.xml?p={page}")
        pages.append([url.findtext("sm:loc", namespaces=NS) for url in root.iterfind("sm:url", NS)])
    assert [len(addresses) for addresses in pages] == [4, 4, 1]
    expected = [
        f"{SITE}{prefix}{r.get_absolute_url()}"
        for r in sorted(recommendations, key=lambda r: r.pk)
        for prefix in ("", "/ru", "/kk")
    ]
    assert [address for addresses in pages for address in addresses] == expected
    assert client.get("/sitemap-recommendations.xml?p=4").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_staff_pages(
    client: Client,
) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    for private in ("manage", "accounts", "admin", "reporting"):
        for prefix in ("", "/ru", "/kk"):
            assert f"Disallow: {prefix}/{private}/" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines


class _HeadTags(HTMLParser):
    """<meta> and <link> tags of a page, as attribute dictionaries."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "meta" and ("property" in values or "name" in values):
            key = values.get("property") or values["name"]
            self.meta.setdefault(key, []).append(values.get("content", ""))
        elif tag == "link":
            self.links.append(values)


def _head(client: Client, path: str) -> _HeadTags:
    response = client.get(path)
    assert response.status_code == 200
    tags = _HeadTags()
    tags.feed(response.content.decode())
    return tags


def test_plan_page_has_sharing_tags_and_its_address_in_every_language(client: Client) -> None:
    build_plan(code="kz", title_ru="План действий", description_ru="Что сделать & когда.")
    head = _head(client, "/ru/plans/kz/")

    assert head.meta["og:url"] == [f"{SITE}/ru/plans/kz/"]
    assert head.meta["og:title"] == ["План действий"]
    assert head.meta["og:description"] == ["Что сделать & когда."]
    assert head.meta["description"] == ["Что сделать & когда."]
    assert head.meta["og:type"] == ["website"]
    assert head.meta["og:site_name"] == ["Rights Monitor"]
    assert head.meta["og:locale"] == ["ru_RU"]
    assert sorted(head.meta["og:locale:alternate"]) == ["en_GB", "kk_KZ"]
    assert head.meta["twitter:card"] == ["summary"]
    canonical = [link["href"] for link in head.links if link.get("rel") == "canonical"]
    assert canonical == [f"{SITE}/ru/plans/kz/"]
    alternates = {
        link["hreflang"]: link["href"]
        for link in head.links
        if link.get("rel") == "alternate"
        if "hreflang" in link
    }
    assert alternates == {
        "en": f"{SITE}/plans/kz/",
        "ru": f"{SITE}/ru/plans/kz/",
        "kk": f"{SITE}/kk/plans/kz/",
        "x-default": f"{SITE}/plans/kz/",
    }


def test_every_page_has_a_default_description_and_absolute_address(client: Client) -> None:
    head = _head(client, "/plans/?status=in_force")
    assert head.meta["description"][0].startswith("Follow what the government committed")
    assert head.meta["og:description"] == head.meta["description"]
    assert head.meta["og:title"] == ["Plans"]
    assert head.meta["og:url"] == [f"{SITE}/plans/"]  # the list, not one filter of it


def test_action_only_in_english_is_marked_on_kazakh_pages(client: Client) -> None:
    plan = build_plan(code="kz", sections=1, actions_per_section=1, title_kk="Іс-қимыл жоспары")
    action = plan.actions.get()
    Action.objects.filter(pk=action.pk).update(
        title_en="Adopt a law on torture", description_en="Draft and adopt.", title_kk=""
    )
    note = '<p class="fallback-note">Қазақ тілінде жоқ; ағылшын тілінде көрсетілген.</p>'

    html = client.get("/kk/plans/kz/actions/1.1/").content.decode()
    assert '<h1 lang="en">1.1. Adopt a law on torture</h1>' in html
    assert '<div lang="en"><p>Draft and adopt.</p></div>' in html
    assert html.count(note) == 1  # one note for the title and the description

    # The plan has a Kazakh title: no note and no lang on its heading.
    plan_page = client.get("/kk/plans/kz/").content.decode()
    assert "<h1>Іс-қимыл жоспары</h1>" in plan_page
    assert "<h1>Іс-қимыл жоспары</h1>\n\n" in plan_page  # no note after it
    # Its section is only in English, and so is the action's title in the table of actions.
    assert 'lang="en">1. Section' in plan_page
    assert '<a href="/kk/plans/kz/actions/1.1/" lang="en">Adopt a law on torture</a>' in plan_page

    # In English nothing falls back.
    english = client.get("/plans/kz/actions/1.1/").content.decode()
    main = english.split('<main id="main"')[1].split("</main>")[0]
    assert "fallback-note" not in main and 'lang="en"' not in main


def test_plan_titles_in_lists_are_marked_when_they_fall_back(client: Client) -> None:
    build_plan(code="kz", sections=0)
    note = "Нет на русском языке; показано на английском."
    for path in ("/ru/", "/ru/plans/"):
        html = client.get(path).content.decode()
        assert note in html, path
        assert re.search(r'lang="en">(<a href="/ru/plans/kz/">)?Human rights action plan', html)


def test_dates_and_numbers_in_russian(client: Client) -> None:
    plan = build_plan(code="kz", sections=1, actions_per_section=1)
    Plan.objects.filter(pk=plan.pk).update(period_start=datetime.date(2021, 6, 9))
    section = SectionFactory(plan=plan, number="2", order=2)
    Action.objects.bulk_create(
        ActionFactory.build(plan=plan, section=section, number=f"2.{n}", order=n)
        for n in range(1, 1234)
    )

    plan_page = client.get("/ru/plans/kz/").content.decode()
    assert "9 июня 2021 г. – 31 декабря 2023 г." in plan_page
    kazakh = client.get("/kk/plans/kz/").content.decode()
    assert "2021 жылғы 9 маусым" in kazakh

    plan_list = client.get("/ru/plans/").content.decode()
    assert "<td>1\xa0234</td>" in plan_list
    assert "<td>1,234</td>" in client.get("/plans/").content.decode()
    assert "<td>1\xa0234</td>" in client.get("/kk/plans/").content.decode()
