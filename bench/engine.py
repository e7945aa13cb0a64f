"""Times the engine's training step against a hand-written NumPy loop and PyTorch, and times every plot.

Run as `python bench/engine.py`. Prints microseconds per step and ratios; nothing here is asserted.
"""

import itertools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from engine import Network, datasets, train, train_step
from engine.losses import as_targets, predicted_labels
from engine.plots import PLOTS, render


def best_time(fn, number, repeat=7):
    """Fastest mean time per call over `repeat` rounds of `number` calls, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def hand_step(params, X, Y, lr):
    """The minimal NumPy loop: relu hidden layers, sigmoid output, binary cross-entropy from logits, plain SGD."""
    acts = [X]
    zs = []
    a = X
    for W, b in params[:-1]:
        z = a @ W + b
        zs.append(z)
        a = np.maximum(z, 0)
        acts.append(a)
    W, b = params[-1]
    z = a @ W + b
    p = 1 / (1 + np.exp(-z))
    loss = np.mean(np.logaddexp(0, z) - Y * z)
    delta = (p - Y) / Y.size
    for i in range(len(params) - 1, -1, -1):
        W, b = params[i]
        dW = acts[i].T @ delta
        db = delta.sum(axis=0)
        if i:
            delta = (delta @ W.T) * (zs[i - 1] > 0)
        W -= lr * dW
        b -= lr * db
    return loss


def torch_step_factory(torch, sizes, X, Y, lr, seed):
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    layers = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        layers += [torch.nn.Linear(fan_in, fan_out).double(), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    Xt, Yt = torch.tensor(X), torch.tensor(Y)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(Xt), Yt)
        loss.backward()
        opt.step()
        return loss
    return step


def compare(name, sizes, X, y, lr, torch):
    acts = ["relu"] * (len(sizes) - 2) + ["sigmoid"]
    net = Network(sizes, acts, seed=0)
    Y = as_targets(y, "bce", 1)
    params = net.params
    number = 2000
    engine_t = best_time(lambda: train_step(net, X, Y, "bce", lr), number)
    hand_t = best_time(lambda: hand_step(params, X, Y, lr), number)
    print(f"{name}: one training step (forward, backward, update)")
    print(f"  engine train_step     {engine_t * 1e6:8.1f} µs")
    print(f"  hand-written NumPy    {hand_t * 1e6:8.1f} µs   engine / hand = {engine_t / hand_t:.2f}x (target <= 1.5x)")
    epoch_net = Network(sizes, acts, seed=0)
    per_epoch = best_time(lambda: train(epoch_net, X, y, loss="bce", lr=lr, epochs=100), 1, repeat=5) / 101
    print(f"  engine train() epoch  {per_epoch * 1e6:8.1f} µs   (step + recording loss and accuracy in the history)")
    if torch is not None:
        torch_t = best_time(torch_step_factory(torch, sizes, X, Y, lr, 0), number // 4)
        print(f"  PyTorch CPU (float64) {torch_t * 1e6:8.1f} µs   engine is {torch_t / engine_t:.1f}x faster than "
              f"PyTorch (target >= 5x); the hand-written loop is {torch_t / hand_t:.1f}x faster")


def moons_to_97():
    X, y = datasets.moons(400, noise=0.15, seed=0)
    Xtr, ytr, Xte, yte = datasets.split(X, y, 0.5, 0)
    start = time.perf_counter()
    net = Network([2, 16, 16, 1], ["relu", "relu", "sigmoid"], seed=0)
    train(net, Xtr, ytr, loss="bce", lr=0.1, momentum=0.9, epochs=300, seed=0)
    elapsed = time.perf_counter() - start
    accuracy = float(np.mean(predicted_labels(net.predict(Xte)) == yte))
    print(f"two moons 2-16-16-1, 200 training points, 300 epochs: test accuracy {accuracy:.1%} "
          f"in {elapsed:.3f} s (target >= 97% in < 0.5 s)")


def main():
    try:
        import torch
    except ImportError:
        torch = None
        print("PyTorch is not installed: skipping the PyTorch comparison")
    else:
        print(f"PyTorch {torch.__version__} on the CPU, one thread, float64 like the engine")
    print(f"NumPy {np.__version__}")
    X, y = datasets.xor()
    compare("XOR 2-4-1", [2, 4, 1], X, y, 0.5, torch)
    X, y = datasets.moons(200, noise=0.15, seed=0)
    compare("two moons 2-16-16-1, 200 points", [2, 16, 16, 1], X, y, 0.1, torch)
    moons_to_97()
    print("plot rendering (default parameters, includes any training behind the plot):")
    for name in PLOTS:
        render(name)  # warm up fonts and caches once
        elapsed = best_time(lambda name=name: render(name), 1, repeat=3)
        print(f"  {name:18s} {elapsed * 1e3:7.1f} ms")


if __name__ == "__main__":
    main()
