"""What an exploratory pass as a child, a parent and a teacher found, checked in Chromium so it stays fixed: the chat's
worked-example link opens a page (not JSON), the demo pages' screen-reader heading stays hidden, a focused heading
keeps its whole focus outline on screen, and standalone links are big enough for small fingers."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_chat_page import ask_on_a_phone


def test_the_chats_worked_example_link_opens_the_lesson_where_it_is_shown(open_page):
    page = ask_on_a_phone(open_page, "ages-9-12", "Your question", "why does it go backwards??")
    link = page.get_by_role("link", name=re.compile("See a worked example"))
    expect(link).to_be_visible()
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/learn/backpropagation\?track=ages-9-12#msg-[a-z-]+$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()  # a page for people, not a JSON document
    anchor = page.url.split("#", 1)[1]
    expect(page.locator(f"#{anchor}")).to_be_visible()
    expect(page.locator(".worked-example").first).to_be_visible()  # the example itself, not only its message
    expect(page.locator('#quick-replies button[data-reply="show"]')).to_have_count(0)  # already shown


@pytest.mark.parametrize("demo", ["guess-and-fix", "neuron-lab"])
def test_the_demo_pages_screen_reader_heading_is_not_drawn(open_page, demo):
    page = open_page(f"/demos/{demo}?track=ages-5-8", "phone")
    heading = page.get_by_role("heading", name="The demo", exact=True)
    expect(heading).to_be_attached()
    box = heading.bounding_box()
    assert box is not None and box["width"] <= 1 and box["height"] <= 1, box


def test_a_heading_focused_from_below_keeps_its_focus_outline_on_screen(open_page):
    page = open_page("/learn/neural-network?track=ages-5-8", "phone")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    target = page.locator("main h1")
    target.evaluate("h => { h.tabIndex = -1; h.focus(); }")
    top = target.evaluate("h => h.getBoundingClientRect().top")
    assert top >= 6, f"the heading sits {top}px from the top: its 3px outline, 3px away, is cut off"


@pytest.mark.parametrize("path, name", [("/practice/quiz-5-8-meet-the-robot", "← All games"),
                                        ("/demos/guess-and-fix?track=ages-5-8", "← All demos"),
                                        ("/learn/neural-network?track=ages-5-8", "← All lessons"),
                                        ("/", "Sign in")])
def test_standalone_links_are_big_enough_to_tap(open_page, path, name):
    page = open_page(path, "phone")
    box = page.get_by_role("link", name=name, exact=True).first.bounding_box()
    assert box is not None and box["height"] >= 44, (name, box)


def test_a_young_walker_shown_at_height_0_is_not_said_to_be_far_from_the_bottom(open_page):
    """"Still walking. Not at the bottom yet." next to "After 2 steps: 0 high." (the engine's verdict needs a
    thousandth of the start; the child's number is rounded to one decimal)."""
    page = open_page("/demos/lr-explorer?track=ages-5-8", "phone")
    slider = page.get_by_label("How many steps")
    for steps in range(2, 31):
        slider.fill(str(steps))
        expect(page.locator(".rate-card").first).to_contain_text(f"After {steps} steps")
        for card in page.locator(".rate-card").all():
            text = card.inner_text()
            assert not ("Not at the bottom" in text and re.search(r"steps: (nearly )?0 high", text)), text
            assert not re.search(r"\d\.\d", text), text  # whole numbers only, for 5-8


def test_the_bias_lab_speaks_to_5_to_8_year_olds_in_words_and_counts(open_page):
    page = open_page("/demos/bias-lab?track=ages-5-8", "phone")
    results = page.locator('[data-part="results"] .bias-result')
    expect(results).to_have_count(3)
    text = page.locator("main").inner_text()
    for grown_up in ("%", "per class", "lighting shift", "network", "Trained on"):
        assert grown_up not in text, grown_up
    assert not re.search(r"\d\.\d", text)
    expect(results.first.locator("h3")).to_have_text("Robot 1 saw a few photos")
    for bar in page.locator(".group-bar").all():  # the words say what the bar's number is
        right, total = map(int, re.search(r"(\d+) of (\d+) right", bar.inner_text()).groups())
        assert abs(right / total - float(bar.get_attribute("data-value"))) < 1e-9
    older = open_page("/demos/bias-lab?track=ages-13-plus", "phone")
    expect(older.locator('[data-part="results"] .bias-result h3').first).to_contain_text("Trained on 5 per class")


def test_the_tiny_helpers_playground_has_no_grown_up_words_for_5_to_8(open_page):
    page = open_page("/demos/playground?track=ages-5-8", "phone")
    expect(page.locator('[data-part="summary"]')).to_contain_text("The answer:")
    text = page.locator("main").inner_text() + " ".join(
        page.locator('[data-part="diagram"] text').evaluate_all("els => els.map(e => e.textContent)"))
    for grown_up in ("ReLU", "sigmoid", "hidden", "x1", "Input", "z =", "neuron", "Output"):
        assert grown_up not in text, grown_up
    page.get_by_label("First number").fill("0.9")
    expect(page.locator('[data-part="summary"]')).not_to_have_attribute("data-value", "")
    older = open_page("/demos/playground?track=ages-13-plus", "phone")
    expect(older.locator('[data-part="worked"] li').first).to_be_visible()
    assert "sigmoid" in older.locator('[data-part="diagram"]').inner_html()


def test_the_helpers_knobs_say_adds_or_takes_away_not_minus_numbers(open_page):
    page = open_page("/demos/neuron-lab?track=ages-5-8", "phone")
    knob = page.get_by_label("🔴 Knob for red")
    knob.focus()
    page.keyboard.press("Home")  # the knob's lowest setting
    expect(knob).to_have_attribute("aria-valuetext", re.compile(r"^takes away \d$"))
    assert "−" not in page.locator("main").inner_text() and "-3" not in page.locator("main").inner_text()
    page.keyboard.press("End")
    expect(knob).to_have_attribute("aria-valuetext", re.compile(r"^adds \d$"))
