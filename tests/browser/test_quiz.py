"""Practice in a real browser: a quiz of each kind on each track, hints before answers, feedback that teaches, a
numeric slip named, gentle mode for 5–8 (stars, no scores, no crosses), an accessibility scan and screenshots."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from content import TRACK_IDS, load_bank
from tutor.services import numeric

BANK = load_bank()
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def answer_current(page: Page) -> str:
    """Give some answer to the question on screen (whatever its kind); returns the kind."""
    card = page.locator("section.question")
    kind = card.get_attribute("data-kind")
    if kind in ("choice", "truefalse"):
        card.locator("label.option").first.click()
    elif kind == "multi":
        card.locator("label.option").nth(0).click()
        card.locator("label.option").nth(1).click()
    elif kind == "numeric":
        card.get_by_label(re.compile("Your answer")).fill("0.5")
    elif kind == "order":
        card.locator(".move-down").first.click()
    elif kind == "matching":
        terms = card.locator(".match-term")
        defs = card.locator(".match-definition")
        for n in range(terms.count()):
            terms.nth(n).click()
            defs.nth(n).click()
    return kind


def take_quiz(page: Page, quiz_id: str, name: str, axe, gentle: bool) -> set[str]:
    page.goto(f"/practice/{quiz_id}")
    expect(page.locator("section.question")).to_be_visible()
    kinds: set[str] = set()
    n = scored = 0
    while True:
        card = page.locator("section.question")
        # Hint first: shown on request, before answering.
        hint = card.locator(".hint-box")
        expect(hint).to_be_hidden()
        card.locator(".hint-button").click()
        expect(hint).to_be_visible()
        kind = answer_current(page)
        if n == 0:
            axe(page, f"quiz-{name}-question")
        card.locator(".submit-answer").click()
        feedback = card.locator(".feedback")
        expect(feedback.locator(".feedback-title")).to_be_visible()
        expect(feedback.locator(".feedback-why")).not_to_be_empty()
        expect(feedback.locator("a.lesson-link")).to_have_attribute("href", re.compile(r"^/learn/[a-z-]+\?track="))
        if kind not in kinds:
            kinds.add(kind)
            axe(page, f"quiz-{name}-feedback-{kind}")
        if gentle:
            text = feedback.inner_text()
            assert "✗" not in text and "%" not in text, text
            # a star for every answer with some credit, in the header as in the summary (a partly right order
            # counted in one and not the other)
            scored += bool(re.search(r"is-right|is-partial", feedback.get_attribute("class")))
        n += 1
        last = "results" in feedback.locator(".next-question").inner_text() or \
            "stars" in feedback.locator(".next-question").inner_text()
        feedback.locator(".next-question").click()
        if last:
            break
        if gentle:
            expect(page.locator(".star-count .visually-hidden")).to_have_text(
                f"{scored} {'star' if scored == 1 else 'stars'} so far")
    summary = page.locator(".quiz-summary")
    expect(summary).to_be_visible()
    if gentle:
        expect(summary.locator(".big-stars")).to_be_visible()
        expect(summary.locator(".big-stars .visually-hidden")).to_contain_text(f"You earned {max(scored, 1)} star")
        assert "%" not in summary.inner_text() and "✗" not in summary.inner_text()
    else:
        expect(summary).to_contain_text(re.compile(r"\d+ of \d+ right"))
    axe(page, f"quiz-{name}-summary")
    return kinds


@pytest.mark.parametrize("track", TRACK_IDS)
def test_every_quiz_kind_on_each_track(page: Page, axe, track):
    page.goto(f"/practice/?track={track}")
    expect(page.locator("h1")).to_have_count(1)
    axe(page, f"practice-{track}")
    gentle = BANK.track(track).gentle
    wanted = {i.kind for q in BANK.quizzes(track) for i in BANK.quiz_items(q.id)}
    seen: set[str] = set()
    for quiz in BANK.quizzes(track):
        kinds = {i.kind for i in BANK.quiz_items(quiz.id)}
        if kinds - seen:
            seen |= take_quiz(page, quiz.id, quiz.id, axe, gentle)
        if seen >= wanted:
            break
    assert seen >= wanted


def test_a_numeric_slip_is_named_with_the_engines_worked_solution(page: Page, axe):
    page.goto("/practice/numbers:ages-13-plus")
    card = page.locator("section.question")
    expect(card).to_be_visible()
    while card.get_attribute("data-item").split(":")[1] != "neuron-output":
        card.locator(".hint-button").click()
        answer_current(page)
        card.locator(".submit-answer").click()
        card.locator(".next-question").click()
        card = page.locator("section.question")
    q = numeric.question(card.get_attribute("data-item"), BANK.item)
    slip, values = next(iter(q.slips.items()))
    card.get_by_label(re.compile("Your answer")).fill(repr(values[0]))
    card.locator(".submit-answer").click()
    feedback = card.locator(".feedback")
    expect(feedback.locator(".feedback-why")).to_contain_text(numeric.SLIPS[slip][0])  # the slip, named in words
    expect(feedback.locator(".misconception")).to_be_visible()
    expect(feedback.locator(".worked-steps li").first).to_be_visible()
    expect(feedback.locator(".answer-line")).to_contain_text(q.answer_text())
    axe(page, "quiz-numeric-slip")


def test_a_retried_answer_is_stored_once(page: Page):
    """The page's own key: submitting, failing on the network, then again, records one attempt."""
    page.goto("/practice/numbers:ages-9-12")
    card = page.locator("section.question")
    expect(card).to_be_visible()
    calls: list[str] = []

    def flaky(route):
        calls.append(route.request.headers.get("idempotency-key", ""))
        if len(calls) == 1:
            route.abort()
        else:
            route.continue_()

    page.route("**/api/attempts", flaky)
    card.get_by_label(re.compile("Your answer")).fill("1")
    card.locator(".submit-answer").click()
    expect(card.locator(".feedback .feedback-title")).to_be_visible()
    assert len(calls) == 2 and calls[0] and calls[0] == calls[1]
    progress = page.request.get("/api/progress").json()
    assert progress["attempts"] >= 1


def test_practice_on_a_phone(browser, browser_context_args, axe):
    context = browser.new_context(**{**browser_context_args, **PHONE})
    page = context.new_page()
    try:
        page.goto("/practice/?track=ages-5-8")
        axe(page, "practice-ages-5-8-phone")
        quiz = BANK.quizzes("ages-5-8")[0]
        page.goto(f"/practice/{quiz.id}")
        expect(page.locator("section.question")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways ({width}px)"
        axe(page, "quiz-ages-5-8-phone")
    finally:
        context.close()
