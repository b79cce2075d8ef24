"""Translatable content fields without a translation framework's magic.

A translatable field is one column per interface language (``title_en``, ``title_ru``,
``title_kk``), declared explicitly so that history, forms, the API and migrations see plain
columns. ``TranslatedField("title")`` reads the active language with a fallback to the others,
so a plan imported from a Russian original still shows its text on the English pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def fallback_order(language: str | None) -> list[str]:
    """The active language first, then the default, then the rest in settings order."""
    codes = language_codes()
    first = (language or settings.LANGUAGE_CODE).split("-")[0]
    ordered = [first, settings.LANGUAGE_CODE, *codes]
    return list(dict.fromkeys(code for code in ordered if code in codes))


class TranslatedField:
    """Descriptor returning the best available translation of ``<name>_<lang>`` columns."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        for code in fallback_order(get_language()):
            value = getattr(instance, f"{self.name}_{code}", "")
            if value:
                return value
        return ""

    def __set__(self, instance: Any, value: str) -> None:
        setattr(instance, f"{self.name}_{settings.LANGUAGE_CODE}", value)


def translated_names(name: str) -> list[str]:
    return [f"{name}_{code}" for code in language_codes()]


def set_translations(instance: models.Model, name: str, values: dict[str, str] | str) -> None:
    """Assign a {language: text} mapping (or one text for the default language)."""
    if isinstance(values, str):
        values = {settings.LANGUAGE_CODE: values}
    for code in language_codes():
        if code in values:
            setattr(instance, f"{name}_{code}", (values[code] or "").strip())


def translation_filter(name: str, value: str, lookup: str = "iexact") -> models.Q:
    """A Q matching any language's column, e.g. to find an agency by any of its names."""
    query = models.Q()
    for field in translated_names(name):
        query |= models.Q(**{f"{field}__{lookup}": value})
    return query


LANGUAGE_LABELS = {"en": _("English"), "ru": _("Russian"), "kk": _("Kazakh")}


def label_for(field_label: str, code: str) -> str:
    return f"{field_label} ({LANGUAGE_LABELS.get(code, code)})"


def iter_translations(instance: models.Model, name: str) -> Iterable[tuple[str, str]]:
    for code in language_codes():
        yield code, getattr(instance, f"{name}_{code}", "")
