"""The content bank imports only what the layer rule allows: the standard library, pydantic, yaml and markdown-it."""

import ast
import sys
from pathlib import Path

import content

ALLOWED_THIRD_PARTY = {"pydantic", "yaml", "markdown_it"}
FORBIDDEN = {"flask", "sqlalchemy", "engine", "tutor"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def modules():
    package = Path(content.__file__).parent
    return {str(p.relative_to(package)): imported_roots(p) for p in package.rglob("*.py")}


def test_content_never_imports_flask_sqlalchemy_or_the_engine():
    assert {name: sorted(roots & FORBIDDEN) for name, roots in modules().items() if roots & FORBIDDEN} == {}


def test_content_imports_only_the_standard_library_and_its_allowed_libraries():
    allowed = set(sys.stdlib_module_names) | ALLOWED_THIRD_PARTY | {"__future__", "content"}
    assert {name: sorted(roots - allowed) for name, roots in modules().items() if roots - allowed} == {}


def test_importing_content_does_not_pull_in_flask_or_sqlalchemy():
    import subprocess

    code = "import sys, content; content.load_bank(); print(sorted(m for m in ('flask', 'sqlalchemy', 'engine') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(content.__file__).parents[1], check=True)
    assert out.stdout.strip() == "[]"
