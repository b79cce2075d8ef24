"""Human rights indicators after the OHCHR framework (HR/PUB/12/5): right → attribute →
indicator (structural, process or outcome), with disaggregated observations.

Dimensions and their values carry SDMX-style codes (``SEX`` = ``F``/``M``; ``REF_AREA`` =
``KZ-75``). An observation is one number for one indicator, period, area and breakdown; the
breakdown is a combination of values of other dimensions, stored both as rows (for filtering)
and as a canonical key (``AGE=Y15T24|SEX=F``; empty for the total), on which the database
enforces one observation per (indicator, period, area, breakdown). A dimension left out of the
breakdown means its total, ``_T``, as in SDMX.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from rightsmonitor.core.locking import VersionedModel
from rightsmonitor.core.translation import TranslatedField
from rightsmonitor.plans.models import Action, ActionQuerySet, Agency, Theme

TOTAL = "_T"
AREA = "REF_AREA"
code_validator = RegexValidator(
    r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$",
    _("Letters, digits, dot, hyphen and underscore only, as SDMX codes are."),
)


class Right(models.Model):
    key = models.SlugField(_("key"), max_length=64, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=255, blank=True)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=255, blank=True)
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("plan theme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicator_rights",
        help_text=_("The plan theme of this right, to link indicators with actions."),
    )
    ohchr_table = models.CharField(
        _("OHCHR table"),
        max_length=255,
        blank=True,
        help_text=_("The illustrative table of the OHCHR Guide (HR/PUB/12/5) it follows."),
    )
    order = models.PositiveIntegerField(default=0)

    title = TranslatedField("title")

    class Meta:
        ordering = ["order", "key"]
        verbose_name = _("right")
        verbose_name_plural = _("rights")

    def __str__(self) -> str:
        return str(self.title or self.key)


class Attribute(models.Model):
    right = models.ForeignKey(Right, on_delete=models.CASCADE, related_name="attributes")
    key = models.SlugField(_("key"), max_length=64)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=255, blank=True)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=255, blank=True)
    order = models.PositiveIntegerField(default=0)

    title = TranslatedField("title")

    class Meta:
        ordering = ["right__order", "order", "key"]
        constraints = [models.UniqueConstraint(fields=["right", "key"], name="unique_attribute")]
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")

    def __str__(self) -> str:
        return str(self.title or self.key)


class Dimension(models.Model):
    """A ground of disaggregation (``SEX``, ``AGE``, ``DISABILITY_STATUS``) or the area."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=255, blank=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255, blank=True)
    # The Open SDG column header, when it differs from the name ("Sex", "Age").
    column_name = models.CharField(_("column name in Open SDG files"), max_length=64, blank=True)
    order = models.PositiveIntegerField(default=0)

    name = TranslatedField("name")

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")

    def __str__(self) -> str:
        return self.code

    @property
    def is_area(self) -> bool:
        return self.code == AREA


class DimensionValue(models.Model):
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="values")
    code = models.CharField(_("code"), max_length=32, validators=[code_validator])
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=255, blank=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255, blank=True)
    # Other codes accepted on import: older ISO 3166-2 letter codes, "Female", "жен."...
    aliases = models.JSONField(_("other codes accepted on import"), default=list, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    name = TranslatedField("name")

    class Meta:
        ordering = ["dimension__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="unique_dimension_value"),
            models.CheckConstraint(condition=~Q(code=TOTAL), name="total_is_implicit"),
        ]
        verbose_name = _("dimension value")
        verbose_name_plural = _("dimension values")

    def __str__(self) -> str:
        return f"{self.dimension_id and self.dimension.code}={self.code}"


class SdgIndicator(models.Model):
    code = models.CharField(_("code"), max_length=16, unique=True)  # "16.3.2"
    title_en = models.CharField(_("title (English)"), max_length=500)

    class Meta:
        ordering = ["code"]
        verbose_name = _("SDG indicator")
        verbose_name_plural = _("SDG indicators")

    def __str__(self) -> str:
        return self.code

    @property
    def target(self) -> str:
        return ".".join(self.code.split(".")[:2])


class IndicatorQuerySet(models.QuerySet["Indicator"]):
    def published(self) -> IndicatorQuerySet:
        return self.filter(is_public=True)

    def with_headings(self) -> IndicatorQuerySet:
        """Each indicator's right (through its attribute) and agency, which pages name."""
        return self.select_related("attribute__right", "agency")

    def for_sheet(self, visible_actions: ActionQuerySet) -> IndicatorQuerySet:
        """What an indicator's sheet shows besides ``with_headings``: dimensions, SDG
        indicators and targets, and the actions among ``visible_actions`` that it measures,
        with their plans, in plan order."""
        actions = visible_actions.select_related("plan").order_by(
            "plan__code", "section__order", "order"
        )
        return self.prefetch_related(
            "dimensions", "sdg_indicators", "targets", models.Prefetch("actions", queryset=actions)
        )


class Indicator(VersionedModel):
    class Kind(models.TextChoices):
        STRUCTURAL = "structural", _("Structural")
        PROCESS = "process", _("Process")
        OUTCOME = "outcome", _("Outcome")

    class Periodicity(models.TextChoices):
        ANNUAL = "annual", _("Annual")
        QUARTERLY = "quarterly", _("Quarterly")
        MONTHLY = "monthly", _("Monthly")
        IRREGULAR = "irregular", _("Irregular")

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[code_validator],
        help_text=_("Used in files and addresses, e.g. TORT-P1; the SERIES code in SDMX."),
    )
    attribute = models.ForeignKey(Attribute, on_delete=models.PROTECT, related_name="indicators")
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=500, blank=True)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=500, blank=True)
    definition_en = models.TextField(_("definition (English)"), blank=True)
    definition_ru = models.TextField(_("definition (Russian)"), blank=True)
    definition_kk = models.TextField(_("definition (Kazakh)"), blank=True)
    rationale_en = models.TextField(_("rationale (English)"), blank=True)
    rationale_ru = models.TextField(_("rationale (Russian)"), blank=True)
    rationale_kk = models.TextField(_("rationale (Kazakh)"), blank=True)
    method_en = models.TextField(_("method of computation (English)"), blank=True)
    method_ru = models.TextField(_("method of computation (Russian)"), blank=True)
    method_kk = models.TextField(_("method of computation (Kazakh)"), blank=True)
    source_en = models.TextField(_("data source (English)"), blank=True)
    source_ru = models.TextField(_("data source (Russian)"), blank=True)
    source_kk = models.TextField(_("data source (Kazakh)"), blank=True)
    limitations_en = models.TextField(_("comments and limitations (English)"), blank=True)
    limitations_ru = models.TextField(_("comments and limitations (Russian)"), blank=True)
    limitations_kk = models.TextField(_("comments and limitations (Kazakh)"), blank=True)
    unit = models.CharField(
        _("unit"), max_length=64, help_text=_("SDMX-style unit code, e.g. PT (percent), NUMBER.")
    )
    unit_label_en = models.CharField(_("unit label (English)"), max_length=128, blank=True)
    unit_label_ru = models.CharField(_("unit label (Russian)"), max_length=128, blank=True)
    unit_label_kk = models.CharField(_("unit label (Kazakh)"), max_length=128, blank=True)
    decimals = models.PositiveSmallIntegerField(_("decimals shown"), default=1)
    periodicity = models.CharField(
        _("periodicity"), max_length=16, choices=Periodicity.choices, default=Periodicity.ANNUAL
    )
    dimensions = models.ManyToManyField(
        Dimension,
        verbose_name=_("disaggregation"),
        blank=True,
        related_name="indicators",
        help_text=_("The grounds its data may be broken down by (the area is always allowed)."),
    )
    higher_is_better = models.BooleanField(
        _("a higher value is better"),
        null=True,
        blank=True,
        help_text=_("For trends and progress towards the target; empty when neither is."),
    )
    ohchr_reference = models.CharField(
        _("OHCHR reference"),
        max_length=255,
        blank=True,
        help_text=_("The table and indicator of the OHCHR Guide it follows."),
    )
    sdg_indicators = models.ManyToManyField(
        SdgIndicator, verbose_name=_("SDG indicators"), blank=True, related_name="indicators"
    )
    actions = models.ManyToManyField(
        Action, verbose_name=_("plan actions"), blank=True, related_name="indicators"
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency supplying the data"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
    )
    is_public = models.BooleanField(_("public"), default=True)
    order = models.PositiveIntegerField(default=0)

    title = TranslatedField("title")
    definition = TranslatedField("definition")
    rationale = TranslatedField("rationale")
    method = TranslatedField("method")
    source = TranslatedField("source")
    limitations = TranslatedField("limitations")
    unit_label = TranslatedField("unit_label")
    history = HistoricalRecords(m2m_fields=[dimensions, sdg_indicators, actions])
    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["attribute__right__order", "attribute__order", "order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("indicators:detail", args=[self.code])


class PeriodType(models.TextChoices):
    YEAR = "year", _("Year")
    QUARTER = "quarter", _("Quarter")
    MONTH = "month", _("Month")
    RANGE = "range", _("Date range")


class ObservationState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("observation state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("observation state", "Submitted")
    VALIDATED = "validated", pgettext_lazy("observation state", "Validated")
    PUBLISHED = "published", pgettext_lazy("observation state", "Published")


class Observation(VersionedModel):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="observations")
    period_type = models.CharField(_("period type"), max_length=8, choices=PeriodType.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    area = models.ForeignKey(
        DimensionValue, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    # Canonical "DIM=CODE|DIM=CODE" sorted by dimension code; "" is the total.
    breakdown_key = models.CharField(_("breakdown"), max_length=255, blank=True, default="")
    breakdown = models.ManyToManyField(
        DimensionValue, verbose_name=_("breakdown values"), blank=True, related_name="observations"
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6)
    unit = models.CharField(_("unit"), max_length=64)
    source = models.CharField(_("source"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ObservationState.choices,
        default=ObservationState.DRAFT,
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["indicator", "period_start", "area", "breakdown_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start", "period_end", "area", "breakdown_key"],
                name="one_observation_per_cell",
                violation_error_message=_(
                    "This indicator already has a value for this period, area and breakdown."
                ),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="observation_period_order",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "state", "period_start"])]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")

    def __str__(self) -> str:
        return (
            f"{self.indicator_id} {self.period_start} {self.breakdown_key or TOTAL}: {self.value}"
        )


class TargetKind(models.TextChoices):
    BASELINE = "baseline", _("Baseline")
    TARGET = "target", _("Target")


class Target(models.Model):
    """A baseline or target of an indicator (for the total of the national area by default)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(_("kind"), max_length=8, choices=TargetKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["indicator", "kind", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "kind"], name="one_baseline_one_target")
        ]
        verbose_name = _("baseline or target")
        verbose_name_plural = _("baselines and targets")

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.kind} {self.year}: {self.value}"


def progress_towards_target(
    baseline: Decimal | None, target: Decimal | None, latest: Decimal | None
) -> float | None:
    """Share of the way from baseline to target (0 = at baseline, 1 = reached); None if unknown."""
    if baseline is None or target is None or latest is None or target == baseline:
        return None
    return float((latest - baseline) / (target - baseline))
