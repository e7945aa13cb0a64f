"""Review pass 4, grown-ups' side, in a real browser: what a teacher and a parent see after the fixes.

- the class page's promise of printable picture passwords is kept: a page of sign-in cards, one per learner, that
  prints several cards to an A4 page without the site's navigation;
- the add-a-child form lists every problem at once, each next to its field and as a link at the top;
- on a 390 px phone the dashboard and learner charts keep the size they were drawn at (text about 14 px instead of
  7 px) and scroll sideways in their own frame, while the page itself does not.

The server-side checks of the same fixes are in tests/tutor/test_review_pass4_grownups.py.
"""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_review_pass3_grownups import FITS, sign_up

NAMES = ["Aisha", "Ben", "Chloé", "Dev", "Ella", "Finn", "Grace", "Hugo", "Isla", "李明"]


def class_with_learners(page, names: list[str]) -> str:
    """A new class with `names` added by the teacher; returns the class page's path."""
    page.goto("/teacher/classes/new")
    page.fill("#name", "Class 5B")
    page.click("main button[type=submit]")
    page.fill("#names", "\n".join(names))
    page.click("form:has(#names) button[type=submit]")
    expect(page.locator("#roster")).to_contain_text(names[-1])
    return re.sub(r"^https?://[^/]+", "", page.url).split("#")[0]


# ---- 1. sign-in cards -------------------------------------------------------------------------------------------

def test_the_sign_in_cards_show_each_learner_how_to_sign_in_and_print_several_to_a_page(open_page, axe):
    page = open_page("/", size="phone")
    sign_up(page, "teacher")
    class_with_learners(page, NAMES)
    code = page.locator("[data-join-code]").inner_text().strip()
    page.get_by_role("link", name="Printable sign-in cards").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in cards for Class 5B")

    cards = page.locator(".signin-card")
    expect(cards).to_have_count(len(NAMES))
    for name in NAMES:
        card = cards.filter(has=page.get_by_role("heading", level=2, name=name))
        expect(card).to_have_count(1)
        expect(card).to_contain_text(code)
        expect(card.locator(".card-pictures li")).to_have_count(3)
        # every picture is named in words (the emoji itself is hidden from screen readers)
        for word in card.locator(".card-pictures .word").all_inner_texts():
            assert word.strip(), f"a picture on {name}'s card has no name"
        assert card.locator(".card-pictures .pic").first.get_attribute("aria-hidden") == "true"
    assert page.evaluate(FITS), "the sign-in cards scroll sideways on a phone"
    axe(page, "review4-sign-in-cards-phone")
    errors = page.errors

    cards_path = re.sub(r"^https?://[^/]+", "", page.url)
    page = open_page(cards_path, size="desktop", storage_state=page.context.storage_state())
    page.set_viewport_size({"width": 794, "height": 1123})  # an A4 sheet at 96 dpi
    page.emulate_media(media="print")
    cards = page.locator(".signin-card")
    for hidden in (".site-header", ".site-footer", ".no-print"):
        expect(page.locator(hidden).first).to_be_hidden()
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert abs(first["y"] - second["y"]) < 1 and second["x"] > first["x"], "cards are not side by side on paper"
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    assert 1 <= pages <= -(-len(NAMES) // 4), f"{len(NAMES)} cards take {pages} A4 pages (want 4 or more a page)"
    assert errors == [] and page.errors == []


# ---- 2. every problem of the add-a-child form at once ---------------------------------------------------------

def test_the_add_a_child_form_lists_every_problem_at_once(open_page, axe):
    page = open_page("/", size="phone")
    sign_up(page, "parent")
    page.goto("/parent/children/new")
    page.fill("#age", "2")
    page.click("button[data-go]")  # no nickname, an age out of range, no PIN

    summary = page.locator(".error-summary")
    expect(summary.locator("li")).to_have_count(3)
    expect(summary).to_contain_text("3 things to fix")
    for field in ("nickname", "age", "pin"):
        message = page.locator(f"#{field}-error")
        expect(message).to_be_visible()
        expect(summary.locator(f"a[href='#{field}']")).to_have_text(message.inner_text())
        expect(page.locator(f"#{field}")).to_have_attribute("aria-invalid", "true")
        assert f"{field}-error" in page.locator(f"#{field}").get_attribute("aria-describedby").split()
    summary.locator("a[href='#age']").click()
    expect(page.locator("#age")).to_be_focused()
    assert page.evaluate(FITS), "the add-a-child form scrolls sideways on a phone"
    axe(page, "review4-add-child-every-problem-phone")
    assert page.errors == []


# ---- 3. charts on a phone ----------------------------------------------------------------------------------------

CHARTS = """() => [...document.querySelectorAll('figure.plot')].map(f => {
  const img = f.querySelector('img'), frame = f.querySelector('.plot-scroll');
  return {scale: img.clientWidth / img.naturalWidth, alt: img.alt, caption: f.querySelector('figcaption').innerText,
          scrolls: frame.scrollWidth > frame.clientWidth + 1, focusable: frame.tabIndex === 0};
})"""
# The engine draws chart text at 11 pt on 7-inch figures: at scale s it is 11 * 4/3 * s CSS pixels on screen.
SMALLEST_PX = 13


def check_charts(page, phone: bool) -> None:
    charts = page.evaluate(CHARTS)
    assert charts, "no charts on the page"
    for chart in charts:
        assert chart["alt"] and chart["caption"] and chart["caption"].split(". ", 1)[1] in chart["alt"]
        # (pass 5: a chart drawn for a phone's width fits without scrolling; a frame is a Tab stop only if it scrolls)
        assert chart["scrolls"] == chart["focusable"], "a chart's frame is a Tab stop exactly when it scrolls"
        if phone:
            text_px = 11 * 4 / 3 * chart["scale"]
            assert text_px >= SMALLEST_PX, f"chart text is {text_px:.1f} px on a phone"
        else:
            assert not chart["scrolls"] and chart["scale"] <= 1, "on a laptop the chart fits its column"
    assert page.evaluate(FITS), "the page itself scrolls sideways"


def test_charts_keep_readable_text_on_a_phone(open_page, axe):
    page = open_page("/", size="phone")
    sign_up(page, "teacher")
    class_path = class_with_learners(page, ["Ben", "Chloé"])
    page.goto(f"{class_path}/dashboard")
    check_charts(page, phone=True)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.locator("#plots").screenshot(path=str(SCREENSHOTS / "review4-dashboard-charts-phone.png"))
    axe(page, "review4-dashboard-phone")

    href = page.locator(".mastery-grid tbody th a").first.get_attribute("href")  # a learner's own page
    page.goto(href)
    check_charts(page, phone=True)
    axe(page, "review4-learner-chart-phone")

    errors = page.errors
    page = open_page(f"{class_path}/dashboard", size="desktop", storage_state=page.context.storage_state())
    check_charts(page, phone=False)
    assert errors == [] and page.errors == []
