"""Formal and casual sentences turned into countable features, and a perceptron that learns them one update at a time.

This feeds the human-backpropagation activity: learners count the same features by hand and follow each weight change.
"""

import re

import numpy as np

FORMAL, CASUAL = 1, 0
LABELS = {FORMAL: "formal", CASUAL: "casual"}

# Short original sentences, each with its label; a mix so no single feature decides everything.
SENTENCES = (
    ("I would be grateful for your assistance with the application.", FORMAL),
    ("Hey, wanna grab pizza after school?", CASUAL),
    ("The committee has reviewed the proposal carefully.", FORMAL),
    ("Yeah that movie was so cool lol!", CASUAL),
    ("Could you please send me the documents by Friday?", FORMAL),
    ("Gonna be late, don't wait up!", CASUAL),
    ("Dear Ms. Patel, thank you for the invitation.", FORMAL),
    ("Hi! I can't find my other sock.", CASUAL),
    ("Kindly return the library books before the holidays.", FORMAL),
    ("Dude, that game was awesome!", CASUAL),
    ("We regret to inform you that the museum is closed.", FORMAL),
    ("Nope, I'm gonna stay home today.", CASUAL),
)

FEATURES = ("contractions", "slang words", "casual greetings", "long words", "polite phrases", "exclamation marks")

SLANG = ("wanna", "gonna", "gotta", "yeah", "nope", "cool", "lol", "dude", "awesome", "kinda", "yo", "yep")
CASUAL_GREETINGS = ("hey", "hi", "yo", "hiya", "sup")
POLITE = ("please", "thank you", "kindly", "would be grateful", "could you", "dear", "regret to inform", "sincerely")
LONG_WORD = 9  # letters; long words are a sign of formal writing


def _words(sentence):
    return re.findall(r"[a-z']+", sentence.lower())


def features(sentence):
    """Counts of each FEATURES item in one sentence -> (n_features,) floats."""
    if not isinstance(sentence, str) or not sentence.strip():
        raise ValueError("sentence must be a non-empty string")
    words = _words(sentence)
    lower = " ".join(words)
    return np.array([
        sum("'" in w for w in words),
        sum(w in SLANG for w in words),
        sum(w in CASUAL_GREETINGS for w in words[:1]),  # only counts as a greeting when it opens the sentence
        sum(len(w.replace("'", "")) >= LONG_WORD for w in words),
        sum(len(re.findall(rf"\b{re.escape(p)}\b", lower)) for p in POLITE),
        sentence.count("!"),
    ], dtype=float)


def feature_table(sentences=SENTENCES):
    """Features and labels for a list of (sentence, label) pairs -> X: (n_sentences, n_features), y: (n_sentences,)."""
    X = np.array([features(s) for s, _ in sentences])
    y = np.array([label for _, label in sentences], dtype=int)
    return X, y


def perceptron(X, y, lr=1.0, epochs=3, weights=None, bias=0.0):
    """The classic perceptron rule: for each example in order, predict formal when w·x + b > 0, and on a mistake
    move w by lr * (target - prediction) * x. X: (n_samples, n_features), y: (n_samples,) of 0/1.

    Returns a JSON-able dict with every step (weights before and after, score, prediction, the change) and the
    final weights; loops over examples because the lesson walks through one update at a time.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=int)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must be (n_samples, n_features) and y (n_samples,), got {X.shape} and {y.shape}")
    if not isinstance(lr, (int, float)) or lr <= 0:
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or not 1 <= epochs <= 50:
        raise ValueError(f"epochs must be a whole number from 1 to 50, got {epochs!r}")
    w = np.zeros(X.shape[1]) if weights is None else np.array(weights, dtype=float)
    if w.shape != (X.shape[1],):
        raise ValueError(f"weights must have {X.shape[1]} entries, got {w.shape}")
    b = float(bias)
    steps = []
    for epoch in range(epochs):
        mistakes = 0
        for i, (x, target) in enumerate(zip(X, y)):
            score = float(x @ w + b)
            predicted = int(score > 0)
            error = int(target) - predicted
            change = lr * error * x
            step = {"epoch": epoch, "example": i, "features": x.tolist(), "weights_before": w.tolist(),
                    "bias_before": b, "products": (x * w).tolist(), "score": score, "predicted": predicted,
                    "target": int(target), "error": error, "weight_change": change.tolist(),
                    "bias_change": lr * error}
            w = w + change
            b = b + lr * error
            step["weights_after"], step["bias_after"] = w.tolist(), b
            steps.append(step)
            mistakes += error != 0
        if mistakes == 0:
            break
    predictions = (X @ w + b > 0).astype(int)
    return {"features": list(FEATURES)[: X.shape[1]] if X.shape[1] <= len(FEATURES) else None, "lr": float(lr),
            "steps": steps, "weights": w.tolist(), "bias": b, "predictions": predictions.tolist(),
            "accuracy": float(np.mean(predictions == y)), "converged": bool(steps and mistakes == 0)}


def sentence_perceptron(lr=1.0, epochs=5):
    """The perceptron trained on SENTENCES, with the sentences and their feature counts alongside its steps."""
    X, y = feature_table()
    result = perceptron(X, y, lr=lr, epochs=epochs)
    result["sentences"] = [{"text": s, "label": LABELS[label], "features": dict(zip(FEATURES, x.tolist()))}
                           for (s, label), x in zip(SENTENCES, X)]
    return result
