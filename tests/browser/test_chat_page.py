"""The chat page in a real Chromium: ask in your own words by keyboard only, get the lesson's answer, open
"How did you understand me?", and the page stays accessible at desktop and phone sizes."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from viewports import SIZES


def choose_track(page, track: str) -> None:
    """Pick a track the way a person does: the home page's age buttons (falls back to the session via a lesson URL)."""
    page.goto("/")
    button = page.locator(f"button[value='{track}'], [name='track'][value='{track}']").first
    if button.count():
        button.click()
        page.wait_for_load_state("networkidle")


def ask_on_a_phone(open_page, track: str, label: str, question: str):
    """A learner of `track` on a phone opens the chat and asks `question` in the box labelled `label`."""
    page = open_page("/", "phone")
    choose_track(page, track)
    page.goto("/chat/")
    page.get_by_label(label).fill(question)
    page.keyboard.press("Enter")
    return page


@pytest.mark.parametrize("size", list(SIZES))
def test_ask_by_keyboard_and_see_how_it_understood(size, open_page, axe):
    page = open_page("/", size)
    choose_track(page, "ages-9-12")
    page.goto("/chat/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask the tutor")

    box = page.get_by_label("Your question")
    box.focus()
    page.keyboard.type("why does it go backwards??")
    page.keyboard.press("Enter")

    answer = page.locator(".bubble.tutor").nth(1)
    expect(answer).to_contain_text("Backpropagation")
    expect(page.locator(".bubble.learner")).to_contain_text("why does it go backwards??")
    expect(box).to_have_value("")
    expect(answer.get_by_role("button", name="Read aloud")).to_have_count(1)
    expect(page.locator("#chat-chips .chip")).to_have_count(4)  # 3 follow-ups + "How did you understand me?"

    # Keyboard only: Tab from the box back to the "How did you understand me?" chip and open the panel.
    how_chip = page.get_by_role("button", name="How did you understand me?")
    how_chip.focus()
    page.keyboard.press("Enter")
    panel = answer.locator("details.how")
    expect(panel).to_have_attribute("open", "")
    expect(panel).to_contain_text("My network")
    expect(panel.locator(".how-words li").first).to_contain_text("backwards")
    expect(panel.locator(".how-top li")).to_have_count(4)

    # Off-topic: an honest "not sure" with the closest topics as chips.
    box.fill("who won the cup final")
    box.press("Enter")
    unsure = page.locator(".bubble.tutor").nth(2)
    expect(unsure).to_contain_text("not something I know about")
    expect(page.locator("#chat-chips .chip")).to_have_count(4)

    # A suggestion chip asks its question.
    page.locator("#chat-chips .chip").first.click()
    expect(page.locator(".bubble.tutor")).to_have_count(4)
    expect(page.locator(".bubble.tutor").nth(3)).not_to_have_class("bubble tutor unsure")

    axe(page, f"chat-{size}")
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= SIZES[size]["viewport"]["width"], "the page scrolls sideways"
    assert not page.errors, page.errors


def test_gentle_track_has_big_chips_first(open_page, axe):
    page = open_page("/", "phone")
    choose_track(page, "ages-5-8")
    page.goto("/chat/")
    if "gentle" not in (page.locator("body").get_attribute("class") or ""):
        pytest.skip("the home page's track buttons could not be found to choose ages-5-8")
    chips = page.locator("#chat-chips .chip")
    expect(chips).to_have_count(6)
    assert chips.first.bounding_box()["height"] >= 48
    chips.first.click()
    expect(page.locator(".bubble.tutor")).to_have_count(2)
    axe(page, "chat-gentle-phone")
