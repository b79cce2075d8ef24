"""Every change to confidential feedback, and every read of it, goes through these functions.

Each runs in one transaction: it checks permissions through ``feedback.access``, validates,
writes, and leaves an ``AccessLog`` row naming who did it. Reads are actions too: decrypting a
message, the contact details or the file writes the log row in the same transaction, so there
is no read without its row.

Errors callers handle: ``PermissionDenied`` (not this user, not this case), ``ValidationError``
(not now or not with this input; the message says why).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rightsmonitor.feedback import access, crypto
from rightsmonitor.feedback.models import (
    CODE_ALPHABET,
    REFERENCE_LENGTH,
    SECRET_LENGTH,
    AccessLog,
    AreaAssignment,
    Case,
    CaseNote,
    CaseStatus,
    KeyCanary,
    PublicStatus,
    Referral,
    describe_area,
    due_days,
    format_code,
)
from rightsmonitor.feedback.uploads import check_attachment
from rightsmonitor.feedback.workflow import WORKFLOW
from rightsmonitor.plans.models import Agency, Plan, Section

ATTACHMENT_DIRECTORY = "feedback"
MAX_CONTENT_LENGTH = 10_000
MAX_ANSWER_LENGTH = 10_000
MAX_NOTE_LENGTH = 10_000
MAX_REPLY_LENGTH = 5_000


@dataclass(frozen=True)
class Contact:
    name: str = ""
    email: str = ""
    phone: str = ""

    def __bool__(self) -> bool:
        return bool(self.name or self.email or self.phone)


@dataclass(frozen=True)
class Receipt:
    """What the submitter is shown once: the code and the secret (never stored in clear)."""

    case: Case
    code: str
    secret: str


@dataclass(frozen=True)
class CaseContent:
    text: str
    answer: str
    attachment_name: str
    attachment_type: str


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class SubmitterView:
    """All the submitter may see of their case: its public status and the answer."""

    code: str
    status: str  # a PublicStatus value
    status_label: str
    answer: str
    answered_on: date | None
    can_reply: bool


@dataclass(frozen=True)
class NoteView:
    """A note, response or reply as the case page shows it, decrypted."""

    pk: int
    kind: str
    kind_label: str
    author: Any
    at: datetime
    text: str
    attachment_name: str  # "" without a file


def new_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(text: str) -> str:
    """What was typed, in the stored form: capitals, no dashes or spaces."""
    return "".join(char for char in text.upper() if char.isalnum())


def _log(
    kind: str,
    *,
    by: Any,
    case: Case | None = None,
    reference: str = "",
    detail: str = "",
    at: datetime | None = None,
) -> AccessLog:
    return AccessLog.objects.create(
        kind=kind,
        user=by if getattr(by, "is_authenticated", False) else None,
        case=case,
        reference=case.reference if case is not None else reference,
        at=at or timezone.now(),
        detail=detail[:500],
    )


# The public side -------------------------------------------------------------------------------


def _store_attachment(upload: UploadedFile) -> tuple[str, str]:
    """Encrypt and store the file; returns its storage name and its encrypted metadata."""
    kind = check_attachment(upload)
    upload.seek(0)
    token = crypto.encrypt_bytes(upload.read())
    name = default_storage.save(
        f"{ATTACHMENT_DIRECTORY}/{secrets.token_hex(16)}.bin", ContentFile(token)
    )
    meta = json.dumps({"name": upload.name or "", "content_type": kind.content_type})
    return name, crypto.encrypt_text(meta)


def submit_case(
    *,
    kind: str,
    plan: Plan | None,
    section: Section | None,
    content: str,
    contact: Contact | None = None,
    attachment: UploadedFile | None = None,
) -> Receipt:
    """Store a submission from the public, encrypted; return the code and secret to show once."""
    if kind not in Case.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of message.")})
    content = content.strip()
    if not content:
        raise ValidationError({"content": _("Write your message.")})
    if len(content) > MAX_CONTENT_LENGTH:
        raise ValidationError(
            {"content": _("Shorten your message to %(n)d characters.") % {"n": MAX_CONTENT_LENGTH}}
        )
    if section is not None:
        plan = section.plan
    if plan is not None and not plan.is_public:
        raise ValidationError({"area": _("Choose an area of a published plan.")})
    secret = new_code(SECRET_LENGTH)
    # The slow work (hashing, encryption, the file) before the transaction: SQLite holds its
    # write lock for the whole of it.
    fields = {
        "secret_hash": make_password(secret),
        "kind": kind,
        "plan": plan,
        "section": section,
        "content": crypto.encrypt_text(content),
        "contact": crypto.encrypt_text(json.dumps(asdict(contact))) if contact else "",
        "received_on": timezone.localdate(),
        "due_date": timezone.localdate() + timedelta(days=due_days(kind)),
    }
    stored_file = ""
    try:
        if attachment is not None:
            stored_file, fields["attachment_meta"] = _store_attachment(attachment)
            fields["attachment_file"] = stored_file
        with transaction.atomic():
            crypto.ensure_canary()
            reference = new_code(REFERENCE_LENGTH)
            while Case.objects.filter(reference=reference).exists():
                reference = new_code(REFERENCE_LENGTH)
            case = Case.objects.create(reference=reference, **fields)
    except BaseException:
        if stored_file:
            default_storage.delete(stored_file)
        raise
    return Receipt(case=case, code=format_code(reference), secret=format_code(secret))


def check_case(code: str, secret: str) -> SubmitterView | None:
    """The status and answer of the case with this code, if the secret is its secret.

    Takes as long for an unknown code as for a wrong secret, so timing tells nothing; the
    caller counts failures per address (``views.FAILED_CHECKS``).
    """
    case = find_case(code, secret)
    return submitter_view(case) if case is not None else None


def submitter_view(case: Case) -> SubmitterView:
    """What the submitter of ``case`` sees; only for a case found with its code and secret."""
    status = public_status(case)
    return SubmitterView(
        code=case.display_reference,
        status=status,
        status_label=str(PublicStatus(status).label),
        answer=crypto.decrypt_text(case.answer) if case.status != CaseStatus.NEW else "",
        answered_on=case.answered_on,
        can_reply=case.is_open,
    )


def public_status(case: Case) -> str:
    """What the submitter is told: received, under review, referred, answered or closed."""
    if case.status == CaseStatus.CLOSED:
        return PublicStatus.CLOSED
    if case.status == CaseStatus.ANSWERED:
        return PublicStatus.ANSWERED
    if Referral.objects.active().filter(case=case).exists():
        return PublicStatus.REFERRED
    if case.status == CaseStatus.IN_PROGRESS:
        return PublicStatus.UNDER_REVIEW
    return PublicStatus.RECEIVED


def find_case(code: str, secret: str) -> Case | None:
    """The case with this code if the secret is its secret, in the same time either way."""
    reference, secret = normalise_code(code), normalise_code(secret)
    case = Case.objects.filter(reference=reference).first() if reference else None
    if case is None:
        make_password(secret)  # the same work as a real check
        return None
    return case if check_password(secret, case.secret_hash) else None


def reply_to_case(found: Case, *, text: str, attachment: UploadedFile | None = None) -> Case:
    """Store the submitter's reply (and file), encrypted, and put the case back under review.

    ``found`` must come from ``find_case`` with the submitter's code and secret (the view
    checks them once: hashing is slow on purpose). The reply keeps only the day; the assigned
    staff are told once it is committed.
    """
    text = text.strip()
    if not text:
        raise ValidationError({"reply": _("Write your reply.")})
    if len(text) > MAX_REPLY_LENGTH:
        raise ValidationError(
            {"reply": _("Shorten your reply to %(n)d characters.") % {"n": MAX_REPLY_LENGTH}}
        )
    if not found.is_open:  # checked again under the lock below
        raise ValidationError(
            {"reply": _("This case is closed. Send a new message instead.")}, code="closed"
        )
    # The slow work (encryption, the file) before the transaction: SQLite's write lock.
    fields = {"text": crypto.encrypt_text(text)}
    day_start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    stored_file = ""
    try:
        if attachment is not None:
            stored_file, fields["attachment_meta"] = _store_attachment(attachment)
            fields["attachment_file"] = stored_file
        with transaction.atomic():
            case = _locked(found)
            if not case.is_open:
                raise ValidationError(
                    {"reply": _("This case is closed. Send a new message instead.")},
                    code="closed",
                )
            before = case.get_status_display()
            case.status = _move(case, "reply")
            case.save(update_fields=["status"])
            CaseNote.objects.create(case=case, kind=CaseNote.Kind.REPLY, at=day_start, **fields)
            _log(
                AccessLog.Kind.REPLY_RECEIVED,
                by=None,
                case=case,
                detail=f"{before} → {case.get_status_display()}",
                at=day_start,  # the submitter's act: the day only, like the case
            )
            transaction.on_commit(partial(_tell_assigned_staff, case.pk), robust=True)
    except BaseException:
        if stored_file:
            default_storage.delete(stored_file)
        raise
    return case


# The coordinators' side ------------------------------------------------------------------------


def _readable(case: Case, by: Any) -> None:
    if not access.can_read_case(by, case):
        raise PermissionDenied


def _handled(case: Case, by: Any) -> None:
    """Only the staff of the case's area take decisions on it (not a referred focal point)."""
    if not access.can_handle_case(by, case):
        raise PermissionDenied


@transaction.atomic
def read_content(case: Case, *, by: Any) -> CaseContent:
    _readable(case, by)
    _log(AccessLog.Kind.READ_CONTENT, by=by, case=case)
    meta = json.loads(crypto.decrypt_text(case.attachment_meta) or "{}")
    return CaseContent(
        text=crypto.decrypt_text(case.content),
        answer=crypto.decrypt_text(case.answer),
        attachment_name=meta.get("name", ""),
        attachment_type=meta.get("content_type", ""),
    )


@transaction.atomic
def read_contact(case: Case, *, by: Any) -> Contact:
    _handled(case, by)
    _log(AccessLog.Kind.READ_CONTACT, by=by, case=case)
    return Contact(**json.loads(crypto.decrypt_text(case.contact) or "{}"))


@transaction.atomic
def read_attachment(case: Case, *, by: Any) -> Attachment | None:
    _readable(case, by)
    if not case.attachment_file:
        return None
    _log(AccessLog.Kind.READ_FILE, by=by, case=case)
    meta = json.loads(crypto.decrypt_text(case.attachment_meta))
    with default_storage.open(case.attachment_file, "rb") as stored:
        data = crypto.decrypt_bytes(stored.read())
    return Attachment(name=meta["name"], content_type=meta["content_type"], data=data)


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _move(case: Case, name: str) -> str:
    """Check that transition ``name`` may start from the case's status; return the new one."""
    transition = WORKFLOW[name]
    if case.status not in transition.sources:
        raise ValidationError(
            _("This cannot be done to a case that is “%(status)s”.")
            % {"status": case.get_status_display()},
            code="invalid_transition",
        )
    return transition.target


@transaction.atomic
def answer_case(case: Case, *, text: str, by: Any) -> Case:
    """Write (or replace) the answer the submitter reads with their code; status "answered"."""
    _handled(case, by)
    text = text.strip()
    if not text:
        raise ValidationError({"answer": _("Write the answer.")})
    if len(text) > MAX_ANSWER_LENGTH:
        raise ValidationError(
            {"answer": _("Shorten the answer to %(n)d characters.") % {"n": MAX_ANSWER_LENGTH}}
        )
    fresh = _locked(case)
    before = fresh.get_status_display()
    fresh.status = _move(fresh, "answer")
    fresh.answer = crypto.encrypt_text(text)
    fresh.answered_on = timezone.localdate()
    fresh.save(update_fields=["status", "answer", "answered_on"])
    _log(
        AccessLog.Kind.ANSWERED,
        by=by,
        case=fresh,
        detail=f"{before} → {fresh.get_status_display()}",
    )
    case.refresh_from_db()
    return case


@transaction.atomic
def take_transition(case: Case, name: str, *, by: Any) -> Case:
    """Take the case up ("take") or close it ("close")."""
    if name not in WORKFLOW or name in ("answer", "reply"):
        raise ValidationError(_("Unknown step."), code="invalid_transition")
    _handled(case, by)
    fresh = _locked(case)
    before = fresh.get_status_display()
    fresh.status = _move(fresh, name)
    fields = ["status"]
    if fresh.status == CaseStatus.CLOSED:
        fresh.closed_on = timezone.localdate()
        fields.append("closed_on")
    fresh.save(update_fields=fields)
    _log(
        AccessLog.Kind.STATUS_CHANGED,
        by=by,
        case=fresh,
        detail=f"{before} → {fresh.get_status_display()}",
    )
    case.refresh_from_db()
    return case


# Notes, referrals and due dates ----------------------------------------------------------------


@dataclass(frozen=True)
class ReferralView:
    referral: Referral
    note: str


@dataclass(frozen=True)
class CaseNotes:
    notes: list[NoteView]
    referrals: list[ReferralView]  # those the reader may see, active and withdrawn


@transaction.atomic
def read_notes(case: Case, *, by: Any) -> CaseNotes:
    """The notes, responses, replies and referrals of a case, oldest first; the read is logged.

    Staff of the case's area see every referral; a referred focal point only those reaching them.
    """
    _readable(case, by)
    notes = list(case.notes.select_related("author"))
    referrals = case.referrals.select_related("agency", "focal_point", "referred_by")
    if not access.can_handle_case(by, case):
        referrals = referrals.reaching(by)
    shown = list(referrals)
    if notes or any(referral.note for referral in shown):
        _log(AccessLog.Kind.READ_NOTES, by=by, case=case)
    return CaseNotes(
        notes=[
            NoteView(
                pk=note.pk,
                kind=note.kind,
                kind_label=note.get_kind_display(),
                author=note.author,
                at=note.at,
                text=crypto.decrypt_text(note.text),
                attachment_name=json.loads(crypto.decrypt_text(note.attachment_meta) or "{}").get(
                    "name", ""
                ),
            )
            for note in notes
        ],
        referrals=[
            ReferralView(referral=referral, note=crypto.decrypt_text(referral.note))
            for referral in shown
        ],
    )


@transaction.atomic
def read_note_attachment(note: CaseNote, *, by: Any) -> Attachment | None:
    """The file of a reply, decrypted; logged like the case's own file."""
    _readable(note.case, by)
    if not note.attachment_file:
        return None
    _log(AccessLog.Kind.READ_FILE, by=by, case=note.case, detail=note.get_kind_display())
    meta = json.loads(crypto.decrypt_text(note.attachment_meta))
    with default_storage.open(note.attachment_file, "rb") as stored:
        data = crypto.decrypt_bytes(stored.read())
    return Attachment(name=meta["name"], content_type=meta["content_type"], data=data)


def add_note(case: Case, *, text: str, by: Any, kind: str = CaseNote.Kind.NOTE) -> CaseNote:
    """An internal note (staff or referred focal point) or the agency's response (focal point)."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationError(
            {"text": _("Shorten the note to %(n)d characters.") % {"n": MAX_NOTE_LENGTH}}
        )
    if kind not in (CaseNote.Kind.NOTE, CaseNote.Kind.RESPONSE):
        raise ValidationError({"kind": _("Choose what you are writing.")})
    token = crypto.encrypt_text(text)
    with transaction.atomic():
        _readable(case, by)
        if kind == CaseNote.Kind.RESPONSE and not access.is_referred_to(by, case):
            raise PermissionDenied  # a response is the referred agency's
        note = CaseNote.objects.create(
            case=case, kind=kind, author=by, text=token, at=timezone.now()
        )
        log_kind = (
            AccessLog.Kind.RESPONSE_ADDED
            if kind == CaseNote.Kind.RESPONSE
            else AccessLog.Kind.NOTE_ADDED
        )
        _log(log_kind, by=by, case=case)
    return note


@transaction.atomic
def refer_case(
    case: Case, *, agency: Agency, focal_point: Any | None = None, note: str = "", by: Any
) -> Referral:
    """Hand the case to an agency (all its focal points, or one) and tell them by e-mail."""
    _handled(case, by)
    if not case.is_open:
        raise ValidationError(_("A closed case cannot be referred."), code="closed")
    if focal_point is not None and not (
        access.may_receive_referrals(focal_point) and focal_point.agency_id == agency.pk
    ):
        raise ValidationError({"focal_point": _("Choose an active focal point of this agency.")})
    recipients = [focal_point] if focal_point is not None else access.focal_points_of(agency)
    if not recipients:
        raise ValidationError({"agency": _("This agency has no active focal point.")})
    if Referral.objects.active().filter(case=case, agency=agency).exists():
        raise ValidationError(
            {"agency": _("The case is already referred to this agency.")}, code="duplicate"
        )
    note = note.strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise ValidationError(
            {"note": _("Shorten the note to %(n)d characters.") % {"n": MAX_NOTE_LENGTH}}
        )
    referral = Referral.objects.create(
        case=case,
        agency=agency,
        focal_point=focal_point,
        note=crypto.encrypt_text(note),
        referred_by=by,
        referred_at=timezone.now(),
    )
    # The agency, and the one focal point if it went to one: no sentence, so no language.
    detail = agency.abbreviation + (f": {focal_point.email}" if focal_point is not None else "")
    _log(AccessLog.Kind.REFERRED, by=by, case=case, detail=detail)
    transaction.on_commit(partial(_tell_referred, referral.pk), robust=True)
    return referral


@transaction.atomic
def withdraw_referral(referral: Referral, *, by: Any) -> Referral:
    _handled(referral.case, by)
    fresh = Referral.objects.select_for_update().get(pk=referral.pk)
    if fresh.withdrawn_at is None:
        fresh.withdrawn_at = timezone.now()
        fresh.save(update_fields=["withdrawn_at"])
        _log(
            AccessLog.Kind.REFERRAL_WITHDRAWN,
            by=by,
            case=referral.case,
            detail=referral.agency.abbreviation,
        )
    return fresh


@transaction.atomic
def set_due_date(case: Case, *, due_date: date, by: Any) -> Case:
    _handled(case, by)
    fresh = _locked(case)
    if fresh.due_date != due_date:
        before = fresh.due_date.isoformat() if fresh.due_date else "—"
        fresh.due_date = due_date
        fresh.save(update_fields=["due_date"])
        _log(
            AccessLog.Kind.DUE_DATE_CHANGED,
            by=by,
            case=fresh,
            detail=f"{before} → {due_date.isoformat()}",
        )
    case.refresh_from_db()
    return case


# E-mails (sent on commit, no case text: the reader opens the case, and that read is logged) --


def _mail(user: Any, template: str, context: dict[str, Any]) -> tuple[str, str, None, list[str]]:
    with translation.override(user.preferred_language):
        context = {
            **context,
            "user": user,
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
        }
        if "case" in context:
            context["url"] = settings.SITE_URL + reverse("feedback:case", args=[context["case"].pk])
        subject = render_to_string(f"feedback/email/{template}_subject.txt", context)
        body = render_to_string(f"feedback/email/{template}.txt", context)
    return (" ".join(subject.split()), body, None, [user.email])


def _tell_referred(referral_id: int) -> None:
    referral = Referral.objects.select_related("case", "agency", "focal_point").get(pk=referral_id)
    people = (
        [referral.focal_point]
        if referral.focal_point is not None
        else access.focal_points_of(referral.agency)
    )
    send_mass_mail(
        [
            _mail(person, "referred", {"case": referral.case, "agency": referral.agency})
            for person in people
        ]
    )


def _tell_assigned_staff(case_id: int) -> None:
    case = Case.objects.select_related("plan", "section").get(pk=case_id)
    send_mass_mail([_mail(person, "reply", {"case": case}) for person in access.staff_of(case)])


# Assignments ---------------------------------------------------------------------------------


@transaction.atomic
def add_assignment(
    *, user: Any, plan: Plan | None, section: Section | None, by: Any
) -> AreaAssignment:
    """Let ``user`` read and answer the cases of an area (see ``AreaAssignment``)."""
    if not access.can_manage_assignments(by):
        raise PermissionDenied
    if not access.can_be_assigned(user):
        raise ValidationError({"user": _("Choose an active coordinator or administrator.")})
    if section is not None:
        plan = section.plan
    existing = AreaAssignment.objects.filter(user=user, plan=plan, section=section).first()
    if existing is not None:
        return existing
    assignment = AreaAssignment.objects.create(user=user, plan=plan, section=section)
    _log(
        AccessLog.Kind.ASSIGNMENT_ADDED,
        by=by,
        detail=f"{user.email}: {describe_area(plan, section)}",
    )
    return assignment


@transaction.atomic
def remove_assignment(assignment: AreaAssignment, *, by: Any) -> None:
    if not access.can_manage_assignments(by):
        raise PermissionDenied
    detail = f"{assignment.user.email}: {assignment.area_label}"
    assignment.delete()
    _log(AccessLog.Kind.ASSIGNMENT_REMOVED, by=by, detail=detail)


# Retention -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeSummary:
    cases: int
    files: int
    log_rows: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@transaction.atomic
def purge_closed_cases(*, today: date | None = None) -> PurgeSummary:
    """Delete cases closed more than FEEDBACK_RETENTION_DAYS ago, with their files.

    Their access-log rows stay (who read which code, not what it said) until they too are
    older than the retention period; log rows about assignments are kept.
    """
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=settings.FEEDBACK_RETENTION_DAYS)
    doomed = Case.objects.purgeable(closed_before=cutoff)
    files = [name for name in doomed.values_list("attachment_file", flat=True) if name]
    files += [
        name
        for name in CaseNote.objects.filter(case__in=doomed).values_list(
            "attachment_file", flat=True
        )
        if name
    ]
    _total, deleted = doomed.delete()
    oldest_kept = timezone.make_aware(datetime.combine(cutoff, time.min))
    log_rows, _by_model = (
        AccessLog.objects.filter(case__isnull=True, at__lt=oldest_kept)
        .exclude(reference="")
        .purge_past_retention()
    )

    def delete_files() -> None:
        for name in files:
            default_storage.delete(name)

    transaction.on_commit(delete_files)
    return PurgeSummary(cases=deleted.get("feedback.Case", 0), files=len(files), log_rows=log_rows)


# Key rotation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RotationSummary:
    cases: int
    files: int


def rotate_keys() -> RotationSummary:
    """Re-encrypt every token and file with the first of FEEDBACK_KEYS, in one transaction.

    New files are written under new names; the old ones are deleted once the transaction has
    committed, the new ones if it fails, so a failed rotation leaves everything as it was.
    """
    written: list[str] = []
    replaced: list[str] = []

    def rewrite(name: str) -> str:
        """The file re-encrypted under a new name; the old name is deleted after commit."""
        with default_storage.open(name, "rb") as stored:
            token = crypto.rotate_token(stored.read())
        new_name = default_storage.save(
            f"{ATTACHMENT_DIRECTORY}/{secrets.token_hex(16)}.bin", ContentFile(token)
        )
        written.append(new_name)
        replaced.append(name)
        return str(new_name)

    try:
        with transaction.atomic():
            for canary in KeyCanary.objects.select_for_update():
                canary.token = crypto.rotate_text(canary.token)
                canary.save(update_fields=["token", "updated_at"])
            for note in CaseNote.objects.select_for_update().order_by("pk"):
                note.text = crypto.rotate_text(note.text)
                note.attachment_meta = crypto.rotate_text(note.attachment_meta)
                if note.attachment_file:
                    note.attachment_file = rewrite(note.attachment_file)
                note.save(update_fields=["text", "attachment_meta", "attachment_file"])
            for referral in Referral.objects.select_for_update().order_by("pk"):
                referral.note = crypto.rotate_text(referral.note)
                referral.save(update_fields=["note"])
            cases = 0
            for case in Case.objects.select_for_update().order_by("pk"):
                for field in ("content", "contact", "answer", "attachment_meta"):
                    setattr(case, field, crypto.rotate_text(getattr(case, field)))
                if case.attachment_file:
                    case.attachment_file = rewrite(case.attachment_file)
                case.save(
                    update_fields=[
                        "content",
                        "contact",
                        "answer",
                        "attachment_meta",
                        "attachment_file",
                    ]
                )
                cases += 1

            def delete_old() -> None:
                for name in replaced:
                    default_storage.delete(name)

            transaction.on_commit(delete_old)
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    return RotationSummary(cases=cases, files=len(written))
