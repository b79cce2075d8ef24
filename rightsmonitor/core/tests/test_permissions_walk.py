"""Walk every named URL as every role and compare with the expected status.

A new URL without an expectation here fails the test: decide who may open it first.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from rightsmonitor.accounts.models import Invitation, Role
from rightsmonitor.assessments.actions import create_assessment
from rightsmonitor.assessments.actions import take_transition as take_assessment_transition
from rightsmonitor.conftest import client_for
from rightsmonitor.indicators.models import Indicator, ObservationState
from rightsmonitor.indicators.tests.factories import add_observation, build_indicator_world
from rightsmonitor.plans.models import Plan
from rightsmonitor.plans.tests.factories import build_plan
from rightsmonitor.recommendations.actions import link_action
from rightsmonitor.recommendations.models import ImportRun
from rightsmonitor.recommendations.tests.factories import make_recommendations
from rightsmonitor.reporting.actions import ensure_periods, start_report

ROLES = ("public", "ngo_member", "focal_point_mia", "coordinator", "administrator")

# Statuses for a GET, per role in ROLES order. Shorthands for the common rules.
OPEN = (200, 200, 200, 200, 200)
SIGNED_IN = (302, 200, 200, 200, 200)
STAFF = (302, 403, 403, 200, 200)
STAFF_POST_ONLY = (302, 405, 405, 405, 405)  # GET refused first; POST is checked below
POST_ONLY = (405, 405, 405, 405, 405)
NOT_FOUND = (404, 404, 404, 404, 404)
REDIRECT = (302, 302, 302, 302, 302)
ADMIN_ONLY = (302, 302, 302, 302, 200)

EXPECTED: dict[str, tuple[int, ...]] = {
    "health": OPEN,
    "set_language": REDIRECT,
    "javascript-catalog": OPEN,
    "api-docs": OPEN,
    "v1:api-root": OPEN,
    "v1:schema": OPEN,
    "v1:plan-list": OPEN,
    "v1:plan-detail": OPEN,
    "v1:draft-plan-detail": (404, 404, 404, 200, 200),
    "v1:section-list": OPEN,
    "v1:section-detail": OPEN,
    "v1:action-list": OPEN,
    "v1:action-detail": OPEN,
    "v1:agency-list": OPEN,
    "v1:agency-detail": OPEN,
    "v1:instrument-list": OPEN,
    "v1:instrument-detail": OPEN,
    "portal:home": OPEN,
    # home per role: a focal point's lists download only for a focal point
    "home:index": SIGNED_IN,
    "home:count": SIGNED_IN,
    "home:export": (302, 404, 200, 404, 404),
    "portal:plan_list": OPEN,
    "portal:plan": OPEN,
    "portal:draft-plan": (404, 404, 404, 200, 200),
    "portal:action": OPEN,
    "portal:agency_list": OPEN,
    "portal:agency": OPEN,
    # portal: dashboard
    "portal:dashboard": OPEN,
    "portal:draft-dashboard": (404, 404, 404, 200, 200),
    # portal: search
    "portal:search": OPEN,
    # portal: open data
    "portal:data": OPEN,
    "portal:data_download": OPEN,
    # portal: feeds and calendars
    "portal:feeds": OPEN,
    "portal:plan_feed": OPEN,
    "portal:draft-plan_feed": (404, 404, 404, 200, 200),
    "portal:plan_calendar": OPEN,
    "portal:draft-plan_calendar": (404, 404, 404, 200, 200),
    "portal:agency_feed": OPEN,
    "portal:agency_calendar": OPEN,
    # portal: sitemap, robots
    "portal:sitemap": OPEN,
    "portal:sitemap_section": OPEN,
    "portal:robots": OPEN,
    # api: tokens
    "api_tokens:list": SIGNED_IN,
    "api_tokens:issue": SIGNED_IN,
    "api_tokens:revoke": (302, 405, 405, 405, 405),  # POST only, for any signed-in user
    "accounts:login": (200, 302, 302, 302, 302),  # signed-in users are sent on
    "accounts:login_verify": REDIRECT,
    "accounts:logout": POST_ONLY,
    "accounts:profile": SIGNED_IN,
    "accounts:password_change": SIGNED_IN,
    "accounts:password_change_done": SIGNED_IN,
    "accounts:password_reset": OPEN,
    "accounts:password_reset_done": OPEN,
    "accounts:password_reset_confirm": OPEN,
    "accounts:password_reset_complete": OPEN,
    "accounts:two_factor": SIGNED_IN,
    "accounts:two_factor_setup": SIGNED_IN,
    "accounts:two_factor_backup_codes": (302, 302, 302, 302, 302),
    "accounts:two_factor_regenerate": (302, 405, 405, 405, 405),
    "accounts:two_factor_disable": (302, 405, 405, 405, 405),
    "accounts:user_list": STAFF,
    "accounts:invite": STAFF,
    "accounts:user_edit": STAFF,
    "accounts:user_deactivate": STAFF_POST_ONLY,
    "accounts:invitation_revoke": STAFF_POST_ONLY,
    "accounts:accept_invitation": NOT_FOUND,
    "accounts:accept_invitation-valid": OPEN,
    "manage:dashboard": STAFF,
    "manage:plan_create": STAFF,
    "manage:plan_edit": STAFF,
    "manage:draft-plan_edit": (302, 404, 404, 200, 200),
    "manage:plan_history": STAFF,
    "manage:plan_export": STAFF,
    "manage:plan_import": STAFF,
    "manage:plan_import_new": STAFF,
    "manage:section_create": STAFF,
    "manage:section_edit": STAFF,
    "manage:section_move": STAFF_POST_ONLY,
    "manage:section_delete": STAFF_POST_ONLY,
    "manage:action_create": STAFF,
    "manage:action_edit": STAFF,
    "manage:action_history": STAFF,
    "manage:action_move": STAFF_POST_ONLY,
    "manage:action_delete": STAFF_POST_ONLY,
    "manage:amendment_create": STAFF,
    "manage:agency_list": STAFF,
    "manage:agency_create": STAFF,
    "manage:agency_edit": STAFF,
    "manage:instrument_list": STAFF,
    "manage:instrument_create": STAFF,
    "manage:instrument_edit": STAFF,
    "admin:index": ADMIN_ONLY,
    "reporting:my_tasks": (302, 403, 200, 302, 302),
    "reporting:notifications": SIGNED_IN,
    "reporting:report": (302, 404, 200, 200, 200),  # MIA's draft: hidden from others
    "reporting:report_edit": (302, 404, 200, 403, 403),  # only the author edits
    "reporting:evidence_download": (302, 404, 404, 404, 404),  # no such evidence
    "reporting:public_evidence": NOT_FOUND,  # no such evidence: 404, never a login page
    "reporting:report_start": STAFF_POST_ONLY,
    "reporting:evidence_add": STAFF_POST_ONLY,
    "reporting:evidence_remove": STAFF_POST_ONLY,
    "reporting:report_transition": STAFF_POST_ONLY,
    "reporting:report_assign": STAFF_POST_ONLY,
    "reporting:bulk_review": STAFF_POST_ONLY,
    "reporting:dashboard": STAFF,
    "reporting:action_timeline": (302, 403, 200, 200, 200),  # MIA leads the walk's action
    "reporting:action_monitoring": STAFF,
    "reporting:plan_schedule": STAFF,
    "reporting:agency_settings": STAFF,
    "v1:report-list": OPEN,
    "v1:period-list": OPEN,
    "v1:period-detail": OPEN,
    "v1:monitoring-list": OPEN,
    "v1:monitoring-detail": OPEN,
    "v1:report-detail": (404, 404, 200, 200, 200),
    "v1:report-transitions": POST_ONLY,
    "v1:report-evidence": POST_ONLY,
    "assessments:list": OPEN,
    "assessments:new": STAFF,
    "assessments:detail": OPEN,  # published
    "assessments:draft-detail": (404, 404, 404, 200, 200),
    "assessments:edit": STAFF,
    "assessments:progress": STAFF,
    "assessments:transition": STAFF_POST_ONLY,
    "assessments:new_edition": STAFF_POST_ONLY,
    "assessments:generate": STAFF_POST_ONLY,
    "assessments:file": NOT_FOUND,  # no file written yet
    "assessments:draft-file": NOT_FOUND,
    "indicators:overview": OPEN,
    "indicators:detail": OPEN,
    "indicators:hidden-detail": (404, 404, 200, 200, 200),  # not public; MIA supplies it
    "indicators:download": OPEN,
    "indicators:hidden-download": (404, 404, 200, 200, 200),
    "indicators:enter": (302, 403, 200, 200, 200),  # MIA's indicator
    "indicators:gpo-enter": (302, 403, 403, 200, 200),  # another agency's
    "indicators:upload": (302, 403, 200, 200, 200),
    "indicators:review": STAFF,
    "v1:indicator-list": OPEN,
    "v1:indicator-detail": OPEN,
    "v1:hidden-indicator-detail": (404, 404, 200, 200, 200),
    "v1:observation-list": OPEN,
    "v1:observation-detail": OPEN,  # published
    "v1:draft-observation-detail": (404, 404, 200, 200, 200),
    "recommendations:search": OPEN,
    "recommendations:coverage": OPEN,
    "recommendations:followup": OPEN,
    "recommendations:detail": OPEN,
    "recommendations:action_recommendations": OPEN,
    "recommendations:draft-action_recommendations": (404, 404, 404, 200, 200),
    "recommendations:import": STAFF,
    "recommendations:import_run": STAFF,
    "recommendations:import_run_progress": STAFF,
    "recommendations:import_rejected": STAFF,
    "recommendations:import_retry": STAFF_POST_ONLY,
    "recommendations:link": STAFF_POST_ONLY,
    "recommendations:unlink": STAFF_POST_ONLY,
    "recommendations:accept": STAFF_POST_ONLY,
    "recommendations:reject": STAFF_POST_ONLY,
    "v1:recommendation-list": OPEN,
    "v1:recommendation-detail": OPEN,
    "v1:recommendation-links": OPEN,
    "v1:recommendation-link": POST_ONLY,
    "v1:recommendation-suggestions": (403, 403, 403, 200, 200),
    "v1:recommendation-reject-suggestion": POST_ONLY,
    # Without ?action= the staff get a field error.
    "v1:action-recommendation-suggestions": (403, 403, 403, 400, 400),
    # feedback: the coordinator is assigned to the walk's plan, the administrator
    # to nothing (administrators manage assignments and read no case unless assigned).
    "feedback:submit": OPEN,
    "feedback:check": OPEN,
    # Focal points see only the cases referred to them (none in the walk).
    "feedback:reply": POST_ONLY,
    "feedback:case_list": (302, 403, 200, 200, 200),
    "feedback:case": (302, 403, 404, 200, 404),
    "feedback:case_contact": (302, 403, 404, 200, 404),
    "feedback:case_file": (302, 403, 404, 404, 404),  # the case has no file
    "feedback:note_file": (302, 403, 404, 404, 404),  # no such note
    "feedback:case_answer": STAFF_POST_ONLY,
    "feedback:case_transition": STAFF_POST_ONLY,
    "feedback:case_note": STAFF_POST_ONLY,
    "feedback:case_refer": STAFF_POST_ONLY,
    "feedback:referral_withdraw": STAFF_POST_ONLY,
    "feedback:case_due": STAFF_POST_ONLY,
    "feedback:assignments": (302, 403, 403, 403, 200),
    "feedback:assignment_remove": STAFF_POST_ONLY,
    "feedback:access_log": (302, 403, 403, 403, 200),
    # participation
    "participation:register": OPEN,
    "participation:register_sent": OPEN,
    "participation:applications": STAFF,
    "participation:decide_application": STAFF_POST_ONLY,
    "participation:accredit": STAFF_POST_ONLY,
    "participation:action_comments": OPEN,
    "participation:report_comments": NOT_FOUND,  # MIA's draft: no thread before acceptance
    "participation:assessment_comments": OPEN,
    "participation:reply": STAFF_POST_ONLY,
    "participation:moderation": STAFF,
    "participation:moderate": STAFF_POST_ONLY,
    "participation:my_ratings": (302, 200, 403, 403, 403),  # members of approved organisations
    "participation:rating_edit": (302, 200, 403, 403, 403),
    "participation:rate_action": (302, 200, 403, 403, 403),
    "participation:action_ratings": OPEN,
    "participation:plan_ratings": OPEN,
    "participation:draft-plan_ratings": (404, 404, 404, 200, 200),
    "participation:consultations": OPEN,
    "participation:consultation_new": STAFF,
    "participation:consultation": OPEN,
    "participation:draft-consultation": (404, 404, 404, 200, 200),  # in preparation
    "participation:consultation_action": OPEN,
    "participation:consultation_step": STAFF_POST_ONLY,
    "participation:consultation_summary": OPEN,
    "v1:comment-list": OPEN,
    "v1:comment-detail": OPEN,  # published
    "v1:pending-comment-detail": NOT_FOUND,  # awaiting moderation: not in the API
    "v1:shadow-rating-list": OPEN,
    "v1:shadow-rating-detail": OPEN,
}

# URL names that are not pages of ours: format-suffix twins, media in DEBUG, admin's own views.
SKIPPED_PREFIXES = ("admin:",)
SKIPPED = {None}


def _named_urls(
    patterns: list[URLPattern | URLResolver] | None = None, namespace: str = ""
) -> Iterator[str]:
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else (pattern.namespace or namespace)
            )
            yield from _named_urls(pattern.url_patterns, inner)
        elif pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_has_an_expectation() -> None:
    names = {n for n in _named_urls() if not n.startswith(SKIPPED_PREFIXES)}
    missing = sorted(names - EXPECTED.keys())
    assert not missing, f"Add the expected statuses for: {missing}"


@pytest.fixture
def world(db, administrator, coordinator, focal_point_mia, ngo_member) -> dict[str, object]:  # type: ignore[no-untyped-def]
    plan = build_plan(code="kz", sections=1, actions_per_section=1)
    draft = build_plan(code="draft", status=Plan.Status.DRAFT, sections=1, actions_per_section=1)
    section = plan.sections.get()
    action = plan.actions.get()
    invitation_token = Invitation.new_token()
    from rightsmonitor.accounts.models import hash_token

    Invitation.objects.create(
        email="new@example.org",
        role=Role.CIVIL_SOCIETY,
        token_hash=hash_token(invitation_token),
        invited_by=coordinator,
        expires_at=Invitation.default_expiry(),
    )
    (period,) = ensure_periods(plan, until=date(2022, 12, 31))
    report = start_report(action, focal_point_mia.agency, period, by=focal_point_mia)
    published = create_assessment(plan, period=period, by=coordinator)
    take_assessment_transition(published, "approve", by=coordinator)
    take_assessment_transition(published, "publish", by=coordinator)
    draft_assessment = create_assessment(
        plan, start=date(2023, 1, 1), end=date(2023, 12, 31), by=coordinator
    )
    indicators = build_indicator_world()  # PART-O1 from MIA, TORT-O1 from GPO, published values
    hidden = Indicator.objects.create(
        code="HIDDEN-1",
        attribute=indicators.women_mps.attribute,
        kind=Indicator.Kind.PROCESS,
        unit="NUMBER",
        agency=indicators.women_mps.agency,
        is_public=False,
    )
    (recommendation,) = make_recommendations(1)
    (to_reject,) = make_recommendations(1)
    link = link_action(recommendation, action, by=coordinator)
    import_run = ImportRun.objects.create(
        format="uhri-json", filename="x.json", requested_by=coordinator
    )
    draft_observation = add_observation(
        indicators, indicators.women_mps, "2023", "KZ", {}, "20", state=ObservationState.DRAFT
    )
    # feedback
    from rightsmonitor.feedback.actions import submit_case
    from rightsmonitor.feedback.models import AreaAssignment

    feedback_case = submit_case(kind="complaint", plan=plan, section=section, content="Walk").case
    feedback_assignment = AreaAssignment.objects.create(user=coordinator, plan=plan)
    # participation
    from rightsmonitor.participation import actions as participation

    participation.accredit_organisation(ngo_member.organisation, by=coordinator)
    participation_objects = {
        "application": participation.submit_application(
            name="Walk NGO",
            kind="ngo",
            description="Walks.",
            contact_name="W",
            contact_email="walk@example.org",
        ),
        "pending_comment": participation.post_comment(
            body="Pending", visibility="public", action=action, by=ngo_member
        ),
        "public_comment": participation.post_comment(
            body="Public", visibility="public", action=action, by=ngo_member
        ),
        "rating": participation.save_rating(
            action=action, period=period, status="in_progress", evidence="Seen.", by=ngo_member
        ),
        "consultation": participation.create_consultation(
            draft,
            title="Walk",
            opens_on=date(2020, 1, 1),
            closes_on=date(2099, 1, 1),
            by=coordinator,
        ),
        "draft_consultation": participation.create_consultation(
            draft,
            title="Later",
            opens_on=date(2099, 1, 1),
            closes_on=date(2099, 2, 1),
            by=coordinator,
        ),
    }
    participation.moderate(participation_objects["public_comment"], "publish", by=coordinator)
    participation.consultation_step(participation_objects["consultation"], "open", by=coordinator)
    return {
        "feedback_case": feedback_case,  # feedback
        "feedback_assignment": feedback_assignment,  # feedback
        **participation_objects,  # participation
        "published": published,
        "draft_assessment": draft_assessment,
        "period": period,
        "report": report,
        "users": {
            "public": None,
            "ngo_member": ngo_member,
            "focal_point_mia": focal_point_mia,
            "coordinator": coordinator,
            "administrator": administrator,
        },
        "plan": plan,
        "draft": draft,
        "section": section,
        "action": action,
        "agency": action.assignments.first().agency,
        "instrument": plan.adopting_instrument,
        "invitation_token": invitation_token,
        "invitation": Invitation.objects.get(),
        "ngo_member": ngo_member,
        "indicators": indicators,
        "hidden_indicator": hidden,
        "draft_observation": draft_observation,
        "recommendation": recommendation,
        "to_reject": to_reject,
        "link": link,
        "import_run": import_run,
    }


def _url(name: str, w: dict) -> str:  # type: ignore[type-arg]
    plan, section, action = w["plan"], w["section"], w["action"]
    by_plan = {"code": plan.code}
    args: dict[str, dict[str, object]] = {
        "v1:plan-detail": by_plan,
        "v1:draft-plan-detail": {"code": "draft"},
        "v1:section-detail": {"pk": section.pk},
        "v1:action-detail": {"pk": action.pk},
        "v1:agency-detail": {"abbreviation": w["agency"].abbreviation},
        "v1:instrument-detail": {"pk": w["instrument"].pk},
        "portal:plan": by_plan,
        "portal:draft-plan": {"code": "draft"},
        "portal:action": {"code": plan.code, "number": action.number},
        "portal:agency": {"abbreviation": w["agency"].abbreviation},
        # portal: dashboard (args)
        "portal:dashboard": by_plan,
        "portal:draft-dashboard": {"code": "draft"},
        # portal: search (args)
        # portal: open data (args)
        "portal:data_download": {"dataset": "plans", "fmt": "csv"},
        # portal: feeds and calendars (args)
        "portal:plan_feed": by_plan,
        "portal:draft-plan_feed": {"code": "draft"},
        "portal:plan_calendar": by_plan,
        "portal:draft-plan_calendar": {"code": "draft"},
        "portal:agency_feed": {"abbreviation": w["agency"].abbreviation},
        "portal:agency_calendar": {"abbreviation": w["agency"].abbreviation},
        # portal: sitemap, robots (args)
        "portal:sitemap_section": {"section": "plans"},
        # api: tokens (args)
        "api_tokens:revoke": {"pk": 1},
        "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "bad-token"},
        "accounts:accept_invitation": {"token": "not-a-token"},
        "accounts:accept_invitation-valid": {"token": w["invitation_token"]},
        "accounts:user_edit": {"pk": w["ngo_member"].pk},
        "accounts:user_deactivate": {"pk": w["ngo_member"].pk},
        "accounts:invitation_revoke": {"pk": w["invitation"].pk},
        "manage:draft-plan_edit": {"code": "draft"},
        "manage:section_edit": {"code": plan.code, "pk": section.pk},
        "manage:section_move": {"code": plan.code, "pk": section.pk},
        "manage:section_delete": {"code": plan.code, "pk": section.pk},
        "manage:action_edit": {"code": plan.code, "pk": action.pk},
        "manage:action_history": {"code": plan.code, "pk": action.pk},
        "manage:action_move": {"code": plan.code, "pk": action.pk},
        "manage:action_delete": {"code": plan.code, "pk": action.pk},
        "manage:agency_edit": {"pk": w["agency"].pk},
        "manage:instrument_edit": {"pk": w["instrument"].pk},
        "reporting:report_start": {"action_pk": action.pk, "period_pk": 1},
        "v1:report-detail": {"pk": w["report"].pk},
        "v1:report-transitions": {"pk": w["report"].pk},
        "v1:report-evidence": {"pk": w["report"].pk},
        "v1:period-detail": {"pk": w["period"].pk},
        "v1:monitoring-detail": {"action_id": action.pk},
        "reporting:report": {"pk": w["report"].pk},
        "reporting:report_edit": {"pk": w["report"].pk},
        "reporting:evidence_add": {"pk": 1},
        "reporting:evidence_download": {"pk": 1, "evidence_pk": 1},
        "reporting:public_evidence": {"evidence_pk": 1},
        "reporting:evidence_remove": {"pk": 1, "evidence_pk": 1},
        "reporting:report_transition": {"pk": 1, "name": "submit"},
        "reporting:report_assign": {"pk": w["report"].pk},
        "reporting:action_timeline": {"action_pk": action.pk},
        "reporting:action_monitoring": {"action_pk": action.pk},
        "reporting:plan_schedule": by_plan,
        "reporting:agency_settings": {"agency_pk": w["agency"].pk},
        "assessments:detail": {"pk": w["published"].pk},
        "assessments:draft-detail": {"pk": w["draft_assessment"].pk},
        "assessments:edit": {"pk": w["draft_assessment"].pk},
        "assessments:progress": {"pk": w["draft_assessment"].pk},
        "assessments:transition": {"pk": w["draft_assessment"].pk, "name": "approve"},
        "assessments:new_edition": {"pk": w["published"].pk},
        "assessments:generate": {"pk": w["draft_assessment"].pk},
        "assessments:file": {"pk": w["published"].pk, "file_format": "pdf", "language": "en"},
        "assessments:draft-file": {
            "pk": w["draft_assessment"].pk,
            "file_format": "pdf",
            "language": "en",
        },
    }
    mia_indicator = {"code": w["indicators"].women_mps.code}
    args.update(
        {
            "indicators:detail": mia_indicator,
            "indicators:hidden-detail": {"code": w["hidden_indicator"].code},
            "indicators:download": {**mia_indicator, "fmt": "csv"},
            "indicators:hidden-download": {"code": w["hidden_indicator"].code, "fmt": "csv"},
            "indicators:enter": mia_indicator,
            "indicators:gpo-enter": {"code": w["indicators"].detainees.code},
            "v1:indicator-detail": mia_indicator,
            "v1:hidden-indicator-detail": {"code": w["hidden_indicator"].code},
            "v1:observation-detail": {"pk": w["indicators"].observations[0].pk},
            "v1:draft-observation-detail": {"pk": w["draft_observation"].pk},
        }
    )
    recommendation = {"pk": w["recommendation"].pk}
    run = {"pk": w["import_run"].pk}
    args.update(
        {
            "recommendations:followup": {"fmt": "xlsx"},
            "recommendations:detail": recommendation,
            "recommendations:action_recommendations": {"action_pk": action.pk},
            "recommendations:draft-action_recommendations": {
                "action_pk": w["draft"].actions.get().pk
            },
            "recommendations:import_run": run,
            "recommendations:import_run_progress": run,
            "recommendations:import_rejected": run,
            "recommendations:import_retry": run,
            "recommendations:link": recommendation,
            "recommendations:unlink": {**recommendation, "link_pk": w["link"].pk},
            "recommendations:accept": {"pk": w["to_reject"].pk, "action_pk": action.pk},
            "recommendations:reject": {"pk": w["to_reject"].pk, "action_pk": action.pk},
            "v1:recommendation-detail": recommendation,
            "v1:recommendation-links": recommendation,
            "v1:recommendation-link": {**recommendation, "action_id": action.pk},
            "v1:recommendation-suggestions": recommendation,
            "v1:recommendation-reject-suggestion": {
                "pk": w["to_reject"].pk,
                "action_id": action.pk,
            },
        }
    )
    # feedback (args)
    feedback_case = {"pk": w["feedback_case"].pk}
    args.update(
        {
            "feedback:case": feedback_case,
            "feedback:case_contact": feedback_case,
            "feedback:case_file": feedback_case,
            "feedback:case_answer": feedback_case,
            "feedback:case_transition": {**feedback_case, "name": "close"},
            "feedback:case_note": feedback_case,
            "feedback:note_file": {**feedback_case, "note_pk": 0},
            "feedback:case_refer": feedback_case,
            "feedback:referral_withdraw": {**feedback_case, "referral_pk": 0},  # none: 404
            "feedback:case_due": feedback_case,
            "feedback:assignment_remove": {"pk": w["feedback_assignment"].pk},
        }
    )
    # participation (args)
    args.update(
        {
            "participation:decide_application": {"pk": w["application"].pk, "name": "approve"},
            "participation:accredit": {"pk": w["ngo_member"].organisation_id},
            "participation:action_comments": {"action_pk": action.pk},
            "participation:report_comments": {"report_pk": w["report"].pk},
            "participation:assessment_comments": {"assessment_pk": w["published"].pk},
            "participation:reply": {"pk": w["public_comment"].pk},
            "participation:moderate": {"pk": w["pending_comment"].pk, "name": "publish"},
            "participation:rating_edit": {"pk": w["rating"].pk},
            "participation:rate_action": {"action_pk": action.pk},
            "participation:action_ratings": {"action_pk": action.pk},
            "participation:plan_ratings": by_plan,
            "participation:draft-plan_ratings": {"code": "draft"},
            "participation:consultation_new": by_plan,
            "participation:consultation": {"pk": w["consultation"].pk},
            "participation:draft-consultation": {"pk": w["draft_consultation"].pk},
            "participation:consultation_action": {
                "pk": w["consultation"].pk,
                "action_pk": w["draft"].actions.get().pk,
            },
            "participation:consultation_step": {"pk": w["consultation"].pk, "name": "close"},
            "participation:consultation_summary": {"pk": w["consultation"].pk, "fmt": "csv"},
            "v1:comment-detail": {"pk": w["public_comment"].pk},
            "v1:pending-comment-detail": {"pk": w["pending_comment"].pk},
            "v1:shadow-rating-detail": {"pk": w["rating"].pk},
        }
    )
    for plan_page in (
        "plan_edit",
        "plan_history",
        "plan_export",
        "plan_import",
        "section_create",
        "action_create",
        "amendment_create",
    ):
        args.setdefault(f"manage:{plan_page}", by_plan)
    kwargs = args.get(name, {})
    real_name = name.replace("draft-", "").replace("-valid", "")
    real_name = real_name.replace("hidden-", "").replace("gpo-", "")
    real_name = real_name.replace("pending-", "")  # participation
    return reverse(real_name, kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_status_for_every_role(name: str, world: dict) -> None:  # type: ignore[type-arg]
    url = _url(name, world)
    actual = tuple(client_for(world["users"][role]).get(url).status_code for role in ROLES)
    assert actual == EXPECTED[name], f"{url}: got {dict(zip(ROLES, actual, strict=True))}"


# POST-only URLs: (data, statuses per role). Roles run in order on the same data, so a
# deletion by the coordinator leaves the administrator a 404.
POSTED: dict[str, tuple[dict[str, str], tuple[int, ...]]] = {
    "accounts:logout": ({}, (302, 302, 302, 302, 302)),
    "accounts:user_deactivate": ({}, (302, 403, 403, 302, 302)),
    "accounts:invitation_revoke": ({}, (302, 403, 403, 302, 302)),
    "manage:section_move": ({"offset": "1"}, (302, 403, 403, 302, 302)),
    "manage:action_move": ({"offset": "-1"}, (302, 403, 403, 302, 302)),
    "manage:action_delete": ({}, (302, 403, 403, 302, 404)),
    "manage:section_delete": ({}, (302, 403, 403, 302, 404)),
    # The coordinator approves; the administrator's second approval is refused with a message.
    "assessments:transition": ({}, (302, 403, 403, 302, 302)),
    "assessments:generate": ({}, (302, 403, 403, 302, 302)),
    "assessments:new_edition": ({}, (302, 403, 403, 302, 302)),
    # Pages that also take a GET; an empty POST from whoever may post is a bad request.
    "indicators:review": ({}, (302, 403, 403, 400, 400)),
    "indicators:enter": ({}, (302, 403, 400, 400, 400)),
    "indicators:gpo-enter": ({}, (302, 403, 403, 400, 400)),
    "indicators:upload": ({}, (302, 403, 400, 400, 400)),
    "recommendations:import": ({}, (302, 403, 403, 400, 400)),
    "recommendations:link": ({"action": "ACTION"}, (302, 403, 403, 302, 302)),
    "recommendations:unlink": ({}, (302, 403, 403, 302, 404)),
    "recommendations:accept": ({}, (302, 403, 403, 302, 302)),
    "recommendations:reject": ({}, (302, 403, 403, 302, 302)),
    # feedback: an empty form is a 400 for everyone; the coordinator answers and
    # closes the case of their plan, the unassigned administrator cannot find it.
    "feedback:submit": ({}, (400, 400, 400, 400, 400)),
    "feedback:check": ({}, (400, 400, 400, 400, 400)),
    "feedback:reply": ({}, (400, 400, 400, 400, 400)),
    "feedback:case_answer": ({"answer": "Thank you."}, (302, 403, 404, 302, 404)),
    "feedback:case_transition": ({}, (302, 403, 404, 302, 404)),
    "feedback:case_note": ({"text": "Note."}, (302, 403, 404, 302, 404)),
    "feedback:case_refer": ({}, (302, 403, 404, 400, 404)),
    "feedback:referral_withdraw": ({}, (302, 403, 404, 404, 404)),
    "feedback:case_due": ({"due_date": "2030-01-01"}, (302, 403, 404, 302, 404)),
    "feedback:assignments": ({}, (302, 403, 403, 403, 400)),
    "feedback:assignment_remove": ({}, (302, 403, 403, 403, 302)),
    # participation: a second decision is refused with a message (302).
    "participation:decide_application": ({}, (302, 403, 403, 302, 302)),
    "participation:accredit": ({}, (302, 403, 403, 302, 302)),
    "participation:moderate": ({}, (302, 403, 403, 302, 302)),
    "participation:consultation_step": ({}, (302, 403, 403, 302, 302)),
    "participation:reply": ({"body": "Answer"}, (302, 403, 302, 302, 302)),  # MIA leads it
}


@pytest.mark.parametrize("name", sorted(POSTED))
def test_post_status_for_every_role(name: str, world: dict) -> None:  # type: ignore[type-arg]
    data, expected = POSTED[name]
    data = {
        key: str(world["action"].pk) if value == "ACTION" else value for key, value in data.items()
    }
    url = _url(name, world)
    actual = tuple(client_for(world["users"][role]).post(url, data).status_code for role in ROLES)
    assert actual == expected, f"POST {url}: got {dict(zip(ROLES, actual, strict=True))}"
