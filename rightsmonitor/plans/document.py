"""Load a whole plan register from one structured document (YAML or JSON).

The document holds the managed lists (forms of completion, themes), agencies, legal
instruments and one plan with its sections and actions; see ``demo/kazakhstan_2022.yaml``.
It is how the demo plan is loaded, and how an installation can be seeded from a file kept in
version control. Everything is written through ``plans.actions`` in one transaction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from rightsmonitor.core.translation import language_codes, set_translations
from rightsmonitor.plans import actions
from rightsmonitor.plans.agency_list import AgencyResolver, parse_agency_list
from rightsmonitor.plans.models import Agency, FormOfCompletion, Instrument, Plan, Theme


class PlanDocumentError(ValueError):
    """The document is not shaped as expected; the message names the place."""


def read_document(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or "plan" not in data:
        raise PlanDocumentError(f"{path}: expected a mapping with a 'plan' key")
    return data


def _translation_fields(name: str, values: dict[str, str] | None) -> dict[str, str]:
    """{"en": "x", "ru": "y"} -> {"title_en": "x", "title_ru": "y"} for the known languages."""
    return {
        f"{name}_{code}": (values or {}).get(code, "").strip()
        for code in language_codes()
        if (values or {}).get(code)
    }


def _require(mapping: dict[str, Any], key: str, where: str) -> Any:
    if key not in mapping or mapping[key] in (None, ""):
        raise PlanDocumentError(f"{where}: '{key}' is required")
    return mapping[key]


def _load_forms(items: list[dict[str, Any]], *, by: Any) -> None:
    for order, item in enumerate(items, start=1):
        form, _created = FormOfCompletion.objects.get_or_create(key=_require(item, "key", "form"))
        set_translations(form, "name", item.get("name") or {})
        form.order = order
        form.save()


def _load_themes(items: list[dict[str, Any]], *, parent: Theme | None = None) -> None:
    for item in items:
        key = _require(item, "key", "theme")
        kind = item.get("kind") or (parent.kind if parent else Theme.Kind.RIGHT)
        theme, _created = Theme.objects.get_or_create(
            key=key, defaults={"kind": kind, "parent": parent}
        )
        theme.kind, theme.parent = kind, parent
        set_translations(theme, "name", item.get("name") or {})
        theme.full_clean()
        theme.save()
        _load_themes(item.get("children") or [], parent=theme)


def _load_agencies(items: list[dict[str, Any]], *, by: Any) -> None:
    # Two passes so that a parent may be listed after its child.
    for item in items:
        abbreviation = _require(item, "abbreviation", "agency")
        agency = Agency.objects.filter(abbreviation=abbreviation).first() or Agency(
            abbreviation=abbreviation
        )
        agency.kind = item.get("kind") or Agency.Kind.OTHER
        abbreviations = item.get("abbreviations") or {}
        agency.abbreviation_ru = abbreviations.get("ru", "")
        agency.abbreviation_kk = abbreviations.get("kk", "")
        set_translations(agency, "name", item.get("name") or {})
        actions.save_agency(agency, by=by)
    for item in items:
        if item.get("parent"):
            agency = Agency.objects.get(abbreviation=item["abbreviation"])
            try:
                agency.parent = Agency.objects.get(abbreviation=item["parent"])
            except Agency.DoesNotExist as exc:
                raise PlanDocumentError(
                    f"agency {item['abbreviation']}: unknown parent {item['parent']}"
                ) from exc
            actions.save_agency(agency, by=by)


def _load_instruments(
    items: list[dict[str, Any]], country: str, *, by: Any
) -> dict[str, Instrument]:
    instruments: dict[str, Instrument] = {}
    for item in items:
        key = _require(item, "key", "instrument")
        instrument = Instrument.objects.filter(
            country=country, kind=item["kind"], number=str(item["number"]), date=item["date"]
        ).first() or Instrument(
            country=country, kind=item["kind"], number=str(item["number"]), date=item["date"]
        )
        instrument.issuing_authority = item.get("issuing_authority", "")
        instrument.url = item.get("url") or ""
        set_translations(instrument, "title", item.get("title") or {})
        instruments[key] = actions.save_instrument(instrument, by=by)
    return instruments


def _instrument(
    instruments: dict[str, Instrument], key: str | None, where: str
) -> Instrument | None:
    if not key:
        return None
    if key not in instruments:
        raise PlanDocumentError(f"{where}: unknown instrument '{key}'")
    return instruments[key]


@transaction.atomic
def load_plan_document(data: dict[str, Any], *, by: Any = None) -> Plan:
    """Create the plan the document describes; refuse if a plan with its code exists."""
    country = _require(data, "country", "document")
    spec = data["plan"]
    code = _require(spec, "code", "plan")
    if Plan.objects.filter(code=code).exists():
        raise PlanDocumentError(f"plan '{code}' already exists")
    _load_forms(data.get("forms_of_completion") or [], by=by)
    _load_themes(data.get("themes") or [])
    _load_agencies(data.get("agencies") or [], by=by)
    instruments = _load_instruments(data.get("instruments") or [], country, by=by)

    plan = actions.create_plan(
        by=by,
        code=code,
        country=country,
        status=spec.get("status", Plan.Status.DRAFT),
        period_start=spec.get("period_start"),
        period_end=spec.get("period_end"),
        adopting_instrument=_instrument(instruments, spec.get("adopting_instrument"), "plan"),
        parent_instrument=_instrument(instruments, spec.get("parent_instrument"), "plan"),
        coordinator=Agency.objects.filter(abbreviation=spec.get("coordinator") or "").first(),
        **_translation_fields("title", spec.get("title")),
        **_translation_fields("description", spec.get("description")),
    )
    for amendment in spec.get("amendments") or []:
        actions.add_amendment(
            plan,
            instrument=_instrument(instruments, amendment["instrument"], "amendment"),  # type: ignore[arg-type]
            date=amendment["date"],
            summary=amendment.get("summary") or {},
            by=by,
        )

    forms = {form.key: form for form in FormOfCompletion.objects.all()}
    themes = {theme.key: theme for theme in Theme.objects.all()}
    resolver = AgencyResolver(by=by)
    for order, section_spec in enumerate(spec.get("sections") or [], start=1):
        section = actions.create_section(
            plan,
            by=by,
            number=str(section_spec["number"]),
            order=order,
            **_translation_fields("title", section_spec.get("title")),
        )
        for action_order, item in enumerate(section_spec.get("actions") or [], start=1):
            where = f"action {item.get('number')}"
            fields: dict[str, Any] = {
                "number": str(_require(item, "number", where)),
                "order": action_order,
            }
            for name in ("title", "description", "expected_result"):
                fields.update(_translation_fields(name, item.get(name)))
            form_key = item.get("form_of_completion")
            if form_key and form_key not in forms:
                raise PlanDocumentError(f"{where}: unknown form of completion '{form_key}'")
            unknown_themes = [key for key in item.get("themes") or [] if key not in themes]
            if unknown_themes:
                raise PlanDocumentError(f"{where}: unknown themes {unknown_themes}")
            actions.create_action(
                section,
                by=by,
                deadline=str(item.get("deadline") or ""),
                agencies=parse_agency_list(item.get("agencies") or ""),
                themes=[themes[key] for key in item.get("themes") or []],
                resolver=resolver,
                form_of_completion=forms.get(form_key) if form_key else None,
                **fields,
            )
    return plan
