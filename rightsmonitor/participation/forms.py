"""Forms of the participation pages. They hold and validate input; ``participation.actions``
checks permissions and writes (rules such as the size limit are enforced there, and only
mirrored here with ``maxlength`` so that the browser helps)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rightsmonitor.participation.models import (
    Consultation,
    OrganisationApplication,
    ShadowRating,
    Visibility,
)
from rightsmonitor.reporting.models import ReportingPeriod


class ApplicationForm(forms.ModelForm):
    website = forms.URLField(
        label=_("website"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = OrganisationApplication
        fields = [
            "name",
            "kind",
            "country",
            "website",
            "description",
            "contact_name",
            "contact_email",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "country": _("ISO 3166-1 alpha-3 code, e.g. KAZ."),
            "description": _("Its mission, its work on human rights, where it is registered."),
            "contact_email": _(
                "If the coordinator approves, an invitation to create your account is sent here."
            ),
        }


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Plain text. You may use simple HTML: paragraphs, bold, italics, lists, "
            "quotations and links."
        ),
    )
    visibility = forms.ChoiceField(
        label=_("Who may read it"),
        choices=Visibility.choices,
        initial=Visibility.PUBLIC,
        widget=forms.RadioSelect,
        help_text=_(
            "Public comments are shown once the coordinator has checked them; comments to the "
            "coordinator only are never shown to the public."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The action enforces the limit; the browser only helps.
        self.fields["body"].widget.attrs["maxlength"] = settings.PARTICIPATION_COMMENT_MAX_CHARS


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["maxlength"] = settings.PARTICIPATION_COMMENT_MAX_CHARS


class ReasonForm(forms.Form):
    """The reason for a rejection (required by the action where the step needs one)."""

    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RatingForm(forms.ModelForm):
    """The organisation's rating; carries the version it was loaded at (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    evidence_url = forms.URLField(
        label=_("link to a source"), required=False, max_length=500, assume_scheme="https"
    )

    class Meta:
        model = ShadowRating
        fields = ["period", "status", "evidence", "evidence_url"]
        widgets = {"evidence": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: Any, action: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        periods = ReportingPeriod.objects.filter(
            plan_id=action.plan_id, start__lte=timezone.localdate()
        ).order_by("-end")
        period_field = self.fields["period"]
        period_field.queryset = periods  # type: ignore[attr-defined]
        period_field.empty_label = None  # type: ignore[attr-defined]
        period_field.help_text = _("The reporting period your assessment covers.")
        self.fields["evidence_url"].widget.attrs["placeholder"] = "https://"
        if self.instance.pk:
            period_field.disabled = True  # another period is another rating
            if not self.is_bound:
                self.initial["version"] = self.instance.version

    def validate_unique(self) -> None:
        # One rating per organisation, action and period: the action finds and updates it.
        pass

    def _post_clean(self) -> None:
        # The action validates the instance (with the organisation it knows); the form only
        # checks its own fields.
        pass


class ConsultationForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = ["title", "description", "amendment", "opens_on", "closes_on"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, plan: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        amendment = self.fields["amendment"]
        amendment.queryset = plan.amendments.select_related("instrument")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The consultation cannot close before it opens."))
        return cleaned

    def _post_clean(self) -> None:
        pass  # the action validates the model, with its plan


class OrganisationChoiceForm(forms.Form):
    """Approve an organisation that exists without an application."""

    organisation = forms.IntegerField(widget=forms.HiddenInput)
