"""The live demos' numbers: every value a demo page shows is computed here by the engine and sent as JSON.

Nothing is remembered between requests (app processes are stateless): the training playground sends its current
weights back with each request, the stepper and the games are recomputed from a seed.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from engine import Network, OverfittingWatch, datasets, train
from engine import examples as engine_examples
from engine.activations import apply as apply_activation
from engine.losses import predicted_labels

from ..errors import Invalid

DEMO_IDS = ("neuron-lab", "playground", "loop-stepper", "lr-explorer", "training-playground", "guess-and-fix",
            "bias-lab")

# Title (and a plainer one for ages 5-8, "title_5_8") and a one-line "what you will do" per track; youngest first.
CATALOGUE: dict[str, dict[str, Any]] = {
    "neuron-lab": {
        "title": "Neuron lab", "title_5_8": "One tiny helper",
        "blurb": {"ages-5-8": "Turn two knobs and watch a tiny helper say go or stop.",
                  "ages-9-12": "Move the sliders and watch one neuron add up and decide.",
                  "ages-13-plus": "Set inputs, weights, bias and activation; see z = w·x + b and a = f(z) live."}},
    "playground": {
        "title": "Network playground", "title_5_8": "Lots of tiny helpers",
        "blurb": {"ages-5-8": "Lots of little brain cells, joined by lines. Slide and watch them light up.",
                  "ages-9-12": "A small network of 6 neurons. Slide the inputs and click a neuron to see its sum.",
                  "ages-13-plus": "A 2-3-1 network (ReLU hidden, sigmoid out): live forward pass, click a neuron "
                                  "for its worked example."}},
    "loop-stepper": {
        "title": "Learning-loop stepper", "title_5_8": "Guess, check, fix",
        "blurb": {"ages-5-8": "Guess, check, fix, again! Watch a robot learn step by step.",
                  "ages-9-12": "Step through guess, check, blame, fix and repeat, and watch the mistake shrink.",
                  "ages-13-plus": "Forward pass, loss, backpropagation, update, repeat, on a real 2-2-1 network "
                                  "with every number."}},
    "lr-explorer": {
        "title": "Learning-rate explorer", "title_5_8": "Big steps, small steps",
        "blurb": {"ages-5-8": "Tiny steps, good steps, giant jumps. Which gets to the bottom?",
                  "ages-9-12": "The same problem with tiny, good and too-big steps, side by side.",
                  "ages-13-plus": "Gradient descent with a learning rate too small, about right and too large "
                                  "(diverging)."}},
    "training-playground": {
        "title": "Training playground", "title_5_8": "Teach the computer colours",
        "blurb": {"ages-5-8": "Teach a computer to sort dots into colours.",
                  "ages-9-12": "Pick some dots and a network, press Train and watch it learn.",
                  "ages-13-plus": "Train networks on xor, moons, circles and spirals; watch loss, accuracy and "
                                  "overfitting live."}},
    "guess-and-fix": {
        "title": "Guess and fix",
        "blurb": {"ages-5-8": "Find the hidden treasure! Then watch a robot play too.",
                  "ages-9-12": "Play hot and cold, then watch a robot learn the same game with numbers.",
                  "ages-13-plus": "Hot and cold as an update rule: guess += rate × error, round by round."}},
    "bias-lab": {
        "title": "Data and bias lab", "title_5_8": "Who does the computer get wrong?",
        "blurb": {"ages-5-8": "Teach a computer with a few pictures or lots of pictures. Who does it get wrong?",
                  "ages-9-12": "Train with 5 or 50 examples, then test in different lighting. Who does it fail?",
                  "ages-13-plus": "Few vs many vs varied training data, tested on a shifted distribution; "
                                  "accuracy per group."}},
}

DEFAULT_TRACK = "ages-9-12"


def _invalid(error: ValueError, field: str = "(body)") -> Invalid:
    return Invalid(str(error), [{"field": field, "message": str(error)}])


def _num(x: Any) -> float | None:
    """A float for JSON: NaN and infinity (a run that blew up) become None."""
    x = float(x)
    return x if math.isfinite(x) else None


def _nums(xs: Any) -> list:
    return [_num(x) for x in np.asarray(xs, dtype=float).ravel()]


def catalogue(track: str) -> list[dict[str, str]]:
    """Every demo with its title and the sentence for this track."""
    return [demo_info(demo_id, track) for demo_id in DEMO_IDS]  # type: ignore[misc]


def demo_info(demo_id: str, track: str) -> dict[str, str] | None:
    entry = CATALOGUE.get(demo_id)
    if entry is None:
        return None
    blurb = entry["blurb"].get(track) or entry["blurb"][DEFAULT_TRACK]
    title = entry.get("title_5_8", entry["title"]) if track == "ages-5-8" else entry["title"]
    return {"id": demo_id, "title": title, "blurb": blurb}


# ------------------------------------------------------------------------------------------------- neuron lab

CURVE_Z = np.linspace(-6.0, 6.0, 121)


def neuron(inputs: list[float], weights: list[float], bias: float, activation: str) -> dict[str, Any]:
    """One neuron's weighted sum and activation, with every product, from the engine's neuron worked example.

    Also the activation's curve (z from -6 to 6) so the page can mark where this z lands on it.
    """
    try:
        example = engine_examples.run("neuron", inputs=inputs, weights=weights, bias=bias, activation=activation)
    except ValueError as error:
        raise _invalid(error) from None
    steps = example["steps"]
    products = [s["result"] for s in steps if s["id"].startswith("product-")]
    return {
        "inputs": example["params"]["inputs"], "weights": example["params"]["weights"],
        "bias": example["params"]["bias"], "activation": activation,
        "products": products, "z": example["result"]["z"], "a": example["result"]["a"],
        "formula": {"z": next(s["formula"] for s in steps if s["id"] == "z"),
                    "a": next(s["formula"] for s in steps if s["id"] == "a")},
        "steps": steps,
        "curve": {"z": CURVE_Z.tolist(), "a": apply_activation(activation, CURVE_Z).tolist()},
    }


# ------------------------------------------------------------------------------------------ network playground


def playground(seed: int, inputs: list[float]) -> dict[str, Any]:
    """The 2-3-1 network (ReLU hidden, sigmoid output) of the forward-pass worked example for `seed`, run on `inputs`.

    nodes: the value in every node by layer; edges: every weight with its layer, from and to; neurons: the worked
    steps (products, z, a) of each hidden and output neuron, keyed "hidden-1".."hidden-3", "output".
    """
    try:
        example = engine_examples.run("forward-pass", seed=seed, inputs=inputs)
    except ValueError as error:
        raise _invalid(error) from None
    params = example["params"]
    edges = []
    for layer, p in enumerate(params["weights"]):
        for i, row in enumerate(p["W"]):
            for j, w in enumerate(row):
                edges.append({"layer": layer, "from": i, "to": j, "weight": w})
    neurons: dict[str, list] = {}
    for step in example["steps"]:
        key = "output" if step["id"].startswith("output-") else "-".join(step["id"].split("-")[:2])
        neurons.setdefault(key, []).append(step)
    hidden = example["result"]["hidden"]
    output = example["result"]["output"]
    biases = [p["b"] for p in params["weights"]]
    return {"seed": seed, "inputs": params["inputs"], "sizes": params["sizes"], "activations": params["activations"],
            "nodes": [params["inputs"], hidden, [output]], "biases": biases, "edges": edges, "neurons": neurons,
            "output": output}


# ---------------------------------------------------------------------------------------- learning-loop stepper

MAX_ROUNDS = 200


def _stepper_network(seed: int):
    """The stepper's tiny network, example and learning rate: the engine's backprop worked example for `seed`."""
    example = engine_examples.run("backprop-step", seed=seed)
    p = example["params"]
    net = Network.from_params([(np.array(layer["W"]), np.array(layer["b"])) for layer in p["weights"]],
                              p["activations"])
    return net, np.array([p["inputs"]]), np.array([[p["target"]]]), p["lr"]


def loop_round(seed: int, round_number: int) -> dict[str, Any]:
    """Round `round_number` (0 = the first) of the learning loop on the 2-2-1 sigmoid network of the engine's
    backprop example: forward pass, loss, blame dL/dz per neuron, gradients, the update and the loss after it.

    Earlier rounds are replayed from the seed (stateless), so loss_history holds the loss before every round so far
    and the loss after this one.
    """
    if not 0 <= round_number <= MAX_ROUNDS:
        raise Invalid(f"round must be between 0 and {MAX_ROUNDS}.", [{"field": "round", "message": "out of range"}])
    net, X, Y, lr = _stepper_network(seed)
    history = []
    for _ in range(round_number):
        loss, grads = net.loss_and_grads(X, Y, "mse")
        history.append(loss)
        net.set_params([(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(net.params, grads)])
    loss, grads, record = net.loss_and_grads(X, Y, "mse", return_trace=True)
    history.append(loss)
    trace = record.trace
    before = net.params_to_list()
    net.set_params([(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(net.params, grads)])
    loss_after = net.loss(X, Y, "mse")
    forward = []
    for layer, L in enumerate(trace.layers):
        forward.append([trace.neuron(layer, j) for j in range(L.W.shape[1])])
    blame = [[record.blame(layer, j) for j in range(len(layer_b))]
             for layer, (_, layer_b) in enumerate(record.grads)]
    return {
        "seed": seed, "round": round_number, "lr": lr, "loss_name": "mse",
        "inputs": X[0].tolist(), "target": float(Y[0, 0]), "weights": before,
        "forward": forward, "output": float(trace.output[0, 0]), "loss": loss,
        "loss_formula": "L = (a_out − y)²",
        "blame": blame,
        "grads": [{"dW": dW.tolist(), "db": db.tolist()} for dW, db in record.grads],
        "weights_after": net.params_to_list(), "loss_after": loss_after,
        "loss_history": history + [loss_after],
    }


# ----------------------------------------------------------------------------------------- learning-rate explorer

MIN_RATE = 1e-6  # the engine's smallest learning rate (engine.examples.learning_rate checks lrs against it)


def learning_rates(seed: int, steps: int, your_rate: float | None = None) -> dict[str, Any]:
    """The engine's learning-rate example: one loss bowl, rates too small, about right and too large (and the
    learner's own rate when given), each with its path of w and loss per step."""
    try:
        base = engine_examples.run("learning-rate", seed=seed, steps=steps)
        if your_rate is not None:
            rates = base["params"]["lrs"] + [your_rate]
            base = engine_examples.run("learning-rate", seed=seed, steps=steps, lrs=rates)
    except ValueError as error:
        raise _invalid(error) from None
    labels = ["too small", "about right", "too large", "your rate"]
    runs = []
    for label, run in zip(labels, base["runs"]):
        path = [{k: _num(v) for k, v in point.items()} for point in run["path"]]
        runs.append({"label": label, "lr": run["lr"], "outcome": run["outcome"], "factor": run["factor"],
                     "final_w": _num(run["final_w"]), "final_loss": _num(run["final_loss"]), "path": path})
    return {"seed": seed, "steps": steps, "bowl": {k: base["params"][k] for k in ("c", "w_best", "start")},
            "formulas": [s["formula"] for s in base["steps"]], "runs": runs}


# ------------------------------------------------------------------------------------------- training playground

PLAYGROUND_DATASETS = ("xor", "moons", "circles", "spiral")
DATA_AMOUNTS = ("plenty", "tiny")
ACTIVATIONS = ("relu", "tanh", "sigmoid")
GRID = 40
# The overfitting alarm (the engine's OverfittingWatch): the test loss has not beaten its best for PATIENCE epochs
# and is now more than RISE above it, while the training loss kept falling.
PATIENCE = 20
RISE = 0.10
# Beyond this size the weights are treated as blown up (the next request could not carry them).
WEIGHT_LIMIT = 1e9


def playground_data(dataset: str, amount: str, seed: int):
    """(X_train, y_train, X_test, y_test) for the training playground. "plenty": 200 training and 100 test points;
    "tiny": 30 noisier training points and 300 test points, which a big network memorises."""
    if dataset not in PLAYGROUND_DATASETS or amount not in DATA_AMOUNTS:
        raise Invalid("Unknown dataset or amount.", [{"field": "dataset", "message": "unknown"}])
    tiny = amount == "tiny"
    n_train, n_test = (30, 300) if tiny else (200, 100)
    n = n_train + n_test
    if dataset == "xor":
        X, y = datasets.xor(n, noise=0.3 if tiny else 0.15, seed=seed)
    elif dataset == "moons":
        X, y = datasets.moons(n, noise=0.35 if tiny else 0.15, seed=seed)
    elif dataset == "circles":
        X, y = datasets.circles(n, noise=0.2 if tiny else 0.08, seed=seed)
    else:
        X, y = datasets.spiral(n // 3, 3, noise=0.35 if tiny else 0.2, seed=seed)
    return datasets.split(X, y, n_test / n, seed)


def _boundary_grid(net: Network, X_all: np.ndarray) -> dict[str, Any] | None:
    """The network's predicted class and its probability on a GRID × GRID lattice over the data (row 0 at the top)."""
    lo, hi = X_all.min(axis=0) - 0.3, X_all.max(axis=0) + 0.3
    xs, ys = np.linspace(lo[0], hi[0], GRID), np.linspace(hi[1], lo[1], GRID)
    gx, gy = np.meshgrid(xs, ys)
    with np.errstate(over="ignore", invalid="ignore"):
        probs = net.predict(np.c_[gx.ravel(), gy.ravel()])
    if not np.all(np.isfinite(probs)):
        return None
    labels = predicted_labels(probs)
    confidence = np.where(labels == 1, probs[:, 0], 1 - probs[:, 0]) if probs.shape[1] == 1 else probs.max(axis=1)
    return {"size": GRID, "x": [float(lo[0]), float(hi[0])], "y": [float(lo[1]), float(hi[1])],
            "label": labels.tolist(), "confidence": np.round(confidence, 3).tolist()}


def _architecture(hidden: list[int], activation: str, classes: int):
    outputs = 1 if classes == 2 else classes
    sizes = [2, *hidden, outputs]
    acts = [activation] * len(hidden) + (["sigmoid"] if classes == 2 else ["softmax"])
    return sizes, acts, ("bce" if classes == 2 else "ce")


def train_chunk(*, dataset: str, amount: str, seed: int, hidden: list[int], activation: str, lr: float,
                epochs: int, epoch_offset: int, weights: list[dict] | None, watch: dict | None,
                alarm: bool = True, include_data: bool = False) -> dict[str, Any]:
    """Train the playground network `epochs` more epochs from `weights` (None: fresh from the seed) and report.

    Returns the new weights (None once they blew up), the per-epoch train/test loss and accuracy (numbered from
    epoch_offset), a decision-boundary grid, the overfitting watch to send back next time and whether its alarm
    fired (training then stops at that epoch), whether the loss is exploding, and chance accuracy.
    """
    if activation not in ACTIVATIONS:
        raise Invalid("Unknown activation.", [{"field": "activation", "message": "unknown"}])
    X, y, X_test, y_test = playground_data(dataset, amount, seed)
    classes = int(max(y.max(), y_test.max())) + 1
    sizes, acts, loss = _architecture(hidden, activation, classes)
    net = Network(sizes, acts, seed=seed)
    initial_loss = net.loss(X, y, loss)
    if weights is not None:
        try:
            net.set_params([(np.array(layer["W"], dtype=float), np.array(layer["b"], dtype=float))
                            for layer in weights])
        except ValueError as error:
            raise Invalid(f"The weights do not fit this network: {error}",
                          [{"field": "weights", "message": str(error)}]) from None

    # The browser's watch names the validation set the test set; the engine's watch does the rest.
    try:
        overfit = OverfittingWatch.from_state(
            None if not watch else {"best_epoch": watch["best_epoch"], "best_val_loss": watch["best_test_loss"],
                                    "train_loss_at_best": watch["train_loss_at_best"]},
            patience=PATIENCE, rise=RISE, alarm=alarm)
    except (KeyError, TypeError, ValueError) as error:
        raise Invalid(f"The overfitting watch does not fit: {error}",
                      [{"field": "watch", "message": str(error)}]) from None

    history = train(net, X, y, loss=loss, lr=lr, epochs=epochs, seed=seed, X_val=X_test, Y_val=y_test,
                    watch=overfit, epoch_offset=epoch_offset)
    best = overfit.state()
    state = None if best is None else {"best_epoch": best["best_epoch"], "best_test_loss": best["best_val_loss"],
                                       "train_loss_at_best": best["train_loss_at_best"]}
    fired = overfit.fired if history.stopped_early else None
    h = history.to_dict()
    # Epoch 0 of a continued chunk repeats the previous chunk's last epoch.
    start = 0 if epoch_offset == 0 else 1
    params = net.params
    blown = history.diverged or any(not np.all(np.isfinite(W)) or np.abs(W).max() > WEIGHT_LIMIT
                                    or (b.size and np.abs(b).max() > WEIGHT_LIMIT) for W, b in params)
    last_train = h["train_loss"][-1]
    result: dict[str, Any] = {
        "epochs": [epoch_offset + e for e in h["epochs"][start:]],
        "train_loss": h["train_loss"][start:], "test_loss": h["val_loss"][start:],
        "train_accuracy": h["train_accuracy"][start:], "test_accuracy": h["val_accuracy"][start:],
        "epoch": epoch_offset + h["epochs_run"],
        "weights": None if blown else net.params_to_list(),
        "diverged": bool(blown),
        "exploding": bool(blown or last_train is None or last_train > 2 * initial_loss),
        "initial_loss": initial_loss,
        "chance": 1 / classes, "classes": classes, "loss_name": loss, "sizes": sizes, "activations": acts,
        "watch": state,
        "overfitting": ({"epoch": fired["epoch"], "best_epoch": state["best_epoch"],
                         "best_test_loss": state["best_test_loss"], "test_loss": fired["val_loss"],
                         "train_loss": fired["train_loss"], "train_loss_at_best": state["train_loss_at_best"]}
                        if fired else None),
        "grid": None if blown else _boundary_grid(net, np.r_[X, X_test]),
    }
    if include_data:
        result["data"] = {"train": {"x": X.tolist(), "y": y.tolist()},
                          "test": {"x": X_test.tolist(), "y": y_test.tolist()}}
    return result


# ---------------------------------------------------------------------------------------------- guess and fix

LINE = (1, 10)


def treasure(seed: int) -> int:
    """Where the treasure is hidden on the line of spots 1..10 for this game's seed."""
    return int(np.random.default_rng(seed).integers(LINE[0], LINE[1] + 1))


def hot_cold(seed: int, guesses: list[int]) -> dict[str, Any]:
    """The child's hot-and-cold game: for each guess, warm or cold at first, then warmer, colder or the same as the
    guess before; "found" on the treasure. The treasure's place is only told once it is found."""
    spot = treasure(seed)
    hints, previous, found = [], None, False
    for guess in guesses:
        distance = abs(guess - spot)
        if distance == 0:
            hint = "found"
        elif previous is None:
            hint = "warm" if distance <= 3 else "cold"
        else:
            hint = "warmer" if distance < previous else "colder" if distance > previous else "same"
        hints.append({"guess": guess, "hint": hint})
        previous = distance
        if hint == "found":
            found = True
            break
    return {"seed": seed, "hints": hints, "found": found, "tries": len(hints), "treasure": spot if found else None}


def robot_game(seed: int, rate: float) -> dict[str, Any]:
    """The robot plays the same hot-and-cold game with numbers: the engine's guess-and-fix example, starting at the
    end of the line farthest from the treasure and fixing `rate` of its error each round.

    Like the child, the robot stands on whole spots: each fix is rounded to whole spots (grid 1), so every number a
    page shows is whole and guess + fix = next guess holds exactly as shown.
    """
    spot = treasure(seed)
    start = LINE[0] if spot - LINE[0] > LINE[1] - spot else LINE[1]
    try:
        example = engine_examples.run("guess-and-fix", seed=seed, target=spot, start=start, rate=rate, rounds=12,
                                      grid=1)
    except ValueError as error:
        raise _invalid(error, "rate") from None
    return {"seed": seed, "treasure": spot, "line": list(LINE), "rate": rate, "rounds": example["steps"],
            "formula": example["steps"][0]["formula"], "result": example["result"]}


# ------------------------------------------------------------------------------------------------ data and bias

BIAS_SETS = (("few", "5 per class, one lighting"), ("many", "50 per class, one lighting"),
             ("varied", "50 per class, mixed lighting"))


def bias_lab(seed: int, shift: float) -> dict[str, Any]:
    """Train the same small network on 5 or 50 examples per class photographed in one light, or on 50 per class in
    mixed light, then test each on photos in the same and in a different light. Accuracy per group for each.

    The test photos in the other light come from the engine's shifted dataset; half of that set's different-light
    photos are lent to the mixed training set, the other half (and same-light photos) are kept for testing.
    """
    try:
        X, y, X_pool, y_pool, group_pool = datasets.shifted(n_train=100, n_test=400, shift=shift, seed=seed)
    except ValueError as error:
        raise _invalid(error, "shift") from None
    lend, keep = np.arange(200), np.arange(200, 400)
    X_test, y_test, group = X_pool[keep], y_pool[keep], group_pool[keep]
    other = lend[group_pool[lend] == 1]

    def per_class(Xs, ys, k, idx=None):
        idx = np.arange(len(ys)) if idx is None else idx
        pick = np.r_[idx[ys[idx] == 0][:k], idx[ys[idx] == 1][:k]]
        return Xs[pick], ys[pick]

    X_few, y_few = per_class(X, y, 5)
    X_many, y_many = per_class(X, y, 50)
    X_half, y_half = per_class(X, y, 25)
    X_lent, y_lent = per_class(X_pool, y_pool, 25, other)
    training = {"few": (X_few, y_few), "many": (X_many, y_many),
                "varied": (np.r_[X_half, X_lent], np.r_[y_half, y_lent])}
    X_all = np.r_[X, X_pool]
    results = []
    for key, label in BIAS_SETS:
        Xt, yt = training[key]
        net = Network([2, 8, 1], ["tanh", "sigmoid"], seed=seed)
        train(net, Xt, yt, loss="bce", lr=0.5, epochs=200, seed=seed)
        predicted = predicted_labels(net.predict(X_test))
        groups = datasets.accuracy_by_group(predicted, y_test, group)
        results.append({
            "id": key, "label": label, "examples": int(len(yt)),
            "groups": [{"name": name, **value} for name, value in groups.items()],
            "train": {"x": Xt.tolist(), "y": yt.tolist()},
            "predicted": predicted.tolist(),
            "grid": _boundary_grid(net, X_all),
        })
    return {"seed": seed, "shift": shift, "groups": list(datasets.GROUPS),
            "test": {"x": X_test.tolist(), "y": y_test.tolist(), "group": group.tolist()}, "results": results}
