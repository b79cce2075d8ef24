"""What base.html puts in <head> for search engines and link previews: the page's address in
every language (canonical, hreflang, og:url) and the text of a block reused in another tag.

Addresses are absolute on SITE_URL, the configured public address, not on the Host header:
a preview or a search engine should get the same address whichever host name was asked.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from django import template
from django.conf import settings
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString

from rightsmonitor.core.translation import OPEN_GRAPH_LOCALES, active_language, language_codes

register = template.Library()


@dataclass(frozen=True)
class Alternate:
    code: str  # a language code or "x-default"
    url: str


@dataclass(frozen=True)
class PageUrls:
    canonical: str
    og_locale: str
    og_locale_alternates: list[str]
    alternates: list[Alternate] = field(default_factory=list)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _alternates(request: Any) -> list[Alternate]:
    """The same page in each language, as the language switcher would open it; none for a page
    that was not found by name (error pages)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return []
    paths = {}
    try:
        for code in language_codes():
            with translation.override(code):
                paths[code] = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
    except NoReverseMatch:
        return []
    alternates = [Alternate(code, absolute(path)) for code, path in paths.items()]
    # English has no prefix (docs/decisions/0003), so it is the page for any other language.
    alternates.append(Alternate("x-default", absolute(paths[settings.LANGUAGE_CODE])))
    return alternates


@register.simple_tag(takes_context=True)
def page_urls(context: template.Context) -> PageUrls:
    request = context.get("request")
    current = active_language()
    return PageUrls(
        # The path without its query: a filtered list is the same page as the list.
        canonical=absolute(request.path) if request is not None else settings.SITE_URL + "/",
        og_locale=OPEN_GRAPH_LOCALES.get(current, current),
        og_locale_alternates=[
            OPEN_GRAPH_LOCALES.get(code, code) for code in language_codes() if code != current
        ],
        alternates=_alternates(request) if request is not None else [],
    )


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str  # in its own language
    url: str
    current: bool


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> list[LanguageLink]:
    """This page, query included, in each language: the language switcher's links. Links, not
    a form, because the language is in the address (docs/decisions/0003) and a page with a
    form carrying a CSRF token could not be shared from the cache (core/pagecache.py)."""
    request = context.get("request")
    match: Any = getattr(request, "resolver_match", None)
    query = request.META.get("QUERY_STRING", "") if request is not None else ""
    links = []
    for code in language_codes():
        with translation.override(code):
            try:
                path = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
                url = f"{path}?{query}" if query else path
            except (AttributeError, NoReverseMatch):  # no named page (errors): the home page
                url = reverse("portal:home")
        name = str(translation.get_language_info(code)["name_local"])
        links.append(LanguageLink(code, name, url, code == active_language()))
    return links


@register.simple_tag(takes_context=True)
def block_text(context: template.Context, name: str) -> SafeString:
    """The text of block ``name`` as the page fills it, for an attribute (og:title repeats
    the title). Django renders a block once, so this renders the page's override again."""
    block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = block_context.get_block(name) if block_context is not None else None
    if block is None:
        return SafeString("")
    text = html.unescape(strip_tags(block.render(context)))
    return escape(" ".join(text.split()))
