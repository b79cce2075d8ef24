"""Translatable content fields without a translation framework's magic.

A translatable field is one column per interface language (``title_en``, ``title_ru``,
``title_kk``), declared explicitly so that history, forms, the API and migrations see plain
columns. ``TranslatedField("title")`` reads the active language with a fallback to the others,
so a plan imported from a Russian original still shows its text on the English pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import dateformat, timezone
from django.utils.functional import Promise
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


def active_language() -> str:
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


@dataclass(frozen=True)
class Translation:
    """A translated text with the language it is written in, to mark a fallback on the page."""

    text: str
    language: str  # of ``text``; the requested language when no language has a text
    requested: str

    @property
    def is_fallback(self) -> bool:
        return bool(self.text) and self.language != self.requested

    def __str__(self) -> str:
        return self.text


def translation_of(instance: Any, name: str, language: str | None = None) -> Translation:
    """The best available text of ``<name>_<lang>`` columns and the language it came from."""
    requested = (language or active_language()).split("-")[0]
    for code in fallback_order(requested):
        value = getattr(instance, f"{name}_{code}", "")
        if value:
            return Translation(value, code, requested)
    return Translation("", requested, requested)


class TranslatedField:
    """Descriptor returning the best available translation of ``<name>_<lang>`` columns."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return translation_of(instance, self.name).text

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


# One whole sentence per pair, so that translators never assemble one from language names
# (Russian and Kazakh decline them). The generic sentence covers a language added later.
FALLBACK_NOTES: dict[tuple[str, str], Promise] = {
    ("ru", "en"): _("Not available in Russian; shown in English."),
    ("ru", "kk"): _("Not available in Russian; shown in Kazakh."),
    ("kk", "en"): _("Not available in Kazakh; shown in English."),
    ("kk", "ru"): _("Not available in Kazakh; shown in Russian."),
    ("en", "ru"): _("Not available in English; shown in Russian."),
    ("en", "kk"): _("Not available in English; shown in Kazakh."),
}


def fallback_note(requested: str, shown: str) -> str:
    """The note telling readers that a text is shown in another language than the page's."""
    note = FALLBACK_NOTES.get((requested, shown))
    if note is not None:
        return str(note)
    return str(_("Not available in %(requested)s; shown in %(shown)s.")) % {
        "requested": LANGUAGE_LABELS.get(requested, requested),
        "shown": LANGUAGE_LABELS.get(shown, shown),
    }


# Open Graph wants a territory with the language.
OPEN_GRAPH_LOCALES = {"en": "en_GB", "ru": "ru_RU", "kk": "kk_KZ"}


def long_date(day: date | str | None) -> str:
    """A date written out as documents in the active language write it.

    "9 June 2021", "9 июня 2021 г.", "2021 жылғы 9 маусым". Django has no Kazakh formats and
    its Kazakh month names are capitalised, so the forms are spelt out here.
    """
    if not day:
        return ""
    if isinstance(day, str):  # an ISO date, as snapshots and JSON keep dates
        day = date.fromisoformat(day)
    if isinstance(day, datetime) and timezone.is_aware(day):
        day = timezone.localtime(day)  # the day it was where the site is, as |date shows it
    language = active_language()
    if language == "ru":
        return dateformat.format(day, "j E Y г.")
    if language == "kk":
        return f"{day.year} жылғы {day.day} {dateformat.format(day, 'F').lower()}"
    return dateformat.format(day, "j F Y")
