"""Activation functions and their derivatives, by name, vectorised over whole layers."""

import numpy as np

NAMES = ("relu", "sigmoid", "tanh", "linear", "step", "softmax")
# step has no useful derivative (it is flat almost everywhere), so it only runs forward.
DIFFERENTIABLE = ("relu", "sigmoid", "tanh", "linear", "softmax")


def relu(z):
    """max(0, z) elementwise. z: any shape."""
    return np.maximum(z, 0.0)


def sigmoid(z):
    """1 / (1 + e^-z), computed without overflow for large |z|. z: any shape."""
    # exp(-log(1 + e^-z)) keeps full relative precision in both tails, unlike 1/(1+exp(-z)).
    return np.exp(-np.logaddexp(0.0, -z))


def tanh(z):
    """Hyperbolic tangent elementwise. z: any shape."""
    return np.tanh(z)


def linear(z):
    """The identity: the neuron passes its weighted sum straight through. z: any shape."""
    return z


def step(z):
    """1 where z > 0 else 0: the all-or-nothing neuron of the 1950s perceptron. z: any shape."""
    return (z > 0).astype(float)


def softmax(z):
    """Turn each row of scores into probabilities that sum to 1. z: (n_samples, n_classes)."""
    # Subtracting the row maximum changes nothing mathematically but stops exp() overflowing.
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


FUNCTIONS = {"relu": relu, "sigmoid": sigmoid, "tanh": tanh, "linear": linear, "step": step, "softmax": softmax}


def apply(name, z):
    """Activation `name` applied to z. z: (n_samples, n_units) -> same shape."""
    return FUNCTIONS[check_name(name)](z)


def backward(name, z, a, da):
    """dL/dz from dL/da through activation `name`.

    z, a, da: (n_samples, n_units), where a = activation(z) and da = dL/da.
    Returns dL/dz with the same shape.
    """
    if name == "relu":
        return da * (z > 0)
    if name == "sigmoid":
        return da * a * (1.0 - a)
    if name == "tanh":
        return da * (1.0 - a * a)
    if name == "linear":
        return da
    if name == "softmax":
        # Softmax mixes a whole row, so this is the Jacobian-vector product, not an elementwise derivative.
        return a * (da - (da * a).sum(axis=1, keepdims=True))
    if name == "step":
        raise ValueError("the step activation has no gradient (it is flat everywhere except a jump), "
                         "so a network with step neurons can run forward but cannot be trained by backpropagation")
    raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(NAMES)}")


def derivative(name, z):
    """Elementwise local derivative da/dz for explanations. z: any shape. Not defined for softmax or step."""
    a = apply(name, z)
    if name in ("softmax", "step"):
        raise ValueError(f"{name} has no elementwise derivative to show")
    return backward(name, z, a, np.ones_like(np.asarray(z, dtype=float)))


def check_name(name):
    """Return name if it is a known activation, else raise ValueError naming the choices."""
    if name not in FUNCTIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(NAMES)}")
    return name
