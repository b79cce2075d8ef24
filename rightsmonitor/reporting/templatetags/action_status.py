"""``{% status_badge x %}``: an action's status as every page shows it, by the one definition
of ``reporting.queries`` (an action never assessed is "Not yet assessed", never "Not started").
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from rightsmonitor.plans.models import Action
from rightsmonitor.reporting.models import ActionMonitoring
from rightsmonitor.reporting.queries import (
    status_label,
    status_of,
    status_of_monitoring,
)

register = template.Library()


def status_key(subject: Action | ActionMonitoring | str | None) -> str:
    """The status key of an action (loaded ``with_monitoring``), of its monitoring row (None:
    there is none), or a key already."""
    if isinstance(subject, str):
        return subject
    if isinstance(subject, Action):
        return status_of(subject)
    return status_of_monitoring(subject)


@register.simple_tag
def status_badge(subject: Action | ActionMonitoring | str | None) -> SafeString:
    key = status_key(subject)
    return format_html('<span class="badge badge-{}">{}</span>', key, status_label(key))
