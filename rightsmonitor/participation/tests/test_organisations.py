"""Organisations register, the coordinator approves (with an invitation sent through
``accounts.actions.invite_user``) or rejects with a reason; every step leaves an audit row."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from rightsmonitor.accounts.models import AccountEvent, Invitation, Organisation, Role, User
from rightsmonitor.accounts.tests.factories import OrganisationFactory
from rightsmonitor.conftest import client_for
from rightsmonitor.participation import actions
from rightsmonitor.participation.access import can_take_part
from rightsmonitor.participation.models import OrganisationApplication, ParticipationEvent
from rightsmonitor.participation.workflow import ApplicationState

pytestmark = pytest.mark.usefixtures("db")

APPLICATION = {
    "name": "Kazakhstan Bureau for Human Rights",
    "kind": "ngo",
    "country": "KAZ",
    "website": "https://bureau.example",
    "description": "Monitors places of detention.",
    "contact_name": "Aigerim",
    "contact_email": "aigerim@bureau.example",
}


def test_an_organisation_registers_and_is_approved(  # type: ignore[no-untyped-def]
    client, coordinator, django_capture_on_commit_callbacks
) -> None:
    response = client.post(reverse("participation:register"), APPLICATION)
    assert response.status_code == 302
    assert response["Location"] == reverse("participation:register_sent")
    application = OrganisationApplication.objects.get()
    assert application.state == ApplicationState.PENDING
    page = client_for(coordinator).get(reverse("participation:applications"))
    assert APPLICATION["name"] in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).post(
            reverse("participation:decide_application", args=[application.pk, "approve"])
        )
    assert response.status_code == 302
    application.refresh_from_db()
    organisation = Organisation.objects.get(name=APPLICATION["name"])
    assert application.state == ApplicationState.APPROVED
    assert organisation.accreditation.approved_by == coordinator
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.organisation) == (
        APPLICATION["contact_email"],
        Role.CIVIL_SOCIETY,
        organisation,
    )
    assert application.invitation == invitation
    assert AccountEvent.objects.filter(kind="invitation_sent").exists()
    assert [m.to for m in mail.outbox] == [[APPLICATION["contact_email"]]]
    assert list(ParticipationEvent.objects.values_list("kind", flat=True).order_by("pk")) == [
        "application_submitted",
        "application_approved",
    ]
    with pytest.raises(ValidationError):  # decided once
        actions.decide_application(application, "reject", by=coordinator, reason="x")


def test_rejection_needs_a_reason(coordinator) -> None:  # type: ignore[no-untyped-def]
    application = actions.submit_application(**APPLICATION)
    with pytest.raises(ValidationError):
        actions.decide_application(application, "reject", by=coordinator)
    actions.decide_application(application, "reject", by=coordinator, reason="Not an NGO.")
    application.refresh_from_db()
    assert application.state == ApplicationState.REJECTED
    assert application.decision_reason == "Not an NGO."
    assert not Organisation.objects.exists() and not Invitation.objects.exists()


def test_only_staff_decide(coordinator, focal_point_mia, ngo_member) -> None:  # type: ignore[no-untyped-def]
    application = actions.submit_application(**APPLICATION)
    for user in (focal_point_mia, ngo_member):
        with pytest.raises(PermissionDenied):
            actions.decide_application(application, "approve", by=user)
        url = reverse("participation:decide_application", args=[application.pk, "approve"])
        assert client_for(user).post(url).status_code == 403
    assert client_for(ngo_member).get(reverse("participation:applications")).status_code == 403


def test_names_in_use_are_refused(client) -> None:  # type: ignore[no-untyped-def]
    OrganisationFactory(name=APPLICATION["name"])
    response = client.post(reverse("participation:register"), APPLICATION)
    assert response.status_code == 400
    assert "already takes part" in response.content.decode()
    assert 'role="alert"' in response.content.decode()


def test_registration_is_rate_limited(settings, client) -> None:  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    cache.clear()
    settings.PARTICIPATION_APPLICATIONS_PER_HOUR = 1
    assert client.post(reverse("participation:register"), APPLICATION).status_code == 302
    second = {**APPLICATION, "name": "Another"}
    assert client.post(reverse("participation:register"), second).status_code == 429
    cache.clear()


def test_existing_organisations_are_approved_directly(coordinator, ngo_member) -> None:  # type: ignore[no-untyped-def]
    assert not can_take_part(ngo_member)
    response = client_for(coordinator).post(
        reverse("participation:accredit", args=[ngo_member.organisation.pk])
    )
    assert response.status_code == 302
    # A fresh load: the answer is remembered on the user object for one request.
    assert can_take_part(User.objects.get(pk=ngo_member.pk))


def test_applications_page_has_constant_queries(coordinator, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = client_for(coordinator)
    actions.submit_application(**APPLICATION)
    OrganisationFactory()
    client.get(reverse("participation:applications"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("participation:applications"))
    for n in range(5):
        actions.submit_application(**{**APPLICATION, "name": f"NGO {n}"})
        OrganisationFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("participation:applications"))
