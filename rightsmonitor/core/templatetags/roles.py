"""The role questions of ``core.roles`` for templates: ``{% if user|is_focal_point %}``."""

from __future__ import annotations

from typing import Any

from django import template

from rightsmonitor.core import roles

register = template.Library()


@register.filter
def is_focal_point(user: Any) -> bool:
    return roles.is_focal_point(user)


@register.filter
def is_administrator(user: Any) -> bool:
    return roles.is_administrator(user)


@register.filter
def audience(user: Any) -> str:
    return roles.audience(user)
