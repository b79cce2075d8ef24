"""The demo installation: the reconstructed Kazakh plan and one login per role."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

DEMO_PLAN_FILE = (
    Path(settings.BASE_DIR) / "rightsmonitor" / "plans" / "demo" / "kazakhstan_2022.yaml"
)
DEMO_PASSWORD = "rights-monitor-demo"
DEMO_COORDINATOR = "coordinator@demo.rightsmonitor.org"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    first_name: str
    last_name: str
    agency: str = ""
    organisation: str = ""
    note: str = ""  # printed next to the login


DEMO_LOGINS = [
    DemoLogin("admin@demo.rightsmonitor.org", "administrator", "Aida", "Admin"),
    DemoLogin(DEMO_COORDINATOR, "coordinator", "Nurlan", "Coordinator", agency="PA"),
    DemoLogin("focal.mia@demo.rightsmonitor.org", "focal_point", "Marat", "Focal", agency="MIA"),
    DemoLogin(
        "deputy.mia@demo.rightsmonitor.org",
        "focal_point",
        "Dana",
        "Deputy",
        agency="MIA",
        note="validating authority, signs off MIA's reports",
    ),
    DemoLogin("focal.gpo@demo.rightsmonitor.org", "focal_point", "Gani", "Focal", agency="GPO"),
    DemoLogin(
        "ngo@demo.rightsmonitor.org",
        "civil_society",
        "Zhanar",
        "Civil",
        organisation="Charter for Human Rights (demo)",
    ),
]
