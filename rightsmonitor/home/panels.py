"""What waits for a signed-in user, as panels of their home page.

Each panel is one kind of work (reports to write, comments to moderate, cases to answer...):
a count, the first few items, and a link to the page where the whole list is worked through.
Which panels a user sees follows from the access helpers of the apps that own the work, never
from the role's name, so a coordinator who is also a validating authority sees both. Every panel
costs a fixed number of queries (a count and a short page), whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rightsmonitor.accounts import access as accounts_access
from rightsmonitor.accounts.models import Invitation
from rightsmonitor.assessments import access as assessments_access
from rightsmonitor.assessments.models import AssessmentState
from rightsmonitor.core.models import WorkerHeartbeat
from rightsmonitor.core.roles import is_civil_society
from rightsmonitor.core.workflow import StrOrPromise
from rightsmonitor.feedback import queries as feedback_queries
from rightsmonitor.participation import access as participation_access
from rightsmonitor.participation.models import Comment, OrganisationApplication, ShadowRating
from rightsmonitor.participation.workflow import (
    ApplicationState,
    CommentState,
    ConsultationState,
)
from rightsmonitor.recommendations.models import ImportRun
from rightsmonitor.reporting import access as reporting_access
from rightsmonitor.reporting import notices, worklist
from rightsmonitor.reporting.models import Notification
from rightsmonitor.reporting.queries import overdue_actions

PANEL_ITEMS = 5  # items shown on the home page; the panel's link leads to the rest


@dataclass(frozen=True)
class Item:
    """One thing to look at: what it is, where to go, and when it is due."""

    label: str
    url: str
    detail: StrOrPromise = ""
    due: date | None = None
    late: bool = False


@dataclass(frozen=True)
class Panel:
    key: str
    title: StrOrPromise
    count: int
    items: list[Item]
    more_url: str
    empty: StrOrPromise
    # Whether the count is work for this user (summed in the navigation) or just information.
    is_work: bool = True
    help_text: StrOrPromise = ""
    columns: tuple[str, ...] = field(default=())


def _queried_panel(queryset: QuerySet[Any], to_item: Callable[[Any], Item], **fields: Any) -> Panel:
    """A panel of ``queryset``: its count and first few items, in two queries."""
    count = queryset.count()
    items = [to_item(row) for row in queryset[:PANEL_ITEMS]] if count else []
    return Panel(count=count, items=items, **fields)


# The agency's side ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportList:
    """How a list of ``reporting.worklist.Worklist`` shows as a panel."""

    attribute: str
    title: StrOrPromise
    empty: StrOrPromise
    is_work: bool = True
    help_text: StrOrPromise = ""


REPORT_LISTS = (
    ReportList(
        "to_write",
        _("Reports to write"),
        _("No report is waiting to be written."),
        help_text=_("Not started yet, drafts, and reports signed off and ready to submit."),
    ),
    ReportList(
        "came_back",
        _("Returned by the coordinator"),
        _("No report came back."),
        help_text=_("Read the coordinator's comment, change the report and resubmit it."),
    ),
    ReportList(
        "to_sign_off",
        _("Reports for your sign-off"),
        _("No report waits for your sign-off."),
    ),
    ReportList(
        "assigned_to_me",
        _("Handed to you"),
        _("No colleague handed you a report."),
        is_work=False,
    ),
    ReportList(
        "awaiting_sign_off",
        _("Waiting for sign-off"),
        _("No report waits for the validating authority."),
        is_work=False,
    ),
    ReportList(
        "with_coordinator",
        _("With the coordinator"),
        _("No report is being reviewed."),
        is_work=False,
    ),
)


def _work_item(item: worklist.WorkItem, user: Any, *, show_assignee: bool = True) -> Item:
    report = item.report
    detail: StrOrPromise = report.get_state_display() if report else _("Not started")
    assignee = report.assignee if show_assignee and report and report.assignee_id else None
    if assignee is not None and assignee.pk != user.pk:
        detail = _("%(state)s · handed to %(name)s") % {
            "state": detail,
            "name": assignee.get_full_name() or assignee.email,
        }
    return Item(
        label=f"{item.action.number} · {item.agency.short_name} · {item.action.title}",
        url=(
            reverse("reporting:report", args=[report.pk])
            if report
            else reverse("reporting:my_tasks") + "#tasks-not_started"
        ),
        detail=detail,
        due=item.due,
        late=item.overdue,
    )


def reporting_panels(user: Any, today: date) -> list[Panel]:
    """A focal point's and a validating authority's reports, by whose move it is."""
    work = worklist.worklist(user, on=today)
    panels = []
    for shown in REPORT_LISTS:
        items: list[worklist.WorkItem] = getattr(work, shown.attribute)
        if shown.attribute == "to_sign_off" and not reporting_access.validated_agency_ids(user):
            continue
        panels.append(
            Panel(
                key=f"reports_{shown.attribute}",
                title=shown.title,
                count=len(items),
                items=[_work_item(item, user) for item in items[:PANEL_ITEMS]],
                more_url=reverse("reporting:my_tasks"),
                empty=shown.empty,
                is_work=shown.is_work,
                help_text=shown.help_text,
            )
        )
    return panels


def report_rows(user: Any, today: date) -> Iterator[tuple[StrOrPromise, Item]]:
    """Every item of every list, for the workbook a focal point downloads."""
    work = worklist.worklist(user, on=today)
    for shown in REPORT_LISTS:
        for item in getattr(work, shown.attribute):
            yield shown.title, _work_item(item, user)


def referred_cases_panel(user: Any, today: date) -> Panel | None:
    cases = feedback_queries.cases_to_act_on(user)
    if cases is None:
        return None
    return _queried_panel(
        cases,
        lambda case: Item(
            label=case.display_reference,
            url=reverse("feedback:case", args=[case.pk]),
            detail=case.get_status_display(),
            due=case.due_date,
            late=case.is_overdue(),
        ),
        key="feedback",
        title=_("Feedback cases to answer"),
        more_url=reverse("feedback:case_list"),
        empty=_("No feedback case waits for you."),
    )


def notices_panel(user: Any, today: date) -> Panel | None:
    """Unread notices (hand-offs, reminders), in the reader's language."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    panel = _queried_panel(
        unread.order_by("-created_at", "-pk"),
        lambda notice: Item(
            label=notices.render_notice(notice, comment=False),
            url=notice.url or reverse("reporting:notifications"),
            detail=notice.get_kind_display(),
        ),
        key="notices",
        title=_("Unread notices"),
        more_url=reverse("reporting:notifications"),
        empty="",
        is_work=False,
    )
    return panel if panel.count else None


# The coordinator's side ----------------------------------------------------------------------


def review_panel(user: Any, today: date) -> Panel | None:
    if not reporting_access.can_review(user):
        return None
    to_review = worklist.worklist(user, on=today).to_review
    return Panel(
        key="review",
        title=_("Reports to review"),
        count=len(to_review),
        items=[_work_item(item, user, show_assignee=False) for item in to_review[:PANEL_ITEMS]],
        more_url=reverse("reporting:dashboard"),
        empty=_("No report waits for review."),
    )


def overdue_panel(user: Any, today: date) -> Panel | None:
    if not reporting_access.can_review(user):
        return None
    actions = overdue_actions(on=today).order_by("due_date", "plan__code", "pk")
    return _queried_panel(
        actions,
        lambda action: Item(
            label=f"{action.number} · {action.plan.code}",
            url=reverse("reporting:action_timeline", args=[action.pk]),
            detail=action.title,
            due=action.due_date,
            late=True,
        ),
        key="overdue",
        title=_("Overdue actions"),
        more_url=reverse("reporting:dashboard") + "#overdue",
        empty=_("No action is overdue."),
        is_work=False,
    )


def moderation_panel(user: Any, today: date) -> Panel | None:
    if not participation_access.can_moderate(user):
        return None
    comments = Comment.objects.filter(state=CommentState.PENDING).select_related("author")
    return _queried_panel(
        comments.order_by("created_at", "pk"),
        lambda comment: Item(
            label=comment.body[:80],
            url=reverse("participation:moderation"),
            detail=comment.author.get_full_name() if comment.author else "",
        ),
        key="moderation",
        title=_("Comments to moderate"),
        more_url=reverse("participation:moderation"),
        empty=_("No comment waits for moderation."),
    )


def applications_panel(user: Any, today: date) -> Panel | None:
    if not participation_access.can_decide_applications(user):
        return None
    applications = OrganisationApplication.objects.filter(state=ApplicationState.PENDING)
    return _queried_panel(
        applications.order_by("created_at", "pk"),
        lambda application: Item(
            label=application.name,
            url=reverse("participation:applications"),
            detail=application.get_kind_display(),
        ),
        key="applications",
        title=_("Organisations to approve"),
        more_url=reverse("participation:applications"),
        empty=_("No organisation waits for approval."),
    )


def assessments_panel(user: Any, today: date) -> Panel | None:
    if not assessments_access.can_manage(user):
        return None
    assessments = assessments_access.assessments_for_user(user).exclude(
        state=AssessmentState.PUBLISHED
    )
    return _queried_panel(
        assessments.select_related("plan").order_by("-end", "pk"),
        lambda assessment: Item(
            label=str(assessment),
            url=reverse("assessments:edit", args=[assessment.pk]),
            detail=assessment.get_state_display(),
        ),
        key="assessments",
        title=_("Assessments in progress"),
        more_url=reverse("assessments:list"),
        empty=_("No assessment is in progress."),
        is_work=False,
    )


# Civil society -------------------------------------------------------------------------------


def _comment_url(comment: Comment) -> str:
    """The page a comment was written on."""
    if comment.consultation_id:
        return reverse("participation:consultation", args=[comment.consultation_id])
    if comment.assessment is not None:
        return str(comment.assessment.get_absolute_url())
    action = comment.action or (comment.report.action if comment.report is not None else None)
    return str(action.get_absolute_url()) if action else reverse("participation:consultations")


def own_comments_panel(user: Any, today: date) -> Panel | None:
    if not is_civil_society(user):
        return None
    comments = Comment.objects.filter(author=user).select_related(
        "action", "report__action", "assessment", "consultation"
    )
    return _queried_panel(
        comments.order_by("-created_at", "-pk"),
        lambda comment: Item(
            label=comment.body[:80], url=_comment_url(comment), detail=comment.get_state_display()
        ),
        key="comments",
        title=_("Your comments"),
        more_url=reverse("participation:consultations"),
        empty=_("You have not written any comment yet."),
        is_work=False,
    )


def own_ratings_panel(user: Any, today: date) -> Panel | None:
    organisation_id = participation_access.approved_organisation_id(user)
    if organisation_id is None:
        return None
    ratings = ShadowRating.objects.filter(organisation_id=organisation_id).select_related(
        "action", "period"
    )
    return _queried_panel(
        ratings.order_by("-updated_at", "-pk"),
        lambda rating: Item(
            label=f"{rating.action.number} · {rating.period}",
            url=reverse("participation:my_ratings"),
            detail=rating.get_status_display(),
        ),
        key="ratings",
        title=_("Your organisation's ratings"),
        more_url=reverse("participation:my_ratings"),
        empty=_("Your organisation has not rated any action yet."),
        is_work=False,
    )


def consultations_panel(user: Any, today: date) -> Panel | None:
    if not is_civil_society(user):
        return None
    consultations = participation_access.consultations_for_user(user).filter(
        state=ConsultationState.OPEN, closes_on__gte=today
    )
    return _queried_panel(
        consultations.order_by("closes_on", "pk"),
        lambda consultation: Item(
            label=consultation.title,
            url=reverse("participation:consultation", args=[consultation.pk]),
            due=consultation.closes_on,
        ),
        key="consultations",
        title=_("Open consultations"),
        more_url=reverse("participation:consultations"),
        empty=_("No consultation is open now."),
    )


# The administrator's side --------------------------------------------------------------------


def invitations_panel(user: Any, today: date) -> Panel | None:
    if not accounts_access.can_manage_users(user):
        return None
    invitations = Invitation.objects.pending()
    return _queried_panel(
        invitations.order_by("expires_at", "pk"),
        lambda invitation: Item(
            label=invitation.email,
            url=reverse("accounts:user_list"),
            detail=invitation.get_role_display(),
            due=invitation.expires_at.date(),
        ),
        key="invitations",
        title=_("Invitations not yet accepted"),
        more_url=reverse("accounts:user_list"),
        empty=_("Every invitation has been answered."),
        is_work=False,
    )


def operations_panel(user: Any, today: date) -> Panel | None:
    """Failed imports and workers that stopped beating: what an administrator must look at."""
    if not accounts_access.can_manage_users(user):
        return None
    week_ago = today - timedelta(days=7)
    failed = ImportRun.objects.filter(
        status=ImportRun.Status.FAILED, created_at__date__gte=week_ago
    )
    silent_workers = not WorkerHeartbeat.objects.exists()
    return _queried_panel(
        failed.order_by("-created_at", "-pk"),
        lambda run: Item(label=run.filename, url=run.get_absolute_url(), detail=run.errors[:120]),
        key="operations",
        title=_("Failed imports this week"),
        more_url=reverse("recommendations:import"),
        empty=_("No import failed this week.")
        if not silent_workers
        else _("No import failed this week. No background worker has started yet."),
    )


# Which panels, for whom ----------------------------------------------------------------------

PanelFactory = Callable[[Any, date], "Panel | None"]

# Work first, then what is only to know.
OTHER_PANELS: tuple[PanelFactory, ...] = (
    review_panel,
    referred_cases_panel,
    moderation_panel,
    applications_panel,
    notices_panel,
    overdue_panel,
    assessments_panel,
    consultations_panel,
    own_comments_panel,
    own_ratings_panel,
    invitations_panel,
    operations_panel,
)


def panels_for(user: Any, today: date) -> list[Panel]:
    panels: list[Panel] = []
    if reporting_access.reporting_agency_id(user):
        panels.extend(reporting_panels(user, today))
    panels.extend(_present(factory(user, today) for factory in OTHER_PANELS))
    return panels


def _present(panels: Iterable[Panel | None]) -> list[Panel]:
    return [panel for panel in panels if panel is not None]


def work_count(user: Any, today: date) -> int:
    """What the navigation's badge counts: items waiting for this user to act."""
    return sum(panel.count for panel in panels_for(user, today) if panel.is_work)
