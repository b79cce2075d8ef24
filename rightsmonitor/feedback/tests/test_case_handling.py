"""Handling a case: internal notes, referral to an agency, due dates and reminders, the public
status, the submitter's reply, and the receipt."""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rightsmonitor.accounts.models import User
from rightsmonitor.accounts.tests.factories import FocalPointFactory
from rightsmonitor.conftest import client_for
from rightsmonitor.feedback import actions, queries
from rightsmonitor.feedback.models import AccessLog, Case, CaseNote, DueReminder, Referral
from rightsmonitor.feedback.reminders import send_due_reminders
from rightsmonitor.plans.tests.factories import AgencyFactory

from .conftest import PDF_BYTES

CASES = reverse("feedback:case_list")
CHECK = reverse("feedback:check")
REPLY = reverse("feedback:reply")


def _url(name: str, case: Case, *args: object) -> str:
    return reverse(f"feedback:{name}", args=[case.pk, *args])


@pytest.fixture
def colleague(focal_point_mia: User) -> User:
    """A second focal point of the same agency (MIA)."""
    return FocalPointFactory(email="colleague.mia@example.org", agency=focal_point_mia.agency)


@pytest.fixture
def other_agency_focal_point(db) -> User:  # type: ignore[no-untyped-def]
    return FocalPointFactory(
        email="focal.moj@example.org", agency=AgencyFactory(abbreviation="MOJ")
    )


def _refer(client: Client, case: Case, agency_pk: int, focal_point: User | None = None) -> object:
    data = {"agency": agency_pk, "note": "Please check the station's register."}
    if focal_point is not None:
        data["focal_point"] = focal_point.pk
    return client.post(_url("case_refer", case), data)


# Internal notes ------------------------------------------------------------------------------


def test_notes_are_encrypted_listed_with_author_and_logged(submit, assigned) -> None:  # type: ignore[no-untyped-def]
    receipt = submit()
    case = receipt.case
    client = client_for(assigned)
    empty = client.post(_url("case_note", case), {"text": "  "})
    assert empty.status_code == 400 and "There is a problem" in empty.content.decode()
    response = client.post(_url("case_note", case), {"text": "Called the station: no record."})
    assert response.status_code == 302
    note = CaseNote.objects.get()
    assert (note.kind, note.author) == (CaseNote.Kind.NOTE, assigned)
    assert "station" not in note.text  # stored as a Fernet token
    assert AccessLog.objects.filter(kind=AccessLog.Kind.NOTE_ADDED, user=assigned).count() == 1
    page = client.get(_url("case", case)).content.decode()
    assert "Called the station: no record." in page and assigned.email in page
    assert AccessLog.objects.filter(kind=AccessLog.Kind.READ_NOTES, case=case).count() == 1
    # The submitter never sees a note.
    result = Client().post(CHECK, {"code": receipt.code, "secret": receipt.secret})
    assert "Called the station" not in result.content.decode()


def test_a_note_needs_access_to_the_case(submit, other_coordinator) -> None:  # type: ignore[no-untyped-def]
    case = submit().case
    assert (
        client_for(other_coordinator).post(_url("case_note", case), {"text": "x"}).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        actions.add_note(case, text="x", by=other_coordinator)
    assert not CaseNote.objects.exists()


# Referral ------------------------------------------------------------------------------------


def test_a_referred_focal_point_sees_only_that_case(  # type: ignore[no-untyped-def]
    submit,
    assigned,
    focal_point_mia,
    colleague,
    other_agency_focal_point,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
) -> None:
    referred, kept = submit().case, submit().case
    focal_point_mia.preferred_language = "ru"
    focal_point_mia.save()
    coordinator = client_for(assigned)
    with django_capture_on_commit_callbacks(execute=True):
        response = _refer(coordinator, referred, focal_point_mia.agency_id)
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.focal_point is None and "register" not in referral.note  # encrypted
    row = AccessLog.objects.get(kind=AccessLog.Kind.REFERRED)
    assert (row.user, row.case) == (assigned, referred) and "MIA" in row.detail
    # Both focal points of MIA are told, each in their language, with a link to the case.
    assert sorted(m.to[0] for m in mail.outbox) == [colleague.email, focal_point_mia.email]
    russian = next(m for m in mail.outbox if m.to == [focal_point_mia.email])
    assert f"/ru/feedback/cases/{referred.pk}/" in russian.body
    assert "register" not in russian.body  # no case text in a mail

    fp = client_for(focal_point_mia)
    with django_assert_max_num_queries(8):
        listing = fp.get(CASES).content.decode()
    assert referred.display_reference in listing and kept.display_reference not in listing
    assert fp.get(_url("case", kept)).status_code == 404
    page = fp.get(_url("case", referred))
    assert page.status_code == 200
    text = page.content.decode()
    assert "The police refused" in text and "Please check the station" in text
    assert "Save the answer" not in text and "Refer the case" not in text
    assert fp.get(_url("case_contact", referred)).status_code == 403
    assert fp.post(_url("case_answer", referred), {"answer": "x"}).status_code == 403
    assert fp.post(_url("case_due", referred), {"due_date": "2030-01-01"}).status_code == 403
    # Notes and the agency's response.
    assert (
        fp.post(_url("case_note", referred), {"text": "Checked.", "kind": "response"}).status_code
        == 302
    )
    note = CaseNote.objects.get()
    assert (note.kind, note.author) == (CaseNote.Kind.RESPONSE, focal_point_mia)
    assert AccessLog.objects.filter(kind=AccessLog.Kind.RESPONSE_ADDED).count() == 1
    assert "Checked." in coordinator.get(_url("case", referred)).content.decode()
    # Another agency sees nothing.
    other = client_for(other_agency_focal_point)
    assert other.get(_url("case", referred)).status_code == 404
    assert referred.display_reference not in other.get(CASES).content.decode()
    # Withdrawn: the agency no longer sees the case.
    withdraw = coordinator.post(_url("referral_withdraw", referred, referral.pk))
    assert withdraw.status_code == 302
    assert fp.get(_url("case", referred)).status_code == 404
    assert AccessLog.objects.filter(kind=AccessLog.Kind.REFERRAL_WITHDRAWN).count() == 1


def test_a_referral_to_one_focal_point_reaches_only_them(  # type: ignore[no-untyped-def]
    submit,
    assigned,
    focal_point_mia,
    colleague,
    other_agency_focal_point,
    django_capture_on_commit_callbacks,
) -> None:
    case = submit().case
    coordinator = client_for(assigned)
    wrong = _refer(coordinator, case, focal_point_mia.agency_id, other_agency_focal_point)
    assert wrong.status_code == 400 and not Referral.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        referred = _refer(coordinator, case, focal_point_mia.agency_id, colleague)
    assert referred.status_code == 302
    assert [m.to for m in mail.outbox] == [[colleague.email]]
    assert client_for(colleague).get(_url("case", case)).status_code == 200
    assert client_for(focal_point_mia).get(_url("case", case)).status_code == 404
    # Referred once per agency at a time.
    again = _refer(coordinator, case, focal_point_mia.agency_id)
    assert again.status_code == 400 and Referral.objects.count() == 1


def test_only_the_assigned_staff_refer(submit, other_coordinator, focal_point_mia) -> None:  # type: ignore[no-untyped-def]
    case = submit().case
    assert _refer(client_for(other_coordinator), case, focal_point_mia.agency_id).status_code == 404
    with pytest.raises(PermissionDenied):
        actions.refer_case(case, agency=focal_point_mia.agency, by=other_coordinator)
    assert not Referral.objects.exists()


# Due dates and reminders ---------------------------------------------------------------------


def test_the_due_date_comes_from_the_kind_and_can_be_changed(submit, assigned, settings) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    appeal = submit(kind="appeal").case
    suggestion = submit(kind="suggestion").case
    assert appeal.due_date == today + timedelta(days=30)
    assert suggestion.due_date == today + timedelta(days=60)
    settings.FEEDBACK_DUE_DAYS = {"appeal": 10}
    assert submit(kind="appeal").case.due_date == today + timedelta(days=10)
    client = client_for(assigned)
    assert client.post(_url("case_due", appeal), {"due_date": "not a date"}).status_code == 400
    assert client.post(_url("case_due", appeal), {"due_date": "2030-05-01"}).status_code == 302
    appeal.refresh_from_db()
    assert appeal.due_date == date(2030, 5, 1)
    row = AccessLog.objects.get(kind=AccessLog.Kind.DUE_DATE_CHANGED)
    assert row.detail.endswith("→ 2030-05-01")


def test_the_list_marks_overdue_cases_in_constant_queries(  # type: ignore[no-untyped-def]
    submit, assigned, django_assert_max_num_queries
) -> None:
    with time_machine.travel(date(2026, 1, 5)):
        late = submit().case
    fresh = submit().case
    client = client_for(assigned)
    client.get(CASES)
    with django_assert_max_num_queries(5):
        page = client.get(CASES).content.decode()
    assert page.count("Overdue</strong>") == 1
    overdue_only = client.get(CASES, {"due": "overdue"}).content.decode()
    assert late.display_reference in overdue_only and fresh.display_reference not in overdue_only
    for _ in range(10):
        submit()
    with django_assert_max_num_queries(5):
        client.get(CASES)


def test_reminders_go_once_a_day_to_staff_and_referred_focal_points(  # type: ignore[no-untyped-def]
    submit, assigned, focal_point_mia, other_coordinator, django_capture_on_commit_callbacks
) -> None:
    with time_machine.travel(date(2026, 3, 1)):
        soon = submit(kind="appeal").case  # due 31 March
        actions.refer_case(soon, agency=focal_point_mia.agency, by=assigned)
        later = submit(kind="suggestion").case  # due 30 April
    mail.outbox.clear()
    with (
        time_machine.travel(date(2026, 3, 29)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = send_due_reminders()
        assert (first.sent, first.skipped) == (2, 0)
        second = send_due_reminders()
        assert (second.sent, second.skipped) == (0, 2)
    assert sorted(m.to[0] for m in mail.outbox) == [assigned.email, focal_point_mia.email]
    body = mail.outbox[0].body
    assert soon.display_reference in body and later.display_reference not in body
    assert DueReminder.objects.count() == 2
    # The daily command does the same, once a day.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            call_command("purge_feedback", "--today", "2026-04-02", stdout=StringIO())
    assert len(mail.outbox) == 2  # overdue now, told once each
    assert "overdue" in mail.outbox[0].body


def test_cases_to_act_on_counts_in_one_query(  # type: ignore[no-untyped-def]
    submit, assigned, focal_point_mia, ngo_member, django_assert_num_queries
) -> None:
    open_case, closed = submit().case, submit().case
    actions.take_transition(closed, "close", by=assigned)
    actions.refer_case(open_case, agency=focal_point_mia.agency, by=assigned)
    with django_assert_num_queries(1):
        assert queries.cases_to_act_on(assigned).count() == 1
    with django_assert_num_queries(1):
        assert list(queries.cases_to_act_on(focal_point_mia)) == [open_case]
    assert queries.cases_to_act_on(ngo_member) is None


# What the submitter sees, and their reply -----------------------------------------------------


def _check(receipt: actions.Receipt) -> str:
    response = Client().post(CHECK, {"code": receipt.code, "secret": receipt.secret})
    assert response.status_code == 200
    return response.content.decode()


def test_the_public_status_follows_the_case(submit, assigned, focal_point_mia) -> None:  # type: ignore[no-untyped-def]
    receipt = submit()
    case = receipt.case
    assert "Received" in _check(receipt)
    actions.take_transition(case, "take", by=assigned)
    assert "Under review" in _check(receipt)
    referral = actions.refer_case(case, agency=focal_point_mia.agency, by=assigned)
    assert "Referred to an agency" in _check(receipt)
    actions.withdraw_referral(referral, by=assigned)
    actions.answer_case(case, text="We registered it.", by=assigned)
    page = _check(receipt)
    assert "badge-answered" in page and "We registered it." in page
    actions.take_transition(case, "close", by=assigned)
    page = _check(receipt)
    assert "badge-closed" in page and "Send the reply" not in page


def test_the_submitter_replies_with_the_same_code_and_secret(  # type: ignore[no-untyped-def]
    submit, assigned, django_capture_on_commit_callbacks
) -> None:
    receipt = submit()
    case = receipt.case
    actions.answer_case(case, text="Please tell us the date.", by=assigned)
    mail.outbox.clear()
    page = _check(receipt)
    assert 'action="' + REPLY + '"' in page
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            REPLY, {"code": receipt.code, "secret": receipt.secret, "reply": "It was 3 March."}
        )
    assert response.status_code == 200
    assert "Your reply was sent" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "in_progress"
    note = CaseNote.objects.get()
    assert (note.kind, note.author) == (CaseNote.Kind.REPLY, None)
    assert (
        "March" not in note.text and timezone.localtime(note.at).hour == 0
    )  # encrypted; the day only
    row = AccessLog.objects.get(kind=AccessLog.Kind.REPLY_RECEIVED)
    assert row.user is None and row.at == note.at
    assert [m.to for m in mail.outbox] == [[assigned.email]]
    assert f"/feedback/cases/{case.pk}/" in mail.outbox[0].body
    assert "It was 3 March." in client_for(assigned).get(_url("case", case)).content.decode()


def test_a_reply_is_refused_with_a_wrong_secret_too_long_or_closed(
    submit, assigned, settings
) -> None:  # type: ignore[no-untyped-def]
    receipt = submit()
    client = Client()
    wrong = client.post(REPLY, {"code": receipt.code, "secret": "WRONG", "reply": "Hello"})
    assert wrong.status_code == 400 and "No case matches" in wrong.content.decode()
    long = client.post(
        REPLY,
        {
            "code": receipt.code,
            "secret": receipt.secret,
            "reply": "x" * (actions.MAX_REPLY_LENGTH + 1),
        },
    )
    assert long.status_code == 400
    actions.take_transition(receipt.case, "close", by=assigned)
    closed = client.post(REPLY, {"code": receipt.code, "secret": receipt.secret, "reply": "Hi"})
    assert closed.status_code == 400
    assert not CaseNote.objects.exists()


def test_replies_are_rate_limited_like_messages(submit, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FEEDBACK_SUBMISSIONS_PER_HOUR = 2
    receipt = submit()
    client = Client()
    data = {"code": receipt.code, "secret": receipt.secret, "reply": "More."}
    assert [client.post(REPLY, data).status_code for _ in range(3)] == [200, 200, 429]
    assert CaseNote.objects.count() == 2


def test_wrong_secrets_on_the_reply_form_count_as_failed_checks(submit, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FEEDBACK_FAILED_CHECKS_PER_HOUR = 2
    receipt = submit()
    client = Client()
    for _ in range(2):
        client.post(REPLY, {"code": receipt.code, "secret": "WRONG", "reply": "x"})
    data = {"code": receipt.code, "secret": receipt.secret, "reply": "x"}
    assert client.post(REPLY, data).status_code == 429


def test_notes_and_referral_notes_survive_a_key_rotation(
    submit, assigned, focal_point_mia, settings
) -> None:  # type: ignore[no-untyped-def]
    from cryptography.fernet import Fernet

    case = submit().case
    actions.add_note(case, text="Private remark.", by=assigned)
    actions.refer_case(case, agency=focal_point_mia.agency, note="Look into it.", by=assigned)
    settings.FEEDBACK_KEYS = [Fernet.generate_key().decode(), *settings.FEEDBACK_KEYS]
    actions.rotate_keys()
    settings.FEEDBACK_KEYS = settings.FEEDBACK_KEYS[:1]
    notes = actions.read_notes(case, by=assigned)
    assert [n.text for n in notes.notes] == ["Private remark."]
    assert [r.note for r in notes.referrals] == ["Look into it."]


# The receipt -----------------------------------------------------------------------------------


def test_the_receipt_shows_the_secret_large_with_copy_and_print(client: Client, section) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        reverse("feedback:submit"),
        {"kind": "complaint", "area": f"section:{section.pk}", "content": "Something happened."},
    )
    assert response.status_code == 200
    page = response.content.decode()
    secret = re.search(r'<code id="receipt-secret" class="secret-box">([A-Z0-9-]+)</code>', page)
    assert secret is not None  # plain selectable text without JavaScript
    assert 'data-copy="receipt-secret"' in page and 'data-copy="receipt-code"' in page
    assert 'role="status"' in page and 'data-copied="Copied"' in page
    assert "js/feedback.js" in page and "css/feedback.css" in page
    assert "http://testserver" + CHECK in page  # how to check, written out for the paper copy
    assert "Print the receipt" in page


def test_a_reply_may_bring_a_file_stored_encrypted(  # type: ignore[no-untyped-def]
    submit, assigned, media_root, django_capture_on_commit_callbacks
) -> None:
    receipt = submit()
    case = receipt.case
    client = Client()
    data = {"code": receipt.code, "secret": receipt.secret, "reply": "The record is attached."}
    fake = SimpleUploadedFile("record.pdf", b"not a pdf at all", "application/pdf")
    refused = client.post(REPLY, {**data, "attachment": fake})
    assert refused.status_code == 400 and not CaseNote.objects.exists()
    assert not list(media_root.rglob("*.bin"))
    upload = SimpleUploadedFile("record.pdf", PDF_BYTES, "application/pdf")
    assert client.post(REPLY, {**data, "attachment": upload}).status_code == 200
    note = CaseNote.objects.get()
    (stored,) = media_root.rglob("*.bin")
    assert PDF_BYTES not in stored.read_bytes() and "record" not in note.attachment_meta
    staff = client_for(assigned)
    page = staff.get(_url("case", case)).content.decode()
    link = reverse("feedback:note_file", args=[case.pk, note.pk])
    assert link in page and "record.pdf" in page
    download = staff.get(link)
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert AccessLog.objects.filter(kind=AccessLog.Kind.READ_FILE, user=assigned).count() == 1
    assert Client().get(link).status_code == 302  # the public cannot fetch it
    # The retention purge takes the reply's file with the case.
    actions.take_transition(case, "close", by=assigned)
    Case.objects.filter(pk=case.pk).update(closed_on=date(2020, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        summary = actions.purge_closed_cases()
    assert summary.files == 1 and not list(media_root.rglob("*.bin"))
