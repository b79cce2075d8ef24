"""API v1 for civil society participation: published comments and shadow ratings (read-only).

Only what the public pages show: published public comments (and the published answers to
them) on what the public may see, and the ratings of approved organisations on public plans.
A comment's text is served sanitised (``body_html``, the same allow-list as the pages) and as
plain text (``body_text``), never as submitted. Lists cost the same few queries whatever
their length.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from rightsmonitor.core.filtering import BoundedFilterSet
from rightsmonitor.participation.access import ratings_for_public
from rightsmonitor.participation.markup import comment_html, comment_text
from rightsmonitor.participation.models import Comment, ShadowRating
from rightsmonitor.participation.queries import official_status
from rightsmonitor.reporting.queries import STATUSES

# Filters --------------------------------------------------------------------------------------


class CommentFilter(BoundedFilterSet):
    plan = django_filters.CharFilter(field_name="action__plan__code")

    class Meta:
        model = Comment
        fields = ["plan", "action", "report", "assessment", "consultation", "parent"]


class ShadowRatingFilter(BoundedFilterSet):
    plan = django_filters.CharFilter(field_name="action__plan__code")
    organisation = django_filters.CharFilter(field_name="organisation__name")

    class Meta:
        model = ShadowRating
        fields = ["plan", "action", "organisation", "status"]


# Serializers ----------------------------------------------------------------------------------


class CommentSerializer(serializers.ModelSerializer[Comment]):
    organisation = serializers.CharField(source="organisation.name", default=None, allow_null=True)
    answered_by = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()
    body_text = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = [
            "id",
            "action",
            "report",
            "assessment",
            "consultation",
            "parent",
            "organisation",
            "answered_by",
            "body_html",
            "body_text",
            "created_at",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_answered_by(self, comment: Comment) -> str | None:
        """The name of whoever answered (replies only); members are named by organisation."""
        return str(comment.author) if comment.parent_id and comment.author else None

    def get_body_html(self, comment: Comment) -> str:
        return str(comment_html(comment.body))

    def get_body_text(self, comment: Comment) -> str:
        return comment_text(comment.body)


class ShadowRatingSerializer(serializers.ModelSerializer[ShadowRating]):
    organisation = serializers.CharField(source="organisation.name")
    plan = serializers.CharField(source="action.plan.code")
    action_number = serializers.CharField(source="action.number")
    period_start = serializers.DateField(source="period.start")
    period_end = serializers.DateField(source="period.end")
    official_status = serializers.SerializerMethodField()
    differs = serializers.SerializerMethodField()

    class Meta:
        model = ShadowRating
        fields = [
            "id",
            "organisation",
            "plan",
            "action",
            "action_number",
            "period_start",
            "period_end",
            "status",
            "official_status",
            "differs",
            "evidence",
            "evidence_url",
            "updated_at",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=list(STATUSES)))
    def get_official_status(self, rating: ShadowRating) -> str:
        """The coordinator's current assessed status of the action."""
        return official_status(rating.action)

    def get_differs(self, rating: ShadowRating) -> bool:
        return rating.status != official_status(rating.action)


# Views ----------------------------------------------------------------------------------------


class CommentViewSet(viewsets.ReadOnlyModelViewSet[Comment]):
    """Published public comments and the authorities' answers, oldest first."""

    serializer_class = CommentSerializer
    filterset_class = CommentFilter

    def get_queryset(self) -> QuerySet[Comment]:
        return (
            Comment.objects.public()
            .select_related("organisation", "author")
            .order_by("created_at", "pk")
        )


class ShadowRatingViewSet(viewsets.ReadOnlyModelViewSet[ShadowRating]):
    """Approved organisations' own ratings of actions of public plans, beside the official one."""

    serializer_class = ShadowRatingSerializer
    filterset_class = ShadowRatingFilter

    def get_queryset(self) -> QuerySet[ShadowRating]:
        return (
            ratings_for_public()
            .for_rating_form()
            .select_related("organisation")
            .order_by("action__plan__code", "action__section__order", "action__order", "pk")
        )
