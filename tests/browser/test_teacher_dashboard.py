"""The teacher's journey after a lesson, on the demo class: the dashboard (grid in colour with numbers, sortable with
buttons and aria-sort, the hardest questions with the most-chosen wrong answer, who is stuck now, plots with their
descriptions), one learner's history, the CSV download, lessons to do and the printable worksheets; axe on every
page, at desktop and phone sizes; on a phone the item analysis is one labelled card per question, not wider than the
screen."""
from __future__ import annotations

import re

import pytest
from live import serve_app
from playwright.sync_api import expect

FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"
# [sideways scroll inside the table's scroller, table's left, right, viewport width]
TABLE_BOX = """t => { const wrap = t.closest('.table-wrap'), box = t.getBoundingClientRect();
  return [wrap.scrollWidth - wrap.clientWidth, box.left, box.right, window.innerWidth]; }"""
# every cell labelled with its column's heading (what a phone shows before the value)
LABELLED = """t => { const heads = Array.from(t.tHead.rows[0].cells, c => c.textContent.trim());
  return Array.from(t.tBodies[0].rows).filter(r => Array.from(r.cells).some((c, i) =>
    c.tagName === 'TD' && c.dataset.label !== heads[i])).length; }"""
# every table box is a tab stop exactly when it scrolls (app.js drops the stop where the table fits)
SCROLL_STOPS_AGREE = """() => Array.from(document.querySelectorAll('.table-wrap[role=region]')).every(b =>
  (b.scrollWidth > b.clientWidth + 1 || b.scrollHeight > b.clientHeight + 1) === (b.getAttribute('tabindex') === '0'))"""
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory):
    """The app on its own fresh SQLite database holding the demo family and class (what `tutor demo` makes),
    served on 127.0.0.1; yields the base URL."""
    from tutor.db import get_db
    from tutor.services.demo import load_demo

    with serve_app(tmp_path_factory.mktemp("teacher-dash"), lambda app: load_demo(get_db())) as base:
        yield base


def sign_in_demo_teacher(page, base):
    page.goto(base + "/auth/sign-in")
    page.get_by_label("E-mail").fill("teacher@demo.tutor")
    page.get_by_label("Password").fill("demo-teacher-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/teacher/$"))


def test_teacher_dashboard_journey(page, browser, browser_context_args, demo_data, axe):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in_demo_teacher(page, demo_data)
    page.get_by_role("link", name=re.compile("Dashboard")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Class 5B (demo): progress")
    page.wait_for_function(SCROLL_STOPS_AGREE, timeout=5000)
    axe(page, "teacher-dash-01-dashboard")

    # who is stuck, and the hardest questions with the wrong answer most chose
    stuck = page.locator("#stuck")
    expect(stuck.get_by_role("link", name="Ben")).to_be_visible()
    expect(stuck.get_by_role("link", name="Hugo")).to_be_visible()
    expect(page.locator("#hardest li")).to_have_count(3)
    expect(page.locator("#hardest")).to_contain_text("Most-chosen wrong answer")

    # the grid: a number in every cell (colour is not the only signal); sorting with buttons and aria-sort
    grid = page.locator("table.mastery-grid")
    expect(grid.locator("td.lvl").first).to_have_text(re.compile(r"^[0-4]"))
    header = grid.locator("th[data-sort-key='total']")
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    totals = [int(t) for t in grid.locator("td.total").all_inner_texts()]
    assert totals == sorted(totals, reverse=True)
    header.get_by_role("button").press("Enter")  # keyboard: the other way round
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(grid.locator("th[data-sort-key='name']")).not_to_have_attribute("aria-sort", re.compile("."))

    # plots: SVG from the engine, described in words
    for img in page.locator("figure.plot img").all():
        assert img.get_attribute("src").startswith("data:image/svg+xml") and len(img.get_attribute("alt")) > 40
    expect(page.locator("figure.plot figcaption").first).to_contain_text("answers")

    # the CSV download
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the grid (CSV)").click()
    assert download.value.suggested_filename.endswith("-mastery-grid.csv")

    # drill-down
    stuck.get_by_role("link", name="Ben").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ben's learning")
    expect(page.locator(".notice")).to_contain_text("Stuck now")
    axe(page, "teacher-dash-02-learner")
    page.get_by_role("link", name=re.compile("Back to")).click()

    # lessons to do and worksheets
    page.get_by_role("link", name="Lessons to do").first.click()
    axe(page, "teacher-dash-03-lessons")
    page.get_by_label("Loss: Measuring Mistakes").check()
    page.get_by_role("button", name="Save lessons to do").click()
    expect(page.locator("#lessons")).to_contain_text("Loss: Measuring Mistakes")
    page.get_by_role("link", name="Printable worksheets").first.click()
    axe(page, "teacher-dash-04-worksheets")
    expect(page.get_by_role("link", name="Human backpropagation card")).to_have_attribute(
        "href", re.compile(r"/activities/human-backprop/card\?track=ages-9-12"))
    page.get_by_role("link", name="Number questions").click()
    expect(page.locator(".answer-key")).to_contain_text("Answer key")
    axe(page, "teacher-dash-05-numeric-sheet")
    page.emulate_media(media="print")
    assert page.locator(".answer-key").evaluate("e => getComputedStyle(e).breakBefore") == "page"
    page.emulate_media(media="screen")
    page.get_by_role("link", name="← All worksheets").click()
    page.get_by_role("link", name="Matching sheet").click()
    axe(page, "teacher-dash-06-matching-sheet")
    assert errors == []

    phone = browser.new_context(**{**browser_context_args, **PHONE})
    try:
        p = phone.new_page()
        p.on("pageerror", lambda error: errors.append(str(error)))
        sign_in_demo_teacher(p, demo_data)
        p.get_by_role("link", name=re.compile("Dashboard")).first.click()
        assert p.evaluate(FITS)

        # the item analysis on a phone: one labelled card per question, nothing to scroll sideways for
        items = p.locator("table.items-table")
        expect(items.locator("tbody tr")).not_to_have_count(0)
        scroll, left, right, width = items.evaluate(TABLE_BOX)
        assert scroll <= 0 and left >= 0 and right <= width, (scroll, left, right, width)
        assert items.evaluate(LABELLED) == 0
        # nothing to scroll, so its box is no tab stop; any box that does scroll keeps one
        expect(p.locator(".table-wrap", has=items)).not_to_have_attribute("tabindex", "0")
        p.wait_for_function(SCROLL_STOPS_AGREE, timeout=5000)
        boxes_reached = set()
        for _ in range(80):  # the whole page's keyboard order, and then some
            p.keyboard.press("Tab")
            boxes_reached.add(p.evaluate("() => document.activeElement.closest('.table-wrap') === document.activeElement"
                                         " ? document.activeElement.getAttribute('aria-label') : null"))
        assert "Mastery grid table" in boxes_reached and "Item analysis table" not in boxes_reached, boxes_reached
        first = items.locator("tbody tr").first
        facility = first.locator("td").nth(1)
        assert '"Facility: "' in facility.evaluate("c => getComputedStyle(c, '::before').content")
        expect(first.get_by_role("rowheader")).to_be_visible()
        expect(facility).to_be_visible()
        # still a table for screen readers: the headings row is hidden from sight only
        expect(items.get_by_role("columnheader", name="Most-chosen wrong answer")).to_have_count(1)
        axe(p, "teacher-dash-07-dashboard-phone")  # the whole page, item analysis cards included

        # the grid still sorts at phone size
        total = p.locator("table.mastery-grid th[data-sort-key='total']")
        total.get_by_role("button").click()
        expect(total).to_have_attribute("aria-sort", "descending")
        p.locator("#stuck").get_by_role("link", name="Hugo").click()
        assert p.evaluate(FITS)
        axe(p, "teacher-dash-08-learner-phone")
    finally:
        phone.close()
    assert errors == []
