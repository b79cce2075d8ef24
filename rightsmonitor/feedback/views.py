"""Feedback pages (namespace "feedback").

Public: the submission form (the receipt is the answer to the POST, never stored or
redirected to, so the secret exists nowhere but on the submitter's screen) and the check
form (code and secret → status and answer, and a reply form carrying them again). All three
are rate limited per address
(``core.ratelimit``, limits below); a refused check is a 429 with a message.

Staff: cases are loaded through ``access.cases_for_user``, so a case outside the user's areas
(or, for a focal point, not referred to them) is a 404 whether or not it exists; people who
are neither staff nor focal points get a 403. Every page that shows
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
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from rightsmonitor.core.forms import add_action_errors
from rightsmonitor.core.ratelimit import RateLimit
from rightsmonitor.feedback import access, actions
from rightsmonitor.feedback.forms import (
    AnswerForm,
    AssignmentForm,
    CheckForm,
    DueDateForm,
    NoteForm,
    ReferralForm,
    ReplyForm,
    SubmissionForm,
)
from rightsmonitor.feedback.models import (
    AccessLog,
    AreaAssignment,
    Case,
    CaseNote,
    CaseStatus,
    Referral,
)
from rightsmonitor.feedback.uploads import BoundedMemoryUploadHandler
from rightsmonitor.feedback.workflow import BUTTON_TRANSITIONS, WORKFLOW

PER_PAGE = 50

# Per address and hour: messages sent (spam counts too), and wrong code-and-secret checks.
SUBMISSIONS = RateLimit("feedback-submit", "FEEDBACK_SUBMISSIONS_PER_HOUR")
REPLIES = RateLimit("feedback-reply", "FEEDBACK_SUBMISSIONS_PER_HOUR")  # as many as messages
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
                kind=form.cleaned_data.get("kind", CaseNote.Kind.NOTE),
                plan=plan,
                section=section,
                content=form.cleaned_data["content"],
                contact=form.contact,
                attachment=form.cleaned_data["attachment"] or None,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            check_url = request.build_absolute_uri(reverse("feedback:check"))
            return render(
                request, "feedback/receipt.html", {"receipt": receipt, "check_url": check_url}
            )
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
            return _check_result(request, found, form.cleaned_data)
        FAILED_CHECKS.count(request)
        form.add_error(
            None,
            _("No case matches this code and secret. Check both and try again."),
        )
    return render(request, "feedback/check.html", {"form": form}, status=400)


def _check_result(
    request: HttpRequest,
    found: actions.SubmitterView,
    keys: dict[str, str],
    reply_form: ReplyForm | None = None,
    status: int = 200,
    **extra: object,
) -> HttpResponse:
    # The page carries the code and secret in the reply form (it is never cached): the
    # submitter need not type them again to reply.
    if reply_form is None:
        reply_form = ReplyForm(initial={"code": keys["code"], "secret": keys["secret"]})
    context = {"case": found, "reply_form": reply_form, **extra}
    return render(request, "feedback/check_result.html", context, status=status)


@csrf_exempt
@never_cache
@require_POST
def reply(request: HttpRequest) -> HttpResponse:
    # As for a submission: the attached file stays in memory (see ``submit``).
    request.upload_handlers = [BoundedMemoryUploadHandler(request)]
    return _reply(request)


@csrf_protect
def _reply(request: HttpRequest) -> HttpResponse:
    if FAILED_CHECKS.exceeded(request):
        return render(
            request, "feedback/check.html", {"form": CheckForm(), "limited": True}, status=429
        )
    form = ReplyForm(request.POST, request.FILES)
    code, secret = request.POST.get("code", ""), request.POST.get("secret", "")
    case = actions.find_case(code, secret) if code and secret else None
    if case is None:
        FAILED_CHECKS.count(request)
        check_form = CheckForm({"code": code, "secret": secret})
        check_form.is_valid()
        check_form.add_error(
            None, _("No case matches this code and secret. Check both and try again.")
        )
        return render(request, "feedback/check.html", {"form": check_form}, status=400)
    keys = {"code": code, "secret": secret}
    found = actions.submitter_view(case)
    if REPLIES.exceeded(request):
        return _check_result(request, found, keys, status=429, reply_limited=True)
    if form.is_valid():
        if not REPLIES.hit(request):
            return _check_result(request, found, keys, status=429, reply_limited=True)
        try:
            replied = actions.reply_to_case(
                case,
                text=form.cleaned_data["reply"],
                attachment=form.cleaned_data["attachment"] or None,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            return _check_result(request, actions.submitter_view(replied), keys, replied=True)
    return _check_result(request, found, keys, reply_form=form, status=400)


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
    if request.GET.get("due") == "overdue":
        cases = cases.open().filter(due_date__lt=timezone.localdate())
    page = Paginator(cases, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/case_list.html",
        {
            "page": page,
            "statuses": CaseStatus.choices,
            "status": status,
            "overdue_only": request.GET.get("due") == "overdue",
            "today": timezone.localdate(),
        },
    )


def _case_page(
    request: HttpRequest,
    case: Case,
    *,
    answer_form: AnswerForm | None = None,
    note_form: NoteForm | None = None,
    referral_form: ReferralForm | None = None,
    due_form: DueDateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    content = actions.read_content(case, by=request.user)
    notes = actions.read_notes(case, by=request.user)
    handles = access.can_handle_case(request.user, case)
    referred = not handles and access.is_referred_to(request.user, case)
    if answer_form is None:
        answer_form = AnswerForm(initial={"answer": content.answer})
    steps = [t for t in WORKFLOW.from_state(case.status) if t.name in BUTTON_TRANSITIONS]
    return render(
        request,
        "feedback/case_detail.html",
        {
            "case": case,
            "content": content,
            "notes": notes.notes,
            "referrals": notes.referrals,
            "handles": handles,
            "answer_form": answer_form,
            "can_answer": handles and case.status in WORKFLOW["answer"].sources,
            "steps": steps if handles else [],
            "note_form": note_form or NoteForm(can_respond=referred),
            "referral_form": (referral_form or ReferralForm())
            if handles and case.is_open
            else None,
            "due_form": (due_form or DueDateForm(initial={"due_date": case.due_date}))
            if handles
            else None,
            "today": timezone.localdate(),
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
@never_cache
@require_safe
def note_file(request: HttpRequest, pk: int, note_pk: int) -> FileResponse:
    case = _case(request, pk)
    note = get_object_or_404(case.notes.select_related("case"), pk=note_pk)
    attachment = actions.read_note_attachment(note, by=request.user)
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
def case_note(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = NoteForm(request.POST, can_respond=access.is_referred_to(request.user, case))
    if form.is_valid():
        try:
            actions.add_note(
                case,
                text=form.cleaned_data["text"],
                kind=form.cleaned_data.get("kind", CaseNote.Kind.NOTE),
                by=request.user,
            )
        except ValidationError as exc:
            add_action_errors(form, exc, default_field=None)
        else:
            messages.success(request, _("The note was saved."))
            return redirect("feedback:case", pk=case.pk)
    return _case_page(request, case, note_form=form, status=400)


@login_required
@require_POST
def case_refer(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    if not access.can_handle_case(request.user, case):
        raise PermissionDenied
    form = ReferralForm(request.POST)
    if form.is_valid():
        try:
            referral = actions.refer_case(
                case,
                agency=form.cleaned_data["agency"],
                focal_point=form.cleaned_data["focal_point"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            add_action_errors(form, exc, default_field=None)
        else:
            messages.success(
                request,
                _("The case was referred to %(agency)s; its focal points are told by e-mail.")
                % {"agency": referral.agency.short_name},
            )
            return redirect("feedback:case", pk=case.pk)
    return _case_page(request, case, referral_form=form, status=400)


@login_required
@require_POST
def referral_withdraw(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    case = _case(request, pk)
    if not access.can_handle_case(request.user, case):
        raise PermissionDenied
    referral = get_object_or_404(
        Referral.objects.select_related("agency", "case"), pk=referral_pk, case=case
    )
    actions.withdraw_referral(referral, by=request.user)
    messages.success(
        request,
        _("The referral to %(agency)s was withdrawn.") % {"agency": referral.agency.short_name},
    )
    return redirect("feedback:case", pk=case.pk)


@login_required
@require_POST
def case_due(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    if not access.can_handle_case(request.user, case):
        raise PermissionDenied
    form = DueDateForm(request.POST)
    if form.is_valid():
        actions.set_due_date(case, due_date=form.cleaned_data["due_date"], by=request.user)
        messages.success(request, _("The due date was changed."))
        return redirect("feedback:case", pk=case.pk)
    return _case_page(request, case, due_form=form, status=400)


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
