"""The data-and-bias sets teach what they claim, across seeds and not only on seed 0: 5 examples per class generalise
clearly worse than 50, a network trained in one light fails the other light, and mixed-light training helps it."""

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Network, datasets, train
from engine.losses import predicted_labels
from engine.plots import render

SEEDS = range(20)


def _percentages(description):
    return [int(p) / 100 for p in re.findall(r"(\d+)% for", description)]


def _fit(X, y, seed):
    """The bias lab's and the lighting plot's network and training."""
    net = Network([2, 8, 1], ["tanh", "sigmoid"], seed=seed)
    train(net, X, y, loss="bce", lr=0.5, epochs=200, seed=seed)
    return net


def _accuracy(net, X, y):
    return float(np.mean(predicted_labels(net.predict(X)) == y))


def test_few_set_is_the_start_of_the_many_set_and_both_are_balanced():
    for seed in (0, 7):
        sets = datasets.few_vs_many(seed=seed)
        (Xf, yf), (Xm, ym), (Xt, yt) = sets["few"], sets["many"], sets["test"]
        assert np.bincount(yf).tolist() == [5, 5] and np.bincount(ym).tolist() == [50, 50] and len(yt) == 200
        for row in Xf:
            assert (np.abs(Xm - row).sum(axis=1) == 0).any()
        assert not (np.abs(Xt[:, None, :] - Xm[None, :, :]).sum(axis=2) == 0).any()


def test_each_class_comes_in_a_common_a_less_common_and_a_rare_look():
    X, y, *_ = datasets.shifted(n_train=6000, n_test=2, seed=3)
    # Looks sit at 60-degree steps round the ring, the two classes alternating: class 0 at 0, 120, 240 degrees.
    sector = np.round(np.degrees(np.arctan2(X[:, 1], X[:, 0])) / 60).astype(int) % 6
    for label in (0, 1):
        own = sector[y == label]
        assert np.mean(own % 2 == label) > 0.9       # almost every photo sits in one of its own class's looks
        shares = sorted(np.bincount(own[own % 2 == label] // 2, minlength=3) / np.sum(own % 2 == label))
        assert np.allclose(shares, sorted(datasets.LOOK_SHARES), atol=0.03)


def test_five_per_class_generalise_clearly_worse_than_fifty_across_seeds():
    gaps = []
    for seed in SEEDS:
        few, many = _percentages(render("group-accuracy", seed=seed, scenario="few-vs-many")[1])
        gaps.append(many - few)
    gaps = np.array(gaps)
    # Seeds 0-19 give about 15 points on average (the old moons set gave 9, with a median of 6.5).
    assert gaps.mean() >= 0.12 and np.median(gaps) >= 0.1
    assert np.mean(gaps > 0) >= 0.8                 # and few is behind on (nearly) every seed


def test_trained_in_one_light_the_other_light_fails_and_mixed_light_helps_across_seeds():
    same, other, varied_other = [], [], []
    for seed in SEEDS:
        X, y, X_pool, y_pool, group_pool = datasets.shifted(n_train=100, n_test=400, shift=1.5, seed=seed)
        lend, keep = np.arange(200), np.arange(200, 400)
        X_test, y_test, group = X_pool[keep], y_pool[keep], group_pool[keep]
        # Mixed light: 25 per class from the usual light and 25 per class lent from the different-light photos.
        other_light = lend[group_pool[lend] == 1]
        lent = np.r_[other_light[y_pool[other_light] == 0][:25], other_light[y_pool[other_light] == 1][:25]]
        half = np.r_[np.flatnonzero(y == 0)[:25], np.flatnonzero(y == 1)[:25]]
        one_light = _fit(X, y, seed)
        mixed = _fit(np.r_[X[half], X_pool[lent]], np.r_[y[half], y_pool[lent]], seed)
        same.append(_accuracy(one_light, X_test[group == 0], y_test[group == 0]))
        other.append(_accuracy(one_light, X_test[group == 1], y_test[group == 1]))
        varied_other.append(_accuracy(mixed, X_test[group == 1], y_test[group == 1]))
    same, other, varied_other = map(np.array, (same, other, varied_other))
    assert same.mean() >= 0.9 and np.all(same - other >= 0.2)          # the different-light group is the one failed
    assert (varied_other - other).mean() >= 0.15 and np.all(varied_other > other)


def test_lighting_plot_drop_holds_across_seeds():
    drops = [np.subtract(*_percentages(render("group-accuracy", seed=seed)[1])) for seed in SEEDS]
    assert min(drops) >= 0.2


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), shift=st.floats(0, 10))
def test_different_lighting_moves_only_that_group_and_only_its_brightness(seed, shift):
    X, y, X_test, y_test, group = datasets.shifted(n_train=20, n_test=40, shift=shift, seed=seed)
    X0, y0, X_test0, y_test0, group0 = datasets.shifted(n_train=20, n_test=40, shift=0, seed=seed)
    assert np.array_equal(X, X0) and np.array_equal(y, y0) and np.array_equal(y_test, y_test0)
    assert np.array_equal(group, group0) and np.bincount(group).tolist() == [20, 20]
    assert np.array_equal(X_test[group == 0], X_test0[group == 0])
    assert np.allclose(X_test[group == 1, 0] - X_test0[group == 1, 0], shift)
    assert np.array_equal(X_test[group == 1, 1], X_test0[group == 1, 1])
