"""Serializers for API v1. Translatable texts come as {"en": ..., "ru": ..., "kk": ...}."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rightsmonitor.core.translation import iter_translations
from rightsmonitor.plans.models import (
    Action,
    ActionAgency,
    Agency,
    Amendment,
    Instrument,
    Plan,
    Section,
)


@extend_schema_field(
    {
        "type": "object",
        "properties": {
            "en": {"type": "string"},
            "ru": {"type": "string"},
            "kk": {"type": "string"},
        },
    }
)
class TranslatedTextField(serializers.Field):
    """Reads ``<name>_<lang>`` columns into one object keyed by language."""

    def __init__(self, name: str | None = None, **kwargs: Any) -> None:
        self.column = name
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, instance: Any) -> dict[str, str]:
        return dict(iter_translations(instance, self.column or str(self.field_name)))


class InstrumentSerializer(serializers.ModelSerializer[Instrument]):
    title = TranslatedTextField()

    class Meta:
        model = Instrument
        fields = ["id", "kind", "number", "date", "issuing_authority", "country", "title", "url"]


class AgencySerializer(serializers.ModelSerializer[Agency]):
    name = TranslatedTextField()
    parent = serializers.SlugRelatedField(slug_field="abbreviation", read_only=True)  # type: ignore[assignment,var-annotated]

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
    due_date = serializers.DateField(allow_null=True)
    start_date = serializers.DateField(allow_null=True)
    recurrence = serializers.CharField()
    recurrence_month = serializers.IntegerField(allow_null=True)
    recurrence_day = serializers.IntegerField(allow_null=True)
    needs_review = serializers.BooleanField(source="deadline_needs_review")


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
        ]

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
    adopting_instrument = InstrumentSerializer(read_only=True)
    parent_instrument = InstrumentSerializer(read_only=True)
    coordinator: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="abbreviation", read_only=True
    )
    superseded_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
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
