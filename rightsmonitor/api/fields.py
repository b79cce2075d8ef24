"""Serializer fields and bases every domain module of the API uses. Translatable texts come as
{"en": ..., "ru": ..., "kk": ...}; JSON bodies are read with the types the schema names."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.http import QueryDict
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rightsmonitor.core.translation import iter_translations


@extend_schema_field(
    {
        "type": "object",
        "properties": {
            "en": {"type": "string"},
            "ru": {"type": "string"},
            "kk": {"type": "string"},
        },
    }
)
class TranslatedTextField(serializers.Field):
    """Reads ``<name>_<lang>`` columns into one object keyed by language."""

    def __init__(self, name: str | None = None, **kwargs: Any) -> None:
        self.column = name
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, instance: Any) -> dict[str, str]:
        return dict(iter_translations(instance, self.column or str(self.field_name)))


def _json_types(field: serializers.Field[Any, Any, Any, Any]) -> tuple[type, ...]:
    """The JSON types the schema gives the field (none: any)."""
    if isinstance(field, serializers.BooleanField):
        return (bool,)
    if isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
        return (int,)
    if isinstance(field, serializers.FloatField | serializers.DecimalField):
        return (int, float)
    if isinstance(
        field,
        serializers.CharField
        | serializers.ChoiceField
        | serializers.DateField
        | serializers.DateTimeField
        | serializers.SlugRelatedField,
    ):
        return (str,)
    return ()


def _is_a(value: Any, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool):  # a bool is an int to Python, not to JSON
        return bool in types
    if isinstance(value, float) and value.is_integer():  # 2.0 is an integer to JSON Schema
        return int in types or float in types
    return isinstance(value, types)


# DRF's own message for each JSON type (so they come translated).
_WRONG_TYPE = {
    bool: serializers.BooleanField.default_error_messages["invalid"],
    int: serializers.IntegerField.default_error_messages["invalid"],
    float: serializers.FloatField.default_error_messages["invalid"],
    str: serializers.CharField.default_error_messages["invalid"],
}


# The schema's "date" (RFC 3339's full-date); Python's ISO reading also takes 20220105 and
# 2022-W01-1.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


class JsonTypedSerializer(serializers.Serializer[Any]):
    """A body whose JSON values must have the types the schema says.

    DRF turns 5 into "5" for a text field, "5" into 5 for a number and "yes" into true: a
    client's mistake passes unnoticed, and the schema promises a strictness the API lacks.
    Forms (the browsable API, multipart uploads) carry only text and are read as before.
    """

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, Mapping) or isinstance(data, QueryDict):
            return super().to_internal_value(data)
        wrong = {}
        for name, field in self.fields.items():
            value = data.get(name)
            types = _json_types(field)
            if field.read_only or value is None or not types:
                continue
            if not _is_a(value, types):
                wrong[name] = [_WRONG_TYPE[types[-1]]]
            elif isinstance(field, serializers.DateField) and not _DATE.fullmatch(value):
                wrong[name] = [str(field.error_messages["invalid"]).format(format="YYYY-MM-DD")]
        if not wrong:
            return super().to_internal_value(data)
        # The other fields are still checked, so that one answer names every mistake.
        try:
            super().to_internal_value({k: v for k, v in data.items() if k not in wrong})
        except serializers.ValidationError as exc:
            others = exc.detail if isinstance(exc.detail, Mapping) else {}
            raise serializers.ValidationError({**others, **wrong}) from exc
        raise serializers.ValidationError(wrong)
