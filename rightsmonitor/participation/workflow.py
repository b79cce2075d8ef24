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

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rightsmonitor.reporting.workflow import StrOrPromise


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


@dataclass(frozen=True)
class Step:
    """A transition taken by the coordinator (every step here is the coordinator's)."""

    name: str
    label: StrOrPromise
    sources: frozenset[str]
    target: str
    reason_required: bool = False


C = CommentState
MODERATION: tuple[Step, ...] = (
    Step("publish", _("Publish"), frozenset({C.PENDING}), C.PUBLISHED),
    Step("reject", _("Reject"), frozenset({C.PENDING}), C.REJECTED, reason_required=True),
    Step("withdraw", _("Withdraw"), frozenset({C.PUBLISHED}), C.REJECTED, reason_required=True),
)

CONSULTATION_STEPS: tuple[Step, ...] = (
    Step(
        "open",
        _("Open for comments"),
        frozenset({ConsultationState.DRAFT}),
        ConsultationState.OPEN,
    ),
    Step("close", _("Close"), frozenset({ConsultationState.OPEN}), ConsultationState.CLOSED),
)

APPLICATION_STEPS: tuple[Step, ...] = (
    Step("approve", _("Approve"), frozenset({ApplicationState.PENDING}), ApplicationState.APPROVED),
    Step(
        "reject",
        _("Reject"),
        frozenset({ApplicationState.PENDING}),
        ApplicationState.REJECTED,
        reason_required=True,
    ),
)


def find_step(steps: tuple[Step, ...], name: str, state: str) -> Step | None:
    return next((s for s in steps if s.name == name and state in s.sources), None)


def steps_from(steps: tuple[Step, ...], state: str) -> list[Step]:
    return [s for s in steps if state in s.sources]
