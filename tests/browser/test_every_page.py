"""Every HTML page of the app, as every kind of visitor who can see it, at desktop (1280×800) and phone (390×844) sizes:
no serious or critical axe-core violation, exactly one <h1>, a <main> landmark, <html lang>, no sideways scrolling on
a phone, no JavaScript or console errors, and no request to any host but 127.0.0.1.

The list of pages is checked against the app's url_map: a new GET route that is neither visited here nor named in
``NOT_HTML`` (with the reason) fails ``test_every_html_route_is_covered``, so future pages cannot skip the scan.

Speed: one server with the demo family and class, one browser context per visitor and size, one tab reused for all of
that visitor's pages; each page is screenshotted (viewport only) to screenshots/every-page/ for a person to look at.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect
from viewports import SIZES

from content import load_bank
from tests.browser.conftest import AXE_JS, IN_CI, SCREENSHOTS, _describe, _missing_axe

BANK = load_bank()
TRACKS = [t.id for t in BANK.tracks]

ROLES = ("anonymous", "guest", "learner-ages-5-8", "learner-ages-9-12", "learner-ages-13-plus", "parent", "teacher")

# GET routes that never answer with an HTML page, and why. Every other GET route must be visited below.
NOT_HTML = {
    "static": "CSS, JavaScript and images",
    "media.plot_svg": "an SVG picture (its text description is in the page that shows it)",
    "parent.export_csv": "a CSV download of a child's data",
    "parent.export_json": "a JSON download of a child's data",
    "teacher.export_grid": "a CSV download of the mastery grid",
    "teacher.export_items": "a CSV download of the item analysis",
}
NOT_HTML_PREFIXES = ("api.",)  # the JSON API: documented and fuzzed through its OpenAPI document instead

LOCAL_SCHEMES = {"data", "blob", "about"}

# Checked in the page: the structure every page shares. Returns a list of problems (empty when fine).
STRUCTURE = """() => {
  const problems = [];
  const h1 = document.querySelectorAll('h1').length;
  if (h1 !== 1) problems.push(`${h1} <h1> elements (want exactly one)`);
  const mains = document.querySelectorAll('main, [role=main]').length;
  if (mains !== 1) problems.push(`${mains} <main> landmarks (want exactly one)`);
  const lang = document.documentElement.getAttribute('lang') || '';
  if (!lang.trim()) problems.push('<html> has no lang');
  if (!document.title.trim()) problems.push('the page has no <title>');
  return problems;
}"""
# A phone zooms out to fit a page that is too wide, which widens innerWidth too: compare with the screen's width as well.
OVERFLOW = "() => [document.scrollingElement.scrollWidth, Math.min(window.innerWidth, screen.width)]"
# Let the page's own scripts finish what they started at load (quiz questions, demo numbers) before scanning.
SETTLE = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r())))"


# ---- the site, with real people in it ------------------------------------------------------------------------------

@dataclass
class Site:
    url: str
    family_code: str
    class_code: str
    classroom_id: int
    children: dict[str, int]          # track -> learner id of a family child on it
    child_pins: dict[str, str]        # track -> that child's PIN
    class_member: int                 # a learner in the class, with a picture password
    quizzes: dict[str, list[str]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    """The app on its own database holding the demo family (plus a 13+ child) and the demo class, served on
    127.0.0.1. The family's 9–12 child has also joined the class, so the class's lessons-to-do show for them."""
    from sqlalchemy import select
    from werkzeug.serving import make_server

    import tutor
    from tutor.db import get_db, upgrade_database
    from tutor.models import Account, Classroom
    from tutor.services import accounts, classes
    from tutor.services.demo import DEMO_CHILDREN, DEMO_PARENT, DEMO_TEACHER, load_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('every-page')}/site.db"
    upgrade_database(url)
    app = tutor.create_app({"DATABASE_URL": url, "SECRET_KEY": "browser-tests", "TESTING": True,
                            "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False})
    with app.app_context():
        db = get_db()
        load_demo(db)
        parent = db.scalar(select(Account).where(Account.email == DEMO_PARENT[0]))
        teacher = db.scalar(select(Account).where(Account.email == DEMO_TEACHER[0]))
        accounts.add_child(db, parent, nickname="Zoe", avatar="owl", track="ages-13-plus", pin="3456")
        classroom = db.scalar(select(Classroom).where(Classroom.teacher_id == teacher.id))
        pins = {track: pin for _, _, track, pin in DEMO_CHILDREN} | {"ages-13-plus": "3456"}
        children = {child.track: child.id for child in parent.children}
        leo = next(c for c in parent.children if c.track == "ages-9-12")
        classes.join_class(db, classroom.join_code, nickname=leo.nickname, pictures=None, current=leo)
        member = next(m.learner for m in classroom.memberships if m.learner.parent_id is None)
        info = {"family_code": parent.family_code, "class_code": classroom.join_code, "classroom_id": classroom.id,
                    "children": children, "child_pins": pins, "class_member": member.id}
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="every-page-server", daemon=True)
    thread.start()
    try:
        yield Site(url=f"http://127.0.0.1:{server.server_port}", **info)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# ---- which pages each visitor sees ---------------------------------------------------------------------------------

@dataclass
class Visit:
    endpoint: str
    path: str
    status: int = 200
    before: Callable[[Page, Site], None] | None = None  # what a person does first to reach the page
    name: str = ""


# Where a second visitor on the same track sees something of their own (the menu, their name, their lessons to do).
OWN_VIEW = {"learn.home", "learn.lessons", "learn.lesson", "chat.page", "quiz.index", "demos.index",
            "activities.index"}


def own_view(pages: list[Visit]) -> list[Visit]:
    """The first page of each endpoint in OWN_VIEW: each track's every page is scanned by one visitor already."""
    seen: set[str] = set()
    kept = []
    for visit in pages:
        if visit.endpoint in OWN_VIEW and visit.endpoint not in seen:
            seen.add(visit.endpoint)
            kept.append(visit)
    return kept


def public_pages(track: str, *, query: str = "") -> list[Visit]:
    """What anyone can open, for one track. ``query`` (``?track=...``) for visitors without a track of their own."""
    quizzes = [q.id for q in BANK.quizzes(track)]
    lessons = [c.id for c in BANK.concepts(track)]
    from tutor.services.demos import DEMO_IDS

    pages = [
        Visit("learn.home", "/"),
        Visit("learn.lessons", "/learn" + query),
        # the first lesson, one in the middle (demos, worked examples) and the last
        *[Visit("learn.lesson", f"/learn/{c}{query}") for c in dict.fromkeys(
            [lessons[0], lessons[len(lessons) // 2], lessons[-1]])],
        Visit("chat.page", "/chat/"),
        Visit("demos.index", "/demos/" + query),
        *[Visit("demos.demo", f"/demos/{d}{query}") for d in DEMO_IDS],
        Visit("activities.index", "/activities/" + query),
        Visit("activities.human_backprop", "/activities/human-backprop" + query),
        Visit("activities.human_backprop_card", "/activities/human-backprop/card" + query),
        Visit("quiz.index", "/practice/" + query),
        Visit("quiz.take", f"/practice/{quizzes[0]}"),
        Visit("quiz.form", f"/practice/{quizzes[-1]}/form"),
        Visit("quiz.take", f"/practice/match:{BANK.matching_set(track).id}", name="matching"),
        Visit("auth.sign_in", "/auth/sign-in"),
        Visit("auth.sign_up", "/auth/sign-up"),
    ]
    numbers = f"numbers:{track}"
    if any(q["id"] == numbers for q in _quiz_list(track)):
        pages.append(Visit("quiz.take", f"/practice/{numbers}", name="numbers"))
    return pages


def _quiz_list(track: str) -> list[dict]:
    from tutor.services import practice

    return practice.quiz_list(BANK, track)


def enter_code(code: str) -> Callable[[Page, Site], None]:
    def before(page: Page, site: Site) -> None:
        page.goto("/auth/learner")
        forget = page.get_by_role("button", name="Use a different code")
        if forget.count():
            forget.first.click()
        page.get_by_label("Code").fill(code)
        page.get_by_role("button", name="Next").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Who are you?")
    return before


def pages_for(role: str, site: Site) -> list[Visit]:
    cid, child = site.classroom_id, site.children["ages-5-8"]
    if role == "anonymous":
        return [
            *public_pages("ages-9-12", query="?track=ages-9-12"),
            Visit("quiz.index", "/practice/", name="no-track"),
            Visit("auth.guest", "/auth/guest"),
            Visit("auth.learner_sign_in", "/auth/learner", name="code"),
            Visit("auth.learner_sign_in", "/auth/learner", name="class-pick",
                  before=lambda p, s: enter_code(s.class_code)(p, s)),
            Visit("auth.learner_secret", f"/auth/learner/{site.class_member}", name="pictures"),
            Visit("auth.join_class", "/auth/learner/join"),
            Visit("auth.learner_sign_in", "/auth/learner", name="family-pick",
                  before=lambda p, s: enter_code(s.family_code)(p, s)),
            Visit("auth.learner_secret", f"/auth/learner/{child}", name="pin"),
            Visit("error", "/learn/no-such-lesson", status=404, name="not-found"),
        ]
    if role == "guest":  # the 5–8 track's pages are all scanned for its signed-in learner
        return [*own_view(public_pages("ages-5-8")), Visit("auth.guest", "/auth/guest", name="claim-code")]
    if role == "learner-ages-9-12":  # the 9–12 track's pages are all scanned for the anonymous visitor
        return [*own_view(public_pages("ages-9-12")), Visit("auth.guest", "/auth/guest")]
    if role.startswith("learner-"):
        return [*public_pages(role.removeprefix("learner-")), Visit("auth.guest", "/auth/guest")]
    if role == "parent":
        kid = f"/parent/children/{child}"
        return [
            Visit("parent.dashboard", "/parent/"),
            Visit("parent.add_child", "/parent/children/new"),
            Visit("parent.claim_guest", "/parent/claim"),
            Visit("parent.plan", f"{kid}/plan"),
            Visit("parent.week", f"{kid}/week"),
            Visit("parent.data", f"{kid}/data"),
            Visit("parent.edit_child", f"{kid}/edit"),
            Visit("parent.reset_secret", f"{kid}/secret"),
            Visit("parent.remove_child", f"{kid}/remove"),
            Visit("parent.delete_data", f"{kid}/delete-data"),
            Visit("auth.change_password", "/auth/password"),
            *own_view(public_pages("ages-5-8", query="?track=ages-5-8"))[:3],
            Visit("error", "/parent/children/999999/plan", status=404, name="not-found"),
        ]
    if role == "teacher":
        cls = f"/teacher/classes/{cid}"
        return [
            Visit("teacher.dashboard", "/teacher/"),
            Visit("teacher.new_class", "/teacher/classes/new"),
            Visit("teacher.class_page", cls),
            Visit("teacher.class_dashboard", f"{cls}/dashboard"),
            Visit("teacher.edit_class", f"{cls}/edit"),
            Visit("teacher.join_sheet", f"{cls}/join-sheet"),
            Visit("teacher.regenerate_code", f"{cls}/code"),
            Visit("teacher.sign_in_cards", f"{cls}/sign-in-cards"),
            Visit("teacher.learner_page", f"{cls}/learners/{site.class_member}"),
            Visit("teacher.reset_pictures", f"{cls}/learners/{site.class_member}/pictures"),
            Visit("teacher.remove_learner", f"{cls}/learners/{site.class_member}/remove"),
            Visit("teacher.lessons_to_do", f"{cls}/lessons"),
            Visit("teacher.worksheets_page", f"{cls}/worksheets"),
            Visit("teacher.matching_worksheet", f"{cls}/worksheets/matching"),
            Visit("teacher.numeric_worksheet", f"{cls}/worksheets/numeric"),
            Visit("auth.change_password", "/auth/password"),
            *own_view(public_pages("ages-9-12", query="?track=ages-9-12"))[:3],
        ]
    raise ValueError(role)


# ---- becoming each visitor -----------------------------------------------------------------------------------------

def sign_in_grown_up(page: Page, email: str, password: str, home: str) -> None:
    page.goto("/auth/sign-in")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(home))


def become(page: Page, role: str, site: Site) -> None:
    from tutor.services.demo import DEMO_PARENT, DEMO_TEACHER

    if role == "guest":
        page.goto("/")
        page.locator("button.track-button[value='ages-5-8']").click()
        expect(page).to_have_url(re.compile(r"/learn$"))
        # A guest learner is made by the first thing worth keeping: progress in a lesson.
        concept = BANK.concepts("ages-5-8")[0].id
        # The URL changes when the new page is committed, before its deferred scripts have run.
        page.wait_for_function("() => typeof window.tutorApi === 'function'")
        page.evaluate("c => window.tutorApi('POST', `/api/lessons/${c}/progress`, "
                      "{track: 'ages-5-8', messages_seen: 1})", concept)
    elif role.startswith("learner-"):
        track = role.removeprefix("learner-")
        enter_code(site.family_code)(page, site)
        page.locator(f"a[href='/auth/learner/{site.children[track]}']").click()
        # pictures.js shows the number pad when the page's scripts run, which moves "Sign in" down: a click aimed
        # before that lands on a digit of the pad and signs nobody in. Wait for the pad, as a child's eyes would.
        expect(page.locator("[data-pin-pad]")).to_be_visible()
        page.get_by_label("Your PIN").fill(site.child_pins[track])
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(re.compile(r"/learn$"))
    elif role == "parent":
        sign_in_grown_up(page, DEMO_PARENT[0], DEMO_PARENT[1], r"/parent/$")
    elif role == "teacher":
        sign_in_grown_up(page, DEMO_TEACHER[0], DEMO_TEACHER[1], r"/teacher/$")


# ---- the checks ----------------------------------------------------------------------------------------------------

class Watch:
    """What the tab did while one page was open: errors, requests elsewhere, requests still in flight."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.in_flight = 0
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("console", self._console)
        page.on("request", self._request)
        page.on("requestfinished", lambda request: self._done())
        page.on("requestfailed", lambda request: self._done())
        self.expect_status = 200

    def _console(self, message) -> None:
        if message.type != "error":
            return
        if self.expect_status != 200 and f"status of {self.expect_status}" in message.text:
            return  # the browser's own note about the error page's status
        self.errors.append(f"console error: {message.text}")

    def _request(self, request) -> None:
        self.in_flight += 1
        parts = urlsplit(request.url)
        if parts.scheme not in LOCAL_SCHEMES and parts.hostname != "127.0.0.1":
            self.foreign.append(request.url)

    def _done(self) -> None:
        self.in_flight = max(0, self.in_flight - 1)

    def reset(self, status: int) -> None:
        self.errors, self.foreign, self.expect_status = [], [], status


def settle(page: Page, watch: Watch) -> None:
    for _ in range(200):  # at most ~4 s of the page's own requests
        if watch.in_flight == 0:
            break
        page.wait_for_timeout(20)
    page.evaluate(SETTLE)


def run_axe(page: Page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))  # through DevTools: the page's CSP stays on for the rest
    # target-size (WCAG 2.2: 24×24 px at least) is off in axe by default; children's fingers need it on.
    results = page.evaluate("async () => await window.axe.run(document, "
                            "{resultTypes: ['violations'], rules: {'target-size': {enabled: true}}})")
    return [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]


def check_page(page: Page, watch: Watch, visit: Visit, site: Site, label: str, size: str) -> list[str]:
    """Open one page and return what is wrong with it (empty when nothing is)."""
    if visit.before:
        visit.before(page, site)
    watch.reset(visit.status)
    response = page.goto(visit.path)
    problems: list[str] = []
    if response is None or response.status != visit.status:
        return [f"answered {response and response.status}, expected {visit.status}"]
    if urlsplit(page.url).path != urlsplit(visit.path).path:
        return [f"was sent on to {page.url} instead of showing the page"]
    settle(page, watch)
    SCREENSHOTS.joinpath("every-page").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "every-page" / f"{label}.png"))
    problems += page.evaluate(STRUCTURE)
    if size == "phone":
        scroll, inner = page.evaluate(OVERFLOW)
        if scroll > inner + 1:
            wide = page.evaluate("""() => Array.from(document.querySelectorAll('body *'))
              .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
              .slice(-3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : ''))""")
            problems.append(f"scrolls sideways on a phone ({scroll}px > {inner}px; widest: {wide})")
    bad = run_axe(page)
    if bad:
        problems.append("axe-core:\n" + _describe(bad))
    problems += watch.errors
    if watch.foreign:
        problems.append(f"asked hosts other than 127.0.0.1 for {sorted(set(watch.foreign))}")
    return problems


@pytest.fixture
def need_axe() -> None:
    missing = _missing_axe()
    if missing:
        if IN_CI:
            pytest.fail(f"{missing}; CI is set, so accessibility checks fail instead of skipping", pytrace=False)
        pytest.skip(missing)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("role", ROLES)
def test_every_page(role: str, size: str, site: Site, browser, need_axe) -> None:
    context = browser.new_context(base_url=site.url, reduced_motion="reduce", **SIZES[size])
    try:
        page = context.new_page()
        watch = Watch(page)
        become(page, role, site)
        failures = []
        for visit in pages_for(role, site):
            slug = visit.name or (visit.path.strip("/").split("?")[0].replace("/", "-").replace(":", "-").strip("-") or "home")
            label = f"{role}-{size}-{slug}"
            problems = check_page(page, watch, visit, site, label, size)
            if problems:
                failures.append(f"{visit.path} ({label}.png):\n  " + "\n  ".join(problems))
        assert not failures, f"{len(failures)} page(s) as {role} at {size} size:\n" + "\n".join(failures)
    finally:
        context.close()


@pytest.mark.parametrize("role", ["anonymous"])  # the teacher's pages pass too (add "teacher": ~20 s more)
def test_bigger_text_and_high_contrast_on_a_phone(role: str, site: Site, browser, need_axe) -> None:
    """The two reading preferences in the header, both on, on a phone: still no sideways scrolling, still accessible."""
    context = browser.new_context(base_url=site.url, reduced_motion="reduce", **SIZES["phone"])
    context.add_init_script("localStorage.setItem('tutor-prefs', JSON.stringify("
                            "{'large-text': true, 'high-contrast': true}))")
    try:
        page = context.new_page()
        watch = Watch(page)
        become(page, role, site)
        visits = (public_pages("ages-5-8", query="?track=ages-5-8") if role == "anonymous"
                  else [v for v in pages_for("teacher", site) if v.endpoint.startswith("teacher.")])
        failures = []
        for visit in visits:
            slug = visit.name or (visit.path.strip("/").split("?")[0].replace("/", "-").replace(":", "-").strip("-")
                                  or "home")
            label = f"prefs-{role}-phone-{slug}"
            problems = check_page(page, watch, visit, site, label, "phone")
            if not page.evaluate("() => ['large-text', 'high-contrast'].every("
                                 "c => document.documentElement.classList.contains(c))"):
                problems.append("the reading preferences were not applied")
            if problems:
                failures.append(f"{visit.path} ({label}.png):\n  " + "\n  ".join(problems))
        assert not failures, f"{len(failures)} page(s) with bigger text and high contrast:\n" + "\n".join(failures)
    finally:
        context.close()


# ---- no page left out ----------------------------------------------------------------------------------------------

def test_every_html_route_is_covered(site: Site) -> None:
    """Each GET route is visited by some visitor above, or is named in NOT_HTML with the reason."""
    import tutor

    app = tutor.create_app({"DATABASE_URL": "sqlite://", "TESTING": True})
    routes = {rule.endpoint: rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    visited = {visit.endpoint for role in ROLES for visit in pages_for(role, site)}
    missed = {e: r for e, r in routes.items()
              if e not in visited and e not in NOT_HTML and not e.startswith(NOT_HTML_PREFIXES)}
    assert not missed, (
        f"GET routes no visitor opens in {Path(__file__).name}: {missed}. Add them to pages_for() (with real ids) "
        f"so they are scanned, or to NOT_HTML if they never answer with a page.")
    stale = set(NOT_HTML) - set(routes)
    assert not stale, f"NOT_HTML names routes that no longer exist: {stale}"


def test_routes_said_not_to_be_html_are_not(site: Site, browser) -> None:
    """The downloads and pictures left out of the scan really are not pages (as the signed-in grown-up who may see them)."""
    from tutor.services.demo import DEMO_PARENT, DEMO_TEACHER

    context = browser.new_context(base_url=site.url)
    try:
        page = context.new_page()
        cid, child = site.classroom_id, site.children["ages-5-8"]
        checks = {"/static/css/app.css": None, "/plots/loss-curves.svg": None}
        sign_in_grown_up(page, DEMO_PARENT[0], DEMO_PARENT[1], r"/parent/$")
        checks |= {f"/parent/children/{child}/export.csv": page, f"/parent/children/{child}/export.json": page}
        seen = {}
        for path in checks:
            reply = page.request.get(site.url + path)
            seen[path] = (reply.status, reply.headers.get("content-type", ""))
        page.get_by_role("button", name="Sign out").click()
        sign_in_grown_up(page, DEMO_TEACHER[0], DEMO_TEACHER[1], r"/teacher/$")
        for path in (f"/teacher/classes/{cid}/export/mastery-grid.csv",
                     f"/teacher/classes/{cid}/export/item-analysis.csv"):
            reply = page.request.get(site.url + path)
            seen[path] = (reply.status, reply.headers.get("content-type", ""))
    finally:
        context.close()
    html = {path: got for path, got in seen.items() if got[0] != 200 or "text/html" in got[1]}
    assert not html, f"routes in NOT_HTML that answered with a page or an error: {html}"


def test_the_checks_find_what_they_look_for(site: Site, browser, need_axe) -> None:
    """A page with every fault the scan looks for: each one is reported (so a clean run means something)."""
    broken = """<!doctype html><html><head><title>Broken</title>
      <meta name="viewport" content="width=device-width, initial-scale=1"></head><body>
      <h1>One</h1><h1>Two</h1>
      <p style="color:#c8c8c8;background:#fff">Too faint to read</p>
      <div style="width:900px">Wider than a phone</div>
      <button></button>
      <div><button style="width:12px;height:12px;padding:0;border:0;margin:0" aria-label="Yes"></button><button
        style="width:12px;height:12px;padding:0;border:0;margin:0" aria-label="No"></button></div>
      <img src="http://example.org/tracker.png" alt="">
      <script>console.error("something broke")</script>
    </body></html>"""
    context = browser.new_context(base_url=site.url, **SIZES["phone"])
    try:
        page = context.new_page()
        page.route("**/broken-page", lambda route: route.fulfill(status=200, content_type="text/html", body=broken))
        problems = "\n".join(check_page(page, Watch(page), Visit("broken", "/broken-page"), site,
                                        "self-check-broken", "phone"))
    finally:
        context.close()
    for expected in ("2 <h1> elements", "0 <main> landmarks", "<html> has no lang", "scrolls sideways",
                     "color-contrast", "button-name", "target-size", "console error: something broke", "example.org"):
        assert expected in problems, f"the scan missed {expected!r}:\n{problems}"
