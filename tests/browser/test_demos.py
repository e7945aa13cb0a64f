"""The live demos in a real Chromium: numbers on the page equal the engine's, keyboard-only use, axe, screenshots."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from viewports import SIZES

from engine import percent
from tests.browser.test_lesson_journeys import tab_to
from tutor.services import demos as service

DEMO_IDS = ["neuron-lab", "playground", "loop-stepper", "lr-explorer", "training-playground", "guess-and-fix",
            "bias-lab"]



def shown(page, part: str):
    return page.locator(f'[data-part="{part}"]').first


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("demo_id", DEMO_IDS)
def test_demo_page_is_accessible_at_both_sizes(open_page, axe, demo_id, size):
    page = open_page(f"/demos/{demo_id}?track=ages-9-12", size)
    expect(page.locator(f'[data-demo="{demo_id}"]')).to_have_attribute("data-demo-ready", "1")
    page.wait_for_timeout(400)
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_have_count(1)
    axe(page, f"demo-{demo_id}-{size}")
    assert not page.errors, page.errors
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px"


def test_demo_index_is_accessible(open_page, axe):
    page = open_page("/demos/")
    expect(page.locator(".demo-card")).to_have_count(len(DEMO_IDS))
    axe(page, "demo-index-desktop")


def test_neuron_lab_shows_the_engines_numbers_for_keyboard_slider_moves(open_page):
    page = open_page("/demos/neuron-lab")
    # Keyboard only: reach the sliders with Tab and move them with the arrow keys.
    tab_to(page, '[data-input="w1"]')
    for _ in range(5):
        page.keyboard.press("ArrowRight")      # w1 0.8 -> 1.3
    tab_to(page, '[data-input="w2"]')
    for _ in range(3):
        page.keyboard.press("ArrowLeft")       # w2 -0.4 -> -0.7
    tab_to(page, '[data-input="b"]')
    page.keyboard.press("ArrowRight")           # b 0.1 -> 0.2
    tab_to(page, 'input[data-input="activation"]:checked')
    page.keyboard.press("ArrowRight")           # radio group: sigmoid -> tanh
    choice = page.locator('input[data-input="activation"]:checked').get_attribute("value")
    assert choice == "tanh"
    expect(page.locator('[data-input="w1"]')).to_have_attribute("aria-valuetext", "1.3")
    expected = service.neuron([0.5, 1.0], [1.3, -0.7], 0.2, choice)
    expect(shown(page, "z")).to_have_text(f"{expected['z']:.3f}")
    expect(shown(page, "a")).to_have_text(f"{expected['a']:.3f}")
    assert float(shown(page, "z").get_attribute("data-value")) == pytest.approx(expected["z"], abs=1e-12)
    assert float(shown(page, "a").get_attribute("data-value")) == pytest.approx(expected["a"], abs=1e-12)
    expect(shown(page, "p1")).to_have_text(f"{expected['products'][0]:.3f}")


def test_neuron_lab_numbers_follow_a_drag(open_page):
    page = open_page("/demos/neuron-lab")
    slider = page.locator('[data-input="x1"]')
    box = slider.bounding_box()
    page.mouse.move(box["x"] + 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2, steps=12)
    page.mouse.up()
    expect(slider).to_have_value("1")
    expected = service.neuron([1.0, 1.0], [0.8, -0.4], 0.1, "sigmoid")
    expect(shown(page, "a")).to_have_text(f"{expected['a']:.3f}")


def test_playground_output_and_worked_example_follow_the_inputs(open_page):
    page = open_page("/demos/playground")
    tab_to(page, '[data-input="x1"]')
    page.keyboard.press("End")                  # x1 -> 1
    expected = service.playground(0, [1.0, 0.2])
    expect(shown(page, "summary")).to_have_text(f"Output: {expected['output']:.3f}")
    tab_to(page, '[data-neuron="hidden-2"]')
    page.keyboard.press("Enter")
    expect(page.locator('[data-neuron="hidden-2"]')).to_have_attribute("aria-pressed", "true")
    z_step = next(s for s in expected["neurons"]["hidden-2"] if s["id"].endswith("-z"))
    expect(page.locator(f'[data-step="{z_step["id"]}"]')).to_contain_text(f"{z_step['result']:.3f}")


def test_stepper_loss_falls_over_repeats_by_keyboard(open_page):
    page = open_page("/demos/loop-stepper")
    next_step = tab_to(page, '[data-part="next"]')
    expect(page.locator('[data-stage="0"]')).to_have_attribute("aria-current", "step")
    losses = []
    for round_number in range(3):
        page.keyboard.press("Enter")            # loss
        expect(page.locator('[data-stage="1"]')).to_have_attribute("aria-current", "step")
        losses.append(float(shown(page, "loss").get_attribute("data-value")))
        for stage in (2, 3, 4):
            page.keyboard.press("Enter")
            expect(page.locator(f'[data-stage="{stage}"]')).to_have_attribute("aria-current", "step")
        if round_number == 0:
            expect(shown(page, "diagram")).to_be_visible()
        page.keyboard.press("Enter")            # repeat -> next round's forward pass
        expect(shown(page, "round")).to_have_text(str(round_number + 2))
        expect(next_step).to_be_enabled()
        next_step.focus()
    assert losses[0] > losses[1] > losses[2]
    assert losses[0] == pytest.approx(service.loop_round(0, 0)["loss"])
    expect(shown(page, "loss-text")).to_contain_text("Loss fell from")


def test_learning_rate_explorer_shows_a_diverging_run(open_page):
    page = open_page("/demos/lr-explorer")
    expect(page.locator(".rate-card")).to_have_count(4)
    expect(page.locator('.rate-card[data-outcome="diverged"]')).to_have_count(1)
    expect(shown(page, "chart-text")).to_contain_text("diverged")


def test_training_playground_trains_and_pauses_itself_on_overfitting(open_page, axe):
    page = open_page("/demos/training-playground?track=ages-13-plus")
    page.select_option('[data-setting="dataset"]', "moons")
    page.check('input[value="tiny"]')
    tab_to(page, '[data-input="units"]')
    page.keyboard.press("End")                  # 32 neurons per layer
    expect(page.locator('[data-input="units"]')).to_have_attribute("aria-valuetext", "32")
    run = tab_to(page, '[data-part="run"]')
    page.keyboard.press("Enter")
    alert = shown(page, "alert")
    expect(alert).to_be_visible(timeout=30_000)
    expect(alert).to_have_attribute("data-kind", "overfit")
    expect(alert).to_contain_text("test loss rose")
    expect(run).to_have_text("Train")           # it paused itself
    epoch = int(shown(page, "epoch").inner_text())
    assert epoch > 20
    accuracy = float(shown(page, "test-acc").get_attribute("data-value"))
    assert accuracy > 0.5                        # climbed above chance
    expect(shown(page, "acc-text")).to_contain_text("chance")
    axe(page, "demo-training-playground-overfit")
    shown(page, "continue").click()
    expect(alert).to_be_hidden()
    page.wait_for_function(f"() => +document.querySelector('[data-part=epoch]').textContent > {epoch + 20}")
    run.click()                                  # pause
    expect(run).to_have_text("Train")


def test_training_playground_step_and_exploding_rate(open_page):
    page = open_page("/demos/training-playground")
    expect(shown(page, "epoch")).to_have_text("0")
    shown(page, "step").click()
    expect(shown(page, "epoch")).to_have_text("1")
    rate = page.locator('[data-input="rate"]')
    rate.focus()
    page.keyboard.press("End")                   # learning rate 100
    expect(rate).to_have_attribute("aria-valuetext", "100")
    shown(page, "run").click()
    expect(shown(page, "alert")).to_have_attribute("data-kind", "explode", timeout=20_000)
    shown(page, "reset").click()
    expect(shown(page, "epoch")).to_have_text("0")


def test_guess_and_fix_by_keyboard_then_the_robot(open_page, axe):
    page = open_page("/demos/guess-and-fix?track=ages-5-8", "phone")
    seed = int(page.locator('[data-demo="guess-and-fix"]').get_attribute("data-seed"))
    spot = service.treasure(seed)
    far = 1 if spot > 5 else 10
    tab_to(page, f'[data-spot="{far}"]')
    page.keyboard.press("Enter")
    expect(shown(page, "hint")).to_have_attribute("data-hint", "cold" if abs(far - spot) > 3 else "warm")
    tab_to(page, f'[data-spot="{spot}"]')
    page.keyboard.press("Enter")
    expect(shown(page, "hint")).to_have_text("You found the treasure!")
    expect(page.locator('[data-part="stars"] [role="img"]')).to_have_text("⭐")
    robot = page.locator('[data-part="robot-go"]')
    expect(robot).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".robot-round")).to_have_count(1)
    page.keyboard.press("Enter")                 # focus moved to "Next try"
    expect(page.locator(".robot-round")).to_have_count(2)
    shown(page, "robot-all").click()
    game = service.robot_game(seed, 0.5)
    expect(page.locator(".robot-round")).to_have_count(len(game["rounds"]))
    distances = [float(d) for d in page.locator(".robot-round").evaluate_all("els => els.map(e => e.dataset.distance)")]
    assert distances == pytest.approx([r["distance"] for r in game["rounds"]])
    expect(page.locator(".talk-card")).to_contain_text("Talk about it")
    axe(page, "demo-guess-and-fix-played-phone")


def test_bias_lab_shows_who_the_model_fails(open_page):
    page = open_page("/demos/bias-lab")
    expect(page.locator(".bias-result")).to_have_count(3)
    expected = service.bias_lab(0, 1.5)
    for result in expected["results"]:
        bars = page.locator(f'.bias-result[data-set="{result["id"]}"] .group-bar')
        values = [float(v) for v in bars.evaluate_all("els => els.map(e => e.dataset.value)")]
        assert values == pytest.approx([g["accuracy"] for g in result["groups"]])
    expect(shown(page, "lesson")).to_contain_text("different-light photos")
    # The few-vs-many sentence quotes the engine's same-light numbers, and says why few is worse only when it is.
    few, many = (r["groups"][0]["accuracy"] for r in expected["results"][:2])
    expect(shown(page, "lesson")).to_contain_text(
        f"10 training photos got {percent(few)}% right and 100 got {percent(many)}%")
    assert few < many
    expect(shown(page, "lesson")).to_contain_text("a few photos can miss a kind of photo")
