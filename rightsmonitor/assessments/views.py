"""Assessment pages: the list, a new draft, the document, its texts, its workflow and files.

Every view asks ``assessments.access``: the public sees published assessments of public plans
(404 otherwise); coordinators and administrators see and change everything. Changes go through
``assessments.actions``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rightsmonitor.assessments import access, actions
from rightsmonitor.assessments.forms import NewAssessmentForm, TextsForm, VersionForm
from rightsmonitor.assessments.models import (
    Assessment,
    AssessmentFile,
    AssessmentState,
    FileFormat,
    GenerationJob,
)
from rightsmonitor.assessments.renderers.common import blocks_of
from rightsmonitor.assessments.translations import untranslated_texts
from rightsmonitor.assessments.workflow import transitions_from
from rightsmonitor.core.forms import add_action_errors
from rightsmonitor.core.locking import ConcurrentEditError
from rightsmonitor.core.translation import LANGUAGE_LABELS, language_codes


def _visible(request: HttpRequest, pk: int) -> Assessment:
    return get_object_or_404(
        access.assessments_for_user(request.user).select_related("plan", "supersedes"), pk=pk
    )


def _managed(request: HttpRequest, pk: int) -> Assessment:
    if not access.can_manage(request.user):
        raise PermissionDenied
    return get_object_or_404(Assessment.objects.select_related("plan"), pk=pk)


def assessment_list(request: HttpRequest) -> HttpResponse:
    assessments = (
        access.assessments_for_user(request.user)
        .for_list()
        .order_by("plan__code", "-end", "-edition")
    )
    return render(
        request,
        "assessments/assessment_list.html",
        {"assessments": assessments, "can_manage": access.can_manage(request.user)},
    )


@login_required
def assessment_new(request: HttpRequest) -> HttpResponse:
    if not access.can_manage(request.user):
        raise PermissionDenied
    form = NewAssessmentForm(request.POST or None, initial={"plan": request.GET.get("plan")})
    if request.method == "POST" and form.is_valid():
        try:
            assessment = actions.create_assessment(
                form.cleaned_data["plan"],
                period=form.cleaned_data["period"],
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                by=request.user,
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("The draft assessment was created."))
            return redirect(assessment)
    return render(request, "assessments/assessment_new.html", {"form": form})


def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _visible(request, pk)
    snapshot = actions.content_of(assessment)
    context: dict[str, Any] = {
        "assessment": assessment,
        "snapshot": snapshot,
        "blocks": blocks_of(snapshot),
        "draft": assessment.state == AssessmentState.DRAFT,
        "files": _files_by_format(assessment),
        "successor": Assessment.objects.filter(supersedes=assessment).first(),
    }
    if access.can_manage(request.user):
        context.update(
            can_manage=True,
            transitions=transitions_from(assessment.state),
            version_form=VersionForm(initial={"version": assessment.version}),
            job=assessment.jobs.first(),
            languages=[(code, LANGUAGE_LABELS.get(code, code)) for code in language_codes()],
            fallbacks=untranslated_texts(assessment) if context["draft"] else [],
        )
    return render(request, "assessments/assessment_detail.html", context)


def _files_by_format(assessment: Assessment) -> list[tuple[str, list[AssessmentFile]]]:
    files = list(assessment.files.all())
    return [
        (label, [f for f in files if f.format == value])
        for value, label in FileFormat.choices
        if any(f.format == value for f in files)
    ]


@login_required
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _managed(request, pk)
    language = request.GET.get("language") or (get_language() or "en").split("-")[0]
    if language not in language_codes():
        raise Http404
    sections = list(assessment.plan.sections.order_by("order", "pk"))
    comments = {c.section_id: c for c in assessment.section_comments.all()}
    initial = {
        "version": assessment.version,
        "introduction": getattr(assessment, f"introduction_{language}"),
        "conclusions": getattr(assessment, f"conclusions_{language}"),
        **{
            TextsForm.comment_field(section): getattr(comments[section.pk], f"comment_{language}")
            for section in sections
            if section.pk in comments
        },
    }
    form = TextsForm(request.POST or None, sections=sections, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_texts(
                assessment,
                language=language,
                texts={name: form.cleaned_data[name] for name in actions.TEXT_FIELDS},
                section_comments=form.section_comments(),
                by=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except ConcurrentEditError:
            form.add_error(None, ConcurrentEditError.message)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("The texts were saved."))
            return redirect(f"{reverse('assessments:edit', args=[pk])}?language={language}")
    context = {
        "assessment": assessment,
        "form": form,
        "language": language,
        "language_label": LANGUAGE_LABELS.get(language, language),
        "languages": [(code, LANGUAGE_LABELS.get(code, code)) for code in language_codes()],
        "editable": assessment.state == AssessmentState.DRAFT,
    }
    return render(request, "assessments/assessment_edit.html", context)


@login_required
@require_POST
def assessment_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    assessment = _managed(request, pk)
    form = VersionForm(request.POST)
    expected = form.cleaned_data["version"] if form.is_valid() else None
    # Approval freezes every language: a text missing in one is published in another.
    confirmed = bool(request.POST.get("confirm_fallbacks"))
    if name == "approve" and not confirmed and untranslated_texts(assessment):
        messages.error(
            request,
            _(
                "Some texts are not written in every language. Write them, or confirm that "
                "they may be published in another language."
            ),
        )
        return redirect(assessment)
    try:
        actions.take_transition(assessment, name, by=request.user, expected_version=expected)
    except ConcurrentEditError:
        messages.error(request, str(ConcurrentEditError.message))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        done = {
            "approve": _("Approved: the content is frozen and the files are being written."),
            "reopen": _("Reopened as a draft."),
            "publish": _("Published: the assessment and its files are public."),
        }
        messages.success(request, done.get(name, _("Done.")))
    return redirect(assessment)


@login_required
@require_POST
def assessment_new_edition(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _managed(request, pk)
    try:
        successor = actions.new_edition(assessment, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(assessment)
    messages.success(request, _("A new draft edition was created from the published one."))
    return redirect(successor)


@login_required
@require_POST
def assessment_generate(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _managed(request, pk)
    job = actions.request_files(assessment, by=request.user)
    if request.headers.get("HX-Request"):
        return _progress(request, assessment, job)
    messages.success(request, _("The files are being written."))
    return redirect(assessment)


@login_required
def assessment_progress(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _managed(request, pk)
    return _progress(request, assessment, assessment.jobs.first())


def _progress(
    request: HttpRequest, assessment: Assessment, job: GenerationJob | None
) -> HttpResponse:
    return render(
        request,
        "assessments/includes/progress.html",
        {"assessment": assessment, "job": job, "files": _files_by_format(assessment)},
    )


def assessment_file(request: HttpRequest, pk: int, file_format: str, language: str) -> FileResponse:
    assessment = _visible(request, pk)
    row = get_object_or_404(
        AssessmentFile.objects.select_related("assessment__plan"),
        assessment=assessment,
        format=file_format,
        language=language,
    )
    try:
        handle = row.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=row.download_name, content_type=row.content_type
    )
    if not assessment.is_published:
        response["Cache-Control"] = "private, no-store"
    return response
