"""Serializer fields every domain module of the API uses. Translatable texts come as
{"en": ..., "ru": ..., "kk": ...}."""

from __future__ import annotations

from typing import Any

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
