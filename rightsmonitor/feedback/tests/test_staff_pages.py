"""The coordinators' pages: the case list, answering, closing, assignments and the access log."""

from __future__ import annotations

import re

from django.urls import reverse

from rightsmonitor.conftest import client_for
from rightsmonitor.feedback.models import AccessLog, AreaAssignment

CASES = reverse("feedback:case_list")


def test_case_list_shows_only_my_areas_in_constant_queries(  # type: ignore[no-untyped-def]
    submit, assigned, plan, django_assert_num_queries
) -> None:
    mine = submit()
    other = submit(section=plan.sections.order_by("order").last())
    client = client_for(assigned)
    client.get(CASES)  # warm the session
    # the session, the user, the count of cases, the nav's unread notifications, the page of
    # cases with their plan and section joined
    with django_assert_num_queries(5):
        page = client.get(CASES).content.decode()
    assert mine.case.display_reference in page and other.case.display_reference not in page
    for _ in range(20):
        submit()
    with django_assert_num_queries(5):
        response = client.get(CASES)
    assert len(re.findall(r'href="/feedback/cases/\d+/"', response.content.decode())) == 21
    assert not AccessLog.objects.exists()  # the list shows no content: no read to log


def test_case_list_filters_by_status(submit, assigned) -> None:  # type: ignore[no-untyped-def]
    first, second = submit(), submit()
    client = client_for(assigned)
    client.post(reverse("feedback:case_transition", args=[first.case.pk, "close"]))
    page = client.get(CASES, {"status": "closed"}).content.decode()
    assert first.case.display_reference in page and second.case.display_reference not in page


def test_answer_take_up_and_close(submit, assigned) -> None:  # type: ignore[no-untyped-def]
    case = submit().case
    client = client_for(assigned)
    take = client.post(reverse("feedback:case_transition", args=[case.pk, "take"]))
    assert take.status_code == 302
    empty = client.post(reverse("feedback:case_answer", args=[case.pk]), {"answer": " "})
    assert empty.status_code == 400 and "There is a problem" in empty.content.decode()
    answered = client.post(
        reverse("feedback:case_answer", args=[case.pk]), {"answer": "We will act."}
    )
    assert answered.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.answered_on is not None) == ("answered", True)
    assert "We will act." in client.get(reverse("feedback:case", args=[case.pk])).content.decode()
    client.post(reverse("feedback:case_transition", args=[case.pk, "close"]))
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_on is not None
    # A closed case takes no answer and cannot be closed again.
    late = client.post(reverse("feedback:case_answer", args=[case.pk]), {"answer": "More."})
    assert late.status_code == 400
    again = client.post(reverse("feedback:case_transition", args=[case.pk, "close"]), follow=True)
    assert "cannot be done to a case that is “Closed”" in again.content.decode()
    kinds = list(AccessLog.objects.filter(case=case).order_by("pk").values_list("kind", flat=True))
    assert kinds.count("status_changed") == 2 and kinds.count("answered") == 1
    assert (
        client.post(reverse("feedback:case_transition", args=[case.pk, "delete"])).status_code
        == 404
    )


def test_administrators_manage_assignments_and_read_the_log(  # type: ignore[no-untyped-def]
    administrator, other_coordinator, section, coordinator
) -> None:
    client = client_for(administrator)
    assert client.get(reverse("feedback:assignments")).status_code == 200
    response = client.post(
        reverse("feedback:assignments"),
        {"user": other_coordinator.pk, "area": f"section:{section.pk}"},
    )
    assert response.status_code == 302
    assignment = AreaAssignment.objects.get()
    assert (assignment.user, assignment.plan, assignment.section) == (
        other_coordinator,
        section.plan,
        section,
    )
    general = client.post(
        reverse("feedback:assignments"), {"user": coordinator.pk, "area": "general"}
    )
    assert general.status_code == 302
    bad = client.post(reverse("feedback:assignments"), {"user": coordinator.pk, "area": "plan:x"})
    assert bad.status_code == 400
    client.post(reverse("feedback:assignment_remove", args=[assignment.pk]))
    assert AreaAssignment.objects.count() == 1
    log = client.get(reverse("feedback:access_log")).content.decode()
    assert "Assigned a coordinator to an area" in log and "Removed a coordinator" in log
    assert other_coordinator.email in log
    # Coordinators do neither.
    for name in ("feedback:assignments", "feedback:access_log"):
        assert client_for(coordinator).get(reverse(name)).status_code == 403


def test_only_staff_can_be_assigned(administrator, ngo_member, section) -> None:  # type: ignore[no-untyped-def]
    response = client_for(administrator).post(
        reverse("feedback:assignments"), {"user": ngo_member.pk, "area": "general"}
    )
    assert response.status_code == 400
    assert not AreaAssignment.objects.exists()


def test_case_list_for_people_who_are_not_staff(ngo_member, focal_point_mia, submit) -> None:  # type: ignore[no-untyped-def]
    case = submit().case
    assert client_for(None).get(CASES).status_code == 302
    assert client_for(ngo_member).get(CASES).status_code == 403
    # A focal point sees the list, with only the cases referred to them: none here.
    page = client_for(focal_point_mia).get(CASES)
    assert page.status_code == 200 and case.display_reference not in page.content.decode()


def test_assignment_and_log_pages_in_constant_queries(  # type: ignore[no-untyped-def]
    administrator, plan, django_assert_max_num_queries
) -> None:
    from rightsmonitor.accounts.tests.factories import CoordinatorFactory
    from rightsmonitor.feedback.actions import add_assignment

    client = client_for(administrator)

    def add(count: int) -> None:
        for _ in range(count):
            coordinator = CoordinatorFactory()
            for section in plan.sections.all():
                add_assignment(user=coordinator, plan=plan, section=section, by=administrator)

    add(1)
    client.get(reverse("feedback:assignments"))
    # session, user, unread notifications, assignments with user, plan and section joined,
    # the form's coordinators, plans and sections (the log: a count and a page)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("feedback:assignments")).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get(reverse("feedback:access_log")).status_code == 200
    add(10)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("feedback:assignments")).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get(reverse("feedback:access_log")).status_code == 200
