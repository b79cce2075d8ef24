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
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rightsmonitor.feedback import access, crypto
from rightsmonitor.feedback.models import (
    CODE_ALPHABET,
    REFERENCE_LENGTH,
    SECRET_LENGTH,
    AccessLog,
    AreaAssignment,
    Case,
    CaseStatus,
    KeyCanary,
    describe_area,
    format_code,
)
from rightsmonitor.feedback.uploads import check_attachment
from rightsmonitor.feedback.workflow import WORKFLOW
from rightsmonitor.plans.models import Plan, Section

ATTACHMENT_DIRECTORY = "feedback"
MAX_CONTENT_LENGTH = 10_000
MAX_ANSWER_LENGTH = 10_000


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
    """All the submitter may see of their case: its status and the answer."""

    code: str
    status: str
    status_label: str
    answer: str
    answered_on: date | None


def new_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(text: str) -> str:
    """What was typed, in the stored form: capitals, no dashes or spaces."""
    return "".join(char for char in text.upper() if char.isalnum())


def _log(
    kind: str, *, by: Any, case: Case | None = None, reference: str = "", detail: str = ""
) -> AccessLog:
    return AccessLog.objects.create(
        kind=kind,
        user=by if getattr(by, "is_authenticated", False) else None,
        case=case,
        reference=case.reference if case is not None else reference,
        at=timezone.now(),
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
    reference, secret = normalise_code(code), normalise_code(secret)
    case = Case.objects.filter(reference=reference).first() if reference else None
    if case is None:
        make_password(secret)  # the same work as a real check
        return None
    if not check_password(secret, case.secret_hash):
        return None
    return SubmitterView(
        code=case.display_reference,
        status=case.status,
        status_label=case.get_status_display(),
        answer=crypto.decrypt_text(case.answer) if case.status != CaseStatus.NEW else "",
        answered_on=case.answered_on,
    )


# The coordinators' side ------------------------------------------------------------------------


def _readable(case: Case, by: Any) -> None:
    if not access.can_read_case(by, case):
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
    _readable(case, by)
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
    _readable(case, by)
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
    if name not in WORKFLOW or name == "answer":
        raise ValidationError(_("Unknown step."), code="invalid_transition")
    _readable(case, by)
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


# Assignments ---------------------------------------------------------------------------------


@transaction.atomic
def add_assignment(
    *, user: Any, plan: Plan | None, section: Section | None, by: Any
) -> AreaAssignment:
    """Let ``user`` read and answer the cases of an area (see ``AreaAssignment``)."""
    if not access.can_manage_assignments(by):
        raise PermissionDenied
    if not access.can_use_case_pages(user):
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
    try:
        with transaction.atomic():
            for canary in KeyCanary.objects.select_for_update():
                canary.token = crypto.rotate_text(canary.token)
                canary.save(update_fields=["token", "updated_at"])
            cases = 0
            for case in Case.objects.select_for_update().order_by("pk"):
                for field in ("content", "contact", "answer", "attachment_meta"):
                    setattr(case, field, crypto.rotate_text(getattr(case, field)))
                if case.attachment_file:
                    with default_storage.open(case.attachment_file, "rb") as stored:
                        token = crypto.rotate_token(stored.read())
                    new_name = default_storage.save(
                        f"{ATTACHMENT_DIRECTORY}/{secrets.token_hex(16)}.bin", ContentFile(token)
                    )
                    written.append(new_name)
                    replaced.append(case.attachment_file)
                    case.attachment_file = new_name
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
