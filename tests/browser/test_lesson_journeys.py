"""Lesson journeys in a real Chromium, one per track: a conversation with quick replies, the demo or worked example
where it helps (numbers equal to the engine's), read-aloud only when tapped, the check question, keyboard-only use,
axe scans and screenshots at desktop and phone sizes."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from viewports import SIZES

from content import load_bank
from engine import examples as engine_examples
from tutor.services.examples import fmt


def resolve(engine: dict, path: str):
    """The engine value a shown number claims to be (as in tests/tutor/test_examples.py)."""
    node = engine
    for key in path.split("."):
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node

# Read-aloud is the browser's own speech synthesis; record what would be spoken instead of making sound.
RECORD_SPEECH = """
window.__spoken = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = function (u) { window.__spoken.push(u.text); };
}
"""


@pytest.fixture
def open_lesson(open_page):
    def open_(path: str, size: str = "desktop"):
        page = open_page(path, size, init_script=RECORD_SPEECH)
        expect(page.locator("#quick-replies")).to_be_visible()
        return page

    return open_


def reply(page, name: str):
    page.locator(f'#quick-replies button[data-reply="{name}"]').click()


def next_until_show(page):
    """Press Next until the current message has something to show, then press "Show me"."""
    for _ in range(10):
        expect(page.locator("#quick-replies")).to_be_visible()
        show = page.locator('#quick-replies button[data-reply="show"]')
        if show.count():
            show.click()
            return
        reply(page, "next")
    raise AssertionError("no message with Show me")


def shown_numbers(example) -> list[dict]:
    return example.locator(".num").evaluate_all(
        "els => els.map(e => ({path: e.dataset.path, format: e.dataset.format, text: e.textContent}))")


def assert_engine_numbers(example, kind: str, **params) -> int:
    seed = int(example.get_attribute("data-seed"))
    engine = engine_examples.run(kind, seed, **params)
    numbers = shown_numbers(example)
    assert numbers
    for n in numbers:
        assert n["text"] == fmt(resolve(engine, n["path"]), n["format"]), n
    return seed


def tab_to(page, selector: str, limit: int = 120):
    target = page.locator(selector).first
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return target
    raise AssertionError(f"could not reach {selector} with the Tab key")


def answer_check_right(page, concept: str, track: str):
    item = load_bank().lesson(concept, track).check
    assert item.kind == "choice"
    right = next(o for o in item.options if o.correct)
    page.locator(f'#check-form input[value="{right.id}"]').check()
    page.locator('#check-form button[type="submit"]').click()
    feedback = page.locator("#check-feedback")
    expect(feedback).to_be_visible()
    expect(feedback).to_have_class("check-feedback right")
    return feedback


# ---- ages 5–8 ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("size", list(SIZES))
def test_young_journey_read_aloud_guess_and_fix_and_stars(open_lesson, axe, size):
    page = open_lesson("/learn/neural-network?track=ages-5-8", size)
    first = page.locator("#conversation > li.tutor").first
    speak = first.locator("button[data-speak]")
    expect(speak).to_be_visible()
    assert page.evaluate("window.__spoken") == [], "nothing is read until a button is tapped"
    speak.click()
    spoken = page.evaluate("window.__spoken")
    assert len(spoken) == 1 and first.locator(".bubble-text").inner_text().strip() in spoken[0]

    next_until_show(page)
    demo = page.locator('[data-demo="guess-and-fix"]')
    expect(demo).to_be_visible()
    expect(demo).to_have_attribute("data-demo-ready", "1")
    axe(page, f"lesson-5-8-demo-{size}")

    reply(page, "skip")
    expect(page.locator("#check-h")).to_be_focused()
    feedback = answer_check_right(page, "neural-network", "ages-5-8")
    expect(feedback.locator(".big-stars")).to_be_visible()
    expect(page.locator("#next-steps")).to_be_visible()
    axe(page, f"lesson-5-8-check-{size}")
    assert not page.errors


def test_young_worked_example_shows_the_robots_rounds_as_bars(open_lesson, axe):
    page = open_lesson("/learn/loss?track=ages-5-8")
    next_until_show(page)
    example = page.locator('.worked-example[data-example="guess-and-fix"]')
    expect(example).to_be_visible()
    # the lesson's robot stands on whole spots (content: params grid 1), as the child does in the game
    expect(example.locator("svg.ex-bars rect.ex-bar")).to_have_count(
        len(engine_examples.run("guess-and-fix", 0, grid=1)["steps"]))
    assert_engine_numbers(example, "guess-and-fix", grid=1)
    axe(page, "lesson-5-8-example-desktop")


# ---- ages 9–12 --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("size", list(SIZES))
def test_middle_journey_show_me_opens_the_neuron_lab(open_lesson, axe, size):
    page = open_lesson("/learn/neuron?track=ages-9-12", size)
    next_until_show(page)
    lab = page.locator('[data-demo="neuron-lab"]')
    expect(lab).to_be_visible()
    output = lab.locator('[data-part="a"]')
    expect(output).not_to_have_text("…")
    before = output.inner_text()
    slider = lab.locator('input[data-input="w1"]')
    slider.focus()
    for _ in range(8):
        page.keyboard.press("ArrowRight")
    expect(output).not_to_have_text(before)
    axe(page, f"lesson-9-12-neuron-lab-{size}")

    reply(page, "why") if page.locator('#quick-replies button[data-reply="why"]').count() else None
    reply(page, "example")
    expect(page.locator("#conversation [data-extra]").first).to_be_visible()
    assert not page.errors


def test_progress_is_kept_for_a_guest_and_shows_in_the_list(open_lesson):
    page = open_lesson("/learn/activation?track=ages-9-12")
    reply(page, "next")
    expect(page.locator("#lesson")).to_have_attribute("data-stored-seen", "2")
    reply(page, "skip")
    answer_check_right(page, "activation", "ages-9-12")
    expect(page.locator("#lesson")).to_have_attribute("data-checked", "true")
    page.goto("/learn?track=ages-9-12")
    card = page.locator(".concept-list li", has_text=load_bank().lesson("activation", "ages-9-12").title)
    expect(card.locator(".lesson-status")).to_have_text("⭐ Checked")


def test_keyboard_only_lesson(open_lesson, axe):
    page = open_lesson("/learn/forward-pass?track=ages-9-12")
    total = len(load_bank().lesson("forward-pass", "ages-9-12").messages)
    tab_to(page, '#quick-replies button[data-reply="next"]')
    for n in range(2, total + 1):
        page.keyboard.press("Enter")
        expect(page.locator("#conversation > li[data-message]:visible")).to_have_count(n)
        expect(page.locator('#quick-replies button[data-reply="next"]')).to_be_focused()
    page.keyboard.press("Enter")  # "Let's check"
    expect(page.locator("#check-h")).to_be_focused()
    item = load_bank().lesson("forward-pass", "ages-9-12").check
    right = next(o for o in item.options if o.correct)
    radio = tab_to(page, "#check-form input[name=option]")
    # Arrow keys move through a radio group; stop at the right one.
    for _ in range(len(item.options) + 1):
        if radio.evaluate("(el, id) => document.activeElement.value === id", right.id):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    tab_to(page, '#check-form button[type="submit"]')
    page.keyboard.press("Enter")
    feedback = page.locator("#check-feedback")
    expect(feedback).to_be_focused()
    expect(feedback).to_have_class("check-feedback right")
    axe(page, "lesson-9-12-keyboard-desktop")


# ---- ages 13+ ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("size", list(SIZES))
def test_older_journey_forward_pass_numbers_are_the_engines(open_lesson, axe, size):
    page = open_lesson("/learn/forward-pass?track=ages-13-plus", size)
    next_until_show(page)
    example = page.locator('.worked-example[data-example="forward-pass"]')
    expect(example).to_be_visible()
    first_seed = assert_engine_numbers(example, "forward-pass")
    before = [n["text"] for n in shown_numbers(example)]
    example.locator('[data-action="all-steps"]').click()
    expect(example.locator(".ex-result")).to_be_visible()
    axe(page, f"lesson-13-forward-pass-{size}")

    example.locator('[data-action="new-numbers"]').click()
    expect(example).not_to_have_attribute("data-seed", str(first_seed))
    expect(example.locator('[data-part="status"]')).to_contain_text("New numbers")
    assert assert_engine_numbers(example, "forward-pass") != first_seed
    assert [n["text"] for n in shown_numbers(example)] != before
    assert not page.errors


def test_older_journey_backprop_step_lowers_the_loss(open_lesson, axe):
    page = open_lesson("/learn/backpropagation?track=ages-13-plus")
    next_until_show(page)
    example = page.locator('.worked-example[data-example="backprop-step"]').first
    expect(example).to_be_visible()
    # Stepped through one line at a time: each derivative, then the updates.
    step = example.locator('[data-action="next-step"]')
    for _ in range(5):
        step.click()
    expect(example.locator(".ex-step:visible")).to_have_count(6)
    example.locator('[data-action="all-steps"]').click()
    assert example.locator(".ex-step:visible").count() == len(engine_examples.run("backprop-step", 0)["steps"])
    assert_engine_numbers(example, "backprop-step")
    loss_before = float(example.locator('.ex-result .num[data-path="result.loss_before"]').inner_text())
    loss_after = float(example.locator('.ex-result .num[data-path="result.loss_after"]').inner_text())
    assert loss_before > loss_after
    axe(page, "lesson-13-backprop-desktop")


def test_a_changed_answer_to_the_check_is_graded_afresh(open_lesson):
    """The review saw a right answer marked wrong: a first answer wrong, the right one picked and checked without
    pressing "Try again", and the page sent it with the first answer's key (the server then replayed that verdict).
    Each different answer now gets its own key."""
    page = open_lesson("/learn/neural-network?track=ages-5-8")
    if not page.locator("#check-form").is_visible():
        reply(page, "skip")
    item = load_bank().lesson("neural-network", "ages-5-8").check
    wrong = next(o for o in item.options if not o.correct)
    page.locator(f'#check-form input[value="{wrong.id}"]').check()
    page.locator('#check-form button[type="submit"]').click()
    expect(page.locator("#check-feedback")).to_have_class("check-feedback wrong")
    feedback = answer_check_right(page, "neural-network", "ages-5-8")
    expect(feedback.locator(".verdict")).to_have_text("⭐ Yes! Well done!")
