"""The layers import downward only: engine uses NumPy and matplotlib, content never Flask or SQLAlchemy."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STDLIB = set(sys.stdlib_module_names)
WEB_OR_DB = {"flask", "flask_login", "flask_wtf", "flask_limiter", "sqlalchemy", "alembic", "werkzeug", "psycopg"}


def imported_top_modules(package: str) -> dict[str, set[str]]:
    """Top-level module names each file of a package imports (relative imports are inside the package)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def test_engine_imports_only_numpy_matplotlib_and_stdlib():
    allowed = STDLIB | {"numpy", "matplotlib", "engine", "__future__"}
    bad = {f: sorted(n - allowed) for f, n in imported_top_modules("engine").items() if n - allowed}
    assert not bad, f"engine/ must import only NumPy and matplotlib: {bad}"


@pytest.mark.parametrize("package", ["content", "engine"])
def test_only_tutor_imports_flask_and_sqlalchemy(package):
    bad = {f: sorted(n & WEB_OR_DB) for f, n in imported_top_modules(package).items() if n & WEB_OR_DB}
    assert not bad, f"{package}/ must not import web or database libraries: {bad}"


def test_lower_layers_do_not_import_the_app():
    for package in ("content", "engine"):
        bad = {f for f, n in imported_top_modules(package).items() if "tutor" in n}
        assert not bad, f"{package}/ imports tutor/: {sorted(bad)}"
    bad = {f for f, n in imported_top_modules("engine").items() if "content" in n}
    assert not bad, f"engine/ imports content/: {sorted(bad)}"


def test_engine_never_uses_pyplot():
    offenders = []
    for path in (ROOT / "engine").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, (ast.Import, ast.ImportFrom)) else []
            module = node.module or "" if isinstance(node, ast.ImportFrom) else ""
            if any("pyplot" in n for n in names) or "pyplot" in module:
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"use matplotlib.figure.Figure, not pyplot: {offenders}"
