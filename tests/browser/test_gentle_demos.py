"""The neuron lab, learning-rate explorer and training playground for ages 5-8, in a real Chromium at phone size:
no jargon, formulas or e-notation on screen (while 13+ keeps its terms), still driven by the engine, keyboard-only
and axe clean."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_lesson_journeys import tab_to
from tutor.services import demos as service

GENTLE_DEMOS = ["neuron-lab", "lr-explorer", "training-playground"]

# Words and notation a 6-year-old should not meet on these pages.
JARGON = re.compile(
    r"\b(loss|losses|epochs?|sigmoid|tanh|relu|activation|gradient|log scale|converged|diverged|xor)\b"
    r"|dL/dw|\d(\.\d+)?e[-+−]?\d",
    re.IGNORECASE,
)

# What 13+ shows and must keep showing.
OLDER_TERMS = {
    "neuron-lab": ["Activation", "Sigmoid", "ReLU"],
    "lr-explorer": ["loss", "dL/dw"],
    "training-playground": ["Dataset", "XOR", "Epoch", "Train loss"],
}


def part(page, name: str):
    return page.locator(f'[data-part="{name}"]').first


def expect_value(page, name: str, value: float):
    """Wait until the part's data-value (the engine's number as the page got it) equals `value`."""
    page.wait_for_function(
        "([name, value]) => { const n = document.querySelector(`[data-part=\"${name}\"]`);"
        " return n && n.dataset.value !== undefined && +n.dataset.value === value; }", arg=[name, value])


def open_demo(open_page, demo_id: str, track: str):
    page = open_page(f"/demos/{demo_id}?track={track}", "phone")
    expect(page.locator(f'[data-demo="{demo_id}"]')).to_have_attribute("data-demo-ready", "1")
    return page


def seen_words(page) -> str:
    """What a child sees in the page's main area, plus the names a screen reader or read-aloud would say."""
    main = page.locator("main")
    names = main.evaluate("""el => Array.from(el.querySelectorAll('[aria-label]'))
        .filter(n => n.getClientRects().length).map(n => n.getAttribute('aria-label')).join(' ')""")
    return main.inner_text() + "\n" + names


def assert_plain(page, demo_id: str):
    text = seen_words(page)
    found = sorted({m.group(0) for m in JARGON.finditer(text)})
    assert not found, f"{demo_id} for ages 5-8 shows {found}:\n{text}"
    assert not page.errors, page.errors


def wait_idle(page):
    page.wait_for_timeout(300)
    page.wait_for_load_state("networkidle")


# ------------------------------------------------------------------------------------------------------ words


@pytest.mark.parametrize("demo_id", GENTLE_DEMOS)
def test_young_demo_has_no_jargon_and_the_older_one_keeps_its_terms(open_page, demo_id):
    young = open_demo(open_page, demo_id, "ages-5-8")
    expect(young.locator(f'[data-demo="{demo_id}"]')).to_have_attribute("data-gentle", "true")
    wait_idle(young)
    assert_plain(young, demo_id)
    older = open_demo(open_page, demo_id, "ages-13-plus")
    wait_idle(older)
    text = older.locator("main").inner_text()
    for term in OLDER_TERMS[demo_id]:
        assert term in text, f"13+ {demo_id} lost {term!r}"


def test_young_learning_rate_explorer_has_no_jargon_with_many_steps(open_page):
    """Thirty steps send the giant jumps far up the hill: the height is told in words, never in e-notation."""
    page = open_demo(open_page, "lr-explorer", "ages-5-8")
    slider = tab_to(page, '[data-input="steps"]')
    page.keyboard.press("End")
    expect(slider).to_have_attribute("aria-valuetext", "30")
    expect(page.locator('.rate-card[data-outcome="diverged"]')).to_contain_text("way too high to count")
    wait_idle(page)
    assert_plain(page, "lr-explorer")


# ------------------------------------------------------------------------------------------- still the engine's


def test_young_neuron_lab_knobs_by_keyboard_give_the_engines_answer(open_page, axe):
    page = open_demo(open_page, "neuron-lab", "ages-5-8")
    expect(page.locator('input[type="range"]')).to_have_count(2)       # two knobs, nothing else to set
    expect(page.locator('input[type="radio"]')).to_have_count(0)
    expected = service.neuron([1.0, 1.0], [2.0, 1.0], 0.0, "relu")
    expect_value(page, "a", expected["a"])
    expect(part(page, "summary")).to_contain_text("Go! The helper passes on 3.")

    tab_to(page, '[data-input="w2"]')
    for _ in range(6):
        page.keyboard.press("ArrowLeft")                               # round's knob 1 -> -3 (the slider stops there)
    expect(page.locator('[data-input="w2"]')).to_have_attribute("aria-valuetext", "takes away 3")
    expected = service.neuron([1.0, 1.0], [2.0, -3.0], 0.0, "relu")
    expect_value(page, "z", expected["z"])
    expect(part(page, "z")).to_have_text("below zero")
    expect(part(page, "verb2")).to_have_text("takes away")
    expect(part(page, "p2")).to_have_text("3")
    expect(part(page, "summary")).to_contain_text("Stop. The helper stays quiet. It passes on 0.")
    assert float(part(page, "a").get_attribute("data-value")) == expected["a"] == 0

    tab_to(page, '[data-input="w1"]')
    page.keyboard.press("End")                                         # red's knob 2 -> 3: 3 - 3 = 0
    expected = service.neuron([1.0, 1.0], [3.0, -3.0], 0.0, "relu")
    expect_value(page, "z", expected["z"])
    expect(part(page, "z")).to_have_text("0")
    assert_plain(page, "neuron-lab")
    axe(page, "demo-gentle-neuron-lab-phone")


def test_young_learning_rate_explorer_follows_the_steps_slider(open_page, axe):
    page = open_demo(open_page, "lr-explorer", "ages-5-8")
    expect(page.locator(".rate-card")).to_have_count(3)                # the engine's three walkers, no rate of your own
    expect(page.locator('input[type="range"]')).to_have_count(1)
    slider = tab_to(page, '[data-input="steps"]')
    for _ in range(5):
        page.keyboard.press("ArrowLeft")                               # 10 -> 5 steps
    expect(slider).to_have_attribute("aria-valuetext", "5")
    expected = service.learning_rates(0, 5)
    cards = page.locator(".rate-card")
    expect(cards.first).to_contain_text("After 5 steps")
    finals = [float(v) for v in cards.evaluate_all("els => els.map(e => e.dataset.final)")]
    assert finals == pytest.approx([run["final_loss"] for run in expected["runs"]])
    outcomes = cards.evaluate_all("els => els.map(e => e.dataset.outcome)")
    assert outcomes == [run["outcome"] for run in expected["runs"]]
    expect(page.locator('.rate-card[data-outcome="converged"]').first).to_contain_text("Got to the bottom!")
    expect(page.locator(".hill-chart svg.chart")).to_have_count(1)
    tab_to(page, '[data-part="new-problem"]')
    page.keyboard.press("Enter")                                       # a new hill: seed 1
    expected = service.learning_rates(1, 5)
    first = expected["runs"][0]["final_loss"]
    page.wait_for_function("v => Math.abs(+document.querySelector('.rate-card').dataset.final - v) < 1e-9", arg=first)
    wait_idle(page)
    assert_plain(page, "lr-explorer")
    axe(page, "demo-gentle-lr-explorer-phone")


def test_young_training_playground_learns_by_keyboard(open_page, axe):
    page = open_demo(open_page, "training-playground", "ages-5-8")
    controls = page.locator('[data-demo="training-playground"] select, [data-demo="training-playground"] input:visible')
    expect(controls).to_have_count(3)                                  # which dots, and lots or a few
    expect(part(page, "epoch")).to_have_text("0")
    step = tab_to(page, '[data-part="step"]')
    expect(step).to_have_text("Practise once")
    page.keyboard.press("Enter")
    expect(part(page, "epoch")).to_have_text("1")
    run = tab_to(page, '[data-part="run"]')
    expect(run).to_have_text("Learn!")
    page.keyboard.press("Enter")
    expect(run).to_have_text("Pause")
    page.wait_for_function("() => +document.querySelector('[data-part=epoch]').textContent >= 41")
    page.keyboard.press("Enter")                                       # pause
    expect(run).to_have_text("Learn!")
    expect(part(page, "status")).to_contain_text("Paused after")
    wait_idle(page)                                                    # a chunk already asked for still arrives
    epochs = int(part(page, "epoch").inner_text())
    assert epochs >= 41
    expect(part(page, "status")).to_have_text(f"Paused after {epochs} practice rounds.")
    # The colours are the engine's grid for the ring of dots; the counts of dots are the engine's split.
    expect(page.locator('[data-part="boundary"] rect.cell')).to_have_count(service.GRID ** 2)
    X, _, X_test, _ = service.playground_data("circles", "plenty", 0)
    expect(part(page, "boundary-text")).to_contain_text(f"Filled dots are for practice. There are {len(X)}.")
    expect(part(page, "boundary-text")).to_contain_text(f"It never saw them. There are {len(X_test)}.")
    expect(part(page, "loss-text")).to_contain_text(f"It had {epochs} practice rounds. Now it is less wrong")
    wait_idle(page)
    assert_plain(page, "training-playground")
    axe(page, "demo-gentle-training-playground-phone")


def test_young_training_playground_tells_when_it_learns_by_heart(open_page):
    page = open_demo(open_page, "training-playground", "ages-5-8")
    page.select_option('[data-setting="dataset"]', "moons")
    page.check('input[value="tiny"]')
    part(page, "run").click()
    alert = part(page, "alert")
    expect(alert).to_have_attribute("data-kind", "overfit", timeout=30_000)
    expect(alert).to_contain_text("learning the dots by heart")
    expect(part(page, "status")).to_contain_text("The computer stopped by itself after")
    assert_plain(page, "training-playground")
