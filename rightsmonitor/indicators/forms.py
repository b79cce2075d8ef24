"""Forms of the indicator pages: the chart's choices, the data-entry grid, the upload, the queue.

Forms validate what the user sent and turn codes into objects; the functions in
``indicators.actions`` do the writing. Dimension and area codes are checked against the values
the view loaded for the indicator, so a forged code is a field error, never a 500.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from rightsmonitor.indicators.breakdowns import breakdown_key, parse_breakdown_key
from rightsmonitor.indicators.importers.observations import OBSERVATION_LIMITS
from rightsmonitor.indicators.models import AREA, DimensionValue, Indicator
from rightsmonitor.indicators.periods import Period, PeriodError, parse_period
from rightsmonitor.indicators.queries import LineChoice, by_code
from rightsmonitor.indicators.workflow import transition_named

ValuesByDimension = Mapping[str, Sequence[DimensionValue]]


def plain_number(value: Decimal) -> Decimal:
    """``31.500000`` → ``31.5`` and ``100.000000`` → ``100`` (``normalize`` would give 1E+2)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _value_label(value: DimensionValue) -> str:
    return str(value.name or value.code)


class PeriodField(forms.Field):
    """A period as ``parse_period`` reads it (2023, 2023-Q1, 2023-03...), cleaned to a Period."""

    widget = forms.TextInput(attrs={"maxlength": 32, "size": 12})

    def to_python(self, value: Any) -> Period | None:
        text = str(value or "").strip()[:32]
        if not text:
            return None
        try:
            return parse_period(text)
        except PeriodError as exc:
            raise ValidationError(str(exc), code="invalid_period") from exc

    def prepare_value(self, value: Any) -> Any:
        return value.label if isinstance(value, Period) else value


# The indicator page's chart ----------------------------------------------------------------------


class ChartForm(forms.Form):
    """Which lines the chart and table show (a GET form; every choice has a default).

    ``by``: one line per value of a dimension (with the total), one per area, or the total
    alone; ``area``: where; one field per dimension, named by its code (``SEX=F``, as in
    the API), fixes that dimension at one value (blank: its total).
    """

    by = forms.ChoiceField(label=_("One line per"), required=False)
    area = forms.ChoiceField(label=_("Area"), required=False)

    def __init__(
        self,
        data: Any,
        *,
        values: ValuesByDimension,
        dimensions: Sequence[Any],
        national: DimensionValue | None,
        may_see_unpublished: bool = False,
    ) -> None:
        super().__init__(data)
        self.values = values
        self.areas = list(values.get(AREA, []))
        self.national = national or (self.areas[0] if self.areas else None)
        self.dimensions = [d for d in dimensions if d.code != AREA]
        by_field, area_field = self.fields["by"], self.fields["area"]
        assert isinstance(by_field, forms.ChoiceField) and isinstance(area_field, forms.ChoiceField)
        by_field.choices = [
            ("", _("Nothing: the total only")),
            *((d.code, str(d.name or d.code)) for d in self.dimensions),
            (AREA, _("Area")),
        ]
        area_field.choices = [(a.code, _value_label(a)) for a in self.areas]
        area_field.initial = self.national.code if self.national else None
        area_field.help_text = _("Ignored when there is one line per area.")
        for dimension in self.dimensions:
            self.fields[dimension.code] = forms.ChoiceField(
                label=str(dimension.name or dimension.code),
                required=False,
                choices=[
                    ("", _("Total")),
                    *((v.code, _value_label(v)) for v in values.get(dimension.code, [])),
                ],
            )
        if may_see_unpublished:
            self.fields["unpublished"] = forms.BooleanField(
                label=_("Include values not published yet"), required=False
            )

    @property
    def fixed_fields(self) -> list[forms.BoundField]:
        return [self[dimension.code] for dimension in self.dimensions]

    def _cleaned(self) -> dict[str, Any]:
        """The valid choices; an invalid one falls back to its default (the form shows why)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return getattr(self, "cleaned_data", {})

    @property
    def include_unpublished(self) -> bool:
        return bool(self._cleaned().get("unpublished"))

    def choice(self) -> LineChoice | None:
        """The lines to draw; None when there is no area at all to draw them for."""
        data = self._cleaned()
        by_area = {area.code: area for area in self.areas}
        area = by_area.get(data.get("area") or "") or self.national
        if area is None:
            return None
        fixed = {d.code: data[d.code] for d in self.dimensions if data.get(d.code)}
        return LineChoice(area=area, by=data.get("by") or "", fixed=fixed)


# The data-entry grid -------------------------------------------------------------------------------


class EntryOptionsForm(forms.Form):
    """The grid's GET form: the period, the areas beside the national one, and combinations.

    A combination (``AGE=Y18T34|SEX=F``) adds a row per area; the selects named ``add_<code>``
    build a new one. Chosen combinations travel as hidden ``combination`` fields.
    """

    period = PeriodField(
        label=_("Period"),
        help_text=_("A year (2023), a quarter (2023-Q1) or a month (2023-03)."),
    )
    areas = forms.MultipleChoiceField(
        label=_("Add areas"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Areas with values for the period are always shown."),
    )
    # Any combination of known values: checked in clean_combination, not against choices.
    combination = forms.Field(required=False, widget=forms.MultipleHiddenInput)

    def __init__(
        self,
        data: Any,
        *,
        values: ValuesByDimension,
        national: DimensionValue | None,
    ) -> None:
        super().__init__(data)
        self.values = values
        self.national = national
        self.by_code = by_code(values)
        areas_field = self.fields["areas"]
        assert isinstance(areas_field, forms.MultipleChoiceField)
        areas_field.choices = [
            (a.code, _value_label(a)) for a in values.get(AREA, []) if a != national
        ]
        self.dimension_codes = [dim for dim in values if dim != AREA]
        for dim in self.dimension_codes:
            self.fields[f"add_{dim}"] = forms.ChoiceField(
                label=str(values[dim][0].dimension.name or dim) if values[dim] else dim,
                required=False,
                choices=[("", _("Total")), *((v.code, _value_label(v)) for v in values[dim])],
            )

    @property
    def add_fields(self) -> list[forms.BoundField]:
        return [self[f"add_{dim}"] for dim in self.dimension_codes]

    def clean_combination(self) -> list[str]:
        # Sent back as the page wrote them: a key naming an unknown value is dropped, not shown.
        keys = self.cleaned_data.get("combination") or []
        return [str(key) for key in keys if self._known(str(key))]

    def _known(self, key: str) -> bool:
        try:
            parts = parse_breakdown_key(key)
        except ValueError:
            return False
        return bool(parts) and all(
            dim in self.dimension_codes and (dim, code) in self.by_code
            for dim, code in parts.items()
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        added = {dim: data.get(f"add_{dim}") for dim in self.dimension_codes}
        key = breakdown_key({dim: code for dim, code in added.items() if code})
        combinations = list(data.get("combination") or [])
        if key and key not in combinations:
            combinations.append(key)
        data["combination"] = combinations
        return data

    def chosen_areas(self) -> list[DimensionValue]:
        codes = set(self.cleaned_data.get("areas") or [])
        chosen = [a for a in self.values.get(AREA, []) if a.code in codes]
        return [self.national, *chosen] if self.national else chosen


class CellForm(forms.Form):
    """One row of the grid: the cell it is (hidden) and its value (blank: leave it alone)."""

    area = forms.CharField(widget=forms.HiddenInput, max_length=32)
    key = forms.CharField(widget=forms.HiddenInput, max_length=255, required=False)
    value = forms.DecimalField(
        label=_("Value"),
        required=False,
        max_digits=20,
        decimal_places=6,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10, "autocomplete": "off"}),
    )

    def __init__(
        self, *args: Any, by_code: Mapping[tuple[str, str], DimensionValue], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.by_code = by_code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        area = self.by_code.get((AREA, data.get("area") or ""))
        try:
            parts = parse_breakdown_key(data.get("key") or "")
        except ValueError:
            parts = {"": ""}
        breakdown = [self.by_code.get((dim, code)) for dim, code in sorted(parts.items())]
        if area is None or None in breakdown or AREA in parts:
            raise ValidationError(
                _("This row names an area or breakdown the indicator does not have.")
            )
        data["area_value"] = area
        data["breakdown"] = [value for value in breakdown if value is not None]
        data["key"] = breakdown_key(parts)  # canonical, whatever order the form sent
        return data


BaseCellFormSet = formset_factory(CellForm, extra=0, max_num=5000, validate_max=True)


class CellFormSet(BaseCellFormSet):  # type: ignore[valid-type,misc]
    """The grid's rows, numbered from 1 as the error messages of ``save_observations`` count."""

    def __init__(
        self, *args: Any, by_code: Mapping[tuple[str, str], DimensionValue], **kwargs: Any
    ) -> None:
        kwargs["form_kwargs"] = {"by_code": by_code}
        super().__init__(*args, **kwargs)


class GridSourceForm(forms.Form):
    """What the whole grid's new or changed values share."""

    source = forms.CharField(
        label=_("Source of the new values"),
        required=False,
        max_length=500,
        help_text=_("Kept with each value you enter or change now, e.g. the statistical bulletin."),
    )


class GridOperationForm(forms.Form):
    SAVE = "save"
    SUBMIT = "submit"

    operation = forms.ChoiceField(choices=[(SAVE, ""), (SUBMIT, "")])


# Uploads -----------------------------------------------------------------------------------------

# The exchange formats the importer reads; "auto" recognises the file's header row.
UPLOAD_FORMATS = [
    ("auto", _("Recognise from the file")),
    ("opensdg-csv", _("Open SDG, CSV")),
    ("opensdg-xlsx", _("Open SDG, XLSX")),
    ("sdmx-csv", _("SDMX-CSV")),
]
UPLOAD_EXTENSIONS = (".csv", ".xlsx", ".txt", ".docx", ".html", ".htm")


class IndicatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code}: {obj.title}"


class ObservationUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "Open SDG CSV or XLSX (Year, Value, GeoCode and one column per dimension) or "
            "SDMX-CSV (TIME_PERIOD, OBS_VALUE, REF_AREA, SERIES...)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(UPLOAD_EXTENSIONS)}),
    )
    format = forms.ChoiceField(label=_("Format"), choices=UPLOAD_FORMATS, initial="auto")
    indicator = IndicatorChoiceField(
        label=_("Indicator"),
        queryset=Indicator.objects.none(),
        required=False,
        empty_label=_("Named in the file (SERIES or Series column)"),
        help_text=_("For a file about one indicator that does not name it."),
    )
    dry_run = forms.BooleanField(label=_("Only check the file; save nothing"), required=False)

    def __init__(self, *args: Any, indicators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicator"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = indicators

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(UPLOAD_EXTENSIONS):
            raise ValidationError(_("Upload a CSV or XLSX file."), code="extension")
        if upload.size > OBSERVATION_LIMITS.max_bytes:
            raise ValidationError(
                _("The file is larger than %(size)s."),
                code="too_large",
                params={"size": filesizeformat(OBSERVATION_LIMITS.max_bytes)},
            )
        return upload


# The validation queue ------------------------------------------------------------------------------

QUEUE_TRANSITIONS = ("validate", "return", "publish")


class QueueStepForm(forms.Form):
    """One step taken on the observations of one indicator and period."""

    indicator = forms.CharField(widget=forms.HiddenInput, max_length=32)
    period = PeriodField(widget=forms.HiddenInput)
    name = forms.ChoiceField(
        widget=forms.HiddenInput, choices=[(name, name) for name in QUEUE_TRANSITIONS]
    )
    comment = forms.CharField(
        label=_("Why it goes back to the agency"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    @property
    def transition(self) -> Any:
        return transition_named(self.cleaned_data["name"])
