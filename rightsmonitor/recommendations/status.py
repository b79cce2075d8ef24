"""A recommendation's implementation status, derived from the assessed status of its actions.

The rules, in order: no linked action → not covered by the plan; every linked action completed
(or no longer relevant, if at least one is completed) → implemented; any completed, partially
completed or in progress → in progress (partially implemented when one is completed); every
linked action not started → not started; otherwise (not completed) → not implemented.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import pgettext_lazy

from rightsmonitor.plans.access import plans_for_user
from rightsmonitor.recommendations.models import RecommendationLink
from rightsmonitor.reporting.models import ActionMonitoring, ImplementationStatus

S = ImplementationStatus


class RecommendationStatus(models.TextChoices):
    NOT_COVERED = "not_covered", pgettext_lazy("recommendation status", "Not covered by the plan")
    NOT_STARTED = "not_started", pgettext_lazy("recommendation status", "Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("recommendation status", "In progress")
    PARTIALLY_IMPLEMENTED = (
        "partially_implemented",
        pgettext_lazy("recommendation status", "Partially implemented"),
    )
    IMPLEMENTED = "implemented", pgettext_lazy("recommendation status", "Implemented")
    NOT_IMPLEMENTED = "not_implemented", pgettext_lazy("recommendation status", "Not implemented")


def derive_status(action_statuses: Iterable[str]) -> str:
    statuses = list(action_statuses)
    if not statuses:
        return RecommendationStatus.NOT_COVERED
    done = {S.COMPLETED, S.NO_LONGER_RELEVANT}
    if S.COMPLETED in statuses and all(status in done for status in statuses):
        return RecommendationStatus.IMPLEMENTED
    if S.COMPLETED in statuses:
        return RecommendationStatus.PARTIALLY_IMPLEMENTED
    if any(status in {S.PARTIALLY_COMPLETED, S.IN_PROGRESS} for status in statuses):
        return RecommendationStatus.IN_PROGRESS
    if all(status == S.NOT_STARTED for status in statuses):
        return RecommendationStatus.NOT_STARTED
    return RecommendationStatus.NOT_IMPLEMENTED


def visible_links(user: Any) -> QuerySet[RecommendationLink]:
    """Links to actions of plans ``user`` may see: a draft plan's links count for staff only."""
    return RecommendationLink.objects.filter(action__plan__in=plans_for_user(user))


def linked_statuses(
    recommendation_ids: Iterable[int] | None = None, *, user: Any
) -> dict[int, str]:
    """{recommendation id: derived status} for every recommendation linked to an action of a
    plan ``user`` may see (two queries)."""
    links = visible_links(user)
    if recommendation_ids is not None:
        links = links.filter(recommendation_id__in=list(recommendation_ids))
    pairs = list(links.values_list("recommendation_id", "action_id"))
    assessed: Mapping[int, str] = dict(
        ActionMonitoring.objects.filter(action_id__in={a for _r, a in pairs}).values_list(
            "action_id", "assessed_status"
        )
    )
    grouped: dict[int, list[str]] = defaultdict(list)
    for recommendation_id, action_id in pairs:
        grouped[recommendation_id].append(assessed.get(action_id, S.NOT_STARTED))
    return {pk: derive_status(statuses) for pk, statuses in grouped.items()}
