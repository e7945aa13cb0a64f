"""Regression tests for the exploratory review of the loop stepper and guess and fix: every number a learner sees
is the server's and agrees with the others on screen; ages 5-8 read plain words."""
from __future__ import annotations

import math
import re

import pytest
from playwright.sync_api import expect

from tutor.services import demos as service

TRACKS = ["ages-5-8", "ages-9-12", "ages-13-plus"]
JARGON = re.compile(r"backprop|sigmoid|\bloss\b|gradient|dL/d|\bz =|σ|η|\(-|\(−", re.IGNORECASE)


def svg_texts(page, selector: str) -> list[str]:
    return page.locator(selector).evaluate_all("els => els.map(e => e.textContent)")


def part(page, name: str):
    return page.locator(f'[data-part="{name}"]').first


def x_tick_labels(page, container: str) -> list[str]:
    """The x-axis tick labels of the line chart in `container` (they are the axis's middle-anchored texts)."""
    return svg_texts(page, f'{container} svg.chart .axes text[text-anchor="middle"]:not(.label)')


def press_next(page, times: int = 1):
    for _ in range(times):
        expect(part(page, "next")).not_to_have_attribute("aria-disabled", "true")
        part(page, "next").click()


def edge_labels(page) -> list[str]:
    return svg_texts(page, '[data-part="diagram"] .edge-label')


def fmt(x: float, digits: int) -> str:
    return f"{x:.{digits}f}"


def hundredths(x: float) -> str:
    """As the pages show 5-8 year olds a number between 0 and 1: whole hundredths, rounded half up as JS rounds."""
    return str(math.floor(x * 100 + 0.5))


# ------------------------------------------------------------------------------------------------ loop stepper


@pytest.mark.parametrize("track", TRACKS)
def test_repeat_shows_the_updated_output_loss_and_weights(open_page, track):
    page = open_page(f"/demos/loop-stepper?track={track}")
    first, second = service.loop_round(0, 0), service.loop_round(0, 1)
    gentle = track == "ages-5-8"
    # 5-8 are shown the mistake as the distance from the right answer (the bars' gap) in whole hundredths, the others
    # the loss
    shown = (lambda r: hundredths(abs(r["output"] - r["target"]))) if gentle else (lambda r: fmt(r["loss"], 4))
    node = hundredths if gentle else (lambda x: fmt(x, 2))
    expect(part(page, "loss")).to_have_attribute("data-value", "")     # round 1, forward pass: nothing measured
    expect(part(page, "loss-text")).to_have_text(re.compile(r"(No loss measured|Not checked) yet\."))
    press_next(page, 4)                                                   # Repeat
    expect(page.locator('[data-stage="4"]')).to_have_attribute("aria-current", "step")
    caption = part(page, "diagram-text")
    expect(caption).to_have_attribute("data-output", repr(second["output"]))
    expect(caption).to_contain_text(hundredths(second["output"]) if gentle else fmt(second["output"], 3))
    assert float(part(page, "loss").get_attribute("data-value")) == second["loss"] == first["loss_after"]
    expect(part(page, "loss")).to_have_text(shown(second))
    expect(part(page, "panel").locator("[data-value]").last).to_have_attribute("data-value", repr(second["loss"]))
    expect(part(page, "loss-text")).to_contain_text(shown(second))
    nodes = svg_texts(page, '[data-part="diagram"] .node .value')
    assert nodes[-1] == node(second["output"]) and nodes[-1] != node(first["output"])
    if gentle:
        assert edge_labels(page) == []
        expect(part(page, "panel").locator('[data-part="guess-bar"]')).to_have_attribute("data-value", repr(second["output"]))
        # the mistake bar is as long as the gap between the guess and the right answer bars
        gap = float(part(page, "panel").locator('[data-part="mistake-bar"]').get_attribute("data-value"))
        assert abs(gap - abs(second["output"] - second["target"])) < 1e-9
    else:
        expected = [fmt(w, 2) for layer in first["weights_after"] for r in layer["W"] for w in r]
        assert edge_labels(page) == expected
        expect(caption).to_contain_text("updated weights")
        expect(part(page, "panel")).to_contain_text(fmt(second["output"], 3))
    press_next(page)                                                      # round 2 starts: same network, same loss
    expect(part(page, "round")).to_have_text("2")
    expect(part(page, "loss")).to_have_text(shown(second))
    expect(caption).to_have_attribute("data-output", repr(second["output"]))
    expect(part(page, "loss-text")).to_contain_text(shown(second))
    assert not page.errors, page.errors


def test_update_stage_labels_the_new_weights_and_keeps_this_rounds_output(open_page):
    page = open_page("/demos/loop-stepper?track=ages-9-12")
    first = service.loop_round(0, 0)
    press_next(page, 3)
    expect(page.locator('[data-stage="3"]')).to_have_attribute("aria-current", "step")
    assert edge_labels(page) == [fmt(w, 2) for layer in first["weights_after"] for r in layer["W"] for w in r]
    expect(part(page, "diagram-text")).to_have_attribute("data-output", repr(first["output"]))
    expect(part(page, "loss")).to_have_text(fmt(first["loss"], 4))


def test_round_axis_has_only_whole_number_ticks(open_page):
    page = open_page("/demos/loop-stepper?track=ages-9-12")
    press_next(page, 4)                       # two points: rounds 1 and 2 (this drew 1, 1.2, 1.4 ... 2)
    expect(page.locator('[data-stage="4"]')).to_have_attribute("aria-current", "step")
    ticks = x_tick_labels(page, '[data-part="loss-chart"]')
    assert ticks and all(re.fullmatch(r"\d+", t) for t in ticks), ticks
    part(page, "skip").click()                # rounds 1..12
    expect(part(page, "round")).to_have_text("11")
    ticks = x_tick_labels(page, '[data-part="loss-chart"]')
    assert ticks and all(re.fullmatch(r"\d+", t) for t in ticks), ticks


def test_line_chart_integer_option_and_unchanged_default(open_page):
    page = open_page("/demos/loop-stepper?track=ages-9-12")
    ticks = page.evaluate("""() => {
        const draw = (options) => {
            const box = document.createElement("div");
            document.body.appendChild(box);
            window.TutorDemos.lineChart(box, [{ name: "a", points: [[1, 0.3], [2, 0.2]] }], options);
            return Array.from(box.querySelectorAll('.axes text[text-anchor="middle"]:not(.label)')).map(t => t.textContent);
        };
        return { whole: draw({ xIntegers: true }), plain: draw({}) };
    }""")
    assert ticks["whole"] == ["1", "2"]
    assert "1.2" in ticks["plain"]  # charts that did not ask keep their ticks


def test_gentle_stepper_speaks_plainly_at_every_stage(open_page, axe):
    page = open_page("/demos/loop-stepper?track=ages-5-8", "phone")
    demo = page.locator('[data-demo="loop-stepper"]')
    for stage in range(5):
        expect(page.locator(f'[data-stage="{stage}"]')).to_have_attribute("aria-current", "step")
        text = demo.inner_text() + " " + " ".join(demo.locator("[aria-label]").evaluate_all(
            "els => els.map(e => e.getAttribute('aria-label'))"))
        assert not JARGON.search(text), (stage, JARGON.search(text).group(0))
        if stage in (0, 4):
            axe(page, f"demo-loop-stepper-gentle-stage{stage}-phone")
        if stage < 4:
            press_next(page)
    expect(page.locator('[data-stage="2"]')).to_have_text("Look back")


DECIMAL = re.compile(r"\d[.,]\d")


def everything_shown(page, demo: str) -> str:
    """What a child sees or hears of the demo: its text, the diagram's and chart's SVG texts, and aria labels."""
    root = page.locator(f'[data-demo="{demo}"]')
    svg = " ".join(root.locator("svg text").evaluate_all("els => els.map(e => e.textContent)"))
    labels = " ".join(root.locator("[aria-label], [aria-valuetext]").evaluate_all(
        "els => els.map(e => (e.getAttribute('aria-label') || '') + ' ' + (e.getAttribute('aria-valuetext') || ''))"))
    return root.inner_text() + " " + svg + " " + labels


def test_gentle_stepper_shows_whole_numbers_from_the_engine_at_every_stage(open_page):
    """No decimal point for a 6-year-old: the circles, bars, captions, mistake and chart show whole hundredths of the
    engine's numbers (its guess 0.572 reads 57), and the older tracks keep their decimals."""
    page = open_page("/demos/loop-stepper?track=ages-5-8", "phone")
    first, second = service.loop_round(0, 0), service.loop_round(0, 1)
    for stage in range(5):
        expect(page.locator(f'[data-stage="{stage}"]')).to_have_attribute("aria-current", "step")
        text = everything_shown(page, "loop-stepper")
        assert not DECIMAL.search(text), (stage, DECIMAL.search(text).group(0), text)
        if stage < 4:
            press_next(page)
    nodes = svg_texts(page, '[data-part="diagram"] .node .value')
    hidden = [n["a"] for n in second["forward"][0]]
    assert nodes == [hundredths(v) for v in second["inputs"] + hidden + [second["output"]]]
    bar = part(page, "panel").locator('[data-part="guess-before-bar"] .bar-text')
    expect(bar).to_have_text(hundredths(first["output"]))
    part(page, "skip").click()
    expect(part(page, "round")).to_have_text("11")
    text = everything_shown(page, "loop-stepper")
    assert not DECIMAL.search(text), DECIMAL.search(text).group(0)
    older = open_page("/demos/loop-stepper?track=ages-9-12")
    expect(part(older, "diagram-text")).to_contain_text(fmt(first["output"], 3))


def test_gentle_playground_shows_whole_numbers_from_the_engine(open_page):
    page = open_page("/demos/playground?track=ages-5-8", "phone")
    expect(page.locator('[data-demo="playground"]')).to_have_attribute("data-demo-ready", "1")
    summary = part(page, "summary")
    expect(summary).to_have_attribute("data-value", re.compile(r"\d"))
    reply = service.playground(0, [0.5, 0.2])
    expect(summary).to_have_text(f"The answer: {hundredths(reply['output'])}")
    text = everything_shown(page, "playground")
    assert not DECIMAL.search(text), (DECIMAL.search(text).group(0), text)
    nodes = svg_texts(page, '[data-part="diagram"] .node .value')
    assert nodes == [hundredths(v) for layer in reply["nodes"] for v in layer]
    slider = page.locator('[data-input="x1"]')
    slider.focus()
    page.keyboard.press("ArrowRight")  # 0.55
    expect(slider).to_have_attribute("aria-valuetext", "55")
    moved = service.playground(0, [0.55, 0.2])
    expect(summary).to_have_text(f"The answer: {hundredths(moved['output'])}")
    assert not DECIMAL.search(everything_shown(page, "playground"))
    new_lines = part(page, "new-weights")
    expect(new_lines).to_have_text("Mix up the lines")  # a 6-year-old's word for new weights
    new_lines.click()
    mixed = service.playground(1, [0.55, 0.2])
    expect(summary).to_have_text(f"The answer: {hundredths(mixed['output'])}")
    assert not DECIMAL.search(everything_shown(page, "playground"))
    assert not page.errors, page.errors


def test_older_stepper_keeps_its_terms(open_page):
    page = open_page("/demos/loop-stepper?track=ages-13-plus")
    expect(page.locator('[data-stage="2"]')).to_have_text("Backpropagation")
    expect(part(page, "panel")).to_contain_text("sigmoid(")


# ---------------------------------------------------------------------------------------------- guess and fix


def find_treasure(page) -> int:
    seed = int(page.locator('[data-demo="guess-and-fix"]').get_attribute("data-seed"))
    spot = service.treasure(seed)
    far = 1 if spot > 5 else 10
    page.locator(f'[data-spot="{far}"]').click()
    expect(page.locator(f'[data-spot="{far}"]')).to_have_attribute("data-hint", re.compile(".+"))
    page.locator(f'[data-spot="{spot}"]').click()
    expect(part(page, "robot-go")).to_be_enabled()
    return seed


# What each track's line for one try says, and how to read guess, move and next guess back out of it.
TRY_LINE = {
    "ages-5-8": re.compile(r"The robot guessed (\d+)\. That is (\d+) spots? too (low|high)\. "
                           r"It moves (\d+) spots? to the (right|left)\. Next guess: (\d+)\."),
    "ages-9-12": re.compile(r"Guess (\d+) · (\d+) spots? too (low|high) · move 0\.5 × \d+ = [\d.]+(?:, rounded to \d+)? "
                            r"to the (right|left) · next guess (\d+) ([+−]) (\d+) = (\d+)"),
    "ages-13-plus": re.compile(r"Guess (\d+) · error = (\d+) − (\d+) = (-?\d+) · fix = 0\.5 × \(?(-?\d+)\)? = (-?[\d.]+)"
                               r"(?:, rounded to (-?\d+))? · next guess = (\d+) ([+−]) (\d+) = (\d+)"),
}


@pytest.mark.parametrize("track", TRACKS)
def test_every_robot_try_adds_up_as_shown(open_page, axe, track):
    page = open_page(f"/demos/guess-and-fix?track={track}", "phone")
    seed = find_treasure(page)
    part(page, "robot-go").click()
    part(page, "robot-all").click()
    game = service.robot_game(seed, 0.5)
    tries = page.locator(".robot-round .robot-detail")
    expect(tries).to_have_count(len(game["rounds"]))
    lines = tries.all_inner_texts()
    for line, step in zip(lines[:-1], game["rounds"]):
        m = TRY_LINE[track].fullmatch(line)
        assert m, line
        if track == "ages-5-8":
            guess, far, side, move, way, nxt = m.groups()
            shown_next = int(guess) + (int(move) if way == "right" else -int(move))
            assert (side == "low") == (way == "right") and int(far) == abs(step["error"])
        elif track == "ages-9-12":
            guess, far, side, way, guess_again, sign, move, nxt = m.groups()
            assert guess_again == guess and (sign == "+") == (way == "right")
            shown_next = int(guess) + (int(move) if sign == "+" else -int(move))
        else:
            guess, target, guess_again, error, error_again, raw, rounded, guess_3, sign, move, nxt = m.groups()
            assert int(target) - int(guess) == int(error) == int(error_again) and guess_again == guess_3 == guess
            assert float(raw) == 0.5 * int(error)
            assert int(rounded or raw) == (int(move) if sign == "+" else -int(move))
            shown_next = int(guess) + int(rounded or raw)
        assert shown_next == int(nxt) == step["next_guess"]
        assert int(guess) == step["guess"]
    assert "found" in lines[-1].lower()
    rule = part(page, "formula").inner_text()
    robot = page.locator('[data-part="robot"]')
    if track == "ages-5-8":
        assert rule == "Each time, the robot moves about half of the way to the treasure."
        text = robot.inner_text()
        assert not re.search(r"[()×=−]|-\d|\d\.\d|rate", text), text
        bars = page.locator(".robot-round .bar-text").all_inner_texts()
        assert all(re.fullmatch(r"\d+ spots? away|Found it!", b) for b in bars), bars
    else:
        assert "0.5" in rule
    axe(page, f"demo-guess-and-fix-robot-{track}-phone")


def test_play_again_forgets_the_last_games_spot_names(open_page):
    page = open_page("/demos/guess-and-fix?track=ages-5-8")
    find_treasure(page)
    named = page.locator('[data-spot][aria-label*=":"]')
    assert named.count() == 2                                  # "Spot 1: cold", "Spot 7: found"
    part(page, "robot-go").click()
    part(page, "again").click()
    expect(named).to_have_count(0)
    for n in range(1, 11):
        expect(page.locator(f'[data-spot="{n}"]')).to_have_attribute("aria-label", f"Dig at spot {n}")
    expect(page.locator(".robot-round")).to_have_count(0)
    expect(part(page, "robot")).to_be_hidden()
