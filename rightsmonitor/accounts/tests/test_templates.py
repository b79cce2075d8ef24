"""The Content-Security-Policy allows no inline scripts or styles: keep the templates clean."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "rightsmonitor" / "templates" / "accounts"


def test_account_templates_have_no_inline_scripts_or_styles() -> None:
    files = sorted(TEMPLATES.rglob("*.html"))
    assert files
    for path in files:
        text = path.read_text()
        assert "style=" not in text, path
        assert "<script" not in text, path
        assert not re.search(r"\son[a-z]+\s*=", text), path  # onclick= and friends
