"""{{ action.deadline_text|deadline_label }}: a deadline in the reader's language."""

from __future__ import annotations

from django import template

from rightsmonitor.plans.deadline_display import deadline_label as _deadline_label

register = template.Library()


@register.filter
def deadline_label(text: str | None) -> str:
    return _deadline_label(text)
