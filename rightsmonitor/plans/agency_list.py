"""Read and write the "Responsible agencies" cell of a plan table.

Plans write the lead agency first, then co-executors, comma-separated:
``MIA, GPO (as agreed), MLSP``. The marker "(as agreed)" (Russian «(по согласованию)»,
Kazakh «(келісім бойынша)») flags a body outside the government that takes part by agreement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from rightsmonitor.core.translation import translation_filter
from rightsmonitor.plans.models import Agency

AS_AGREED_MARKERS = ("as agreed", "по согласованию", "келісім бойынша", "келісу бойынша")
_MARKER_RE = re.compile(
    r"\(\s*(?:" + "|".join(re.escape(m) for m in AS_AGREED_MARKERS) + r")\s*\)", re.IGNORECASE
)
_SEPARATOR_RE = re.compile(r"[,;\n]+")


class AgencyListError(ValueError):
    """A cell that cannot be read, or names an agency that does not exist."""


@dataclass(frozen=True)
class AgencyMention:
    abbreviation: str
    as_agreed: bool


def parse_agency_list(text: str) -> list[AgencyMention]:
    """Split a cell into mentions, in order, the first one being the lead agency."""
    mentions: list[AgencyMention] = []
    seen: set[str] = set()
    for raw in _SEPARATOR_RE.split(text or ""):
        part = " ".join(raw.replace("\u00a0", " ").split())
        if not part:
            continue
        as_agreed = bool(_MARKER_RE.search(part))
        name = _MARKER_RE.sub("", part).strip(" .")
        if not name:
            continue
        if "(" in name or ")" in name:
            raise AgencyListError(_("Cannot read the agency “%(part)s”.") % {"part": part})
        if name.casefold() in seen:
            raise AgencyListError(_("The agency %(name)s is listed twice.") % {"name": name})
        seen.add(name.casefold())
        mentions.append(AgencyMention(abbreviation=name, as_agreed=as_agreed))
    return mentions


# The marker as each language's plans write it; parse_agency_list reads any of them.
AS_AGREED_BY_LANGUAGE = {"en": "as agreed", "ru": "по согласованию", "kk": "келісім бойынша"}


def format_agency_list(mentions: list[AgencyMention], *, language: str = "en") -> str:
    marker = AS_AGREED_BY_LANGUAGE.get(language, AS_AGREED_BY_LANGUAGE["en"])
    return ", ".join(
        f"{m.abbreviation} ({marker})" if m.as_agreed else m.abbreviation for m in mentions
    )


class AgencyResolver:
    """Find agencies by abbreviation or by any translation of their name, case-insensitively.

    Loads the table once (agencies number in the tens), so resolving a 300-row plan costs one
    query. With ``create_missing`` an unknown abbreviation becomes a new agency, which the
    caller saves inside its own transaction.
    """

    def __init__(self, *, create_missing: bool = False, by: Any = None) -> None:
        self.create_missing = create_missing
        self.by = by
        self._by_key: dict[str, Agency] = {}
        for agency in Agency.objects.all():
            # Plans in Russian or Kazakh write МВД or ІІМ for MIA.
            keys = (agency.abbreviation, agency.abbreviation_ru, agency.abbreviation_kk)
            for key in (*keys, agency.name_en, agency.name_ru, agency.name_kk):
                if key:
                    self._by_key.setdefault(key.casefold(), agency)
        self.created: list[Agency] = []

    def resolve(self, abbreviation: str) -> Agency:
        agency = self._by_key.get(abbreviation.casefold())
        if agency is not None:
            return agency
        if not self.create_missing:
            raise AgencyListError(
                _("Unknown agency “%(name)s”. Add it first, or allow new agencies to be created.")
                % {"name": abbreviation}
            )
        if len(abbreviation) > 32:
            raise AgencyListError(
                _("“%(name)s” is too long for an abbreviation (32 characters at most).")
                % {"name": abbreviation}
            )
        agency = Agency(abbreviation=abbreviation, kind=Agency.Kind.OTHER)
        agency._history_user = self.by if getattr(self.by, "is_authenticated", False) else None  # type: ignore[attr-defined]
        agency.save()
        self._by_key[abbreviation.casefold()] = agency
        self.created.append(agency)
        return agency


def find_agency(text: str) -> Agency | None:
    return Agency.objects.filter(
        Q(abbreviation__iexact=text)
        | Q(abbreviation_ru__iexact=text)
        | Q(abbreviation_kk__iexact=text)
        | translation_filter("name", text)
    ).first()
