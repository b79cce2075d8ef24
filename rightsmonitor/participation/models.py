"""Civil society participation: approved organisations, comments, shadow ratings, consultations.

- ``OrganisationApplication``: a public request to take part, decided by the coordinator. An
  approved organisation has an ``Accreditation`` (kept here rather than as a column on
  ``accounts.Organisation``, so that accounts stays unaware of participation).
- ``Comment``: on an action, an accepted progress report or a published assessment — three
  foreign keys with a check constraint that exactly one is set, rather than a generic relation:
  the database keeps the references whole, deletes cascade, and the access rules join each
  target's own visibility rule. A consultation comment is an action comment that also names
  its ``Consultation``. Replies point to the comment they answer (one level deep).
- ``ShadowRating``: an organisation's own implementation status of an action for a reporting
  period, on the same scale as the coordinator's, so that the two can be compared.
- ``ParticipationEvent``: the immutable audit row every change in this app writes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from rightsmonitor.accounts.models import Invitation, Organisation
from rightsmonitor.assessments.models import Assessment, AssessmentState
from rightsmonitor.core.audit import AuditRow
from rightsmonitor.core.locking import VersionedModel
from rightsmonitor.participation.workflow import ApplicationState, CommentState, ConsultationState
from rightsmonitor.plans.models import Action, Amendment, Plan, PlanQuerySet
from rightsmonitor.reporting.models import ImplementationStatus, ProgressReport, ReportingPeriod
from rightsmonitor.reporting.workflow import ReportState


class OrganisationApplication(models.Model):
    """A request by an organisation to take part, with the person who will hold its account."""

    name = models.CharField(_("name of the organisation"), max_length=255)
    kind = models.CharField(
        _("kind"), max_length=16, choices=Organisation.Kind.choices, default=Organisation.Kind.NGO
    )
    country = models.CharField(_("country"), max_length=3, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("what the organisation does"), max_length=3000)
    contact_name = models.CharField(_("your name"), max_length=255)
    contact_email = models.EmailField(_("your e-mail address"))
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ApplicationState.choices,
        default=ApplicationState.PENDING,
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("organisation application")
        verbose_name_plural = _("organisation applications")

    def __str__(self) -> str:
        return self.name


class Accreditation(models.Model):
    """An organisation the coordinator approved: its members may comment and rate actions."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="accreditation"
    )
    application = models.OneToOneField(
        OrganisationApplication, null=True, blank=True, on_delete=models.SET_NULL
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")

    def __str__(self) -> str:
        return str(self.organisation)


class Consultation(models.Model):
    """A public consultation on a draft plan or an amendment: comments per action while open."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="consultations")
    amendment = models.ForeignKey(
        Amendment,
        verbose_name=_("amendment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations",
        help_text=_("Leave empty for a consultation on the plan itself."),
    )
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("what is asked"), blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=ConsultationState.choices,
        default=ConsultationState.DRAFT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="consultation_closes_after_opening",
                violation_error_message=_("The consultation cannot close before it opens."),
            )
        ]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return self.title


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    COORDINATOR = "coordinator", _("To the coordinator only")


class CommentQuerySet(models.QuerySet["Comment"]):
    def public(self) -> CommentQuerySet:
        """Published public comments (and replies to them) whose target the public may see."""
        public_plans = PlanQuerySet.PUBLIC_STATUSES
        visible_target = (
            Q(
                action__isnull=False,
                consultation__isnull=True,
                action__plan__status__in=public_plans,
            )
            | Q(
                consultation__isnull=False,
                consultation__state__in=[ConsultationState.OPEN, ConsultationState.CLOSED],
            )
            | Q(report__state=ReportState.ACCEPTED, report__action__plan__status__in=public_plans)
            | Q(
                assessment__state=AssessmentState.PUBLISHED,
                assessment__plan__status__in=public_plans,
            )
        )
        return self.filter(
            visible_target,
            state=CommentState.PUBLISHED,
            visibility=Visibility.PUBLIC,
        ).exclude(parent__state__in=[CommentState.PENDING, CommentState.REJECTED])

    def for_list(self) -> CommentQuerySet:
        return self.select_related(
            "author", "organisation", "action__plan", "report__action__plan", "assessment__plan"
        )

    def for_moderation(self) -> CommentQuerySet:
        """``for_list`` and what the moderation queue adds: consultation, report's agency."""
        return self.for_list().select_related("consultation", "report__agency")

    def with_replies(self, visible: CommentQuerySet) -> CommentQuerySet:
        """Each comment with its replies among ``visible`` (those the reader may see), oldest
        first, with their authors."""
        replies = visible.select_related("author", "organisation").order_by("created_at", "pk")
        return self.prefetch_related(models.Prefetch("replies", queryset=replies))


class Comment(models.Model):
    """A comment by a member of an approved organisation, or a reply by the authorities.

    ``body`` is the text as submitted; it is sanitised when shown (``markup.comment_html``).
    """

    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    consultation = models.ForeignKey(
        Consultation, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="participation_comments",
    )
    # The author's organisation when they wrote it (members move on).
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    body = models.TextField(_("comment"))
    visibility = models.CharField(
        _("who may read it"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    state = models.CharField(
        _("state"), max_length=16, choices=CommentState.choices, default=CommentState.PENDING
    )
    moderation_reason = models.TextField(_("reason"), blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True, db_index=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__isnull=False, report__isnull=True, assessment__isnull=True)
                | Q(action__isnull=True, report__isnull=False, assessment__isnull=True)
                | Q(action__isnull=True, report__isnull=True, assessment__isnull=False),
                name="comment_has_one_target",
            ),
            models.CheckConstraint(
                condition=Q(consultation__isnull=True) | Q(action__isnull=False),
                name="consultation_comment_on_an_action",
            ),
        ]
        indexes = [models.Index(fields=["state", "visibility"])]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"{self.pk}: {self.body[:40]}"

    @property
    def is_reply(self) -> bool:
        return self.parent_id is not None


class ShadowRatingQuerySet(models.QuerySet["ShadowRating"]):
    def for_display(self) -> ShadowRatingQuerySet:
        return self.select_related("organisation", "period", "action__plan", "author")

    def for_rating_form(self) -> ShadowRatingQuerySet:
        """The period, and the action with its plan and the official verdict beside it."""
        return self.select_related("action__plan", "action__monitoring", "period")

    def for_own_list(self) -> ShadowRatingQuerySet:
        """An organisation's own ratings: ``for_rating_form`` and each action's section."""
        return self.select_related(
            "action__plan", "action__section", "action__monitoring", "period"
        )

    def accredited(self) -> ShadowRatingQuerySet:
        """Ratings of organisations that are still approved."""
        return self.filter(organisation__accreditation__isnull=False)


class ShadowRating(VersionedModel):
    """An approved organisation's own rating of an action for a reporting period."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="shadow_ratings"
    )
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="shadow_ratings")
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("reporting period"),
        on_delete=models.PROTECT,
        related_name="shadow_ratings",
    )
    status = models.CharField(
        _("status in your assessment"), max_length=24, choices=ImplementationStatus.choices
    )
    evidence = models.TextField(
        _("evidence"),
        max_length=5000,
        help_text=_("What your organisation observed, and how you know it."),
    )
    evidence_url = models.URLField(_("link to a source"), max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ShadowRatingQuerySet.as_manager()

    class Meta:
        ordering = ["action__section__order", "action__order", "organisation__name", "period__end"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "action", "period"], name="one_rating_per_period"
            )
        ]
        verbose_name = _("shadow rating")
        verbose_name_plural = _("shadow ratings")

    def __str__(self) -> str:
        return f"{self.organisation} · {self.action.number} · {self.period}"


class ParticipationEvent(AuditRow):
    """One immutable audit row per change in this app: who did what to which object, when."""

    class Kind(models.TextChoices):
        APPLICATION_SUBMITTED = "application_submitted", _("Application submitted")
        APPLICATION_APPROVED = "application_approved", _("Application approved")
        APPLICATION_REJECTED = "application_rejected", _("Application rejected")
        ORGANISATION_ACCREDITED = "organisation_accredited", _("Organisation approved")
        COMMENT_POSTED = "comment_posted", _("Comment posted")
        COMMENT_PUBLISHED = "comment_publish", _("Comment published")
        COMMENT_REJECTED = "comment_reject", _("Comment rejected")
        COMMENT_WITHDRAWN = "comment_withdraw", _("Comment withdrawn")
        REPLY_POSTED = "reply_posted", _("Reply posted")
        RATING_SAVED = "rating_saved", _("Shadow rating saved")
        CONSULTATION_CREATED = "consultation_created", _("Consultation created")
        CONSULTATION_OPENED = "consultation_open", _("Consultation opened")
        CONSULTATION_CLOSED = "consultation_close", _("Consultation closed")

    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_type = models.CharField(max_length=32)  # the model's name, e.g. "comment"
    subject_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        verbose_name = _("participation event")
        verbose_name_plural = _("participation events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject_type} {self.subject_id}"
