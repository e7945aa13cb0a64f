"""Headers and markup of every page a person can reach: a Content-Security-Policy without 'unsafe-inline', and no
inline scripts, inline styles or inline event handlers the policy would block; cookies HttpOnly, SameSite, Secure.

The pages are crawled for four visitors (nobody, a learner, a parent, a teacher) with every lesson, quiz, demo and
activity of every track, the grown-ups' pages with their real ids, and the error pages.
"""
from __future__ import annotations

import re
import shutil

import pytest

from tests.tutor.test_access_matrix import become, build_world

TRACKS = ("ages-5-8", "ages-9-12", "ages-13-plus")
SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]*\s(on[a-z]+)\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


@pytest.fixture(scope="module")
def crawl_app(module_app):
    return module_app


def learner_pages(bank) -> list[str]:
    from tutor.services.demos import DEMO_IDS

    pages = ["/", "/chat/", "/activities/", "/demos/", "/practice/", "/auth/sign-in", "/auth/sign-up",
             "/auth/sign-up?role=teacher", "/auth/learner", "/auth/guest", "/no-such-page", "/learn/no-such-lesson"]
    for track in TRACKS:
        pages += [f"/learn?track={track}", f"/practice/?track={track}", f"/demos/?track={track}",
                  f"/activities/?track={track}", f"/activities/human-backprop?track={track}",
                  f"/activities/human-backprop/card?track={track}", f"/practice/review:{track}",
                  f"/practice/numbers:{track}"]
        pages += [f"/learn/{lesson.id}?track={track}" for lesson in bank.concepts(track)]
        pages += [f"/practice/{quiz.id}" for quiz in bank.quizzes(track)]
        if (ms := bank.matching_set(track)) is not None:
            pages.append(f"/practice/match:{ms.id}")
        pages += [f"/demos/{demo}?track={track}" for demo in DEMO_IDS]
    return pages


def grown_up_pages(world: dict, role: str) -> list[str]:
    if role == "parent":
        child = world["child"]
        return ["/parent/", "/parent/children/new", "/parent/claim", "/auth/password",
                f"/parent/children/{child}/edit", f"/parent/children/{child}/secret",
                f"/parent/children/{child}/remove"]
    classroom, member = world["classroom"], world["member"]
    return ["/teacher/", "/teacher/classes/new", f"/teacher/classes/{classroom}",
            f"/teacher/classes/{classroom}/join-sheet", f"/teacher/classes/{classroom}/edit",
            f"/teacher/classes/{classroom}/learners/{member}/remove"]


def problems(response) -> list[str]:
    found = []
    csp = response.headers.get("Content-Security-Policy", "")
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in csp.split(";") if d.strip())
    if not csp:
        found.append("no Content-Security-Policy")
    if "unsafe-inline" in csp or "unsafe-eval" in csp:
        found.append(f"CSP allows inline code: {csp}")
    if directives.get("script-src", directives.get("default-src")) not in ("'self'",):
        found.append(f"script-src is {directives.get('script-src')!r}")
    if "'none'" not in directives.get("object-src", "") or "frame-ancestors" not in directives:
        found.append("CSP without object-src 'none' or frame-ancestors")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        found.append("no X-Content-Type-Options: nosniff")
    html = response.get_data(as_text=True)
    for match in SCRIPT.finditer(html):
        attrs = match.group(1)
        if "src=" not in attrs and 'type="application/json"' not in attrs:
            found.append(f"inline script: {match.group(0)}")
    found += [f"inline event handler {m.group(1)}" for m in INLINE_HANDLER.finditer(html)]
    found += [f"style attribute: {m.group(0)[:80]}" for m in STYLE_ATTRIBUTE.finditer(html)]
    found += ["<style> element" for _ in STYLE_ELEMENT.finditer(html)]
    found += [f"javascript: URL {m.group(0)}" for m in JS_URL.finditer(html)]
    return found


@pytest.mark.parametrize("role", ["anonymous", "learner", "parent", "teacher"])
def test_every_page_has_a_strict_csp_and_no_inline_code(crawl_app, content_bank, role):
    world = build_world(crawl_app)
    client = crawl_app.test_client()
    become(client, role, world)
    pages = learner_pages(content_bank) if role in ("anonymous", "learner") else grown_up_pages(world, role)
    if role == "learner":
        pages += ["/auth/learner", f"/auth/learner/{world['child']}"]
    report, html_pages = {}, 0
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 404), f"{path} as {role}: {response.status_code}"
        assert response.mimetype == "text/html", path
        html_pages += 1
        if found := problems(response):
            report[path] = found
    assert html_pages >= len(pages)
    assert not report, "\n".join(f"{path}: {found}" for path, found in report.items())


def test_a_class_join_page_and_a_form_with_errors_are_clean_too(crawl_app):
    world = build_world(crawl_app)
    client = crawl_app.test_client()
    from tests.tutor.test_accounts import enter_code, post_form

    enter_code(client, world["class_code"])
    assert not problems(client.get("/auth/learner"))
    assert not problems(client.get("/auth/learner/join"))
    wrong = post_form(client, "/auth/sign-in", {"email": "nobody@example.org", "password": "wrong password"})
    assert wrong.status_code == 401 and not problems(wrong)


def test_json_and_images_carry_the_headers_too(crawl_app):
    client = crawl_app.test_client()
    for path in ("/api/health", "/api/openapi.json"):
        r = client.get(path)
        assert r.headers["X-Content-Type-Options"] == "nosniff" and "Content-Security-Policy" in r.headers
        assert r.headers["Cache-Control"] == "no-store"
    from engine.plots import PLOTS

    svg = client.get(f"/plots/{next(iter(PLOTS))}.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert "script-src 'self'" in svg.headers["Content-Security-Policy"]
    assert "<script" not in svg.get_data(as_text=True).lower()


# ---- cookies --------------------------------------------------------------------------------------------------------

def _set_cookies(response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


def test_production_cookies_are_httponly_samesite_and_secure(monkeypatch, tmp_path, content_bank, sqlite_template):
    from tutor import create_app

    db = tmp_path / "prod.db"
    shutil.copy(sqlite_template, db)
    app = create_app({"DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": "x" * 32, "CONTENT_BANK": content_bank})
    try:
        assert not app.debug and not app.testing
        client = app.test_client()
        r = client.get("/api/session", base_url="https://tutor.example")
        cookie = _set_cookies(r)["session"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie, cookie
        assert r.headers["Strict-Transport-Security"].startswith("max-age=")
        assert app.config["REMEMBER_COOKIE_HTTPONLY"] and app.config["REMEMBER_COOKIE_SECURE"]
        assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    finally:
        app.extensions["db_engine"].dispose()


def test_the_session_cookie_is_httponly_and_samesite_in_tests_too(crawl_app):
    r = crawl_app.test_client().get("/api/session")
    cookie = _set_cookies(r)["session"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("html, csp, expected", [
    ("<script>alert(1)</script>", "script-src 'self'", "inline script"),
    ('<button onclick="go()">', "script-src 'self'", "inline event handler onclick"),
    ('<p style="color:red">', "script-src 'self'", "style attribute"),
    ("<style>p{}</style>", "script-src 'self'", "<style> element"),
    ('<a href="javascript:go()">', "script-src 'self'", "javascript: URL"),
    ('<script src="/static/js/app.js" defer></script>', "script-src 'self' 'unsafe-inline'", "CSP allows inline"),
])
def test_the_page_checks_catch_what_they_look_for(html, csp, expected):
    from flask import Response

    response = Response(html, mimetype="text/html", headers={"Content-Security-Policy": csp})
    assert any(p.startswith(expected) for p in problems(response)), problems(response)
    clean = Response('<script type="application/json" id="d">{}</script><script src="/a.js"></script>',
                     mimetype="text/html", headers={"Content-Security-Policy": "default-src 'self'; script-src 'self'; "
                                                    "object-src 'none'; frame-ancestors 'none'",
                                                    "X-Content-Type-Options": "nosniff"})
    assert problems(clean) == []
