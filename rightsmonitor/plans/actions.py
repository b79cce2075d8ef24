"""Every change to the plan register goes through these functions.

Each runs in one transaction, validates, saves, and records who did it in the history
(django-simple-history reads ``_history_user`` and ``_change_reason``). Views, the API,
commands and importers call these; nothing else saves plan objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from rightsmonitor.core.locking import VersionedModel, claim_version
from rightsmonitor.plans.agency_list import AgencyListError, AgencyMention, AgencyResolver
from rightsmonitor.plans.deadlines import parse_deadline
from rightsmonitor.plans.models import (
    Action,
    ActionAgency,
    Agency,
    Amendment,
    FormOfCompletion,
    Instrument,
    Plan,
    Section,
    Theme,
)


def record_actor(instance: models.Model, by: Any, reason: str = "") -> None:
    """Tell django-simple-history who makes the next save or delete, and why."""
    instance._history_user = by if getattr(by, "is_authenticated", False) else None  # type: ignore[attr-defined]
    if reason:
        instance._change_reason = reason  # type: ignore[attr-defined]


def _save(instance: models.Model, *, by: Any, reason: str = "") -> None:
    """Validate and save with the history row naming the actor."""
    instance.full_clean(validate_unique=True, validate_constraints=True)
    record_actor(instance, by, reason)
    instance.save()


def _assign(instance: models.Model, fields: Mapping[str, Any]) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)


def _update_versioned(
    instance: VersionedModel,
    fields: Mapping[str, Any],
    *,
    by: Any,
    expected_version: int | None,
    reason: str = "",
) -> None:
    claim_version(instance, expected_version)
    _assign(instance, fields)
    _save(instance, by=by, reason=reason)


def apply_deadline(action: Action, text: str) -> None:
    """Store the deadline as written and what it means; unreadable text is flagged, not guessed."""
    parsed = parse_deadline(text)
    start = action.plan.period_start if action.plan_id else None
    if parsed.recurrence_month and parsed.recurrence_day and start:
        # A recurring deadline is first due on its first occurrence within the plan's period.
        parsed = parse_deadline(text, reference_year=start.year)
        if parsed.due_date and parsed.due_date < start:
            parsed = parse_deadline(text, reference_year=start.year + 1)
    action.deadline_text = parsed.text.strip()
    action.due_date = parsed.due_date
    action.start_date = parsed.start_date
    action.recurrence = parsed.recurrence.value
    action.recurrence_month = parsed.recurrence_month
    action.recurrence_day = parsed.recurrence_day
    action.deadline_needs_review = bool(action.deadline_text) and parsed.needs_review


# Instruments and agencies -------------------------------------------------------------------


@transaction.atomic
def save_instrument(instrument: Instrument, *, by: Any) -> Instrument:
    _save(instrument, by=by)
    return instrument


@transaction.atomic
def save_agency(agency: Agency, *, by: Any) -> Agency:
    _save(agency, by=by)
    return agency


@transaction.atomic
def add_forms_of_completion(
    forms: Iterable[FormOfCompletion], *, by: Any
) -> list[FormOfCompletion]:
    """Append new entries to the managed list of forms of completion, after the existing ones."""
    top = FormOfCompletion.objects.aggregate(top=Max("order"))["top"] or 0
    added = []
    for position, form in enumerate(forms, start=top + 1):
        form.order = position
        _save(form, by=by)
        added.append(form)
    return added


# Plans ---------------------------------------------------------------------------------------


@transaction.atomic
def create_plan(*, by: Any, **fields: Any) -> Plan:
    plan = Plan(**fields)
    _save(plan, by=by, reason="created")
    return plan


@transaction.atomic
def update_plan(
    plan: Plan, fields: Mapping[str, Any], *, by: Any, expected_version: int | None = None
) -> Plan:
    _update_versioned(plan, fields, by=by, expected_version=expected_version)
    return plan


@transaction.atomic
def add_amendment(
    plan: Plan, *, instrument: Instrument, date: Any, summary: Mapping[str, str], by: Any
) -> Amendment:
    amendment = Amendment(plan=plan, instrument=instrument, date=date)
    for code, text in summary.items():
        setattr(amendment, f"summary_{code}", text)
    _save(amendment, by=by)
    return amendment


@transaction.atomic
def supersede_plan(old: Plan, new: Plan, *, by: Any) -> Plan:
    """The newer plan replaces the older one, which stays public as history."""
    fields = {"superseded_by": new, "status": Plan.Status.SUPERSEDED}
    _update_versioned(old, fields, by=by, expected_version=None, reason="superseded")
    return old


# Sections ------------------------------------------------------------------------------------


def _next_order(queryset: models.QuerySet[Any]) -> int:
    return (queryset.aggregate(top=Max("order"))["top"] or 0) + 1


@transaction.atomic
def create_section(plan: Plan, *, by: Any, **fields: Any) -> Section:
    section = Section(plan=plan, **fields)
    if not fields.get("order"):
        section.order = _next_order(plan.sections.all())
    _save(section, by=by, reason="created")
    return section


@transaction.atomic
def update_section(
    section: Section, fields: Mapping[str, Any], *, by: Any, expected_version: int | None = None
) -> Section:
    _update_versioned(section, fields, by=by, expected_version=expected_version)
    return section


@transaction.atomic
def delete_section(section: Section, *, by: Any) -> None:
    for action in section.actions.all():
        record_actor(action, by)
        action.delete()
    record_actor(section, by)
    section.delete()


def _move(item: Section | Action, siblings: models.QuerySet[Any], offset: int, *, by: Any) -> None:
    """Swap an item with its neighbour; renumber the siblings so orders are dense."""
    ordered = list(siblings.select_for_update().order_by("order", "pk"))
    index = next(i for i, sibling in enumerate(ordered) if sibling.pk == item.pk)
    target = index + offset
    if not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, sibling in enumerate(ordered, start=1):
        if sibling.order != position:
            sibling.order = position
            _save(sibling, by=by, reason="reordered")


@transaction.atomic
def move_section(section: Section, offset: int, *, by: Any) -> None:
    _move(section, section.plan.sections.all(), offset, by=by)


# Actions -------------------------------------------------------------------------------------


def _set_assignments(
    action: Action, mentions: Iterable[AgencyMention], resolver: AgencyResolver, *, by: Any
) -> None:
    """Replace the action's agencies: the first mention leads, the rest co-execute."""
    wanted: list[tuple[Agency, bool]] = [
        (resolver.resolve(m.abbreviation), m.as_agreed) for m in mentions
    ]
    if len({agency.pk for agency, _as_agreed in wanted}) != len(wanted):
        raise AgencyListError(_("The same agency is listed twice under different names."))
    current = {a.agency_id: a for a in action.assignments.all()}
    old_lead = next((a for a in current.values() if a.role == ActionAgency.Role.LEAD), None)
    if old_lead and (not wanted or old_lead.agency_id != wanted[0][0].pk):
        # Demote first so the one-lead constraint holds at every step; the loop below then
        # saves (or deletes) the old lead with a history row.
        ActionAgency.objects.filter(pk=old_lead.pk).update(role=ActionAgency.Role.CO_EXECUTOR)
    keep: set[int] = set()
    for position, (agency, as_agreed) in enumerate(wanted):
        role = ActionAgency.Role.LEAD if position == 0 else ActionAgency.Role.CO_EXECUTOR
        assignment = current.get(agency.pk) or ActionAgency(action=action, agency=agency)
        keep.add(agency.pk)
        if assignment.pk and (assignment.role, assignment.as_agreed, assignment.order) == (
            role,
            as_agreed,
            position,
        ):
            continue
        assignment.role, assignment.as_agreed, assignment.order = role, as_agreed, position
        record_actor(assignment, by)
        assignment.save()
    for agency_id, assignment in current.items():
        if agency_id not in keep:
            record_actor(assignment, by)
            assignment.delete()


@transaction.atomic
def create_action(
    section: Section,
    *,
    by: Any,
    deadline: str = "",
    agencies: Iterable[AgencyMention] = (),
    themes: Iterable[Theme] = (),
    resolver: AgencyResolver | None = None,
    **fields: Any,
) -> Action:
    action = Action(plan=section.plan, section=section, **fields)
    if not fields.get("order"):
        action.order = _next_order(section.actions.all())
    apply_deadline(action, deadline)
    _save(action, by=by, reason="created")
    _set_assignments(action, agencies, resolver or AgencyResolver(by=by), by=by)
    action.themes.set(list(themes))
    return action


@transaction.atomic
def update_action(
    action: Action,
    fields: Mapping[str, Any],
    *,
    by: Any,
    expected_version: int | None = None,
    deadline: str | None = None,
    agencies: Iterable[AgencyMention] | None = None,
    themes: Iterable[Theme] | None = None,
    resolver: AgencyResolver | None = None,
) -> Action:
    claim_version(action, expected_version)
    _assign(action, fields)
    if deadline is not None and deadline.strip() != action.deadline_text:
        apply_deadline(action, deadline)
    if "section" in fields:
        action.plan = action.section.plan
    _save(action, by=by)
    if agencies is not None:
        _set_assignments(action, agencies, resolver or AgencyResolver(by=by), by=by)
    if themes is not None:
        action.themes.set(list(themes))
    return action


@transaction.atomic
def set_due_date(
    action: Action, due_date: Any, *, by: Any, expected_version: int | None = None
) -> Action:
    """A coordinator settles a deadline the parser could not read; the text stays as written."""
    fields = {"due_date": due_date, "deadline_needs_review": False}
    _update_versioned(
        action, fields, by=by, expected_version=expected_version, reason="due date set"
    )
    return action


@transaction.atomic
def move_action(action: Action, offset: int, *, by: Any) -> None:
    _move(action, action.section.actions.all(), offset, by=by)


@transaction.atomic
def delete_action(action: Action, *, by: Any) -> None:
    record_actor(action, by)
    action.delete()
