"""Loss functions (mean squared error, binary and categorical cross-entropy) computed stably from the logits."""

import numpy as np

from .activations import sigmoid, softmax

NAMES = ("mse", "bce", "ce")
# Which output activation each loss expects; mse works on any output.
OUTPUT_ACTIVATION = {"bce": "sigmoid", "ce": "softmax"}


def check_name(name):
    """Return name if it is a known loss, else raise ValueError naming the choices."""
    if name not in NAMES:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(NAMES)}")
    return name


def as_targets(Y, loss, n_outputs, n_samples=None):
    """Targets as a float array (n_samples, n_outputs).

    Y: (n_samples, n_outputs), or (n_samples,) for a one-output network, or integer labels (n_samples,)
    for ce, which become one-hot rows.
    """
    Y = np.asarray(Y)
    if Y.ndim == 1:
        if loss == "ce" and n_outputs > 1:
            if not np.issubdtype(Y.dtype, np.integer) and not np.all(Y == np.round(Y)):
                raise ValueError("integer class labels expected for ce targets given as a 1-D array")
            labels = Y.astype(int)
            if labels.size and (labels.min() < 0 or labels.max() >= n_outputs):
                raise ValueError(f"class labels must be between 0 and {n_outputs - 1}, got {labels.min()}..{labels.max()}")
            Y = np.eye(n_outputs)[labels]
        else:
            Y = Y.reshape(-1, 1)
    Y = np.asarray(Y, dtype=float)
    if Y.ndim != 2 or Y.shape[1] != n_outputs:
        raise ValueError(f"targets must have shape (n_samples, {n_outputs}), got {Y.shape}")
    if n_samples is not None and Y.shape[0] != n_samples:
        raise ValueError(f"targets have {Y.shape[0]} rows but X has {n_samples} samples")
    return Y


def mse(A, Y):
    """Mean over all elements of (prediction - target)^2. A, Y: (n_samples, n_outputs)."""
    d = A - Y
    return float(np.mean(d * d))


def bce_from_logits(Z, Y):
    """Binary cross-entropy of sigmoid(Z) against Y, mean over all elements, without computing log(sigmoid).

    Z: logits (n_samples, n_outputs); Y: targets in [0, 1], same shape.
    """
    # -y log s(z) - (1-y) log(1 - s(z)) == log(1 + e^z) - y z, and logaddexp never overflows.
    return float(np.mean(np.logaddexp(0.0, Z) - Y * Z))


def ce_from_logits(Z, Y):
    """Cross-entropy of softmax(Z) against Y, mean over samples. Z: (n_samples, n_classes); Y one-hot, same shape."""
    m = Z.max(axis=1, keepdims=True)
    log_sum = np.log(np.exp(Z - m).sum(axis=1, keepdims=True)) + m
    # log p = z - logsumexp(z); the row sums of Y are 1 for one-hot or probability targets.
    return float(np.sum(Y * (log_sum - Z)) / Z.shape[0])


def value(loss, Z, A, Y):
    """Loss `loss` given output logits Z, output activations A and targets Y, all (n_samples, n_outputs)."""
    if loss == "mse":
        return mse(A, Y)
    if loss == "bce":
        return bce_from_logits(Z, Y)
    return ce_from_logits(Z, Y)


def output_grad(loss, A, Y):
    """dL/dA for mse, or dL/dZ directly for bce/ce (where the sigmoid/softmax derivative cancels to A - Y).

    A, Y: (n_samples, n_outputs). Returns an array of the same shape.
    """
    if loss == "mse":
        return (2.0 / A.size) * (A - Y)
    if loss == "bce":
        return (A - Y) / A.size
    return (A - Y) / A.shape[0]


def binary_labels(values):
    """One-output probabilities (n_samples, 1) -> predicted 0/1 labels (n_samples,), 1 when at least 0.5."""
    return (values[:, 0] >= 0.5).astype(int)


def predicted_labels(A):
    """Class predicted for each row of outputs A: (n_samples, n_outputs) -> (n_samples,) ints."""
    if A.shape[1] == 1:
        return binary_labels(A)
    return A.argmax(axis=1)


def accuracy(A, Y):
    """Fraction of rows whose predicted class matches the target. A, Y: (n_samples, n_outputs)."""
    if A.shape[1] == 1:
        return float(np.mean(binary_labels(A) == (Y[:, 0] >= 0.5)))
    return float(np.mean(A.argmax(axis=1) == Y.argmax(axis=1)))


__all__ = [
    "NAMES",
    "accuracy",
    "as_targets",
    "bce_from_logits",
    "ce_from_logits",
    "check_name",
    "mse",
    "output_grad",
    "predicted_labels",
    "sigmoid",
    "softmax",
    "value",
]
