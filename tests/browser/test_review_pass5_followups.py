"""Review pass 5, follow-ups, in Chromium at phone size and keyboard only, with the browser's speech synthesis
replaced by the recorder of tests/browser/test_review_pass4_learners.py:

- the read-aloud buttons a page script makes (a 5-8 quiz's question and feedback, the matching words and meanings,
  each of the robot's tries in guess-and-fix) show "🔊 Read aloud" and are named "Read aloud: <what it reads>", as
  every template's are; pressed, each looks like every other (one style, in app.css);
- the 5-8 loop-stepper reads the step shown and the 5-8 bias lab how the robots did, again after a change;
- the role-play's results say right or wrong in words to a screen reader (not "check mark", not nothing), and a 5-8
  wrong guess shows "Oops!" where a right one shows its star;
- "New pictures for Ava" on the class page first says what new pictures break, and only its button makes them.

The server-side half of the same follow-ups: tests/tutor/test_review_pass5_followups.py.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_review_pass3_grownups import FITS, sign_up
from tests.browser.test_review_pass4_grownups import class_with_learners
from tests.browser.test_review_pass4_learners import SPEECH, assert_says, tab_to, words, young
from tests.browser.test_review_pass5_grownups import press_on
from tests.browser.test_review_pass5_read_aloud import press_and_hear as hear
from tests.browser.test_review_pass5_roleplay import chrome_tables
from tutor.services import roleplay

MACRO_INSIDE = '<span aria-hidden="true">🔊</span> Read aloud'  # what macros.html read_aloud writes in a button
PRESSED = ("rgb(255, 209, 102)", "rgb(138, 109, 0)")  # app.css: var(--accent) and its darker border
FLIP = {"formal": "casual", "casual": "formal"}


def press_and_hear(page, selector: str) -> str:
    """Tab to a read-aloud button, press Enter, let it read to the end; what it said."""
    return hear(page, selector)["text"]


def read_aloud_buttons(page) -> list[dict]:
    return page.locator(".speak").evaluate_all(
        "bs => bs.map(b => ({name: b.getAttribute('aria-label'), inside: b.innerHTML}))")


def assert_like_the_macros(buttons: list[dict], *names: str) -> None:
    for name in names:
        assert {"name": name, "inside": MACRO_INSIDE} in buttons, (name, buttons)
    for button in buttons:
        assert button["inside"] == MACRO_INSIDE and button["name"].startswith("Read aloud: "), button


def no_sideways_scroll(page) -> None:
    assert page.evaluate(FITS), "the page scrolls sideways"


# ---- 1. read-aloud buttons made by scripts ------------------------------------------------------------------------

def test_a_young_quizs_read_aloud_buttons_are_named_and_shown_like_every_other(open_page, axe):
    page = young(open_page, "/practice/quiz-5-8-meet-the-robot")
    expect(page.locator(".question")).to_be_visible()
    heard = press_and_hear(page, '.speak[aria-label="Read aloud: the question and the answers"]')
    assert_says(heard, page.locator("#q-prompt").inner_text(), *page.locator(".option-text").all_inner_texts())
    options = page.locator(".question .options input")
    tab_to(page, ".question .options input")  # one Tab stop for the group; the arrows choose
    for _ in range(options.count() - 1):
        page.keyboard.press("ArrowDown")
    expect(options.last).to_be_checked()
    tab_to(page, ".question .submit-answer")
    page.keyboard.press("Enter")
    expect(page.locator("#q-feedback .feedback-title")).to_be_visible()
    heard = press_and_hear(page, '.speak[aria-label="Read aloud: what the tutor says"]')
    assert_says(heard, *page.locator("#q-feedback-words p").all_inner_texts())
    assert_like_the_macros(read_aloud_buttons(page), "Read aloud: the question and the answers",
                           "Read aloud: what the tutor says")
    no_sideways_scroll(page)
    axe(page, "review5-followups-quiz-5-8-phone")
    assert not page.errors, page.errors


def test_the_young_matching_words_and_meanings_are_read_by_buttons_like_every_other(open_page, axe):
    page = young(open_page, "/practice/match:match-words-5-8")
    expect(page.locator(".match-term").first).to_be_visible()
    heard = press_and_hear(page, '.speak[aria-label="Read aloud: the words"]')
    for term in page.locator(".match-term .match-text").all_inner_texts():
        assert_says(heard, term)
    heard = press_and_hear(page, '.speak[aria-label="Read aloud: what they mean"]')
    for meaning in page.locator(".match-definition .match-text").all_inner_texts():
        assert_says(heard, meaning)
    assert_like_the_macros(read_aloud_buttons(page), "Read aloud: the words", "Read aloud: what they mean")
    no_sideways_scroll(page)
    axe(page, "review5-followups-matching-5-8-phone")
    assert not page.errors, page.errors


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_each_try_of_the_robot_has_a_read_aloud_like_every_other_and_the_tries_line_up(open_page, axe, size):
    page = young(open_page, "/demos/guess-and-fix?track=ages-5-8", size)
    for n in range(1, 11):  # dig by keyboard until the treasure is found
        tab_to(page, f"[data-spot='{n}']")
        page.keyboard.press("Enter")
        expect(page.locator(f"[data-spot='{n}']")).to_have_attribute("data-hint", re.compile(r"\w"))
        if page.locator("[data-part='robot-go']").is_enabled():
            break
    tab_to(page, "[data-part='robot-go']")
    page.keyboard.press("Enter")
    tab_to(page, "[data-part='robot-all']")
    page.keyboard.press("Enter")
    rounds = page.locator(".robot-round")
    expect(rounds.first).to_be_visible()
    for n in range(rounds.count()):
        heard = press_and_hear(page, f'.robot-round .speak[aria-label="Read aloud: try {n + 1}"]')
        assert_says(heard, f"Try {n + 1}", rounds.nth(n).locator(".robot-detail").inner_text())
    assert_like_the_macros(read_aloud_buttons(page), *[f"Read aloud: try {n + 1}" for n in range(rounds.count())])
    # "Read aloud" stays on one line, and every try's bar starts at the same place
    taller = rounds.locator(".speak").evaluate_all(  # a button of one line is as tall as its min-height
        "bs => bs.map(b => b.getBoundingClientRect().height - parseFloat(getComputedStyle(b).minHeight))")
    assert max(taller) <= 1, f"'Read aloud' wraps onto two lines: {taller}"
    starts = {round(x) for x in rounds.locator(".bar-track").evaluate_all(
        "ts => ts.map(t => t.getBoundingClientRect().left)")}
    assert len(starts) == 1, starts
    if size == "phone":
        no_sideways_scroll(page)
    axe(page, f"review5-followups-guess-and-fix-5-8-{size}")
    assert not page.errors, page.errors


# ---- 2. the 5-8 loop-stepper and bias lab read their live result --------------------------------------------------

def loop_step_shown(demo) -> str:
    return " ".join(demo.locator(f'[data-part="{p}"]').inner_text() for p in ("explain", "panel"))


def robots_shown(demo) -> str:
    """How the robots did, as the page shows it in words: the status and lesson, then each robot's name and the
    sentence under its picture (its bars say the same numbers)."""
    cards = [f"{c.locator('h3').inner_text()} {c.locator('.demo-legend-text').inner_text()}"
             for c in demo.locator(".bias-result").all()]
    return " ".join([demo.locator('[data-part="status"]').inner_text(),
                     demo.locator('[data-part="lesson"]').inner_text(), *cards])


def test_the_young_loop_stepper_reads_the_step_shown_after_every_step(open_page, axe):
    page = open_page("/demos/loop-stepper?track=ages-5-8", "phone", init_script=SPEECH)
    demo = page.locator('[data-demo="loop-stepper"]')
    expect(demo).to_have_attribute("data-demo-ready", "1")
    page.wait_for_load_state("networkidle")
    button = '[data-demo="loop-stepper"] .speak[aria-label="Read aloud: this step"]'
    expect(page.locator(button)).to_have_count(1)
    heard_steps = []
    for step in range(5):  # guess, check, look back, fix, try again
        expect(demo.locator('[data-stage][aria-current="step"]')).to_have_attribute("data-stage", str(step))
        heard = press_and_hear(page, button)
        assert words(heard) == words(loop_step_shown(demo)), (step, heard)
        assert_says(heard)
        heard_steps.append(heard)
        tab_to(page, '[data-demo="loop-stepper"] [data-part="next"]')
        page.keyboard.press("Enter")
    assert len(set(heard_steps)) == 5, "a step was read as another"
    assert "Mistake" in heard_steps[1] and "Its guess" in heard_steps[0]
    no_sideways_scroll(page)
    axe(page, "review5-followups-loop-stepper-5-8-phone")
    assert not page.errors, page.errors


def test_the_young_bias_lab_reads_how_the_robots_did_again_after_a_change(open_page, axe):
    page = open_page("/demos/bias-lab?track=ages-5-8", "phone", init_script=SPEECH)
    demo = page.locator('[data-demo="bias-lab"]')
    expect(demo.locator(".bias-result")).to_have_count(3)
    page.wait_for_load_state("networkidle")
    button = '[data-demo="bias-lab"] .speak[aria-label="Read aloud: how the robots did"]'
    before = robots_shown(demo)
    heard = press_and_hear(page, button)
    assert words(heard) == words(before), heard
    assert_says(heard)
    assert heard.count("Same light") == 3, "each robot's numbers once, not again from its bars"

    cards = demo.locator('[data-part="results"]').inner_text()
    tab_to(page, '[data-demo="bias-lab"] input[data-input="shift"]')
    page.keyboard.press("End")  # the light as different as it gets: the robots are taught and tested again
    page.wait_for_function("([sel, was]) => document.querySelector(sel).innerText !== was",
                           arg=['[data-demo="bias-lab"] [data-part="results"]', cards])
    page.wait_for_load_state("networkidle")
    after = robots_shown(demo)
    assert after != before
    assert words(press_and_hear(page, button)) == words(after)
    no_sideways_scroll(page)
    axe(page, "review5-followups-bias-lab-5-8-phone")
    assert not page.errors, page.errors


# ---- 3. pressed, every read-aloud button looks the same --------------------------------------------------------------

@pytest.mark.parametrize("path, selector", [
    ("/learn/neural-network?track=ages-5-8", '.speak[aria-label="Read aloud: what this lesson is about"]'),
    ("/practice/quiz-5-8-meet-the-robot", '.speak[aria-label="Read aloud: the question and the answers"]'),
    ("/activities/human-backprop?track=ages-5-8&seed=3", '.speak[aria-label="Read aloud: what to do"]'),
    ("/chat/?track=ages-5-8", '[data-speak="chat-hello"]'),
])
def test_a_read_aloud_button_that_is_reading_looks_the_same_on_every_page(open_page, path, selector):
    page = young(open_page, path)
    tab_to(page, selector)
    page.keyboard.press("Enter")
    pressed = page.locator(selector)
    expect(pressed).to_have_attribute("aria-pressed", "true")
    assert tuple(pressed.evaluate("b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).borderTopColor]")) \
        == PRESSED
    page.keyboard.press("Escape")
    expect(pressed).to_have_attribute("aria-pressed", "false")
    assert pressed.evaluate("b => getComputedStyle(b).backgroundColor") != PRESSED[0]


# ---- 4. the role-play's right-or-wrong marks ---------------------------------------------------------------------

def play_by_keyboard(page, track: str, seed: int) -> list[bool]:
    """Guess every sentence by keyboard, wrong on even ones (blaming long words, too little); which were right."""
    play = roleplay.roleplay(track, seed)
    right = []
    for i, s in enumerate(play["sentences"]):
        scope = f'[data-sentence="{i}"]'
        guess = FLIP[s["label"]] if i % 2 == 0 else s["label"]
        right.append(guess == s["label"])
        tab_to(page, f'{scope} [data-guess="{guess}"]')
        page.keyboard.press("Enter")
        if not right[-1]:
            tab_to(page, f'{scope} [data-feature="long words"]')
            page.keyboard.press("Enter")
            tab_to(page, f'{scope} [data-direction="too-low"]')
            page.keyboard.press("Space")
        tab_to(page, f'{scope} [data-part="next"]')
        page.keyboard.press("Enter")
    return right


@pytest.mark.parametrize("track", ["ages-5-8", "ages-9-12", "ages-13-plus"])
def test_the_roleplay_results_say_right_or_wrong_in_words_and_a_young_wrong_guess_shows(open_page, axe, track):
    seed = 3
    page = open_page(f"/activities/human-backprop?track={track}&seed={seed}", "phone")
    expect(page.locator("[data-roleplay]")).to_have_attribute("data-ready", "1")
    right = play_by_keyboard(page, track, seed)
    expect(page.locator('[data-part="results"]')).to_be_visible()
    expect(page.locator("[data-roleplay]")).to_have_attribute("data-recorded", "stored")

    # What the eye sees in each "You said": a star or "Oops!" on 5-8 (never a cross), ✓ or ✗ on 9+.
    for i, was_right in enumerate(right):
        cell = page.locator(f'[data-you="{i}"]')
        seen = cell.locator('.rp-mark [aria-hidden="true"]')
        expect(seen).to_be_visible()
        expect(seen).to_have_text(("⭐" if was_right else "Oops!") if track == "ages-5-8" else ("✓" if was_right else "✗"))
        expect(cell.locator(".rp-mark")).to_have_class(re.compile("rp-mark-right" if was_right else "rp-mark-wrong"))
    if track == "ages-5-8":
        oops = page.locator('[data-you="0"] .rp-mark-wrong')
        assert oops.evaluate("e => getComputedStyle(e).borderTopStyle") == "dashed"  # a soft pill, not a bare word

    # What a screen reader hears: the guess and "right" or "wrong", no symbol's name and no picture's.
    results = chrome_tables(page, "[data-part=results] table")[0]
    heads = [name for _, name in results[2][0]]
    said = [dict(zip(heads, (name for _, name in row)))["You said"] for row in results[2][1:]]
    assert len(said) == len(right)
    for heard, was_right in zip(said, right):
        assert heard.endswith(" right" if was_right else " wrong"), heard
        assert not re.search(r"[✓✗⭐🎩👟]|Oops|check|ballot", heard), heard
    if track != "ages-5-8":  # the verdict's ✓ or ✗ is for the eye; its words say right or not
        verdict = page.locator('[data-sentence="0"] [data-part="verdict"]')
        assert verdict.evaluate("v => v.firstElementChild.getAttribute('aria-hidden')") == "true"
        assert verdict.evaluate("v => v.firstElementChild.textContent") == "✗"
    no_sideways_scroll(page)
    axe(page, f"review5-followups-roleplay-{track}-results-phone")
    assert page.errors == []


# ---- 5. new pictures: first say what they break ------------------------------------------------------------------

def roster_words(page, name: str) -> str:
    return page.locator("#roster tr", has=page.get_by_role("rowheader", name=name)).locator(".secret-words").inner_text()


def test_keyboard_only_on_a_phone_new_pictures_first_says_what_they_break(open_page, axe):
    page = open_page("/", size="phone")
    sign_up(page, "teacher")
    class_path = class_with_learners(page, ["Ava", "Ben"])
    old = roster_words(page, "Ava")

    press_on(page, "New pictures for Ava")
    expect(page.get_by_role("heading", level=1)).to_have_text("New pictures for Ava?")
    main = page.locator("main")
    expect(main).to_contain_text(f"Ava signs in with {old}.")
    expect(main).to_contain_text("the sign-in card you printed for Ava shows pictures that no longer work")
    assert page.evaluate(FITS)
    axe(page, "review5-followups-new-pictures-phone")
    press_on(page, "No, keep these pictures")
    expect(page).to_have_url(re.compile(re.escape(class_path) + "#roster$"))
    assert roster_words(page, "Ava") == old

    for _ in range(5):  # 1 in 1728 that new pictures are the old ones; five tries make a flake impossible
        press_on(page, "New pictures for Ava")
        press_on(page, "Yes, give Ava new pictures", role="button")
        expect(page.locator(".flash")).to_contain_text("Ava's new picture password:")
        if roster_words(page, "Ava") != old:
            break
    new = roster_words(page, "Ava")
    assert new != old
    flash = page.locator(".flash").inner_text()
    said = ", ".join(picture.split()[-1] for picture in new.split(","))  # the words, without their pictures
    assert f"Ava's new picture password: {said}. Print their sign-in card again." in flash
    assert page.errors == []
