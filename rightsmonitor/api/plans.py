"""API v1 for the plans: plans, sections, actions, agencies and legal instruments, read-only.

Every read goes through ``plans.access``: plans in force, completed or superseded for everyone,
drafts for coordinators. The filters of plans, actions and agencies are ``plans.filters``, which
the open-data files read too.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from rightsmonitor.api.fields import TranslatedTextField
from rightsmonitor.api.pagination import SharedListPages
from rightsmonitor.core.filtering import BoundedFilterSet
from rightsmonitor.core.translation import language_codes
from rightsmonitor.plans.access import actions_for_user, plans_for_user
from rightsmonitor.plans.deadline_display import deadline_label
from rightsmonitor.plans.filters import ActionFilter, AgencyFilter, PlanFilter
from rightsmonitor.plans.models import (
    Action,
    ActionAgency,
    Agency,
    Amendment,
    Instrument,
    Plan,
    Section,
)
from rightsmonitor.reporting.queries import STATUSES, status_of, with_monitoring

# Filters --------------------------------------------------------------------------------------


class SectionFilter(BoundedFilterSet):
    plan = django_filters.CharFilter(field_name="plan__code")

    class Meta:
        model = Section
        fields = ["plan"]


# Serializers ----------------------------------------------------------------------------------


class InstrumentSerializer(serializers.ModelSerializer[Instrument]):
    title = TranslatedTextField()

    class Meta:
        model = Instrument
        fields = ["id", "kind", "number", "date", "issuing_authority", "country", "title", "url"]


class AgencySerializer(serializers.ModelSerializer[Agency]):
    name = TranslatedTextField()
    parent = serializers.SlugRelatedField(
        slug_field="abbreviation", read_only=True, allow_null=True
    )  # type: ignore[assignment,var-annotated]

    class Meta:
        model = Agency
        fields = ["id", "abbreviation", "name", "kind", "parent"]


class AssignmentSerializer(serializers.ModelSerializer[ActionAgency]):
    agency: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="abbreviation", read_only=True
    )

    class Meta:
        model = ActionAgency
        fields = ["agency", "role", "as_agreed"]


class DeadlineSerializer(serializers.Serializer[Action]):
    text = serializers.CharField(source="deadline_text")
    display = serializers.SerializerMethodField(
        help_text="The deadline as each language writes it, from its parsed form "
        "(“first half of 2023”, “первое полугодие 2023 года”); the text as written when it "
        "cannot be read."
    )
    due_date = serializers.DateField(allow_null=True)
    start_date = serializers.DateField(allow_null=True)
    recurrence = serializers.CharField()
    recurrence_month = serializers.IntegerField(allow_null=True)
    recurrence_day = serializers.IntegerField(allow_null=True)
    needs_review = serializers.BooleanField(source="deadline_needs_review")

    @extend_schema_field(TranslatedTextField)
    def get_display(self, action: Action) -> dict[str, str]:
        return {
            code: deadline_label(action.deadline_text, language=code) for code in language_codes()
        }


class ActionSerializer(serializers.ModelSerializer[Action]):
    plan: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    section: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="number", read_only=True
    )
    title = TranslatedTextField()
    description = TranslatedTextField()
    expected_result = TranslatedTextField()
    form_of_completion: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="key", read_only=True
    )
    deadline = DeadlineSerializer(source="*", read_only=True)
    agencies = AssignmentSerializer(source="assignments", many=True, read_only=True)
    themes: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="key", many=True, read_only=True
    )
    url = serializers.SerializerMethodField()
    assessed_status = serializers.SerializerMethodField(
        help_text=_("The coordinator's verdict; “not_assessed” while there is none.")
    )

    class Meta:
        model = Action
        fields = [
            "id",
            "plan",
            "section",
            "number",
            "order",
            "title",
            "description",
            "expected_result",
            "form_of_completion",
            "deadline",
            "agencies",
            "themes",
            "url",
            "assessed_status",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=list(STATUSES)))
    def get_assessed_status(self, action: Action) -> str:
        """By ``reporting.queries.status_of``, as pages, open data and the assessment count."""
        return status_of(action)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, action: Action) -> str:
        request = self.context.get("request")
        path = action.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class SectionSerializer(serializers.ModelSerializer[Section]):
    plan: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    title = TranslatedTextField()

    class Meta:
        model = Section
        fields = ["id", "plan", "number", "title", "order"]


class AmendmentSerializer(serializers.ModelSerializer[Amendment]):
    instrument = InstrumentSerializer(read_only=True)
    summary = TranslatedTextField()

    class Meta:
        model = Amendment
        fields = ["instrument", "date", "summary"]


class PlanSerializer(serializers.ModelSerializer[Plan]):
    title = TranslatedTextField()
    description = TranslatedTextField()
    adopting_instrument = InstrumentSerializer(read_only=True, allow_null=True)
    parent_instrument = InstrumentSerializer(read_only=True, allow_null=True)
    coordinator: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="abbreviation", read_only=True, allow_null=True
    )
    superseded_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    amendments = AmendmentSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = [
            "code",
            "title",
            "description",
            "country",
            "status",
            "period_start",
            "period_end",
            "adopting_instrument",
            "parent_instrument",
            "coordinator",
            "superseded_by",
            "amendments",
        ]


# Views ----------------------------------------------------------------------------------------


class PlanViewSet(SharedListPages, viewsets.ReadOnlyModelViewSet[Plan]):
    """Plans in force, completed or superseded; drafts only for coordinators."""

    serializer_class = PlanSerializer
    filterset_class = PlanFilter
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


class SectionViewSet(SharedListPages, viewsets.ReadOnlyModelViewSet[Section]):
    serializer_class = SectionSerializer
    filterset_class = SectionFilter

    def get_queryset(self) -> QuerySet[Section]:
        return (
            Section.objects.filter(plan__in=plans_for_user(self.request.user))
            .select_related("plan")
            .order_by("plan__code", "order", "pk")
        )


class ActionViewSet(SharedListPages, viewsets.ReadOnlyModelViewSet[Action]):
    serializer_class = ActionSerializer
    filterset_class = ActionFilter

    def get_queryset(self) -> QuerySet[Action]:
        return with_monitoring(actions_for_user(self.request.user).with_related()).order_by(
            "plan__code", "section__order", "order", "pk"
        )


class AgencyViewSet(SharedListPages, viewsets.ReadOnlyModelViewSet[Agency]):
    serializer_class = AgencySerializer
    filterset_class = AgencyFilter
    lookup_field = "abbreviation"
    lookup_value_regex = "[^/]+"
    queryset = Agency.objects.select_related("parent").order_by("abbreviation")


class InstrumentViewSet(SharedListPages, viewsets.ReadOnlyModelViewSet[Instrument]):
    serializer_class = InstrumentSerializer
    queryset = Instrument.objects.order_by("-date", "number")
    filterset_fields = ["country", "kind"]
