"""Load the indicator catalogue and a country's areas from YAML files kept in the repository.

Why files: the catalogue (rights, attributes and indicators after the OHCHR Guide, their
metadata in every interface language, the dimensions with their SDMX codes, the SDG indicators)
and the list of areas are reference data that reviewers should read and diff, and that must be
the same on every installation. ``data/catalogue.yaml`` and ``data/kz_areas.yaml`` are the
shipped ones; another country passes its own areas file (same shape, its own ``country``).

Loading is idempotent. Every entry is keyed by its code or key: created when missing, updated
when the file says something else, and not saved at all when equal, so a second load writes no
row and no history. What the file states it owns: a reload puts back texts, units, the
disaggregation, the SDG links, the agency and the links to actions of the catalogue's plan
(the summary counts those as updated). A field or language the file leaves out is left as it
is, and so is whether an indicator is public. Nothing is deleted: observations point at areas
and indicators, so entries that left the file are only reported.

References to the plan register (the plan's actions by number, themes by key, agencies by
abbreviation) are resolved when they exist and otherwise skipped and counted, so that the
catalogue also loads before, or without, the plan; load it again after the plan to link them.

The whole file is checked before anything is written, and everything is written in one
transaction: any ``CatalogueError`` leaves the database as it was. The error names the file and
the entry, because the person who reads it is editing that file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pycountry
import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction

from rightsmonitor.core.locking import VersionedModel, claim_version
from rightsmonitor.core.translation import language_codes
from rightsmonitor.indicators.breakdowns import TOTAL_WORDS
from rightsmonitor.indicators.models import (
    AREA,
    TOTAL,
    Attribute,
    Dimension,
    DimensionValue,
    Indicator,
    Right,
    SdgIndicator,
    code_validator,
)
from rightsmonitor.plans.models import Action, Agency, Plan, Theme

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_CATALOGUE = DATA_DIR / "catalogue.yaml"
DEFAULT_AREAS = DATA_DIR / "kz_areas.yaml"
CHANGE_REASON = "Loaded from the indicator catalogue file"
AREA_KINDS = frozenset({"region", "city", "other"})
# Names of REF_AREA when the catalogue does not declare the dimension itself.
DEFAULT_AREA_DIMENSION = {
    "name_en": "Area",
    "name_ru": "Территория",
    "name_kk": "Аумақ",
    "column_name": "GeoCode",
}

M = TypeVar("M", bound=models.Model)


class CatalogueError(ValueError):
    """The catalogue or areas file is wrong; the message names the file and the entry."""


# ---------------------------------------------------------------------------------------------
# What a load did
# ---------------------------------------------------------------------------------------------


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def count(self, status: str) -> None:
        setattr(self, status, getattr(self, status) + 1)

    def __str__(self) -> str:
        return (
            f"{self.total} ({self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged)"
        )


@dataclass
class CatalogueSummary:
    """Counts of one load, and the references that could not be resolved in this database."""

    plan_code: str = ""
    plan_found: bool = False
    country: str = ""
    areas_as_of: date | None = None
    dry_run: bool = False
    dimensions: Tally = field(default_factory=Tally)
    values: Tally = field(default_factory=Tally)
    areas: Tally = field(default_factory=Tally)
    sdg_indicators: Tally = field(default_factory=Tally)
    rights: Tally = field(default_factory=Tally)
    attributes: Tally = field(default_factory=Tally)
    indicators: Tally = field(default_factory=Tally)
    indicators_by_kind: dict[str, int] = field(default_factory=dict)
    # What could not be linked in this database: reference → the entries that name it.
    missing_themes: dict[str, list[str]] = field(default_factory=dict)
    missing_agencies: dict[str, list[str]] = field(default_factory=dict)
    missing_actions: list[str] = field(default_factory=list)  # "TORT-S1 → 5.7"
    areas_not_in_file: list[str] = field(default_factory=list)

    @property
    def tallies(self) -> dict[str, Tally]:
        return {
            "dimensions": self.dimensions,
            "dimension values": self.values,
            "areas": self.areas,
            "SDG indicators": self.sdg_indicators,
            "rights": self.rights,
            "attributes": self.attributes,
            "indicators": self.indicators,
        }

    @property
    def changed(self) -> bool:
        return any(t.created or t.updated for t in self.tallies.values())

    def lines(self) -> list[str]:
        """The report a command prints: counts, then what was left unlinked and why."""
        width = max(len(label) for label in self.tallies)
        lines = [f"{label:<{width}}  {tally}" for label, tally in self.tallies.items()]
        if self.indicators_by_kind:
            kinds = ", ".join(
                f"{self.indicators_by_kind[kind]} {kind}"
                for kind in Indicator.Kind.values
                if kind in self.indicators_by_kind
            )
            lines.append(f"{'':<{width}}  by type: {kinds}")
        if self.country:
            lines.append(f"areas of {self.country} as of {self.areas_as_of}")
        if self.missing_actions and not self.plan_found:
            lines.append(
                f"not linked: {len(self.missing_actions)} links to actions of plan "
                f"{self.plan_code or '(none named)'}, which is not loaded; "
                "load the catalogue again after the plan"
            )
        elif self.missing_actions:
            lines.append(
                f"not linked: plan {self.plan_code} has no action {', '.join(self.missing_actions)}"
            )
        if self.missing_themes:
            lines.append(
                f"not linked: themes not in the register: {', '.join(self.missing_themes)}"
            )
        if self.missing_agencies:
            lines.append(
                f"not linked: agencies not in the register: {', '.join(self.missing_agencies)}"
            )
        if self.areas_not_in_file:
            lines.append(
                f"areas kept but no longer in the file: {', '.join(self.areas_not_in_file)}"
            )
        if self.dry_run:
            lines.append("dry run: nothing was saved")
        return lines


# ---------------------------------------------------------------------------------------------
# Reading and checking the files (no database writes)
# ---------------------------------------------------------------------------------------------


@dataclass
class _ValueSpec:
    code: str
    fields: dict[str, Any]
    where: str


@dataclass
class _DimensionSpec:
    code: str
    fields: dict[str, Any]
    values: list[_ValueSpec]
    where: str


@dataclass
class _IndicatorSpec:
    code: str
    fields: dict[str, Any]
    m2m: dict[str, list[str]]  # "dimensions", "sdg", "actions": only the keys the file gives
    agency: str | None
    has_agency: bool
    where: str


@dataclass
class _AttributeSpec:
    key: str
    fields: dict[str, Any]
    indicators: list[_IndicatorSpec]
    where: str


@dataclass
class _RightSpec:
    key: str
    fields: dict[str, Any]
    theme: str | None
    has_theme: bool
    attributes: list[_AttributeSpec]
    where: str


@dataclass
class _Catalogue:
    plan_code: str
    dimensions: list[_DimensionSpec]
    sdg_indicators: list[tuple[str, str, str]]  # code, English title, where
    rights: list[_RightSpec]


@dataclass
class _Areas:
    country: str
    as_of: date
    national: _ValueSpec
    areas: list[_ValueSpec]
    where: str


def _norm(text: str) -> str:
    """How ``breakdowns.Codebook`` compares names and aliases: spacing and case do not count."""
    return " ".join(str(text).split()).casefold()


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except OSError as error:
        raise CatalogueError(f"{path}: cannot be read ({error.strerror or error})") from error
    except yaml.YAMLError as error:
        raise CatalogueError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise CatalogueError(f"{path}: expected a mapping of keys at the top of the file")
    return data


def _mapping(
    item: Any, where: str, *, allowed: Iterable[str], required: Iterable[str] = ()
) -> dict[str, Any]:
    """Refuse unknown keys: a misspelt ``defintion`` would otherwise drop a text silently."""
    if not isinstance(item, dict):
        raise CatalogueError(f"{where}: expected a mapping of keys, found {type(item).__name__}")
    unknown = sorted(set(item) - set(allowed))
    if unknown:
        raise CatalogueError(f"{where}: unknown key {', '.join(map(repr, unknown))}")
    for key in required:
        if item.get(key) in (None, "", [], {}):
            raise CatalogueError(f"{where}: {key!r} is required")
    return item


def _text(value: Any, where: str, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise CatalogueError(f"{where}: expected text, found {value!r}")
    value = value.strip()
    if required and not value:
        raise CatalogueError(f"{where}: must not be empty")
    return value


def _code(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise CatalogueError(f"{where}: the code {value!r} must be written as text (in quotes)")
    value = value.strip()
    try:
        code_validator(value)
    except ValidationError as error:
        raise CatalogueError(f"{where}: {value!r}: {'; '.join(error.messages)}") from error
    return value


def _texts(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise CatalogueError(f"{where}: expected a list, found {value!r}")
    return [_text(item, where, required=True) for item in value]


def _date(value: Any, where: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CatalogueError(f"{where}: expected a date as YYYY-MM-DD, found {value!r}")


def _translations(value: Any, name: str, where: str, *, required: bool = False) -> dict[str, str]:
    """``{en: .., ru: ..}`` → ``{"title_en": .., "title_ru": ..}``, for the languages given."""
    languages = language_codes()
    if isinstance(value, str):
        value = {settings.LANGUAGE_CODE: value}
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise CatalogueError(f"{where}: {name!r} must map languages to texts, found {value!r}")
    unknown = sorted(set(value) - set(languages))
    if unknown:
        raise CatalogueError(
            f"{where}: {name!r} has unknown language {', '.join(map(repr, unknown))} "
            f"(expected {', '.join(languages)})"
        )
    fields = {
        f"{name}_{code}": _text(text, f"{where}, {name} ({code})")
        for code, text in value.items()
        if text not in (None, "")
    }
    if required and not fields.get(f"{name}_{settings.LANGUAGE_CODE}"):
        raise CatalogueError(f"{where}: {name!r} in {settings.LANGUAGE_CODE} is required")
    return fields


def _value_spec(item: Any, where: str, order: int, *, extra_keys: Iterable[str] = ()) -> _ValueSpec:
    item = _mapping(
        item,
        where,
        allowed={"code", "name", "aliases", "valid_from", "valid_to", "note", *extra_keys},
        required={"code"},
    )
    code = _code(item["code"], where)
    where = f"{where} ({code})"
    if code == TOTAL:
        raise CatalogueError(f"{where}: {TOTAL} means the total and is never a stored value")
    fields: dict[str, Any] = {"order": order, **_translations(item.get("name"), "name", where)}
    if "aliases" in item:
        aliases = list(dict.fromkeys(_texts(item["aliases"], f"{where}, aliases")))
        for alias in aliases:
            if _norm(alias) in TOTAL_WORDS:
                raise CatalogueError(f"{where}: the alias {alias!r} is a word for the total")
        fields["aliases"] = aliases
    for key in ("valid_from", "valid_to"):
        if key in item:
            fields[key] = _date(item[key], f"{where}, {key}")
    valid_from, valid_to = fields.get("valid_from"), fields.get("valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        raise CatalogueError(f"{where}: valid_to is before valid_from")
    return _ValueSpec(code, fields, where)


def _check_terms(specs: Iterable[_ValueSpec], where: str) -> None:
    """Two values must not answer to the same code, alias or name: an import would guess."""
    owner: dict[str, str] = {}
    for spec in specs:
        terms = {spec.code, *spec.fields.get("aliases", [])}
        terms |= {text for name, text in spec.fields.items() if name.startswith("name_")}
        for term in {_norm(t) for t in terms if t}:
            other = owner.setdefault(term, spec.code)
            if other != spec.code:
                raise CatalogueError(f"{where}: {term!r} names both {other} and {spec.code}")


def _parse_catalogue(data: dict[str, Any], source: str) -> _Catalogue:
    _mapping(
        data,
        source,
        allowed={"plan", "reference", "note", "dimensions", "sdg_indicators", "rights"},
    )
    plan_code = _text(data.get("plan"), f"{source}, plan")

    dimensions: list[_DimensionSpec] = []
    headers: dict[str, str] = {}
    for position, item in enumerate(data.get("dimensions") or [], start=1):
        where = f"{source}, dimension {position}"
        item = _mapping(
            item,
            where,
            allowed={"code", "name", "column_name", "values", "note"},
            required={"code"},
        )
        code = _code(item["code"], where)
        where = f"{source}, dimension {code}"
        if any(d.code == code for d in dimensions):
            raise CatalogueError(f"{where}: listed twice")
        if code == AREA and item.get("values"):
            raise CatalogueError(f"{where}: the areas come from the areas file, not the catalogue")
        fields: dict[str, Any] = {
            "order": position,
            "column_name": _text(item.get("column_name"), f"{where}, column_name"),
            **_translations(item.get("name"), "name", where),
        }
        values: list[_ValueSpec] = []
        for order, value in enumerate(item.get("values") or [], start=1):
            spec = _value_spec(value, f"{where}, value {order}", order)
            if any(v.code == spec.code for v in values):
                raise CatalogueError(f"{spec.where}: listed twice")
            values.append(spec)
        _check_terms(values, where)
        names = [code, fields["column_name"]]
        names += [text for key, text in fields.items() if key.startswith("name_")]
        for term in {_norm(n) for n in names if n}:
            other = headers.setdefault(term, code)
            if other != code:
                raise CatalogueError(f"{where}: the column {term!r} would also mean {other}")
        dimensions.append(_DimensionSpec(code, fields, values, where))
    dimension_codes = {d.code for d in dimensions}

    sdg_indicators: list[tuple[str, str, str]] = []
    for position, item in enumerate(data.get("sdg_indicators") or [], start=1):
        where = f"{source}, SDG indicator {position}"
        item = _mapping(
            item, where, allowed={"code", "title_en", "note"}, required={"code", "title_en"}
        )
        code = _text(item["code"], where, required=True)
        where = f"{source}, SDG indicator {code}"
        if any(c == code for c, _t, _w in sdg_indicators):
            raise CatalogueError(f"{where}: listed twice")
        sdg_indicators.append((code, _text(item["title_en"], where, required=True), where))
    sdg_codes = {code for code, _t, _w in sdg_indicators}

    rights: list[_RightSpec] = []
    indicator_codes: set[str] = set()
    for position, item in enumerate(data.get("rights") or [], start=1):
        where = f"{source}, right {position}"
        item = _mapping(
            item,
            where,
            allowed={"key", "title", "ohchr_table", "theme", "attributes", "note"},
            required={"key"},
        )
        key = _text(item["key"], where, required=True)
        where = f"{source}, right {key}"
        if any(r.key == key for r in rights):
            raise CatalogueError(f"{where}: listed twice")
        fields = {
            "order": position,
            **_translations(item.get("title"), "title", where, required=True),
        }
        if "ohchr_table" in item:
            fields["ohchr_table"] = _text(item["ohchr_table"], f"{where}, ohchr_table")
        theme = _text(item.get("theme"), f"{where}, theme") or None
        attributes: list[_AttributeSpec] = []
        for order, attribute in enumerate(item.get("attributes") or [], start=1):
            attribute_spec = _parse_attribute(
                attribute,
                where,
                order,
                dimension_codes=dimension_codes,
                sdg_codes=sdg_codes,
                seen=indicator_codes,
            )
            if any(a.key == attribute_spec.key for a in attributes):
                raise CatalogueError(f"{attribute_spec.where}: listed twice")
            attributes.append(attribute_spec)
        rights.append(_RightSpec(key, fields, theme, "theme" in item, attributes, where))
    return _Catalogue(plan_code, dimensions, sdg_indicators, rights)


def _parse_attribute(
    item: Any,
    right_where: str,
    order: int,
    *,
    dimension_codes: set[str],
    sdg_codes: set[str],
    seen: set[str],
) -> _AttributeSpec:
    where = f"{right_where}, attribute {order}"
    item = _mapping(item, where, allowed={"key", "title", "indicators", "note"}, required={"key"})
    key = _text(item["key"], where, required=True)
    where = f"{right_where}, attribute {key}"
    fields = {"order": order, **_translations(item.get("title"), "title", where, required=True)}
    indicators = [
        _parse_indicator(
            indicator,
            where,
            position,
            dimension_codes=dimension_codes,
            sdg_codes=sdg_codes,
            seen=seen,
        )
        for position, indicator in enumerate(item.get("indicators") or [], start=1)
    ]
    return _AttributeSpec(key, fields, indicators, where)


INDICATOR_TEXTS = ("title", "definition", "rationale", "method", "source", "limitations")


def _parse_indicator(
    item: Any,
    attribute_where: str,
    order: int,
    *,
    dimension_codes: set[str],
    sdg_codes: set[str],
    seen: set[str],
) -> _IndicatorSpec:
    where = f"{attribute_where}, indicator {order}"
    item = _mapping(
        item,
        where,
        allowed={
            *INDICATOR_TEXTS,
            "code",
            "kind",
            "unit",
            "unit_label",
            "decimals",
            "periodicity",
            "dimensions",
            "higher_is_better",
            "ohchr_reference",
            "sdg",
            "actions",
            "agency",
            "note",
        },
        required={"code", "kind", "unit", "title"},
    )
    code = _code(item["code"], where)
    where = f"{attribute_where}, indicator {code}"
    if code in seen:
        raise CatalogueError(f"{where}: the code {code} is used by another indicator")
    seen.add(code)
    kind = item["kind"]
    if kind not in Indicator.Kind.values:
        raise CatalogueError(
            f"{where}: kind {kind!r} is not one of {', '.join(Indicator.Kind.values)}"
        )
    fields: dict[str, Any] = {
        "order": order,
        "kind": kind,
        "unit": _text(item["unit"], f"{where}, unit", required=True),
    }
    for name in INDICATOR_TEXTS:
        fields.update(_translations(item.get(name), name, where, required=name == "title"))
    fields.update(_translations(item.get("unit_label"), "unit_label", where))
    if "decimals" in item:
        decimals = item["decimals"]
        if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 6:
            raise CatalogueError(f"{where}: decimals must be a whole number from 0 to 6")
        fields["decimals"] = decimals
    if "periodicity" in item:
        periodicity = item["periodicity"]
        if periodicity not in Indicator.Periodicity.values:
            raise CatalogueError(
                f"{where}: periodicity {periodicity!r} is not one of "
                f"{', '.join(Indicator.Periodicity.values)}"
            )
        fields["periodicity"] = periodicity
    if "higher_is_better" in item:
        if item["higher_is_better"] not in (True, False, None):
            raise CatalogueError(f"{where}: higher_is_better must be true, false or null")
        fields["higher_is_better"] = item["higher_is_better"]
    if "ohchr_reference" in item:
        fields["ohchr_reference"] = _text(item["ohchr_reference"], f"{where}, ohchr_reference")

    m2m: dict[str, list[str]] = {}
    if "dimensions" in item:
        dimensions = _texts(item["dimensions"], f"{where}, dimensions")
        for dimension in dimensions:
            if dimension == AREA:
                raise CatalogueError(
                    f"{where}: leave {AREA} out of dimensions; every indicator has an area"
                )
            if dimension not in dimension_codes:
                raise CatalogueError(
                    f"{where}: unknown dimension {dimension!r} (the catalogue defines "
                    f"{', '.join(sorted(dimension_codes - {AREA}))})"
                )
        if len(set(dimensions)) != len(dimensions):
            raise CatalogueError(f"{where}: a dimension is listed twice")
        m2m["dimensions"] = dimensions
    if "sdg" in item:
        sdg = _texts(item["sdg"], f"{where}, sdg")
        for sdg_code in sdg:
            if sdg_code not in sdg_codes:
                raise CatalogueError(
                    f"{where}: SDG indicator {sdg_code!r} is not in the sdg_indicators list"
                )
        m2m["sdg"] = list(dict.fromkeys(sdg))
    if "actions" in item:
        numbers = item["actions"] or []
        if not isinstance(numbers, list):
            raise CatalogueError(f"{where}: actions must be a list of action numbers")
        for number in numbers:
            if not isinstance(number, str):
                raise CatalogueError(
                    f"{where}: write the action number {number!r} in quotes, as in "
                    '"5.10"; unquoted, YAML reads 5.10 as the number 5.1'
                )
        m2m["actions"] = list(dict.fromkeys(n.strip() for n in numbers))
    agency = _text(item.get("agency"), f"{where}, agency") or None
    return _IndicatorSpec(code, fields, m2m, agency, "agency" in item, where)


def _parse_areas(data: dict[str, Any], source: str) -> _Areas:
    _mapping(
        data,
        source,
        allowed={
            "country",
            "country_name",
            "country_aliases",
            "as_of",
            "source",
            "checked",
            "notes",
            "areas",
        },
        required={"country", "as_of", "source", "areas"},
    )
    country = _text(data["country"], f"{source}, country", required=True)
    if (
        len(country) != 2
        or not country.isupper()
        or pycountry.countries.get(alpha_2=country) is None
    ):
        raise CatalogueError(
            f"{source}: country {country!r} is not an ISO 3166-1 alpha-2 code such as KZ"
        )
    as_of = _date(data["as_of"], f"{source}, as_of")
    assert as_of is not None  # required above
    sources = data["source"]
    if not isinstance(sources, (str, list)) or not sources:
        raise CatalogueError(f"{source}: 'source' must say where the list comes from")
    national = _value_spec(
        {
            "code": country,
            "name": data.get("country_name"),
            "aliases": data.get("country_aliases") or [],
        },
        f"{source}, country",
        0,
    )
    areas: list[_ValueSpec] = []
    if not isinstance(data["areas"], list):
        raise CatalogueError(f"{source}: 'areas' must be a list")
    for position, item in enumerate(data["areas"], start=1):
        spec = _value_spec(item, f"{source}, area {position}", position, extra_keys={"kind"})
        if not spec.code.startswith(f"{country}-"):
            raise CatalogueError(f"{spec.where}: an area code starts with {country}-")
        kind = item.get("kind")
        if kind not in AREA_KINDS:
            raise CatalogueError(
                f"{spec.where}: kind {kind!r} is not one of {', '.join(sorted(AREA_KINDS))}"
            )
        if any(a.code == spec.code for a in areas):
            raise CatalogueError(f"{spec.where}: listed twice")
        areas.append(spec)
    _check_terms([national, *areas], source)
    return _Areas(country, as_of, national, areas, source)


# ---------------------------------------------------------------------------------------------
# Writing (one transaction)
# ---------------------------------------------------------------------------------------------


def _describe(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def _save(instance: models.Model, where: str) -> None:
    """Validate as a form would, then save with a history reason saying where it came from."""
    try:
        instance.full_clean()
    except ValidationError as error:
        raise CatalogueError(f"{where}: {_describe(error)}") from error
    instance._change_reason = CHANGE_REASON  # type: ignore[attr-defined]
    instance.save()


def _upsert(
    model: type[M],
    found: M | None,
    identity: Mapping[str, Any],
    fields: Mapping[str, Any],
    where: str,
) -> tuple[M, str]:
    """Create, update only what differs, or leave alone; return the instance and which."""
    if found is None:
        instance = model(**identity, **fields)
        _save(instance, where)
        return instance, "created"
    changed = {name: value for name, value in fields.items() if getattr(found, name) != value}
    if not changed:
        return found, "unchanged"
    for name, value in changed.items():
        setattr(found, name, value)
    if isinstance(found, VersionedModel):
        # Someone editing this row in the interface must reload rather than overwrite it.
        claim_version(found, None)
    _save(found, where)
    return found, "updated"


def _set_links(manager: Any, wanted: Iterable[models.Model], current: set[int]) -> bool:
    """Make a many-to-many set equal to ``wanted`` (within ``current``); True if it changed."""
    wanted_ids = {obj.pk for obj in wanted}
    if wanted_ids == current:
        return False
    if current - wanted_ids:
        manager.remove(*(current - wanted_ids))
    if wanted_ids - current:
        manager.add(*(wanted_ids - current))
    return True


def _check_lookup(dimension: Dimension, where: str) -> None:
    """Values already in the database (not in the file) must not clash with the file's."""
    specs = [
        _ValueSpec(
            value.code,
            {
                "aliases": value.aliases,
                **{f"name_{code}": getattr(value, f"name_{code}") for code in language_codes()},
            },
            where,
        )
        for value in dimension.values.all()
    ]
    _check_terms(specs, f"{where} (with the values already stored)")


class _Writer:
    def __init__(self, summary: CatalogueSummary) -> None:
        self.summary = summary

    def dimensions(self, specs: list[_DimensionSpec]) -> dict[str, Dimension]:
        found = {d.code: d for d in Dimension.objects.all()}
        result: dict[str, Dimension] = {}
        for spec in specs:
            dimension, status = _upsert(
                Dimension, found.get(spec.code), {"code": spec.code}, spec.fields, spec.where
            )
            self.summary.dimensions.count(status)
            result[spec.code] = dimension
            self.values(dimension, spec.values, self.summary.values)
            if spec.values:
                _check_lookup(dimension, spec.where)
        return result

    def values(self, dimension: Dimension, specs: list[_ValueSpec], tally: Tally) -> None:
        found = {v.code: v for v in dimension.values.all()}
        for spec in specs:
            _value, status = _upsert(
                DimensionValue,
                found.get(spec.code),
                {"dimension": dimension, "code": spec.code},
                spec.fields,
                spec.where,
            )
            tally.count(status)

    def areas(self, areas: _Areas, dimensions: dict[str, Dimension]) -> None:
        dimension = dimensions.get(AREA)
        if dimension is None:
            dimension = Dimension.objects.filter(code=AREA).first()
        if dimension is None:
            dimension, status = _upsert(
                Dimension,
                None,
                {"code": AREA},
                {**DEFAULT_AREA_DIMENSION, "order": 0},
                f"{areas.where}, dimension {AREA}",
            )
            self.summary.dimensions.count(status)
        # Codebook.national_area() relies on one value without a hyphen: the country.
        others = sorted(
            dimension.values.exclude(code__contains="-")
            .exclude(code=areas.country)
            .values_list("code", flat=True)
        )
        if others:
            raise CatalogueError(
                f"{areas.where}: this installation already holds the areas of "
                f"{', '.join(others)}; one installation monitors one country"
            )
        self.values(dimension, [areas.national, *areas.areas], self.summary.areas)
        _check_lookup(dimension, areas.where)
        in_file = {areas.country, *(a.code for a in areas.areas)}
        self.summary.areas_not_in_file = sorted(
            set(dimension.values.values_list("code", flat=True)) - in_file
        )
        self.summary.country = areas.country
        self.summary.areas_as_of = areas.as_of

    def sdg_indicators(self, specs: list[tuple[str, str, str]]) -> dict[str, SdgIndicator]:
        found = {s.code: s for s in SdgIndicator.objects.all()}
        result: dict[str, SdgIndicator] = {}
        for code, title, where in specs:
            sdg, status = _upsert(
                SdgIndicator, found.get(code), {"code": code}, {"title_en": title}, where
            )
            self.summary.sdg_indicators.count(status)
            result[code] = sdg
        return result

    def rights(
        self,
        specs: list[_RightSpec],
        dimensions: dict[str, Dimension],
        sdg_indicators: dict[str, SdgIndicator],
    ) -> None:
        summary = self.summary
        plan = Plan.objects.filter(code=summary.plan_code).first() if summary.plan_code else None
        summary.plan_found = plan is not None
        actions = {a.number: a for a in Action.objects.filter(plan=plan)} if plan else {}
        themes = {t.key: t for t in Theme.objects.all()}
        agencies = Agency.objects.all().by_abbreviation()
        rights = {r.key: r for r in Right.objects.all()}
        attributes = {(a.right_id, a.key): a for a in Attribute.objects.all()}
        indicators = {i.code: i for i in Indicator.objects.all()}
        for spec in specs:
            fields = dict(spec.fields)
            if spec.has_theme:
                theme = themes.get(spec.theme) if spec.theme else None
                if spec.theme and theme is None:
                    summary.missing_themes.setdefault(spec.theme, []).append(spec.key)
                fields["theme_id"] = theme.pk if theme else None
            right, status = _upsert(
                Right, rights.get(spec.key), {"key": spec.key}, fields, spec.where
            )
            summary.rights.count(status)
            for attribute_spec in spec.attributes:
                attribute, status = _upsert(
                    Attribute,
                    attributes.get((right.pk, attribute_spec.key)),
                    {"right": right, "key": attribute_spec.key},
                    attribute_spec.fields,
                    attribute_spec.where,
                )
                summary.attributes.count(status)
                for indicator_spec in attribute_spec.indicators:
                    self.indicator(
                        indicator_spec,
                        attribute,
                        found=indicators.get(indicator_spec.code),
                        plan=plan,
                        actions=actions,
                        agencies=agencies,
                        dimensions=dimensions,
                        sdg_indicators=sdg_indicators,
                    )

    def indicator(
        self,
        spec: _IndicatorSpec,
        attribute: Attribute,
        *,
        found: Indicator | None,
        plan: Plan | None,
        actions: dict[str, Action],
        agencies: dict[str, Agency],
        dimensions: dict[str, Dimension],
        sdg_indicators: dict[str, SdgIndicator],
    ) -> None:
        summary = self.summary
        fields = {"attribute_id": attribute.pk, **spec.fields}
        if spec.has_agency:
            agency = agencies.get(spec.agency.casefold()) if spec.agency else None
            if spec.agency and agency is None:
                summary.missing_agencies.setdefault(spec.agency, []).append(spec.code)
            fields["agency_id"] = agency.pk if agency else None
        indicator, status = _upsert(Indicator, found, {"code": spec.code}, fields, spec.where)
        linked = False
        if "dimensions" in spec.m2m:
            linked |= _set_links(
                indicator.dimensions,
                [dimensions[code] for code in spec.m2m["dimensions"]],
                set(indicator.dimensions.values_list("pk", flat=True)),
            )
        if "sdg" in spec.m2m:
            linked |= _set_links(
                indicator.sdg_indicators,
                [sdg_indicators[code] for code in spec.m2m["sdg"]],
                set(indicator.sdg_indicators.values_list("pk", flat=True)),
            )
        if "actions" in spec.m2m:
            wanted: list[Action] = []
            for number in spec.m2m["actions"]:
                action = actions.get(number)
                if action is None:
                    summary.missing_actions.append(f"{spec.code} → {number}")
                else:
                    wanted.append(action)
            if plan is not None:
                # Only the catalogue plan's links are the file's; links to other plans stay.
                linked |= _set_links(
                    indicator.actions,
                    wanted,
                    set(indicator.actions.filter(plan=plan).values_list("pk", flat=True)),
                )
        if linked and status == "unchanged":
            claim_version(indicator, None)
            status = "updated"
        summary.indicators.count(status)
        summary.indicators_by_kind[indicator.kind] = (
            summary.indicators_by_kind.get(indicator.kind, 0) + 1
        )


def load_catalogue(
    path: Path = DEFAULT_CATALOGUE,
    areas_path: Path | None = DEFAULT_AREAS,
    *,
    plan_code: str | None = None,
    dry_run: bool = False,
) -> CatalogueSummary:
    """Create or update everything the catalogue (and the areas file) lists, in one transaction.

    ``plan_code`` overrides the catalogue's ``plan`` (the plan whose action numbers the
    indicators cite). ``areas_path=None`` leaves the areas alone. ``dry_run`` checks and writes
    inside the transaction, then rolls it back, so that the summary shows what would change.
    Raises ``CatalogueError`` naming the file and the entry; nothing is then written.
    """
    path, areas_path = Path(path), Path(areas_path) if areas_path else None
    catalogue = _parse_catalogue(read_yaml(path), str(path))
    areas = _parse_areas(read_yaml(areas_path), str(areas_path)) if areas_path else None
    summary = CatalogueSummary(plan_code=plan_code or catalogue.plan_code, dry_run=dry_run)
    writer = _Writer(summary)
    with transaction.atomic():
        dimensions = writer.dimensions(catalogue.dimensions)
        if areas is not None:
            writer.areas(areas, dimensions)
        sdg_indicators = writer.sdg_indicators(catalogue.sdg_indicators)
        writer.rights(catalogue.rights, dimensions, sdg_indicators)
        if dry_run:
            transaction.set_rollback(True)
    return summary
