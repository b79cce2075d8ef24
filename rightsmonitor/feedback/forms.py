"""Forms of the feedback pages. They hold and check input; ``feedback.actions`` writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rightsmonitor.accounts.models import STAFF_ROLES, Role, User
from rightsmonitor.feedback.actions import (
    MAX_ANSWER_LENGTH,
    MAX_CONTENT_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_REPLY_LENGTH,
    Contact,
)
from rightsmonitor.feedback.models import Case, CaseNote
from rightsmonitor.feedback.uploads import ALLOWED_EXTENSIONS, check_attachment
from rightsmonitor.plans.models import Agency, Plan, Section

GENERAL = "general"


def area_choices(plans: Any) -> list[tuple[str, Any]]:
    """ "Other or general", then per plan: the plan as a whole and each of its sections."""
    choices: list[tuple[str, Any]] = [(GENERAL, _("Other or general"))]
    for plan in plans.prefetch_related(
        Prefetch("sections", queryset=Section.objects.order_by("order", "pk"))
    ):
        options: list[tuple[str, Any]] = [(f"plan:{plan.pk}", _("The plan as a whole"))]
        options += [(f"section:{section.pk}", str(section)) for section in plan.sections.all()]
        choices.append((str(plan), options))
    return choices


def parse_area(value: str, plans: Any) -> tuple[Plan | None, Section | None]:
    """The plan and section a value of ``area_choices`` stands for, among ``plans``."""
    if value == GENERAL:
        return None, None
    kind, _sep, pk = value.partition(":")
    if pk.isdigit():
        if kind == "plan":
            plan = plans.filter(pk=pk).first()
            if plan is not None:
                return plan, None
        if kind == "section":
            section = Section.objects.select_related("plan").filter(plan__in=plans, pk=pk).first()
            if section is not None:
                return section.plan, section
    raise ValidationError(_("Choose an area from the list."), code="invalid_choice")


class AreaField(forms.ChoiceField):
    def __init__(self, plans: Any, **kwargs: Any) -> None:
        super().__init__(choices=area_choices(plans), **kwargs)


def _describe_attachment(field: forms.Field) -> None:
    field.help_text = _("Allowed: %(types)s; up to %(size)s. It is stored encrypted.") % {
        "types": ", ".join(ext.lstrip(".").upper() for ext in ALLOWED_EXTENSIONS),
        "size": filesizeformat(settings.FEEDBACK_MAX_ATTACHMENT_BYTES),
    }
    field.widget.attrs["accept"] = ",".join(ALLOWED_EXTENSIONS)


class SubmissionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What would you like to send?"),
        choices=Case.Kind.choices,
        widget=forms.RadioSelect,
    )
    content = forms.CharField(
        label=_("Your message"),
        max_length=MAX_CONTENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Describe what happened or what you suggest. Do not write your name here "
            "unless you want the coordinators to know it."
        ),
    )
    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail address"), max_length=254, required=False)
    phone = forms.CharField(label=_("Telephone"), max_length=40, required=False)
    attachment = forms.FileField(label=_("File (optional)"), required=False)
    # A field people never see (hidden by CSS, skipped by keyboard and screen readers); robots
    # that fill in every field give themselves away.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plans = Plan.objects.public().order_by("-period_start", "code")
        self.fields["area"] = AreaField(
            self.plans,
            label=_("Which part of the plan is it about?"),
            help_text=_("Choose “Other or general” if it is about none of them."),
        )
        self.order_fields(["kind", "area", "content", "name", "email", "phone", "attachment"])
        _describe_attachment(self.fields["attachment"])
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    @property
    def contact_fields(self) -> list[forms.BoundField]:
        return [self["name"], self["email"], self["phone"]]

    def clean_area(self) -> tuple[Plan | None, Section | None]:
        return parse_area(self.cleaned_data["area"], self.plans)

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        if upload:
            check_attachment(upload)
        return upload

    @property
    def contact(self) -> Contact:
        return Contact(
            name=self.cleaned_data["name"].strip(),
            email=self.cleaned_data["email"].strip(),
            phone=self.cleaned_data["phone"].strip(),
        )


class CheckForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    secret = forms.CharField(
        label=_("Secret"),
        max_length=40,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class ReplyForm(forms.Form):
    """The submitter's reply on the check page; the code and secret come with it again."""

    code = forms.CharField(max_length=20, widget=forms.HiddenInput)
    secret = forms.CharField(max_length=40, widget=forms.HiddenInput)
    reply = forms.CharField(
        label=_("Your reply"),
        max_length=MAX_REPLY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Add information or answer a question. It is stored encrypted."),
    )
    attachment = forms.FileField(label=_("File (optional)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _describe_attachment(self.fields["attachment"])

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        if upload:
            check_attachment(upload)
        return upload


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"),
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Internal: the submitter never sees notes."),
    )
    kind = forms.ChoiceField(
        label=_("This is"),
        choices=[
            (CaseNote.Kind.NOTE, _("An internal note")),
            (CaseNote.Kind.RESPONSE, _("The agency's response to the coordinator")),
        ],
        initial=CaseNote.Kind.NOTE,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args: Any, can_respond: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_respond:  # only a referred focal point writes the agency's response
            del self.fields["kind"]

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or CaseNote.Kind.NOTE


class FocalPointField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name() or obj.email
        return f"{name} ({obj.agency.short_name})"


class ReferralForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.filter(users__role=Role.FOCAL_POINT, users__is_active=True)
        .distinct()
        .order_by("abbreviation"),
    )
    focal_point = FocalPointField(
        label=_("Focal point"),
        queryset=User.objects.filter(role=Role.FOCAL_POINT, is_active=True)
        .select_related("agency")
        .order_by("agency__abbreviation", "email"),
        required=False,
        empty_label=_("Every focal point of the agency"),
    )
    note = forms.CharField(
        label=_("Note to the agency"),
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("What you ask the agency to do. The focal points read the case with it."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        agency, person = data.get("agency"), data.get("focal_point")
        if agency is not None and person is not None and person.agency_id != agency.pk:
            self.add_error("focal_point", _("Choose a focal point of the chosen agency."))
        return data


class DueDateForm(forms.Form):
    due_date = forms.DateField(
        label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer to the submitter"),
        max_length=MAX_ANSWER_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "The submitter reads this with their code. Do not include other people's personal data."
        ),
    )


class AssignmentForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Coordinator"),
        queryset=User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by("email"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plans = Plan.objects.order_by("-period_start", "code")
        self.fields["area"] = AreaField(self.plans, label=pgettext_lazy("part of the plan", "Area"))

    def clean_area(self) -> tuple[Plan | None, Section | None]:
        return parse_area(self.cleaned_data["area"], self.plans)
