"""States and transitions of comments, consultations and organisation applications, as data.

Comments on the public record go through the coordinator's moderation queue::

    pending ──publish──▶ published ──withdraw (reason)──▶ rejected
       └──────reject (reason)──────────────────────────────▲

A comment addressed to the coordinator only is never shown to the public, so it needs no
moderation: it is stored as ``published`` (delivered) and only its author and staff see it.
Replies by the coordinator or an agency's focal point are published as they are written.

Consultations: ``draft ──open──▶ open ──close──▶ closed``; comments are taken while open.
Applications of organisations: ``pending ──approve / reject──▶ approved / rejected``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rightsmonitor.core.workflow import Transition, Workflow


class CommentState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("comment state", "Awaiting moderation")
    PUBLISHED = "published", pgettext_lazy("comment state", "Published")
    REJECTED = "rejected", pgettext_lazy("comment state", "Rejected")


class ConsultationState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("consultation state", "In preparation")
    OPEN = "open", pgettext_lazy("consultation state", "Open for comments")
    CLOSED = "closed", pgettext_lazy("consultation state", "Closed")


class ApplicationState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("application state", "Awaiting decision")
    APPROVED = "approved", pgettext_lazy("application state", "Approved")
    REJECTED = "rejected", pgettext_lazy("application state", "Rejected")


# Every step here is the coordinator's (the app's ``access`` helpers say who that is), so the
# tables name no actors. A reason, where required, is the transition's comment.
C = CommentState
MODERATION = Workflow(
    CommentState,
    (
        Transition("publish", _("Publish"), frozenset({C.PENDING}), C.PUBLISHED),
        Transition(
            "reject", _("Reject"), frozenset({C.PENDING}), C.REJECTED, comment_required=True
        ),
        Transition(
            "withdraw", _("Withdraw"), frozenset({C.PUBLISHED}), C.REJECTED, comment_required=True
        ),
    ),
    name="moderation",
)

CONSULTATION_STEPS = Workflow(
    ConsultationState,
    (
        Transition(
            "open",
            _("Open for comments"),
            frozenset({ConsultationState.DRAFT}),
            ConsultationState.OPEN,
        ),
        Transition(
            "close",
            _("Close"),
            frozenset({ConsultationState.OPEN}),
            ConsultationState.CLOSED,
        ),
    ),
    name="consultation",
)

APPLICATION_STEPS = Workflow(
    ApplicationState,
    (
        Transition(
            "approve",
            _("Approve"),
            frozenset({ApplicationState.PENDING}),
            ApplicationState.APPROVED,
        ),
        Transition(
            "reject",
            _("Reject"),
            frozenset({ApplicationState.PENDING}),
            ApplicationState.REJECTED,
            comment_required=True,
        ),
    ),
    name="application",
)


def find_step(steps: Workflow, name: str, state: str) -> Transition | None:
    return steps.find(name, state)


def steps_from(steps: Workflow, state: str) -> list[Transition]:
    return steps.from_state(state)
