"""Fixtures of the participation tests.

- ``reporting_world`` (from reporting's fixtures): a plan in force with action 1.1 led by MIA,
  1.2 led by GPO, one annual period of 2022, and the named users.
- ``member``: ``ngo_member`` of an organisation the coordinator approved.
- ``other_member``: a member of another approved organisation.
- ``published_assessment``: the period's assessment, approved and published.
"""

from __future__ import annotations

import pytest

from rightsmonitor.accounts.models import User
from rightsmonitor.accounts.tests.factories import CivilSocietyFactory, OrganisationFactory
from rightsmonitor.assessments.actions import create_assessment, take_transition
from rightsmonitor.assessments.models import Assessment
from rightsmonitor.participation.actions import accredit_organisation
from rightsmonitor.reporting.tests.conftest import (  # noqa: F401 - fixtures
    focal_point_gpo,
    gpo,
    media_root,
    reporting_world,
    validator_mia,
)
from rightsmonitor.reporting.tests.factories import ReportingWorld


@pytest.fixture
def member(ngo_member: User, coordinator: User) -> User:
    accredit_organisation(ngo_member.organisation, by=coordinator)
    return ngo_member


@pytest.fixture
def other_member(coordinator: User) -> User:
    organisation = OrganisationFactory(name="Legal Aid Centre")
    accredit_organisation(organisation, by=coordinator)
    return CivilSocietyFactory(email="lawyer@example.org", organisation=organisation)


@pytest.fixture
def published_assessment(reporting_world: ReportingWorld) -> Assessment:  # noqa: F811
    world = reporting_world
    assessment = create_assessment(world.plan, period=world.period, by=world.coordinator)
    take_transition(assessment, "approve", by=world.coordinator)
    take_transition(assessment, "publish", by=world.coordinator)
    return assessment
