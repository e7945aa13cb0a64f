"""Regression tests for the exploratory review's demo defects: numbers that must add up as a learner sees them."""
from __future__ import annotations

import itertools

import pytest

from engine import examples as engine_examples
from tutor.services import demos as service


@pytest.mark.parametrize("seed", range(40))
def test_robot_stands_on_whole_spots_so_guess_plus_fix_is_the_next_guess(api, seed):
    body = api.post("/api/demos/robot", {"seed": seed}).get_json()
    rounds = body["rounds"]
    for step in rounds:
        for key in ("guess", "error", "distance", "fix", "next_guess"):
            assert float(step[key]).is_integer(), (key, step)
        assert step["guess"] + step["fix"] == step["next_guess"]
        assert step["raw_fix"] == pytest.approx(body["rate"] * step["error"])
        assert abs(step["fix"] - step["raw_fix"]) <= 0.5
        assert 1 <= step["guess"] <= 10
    for earlier, later in itertools.pairwise(rounds):
        assert later["guess"] == earlier["next_guess"]
    assert body["result"]["found"] and rounds[-1]["guess"] == body["treasure"] == service.treasure(seed)
    assert "rounded to a whole number" in body["formula"]


def test_halves_round_away_from_zero_both_ways():
    up = engine_examples.run("guess-and-fix", target=7, start=4, rate=0.5, rounds=3, grid=1)["steps"]
    assert [(s["raw_fix"], s["fix"]) for s in up[:2]] == [(1.5, 2.0), (0.5, 1.0)]
    down = engine_examples.run("guess-and-fix", target=4, start=7, rate=0.5, rounds=3, grid=1)["steps"]
    assert [(s["raw_fix"], s["fix"]) for s in down[:2]] == [(-1.5, -2.0), (-0.5, -1.0)]


def test_without_a_grid_the_engines_game_is_unchanged():
    steps = engine_examples.run("guess-and-fix", target=7, start=1, rate=0.5, rounds=6)["steps"]
    assert [s["guess"] for s in steps] == [1.0, 4.0, 5.5, 6.25, 6.625]
    assert all(s["fix"] == s["raw_fix"] for s in steps)
    assert "rounded" not in steps[0]["formula"]


@pytest.mark.parametrize("seed", [0, 3])
def test_repeat_can_show_the_next_rounds_forward_pass(api, seed):
    """The stepper's Repeat stage shows round r + 1's output and loss: they must be the update's result."""
    for r in (0, 1, 5):
        now = api.post("/api/demos/loop", {"seed": seed, "round": r}).get_json()
        after = api.post("/api/demos/loop", {"seed": seed, "round": r + 1}).get_json()
        assert after["weights"] == now["weights_after"]
        assert after["loss"] == now["loss_after"]
        assert after["loss_history"][: r + 2] == now["loss_history"]
        assert after["output"] != now["output"]
