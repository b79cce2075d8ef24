"""Template tags of participation: ``{% load participation_tags %}``.

- ``{{ comment.body|comment_html }}``: the comment sanitised (``markup.comment_html``).
- ``{% participation_for_action action %}``: the panel of the public action page (issue 9
  marker block): official and civil society ratings side by side, and the comment links.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from rightsmonitor.participation import access
from rightsmonitor.participation.assessment_blocks import CivilSocietyRatingsBlock, block_cells
from rightsmonitor.participation.markup import comment_html as sanitise
from rightsmonitor.participation.models import Comment
from rightsmonitor.participation.queries import action_ratings, official_status

register = template.Library()


@register.filter
def comment_html(body: str) -> SafeString:
    return sanitise(body or "")


@register.filter
def rating_cells(row: dict[str, Any]) -> list[tuple[str | None, bool]]:
    return block_cells(row)


@register.filter
def takes_part(user: Any) -> bool:
    return access.can_take_part(user)


@register.filter
def ratings_introduction(data: dict[str, Any]) -> str:
    return CivilSocietyRatingsBlock.introduction(data)


@register.inclusion_tag("participation/includes/action_panel.html", takes_context=True)
def participation_for_action(context: template.Context, action: Any) -> dict[str, Any]:
    user = context.get("user")
    reports = context.get("accepted_reports") or []
    return {
        "action": action,
        "official": official_status(action),
        "ratings": action_ratings(action),
        "comment_count": Comment.objects.public()
        .filter(action=action, consultation__isnull=True, parent__isnull=True)
        .count(),
        "can_take_part": access.can_take_part(user),
        "reports": list(reports),
        "user": user,
    }
