"""What the error pages need when Django renders them without the context processors.

The 500 page and the CSRF failure page are rendered from a bare context (no request, no
context processors), so that they work when the database is down; ``site_name`` gives them
the site's name without touching it.
"""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def site_name() -> str:
    return str(settings.SITE_NAME)
