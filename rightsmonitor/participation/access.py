"""Who may take part, read and moderate. Pages, the API, exports and actions ask here.

- Members of approved organisations (civil society users whose organisation has an
  ``Accreditation``) comment on what the public may see, and rate actions for their
  organisation.
- The coordinator (and administrators) moderate public comments, read those addressed to
  them, decide applications, run consultations, and reply to any comment.
- An agency's focal points reply to public comments on the actions their agency is
  responsible for (and on the reports about them).
- The public reads published public comments and every shadow rating of an approved
  organisation on a public plan.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from rightsmonitor.core.roles import is_civil_society, is_focal_point, is_staff_role
from rightsmonitor.participation.models import (
    Accreditation,
    Comment,
    CommentQuerySet,
    Consultation,
    ShadowRating,
    ShadowRatingQuerySet,
    Visibility,
)
from rightsmonitor.participation.workflow import CommentState, ConsultationState
from rightsmonitor.plans.models import ActionAgency, PlanQuerySet


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def approved_organisation_id(user: Any) -> int | None:
    """The organisation ``user`` speaks for, if they are a member of an approved one.

    Remembered on the user object for the request, since a page asks several times.
    """
    if not is_civil_society(user) or not user.organisation_id:
        return None
    cached = getattr(user, "_approved_organisation_id", ...)
    if cached is ...:
        approved = Accreditation.objects.filter(organisation_id=user.organisation_id).exists()
        cached = user.organisation_id if approved else None
        user._approved_organisation_id = cached
    return cached


def can_take_part(user: Any) -> bool:
    """Comment and rate: members of approved organisations."""
    return approved_organisation_id(user) is not None


def can_moderate(user: Any) -> bool:
    return is_staff_role(user)


def can_manage_consultations(user: Any) -> bool:
    return is_staff_role(user)


def can_decide_applications(user: Any) -> bool:
    return is_staff_role(user)


def _focal_agency_id(user: Any) -> int | None:
    if is_focal_point(user) and user.agency_id:
        return int(user.agency_id)
    return None


def comments_for_user(user: Any) -> CommentQuerySet:
    """Every comment ``user`` may read: staff all; others the public record and their own
    threads (their comments, pending or private, and the replies to them)."""
    comments = Comment.objects.all()
    if is_staff_role(user):
        return comments
    visible = Q(pk__in=Comment.objects.public().values("pk"))
    if _signed_in(user):
        visible |= Q(author=user) | Q(parent__author=user, state=CommentState.PUBLISHED)
    return comments.filter(visible)


def responsible_action_ids(user: Any) -> set[int]:
    """The actions of the focal point's agency, remembered on the user object for the request
    (a thread asks once per comment)."""
    agency_id = _focal_agency_id(user)
    if agency_id is None:
        return set()
    cached: set[int] | None = getattr(user, "_responsible_action_ids", None)
    if cached is None:
        rows = ActionAgency.objects.filter(agency_id=agency_id).values_list("action_id", flat=True)
        cached = set(rows)
        user._responsible_action_ids = cached
    return cached


def can_reply(user: Any, comment: Comment) -> bool:
    """Answer in the thread: staff always; focal points on public, published comments about
    their agency's actions (or reports on them). Replies are not answered in turn."""
    if comment.is_reply or comment.state != CommentState.PUBLISHED:
        return False
    if is_staff_role(user):
        return True
    if comment.visibility != Visibility.PUBLIC or _focal_agency_id(user) is None:
        return False
    action_id = comment.action_id or (
        comment.report.action_id if comment.report is not None else None
    )
    return action_id is not None and action_id in responsible_action_ids(user)


def ratings_for_public() -> ShadowRatingQuerySet:
    """Ratings of approved organisations on public plans."""
    return ShadowRating.objects.accredited().filter(
        action__plan__status__in=PlanQuerySet.PUBLIC_STATUSES
    )


def can_edit_rating(user: Any, rating: ShadowRating) -> bool:
    return approved_organisation_id(user) == rating.organisation_id


def consultations_for_user(user: Any) -> Any:
    """Open and closed consultations are public (with the draft plan they are about); those in
    preparation are for staff."""
    consultations = Consultation.objects.select_related("plan", "amendment__instrument")
    if is_staff_role(user):
        return consultations
    return consultations.exclude(state=ConsultationState.DRAFT)


def is_taking_comments(consultation: Consultation) -> bool:
    today = timezone.localdate()
    return (
        consultation.state == ConsultationState.OPEN
        and consultation.opens_on <= today <= consultation.closes_on
    )
