"""Every importer and every upload page refuses every hostile file: clearly, in under five
seconds, without the memory growing by 200 MB, and without a row written anywhere.

The corpus (``hostile_files``) holds zip bombs with an honest and with a lying directory, a
sheet of 1 GB of empty rows, 400 MB of shared strings, a cell at row 300,000,000, external
entities, billion laughs, a truncated workbook, a CSV of 200,000 columns, a 50 MB line, random
bytes named .xlsx, a Word zip bomb and an HTML table of absurd spans.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from rightsmonitor.conftest import client_for
from rightsmonitor.core.tests.hostile_files import CORPUS, build_corpus
from rightsmonitor.core.tests.measure import MB, peak_memory_growth
from rightsmonitor.plans.models import Plan
from rightsmonitor.plans.tests.factories import PlanFactory
from rightsmonitor.recommendations.models import ImportRun

pytestmark = pytest.mark.django_db

MAX_SECONDS = 5
MAX_GROWTH = 200 * MB
# Words that tell the user what is wrong with the file (any one of them, in the message).
CLEAR = (
    "unsafe",
    "damaged",
    "not a valid",
    "not a complete",
    "not a readable",
    "not an Excel",
    "not a UHRI",
    "not a CSV",
    "not a ZIP",
    "outside the rows",
    "columns",
    "Line 1 is longer",
    "larger than",
    "files of at most",
    "encoding",
    "header",
    "Required column",
    "Cannot read",
    "begins with",
    "is empty",
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_corpus(tmp_path_factory.mktemp("hostile"))


@pytest.fixture
def plan(db: Any) -> Plan:
    return PlanFactory(code="target", title_en="Target plan")


# Logging in writes a session; the recommendations command records each run, a refused one
# too (as FAILED, with the message: checked below), which is the log of the refusal, not data.
NOT_DATA = {"sessions.Session", "recommendations.ImportRun"}


def row_counts() -> dict[str, int]:
    """Rows of every table of every app, but for the logs in ``NOT_DATA``."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label not in NOT_DATA and not model._meta.proxy
    }


def run_command(*args: str) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command(*args, stdout=io.StringIO(), stderr=err)
    return f"{err.getvalue()}\n{refused.value}"


COMMANDS: dict[str, Callable[[Path], list[str]]] = {
    "import_plan": lambda path: ["import_plan", str(path), "--plan", "target"],
    "import_plan --create": lambda path: [
        *("import_plan", str(path), "--plan", "new", "--create"),
        *("--title", "New", "--country", "KAZ"),
    ],
    "import_observations": lambda path: ["import_observations", str(path)],
    "import_observations opensdg-xlsx": lambda path: [
        *("import_observations", str(path), "--format", "opensdg-xlsx"),
    ],
    "import_observations sdmx-csv": lambda path: [
        *("import_observations", str(path), "--format", "sdmx-csv"),
    ],
    **{
        f"import_recommendations {format}": (
            lambda path, format=format: [
                *("import_recommendations", str(path), "--format", format, "--body", "CAT"),
            ]
        )
        for format in ("uhri-xlsx", "uhri-json", "uprinfo-csv", "csv")
    },
}


def upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


PAGES: dict[str, Callable[[Path], tuple[str, dict[str, Any]]]] = {
    "plan import": lambda path: (
        "/manage/plans/target/import/",
        {"file": upload(path), "language": "en"},
    ),
    "plan import, dry run": lambda path: (
        "/manage/plans/target/import/",
        {"file": upload(path), "language": "en", "dry_run": "on"},
    ),
    "new plan from a table": lambda path: (
        "/manage/import/",
        {"code": "new", "title": "New", "country": "KAZ", "file": upload(path), "language": "en"},
    ),
    "indicator values": lambda path: ("/indicators/upload/", {"file": upload(path)}),
    **{
        f"recommendations {format}": (
            lambda path, format=format: (
                "/recommendations/import/",
                {"file": upload(path), "format": format, "body": "CAT"},
            )
        )
        for format in ("uhri-xlsx", "uhri-json", "uprinfo-csv", "csv")
    },
}


def refused_within_limits(attempt: Callable[[], str]) -> Iterator[str]:
    before = row_counts()
    started = time.monotonic()
    with peak_memory_growth() as growth:
        message = attempt()
    elapsed = time.monotonic() - started
    assert elapsed < MAX_SECONDS, f"took {elapsed:.1f} s"
    assert growth[0] < MAX_GROWTH, f"peak memory grew by {growth[0] / MB:.0f} MB"
    assert row_counts() == before
    yield message


@pytest.mark.parametrize("label", list(CORPUS))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_refuses_every_hostile_file(
    corpus: dict[str, Path], plan: Plan, administrator: Any, label: str, command: str
) -> None:
    args = COMMANDS[command](corpus[label])
    for message in refused_within_limits(lambda: run_command(*args)):
        assert any(word in message for word in CLEAR), message
    if command.startswith("import_recommendations"):
        assert set(ImportRun.objects.values_list("status", flat=True)) == {"failed"}


@pytest.mark.parametrize("label", list(CORPUS))
@pytest.mark.parametrize("page", list(PAGES))
def test_every_upload_page_refuses_every_hostile_file(
    corpus: dict[str, Path], plan: Plan, administrator: Any, label: str, page: str
) -> None:
    url, data = PAGES[page](corpus[label])
    client: Client = client_for(administrator)

    def post() -> str:
        response = client.post(url, data)
        assert response.status_code == 400, (response.status_code, response.content[:500])
        return response.content.decode()

    for text in refused_within_limits(post):
        assert any(word in text for word in CLEAR), text[-3000:]
