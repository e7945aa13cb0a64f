"""Plots are valid, deterministic SVG, and each description states numbers that match the data behind the plot."""

import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from engine import Network, datasets, train
from engine.examples import run
from engine.plots import PLOTS, _fmt, render

SVG = "{http://www.w3.org/2000/svg}svg"


@pytest.mark.parametrize("name", list(PLOTS))
def test_every_plot_is_deterministic_svg_with_a_sentence(name):
    svg, description = render(name)
    assert ET.fromstring(svg).tag == SVG
    assert render(name)[0] == svg
    assert description.endswith(".") and description.count(". ") == 0 and len(description) < 400


def test_network_description_counts_edges_and_output():
    svg, description = render("network", seed=4, sizes="3,4,2", inputs="0.5,0.1,0.9")
    net = Network([3, 4, 2], ["relu", "sigmoid"], seed=4)
    weights = np.concatenate([W.ravel() for W, _ in net.params])
    out = net.predict([[0.5, 0.1, 0.9]])[0]
    assert f"with {weights.size} connections, {(weights > 0).sum()} positive" in description
    assert f"{(weights <= 0).sum()} negative" in description
    assert description.endswith(f"it outputs {_fmt(out[0])}, {_fmt(out[1])}.")
    # each node shows its activation
    assert f"{out[0]:.2f}" in svg


def test_loss_curves_description_matches_training():
    _, description = render("loss-curves", seed=1, epochs=50)
    X, y = datasets.moons(300, noise=0.2, seed=1)
    Xtr, ytr, Xv, yv = datasets.split(X, y, 1 / 3, 1)
    h = train(Network([2, 16, 16, 1], ["relu", "relu", "sigmoid"], seed=1), Xtr, ytr, lr=0.1, epochs=50, seed=1,
              momentum=0.9, X_val=Xv, Y_val=yv)
    assert description.startswith(f"Training loss fell from {_fmt(h.train_loss[0])} to {_fmt(h.train_loss[-1])} in 50")
    best = int(np.argmin(h.val_loss))
    assert f"lowest {_fmt(h.val_loss[best])} at epoch {best}." in description


def test_overfitting_loss_curves_show_the_rise():
    _, description = render("loss-curves", scenario="overfitting", epochs=400)
    ex = run("overfitting", 0, epochs=400)
    assert f"lowest {_fmt(ex['result']['val_loss_best'])} at epoch {ex['result']['best_epoch']}." in description


@pytest.mark.parametrize("dataset", ["moons", "circles", "xor", "blobs", "spiral"])
def test_decision_boundary_learns_and_stays_small(dataset):
    svg, description = render("decision-boundary", dataset=dataset, epochs=300)
    accuracy = int(re.search(r"with (\d+)% of them", description).group(1))
    assert accuracy >= 85
    assert "<image" in svg and len(svg) < 120_000  # the filled regions are one raster image


def test_learning_rates_description_matches_the_example():
    _, description = render("learning-rates", seed=2)
    ex = run("learning-rate", 2)
    for r in ex["runs"]:
        assert f"with learning rate {_fmt(r['lr'], 3)} the loss went from {_fmt(r['path'][0]['loss'])} to " \
               f"{_fmt(r['final_loss'])} ({r['outcome']})" in description


def test_descent_path_with_a_chosen_rate():
    _, description = render("descent-path", seed=0, lr=0.1, steps=5)
    ex = run("learning-rate", 0, lrs=[0.1], steps=5)
    path = ex["runs"][0]["path"]
    assert description.startswith(f"Starting at w = {_fmt(path[0]['w'])}, 5 steps with learning rate 0.1 moved w "
                                  f"to {_fmt(path[-1]['w'])}")


def test_activation_description_values():
    _, description = render("activations", names="sigmoid,relu")
    s5 = 1 / (1 + np.exp(5))
    assert f"sigmoid gives {_fmt(s5)} at -5, 0.5 at 0 and {_fmt(1 - s5)} at 5" in description
    assert "relu gives 0 at -5, 0 at 0 and 5 at 5" in description


def test_group_accuracy_shows_the_lighting_drop():
    _, description = render("group-accuracy", seed=0)
    same, different = map(int, re.findall(r"(\d+)% for", description))
    assert same >= 90 and different < same - 10
    _, description = render("group-accuracy", scenario="few-vs-many")
    few, many = map(int, re.findall(r"(\d+)% for", description))
    assert many >= 90 and many - few >= 8           # seed 0: 84% vs 98%; class 0's 5 miss its rare look


@pytest.mark.parametrize("name,params,message", [
    ("nope", {}, "unknown plot"),
    ("network", {"colour": "red"}, "does not take colour"),
    ("network", {"sizes": "2,99,1"}, "between 1 and 8"),
    ("network", {"sizes": "2"}, "between 2 and 5"),
    ("decision-boundary", {"dataset": "mnist"}, "dataset must be one of"),
    ("loss-curves", {"epochs": "lots"}, "must be a number"),
    ("activations", {"names": "relu,swish"}, "names must be one of"),
    ("group-accuracy", {"shift": -1}, "shift"),
    ("descent-path", {"seed": -3}, "seed"),
])
def test_bad_plot_parameters_raise_value_error(name, params, message):
    with pytest.raises(ValueError, match=message):
        render(name, **params)


def test_engine_never_loads_pyplot():
    code = "import sys, engine.plots as p; p.render('network'); print('matplotlib.pyplot' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(__import__("pathlib").Path(__file__).resolve().parents[2]))
    assert out.stdout.strip() == "False"


def test_plots_drawn_by_many_threads_at_once_equal_the_same_plots_drawn_one_by_one():
    """A threaded web worker draws plots for several requests at once; matplotlib's settings and its tick-label
    parser are process-wide, so without the engine's drawing lock this mixed styles or failed to parse labels."""
    import threading

    asks = [("learning-rates", {"seed": s}) for s in (11, 12)] + [("loss-curves", {"seed": s}) for s in (13, 14)] \
        + [("activations", {}), ("descent-path", {"seed": 15}), ("network", {"seed": 16})]
    alone = [render(name, **params) for name, params in asks]
    together, failures = [None] * len(asks), []

    def draw(i: int) -> None:
        try:
            together[i] = render(asks[i][0], **asks[i][1])
        except Exception as exc:  # noqa: BLE001 - collected and reported by the assertion below
            failures.append(repr(exc))

    threads = [threading.Thread(target=draw, args=(i,)) for i in range(len(asks)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == [] and together == alone
