"""Feedback pages (namespace "feedback").

Public: the submission form (the receipt is the answer to the POST, never stored or
redirected to, so the secret exists nowhere but on the submitter's screen) and the check
form (code and secret → status and answer). Both are rate limited per address
(``core.ratelimit``, limits below); a refused check is a 429 with a message.

Staff: cases are loaded through ``access.cases_for_user``, so a case outside the user's areas
is a 404 whether or not it exists; people who are not staff get a 403. Every page that shows
decrypted text reads it through ``feedback.actions`` (which logs the read) and is sent with
``Cache-Control: no-store``.
"""

from __future__ import annotations

from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from rightsmonitor.core.forms import add_action_errors
from rightsmonitor.core.ratelimit import RateLimit
from rightsmonitor.feedback import access, actions
from rightsmonitor.feedback.forms import AnswerForm, AssignmentForm, CheckForm, SubmissionForm
from rightsmonitor.feedback.models import (
    AccessLog,
    AreaAssignment,
    Case,
    CaseStatus,
)
from rightsmonitor.feedback.uploads import BoundedMemoryUploadHandler
from rightsmonitor.feedback.workflow import BUTTON_TRANSITIONS, WORKFLOW

PER_PAGE = 50

# Per address and hour: messages sent (spam counts too), and wrong code-and-secret checks.
SUBMISSIONS = RateLimit("feedback-submit", "FEEDBACK_SUBMISSIONS_PER_HOUR")
FAILED_CHECKS = RateLimit("feedback-check", "FEEDBACK_FAILED_CHECKS_PER_HOUR")

# The public side -------------------------------------------------------------------------------


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    # Set before the body is read (hence csrf_exempt here and csrf_protect below): an attached
    # file stays in memory instead of a plaintext temporary file.
    request.upload_handlers = [BoundedMemoryUploadHandler(request)]
    return _submit(request)


@csrf_protect
def _submit(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "feedback/submit.html", {"form": SubmissionForm()})
    if SUBMISSIONS.exceeded(request):
        return _submission_limited(request)
    form = SubmissionForm(request.POST, request.FILES)
    if form.is_spam:
        SUBMISSIONS.count(request)
        return render(
            request, "feedback/submit.html", {"form": SubmissionForm(), "refused": True}, status=400
        )
    if form.is_valid():
        if not SUBMISSIONS.hit(request):  # another request from this address got there first
            return _submission_limited(request)
        plan, section = form.cleaned_data["area"]
        try:
            receipt = actions.submit_case(
                kind=form.cleaned_data["kind"],
                plan=plan,
                section=section,
                content=form.cleaned_data["content"],
                contact=form.contact,
                attachment=form.cleaned_data["attachment"] or None,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            return render(request, "feedback/receipt.html", {"receipt": receipt})
    return render(request, "feedback/submit.html", {"form": form}, status=400)


def _submission_limited(request: HttpRequest) -> HttpResponse:
    return render(
        request, "feedback/submit.html", {"form": SubmissionForm(), "limited": True}, status=429
    )


@never_cache
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "feedback/check.html", {"form": CheckForm()})
    if FAILED_CHECKS.exceeded(request):
        return render(
            request, "feedback/check.html", {"form": CheckForm(), "limited": True}, status=429
        )
    form = CheckForm(request.POST)
    if form.is_valid():
        found = actions.check_case(form.cleaned_data["code"], form.cleaned_data["secret"])
        if found is not None:
            return render(request, "feedback/check_result.html", {"case": found})
        FAILED_CHECKS.count(request)
        form.add_error(
            None,
            _("No case matches this code and secret. Check both and try again."),
        )
    return render(request, "feedback/check.html", {"form": form}, status=400)


# The coordinators' side ------------------------------------------------------------------------


def _require_staff(request: HttpRequest) -> None:
    if not access.can_use_case_pages(request.user):
        raise PermissionDenied


def _case(request: HttpRequest, pk: int) -> Case:
    """The case if it is in one of the user's areas; 404 otherwise, whether or not it exists."""
    _require_staff(request)
    cases = access.cases_for_user(request.user).select_related("plan", "section")
    return get_object_or_404(cases, pk=pk)


@login_required
@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    cases = access.cases_for_user(request.user).for_list()
    status = request.GET.get("status", "")
    if status in CaseStatus.values:
        cases = cases.filter(status=status)
    page = Paginator(cases, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/case_list.html",
        {"page": page, "statuses": CaseStatus.choices, "status": status},
    )


def _case_page(
    request: HttpRequest, case: Case, answer_form: AnswerForm | None = None, status: int = 200
) -> HttpResponse:
    content = actions.read_content(case, by=request.user)
    if answer_form is None:
        answer_form = AnswerForm(initial={"answer": content.answer})
    steps = [t for t in WORKFLOW.from_state(case.status) if t.name in BUTTON_TRANSITIONS]
    return render(
        request,
        "feedback/case_detail.html",
        {
            "case": case,
            "content": content,
            "answer_form": answer_form,
            "can_answer": case.status in WORKFLOW["answer"].sources,
            "steps": steps,
        },
        status=status,
    )


@login_required
@never_cache
@require_safe
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, _case(request, pk))


@login_required
@never_cache
@require_safe
def case_contact(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    contact = actions.read_contact(case, by=request.user)
    return render(request, "feedback/case_contact.html", {"case": case, "contact": contact})


@login_required
@never_cache
@require_safe
def case_file(request: HttpRequest, pk: int) -> FileResponse:
    attachment = actions.read_attachment(_case(request, pk), by=request.user)
    if attachment is None:
        raise Http404
    return FileResponse(
        BytesIO(attachment.data),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


@login_required
@require_POST
def case_answer(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            actions.answer_case(case, text=form.cleaned_data["answer"], by=request.user)
        except ValidationError as exc:
            add_action_errors(form, exc, default_field=None)
        else:
            messages.success(
                request, _("The answer was saved. The submitter can read it with their code.")
            )
            return redirect("feedback:case", pk=case.pk)
    return _case_page(request, case, answer_form=form, status=400)


@login_required
@require_POST
def case_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    case = _case(request, pk)
    if name not in BUTTON_TRANSITIONS:
        raise Http404
    try:
        actions.take_transition(case, name, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Case %(code)s is now “%(status)s”.")
            % {"code": case.display_reference, "status": case.get_status_display()},
        )
    return redirect("feedback:case", pk=case.pk)


# Administration ------------------------------------------------------------------------------


def _require_admin(request: HttpRequest) -> None:
    if not access.can_manage_assignments(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def assignments(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = AssignmentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            plan, section = form.cleaned_data["area"]
            try:
                actions.add_assignment(
                    user=form.cleaned_data["user"], plan=plan, section=section, by=request.user
                )
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, _("The coordinator was assigned to the area."))
                return redirect("feedback:assignments")
        status = 400
    rows = AreaAssignment.objects.select_related("user", "plan", "section__plan")
    return render(
        request, "feedback/assignments.html", {"form": form, "assignments": rows}, status=status
    )


@login_required
@require_POST
def assignment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    assignment = get_object_or_404(AreaAssignment.objects.select_related("user"), pk=pk)
    actions.remove_assignment(assignment, by=request.user)
    messages.success(request, _("The assignment was removed."))
    return redirect("feedback:assignments")


@login_required
@require_safe
def access_log(request: HttpRequest) -> HttpResponse:
    if not access.can_read_access_log(request.user):
        raise PermissionDenied
    rows = AccessLog.objects.select_related("user")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "feedback/access_log.html", {"page": page})
