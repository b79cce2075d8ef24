"""Participation pages (namespace "participation").

Objects are loaded through the access helpers of their app (a comment's target through plans,
reporting and assessments; comments through ``participation.access``): what the user may not
see is a 404. Forms validate, ``participation.actions`` write, and the view redirects with a
message; an action's refusal re-renders the form with the message and status 400 (409 for a
stale rating, 429 for too many comments).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rightsmonitor.accounts.models import Organisation
from rightsmonitor.assessments.access import assessments_for_user
from rightsmonitor.core.forms import add_action_errors
from rightsmonitor.core.locking import ConcurrentEditError
from rightsmonitor.core.ratelimit import RateLimit
from rightsmonitor.participation import access, actions, exporters
from rightsmonitor.participation.forms import (
    ApplicationForm,
    CommentForm,
    ConsultationForm,
    RatingForm,
    ReasonForm,
    ReplyForm,
)
from rightsmonitor.participation.models import (
    Comment,
    OrganisationApplication,
    ShadowRating,
)
from rightsmonitor.participation.queries import action_ratings, official_status, plan_comparison
from rightsmonitor.participation.workflow import (
    APPLICATION_STEPS,
    CONSULTATION_STEPS,
    MODERATION,
    ApplicationState,
    CommentState,
    steps_from,
)
from rightsmonitor.plans.access import actions_for_user, can_view_plan, plans_for_user
from rightsmonitor.plans.models import Action, Plan
from rightsmonitor.reporting.access import reports_for_user
from rightsmonitor.reporting.workflow import ReportState

QUEUE_PAGE_SIZE = 100


def _staff(request: HttpRequest) -> None:
    if not access.can_moderate(request.user):
        raise PermissionDenied


# Organisations ---------------------------------------------------------------------------------


# Per client address and hour, counted in the cache as a keyed hash of the address.
APPLICATIONS = RateLimit("participation-apply", "PARTICIPATION_APPLICATIONS_PER_HOUR")


def register(request: HttpRequest) -> HttpResponse:
    """The public form: an organisation asks to take part."""
    form = ApplicationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if APPLICATIONS.exceeded(request):
            status = 429
        elif not form.is_valid():
            status = 400
        elif not APPLICATIONS.hit(request):  # counted and checked in one step, before storing
            status = 429
        else:
            try:
                actions.submit_application(**form.cleaned_data)
            except ValidationError as exc:
                add_action_errors(form, exc)
                status = 400
            else:
                return redirect("participation:register_sent")
        if status == 429:
            form.add_error(None, _("Too many applications from your address. Try again later."))
    return render(request, "participation/register.html", {"form": form}, status=status)


def register_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "participation/register_sent.html")


@login_required
def applications(request: HttpRequest) -> HttpResponse:
    """The coordinator's page: pending applications, decisions, organisations not approved."""
    if not access.can_decide_applications(request.user):
        raise PermissionDenied
    rows = list(
        OrganisationApplication.objects.select_related("decided_by", "organisation").order_by(
            "-created_at"
        )[:200]
    )
    pending = [a for a in rows if a.state == ApplicationState.PENDING]
    decided = [a for a in rows if a.state != ApplicationState.PENDING]
    unapproved = Organisation.objects.filter(accreditation__isnull=True).annotate(
        member_count=Count("members")
    )
    approved = Organisation.objects.filter(accreditation__isnull=False).select_related(
        "accreditation"
    )
    return render(
        request,
        "participation/applications.html",
        {
            "pending": pending,
            "decided": decided,
            "steps": steps_from(APPLICATION_STEPS, ApplicationState.PENDING),
            "unapproved": unapproved,
            "approved": approved,
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if not access.can_decide_applications(request.user):
        raise PermissionDenied
    application = get_object_or_404(OrganisationApplication, pk=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        actions.decide_application(
            application, name, by=request.user, reason=form.cleaned_data.get("reason") or ""
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if application.state == ApplicationState.APPROVED:
            messages.success(
                request,
                _("%(name)s is approved; %(email)s is invited to create an account.")
                % {"name": application.name, "email": application.contact_email},
            )
        else:
            messages.success(request, _("The application is rejected."))
    return redirect("participation:applications")


@login_required
@require_POST
def accredit(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.can_decide_applications(request.user):
        raise PermissionDenied
    organisation = get_object_or_404(Organisation, pk=pk)
    actions.accredit_organisation(organisation, by=request.user)
    messages.success(request, _("%(name)s is approved.") % {"name": organisation.name})
    return redirect("participation:applications")


# Comment threads -------------------------------------------------------------------------------


def _thread_comments(user: Any, **target: Any) -> Any:
    visible = access.comments_for_user(user)
    return (
        visible.filter(parent__isnull=True, **target)
        .for_list()
        .with_replies(visible)
        .order_by("created_at", "pk")
    )


def _thread(
    request: HttpRequest,
    *,
    target: dict[str, Any],
    title: str,
    back_url: str,
    back_label: str,
    can_post: bool = True,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """A target's comment thread; on POST, a new comment by a member."""
    may_post = can_post and access.can_take_part(request.user)
    form = CommentForm(request.POST or None) if may_post else None
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                comment = actions.post_comment(by=request.user, **target, **form.cleaned_data)
            except ValidationError as exc:
                add_action_errors(form, exc)
                status = 429 if getattr(exc, "code", "") == "rate_limited" else 400
            else:
                if comment.state == CommentState.PENDING:
                    messages.success(
                        request,
                        _("Thank you. Your comment is shown once the coordinator has checked it."),
                    )
                else:
                    messages.success(request, _("Your comment was sent to the coordinator."))
                return redirect(f"{request.path}#comment-{comment.pk}")
        else:
            status = 400
    comments = list(_thread_comments(request.user, **target))
    for comment in comments:
        comment.may_reply = access.can_reply(request.user, comment)
    return render(
        request,
        "participation/thread.html",
        {
            "title": title,
            "comments": comments,
            "form": form,
            "reply_form": ReplyForm(),
            "back_url": back_url,
            "back_label": back_label,
            "can_take_part": access.can_take_part(request.user),
            "can_post": can_post,
            **(extra or {}),
        },
        status=status,
    )


def action_comments(request: HttpRequest, action_pk: int) -> HttpResponse:
    action = get_object_or_404(actions_for_user(request.user).select_related("plan"), pk=action_pk)
    return _thread(
        request,
        target={"action": action, "consultation": None},  # consultations keep their own
        title=_("Comments on action %(number)s") % {"number": action.number},
        back_url=action.get_absolute_url(),
        back_label=_("Back to action %(number)s") % {"number": action.number},
        extra={"action": action},
    )


def report_comments(request: HttpRequest, report_pk: int) -> HttpResponse:
    report = get_object_or_404(
        reports_for_user(request.user).filter(state=ReportState.ACCEPTED).with_related(),
        pk=report_pk,
    )
    action = report.action
    return _thread(
        request,
        target={"report": report},
        title=_("Comments on the report of %(agency)s on action %(number)s")
        % {"agency": report.agency.short_name, "number": action.number},
        back_url=f"{action.get_absolute_url()}#report-{report.pk}",
        back_label=_("Back to action %(number)s") % {"number": action.number},
    )


def assessment_comments(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    assessment = get_object_or_404(
        assessments_for_user(request.user).published().select_related("plan"), pk=assessment_pk
    )
    return _thread(
        request,
        target={"assessment": assessment},
        title=_("Comments on the assessment %(assessment)s") % {"assessment": assessment},
        back_url=assessment.get_absolute_url(),
        back_label=_("Back to the assessment"),
    )


@login_required
@require_POST
def comment_reply(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(
        access.comments_for_user(request.user).select_related("report"), pk=pk
    )
    form = ReplyForm(request.POST)
    if not access.can_reply(request.user, comment):
        raise PermissionDenied
    if form.is_valid():
        try:
            answer = actions.reply(comment, body=form.cleaned_data["body"], by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Your answer is published in the thread."))
            return redirect(f"{_thread_url(comment)}#comment-{answer.pk}")
    else:
        messages.error(request, _("Write your answer."))
    return redirect(f"{_thread_url(comment)}#comment-{comment.pk}")


def _thread_url(comment: Comment) -> str:
    if comment.consultation_id:
        return reverse(
            "participation:consultation_action", args=[comment.consultation_id, comment.action_id]
        )
    if comment.report_id:
        return reverse("participation:report_comments", args=[comment.report_id])
    if comment.assessment_id:
        return reverse("participation:assessment_comments", args=[comment.assessment_id])
    return reverse("participation:action_comments", args=[comment.action_id])


# Moderation ------------------------------------------------------------------------------------


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    """The queue of public comments awaiting moderation, oldest first, and the private ones."""
    _staff(request)
    base = Comment.objects.for_moderation()
    pending = list(
        base.filter(state=CommentState.PENDING, parent__isnull=True).order_by("created_at", "pk")[
            :QUEUE_PAGE_SIZE
        ]
    )
    private = list(
        base.filter(
            visibility="coordinator", parent__isnull=True, state=CommentState.PUBLISHED
        ).order_by("-created_at", "-pk")[:QUEUE_PAGE_SIZE]
    )
    for comment in [*pending, *private]:
        comment.thread_url = _thread_url(comment)  # type: ignore[attr-defined]
    return render(
        request,
        "participation/moderation.html",
        {
            "pending": pending,
            "private": private,
            "steps": steps_from(MODERATION, CommentState.PENDING),
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_POST
def moderate(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    _staff(request)
    comment = get_object_or_404(Comment, pk=pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        actions.moderate(comment, name, by=request.user, reason=form.cleaned_data.get("reason", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Comment %(pk)s: %(state)s.")
            % {"pk": comment.pk, "state": comment.get_state_display()},
        )
    return redirect("participation:moderation")


# Shadow ratings --------------------------------------------------------------------------------


def _member(request: HttpRequest) -> int:
    organisation_id = access.approved_organisation_id(request.user)
    if organisation_id is None:
        raise PermissionDenied
    return organisation_id


@login_required
def my_ratings(request: HttpRequest) -> HttpResponse:
    organisation_id = _member(request)
    ratings = (
        ShadowRating.objects.filter(organisation_id=organisation_id)
        .for_own_list()
        .order_by("action__plan__code", "action__section__order", "action__order", "-period__end")
    )
    rows = [(rating, official_status(rating.action)) for rating in ratings]
    return render(
        request,
        "participation/my_ratings.html",
        {
            "rows": rows,
            "organisation": Organisation.objects.get(pk=organisation_id),
            "plans": plans_for_user(request.user).order_by("code"),
        },
    )


def _rating_form_page(
    request: HttpRequest, action: Action, rating: ShadowRating | None
) -> HttpResponse:
    form = RatingForm(request.POST or None, instance=rating or ShadowRating(), action=action)
    status, other = 200, None
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.save_rating(
                    action=action,
                    period=rating.period if rating else data["period"],
                    status=data["status"],
                    evidence=data["evidence"],
                    evidence_url=data["evidence_url"],
                    expected_version=data.get("version") if rating else None,
                    by=request.user,
                )
            except ConcurrentEditError as exc:
                form.add_error(None, str(exc))
                other = ShadowRating.objects.select_related("author").get(pk=rating.pk)  # type: ignore[union-attr]
                status = 409
            except ValidationError as exc:
                add_action_errors(form, exc)
                status = 400
            else:
                messages.success(
                    request,
                    _("Your organisation's rating of action %(number)s is saved.")
                    % {"number": action.number},
                )
                return redirect(f"{action.get_absolute_url()}#civil-society-ratings")
        else:
            status = 400
    return render(
        request,
        "participation/rating_form.html",
        {
            "form": form,
            "action": action,
            "rating": rating,
            "other": other,
            "official": official_status(action),
        },
        status=status,
    )


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
def rate_action(request: HttpRequest, action_pk: int) -> HttpResponse:
    """A new rating (an existing one for the chosen period is updated, its version checked)."""
    organisation_id = _member(request)
    action = get_object_or_404(
        actions_for_user(request.user).select_related("plan", "monitoring"), pk=action_pk
    )
    if request.method == "POST":
        existing = ShadowRating.objects.filter(
            organisation_id=organisation_id,
            action=action,
            period_id=_int_or_none(request.POST.get("period")),
        ).first()
        if existing is not None:
            # Someone of the organisation rated this period since the form was opened.
            form = RatingForm(request.POST, instance=ShadowRating(), action=action)
            form.is_valid()
            form.add_error(
                None,
                _("Your organisation has already rated this period: change that rating instead."),
            )
            return render(
                request,
                "participation/rating_form.html",
                {
                    "form": form,
                    "action": action,
                    "rating": None,
                    "other": existing,
                    "official": official_status(action),
                },
                status=409,
            )
    return _rating_form_page(request, action, None)


@login_required
def rating_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation_id = _member(request)
    rating = get_object_or_404(
        ShadowRating.objects.for_rating_form(),
        pk=pk,
        organisation_id=organisation_id,
    )
    return _rating_form_page(request, rating.action, rating)


def plan_ratings(request: HttpRequest, code: str) -> HttpResponse:
    """Public: the official status and each organisation's rating, action by action."""
    plan = get_object_or_404(Plan, code=code)
    if not can_view_plan(request.user, plan):
        raise Http404
    organisations, rows = plan_comparison(plan)
    return render(
        request,
        "participation/plan_ratings.html",
        {"plan": plan, "organisations": organisations, "rows": rows},
    )


def action_ratings_page(request: HttpRequest, action_pk: int) -> HttpResponse:
    """Public: every approved organisation's latest rating of one action, with its evidence."""
    action = get_object_or_404(
        actions_for_user(request.user).select_related("plan", "monitoring"), pk=action_pk
    )
    return render(
        request,
        "participation/action_ratings.html",
        {
            "action": action,
            "ratings": action_ratings(action),
            "official": official_status(action),
        },
    )


# Consultations ---------------------------------------------------------------------------------


def consultation_list(request: HttpRequest) -> HttpResponse:
    consultations = access.consultations_for_user(request.user).annotate(
        comment_count=Count(
            "comments",
            filter=Q(comments__state=CommentState.PUBLISHED, comments__parent__isnull=True),
        )
    )
    return render(
        request,
        "participation/consultation_list.html",
        {
            "consultations": consultations,
            "can_manage": access.can_manage_consultations(request.user),
            "plans": plans_for_user(request.user).order_by("code")
            if access.can_manage_consultations(request.user)
            else [],
        },
    )


def _consultation(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(access.consultations_for_user(request.user), pk=pk)


def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    public = Comment.objects.public().filter(consultation=consultation, parent__isnull=True)
    counted = Count("comments", filter=Q(comments__in=public.values("pk")))
    consultation_actions = (
        Action.objects.filter(plan=consultation.plan)
        .select_related("section")
        .annotate(comment_count=counted)
        .order_by("section__order", "order", "pk")
    )
    return render(
        request,
        "participation/consultation_detail.html",
        {
            "consultation": consultation,
            "actions": consultation_actions,
            "taking_comments": access.is_taking_comments(consultation),
            "steps": steps_from(CONSULTATION_STEPS, consultation.state)
            if access.can_manage_consultations(request.user)
            else [],
        },
    )


def consultation_action(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    consultation = _consultation(request, pk)
    action = get_object_or_404(
        Action.objects.with_plan_and_section(), pk=action_pk, plan=consultation.plan
    )
    return _thread(
        request,
        target={"action": action, "consultation": consultation},
        title=_("Consultation comments on action %(number)s") % {"number": action.number},
        back_url=reverse("participation:consultation", args=[consultation.pk]),
        back_label=_("Back to the consultation"),
        can_post=access.is_taking_comments(consultation),
        extra={"action": action, "consultation": consultation},
    )


@login_required
def consultation_new(request: HttpRequest, code: str) -> HttpResponse:
    if not access.can_manage_consultations(request.user):
        raise PermissionDenied
    plan = get_object_or_404(plans_for_user(request.user), code=code)
    form = ConsultationForm(request.POST or None, plan=plan)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                consultation = actions.create_consultation(
                    plan, by=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("The consultation is created; open it when ready."))
                return redirect("participation:consultation", consultation.pk)
        else:
            status = 400
    return render(
        request, "participation/consultation_form.html", {"form": form, "plan": plan}, status=status
    )


@login_required
@require_POST
def consultation_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if not access.can_manage_consultations(request.user):
        raise PermissionDenied
    consultation = _consultation(request, pk)
    try:
        actions.consultation_step(consultation, name, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The consultation is now: %(state)s.") % {"state": consultation.get_state_display()},
        )
    return redirect("participation:consultation", consultation.pk)


def consultation_summary(request: HttpRequest, pk: int, fmt: str) -> StreamingHttpResponse:
    """The consultation's published comments and the coordinator's responses, as a file."""
    consultation = _consultation(request, pk)
    if fmt not in exporters.FORMATS:
        raise Http404
    return exporters.summary_response(consultation, fmt)
