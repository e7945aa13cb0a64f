"""A fully connected neural network whose forward and backward passes keep every number for explanations."""

from dataclasses import dataclass, field

import numpy as np

from . import activations as act
from . import losses


def _to_floats(x):
    """A NumPy value as plain Python floats (nested lists), so it can go straight into JSON."""
    return np.asarray(x, dtype=float).tolist()


@dataclass
class LayerTrace:
    """One layer's forward pass. inputs: (n_samples, fan_in); W: (fan_in, fan_out); b, per-sample z and a: (n_samples, fan_out)."""

    index: int
    activation: str
    inputs: np.ndarray
    W: np.ndarray
    b: np.ndarray
    z: np.ndarray
    a: np.ndarray


@dataclass
class Trace:
    """Every weighted sum z and activation a of a forward pass, per layer and per sample.

    layers[i] is weight layer i (layers[0] feeds the first hidden layer from the inputs).
    """

    X: np.ndarray
    layers: list

    @property
    def output(self):
        """The network's prediction: (n_samples, n_outputs)."""
        return self.layers[-1].a

    def neuron(self, layer, j, sample=0):
        """Everything needed to show `z = w·x + b` and `a = f(z)` for neuron j of `layer` on one sample, as a JSON-able dict."""
        if not 0 <= layer < len(self.layers):
            raise ValueError(f"layer must be between 0 and {len(self.layers) - 1}, got {layer}")
        L = self.layers[layer]
        if not 0 <= j < L.W.shape[1]:
            raise ValueError(f"layer {layer} has neurons 0..{L.W.shape[1] - 1}, got {j}")
        if not 0 <= sample < self.X.shape[0]:
            raise ValueError(f"sample must be between 0 and {self.X.shape[0] - 1}, got {sample}")
        x = L.inputs[sample]
        w = L.W[:, j]
        return {
            "layer": layer,
            "neuron": j,
            "sample": sample,
            "inputs": _to_floats(x),
            "weights": _to_floats(w),
            "products": _to_floats(x * w),
            "bias": float(L.b[j]),
            "z": float(L.z[sample, j]),
            "activation": L.activation,
            "a": float(L.a[sample, j]),
            # softmax needs the whole layer's z to explain one output, so it travels along.
            "layer_z": _to_floats(L.z[sample]) if L.activation == "softmax" else None,
        }

    def to_dict(self):
        """The whole trace as nested lists of floats."""
        return {"X": _to_floats(self.X),
                "layers": [{"activation": L.activation, "z": _to_floats(L.z), "a": _to_floats(L.a)} for L in self.layers]}


@dataclass
class Backprop:
    """A forward and backward pass: the loss, and for each layer the error signal delta = dL/dz and the gradients.

    deltas[i]: (n_samples, fan_out), the blame flowing backwards into layer i's weighted sums;
    grads[i] = (dW (fan_in, fan_out), db (fan_out,)); targets: (n_samples, n_outputs).
    """

    loss_name: str
    loss: float
    targets: np.ndarray
    trace: Trace
    deltas: list
    grads: list = field(default_factory=list)

    def blame(self, layer, j):
        """How much of the loss neuron j of `layer` is blamed for: its delta per sample and its weight and bias gradients."""
        dW, db = self.grads[layer]
        return {"layer": layer, "neuron": j, "delta": _to_floats(self.deltas[layer][:, j]),
                "dW": _to_floats(dW[:, j]), "db": float(db[j])}


def _init_scale(activation, fan_in, fan_out):
    """Standard deviation of the starting weights: He for relu, Xavier (Glorot) for the squashing and linear units."""
    if activation == "relu":
        return np.sqrt(2.0 / fan_in)
    return np.sqrt(2.0 / (fan_in + fan_out))


def _check_architecture(sizes, activations):
    sizes = list(sizes)
    activations = list(activations)
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least an input and an output layer, got {sizes}")
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1:
            raise ValueError(f"every layer size must be a whole number of at least 1, got {sizes}")
    if len(activations) != len(sizes) - 1:
        raise ValueError(f"{len(sizes) - 1} weight layers need {len(sizes) - 1} activations, got {len(activations)}")
    for i, name in enumerate(activations):
        act.check_name(name)
        if name == "softmax" and i != len(activations) - 1:
            raise ValueError("softmax can only be the last layer's activation")
    if activations[-1] == "softmax" and sizes[-1] < 2:
        raise ValueError("a softmax output layer needs at least 2 neurons (one per class)")
    return [int(s) for s in sizes], activations


class Network:
    """A fully connected network. Weights W: (fan_in, fan_out) and biases b: (fan_out,) per layer.

    sizes: neurons per layer, inputs first, e.g. [2, 3, 1]; activations: one name per weight layer.
    The same seed always gives the same starting weights (numpy.random.default_rng).
    """

    def __init__(self, sizes, activations, seed=0):
        self.sizes, self.activations = _check_architecture(sizes, activations)
        self._allocate()
        rng = np.random.default_rng(seed)
        for W, fan_in, fan_out, name in zip(self._W, self.sizes[:-1], self.sizes[1:], self.activations):
            W[...] = rng.standard_normal((fan_in, fan_out)) * _init_scale(name, fan_in, fan_out)

    def _allocate(self):
        """All weights and biases live in one flat float64 array, so training updates every parameter in one step.

        Layer i is the block _blocks[i] of shape (fan_in + 1, fan_out): its first fan_in rows are W (_W[i]) and its
        last row is b (_b[i]); all are views of _theta and are only ever changed in place.
        """
        shapes = [(fan_in + 1, fan_out) for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:])]
        self._theta = np.zeros(sum(r * c for r, c in shapes))
        self._blocks, start = [], 0
        for r, c in shapes:
            self._blocks.append(self._theta[start:start + r * c].reshape(r, c))
            start += r * c
        self._W = [P[:-1] for P in self._blocks]
        self._b = [P[-1] for P in self._blocks]
        self._kernels = {}  # training work buffers per batch shape (see training._Kernel)

    def __getstate__(self):
        return {"sizes": self.sizes, "activations": self.activations, "params": self.params}

    def __setstate__(self, state):
        # Copies (deepcopy, pickle) get their own flat parameter array with views into it.
        self.sizes, self.activations = list(state["sizes"]), list(state["activations"])
        self._allocate()
        for W, b, (W_new, b_new) in zip(self._W, self._b, state["params"]):
            W[...], b[...] = W_new, b_new

    @classmethod
    def from_params(cls, params, activations):
        """A network with hand-chosen weights. params: [(W (fan_in, fan_out), b (fan_out,)), ...]."""
        params = list(params)
        if not params:
            raise ValueError("params must hold at least one (W, b) pair")
        try:
            sizes = [np.asarray(params[0][0]).shape[0]] + [np.asarray(W).shape[1] for W, _ in params]
        except (IndexError, TypeError, ValueError):
            raise ValueError("params must be a list of (W, b) pairs with W of shape (fan_in, fan_out)") from None
        net = cls(sizes, activations, seed=0)
        net.set_params(params)
        return net

    @property
    def params(self):
        """Copies of [(W, b), ...]; change weights with set_params so shapes are checked."""
        return [(W.copy(), b.copy()) for W, b in zip(self._W, self._b)]

    def set_params(self, params):
        """Replace all weights and biases. params: [(W (fan_in, fan_out), b (fan_out,)), ...] matching sizes."""
        params = list(params)
        if len(params) != len(self._W):
            raise ValueError(f"expected {len(self._W)} (W, b) pairs, got {len(params)}")
        new_W, new_b = [], []
        for i, pair in enumerate(params):
            try:
                W, b = pair
            except (TypeError, ValueError):
                raise ValueError(f"layer {i}: expected a (W, b) pair") from None
            W = np.array(W, dtype=float)
            b = np.array(b, dtype=float)
            want = (self.sizes[i], self.sizes[i + 1])
            if W.shape != want:
                raise ValueError(f"layer {i}: W must have shape {want}, got {W.shape}")
            if b.shape != (want[1],):
                raise ValueError(f"layer {i}: b must have shape ({want[1]},), got {b.shape}")
            if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
                raise ValueError(f"layer {i}: weights and biases must be finite numbers")
            new_W.append(W)
            new_b.append(b)
        for W, b, W_new, b_new in zip(self._W, self._b, new_W, new_b):
            W[...], b[...] = W_new, b_new

    def params_to_list(self):
        """Weights and biases as JSON-able nested lists: [{"W": [[...]], "b": [...]}, ...]."""
        return [{"W": _to_floats(W), "b": _to_floats(b)} for W, b in zip(self._W, self._b)]

    def _check_X(self, X):
        X = np.asarray(X, dtype=float)
        if X.ndim == 1 and self.sizes[0] == X.shape[0]:
            X = X.reshape(1, -1)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have shape (n_samples, {self.sizes[0]}), got {X.shape}")
        return X

    def _forward_arrays(self, X):
        """Fast forward pass without a Trace: lists of z and a per layer, each (n_samples, fan_out)."""
        zs, acts = [], []
        a = X
        for W, b, name in zip(self._W, self._b, self.activations):
            z = a @ W + b
            a = act.FUNCTIONS[name](z)
            zs.append(z)
            acts.append(a)
        return zs, acts

    def predict(self, X):
        """Outputs of the last layer for X: (n_samples, n_inputs) -> (n_samples, n_outputs). No trace is kept."""
        a = self._check_X(X)
        for W, b, name in zip(self._W, self._b, self.activations):
            a = act.FUNCTIONS[name](a @ W + b)
        return a

    def forward(self, X):
        """Forward pass keeping everything. X: (n_samples, n_inputs) (or one sample (n_inputs,)) -> Trace."""
        X = self._check_X(X)
        zs, acts = self._forward_arrays(X)
        inputs = [X] + acts[:-1]
        layers = [LayerTrace(i, name, inp, W.copy(), b.copy(), z, a)
                  for i, (name, inp, W, b, z, a) in enumerate(zip(self.activations, inputs, self._W, self._b, zs, acts))]
        return Trace(X, layers)

    def _check_loss(self, loss):
        losses.check_name(loss)
        need = losses.OUTPUT_ACTIVATION.get(loss)
        if need and self.activations[-1] != need:
            raise ValueError(f"the {loss} loss needs a {need} output layer, this network ends in {self.activations[-1]}")
        if "step" in self.activations:
            raise ValueError("a network with step neurons cannot be trained by backpropagation (step has no gradient)")

    def _backward_arrays(self, X, zs, acts, Y, loss):
        """Deltas dL/dz and gradients per layer from a forward pass's arrays. Y: (n_samples, n_outputs)."""
        g = losses.output_grad(loss, acts[-1], Y)
        # bce and ce give dL/dz directly; mse gives dL/da, which still has to pass through the output activation.
        delta = act.backward(self.activations[-1], zs[-1], acts[-1], g) if loss == "mse" else g
        n = len(self._W)
        deltas, grads = [None] * n, [None] * n
        for i in range(n - 1, -1, -1):
            inp = acts[i - 1] if i else X
            deltas[i] = delta
            grads[i] = (inp.T @ delta, delta.sum(axis=0))
            if i:
                delta = act.backward(self.activations[i - 1], zs[i - 1], acts[i - 1], delta @ self._W[i].T)
        return deltas, grads

    def loss(self, X, Y, loss="mse"):
        """The loss for inputs X: (n_samples, n_inputs) and targets Y: (n_samples, n_outputs)."""
        self._check_loss(loss)
        X = self._check_X(X)
        Y = losses.as_targets(Y, loss, self.sizes[-1], X.shape[0])
        zs, acts = self._forward_arrays(X)
        return losses.value(loss, zs[-1], acts[-1], Y)

    def loss_and_grads(self, X, Y, loss="mse", return_trace=False):
        """Loss and exact gradients [(dW, db), ...] (same shapes as params) for X: (n_samples, n_inputs), Y: targets.

        Y: (n_samples, n_outputs), or (n_samples,) labels for ce / a one-output network.
        With return_trace=True also returns a Backprop record of every z, a and delta.
        """
        self._check_loss(loss)
        X = self._check_X(X)
        Y = losses.as_targets(Y, loss, self.sizes[-1], X.shape[0])
        if return_trace:
            record = self.backward(self.forward(X), Y, loss)
            return record.loss, record.grads, record
        zs, acts = self._forward_arrays(X)
        _, grads = self._backward_arrays(X, zs, acts, Y, loss)
        return losses.value(loss, zs[-1], acts[-1], Y), grads

    def backward(self, trace, Y, loss="mse"):
        """Backpropagate from a forward Trace: the blame dL/dz of every neuron and every gradient, as a Backprop record."""
        self._check_loss(loss)
        Y = losses.as_targets(Y, loss, self.sizes[-1], trace.X.shape[0])
        zs = [L.z for L in trace.layers]
        acts = [L.a for L in trace.layers]
        deltas, grads = self._backward_arrays(trace.X, zs, acts, Y, loss)
        return Backprop(loss, losses.value(loss, zs[-1], acts[-1], Y), Y, trace, deltas, grads)

    def __repr__(self):
        return f"Network(sizes={self.sizes}, activations={self.activations})"
