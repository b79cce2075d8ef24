"""Staff forms for the plan register.

The forms validate and hold the user's input; the views hand ``cleaned_data`` to the
functions in ``plans.actions``, which do the writing. Translated texts (``title_en``,
``title_ru``, ``title_kk``) are shown as one fieldset per text with a field per language.
Forms that edit an existing row carry its ``version`` in a hidden field for optimistic locking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField, BoundWidget
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from rightsmonitor.core.translation import LANGUAGE_LABELS, language_codes
from rightsmonitor.plans.agency_list import (
    AgencyListError,
    AgencyMention,
    AgencyResolver,
    parse_agency_list,
)
from rightsmonitor.plans.models import (
    Action,
    Agency,
    Amendment,
    Instrument,
    Plan,
    Section,
    Theme,
    validate_country,
)

DEADLINE_HELP = _(
    "Write the deadline as the plan does. Understood forms include a year (“2023”, “end of "
    "2023”), years (“2024–2026”), a half year (“first half of 2023”), a quarter (“Q4 2022”, "
    "“IV quarter 2022”), a month (“December 2022”, “12.2022”), a date (“25 January 2022”, "
    "“25.01.2022”, “2022-01-25”), a recurrence (“annually, by 25 January”, “quarterly”, "
    "“monthly”, “ongoing”) and the same in Russian and Kazakh. Anything else is kept as "
    "written and flagged for a coordinator to set the due date."
)
AGENCIES_HELP = _(
    "As the plan table writes them: the lead agency first, then the co-executors, separated "
    "by commas; mark bodies that take part by agreement with “(as agreed)”. Example: "
    "“MIA, GPO (as agreed), MLSP”. Use abbreviations or names of existing agencies."
)


@dataclass
class FieldGroup:
    """One item of a form layout: a single field, or a fieldset of related fields."""

    fields: list[BoundField]
    legend: str = ""


class _TranslatedFormMixin:
    """Label ``<name>_<lang>`` fields by language and lay them out as one fieldset each.

    ``translated`` maps a base name to its legend; ``layout_order`` lists base names and plain
    field names in display order.
    """

    translated: dict[str, Any] = {}
    layout_order: Sequence[str] = ()
    fields: dict[str, forms.Field]

    def _label_translations(self) -> None:
        for name in self.translated:
            for code in language_codes():
                form_field = self.fields.get(f"{name}_{code}")
                if form_field is not None:
                    form_field.label = LANGUAGE_LABELS.get(code, code)
                    form_field.widget.attrs["lang"] = code
                    if isinstance(form_field.widget, forms.Textarea):
                        form_field.widget.attrs["rows"] = 4

    def layout(self) -> list[FieldGroup]:
        groups: list[FieldGroup] = []
        for name in self.layout_order:
            if name in self.translated:
                bound = [self[f"{name}_{code}"] for code in language_codes()]  # type: ignore[index]
                groups.append(FieldGroup(fields=bound, legend=str(capfirst(self.translated[name]))))
            elif name in self.fields:
                groups.append(FieldGroup(fields=[self[name]]))  # type: ignore[index]
        return groups

    @staticmethod
    def _require_one(cleaned: dict[str, Any], name: str, message: Any) -> None:
        if not any((cleaned.get(field_name) or "").strip() for field_name in _names(name)):
            raise ValidationError(message, code="required_translation")


def _names(name: str) -> list[str]:
    return [f"{name}_{code}" for code in language_codes()]


def _version_field() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# Plans ---------------------------------------------------------------------------------------


class PlanForm(_TranslatedFormMixin, forms.ModelForm):
    """Create a plan (with its code) or edit one (code fixed, version carried)."""

    instance: Plan
    version = _version_field()

    translated = {"title": _("title"), "description": _("description")}
    layout_order = (
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
    )

    class Meta:
        model = Plan
        fields = [
            "code",
            *_names("title"),
            *_names("description"),
            "country",
            "adopting_instrument",
            "parent_instrument",
            "period_start",
            "period_end",
            "status",
            "coordinator",
            "superseded_by",
        ]
        widgets = {"period_start": _date_input(), "period_end": _date_input()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._label_translations()
        superseded_by = self.fields["superseded_by"]
        assert isinstance(superseded_by, forms.ModelChoiceField)
        if self.instance.pk:
            del self.fields["code"]
            self.fields["version"].initial = self.instance.version
            superseded_by.queryset = Plan.objects.exclude(pk=self.instance.pk)
        else:
            del self.fields["version"]

    @property
    def changed_fields(self) -> dict[str, Any]:
        """The model fields to hand to ``update_plan``."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}

    def clean_country(self) -> str:
        return str(self.cleaned_data.get("country") or "").strip().upper()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._require_one(cleaned, "title", _("Give the plan a title in at least one language."))
        return cleaned


# Sections ------------------------------------------------------------------------------------


class _NumberInPlanMixin:
    """Numbers are unique within a plan: say so next to the field rather than failing later."""

    plan: Plan
    instance: Any
    cleaned_data: dict[str, Any]
    duplicate_message: Any = ""

    def clean_number(self) -> str:
        number = str(self.cleaned_data.get("number") or "").strip()
        model = type(self.instance)
        siblings = model._default_manager.filter(plan=self.plan, number=number)
        if self.instance.pk:
            siblings = siblings.exclude(pk=self.instance.pk)
        if number and siblings.exists():
            raise ValidationError(
                self.duplicate_message, code="duplicate", params={"number": number}
            )
        return number


class SectionForm(_NumberInPlanMixin, _TranslatedFormMixin, forms.ModelForm):
    instance: Section
    version = _version_field()

    translated = {"title": _("title")}
    layout_order = ("number", "title")
    duplicate_message = _("This plan already has a section numbered %(number)s.")

    class Meta:
        model = Section
        fields = ["number", *_names("title")]

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        self.plan = plan
        super().__init__(*args, **kwargs)
        self._label_translations()
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]

    @property
    def changed_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._require_one(cleaned, "title", _("Give the section a title in at least one language."))
        return cleaned


# Actions -------------------------------------------------------------------------------------


@dataclass
class ThemeGroup:
    legend: str
    choices: list[BoundWidget]


class ActionForm(_NumberInPlanMixin, _TranslatedFormMixin, forms.ModelForm):
    """An action with its deadline as written and its agencies as one plan-table cell."""

    instance: Action

    deadline = forms.CharField(
        label=_("Deadline"), max_length=255, required=False, help_text=DEADLINE_HELP
    )
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=_date_input(),
        help_text=_(
            "Only used when the deadline text cannot be read: the date by which the action is due."
        ),
    )
    agencies = forms.CharField(
        label=_("Responsible agencies"), max_length=1000, required=False, help_text=AGENCIES_HELP
    )
    version = _version_field()

    translated = {
        "title": _("title"),
        "description": _("description"),
        "expected_result": _("expected result"),
    }
    layout_order = (
        "section",
        "number",
        "title",
        "description",
        "expected_result",
        "form_of_completion",
        "deadline",
        "due_date",
        "agencies",
    )
    duplicate_message = _("This plan already has an action numbered %(number)s.")

    class Meta:
        model = Action
        fields = [
            "section",
            "number",
            *_names("title"),
            *_names("description"),
            *_names("expected_result"),
            "form_of_completion",
            "themes",
        ]
        widgets = {"themes": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        self.plan = plan
        super().__init__(*args, **kwargs)
        self._label_translations()
        self.resolver: AgencyResolver | None = None
        section = self.fields["section"]
        assert isinstance(section, forms.ModelChoiceField)
        section.queryset = plan.sections.all()
        section.empty_label = None
        themes = self.fields["themes"]
        assert isinstance(themes, forms.ModelMultipleChoiceField)
        themes.queryset = Theme.objects.order_by("kind", "key")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["deadline"].initial = self.instance.deadline_text
            self.fields["agencies"].initial = self.instance.agencies_text
            if self.instance.deadline_needs_review:
                self.fields["due_date"].initial = self.instance.due_date
        else:
            del self.fields["version"]

    @property
    def changed_fields(self) -> dict[str, Any]:
        """Plain model fields for ``create_action``/``update_action`` (themes go separately)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "themes"}

    def theme_groups(self) -> list[ThemeGroup]:
        """Theme checkboxes grouped under their top-level theme."""
        by_pk: dict[str, BoundWidget] = {}
        parents: dict[str, str | None] = {}
        for widget in self["themes"].subwidgets:
            theme = widget.data["value"].instance
            by_pk[str(theme.pk)] = widget
            parents[str(theme.pk)] = str(theme.parent_id) if theme.parent_id else None
        groups: dict[str, ThemeGroup] = {}
        for pk, widget in by_pk.items():
            top = parents[pk] if parents[pk] in by_pk else None
            key = top or pk
            if key not in groups:
                groups[key] = ThemeGroup(legend=str(by_pk[key].choice_label), choices=[])
            if top is None:
                groups[key].choices.insert(0, widget)
            else:
                groups[key].choices.append(widget)
        return sorted(groups.values(), key=lambda group: group.legend.casefold())

    def clean_agencies(self) -> list[AgencyMention]:
        text = self.cleaned_data.get("agencies") or ""
        try:
            mentions = parse_agency_list(text)
        except AgencyListError as exc:
            raise ValidationError(str(exc), code="unreadable") from exc
        self.resolver = AgencyResolver(create_missing=False)
        errors: list[ValidationError] = []
        seen: dict[int, str] = {}
        for mention in mentions:
            try:
                agency = self.resolver.resolve(mention.abbreviation)
            except AgencyListError as exc:
                errors.append(ValidationError(str(exc), code="unknown_agency"))
                continue
            if agency.pk in seen:
                errors.append(
                    ValidationError(
                        _("“%(first)s” and “%(second)s” are the same agency."),
                        code="duplicate_agency",
                        params={"first": seen[agency.pk], "second": mention.abbreviation},
                    )
                )
            seen[agency.pk] = mention.abbreviation
        if errors:
            raise ValidationError(errors)
        return mentions

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._require_one(cleaned, "title", _("Give the action a title in at least one language."))
        return cleaned


class MoveForm(forms.Form):
    """Move a section or an action one place up (-1) or down (+1)."""

    offset = forms.TypedChoiceField(choices=[("-1", "-1"), ("1", "1")], coerce=int)


# Registry: agencies, instruments, amendments --------------------------------------------------


class AgencyForm(_TranslatedFormMixin, forms.ModelForm):
    instance: Agency

    translated = {"name": _("name")}
    layout_order = ("abbreviation", "abbreviation_ru", "abbreviation_kk", "name", "kind", "parent")

    class Meta:
        model = Agency
        fields = [
            "abbreviation",
            "abbreviation_ru",
            "abbreviation_kk",
            *_names("name"),
            "kind",
            "parent",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._label_translations()
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        if self.instance.pk:
            # An agency cannot sit under itself or under one of its own children.
            parent.queryset = Agency.objects.exclude(pk=self.instance.pk).exclude(
                parent=self.instance
            )

    def clean_abbreviation(self) -> str:
        return " ".join(str(self.cleaned_data.get("abbreviation") or "").split())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._require_one(cleaned, "name", _("Give the agency a name in at least one language."))
        return cleaned


class InstrumentForm(_TranslatedFormMixin, forms.ModelForm):
    instance: Instrument

    url = forms.URLField(
        label=_("official URL"), max_length=500, required=False, assume_scheme="https"
    )

    translated = {"title": _("title")}
    layout_order = ("kind", "number", "date", "issuing_authority", "country", "title", "url")

    class Meta:
        model = Instrument
        fields = ["kind", "number", "date", "issuing_authority", "country", *_names("title"), "url"]
        widgets = {"date": _date_input()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._label_translations()

    def clean_country(self) -> str:
        return str(self.cleaned_data.get("country") or "").strip().upper()


class AmendmentForm(_TranslatedFormMixin, forms.ModelForm):
    instance: Amendment

    translated = {"summary": _("summary")}
    layout_order = ("instrument", "date", "summary")

    class Meta:
        model = Amendment
        fields = ["instrument", "date", *_names("summary")]
        widgets = {"date": _date_input()}

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._label_translations()
        instrument = self.fields["instrument"]
        assert isinstance(instrument, forms.ModelChoiceField)
        instrument.queryset = Instrument.objects.filter(country=plan.country)


# Plan tables -----------------------------------------------------------------------------------

PLAN_TABLE_EXTENSIONS = (".xlsx", ".csv", ".txt", ".tsv", ".docx", ".html", ".htm")


class PlanTableUploadForm(forms.Form):
    """Upload a plan table (XLSX, CSV, DOCX or HTML) into an existing plan."""

    file = forms.FileField(
        label=_("Plan table"),
        help_text=_(
            "An XLSX, CSV, Word (.docx) or HTML file laid out as plans are published: No. | "
            "Action | Form of completion | Deadline | Responsible agencies, with section rows "
            "between the actions. Headers may be in English, Russian or Kazakh. In a decree's "
            "annex the table with this header is found among the others."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(PLAN_TABLE_EXTENSIONS)}),
    )
    language = forms.ChoiceField(
        label=_("Language of the texts in the file"),
        choices=[(code, LANGUAGE_LABELS[code]) for code in ("en", "ru", "kk")],
        initial="en",
    )
    sheet = forms.CharField(
        label=_("Worksheet"),
        required=False,
        max_length=100,
        help_text=_("For a workbook with several sheets; the first sheet is read by default."),
    )
    create_agencies = forms.BooleanField(
        label=_("Create agencies the register does not know yet"), required=False
    )
    replace = forms.BooleanField(
        label=_("Replace the plan's sections and actions with the file's"),
        required=False,
        help_text=_(
            "Actions are matched by number: changed ones are updated, missing ones deleted. "
            "Texts in other languages are kept."
        ),
    )
    dry_run = forms.BooleanField(label=_("Only check the file; save nothing"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(PLAN_TABLE_EXTENSIONS):
            raise ValidationError(
                _("Upload an XLSX or CSV file, a Word document or an HTML page (%(extensions)s)."),
                code="extension",
                params={"extensions": ", ".join(PLAN_TABLE_EXTENSIONS)},
            )
        if upload.size > settings.PLAN_IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(size)s."),
                code="too_large",
                params={"size": filesizeformat(settings.PLAN_IMPORT_MAX_BYTES)},
            )
        return upload


class NewPlanFromTableForm(PlanTableUploadForm):
    """Create a draft plan and fill it from a table in one step."""

    code = forms.SlugField(
        label=_("Code"),
        max_length=64,
        help_text=_("Short identifier used in addresses and commands, e.g. kz-hr-2022."),
    )
    title = forms.CharField(label=_("Title"), max_length=500)
    country = forms.CharField(
        label=_("Country"), max_length=3, help_text=_("ISO 3166-1 alpha-3 code, e.g. KAZ.")
    )

    field_order = [
        "code",
        "title",
        "country",
        "file",
        "language",
        "sheet",
        "create_agencies",
        "dry_run",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["replace"]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if Plan.objects.filter(code=code).exists():
            raise ValidationError(_("A plan with this code already exists."), code="duplicate")
        return str(code)

    def clean_country(self) -> str:
        country = str(self.cleaned_data["country"]).strip().upper()
        validate_country(country)
        return country


class PlanTableExportForm(forms.Form):
    format = forms.ChoiceField(choices=[("xlsx", "XLSX"), ("csv", "CSV")], initial="xlsx")
    language = forms.ChoiceField(
        choices=[(code, LANGUAGE_LABELS[code]) for code in ("en", "ru", "kk")],
        initial="en",
        required=False,
    )
    # For reading: a text missing in the language is taken from another, as the site shows it.
    # Without it the table holds that language only, to be imported back without mixing them.
    fallback = forms.BooleanField(required=False)
