"""Template tags of the reporting app: ``{% load reporting_tags %}``."""

from __future__ import annotations

from typing import Any

from django import template

from rightsmonitor.reporting.models import Notification

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    """``{% unread_notifications as count %}``: the user's unread notifications, in one query."""
    user: Any = context.get("user")
    if user is None:
        request = context.get("request")
        user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
