"""The query parameters of the indicator pages, declared once (django-filter), never parsed by
hand. The API's own filters are in ``api/indicators.py``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from rightsmonitor.core.filtering import BoundedFilterSet
from rightsmonitor.indicators.models import Indicator, Observation, ObservationState
from rightsmonitor.plans.access import plans_for_user
from rightsmonitor.plans.models import Agency, PlanQuerySet

# The states the coordinator's queue holds: sent by the agency, not yet published.
QUEUE_STATES = (ObservationState.SUBMITTED, ObservationState.VALIDATED)


def _visible_plans(request: HttpRequest | None) -> PlanQuerySet:
    user = getattr(request, "user", None)
    return plans_for_user(user).order_by("-period_start", "code")


class IndicatorFilter(BoundedFilterSet):
    """The overview's GET form: every indicator, or those measuring one plan's actions."""

    plan = django_filters.ModelChoiceFilter(
        label=_("Plan"),
        field_name="actions__plan",
        to_field_name="code",
        queryset=_visible_plans,
        empty_label=_("All indicators"),
        distinct=True,
    )
    kind = django_filters.ChoiceFilter(
        label=_("Type"), choices=Indicator.Kind.choices, empty_label=_("All types")
    )

    class Meta:
        model = Indicator
        fields = ["plan", "kind"]


class ReviewQueueFilter(BoundedFilterSet):
    """The validation queue's GET form."""

    agency = django_filters.ModelChoiceFilter(
        label=_("Agency"),
        field_name="indicator__agency",
        to_field_name="abbreviation",
        queryset=Agency.objects.filter(indicators__isnull=False)
        .distinct()
        .order_by("abbreviation"),
        empty_label=_("All agencies"),
    )
    indicator = django_filters.ModelChoiceFilter(
        label=_("Indicator"),
        field_name="indicator",
        to_field_name="code",
        queryset=Indicator.objects.order_by("code"),
        empty_label=_("All indicators"),
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[(state.value, state.label) for state in QUEUE_STATES],
        empty_label=_("Submitted or validated"),
    )

    class Meta:
        model = Observation
        fields = ["agency", "indicator", "state"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The indicator list can be long: the code says enough in a select.
        self.form.fields["indicator"].label_from_instance = lambda indicator: indicator.code

    @property
    def qs(self) -> Any:
        return super().qs.filter(state__in=QUEUE_STATES)
