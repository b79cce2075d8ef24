"""Official and civil society ratings side by side, read in a fixed number of queries.

The official status is the coordinator's assessed status of the action (``ActionMonitoring``;
"not yet assessed" until first assessed) as it stands now; each approved organisation's rating is
its latest, by reporting period. They "differ" when the statuses are not the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rightsmonitor.accounts.models import Organisation
from rightsmonitor.participation.access import ratings_for_public
from rightsmonitor.participation.models import ShadowRating
from rightsmonitor.plans.models import Action, Plan
from rightsmonitor.reporting.queries import status_label, status_of


def official_status(action: Action) -> str:
    """The coordinator's assessed status ("not_assessed" before the first verdict, by
    ``reporting.queries.status_of``); ``action.monitoring`` should be select_related."""
    return status_of(action)


def latest_by_organisation(ratings: Iterable[ShadowRating]) -> dict[tuple[int, int], ShadowRating]:
    """(action id, organisation id) → the rating of the latest period."""
    latest: dict[tuple[int, int], ShadowRating] = {}
    for rating in sorted(ratings, key=lambda r: r.period.end):
        latest[(rating.action_id, rating.organisation_id)] = rating
    return latest


@dataclass
class Comparison:
    """One action: the official status and each organisation's latest rating (or None)."""

    action: Action
    official: str
    ratings: list[ShadowRating | None] = field(default_factory=list)

    @property
    def official_label(self) -> str:
        return status_label(self.official)

    @property
    def differs(self) -> bool:
        return any(r is not None and r.status != self.official for r in self.ratings)


def action_ratings(action: Action) -> list[tuple[ShadowRating, bool]]:
    """The action's latest rating per approved organisation, and whether it differs."""
    official = official_status(action)
    ratings = ratings_for_public().filter(action=action).for_display()
    latest = latest_by_organisation(ratings)
    rows = sorted(latest.values(), key=lambda r: r.organisation.name)
    return [(rating, rating.status != official) for rating in rows]


def plan_comparison(plan: Plan) -> tuple[list[Organisation], list[Comparison]]:
    """Every rated action of the plan: the organisations (columns) and one row per action."""
    ratings = list(ratings_for_public().filter(action__plan=plan).for_display())
    latest = latest_by_organisation(ratings)
    organisations = sorted({r.organisation for r in latest.values()}, key=lambda o: o.name)
    action_ids = {action_id for action_id, _org in latest}
    actions = (
        Action.objects.filter(pk__in=action_ids)
        .select_related("monitoring", "plan", "section")
        .order_by("section__order", "order", "pk")
    )
    rows = [
        Comparison(
            action=action,
            official=official_status(action),
            ratings=[latest.get((action.pk, org.pk)) for org in organisations],
        )
        for action in actions
    ]
    return organisations, rows
