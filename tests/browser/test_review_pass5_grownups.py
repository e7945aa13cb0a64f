"""Review pass 5, grown-ups' side, in a real browser: what a teacher sees on a phone and does with a keyboard after
the fixes.

- on a 390 px phone the class dashboard's charts (the mastery chart with its fifteen concept names, the activity
  chart) are the drawings made for a phone's width: they fit without sideways scrolling, with text of about 14 px,
  the concept names above the bars instead of taking half the width;
- on a laptop a chart's frame is not a Tab stop, because nothing in it scrolls; it becomes one as soon as its chart
  is wider than it (and axe's scrollable-region-focusable rule holds either way);
- in the mastery grid's turned concept headings the sort arrow pointed the wrong way (descending showed ▲), and
  screen readers read it as part of the button's name;
- keyboard only on a phone: "New code" first says what a new code breaks; the lessons-to-do boxes keep their size
  next to long titles; a new class's chart descriptions say that nobody is at "Mastered" yet.

The server-side checks of the same fixes are in tests/tutor/test_review_pass5_grownups.py.
"""
from __future__ import annotations

import re

import pytest
from live import serve_app
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_review_pass3_grownups import FITS, sign_up
from tests.browser.test_review_pass4_grownups import class_with_learners
from tests.browser.viewports import SIZES

# Per chart: the drawing the browser chose, the phone drawing on offer, sizes, and whether the frame scrolls / is a
# Tab stop.
CHARTS = """() => [...document.querySelectorAll('figure.plot')].map(f => {
  const img = f.querySelector('img'), frame = f.querySelector('.plot-scroll'), source = f.querySelector('source');
  return {chosen: img.currentSrc, narrow: source ? source.srcset : null, natural: img.naturalWidth,
          shown: img.clientWidth, alt: img.alt, caption: f.querySelector('figcaption').innerText,
          scrolls: frame.scrollWidth > frame.clientWidth + 1, tabStop: frame.getAttribute('tabindex') === '0',
          swipe: !!f.querySelector('.plot-swipe')};
})"""
FRAMES_SETTLED = """want => [...document.querySelectorAll('.plot-scroll')].every(f => f.getAttribute('tabindex') === want)"""
BODY_PX = 11 * 4 / 3  # the engine's 11 pt text, in CSS pixels at the size it was drawn


@pytest.fixture(scope="module")
def demo_class(tmp_path_factory):
    """The app with the demo family and class (20 learners, 15 concepts, four weeks of answers); yields the URL."""
    from tutor.db import get_db
    from tutor.services.demo import load_demo

    with serve_app(tmp_path_factory.mktemp("review5-demo"), lambda app: load_demo(get_db())) as base:
        yield base


def demo_teacher_page(browser, browser_context_args, base: str, size: str):
    context = browser.new_context(**{**browser_context_args, **SIZES[size]})
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(base + "/auth/sign-in")
    page.get_by_label("E-mail").fill("teacher@demo.tutor")
    page.get_by_label("Password").fill("demo-teacher-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/teacher/$"))
    page.get_by_role("link", name=re.compile("Dashboard")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Class 5B (demo): progress")
    page.wait_for_load_state("networkidle")
    return page


def tab_stops(page, limit: int = 200) -> list[str]:
    """Tab from the top of the page until the focus leaves it; the class and label of everything focused."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate("""() => { const e = document.activeElement;
          return e === document.body ? null : `${e.className} ${e.getAttribute('aria-label') || e.innerText.trim()}`; }""")
        if stop is None or (stops and stop == stops[0]):
            break
        stops.append(stop)
    return stops


# ---- 1. charts on a phone ----------------------------------------------------------------------------------------

def test_on_a_phone_the_dashboard_charts_are_drawn_for_its_width_and_read_at_full_size(
        browser, browser_context_args, demo_class, axe):
    page = demo_teacher_page(browser, browser_context_args, demo_class, "phone")
    page.wait_for_function(FRAMES_SETTLED, arg="-1")
    for path in (None, "learner"):
        if path == "learner":
            page.locator(".mastery-grid tbody th a").first.click()
            expect(page.get_by_role("heading", level=1)).to_contain_text("'s learning")
            page.wait_for_load_state("networkidle")
            page.wait_for_function(FRAMES_SETTLED, arg="-1")
        charts = page.evaluate(CHARTS)
        assert len(charts) == (2 if path is None else 1)
        for chart in charts:
            assert chart["narrow"] and chart["chosen"] == chart["narrow"], "the phone drawing is not the one shown"
            assert chart["natural"] <= 330 and not chart["scrolls"] and not chart["swipe"]
            text_px = BODY_PX * chart["shown"] / chart["natural"]
            assert text_px >= 13.5, f"chart text is {text_px:.1f} px"
            assert not chart["tabStop"], "a frame that does not scroll is a Tab stop"
            assert chart["caption"].split(". ", 1)[1] in chart["alt"]  # one text alternative, as before
        assert page.evaluate(FITS), "the page scrolls sideways"
        if path is None:
            mastery = page.locator("figure.plot").nth(1)
            assert "15 concepts" in mastery.locator("img").get_attribute("alt")
            SCREENSHOTS.mkdir(exist_ok=True)
            page.locator("#plots").screenshot(path=str(SCREENSHOTS / "review5-dashboard-charts-phone.png"))
        axe(page, "review5-dashboard-phone" if path is None else "review5-learner-phone")
    assert page.errors == []


# ---- 2. a chart's frame is a Tab stop only while it scrolls ----------------------------------------------------

def test_on_a_laptop_a_chart_frame_is_a_tab_stop_only_while_its_chart_scrolls(
        browser, browser_context_args, demo_class, axe):
    page = demo_teacher_page(browser, browser_context_args, demo_class, "desktop")
    page.wait_for_function(FRAMES_SETTLED, arg="-1")
    charts = page.evaluate(CHARTS)
    assert charts and all(not c["scrolls"] and not c["tabStop"] and c["chosen"] != c["narrow"] for c in charts)
    stops = tab_stops(page)
    assert any("sort-button" in s for s in stops)  # the walk went through the dashboard
    assert not [s for s in stops if s.startswith("plot-scroll")], "a chart frame that does not scroll is a Tab stop"

    # A chart wider than its frame (as a chart without a phone drawing is on a phone): the frame becomes a Tab stop,
    # the keyboard scrolls it, and axe's scrollable-region-focusable rule holds.
    # (through the CSSOM: the app's Content-Security-Policy refuses a <style> element)
    widen = "w => document.querySelectorAll('.plot-scroll img').forEach(i => w ? i.style.setProperty('min-width', w, "\
            "'important') : i.style.removeProperty('min-width'))"
    page.evaluate(widen, "90rem")
    page.wait_for_function(FRAMES_SETTLED, arg="0")
    axe(page, "review5-dashboard-wide-charts-laptop")
    frame = page.locator(".plot-scroll").first
    assert [s for s in tab_stops(page) if s.startswith("plot-scroll")] == [
        "plot-scroll Chart: Answers per day, last 4 weeks", "plot-scroll Chart: Learners per mastery level in each concept"]
    frame.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("f => f.scrollLeft > 0", arg=frame.element_handle())

    # ... and stops being one when the chart fits again (a resized window, a turned phone)
    page.evaluate("() => document.activeElement.blur()")  # a focused frame keeps its stop until it loses focus
    page.evaluate(widen, None)
    page.wait_for_function(FRAMES_SETTLED, arg="-1")

    # narrowed to a phone's width, the page swaps in the phone drawings, which fit: still no Tab stops
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function("() => [...document.querySelectorAll('figure.plot img')].every(i => i.currentSrc.length "
                           "&& i.currentSrc === i.closest('picture').querySelector('source').srcset)")
    page.wait_for_function(FRAMES_SETTLED, arg="-1")
    assert not [c for c in page.evaluate(CHARTS) if c["scrolls"]]
    assert page.errors == []


# ---- 3. the sort arrow in the turned column headings --------------------------------------------------------------

# The arrow a sighted teacher sees after a sort button: its glyph, turned over when the heading is turned half a turn.
ARROW_SEEN = """b => { const glyph = getComputedStyle(b, '::after').content.match(/[▲▼]/)[0];
  const turned = getComputedStyle(b).transform === 'matrix(-1, 0, 0, -1, 0, 0)';
  return turned ? {'▲': '▼', '▼': '▲'}[glyph] : glyph; }"""


def test_the_sort_arrow_points_the_way_the_column_is_sorted_in_every_heading(
        browser, browser_context_args, demo_class):
    page = demo_teacher_page(browser, browser_context_args, demo_class, "desktop")
    for key, name in (("loss", "Loss"), ("total", "Good or better"), ("name", "Learner")):
        heading = page.locator(f"th[data-sort-key='{key}']")
        button = heading.get_by_role("button")
        expect(button).to_have_accessible_name(name)  # the arrow is for the eye: aria-sort says the order
        for _ in range(2):
            button.focus()
            page.keyboard.press("Enter")
            order = heading.get_attribute("aria-sort")
            assert button.evaluate(ARROW_SEEN) == ("▲" if order == "ascending" else "▼"), f"{name}, {order}"
    assert page.errors == []


# ---- 4. keyboard only, on a phone: a new class --------------------------------------------------------------------

def press_on(page, name: str, role: str = "link", limit: int = 120) -> None:
    """Tab until `role` named `name` has the focus, then press Enter: what a keyboard user does."""
    target = page.get_by_role(role, name=name, exact=True).first
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            page.keyboard.press("Enter")
            return
    raise AssertionError(f"Tab never reached the {role} {name!r}")


def test_keyboard_only_on_a_phone_new_code_lessons_and_a_new_class_charts(open_page, axe):
    page = open_page("/", size="phone")
    sign_up(page, "teacher")
    class_path = class_with_learners(page, ["Ava", "Ben", "Chloé"])
    old_code = page.locator("[data-join-code]").inner_text().strip()

    # "New code" says what it breaks before it changes anything
    press_on(page, "New code")
    expect(page.get_by_role("heading", level=1)).to_have_text("A new join code for Class 5B?")
    expect(page.locator("main")).to_contain_text(f"The code {old_code} stops working at once")
    assert page.evaluate(FITS)
    axe(page, "review5-new-code-phone")
    press_on(page, f"No, keep {old_code}")
    expect(page.locator("[data-join-code]")).to_have_text(old_code)
    press_on(page, "New code")
    press_on(page, "Yes, make a new code", role="button")
    expect(page.locator(".flash")).to_contain_text("The new join code is")
    new_code = page.locator("[data-join-code]").inner_text().strip()
    assert new_code != old_code and new_code in page.locator(".flash").inner_text()

    # lessons to do: every box keeps its size beside a long, wrapped title, and Space ticks it
    page.goto(f"{class_path}/lessons")
    boxes = page.locator("input[name=concepts]")
    sizes = {tuple(round(v) for v in (b["width"], b["height"])) for b in
             (boxes.nth(k).bounding_box() for k in range(boxes.count()))}
    assert len(sizes) == 1 and min(next(iter(sizes))) >= 20, f"the boxes are squeezed: {sizes}"
    first = boxes.nth(1)
    first_box = first.bounding_box()
    label = page.locator("label.radio-line").nth(1).bounding_box()
    assert first_box["y"] - label["y"] < 16, "the box is not level with the title's first line"
    first.focus()
    page.keyboard.press("Space")
    press_on(page, "Save lessons to do", role="button")
    expect(page.locator(".flash")).to_contain_text("Saved: 1 lesson to do")

    # a new class's charts describe what is there: nobody at "Mastered" yet, no answers
    page.goto(f"{class_path}/dashboard")
    captions = page.locator("figure.plot figcaption")
    expect(captions.nth(0)).to_contain_text("the class gave no answers")
    expect(captions.nth(1)).to_contain_text("nobody is at Mastered, every concept has 3 at Not started")
    axe(page, "review5-new-class-dashboard-phone")
    assert page.errors == []
