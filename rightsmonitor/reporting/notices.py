"""Notices written when they are read: one sentence per event, in the active language.

A ``Notification`` stores an event and its facts (``params``), never a sentence, so the same
notice reads in Russian for a deputy and in Kazakh for a focal point. ``render_notice`` is the
one function the notifications page, the home pages and the e-mails call; callers choose the
language (a page: the request's; a mail: ``translation.override`` with the recipient's).

Parameters of hand-off events (``handoff_params``): ``report`` (id), ``action`` (number),
``agency`` (abbreviation), ``agency_names`` (its abbreviation per language, ``agency_params``),
``agency_id``, ``period``, ``actor`` (who acted), ``comment``, and for
acceptance ``verdict`` (an ``ImplementationStatus`` value, when the coordinator chose one).
Reminders (``due_soon``, ``overdue``): ``what`` ("report" or "action"), ``count``, ``action``,
``agency``, ``period``, ``title``, ``due`` and ``on`` (ISO dates).

This module imports no models at import time, so ``reporting.models`` can use it.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import formats
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from rightsmonitor.core.workflow import StrOrPromise

if TYPE_CHECKING:
    from rightsmonitor.plans.models import Agency
    from rightsmonitor.reporting.models import Notification

READY = "ready"
SIGNED_OFF = "signed_off"
SENT_BACK = "sent_back"
SUBMITTED = "submitted"
RESUBMITTED = "resubmitted"
RETURNED = "returned"
ACCEPTED = "accepted"
ASSIGNED = "assigned"
DUE_SOON = "due_soon"
OVERDUE = "overdue"
REMINDERS = frozenset({DUE_SOON, OVERDUE})


def day_text(day: date) -> str:
    return formats.date_format(day)  # the language's long date (core/formats)


def when_text(due: date, on: date) -> str:
    """How a deadline stands on ``on``: "due 10 January 2023, in 7 days", "was due ..."."""
    days = (due - on).days
    if days < 0:
        return ngettext(
            "was due %(date)s, %(days)d day overdue",
            "was due %(date)s, %(days)d days overdue",
            -days,
        ) % {"date": day_text(due), "days": -days}
    if days == 0:
        return _("due today, %(date)s") % {"date": day_text(due)}
    return ngettext("due %(date)s, in %(days)d day", "due %(date)s, in %(days)d days", days) % {
        "date": day_text(due),
        "days": days,
    }


def agency_params(agency: Agency) -> dict[str, Any]:
    """The agency's facts for a notice: its key, and how each language writes it (МВД, ІІМ)."""
    return {
        "agency": agency.abbreviation,
        "agency_id": agency.pk,
        "agency_names": {code: agency.abbreviation_in(code) for code, _name in settings.LANGUAGES},
    }


def agency_of(params: dict[str, Any]) -> str:
    """The agency as the active language writes it (notices from before: the stored key)."""
    names = params.get("agency_names") or {}
    return str(names.get(get_language() or "", "") or params.get("agency", ""))


def report_text(number: str, agency: str, period: Any) -> str:
    return _("Report on action %(number)s (%(agency)s) for %(period)s") % {
        "number": number,
        "agency": agency,
        "period": period,
    }


def action_text(number: str, agency: str, title: str) -> str:
    return _("Action %(number)s (%(agency)s): %(title)s") % {
        "number": number,
        "agency": agency,
        "title": title,
    }


def count_text(what: str, count: int) -> str:
    if what == "report":
        text = ngettext("%(count)d report", "%(count)d reports", count)
    else:
        text = ngettext("%(count)d action deadline", "%(count)d action deadlines", count)
    return text % {"count": count}


def _handoff_sentence(event: str, label: str, actor: str) -> StrOrPromise:
    values = {"label": label, "actor": actor}
    sentences: dict[str, str] = {
        READY: _("Report %(label)s is ready for your sign-off (marked by %(actor)s)."),
        SIGNED_OFF: _("Report %(label)s was signed off by %(actor)s: it can be submitted."),
        SENT_BACK: _("Report %(label)s was sent back to draft by %(actor)s."),
        SUBMITTED: _("Report %(label)s was submitted for review."),
        RESUBMITTED: _("Report %(label)s was resubmitted for review."),
        RETURNED: _("Report %(label)s was returned for revision."),
        ACCEPTED: _("Report %(label)s was accepted."),
        ASSIGNED: _("%(actor)s handed report %(label)s to you."),
    }
    return sentences[event] % values


def render(event: str, params: dict[str, Any], *, comment: bool = True) -> str:
    """The sentence of ``event`` with ``params``, in the active language.

    ``comment``: whether to add the comment (the e-mails show it apart, as a quotation).
    """
    if event in REMINDERS:
        due = date.fromisoformat(params["due"])
        on = date.fromisoformat(params["on"])
        count = int(params.get("count", 1))
        if count > 1:
            what = count_text(params.get("what", "report"), count)
        elif params.get("what") == "report":
            what = report_text(params["action"], agency_of(params), params.get("period", ""))
        else:
            what = action_text(params["action"], agency_of(params), params.get("title", ""))
        return _("%(what)s: %(when)s") % {"what": what, "when": when_text(due, on)}
    label = f"{params.get('action', '')} ({agency_of(params)})"
    text = str(_handoff_sentence(event, label, params.get("actor") or _("someone")))
    verdict = params.get("verdict")
    if event == ACCEPTED and verdict:
        # Imported here: the models module imports this one.
        from rightsmonitor.reporting.models import ImplementationStatus

        status = dict(ImplementationStatus.choices).get(verdict, verdict)
        text += " " + _("Assessed status: %(status)s.") % {"status": status}
    if comment and params.get("comment"):
        text += " " + _("Comment: %(comment)s") % {"comment": params["comment"]}
    return text


def render_notice(notification: Notification, *, comment: bool = True) -> str:
    """A stored notice in the active language; notices from before events keep their text."""
    if not notification.event:
        return notification.text
    try:
        return render(notification.event, notification.params or {}, comment=comment)
    except (KeyError, ValueError, TypeError):  # facts missing from a hand-edited row
        return notification.text or notification.get_event_display()
