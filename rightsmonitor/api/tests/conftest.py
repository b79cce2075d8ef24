"""Fixtures for the API tests that use tokens: a plan to report on and a way to issue tokens."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from rightsmonitor.accounts.models import User
from rightsmonitor.accounts.tests.factories import FocalPointFactory
from rightsmonitor.api.actions import issue_token
from rightsmonitor.api.models import ApiToken
from rightsmonitor.plans.models import Agency
from rightsmonitor.plans.tests.factories import build_plan
from rightsmonitor.reporting.actions import ensure_periods

Issue = Callable[..., tuple[ApiToken, str]]


@pytest.fixture
def issue(coordinator: User) -> Issue:
    """Issue a token for a user (by the coordinator, or the user for staff accounts)."""

    def _issue(user: User, *scopes: str, **kwargs: Any) -> tuple[ApiToken, str]:
        by = kwargs.pop("by", None) or (user if user.is_staff_role else coordinator)
        return issue_token(
            user, name=kwargs.pop("name", "Integration"), scopes=scopes or ["read"], by=by, **kwargs
        )

    return _issue


@pytest.fixture
def plan_world(focal_point_mia: User, coordinator: User) -> SimpleNamespace:
    """A public plan whose actions MIA leads and GPO co-executes, one period, GPO's focal point."""
    plan = build_plan(code="kz", sections=1, actions_per_section=1)
    (period,) = ensure_periods(plan, until=datetime.date(2022, 12, 31))
    gpo = Agency.objects.get(abbreviation="GPO")
    return SimpleNamespace(
        plan=plan,
        period=period,
        action=plan.actions.get(),
        mia=Agency.objects.get(abbreviation="MIA"),
        gpo=gpo,
        focal_point_mia=focal_point_mia,
        focal_point_gpo=FocalPointFactory(email="focal.gpo@example.org", agency=gpo),
        coordinator=coordinator,
    )


def bearer(secret: str, keyword: str = "Bearer") -> Client:
    """A client without a session that sends the token with every request."""
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"{keyword} {secret}")
