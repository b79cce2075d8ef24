"""Comments: who may post where, what each role reads, moderation, replies, limits."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from rightsmonitor.accounts.tests.factories import CivilSocietyFactory
from rightsmonitor.conftest import client_for
from rightsmonitor.participation import actions
from rightsmonitor.participation.access import comments_for_user
from rightsmonitor.participation.models import Comment, ParticipationEvent
from rightsmonitor.participation.workflow import CommentState
from rightsmonitor.plans.models import Plan
from rightsmonitor.plans.tests.factories import build_plan


def _thread(world) -> str:  # type: ignore[no-untyped-def]
    return reverse("participation:action_comments", args=[world.action.pk])


def test_a_member_posts_a_public_comment_that_waits_for_moderation(  # type: ignore[no-untyped-def]
    reporting_world, member, coordinator, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(member).post(
            _thread(reporting_world), {"body": "The law was not adopted.", "visibility": "public"}
        )
    assert response.status_code == 302
    comment = Comment.objects.get()
    # The coordinator is told by e-mail, without the text.
    (message,) = mail.outbox
    assert message.to == [coordinator.email] and "awaits moderation" in message.subject
    assert "/participation/moderation/" in message.body
    assert "not adopted" not in message.body
    assert comment.state == CommentState.PENDING
    assert comment.organisation == member.organisation
    assert ParticipationEvent.objects.filter(kind="comment_posted", subject_id=comment.pk).exists()
    # Not public yet; its author sees it with its state.
    assert (
        "The law was not adopted."
        not in client_for(None).get(_thread(reporting_world)).content.decode()
    )
    own = client_for(member).get(_thread(reporting_world)).content.decode()
    assert "The law was not adopted." in own and "Awaiting moderation" in own


def test_published_comments_are_public(reporting_world, member, coordinator) -> None:  # type: ignore[no-untyped-def]
    comment = actions.post_comment(
        body="Seen in court.", visibility="public", action=reporting_world.action, by=member
    )
    actions.moderate(comment, "publish", by=coordinator)
    assert "Seen in court." in client_for(None).get(_thread(reporting_world)).content.decode()
    actions.moderate(comment, "withdraw", by=coordinator, reason="Names a victim.")
    assert "Seen in court." not in client_for(None).get(_thread(reporting_world)).content.decode()
    assert list(ParticipationEvent.objects.values_list("kind", flat=True).order_by("pk")) == [
        "organisation_accredited",
        "comment_posted",
        "comment_publish",
        "comment_withdraw",
    ]


def test_rejection_needs_a_reason_and_a_pending_comment(
    reporting_world, member, coordinator
) -> None:  # type: ignore[no-untyped-def]
    comment = actions.post_comment(
        body="Spam", visibility="public", action=reporting_world.action, by=member
    )
    with pytest.raises(ValidationError):
        actions.moderate(comment, "reject", by=coordinator, reason=" ")
    actions.moderate(comment, "reject", by=coordinator, reason="Advertising")
    with pytest.raises(ValidationError):
        actions.moderate(comment, "publish", by=coordinator)
    with pytest.raises(PermissionDenied):
        actions.moderate(comment, "withdraw", by=member, reason="x")


def test_comments_to_the_coordinator_stay_private(  # type: ignore[no-untyped-def]
    reporting_world, member, other_member, coordinator, focal_point_mia
) -> None:
    comment = actions.post_comment(
        body="Confidential: a witness.",
        visibility="coordinator",
        action=reporting_world.action,
        by=member,
    )
    assert comment.state == CommentState.PUBLISHED  # delivered; never public
    for reader in (None, other_member, focal_point_mia):
        assert not comments_for_user(reader).filter(pk=comment.pk).exists()
        page = client_for(reader).get(_thread(reporting_world)).content.decode()
        assert "Confidential: a witness." not in page
    assert comments_for_user(member).filter(pk=comment.pk).exists()
    queue = client_for(coordinator).get(reverse("participation:moderation")).content.decode()
    assert "Confidential: a witness." in queue
    with pytest.raises(ValidationError):  # nothing to moderate
        actions.moderate(comment, "publish", by=coordinator)
    # The coordinator answers; the author reads the answer, nobody else.
    answer = actions.reply(comment, body="Thank you, we will follow up.", by=coordinator)
    assert comments_for_user(member).filter(pk=answer.pk).exists()
    assert not comments_for_user(other_member).filter(pk=answer.pk).exists()
    with pytest.raises(PermissionDenied):  # agencies do not answer private comments
        actions.reply(comment, body="We disagree.", by=focal_point_mia)


def test_the_agency_answers_public_comments_on_its_actions(  # type: ignore[no-untyped-def]
    reporting_world, member, coordinator, focal_point_mia, focal_point_gpo
) -> None:
    world = reporting_world
    comment = actions.post_comment(
        body="When?", visibility="public", action=world.action, by=member
    )
    with pytest.raises(PermissionDenied):  # not published yet
        actions.reply(comment, body="Soon.", by=focal_point_mia)
    actions.moderate(comment, "publish", by=coordinator)
    response = client_for(focal_point_mia).post(
        reverse("participation:reply", args=[comment.pk]), {"body": "In March."}
    )
    assert response.status_code == 302
    answer = Comment.objects.get(parent=comment)
    assert answer.state == CommentState.PUBLISHED and answer.action == world.action
    assert "In March." in client_for(None).get(_thread(world)).content.decode()
    # GPO co-executes 1.1 too; members may not reply, and nobody replies to a reply.
    actions.reply(comment, body="We help.", by=focal_point_gpo)
    with pytest.raises(PermissionDenied):
        actions.reply(comment, body="Thanks", by=member)
    with pytest.raises(PermissionDenied):
        actions.reply(answer, body="Again", by=coordinator)
    assert (
        client_for(member)
        .post(reverse("participation:reply", args=[comment.pk]), {"body": "x"})
        .status_code
        == 403
    )


def test_only_members_of_approved_organisations_comment(
    reporting_world, ngo_member, member
) -> None:  # type: ignore[no-untyped-def]
    unapproved = CivilSocietyFactory(email="new@example.org")
    data = {"body": "Hello", "visibility": "public"}
    assert client_for(unapproved).post(_thread(reporting_world), data).status_code == 403
    assert client_for(None).post(_thread(reporting_world), data).status_code == 302  # log in
    page = client_for(unapproved).get(_thread(reporting_world)).content.decode()
    assert "Register your organisation" in page
    assert Comment.objects.count() == 0


def test_size_and_rate_limits(settings, reporting_world, member) -> None:  # type: ignore[no-untyped-def]
    settings.PARTICIPATION_COMMENT_MAX_CHARS = 100
    settings.PARTICIPATION_COMMENTS_PER_HOUR = 2
    url = _thread(reporting_world)
    client = client_for(member)
    too_long = client.post(url, {"body": "x" * 101, "visibility": "public"})
    assert too_long.status_code == 400
    assert "at most 100 characters" in too_long.content.decode()
    assert client.post(url, {"body": "  ", "visibility": "public"}).status_code == 400
    for _ in range(2):
        assert client.post(url, {"body": "ok", "visibility": "public"}).status_code == 302
    limited = client.post(url, {"body": "third", "visibility": "public"})
    assert limited.status_code == 429
    assert "Please wait" in limited.content.decode()
    assert Comment.objects.count() == 2


def test_draft_plans_take_no_comments(member, coordinator) -> None:  # type: ignore[no-untyped-def]
    draft = build_plan(code="draft", status=Plan.Status.DRAFT, sections=1, actions_per_section=1)
    action = draft.actions.get()
    url = reverse("participation:action_comments", args=[action.pk])
    assert client_for(member).get(url).status_code == 404
    with pytest.raises(PermissionDenied):
        actions.post_comment(body="x", visibility="public", action=action, by=member)


def test_reports_take_comments_once_accepted(reporting_world, member, coordinator) -> None:  # type: ignore[no-untyped-def]
    world = reporting_world
    draft = world.start()
    url = reverse("participation:report_comments", args=[draft.pk])
    assert client_for(member).get(url).status_code == 404
    with pytest.raises(PermissionDenied):
        actions.post_comment(body="x", visibility="public", report=draft, by=member)
    accepted = world.walk(draft, "accepted")
    assert client_for(None).get(url).status_code == 200
    response = client_for(member).post(url, {"body": "Evidence is thin.", "visibility": "public"})
    assert response.status_code == 302
    comment = Comment.objects.get(report=accepted)
    actions.moderate(comment, "publish", by=coordinator)
    assert "Evidence is thin." in client_for(None).get(url).content.decode()
    # The action page links to the report's thread.
    page = client_for(None).get(world.action.get_absolute_url()).content.decode()
    assert url in page


def test_assessments_take_comments_once_published(
    reporting_world, member, published_assessment
) -> None:  # type: ignore[no-untyped-def]
    url = reverse("participation:assessment_comments", args=[published_assessment.pk])
    response = client_for(member).post(url, {"body": "Too optimistic.", "visibility": "public"})
    assert response.status_code == 302
    assert Comment.objects.get().assessment == published_assessment


def test_moderation_queue_is_for_staff_with_constant_queries(  # type: ignore[no-untyped-def]
    settings,
    reporting_world,
    member,
    other_member,
    coordinator,
    published_assessment,
    django_assert_max_num_queries,
) -> None:
    settings.PARTICIPATION_COMMENTS_PER_HOUR = 1000
    world = reporting_world
    url = reverse("participation:moderation")
    assert client_for(member).get(url).status_code == 403
    client = client_for(coordinator)
    client.get(url)

    def add(n: int) -> None:
        for i in range(n):
            actions.post_comment(body=f"a{i}", visibility="public", action=world.action, by=member)
            actions.post_comment(
                body=f"b{i}", visibility="public", assessment=published_assessment, by=other_member
            )
            actions.post_comment(
                body=f"c{i}", visibility="coordinator", action=world.action, by=member
            )

    add(2)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('class="card comment') == 36


def test_thread_has_constant_queries(  # type: ignore[no-untyped-def]
    settings, reporting_world, member, coordinator, focal_point_mia, django_assert_max_num_queries
) -> None:
    settings.PARTICIPATION_COMMENTS_PER_HOUR = 1000
    world = reporting_world
    client = client_for(member)

    def add(n: int) -> None:
        for i in range(n):
            comment = actions.post_comment(
                body=f"a{i}", visibility="public", action=world.action, by=member
            )
            actions.moderate(comment, "publish", by=coordinator)
            actions.reply(comment, body="answer", by=coordinator)

    add(2)
    focal = client_for(focal_point_mia)  # answers on MIA's action: asked once per comment
    with django_assert_max_num_queries(20) as few:
        client.get(_thread(world))
    with django_assert_max_num_queries(20) as few_focal:
        focal.get(_thread(world))
    add(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_thread(world))
    assert response.content.decode().count('class="card comment') == 20
    with django_assert_max_num_queries(len(few_focal.captured_queries)):
        response = focal.get(_thread(world))
    assert response.content.decode().count("Publish answer") == 10
