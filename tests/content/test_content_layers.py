"""The content bank imports only what the layer rule allows: never Flask, SQLAlchemy or the engine."""

import ast
from pathlib import Path

import content

FORBIDDEN = {"flask", "sqlalchemy", "engine", "tutor", "numpy", "matplotlib"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_content_imports_no_web_database_or_engine_code():
    package = Path(content.__file__).parent
    offenders = {
        str(p.relative_to(package)): sorted(imported_roots(p) & FORBIDDEN)
        for p in package.rglob("*.py")
        if imported_roots(p) & FORBIDDEN
    }
    assert offenders == {}
