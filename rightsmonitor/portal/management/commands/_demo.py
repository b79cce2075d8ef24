"""The demo installation: the reconstructed Kazakh plan and one login per role."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

DEMO_PLAN_FILE = (
    Path(settings.BASE_DIR) / "rightsmonitor" / "plans" / "demo" / "kazakhstan_2022.yaml"
)
DEMO_PASSWORD = "rights-monitor-demo"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    first_name: str
    last_name: str
    agency: str = ""
    organisation: str = ""


DEMO_LOGINS = [
    DemoLogin("admin@demo.rightsmonitor.org", "administrator", "Aida", "Admin"),
    DemoLogin(
        "coordinator@demo.rightsmonitor.org", "coordinator", "Nurlan", "Coordinator", agency="PA"
    ),
    DemoLogin("focal.mia@demo.rightsmonitor.org", "focal_point", "Marat", "Focal", agency="MIA"),
    DemoLogin(
        "ngo@demo.rightsmonitor.org",
        "civil_society",
        "Zhanar",
        "Civil",
        organisation="Charter for Human Rights (demo)",
    ),
]
