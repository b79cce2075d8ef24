"""The dependency rules of ARCHITECTURE.md, checked on the source files rather than trusted.

- No app imports ``api``: the API sits on top of the apps (only ``rightsmonitor/urls.py`` and
  the settings name it). A FilterSet that the portal shares with the API lives in its own app.
- No user role is compared as a string outside the access helpers (``*/access.py``) and
  ``core/roles.py``: code asks ``core.roles`` or uses ``accounts.models.Role``, templates the
  ``roles`` filters.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from rightsmonitor.accounts.models import Role
from rightsmonitor.core import roles

PACKAGE = Path(__file__).resolve().parents[2]  # rightsmonitor/
APPS = sorted(path.parent.name for path in PACKAGE.glob("*/apps.py"))
ROLE_VALUES = frozenset(role.value for role in Role)

# Files that may spell a role as a string (none: even a constraint names the enum).
ROLE_LITERALS_ALLOWED: set[str] = set()


def _source_files(app: str) -> Iterator[Path]:
    """The app's Python files, tests left out."""
    for path in sorted((PACKAGE / app).rglob("*.py")):
        if "tests" not in path.relative_to(PACKAGE).parts:
            yield path


def _module_name(path: Path) -> str:
    """rightsmonitor/portal/views/pages.py → rightsmonitor.portal.views.pages."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Every module that ``source`` (the module named ``module``) imports, relative imports
    resolved, ``from a import b`` as both ``a`` and ``a.b`` (``b`` may be a module)."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _imports_of(path: Path) -> set[str]:
    source = path.read_text(encoding="utf-8")
    return imported_modules(source, _module_name(path), is_package=path.name == "__init__.py")


def _is_api(module: str) -> bool:
    return module == "rightsmonitor.api" or module.startswith("rightsmonitor.api.")


@pytest.mark.parametrize("app", [app for app in APPS if app != "api"])
def test_no_app_imports_the_api(app: str) -> None:
    offending = {
        str(path.relative_to(PACKAGE)): sorted(filter(_is_api, _imports_of(path)))
        for path in _source_files(app)
    }
    assert {path: found for path, found in offending.items() if found} == {}


def test_the_portal_imports_nothing_from_the_api() -> None:
    """Said twice on purpose: the portal is where the API's filters used to be borrowed."""
    files = list(_source_files("portal"))
    assert files
    assert [str(p) for p in files if any(map(_is_api, _imports_of(p)))] == []


def test_the_import_check_sees_every_form_of_import() -> None:
    source = (
        "from ...api import plans\n"  # as in rightsmonitor/portal/views/pages.py
        "from ..api import fields\n"  # rightsmonitor.portal.api: not the API
        "from rightsmonitor import api\n"
        "import rightsmonitor.api.urls\n"
        "import rightsmonitor.apidocs\n"
    )
    found = imported_modules(source, "rightsmonitor.portal.views.pages")
    assert set(filter(_is_api, found)) == {
        "rightsmonitor.api",
        "rightsmonitor.api.plans",
        "rightsmonitor.api.urls",
    }


# Roles ----------------------------------------------------------------------------------------


def test_core_roles_spell_the_roles_as_accounts_does() -> None:
    spelled = {roles.ADMINISTRATOR, roles.COORDINATOR, roles.FOCAL_POINT, roles.CIVIL_SOCIETY}
    assert spelled == ROLE_VALUES
    assert {Role.ADMINISTRATOR, Role.COORDINATOR} == roles.STAFF_ROLE_VALUES


def _names_a_role(node: ast.AST) -> bool:
    """``x.role``, ``role`` or ``getattr(x, "role", ...)``."""
    if isinstance(node, ast.Attribute):
        return node.attr == "role"
    if isinstance(node, ast.Name):
        return node.id == "role"
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "getattr"
        and len(node.args) >= 2
        and isinstance(node.args[1], ast.Constant)
        and node.args[1].value == "role"
    )


def _is_role_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return node.value in ROLE_VALUES
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_is_role_literal(item) for item in node.elts)
    return False


def role_literals(source: str) -> list[int]:
    """Lines where a user role is compared with, or filtered by, a string."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(map(_names_a_role, operands)) and any(map(_is_role_literal, operands)):
                lines.append(node.lineno)
        elif isinstance(node, ast.keyword) and node.arg:
            field = node.arg.removesuffix("__in")
            if (field == "role" or field.endswith("__role")) and _is_role_literal(node.value):
                lines.append(node.lineno)
    return sorted(lines)


TEMPLATE_ROLE_TEST = re.compile(r"\.role\s*(?:==|!=|\s(?:not\s+)?in\s)")


def _python_sources() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts or path.name == "access.py":
            continue
        if path == PACKAGE / "core" / "roles.py":
            continue
        yield path


def test_no_role_compared_as_a_string_outside_the_access_helpers() -> None:
    found = {
        str(path.relative_to(PACKAGE)): role_literals(path.read_text(encoding="utf-8"))
        for path in _python_sources()
    }
    assert {
        path: lines for path, lines in found.items() if lines and path not in ROLE_LITERALS_ALLOWED
    } == {}


def test_no_template_compares_a_role() -> None:
    found = [
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("templates/**/*"))
        if path.is_file()
        and path.suffix in {".html", ".txt", ".xml"}
        and TEMPLATE_ROLE_TEST.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_role_check_sees_comparisons_and_filters() -> None:
    source = (
        'a = user.role == "coordinator"\n'
        'b = getattr(user, "role", None) != "focal_point"\n'
        'c = user.role in ("administrator", "other")\n'
        'd = User.objects.filter(role="civil_society")\n'
        'e = Q(invited_by__role__in=["coordinator"])\n'
        "f = user.role == Role.COORDINATOR\n"
        'g = ActionAgency.objects.filter(role="lead")\n'
    )
    assert role_literals(source) == [1, 2, 3, 4, 5]
