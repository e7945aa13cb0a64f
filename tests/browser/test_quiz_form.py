"""The quiz without JavaScript, in a real browser: a phone with JavaScript off follows the quiz page's link to the
one-page form, answers every kind of question (choice, order, matching, numbers from the engine) with the keyboard
and the form's own controls, and gets the results; a form with gaps comes back saying what to fix; axe finds nothing
serious on the form, the gaps page or the results, at desktop and phone sizes."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from viewports import SIZES

from content import load_bank
from tutor.services import grading, numeric

BANK = load_bank()
QUIZ = "quiz-13-plus-training"  # numeric, order, choice and matching questions


def answer_right(page: Page, skip: set[int] = frozenset()) -> int:
    """Answer every question on the form page right (from the bank and the engine), except those in `skip`."""
    ids = [page.locator("input[name=item]").nth(n).get_attribute("value")
           for n in range(page.locator("input[name=item]").count())]
    for i, item_id in enumerate(ids):
        if i in skip:
            continue
        question = grading.find_question(BANK, item_id)
        kind = grading.kind_of(question)
        card = page.locator(f"#q{i}")
        if kind == "numeric":
            card.get_by_label(re.compile("Your answer")).fill(numeric.fmt(question.answer).replace("−", "-"))
        elif kind in ("choice", "multi"):
            for option in question.options:
                if option.correct:
                    card.get_by_label(option.text, exact=True).check()
        elif kind == "truefalse":
            card.locator(f"input[value={str(question.answer).lower()}]").check()
        elif kind == "matching":
            texts = {d.id: d.text for d in question.definitions}
            for term in question.terms:
                card.get_by_label(term.text, exact=True).select_option(label=texts[question.pairs[term.id]])
        else:
            for n, step in enumerate(question.steps, start=1):
                card.get_by_label(f"Step {n}", exact=True).select_option(label=step.text)
    return len(ids)


def test_without_javascript_a_phone_answers_the_whole_quiz_on_one_page(browser, base_url) -> None:
    context = browser.new_context(base_url=base_url, java_script_enabled=False, **SIZES["phone"])
    try:
        page = context.new_page()
        page.goto(f"/practice/{QUIZ}")
        link = page.get_by_role("link", name="Open the quiz as one form")
        expect(link).to_be_visible()
        link.click()
        expect(page).to_have_url(re.compile(rf"/practice/{QUIZ}/form$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(BANK.quiz(QUIZ).title)
        n = answer_right(page, skip={0})
        # The first question by keyboard: its answer box, typed, then Enter sends the whole form.
        first = grading.find_question(BANK, page.locator("input[name=item]").first.get_attribute("value"))
        box = page.locator("#q0").get_by_label(re.compile("Your answer"))
        box.focus()
        page.keyboard.type(numeric.fmt(first.answer).replace("−", "-").replace(".", ","))  # a decimal comma is fine
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Your results")).to_be_visible()
        expect(page.locator(".quiz-summary .lead")).to_have_text(f"{n} of {n} right · score 100%")
        expect(page.locator(".feedback-title", has_text="✔ Right!")).to_have_count(n)
        expect(page.locator(".worked-steps").first).to_be_visible()  # the engine's working, without a script
        page.get_by_role("link", name="Try again").click()
        expect(page).to_have_url(re.compile(rf"/practice/{QUIZ}/form$"))
    finally:
        context.close()


def test_the_form_its_gaps_and_its_results_pass_axe_at_both_sizes(open_page, axe) -> None:
    for size in ("desktop", "phone"):
        page = open_page(f"/practice/{QUIZ}/form", size)
        axe(page, f"quiz-form-{size}")
        answer_right(page, skip={1, 2})
        page.get_by_role("button", name="Check my answers").click()
        summary = page.get_by_role("alert").filter(has_text="2 questions need an answer.")
        expect(summary).to_be_visible()
        expect(summary.get_by_role("link")).to_have_count(2)
        summary.get_by_role("link").first.click()
        expect(page).to_have_url(re.compile(r"#q1$"))
        axe(page, f"quiz-form-gaps-{size}")
        answer_right(page)
        page.get_by_role("button", name="Check my answers").click()
        expect(page.get_by_role("heading", name="Your results")).to_be_visible()
        axe(page, f"quiz-form-results-{size}")
        if size == "phone":
            assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_youngest_get_stars_and_gentle_words_on_the_form(open_page, axe) -> None:
    page = open_page("/practice/quiz-5-8-meet-the-robot/form", "phone")
    expect(page.get_by_role("button", name="Check!")).to_be_visible()
    answer_right(page)
    page.get_by_role("button", name="Check!").click()
    expect(page.get_by_role("heading", name="You did it!")).to_be_visible()
    expect(page.get_by_text("Every one! Super work.")).to_be_visible()
    assert "✗" not in page.locator("main").inner_text()  # no crosses for the youngest
    axe(page, "quiz-form-results-gentle-phone")
