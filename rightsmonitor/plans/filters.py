"""The query parameters of the plan lists, declared once (django-filter) for every reader: the
API's lists and the open-data files read the same parameters, so a link means the same in both.
"""

from __future__ import annotations

import django_filters

from rightsmonitor.core.filtering import BoundedFilterSet
from rightsmonitor.plans.models import Action, Agency, Plan


class PlanFilter(BoundedFilterSet):
    class Meta:
        model = Plan
        fields = {"country": ["exact"], "status": ["exact"]}


class ActionFilter(BoundedFilterSet):
    plan = django_filters.CharFilter(field_name="plan__code")
    section = django_filters.CharFilter(field_name="section__number")
    agency = django_filters.CharFilter(
        field_name="assignments__agency__abbreviation", distinct=True
    )
    theme = django_filters.CharFilter(field_name="themes__key", distinct=True)
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    needs_review = django_filters.BooleanFilter(field_name="deadline_needs_review")

    class Meta:
        model = Action
        fields = ["plan", "section", "agency", "theme", "recurrence", "form_of_completion__key"]


class AgencyFilter(BoundedFilterSet):
    class Meta:
        model = Agency
        fields = {"kind": ["exact"], "abbreviation": ["exact", "iexact"]}
