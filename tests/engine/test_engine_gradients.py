"""Backprop gradients agree with centred finite differences for every activation × loss pairing, and small cases by hand."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Network
from engine.activations import sigmoid

HIDDEN = ["relu", "sigmoid", "tanh", "linear"]
OUTPUT_FOR_LOSS = {"mse": ["relu", "sigmoid", "tanh", "linear", "softmax"], "bce": ["sigmoid"], "ce": ["softmax"]}
CASES = [(loss, out, hidden) for loss, outs in OUTPUT_FOR_LOSS.items() for out in outs for hidden in HIDDEN]


def targets_for(loss, rng, n, n_out):
    if loss == "ce":
        return rng.integers(0, n_out, size=n)
    if loss == "bce":
        return rng.uniform(0, 1, size=(n, n_out))
    return rng.normal(size=(n, n_out))


def numeric_grads(net, X, Y, loss, eps=1e-5):
    grads = []
    params = net.params
    for i, (W, b) in enumerate(params):
        pair = []
        for arr in (W, b):
            g = np.zeros_like(arr)
            for idx in np.ndindex(arr.shape):
                old = arr[idx]
                arr[idx] = old + eps
                net.set_params(params)
                plus = net.loss(X, Y, loss)
                arr[idx] = old - eps
                net.set_params(params)
                minus = net.loss(X, Y, loss)
                arr[idx] = old
                g[idx] = (plus - minus) / (2 * eps)
            pair.append(g)
        grads.append(pair)
    net.set_params(params)
    return grads


def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||), the usual gradient-check measure; elementwise ratios blow up for tiny entries
    where the finite difference itself only has ~1e-11 absolute precision."""
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else np.linalg.norm(a - b) / scale


def check(net, X, Y, loss, per_array=True):
    """Backprop vs finite differences: relative error < 1e-7 and every entry within 1e-8.

    per_array=False measures the relative error over the whole gradient at once. Random tiny networks can give a
    parameter array whose gradient is ~1e-5 in size, where the centred difference's own round-off (~1e-11 absolute)
    alone exceeds 1e-7 relative; the whole-gradient ratio and the absolute bound still catch any backprop mistake.
    """
    _, grads = net.loss_and_grads(X, Y, loss)
    numeric = numeric_grads(net, X, Y, loss)
    for (dW, db), (nW, nb) in zip(grads, numeric):
        assert dW.shape == nW.shape and db.shape == nb.shape
        if per_array:
            assert relative_error(dW, nW) < 1e-7
            assert relative_error(db, nb) < 1e-7
        assert np.max(np.abs(dW - nW), initial=0) < 1e-8 and np.max(np.abs(db - nb), initial=0) < 1e-8
    flat = np.concatenate([g.ravel() for pair in grads for g in pair])
    flat_numeric = np.concatenate([g.ravel() for pair in numeric for g in pair])
    assert relative_error(flat, flat_numeric) < 1e-7


@pytest.mark.parametrize("loss,out,hidden", CASES)
@pytest.mark.parametrize("sizes", [[3, 4, 2], [2, 5, 3, 3]])
def test_gradients_match_finite_differences(loss, out, hidden, sizes):
    rng = np.random.default_rng(7)
    acts = [hidden] * (len(sizes) - 2) + [out]
    net = Network(sizes, acts, seed=3)
    # Non-zero biases so relu kinks and symmetric points are unlikely to sit exactly at the probe.
    net.set_params([(W, rng.normal(scale=0.3, size=b.shape)) for W, b in net.params])
    X = rng.normal(size=(6, sizes[0]))
    check(net, X, targets_for(loss, rng, 6, sizes[-1]), loss)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n_in=st.integers(1, 4), hidden=st.lists(st.integers(1, 5), min_size=0, max_size=2),
       n_out=st.integers(2, 3), n=st.integers(1, 5), case=st.sampled_from(CASES))
def test_gradients_on_random_shapes(seed, n_in, hidden, n_out, n, case):
    loss, out, hid = case
    rng = np.random.default_rng(seed)
    if out != "softmax" and rng.integers(2):
        n_out = 1
    sizes = [n_in, *hidden, n_out]
    net = Network(sizes, [hid] * len(hidden) + [out], seed=seed)
    net.set_params([(W, rng.normal(scale=0.3, size=b.shape)) for W, b in net.params])
    X = rng.normal(size=(n, n_in))
    check(net, X, targets_for(loss, rng, n, n_out), loss, per_array=False)


def test_one_neuron_by_hand():
    # z = 0.5*1 + (-1)*2 + 0.25 = -1.25; a = sigmoid(-1.25); mse = (a - 1)^2
    net = Network.from_params([(np.array([[0.5], [-1.0]]), np.array([0.25]))], ["sigmoid"])
    trace = net.forward(np.array([[1.0, 2.0]]))
    a = 1 / (1 + np.exp(1.25))
    n = trace.neuron(0, 0)
    assert n["products"] == [0.5, -2.0] and n["z"] == -1.25
    assert n["a"] == pytest.approx(a, abs=1e-15)
    loss, grads = net.loss_and_grads([[1.0, 2.0]], [[1.0]], "mse")
    assert loss == pytest.approx((a - 1) ** 2, abs=1e-15)
    delta = 2 * (a - 1) * a * (1 - a)
    np.testing.assert_allclose(grads[0][0], [[delta * 1.0], [delta * 2.0]], atol=1e-15)
    np.testing.assert_allclose(grads[0][1], [delta], atol=1e-15)


def test_two_layer_relu_by_hand():
    # x = (1, -1); hidden relu: z = (1*1 + -1*2 + 0, 1*-1 + -1*0.5 + 1) = (-1, -0.5) -> wait use positive case below
    W1 = np.array([[1.0, 2.0], [0.5, -1.0]])
    b1 = np.array([0.0, 1.0])
    W2 = np.array([[1.0], [-2.0]])
    b2 = np.array([0.5])
    net = Network.from_params([(W1, b1), (W2, b2)], ["relu", "linear"])
    x = np.array([[2.0, 1.0]])
    # hidden z = (2 + 0.5, 4 - 1 + 1) = (2.5, 4); a = (2.5, 4); out = 2.5 - 8 + 0.5 = -5
    trace = net.forward(x)
    assert trace.layers[0].z.tolist() == [[2.5, 4.0]]
    assert trace.output.tolist() == [[-5.0]]
    loss, grads, record = net.loss_and_grads(x, [[1.0]], "mse", return_trace=True)
    assert loss == 36.0
    # dL/dout = 2(-5 - 1) = -12; dW2 = a1 * -12; hidden deltas = -12 * W2 = (-12, 24)
    assert record.deltas[1].tolist() == [[-12.0]]
    assert grads[1][0].tolist() == [[-30.0], [-48.0]]
    assert record.deltas[0].tolist() == [[-12.0, 24.0]]
    assert grads[0][0].tolist() == [[-24.0, 48.0], [-12.0, 24.0]]
    assert record.blame(0, 1)["db"] == 24.0


def test_bce_and_ce_are_stable_for_huge_logits():
    net = Network.from_params([(np.array([[1000.0]]), np.array([0.0]))], ["sigmoid"])
    loss, grads = net.loss_and_grads([[1.0], [-1.0]], [[0.0], [1.0]], "bce")
    assert loss == pytest.approx(1000.0)
    assert np.all(np.isfinite(grads[0][0]))
    net = Network.from_params([(np.array([[1000.0, -1000.0, 0.0]]), np.zeros(3))], ["softmax"])
    loss, _ = net.loss_and_grads([[1.0]], [1], "ce")
    assert loss == pytest.approx(2000.0)


def test_sigmoid_keeps_precision_in_the_tails():
    assert sigmoid(np.array(-40.0)) == pytest.approx(np.exp(-40.0) / (1 + np.exp(-40.0)), rel=1e-13)
    assert sigmoid(np.array(800.0)) == 1.0


@pytest.mark.parametrize("loss,out,hidden", [("mse", "tanh", "relu"), ("bce", "sigmoid", "tanh"), ("ce", "softmax", "sigmoid")])
def test_gradients_match_pytorch_autodiff(loss, out, hidden):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    sizes = [3, 5, 4, 2 if out != "sigmoid" else 1]
    net = Network(sizes, [hidden, hidden, out], seed=2)
    X = rng.normal(size=(7, 3))
    Y = targets_for(loss, rng, 7, sizes[-1])
    value, grads = net.loss_and_grads(X, Y, loss)
    params = [(torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True)) for W, b in net.params]
    fns = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}
    a = torch.tensor(X)
    for W, b in params[:-1]:
        a = fns[hidden](a @ W + b)
    z = a @ params[-1][0] + params[-1][1]
    if loss == "mse":
        t = torch.nn.functional.mse_loss(torch.tanh(z), torch.tensor(Y))
    elif loss == "bce":
        t = torch.nn.functional.binary_cross_entropy_with_logits(z, torch.tensor(Y))
    else:
        t = torch.nn.functional.cross_entropy(z, torch.tensor(Y))
    t.backward()
    assert value == pytest.approx(t.item(), abs=1e-12)
    for (dW, db), (W, b) in zip(grads, params):
        np.testing.assert_allclose(dW, W.grad.numpy(), atol=1e-12)
        np.testing.assert_allclose(db, b.grad.numpy(), atol=1e-12)
