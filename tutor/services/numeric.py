"""Numeric questions made by the engine from a seed: the numbers, the answer, the worked solution and the typical slips.

A question's id encodes everything needed to rebuild it (`num:<question-kind>:<track>:seed=<n>` for a generated
question, `num:<bank-item-id>:seed=<n>` for a numeric item of the content bank), so the server regrades an answer
without ever storing the question. Every number comes from `engine.examples.run`; this module only picks which
numbers to feed in (from the seed) and phrases them.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.examples import run

MAX_SEED = 2**32 - 1
ID_RE = re.compile(r"^num:(?P<name>[a-z0-9]+(?:-[a-z0-9]+)*)(?::(?P<track>ages-[a-z0-9-]+))?:seed=(?P<seed>\d{1,10})$")

# What each slip is called, in words a learner understands; the key is also the misconception id when the bank
# item does not map the slip to one of its own misconceptions.
SLIPS: dict[str, tuple[str, str]] = {
    "no-activation": ("You stopped at the weighted sum and left out the activation function.",
                      "After z = w·x + b, the neuron has one more step. It applies its activation: a = f(z)."),
    "activation-before-bias": ("You applied the activation before adding the bias.",
                               "The bias belongs inside: first z = w·x + b, then a = f(z)."),
    "forgot-minus": ("You forgot the minus sign.",
                     "ln(p) is negative for p below 1, so the loss is −ln(p), which is never negative."),
    "wrong-class": ("You used the probability of a different class.",
                    "Cross-entropy only looks at the probability given to the right class."),
    "added-gradient": ("You added the gradient instead of subtracting it.",
                       "The gradient points uphill, towards more loss. Gradient descent steps the other way: "
                       "w − lr × gradient."),
    "forgot-activation-slope": ("You left out the activation's slope in the chain rule.",
                                "Going back through a sigmoid multiplies by its slope a(1 − a)."),
    "read-training-loss": ("You read the training loss instead of the validation loss.",
                           "Training loss keeps falling as the network memorises. The validation loss shows when "
                           "it stops getting better on new data."),
    "forgot-bias": ("You forgot the bias.",
                    "Add the bias to the weighted sum, even when it is small. Do this before the activation."),
    "forgot-square": ("You forgot to square the errors.",
                      "Square each error. Then every error counts as positive, and big misses count much more."),
    "forgot-mean": ("You added the squared errors but did not divide by how many there are.",
                    "Mean squared error is an average: add the squared errors, then divide by the count."),
    "wrong-sign": ("The sign is the wrong way round.",
                   "Check each minus sign. A negative weight pulls the sum down. Gradient descent moves "
                   "against the gradient."),
    "wrong-activation": ("You worked it out with the wrong activation.",
                         "Use the one the question names. ReLU keeps positive numbers and turns negative ones into 0. "
                         "Sigmoid squashes any number to between 0 and 1."),
    "forgot-lr": ("You forgot to multiply by the learning rate.",
                  "The learning rate sets the step size. The change is learning rate × gradient, not the whole "
                  "gradient."),
    "wrong-log": ("You used log base 10 instead of the natural log.",
                  "Cross-entropy uses the natural logarithm ln (log base e)."),
}

TRACKS_WITH_NUMBERS = ("ages-9-12", "ages-13-plus")


@dataclass(frozen=True)
class NumericQuestion:
    """One concrete question: what the learner sees (prompt, given) and what only the server knows."""

    id: str
    kind: str
    track: str
    concept: str
    prompt: str
    given: list[dict[str, Any]]
    answer: float
    tolerance: float
    unit: str | None
    hint: str
    explanation: str
    steps: list[dict[str, Any]]
    slips: dict[str, list[float]]
    misconceptions: dict[str, str] = field(default_factory=dict)
    lesson_message: str | None = None
    decimals: int | None = None  # the decimal places the prompt asks for, when it asks

    def public(self) -> dict[str, Any]:
        """The question without its answer, solution or slips."""
        out: dict[str, Any] = {"id": self.id, "kind": "numeric", "prompt": self.prompt, "concept": self.concept,
                               "track": self.track, "hint": self.hint, "given": self.given,
                               "tolerance": self.tolerance}
        if self.unit:
            out["unit"] = self.unit
        if self.lesson_message:
            out["lesson_message"] = self.lesson_message
        return out

    def answer_text(self) -> str:
        """The answer as the prompt asked for it: "to 3 decimal places" reads 0.327, not the engine's 0.3274."""
        if self.decimals:
            text = f"{self.answer:.{self.decimals}f}"
            return ("0." + "0" * self.decimals if float(text) == 0 else text).replace("-", "−")
        return fmt(self.answer)

    def solution(self) -> dict[str, Any]:
        return {"answer": self.answer, "answer_text": self.answer_text(), "tolerance": self.tolerance,
                "steps": self.steps}

    def slip_for(self, value: float) -> str | None:
        """The slip whose result `value` matches (within tolerance), when it does not match the right answer."""
        if self.accepts(value):
            return None
        for name, results in self.slips.items():
            if any(within(value, r, self.tolerance) for r in results):
                return name
        return None

    def accepts(self, value: float) -> bool:
        return within(value, self.answer, self.tolerance)


def within(value: float, target: float, tolerance: float) -> bool:
    # The stated tolerance is inclusive; the slack only absorbs float rounding at its very edge.
    return abs(value - target) <= tolerance * (1 + 1e-9) + 1e-12


def fmt(x: float) -> str:
    """A number as a learner reads it: at most 4 decimals, no trailing zeros, a real minus sign."""
    if abs(x) < 5e-5:
        return "0"
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return text.replace("-", "−")


def _step(text: str, value: float | None = None) -> dict[str, Any]:
    return {"text": text, **({"value": value} if value is not None else {})}


@dataclass
class _Built:
    concept: str
    prompt: str
    given: list[dict[str, Any]]
    answer: float
    decimals: int
    steps: list[dict[str, Any]]
    slips: dict[str, list[float]]
    hint: str
    explanation: str
    unit: str | None = None


# ---- the question kinds -------------------------------------------------------------------------------------------

def _neuron_numbers(seed: int, track: str, params: dict[str, Any]) -> dict[str, Any]:
    """Engine parameters for one neuron: small whole numbers for 9–12, the engine's own decimals for 13+."""
    if track == "ages-13-plus" or any(k in params for k in ("inputs", "weights", "bias")):
        return {k: params[k] for k in ("inputs", "weights", "bias") if k in params}
    rng = np.random.default_rng([seed, 912])
    weights = [int(v) for v in rng.choice([-3, -2, -1, 1, 2, 3], 2)]
    return {"inputs": [int(v) for v in rng.integers(1, 6, 2)], "weights": weights,
            "bias": int(rng.choice([-3, -2, -1, 1, 2, 3]))}


def _activation(seed: int, track: str, params: dict[str, Any]) -> str:
    if "activation" in params:
        return str(params["activation"])
    if track != "ages-13-plus":
        return "relu"
    return ["sigmoid", "relu", "tanh"][int(np.random.default_rng([seed, 13]).integers(3))]


def _neuron_given(p: dict[str, Any], with_activation: bool) -> list[dict[str, Any]]:
    given = [{"label": f"input x{i + 1}", "value": x} for i, x in enumerate(p["inputs"])]
    given += [{"label": f"weight w{i + 1}", "value": w} for i, w in enumerate(p["weights"])]
    given.append({"label": "bias b", "value": p["bias"]})
    if with_activation:
        given.append({"label": "activation", "value": p["activation"]})
    return given


def _sum_steps(ex: dict[str, Any]) -> list[dict[str, Any]]:
    steps = []
    for s in ex["steps"]:
        if s["id"].startswith("product-"):
            (wn, w), (xn, x) = s["inputs"].items()
            steps.append(_step(f"{wn} × {xn} = {fmt(w)} × {fmt(x)} = {fmt(s['result'])}", s["result"]))
        elif s["id"] == "z":
            parts = " + ".join(fmt(p) for p in s["inputs"]["products"])
            steps.append(_step(f"z = {parts} + {fmt(s['inputs']['b'])} (the bias) = {fmt(s['result'])}", s["result"]))
    return steps


def _abs_weights(p: dict[str, Any]) -> list[float] | None:
    return [abs(w) for w in p["weights"]] if any(w < 0 for w in p["weights"]) else None


def weighted_sum(seed: int, track: str, params: dict[str, Any]) -> _Built:
    ex = run("neuron", seed, activation="linear", **_neuron_numbers(seed, track, params))
    p = ex["params"]
    slips: dict[str, list[float]] = {
        "forgot-bias": [run("neuron", seed, inputs=p["inputs"], weights=p["weights"], bias=0.0,
                            activation="linear")["result"]["z"]]}
    if (flipped := _abs_weights(p)) is not None:
        slips["wrong-sign"] = [run("neuron", seed, inputs=p["inputs"], weights=flipped, bias=p["bias"],
                                   activation="linear")["result"]["z"]]
    prompt = ("A neuron multiplies each input by its weight, adds them up and adds its bias. What is its weighted "
              "sum z?" if track == "ages-13-plus" else
              "Multiply each input by its weight, add them up, then add the bias. What number do you get?")
    return _Built("neuron", prompt, _neuron_given(p, False), ex["result"]["z"], _places(track, 0, 2), _sum_steps(ex), slips,
                  hint="Multiply each input by its own weight first. The bias is added once, at the end.",
                  explanation="z = w1×x1 + w2×x2 + … + b: each input times its weight, all added up, plus the bias.")


def neuron_output(seed: int, track: str, params: dict[str, Any]) -> _Built:
    act = _activation(seed, track, params)
    ex = run("neuron", seed, activation=act, **_neuron_numbers(seed, track, params))
    p = ex["params"]
    same = {"inputs": p["inputs"], "weights": p["weights"]}
    slips: dict[str, list[float]] = {
        "forgot-bias": [run("neuron", seed, bias=0.0, activation=act, **same)["result"]["a"]],
        "no-activation": [ex["result"]["z"]],
        "wrong-activation": [run("neuron", seed, bias=p["bias"], activation=other, **same)["result"]["a"]
                             for other in ("relu", "sigmoid", "tanh") if other != act],
    }
    if (flipped := _abs_weights(p)) is not None:
        slips["wrong-sign"] = [run("neuron", seed, inputs=p["inputs"], weights=flipped, bias=p["bias"],
                                   activation=act)["result"]["a"]]
    a_step = ex["steps"][-1]
    steps = _sum_steps(ex) + [_step(f"a = {act}(z) = {act}({fmt(a_step['inputs']['z'])}) = {fmt(a_step['result'])}",
                                    a_step["result"])]
    rule = {"relu": "ReLU keeps a positive z and turns a negative z into 0.",
            "sigmoid": "sigmoid(z) = 1 / (1 + e^(−z)).", "tanh": "tanh squashes z to between −1 and 1.",
            "linear": "A linear activation passes z through unchanged.", "step": "step gives 1 when z > 0, else 0."}
    prompt = (f"This neuron uses the {act} activation. What is its output a?" if track == "ages-13-plus" else
              "Work out the weighted sum (do not forget the bias), then apply ReLU: a negative total becomes 0. "
              "What does the neuron output?")
    return _Built("neuron", prompt, _neuron_given(p, True), ex["result"]["a"], _places(track, 0, 3),
                  steps, slips, hint=f"First z = w1×x1 + w2×x2 + … + b, then apply {act}. {rule.get(act, '')}",
                  explanation=f"A neuron's output is a = {act}(w·x + b). {rule.get(act, '')}")


def mse(seed: int, track: str, params: dict[str, Any]) -> _Built:
    rng = np.random.default_rng([seed, 7])
    n = 1 if track != "ages-13-plus" else 3
    prediction = params.get("prediction") or [float(v) for v in np.round(rng.uniform(0.1, 0.9, n), 1 if n == 1 else 2)]
    target = params.get("target") or [float(v) for v in rng.integers(0, 2, len(prediction))]
    ex = run("mse", seed, prediction=prediction, target=target)
    errors = [s["result"] for s in ex["steps"] if s["id"].startswith("error-")]
    squares = [s["result"] for s in ex["steps"] if s["id"].startswith("squared-")]
    slips: dict[str, list[float]] = {"forgot-square": [float(np.mean(errors)), float(np.mean(np.abs(errors)))]}
    if len(errors) > 1:
        slips["forgot-mean"] = [float(np.sum(squares))]
    steps = [_step(f"error {i + 1} = {fmt(p)} − {fmt(t)} = {fmt(e)}; squared: {fmt(q)}", q)
             for i, (p, t, e, q) in enumerate(zip(ex["params"]["prediction"], ex["params"]["target"], errors, squares))]
    steps.append(_step(f"mean = ({' + '.join(fmt(q) for q in squares)}) / {len(squares)} = {fmt(ex['result']['loss'])}",
                       ex["result"]["loss"]))
    given = [{"label": f"prediction {i + 1}" if n > 1 else "prediction", "value": p}
             for i, p in enumerate(ex["params"]["prediction"])]
    given += [{"label": f"target {i + 1}" if n > 1 else "target (the right answer)", "value": t}
              for i, t in enumerate(ex["params"]["target"])]
    prompt = ("What is the mean squared error (MSE) of these predictions?" if n > 1 else
              "The network guessed a number, but the right answer was different. Take the error (guess − target) "
              "and square it. What is the squared error?")
    return _Built("loss", prompt, given, ex["result"]["loss"], 2 if n == 1 else 4, steps, slips,
                  hint="Find each error (prediction − target), square it, then take the average.",
                  explanation="MSE = the average of (prediction − target)². Squaring makes every error positive.")


def cross_entropy(seed: int, track: str, params: dict[str, Any]) -> _Built:
    ex = run("cross-entropy", seed, **{k: params[k] for k in ("probabilities", "target", "classes") if k in params})
    p = ex["params"]
    pk = p["probabilities"][p["target"]]
    loss = ex["result"]["loss"]
    steps = [_step(s["formula"] + " = " + fmt(s["result"]), s["result"]) for s in ex["steps"][:3]]
    given = [{"label": f"probability of {c}", "value": q} for c, q in zip(p["classes"], p["probabilities"])]
    given.append({"label": "the right class", "value": p["classes"][p["target"]]})
    return _Built("loss", "What is the cross-entropy loss of this prediction (use the natural log, ln)?", given,
                  loss, 3, steps, {"forgot-minus": [-loss], "wrong-log": [-math.log10(pk)], **_wrong_class(p)},
                  hint="Only the probability given to the right class matters: loss = −ln(p).",
                  explanation="Cross-entropy is −ln(p) where p is the probability the network gave the right answer. "
                              "A confident right answer gives a loss near 0.")


def _wrong_class(p: dict[str, Any]) -> dict[str, list[float]]:
    return {"wrong-class": [-math.log(q) for i, q in enumerate(p["probabilities"]) if i != p["target"]]}


def _bowl(seed: int, params: dict[str, Any]) -> tuple[dict[str, Any], float]:
    lr = float(params.get("lr") or [0.1, 0.05, 0.2][int(np.random.default_rng([seed, 3]).integers(3))])
    ex = run("learning-rate", seed, lrs=[lr], steps=1)
    return ex, lr


def gd_update(seed: int, track: str, params: dict[str, Any]) -> _Built:
    ex, lr = _bowl(seed, params)
    first = ex["runs"][0]["path"][0]
    w, g = first["w"], first["gradient"]
    new = ex["runs"][0]["path"][1]["w"]
    steps = [_step(f"change = − learning rate × gradient = −{fmt(lr)} × {fmt(g)} = {fmt(first['change'])}",
                   first["change"]),
             _step(f"new w = {fmt(w)} + ({fmt(first['change'])}) = {fmt(new)}", new)]
    given = [{"label": "weight w", "value": w}, {"label": "gradient dL/dw", "value": g},
             {"label": "learning rate", "value": lr}]
    return _Built("gradient-descent", "Do one gradient-descent update. What is the new value of the weight w?",
                  given, new, 3, steps, {"added-gradient": [w + lr * g], "forgot-lr": [w - g]},
                  hint="w_new = w − learning rate × gradient. The minus sign moves against the gradient, downhill.",
                  explanation="Gradient descent takes a small step against the gradient: w_new = w − lr × dL/dw.")


def weight_direction(seed: int, track: str, params: dict[str, Any]) -> _Built:
    ex, lr = _bowl(seed, params)
    first = ex["runs"][0]["path"][0]
    g, change = first["gradient"], first["change"]
    way = "up" if change > 0 else "down"
    steps = [_step(f"change = − learning rate × gradient = −{fmt(lr)} × {fmt(g)} = {fmt(change)}", change),
             _step(f"The change is {'positive' if change > 0 else 'negative'}, so the weight moves {way}.")]
    given = [{"label": "gradient dL/dw", "value": g}, {"label": "learning rate", "value": lr}]
    prompt = ("The gradient tells how the loss changes when this weight grows. Which way, and how far, should the "
              "weight move? Give the change: a positive number means up, a negative number means down.")
    return _Built("gradient-descent", prompt, given, change, _places(track, 2, 3), steps,
                  {"wrong-sign": [-change], "forgot-lr": [-g]},
                  hint="Move against the gradient: change = − learning rate × gradient.",
                  explanation="If making the weight bigger makes the loss bigger (positive gradient), the weight "
                              "should go down, and the other way round.")


Builder = Callable[[int, str, dict[str, Any]], _Built]

# Question kinds a learner can be given without a bank item, and the tracks they suit.
QUESTION_KINDS: dict[str, tuple[Builder, tuple[str, ...]]] = {
    "weighted-sum": (weighted_sum, TRACKS_WITH_NUMBERS),
    "neuron-output": (neuron_output, TRACKS_WITH_NUMBERS),
    "mse": (mse, TRACKS_WITH_NUMBERS),
    "cross-entropy": (cross_entropy, ("ages-13-plus",)),
    "gd-update": (gd_update, ("ages-13-plus",)),
    "weight-direction": (weight_direction, TRACKS_WITH_NUMBERS),
}

def _places(track: str, younger: int, older: int) -> int:
    return older if track == "ages-13-plus" else younger


def _tolerance(decimals: int) -> float:
    # Generous enough that an answer rounded to the asked number of decimals is always accepted; whole-number
    # answers (decimals 0) must be exact, give or take float noise.
    return 10.0 ** -decimals if decimals else 0.01


def _finish(qid: str, kind: str, track: str, built: _Built, *, tolerance: float | None = None,
            misconceptions: dict[str, str] | None = None, lesson_message: str | None = None) -> NumericQuestion:
    tol = tolerance if tolerance else _tolerance(built.decimals)
    # A slip too close to the right answer (or to a slip named before it) cannot be told apart, so it is not named.
    slips: dict[str, list[float]] = {}
    taken = [float(built.answer)]
    for name, values in built.slips.items():
        for v in values:
            if math.isfinite(v) and all(abs(v - t) > 2 * tol for t in taken):
                slips.setdefault(name, []).append(float(v))
                taken.append(float(v))
    rounding = f" Give your answer to {built.decimals} decimal places." if built.decimals else ""
    return NumericQuestion(
        id=qid, kind=kind, track=track, concept=built.concept, prompt=built.prompt + rounding, given=built.given,
        answer=float(built.answer), tolerance=tol, unit=built.unit, hint=built.hint, explanation=built.explanation,
        steps=built.steps, slips=slips, misconceptions=dict(misconceptions or {}), lesson_message=lesson_message,
        decimals=built.decimals or None)


def generated(kind: str, track: str, seed: int) -> NumericQuestion:
    """A question of one of QUESTION_KINDS for a track; KeyError/ValueError when there is no such question."""
    builder, tracks = QUESTION_KINDS[kind]
    if track not in tracks:
        raise ValueError(f"there are no {kind} questions for {track}")
    return _finish(f"num:{kind}:{track}:seed={seed}", kind, track, builder(seed, track, {}))


# ---- bank items: any engine example, the number the item names, and the slips known for it ------------------------

def _answer_of(ex: dict[str, Any], answer) -> tuple[float, int | None]:
    """The number an item's `answer` names in the example, and the index of its step (None for a result)."""
    if answer.result is not None:
        value = ex["result"].get(answer.result)
        index = None
    else:
        index = next((n for n, s in enumerate(ex["steps"]) if s.get("id") == answer.step), None)
        value = ex["steps"][index].get("result") if index is not None else None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(float(value)):
        raise ValueError(f"the {ex['kind']} example has no number at {answer.result or answer.step!r}")
    return float(value), index


LABELS = {"inputs": "input x", "weights": "weight w", "prediction": "prediction ", "target": "target ",
          "lrs": "learning rate ", "probabilities": "probability "}
HIDDEN_PARAMS = {"lr_halvings", "order", "features", "activations", "sizes"}


def _matrix(value: Any) -> str:
    """Nested lists of numbers as the page writes numbers (fmt: a real minus sign, never "-0.0")."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_matrix(v) for v in value) + "]"
    return fmt(float(value))


def _given_from(ex: dict[str, Any]) -> list[dict[str, Any]]:
    p = ex["params"]
    if ex["kind"] == "cross-entropy":
        given = [{"label": f"probability of {c}", "value": q} for c, q in zip(p["classes"], p["probabilities"])]
        return given + [{"label": "the right class", "value": p["classes"][p["target"]]}]
    given: list[dict[str, Any]] = []
    for key, value in p.items():
        if key in HIDDEN_PARAMS:
            continue
        if key == "weights" and isinstance(value, list) and value and isinstance(value[0], dict):
            for n, layer in enumerate(value):
                given.append({"label": f"layer {n + 1} weights", "value": _matrix(layer["W"])})
                given.append({"label": f"layer {n + 1} biases", "value": _matrix(layer["b"])})
        elif isinstance(value, list) and all(isinstance(v, (int, float)) for v in value):
            given += [{"label": f"{LABELS.get(key, key + ' ')}{i + 1}", "value": v} for i, v in enumerate(value)]
        elif isinstance(value, (int, float, str)):
            given.append({"label": key.replace("_", " "), "value": value})
        else:
            given.append({"label": key.replace("_", " "), "value": str(value)})
    if "sizes" in p and "activations" in p:
        given.append({"label": "network", "value": f"{'-'.join(map(str, p['sizes']))}, "
                                                   f"activations {', '.join(p['activations'])}"})
    history = ex.get("history")
    if history:
        best = int(ex["result"].get("best_epoch", 0))
        shown = min(len(history["epochs"]), max(40, best + 20))
        given.append({"label": "loss per epoch", "table": {
            "columns": ["epoch", "training loss", "validation loss"],
            "rows": [[e, round(t, 4), round(v, 4)] for e, t, v in
                     zip(history["epochs"][:shown], history["train_loss"][:shown], history["val_loss"][:shown])]}})
    return given


def _steps_from(ex: dict[str, Any], index: int | None) -> list[dict[str, Any]]:
    steps = ex["steps"] if index is None else ex["steps"][: index + 1]
    out = []
    for s in steps:
        if not isinstance(s.get("result"), (int, float)):
            continue
        scalars = ", ".join(f"{k} = {fmt(v)}" for k, v in (s.get("inputs") or {}).items()
                            if isinstance(v, (int, float)) and not isinstance(v, bool))
        out.append(_step(f"{s['formula']}" + (f" with {scalars}" if scalars else "") + f" → {fmt(s['result'])}",
                         float(s["result"])))
    return out


def _bank_slips(ex: dict[str, Any], seed: int, answer, value: float) -> dict[str, list[float]]:
    """Wrong results a typical slip gives for this example's number, computed from the same numbers."""
    kind, p, key = ex["kind"], ex["params"], answer.result or answer.step
    if kind == "neuron":
        same = {"inputs": p["inputs"], "weights": p["weights"]}
        act, z, b = p["activation"], ex["result"]["z"], p["bias"]
        if key == "z":
            return {"forgot-bias": [z - b]}
        slips = {"forgot-bias": [run("neuron", seed, bias=0.0, activation=act, **same)["result"]["a"]],
                 "no-activation": [z],
                 "activation-before-bias": [run("neuron", seed, bias=0.0, activation=act, **same)["result"]["a"] + b],
                 "wrong-activation": [run("neuron", seed, bias=b, activation=o, **same)["result"]["a"]
                                      for o in ("relu", "sigmoid", "tanh") if o != act]}
        if (flipped := _abs_weights(p)) is not None:
            slips["wrong-sign"] = [run("neuron", seed, inputs=p["inputs"], weights=flipped, bias=b,
                                       activation=act)["result"]["a"]]
        return slips
    if kind == "forward-pass":
        from engine import Network

        layers = [(np.array(l["W"], dtype=float), np.array(l["b"], dtype=float)) for l in p["weights"]]
        x = np.array([p["inputs"]], dtype=float)
        out = lambda ls, acts: float(Network.from_params(ls, acts).predict(x)[0, 0])
        h = np.maximum(x @ layers[0][0], 0) + layers[0][1]
        z_out = float((np.maximum(x @ layers[0][0] + layers[0][1], 0) @ layers[1][0] + layers[1][1])[0, 0])
        late = float(1 / (1 + np.exp(-(h @ layers[1][0])))[0, 0] + layers[1][1][0])
        return {"forgot-bias": [out([(W, np.zeros_like(b)) for W, b in layers], ["relu", "sigmoid"])],
                "no-activation": [z_out, out(layers, ["linear", "linear"])],
                "activation-before-bias": [late],
                "wrong-activation": [out(layers, ["sigmoid", "sigmoid"])]}
    if kind == "mse":
        errors = [pi - ti for pi, ti in zip(p["prediction"], p["target"])]
        slips = {"forgot-square": [float(np.mean(errors)), float(np.mean(np.abs(errors)))]}
        if len(errors) > 1:
            slips["forgot-mean"] = [float(np.sum(np.square(errors)))]
        return slips
    if kind == "cross-entropy":
        pk = p["probabilities"][p["target"]]
        return {"forgot-minus": [-value], "wrong-log": [-math.log10(pk)], **_wrong_class(p)}
    if kind == "backprop-step" and key.startswith("update-"):
        inputs = list(next(s for s in ex["steps"] if s["id"] == key)["inputs"].values())
        w, lr, g = inputs[0], inputs[1], inputs[2]
        return {"added-gradient": [w + lr * g], "forgot-lr": [w - g]}
    if kind == "backprop-step" and key.startswith("dL/d"):
        slips: dict[str, list[float]] = {"wrong-sign": [-value]}
        steps = {s["id"]: s["result"] for s in ex["steps"]}
        if key in ("dL/dv1", "dL/dv2", "dL/dc"):
            h = 1.0 if key == "dL/dc" else float(ex["steps"][[s["id"] for s in ex["steps"]].index(key)]["inputs"][
                f"h{key[-1]}"])
            slips["forgot-activation-slope"] = [steps["dL/da_out"] * h]
        return slips
    if kind in ("overfitting", "training-run") and key == "best_epoch":
        return {"read-training-loss": [float(int(np.argmin(ex["history"]["train_loss"])))]}
    return {}


def from_item(item, seed: int) -> NumericQuestion:
    """A bank NumericItem made concrete for `seed`: the item's own words, the engine's numbers.

    The question is `engine.examples.run(generator, seed, **params)` and the answer the number the item names
    (a result key or a step id); ValueError when the example has no such number.
    """
    ex = run(item.generator, seed, **dict(item.params))
    value, index = _answer_of(ex, item.answer)
    steps = _steps_from(ex, index)
    if item.answer.result is not None:
        steps.append(_step(f"{item.answer.result.replace('_', ' ')} = {fmt(value)}", value))
    built = _Built(item.concept, item.prompt, _given_from(ex), value, 0, steps,
                   _bank_slips(ex, seed, item.answer, value), item.hint, item.explanation, item.unit)
    # A tolerance of 0 means an exact answer (an epoch number, say); the tiny slack only absorbs float noise.
    return _finish(f"num:{item.id}:seed={seed}", "numeric", item.track, built, tolerance=item.tolerance or 1e-9,
                   misconceptions=item.misconceptions, lesson_message=item.lesson_message)


def parse_id(item_id: str) -> tuple[str, str | None, int] | None:
    """(name, track or None, seed) of a numeric question id, or None when the id is not one."""
    m = ID_RE.match(item_id)
    if not m or int(m["seed"]) > MAX_SEED:
        return None
    return m["name"], m["track"], int(m["seed"])


def question(item_id: str, find_item: Callable[[str], Any]) -> NumericQuestion | None:
    """The question an id names (None when it names none); `find_item` looks a bank item up by id."""
    parsed = parse_id(item_id)
    if parsed is None:
        return None
    name, track, seed = parsed
    if track is None:
        item = find_item(name)
        return from_item(item, seed) if item is not None and item.kind == "numeric" else None
    if name not in QUESTION_KINDS or track not in QUESTION_KINDS[name][1]:
        return None
    return generated(name, track, seed)


def kinds_for(track: str) -> list[str]:
    return [k for k, (_, tracks) in QUESTION_KINDS.items() if track in tracks]
