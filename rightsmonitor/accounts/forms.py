"""Account forms. Labels, autocomplete hints and error links follow WCAG: every input has a
label, errors are tied to their field (Django adds aria-describedby and aria-invalid)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from rightsmonitor.accounts import two_factor
from rightsmonitor.accounts.access import invitable_roles
from rightsmonitor.accounts.models import Organisation, User
from rightsmonitor.plans.models import Agency


class LoginForm(AuthenticationForm):
    """Django's form, so django-axes sees the "username" field; it holds the e-mail address."""

    username = forms.CharField(
        label=_("E-mail address"),
        widget=forms.EmailInput(
            attrs={"autofocus": True, "autocomplete": "email", "autocapitalize": "none"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The e-mail address or the password is not right. Please try again."),
    }

    def clean_username(self) -> str:
        # One spelling per address, so that throttling counts "A@x.org" and "a@x.org" together.
        return unicodedata.normalize("NFKC", self.cleaned_data["username"]).strip().lower()


_THROTTLED = _("Too many wrong codes in a row. Wait a minute, then try again.")


class CodeField(forms.CharField):
    """A 6-digit code from an authenticator app."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("6-digit code from your authenticator app"))
        kwargs.setdefault("max_length", 7)
        attrs = {
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "pattern": "[0-9 ]*",
            "size": "8",
        }
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = "".join(str(super().clean(value) or "").split())
        if value and not re.fullmatch(r"\d{6}", value):
            raise ValidationError(
                _("Enter the 6 digits your authenticator app shows."), code="format"
            )
        return value


class TwoFactorCodeForm(forms.Form):
    """A code from the authenticator app, or else one of the backup codes.

    Checking the code is part of validation (as checking the password is in AuthenticationForm):
    a valid form has ``device`` set to the device that accepted it.
    """

    code = CodeField(required=False)
    backup_code = forms.CharField(
        label=_("Or one of your backup codes"),
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
                "size": "12",
            }
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.device: Device | None = None
        self.code_checked = False  # a code was tried against the devices (and failed or not)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        code, backup_code = cleaned.get("code", ""), cleaned.get("backup_code", "")
        if not code and not backup_code:
            self.add_error(
                "code",
                ValidationError(
                    _("Enter the code from your authenticator app or one of your backup codes."),
                    code="required",
                ),
            )
            return cleaned
        # The error goes on the field that was used, so it is announced with that input.
        field = "code" if code else "backup_code"
        self.code_checked = True
        result = two_factor.check_code(self.user, code=code, backup_code=backup_code)
        if result.device is not None:
            self.device = result.device
        elif result.throttled:
            self.add_error(field, ValidationError(_THROTTLED, code="throttled"))
        else:
            self.add_error(
                field,
                ValidationError(_("That code is not right. Please try again."), code="invalid"),
            )
        return cleaned


class ConfirmAuthenticatorForm(forms.Form):
    """The first code from an authenticator app that is being set up."""

    code = CodeField()

    def __init__(self, *args: Any, device: TOTPDevice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        result = two_factor.check_setup_code(self.device, cleaned["code"])
        if isinstance(result.device, TOTPDevice):
            self.device = result.device
        else:
            if result.throttled:
                self.add_error("code", ValidationError(_THROTTLED, code="throttled"))
            else:
                self.add_error(
                    "code",
                    ValidationError(
                        _(
                            "That code is not right. Check that your device's clock is correct "
                            "and enter the code it shows now."
                        ),
                        code="invalid",
                    ),
                )
        return cleaned


class ProfileForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "preferred_language", "notice_delivery"]
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "notice_delivery": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left out of a post (an older form): keep the choice as it is.
        self.fields["notice_delivery"].required = False

    def clean_notice_delivery(self) -> str:
        return str(self.cleaned_data.get("notice_delivery") or self.instance.notice_delivery)


class _AffiliationFields(forms.Form):
    role = forms.ChoiceField(label=_("Role"))
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.all(),
        required=False,
        help_text=_("Agency focal points only: the agency they report for."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_("Civil society members only: the organisation they belong to."),
    )

    def __init__(self, *args: Any, by: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(role.value, role.label) for role in invitable_roles(by)]


class InvitationForm(_AffiliationFields):
    email = forms.EmailField(
        label=_("E-mail address"),
        # The address of the person invited, not of the person filling in the form.
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    field_order = ["email", "role", "agency", "organisation"]


class RoleForm(_AffiliationFields):
    pass


class AcceptInvitationForm(SetPasswordMixin, forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Password"), label2=_("Password again")
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.validate_passwords()
        # Check the password against the account it will protect (not too like the name or
        # the e-mail address, not common, not all digits).
        candidate = User(
            email=self.email,
            username=self.email,
            first_name=cleaned.get("first_name", ""),
            last_name=cleaned.get("last_name", ""),
        )
        self.validate_password_for_user(candidate)
        return cleaned
