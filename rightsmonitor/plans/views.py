"""Staff pages (namespace "manage"): the dashboard, plan, section and action forms, history.

Every view loads through the access helpers: anonymous users go to the login page, users
without the right get 403, unknown objects (and drafts the user may not even see) 404.
Sections and actions are always looked up within the plan named in the address. Forms
validate, the functions in ``plans.actions`` write, and the view redirects. htmx requests that
reorder the plan get the section-list partial that the full page includes.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    Count,
    QuerySet,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rightsmonitor.core.forms import add_action_errors
from rightsmonitor.core.locking import ConcurrentEditError
from rightsmonitor.core.translation import active_language, language_codes
from rightsmonitor.plans.access import (
    can_edit_plan,
    can_manage_plans,
    can_view_history,
    can_view_plan,
    plans_for_user,
)
from rightsmonitor.plans.actions import (
    add_amendment,
    create_action,
    create_plan,
    create_section,
    delete_action,
    delete_section,
    move_action,
    move_section,
    save_agency,
    save_instrument,
    set_due_date,
    update_action,
    update_plan,
    update_section,
)
from rightsmonitor.plans.agency_list import AgencyListError
from rightsmonitor.plans.exporters.plan_table import content_type as table_content_type
from rightsmonitor.plans.exporters.plan_table import export_plan_table
from rightsmonitor.plans.forms import (
    ActionForm,
    AgencyForm,
    AmendmentForm,
    InstrumentForm,
    MoveForm,
    NewPlanFromTableForm,
    PlanForm,
    PlanTableExportForm,
    PlanTableUploadForm,
    SectionForm,
)
from rightsmonitor.plans.history import (
    HistorySource,
    action_subject,
    amendment_subject,
    assignment_subject,
    history_page,
    plan_subject,
    section_subject,
)
from rightsmonitor.plans.importers.plan_table import (
    ImportReport,
    PlanNotEmptyError,
    TableError,
    load_new_plan_table,
    load_plan_table,
)
from rightsmonitor.plans.models import (
    Action,
    ActionAgency,
    Agency,
    Amendment,
    Instrument,
    Plan,
    Section,
)

# Loading through the access helpers --------------------------------------------------------


def _require_manager(request: HttpRequest) -> None:
    if not can_manage_plans(request.user):
        raise PermissionDenied


def _deny(request: HttpRequest, plan: Plan) -> None:
    """403 for a plan the user may read; 404 for one they may not even know about."""
    if not can_view_plan(request.user, plan):
        raise Http404
    raise PermissionDenied


def _editable_plan(request: HttpRequest, code: str) -> Plan:
    plan = get_object_or_404(Plan.objects.with_related(), code=code)
    if not can_edit_plan(request.user, plan):
        _deny(request, plan)
    return plan


def _plan_with_history(request: HttpRequest, code: str) -> Plan:
    plan = get_object_or_404(Plan.objects.with_related(), code=code)
    if not can_view_history(request.user):
        _deny(request, plan)
    return plan


def _section(plan: Plan, pk: int) -> Section:
    section = get_object_or_404(Section, plan=plan, pk=pk)
    section.plan = plan
    return section


def _action(plan: Plan, pk: int, queryset: QuerySet[Action] | None = None) -> Action:
    action = get_object_or_404(
        Action.objects.with_related() if queryset is None else queryset, plan=plan, pk=pk
    )
    action.plan = plan
    return action


# Small helpers ---------------------------------------------------------------------------------


def _sections(plan: Plan) -> QuerySet[Section]:
    return plan.sections.with_actions()


def _plan_edit_url(plan: Plan, fragment: str = "") -> str:
    url = reverse("manage:plan_edit", args=[plan.code])
    return f"{url}#{fragment}" if fragment else url


def _section_list(request: HttpRequest, plan: Plan) -> HttpResponse:
    return render(
        request, "manage/includes/plan_sections.html", {"plan": plan, "sections": _sections(plan)}
    )


def _after_list_change(request: HttpRequest, plan: Plan, fragment: str) -> HttpResponse:
    """htmx gets the refreshed section list; a plain form post goes back to the plan."""
    if request.headers.get("HX-Request"):
        return _section_list(request, plan)
    return redirect(_plan_edit_url(plan, fragment))


def _offset(request: HttpRequest) -> int:
    form = MoveForm(request.POST)
    if not form.is_valid():
        raise BadRequest("offset must be -1 or 1")
    return int(form.cleaned_data["offset"])


# Dashboard -------------------------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    visible = plans_for_user(request.user)
    plans = visible.with_related().with_counts().order_by("-period_start", "code")
    to_review = (
        Action.objects.needing_deadline_review()
        .filter(plan__in=visible)
        .with_plan_and_section()
        .order_by("plan__code", "section__order", "order", "pk")
    )
    return render(request, "manage/dashboard.html", {"plans": plans, "to_review": to_review})


# Plans -----------------------------------------------------------------------------------------


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = PlanForm(request.POST) if request.method == "POST" else PlanForm()
    if form.is_bound and form.is_valid():
        try:
            plan = create_plan(by=request.user, **form.changed_fields)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("The plan was created. Now add its sections."))
            return redirect(_plan_edit_url(plan))
    return render(request, "manage/plan_form.html", {"form": form})


@login_required
def plan_edit(request: HttpRequest, code: str) -> HttpResponse:
    plan = _editable_plan(request, code)
    status = 200
    if request.method == "POST":
        # The form validates a copy, so a failed save leaves the page's plan as stored.
        form = PlanForm(request.POST, instance=copy.copy(plan))
        if form.is_valid():
            try:
                update_plan(
                    form.instance,
                    form.changed_fields,
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                )
            except ConcurrentEditError:
                form.add_error(None, ConcurrentEditError.message)
                status = 409
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("The plan was saved."))
                return redirect(_plan_edit_url(plan))
    else:
        form = PlanForm(instance=plan)
    context = {"form": form, "plan": plan, "sections": _sections(plan)}
    return render(request, "manage/plan_form.html", context, status=status)


# Sections --------------------------------------------------------------------------------------


@login_required
def section_create(request: HttpRequest, code: str) -> HttpResponse:
    plan = _editable_plan(request, code)
    form = (
        SectionForm(request.POST, plan=plan) if request.method == "POST" else SectionForm(plan=plan)
    )
    if form.is_bound and form.is_valid():
        try:
            section = create_section(plan, by=request.user, **form.changed_fields)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("The section was added."))
            return redirect(_plan_edit_url(plan, f"section-{section.pk}"))
    return render(request, "manage/section_form.html", {"form": form, "plan": plan})


@login_required
def section_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    plan = _editable_plan(request, code)
    section = _section(plan, pk)
    status = 200
    if request.method == "POST":
        form = SectionForm(request.POST, instance=copy.copy(section), plan=plan)
        if form.is_valid():
            try:
                update_section(
                    form.instance,
                    form.changed_fields,
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                )
            except ConcurrentEditError:
                form.add_error(None, ConcurrentEditError.message)
                status = 409
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("The section was saved."))
                return redirect(_plan_edit_url(plan, f"section-{section.pk}"))
    else:
        form = SectionForm(instance=section, plan=plan)
    context = {"form": form, "plan": plan, "section": section}
    return render(request, "manage/section_form.html", context, status=status)


@login_required
@require_POST
def section_move(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    plan = _editable_plan(request, code)
    section = _section(plan, pk)
    move_section(section, _offset(request), by=request.user)
    return _after_list_change(request, plan, f"section-{section.pk}")


@login_required
@require_POST
def section_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    plan = _editable_plan(request, code)
    section = _section(plan, pk)
    delete_section(section, by=request.user)
    messages.success(request, _("The section and its actions were deleted."))
    return _after_list_change(request, plan, "sections")


# Actions ---------------------------------------------------------------------------------------


def _settle_due_date(request: HttpRequest, action: Action, form: ActionForm) -> None:
    """A due date typed for a deadline the parser could not read settles it."""
    due_date = form.cleaned_data.get("due_date")
    if action.deadline_needs_review and due_date:
        set_due_date(action, due_date, by=request.user, expected_version=action.version)


def _after_action_saved(
    request: HttpRequest, plan: Plan, action: Action, message: str
) -> HttpResponse:
    """Back to the plan; or, while the deadline still needs a due date, back to the action."""
    messages.success(request, message)
    if action.deadline_needs_review:
        messages.warning(request, _("The deadline could not be read; set the due date."))
        return redirect("manage:action_edit", plan.code, action.pk)
    return redirect(_plan_edit_url(plan, f"action-{action.pk}"))


@login_required
def action_create(request: HttpRequest, code: str) -> HttpResponse:
    plan = _editable_plan(request, code)
    if request.method == "POST":
        form = ActionForm(request.POST, plan=plan)
    else:
        form = ActionForm(plan=plan, initial={"section": request.GET.get("section")})
    if form.is_bound and form.is_valid():
        fields = form.changed_fields
        try:
            with transaction.atomic():
                action = create_action(
                    fields.pop("section"),
                    by=request.user,
                    deadline=form.cleaned_data["deadline"],
                    agencies=form.cleaned_data["agencies"],
                    themes=form.cleaned_data["themes"],
                    resolver=form.resolver,
                    **fields,
                )
                _settle_due_date(request, action, form)
        except ValidationError as exc:
            add_action_errors(form, exc)
        except AgencyListError as exc:
            form.add_error("agencies", str(exc))
        else:
            return _after_action_saved(request, plan, action, _("The action was added."))
    return render(request, "manage/action_form.html", {"form": form, "plan": plan})


@login_required
def action_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    plan = _editable_plan(request, code)
    action = _action(plan, pk)
    status = 200
    if request.method == "POST":
        form = ActionForm(request.POST, instance=copy.copy(action), plan=plan)
        if form.is_valid():
            try:
                with transaction.atomic():
                    saved = update_action(
                        form.instance,
                        form.changed_fields,
                        by=request.user,
                        expected_version=form.cleaned_data["version"],
                        deadline=form.cleaned_data["deadline"],
                        agencies=form.cleaned_data["agencies"],
                        themes=form.cleaned_data["themes"],
                        resolver=form.resolver,
                    )
                    _settle_due_date(request, saved, form)
            except ConcurrentEditError:
                form.add_error(None, ConcurrentEditError.message)
                status = 409
            except ValidationError as exc:
                add_action_errors(form, exc)
            except AgencyListError as exc:
                form.add_error("agencies", str(exc))
            else:
                return _after_action_saved(request, plan, saved, _("The action was saved."))
    else:
        form = ActionForm(instance=action, plan=plan)
    context = {"form": form, "plan": plan, "action": action}
    return render(request, "manage/action_form.html", context, status=status)


@login_required
@require_POST
def action_move(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    plan = _editable_plan(request, code)
    action = _action(plan, pk)
    move_action(action, _offset(request), by=request.user)
    return _after_list_change(request, plan, f"action-{action.pk}")


@login_required
@require_POST
def action_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    plan = _editable_plan(request, code)
    action = _action(plan, pk)
    delete_action(action, by=request.user)
    messages.success(request, _("The action was deleted."))
    return _after_list_change(request, plan, f"section-{action.section_id}")


def _render_history(
    request: HttpRequest, template_context: dict[str, Any], sources: Iterable[HistorySource]
) -> HttpResponse:
    page, entries = history_page(request, list(sources))
    context = {**template_context, "page": page, "entries": entries}
    return render(request, "manage/history.html", context)


@login_required
def plan_history(request: HttpRequest, code: str) -> HttpResponse:
    plan = _plan_with_history(request, code)
    sources = [
        HistorySource(Plan.history.filter(id=plan.pk), plan_subject),
        HistorySource(
            Section.history.filter(plan_id=plan.pk), section_subject, frozenset({"plan"})
        ),
        HistorySource(
            Amendment.history.filter(plan_id=plan.pk), amendment_subject, frozenset({"plan"})
        ),
    ]
    return _render_history(request, {"plan": plan}, sources)


@login_required
def action_history(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    plan = _plan_with_history(request, code)
    action = _action(plan, pk, Action.objects.all())
    sources = [
        HistorySource(Action.history.filter(id=action.pk), action_subject, frozenset({"plan"})),
        HistorySource(
            ActionAgency.history.filter(action_id=action.pk),
            assignment_subject,
            frozenset({"action"}),
            subject_field="agency",
        ),
    ]
    return _render_history(request, {"plan": plan, "action": action}, sources)


# Registry: agencies and legal instruments -------------------------------------------------------


@dataclass(frozen=True)
class _Registry:
    """A managed list with a staff list page and one form for creating and editing rows."""

    model: type[Agency] | type[Instrument]
    form: type[AgencyForm] | type[InstrumentForm]
    save: Callable[..., Any]
    template: str
    list_url_name: str


AGENCIES = _Registry(
    Agency, AgencyForm, save_agency, "manage/agency_form.html", "manage:agency_list"
)
INSTRUMENTS = _Registry(
    Instrument,
    InstrumentForm,
    save_instrument,
    "manage/instrument_form.html",
    "manage:instrument_list",
)


def _registry_form(
    request: HttpRequest, registry: _Registry, pk: int | None = None
) -> HttpResponse:
    """Create (no pk) or edit one row of a managed list; the registry's action writes it."""
    _require_manager(request)
    instance = get_object_or_404(registry.model, pk=pk) if pk else registry.model()
    form = registry.form(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            registry.save(form.instance, by=request.user)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(registry.list_url_name)
    return render(request, registry.template, {"form": form, "object": instance if pk else None})


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    agencies = Agency.objects.with_parent().annotate(
        assignment_count=Count("assignments", distinct=True)
    )
    return render(request, "manage/agency_list.html", {"agencies": agencies})


@login_required
def agency_create(request: HttpRequest) -> HttpResponse:
    return _registry_form(request, AGENCIES)


@login_required
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _registry_form(request, AGENCIES, pk)


@login_required
def instrument_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    instruments = Instrument.objects.order_by("-date", "number")
    return render(request, "manage/instrument_list.html", {"instruments": instruments})


@login_required
def instrument_create(request: HttpRequest) -> HttpResponse:
    return _registry_form(request, INSTRUMENTS)


@login_required
def instrument_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _registry_form(request, INSTRUMENTS, pk)


@login_required
def amendment_create(request: HttpRequest, code: str) -> HttpResponse:
    plan = _editable_plan(request, code)
    form = AmendmentForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        summary = {code: data[f"summary_{code}"] for code in language_codes()}
        try:
            add_amendment(
                plan,
                instrument=data["instrument"],
                date=data["date"],
                summary=summary,
                by=request.user,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("The amendment was recorded."))
            return redirect(_plan_edit_url(plan))
    return render(request, "manage/amendment_form.html", {"form": form, "plan": plan})


# Plan tables: import and export ----------------------------------------------------------------


@login_required
def plan_export(request: HttpRequest, code: str) -> HttpResponse:
    plan = _editable_plan(request, code)
    # The language: ?language= or its short form ?lang=, else the page's language.
    query = request.GET.dict()
    query.setdefault("language", query.pop("lang", active_language()))
    form = PlanTableExportForm({"format": "xlsx", **query})
    if not form.is_valid():
        raise BadRequest("format must be xlsx or csv; language en, ru or kk")
    fmt, language = form.cleaned_data["format"], form.cleaned_data["language"] or "en"
    data = export_plan_table(plan, fmt, language=language, fallback=form.cleaned_data["fallback"])
    response = HttpResponse(data, content_type=table_content_type(fmt))
    response["Content-Disposition"] = f'attachment; filename="{plan.code}-{language}.{fmt}"'
    return response


def _import_options(form: PlanTableUploadForm) -> dict[str, Any]:
    data = form.cleaned_data
    upload = data["file"]
    return {
        "filename": upload.name,
        "sheet": data["sheet"] or None,
        "language": data["language"],
        "create_agencies": data["create_agencies"],
        "replace": data.get("replace", False),
        "dry_run": data["dry_run"],
    }


def _render_import(
    request: HttpRequest,
    form: PlanTableUploadForm,
    *,
    plan: Plan | None = None,
    report: ImportReport | None = None,
    error: TableError | None = None,
    refused: bool = False,
) -> HttpResponse:
    context = {
        "form": form,
        "plan": plan,
        "report": report,
        "errors": error.errors if error else [],
    }
    status = 400 if error or refused else 200
    return render(request, "manage/plan_import.html", context, status=status)


@login_required
def plan_import(request: HttpRequest, code: str) -> HttpResponse:
    """Fill a plan from a table; the file is refused whole if anything in it is wrong."""
    plan = _editable_plan(request, code)
    form = PlanTableUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _render_import(request, form, plan=plan, refused=request.method == "POST")
    try:
        report = load_plan_table(
            form.cleaned_data["file"], plan, by=request.user, **_import_options(form)
        )
    except PlanNotEmptyError as exc:
        form.add_error(
            "replace",
            ngettext(
                "This plan already has %(count)d action. Tick this box to update the plan from the file.",
                "This plan already has %(count)d actions. Tick this box to update the plan from the file.",
                exc.actions,
            )
            % {"count": exc.actions},
        )
        return _render_import(request, form, plan=plan)
    except TableError as exc:
        return _render_import(request, form, plan=plan, error=exc)
    if report.dry_run:
        return _render_import(request, form, plan=plan, report=report)
    for line in report.lines():
        messages.info(request, line)
    messages.success(request, _("The plan table was imported."))
    return redirect(_plan_edit_url(plan))


@login_required
def plan_import_new(request: HttpRequest) -> HttpResponse:
    """Create a draft plan and fill it from a table, both or neither."""
    _require_manager(request)
    form = NewPlanFromTableForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _render_import(request, form, refused=request.method == "POST")
    data = form.cleaned_data
    options = _import_options(form)
    del options["replace"]  # a new plan has nothing to replace
    try:
        plan, report = load_new_plan_table(
            data["file"],
            code=data["code"],
            country=data["country"],
            title=data["title"],
            by=request.user,
            **options,
        )
    except TableError as exc:
        return _render_import(request, form, error=exc)
    except ValidationError as exc:
        add_action_errors(form, exc)
        return _render_import(request, form)
    if report.dry_run:
        return _render_import(request, form, report=report)
    for line in report.lines():
        messages.info(request, line)
    messages.success(
        request, _("The draft plan was created from the table. Check it, then set its status.")
    )
    return redirect(_plan_edit_url(plan))
