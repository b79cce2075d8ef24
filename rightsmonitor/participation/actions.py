"""Every change to participation goes through these functions.

Each runs in one transaction: it checks who is acting (``participation.access``), validates,
makes the change and writes one immutable ``ParticipationEvent``. Pages, the API, the demo
loader and tests call these; nothing else saves participation objects.

Errors callers handle: ``PermissionDenied`` (this user may not), ``ValidationError`` (not now,
or not with this input; the message says why) and ``ConcurrentEditError`` (someone changed the
rating since the caller loaded it).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rightsmonitor.accounts.actions import invite_user
from rightsmonitor.accounts.models import Organisation, Role, User
from rightsmonitor.assessments.access import assessments_for_user
from rightsmonitor.assessments.models import Assessment
from rightsmonitor.core.locking import claim_version
from rightsmonitor.participation import access
from rightsmonitor.participation.models import (
    Accreditation,
    Comment,
    Consultation,
    OrganisationApplication,
    ParticipationEvent,
    ShadowRating,
    Visibility,
)
from rightsmonitor.participation.workflow import (
    APPLICATION_STEPS,
    CONSULTATION_STEPS,
    MODERATION,
    ApplicationState,
    CommentState,
    find_step,
)
from rightsmonitor.plans.access import actions_for_user
from rightsmonitor.plans.models import Action, Amendment, Plan
from rightsmonitor.reporting.access import reports_for_user
from rightsmonitor.reporting.models import ImplementationStatus, ProgressReport, ReportingPeriod
from rightsmonitor.reporting.workflow import ReportState

Kind = ParticipationEvent.Kind


def _record(kind: str, subject: models.Model, *, by: Any, **extra: Any) -> ParticipationEvent:
    return ParticipationEvent.objects.create(
        kind=kind,
        actor=by if getattr(by, "is_authenticated", False) else None,
        subject_type=subject._meta.model_name or "",
        subject_id=subject.pk,
        extra=extra,
    )


def _reason_required(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason: the author is told it.")})
    return reason


# Organisations -------------------------------------------------------------------------------


@transaction.atomic
def submit_application(
    *,
    name: str,
    kind: str,
    description: str,
    contact_name: str,
    contact_email: str,
    country: str = "",
    website: str = "",
) -> OrganisationApplication:
    """A public request to take part; the coordinator decides it."""
    application = OrganisationApplication(
        name=name.strip(),
        kind=kind,
        country=country.strip().upper(),
        website=website.strip(),
        description=description.strip(),
        contact_name=contact_name.strip(),
        contact_email=User.objects.normalize_email(contact_email.strip()),
    )
    application.full_clean(exclude=["state"])
    if Organisation.objects.filter(name__iexact=application.name).exists():
        raise ValidationError(
            {
                "name": _(
                    "An organisation with this name already takes part. Ask its members to "
                    "have the coordinator invite you."
                )
            }
        )
    if OrganisationApplication.objects.filter(
        state=ApplicationState.PENDING, name__iexact=application.name
    ).exists():
        raise ValidationError({"name": _("An application for this organisation is pending.")})
    application.save()
    _record(Kind.APPLICATION_SUBMITTED, application, by=None, email=application.contact_email)
    return application


def _accredit(organisation: Organisation, *, by: Any, application: Any = None) -> Accreditation:
    accreditation, _created = Accreditation.objects.get_or_create(
        organisation=organisation, defaults={"approved_by": by, "application": application}
    )
    return accreditation


@transaction.atomic
def accredit_organisation(organisation: Organisation, *, by: Any) -> Accreditation:
    """Approve an organisation that already exists (created by an administrator or an import)."""
    if not access.can_decide_applications(by):
        raise PermissionDenied
    accreditation = _accredit(organisation, by=by)
    _record(Kind.ORGANISATION_ACCREDITED, organisation, by=by)
    return accreditation


@transaction.atomic
def decide_application(
    application: OrganisationApplication, name: str, *, by: Any, reason: str = ""
) -> OrganisationApplication:
    """Approve (the organisation is created and approved, its contact invited as a civil
    society member through ``accounts.actions.invite_user``) or reject with a reason."""
    if not access.can_decide_applications(by):
        raise PermissionDenied
    application = OrganisationApplication.objects.select_for_update().get(pk=application.pk)
    step = find_step(APPLICATION_STEPS, name, application.state)
    if step is None:
        raise ValidationError(_("This application has already been decided."), code="decided")
    if step.comment_required:
        reason = _reason_required(reason)
    application.state = step.target
    application.decision_reason = reason.strip()
    application.decided_by = by
    application.decided_at = timezone.now()
    extra: dict[str, Any] = {}
    if step.target == ApplicationState.APPROVED:
        if Organisation.objects.filter(name__iexact=application.name).exists():
            raise ValidationError(
                _("An organisation with this name exists already: approve that one instead."),
                code="exists",
            )
        organisation = Organisation.objects.create(
            name=application.name,
            kind=application.kind,
            country=application.country,
            website=application.website,
        )
        application.organisation = organisation
        _accredit(organisation, by=by, application=application)
        if User.objects.with_email(application.contact_email).exists():
            # Someone with an account already: the coordinator moves them on the users page.
            extra["existing_account"] = True
        else:
            application.invitation, _token = invite_user(
                email=application.contact_email,
                role=Role.CIVIL_SOCIETY,
                organisation=organisation,
                by=by,
            )
    application.save()
    kind = (
        Kind.APPLICATION_APPROVED
        if step.target == ApplicationState.APPROVED
        else Kind.APPLICATION_REJECTED
    )
    _record(kind, application, by=by, reason=application.decision_reason, **extra)
    return application


# Comments ------------------------------------------------------------------------------------


def _check_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write your comment.")}, code="empty")
    if len(body) > settings.PARTICIPATION_COMMENT_MAX_CHARS:
        raise ValidationError(
            {
                "body": _("A comment may have at most %(limit)d characters; this one has %(n)d.")
                % {"limit": settings.PARTICIPATION_COMMENT_MAX_CHARS, "n": len(body)}
            },
            code="too_long",
        )
    return body


def _check_rate(by: Any) -> None:
    since = timezone.now() - timedelta(hours=1)
    recent = Comment.objects.filter(author=by, created_at__gte=since).count()
    if recent >= settings.PARTICIPATION_COMMENTS_PER_HOUR:
        raise ValidationError(
            _("You have written %(n)d comments in the last hour. Please wait a while.")
            % {"n": recent},
            code="rate_limited",
        )


@transaction.atomic
def post_comment(
    *,
    body: str,
    visibility: str,
    by: Any,
    action: Action | None = None,
    report: ProgressReport | None = None,
    assessment: Assessment | None = None,
    consultation: Consultation | None = None,
) -> Comment:
    """A member's comment on one target. Public comments wait for moderation; comments to the
    coordinator only are delivered at once (the public never sees them)."""
    organisation_id = access.approved_organisation_id(by)
    if organisation_id is None:
        raise PermissionDenied(_("Only members of approved organisations may comment."))
    if sum(target is not None for target in (action, report, assessment)) != 1:
        raise ValueError("A comment has exactly one target.")
    if consultation is not None:
        if action is None or action.plan_id != consultation.plan_id:
            raise ValidationError(_("The action is not part of this consultation."))
        if not access.is_taking_comments(consultation):
            raise ValidationError(
                _("This consultation is not taking comments."), code="consultation_closed"
            )
    elif action is not None and not actions_for_user(by).filter(pk=action.pk).exists():
        raise PermissionDenied
    if report is not None and not (
        report.state == ReportState.ACCEPTED and reports_for_user(by).filter(pk=report.pk).exists()
    ):
        raise PermissionDenied
    if assessment is not None and not (
        assessment.is_published and assessments_for_user(by).filter(pk=assessment.pk).exists()
    ):
        raise PermissionDenied
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": _("Choose who may read your comment.")})
    body = _check_body(body)
    _check_rate(by)
    comment = Comment.objects.create(
        action=action,
        report=report,
        assessment=assessment,
        consultation=consultation,
        author=by,
        organisation_id=organisation_id,
        body=body,
        visibility=visibility,
        state=CommentState.PENDING if visibility == Visibility.PUBLIC else CommentState.PUBLISHED,
    )
    _record(Kind.COMMENT_POSTED, comment, by=by, visibility=visibility)
    # robust: a mail server failure is logged and must not undo the comment, which the
    # moderation page lists anyway.
    transaction.on_commit(partial(_tell_coordinators, comment.pk), robust=True)
    return comment


def _tell_coordinators(comment_id: int) -> None:
    """E-mail the active coordinators that a comment arrived (no text: they read it here)."""
    comment = Comment.objects.select_related("organisation").get(pk=comment_id)
    private = comment.visibility == Visibility.COORDINATOR
    url = settings.SITE_URL + reverse("participation:moderation")
    messages = []
    for coordinator in User.objects.filter(role=Role.COORDINATOR, is_active=True):
        with translation.override(coordinator.preferred_language):
            context = {
                "organisation": comment.organisation,
                "private": private,
                "url": url,
                "site_name": settings.SITE_NAME,
                "site_url": settings.SITE_URL,
            }
            subject = render_to_string("participation/email/new_comment_subject.txt", context)
            body = render_to_string("participation/email/new_comment.txt", context)
        messages.append((" ".join(subject.split()), body, None, [coordinator.email]))
    send_mass_mail(messages)


@transaction.atomic
def reply(comment: Comment, *, body: str, by: Any) -> Comment:
    """The coordinator's or the agency's answer, published in the comment's thread at once."""
    if not access.can_reply(by, comment):
        raise PermissionDenied
    answer = Comment.objects.create(
        action_id=comment.action_id,
        report_id=comment.report_id,
        assessment_id=comment.assessment_id,
        consultation_id=comment.consultation_id,
        parent=comment,
        author=by,
        body=_check_body(body),
        visibility=comment.visibility,
        state=CommentState.PUBLISHED,
    )
    _record(Kind.REPLY_POSTED, answer, by=by, parent=comment.pk)
    return answer


@transaction.atomic
def moderate(comment: Comment, name: str, *, by: Any, reason: str = "") -> Comment:
    """Publish, reject or withdraw a public comment (the ``MODERATION`` table)."""
    if not access.can_moderate(by):
        raise PermissionDenied
    current = Comment.objects.select_for_update().get(pk=comment.pk)
    step = find_step(MODERATION, name, current.state)
    if step is None or current.visibility != Visibility.PUBLIC or current.is_reply:
        raise ValidationError(
            _("This comment cannot be moderated that way now."), code="invalid_step"
        )
    if step.comment_required:
        reason = _reason_required(reason)
    current.state = step.target
    current.moderation_reason = reason.strip()
    current.moderated_by = by
    current.moderated_at = timezone.now()
    current.save(update_fields=["state", "moderation_reason", "moderated_by", "moderated_at"])
    _record(f"comment_{step.name}", current, by=by, reason=current.moderation_reason)
    comment.state, comment.moderation_reason = current.state, current.moderation_reason
    return current


# Shadow ratings ------------------------------------------------------------------------------


@transaction.atomic
def save_rating(
    *,
    action: Action,
    period: ReportingPeriod,
    status: str,
    evidence: str,
    by: Any,
    evidence_url: str = "",
    expected_version: int | None = None,
) -> ShadowRating:
    """Create or change the member's organisation's rating of an action for a period.

    ``expected_version`` is the version the editor loaded (None for a new rating); a rating
    changed meanwhile by a colleague raises ``ConcurrentEditError``.
    """
    organisation_id = access.approved_organisation_id(by)
    if organisation_id is None:
        raise PermissionDenied(_("Only members of approved organisations may rate actions."))
    if not actions_for_user(by).filter(pk=action.pk).exists():
        raise PermissionDenied
    if period.plan_id != action.plan_id:
        raise ValidationError({"period": _("The period belongs to another plan.")})
    if period.start > timezone.localdate():
        raise ValidationError({"period": _("This period has not started yet.")})
    if status not in ImplementationStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    rating = (
        ShadowRating.objects.select_for_update()
        .filter(organisation_id=organisation_id, action=action, period=period)
        .first()
    )
    if rating is None:
        rating = ShadowRating(organisation_id=organisation_id, action=action, period=period)
    else:
        claim_version(rating, expected_version)
    rating.status = status
    rating.evidence = evidence.strip()
    rating.evidence_url = evidence_url.strip()
    rating.author = by
    rating.full_clean(exclude=["version"])
    rating._history_user = by  # type: ignore[attr-defined]
    rating.save()
    _record(Kind.RATING_SAVED, rating, by=by, status=status, period=period.pk)
    return rating


# Consultations -------------------------------------------------------------------------------


@transaction.atomic
def create_consultation(
    plan: Plan,
    *,
    title: str,
    opens_on: date,
    closes_on: date,
    by: Any,
    description: str = "",
    amendment: Amendment | None = None,
) -> Consultation:
    if not access.can_manage_consultations(by):
        raise PermissionDenied
    if amendment is not None and amendment.plan_id != plan.pk:
        raise ValidationError({"amendment": _("The amendment belongs to another plan.")})
    consultation = Consultation(
        plan=plan,
        amendment=amendment,
        title=title.strip(),
        description=description.strip(),
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=by,
    )
    consultation.full_clean()
    consultation.save()
    _record(Kind.CONSULTATION_CREATED, consultation, by=by)
    return consultation


@transaction.atomic
def consultation_step(consultation: Consultation, name: str, *, by: Any) -> Consultation:
    if not access.can_manage_consultations(by):
        raise PermissionDenied
    current = Consultation.objects.select_for_update().get(pk=consultation.pk)
    step = find_step(CONSULTATION_STEPS, name, current.state)
    if step is None:
        raise ValidationError(_("The consultation cannot do that now."), code="invalid_step")
    current.state = step.target
    current.save(update_fields=["state"])
    _record(f"consultation_{step.name}", current, by=by)
    consultation.state = current.state
    return current
