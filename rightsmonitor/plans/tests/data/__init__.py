"""Plan-table test files (regenerate with ``make_files.py``) and the register they refer to."""

from __future__ import annotations

import json
from pathlib import Path

from rightsmonitor.plans.models import Agency, FormOfCompletion, Theme

DATA_DIR = Path(__file__).resolve().parent


def load_reference() -> None:
    """Create the agencies, forms of completion and themes that the test files name."""
    reference = json.loads((DATA_DIR / "reference.json").read_text(encoding="utf-8"))
    for order, form in enumerate(reference["forms"], start=1):
        FormOfCompletion.objects.update_or_create(
            key=form.pop("key"), defaults={"order": order, **form}
        )
    for agency in reference["agencies"]:
        Agency.objects.update_or_create(abbreviation=agency.pop("abbreviation"), defaults=agency)
    themes: dict[str, Theme] = {}
    for item in reference["themes"]:
        key, parent = item.pop("key"), themes.get(item.pop("parent") or "")
        themes[key] = Theme.objects.update_or_create(key=key, defaults={"parent": parent, **item})[
            0
        ]
