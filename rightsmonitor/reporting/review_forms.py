"""Coordinator-side forms: the dashboard's filters, monitoring verdicts, schedules, settings.

The forms validate and hold the coordinator's input; the views hand ``cleaned_data`` to the
functions in ``reporting.actions``, which do the writing. The dashboard's query parameters are
declared once, in ``ReviewFilter`` (django-filter), never parsed by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from rightsmonitor.accounts.models import Role, User
from rightsmonitor.core.filtering import BoundedFilterSet
from rightsmonitor.plans.models import Agency, Plan, Section
from rightsmonitor.reporting.models import (
    ImplementationStatus,
    ProgressReport,
    ReportingPeriod,
    ReportingSchedule,
)
from rightsmonitor.reporting.queries import status_label
from rightsmonitor.reporting.workflow import ReportState

# Dashboard filters -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewScope:
    """The validated filter values, for the querysets that are not progress reports."""

    plan: Plan | None = None
    period: ReportingPeriod | None = None
    agency: Agency | None = None
    section: Section | None = None
    state: str = ""


def _period_label(period: ReportingPeriod) -> str:
    return f"{period.plan.code}: {period}"


def _section_label(section: Section) -> str:
    return f"{section.plan.code}: {section}"


class ReviewFilter(BoundedFilterSet):
    """The dashboard's GET form: which reports (and overdue items) the coordinator looks at."""

    plan = django_filters.ModelChoiceFilter(
        label=_("Plan"),
        field_name="action__plan",
        to_field_name="code",
        queryset=Plan.objects.order_by("-period_start", "code"),
        empty_label=_("All plans"),
    )
    period = django_filters.ModelChoiceFilter(
        label=_("Reporting period"),
        field_name="period",
        queryset=ReportingPeriod.objects.select_related("plan").order_by("plan__code", "-end"),
        empty_label=_("All periods"),
    )
    agency = django_filters.ModelChoiceFilter(
        label=_("Agency"),
        field_name="agency",
        to_field_name="abbreviation",
        queryset=Agency.objects.order_by("abbreviation"),
        empty_label=_("All agencies"),
    )
    section = django_filters.ModelChoiceFilter(
        label=_("Section"),
        field_name="action__section",
        queryset=Section.objects.select_related("plan").order_by("plan__code", "order", "pk"),
        empty_label=_("All sections"),
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=ReportState.choices, empty_label=_("All states")
    )

    class Meta:
        model = ProgressReport
        fields = ["plan", "period", "agency", "section", "state"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form.fields["period"].label_from_instance = _period_label
        self.form.fields["section"].label_from_instance = _section_label

    @property
    def scope(self) -> ReviewScope:
        """The values that passed validation; an invalid value filters nothing (and shows why)."""
        if not self.is_bound:
            return ReviewScope()
        self.errors  # noqa: B018 - validates the form, which fills ``cleaned_data``
        data = self.form.cleaned_data
        return ReviewScope(
            plan=data.get("plan"),
            period=data.get("period"),
            agency=data.get("agency"),
            section=data.get("section"),
            state=data.get("state") or "",
        )


# Monitoring verdicts ---------------------------------------------------------------------------


def _version_field() -> forms.IntegerField:
    """The monitoring row's version the form was loaded with (1 while there is no row)."""
    return forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _reason_field(*, label: Any, help_text: Any = "", ask_browser: bool = False) -> forms.CharField:
    """An optional text: the action functions decide when a reason is needed."""
    attrs: dict[str, Any] = {"rows": 3}
    if ask_browser:
        attrs["required"] = True
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs=attrs),
        max_length=4000,
    )


class MonitoringOperationForm(forms.Form):
    """Which of the page's three forms was sent (the name of the pressed button)."""

    STATUS = "status"
    TAKE_OFF = "take_off"
    PUT_BACK = "put_back"

    operation = forms.ChoiceField(choices=[(STATUS, ""), (TAKE_OFF, ""), (PUT_BACK, "")])


class AssessedStatusForm(forms.Form):
    assessed_status = forms.ChoiceField(
        label=_("Assessed status"), choices=ImplementationStatus.choices
    )
    reason = _reason_field(
        label=_("Reason (optional)"), help_text=_("Kept in the action's timeline.")
    )
    version = _version_field()


# The official status chosen when accepting a report ------------------------------------------

KEEP_STATUS = ""  # the choice "keep as it is": accepting then changes no verdict


def official_status_field(report: ProgressReport, current_status: str) -> forms.ChoiceField:
    """The accept form's "Official status" choice: keep the current verdict (the default) or
    set one; the agency's proposed status is shown as a suggestion, never chosen for the
    coordinator. ``current_status`` is a key of ``reporting.queries.STATUSES``."""
    keep = _("Keep as it is (current: %(status)s)") % {"status": status_label(current_status)}
    proposed = report.proposed_status
    choices = [(KEEP_STATUS, keep)] + [
        (
            value,
            _("%(status)s (proposed by the agency)") % {"status": label}
            if value == proposed
            else label,
        )
        for value, label in ImplementationStatus.choices
    ]
    return forms.ChoiceField(
        label=_("Official status"),
        choices=choices,
        required=False,
        initial=KEEP_STATUS,
        help_text=_(
            "The agency proposes “%(status)s”. Accepting the report does not change the "
            "action's official status unless you choose one here."
        )
        % {"status": status_label(proposed)},
    )


class TakeOffMonitoringForm(forms.Form):
    # Not required here: ``take_off_monitoring`` refuses a blank reason and says why, and the
    # view shows that error next to this field. The browser asks for it first all the same.
    reason = _reason_field(
        ask_browser=True,
        label=_("Reason for taking the action off monitoring"),
        help_text=_("Shown on the public action page."),
    )
    version = _version_field()


class PutBackOnMonitoringForm(forms.Form):
    reason = _reason_field(label=_("Reason (optional)"))
    version = _version_field()


# Schedules and periods -------------------------------------------------------------------------


class ScheduleForm(forms.ModelForm):
    class Meta:
        model = ReportingSchedule
        fields = ["frequency", "submission_days", "review_days"]
        help_texts = {
            "submission_days": _("Counted from the last day of each period."),
            "review_days": _("Counted from the last day of each period."),
        }


class ScheduleOperationForm(forms.Form):
    """Which of the schedule page's buttons was pressed."""

    SAVE = "save"
    GENERATE = "generate"

    operation = forms.ChoiceField(choices=[(SAVE, ""), (GENERATE, "")])


# Agency settings -------------------------------------------------------------------------------


class FocalPointChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} <{obj.email}>" if name else str(obj.email)


class AgencySettingsForm(forms.Form):
    sign_off_required = forms.BooleanField(
        label=_("Reports need the validating authority's sign-off"),
        required=False,
        help_text=_(
            "When ticked, the agency's validating authority signs each report off before the "
            "focal point can send it to the coordinator."
        ),
    )
    ready_step = forms.BooleanField(
        label=_("Reports are marked ready for sign-off first"),
        required=False,
        help_text=_(
            "When ticked (with sign-off), a focal point marks each report ready for sign-off, "
            "and the validating authority signs off only reports marked ready."
        ),
    )
    validating_authority = FocalPointChoiceField(
        label=_("Validating authority"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody"),
        help_text=_(
            "The deputy head who vouches for the agency's reports: one of its active focal points."
        ),
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.candidates = User.objects.filter(
            agency=agency, role=Role.FOCAL_POINT, is_active=True
        ).order_by("last_name", "first_name", "email")
        field = self.fields["validating_authority"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = self.candidates
