"""Recommendations of the UN human rights mechanisms (and regional and national bodies), their
links to plan actions, suggested links, and the record of every import run.

A recommendation comes from a source (the UHRI, UPR Info, a generic file, or typed in) with the
source's own id, which is the key for re-imports. Themes and affected persons share the plan's
taxonomy (``plans.Theme``: rights and affected groups), so that recommendations and actions can
be compared theme by theme. Imported recommendations have no history rows of their own (an
import run is their audit record); the links to actions, which are the coordinator's decisions,
do (docs/decisions/0007).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from rightsmonitor.core.locking import VersionedModel
from rightsmonitor.core.translation import TranslatedField
from rightsmonitor.plans.models import Action, Theme


class Mechanism(models.TextChoices):
    UPR = "upr", _("Universal Periodic Review")
    TREATY_BODY = "treaty_body", _("Treaty body")
    SPECIAL_PROCEDURE = "special_procedure", _("Special procedure")
    REGIONAL = "regional", _("Regional body")
    NATIONAL = "national", _("National body")
    OTHER = "other", _("Other")


class Position(models.TextChoices):
    """The State's response to a UPR recommendation."""

    SUPPORTED = "supported", _("Supported")
    SUPPORTED_IN_PART = "supported_in_part", _("Supported in part")
    NOTED = "noted", _("Noted")
    NO_RESPONSE = "no_response", _("No response")


class Source(models.TextChoices):
    UHRI = "uhri", _("Universal Human Rights Index")
    UPR_INFO = "uprinfo", _("UPR Info")
    FILE = "file", _("Other file")
    MANUAL = "manual", _("Entered by hand")
    DEMO = "demo", _("Demonstration data")


class ActionCategory(models.IntegerChoices):
    """UPR Info's scale of how specific the action asked for is."""

    MINIMAL = 1, _("1 - Minimal action")
    CONTINUING = 2, _("2 - Continuing action")
    CONSIDERING = 3, _("3 - Considering action")
    GENERAL = 4, _("4 - General action")
    SPECIFIC = 5, _("5 - Specific action")


class Body(models.Model):
    """A recommending body: the UPR, a treaty body, a special procedure mandate, OSCE/ODIHR..."""

    code = models.CharField(_("code"), max_length=128, unique=True)
    mechanism = models.CharField(
        _("mechanism"), max_length=24, choices=Mechanism.choices, default=Mechanism.OTHER
    )
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=255, blank=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255, blank=True)

    name = TranslatedField("name")

    class Meta:
        ordering = ["mechanism", "code"]
        verbose_name = _("recommending body")
        verbose_name_plural = _("recommending bodies")

    def __str__(self) -> str:
        return str(self.name or self.code)


class SdgTarget(models.Model):
    code = models.CharField(_("code"), max_length=16, unique=True, help_text=_("E.g. 16.3."))
    title = models.TextField(_("title"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("SDG target")
        verbose_name_plural = _("SDG targets")

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


class RecommendationQuerySet(models.QuerySet["Recommendation"]):
    def with_related(self) -> RecommendationQuerySet:
        return self.select_related("body").prefetch_related(
            "themes", "affected_persons", "sdg_targets", "countries"
        )

    def for_results(self) -> RecommendationQuerySet:
        """What a search result shows: its body and themes (``with_related`` brings more)."""
        return self.prefetch_related("body", "themes")


class Recommendation(VersionedModel):
    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="recommendations"
    )
    text = models.TextField(_("text"))
    annotation_type = models.CharField(
        _("type"),
        max_length=64,
        blank=True,
        help_text=_("As the source classes it: a recommendation, or a concern or observation."),
    )
    language = models.CharField(_("language of the text"), max_length=8, blank=True)
    paragraph = models.CharField(_("paragraph"), max_length=32, blank=True)
    symbol = models.CharField(_("document symbol"), max_length=128, blank=True, db_index=True)
    session = models.CharField(_("session"), max_length=128, blank=True)
    cycle = models.CharField(_("UPR cycle"), max_length=32, blank=True)
    document_date = models.DateField(_("date of the document"), null=True, blank=True)
    recommending_states = models.JSONField(
        _("recommending states"), default=list, blank=True, help_text=_("UPR only.")
    )
    position = models.CharField(
        _("position"), max_length=24, choices=Position.choices, default=Position.NO_RESPONSE
    )
    action_category = models.PositiveSmallIntegerField(
        _("action category"), choices=ActionCategory.choices, null=True, blank=True
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="recommendations"
    )
    affected_persons = models.ManyToManyField(
        Theme,
        verbose_name=_("affected persons"),
        blank=True,
        related_name="recommendations_about",
    )
    sdg_targets = models.ManyToManyField(
        SdgTarget, verbose_name=_("SDG targets"), blank=True, related_name="recommendations"
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    source_id = models.CharField(_("id at the source"), max_length=128, blank=True)
    text_key = models.CharField(
        max_length=40, db_index=True, help_text="SHA-1 of the normalised text, for matching."
    )
    content_hash = models.CharField(
        max_length=40, help_text="SHA-1 of every imported field: unchanged rows are skipped."
    )
    import_run = models.ForeignKey(
        "ImportRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recommendations",
        help_text="The last import that created or changed it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["-document_date", "symbol", "paragraph", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~models.Q(source_id=""),
                name="unique_recommendation_source_id",
            )
        ]
        indexes = [
            models.Index(fields=["position"]),
            models.Index(fields=["document_date"]),
            models.Index(fields=["symbol", "text_key"]),
            # The search's facets of the recommendation's own columns are grouped in one pass
            # over this index rather than over the rows, whose texts make them long
            # (queries.facets); the ids of a page of results filtered by these columns are
            # sorted from it too (views.search).
            models.Index(
                fields=[
                    "body",
                    "position",
                    "annotation_type",
                    "document_date",
                    "symbol",
                    "paragraph",
                    "id",
                ],
                name="recommendation_facets",
            ),
        ]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self) -> str:
        reference = " ".join(part for part in (self.symbol, self.paragraph) if part)
        return f"{reference}: {self.text[:80]}" if reference else self.text[:80]

    def get_absolute_url(self) -> str:
        return reverse("recommendations:detail", args=[self.pk])


class RecommendationCountry(models.Model):
    """A country the recommendation concerns (ISO 3166-1 alpha-3, or the name as written)."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="countries"
    )
    country = models.CharField(_("country"), max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["country", "recommendation"], name="unique_recommendation_country"
            )
        ]
        verbose_name = _("country concerned")
        verbose_name_plural = _("countries concerned")

    def __str__(self) -> str:
        return self.country


class RecommendationLink(models.Model):
    """The coordinator's statement that an action answers a recommendation."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="links"
    )
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="recommendation_links"
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["action__plan", "action__section__order", "action__order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "action"], name="unique_recommendation_link"
            )
        ]
        verbose_name = _("link to an action")
        verbose_name_plural = _("links to actions")

    def __str__(self) -> str:
        return f"{self.recommendation_id} → {self.action_id}"


class SuggestionDecision(models.Model):
    """A coordinator's answer to a suggested link, so that it is not suggested again."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", pgettext_lazy("suggestion", "Accepted")
        REJECTED = "rejected", pgettext_lazy("suggestion", "Rejected")

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="suggestion_decisions"
    )
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    method = models.CharField(_("method"), max_length=32, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "action"], name="unique_suggestion_decision"
            )
        ]
        verbose_name = _("suggestion decision")
        verbose_name_plural = _("suggestion decisions")

    def __str__(self) -> str:
        return f"{self.recommendation_id} → {self.action_id}: {self.decision}"


class ImportRun(models.Model):
    """One import of a recommendations file: who, what, how it went, and what was rejected."""

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("import", "Queued")
        RUNNING = "running", pgettext_lazy("import", "Running")
        DONE = "done", pgettext_lazy("import", "Done")
        FAILED = "failed", pgettext_lazy("import", "Failed")

    format = models.CharField(_("format"), max_length=16)
    filename = models.CharField(_("file name"), max_length=255)
    file = models.FileField(upload_to="recommendation-imports/%Y/%m/", blank=True)
    options = models.JSONField(default=dict, blank=True, help_text="Column mapping and options.")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    errors = models.TextField(_("problems"), blank=True)
    rejected_rows = models.FileField(upload_to="recommendation-imports/rejected/", blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("recommendations import")
        verbose_name_plural = _("recommendations imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.format}, {self.status})"

    def get_absolute_url(self) -> str:
        return reverse("recommendations:import_run", args=[self.pk])
