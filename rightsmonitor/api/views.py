"""API v1: read-only views over what the access helpers let the caller see."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from rest_framework import viewsets

from rightsmonitor.api import filters, serializers
from rightsmonitor.plans.access import actions_for_user, plans_for_user
from rightsmonitor.plans.models import Action, Agency, Amendment, Instrument, Plan, Section


class PlanViewSet(viewsets.ReadOnlyModelViewSet[Plan]):
    """Plans in force, completed or superseded; drafts only for coordinators."""

    serializer_class = serializers.PlanSerializer
    filterset_class = filters.PlanFilter
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Plan]:
        return (
            plans_for_user(self.request.user)
            .with_related()
            .prefetch_related(
                Prefetch("amendments", Amendment.objects.select_related("instrument"))
            )
            .order_by("code")
        )


class SectionViewSet(viewsets.ReadOnlyModelViewSet[Section]):
    serializer_class = serializers.SectionSerializer
    filterset_class = filters.SectionFilter

    def get_queryset(self) -> QuerySet[Section]:
        return (
            Section.objects.filter(plan__in=plans_for_user(self.request.user))
            .select_related("plan")
            .order_by("plan__code", "order", "pk")
        )


class ActionViewSet(viewsets.ReadOnlyModelViewSet[Action]):
    serializer_class = serializers.ActionSerializer
    filterset_class = filters.ActionFilter

    def get_queryset(self) -> QuerySet[Action]:
        return (
            actions_for_user(self.request.user)
            .with_related()
            .order_by("plan__code", "section__order", "order", "pk")
        )


class AgencyViewSet(viewsets.ReadOnlyModelViewSet[Agency]):
    serializer_class = serializers.AgencySerializer
    filterset_class = filters.AgencyFilter
    lookup_field = "abbreviation"
    lookup_value_regex = "[^/]+"
    queryset = Agency.objects.select_related("parent").order_by("abbreviation")


class InstrumentViewSet(viewsets.ReadOnlyModelViewSet[Instrument]):
    serializer_class = serializers.InstrumentSerializer
    queryset = Instrument.objects.order_by("-date", "number")
    filterset_fields = ["country", "kind"]
