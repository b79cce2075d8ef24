"""The plan register: legal instruments, plans, sections, actions and agencies.

Everything else in Rights Monitor hangs off these tables, so this app depends on no other
app of ours. Texts that a plan publishes are translatable (one column per language, see
``core.translation``); every change is kept by django-simple-history.
"""

from __future__ import annotations

import functools
import gettext as gettext_module
from datetime import date

import pycountry
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from rightsmonitor.core.locking import VersionedModel
from rightsmonitor.core.translation import TranslatedField, active_language, translation_of
from rightsmonitor.plans.deadlines import Recurrence


def validate_country(code: str) -> None:
    if pycountry.countries.get(alpha_3=code) is None:
        raise ValidationError(
            _("%(code)s is not an ISO 3166-1 alpha-3 country code."), params={"code": code}
        )


@functools.cache
def _country_names(language: str) -> gettext_module.NullTranslations:
    return gettext_module.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def country_name(code: str) -> str:
    """The country's name in the active language (pycountry ships the ISO translations)."""
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return _country_names(get_language() or "en").gettext(country.name)


class Instrument(models.Model):
    """A legal act: the decree that orders a plan, the one that adopts it, an amendment."""

    class Kind(models.TextChoices):
        LAW = "law", _("Law")
        PRESIDENTIAL_DECREE = "presidential_decree", _("Presidential decree")
        GOVERNMENT_DECREE = "government_decree", _("Government decree")
        ORDER = "order", _("Order")
        RESOLUTION = "resolution", _("Resolution")

    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=64)
    date = models.DateField(_("date"))
    issuing_authority = models.CharField(_("issuing authority"), max_length=255)
    country = models.CharField(_("country"), max_length=3, validators=[validate_country])
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=500, blank=True)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=500, blank=True)
    url = models.URLField(_("official URL"), max_length=500, blank=True)

    title = TranslatedField("title")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "kind", "number", "date"], name="unique_instrument"
            )
        ]
        verbose_name = _("legal instrument")
        verbose_name_plural = _("legal instruments")

    def __str__(self) -> str:
        return str(_("%(kind)s No. %(number)s of %(date)s")) % {
            "kind": self.get_kind_display(),
            "number": self.number,
            "date": formats.date_format(self.date),
        }


class AgencyQuerySet(models.QuerySet["Agency"]):
    def by_abbreviation(self) -> dict[str, Agency]:
        return {agency.abbreviation.casefold(): agency for agency in self}

    def with_parent(self) -> AgencyQuerySet:
        """Each agency with its parent body, which lists of agencies show beside it."""
        return self.select_related("parent")


class Agency(models.Model):
    """A body that leads, co-executes or coordinates actions."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        AGENCY = "agency", _("Agency or committee")
        COURT = "court", _("Court")
        PROSECUTOR = "prosecutor", _("Prosecutor's office")
        PARLIAMENT = "parliament", _("Parliament")
        LOCAL_EXECUTIVE = "local_executive", _("Local executive body")
        NHRI = "nhri", _("National human rights institution")
        PRESIDENTIAL_ADMINISTRATION = (
            "presidential_administration",
            _("Presidential administration"),
        )
        GOVERNMENT_OFFICE = "government_office", _("Government office")
        OTHER = "other", _("Other")

    abbreviation = models.CharField(
        _("abbreviation"),
        max_length=32,
        unique=True,
        validators=[
            RegexValidator(r"^[^,()]+$", _("An abbreviation cannot contain commas or brackets."))
        ],
        help_text=_("As plans write it in the list of responsible agencies, e.g. MIA."),
    )
    # The English abbreviation above is the agency's key (addresses, API, files); these are
    # what Russian and Kazakh pages show and what plans in those languages write (МВД, ІІМ).
    abbreviation_ru = models.CharField(
        _("abbreviation (Russian)"),
        max_length=32,
        blank=True,
        validators=[
            RegexValidator(r"^[^,()]+$", _("An abbreviation cannot contain commas or brackets."))
        ],
        help_text=_("As Russian texts write it, e.g. МВД."),
    )
    abbreviation_kk = models.CharField(
        _("abbreviation (Kazakh)"),
        max_length=32,
        blank=True,
        validators=[
            RegexValidator(r"^[^,()]+$", _("An abbreviation cannot contain commas or brackets."))
        ],
        help_text=_("As Kazakh texts write it, e.g. ІІМ."),
    )
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=255, blank=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.MINISTRY)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    name = TranslatedField("name")
    history = HistoricalRecords()
    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["abbreviation"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return f"{self.short_name} ({self.name})" if self.name else self.short_name

    def get_absolute_url(self) -> str:
        return reverse("portal:agency", args=[self.abbreviation])

    @property
    def short_name(self) -> str:
        """The abbreviation in the reader's language (МВД on Russian pages), else the key."""
        return self.abbreviation_in(active_language())

    def abbreviation_in(self, language: str) -> str:
        return getattr(self, f"abbreviation_{language}", "") or self.abbreviation


class FormOfCompletion(models.Model):
    """Managed list: what an action must produce (a draft law, an order, a report, ...)."""

    key = models.SlugField(_("key"), max_length=64, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=255, blank=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    name = TranslatedField("name")

    class Meta:
        ordering = ["order", "key"]
        verbose_name = _("form of completion")
        verbose_name_plural = _("forms of completion")

    def __str__(self) -> str:
        return str(self.name or self.key)


class Theme(models.Model):
    """Two-level taxonomy: rights and affected groups, each with sub-themes."""

    class Kind(models.TextChoices):
        RIGHT = "right", _("Right")
        GROUP = "group", _("Affected group")

    key = models.SlugField(_("key"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=255, blank=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255, blank=True)

    name = TranslatedField("name")

    class Meta:
        ordering = ["kind", "parent_id", "key"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        text = translation_of(self, "name")
        if text.is_fallback and text.language == "en":
            # Themes imported from UN files carry the UN's English name only; the interface
            # catalogue translates those (recommendations/themes.py lists them).
            return gettext(text.text)
        return text.text or self.key

    def clean(self) -> None:
        if self.parent_id and self.parent and self.parent.parent_id:
            raise ValidationError(
                {"parent": _("Themes have two levels: a parent cannot have a parent.")}
            )


class PlanQuerySet(models.QuerySet["Plan"]):
    PUBLIC_STATUSES = ("in_force", "completed", "superseded")

    def public(self) -> PlanQuerySet:
        return self.filter(status__in=self.PUBLIC_STATUSES)

    def with_related(self) -> PlanQuerySet:
        return self.select_related(
            "adopting_instrument", "parent_instrument", "coordinator", "superseded_by"
        )

    def with_counts(self) -> PlanQuerySet:
        """Each plan's ``action_count`` and ``section_count``, each by a subquery of its own:
        both counted over one join multiply actions by sections (4 plans of 5,500 actions
        made 400,000 rows, sorted on disk, for the home page)."""
        return self.annotate(
            action_count=_count_per_plan(Action), section_count=_count_per_plan(Section)
        )


def _count_per_plan(model: type[models.Model]) -> Coalesce:
    rows = (
        model._default_manager.filter(plan=OuterRef("pk"))
        .order_by()
        .values("plan")
        # COUNT(*), not COUNT(id): the plan's index alone answers it (an index-only scan).
        .annotate(count=Count("*"))
        .values("count")
    )
    return Coalesce(Subquery(rows, output_field=models.IntegerField()), 0)


class Plan(VersionedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_FORCE = "in_force", _("In force")
        COMPLETED = "completed", _("Completed")
        SUPERSEDED = "superseded", _("Superseded")

    code = models.SlugField(
        _("code"),
        max_length=64,
        unique=True,
        help_text=_("Short identifier used in addresses and commands, e.g. kz-hr-2022."),
    )
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=500, blank=True)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=500, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    country = models.CharField(
        _("country"),
        max_length=3,
        validators=[validate_country],
        help_text=_("ISO 3166-1 alpha-3 code, e.g. KAZ."),
    )
    adopting_instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("adopted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adopted_plans",
    )
    parent_instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("ordered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ordered_plans",
        help_text=_("The higher act that ordered the plan, e.g. a presidential decree."),
    )
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    coordinator = models.ForeignKey(
        Agency,
        verbose_name=_("coordinator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coordinated_plans",
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    title = TranslatedField("title")
    description = TranslatedField("description")
    history = HistoricalRecords(excluded_fields=["updated"])
    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="plan_period_in_order",
            )
        ]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return str(self.title or self.code)

    def get_absolute_url(self) -> str:
        return reverse("portal:plan", args=[self.code])

    @property
    def is_public(self) -> bool:
        return self.status in PlanQuerySet.PUBLIC_STATUSES

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period cannot end before it starts.")})
        if self.superseded_by_id and self.superseded_by_id == self.pk:
            raise ValidationError({"superseded_by": _("A plan cannot supersede itself.")})


class Amendment(models.Model):
    """A later act that changed the plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="amendments")
    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("amending instrument"),
        on_delete=models.PROTECT,
        related_name="amendments",
    )
    date = models.DateField(_("date in force"))
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_ru = models.TextField(_("summary (Russian)"), blank=True)
    summary_kk = models.TextField(_("summary (Kazakh)"), blank=True)

    summary = TranslatedField("summary")
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")

    def __str__(self) -> str:
        return f"{self.instrument} ({self.date:%d.%m.%Y})"


class SectionQuerySet(models.QuerySet["Section"]):
    def with_actions(self, actions: QuerySet[Action] | None = None) -> SectionQuerySet:
        """Each section with its actions (``actions``; by default ``with_related`` in plan
        order): a plan page in a fixed number of queries."""
        if actions is None:
            actions = Action.objects.with_related().order_by("order", "pk")
        return self.prefetch_related(Prefetch("actions", queryset=actions))


class Section(VersionedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    number = models.CharField(_("number"), max_length=16)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=500, blank=True)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=500, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    title = TranslatedField("title")
    history = HistoricalRecords()
    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_section_number")
        ]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


def _assignments_in_order() -> Prefetch:
    return Prefetch(
        "assignments",
        queryset=ActionAgency.objects.select_related("agency").order_by("order", "pk"),
    )


class ActionQuerySet(models.QuerySet["Action"]):
    def with_related(self) -> ActionQuerySet:
        """Everything a plan page, an action page or an export shows, in a fixed query count."""
        return self.select_related("plan", "section", "form_of_completion").prefetch_related(
            _assignments_in_order(), "themes"
        )

    def for_action_page(self) -> ActionQuerySet:
        """``with_related`` and each theme's parent, under which the action's page names it."""
        return self.with_related().prefetch_related("themes__parent")

    def with_agencies(self) -> ActionQuerySet:
        """Plan, section and the responsible agencies in their order (lead first): what a
        progress report's page says of its action."""
        return self.select_related("plan", "section").prefetch_related(_assignments_in_order())

    def with_plan_and_section(self) -> ActionQuerySet:
        """Each action's plan and section in the same query: a list or heading naming them."""
        return self.select_related("plan", "section")

    def needing_deadline_review(self) -> ActionQuerySet:
        return self.filter(deadline_needs_review=True)

    def due_by(self, day: date) -> ActionQuerySet:
        return self.filter(due_date__lte=day)


class Action(VersionedModel):
    """A measure of the plan: what must be done, in what form, by when and by whom."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="actions")
    number = models.CharField(_("number"), max_length=16, help_text=_("Within the plan, e.g. 4.7."))
    order = models.PositiveIntegerField(_("order"), default=0)
    title_en = models.TextField(_("title (English)"), blank=True)
    title_ru = models.TextField(_("title (Russian)"), blank=True)
    title_kk = models.TextField(_("title (Kazakh)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    expected_result_en = models.TextField(_("expected result (English)"), blank=True)
    expected_result_ru = models.TextField(_("expected result (Russian)"), blank=True)
    expected_result_kk = models.TextField(_("expected result (Kazakh)"), blank=True)
    form_of_completion = models.ForeignKey(
        FormOfCompletion,
        verbose_name=_("form of completion"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
    )
    deadline_text = models.CharField(
        _("deadline as written"),
        max_length=255,
        blank=True,
        help_text=_('As the plan writes it: "December 2022", "annually, by 25 January", ...'),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    start_date = models.DateField(_("window start"), null=True, blank=True)
    recurrence = models.CharField(
        _("recurrence"),
        max_length=16,
        default=Recurrence.NONE,
        choices=[
            (Recurrence.NONE.value, _("None")),
            (Recurrence.ANNUAL.value, _("Annual")),
            (Recurrence.HALF_YEARLY.value, _("Half-yearly")),
            (Recurrence.QUARTERLY.value, _("Quarterly")),
            (Recurrence.MONTHLY.value, _("Monthly")),
            (Recurrence.CONTINUOUS.value, _("Continuous")),
        ],
    )
    recurrence_month = models.PositiveSmallIntegerField(null=True, blank=True)
    recurrence_day = models.PositiveSmallIntegerField(null=True, blank=True)
    deadline_needs_review = models.BooleanField(
        _("deadline needs review"),
        default=False,
        help_text=_("The deadline text could not be read; a coordinator must set the due date."),
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="actions"
    )

    title = TranslatedField("title")
    description = TranslatedField("description")
    expected_result = TranslatedField("expected_result")
    history = HistoricalRecords()
    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "section__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_action_number")
        ]
        indexes = [models.Index(fields=["due_date"])]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("portal:action", args=[self.plan.code, self.number])

    @property
    def lead(self) -> ActionAgency | None:
        return next((a for a in self.assignments.all() if a.role == ActionAgency.Role.LEAD), None)

    @property
    def co_executors(self) -> list[ActionAgency]:
        return [a for a in self.assignments.all() if a.role == ActionAgency.Role.CO_EXECUTOR]

    @property
    def agencies_text(self) -> str:
        """The responsible agencies as plans write them: "MIA, GPO (as agreed), MLSP"."""
        return ", ".join(str(assignment) for assignment in self.assignments.all())


class ActionAgencyQuerySet(models.QuerySet["ActionAgency"]):
    def with_action(self) -> ActionAgencyQuerySet:
        """The agency and the action with its plan and section: a work queue of assignments."""
        return self.select_related("agency", "action__plan", "action__section")


class ActionAgency(models.Model):
    """An agency's part in an action: the lead or a co-executor, possibly "as agreed"."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead agency")
        CO_EXECUTOR = "co_executor", _("Co-executor")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="assignments")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    as_agreed = models.BooleanField(
        _("as agreed"),
        default=False,
        help_text=_("A body outside the government that takes part by agreement."),
    )
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()
    objects = ActionAgencyQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["action", "agency"], name="unique_action_agency"),
            models.UniqueConstraint(
                fields=["action"], condition=Q(role="lead"), name="one_lead_per_action"
            ),
        ]
        verbose_name = _("responsible agency")
        verbose_name_plural = _("responsible agencies")

    def __str__(self) -> str:
        # Not translated: the marker is part of the plan-table exchange format.
        return (
            f"{self.agency.abbreviation} (as agreed)"
            if self.as_agreed
            else self.agency.abbreviation
        )
