from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rightsmonitor.plans.models import Plan, Section
from rightsmonitor.reporting.models import ReportingPeriod


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.plan.code}: {obj.start:%d.%m.%Y} – {obj.end:%d.%m.%Y}"


class NewAssessmentForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.order_by("code"))
    period = PeriodChoiceField(
        label=_("Reporting period"),
        queryset=ReportingPeriod.objects.select_related("plan").order_by("plan__code", "-end"),
        required=False,
        empty_label=_("Other dates (below)"),
        help_text=_("Usually the year just ended."),
    )
    start = forms.DateField(
        label=_("First day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Last day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        period, plan = data.get("period"), data.get("plan")
        if period is not None and plan is not None and period.plan_id != plan.pk:
            self.add_error("period", _("This period belongs to another plan."))
        elif period is None:
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError(
                    _("Choose a reporting period, or give the first and last day.")
                )
            if end < start:
                self.add_error("end", _("The last day is before the first."))
        return data


def _rich_text_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Plain paragraphs, or HTML with these tags: p, strong, em, ul, ol, li, a, h3, h4, "
            "blockquote. Anything else is removed when saved."
        ),
    )


class TextsForm(forms.Form):
    """One language's texts: introduction, conclusions and a comment per section."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    introduction = _rich_text_field(_("Introduction"))
    conclusions = _rich_text_field(_("Conclusions"))

    def __init__(self, *args: Any, sections: list[Section], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections = sections
        for section in sections:
            self.fields[self.comment_field(section)] = forms.CharField(
                label=_("Comment on section %(number)s. %(title)s")
                % {"number": section.number, "title": section.title},
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    @staticmethod
    def comment_field(section: Section) -> str:
        return f"section_{section.pk}"

    @property
    def comment_fields(self) -> list[forms.BoundField]:
        return [self[self.comment_field(section)] for section in self.sections]

    def section_comments(self) -> dict[int, str]:
        return {
            section.pk: self.cleaned_data[self.comment_field(section)] for section in self.sections
        }


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
