"""Form helpers every app's views share."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import BaseForm


def add_action_errors(
    form: BaseForm, exc: ValidationError, default_field: str | None = None
) -> None:
    """Show a validation error raised by an action next to its field, or above the form.

    Errors naming a field the form does not have, and errors without a field, go to
    ``default_field`` (None: the form's own errors, shown above it).
    """
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else default_field, errors)
    else:
        form.add_error(default_field, exc.error_list)
