"""API v1 for implementation reporting: reports, their workflow, evidence, periods, monitoring.

Every read goes through ``reporting.access`` (and ``plans.access`` for plans and actions);
every write calls a function of ``reporting.actions``, which checks permissions itself. This
module only translates HTTP to those calls, and their exceptions back to HTTP through
``api.errors.domain_errors`` (403, 400 with field errors, 409 with the stored report). The
filters of the report list are ``reporting.filters``, which the open-data file reads too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import django_filters
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action as extra_action
from rest_framework.request import Request
from rest_framework.response import Response

from rightsmonitor.api.errors import domain_errors, non_field_error
from rightsmonitor.api.fields import JsonTypedSerializer
from rightsmonitor.core.filtering import BoundedFilterSet
from rightsmonitor.plans.access import actions_for_user, plans_for_user
from rightsmonitor.plans.models import Action, ActionQuerySet, Agency
from rightsmonitor.reporting import access, actions
from rightsmonitor.reporting.filters import ReportFilter
from rightsmonitor.reporting.models import (
    ActionMonitoring,
    Evidence,
    ImplementationStatus,
    ProgressReport,
    ReportingPeriod,
    ReportTransition,
)
from rightsmonitor.reporting.queries import STATUSES, status_of_monitoring, with_monitoring
from rightsmonitor.reporting.workflow import TRANSITION_NAMES, ReportState

# Filters --------------------------------------------------------------------------------------


class PeriodFilter(BoundedFilterSet):
    plan = django_filters.CharFilter(field_name="plan__code", label=_("Plan code"))

    class Meta:
        model = ReportingPeriod
        fields = ["plan"]


class MonitoringFilter(BoundedFilterSet):
    plan = django_filters.CharFilter(field_name="plan__code", label=_("Plan code"))

    class Meta:
        model = Action
        fields = ["plan"]


# Serializers: what is read --------------------------------------------------------------------


class ReportActionSerializer(serializers.ModelSerializer[Action]):
    plan: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = Action
        fields = ["id", "number", "plan"]


class ReportPeriodSerializer(serializers.ModelSerializer[ReportingPeriod]):
    class Meta:
        model = ReportingPeriod
        fields = ["id", "start", "end", "submission_deadline"]


class ReportingPeriodSerializer(serializers.ModelSerializer[ReportingPeriod]):
    plan: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = ReportingPeriod
        fields = ["id", "plan", "start", "end", "submission_deadline", "review_deadline"]


class EvidenceSerializer(serializers.ModelSerializer[Evidence]):
    kind = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "kind", "name", "description", "size", "content_type", "url", "added_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["file", "link"]))
    def get_kind(self, evidence: Evidence) -> str:
        return "file" if evidence.file else "link"

    def get_name(self, evidence: Evidence) -> str:
        return evidence.original_name or evidence.url

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, evidence: Evidence) -> str:
        """The link itself, or the download page, which checks who may read the file."""
        if not evidence.file:
            return evidence.url
        download = reverse("reporting:evidence_download", args=[evidence.report_id, evidence.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(download) if request else download


class ReportTransitionSerializer(serializers.ModelSerializer[ReportTransition]):
    """One step of the report's review: who moved it from which state to which, and why."""

    # ``from`` is a Python keyword: the field is declared as ``from_state`` and renamed in
    # ``get_fields``; its explicit source survives the renaming (it defaults to the name).
    from_state = serializers.ChoiceField(
        choices=ReportState.choices, source="from_state", read_only=True
    )
    to = serializers.ChoiceField(choices=ReportState.choices, source="to_state", read_only=True)
    actor = serializers.EmailField(source="actor.email", read_only=True, allow_null=True)

    class Meta:
        model = ReportTransition
        fields = ["name", "from_state", "to", "actor", "at", "comment"]
        read_only_fields = fields

    def to_representation(self, instance: ReportTransition) -> dict[str, Any]:
        # Officials' e-mail addresses are for the government side only, not the public.
        data = super().to_representation(instance)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if not access.can_see_officials(user):
            data["actor"] = None
        return data

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        return {("from" if name == "from_state" else name): f for name, f in fields.items()}


class ReportSerializer(serializers.ModelSerializer[ProgressReport]):
    action = ReportActionSerializer(read_only=True)
    agency: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="abbreviation", read_only=True
    )
    period = ReportPeriodSerializer(read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    transitions = ReportTransitionSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "action",
            "agency",
            "period",
            "kind",
            "state",
            "narrative",
            "proposed_status",
            "document_type",
            "document_number",
            "document_date",
            "version",
            "times_returned",
            "updated_at",
            "evidence",
            "transitions",
        ]
        read_only_fields = fields


class ReportDetailSerializer(ReportSerializer):
    """A report with what the requesting user may do to it now."""

    available_transitions = serializers.SerializerMethodField()

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "available_transitions"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(TRANSITION_NAMES)))
    def get_available_transitions(self, report: ProgressReport) -> list[str]:
        request = self.context.get("request")
        user = request.user if request else None
        return list(dict.fromkeys(t.name for t in access.transitions_for(user, report)))


class ReportConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    current = ReportDetailSerializer()


class StatusField(serializers.ChoiceField):
    """The action's status by ``reporting.queries``' one definition: "not_assessed" while the
    coordinator has given no verdict (an unsaved monitoring row), never "not_started"."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=list(STATUSES), source="*", read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        return status_of_monitoring(value if value.pk is not None else None)


class ActionMonitoringSerializer(serializers.ModelSerializer[ActionMonitoring]):
    action = serializers.IntegerField(source="action.id", read_only=True)
    assessed_status = StatusField(
        help_text=_("The coordinator's verdict; “not_assessed” while there is none.")
    )
    number = serializers.CharField(source="action.number", read_only=True)
    plan = serializers.CharField(source="action.plan.code", read_only=True)

    class Meta:
        model = ActionMonitoring
        fields = [
            "action",
            "number",
            "plan",
            "assessed_status",
            "on_monitoring",
            "off_monitoring_reason",
            "version",
        ]
        read_only_fields = fields


class MonitoringConflictSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    current = ActionMonitoringSerializer()


# Serializers: what is written -----------------------------------------------------------------


class ReportStartSerializer(JsonTypedSerializer):
    """Actions and periods are looked up among those the caller may see."""

    action = serializers.PrimaryKeyRelatedField(queryset=Action.objects.none())
    agency: serializers.SlugRelatedField[Agency] = serializers.SlugRelatedField(
        slug_field="abbreviation", queryset=Agency.objects.all()
    )
    period = serializers.PrimaryKeyRelatedField(queryset=ReportingPeriod.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = request.user if request else None
        self.fields["action"].queryset = actions_for_user(user)  # type: ignore[attr-defined]
        self.fields["period"].queryset = ReportingPeriod.objects.filter(  # type: ignore[attr-defined]
            plan__in=plans_for_user(user)
        )


class ReportEditSerializer(JsonTypedSerializer, serializers.ModelSerializer[ProgressReport]):
    """The fields to change (any of them), and the version of the report the edit started from."""

    version = serializers.IntegerField(
        min_value=1, help_text=_("The version you loaded; a newer stored version gives 409.")
    )

    class Meta:
        model = ProgressReport
        fields = [
            "narrative",
            "proposed_status",
            "document_type",
            "document_number",
            "document_date",
            "version",
        ]

    # Every edit names the version it started from, so this serializer is never partial; the
    # schema generator would otherwise document PATCH bodies as partial, "version" optional.
    @property
    def partial(self) -> bool:
        return False

    @partial.setter
    def partial(self, value: bool) -> None:
        pass

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Refuse rather than ignore: a client sending "state" must learn it changed nothing.
        if isinstance(self.initial_data, Mapping):
            unknown = sorted(set(self.initial_data) - set(self.fields) - {"csrfmiddlewaretoken"})
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("This field cannot be changed here.")] for name in unknown}
                )
        return attrs


class TransitionRequestSerializer(JsonTypedSerializer):
    name = serializers.ChoiceField(choices=TRANSITION_NAMES)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("If given, the transition is refused with 409 when the report changed."),
    )
    assessed_status = serializers.ChoiceField(
        choices=ImplementationStatus.choices,
        required=False,
        help_text=_(
            "Only with “accept” of a consolidated report: the action's official status to set. "
            "Without it, accepting keeps the official status as it is."
        ),
    )


class EvidenceFileSerializer(serializers.Serializer[Any]):
    # Empty files pass here so that the evidence checks give their own message.
    file = serializers.FileField(allow_empty_file=True)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500
    )


class EvidenceLinkSerializer(JsonTypedSerializer):
    url = serializers.URLField(max_length=500)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500
    )


class MonitoringChangeSerializer(JsonTypedSerializer):
    assessed_status = serializers.ChoiceField(choices=ImplementationStatus.choices, required=False)
    on_monitoring = serializers.BooleanField(
        allow_null=True,
        default=None,
        help_text=_("false takes the action off monitoring (give a reason), true puts it back."),
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("If given, the change is refused with 409 when the verdict changed since."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "assessed_status" not in attrs and attrs.get("on_monitoring") is None:
            raise serializers.ValidationError(
                _("Give an assessed status, or say whether the action stays on monitoring.")
            )
        return attrs


# Views ----------------------------------------------------------------------------------------


@extend_schema(tags=["reports"])
class ReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ProgressReport]
):
    """Progress reports the caller may see: their agency's, the co-executors' contributions
    to actions their agency leads, those they validate, all for coordinators; everyone sees
    accepted reports of public plans."""

    filterset_class = ReportFilter
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    def get_queryset(self) -> QuerySet[ProgressReport]:
        return (
            access.reports_for_user(self.request.user)
            .with_related()
            .prefetch_related(
                "evidence",
                Prefetch("transitions", ReportTransition.objects.select_related("actor")),
            )
            .order_by(
                "period__end",
                "action__plan__code",
                "action__section__order",
                "action__order",
                "agency__abbreviation",
                "pk",
            )
        )

    def get_serializer_class(self) -> type[serializers.BaseSerializer[ProgressReport]]:
        return ReportSerializer if self.action == "list" else ReportDetailSerializer

    def _detail(self, report: ProgressReport) -> Mapping[str, Any]:
        """The stored report, freshly read, as the detail endpoint shows it."""
        fresh = self.get_queryset().filter(pk=report.pk).first() or report
        return ReportDetailSerializer(fresh, context=self.get_serializer_context()).data

    @extend_schema(
        request=ReportStartSerializer,
        responses={201: ReportDetailSerializer},
        description=_(
            "Open the agency's draft report on an action for a period (a focal point of an "
            "agency responsible for the action). An existing report is returned as it is."
        ),
    )
    def create(self, request: Request) -> Response:
        given = ReportStartSerializer(data=request.data, context=self.get_serializer_context())
        given.is_valid(raise_exception=True)
        with domain_errors():
            report = actions.start_report(
                given.validated_data["action"],
                given.validated_data["agency"],
                given.validated_data["period"],
                by=request.user,
            )
        return Response(self._detail(report), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ReportEditSerializer,
        responses={
            200: ReportDetailSerializer,
            409: OpenApiResponse(
                ReportConflictSerializer,
                description=_("Someone saved a newer version; it is in “current”."),
            ),
        },
        description=_(
            "Change a draft or returned report (its author's agency). ``version`` is the "
            "version the edit started from."
        ),
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        report = self.get_object()
        given = ReportEditSerializer(data=request.data, context=self.get_serializer_context())
        given.is_valid(raise_exception=True)
        fields = dict(given.validated_data)
        version = fields.pop("version")
        with domain_errors(current=lambda: self._detail(report)):
            actions.save_report(report, fields, by=request.user, expected_version=version)
        return Response(self._detail(report))

    @extend_schema(
        request=TransitionRequestSerializer,
        responses={
            200: ReportDetailSerializer,
            409: OpenApiResponse(
                ReportConflictSerializer,
                description=_("The report changed since the given version; it is in “current”."),
            ),
        },
        description=_(
            "Take a workflow transition (mark_ready, sign_off, send_back, take_back, submit, "
            "resubmit, return, accept). "
            "“available_transitions” of the report lists those you may take now."
        ),
    )
    @extra_action(detail=True, methods=["post"])
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        report = self.get_object()
        given = TransitionRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        with domain_errors(field="name", current=lambda: self._detail(report)):
            actions.take_transition(
                report,
                given.validated_data["name"],
                by=request.user,
                comment=given.validated_data["comment"],
                expected_version=given.validated_data.get("version"),
                assessed_status=given.validated_data.get("assessed_status"),
            )
        return Response(self._detail(report))

    @extend_schema(
        request={
            "multipart/form-data": EvidenceFileSerializer,
            "application/json": EvidenceLinkSerializer,
        },
        responses={201: EvidenceSerializer},
        description=_(
            "Attach a file (multipart: file, description; PDF, DOCX, XLSX, PNG or JPEG whose "
            "content matches its name, within the size limit) or a link (url, description)."
        ),
    )
    @extra_action(detail=True, methods=["post"])
    def evidence(self, request: Request, pk: str | None = None) -> Response:
        report = self.get_object()
        evidence: Evidence
        # A JSON body need not be an object (``null``, a list, a number): then it names neither.
        given = request.data if isinstance(request.data, Mapping) else {}
        if "file" in given:
            upload = EvidenceFileSerializer(data=request.data)
            upload.is_valid(raise_exception=True)
            with domain_errors(field="file"):
                evidence = actions.add_evidence_file(
                    report,
                    upload.validated_data["file"],
                    by=request.user,
                    description=upload.validated_data["description"],
                )
        elif "url" in given:
            link = EvidenceLinkSerializer(data=request.data)
            link.is_valid(raise_exception=True)
            with domain_errors(field="url"):
                evidence = actions.add_evidence_link(
                    report,
                    link.validated_data["url"],
                    by=request.user,
                    description=link.validated_data["description"],
                )
        else:
            raise non_field_error(_("Attach a file or give a link."))
        data = EvidenceSerializer(evidence, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["reports"])
class ReportingPeriodViewSet(viewsets.ReadOnlyModelViewSet[ReportingPeriod]):
    """Reporting periods of the plans the caller may see."""

    serializer_class = ReportingPeriodSerializer
    filterset_class = PeriodFilter

    def get_queryset(self) -> QuerySet[ReportingPeriod]:
        return (
            ReportingPeriod.objects.filter(plan__in=plans_for_user(self.request.user))
            .select_related("plan")
            .order_by("plan__code", "end")
        )


def monitoring_of(action: Action) -> ActionMonitoring:
    """The coordinator's verdict on an action; the model's defaults while there is none."""
    try:
        return action.monitoring
    except ActionMonitoring.DoesNotExist:
        return ActionMonitoring(action=action)


@extend_schema(tags=["monitoring"])
# The queryset holds actions (every action has a verdict, if only the default one) and the
# serializer shows their ActionMonitoring: hence ``Any`` as the view's model type.
class MonitoringViewSet(viewsets.GenericViewSet[Any]):
    """Per action of the plans the caller may see: assessed status and whether it is monitored."""

    serializer_class = ActionMonitoringSerializer
    filterset_class = MonitoringFilter
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    lookup_url_kwarg = "action_id"

    def get_queryset(self) -> ActionQuerySet:
        return with_monitoring(actions_for_user(self.request.user).select_related("plan")).order_by(
            "plan__code", "section__order", "order", "pk"
        )

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        items = [monitoring_of(action) for action in page or []]
        return self.get_paginated_response(self.get_serializer(items, many=True).data)

    def retrieve(self, request: Request, action_id: int) -> Response:
        return Response(self.get_serializer(monitoring_of(self.get_object())).data)

    @extend_schema(
        operation_id="monitoring_change",
        request=MonitoringChangeSerializer,
        responses={
            200: ActionMonitoringSerializer,
            409: OpenApiResponse(
                MonitoringConflictSerializer,
                description=_("The verdict changed since the given version; it is in “current”."),
            ),
        },
        description=_(
            "Coordinators: set the action's assessed status, take it off monitoring "
            "(on_monitoring false, with a reason) or put it back (on_monitoring true)."
        ),
    )
    def change(self, request: Request, action_id: int) -> Response:
        action = self.get_object()
        given = MonitoringChangeSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        assessed_status = given.validated_data.get("assessed_status")
        on_monitoring = given.validated_data["on_monitoring"]
        reason = given.validated_data["reason"]
        # The version is checked by the first action called; the second sees its result.
        version = given.validated_data.get("version")
        with (
            domain_errors(field="on_monitoring", current=lambda: self._detail(action)),
            transaction.atomic(),
        ):
            if assessed_status is not None:
                actions.set_assessed_status(
                    action,
                    assessed_status,
                    by=request.user,
                    reason=reason,
                    expected_version=version,
                )
                version = None
            if on_monitoring is False:
                actions.take_off_monitoring(
                    action, reason=reason, by=request.user, expected_version=version
                )
            elif on_monitoring is True:
                actions.put_back_on_monitoring(
                    action, reason=reason, by=request.user, expected_version=version
                )
        return Response(self._detail(action))

    def _detail(self, action: Action) -> Mapping[str, Any]:
        fresh = self.get_queryset().filter(pk=action.pk).first() or action
        return self.get_serializer(monitoring_of(fresh)).data


# Routes not made by the router: POST on a detail address.
urlpatterns = [
    path("monitoring/", MonitoringViewSet.as_view({"get": "list"}), name="monitoring-list"),
    path(
        "monitoring/<int:action_id>/",
        MonitoringViewSet.as_view({"get": "retrieve", "post": "change"}),
        name="monitoring-detail",
    ),
]
