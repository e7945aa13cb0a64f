"""Small labelled datasets generated from a seed: XOR, moons, circles, blobs, spirals, and sets for the overfitting and bias lessons.

Every function returns X: (n_samples, 2) floats and y: (n_samples,) integer class labels, unless it says otherwise.
"""

import numpy as np


def _check_count(name, value, minimum=1):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, got {value!r}")
    return int(value)


def _check_noise(noise):
    if not isinstance(noise, (int, float)) or not 0 <= noise <= 10:
        raise ValueError(f"noise must be a number between 0 and 10, got {noise!r}")
    return float(noise)


def one_hot(y, n_classes=None):
    """Integer labels y: (n_samples,) -> one-hot rows (n_samples, n_classes)."""
    y = np.asarray(y, dtype=int)
    n_classes = int(y.max()) + 1 if n_classes is None else n_classes
    return np.eye(n_classes)[y]


def xor(n=4, noise=0.0, seed=0):
    """The XOR problem: class 1 when exactly one input is on. n=4 gives the four corners; larger n samples noisy corners."""
    n = _check_count("n", n, 4)
    noise = _check_noise(noise)
    rng = np.random.default_rng(seed)
    corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    X = corners[np.arange(n) % 4] + rng.normal(scale=noise, size=(n, 2)) if noise else corners[np.arange(n) % 4]
    y = (corners[np.arange(n) % 4].sum(axis=1) == 1).astype(int)
    return X, y


def moons(n=200, noise=0.15, seed=0):
    """Two interleaving half circles (classes 0 and 1), n points in total."""
    n = _check_count("n", n, 2)
    noise = _check_noise(noise)
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    t = rng.uniform(0, np.pi, size=n)
    X = np.where(y[:, None] == 0, np.c_[np.cos(t), np.sin(t)], np.c_[1 - np.cos(t), 0.5 - np.sin(t)])
    return X + rng.normal(scale=noise, size=(n, 2)), y


def circles(n=200, noise=0.08, factor=0.5, seed=0):
    """A small circle (class 1) inside a big one (class 0); factor is the inner radius relative to the outer."""
    n = _check_count("n", n, 2)
    noise = _check_noise(noise)
    if not isinstance(factor, (int, float)) or not 0 < factor < 1:
        raise ValueError(f"factor must be between 0 and 1, got {factor!r}")
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    t = rng.uniform(0, 2 * np.pi, size=n)
    r = np.where(y == 1, factor, 1.0)
    return np.c_[r * np.cos(t), r * np.sin(t)] + rng.normal(scale=noise, size=(n, 2)), y


def blobs(n=300, centers=3, spread=0.6, seed=0, radius=3.0):
    """Gaussian clouds, one per class, with centres evenly spaced on a circle of the given radius."""
    n = _check_count("n", n, 1)
    centers = _check_count("centers", centers, 1)
    spread = _check_noise(spread)
    rng = np.random.default_rng(seed)
    y = np.arange(n) % centers
    angle = 2 * np.pi * np.arange(centers) / centers + rng.uniform(0, 2 * np.pi)
    middle = radius * np.c_[np.cos(angle), np.sin(angle)]
    return middle[y] + rng.normal(scale=spread, size=(n, 2)), y


def spiral(n_per_class=100, classes=3, noise=0.2, seed=0):
    """Arms of a spiral, one per class (the classic cs231n set); a straight line cannot separate them."""
    n_per_class = _check_count("n_per_class", n_per_class, 2)
    classes = _check_count("classes", classes, 2)
    noise = _check_noise(noise)
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(classes), n_per_class)
    r = np.tile(np.linspace(0.0, 1.0, n_per_class), classes)
    t = y * (2 * np.pi / classes) + r * 4.0 + rng.normal(scale=noise, size=y.size)
    return np.c_[r * np.sin(t), r * np.cos(t)], y


def split(X, y, test_fraction=0.3, seed=0, *extra):
    """Shuffle and split into (X_train, y_train, X_test, y_test). X: (n_samples, n_features), y: (n_samples,)."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction!r}")
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = max(1, round(len(X) * test_fraction))
    test, train = order[:n_test], order[n_test:]
    return X[train], y[train], X[test], y[test]


def noisy_small(n_train=30, n_val=300, noise=0.35, flip=0.1, seed=0):
    """Few, noisy moons points that a big network memorises, and a large clean-ish validation set from the same source.

    Returns (X_train, y_train, X_val, y_val); a fraction `flip` of training labels is wrong on purpose.
    """
    n_train = _check_count("n_train", n_train, 4)
    n_val = _check_count("n_val", n_val, 2)
    if not 0 <= flip < 0.5:
        raise ValueError(f"flip must be between 0 and 0.5, got {flip!r}")
    rng = np.random.default_rng(seed)
    X, y = moons(n_train + n_val, noise=noise, seed=rng.integers(2**31))
    wrong = rng.uniform(size=n_train) < flip
    y_train = np.where(wrong, 1 - y[:n_train], y[:n_train])
    return X[:n_train], y_train, X[n_train:], y[n_train:]


# Each class of photo comes in three looks (a cat sitting, lying, jumping): common, less common and rare.
LOOK_SHARES = (3 / 6, 2 / 6, 1 / 6)


def _photos(n, noise, rng):
    """n two-feature 'photos' of two classes. Each class comes in the looks of LOOK_SHARES, placed around a ring of
    radius 1.5 alternating with the other class's looks, so the boundary between the classes bends six times.
    Labels alternate 0, 1, 0, 1. A learner must see every look of a class to place the boundary around it; 5 photos
    of a class miss the rare look about 2 times in 5 (and often show it only once), 50 photos almost never do.
    """
    y = np.arange(n) % 2
    looks = len(LOOK_SHARES)
    look = rng.choice(looks, size=n, p=LOOK_SHARES)
    angle = 2 * np.pi * (2 * look + y) / (2 * looks)
    return 1.5 * np.c_[np.cos(angle), np.sin(angle)] + rng.normal(scale=noise, size=(n, 2)), y


def few_vs_many(few=5, many=50, n_test=200, seed=0):
    """The same two-class problem with `few` and with `many` examples per class, and one shared test set.

    Each class comes in a common, a less common and a rare look around a ring (see _photos); with few examples the rare
    look is often missing or shown once, so the network guesses where that part of the boundary goes.
    Returns {"few": (X, y), "many": (X, y), "test": (X, y)}; the many set contains the few set, so only the count differs.
    """
    few = _check_count("few", few, 1)
    many = _check_count("many", many, few)
    n_test = _check_count("n_test", n_test, 2)
    X, y = _photos(2 * many + n_test, 0.35, np.random.default_rng(seed))
    X_pool, y_pool = X[: 2 * many], y[: 2 * many]
    pick = np.r_[np.flatnonzero(y_pool == 0)[:few], np.flatnonzero(y_pool == 1)[:few]]
    return {"few": (X_pool[pick], y_pool[pick]), "many": (X_pool, y_pool), "test": (X[2 * many:], y[2 * many:])}


GROUPS = ("same lighting", "different lighting")


def shifted(n_train=200, n_test=200, shift=1.5, seed=0):
    """Train on photos taken in one light, test on half the same light and half a different light.

    The photos are the three-looks-per-class ring of few_vs_many. 'Different lighting' adds `shift` to the first
    feature (brightness) of every test photo in that group, the way a brighter photo moves every pixel value the same
    way; the whole ring slides sideways, so many photos land where the network learnt the other class.
    Returns (X_train, y_train, X_test, y_test, group_test) where group_test: (n_test,) is 0 for 'same lighting' and
    1 for 'different lighting' (names in GROUPS).
    """
    n_train = _check_count("n_train", n_train, 2)
    n_test = _check_count("n_test", n_test, 2)
    if not isinstance(shift, (int, float)) or not 0 <= shift <= 10:
        raise ValueError(f"shift must be a number between 0 and 10, got {shift!r}")
    X, y = _photos(n_train + n_test, 0.35, np.random.default_rng(seed))
    X_test, y_test = X[n_train:].copy(), y[n_train:]
    # Labels alternate 0, 1, 0, 1, so pairs of points go to alternating groups to give each group both classes.
    group = (np.arange(n_test) // 2) % 2
    X_test[group == 1, 0] += shift
    return X[:n_train], y[:n_train], X_test, y_test, group


def accuracy_by_group(predicted, y, group, names=GROUPS):
    """Accuracy per group. predicted, y, group: (n_samples,) ints. Returns {name: {"accuracy", "correct", "count"}}."""
    predicted, y, group = np.asarray(predicted), np.asarray(y), np.asarray(group)
    out = {}
    for g, name in enumerate(names):
        mask = group == g
        count = int(mask.sum())
        correct = int((predicted[mask] == y[mask]).sum())
        out[name] = {"accuracy": correct / count if count else None, "correct": correct, "count": count}
    return out


DATASETS = {"xor": xor, "moons": moons, "circles": circles, "blobs": blobs, "spiral": spiral}


def make(name, **params):
    """One of DATASETS by name, e.g. make("moons", n=200, seed=1) -> (X, y)."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    try:
        return DATASETS[name](**params)
    except TypeError as error:
        raise ValueError(f"bad parameters for dataset {name!r}: {error}") from None
