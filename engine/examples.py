"""Worked numeric examples: each is `(seed, **params) -> dict` of structured steps (formula, the numbers put in, the result).

Numbers are full-precision Python floats; rounding is for the UI. Sentences for each age track live in the content bank,
which refers to these steps by their "id".
"""

import inspect
import math

import numpy as np

from . import datasets, text_features
from .network import Network
from .params import number as _number
from .params import numbers as _numbers
from .training import train


def _step(step_id, formula, inputs, result, **extra):
    """One worked step: which formula, the numbers substituted into it, and what comes out."""
    return {"id": step_id, "formula": formula, "inputs": inputs, "result": result, **extra}


def _floats(x):
    return np.asarray(x, dtype=float).tolist()


def _neuron_steps(info, prefix, name_x="x", name_w="w"):
    """Steps for z = w·x + b and a = f(z) of one neuron, from Trace.neuron()."""
    steps = [_step(f"{prefix}product-{i + 1}", f"{name_w}{i + 1} × {name_x}{i + 1}",
                   {f"{name_w}{i + 1}": w, f"{name_x}{i + 1}": x}, p)
             for i, (w, x, p) in enumerate(zip(info["weights"], info["inputs"], info["products"]))]
    terms = " + ".join(f"{name_w}{i + 1}×{name_x}{i + 1}" for i in range(len(info["weights"])))
    steps.append(_step(f"{prefix}z", f"z = {terms} + b", {"products": info["products"], "b": info["bias"]}, info["z"]))
    steps.append(_step(f"{prefix}a", f"a = {info['activation']}(z)", {"z": info["z"]}, info["a"],
                       activation=info["activation"]))
    return steps


def neuron(seed=0, inputs=None, weights=None, bias=None, activation="sigmoid"):
    """One neuron: each input times its weight, the sum plus bias, then the activation."""
    rng = np.random.default_rng(seed)
    if activation not in ("relu", "sigmoid", "tanh", "linear", "step"):
        raise ValueError(f"activation must be one of relu, sigmoid, tanh, linear, step, got {activation!r}")
    n = len(_numbers("inputs", inputs)) if inputs is not None else len(_numbers("weights", weights)) if weights is not None else 3
    x = _numbers("inputs", inputs, -100, 100) if inputs is not None else np.round(rng.uniform(0, 1, n), 1).tolist()
    w = _numbers("weights", weights, -100, 100, length=n) if weights is not None else np.round(rng.uniform(-1, 1, n), 1).tolist()
    # A made-up bias is never 0 (its size 0.1 to 0.5, either sign): a zero bias hides the forgotten-bias slip.
    b = (_number("bias", bias, -100, 100) if bias is not None
         else float(rng.choice([-1, 1]) * rng.integers(1, 6) / 10))
    if len(x) != len(w):
        raise ValueError(f"inputs and weights must have the same length, got {len(x)} and {len(w)}")
    net = Network.from_params([(np.array(w).reshape(-1, 1), np.array([b]))], [activation])
    info = net.forward(np.array([x])).neuron(0, 0)
    return {"kind": "neuron", "seed": seed,
            "params": {"inputs": x, "weights": w, "bias": b, "activation": activation},
            "steps": _neuron_steps(info, ""), "result": {"z": info["z"], "a": info["a"]}}


def forward_pass(seed=0, inputs=None):
    """A 2-3-1 network (ReLU hidden layer, sigmoid output) run on one input, neuron by neuron."""
    rng = np.random.default_rng(seed)
    W1 = np.round(rng.uniform(-1, 1, (2, 3)), 1)
    b1 = np.round(rng.uniform(-0.5, 0.5, 3), 1)
    W2 = np.round(rng.uniform(-1, 1, (3, 1)), 1)
    b2 = np.round(rng.uniform(-0.5, 0.5, 1), 1)
    x = _numbers("inputs", inputs, -100, 100, length=2) if inputs is not None else np.round(rng.uniform(0, 1, 2), 1).tolist()
    net = Network.from_params([(W1, b1), (W2, b2)], ["relu", "sigmoid"])
    trace = net.forward(np.array([x]))
    steps = []
    for j in range(3):
        steps += _neuron_steps(trace.neuron(0, j), f"hidden-{j + 1}-", "x", "w")
    out = trace.neuron(1, 0)
    steps += _neuron_steps(out, "output-", "h", "v")
    return {"kind": "forward-pass", "seed": seed,
            "params": {"inputs": x, "sizes": [2, 3, 1], "activations": ["relu", "sigmoid"],
                       "weights": net.params_to_list()},
            "steps": steps,
            "result": {"hidden": _floats(trace.layers[0].a[0]), "output": out["a"]}}


def mse(seed=0, prediction=None, target=None):
    """Mean squared error of predictions against targets. Seed 0 is the articles' cat: predicted 0.33, target 1.0."""
    rng = np.random.default_rng(seed)
    if prediction is None and target is None and seed == 0:
        p, t = [0.33], [1.0]
    else:
        p = _numbers("prediction", prediction, -1000, 1000) if prediction is not None else [float(np.round(rng.uniform(0, 1), 2))]
        t = (_numbers("target", target, -1000, 1000) if target is not None
             else [float(rng.integers(0, 2)) for _ in p])
    if len(p) != len(t):
        raise ValueError(f"prediction and target must have the same length, got {len(p)} and {len(t)}")
    steps = []
    for i, (pi, ti) in enumerate(zip(p, t)):
        steps.append(_step(f"error-{i + 1}", "error = prediction − target", {"prediction": pi, "target": ti}, pi - ti))
        steps.append(_step(f"squared-{i + 1}", "error²", {"error": pi - ti}, (pi - ti) ** 2))
    squares = [(pi - ti) ** 2 for pi, ti in zip(p, t)]
    loss = float(np.mean(squares))
    steps.append(_step("mean", "loss = (sum of squared errors) / n", {"squared_errors": squares, "n": len(p)}, loss))
    return {"kind": "mse", "seed": seed, "params": {"prediction": p, "target": t}, "steps": steps,
            "result": {"loss": loss}}


def cross_entropy(seed=0, probabilities=None, target=None, classes=None):
    """Cross-entropy of a 3-class prediction. Seed 0 is the articles' photo: 73% dog, 15% cat, 12% bird, and it is a dog."""
    rng = np.random.default_rng(seed)
    names = list(classes) if classes is not None else ["dog", "cat", "bird"]
    if isinstance(classes, str):
        names = [c.strip() for c in classes.split(",") if c.strip()]
    if probabilities is not None:
        p = _numbers("probabilities", probabilities, 0, 1, min_length=2)
    elif seed == 0:
        p = [0.73, 0.15, 0.12]
    else:
        raw = np.round(rng.dirichlet(np.ones(len(names))), 2)
        raw = np.clip(raw, 0.01, None)
        raw[0] = round(1.0 - raw[1:].sum(), 2)
        if raw[0] <= 0:
            raw = np.full(len(names), round(1.0 / len(names), 2))
            raw[0] = round(1.0 - raw[1:].sum(), 2)
        p = raw.tolist()
    if len(names) != len(p):
        raise ValueError(f"need one class name per probability: {len(p)} probabilities, {len(names)} classes")
    if abs(sum(p) - 1.0) > 1e-6 or min(p) <= 0:
        raise ValueError(f"probabilities must be above 0 and add up to 1, got {p} (sum {sum(p)})")
    if target is None:
        k = 0 if seed == 0 else int(rng.integers(len(p)))
    elif isinstance(target, str) and target in names:
        k = names.index(target)
    else:
        k = _number("target", target, 0, len(p) - 1, integer=True)
    one_hot = [1.0 if i == k else 0.0 for i in range(len(p))]
    terms = [-y * math.log(pi) for y, pi in zip(one_hot, p)]
    loss = -math.log(p[k])
    steps = [
        _step("correct-probability", "p = probability given to the correct class", {"probabilities": p, "target": k,
              "class": names[k]}, p[k]),
        _step("log", "ln(p)", {"p": p[k]}, math.log(p[k])),
        _step("loss", "loss = −ln(p)", {"ln_p": math.log(p[k])}, loss),
        _step("sum-form", "loss = −Σ y_k ln(p_k)", {"y": one_hot, "p": p, "terms": terms}, float(sum(terms))),
    ]
    return {"kind": "cross-entropy", "seed": seed, "params": {"probabilities": p, "target": k, "classes": names},
            "steps": steps, "result": {"loss": loss, "predicted_class": names[int(np.argmax(p))],
                                       "correct": int(np.argmax(p)) == k}}


def backprop_step(seed=0, lr=None):
    """One full backpropagation step on a 2-2-1 sigmoid network with squared error on one example.

    Shows every local derivative and chain-rule product, each weight update, and the loss before and after.
    Without lr, starts at 0.5 and halves until the loss falls; an explicit lr that does not lower the loss is refused.
    """
    rng = np.random.default_rng(seed)
    x = np.round(rng.uniform(0, 1, 2), 2)
    y = float(rng.integers(0, 2))
    W1 = np.round(rng.uniform(-1, 1, (2, 2)), 2)
    b1 = np.round(rng.uniform(-0.5, 0.5, 2), 2)
    W2 = np.round(rng.uniform(-1, 1, (2, 1)), 2)
    b2 = np.round(rng.uniform(-0.5, 0.5, 1), 2)
    net = Network.from_params([(W1, b1), (W2, b2)], ["sigmoid", "sigmoid"])
    X, Y = x.reshape(1, 2), np.array([[y]])
    loss_before, grads, record = net.loss_and_grads(X, Y, "mse", return_trace=True)
    trace = record.trace
    h = trace.layers[0].a[0]
    out = float(trace.output[0, 0])
    steps = [dict(s, phase="forward") for j in range(2) for s in _neuron_steps(trace.neuron(0, j), f"hidden-{j + 1}-")]
    steps += [dict(s, phase="forward") for s in _neuron_steps(trace.neuron(1, 0), "output-", "h", "v")]
    steps.append(_step("loss", "L = (a_out − y)²", {"a_out": out, "y": y}, loss_before, phase="loss"))

    # The chain rule written out one factor at a time, then checked against the engine's vectorised backprop.
    dL_da = 2 * (out - y)
    da_dz = out * (1 - out)
    delta_out = dL_da * da_dz
    back = [_step("dL/da_out", "dL/da_out = 2(a_out − y)", {"a_out": out, "y": y}, dL_da),
            _step("da_out/dz_out", "da_out/dz_out = a_out(1 − a_out)", {"a_out": out}, da_dz),
            _step("delta_out", "δ_out = dL/da_out × da_out/dz_out", {"dL/da_out": dL_da, "da_out/dz_out": da_dz},
                  delta_out)]
    grad_W2 = np.zeros((2, 1))
    grad_W1 = np.zeros((2, 2))
    grad_b1 = np.zeros(2)
    for j in range(2):
        grad_W2[j, 0] = delta_out * h[j]
        back.append(_step(f"dL/dv{j + 1}", f"dL/dv{j + 1} = δ_out × h{j + 1}", {"δ_out": delta_out, f"h{j + 1}": float(h[j])},
                          float(grad_W2[j, 0])))
    back.append(_step("dL/dc", "dL/dc = δ_out", {"δ_out": delta_out}, delta_out))
    for j in range(2):
        v = float(W2[j, 0])
        dL_dh = delta_out * v
        dh_dz = float(h[j] * (1 - h[j]))
        delta = dL_dh * dh_dz
        grad_b1[j] = delta
        back += [_step(f"dL/dh{j + 1}", f"dL/dh{j + 1} = δ_out × v{j + 1}", {"δ_out": delta_out, f"v{j + 1}": v}, dL_dh),
                 _step(f"dh{j + 1}/dz{j + 1}", f"dh{j + 1}/dz{j + 1} = h{j + 1}(1 − h{j + 1})", {f"h{j + 1}": float(h[j])}, dh_dz),
                 _step(f"delta-{j + 1}", f"δ{j + 1} = dL/dh{j + 1} × dh{j + 1}/dz{j + 1}",
                       {f"dL/dh{j + 1}": dL_dh, f"dh{j + 1}/dz{j + 1}": dh_dz}, delta)]
        for i in range(2):
            grad_W1[i, j] = delta * x[i]
            back.append(_step(f"dL/dw{i + 1}{j + 1}", f"dL/dw{i + 1}{j + 1} = δ{j + 1} × x{i + 1}",
                              {f"δ{j + 1}": delta, f"x{i + 1}": float(x[i])}, float(grad_W1[i, j])))
        back.append(_step(f"dL/db{j + 1}", f"dL/db{j + 1} = δ{j + 1}", {f"δ{j + 1}": delta}, delta))
    steps += [dict(s, phase="backward") for s in back]
    for mine, engine in ((grad_W1, grads[0][0]), (grad_b1, grads[0][1]), (grad_W2, grads[1][0]),
                         (np.array([delta_out]), grads[1][1])):
        if not np.allclose(mine, engine, rtol=1e-12, atol=1e-15):
            raise RuntimeError("the written-out chain rule disagrees with backpropagation")

    def loss_after(rate):
        stepped = Network.from_params([(W - rate * dW, b - rate * db) for (W, b), (dW, db) in zip(net.params, grads)],
                                      net.activations)
        return stepped, stepped.loss(X, Y, "mse")

    if lr is None:
        rate, halvings = 0.5, 0
        stepped, after = loss_after(rate)
        while not after < loss_before and halvings < 40:
            rate, halvings = rate / 2, halvings + 1
            stepped, after = loss_after(rate)
    else:
        rate, halvings = _number("lr", lr, 1e-6, 100), 0
        stepped, after = loss_after(rate)
    if not after < loss_before:
        raise ValueError(f"lr={rate} overshoots: the loss would go from {loss_before} to {after}; choose a smaller lr")
    names = {"w": (0, 0), "b": (0, 1), "v": (1, 0), "c": (1, 1)}
    updates = []
    for letter, (layer, part) in names.items():
        old = net.params[layer][part].ravel()
        grad = grads[layer][part].ravel()
        new = stepped.params[layer][part].ravel()
        labels = ([f"w{i + 1}{j + 1}" for i in range(2) for j in range(2)] if letter == "w"
                  else [f"b{j + 1}" for j in range(2)] if letter == "b" else ["v1", "v2"] if letter == "v" else ["c"])
        for label, o, g, nw in zip(labels, old, grad, new):
            updates.append(_step(f"update-{label}", f"{label}_new = {label} − lr × dL/d{label}",
                                 {label: float(o), "lr": rate, f"dL/d{label}": float(g)}, float(nw), phase="update"))
    steps += updates
    out_after = float(stepped.predict(X)[0, 0])
    steps.append(_step("loss-after", "L_new = (a_out_new − y)²", {"a_out_new": out_after, "y": y}, after, phase="check"))
    return {"kind": "backprop-step", "seed": seed,
            "params": {"inputs": x.tolist(), "target": y, "sizes": [2, 2, 1], "activations": ["sigmoid", "sigmoid"],
                       "loss": "mse", "lr": rate, "lr_halvings": halvings, "weights": net.params_to_list()},
            "steps": steps,
            "result": {"loss_before": loss_before, "loss_after": after, "output_before": out, "output_after": out_after,
                       "weights_after": stepped.params_to_list(), "loss_fell": after < loss_before}}


def learning_rate(seed=0, lrs=None, steps=10, start=None):
    """Gradient descent on the one-weight bowl L(w) = c (w − w_best)², with a too-small, a good and a too-large rate."""
    rng = np.random.default_rng(seed)
    steps = _number("steps", steps, 1, 100, integer=True)
    c = float(np.round(rng.uniform(0.5, 2.0), 1))
    w_best = float(np.round(rng.uniform(-2, 2), 1))
    side = 1.0 if rng.uniform() < 0.5 else -1.0
    w0 = _number("start", start, -100, 100) if start is not None else w_best + side * float(np.round(rng.uniform(2, 4), 1))
    # Each step multiplies the distance to w_best by (1 − 2c·lr): 0.9 is slow, 0.2 is quick, −1.2 flips and grows.
    rates = (_numbers("lrs", lrs, 1e-6, 100) if lrs is not None
             else [round(0.05 / c, 4), round(0.4 / c, 4), round(1.1 / c, 4)])
    runs = []
    for lr in rates:
        w, path = w0, []
        for k in range(steps + 1):
            loss = c * (w - w_best) ** 2
            grad = 2 * c * (w - w_best)
            path.append({"step": k, "w": w, "loss": loss, "gradient": grad, "change": -lr * grad})
            if k == steps or abs(w) > 1e6:
                break
            w = w - lr * grad
        first, last = path[0]["loss"], path[-1]["loss"]
        outcome = "diverged" if last > first else "converged" if last <= 1e-3 * first else "slow"
        runs.append({"lr": lr, "factor": 1 - 2 * c * lr, "path": path, "final_w": path[-1]["w"], "final_loss": last,
                     "outcome": outcome})
    return {"kind": "learning-rate", "seed": seed,
            "params": {"c": c, "w_best": w_best, "start": w0, "lrs": rates, "steps": steps},
            "steps": [_step("loss", "L(w) = c (w − w_best)²", {"c": c, "w_best": w_best}, None),
                      _step("gradient", "dL/dw = 2c (w − w_best)", {"c": c, "w_best": w_best}, None),
                      _step("update", "w_new = w − lr × dL/dw", {"lrs": rates}, None)],
            "runs": runs, "result": {"outcomes": [r["outcome"] for r in runs]}}


def training_run(seed=0, epochs=60, classes=8):
    """Accuracy climbing from chance to high while a 2-16-classes network learns gaussian blobs (8 classes: chance 12.5%)."""
    epochs = _number("epochs", epochs, 1, 500, integer=True)
    classes = _number("classes", classes, 2, 10, integer=True)
    X, y = datasets.blobs(400, centers=classes, spread=0.45, seed=seed, radius=3.0)
    X_train, y_train, X_test, y_test = datasets.split(X, y, 0.25, seed)
    net = Network([2, 16, classes], ["tanh", "softmax"], seed=seed)
    history = train(net, X_train, y_train, loss="ce", lr=0.3, epochs=epochs, seed=seed, momentum=0.9,
                    X_val=X_test, Y_val=y_test)
    h = history.to_dict()
    return {"kind": "training-run", "seed": seed,
            "params": {"dataset": "blobs", "n": 400, "classes": classes, "sizes": [2, 16, classes],
                       "activations": ["tanh", "softmax"], "loss": "ce", "lr": 0.3, "momentum": 0.9, "epochs": epochs},
            "steps": [_step("chance", "chance = 1 / classes", {"classes": classes}, 1 / classes)],
            "history": {k: h[k] for k in ("epochs", "train_loss", "val_loss", "train_accuracy", "val_accuracy")},
            "result": {"chance": 1 / classes, "accuracy_start": h["val_accuracy"][0],
                       "accuracy_end": h["val_accuracy"][-1], "train_accuracy_end": h["train_accuracy"][-1],
                       "loss_start": h["train_loss"][0], "loss_end": h["train_loss"][-1]}}


def overfitting(seed=0, epochs=800, hidden=32):
    """A big network trained on 30 noisy points: training loss keeps falling while validation loss turns and rises."""
    epochs = _number("epochs", epochs, 50, 5000, integer=True)
    hidden = _number("hidden", hidden, 4, 128, integer=True)
    X, y, X_val, y_val = datasets.noisy_small(seed=seed)
    net = Network([2, hidden, hidden, 1], ["relu", "relu", "sigmoid"], seed=seed)
    history = train(net, X, y, loss="bce", lr=0.05, epochs=epochs, seed=seed, momentum=0.9, X_val=X_val, Y_val=y_val)
    h = history.to_dict()
    best = int(np.argmin(history.val_loss))
    return {"kind": "overfitting", "seed": seed,
            "params": {"dataset": "noisy_small", "n_train": 30, "n_val": 300, "sizes": [2, hidden, hidden, 1],
                       "activations": ["relu", "relu", "sigmoid"], "loss": "bce", "lr": 0.05, "momentum": 0.9,
                       "epochs": epochs},
            "steps": [_step("best-epoch", "epoch with the lowest validation loss", {}, best)],
            "history": {k: h[k] for k in ("epochs", "train_loss", "val_loss", "train_accuracy", "val_accuracy")},
            "result": {"best_epoch": best, "val_loss_best": history.val_loss[best], "val_loss_end": history.val_loss[-1],
                       "train_loss_end": history.train_loss[-1], "train_accuracy_end": history.train_accuracy[-1],
                       "val_accuracy_end": history.val_accuracy[-1], "gap_end": history.val_loss[-1] - history.train_loss[-1]}}


def guess_and_fix(seed=0, target=None, start=None, rate=0.5, rounds=8, grid=None):
    """The hot-and-cold game as numbers: guess, see how far off, fix part of the error, guess again.

    grid: when given, the guesser can only stand on multiples of it (1: whole spots, like a child on a line of
    numbered spots), so each fix rate × error ("raw_fix") is rounded to the nearest multiple, halves away from zero,
    and the step's "fix" is that rounded move. Without a grid "fix" equals "raw_fix".
    """
    rng = np.random.default_rng(seed)
    rate = _number("rate", rate, 0.01, 2.5)
    rounds = _number("rounds", rounds, 1, 50, integer=True)
    grid = _number("grid", grid, 0.01, 10) if grid is not None else None
    goal = _number("target", target, -1000, 1000) if target is not None else float(rng.integers(10, 91))
    guess = _number("start", start, -1000, 1000) if start is not None else float(rng.integers(0, 101))
    formula = "next guess = guess + rate × (target − guess)" + (
        "" if grid is None else ", rounded to a whole number" if grid == 1 else f", rounded to a multiple of {grid:g}")
    steps, previous = [], None
    for k in range(1, rounds + 1):
        error = goal - guess
        distance = abs(error)
        hint = ("found" if distance < 0.5 else "start" if previous is None
                else "warmer" if distance < previous else "colder" if distance > previous else "same")
        raw_fix = rate * error
        fix = raw_fix if grid is None else math.copysign(math.floor(abs(raw_fix) / grid + 0.5), raw_fix) * grid + 0.0
        steps.append({"id": f"round-{k}", "round": k, "formula": formula,
                      "guess": guess, "error": error, "distance": distance, "hint": hint, "raw_fix": raw_fix,
                      "fix": fix, "next_guess": guess + fix})
        if hint == "found":
            break
        previous, guess = distance, guess + fix
    return {"kind": "guess-and-fix", "seed": seed, "params": {"target": goal, "start": steps[0]["guess"], "rate": rate,
                                                             "rounds": rounds, "grid": grid},
            "steps": steps, "result": {"final_guess": steps[-1]["guess"], "final_distance": steps[-1]["distance"],
                                       "found": steps[-1]["hint"] == "found", "rounds_played": len(steps)}}


def formal_or_casual(seed=0, lr=1.0, epochs=5):
    """The human-backpropagation activity: a perceptron learning formal vs casual sentences, one update at a time.

    The seed only shuffles the order the sentences are shown in (seed 0 keeps the printed order).
    """
    lr = _number("lr", lr, 0.01, 10)
    epochs = _number("epochs", epochs, 1, 50, integer=True)
    X, y = text_features.feature_table()
    order = np.arange(len(y)) if seed == 0 else np.random.default_rng(seed).permutation(len(y))
    result = text_features.perceptron(X[order], y[order], lr=lr, epochs=epochs)
    sentences = [{"text": text_features.SENTENCES[i][0], "label": text_features.LABELS[int(y[i])],
                  "features": dict(zip(text_features.FEATURES, X[i].tolist()))} for i in order]
    return {"kind": "formal-or-casual", "seed": seed, "params": {"lr": lr, "epochs": epochs, "order": order.tolist(),
                                                                "features": list(text_features.FEATURES)},
            "sentences": sentences, "steps": result["steps"],
            "result": {k: result[k] for k in ("weights", "bias", "predictions", "accuracy", "converged")}}


EXAMPLES = {
    "neuron": neuron,
    "forward-pass": forward_pass,
    "mse": mse,
    "cross-entropy": cross_entropy,
    "backprop-step": backprop_step,
    "learning-rate": learning_rate,
    "training-run": training_run,
    "overfitting": overfitting,
    "guess-and-fix": guess_and_fix,
    "formal-or-casual": formal_or_casual,
}


def params_of(kind):
    """The parameter names an example kind accepts besides seed."""
    if kind not in EXAMPLES:
        raise ValueError(f"unknown example kind {kind!r}; choose one of {', '.join(EXAMPLES)}")
    return [p for p in inspect.signature(EXAMPLES[kind]).parameters if p != "seed"]


def run(kind, seed=0, **params):
    """The worked example `kind` for `seed` with optional parameter overrides, as a JSON-able dict.

    Raises ValueError (with a message a person can act on) for an unknown kind, an unknown parameter or a bad value.
    """
    allowed = params_of(kind)
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise ValueError(f"example {kind!r} does not take {', '.join(unknown)}; it takes "
                         f"{', '.join(allowed) or 'only a seed'}")
    seed = _number("seed", seed, 0, 2**32 - 1, integer=True)
    with np.errstate(over="ignore", invalid="ignore"):
        return EXAMPLES[kind](seed, **{k: v for k, v in params.items() if v is not None})
