"""Browser tests: a real (Debian) Chromium driven by Playwright against the app served from this process.

See /work/shared/BROWSER.md. What this file provides to every test under tests/browser/:

- every test is marked ``browser`` (``pytest -m "not browser"`` leaves them out);
- ``browser_type_launch_args``: Playwright launches /usr/bin/chromium, kept off the network;
- ``live_server`` (session): the app on a fresh, migrated SQLite database, served by werkzeug on a free port of
  127.0.0.1; pytest-playwright's ``base_url`` is overridden with it, so ``page.goto("/")`` works;
- ``axe``: ``axe(page, name)`` (also known as ``check_a11y``) injects axe-core, fails on every ``serious`` or
  ``critical`` violation and saves ``screenshots/<name>.png``.

Chromium comes from ``apt-get install chromium`` and axe-core from npm into ``.cache/node``; ``bin/test`` installs
both. Under plain ``pytest`` without them the browser tests are skipped with the reason, except when the ``CI``
environment variable is set: then a missing Chromium or axe-core is a failure, never a silent skip.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from live import serve_app
from playwright.sync_api import Error as PlaywrightError
from viewports import SIZES

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = REPO_ROOT / ".cache" / "node" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO_ROOT / "screenshots"
HERE = Path(__file__).resolve().parent

IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
INSTALL_HINT = "run bin/test, which installs it"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]


def _missing_chromium() -> str | None:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return None
    return f"Chromium not found at {CHROMIUM} ({INSTALL_HINT}: apt-get install chromium chromium-driver fonts-liberation)"


def _missing_axe() -> str | None:
    if AXE_JS.is_file():
        return None
    return f"axe-core not found at {AXE_JS.relative_to(REPO_ROOT)} ({INSTALL_HINT}: npm install --prefix .cache/node axe-core)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in tests/browser as ``browser``; skip them all when Chromium is missing (outside CI)."""
    missing = _missing_chromium()
    for item in items:
        if HERE not in Path(str(item.path)).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if missing and not IN_CI:
            item.add_marker(pytest.mark.skip(reason=missing))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    missing = _missing_chromium()
    if missing:  # only reached in CI: outside CI these tests were skipped at collection
        pytest.fail(f"{missing}; CI is set, so browser tests fail instead of skipping", pytrace=False)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a freshly migrated SQLite database, served on 127.0.0.1:<free port>; yields the base URL."""
    with serve_app(tmp_path_factory.mktemp("browser-app")) as base:
        yield base


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    """pytest-playwright passes this to every browser context: ``page.goto("/")`` opens the live server."""
    return live_server


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [", ".join(map(str, node.get("target", []))) for node in v.get("nodes", [])[:3]]
        more = len(v.get("nodes", [])) - len(targets)
        where = "; ".join(targets) + (f"; and {more} more" if more > 0 else "")
        lines.append(f"- [{v.get('impact')}] {v.get('id')}: {v.get('help')} at {where} ({v.get('helpUrl', '')})")
    return "\n".join(lines)


@pytest.fixture
def axe() -> Callable[..., list[dict]]:
    """``axe(page, name)``: screenshot to screenshots/<name>.png, then fail on serious/critical axe-core violations.

    Returns the list of all violations (of any impact) for tests that want to look further.
    """
    missing = _missing_axe()
    if missing:
        if IN_CI:
            pytest.fail(f"{missing}; CI is set, so accessibility checks fail instead of skipping", pytrace=False)
        pytest.skip(missing)

    def check_a11y(page, name: str) -> list[dict]:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            try:
                page.add_script_tag(path=str(AXE_JS))
            except PlaywrightError as error:
                # The app's Content-Security-Policy (script-src 'self') blocks the inline <script> that
                # add_script_tag writes. Evaluating the same source through the DevTools protocol is not subject
                # to the page's CSP, so the app's CSP stays enforced for everything else the test does.
                if "Content Security Policy" not in str(error):
                    raise
                page.evaluate(AXE_JS.read_text(encoding="utf-8"))
            assert page.evaluate("() => typeof window.axe !== 'undefined'"), "axe-core did not load into the page"
        results = page.evaluate("async () => await window.axe.run(document)")
        violations = results.get("violations", [])
        bad = [v for v in violations if v.get("impact") in ("serious", "critical")]
        if bad:
            pytest.fail(
                f"axe-core found {len(bad)} serious/critical accessibility violation(s) on {name!r} "
                f"({page.url}); screenshot: screenshots/{name}.png\n{_describe(bad)}",
                pytrace=False,
            )
        return violations

    return check_a11y


@pytest.fixture
def check_a11y(axe: Callable[..., list[dict]]) -> Callable[..., list[dict]]:
    """The same helper as ``axe``, under the name the tests may prefer."""
    return axe


@pytest.fixture
def open_page(browser, browser_context_args):
    """open_page(path, size="desktop", init_script=None, **context_options): a page in a fresh context of that size
    (and any other Playwright context options, e.g. reduced_motion="reduce"), loaded and idle, with `page.errors`
    collecting uncaught JavaScript errors."""
    contexts = []

    def open_(path: str, size: str = "desktop", init_script: str | None = None, **context_options):
        context = browser.new_context(**{**browser_context_args, **SIZES[size], **context_options})
        if init_script:
            context.add_init_script(init_script)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.errors = errors  # type: ignore[attr-defined]
        response = page.goto(path)
        assert response is not None and response.ok
        page.wait_for_load_state("networkidle")
        return page

    yield open_
    for context in contexts:
        context.close()
