"""The live demos: pages and partials, and every /api/demos answer checked against the engine itself."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import Network, OverfittingWatch, datasets, train
from engine import examples as engine_examples
from tutor.errors import Invalid
from tutor.services import demos as service

DEMO_IDS = ["neuron-lab", "playground", "loop-stepper", "lr-explorer", "training-playground", "guess-and-fix",
            "bias-lab"]


# ------------------------------------------------------------------------------------------------------ pages


def test_index_lists_every_demo(client):
    html = client.get("/demos/").get_data(as_text=True)
    for demo_id in DEMO_IDS:
        assert f'href="/demos/{demo_id}' in html
    assert html.count("<h1") == 1


@pytest.mark.parametrize("demo_id", DEMO_IDS)
def test_each_demo_page_carries_its_partial_and_script(client, demo_id):
    r = client.get(f"/demos/{demo_id}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert f'data-demo="{demo_id}"' in html
    assert f"/static/js/demos/{demo_id}.js" in html and "/static/js/demos/common.js" in html
    assert html.count("<h1") == 1
    assert 'style="' not in html  # the CSP forbids inline styles


def test_unknown_demo_is_404(client):
    assert client.get("/demos/no-such-demo").status_code == 404


def test_track_changes_the_words(client):
    young = client.get("/demos/neuron-lab?track=ages-5-8").get_data(as_text=True)
    older = client.get("/demos/neuron-lab?track=ages-13-plus").get_data(as_text=True)
    assert "tiny counting helper" in young and "tiny counting helper" not in older
    assert "z = w·x + b" in older


@pytest.mark.parametrize("demo_id", DEMO_IDS)
def test_partial_embeds_with_only_a_track(app, content_bank, demo_id):
    """A lesson page includes the partial with `track` (an id or the bank's Track) and loads the assets itself."""
    from flask import render_template_string

    with app.test_request_context("/learn/neuron"):
        for track in ("ages-5-8", content_bank.track("ages-13-plus")):
            html = render_template_string(
                '{% include "demos/_' + demo_id + '.html" %}{% include "demos/_' + demo_id + '.html" %}', track=track)
            assert html.count(f'data-demo="{demo_id}"') == 2
            assert "<h1" not in html and "<html" not in html and "<script" not in html
            ids = re.findall(r'\sid="([^"]+)"', html)
            assert len(ids) == len(set(ids)), "two copies of a demo on one page must not share ids"
        assets = render_template_string('{% with demo_id = "' + demo_id + '" %}{% include "demos/_assets.html" %}'
                                        '{% endwith %}')
        assert f"js/demos/{demo_id}.js" in assets


def test_guess_and_fix_has_talk_about_questions_from_the_bank(client, content_bank):
    html = client.get("/demos/guess-and-fix?track=ages-5-8").get_data(as_text=True)
    for question in content_bank.activity("hot-and-cold").talk_about[:2]:
        assert question.replace("'", "&#39;") in html or question in html


# ---------------------------------------------------------------------------------------------- neuron lab


slider = st.floats(-2, 2).map(lambda v: round(v, 1))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(x1=st.floats(0, 1).map(lambda v: round(v, 1)), x2=st.floats(0, 1).map(lambda v: round(v, 1)),
       w1=slider, w2=slider, b=slider, activation=st.sampled_from(["step", "sigmoid", "tanh", "relu"]))
def test_neuron_answers_are_the_engines(api, x1, x2, w1, w2, b, activation):
    r = api.post("/api/demos/neuron", {"inputs": [x1, x2], "weights": [w1, w2], "bias": b, "activation": activation})
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    net = Network.from_params([(np.array([[w1], [w2]]), np.array([b]))], [activation])
    info = net.forward(np.array([[x1, x2]])).neuron(0, 0)
    assert body["z"] == pytest.approx(info["z"], abs=1e-12)
    assert body["a"] == pytest.approx(info["a"], abs=1e-12)
    assert body["products"] == pytest.approx(info["products"], abs=1e-12)
    assert body["formula"]["z"] == "z = w1×x1 + w2×x2 + b"
    assert len(body["curve"]["z"]) == len(body["curve"]["a"])


@pytest.mark.parametrize("body", [
    {"inputs": [1, 2], "weights": [1], "bias": 0, "activation": "relu"},           # lengths differ
    {"inputs": [1, 2], "weights": [1, 2], "bias": 0, "activation": "softmax"},     # not a neuron-lab choice
    {"inputs": [1, 2], "weights": [1, 2], "bias": 99, "activation": "relu"},       # out of range
    {"inputs": [], "weights": [], "bias": 0, "activation": "relu"},
    {"inputs": [1, 2], "weights": [1, 2], "bias": 0, "activation": "relu", "extra": 1},
    {"inputs": ["a", 2], "weights": [1, 2], "bias": 0, "activation": "relu"},
])
def test_neuron_bad_input_is_422(api, body):
    r = api.post("/api/demos/neuron", body)
    assert r.status_code == 422
    assert r.get_json()["error"]["message"]


def test_non_finite_numbers_are_refused(api):
    r = api.post("/api/demos/neuron", raw='{"inputs": [NaN, 1], "weights": [1, 1], "bias": 0, "activation": "relu"}')
    assert r.status_code in (400, 422)


def test_demo_writes_need_the_csrf_token(api):
    r = api.post("/api/demos/neuron", {"inputs": [1], "weights": [1], "bias": 0, "activation": "relu"}, csrf=False)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "csrf_failed"


def test_demos_store_nothing(api, db):
    from sqlalchemy import func, select

    from tutor.models import ActivityRun, Learner

    before = (db.scalar(select(func.count()).select_from(Learner)), db.scalar(select(func.count()).select_from(ActivityRun)))
    api.post("/api/demos/hot-cold", {"seed": 3, "guesses": [1, 2]})
    api.post("/api/demos/train", {"dataset": "xor", "hidden": [4], "lr": 0.3, "epochs": 2})
    api.post("/api/demos/train", {"dataset": "xor", "hidden": [4], "lr": -1, "epochs": 2})
    after = (db.scalar(select(func.count()).select_from(Learner)), db.scalar(select(func.count()).select_from(ActivityRun)))
    assert before == after


# ------------------------------------------------------------------------------------------------ playground


def test_playground_is_the_engines_forward_pass(api):
    body = api.post("/api/demos/playground", {"seed": 2, "inputs": [0.3, 0.9]}).get_json()
    example = engine_examples.run("forward-pass", seed=2, inputs=[0.3, 0.9])
    params = example["params"]["weights"]
    net = Network.from_params([(np.array(p["W"]), np.array(p["b"])) for p in params], ["relu", "sigmoid"])
    trace = net.forward(np.array([[0.3, 0.9]]))
    assert body["nodes"][1] == pytest.approx(trace.layers[0].a[0].tolist())
    assert body["output"] == pytest.approx(float(trace.output[0, 0]))
    assert len(body["edges"]) == 2 * 3 + 3 * 1
    assert set(body["neurons"]) == {"hidden-1", "hidden-2", "hidden-3", "output"}
    z_step = next(s for s in body["neurons"]["hidden-2"] if s["id"].endswith("-z"))
    assert z_step["result"] == pytest.approx(float(trace.layers[0].z[0, 1]))


def test_playground_needs_two_inputs(api):
    assert api.post("/api/demos/playground", {"inputs": [0.3]}).status_code == 422


# --------------------------------------------------------------------------------------------- loop stepper


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_stepper_loss_falls_every_round_and_rounds_chain(api, seed):
    rounds = [api.post("/api/demos/loop", {"seed": seed, "round": k}).get_json() for k in range(6)]
    history = rounds[-1]["loss_history"]
    assert len(history) == 7
    assert all(b < a for a, b in zip(history, history[1:]))
    for r in rounds:
        assert r["loss_after"] < r["loss"]
    for earlier, later in zip(rounds, rounds[1:]):
        assert later["weights"] == earlier["weights_after"]  # the replay is exact: stateless and deterministic
        assert later["loss"] == pytest.approx(earlier["loss_after"])


def test_stepper_blame_is_the_engines_backprop(api):
    r = api.post("/api/demos/loop", {"seed": 0, "round": 3}).get_json()
    net = Network.from_params([(np.array(p["W"]), np.array(p["b"])) for p in r["weights"]], ["sigmoid", "sigmoid"])
    loss, grads, record = net.loss_and_grads(np.array([r["inputs"]]), np.array([[r["target"]]]), "mse", return_trace=True)
    assert r["loss"] == pytest.approx(loss)
    assert r["blame"][1][0]["delta"][0] == pytest.approx(float(record.deltas[1][0, 0]))
    assert [b["delta"][0] for b in r["blame"][0]] == pytest.approx(record.deltas[0][0].tolist())
    assert np.allclose(r["grads"][0]["dW"], grads[0][0], rtol=1e-12, atol=0)


def test_stepper_round_is_bounded(api):
    assert api.post("/api/demos/loop", {"round": service.MAX_ROUNDS + 1}).status_code == 422


# --------------------------------------------------------------------------------------- learning rates


def test_learning_rates_too_small_right_and_diverging(api):
    body = api.post("/api/demos/learning-rates", {"seed": 0, "steps": 12, "your_rate": 0.05}).get_json()
    assert [r["label"] for r in body["runs"]] == ["too small", "about right", "too large", "your rate"]
    assert [r["outcome"] for r in body["runs"][:3]] == ["slow", "converged", "diverged"]
    engine_run = engine_examples.run("learning-rate", seed=0, steps=12)["runs"]
    assert [r["final_loss"] for r in body["runs"][:3]] == pytest.approx([r["final_loss"] for r in engine_run])


# ------------------------------------------------------------------------------------- training playground


def _train(api, **kw):
    body = {"dataset": "moons", "hidden": [8], "lr": 0.3, "epochs": 10, **kw}
    return api.post("/api/demos/train", body)


def test_training_in_chunks_equals_one_engine_run(api):
    """Sending the weights back each time gives exactly the numbers of one uninterrupted engine run."""
    first = _train(api, include_data=True, alarm=False).get_json()
    second = _train(api, epoch_offset=first["epoch"], weights=first["weights"], watch=first["watch"], alarm=False).get_json()
    X, y, X_test, y_test = service.playground_data("moons", "plenty", 0)
    net = Network([2, 8, 1], ["relu", "sigmoid"], seed=0)
    history = train(net, X, y, loss="bce", lr=0.3, epochs=20, seed=0, X_val=X_test, Y_val=y_test)
    assert first["epochs"] + second["epochs"] == list(range(21))
    assert first["train_loss"] + second["train_loss"] == pytest.approx(history.train_loss, rel=1e-9)
    assert first["test_accuracy"] + second["test_accuracy"] == pytest.approx(history.val_accuracy)
    assert np.allclose(first["data"]["train"]["x"], X, rtol=1e-15, atol=0)
    assert second["grid"]["size"] == service.GRID and len(second["grid"]["label"]) == service.GRID ** 2
    assert first["chance"] == 0.5


def test_overfitting_alarm_pauses_training_when_test_loss_rises(api):
    body, fired = None, None
    weights, watch, epoch = None, None, 0
    for _ in range(60):
        body = _train(api, amount="tiny", hidden=[32, 32], lr=1.0, epochs=10, epoch_offset=epoch, weights=weights,
                      watch=watch).get_json()
        weights, watch, epoch = body["weights"], body["watch"], body["epoch"]
        if body["overfitting"]:
            fired = body["overfitting"]
            break
    assert fired is not None, "a 2-32-32-1 network on 30 noisy points should overfit"
    assert body["epochs"][-1] == fired["epoch"] == body["epoch"]  # training stopped at the alarm
    assert fired["test_loss"] > fired["best_test_loss"] * (1 + service.RISE)
    assert fired["train_loss"] < fired["train_loss_at_best"]
    assert fired["epoch"] - fired["best_epoch"] >= service.PATIENCE
    # With the alarm switched off it trains on.
    more = _train(api, amount="tiny", hidden=[32, 32], lr=1.0, epochs=10, epoch_offset=epoch, weights=weights,
                  watch=watch, alarm=False).get_json()
    assert more["overfitting"] is None and more["epoch"] == epoch + 10


def test_overfitting_alarm_is_the_engines_watch_over_one_long_run(api):
    """Chunk by chunk through the API, the alarm fires at the epoch, and with the numbers, of one engine run
    watched by OverfittingWatch(PATIENCE, RISE)."""
    weights, watch, epoch, fired = None, None, 0, None
    for _ in range(60):
        body = _train(api, amount="tiny", hidden=[32, 32], lr=1.0, epochs=10, epoch_offset=epoch, weights=weights,
                      watch=watch).get_json()
        weights, watch, epoch, fired = body["weights"], body["watch"], body["epoch"], body["overfitting"]
        if fired:
            break
    X, y, X_test, y_test = service.playground_data("moons", "tiny", 0)
    engine_watch = OverfittingWatch(patience=service.PATIENCE, rise=service.RISE)
    history = train(Network([2, 32, 32, 1], ["relu", "relu", "sigmoid"], seed=0), X, y, loss="bce", lr=1.0,
                    epochs=600, seed=0, X_val=X_test, Y_val=y_test, watch=engine_watch)
    assert fired is not None and history.stopped_early
    assert fired["epoch"] == history.stop_epoch == engine_watch.fired["epoch"]
    best = engine_watch.state()
    assert watch == {"best_epoch": best["best_epoch"], "best_test_loss": pytest.approx(best["best_val_loss"]),
                     "train_loss_at_best": pytest.approx(best["train_loss_at_best"])}
    assert fired["test_loss"] == pytest.approx(engine_watch.fired["val_loss"])
    assert fired["train_loss"] == pytest.approx(engine_watch.fired["train_loss"])


def test_a_watch_that_does_not_fit_is_refused_by_the_service():
    with pytest.raises(Invalid, match="watch"):
        service.train_chunk(dataset="moons", amount="plenty", seed=0, hidden=[4], activation="relu", lr=0.3, epochs=1,
                            epoch_offset=0, weights=None, watch={"best_epoch": -3, "best_test_loss": 1.0,
                                                                 "train_loss_at_best": 1.0})


def test_huge_learning_rate_is_reported_as_exploding(api):
    body = _train(api, dataset="spiral", hidden=[16, 16], activation="tanh", lr=30, epochs=20).get_json()
    assert body["exploding"] is True
    assert max(v for v in body["train_loss"] if v is not None) > 2 * body["initial_loss"]


def test_weights_that_blow_up_are_not_sent_back(api):
    big = [{"W": [[1e11] * 4, [1e11] * 4], "b": [1e11] * 4}, {"W": [[1e11]] * 4, "b": [0.0]}]
    body = _train(api, hidden=[4], lr=100, weights=big, epoch_offset=5).get_json()
    assert body["diverged"] is True and body["weights"] is None


@pytest.mark.parametrize("change", [
    {"hidden": [33]}, {"hidden": [4, 4, 4, 4]}, {"hidden": []}, {"lr": 0}, {"lr": 1000}, {"epochs": 51},
    {"dataset": "blobs"}, {"activation": "softmax"}, {"amount": "huge"}, {"seed": -1},
    {"weights": [{"W": [[1.0]], "b": [0.0]}]},                                        # wrong shapes for 2-8-1
    {"weights": [{"W": [[1.0, 2.0], [3.0]], "b": [0.0, 0.0]}, {"W": [[1.0], [1.0]], "b": [0.0]}]},  # ragged
    {"watch": {"best_epoch": 0}},
])
def test_training_bad_input_is_422(api, change):
    r = _train(api, **change)
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["error"]["code"] == "invalid"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dataset=st.sampled_from(service.PLAYGROUND_DATASETS), lr=st.floats(0.0001, 100),
       hidden=st.lists(st.integers(1, 32), min_size=1, max_size=3), activation=st.sampled_from(service.ACTIVATIONS))
def test_training_never_fails_and_answers_finite_json(api, dataset, lr, hidden, activation):
    r = _train(api, dataset=dataset, lr=lr, hidden=hidden, activation=activation, epochs=5)
    assert r.status_code == 200
    body = r.get_json()
    for value in body["train_loss"] + body["test_loss"]:
        assert value is None or math.isfinite(value)
    if body["weights"] is not None:
        again = _train(api, dataset=dataset, lr=lr, hidden=hidden, activation=activation, epochs=1,
                       epoch_offset=body["epoch"], weights=body["weights"])
        assert again.status_code == 200


# --------------------------------------------------------------------------------------------- guess and fix


def test_hot_and_cold_hints_and_the_treasure_stays_hidden(api):
    seed = 5
    spot = service.treasure(seed)
    far = 1 if spot > 5 else 10
    nearer = far + (1 if far < spot else -1)
    body = api.post("/api/demos/hot-cold", {"seed": seed, "guesses": [far, nearer]}).get_json()
    assert [h["hint"] for h in body["hints"]][1] == "warmer" or nearer == spot
    assert body["treasure"] is None or nearer == spot
    found = api.post("/api/demos/hot-cold", {"seed": seed, "guesses": [far, spot]}).get_json()
    assert found["found"] and found["treasure"] == spot and found["hints"][-1]["hint"] == "found"
    colder = api.post("/api/demos/hot-cold", {"seed": seed, "guesses": [nearer, far]}).get_json()
    assert colder["hints"][1]["hint"] in ("colder", "found")


def test_hot_and_cold_refuses_spots_off_the_line(api):
    assert api.post("/api/demos/hot-cold", {"seed": 1, "guesses": [11]}).status_code == 422


def test_robot_plays_the_engines_guess_and_fix(api):
    body = api.post("/api/demos/robot", {"seed": 9}).get_json()
    spot = service.treasure(9)
    assert body["treasure"] == spot
    distances = [r["distance"] for r in body["rounds"]]
    assert all(b < a for a, b in zip(distances, distances[1:]))
    assert body["result"]["found"]
    engine = engine_examples.run("guess-and-fix", seed=9, target=spot, start=body["rounds"][0]["guess"], rate=0.5,
                                 rounds=12, grid=1)
    assert body["rounds"] == engine["steps"]


# ------------------------------------------------------------------------------------------------ bias lab


def test_bias_lab_reports_accuracy_per_lighting_group(api):
    body = api.post("/api/demos/bias", {"seed": 0, "shift": 1.5}).get_json()
    assert [r["id"] for r in body["results"]] == ["few", "many", "varied"]
    assert [r["examples"] for r in body["results"]] == [10, 100, 100]
    X_test, y_test, group = (np.array(body["test"][k]) for k in ("x", "y", "group"))
    for result in body["results"]:
        groups = {g["name"]: g for g in result["groups"]}
        assert set(groups) == set(datasets.GROUPS)
        predicted = np.array(result["predicted"])
        for g, name in enumerate(datasets.GROUPS):
            mask = group == g
            assert groups[name]["accuracy"] == pytest.approx(float(np.mean(predicted[mask] == y_test[mask])))
    few, many, varied = (r["groups"] for r in body["results"])
    # Seed 0 (what the page shows first): 5 per class miss a rare look and score clearly below 50 per class.
    assert many[0]["accuracy"] >= 0.9 and many[0]["accuracy"] - few[0]["accuracy"] >= 0.08
    # Trained in one light, the network fails the other light more often; mixed lighting narrows the gap.
    assert many[1]["accuracy"] < many[0]["accuracy"] - 0.2
    assert varied[1]["accuracy"] > many[1]["accuracy"] + 0.1
    assert len(X_test) == len(y_test) == len(group)


def test_bias_lab_tells_the_same_story_for_every_set_of_photos():
    """'New photos' changes the seed, so the lesson must hold across seeds, not only on the first one."""
    few_gap, varied_gain = [], []
    for seed in range(20):
        few, many, varied = ({g["name"]: g["accuracy"] for g in r["groups"]}
                             for r in service.bias_lab(seed, 1.5)["results"])
        same, other = datasets.GROUPS
        few_gap.append(many[same] - few[same])
        varied_gain.append(varied[other] - many[other])
    few_gap, varied_gain = np.array(few_gap), np.array(varied_gain)
    assert few_gap.mean() >= 0.08 and np.mean(few_gap > 0) >= 0.8      # seeds 0-19: about 10 points, 20 of 20
    assert varied_gain.mean() >= 0.15 and np.all(varied_gain > 0)      # seeds 0-19: about 24 points


def test_bias_lab_without_shift_has_no_lighting_gap_to_speak_of(api):
    body = api.post("/api/demos/bias", {"seed": 0, "shift": 0}).get_json()
    many = body["results"][1]["groups"]
    assert abs(many[0]["accuracy"] - many[1]["accuracy"]) < 0.1
