"""Forms of the agency-side reporting pages.

The forms validate and hold the user's input; the views hand ``cleaned_data`` to the functions
in ``reporting.actions``, which check permissions and write. Rules that belong to the domain
(file sniffing and size, whether a comment is required) are the actions' to enforce; the forms
only mirror them in the browser (``accept``, ``required``) so that the message comes from one
place.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from rightsmonitor.accounts.models import Role, User
from rightsmonitor.core.workflow import Transition
from rightsmonitor.reporting.evidence import ALLOWED_EXTENSIONS
from rightsmonitor.reporting.models import ActionMonitoring, ProgressReport
from rightsmonitor.reporting.queries import status_of_monitoring
from rightsmonitor.reporting.review_forms import official_status_field
from rightsmonitor.reporting.workflow import ReportState


class ReportForm(forms.ModelForm):
    """The text of a draft report; carries the version it was loaded at (optimistic locking)."""

    instance: ProgressReport
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = ProgressReport
        fields = [
            "narrative",
            "proposed_status",
            "document_type",
            "document_number",
            "document_date",
        ]
        widgets = {
            "narrative": forms.Textarea(attrs={"rows": 12}),
            "document_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {
            "document_type": _("Type"),
            "document_number": _("Number"),
            "document_date": _("Date"),
        }
        help_texts = {
            "narrative": _(
                "What the agency did in this period to implement the action, with figures "
                "and dates."
            ),
            "document_type": _("For example: order, regulation, draft law."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    @property
    def report_fields(self) -> dict[str, Any]:
        """The fields to hand to ``save_report``."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    @property
    def document_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("document_type", "document_number", "document_date")]


def evidence_help_text() -> str:
    return str(
        _("Allowed: %(types)s; up to %(size)s. The file must really be of the type its name says.")
        % {
            "types": ", ".join(ext.lstrip(".").upper() for ext in ALLOWED_EXTENSIONS),
            "size": filesizeformat(settings.EVIDENCE_MAX_BYTES),
        }
    )


class EvidenceForm(forms.Form):
    """One piece of evidence: a file or a link, with a description."""

    file = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(
        label=_("Or a link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("The address of a published document, e.g. on the legal database."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=500,
        help_text=_("What the evidence shows, e.g. “Order No. 12 of 3 March”."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = evidence_help_text()
        self.fields["file"].widget.attrs["accept"] = ",".join(ALLOWED_EXTENSIONS)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_file, has_url = bool(cleaned.get("file")), bool(cleaned.get("url"))
        if "url" in self.errors or "file" in self.errors:
            return cleaned
        if has_file and has_url:
            raise forms.ValidationError(
                _("Attach a file or give a link, not both: add them one at a time."),
                code="both",
            )
        if not has_file and not has_url:
            raise forms.ValidationError(_("Choose a file to attach or give a link."), code="none")
        return cleaned


class TransitionForm(forms.Form):
    """The comment sent with a workflow transition; one form per button, prefixed by its name.

    It carries the report's version as the page showed it, so nobody submits, signs off or
    accepts a text that changed after they read it.
    """

    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(
        self,
        *args: Any,
        transition: Transition,
        report: ProgressReport | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", transition.name)
        super().__init__(*args, **kwargs)
        self.transition = transition
        if (
            report is not None
            and transition.target == ReportState.ACCEPTED
            and report.kind == ProgressReport.Kind.CONSOLIDATED
        ):
            # The coordinator may give the verdict with the acceptance; "keep" by default.
            monitoring = ActionMonitoring.objects.filter(action_id=report.action_id).first()
            self.fields["assessed_status"] = official_status_field(
                report, status_of_monitoring(monitoring)
            )
        field = self.fields["comment"]
        if transition.comment_required:
            # The action enforces it (and words the message); the browser only helps.
            field.label = _("Comment (required)")
            field.widget.attrs["required"] = True
            field.help_text = _("Say what needs to change; the agency sees this comment.")
        else:
            field.label = _("Comment (optional)")

    @property
    def comment_text(self) -> str:
        return str(self.cleaned_data.get("comment") or "") if self.is_valid() else ""

    @property
    def chosen_status(self) -> str | None:
        """The official status chosen with an acceptance; None to keep it as it is."""
        if "assessed_status" not in self.fields or not self.is_valid():
            return None
        return self.cleaned_data.get("assessed_status") or None

    @property
    def seen_version(self) -> int | None:
        return self.cleaned_data.get("version") if self.is_valid() else None


class MarkReadForm(forms.Form):
    """Mark notifications read up to the newest one the page showed (not later arrivals)."""

    up_to = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


class ColleagueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} <{obj.email}>" if name else str(obj.email)


class AssignForm(forms.Form):
    """Hand a report to a colleague: one of the active focal points of the report's agency."""

    assignee = ColleagueChoiceField(
        label=_("Assign to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody"),
        help_text=_("The colleague hears of it by notice and e-mail."),
    )

    def __init__(self, *args: Any, report: ProgressReport, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"assignee": report.assignee_id})
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(
            agency_id=report.agency_id, role=Role.FOCAL_POINT, is_active=True
        ).order_by("last_name", "first_name", "email")
