"""Daily reminder digests: at most one e-mail a day per person, and in-app notifications.

Who hears about what (``collect_digests``):

- **Focal points**, about their agency: items due in exactly one of ``settings.REMINDER_DAYS``
  days (30, 7 and 1 by default: an item is mentioned on those days only), everything overdue,
  and reports returned for revision (listed once, under "returned", not again as overdue).
- **Validating authorities**, for agencies whose reports need sign-off: drafts with a
  narrative awaiting their sign-off (with the "ready for sign-off" step: reports marked ready).
- **Coordinators**: per agency, how many deadlines and reports are overdue and how many
  reports await review.

People with nothing to hear about get nothing. ``send_reminders`` records a ``ReminderDigest``
(user, day) row and the person's notifications in one transaction per person, and the e-mail
goes out once everything is committed. A person who already has today's row is skipped, so a
second run on the same day sends nothing; the unique constraint settles two runs racing. The
price is at-most-once delivery: if the mail server refuses after the commit, that day's digest
is lost (the error is logged and raised, so cron reports it).

Hand-off notices (``reporting.mails``) of people who chose the daily digest wait for the next
run: they are listed in the digest ("Handed to you") and marked mailed in the same
transaction as the digest's row, so each goes out once and a second run sends nothing.

Notifications: a "due soon" notice for what is mentioned as due soon, and an "overdue" notice
for what is overdue for the first time (the person's previous digest predates it), so the
in-app list does not repeat every overdue item every day while the e-mail does. Items of one
kind due on the same day share a notice ("12 reports: due 10 January 2023, in 7 days").
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rightsmonitor.accounts.models import NoticeDelivery, Role, User
from rightsmonitor.plans.models import Action, Agency
from rightsmonitor.reporting import notices as notice_text
from rightsmonitor.reporting.models import (
    AgencyReportingSettings,
    Notification,
    ProgressReport,
    ReminderDigest,
    ReportingPeriod,
    ReportTransition,
)
from rightsmonitor.reporting.queries import DueItem, DueKind, due_items, monitored_actions
from rightsmonitor.reporting.workflow import ReportState

logger = logging.getLogger(__name__)

TEMPLATE = "reporting/email/digest.txt"
TITLE_LENGTH = 120


@dataclass(frozen=True)
class AgencyCounts:
    """One row of the coordinator's summary."""

    agency: Agency
    overdue_deadlines: int
    overdue_reports: int
    awaiting_review: int


@dataclass(frozen=True)
class ReturnedReport:
    report: ProgressReport
    comment: str  # the coordinator's comment when returning it


@dataclass
class Digest:
    """What one person hears about on one day."""

    user: User
    due_soon: list[DueItem] = field(default_factory=list)
    overdue: list[DueItem] = field(default_factory=list)
    returned: list[ReturnedReport] = field(default_factory=list)
    sign_off: list[ProgressReport] = field(default_factory=list)
    agencies: list[AgencyCounts] = field(default_factory=list)  # coordinators only
    handed: list[Notification] = field(default_factory=list)  # hand-offs waiting for the digest

    @property
    def size(self) -> int:
        """Entries listed: items, reports and summary rows."""
        return (
            len(self.due_soon)
            + len(self.overdue)
            + len(self.returned)
            + len(self.sign_off)
            + len(self.agencies)
            + len(self.handed)
        )


@dataclass(frozen=True)
class RunSummary:
    day: date
    dry_run: bool
    sent: int  # digests recorded and queued (in a dry run: that would be)
    skipped: int  # people who already had the day's digest
    notifications: int
    subjects: list[tuple[str, str]]  # (address, subject) of each digest sent or to send

    def as_dict(self) -> dict[str, object]:
        return {
            "day": self.day.isoformat(),
            "dry_run": self.dry_run,
            "sent": self.sent,
            "skipped": self.skipped,
            "notifications": self.notifications,
        }


# Who hears about what ------------------------------------------------------------------------


def collect_digests(*, on: date) -> list[Digest]:
    """Every person's digest for ``on``, leaving out people with nothing to hear about.

    A fixed number of queries, whatever the number of actions, reports or people.
    """
    reminder_days = frozenset(settings.REMINDER_DAYS)
    items = due_items(on=on, horizon_days=max(reminder_days, default=0))
    items_by_agency: dict[int, list[DueItem]] = defaultdict(list)
    for item in items:
        items_by_agency[item.agency.pk].append(item)
    returned, awaiting_sign_off = _open_reports()

    digests: dict[int, Digest] = {}
    recipients = (
        User.objects.filter(is_active=True)
        .filter(Q(role=Role.FOCAL_POINT, agency__isnull=False) | Q(role=Role.COORDINATOR))
        .exclude(email="")
        .order_by("pk")
    )
    coordinators = []
    for user in recipients:
        if user.role == Role.COORDINATOR:
            coordinators.append(user)
            continue
        agency_id = user.agency_id or 0  # set: the filter above
        # A returned report is listed under "returned", with its deadline, and not again.
        mine = [i for i in items_by_agency.get(agency_id, []) if not _returned(i)]
        due_soon = [i for i in mine if not i.overdue and i.days_left in reminder_days]
        overdue = [i for i in mine if i.overdue]
        returned_here = returned.get(agency_id, [])
        if due_soon or overdue or returned_here:
            digests[user.pk] = Digest(
                user, due_soon=due_soon, overdue=overdue, returned=returned_here
            )

    validators = (
        AgencyReportingSettings.objects.filter(
            sign_off_required=True,
            validating_authority__is_active=True,
            validating_authority__agency=F("agency"),  # as reporting.access requires
        )
        .exclude(validating_authority__email="")
        .select_related("validating_authority")
        .order_by("pk")
    )
    for row in validators:
        waiting = awaiting_sign_off.get(row.agency_id, [])
        if waiting and row.validating_authority is not None:
            user = row.validating_authority
            digests.setdefault(user.pk, Digest(user)).sign_off.extend(waiting)

    summary = _agency_counts(items)
    if summary:
        for user in coordinators:
            digests.setdefault(user.pk, Digest(user)).agencies = summary

    handed = (
        Notification.objects.awaiting_digest()
        .filter(user__is_active=True, user__notice_delivery=NoticeDelivery.DAILY_DIGEST)
        .exclude(user__email="")
        .select_related("user")
        .order_by("created_at", "pk")
    )
    for notice in handed:
        digests.setdefault(notice.user_id, Digest(notice.user)).handed.append(notice)
    return sorted(digests.values(), key=lambda digest: digest.user.pk)


def _returned(item: DueItem) -> bool:
    return item.report is not None and item.report.state == ReportState.RETURNED


def _open_reports() -> tuple[dict[int, list[ReturnedReport]], dict[int, list[ProgressReport]]]:
    """Returned reports, and reports awaiting sign-off, of monitored actions, by agency."""
    last_return = (
        ReportTransition.objects.filter(report=OuterRef("pk"), to_state=ReportState.RETURNED)
        .order_by("-at", "-pk")
        .values("comment")[:1]
    )
    reports = (
        ProgressReport.objects.filter(action__in=monitored_actions().values("pk"))
        .filter(
            Q(state=ReportState.RETURNED)
            | Q(
                state=ReportState.DRAFT,
                agency__reporting_settings__sign_off_required=True,
                agency__reporting_settings__ready_step=False,
            )
            | Q(state=ReportState.READY, agency__reporting_settings__sign_off_required=True)
        )
        .select_related("action__plan", "agency__reporting_settings", "period")
        .annotate(return_comment=Subquery(last_return))
    )
    returned: dict[int, list[ReturnedReport]] = defaultdict(list)
    sign_off: dict[int, list[ProgressReport]] = defaultdict(list)
    for report in reports:
        if report.state == ReportState.RETURNED:
            comment = getattr(report, "return_comment", None) or ""
            returned[report.agency_id].append(ReturnedReport(report, comment))
        agency_settings = getattr(report.agency, "reporting_settings", None)
        needs_sign_off = agency_settings is not None and agency_settings.sign_off_required
        if report.state == ReportState.READY or (needs_sign_off and report.narrative.strip()):
            sign_off[report.agency_id].append(report)
    return returned, sign_off


def _agency_counts(items: list[DueItem]) -> list[AgencyCounts]:
    """The coordinator's summary: agencies with something overdue or awaiting review."""
    deadlines = Counter(
        i.agency.pk for i in items if i.overdue and i.kind == DueKind.ACTION_DEADLINE
    )
    reports = Counter(i.agency.pk for i in items if i.overdue and i.kind == DueKind.REPORT)
    awaiting = dict(
        ProgressReport.objects.awaiting_review()
        .order_by()
        .values("agency")
        .annotate(count=Count("pk"))
        .values_list("agency", "count")
    )
    agency_ids = set(deadlines) | set(reports) | set(awaiting)
    if not agency_ids:
        return []
    return [
        AgencyCounts(
            agency=agency,
            overdue_deadlines=deadlines[agency.pk],
            overdue_reports=reports[agency.pk],
            awaiting_review=awaiting.get(agency.pk, 0),
        )
        for agency in Agency.objects.filter(pk__in=agency_ids).order_by("abbreviation")
    ]


# What they read ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One entry of a digest as the person reads it, in their language."""

    text: str
    when: str
    url: str  # absolute
    note: str = ""


def _language(user: User) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return user.preferred_language if user.preferred_language in codes else settings.LANGUAGE_CODE


_when = notice_text.when_text


def _describe_report(action: Action, agency: Agency, period: ReportingPeriod | None) -> str:
    return notice_text.report_text(action.number, agency.short_name, period)


def _describe(item: DueItem) -> str:
    if item.kind == DueKind.REPORT:
        return _describe_report(item.action, item.agency, item.period)
    return notice_text.action_text(item.action.number, item.agency.short_name, _title(item.action))


def _title(action: Action) -> str:
    return Truncator(action.title).chars(TITLE_LENGTH)


def _path(item: DueItem) -> str:
    if item.report is not None:
        return reverse("reporting:report", args=[item.report.pk])
    if item.kind == DueKind.REPORT:
        return reverse("reporting:my_tasks")
    return item.action.get_absolute_url()


def _line(item: DueItem, on: date) -> Line:
    return Line(_describe(item), _when(item.due, on), settings.SITE_URL + _path(item))


def _report_line(report: ProgressReport, on: date, note: str = "") -> Line:
    url = settings.SITE_URL + reverse("reporting:report", args=[report.pk])
    return Line(
        _describe_report(report.action, report.agency, report.period),
        _when(report.period.submission_deadline, on),
        url,
        note,
    )


def _notice_line(notice: Notification) -> Line:
    """A hand-off notice in the digest: the sentence, its comment apart, the link."""
    url = settings.SITE_URL + notice.link if notice.url else ""
    comment = str((notice.params or {}).get("comment", ""))
    return Line(notice_text.render_notice(notice, comment=False), "", url, comment)


def _subject(digest: Digest) -> str:
    overdue = len(digest.overdue) + sum(
        row.overdue_deadlines + row.overdue_reports for row in digest.agencies
    )
    awaiting_review = sum(row.awaiting_review for row in digest.agencies)
    counts = [
        (
            len(digest.due_soon),
            ngettext("%(count)d item due", "%(count)d items due", len(digest.due_soon)),
        ),
        (overdue, ngettext("%(count)d overdue", "%(count)d overdue", overdue)),
        (
            len(digest.returned),
            ngettext(
                "%(count)d returned for revision",
                "%(count)d returned for revision",
                len(digest.returned),
            ),
        ),
        (
            len(digest.sign_off),
            ngettext(
                "%(count)d awaiting your sign-off",
                "%(count)d awaiting your sign-off",
                len(digest.sign_off),
            ),
        ),
        (
            awaiting_review,
            ngettext("%(count)d awaiting review", "%(count)d awaiting review", awaiting_review),
        ),
        (
            len(digest.handed),
            ngettext("%(count)d hand-off", "%(count)d hand-offs", len(digest.handed)),
        ),
    ]
    # A list of counted phrases, each translated whole.
    summary = ", ".join(phrase % {"count": count} for count, phrase in counts if count)
    return _("%(site_name)s: %(summary)s") % {"site_name": settings.SITE_NAME, "summary": summary}


def render_digest(digest: Digest, *, on: date) -> EmailMultiAlternatives:
    """The digest e-mail, in the person's preferred language."""
    user = digest.user
    with translation.override(_language(user)):
        context = {
            "name": user.get_full_name() or user.email,
            "day": on,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
            "due_soon": [_line(item, on) for item in digest.due_soon],
            "overdue": [_line(item, on) for item in digest.overdue],
            "returned": [_report_line(r.report, on, r.comment) for r in digest.returned],
            "sign_off": [_report_line(report, on) for report in digest.sign_off],
            "agencies": digest.agencies,
            "handed": [_notice_line(notice) for notice in digest.handed],
            "dashboard_url": settings.SITE_URL + reverse("reporting:dashboard"),
            "notifications_url": settings.SITE_URL + reverse("reporting:notifications"),
        }
        subject = _subject(digest)
        rendered = render_to_string(TEMPLATE, context)
    body = re.sub(r"\n{3,}", "\n\n", rendered).strip() + "\n"  # the template's blank lines
    return EmailMultiAlternatives(
        " ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [user.email]
    )


def digest_notifications(
    digest: Digest, *, on: date, previous_digest: date | None
) -> list[Notification]:
    """In-app notices: items due soon, and items overdue since the previous digest.

    Items of the same kind falling due on the same day (a period's reports, a batch of actions
    due on 31 December) make one notice that links to the person's tasks, so the list stays
    readable and its size follows the number of deadlines, not of actions.
    """
    newly_overdue = [
        item
        for item in digest.overdue
        # Overdue at the previous digest already: noticed then.
        if previous_digest is None or previous_digest <= item.due
    ]
    groups: dict[tuple[str, DueKind, date], list[DueItem]] = defaultdict(list)
    sections: tuple[tuple[str, list[DueItem]], ...] = (
        (Notification.Kind.DUE_SOON, digest.due_soon),
        (Notification.Kind.OVERDUE, newly_overdue),
    )
    for kind, items in sections:
        for item in items:
            groups[(kind, item.kind, item.due)].append(item)
    notices = []
    for (kind, item_kind, due), items in groups.items():
        params: dict[str, object] = {
            "what": "report" if item_kind == DueKind.REPORT else "action",
            "count": len(items),
            "due": due.isoformat(),
            "on": on.isoformat(),
        }
        if len(items) == 1:
            item = items[0]
            path = _path(item)
            params.update(
                action=item.action.number,
                **notice_text.agency_params(item.agency),
                period=str(item.period) if item.period is not None else "",
                title=_title(item.action),
            )
            if item.report is not None:
                params["report"] = item.report.pk
        else:
            path = reverse("reporting:my_tasks")
        notices.append(
            Notification(
                user=digest.user,
                kind=kind,
                event=kind,
                params=params,
                url=path,
                mailed_at=timezone.now(),  # the digest itself is the e-mail
            )
        )
    return notices


# Sending -------------------------------------------------------------------------------------


def send_reminders(*, on: date | None = None, dry_run: bool = False) -> RunSummary:
    """Send the day's digests to everyone who has not had theirs yet; see the module docs.

    With ``dry_run`` nothing is written or sent: the summary says what would be.
    """
    day = on or timezone.localdate()
    digests = collect_digests(on=day)
    done = set(ReminderDigest.objects.filter(day=day).values_list("user_id", flat=True))
    pending = [digest for digest in digests if digest.user.pk not in done]
    skipped = len(digests) - len(pending)
    if dry_run:
        return RunSummary(
            day=day,
            dry_run=True,
            sent=len(pending),
            skipped=skipped,
            notifications=0,
            subjects=[(d.user.email, str(render_digest(d, on=day).subject)) for d in pending],
        )

    previous = dict(
        ReminderDigest.objects.filter(user__in=[d.user.pk for d in pending], day__lt=day)
        .order_by()
        .values("user")
        .annotate(last=Max("day"))
        .values_list("user", "last")
    )
    outbox: list[EmailMessage] = []
    subjects = []
    notifications = 0
    for digest in pending:
        message = render_digest(digest, on=day)
        notices = digest_notifications(digest, on=day, previous_digest=previous.get(digest.user.pk))
        try:
            with transaction.atomic():
                ReminderDigest.objects.create(user=digest.user, day=day, items=digest.size)
                Notification.objects.bulk_create(notices)
                if digest.handed:
                    Notification.objects.filter(
                        pk__in=[notice.pk for notice in digest.handed], mailed_at__isnull=True
                    ).update(mailed_at=timezone.now())
                transaction.on_commit(partial(outbox.append, message))
        except IntegrityError:
            # Another run recorded this person's digest for the day in the meantime.
            skipped += 1
            continue
        notifications += len(notices)
        subjects.append((digest.user.email, str(message.subject)))
    # Runs after the per-person commits above (at once, or when an enclosing transaction
    # commits): every message is in the outbox by then.
    transaction.on_commit(partial(_deliver, outbox))
    summary = RunSummary(
        day=day,
        dry_run=False,
        sent=len(subjects),
        skipped=skipped,
        notifications=notifications,
        subjects=subjects,
    )
    logger.info("Reminders for %s: %s", day, summary.as_dict())
    return summary


def _deliver(outbox: list[EmailMessage]) -> None:
    if not outbox:
        return
    try:
        get_connection().send_messages(outbox)
    except Exception:
        logger.exception(
            "Reminder digests recorded but not sent to: %s",
            ", ".join(address for message in outbox for address in message.to),
        )
        raise
