"""The site-wide search's documents: one row per public action, accepted report,
recommendation, public indicator and published assessment (``portal.search`` keeps them).

A document copies what the search page filters on (plan, section, agencies, status, themes,
affected persons, mechanism, year) and what it shows (a title and a summary per language), so
that a result page reads one table whatever the kinds. Its analysed text is in the full-text
side table ``portal_search_fulltext`` (``core.fulltext``), keyed by the document's id. Only
content that anonymous visitors may see is copied here, so a result never shows a draft.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rightsmonitor.core.translation import TranslatedField
from rightsmonitor.plans.models import Agency, Plan, Section, Theme


class SearchDocument(models.Model):
    class Kind(models.TextChoices):
        ACTION = "action", _("Plan action")
        REPORT = "report", _("Progress report")
        RECOMMENDATION = "recommendation", _("Recommendation")
        INDICATOR = "indicator", _("Indicator")
        ASSESSMENT = "assessment", _("Assessment")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    # SET_NULL, not CASCADE: the refresh must still find the document to drop its index row.
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    section = models.ForeignKey(
        Section, verbose_name=_("section"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    agencies = models.ManyToManyField(Agency, verbose_name=_("agencies"), related_name="+")
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), related_name="+")
    affected_persons = models.ManyToManyField(
        Theme, verbose_name=_("affected persons"), related_name="+"
    )
    status = models.CharField(_("status"), max_length=24, blank=True)
    mechanism = models.CharField(_("mechanism"), max_length=24, blank=True)
    date = models.DateField(_("date"), null=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True)
    label = models.CharField(_("reference"), max_length=255, blank=True)
    title_en = models.TextField(_("title (English)"), blank=True)
    title_ru = models.TextField(_("title (Russian)"), blank=True)
    title_kk = models.TextField(_("title (Kazakh)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_ru = models.TextField(_("summary (Russian)"), blank=True)
    summary_kk = models.TextField(_("summary (Kazakh)"), blank=True)
    # Reversed when shown, so that the link carries the reader's language prefix.
    route = models.CharField(max_length=64)
    route_args = models.JSONField(default=list)
    anchor = models.CharField(max_length=64, blank=True)
    stamp = models.CharField(max_length=40, help_text="Hash of everything copied: unchanged skips.")
    indexed_at = models.DateTimeField(auto_now=True)

    title = TranslatedField("title")
    summary = TranslatedField("summary")

    class Meta:
        ordering = ["kind", "object_id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="unique_search_document")
        ]
        indexes = [
            models.Index(fields=["year"]),
            models.Index(fields=["status"]),
            models.Index(fields=["mechanism"]),
        ]
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.label}"

    def get_absolute_url(self) -> str:
        url = reverse(self.route, args=self.route_args)
        return f"{url}#{self.anchor}" if self.anchor else url
