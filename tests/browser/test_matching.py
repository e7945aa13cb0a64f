"""The matching exercise of each track, done by drag and drop, by click-click and by keyboard only; partial credit and
the wrong pairs shown and explained; accessibility scans at desktop and phone sizes."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from content import TRACK_IDS, load_bank
from engine import percent

BANK = load_bank()


def open_set(page: Page, track: str):
    ms = BANK.matching_set(track)
    page.goto(f"/practice/match:{ms.id}")
    expect(page.locator(".matching")).to_be_visible()
    return ms


def definition(page: Page, ms, term_id: str):
    return page.locator(f'.match-definition[data-definition="{ms.pairs[term_id]}"]')


def submit_and_check(page: Page, ms, wrong_terms: set[str]):
    page.locator(".submit-answer").click()
    feedback = page.locator(".feedback")
    expect(feedback.locator(".feedback-title")).to_be_visible()
    shown = feedback.locator(".wrong-pairs li")
    expect(shown).to_have_count(len(wrong_terms))
    for term in ms.terms:
        mark = page.locator(f'.match-term[data-term="{term.id}"]')
        expect(mark).to_have_class(re.compile("result-wrong" if term.id in wrong_terms else "result-right"))
        if term.id in wrong_terms:
            expect(feedback).to_contain_text(ms.feedback[term.id])


def test_matching_by_drag_and_drop(page: Page, axe):
    # Tall enough that term and meaning are on screen together: a synthetic drag cannot scroll mid-way.
    page.set_viewport_size({"width": 1280, "height": 1600})
    ms = open_set(page, "ages-9-12")
    for term in ms.terms:
        page.locator(f'.match-term[data-term="{term.id}"]').drag_to(definition(page, ms, term.id))
    expect(page.locator(".pair-list .pair")).to_have_count(len(ms.terms))
    axe(page, "matching-9-12-dragged")
    submit_and_check(page, ms, set())
    expect(page.locator(".feedback-title")).to_contain_text("Right")
    axe(page, "matching-9-12-all-right")


def test_matching_by_click_click_with_partial_credit(page: Page, axe):
    ms = open_set(page, "ages-13-plus")
    terms = [t.id for t in ms.terms]
    for n, term in enumerate(terms):
        page.locator(f'.match-term[data-term="{term}"]').click()
        # The first two are crossed on purpose: partial credit, and those two shown and explained.
        target = terms[1] if n == 0 else terms[0] if n == 1 else term
        definition(page, ms, target).click()
    expect(page.locator(".pair-list .pair")).to_have_count(len(terms))
    submit_and_check(page, ms, set(terms[:2]))
    right = len(terms) - 2
    expect(page.locator(".feedback-title")).to_contain_text(f"{percent(right, len(terms))}%")
    axe(page, "matching-13-plus-partial")


def test_matching_by_keyboard_only(page: Page, axe):
    ms = open_set(page, "ages-9-12")
    terms = [t.id for t in ms.terms]
    definitions = [d["id"] for d in page.evaluate(
        "() => Array.from(document.querySelectorAll('.match-definition')).map(b => ({id: b.dataset.definition}))")]
    first = page.locator(".match-term").first
    first.focus()
    for n, term in enumerate(terms):
        expect(page.locator(f'.match-term[data-term="{term}"]')).to_be_focused()
        page.keyboard.press("Enter" if n % 2 == 0 else "Space")
        page.keyboard.press("ArrowRight")  # to the definitions, same row
        here = min(n, len(definitions) - 1)
        goal = definitions.index(ms.pairs[term])
        key = "ArrowDown" if goal > here else "ArrowUp"
        for _ in range(abs(goal - here)):
            page.keyboard.press(key)
        expect(definition(page, ms, term)).to_be_focused()
        page.keyboard.press("Enter")  # pairs, and the focus moves on to the next term
    expect(page.locator(".pair-list .pair")).to_have_count(len(terms))
    # Escape cancels a choice; a pair can be removed and made again from the keyboard.
    page.locator(".remove-pair").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".pair-list .pair")).to_have_count(len(terms) - 1)
    expect(page.locator(f'.match-term[data-term="{terms[0]}"]')).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(f'.match-term[data-term="{terms[0]}"]')).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Escape")
    expect(page.locator(f'.match-term[data-term="{terms[0]}"]')).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowRight")
    goal = definitions.index(ms.pairs[terms[0]])
    for _ in range(goal):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator(".pair-list .pair")).to_have_count(len(terms))
    axe(page, "matching-9-12-keyboard")
    page.locator(".submit-answer").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".feedback-title")).to_contain_text("Right")
    expect(page.locator(".next-question")).to_be_focused()


@pytest.mark.parametrize("track", TRACK_IDS)
def test_matching_set_of_each_track_on_a_phone(browser, browser_context_args, axe, track):
    context = browser.new_context(**{**browser_context_args, "viewport": {"width": 390, "height": 844},
                                     "is_mobile": True, "has_touch": True})
    page = context.new_page()
    try:
        ms = open_set(page, track)
        for term in ms.terms[:2]:
            page.locator(f'.match-term[data-term="{term.id}"]').tap()
            definition(page, ms, term.id).tap()
        expect(page.locator(".pair-list .pair")).to_have_count(2)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        axe(page, f"matching-{track}-phone")
        page.locator(".submit-answer").tap()
        expect(page.locator(".feedback .wrong-pairs li")).to_have_count(len(ms.terms) - 2)
        if BANK.track(track).gentle:
            text = page.locator(".feedback").inner_text()
            assert "%" not in text and "✗" not in text
        axe(page, f"matching-{track}-phone-feedback")
    finally:
        context.close()
