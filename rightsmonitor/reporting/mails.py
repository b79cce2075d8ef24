"""E-mails at each hand-off of a report, in the recipient's language.

``send_notice_mails`` is called once the notices are written (on commit, by
``actions._notify``): people who chose immediate mails get one e-mail per notice, plain text and
HTML, with the comment and an absolute link; the notice is marked mailed. People who chose the
daily digest get theirs in the next run of ``reminders.send_reminders``, which marks them mailed.
As for the digest, delivery is at most once: a refused mail is logged and not retried.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rightsmonitor.accounts.models import NoticeDelivery, User
from rightsmonitor.reporting import notices
from rightsmonitor.reporting.models import Notification

logger = logging.getLogger(__name__)


def language_of(user: User) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return user.preferred_language if user.preferred_language in codes else settings.LANGUAGE_CODE


def subject_of(notification: Notification) -> str:
    """The subject names the step, the action and the agency, in the active language."""
    params = notification.params or {}
    values = {
        "site_name": settings.SITE_NAME,
        "number": params.get("action", ""),
        "agency": notices.agency_of(params),
    }
    subjects = {
        notices.READY: _("%(site_name)s: report %(number)s (%(agency)s) is ready for sign-off"),
        notices.SIGNED_OFF: _("%(site_name)s: report %(number)s (%(agency)s) was signed off"),
        notices.SENT_BACK: _(
            "%(site_name)s: report %(number)s (%(agency)s) was sent back to draft"
        ),
        notices.SUBMITTED: _("%(site_name)s: report %(number)s (%(agency)s) was submitted"),
        notices.RESUBMITTED: _("%(site_name)s: report %(number)s (%(agency)s) was resubmitted"),
        notices.RETURNED: _(
            "%(site_name)s: report %(number)s (%(agency)s) was returned for revision"
        ),
        notices.ACCEPTED: _("%(site_name)s: report %(number)s (%(agency)s) was accepted"),
        notices.ASSIGNED: _("%(site_name)s: report %(number)s (%(agency)s) was handed to you"),
    }
    return subjects.get(notification.event, _("%(site_name)s: a notice")) % values


def render_notice_mail(notification: Notification, user: User) -> EmailMultiAlternatives:
    """One notice as an e-mail to ``user``, in their language."""
    language = language_of(user)
    with translation.override(language):
        # The link opens in the recipient's language, whoever's request stored it.
        path = translate_url(notification.url, language) if notification.url else ""
        context = {
            "name": user.get_full_name() or user.email,
            "message": notices.render_notice(notification, comment=False),
            "comment": (notification.params or {}).get("comment", ""),
            "url": settings.SITE_URL + path if path else "",
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
            "profile_url": settings.SITE_URL + reverse("accounts:profile"),
        }
        subject = " ".join(subject_of(notification).split())
        text = render_to_string("reporting/email/notice.txt", context)
        html = render_to_string("reporting/email/notice.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(html, "text/html")
    return message


def send_notice_mails(notifications: Sequence[Notification]) -> int:
    """Mail each notice at once to those who want it so; returns how many were sent."""
    wanted = [
        notice for notice in notifications if notice.event and notice.event not in notices.REMINDERS
    ]
    users = {
        user.pk: user
        for user in User.objects.filter(
            pk__in={notice.user_id for notice in wanted},
            is_active=True,
            notice_delivery=NoticeDelivery.IMMEDIATE,
        ).exclude(email="")
    }
    outbox = [
        (notice, render_notice_mail(notice, users[notice.user_id]))
        for notice in wanted
        if notice.user_id in users
    ]
    if not outbox:
        return 0
    Notification.objects.filter(pk__in=[notice.pk for notice, _mail in outbox]).update(
        mailed_at=timezone.now()
    )
    return _deliver(mail for _notice, mail in outbox)


def _deliver(messages: Iterable[EmailMultiAlternatives]) -> int:
    batch = list(messages)
    try:
        return int(get_connection().send_messages(batch) or 0)
    except Exception:
        logger.exception(
            "Hand-off notices not sent to: %s",
            ", ".join(address for message in batch for address in message.to),
        )
        return 0
