"""The form to issue an API token."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rightsmonitor.accounts.models import User
from rightsmonitor.api.access import can_manage_tokens, token_holders_for
from rightsmonitor.api.models import Scope


class HolderField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        affiliation = obj.agency or obj.organisation
        return f"{obj.email} ({affiliation})" if affiliation else obj.email


class TokenForm(forms.Form):
    user = HolderField(
        label=_("Acts as"),
        queryset=User.objects.none(),
        help_text=_("The token can see and change what this account can, and no more."),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the agency's reporting system."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=Scope.choices,
        initial=[Scope.READ],
        widget=forms.CheckboxSelectMultiple,
    )
    expires_on = forms.DateField(
        label=_("Expires after"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional: the last day the token works."),
    )

    def __init__(self, *args: Any, by: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by = by
        if not can_manage_tokens(by):
            del self.fields["user"]  # tokens for oneself only: nothing to ask
            return
        holder = self.fields["user"]
        assert isinstance(holder, HolderField)
        holder.queryset = token_holders_for(by)
        holder.initial = by.pk

    def holder(self) -> Any:
        return self.cleaned_data.get("user") or self.by

    def expires_at(self) -> datetime.datetime | None:
        """The end of the chosen day, in the site's time zone."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return datetime.datetime.combine(
            day + datetime.timedelta(days=1), datetime.time.min, timezone.get_current_timezone()
        )
