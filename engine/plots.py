"""SVG plots drawn from real engine runs, each with a one-sentence description computed from the same numbers.

Figures are built with matplotlib.figure.Figure (never pyplot) inside an rc_context, so nothing is shared between calls,
and the SVG is deterministic (fixed hash salt, no date). One plot is drawn at a time per process: rc_context changes
matplotlib's process-wide settings and its mathtext parser keeps state, so two threads drawing at once (a threaded WSGI
worker) would mix up each other's styles or fail to parse tick labels.
"""

import functools
import inspect
import io
import textwrap
import threading
import unicodedata

import matplotlib
import numpy as np
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from . import datasets, examples
from .activations import FUNCTIONS
from .losses import predicted_labels
from .network import Network
from .params import choice, number, numbers
from .rounding import percent
from .training import train

# Okabe–Ito: distinguishable with the common colour-vision deficiencies. Sign is also shown by solid vs dashed lines.
BLUE, ORANGE, GREEN, VERMILLION = "#0072B2", "#E69F00", "#009E73", "#D55E00"
SKY, PURPLE, YELLOW, BLACK = "#56B4E9", "#CC79A7", "#F0E442", "#000000"
CLASS_COLOURS = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW, BLACK)
CLASS_MARKERS = ("o", "^", "s", "D", "v", "P", "X", "*")
LINE_STYLES = ("-", "--", ":", "-.")
POSITIVE, NEGATIVE = BLUE, ORANGE

STYLE = {
    "svg.hashsalt": "tutor-engine",  # fixed ids so the same plot gives the same bytes
    "svg.fonttype": "none",  # keep text as text: smaller files and readable by screen readers
    "font.size": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _fmt(x, digits=2):
    """A number for a description: short, without trailing zeros."""
    if x is None or not np.isfinite(x):
        return "too large to show"
    if x != 0 and (abs(x) < 0.01 or abs(x) >= 100):
        return f"{x:.{digits + 1}g}" if abs(x) < 1e6 else f"{x:.2e}"
    return f"{round(x, digits):g}"


def _pct(part, whole=1):
    """A share (or part of whole) as a whole percent, halves rounded up as people and the pages do: 46 of 80 is "58%"."""
    return f"{percent(part, whole)}%"


def _svg(fig):
    FigureCanvasSVG(fig)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


_DRAWING = threading.RLock()


def plot(function):
    """Run a plot function inside the shared style and turn its (figure, description) into (svg, description)."""
    @functools.wraps(function)
    def wrapper(seed=0, **params):
        seed = number("seed", seed, 0, 2**32 - 1, integer=True)
        with _DRAWING, matplotlib.rc_context(STYLE), np.errstate(over="ignore", invalid="ignore"):
            fig, description = function(seed, **params)
            return _svg(fig), description
    return wrapper


@plot
def network(seed=0, sizes="2,3,1", inputs=None):
    """A network diagram: each node shows its activation for one input, edge colour is the weight's sign
    (blue solid positive, orange dashed negative) and edge width its size. sizes: 2 to 5 layers of 1 to 8 neurons."""
    layer_sizes = [int(number("sizes", v, 1, 8, integer=True)) for v in numbers("sizes", sizes, 1, 8, min_length=2,
                                                                                  max_length=5)]
    acts = ["relu"] * (len(layer_sizes) - 2) + ["sigmoid"]
    net = Network(layer_sizes, acts, seed=seed)
    rng = np.random.default_rng(seed)
    x = (numbers("inputs", inputs, -100, 100, length=layer_sizes[0]) if inputs is not None
         else np.round(rng.uniform(0, 1, layer_sizes[0]), 1).tolist())
    trace = net.forward(np.array([x]))
    values = [np.array(x)] + [L.a[0] for L in trace.layers]
    fig = Figure(figsize=(1.8 * len(layer_sizes) + 1, 0.9 * max(layer_sizes) + 1.2))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    pos = [[(i, (n - 1) / 2 - j) for j in range(n)] for i, n in enumerate(layer_sizes)]
    biggest = max(float(np.abs(W).max()) for W, _ in net.params) or 1.0
    positive = negative = 0
    for i, (W, _) in enumerate(net.params):
        for a in range(W.shape[0]):
            for b in range(W.shape[1]):
                w = W[a, b]
                positive += w > 0
                negative += w <= 0
                (x0, y0), (x1, y1) = pos[i][a], pos[i + 1][b]
                ax.plot([x0, x1], [y0, y1], color=POSITIVE if w > 0 else NEGATIVE, linestyle="-" if w > 0 else "--",
                        linewidth=0.5 + 4 * abs(w) / biggest, zorder=1)
    for i, layer in enumerate(pos):
        for j, (px, py) in enumerate(layer):
            ax.add_patch(matplotlib.patches.Circle((px, py), 0.28, facecolor="white", edgecolor=BLACK, zorder=2))
            ax.text(px, py, f"{values[i][j]:.2f}", ha="center", va="center", zorder=3)
    for i, n in enumerate(layer_sizes):
        label = "input" if i == 0 else "output" if i == len(layer_sizes) - 1 else f"hidden ({acts[i - 1]})"
        ax.text(i, (n - 1) / 2 + 0.55, label, ha="center", va="bottom")
    top = (max(layer_sizes) - 1) / 2
    ax.set_xlim(-0.5, len(layer_sizes) - 0.5)
    ax.set_ylim(-top - 0.5, top + 0.9)
    out = values[-1]
    description = (f"A {'-'.join(map(str, layer_sizes))} network with {positive + negative} connections, "
                   f"{positive} positive (blue, solid) and {negative} negative (orange, dashed); for inputs "
                   f"{', '.join(_fmt(v) for v in x)} it outputs {', '.join(_fmt(v) for v in out)}.")
    return fig, description


def _moons_run(seed, epochs, lr, hidden):
    X, y = datasets.moons(300, noise=0.2, seed=seed)
    X_train, y_train, X_val, y_val = datasets.split(X, y, 1 / 3, seed)
    net = Network([2, hidden, hidden, 1], ["relu", "relu", "sigmoid"], seed=seed)
    return train(net, X_train, y_train, loss="bce", lr=lr, epochs=epochs, seed=seed, momentum=0.9,
                 X_val=X_val, Y_val=y_val)


@plot
def loss_curves(seed=0, scenario="learning", epochs=200):
    """Training and validation loss per epoch. scenario "learning": a 2-16-16-1 network learning two moons;
    "overfitting": a big network memorising 30 noisy points (the overfitting worked example)."""
    choice("scenario", scenario, ("learning", "overfitting"))
    epochs = number("epochs", epochs, 10, 2000, integer=True)
    if scenario == "learning":
        h = _moons_run(seed, epochs, 0.1, 16).to_dict()
    else:
        h = examples.overfitting(seed, epochs=max(epochs, 50))["history"]
    train_loss, val_loss, ep = h["train_loss"], h["val_loss"], h["epochs"]
    fig = Figure(figsize=(6, 3.6))
    ax = fig.add_subplot()
    ax.plot(ep, train_loss, color=BLUE, linestyle="-", label="training loss")
    ax.plot(ep, val_loss, color=ORANGE, linestyle="--", label="validation loss")
    best = int(np.argmin(val_loss))
    ax.axvline(ep[best], color=BLACK, linestyle=":", linewidth=1)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.legend(frameon=False)
    fig.tight_layout()
    description = (f"Training loss fell from {_fmt(train_loss[0])} to {_fmt(train_loss[-1])} in {ep[-1]} epochs; "
                   f"validation loss went from {_fmt(val_loss[0])} to {_fmt(val_loss[-1])}, lowest "
                   f"{_fmt(val_loss[best])} at epoch {ep[best]}.")
    return fig, description


BOUNDARY_DATA = {
    "moons": lambda seed: datasets.moons(200, noise=0.15, seed=seed),
    "circles": lambda seed: datasets.circles(200, noise=0.08, seed=seed),
    "xor": lambda seed: datasets.xor(200, noise=0.15, seed=seed),
    "blobs": lambda seed: datasets.blobs(300, centers=3, spread=0.7, seed=seed),
    "spiral": lambda seed: datasets.spiral(100, 3, noise=0.15, seed=seed),
}


@plot
def decision_boundary(seed=0, dataset="moons", hidden=16, epochs=300):
    """The regions a trained network assigns to each class, with the training points on top."""
    choice("dataset", dataset, tuple(BOUNDARY_DATA))
    hidden = number("hidden", hidden, 2, 64, integer=True)
    epochs = number("epochs", epochs, 0, 2000, integer=True)
    X, y = BOUNDARY_DATA[dataset](seed)
    classes = int(y.max()) + 1
    if classes == 2:
        net = Network([2, hidden, hidden, 1], ["relu", "relu", "sigmoid"], seed=seed)
        train(net, X, y, loss="bce", lr=0.1, epochs=epochs, seed=seed, momentum=0.9)
    else:
        net = Network([2, hidden, hidden, classes], ["relu", "relu", "softmax"], seed=seed)
        train(net, X, y, loss="ce", lr=0.1, epochs=epochs, seed=seed, momentum=0.9)
    accuracy = float(np.mean(predicted_labels(net.predict(X)) == y))
    lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 120), np.linspace(lo[1], hi[1], 120))
    regions = predicted_labels(net.predict(np.c_[gx.ravel(), gy.ravel()])).reshape(gx.shape)
    fig = Figure(figsize=(5, 4.4))
    ax = fig.add_subplot()
    palette = matplotlib.colors.ListedColormap(CLASS_COLOURS[:classes])
    # Rasterised so the SVG holds one small image instead of thousands of contour paths.
    ax.contourf(gx, gy, regions, levels=np.arange(classes + 1) - 0.5, cmap=palette, alpha=0.25, rasterized=True)
    for k in range(classes):
        ax.scatter(*X[y == k].T, s=18, color=CLASS_COLOURS[k], marker=CLASS_MARKERS[k], edgecolors=BLACK,
                   linewidths=0.4, label=f"class {k}")
    ax.set_xlabel("feature 1")
    ax.set_ylabel("feature 2")
    ax.legend(frameon=False, loc="best", fontsize=9)
    fig.tight_layout()
    description = (f"A network trained for {epochs} epochs separates the {len(X)} {dataset} points into {classes} "
                   f"classes with {_pct(accuracy)} of them on the correct side.")
    return fig, description


@plot
def learning_rates(seed=0, steps=10):
    """Loss per step of gradient descent on the same loss bowl with a too-small, a good and a too-large learning rate."""
    steps = number("steps", steps, 1, 50, integer=True)
    ex = examples.learning_rate(seed, steps=steps)
    fig = Figure(figsize=(6, 3.6))
    ax = fig.add_subplot()
    for run, colour, style in zip(ex["runs"], (SKY, BLUE, VERMILLION), LINE_STYLES):
        ax.plot([p["step"] for p in run["path"]], [max(p["loss"], 1e-12) for p in run["path"]], color=colour,
                linestyle=style, marker="o", markersize=3, label=f"learning rate {_fmt(run['lr'], 3)} ({run['outcome']})")
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss (log scale)")
    ax.legend(frameon=False, fontsize=9)
    fig.tight_layout()
    parts = [f"with learning rate {_fmt(r['lr'], 3)} the loss went from {_fmt(r['path'][0]['loss'])} to "
             f"{_fmt(r['final_loss'])} ({r['outcome']})" for r in ex["runs"]]
    return fig, f"Over {steps} steps, " + "; ".join(parts) + "."


@plot
def descent_path(seed=0, lr=None, steps=8):
    """Each gradient-descent step drawn on the loss curve L(w) = c (w − w_best)²."""
    steps = number("steps", steps, 1, 50, integer=True)
    ex = examples.learning_rate(seed, steps=steps, lrs=None if lr is None else [number("lr", lr, 1e-4, 10)])
    run = ex["runs"][1] if lr is None else ex["runs"][0]
    c, w_best = ex["params"]["c"], ex["params"]["w_best"]
    ws = np.array([p["w"] for p in run["path"]])
    losses = np.array([p["loss"] for p in run["path"]])
    span = max(abs(ws - w_best).max(), 1.0) * 1.15
    grid = np.linspace(w_best - span, w_best + span, 200)
    fig = Figure(figsize=(6, 3.6))
    ax = fig.add_subplot()
    ax.plot(grid, c * (grid - w_best) ** 2, color=BLACK, linewidth=1.2, label="loss L(w)")
    ax.plot(ws, losses, color=VERMILLION, linestyle="--", marker="o", markersize=4, label=f"steps (lr {_fmt(run['lr'], 3)})")
    ax.plot([w_best], [0], marker="*", color=GREEN, markersize=12, linestyle="none", label="lowest point")
    ax.set_xlabel("weight w")
    ax.set_ylabel("loss")
    ax.legend(frameon=False, fontsize=9)
    fig.tight_layout()
    description = (f"Starting at w = {_fmt(ws[0])}, {len(ws) - 1} steps with learning rate {_fmt(run['lr'], 3)} "
                   f"moved w to {_fmt(ws[-1])} (the lowest point is at {_fmt(w_best)}); the loss went from "
                   f"{_fmt(losses[0])} to {_fmt(losses[-1])}.")
    return fig, description


@plot
def activations(seed=0, names="relu,sigmoid,tanh,step"):
    """The shapes of activation functions from z = −5 to 5. names: comma-separated, up to 5 of relu, sigmoid, tanh,
    linear, step."""
    chosen = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
    if not 1 <= len(chosen) <= 5:
        raise ValueError(f"names must list 1 to 5 activations, got {len(chosen)}")
    for n in chosen:
        choice("names", n, ("relu", "sigmoid", "tanh", "linear", "step"))
    z = np.linspace(-5, 5, 401)
    fig = Figure(figsize=(6, 3.6))
    ax = fig.add_subplot()
    for k, n in enumerate(chosen):
        ax.plot(z, FUNCTIONS[n](z), color=CLASS_COLOURS[k], linestyle=LINE_STYLES[k % 4], linewidth=2, label=n)
    ax.axhline(0, color=BLACK, linewidth=0.5)
    ax.axvline(0, color=BLACK, linewidth=0.5)
    ax.set_xlabel("weighted sum z")
    ax.set_ylabel("activation a")
    ax.legend(frameon=False)
    fig.tight_layout()
    at = {n: [float(FUNCTIONS[n](np.array([v]))[0]) for v in (-5.0, 0.0, 5.0)] for n in chosen}
    description = ("Activation functions from z = -5 to 5: " + "; ".join(
        f"{n} gives {_fmt(lo)} at -5, {_fmt(mid)} at 0 and {_fmt(hi)} at 5" for n, (lo, mid, hi) in at.items()) + ".")
    return fig, description


@plot
def group_accuracy(seed=0, scenario="lighting", shift=1.5):
    """Accuracy per group. scenario "lighting": trained in one light, tested in the same and a different light
    (the test points moved by `shift`); "few-vs-many": the same network trained on 5 or on 50 examples per class."""
    choice("scenario", scenario, ("lighting", "few-vs-many"))
    shift = number("shift", shift, 0, 5)
    if scenario == "lighting":
        X, y, X_test, y_test, group = datasets.shifted(shift=shift, seed=seed)
        net = Network([2, 8, 1], ["tanh", "sigmoid"], seed=seed)
        train(net, X, y, loss="bce", lr=0.5, epochs=200, seed=seed)
        result = datasets.accuracy_by_group(predicted_labels(net.predict(X_test)), y_test, group)
        names = list(result)
        values = [result[n]["accuracy"] for n in names]
        counts = [result[n]["count"] for n in names]
    else:
        sets = datasets.few_vs_many(seed=seed)
        X_test, y_test = sets["test"]
        names, values, counts = [], [], []
        for key, label in (("few", "5 per class"), ("many", "50 per class")):
            X, y = sets[key]
            net = Network([2, 16, 16, 1], ["relu", "relu", "sigmoid"], seed=seed)
            train(net, X, y, loss="bce", lr=0.1, epochs=300, seed=seed, momentum=0.9)
            names.append(f"trained on {label}")
            values.append(float(np.mean(predicted_labels(net.predict(X_test)) == y_test)))
            counts.append(len(y_test))
    fig = Figure(figsize=(5, 3.6))
    ax = fig.add_subplot()
    bars = ax.bar(names, values, color=[BLUE, ORANGE], edgecolor=BLACK, hatch=None)
    bars[1].set_hatch("//")  # a pattern too, so the bars differ without colour
    for bar, v in zip(bars, values):
        ax.text(bar.get_x() + bar.get_width() / 2, v + 0.02, _pct(v), ha="center")
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("test accuracy")
    fig.tight_layout()
    description = "Accuracy was " + " and ".join(f"{_pct(v)} for {n} ({c} test examples)"
                                                 for n, v, c in zip(names, values, counts)) + "."
    return fig, description


# ---- a class's learning records (data passed in by the caller, e.g. a teacher's dashboard) ------------------------

# Mastery levels, lowest first: an ordered scale built from Okabe–Ito colours, each level also with its own hatch so
# the bars differ without colour too. The teacher dashboard's grid uses the same colours.
MASTERY_COLOURS = ("#F2F2F2", VERMILLION, ORANGE, SKY, BLUE, GREEN, PURPLE, YELLOW)
MASTERY_HATCHES = ("", "xx", "//", "\\\\", "", "--", "++", "oo")
DEFAULT_LEVELS = ("Not started", "Tried it", "Getting there", "Good at it", "Mastered")
MAX_DAYS = 366
MAX_CONCEPTS = 40
# The dashboard plots' narrow layout is for a phone: drawn at the width of a 390 px phone's content column (about
# 320 CSS px), so its 11 pt text shows at about 14 px without scaling, and the mastery chart puts each concept's name
# above its own bar (wrapped when long) instead of beside it, leaving the whole width to the bars.
WIDE_WRAP = 24  # characters per line of a concept's name beside its bar
NARROW_WIDTH = 3.3  # inches
NARROW_WRAP = 34  # characters per line of a concept's name in the narrow layout (11 pt DejaVu Sans in 3.3 inches)
LAYOUTS = ("wide", "narrow")


def _texts(name, value, max_length):
    """A list of short labels (a list/tuple or a comma-separated string)."""
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and 0 < len(v) <= 80 for v in value):
        raise ValueError(f"{name} must be a list of labels of 1 to 80 characters")
    if len(value) > max_length:
        raise ValueError(f"{name} must have at most {max_length} entries, got {len(value)}")
    return list(value)


def _counts(name, value, length):
    """Whole, non-negative counts, exactly `length` of them."""
    value = numbers(name, value, 0, 10**9, max_length=max(length, 1)) if length else []
    if len(value) != length:
        raise ValueError(f"{name} must have {length} numbers, got {len(value)}")
    return [int(number(f"{name}[{i}]", v, 0, 10**9, integer=True)) for i, v in enumerate(value)]


def _day(text):
    import datetime

    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"days must be dates like 2025-03-14, got {text!r}") from None


def _day_label(day):
    return f"{day.day} {day.strftime('%b')}"


def _subject(value):
    """Who gave the answers, as the description names them mid-sentence ("the class", a nickname, "you"), or None."""
    if value is None:
        return None
    # Control characters (a line break) would split the sentence; emoji and any script are names like others.
    if (not isinstance(value, str) or not 0 < len(value.strip()) <= 80
            or any(unicodedata.category(ch) == "Cc" for ch in value)):
        raise ValueError("subject must be a name of 1 to 80 characters without control characters, such as "
                         "'the class' or 'you'")
    return value.strip()


@plot
def activity(seed=0, days=None, attempts=None, correct=None, subject=None,  # noqa: ARG001 - seed: every plot takes one
             layout="wide"):
    """Answers per day over time, split into right (blue, solid) and not right (orange, hatched).
    days: consecutive dates (YYYY-MM-DD, at most 366); attempts: answers on each day; correct: how many were right;
    subject: who gave them, named in the description ("the class", a learner's nickname, "you"; by default nobody
    is named); layout: "wide" (7 inches) or "narrow" (3.3 inches for a phone, fewer dates, the legend above)."""
    layout = choice("layout", layout, LAYOUTS)
    subject = _subject(subject)
    days = [_day(d) for d in _texts("days", days or [], MAX_DAYS)]
    attempts = _counts("attempts", attempts if attempts is not None else [], len(days))
    correct = _counts("correct", correct, len(days)) if correct is not None else [0] * len(days)
    if any(c > a for c, a in zip(correct, attempts)):
        raise ValueError("correct can never be more than attempts on the same day")
    if any((b - a).days != 1 for a, b in zip(days, days[1:])):
        raise ValueError("days must be consecutive dates, one per day, oldest first")
    narrow = layout == "narrow"
    fig = Figure(figsize=(NARROW_WIDTH, 3.1) if narrow else (7, 3.2))
    ax = fig.add_subplot()
    x = np.arange(len(days))
    wrong = [a - c for a, c in zip(attempts, correct)]
    ax.bar(x, correct, color=BLUE, edgecolor=BLACK, linewidth=0.4, label="right")
    ax.bar(x, wrong, bottom=correct, color=ORANGE, edgecolor=BLACK, linewidth=0.4, hatch="//", label="not right")
    step = max(1, -(-len(days) // 4) if narrow else len(days) // 7)  # at most 4 dates across a phone's width,
    labels = [_day_label(d) for d in days[::step]]  # each with the day above the month there
    ax.set_xticks(x[::step], [label.replace(" ", "\n") for label in labels] if narrow else labels)
    ax.set_ylabel("answers per day")
    ax.set_xlim(-0.7, max(len(days), 1) - 0.3)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylim(0, max(ax.get_ylim()[1], 1))  # no answers yet: an axis from 0 to 1, not from -0.04 to 0.04
    if days and narrow:  # above the bars: on a narrow chart the bars fill the whole width
        fig.legend(*ax.get_legend_handles_labels(), frameon=False, ncols=2, loc="upper left",
                   bbox_to_anchor=(0.02, 1.0), borderaxespad=0.2, handlelength=1.6)
        fig.tight_layout(rect=(0, 0, 1, 1 - 0.34 / fig.get_figheight()))
    else:
        if days:
            ax.legend(frameon=False, loc="upper left")
        fig.tight_layout()
    total = sum(attempts)
    if total == 0:
        if days and subject:
            return fig, f"From {_day_label(days[0])} to {_day_label(days[-1])} {subject} gave no answers."
        period = f" between {_day_label(days[0])} and {_day_label(days[-1])}" if days else ""
        return fig, f"No answers were given{period}."
    busiest = int(np.argmax(attempts))
    active = sum(1 for a in attempts if a)
    period = f"From {_day_label(days[0])} to {_day_label(days[-1])}"
    answers = _answers(total)
    if subject:
        said = f"{period} {subject} gave {answers}"
    else:
        said = f"{period}, {answers} {'was' if total == 1 else 'were'} given"
    description = (f"{said} on {active} of {len(days)} days, {_pct(sum(correct), total)} of them right; the busiest "
                   f"day was {_day_label(days[busiest])} with {_answers(attempts[busiest])}.")
    return fig, description


def _answers(n):
    return f"{n} answer{'' if n == 1 else 's'}"


def _count_rows(value, rows, width):
    """counts for each concept: a list of lists, or a string with rows split by ';' and counts by ','."""
    if isinstance(value, str):
        value = [r for r in value.split(";") if r.strip()]
    if not isinstance(value, (list, tuple)):
        raise ValueError("counts must be one list of counts per concept")
    if len(value) != rows:
        raise ValueError(f"counts must have one row per concept ({rows}), got {len(value)}")
    return [_counts(f"counts[{i}]", row, width) for i, row in enumerate(value)]


@plot
def mastery_distribution(seed=0, concepts=None, counts=None, levels=None, layout="wide"):  # noqa: ARG001
    """How many learners are at each mastery level in each concept, as stacked bars (one per concept).
    concepts: concept names (at most 40); counts: per concept, learners per level, lowest level first;
    levels: the level names, lowest first (default: Not started, Tried it, Getting there, Good at it, Mastered);
    layout: "wide" (7 inches, names beside the bars) or "narrow" (3.3 inches for a phone, names above the bars)."""
    layout = choice("layout", layout, LAYOUTS)
    levels = _texts("levels", levels, len(MASTERY_COLOURS)) if levels is not None else list(DEFAULT_LEVELS)
    if len(levels) < 2:
        raise ValueError("levels must name at least 2 levels")
    concepts = _texts("concepts", concepts or [], MAX_CONCEPTS)
    rows = np.array(_count_rows(counts if counts is not None else [], len(concepts), len(levels)),
                    dtype=int).reshape(len(concepts), len(levels))
    draw = _mastery_narrow if layout == "narrow" else _mastery_wide
    fig = draw(concepts, rows, levels)
    learners = int(rows.sum(axis=1).max()) if len(concepts) else 0
    if learners == 0:
        return fig, "No learner has a mastery level yet."
    highest, lowest = _most(concepts, rows[:, -1], levels[-1]), _most(concepts, rows[:, 0], levels[0])
    if " has the most " in highest and " has the most " in lowest:
        lowest = lowest.replace(" has the most ", " the most ", 1)  # "a has the most at X (2), b the most at Y (1)"
    description = (f"Across {len(concepts)} concepts and up to {learners} learners, {highest}, {lowest}, and "
                   f"{_pct(rows[:, -2:].sum(), rows.sum())} of all learner-concept pairs are at {levels[-2]} or above.")
    return fig, description


def _most(concepts, counts, level):
    """Which concept has the most learners at `level`, in words: counts (n_concepts,). Nobody, a tie or one concept:
    a new class has every learner at the lowest level of every concept, and no concept "has the most" at the top."""
    k = int(counts.max())
    if k == 0:
        return f"nobody is at {level}"
    ties = [c for c, n in zip(concepts, counts) if n == k]
    if len(ties) == 1:
        return f"{ties[0]} has the most at {level} ({k})"
    if len(ties) == len(concepts):
        return f"every concept has {k} at {level}"
    return f"{len(ties)} concepts share the most at {level} ({k} each)"


def _stacked_bars(ax, y, rows, levels, height):
    """One horizontal bar per row of `rows` (n_concepts, n_levels) at heights `y`, a segment per level."""
    left = np.zeros(len(rows), dtype=int)
    for k, level in enumerate(levels):
        ax.barh(y, rows[:, k], height=height, left=left, color=MASTERY_COLOURS[k], edgecolor=BLACK, linewidth=0.4,
                hatch=MASTERY_HATCHES[k], label=level)
        left = left + rows[:, k]


def _mastery_wide(concepts, rows, levels):
    """Names beside the bars (wrapped when long, so the bars keep most of the width), the legend above: for a
    laptop's column."""
    legend = 0.25 * -(-len(levels) // 3) + 0.1  # inches: rows of three levels
    fig = Figure(figsize=(7, 0.42 * max(len(concepts), 2) + 1.3 + legend))
    ax = fig.add_subplot()
    y = np.arange(len(concepts))[::-1]  # first concept on top
    _stacked_bars(ax, y, rows, levels, 0.8)
    ax.set_yticks(y, ["\n".join(textwrap.wrap(c, WIDE_WRAP) or [c]) for c in concepts], linespacing=1.0)
    ax.set_ylim(-0.6, len(concepts) - 0.4)
    ax.set_xlabel("learners")
    ax.xaxis.get_major_locator().set_params(integer=True)
    if concepts:  # on the figure, not the axes, so that long names pushing the axes right cannot push it off the edge
        fig.legend(*ax.get_legend_handles_labels(), frameon=False, ncols=min(len(levels), 3), loc="upper center",
                   bbox_to_anchor=(0.5, 1.0))
    fig.tight_layout(rect=(0, 0, 1, 1 - legend / fig.get_figheight()))
    return fig


def _mastery_narrow(concepts, rows, levels):
    """Each name above its bar, the legend in two columns on top, every text at the body size: for a phone.
    Positions are in inches from the top of the plotting area, so the figure grows with the number of lines."""
    line, bar, gap = 0.2, 0.26, 0.14  # inches: a line of a name, a bar, the space between one bar and the next name
    names = [textwrap.wrap(c, NARROW_WRAP) or [c] for c in concepts]
    legend_rows = -(-len(levels) // 2)
    top_margin, bottom_margin = 0.12 + 0.24 * legend_rows, 0.62  # the legend; the tick labels and "learners"
    y, at = [], 0.0
    for lines in names:
        at += len(lines) * line
        y.append(at + bar / 2)
        at += bar + gap
    height = max(at, 0.5)
    fig = Figure(figsize=(NARROW_WIDTH, height + top_margin + bottom_margin))
    ax = fig.add_axes((0.06, bottom_margin / fig.get_figheight(), 0.88, height / fig.get_figheight()))
    _stacked_bars(ax, y, rows, levels, bar)
    for lines, centre in zip(names, y):
        ax.text(0.01, centre - bar / 2 - 0.03, "\n".join(lines), transform=ax.get_yaxis_transform(), ha="left",
                va="bottom", linespacing=1.1)
    ax.set_ylim(height, 0)
    ax.set_yticks([])
    ax.spines["left"].set_visible(True)
    ax.set_xlabel("learners")
    ax.xaxis.get_major_locator().set_params(integer=True)
    if concepts:
        fig.legend(*ax.get_legend_handles_labels(), frameon=False, ncols=2, loc="upper left",
                   bbox_to_anchor=(0.02, 1.0), borderaxespad=0.2, handlelength=1.6, columnspacing=1.0)
    return fig


PLOTS = {
    "network": network,
    "loss-curves": loss_curves,
    "decision-boundary": decision_boundary,
    "learning-rates": learning_rates,
    "descent-path": descent_path,
    "activations": activations,
    "group-accuracy": group_accuracy,
    "activity": activity,
    "mastery-distribution": mastery_distribution,
}


def params_of(name):
    """The parameter names a plot accepts (seed is always accepted)."""
    if name not in PLOTS:
        raise ValueError(f"unknown plot {name!r}; choose one of {', '.join(PLOTS)}")
    return list(inspect.signature(PLOTS[name].__wrapped__).parameters)


def render(name, **params):
    """The plot `name` as (svg text, one-sentence description). Unknown names or parameters raise ValueError."""
    allowed = params_of(name)
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise ValueError(f"plot {name!r} does not take {', '.join(unknown)}; it takes {', '.join(allowed)}")
    return PLOTS[name](**{k: v for k, v in params.items() if v is not None})
