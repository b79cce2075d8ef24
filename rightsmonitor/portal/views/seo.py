"""Files for crawlers: the sitemap index, its sections, and robots.txt.

Addresses are absolute on SITE_URL (see core/templatetags/page_meta.py) and each sitemap
address lists the page in every language, so the index is the same under every prefix.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.contrib.sitemaps.views import sitemap as sitemap_section_view
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from rightsmonitor.core.translation import language_codes
from rightsmonitor.portal.sitemaps import SITEMAPS

# Staff, sign-in and administration pages: nothing there for search engines.
PRIVATE_PREFIXES = ["manage/", "accounts/", "admin/", "reporting/"]


def _unprefixed(name: str, **kwargs: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return settings.SITE_URL + reverse(name, kwargs=kwargs)


@require_GET
@x_robots_tag
def sitemap_index(request: HttpRequest) -> HttpResponse:
    """One entry per page of each section; counting the rows is all it asks the database."""
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        location = _unprefixed("portal:sitemap_section", section=section)
        pages = sitemap_class().paginator.num_pages
        entries.append(SitemapIndexItem(location))
        entries += [SitemapIndexItem(f"{location}?p={page}") for page in range(2, pages + 1)]
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )


@require_GET
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    if section not in SITEMAPS:
        raise Http404
    sitemaps: dict[str, type[Sitemap[Any]] | Sitemap[Any]] = dict(SITEMAPS)
    return sitemap_section_view(request, sitemaps=sitemaps, section=section)


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    prefixes = []
    for code in language_codes():
        with translation.override(code):
            home = reverse("portal:home")
        prefixes += [home + private for private in PRIVATE_PREFIXES]
    return TemplateResponse(
        request,
        "portal/robots.txt",
        {"disallowed": prefixes, "sitemap_url": _unprefixed("portal:sitemap")},
        content_type="text/plain; charset=utf-8",
    )
