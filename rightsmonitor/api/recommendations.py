"""API v1 for UN human rights recommendations: search, links to plan actions, suggested links.

Everyone reads the recommendations (public documents) and the links to actions of the plans they
may see. Coordinators and administrators link and unlink actions and ask for, accept and reject
suggested links. Reads go through ``recommendations.access``, changes through
``recommendations.actions``, whose exceptions become HTTP through ``api.errors.domain_errors``
(``PermissionDenied`` → 403, ``ValidationError`` → 400 with field errors). The search filters
are ``recommendations.queries.RecommendationFilter``, which the search page and the open-data
files read too.

A list costs the same few queries whatever its length: the relations are prefetched, the links
restricted to the visible plans, and the derived status of the whole page comes from one call
of ``recommendations.status.linked_statuses``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, permissions, serializers, status, viewsets
from rest_framework.decorators import action as extra_action
from rest_framework.request import Request
from rest_framework.response import Response

from rightsmonitor.api.errors import domain_errors
from rightsmonitor.api.fields import JsonTypedSerializer, TranslatedTextField
from rightsmonitor.api.pagination import SharedListPages
from rightsmonitor.core.translation import iter_translations
from rightsmonitor.plans.models import Action, Plan, Theme
from rightsmonitor.recommendations import access, actions, suggestions
from rightsmonitor.recommendations.models import (
    Body,
    Mechanism,
    Recommendation,
    RecommendationLink,
    RecommendationQuerySet,
    SuggestionDecision,
)
from rightsmonitor.recommendations.queries import RecommendationFilter
from rightsmonitor.recommendations.status import RecommendationStatus, linked_statuses

METHODS = [suggestions.FULLTEXT, suggestions.EMBEDDING]
LINK_ORDER = ("action__plan__code", "action__section__order", "action__order", "pk")

# Permissions ----------------------------------------------------------------------------------


class ManageOrReadOnly(permissions.BasePermission):
    """Reads for everyone, except the suggestions; every change for coordinators and
    administrators (``recommendations.access.can_manage``), checked before the input is."""

    staff_reads = frozenset({"suggestions"})

    def has_permission(self, request: Request, view: Any) -> bool:
        if (
            request.method in permissions.SAFE_METHODS
            and getattr(view, "action", None) not in self.staff_reads
        ):
            return True
        return access.can_manage(request.user)


class CanManage(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return access.can_manage(request.user)


# Serializers: what is read --------------------------------------------------------------------


def _absolute(request: Request | None, path: str) -> str:
    return request.build_absolute_uri(path) if request else path


class BodySerializer(serializers.ModelSerializer[Body]):
    name = TranslatedTextField()

    class Meta:
        model = Body
        fields = ["code", "name"]


class RecommendationThemeSerializer(serializers.ModelSerializer[Theme]):
    name = TranslatedTextField()

    class Meta:
        model = Theme
        fields = ["key", "name"]


class RecommendationLinkSerializer(serializers.ModelSerializer[RecommendationLink]):
    action = serializers.IntegerField(source="action_id", read_only=True)
    number = serializers.CharField(source="action.number", read_only=True)
    plan = serializers.CharField(source="action.plan.code", read_only=True)

    class Meta:
        model = RecommendationLink
        fields = ["action", "number", "plan", "note"]
        read_only_fields = fields


class RecommendationSerializer(serializers.ModelSerializer[Recommendation]):
    url = serializers.SerializerMethodField()
    recommending_states = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=_("UPR only.")
    )
    mechanism = serializers.ChoiceField(
        source="body.mechanism", choices=Mechanism.choices, read_only=True
    )
    body = BodySerializer(read_only=True)
    themes = RecommendationThemeSerializer(many=True, read_only=True)
    affected_persons = RecommendationThemeSerializer(many=True, read_only=True)
    sdg_targets: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    countries = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    links = RecommendationLinkSerializer(source="visible_links", many=True, read_only=True)

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "url",
            "text",
            "annotation_type",
            "language",
            "paragraph",
            "symbol",
            "session",
            "cycle",
            "document_date",
            "recommending_states",
            "position",
            "action_category",
            "mechanism",
            "body",
            "themes",
            "affected_persons",
            "sdg_targets",
            "countries",
            "source",
            "source_id",
            "status",
            "links",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, recommendation: Recommendation) -> str:
        return _absolute(self.context.get("request"), recommendation.get_absolute_url())

    @extend_schema_field(
        serializers.ListField(
            child=serializers.CharField(),
            help_text=_("ISO 3166-1 alpha-3 codes (or names as written) of the countries."),
        )
    )
    def get_countries(self, recommendation: Recommendation) -> list[str]:
        return sorted(row.country for row in recommendation.countries.all())

    @extend_schema_field(
        serializers.ChoiceField(
            choices=RecommendationStatus.choices,
            help_text=_("Derived from the assessed status of the linked actions."),
        )
    )
    def get_status(self, recommendation: Recommendation) -> str:
        """From the statuses the view computed for the whole page (``statuses``)."""
        statuses = self.context.get("statuses")
        if statuses is None:
            statuses = linked_statuses([recommendation.pk], user=self.context["request"].user)
        return str(statuses.get(recommendation.pk, RecommendationStatus.NOT_COVERED))


@dataclass(frozen=True)
class SuggestedAction:
    action: Action
    score: float
    method: str


class SuggestedActionSerializer(serializers.Serializer[Any]):
    action = serializers.IntegerField(source="action.pk")
    number = serializers.CharField(source="action.number")
    title = serializers.SerializerMethodField()
    plan = serializers.CharField(source="action.plan.code")
    score = serializers.FloatField(help_text=_("Higher is a closer match; compare within a list."))
    method = serializers.ChoiceField(choices=METHODS)

    @extend_schema_field(TranslatedTextField())
    def get_title(self, suggestion: SuggestedAction) -> dict[str, str]:
        return dict(iter_translations(suggestion.action, "title"))


@dataclass(frozen=True)
class SuggestedRecommendation:
    recommendation: Recommendation
    score: float
    method: str


class SuggestedRecommendationSerializer(serializers.Serializer[Any]):
    recommendation = serializers.IntegerField(source="recommendation.pk")
    url = serializers.SerializerMethodField()
    body = serializers.CharField(source="recommendation.body.code")
    symbol = serializers.CharField(source="recommendation.symbol")
    paragraph = serializers.CharField(source="recommendation.paragraph")
    text = serializers.CharField(source="recommendation.text")
    score = serializers.FloatField(help_text=_("Higher is a closer match; compare within a list."))
    method = serializers.ChoiceField(choices=METHODS)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, suggestion: SuggestedRecommendation) -> str:
        path = suggestion.recommendation.get_absolute_url()
        return _absolute(self.context.get("request"), path)


class SuggestionDecisionSerializer(serializers.ModelSerializer[SuggestionDecision]):
    recommendation = serializers.IntegerField(source="recommendation_id", read_only=True)
    action = serializers.IntegerField(source="action_id", read_only=True)

    class Meta:
        model = SuggestionDecision
        fields = ["recommendation", "action", "decision", "method", "decided_at"]
        read_only_fields = fields


# Serializers: what is written or asked --------------------------------------------------------


def _user(serializer: serializers.BaseSerializer[Any]) -> Any:
    request = serializer.context.get("request")
    return request.user if request else None


class MethodField(serializers.ChoiceField):
    """A ranking method, refused when it is not available on this server."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=METHODS, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = str(super().to_internal_value(data))
        if value and value not in suggestions.methods():
            raise serializers.ValidationError(_("This method is not available on this server."))
        return value


class LinkRequestSerializer(JsonTypedSerializer):
    """Actions are looked up among those the caller may link (``access.linkable_actions``)."""

    action = serializers.PrimaryKeyRelatedField(
        queryset=Action.objects.none(), help_text=_("Id of the plan action (see /actions/).")
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    method = serializers.ChoiceField(
        choices=METHODS,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "When accepting a suggestion: the method that suggested the action, recorded "
            "with the decision."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actions_field: Any = self.fields["action"]
        actions_field.queryset = access.linkable_actions(_user(self))


class RejectRequestSerializer(JsonTypedSerializer):
    method = serializers.ChoiceField(
        choices=METHODS,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The method that suggested the action, recorded with the decision."),
    )


class ActionSuggestionQuerySerializer(serializers.Serializer[Any]):
    method = MethodField(
        required=False,
        help_text=_("Ranking method: fulltext (always), embedding (when installed)."),
    )
    plan: serializers.SlugRelatedField[Plan] = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Plan.objects.none(),
        required=False,
        help_text=_("Plan code: suggest only this plan's actions."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plan_field: Any = self.fields["plan"]
        plan_field.queryset = access.visible_plans(_user(self))


class RecommendationSuggestionQuerySerializer(serializers.Serializer[Any]):
    action = serializers.PrimaryKeyRelatedField(
        queryset=Action.objects.none(),
        help_text=_("Id of the plan action to find recommendations for."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action_field: Any = self.fields["action"]
        action_field.queryset = access.linkable_actions(_user(self))


# Views ----------------------------------------------------------------------------------------

# The extra actions are about one recommendation: the search filters are not theirs (``?plan=``
# of the suggestions means another thing) and their lists are short, not paginated.
ONE_RECOMMENDATION: dict[str, Any] = {"filter_backends": [], "pagination_class": None}
ACTION_ID = OpenApiParameter(
    "action_id", OpenApiTypes.INT, OpenApiParameter.PATH, description=_("Id of the plan action.")
)


@extend_schema(tags=["recommendations"])
class RecommendationViewSet(SharedListPages, viewsets.ReadOnlyModelViewSet[Recommendation]):
    """Recommendations of the UN human rights mechanisms and other bodies, with their
    themes, affected persons, SDG targets, countries concerned, derived implementation
    status and the links to the actions of the plans you may see. Public."""

    serializer_class = RecommendationSerializer
    filterset_class = RecommendationFilter
    permission_classes = [ManageOrReadOnly]

    def get_queryset(self) -> QuerySet[Recommendation]:
        user = self.request.user
        recommendations: RecommendationQuerySet = access.recommendations_for_user(user)
        if self.action not in {"list", "retrieve"}:
            return recommendations.order_by("pk")  # the extra actions need the row only
        links = access.links_for_user(user).select_related("action__plan").order_by(*LINK_ORDER)
        return (
            recommendations.with_related()
            .prefetch_related(Prefetch("links", queryset=links, to_attr="visible_links"))
            .order_by("-document_date", "symbol", "paragraph", "pk")
        )

    def page_data(self, rows: Any) -> Any:
        """The rows, with the derived status of all of them computed at once."""
        rows = list(rows)
        context = {
            **self.get_serializer_context(),
            "statuses": linked_statuses([row.pk for row in rows], user=self.request.user),
        }
        return RecommendationSerializer(rows, many=True, context=context).data

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self.page_data([self.get_object()])[0])

    # Links ------------------------------------------------------------------------------------

    def _links(self, recommendation: Recommendation) -> QuerySet[RecommendationLink]:
        visible: QuerySet[RecommendationLink] = access.links_for_user(self.request.user)
        return (
            visible.filter(recommendation=recommendation)
            .select_related("action__plan")
            .order_by(*LINK_ORDER)
        )

    @extend_schema(
        methods=["GET"],
        responses={200: RecommendationLinkSerializer(many=True)},
        description=_("The actions linked to the recommendation, of the plans you may see."),
    )
    @extend_schema(
        methods=["POST"],
        request=LinkRequestSerializer,
        responses={
            200: OpenApiResponse(
                RecommendationLinkSerializer, description=_("Already linked: the note updated.")
            ),
            201: RecommendationLinkSerializer,
        },
        description=_(
            "Coordinators and administrators: link an action to the recommendation (again: "
            "the note is replaced). Accept a suggestion by giving the method that suggested it."
        ),
    )
    @extra_action(detail=True, methods=["get", "post"], **ONE_RECOMMENDATION)
    def links(self, request: Request, pk: str | None = None) -> Response:
        recommendation = self.get_object()
        if request.method != "POST":
            data = RecommendationLinkSerializer(self._links(recommendation), many=True).data
            return Response(data)
        given = LinkRequestSerializer(data=request.data, context=self.get_serializer_context())
        given.is_valid(raise_exception=True)
        action: Action = given.validated_data["action"]
        existed = RecommendationLink.objects.filter(
            recommendation=recommendation, action=action
        ).exists()
        with domain_errors(field="action"):
            link = actions.link_action(
                recommendation,
                action,
                by=request.user,
                note=given.validated_data["note"],
                method=given.validated_data["method"],
            )
        stored = self._links(recommendation).get(pk=link.pk)
        return Response(
            RecommendationLinkSerializer(stored).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )

    @extend_schema(
        parameters=[ACTION_ID],
        responses={204: None},
        description=_("Coordinators and administrators: remove the link to the action."),
    )
    @extra_action(
        detail=True,
        methods=["delete"],
        url_path=r"links/(?P<action_id>[0-9]+)",
        url_name="link",
        **ONE_RECOMMENDATION,
    )
    def unlink(self, request: Request, pk: str | None = None, action_id: str = "") -> Response:
        recommendation = self.get_object()
        link = self._links(recommendation).filter(action_id=int(action_id)).first()
        if link is None:
            raise Http404
        with domain_errors():
            actions.unlink_action(link, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    # Suggestions ------------------------------------------------------------------------------

    @extend_schema(
        parameters=[ActionSuggestionQuerySerializer],
        responses={200: SuggestedActionSerializer(many=True)},
        description=_(
            "Coordinators and administrators: the actions most likely to answer the "
            "recommendation, best first, among the actions you may link; those already "
            "linked or rejected are left out. Accept one by linking it with its method."
        ),
    )
    @extra_action(detail=True, methods=["get"], **ONE_RECOMMENDATION)
    def suggestions(self, request: Request, pk: str | None = None) -> Response:
        recommendation = self.get_object()
        asked = ActionSuggestionQuerySerializer(
            data=request.query_params, context=self.get_serializer_context()
        )
        asked.is_valid(raise_exception=True)
        candidates = access.linkable_actions(request.user)
        plan = asked.validated_data.get("plan")
        if plan is not None:
            candidates = candidates.filter(plan=plan)
        found = suggestions.suggest_actions(
            recommendation,
            list(candidates.values_list("pk", flat=True)),
            method=asked.validated_data.get("method") or suggestions.default_method(),
        )
        by_id = Action.objects.select_related("plan").in_bulk([s.pk for s in found])
        items = [SuggestedAction(by_id[s.pk], s.score, s.method) for s in found if s.pk in by_id]
        return Response(SuggestedActionSerializer(items, many=True).data)

    @extend_schema(
        parameters=[ACTION_ID],
        request=RejectRequestSerializer,
        responses={200: SuggestionDecisionSerializer},
        description=_(
            "Coordinators and administrators: the action does not answer the "
            "recommendation; it is not suggested again. A linked action is refused (unlink it)."
        ),
    )
    @extra_action(
        detail=True,
        methods=["post"],
        url_path=r"suggestions/(?P<action_id>[0-9]+)/reject",
        url_name="reject-suggestion",
        **ONE_RECOMMENDATION,
    )
    def reject_suggestion(
        self, request: Request, pk: str | None = None, action_id: str = ""
    ) -> Response:
        recommendation = self.get_object()
        action = access.linkable_actions(request.user).filter(pk=int(action_id)).first()
        if action is None:
            raise Http404
        given = RejectRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        with domain_errors():
            decision = actions.reject_suggestion(
                recommendation, action, by=request.user, method=given.validated_data["method"]
            )
        return Response(SuggestionDecisionSerializer(decision).data)


@extend_schema(tags=["recommendations"])
class RecommendationSuggestionsForActionView(generics.GenericAPIView[Any]):
    permission_classes = [CanManage]
    filter_backends: list[Any] = []
    pagination_class = None
    serializer_class = SuggestedRecommendationSerializer

    @extend_schema(
        operation_id="recommendations_suggested_for_action",
        parameters=[RecommendationSuggestionQuerySerializer],
        responses={200: SuggestedRecommendationSerializer(many=True)},
        description=_(
            "Coordinators and administrators: the recommendations the action most likely answers, "
            "best first, among those concerning the plan's country (all when none does); those "
            "already linked to it or rejected for it are left out."
        ),
    )
    def get(self, request: Request) -> Response:
        asked = RecommendationSuggestionQuerySerializer(
            data=request.query_params, context=self.get_serializer_context()
        )
        asked.is_valid(raise_exception=True)
        action: Action = asked.validated_data["action"]
        found = suggestions.suggest_recommendations(action, country=action.plan.country)
        by_id = Recommendation.objects.select_related("body").in_bulk([s.pk for s in found])
        items = [
            SuggestedRecommendation(by_id[s.pk], s.score, s.method) for s in found if s.pk in by_id
        ]
        return Response(self.get_serializer(items, many=True).data)


# Routes not made by the router.
urlpatterns = [
    path(
        "recommendation-suggestions/",
        RecommendationSuggestionsForActionView.as_view(),
        name="action-recommendation-suggestions",
    ),
]
