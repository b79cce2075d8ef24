"""Forms of the recommendation pages: linking an action, the coverage page's plan, the import.

Forms validate what the user sent and turn it into objects or options; the functions in
``recommendations.actions`` do the writing and the permission checks. The search page's
filters are ``queries.RecommendationFilter`` (a FilterSet), not a form of this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rightsmonitor.plans.models import Action, Plan
from rightsmonitor.recommendations.importers.readers import MAPPABLE_FIELDS, READERS
from rightsmonitor.recommendations.models import Mechanism

# What each mappable field holds, for the labels of the column mapping.
FIELD_LABELS = {
    "text": _("Recommendation text"),
    "title": _("Title (used as the text when there is no text column)"),
    "body": _("Recommending body"),
    "mechanism": _("Mechanism"),
    "source_id": _("Id at the source"),
    "countries": _("Country concerned (State under review)"),
    "language": _("Language"),
    "recommending_states": _("Recommending states"),
    "position": _("Position (response)"),
    "action_category": _("Action category"),
    "themes": _("Themes (issues)"),
    "affected_persons": _("Affected persons"),
    "sdgs": _("SDG targets"),
    "session": _("Session"),
    "cycle": _("UPR cycle"),
    "symbol": _("Document symbol"),
    "paragraph": _("Paragraph"),
    "document_date": _("Date of the document"),
}
MAPPED_FORMATS = tuple(MAPPABLE_FIELDS)


def mapping_fields() -> list[str]:
    """Every field a CSV format lets the user map, in the readers' order."""
    return list(dict.fromkeys(name for names in MAPPABLE_FIELDS.values() for name in names))


class LinkForm(forms.Form):
    """Link an action: chosen in the list (grouped by plan) or typed by its number."""

    action = forms.TypedChoiceField(label=_("Action"), coerce=int, required=False, empty_value=None)
    number = forms.CharField(
        label=_("Or the action's number"),
        required=False,
        max_length=16,
        help_text=_("As the plan numbers it, e.g. 4.7."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why the action answers the recommendation (optional, public)."),
    )

    def __init__(self, *args: Any, actions: Sequence[Action], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actions = {action.pk: action for action in actions}
        choices: list[Any] = [("", gettext("— choose an action —"))]
        for plan, group in groupby(actions, key=lambda action: action.plan):
            choices.append(
                (
                    str(plan),
                    [(a.pk, f"{a.number}. {_short(str(a.title))}") for a in group],
                )
            )
        self.fields["action"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen, number = data.get("action"), (data.get("number") or "").strip()
        if chosen is not None:
            data["resolved"] = self.actions[chosen]
        elif number:
            matches = [a for a in self.actions.values() if a.number == number]
            if not matches:
                self.add_error(
                    "number", gettext("No action has the number %(number)s.") % {"number": number}
                )
            elif len(matches) > 1:
                self.add_error(
                    "number",
                    gettext(
                        "Several plans have an action numbered %(number)s: choose it in the list."
                    )
                    % {"number": number},
                )
            else:
                data["resolved"] = matches[0]
        elif not self.errors:
            raise forms.ValidationError(
                gettext("Choose an action in the list or type its number."), code="required"
            )
        return data


def _short(text: str, length: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


class CoverageForm(forms.Form):
    """The coverage page's choice of plan (a GET form)."""

    plan = forms.ChoiceField(label=_("Plan"), required=False)

    def __init__(self, *args: Any, plans: Sequence[Plan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plans = {plan.code: plan for plan in plans}
        self.fields["plan"].choices = [("", gettext("Every plan"))] + [  # type: ignore[attr-defined]
            (plan.code, f"{plan.code}: {plan}") for plan in plans
        ]

    @property
    def chosen_plan(self) -> Plan | None:
        if not self.is_valid():
            return None
        return self.plans.get(self.cleaned_data.get("plan") or "")


class ImportForm(forms.Form):
    """A recommendations file, its format and, for the CSV formats, the column mapping."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("UHRI Excel or JSON export, UPR Info CSV export, or any CSV file."),
    )
    format = forms.ChoiceField(label=_("Format"))
    body = forms.CharField(
        label=_("Recommending body of every row"),
        required=False,
        max_length=128,
        help_text=_("Other CSV only, when the file has no body column (e.g. CAT, CEDAW, UPR)."),
    )
    mechanism = forms.ChoiceField(
        label=_("Mechanism of every row"),
        required=False,
        choices=[("", _("— from the body —")), *Mechanism.choices],
        help_text=_("Other CSV only, when the file has no mechanism column."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = [  # type: ignore[attr-defined]
            (name, gettext(reader.label)) for name, reader in READERS.items()
        ]
        for name in mapping_fields():
            formats = [fmt for fmt, fields in MAPPABLE_FIELDS.items() if name in fields]
            self.fields[f"map_{name}"] = forms.CharField(
                label=FIELD_LABELS.get(name, name.replace("_", " ").capitalize()),
                required=False,
                max_length=255,
                help_text=(
                    ""
                    if len(formats) == len(MAPPABLE_FIELDS)
                    else gettext("Only for: %(formats)s.")
                    % {"formats": ", ".join(gettext(READERS[fmt].label) for fmt in formats)}
                ),
            )

    @property
    def mapping_field_names(self) -> list[str]:
        return [f"map_{name}" for name in mapping_fields()]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("file", "format")]

    def csv_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("body", "mechanism")]

    def mapping_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.mapping_field_names]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = data.get("format")
        if not chosen:
            return data
        allowed = set(MAPPABLE_FIELDS.get(chosen, []))
        for name in mapping_fields():
            if data.get(f"map_{name}") and name not in allowed:
                self.add_error(
                    f"map_{name}",
                    gettext("This format does not take a column for this field.")
                    if allowed
                    else gettext("This format does not take a column mapping."),
                )
        if chosen != "csv":
            for name in ("body", "mechanism"):
                if data.get(name):
                    self.add_error(name, gettext("Only for the format “Other CSV”."))
        return data

    def options(self) -> dict[str, Any]:
        """The import's options as ``actions.request_import`` takes them."""
        data = self.cleaned_data
        options: dict[str, Any] = {}
        mapping = {
            name: data[f"map_{name}"].strip()
            for name in MAPPABLE_FIELDS.get(data["format"], [])
            if data.get(f"map_{name}", "").strip()
        }
        if mapping:
            options["mapping"] = mapping
        if data["format"] == "csv":
            if data.get("body"):
                options["body"] = data["body"].strip()
            if data.get("mechanism"):
                options["mechanism"] = data["mechanism"]
        return options
