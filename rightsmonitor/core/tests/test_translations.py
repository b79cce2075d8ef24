"""Every interface string is translated into Russian and Kazakh, and the .mo files are current."""

from __future__ import annotations

import gettext
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client

LOCALE = Path(settings.BASE_DIR) / "rightsmonitor" / "locale"


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_catalogue_is_complete_and_compiled(language: str) -> None:
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"Untranslated in {language}: {untranslated[:10]}"
    assert not fuzzy, f"Fuzzy in {language}: {fuzzy[:10]}"
    compiled = gettext.GNUTranslations((LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb"))
    for entry in po.translated_entries():
        if entry.msgid_plural or entry.msgctxt:
            continue
        assert compiled.gettext(entry.msgid) == entry.msgstr, (
            f"django.mo is out of date for {entry.msgid!r}: run `make messages`"
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "login", "plans"), [("/ru", "Войти", "Планы"), ("/kk", "Кіру", "Жоспарлар")]
)
def test_interface_is_translated(client: Client, prefix: str, login: str, plans: str) -> None:
    html = client.get(f"{prefix}/").content.decode()
    assert login in html
    assert plans in html
