"""Gradient-descent training (full-batch or mini-batch, optional momentum) that records a JSON-able history."""

import math
from dataclasses import dataclass, field

import numpy as np

from . import activations as act
from . import losses


def _json_float(x):
    """A float for JSON: NaN and infinity (a diverged run) become None."""
    x = float(x)
    return x if math.isfinite(x) else None


@dataclass
class History:
    """What happened in a training run, one entry per epoch 0..epochs_run (epoch 0 is before any update).

    Accuracies are None when the targets are not class labels. snapshots maps an epoch to its weights
    ([{"W": ..., "b": ...}, ...]). If training stopped early or diverged, stop_epoch and stop_reason say when and why.
    """

    settings: dict
    epochs: list = field(default_factory=list)
    train_loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    snapshots: dict = field(default_factory=dict)
    diverged: bool = False
    diverged_epoch: int | None = None
    stopped_early: bool = False
    stop_epoch: int | None = None
    stop_reason: str | None = None
    best_epoch: int | None = None

    @property
    def epochs_run(self):
        """How many updates were applied before training ended."""
        return self.epochs[-1] if self.epochs else 0

    def to_dict(self):
        """Everything as plain JSON types (NaN/inf as None)."""
        def floats(xs):
            return [None if x is None else _json_float(x) for x in xs]
        return {
            "settings": self.settings,
            "epochs": list(self.epochs),
            "epochs_run": self.epochs_run,
            "train_loss": floats(self.train_loss),
            "val_loss": floats(self.val_loss),
            "train_accuracy": floats(self.train_accuracy),
            "val_accuracy": floats(self.val_accuracy),
            "snapshots": {str(k): v for k, v in self.snapshots.items()},
            "diverged": self.diverged,
            "diverged_epoch": self.diverged_epoch,
            "stopped_early": self.stopped_early,
            "stop_epoch": self.stop_epoch,
            "stop_reason": self.stop_reason,
            "best_epoch": self.best_epoch,
        }


def _is_label_targets(Y):
    return bool(np.all((Y == 0) | (Y == 1)))


def _gradients(Ws, names, X, zs, acts, Y, loss):
    """Gradients [(dW, db), ...] from a forward pass, without keeping the per-layer deltas (the training hot path)."""
    g = losses.output_grad(loss, acts[-1], Y)
    delta = act.backward(names[-1], zs[-1], acts[-1], g) if loss == "mse" else g
    grads = [None] * len(Ws)
    for i in range(len(Ws) - 1, 0, -1):
        grads[i] = (acts[i - 1].T @ delta, delta.sum(axis=0))
        delta = act.backward(names[i - 1], zs[i - 1], acts[i - 1], delta @ Ws[i].T)
    grads[0] = (X.T @ delta, delta.sum(axis=0))
    return grads


def _forward(Ws, bs, fns, X):
    zs, acts = [], []
    a = X
    for W, b, f in zip(Ws, bs, fns):
        z = a @ W
        z += b
        a = f(z)
        zs.append(z)
        acts.append(a)
    return zs, acts


def train_step(net, X, Y, loss="mse", lr=0.1):
    """One full gradient-descent step on (X: (n_samples, n_inputs), Y: (n_samples, n_outputs)); returns the loss before it.

    Y must already be a float array of shape (n_samples, n_outputs) (see losses.as_targets); nothing is checked here,
    so this is the fast path for loops and benchmarks.
    """
    Ws, bs = net._W, net._b
    zs, acts = _forward(Ws, bs, [act.FUNCTIONS[n] for n in net.activations], X)
    value = losses.value(loss, zs[-1], acts[-1], Y)
    for W, b, (dW, db) in zip(Ws, bs, _gradients(Ws, net.activations, X, zs, acts, Y, loss)):
        dW *= lr
        W -= dW
        db *= lr
        b -= db
    return value


def _check_settings(net, X, Y, loss, lr, epochs, batch_size, momentum, patience, X_val, Y_val, snapshot_epochs):
    net._check_loss(loss)
    X = net._check_X(X)
    Y = losses.as_targets(Y, loss, net.sizes[-1], X.shape[0])
    if not (isinstance(lr, (int, float)) and math.isfinite(lr) and lr > 0):
        raise ValueError(f"lr (the learning rate) must be a positive number, got {lr!r}")
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"epochs must be a whole number of at least 0, got {epochs!r}")
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer))
                                   or batch_size < 1):
        raise ValueError(f"batch_size must be a whole number of at least 1 (or None for full batch), got {batch_size!r}")
    if not (isinstance(momentum, (int, float)) and 0 <= momentum < 1):
        raise ValueError(f"momentum must be a number in [0, 1), got {momentum!r}")
    if (X_val is None) != (Y_val is None):
        raise ValueError("give both X_val and Y_val, or neither")
    if X_val is not None:
        X_val = net._check_X(X_val)
        Y_val = losses.as_targets(Y_val, loss, net.sizes[-1], X_val.shape[0])
    if patience is not None:
        if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)) or patience < 1:
            raise ValueError(f"patience must be a whole number of at least 1, got {patience!r}")
        if X_val is None:
            raise ValueError("patience (stop when validation loss rises) needs X_val and Y_val")
    snaps = set()
    for e in snapshot_epochs:
        if isinstance(e, bool) or not isinstance(e, (int, np.integer)) or not 0 <= e <= epochs:
            raise ValueError(f"snapshot epochs must be whole numbers between 0 and {epochs}, got {e!r}")
        snaps.add(int(e))
    return X, Y, X_val, Y_val, snaps


def train(net, X, Y, loss="bce", lr=0.5, epochs=200, seed=0, X_val=None, Y_val=None, batch_size=None, momentum=0.0,
          snapshot_epochs=(), callback=None, patience=None, diverge_above=1e10):
    """Train `net` in place by gradient descent and return its History.

    X: (n_samples, n_inputs); Y: (n_samples, n_outputs) or labels (n_samples,) (see losses.as_targets);
    X_val, Y_val: the same for a validation set. batch_size None means full batch; mini-batches are shuffled with
    numpy.random.default_rng(seed). momentum: 0 for plain gradient descent.
    snapshot_epochs: epochs whose weights are kept in history.snapshots.
    callback(epoch, history): called after each epoch is recorded; returning a true value stops training.
    patience: stop once validation loss has risen for this many epochs in a row (the overfitting alarm).
    Training stops and history.diverged is set when the loss becomes NaN, infinite or larger than diverge_above.
    """
    X, Y, X_val, Y_val, snaps = _check_settings(net, X, Y, loss, lr, epochs, batch_size, momentum, patience,
                                                X_val, Y_val, snapshot_epochs)
    history = History(settings={"sizes": net.sizes, "activations": net.activations, "loss": loss, "lr": float(lr),
                                "epochs": int(epochs), "seed": int(seed), "batch_size": batch_size,
                                "momentum": float(momentum), "patience": patience})
    n = X.shape[0]
    full_batch = batch_size is None or batch_size >= n
    rng = np.random.default_rng(seed)
    Ws, bs, names = net._W, net._b, net.activations
    fns = [act.FUNCTIONS[name] for name in names]
    out_fn = fns[-1]
    velocity = [(np.zeros_like(W), np.zeros_like(b)) for W, b in zip(Ws, bs)] if momentum else None
    labels = _is_label_targets(Y)
    val_labels = X_val is not None and _is_label_targets(Y_val)
    rises = 0

    def apply_update(grads):
        if velocity is None:
            for W, b, (dW, db) in zip(Ws, bs, grads):
                dW *= lr
                W -= dW
                db *= lr
                b -= db
        else:
            for W, b, (vW, vb), (dW, db) in zip(Ws, bs, velocity, grads):
                vW *= momentum
                vW -= lr * dW
                W += vW
                vb *= momentum
                vb -= lr * db
                b += vb

    # Overflow in a diverging run is expected and reported through history.diverged, so numpy stays quiet.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(epochs + 1):
            zs, acts = _forward(Ws, bs, fns, X)
            value = losses.value(loss, zs[-1], acts[-1], Y)
            history.epochs.append(epoch)
            history.train_loss.append(value)
            history.train_accuracy.append(losses.accuracy(acts[-1], Y) if labels else None)
            if X_val is not None:
                a = X_val
                for W, b, f in zip(Ws[:-1], bs[:-1], fns[:-1]):
                    a = f(a @ W + b)
                z_val = a @ Ws[-1] + bs[-1]
                a_val = out_fn(z_val)
                history.val_loss.append(losses.value(loss, z_val, a_val, Y_val))
                history.val_accuracy.append(losses.accuracy(a_val, Y_val) if val_labels else None)
            if epoch in snaps:
                history.snapshots[epoch] = net.params_to_list()
            if not math.isfinite(value) or abs(value) > diverge_above:
                history.diverged, history.diverged_epoch, history.stop_epoch = True, epoch, epoch
                history.stop_reason = (f"the training loss became {value!r} at epoch {epoch}: the learning rate "
                                       f"{lr} is too large, so each step overshoots further")
                break
            if callback is not None and callback(epoch, history):
                history.stopped_early, history.stop_epoch = True, epoch
                history.stop_reason = f"the callback asked to stop at epoch {epoch}"
                break
            if patience is not None and epoch > 0:
                rises = rises + 1 if history.val_loss[-1] > history.val_loss[-2] else 0
                if rises >= patience:
                    start = epoch - patience
                    history.stopped_early, history.stop_epoch = True, epoch
                    history.stop_reason = (f"validation loss rose for {patience} epochs in a row, from "
                                           f"{history.val_loss[start]:.4g} at epoch {start} to "
                                           f"{history.val_loss[-1]:.4g} at epoch {epoch}: the network is "
                                           f"starting to memorise the training data")
                    break
            if epoch == epochs:
                break
            if full_batch:
                apply_update(_gradients(Ws, names, X, zs, acts, Y, loss))
            else:
                order = rng.permutation(n)
                for start in range(0, n, batch_size):
                    idx = order[start:start + batch_size]
                    Xb, Yb = X[idx], Y[idx]
                    zb, ab = _forward(Ws, bs, fns, Xb)
                    apply_update(_gradients(Ws, names, Xb, zb, ab, Yb, loss))
    watched = history.val_loss if X_val is not None else history.train_loss
    finite = [(v, e) for e, v in zip(history.epochs, watched) if math.isfinite(v)]
    history.best_epoch = min(finite)[1] if finite else None
    return history
