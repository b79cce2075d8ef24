"""The demo installation: the reconstructed Kazakh plan and one login per role."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from rightsmonitor.accounts.models import Role

DEMO_PLAN_FILE = (
    Path(settings.BASE_DIR) / "rightsmonitor" / "plans" / "demo" / "kazakhstan_2022.yaml"
)
DEMO_PASSWORD = "rights-monitor-demo"
DEMO_COORDINATOR = "coordinator@demo.rightsmonitor.org"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: Role
    first_name: str
    last_name: str
    agency: str = ""
    organisation: str = ""
    note: str = ""  # printed next to the login


DEMO_LOGINS = [
    DemoLogin("admin@demo.rightsmonitor.org", Role.ADMINISTRATOR, "Aida", "Admin"),
    DemoLogin(DEMO_COORDINATOR, Role.COORDINATOR, "Nurlan", "Coordinator", agency="PA"),
    DemoLogin("focal.mia@demo.rightsmonitor.org", Role.FOCAL_POINT, "Marat", "Focal", agency="MIA"),
    DemoLogin(
        "deputy.mia@demo.rightsmonitor.org",
        Role.FOCAL_POINT,
        "Dana",
        "Deputy",
        agency="MIA",
        note="validating authority, signs off MIA's reports",
    ),
    DemoLogin("focal.gpo@demo.rightsmonitor.org", Role.FOCAL_POINT, "Gani", "Focal", agency="GPO"),
    DemoLogin(
        "ngo@demo.rightsmonitor.org",
        Role.CIVIL_SOCIETY,
        "Zhanar",
        "Civil",
        organisation="Charter for Human Rights (demo)",
    ),
]
