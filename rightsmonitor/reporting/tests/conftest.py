"""Fixtures shared by every reporting test (pages, API, reminders and the domain layer).

- ``media_root`` (autouse): MEDIA_ROOT is a fresh temporary directory, so evidence files are
  real files that each test can list, and nothing reaches ``var/media``.
- ``focal_point_gpo``, ``validator_mia``: named users besides those of ``rightsmonitor/conftest.py``
  (``administrator``, ``coordinator``, ``focal_point_mia``, ``ngo_member``, ``public``).
- ``reporting_world``: a ``ReportingWorld`` (see ``factories.py``): a plan in force with one
  annual period (28.04.2022–31.12.2022, agencies by 10.01.2023, review by 25.01.2023),
  action 1.1 led by MIA with GPO as co-executor and action 1.2 led by GPO, MIA's sign-off by
  ``validator_mia``, GPO without sign-off, and all the named users; ``world.report_in(state)``
  gives MIA's consolidated report in any state through the real actions.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from rightsmonitor.accounts.models import User
from rightsmonitor.accounts.tests.factories import FocalPointFactory
from rightsmonitor.plans.models import Agency
from rightsmonitor.plans.tests.factories import AgencyFactory
from rightsmonitor.reporting.tests.factories import ReportingWorld, build_reporting_world


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def gpo(db) -> Agency:  # type: ignore[no-untyped-def]
    return AgencyFactory(abbreviation="GPO", kind=Agency.Kind.PROSECUTOR)


@pytest.fixture
def focal_point_gpo(gpo: Agency) -> User:
    return FocalPointFactory(email="focal.gpo@example.org", agency=gpo)


@pytest.fixture
def validator_mia(focal_point_mia: User) -> User:
    """MIA's deputy head, its validating authority (a focal-point account of MIA)."""
    return FocalPointFactory(
        email="deputy.mia@example.org",
        first_name="Deputy",
        last_name="Head",
        agency=focal_point_mia.agency,
    )


@pytest.fixture
def reporting_world(
    administrator: User,
    coordinator: User,
    focal_point_mia: User,
    validator_mia: User,
    focal_point_gpo: User,
    ngo_member: User,
    public: AnonymousUser,
) -> ReportingWorld:
    return build_reporting_world(
        administrator=administrator,
        coordinator=coordinator,
        focal_point_mia=focal_point_mia,
        validator_mia=validator_mia,
        focal_point_gpo=focal_point_gpo,
        ngo_member=ngo_member,
        public=public,
    )
