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


def _whole(x):
    return not isinstance(x, bool) and isinstance(x, (int, np.integer))


def _number(x):
    return not isinstance(x, bool) and isinstance(x, (int, float, np.integer, np.floating)) and math.isfinite(x)


@dataclass
class OverfittingWatch:
    """The overfitting alarm, resumable: give it to train(watch=...) and carry state() from one run to the next.

    It remembers the epoch with the lowest validation loss so far and the training loss then. It fires once at least
    `patience` epochs have passed since that best epoch, the validation loss is now more than `rise` (0.10: 10%)
    above its best, and the training loss is below where it was at the best: the network is memorising its training
    data. Epochs whose losses are not finite (a diverging run) are ignored. alarm=False keeps track of the best
    but never fires. After update() returns True, `fired` holds {"epoch", "train_loss", "val_loss"} of that epoch.
    """

    patience: int = 20
    rise: float = 0.10
    best_epoch: int | None = None
    best_val_loss: float | None = None
    train_loss_at_best: float | None = None
    alarm: bool = True
    fired: dict | None = field(default=None, compare=False)

    def __post_init__(self):
        self.check()

    def check(self):
        """Raise ValueError unless the settings and the remembered best make sense."""
        if not _whole(self.patience) or self.patience < 1:
            raise ValueError(f"the watch's patience must be a whole number of at least 1, got {self.patience!r}")
        if not _number(self.rise) or self.rise < 0:
            raise ValueError(f"the watch's rise must be a number of at least 0 (0.1 for 10%), got {self.rise!r}")
        if self.alarm is not True and self.alarm is not False:
            raise ValueError(f"the watch's alarm must be True or False, got {self.alarm!r}")
        best = (self.best_epoch, self.best_val_loss, self.train_loss_at_best)
        if all(v is None for v in best):
            return
        if not _whole(self.best_epoch) or self.best_epoch < 0:
            raise ValueError(f"the watch's best_epoch must be a whole number of at least 0, got {self.best_epoch!r}")
        for name in ("best_val_loss", "train_loss_at_best"):
            if not _number(getattr(self, name)):
                raise ValueError(f"the watch's {name} must be a finite number, got {getattr(self, name)!r}")

    def update(self, epoch, train_loss, val_loss):
        """Record one epoch's losses; True when the alarm fires at this epoch."""
        self.fired = None
        if not (math.isfinite(val_loss) and math.isfinite(train_loss)):
            return False
        if self.best_epoch is None or val_loss < self.best_val_loss:
            self.best_epoch, self.best_val_loss, self.train_loss_at_best = epoch, val_loss, train_loss
            return False
        if (self.alarm and epoch - self.best_epoch >= self.patience and val_loss > self.best_val_loss * (1 + self.rise)
                and train_loss < self.train_loss_at_best):
            self.fired = {"epoch": epoch, "train_loss": train_loss, "val_loss": val_loss}
            return True
        return False

    def reason(self):
        """Why the alarm fired, as a sentence with the numbers (None if it has not fired)."""
        f = self.fired
        if f is None:
            return None
        return (f"validation loss has not beaten its best ({self.best_val_loss:.4g} at epoch {self.best_epoch}) for "
                f"{f['epoch'] - self.best_epoch} epochs and reached {f['val_loss']:.4g} at epoch {f['epoch']}, more "
                f"than {self.rise * 100:.3g}% above it, while the training loss kept falling from "
                f"{self.train_loss_at_best:.4g} to {f['train_loss']:.4g}: the network is starting to memorise the "
                f"training data")

    def state(self):
        """The remembered best as a JSON-able dict to carry to the next run (None before any finite epoch)."""
        if self.best_epoch is None:
            return None
        return {"best_epoch": int(self.best_epoch), "best_val_loss": float(self.best_val_loss),
                "train_loss_at_best": float(self.train_loss_at_best)}

    @classmethod
    def from_state(cls, state, patience=20, rise=0.10, alarm=True):
        """A watch that carries on from state() (None: a fresh watch); ValueError if the state does not fit."""
        if state is None:
            return cls(patience=patience, rise=rise, alarm=alarm)
        keys = {"best_epoch", "best_val_loss", "train_loss_at_best"}
        if not isinstance(state, dict) or set(state) != keys:
            raise ValueError(f"a watch state must be a dict with exactly the keys {sorted(keys)}, got {state!r}")
        return cls(patience=patience, rise=rise, alarm=alarm, **state)


def _is_label_targets(Y):
    return bool(np.all((Y == 0) | (Y == 1)))


# np.dot has less per-call overhead than np.matmul for these tiny 2-D products (same BLAS routine underneath).
_dot, _add, _subtract, _multiply, _negative = np.dot, np.add, np.subtract, np.multiply, np.negative
_exp, _logaddexp, _maximum, _minimum, _ceil, _tanh = np.exp, np.logaddexp, np.maximum, np.minimum, np.ceil, np.tanh
_sum = np.add.reduce


class _Kernel:
    """Work buffers for training one network on batches of n samples with one loss, so a step allocates nothing.

    Everything is stored feature-major (transposed: one row per neuron, one column per sample) so that every
    elementwise operation runs on contiguous memory. Layer i computes ZT[i] = P[i].T @ AT[i], where AT[i]
    (fan_in + 1, n) is the layer's input with a last row of ones and P[i] = [W; b] (fan_in + 1, fan_out) is a view of
    the network's flat parameter array: the bias add is part of the matrix product, and one product
    AT[i] @ DT[i].T gives dW and db together. Gradients land in one flat array shaped like the parameters, so an
    update is a single subtraction. Scalars (0, 1) are full arrays here because NumPy's fast loops need that.
    """

    def __init__(self, net, n, loss):
        sizes, names = net.sizes, net.activations
        self.n, self.loss, self.names, self.out_name = n or math.nan, loss, names[:-1], names[-1]
        self.theta, self.P = net._theta, net._blocks
        self.PT = [P.T for P in self.P]
        self.W = net._W
        self.AT = [np.ones((fan_in + 1, n)) for fan_in in sizes[:-1]]
        self.aT = [A[:-1] for A in self.AT]  # inputs / activations without the row of ones, contiguous
        self.XT = self.aT[0]
        self.ZT = [np.empty((fan_out, n)) for fan_out in sizes[1:]]
        self.TT = [np.empty((fan_out, n)) for fan_out in sizes[1:]]  # scratch per layer
        self.DT = [np.empty((fan_out, n)) for fan_out in sizes[1:]]  # deltas dL/dz (times the step scale)
        self.zeros = [np.zeros((fan_out, n)) for fan_out in sizes[1:]]
        self.ones = [np.ones((fan_out, n)) for fan_out in sizes[1:]]
        self.outT = np.empty((sizes[-1], n))  # the network's output activations
        self.out = self.outT.T  # (n, n_outputs)
        self.grad = np.empty_like(self.theta)
        self.gP, start = [], 0
        for P in self.P:
            self.gP.append(self.grad[start:start + P.size].reshape(P.shape))
            start += P.size
        # the means divide by these; with no samples the loss is NaN, as np.mean of nothing is
        self.size = n * sizes[-1] or math.nan
        self.row = np.empty((1, n))
        self.row_max = np.empty((1, n))

    def _activate(self, name, i, out):
        """out = activation(z) of layer i, with the same arithmetic as activations.py."""
        z = self.ZT[i]
        if name == "relu":
            _maximum(z, self.zeros[i], out=out)
        elif name == "sigmoid":
            t = self.TT[i]
            _negative(z, out=t)
            _logaddexp(self.zeros[i], t, out=t)
            _negative(t, out=t)
            _exp(t, out=out)
        elif name == "tanh":
            _tanh(z, out=out)
        else:  # linear
            np.copyto(out, z)

    def forward(self, Y):
        """Forward pass from self.XT (already filled in); the loss against targets Y (n, n_outputs) as a float."""
        AT, aT, ZT, PT = self.AT, self.aT, self.ZT, self.PT
        for i, name in enumerate(self.names):
            _dot(PT[i], AT[i], ZT[i])
            self._activate(name, i, aT[i + 1])
        i = len(PT) - 1
        z, out, t, YT = ZT[i], self.outT, self.TT[i], Y.T
        _dot(PT[i], AT[i], z)
        loss = self.loss
        if loss == "bce":
            # The same softplus log(1 + e^z) serves the loss and the output sigmoid(z) = exp(z - softplus(z)).
            sp = self.DT[i]
            _logaddexp(self.zeros[i], z, out=sp)
            _multiply(YT, z, out=t)
            _subtract(sp, t, out=t)
            value = float(_sum(t, axis=None)) / self.size
            _subtract(z, sp, out=t)
            _exp(t, out=out)
            return value
        if loss == "ce":
            row, row_max = self.row, self.row_max
            np.max(z, axis=0, keepdims=True, out=row_max)
            _subtract(z, row_max, out=t)
            _exp(t, out=t)
            _sum(t, axis=0, keepdims=True, out=row)
            np.divide(t, row, out=out)
            np.log(row, out=row)
            _add(row, row_max, out=row)
            _subtract(row, z, out=t)
            _multiply(YT, t, out=t)
            return float(_sum(t, axis=None)) / self.n
        if self.out_name == "softmax":
            out[...] = act.softmax(z.T).T
        else:
            self._activate(self.out_name, i, out)
        _subtract(out, YT, out=t)
        _multiply(t, t, out=t)
        return float(_sum(t, axis=None)) / self.size

    def backward(self, Y, scale):
        """Gradients of scale * loss into self.grad, from the last forward pass."""
        i = len(self.P) - 1
        DT, outT = self.DT, self.outT
        d = DT[i]
        _subtract(outT, Y.T, out=d)
        if self.loss == "mse":
            _multiply(d, 2.0 * scale / self.size, out=d)
            if self.out_name == "softmax":
                d[...] = act.backward("softmax", self.ZT[i].T, outT.T, d.T).T
            else:
                self._through(self.out_name, i, d)
        else:
            _multiply(d, scale / (self.size if self.loss == "bce" else self.n), out=d)
        AT, gP, W = self.AT, self.gP, self.W
        while i:
            _dot(AT[i], d.T, gP[i])
            g = DT[i - 1]
            if d.shape[0] == 1:  # one neuron: W @ d is an outer product, cheaper as a broadcast multiply
                _multiply(W[i], d, out=g)
            else:
                _dot(W[i], d, g)
            self._through(self.names[i - 1], i - 1, g)
            d = g
            i -= 1
        _dot(AT[0], d.T, gP[0])

    def _through(self, name, i, g):
        """g (dL/da of layer i) becomes dL/dz in place."""
        if name == "linear":
            return
        a = self.aT[i + 1] if i + 1 < len(self.aT) else self.outT
        t = self.TT[i]
        if name == "relu":
            # relu'(z) is 1 where a = relu(z) > 0, else 0: ceil(min(a, 1)) gives exactly that as floats.
            _minimum(a, self.ones[i], out=t)
            _ceil(t, out=t)
            _multiply(g, t, out=g)
        elif name == "sigmoid":
            _multiply(g, a, out=g)
            _subtract(self.ones[i], a, out=t)
            _multiply(g, t, out=g)
        elif name == "tanh":
            _multiply(a, a, out=t)
            _subtract(self.ones[i], t, out=t)
            _multiply(g, t, out=g)


def _kernel(net, n, loss, use="train"):
    """The network's work buffers for batches of n samples (made once; validation passes get their own)."""
    kernels = net._kernels
    k = kernels.get((n, loss, use))
    if k is None:
        k = kernels[(n, loss, use)] = _Kernel(net, n, loss)
    return k


class _Accuracy:
    """Accuracy of a kernel's outputs against fixed label targets Y (n, n_outputs), as losses.accuracy computes it."""

    def __init__(self, Y):
        self.Y, self.n = Y, Y.shape[0] or math.nan  # no samples: NaN, as np.mean of nothing is
        if Y.shape[1] == 1:
            self.want = Y[:, 0] >= 0.5
            self.got = np.empty(Y.shape[0], dtype=bool)

    def __call__(self, out):
        if self.Y.shape[1] != 1:
            return losses.accuracy(out, self.Y)
        got = self.got
        np.greater_equal(out[:, 0], 0.5, out=got)
        np.equal(got, self.want, out=got)
        return int(np.count_nonzero(got)) / self.n


def train_step(net, X, Y, loss="mse", lr=0.1):
    """One full gradient-descent step on (X: (n_samples, n_inputs), Y: (n_samples, n_outputs)); returns the loss before it.

    Y must already be a float array of shape (n_samples, n_outputs) (see losses.as_targets); nothing is checked here,
    so this is the fast path for loops and benchmarks.
    """
    k = net._kernels.get((len(X), loss, "train")) or _kernel(net, len(X), loss)
    np.copyto(k.XT, X.T)
    value = k.forward(Y)
    k.backward(Y, lr)
    _subtract(k.theta, k.grad, out=k.theta)
    return value


def _check_settings(net, X, Y, loss, lr, epochs, batch_size, momentum, patience, X_val, Y_val, snapshot_epochs,
                    watch=None, epoch_offset=0):
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
    if watch is not None:
        if not isinstance(watch, OverfittingWatch):
            raise ValueError(f"watch must be an OverfittingWatch (or None), got {type(watch).__name__}")
        watch.check()
        if X_val is None:
            raise ValueError("watch (the overfitting alarm) needs X_val and Y_val")
    if not _whole(epoch_offset) or epoch_offset < 0:
        raise ValueError(f"epoch_offset must be a whole number of at least 0, got {epoch_offset!r}")
    snaps = set()
    for e in snapshot_epochs:
        if isinstance(e, bool) or not isinstance(e, (int, np.integer)) or not 0 <= e <= epochs:
            raise ValueError(f"snapshot epochs must be whole numbers between 0 and {epochs}, got {e!r}")
        snaps.add(int(e))
    return X, Y, X_val, Y_val, snaps


def train(net, X, Y, loss="bce", lr=0.5, epochs=200, seed=0, X_val=None, Y_val=None, batch_size=None, momentum=0.0,
          snapshot_epochs=(), callback=None, patience=None, diverge_above=1e10, watch=None, epoch_offset=0):
    """Train `net` in place by gradient descent and return its History.

    X: (n_samples, n_inputs); Y: (n_samples, n_outputs) or labels (n_samples,) (see losses.as_targets);
    X_val, Y_val: the same for a validation set. batch_size None means full batch; mini-batches are shuffled with
    numpy.random.default_rng(seed). momentum: 0 for plain gradient descent.
    snapshot_epochs: epochs whose weights are kept in history.snapshots.
    callback(epoch, history): called after each epoch is recorded; returning a true value stops training.
    patience: stop once validation loss has risen for this many epochs in a row (the overfitting alarm).
    watch: an OverfittingWatch, updated after every epoch; training stops when it fires. Carry watch.state() to the
    next call to train in chunks. epoch_offset: epochs trained before this call, so the watch (and its stop_reason)
    counts epochs on from there; history.epochs and stop_epoch still count from 0 in this call.
    Training stops and history.diverged is set when the loss becomes NaN, infinite or larger than diverge_above.
    """
    X, Y, X_val, Y_val, snaps = _check_settings(net, X, Y, loss, lr, epochs, batch_size, momentum, patience,
                                                X_val, Y_val, snapshot_epochs, watch, epoch_offset)
    history = History(settings={"sizes": net.sizes, "activations": net.activations, "loss": loss, "lr": float(lr),
                                "epochs": int(epochs), "seed": int(seed), "batch_size": batch_size,
                                "momentum": float(momentum), "patience": patience,
                                "watch": None if watch is None else {"patience": int(watch.patience),
                                                                     "rise": float(watch.rise), "alarm": watch.alarm},
                                "epoch_offset": int(epoch_offset)})
    n = X.shape[0]
    full_batch = batch_size is None or batch_size >= n
    rng = np.random.default_rng(seed)
    theta = net._theta
    velocity = np.zeros_like(theta) if momentum else None
    k = _kernel(net, n, loss)
    np.copyto(k.XT, X.T)
    accuracy = _Accuracy(Y) if _is_label_targets(Y) else None
    if X_val is not None:
        k_val = _kernel(net, X_val.shape[0], loss, "validation")
        np.copyto(k_val.XT, X_val.T)
        val_accuracy = _Accuracy(Y_val) if _is_label_targets(Y_val) else None
    rises = 0

    def update(k, Y):
        k.backward(Y, lr)
        if velocity is None:
            _subtract(theta, k.grad, out=theta)
        else:
            _multiply(velocity, momentum, out=velocity)
            _subtract(velocity, k.grad, out=velocity)
            _add(theta, velocity, out=theta)

    # Overflow in a diverging run is expected and reported through history.diverged, so numpy stays quiet.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(epochs + 1):
            value = k.forward(Y)
            history.epochs.append(epoch)
            history.train_loss.append(value)
            history.train_accuracy.append(accuracy(k.out) if accuracy else None)
            if X_val is not None:
                history.val_loss.append(k_val.forward(Y_val))
                history.val_accuracy.append(val_accuracy(k_val.out) if val_accuracy else None)
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
            if watch is not None and watch.update(epoch_offset + epoch, value, history.val_loss[-1]):
                history.stopped_early, history.stop_epoch = True, epoch
                history.stop_reason = watch.reason()
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
                update(k, Y)
            else:
                order = rng.permutation(n)
                for start in range(0, n, batch_size):
                    idx = order[start:start + batch_size]
                    Yb = Y[idx]
                    kb = _kernel(net, len(idx), loss)
                    np.copyto(kb.XT, X[idx].T)
                    kb.forward(Yb)
                    update(kb, Yb)
    watched = history.val_loss if X_val is not None else history.train_loss
    finite = [(v, e) for e, v in zip(history.epochs, watched) if math.isfinite(v)]
    history.best_epoch = min(finite)[1] if finite else None
    return history
