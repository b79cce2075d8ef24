"""Translated content on pages: which language a text is in, a note when it is a fallback,
and dates written as the page's language writes them.

    {% load translations %}
    {% translated action "title" as title %}
    <h1{{ title|lang_attr }}>{{ title }}</h1>
    {% fallback_note title description %}
    {{ plan.period_start|long_date }}
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from rightsmonitor.core.translation import Translation, fallback_note, translation_of
from rightsmonitor.core.translation import long_date as _long_date

register = template.Library()


@register.simple_tag
def translated(instance: Any, name: str) -> Translation:
    return translation_of(instance, name)


@register.filter
def lang_attr(translation: Translation | None) -> SafeString:
    """` lang="en"` on the element holding a fallback text, so screen readers pronounce it in
    its own language; nothing when the text is in the page's language."""
    if isinstance(translation, Translation) and translation.is_fallback:
        return format_html(' lang="{}"', translation.language)
    return mark_safe("")


@register.simple_tag(name="fallback_note")
def fallback_note_tag(*translations: Translation | None) -> SafeString:
    """One visible note per language the given texts fell back to (usually one, or none)."""
    shown = dict.fromkeys(
        (t.requested, t.language)
        for t in translations
        if isinstance(t, Translation) and t.is_fallback
    )
    return format_html_join(
        "",
        '<p class="fallback-note">{}</p>',
        ((fallback_note(requested, language),) for requested, language in shown),
    )


@register.filter
def long_date(value: date | str | None) -> str:
    return _long_date(value)
