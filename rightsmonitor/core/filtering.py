"""The base of every filter set (pages, the API, exports): values that say what they mean.

A number filter read a decimal, so ``?action=99999999999999999999`` or ``?year=1e16`` went to
the database as they were and came back as an ``OverflowError``: a server error for what is
the reader's mistake; and ``?period=0.5`` was cut to 0 and matched nothing. Here a number is
whole, in digits, within what the database and the calendar hold; a yes/no filter takes "true"
or "false" (Django's reads ``?needs_review=banana`` as "either"). Any other value is invalid:
the API answers 400 naming the parameter, the pages leave the filter out and say so. An empty
value still means "not given".
"""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms

# A database integer (PostgreSQL's bigint, SQLite's integer) holds no more than this.
LARGEST_INTEGER = 2**63 - 1
# The years a date can have (``datetime.MINYEAR`` to ``MAXYEAR``).
YEARS = (1, 9999)
# A whole number as written in an address: Python's ``int()`` (and so Django's field) also
# reads "5.0", " 5", "1_000" and other scripts' digits, which no schema calls an integer.
WHOLE_NUMBER = re.compile(r"-?[0-9]+", re.ASCII)
YES_NO = {"true": True, "false": False}


class BoundedFilterSet(django_filters.FilterSet):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # ``self.filters`` are this instance's copies; their form fields are made on first use.
        for filter_ in self.filters.values():
            if isinstance(filter_, django_filters.NumberFilter):
                filter_.field_class = WholeNumberField
                low, high = bounds(filter_)
                filter_.extra.setdefault("min_value", low)
                filter_.extra.setdefault("max_value", high)
            elif isinstance(filter_, django_filters.BooleanFilter):
                filter_.field_class = YesNoField


def bounds(filter_: django_filters.NumberFilter) -> tuple[int, int]:
    """The smallest and largest value the number filter takes (the API's schema says them)."""
    if filter_.field_name == "year" or filter_.field_name.endswith("__year"):
        return YEARS
    return -LARGEST_INTEGER, LARGEST_INTEGER


class WholeNumberField(forms.IntegerField):
    def to_python(self, value: Any) -> int | None:
        if value not in self.empty_values and not WHOLE_NUMBER.fullmatch(str(value)):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class _YesNoSelect(forms.NullBooleanSelect):
    """Django's select with "" for either, handing the field the word as given (Django's maps it
    itself, any word it does not know to either)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [
            ("" if value == "unknown" else value, label) for value, label in self.choices
        ]

    def format_value(self, value: Any) -> Any:
        # A list, as for other selects: Django's single string would find "" inside any value.
        formatted = super().format_value(value)
        return ["" if formatted == "unknown" else formatted]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


class YesNoField(forms.NullBooleanField):
    """Yes or no: "true" or "false", or nothing for either, as the pages' links send and the
    API's schema says. (Django's reads True, 1 or 2 too, and other words, "unknown" among them,
    as either.)"""

    widget = _YesNoSelect

    # The stubs type BooleanField's as bool only (and ignore NullBooleanField's override too).
    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]
        if isinstance(value, bool):
            return value
        if value in (None, ""):
            return None
        if isinstance(value, str) and value in YES_NO:
            return YES_NO[value]
        raise forms.ValidationError(
            forms.ChoiceField.default_error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": value},
        )
