"""Agency-side reporting pages: my tasks, a report, editing, evidence, transitions, notifications.

Every report is loaded through ``access.reports_for_user`` (the rule behind
``access.can_view_report``): a report the user may not see is a 404, so its existence is not
revealed; one they may see but not change is a 403. Forms validate, the functions in
``reporting.actions`` write, and the view redirects with a message. An action's refusal (a
forged file, a missing comment, a transition no longer possible) re-renders the report page
with the message and status 400; a stale edit re-renders the form with status 409, the user's
input kept and the stored version shown beside it.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from rightsmonitor.core.forms import add_action_errors
from rightsmonitor.core.locking import ConcurrentEditError
from rightsmonitor.core.workflow import StrOrPromise, Transition
from rightsmonitor.plans.models import Action, ActionAgency, Plan
from rightsmonitor.reporting import access
from rightsmonitor.reporting.actions import (
    add_evidence_file,
    add_evidence_link,
    assign_report,
    mark_notifications_read,
    remove_evidence,
    save_report,
    start_report,
    take_transition,
)
from rightsmonitor.reporting.forms import (
    AssignForm,
    EvidenceForm,
    MarkReadForm,
    ReportForm,
    TransitionForm,
)
from rightsmonitor.reporting.models import (
    Evidence,
    Notification,
    ProgressReport,
    ReportingPeriod,
    ReportTransition,
)
from rightsmonitor.reporting.queries import monitored_actions, overdue_actions
from rightsmonitor.reporting.workflow import (
    EDITABLE_STATES,
    IRREVERSIBLE,
    TRANSITION_NAMES,
    Actor,
    ReportState,
    available_transitions,
)

# Reports not yet sent to the coordinator (the states ``ProgressReport.objects.overdue_on`` uses).
UNFINISHED = frozenset(
    {ReportState.DRAFT, ReportState.READY, ReportState.SIGNED_OFF, ReportState.RETURNED}
)
NOTIFICATIONS_PER_PAGE = 50


# Loading through the access helpers --------------------------------------------------------


def _visible_report(request: HttpRequest, pk: int) -> ProgressReport:
    """The report if the user may see it; 404 otherwise, whether or not it exists."""
    return get_object_or_404(access.reports_for_user(request.user).with_related(), pk=pk)


def _editable_report(request: HttpRequest, pk: int) -> ProgressReport:
    report = _visible_report(request, pk)
    if not access.can_edit_report(request.user, report):
        raise PermissionDenied
    return report


# My tasks --------------------------------------------------------------------------------------


@dataclass
class Task:
    """One action an agency reports on for one period: started (a report) or not yet."""

    assignment: ActionAgency
    period: ReportingPeriod
    report: ProgressReport | None
    overdue: bool
    action_overdue: bool
    can_start: bool
    can_edit: bool

    @property
    def action(self) -> Action:
        return self.assignment.action


@dataclass
class TaskGroup:
    plan: Plan
    period: ReportingPeriod
    tasks: list[Task] = field(default_factory=list)


@dataclass
class TaskSection:
    key: str
    title: str | Promise
    intro: str | Promise
    groups: list[TaskGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(group.tasks) for group in self.groups)


SECTIONS: tuple[tuple[str, str | Promise, str | Promise], ...] = (
    (
        "returned",
        gettext_lazy("Returned to you"),
        gettext_lazy("The coordinator asked for changes. Revise these and submit them again."),
    ),
    (
        "drafts",
        gettext_lazy("Drafts"),
        gettext_lazy("Finish these and submit them; signed-off reports are ready to submit."),
    ),
    (
        "awaiting_sign_off",
        gettext_lazy("Awaiting sign-off"),
        gettext_lazy(
            "The agency's validating authority signs these off before they are submitted; "
            "until then they can still be edited."
        ),
    ),
    (
        "submitted",
        gettext_lazy("With the coordinator"),
        gettext_lazy("Sent to the coordinator and awaiting review."),
    ),
    (
        "accepted",
        gettext_lazy("Accepted"),
        gettext_lazy("Accepted by the coordinator in the periods still open."),
    ),
    (
        "not_started",
        gettext_lazy("Not started"),
        gettext_lazy("Actions your agency is responsible for that have no report yet."),
    ),
)


def _section_key(
    report: ProgressReport | None, *, sign_off_required: bool, ready_step: bool = False
) -> str:
    """Whose move it is, read from the workflow table: the author's, the validator's, or neither."""
    if report is None:
        return "not_started"
    if report.state == ReportState.RETURNED:
        return "returned"
    if report.state == ReportState.READY:  # the author may only take it back: it waits
        return "awaiting_sign_off"
    if report.state == ReportState.ACCEPTED:
        return "accepted"
    actors = {
        transition.actor
        for transition in available_transitions(
            report.state,
            sign_off_required=sign_off_required,
            times_returned=report.times_returned,
            ready_step=ready_step,
        )
    }
    if Actor.AUTHOR in actors:
        return "drafts"
    if Actor.VALIDATOR in actors:
        return "awaiting_sign_off"
    return "submitted"


def _task_sections(user: Any, today: date) -> tuple[list[TaskSection], list[int]]:
    """The user's tasks, by section, then plan and period; a fixed number of queries.

    The agencies are the focal point's own and any the user signs off for. Actions are those
    ``queries.monitored_actions`` names (plans in force, on monitoring, not closed); periods
    are those open today, and earlier ones for what is still to do there: reports never
    started or not yet sent (they are overdue).
    """
    own_agency = access.reporting_agency_id(user)
    agency_ids = ({own_agency} if own_agency else set()) | access.validated_agency_ids(user)
    if not agency_ids:
        raise PermissionDenied
    actions = monitored_actions().filter(assignments__agency_id__in=agency_ids)
    periods = list(
        ReportingPeriod.objects.filter(start__lte=today, plan_id__in=actions.values("plan_id"))
        .with_plan()
        .order_by("plan__code", "end")
    )
    by_plan: dict[int, list[ActionAgency]] = defaultdict(list)
    for assignment in ActionAgency.objects.filter(
        agency_id__in=agency_ids,
        action__in=actions.filter(plan_id__in={p.plan_id for p in periods}).values("pk"),
    ).with_action():
        by_plan[assignment.action.plan_id].append(assignment)
    action_ids = [a.action_id for assignments in by_plan.values() for a in assignments]
    late_actions = set(
        overdue_actions(on=today).filter(pk__in=action_ids).values_list("pk", flat=True)
    )
    last_return = ReportTransition.objects.filter(
        report=OuterRef("pk"), to_state=ReportState.RETURNED
    ).order_by("-at", "-pk")
    reports = {
        (report.action_id, report.agency_id, report.period_id): report
        for report in ProgressReport.objects.filter(
            agency_id__in=agency_ids, period_id__in=[p.pk for p in periods]
        ).annotate(returned_comment=Subquery(last_return.values("comment")[:1]))
    }
    sign_off = {agency_id: access.sign_off_required(agency_id) for agency_id in agency_ids}
    ready_step = {agency_id: access.uses_ready_step(agency_id) for agency_id in agency_ids}

    grouped: dict[str, dict[int, TaskGroup]] = defaultdict(dict)
    for period in periods:
        is_open = period.start <= today <= period.review_deadline
        for assignment in by_plan[period.plan_id]:
            action = assignment.action
            if action.start_date and action.start_date > period.end:
                continue
            report = reports.get((action.pk, assignment.agency_id, period.pk))
            finished = report is not None and report.state not in UNFINISHED
            if not is_open and report is not None and report.state == ReportState.ACCEPTED:
                continue  # an earlier period is shown only for what is not settled yet
            key = _section_key(
                report,
                sign_off_required=sign_off[assignment.agency_id],
                ready_step=ready_step[assignment.agency_id],
            )
            group = grouped[key].setdefault(period.pk, TaskGroup(plan=period.plan, period=period))
            group.tasks.append(
                Task(
                    assignment=assignment,
                    period=period,
                    report=report,
                    overdue=not finished and period.submission_deadline < today,
                    action_overdue=action.pk in late_actions,
                    can_start=report is None and assignment.agency_id == own_agency,
                    can_edit=report is not None
                    and report.state in EDITABLE_STATES
                    and assignment.agency_id == own_agency,
                )
            )
    sections = []
    for key, title, intro in SECTIONS:
        groups = list(grouped[key].values())  # periods came ordered by plan and period end
        for group in groups:
            group.tasks.sort(
                key=lambda t: (
                    t.action.section.order,
                    t.action.order,
                    t.action.pk,
                    t.assignment.agency.abbreviation,
                )
            )
        sections.append(TaskSection(key=key, title=title, intro=intro, groups=groups))
    return sections, sorted(agency_ids)


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    if access.can_review(request.user):
        return redirect("reporting:dashboard")
    today = timezone.localdate()
    sections, agency_ids = _task_sections(request.user, today)
    context = {
        "sections": sections,
        "total": sum(section.count for section in sections),
        "several_agencies": len(agency_ids) > 1,
        "today": today,
    }
    return render(request, "reporting/my_tasks.html", context)


@login_required
@require_POST
def report_start(request: HttpRequest, action_pk: int, period_pk: int) -> HttpResponse:
    action = get_object_or_404(Action, pk=action_pk)
    period = get_object_or_404(ReportingPeriod, pk=period_pk, plan_id=action.plan_id)
    user: Any = request.user
    if not access.can_report_on(user, action):
        raise PermissionDenied
    try:
        report = start_report(action, user.agency, period, by=user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("reporting:my_tasks")
    messages.success(request, _("The report was started. Write what was done, then save it."))
    return redirect("reporting:report_edit", report.pk)


# A report's page -------------------------------------------------------------------------------


@dataclass
class Contribution:
    """A co-executor of the action, with its contribution for the period if there is one."""

    assignment: ActionAgency
    report: ProgressReport | None


def _contributions(user: Any, report: ProgressReport, action: Action) -> list[Contribution]:
    """What the co-executors sent for the same action and period, for the lead to consolidate."""
    if report.kind != ProgressReport.Kind.CONSOLIDATED or not (
        access.is_author(user, report) or access.can_review(user)
    ):
        return []
    visible = {
        contribution.agency_id: contribution
        for contribution in access.reports_for_user(user)
        .filter(
            action_id=report.action_id,
            period_id=report.period_id,
            kind=ProgressReport.Kind.CONTRIBUTION,
        )
        .for_consolidation()
    }
    return [
        Contribution(assignment=assignment, report=visible.get(assignment.agency_id))
        for assignment in action.co_executors
    ]


# One whole sentence per actor, for translators; the step is the workflow table's label.
WHOSE_STEP: dict[str, StrOrPromise] = {
    Actor.AUTHOR: gettext_lazy("“%(step)s” is up to a focal point of the agency."),
    Actor.VALIDATOR: gettext_lazy("“%(step)s” is up to the agency's validating authority."),
    Actor.COORDINATOR: gettext_lazy("“%(step)s” is up to the coordinator."),
}


def _waiting_for(report: ProgressReport, offered: list[Transition]) -> list[str]:
    """The next steps that are someone else's, so the page can say whose move it is."""
    possible = available_transitions(
        report.state,
        sign_off_required=access.sign_off_required(report.agency_id),
        times_returned=report.times_returned,
        ready_step=access.uses_ready_step(report.agency_id),
    )
    return [str(WHOSE_STEP[t.actor]) % {"step": t.label} for t in possible if t not in offered]


def _render_report(
    request: HttpRequest,
    report: ProgressReport,
    *,
    transition_form: TransitionForm | None = None,
    page_errors: Iterable[str] = (),
    evidence_form: EvidenceForm | None = None,
    assign_form: AssignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The report page; also what a refused transition or upload re-renders, with its errors."""
    user = request.user
    action = Action.objects.with_agencies().get(pk=report.action_id)
    offered = access.transitions_for(user, report)
    transition_forms = [
        transition_form
        if transition_form is not None and transition_form.transition.name == transition.name
        else TransitionForm(
            transition=transition, report=report, initial={"version": report.version}
        )
        for transition in offered
    ]
    can_edit = access.can_edit_report(user, report)
    trail = list(report.transitions.select_related("actor"))
    last_return = next((t for t in reversed(trail) if t.to_state == ReportState.RETURNED), None)
    context = {
        "report": report,
        "action": action,
        "plan": action.plan,
        "period": report.period,
        "can_edit": can_edit,
        "evidence_list": report.evidence.select_related("added_by"),
        "evidence_form": (evidence_form or EvidenceForm()) if can_edit else None,
        "transition_forms": transition_forms,
        "waiting_for": _waiting_for(report, offered),
        "page_errors": list(page_errors),
        "trail": trail,
        "last_return": last_return if report.state == ReportState.RETURNED else None,
        "contributions": _contributions(user, report, action),
        "assign_form": (assign_form or AssignForm(report=report))
        if access.can_assign(user, report)
        else None,
        "overdue": report.state in UNFINISHED
        and report.period.submission_deadline < timezone.localdate(),
    }
    return render(request, "reporting/report_detail.html", context, status=status)


@login_required
@require_safe
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_report(request, _visible_report(request, pk))


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _editable_report(request, pk)
    status = 200
    other: ProgressReport | None = None
    if request.method == "POST":
        # The form validates a copy, so a refused save leaves the page's report as stored.
        form = ReportForm(request.POST, instance=copy.copy(report))
        if form.is_valid():
            try:
                save_report(
                    form.instance,
                    form.report_fields,
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                )
            except ConcurrentEditError:
                other = _stored(report)
                form = _form_over(request, report, other, CONFLICT_MESSAGE)
                status = 409
            except ValidationError as exc:
                if exc.code == "not_editable":  # moved on (signed off, submitted) meanwhile
                    other = _stored(report)
                    form = _form_over(request, report, other, " ".join(exc.messages))
                    status = 409
                else:
                    add_action_errors(form, exc)
            else:
                messages.success(request, _("The report was saved."))
                return redirect("reporting:report", report.pk)
    else:
        form = ReportForm(instance=report)
    last_return = (
        report.transitions.filter(to_state=ReportState.RETURNED).select_related("actor").last()
        if report.state == ReportState.RETURNED
        else None
    )
    context = {
        "form": form,
        "report": report,
        "other": other,
        "other_editable": other is not None and access.can_edit_report(request.user, other),
        "last_return": last_return,
    }
    return render(request, "reporting/report_form.html", context, status=status)


CONFLICT_MESSAGE = gettext_lazy(
    "Someone else saved this report while you were editing it. Their version is shown below, "
    "and your text is kept in the form under it: take what you need from theirs, then save "
    "again to replace it."
)


def _stored(report: ProgressReport) -> ProgressReport:
    """The report as it is stored now, with who saved it last."""
    return ProgressReport.objects.select_related("author").get(pk=report.pk)


def _form_over(
    request: HttpRequest, report: ProgressReport, other: ProgressReport, message: str | Promise
) -> ReportForm:
    """The user's input again, now based on the stored version: saving it again is deliberate."""
    data = request.POST.copy()
    data["version"] = str(other.version)
    form = ReportForm(data, instance=copy.copy(report))
    form.is_valid()
    form.add_error(None, str(message))
    return form


@login_required
@require_POST
def report_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    report = _visible_report(request, pk)
    if name not in TRANSITION_NAMES:
        raise Http404
    offered = next(
        (t for t in access.transitions_for(request.user, report) if t.name == name), None
    )
    form = (
        TransitionForm(request.POST, transition=offered, report=report)
        if offered is not None
        else None
    )
    if form is not None and "assessed_status" in form.errors:  # not a status: accept nothing
        return _render_report(request, report, transition_form=form, status=400)
    if form is not None and _needs_confirmation(request, form):
        return _render_confirmation(request, report, form)
    try:
        # The action decides; a transition the page did not offer is refused there (400/403).
        take_transition(
            report,
            name,
            by=request.user,
            comment=form.comment_text if form is not None else "",
            expected_version=form.seen_version if form is not None else None,
            assessed_status=form.chosen_status if form is not None else None,
        )
    except ConcurrentEditError:
        message = _(
            "The report changed while you were looking at it. Check it as it is now, "
            "then choose again."
        )
        return _render_report(request, report, page_errors=[message], status=409)
    except ValidationError as exc:
        if form is None or not hasattr(exc, "error_dict"):
            return _render_report(request, report, page_errors=exc.messages, status=400)
        add_action_errors(form, exc)
        return _render_report(request, report, transition_form=form, status=400)
    messages.success(
        request,
        _("Report %(number)s (%(agency)s) is now “%(state)s”.")
        % {
            "number": report.action.number,
            "agency": report.agency.short_name,
            "state": report.get_state_display(),
        },
    )
    return redirect("reporting:report", report.pk)


def _needs_confirmation(request: HttpRequest, form: TransitionForm) -> bool:
    """An irreversible step, asked for the first time with valid input: ask again first.

    Input the action would refuse (a return without its comment) goes straight to the action,
    which says why; only a step that would be taken is confirmed.
    """
    transition = form.transition
    return (
        transition.name in IRREVERSIBLE
        and request.POST.get("confirmed") != "yes"
        and form.is_valid()
        and bool(form.comment_text or not transition.comment_required)
    )


def _render_confirmation(
    request: HttpRequest, report: ProgressReport, form: TransitionForm
) -> HttpResponse:
    """The page that summarises the report and asks again; works without JavaScript.

    Its form carries what the user sent (comment, version, verdict) as hidden fields and posts
    to the same address with ``confirmed=yes``.
    """
    transition = form.transition
    target = ReportState(transition.target)
    context = {
        "report": report,
        "action": report.action,
        "period": report.period,
        "form": form,
        "transition": transition,
        "target_label": target.label,
        "evidence_count": report.evidence.count(),
    }
    return render(request, "reporting/confirm_transition.html", context)


@login_required
@require_POST
def report_assign(request: HttpRequest, pk: int) -> HttpResponse:
    report = _visible_report(request, pk)
    if not access.can_assign(request.user, report):
        raise PermissionDenied
    form = AssignForm(request.POST, report=report)
    if form.is_valid():
        try:
            assign_report(report, form.cleaned_data["assignee"], by=request.user)
        except ValidationError as exc:
            add_action_errors(form, exc, default_field="assignee")
        else:
            assignee = report.assignee
            if assignee is None:
                messages.success(request, _("The report is assigned to nobody now."))
            else:
                messages.success(
                    request,
                    _("The report is assigned to %(name)s.")
                    % {"name": assignee.get_full_name() or assignee.email},
                )
            return redirect("reporting:report", report.pk)
    return _render_report(request, report, assign_form=form, status=400)


# Evidence --------------------------------------------------------------------------------------


@login_required
@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = _editable_report(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["file"]:
                add_evidence_file(
                    report, data["file"], by=request.user, description=data["description"]
                )
            else:
                add_evidence_link(
                    report, data["url"], by=request.user, description=data["description"]
                )
        except ValidationError as exc:
            add_action_errors(form, exc, default_field="file" if data["file"] else "url")
        else:
            messages.success(request, _("The evidence was added."))
            return redirect("reporting:report", report.pk)
    return _render_report(request, report, evidence_form=form, status=400)


def _evidence(report: ProgressReport, evidence_pk: int) -> Evidence:
    evidence = get_object_or_404(Evidence, pk=evidence_pk, report=report)
    evidence.report = report
    return evidence


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    report = _editable_report(request, pk)
    evidence = _evidence(report, evidence_pk)
    try:
        remove_evidence(evidence, by=request.user)
    except ValidationError as exc:  # the report left the editable states meanwhile
        return _render_report(request, report, page_errors=exc.messages, status=400)
    messages.success(
        request, _("“%(name)s” was removed from the report.") % {"name": str(evidence)}
    )
    return redirect("reporting:report", report.pk)


@login_required
@require_safe
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    """The stored file, as an attachment, to those who may see the report (never MEDIA_URL)."""
    report = _visible_report(request, pk)
    evidence = _evidence(report, evidence_pk)
    if not evidence.file.name:
        raise Http404
    try:
        handle = evidence.file.storage.open(evidence.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name or f"evidence{evidence.extension}",
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# Notifications ---------------------------------------------------------------------------------


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    rows = Notification.objects.filter(user=user)
    if request.method == "POST":
        form = MarkReadForm(request.POST)
        up_to = form.cleaned_data["up_to"] if form.is_valid() else None
        marked = mark_notifications_read(user, up_to=up_to)
        if marked:
            messages.success(request, _("All notifications were marked as read."))
        return redirect("reporting:notifications")
    summary = rows.aggregate(
        unread=Count("pk", filter=Q(read_at__isnull=True)), newest=Coalesce(Max("pk"), 0)
    )
    page = Paginator(rows, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread": summary["unread"],
        "mark_form": MarkReadForm(initial={"up_to": summary["newest"]}),
    }
    return render(request, "reporting/notifications.html", context)
