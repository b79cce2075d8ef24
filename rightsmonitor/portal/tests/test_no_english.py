"""No English on a Russian or Kazakh page of the demo, other than proper names.

Walks the public pages and the staff pages of the demo as the users who see them, in ru and
kk, through the test client. The visible text of each page (text nodes outside scripts and
styles, and the ``title``, ``aria-label``, ``placeholder`` and ``alt`` attributes) must hold no
English message of the interface catalogue and no English value of the demo data (a name,
a title, an agency abbreviation) that has a Russian or Kazakh form. Each failure names the page
and the text. The demo is loaded once for the module, in a transaction rolled back at its end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polib
import pytest
import yaml
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from rightsmonitor.accounts.models import User
from rightsmonitor.assessments.models import Assessment
from rightsmonitor.feedback.models import Case
from rightsmonitor.indicators.models import Indicator
from rightsmonitor.plans.models import Action, Plan
from rightsmonitor.portal.management.commands._demo import DEMO_COORDINATOR, DEMO_PLAN_FILE
from rightsmonitor.reporting.models import ProgressReport

LANGUAGES = ("ru", "kk")
FOCAL = "focal.mia@demo.rightsmonitor.org"
ADMIN = "admin@demo.rightsmonitor.org"
NGO = "ngo@demo.rightsmonitor.org"
ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}

# Proper names and codes that are the same in every language.
ALLOWED = {"UPR", "API", "CSV", "JSON", "XLSX", "DOCX", "PDF", "SDMX", "Open SDG", "OHCHR"}


# Elements whose text is not prose: scripts, styles, and machine names (column keys in <code>).
SKIPPED = {"script", "style", "template", "code"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Visible(HTMLParser):
    """The texts a reader sees or hears in the page's language: text nodes and a few
    attributes, leaving out elements marked as another language (``lang="en"`` on a fallback
    text or on the language switcher's "English"), which are English on purpose."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # open elements, and whether each hides text
        self.language = language

    @property
    def _hidden(self) -> bool:
        return any(hides for _tag, hides in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        other_language = bool(values.get("lang")) and values.get("lang") != self.language
        hides = tag in SKIPPED or (other_language and tag != "html")
        if not (self._hidden or hides):
            self.texts += [v for name, v in attrs if name in ATTRIBUTES and v]
        if tag not in VOID:
            self._stack.append((tag, hides))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self._hidden:
            self.texts += [v for name, v in attrs if name in ATTRIBUTES and v]

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.texts.append(data)


def visible_texts(html: str, language: str = "ru") -> list[str]:
    parser = _Visible(language)
    parser.feed(html)
    texts = (" ".join(text.split()) for text in parser.texts)
    return [text for text in texts if text]


def _english_messages() -> set[str]:
    """The catalogue's English messages that Russian writes differently, as a reader sees them."""
    po = polib.pofile(
        str(Path(settings.BASE_DIR) / "rightsmonitor/locale/ru/LC_MESSAGES/django.po")
    )
    found = set()
    for entry in po:
        if entry.obsolete or entry.msgid_plural or "%" in entry.msgid or "{" in entry.msgid:
            continue
        text = " ".join(re.sub(r"<[^>]+>", "", entry.msgid).split())
        if entry.msgstr.strip() == entry.msgid.strip() or not re.search(r"[A-Za-z]{3}", text):
            continue
        found.add(text)
    return found


def _demo_values(node: Any, found: set[str]) -> set[str]:
    """English values of the demo plan that have a Russian form: {en: ..., ru: ...} pairs and
    the agencies' English abbreviations."""
    if isinstance(node, dict):
        english, russian = node.get("en"), node.get("ru")
        if (
            isinstance(english, str)
            and isinstance(russian, str)
            and english.strip() != russian.strip()
        ):
            found.add(" ".join(english.split()))
        if "abbreviation" in node and node.get("abbreviations", {}).get("ru") not in (
            None,
            node["abbreviation"],
        ):
            found.add(node["abbreviation"])
        for value in node.values():
            _demo_values(value, found)
    elif isinstance(node, list):
        for value in node:
            _demo_values(value, found)
    return found


ENGLISH = _english_messages() | _demo_values(yaml.safe_load(DEMO_PLAN_FILE.read_text()), set())


def english_in(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        candidate = text.strip(" :·–—,.()")
        if candidate in ALLOWED or "@" in candidate:
            continue
        if text in ENGLISH or candidate in ENGLISH:
            found.append(text)
    return found


@pytest.fixture
def demo(demo_data, db) -> None:  # type: ignore[no-untyped-def]
    return None


@dataclass(frozen=True)
class Page:
    who: str  # "" for the public, else a demo login
    name: str
    args: tuple[Any, ...] = ()
    query: str = ""


def _pages() -> list[Page]:
    plan = Plan.objects.get(code=yaml.safe_load(DEMO_PLAN_FILE.read_text())["plan"]["code"])
    action = Action.objects.filter(plan=plan).order_by("section__order", "order").first()
    assert action is not None
    published = Assessment.objects.filter(published_at__isnull=False).first()
    report = ProgressReport.objects.filter(agency__abbreviation="MIA").order_by("pk").first()
    indicator = Indicator.objects.order_by("pk").first()
    case = Case.objects.order_by("pk").first()
    pages = [
        Page("", "portal:home"),
        Page("", "portal:plan_list"),
        Page("", "portal:plan", (plan.code,)),
        Page("", "portal:dashboard", (plan.code,)),
        Page("", "portal:action", (plan.code, action.number)),
        Page("", "portal:agency_list"),
        Page("", "portal:agency", ("MIA",)),
        Page("", "assessments:list"),
        Page("", "indicators:overview"),
        Page("", "recommendations:search"),
        Page("", "portal:search", query="q=torture"),
        Page("", "portal:data"),
        Page("", "feedback:submit"),
        Page("", "accounts:login"),
        Page(FOCAL, "reporting:my_tasks"),
        Page(DEMO_COORDINATOR, "reporting:dashboard"),
        Page(DEMO_COORDINATOR, "reporting:action_monitoring", (action.pk,)),
        Page(DEMO_COORDINATOR, "manage:dashboard"),
        Page(DEMO_COORDINATOR, "participation:moderation"),
        Page(DEMO_COORDINATOR, "feedback:case_list"),
        Page(ADMIN, "accounts:user_list"),
        Page(FOCAL, "accounts:profile"),
        Page(NGO, "accounts:profile"),
    ]
    if published is not None:
        pages.append(Page("", "assessments:detail", (published.pk,)))
        pages.append(Page(DEMO_COORDINATOR, "assessments:edit", (published.pk,)))
    if report is not None:
        pages.append(Page(FOCAL, "reporting:report", (report.pk,)))
        pages.append(Page(DEMO_COORDINATOR, "reporting:report", (report.pk,)))
    if indicator is not None:
        pages.append(Page("", "indicators:detail", (indicator.code,)))
    if case is not None:
        pages.append(Page(DEMO_COORDINATOR, "feedback:case", (case.pk,)))
    return pages


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_on_russian_and_kazakh_pages(demo: None, language: str) -> None:
    clients: dict[str, Client] = {}
    failures = []
    for page in _pages():
        if page.who not in clients:
            clients[page.who] = Client()
            if page.who:
                clients[page.who].force_login(User.objects.get(email=page.who))
        with translation.override(language):
            url = reverse(page.name, args=page.args)
        if page.query:
            url = f"{url}?{page.query}"
        response = clients[page.who].get(url)
        assert response.status_code == 200, (
            f"{url} as {page.who or 'the public'}: {response.status_code}"
        )
        failures += [
            f"{url}: {text!r}"
            for text in english_in(visible_texts(response.content.decode(), language))
        ]
    assert not failures, "English on the page:\n" + "\n".join(dict.fromkeys(failures))


def test_the_checker_finds_english() -> None:
    html = (
        '<p>Plans</p><script>var a = "Plans";</script><input placeholder="Search"><p>UPR</p>'
        '<a lang="en" href="/">English</a><div lang="en"><p>Plans</p></div><code>title</code>'
    )
    assert english_in(visible_texts(html, "ru")) == ["Plans", "Search"]
