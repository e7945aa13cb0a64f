"""The chat's topic recogniser: a small neural network, trained with the project's own engine, that reads a child's
question (spelling mistakes and all) and says which concept it is about, how sure it is, and which words mattered.

Features are hashed character n-grams (3-5 letters inside each word, with word boundaries) plus whole words and word
pairs, counted into a fixed-size vector with zlib.crc32 (the same on every machine and every process, unlike hash()).
The network is `engine.Network([features, hidden, concepts + 1], ["relu", "softmax"])`; the extra output is "other",
learned from the everyday sentences in OTHER_QUESTIONS, never from the bank's off-topic evaluation set.

`tutor chat train` writes the trained weights to tutor/data/recogniser.json; the app only loads that file.
This module imports no Flask, so the CLI, benchmarks and tests use it directly.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from engine import Network, train

DATA_PATH = Path(__file__).resolve().parent / "data" / "recogniser.json"
FORMAT_VERSION = 1
OTHER = "other"

FEATURE_CONFIG: dict[str, Any] = {
    "buckets": 2048,
    "char_ngrams": [3, 4, 5],
    "words": True,
    "word_pairs": True,
}
TRAINING_CONFIG: dict[str, Any] = {
    "hidden": 32,
    "lr": 0.05,
    "momentum": 0.9,
    "epochs": 60,
    "batch_size": 32,
    "seed": 0,
    "noisy_copies": 3,  # misspelt copies of each training question (letters dropped, doubled, swapped, changed)
    "short_copies": 2,  # copies with most words left out, like the one- or two-word questions children type
    "validation_share": 0.2,
}

# Everyday questions and remarks that are not about how neural networks learn: the "other" class.
# Written for the recogniser; the bank's off-topic set (content/data/chat/off-topic.yaml) is kept for evaluation.
OTHER_QUESTIONS: tuple[str, ...] = (
    "hi there", "hey", "good morning", "good night", "bye", "see you later", "thanks", "thank you so much", "ok",
    "cool", "yes", "no", "haha", "what is your name", "are you a boy or a girl", "where do you live",
    "do you have a pet", "what is my name", "i have a cat", "my brother took my ipad", "i am hungry",
    "i am sad today", "i feel happy", "i lost my shoe", "can i have a snack", "what should i eat for lunch",
    "do you like ice cream", "what is the best flavour of crisps", "how do you make pancakes",
    "how do you bake a cake", "is chocolate healthy", "why do onions make you cry", "what is 12 plus 9",
    "what is half of 50", "how do you do long division", "what is a fraction", "what is a prime number",
    "how many sides does a hexagon have", "what is the square root of 81", "help me with my maths",
    "how do you spell because", "what does enormous mean", "what is a verb", "write me a story about a dragon",
    "tell me a story", "say something funny", "can you sing", "sing happy birthday", "what is the longest river",
    "where is australia", "what country is paris in", "how big is the moon", "how far away is the sun",
    "why is the sea salty", "how do rainbows happen", "what makes thunder", "will it rain today",
    "is it going to snow", "how hot is the sun", "what are clouds made of", "why do leaves change colour",
    "how do bees make honey", "what do sharks eat", "how fast is a cheetah", "are dinosaurs real",
    "which dinosaur was the biggest", "do fish sleep", "why do cats purr", "how long do dogs live",
    "how many teeth does a crocodile have", "what is the smallest bird", "who was the first king of england",
    "when did the romans come", "who built the pyramids", "what happened in world war two",
    "who invented the light bulb", "who painted the mona lisa", "who is the richest person",
    "who is the best footballer", "what team do you support", "how do you play chess", "what is the offside rule",
    "when are the olympics", "how do you ride a bike", "how do you do a cartwheel", "what is your favourite song",
    "put some music on", "what is the best film", "who is taylor swift", "what is the best video game",
    "how do i get diamonds in minecraft", "what is roblox", "can you play fortnite", "how do i beat level five",
    "what is the cheat code", "how do you draw a horse", "what colour do blue and yellow make",
    "how do magnets work", "how does electricity work", "how do batteries work", "how does a fridge keep cold",
    "how does a rocket get to space", "why do we have seasons", "how many planets are there",
    "is pluto a planet", "what is a black hole", "how do plants grow", "why do we need to sleep",
    "why do we dream", "why do i have to brush my teeth", "how many bones are in the body",
    "why is blood red", "how does the heart pump", "what is a virus", "can i go outside", "is it the weekend",
    "what day is it today", "how long until the summer holidays", "what is the date", "set an alarm",
    "set a timer for ten minutes", "call my mum", "where are my keys", "turn the lights off",
    "what is the wifi password", "how much does a phone cost", "how do you save money",
    "how much pocket money should i get", "can i have a puppy", "my friend is being mean",
    "i do not want to go to school", "school is boring", "i finished my homework", "what is for pudding",
    "i want to be a vet", "how do you become an astronaut", "what job should i do", "are you my friend",
    "do you love me", "are you real", "do you eat food", "what is your favourite animal", "do you have a mum",
    "what did you do today", "knock knock", "why did the chicken cross the road", "banana", "asdfgh",
    "qwerty uiop", "blah blah", "123", "hmm", "idk", "whatever", "you are silly", "poo", "lalala",
)

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_REPEATS = re.compile(r"(.)\1{2,}")


def normalise(text: str) -> str:
    """Lower case letters and digits separated by single spaces; accents dropped, 'sooooo' shortened to 'soo'."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    text = _REPEATS.sub(r"\1\1", text)
    return _NON_ALNUM.sub(" ", text).strip()


def _units(text: str, config: Mapping[str, Any]) -> list[tuple[str, tuple[int, ...]]]:
    """Every feature unit of a message with the word positions it comes from: ("c:<wo", (0,)), ("w:word", (0,))..."""
    words = normalise(text).split()
    units: list[tuple[str, tuple[int, ...]]] = []
    for i, word in enumerate(words):
        padded = f"<{word}>"
        for n in config["char_ngrams"]:
            for start in range(0, max(len(padded) - n + 1, 0)):
                units.append(("c:" + padded[start:start + n], (i,)))
        if config["words"]:
            units.append(("w:" + word, (i,)))
    if config["word_pairs"]:
        for i in range(len(words) - 1):
            units.append((f"p:{words[i]}_{words[i + 1]}", (i, i + 1)))
    return units


def _bucket(unit: str, buckets: int) -> int:
    return zlib.crc32(unit.encode("utf-8")) % buckets


def features(texts: Sequence[str], config: Mapping[str, Any] = FEATURE_CONFIG) -> np.ndarray:
    """Hashed n-gram features -> X: (len(texts), buckets); log(1 + count) per bucket, each row scaled to length 1."""
    buckets = int(config["buckets"])
    X = np.zeros((len(texts), buckets))
    for row, text in enumerate(texts):
        for unit, _ in _units(text, config):
            X[row, _bucket(unit, buckets)] += 1.0
    X = np.log1p(X)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return X / np.where(norms == 0, 1.0, norms)


# ---------------------------------------------------------------- training data


def _noisy(text: str, rng: np.random.Generator) -> str:
    """A misspelt copy: one or two letters dropped, doubled, swapped with a neighbour, or changed."""
    chars = list(text)
    letters = "abcdefghijklmnopqrstuvwxyz"
    for _ in range(int(rng.integers(1, 3))):
        spots = [i for i, ch in enumerate(chars) if ch.isalpha()]
        if len(spots) < 3:
            break
        i = int(rng.choice(spots))
        kind = int(rng.integers(0, 4))
        if kind == 0:
            del chars[i]
        elif kind == 1:
            chars.insert(i, chars[i])
        elif kind == 2 and i + 1 < len(chars):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        else:
            chars[i] = letters[int(rng.integers(0, 26))]
    return "".join(chars)


_FILLER = frozenset("a an the is are was what whats wat how does do did why can could you me my it its i of to in "
                    "and or for on be this that".split())


def _short(text: str, rng: np.random.Generator) -> str | None:
    """A copy keeping only one or two of the question's content words, like 'weights??' or 'relu meaning'."""
    content = [w for w in normalise(text).split() if w not in _FILLER]
    if len(content) < 2:
        return None
    keep = sorted(rng.choice(len(content), size=min(len(content), int(rng.integers(1, 3))), replace=False))
    return " ".join(content[k] for k in keep)


def training_examples(training: Mapping[str, Sequence[str]], topics: Sequence[str],
                      config: Mapping[str, Any] = TRAINING_CONFIG,
                      other: Sequence[str] = OTHER_QUESTIONS) -> tuple[list[str], np.ndarray]:
    """The bank's training questions (plus OTHER_QUESTIONS as the last class) with deterministic noisy and short
    copies -> (texts, labels: (n,) class indices into topics + [OTHER])."""
    rng = np.random.default_rng(config["seed"])
    texts: list[str] = []
    labels: list[int] = []
    groups = [(k, training.get(t, ())) for k, t in enumerate(topics)] + [(len(topics), other)]
    for label, questions in groups:
        for q in questions:
            texts.append(q)
            labels.append(label)
            for _ in range(config["noisy_copies"]):
                texts.append(_noisy(q, rng))
                labels.append(label)
            if label < len(topics):  # a two-word remark is still "other"; shortening it teaches nothing
                for _ in range(config["short_copies"]):
                    short = _short(q, rng)
                    if short:
                        texts.append(short)
                        labels.append(label)
    return texts, np.array(labels, dtype=int)


def training_hash(training: Mapping[str, Sequence[str]]) -> str:
    """A fingerprint of everything training depends on: the bank's questions, OTHER_QUESTIONS and both configs."""
    payload = {"training": {k: list(v) for k, v in sorted(training.items())}, "other": list(OTHER_QUESTIONS),
               "features": FEATURE_CONFIG, "config": TRAINING_CONFIG, "version": FORMAT_VERSION}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- the recogniser


@dataclass(frozen=True)
class Recognition:
    """What the recogniser made of one message.

    status: "answered" (topic is set), "unsure" (no topic clear enough) or "off-topic" (the "other" class won).
    confidence: the probability of the most likely concept. ranked: [(concept, probability)] best first.
    """

    status: str
    topic: str | None
    confidence: float
    ranked: list[tuple[str, float]]
    other: float


@dataclass
class Recogniser:
    net: Network
    topics: list[str]
    threshold: float
    hash: str
    config: dict[str, Any] = field(default_factory=lambda: dict(FEATURE_CONFIG))
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def classes(self) -> list[str]:
        return [*self.topics, OTHER]

    def probabilities(self, messages: Sequence[str]) -> np.ndarray:
        """Softmax outputs for messages -> (len(messages), topics + 1); the last column is "other"."""
        return self.net.predict(features(messages, self.config))

    def recognise(self, message: str) -> Recognition:
        return self._decide(self.probabilities([message])[0])

    def recognise_many(self, messages: Sequence[str]) -> list[Recognition]:
        return [self._decide(p) for p in self.probabilities(messages)] if messages else []

    def _decide(self, p: np.ndarray) -> Recognition:
        concept_p = p[:-1]
        order = np.argsort(-concept_p, kind="stable")
        ranked = [(self.topics[i], float(concept_p[i])) for i in order]
        best, confidence = ranked[0]
        other = float(p[-1])
        if other >= confidence:
            return Recognition("off-topic", None, confidence, ranked, other)
        if confidence < self.threshold:
            return Recognition("unsure", None, confidence, ranked, other)
        return Recognition("answered", best, confidence, ranked, other)

    def explain(self, message: str, topic: str | None = None, top: int = 6) -> dict[str, Any]:
        """How the network read `message`: its shape, the words and letter groups that pushed it toward `topic`
        (the best concept when None) as gradient x input of log p(topic), and the top three concepts."""
        x = features([message], self.config)[0]
        (W1, b1), (W2, b2) = self.net.params
        hidden_z = x @ W1 + b1
        hidden = np.maximum(hidden_z, 0.0)
        p = self.net.predict(x[None, :])[0]
        k = self.classes.index(topic) if topic in self.topics else int(np.argmax(p[:-1]))
        # d log p_k / d logits = onehot(k) - p; back through the output weights and the ReLU to the inputs.
        d_logits = -p.copy()
        d_logits[k] += 1.0
        d_hidden = (W2 @ d_logits) * (hidden_z > 0)
        d_x = W1 @ d_hidden
        contribution = x * d_x  # (buckets,)

        buckets = int(self.config["buckets"])
        units = _units(message, self.config)
        counts = np.zeros(buckets)
        for unit, _ in units:
            counts[_bucket(unit, buckets)] += 1.0
        words = normalise(message).split()
        per_word = np.zeros(len(words))
        per_unit: dict[str, float] = {}
        for unit, positions in units:
            h = _bucket(unit, buckets)
            share = contribution[h] / counts[h]
            per_unit[unit] = per_unit.get(unit, 0.0) + share
            for i in positions:
                per_word[i] += share / len(positions)
        word_scores: dict[str, float] = {}
        for w, s in zip(words, per_word):
            word_scores[w] = word_scores.get(w, 0.0) + float(s)
        top_words = sorted(((w, s) for w, s in word_scores.items() if s > 0), key=lambda t: -t[1])[:top]
        top_units = sorted(((u, s) for u, s in per_unit.items() if s > 0), key=lambda t: -t[1])[:top]
        ranked = sorted(range(len(self.topics)), key=lambda i: -p[i])[:3]
        return {
            "network": {
                "sizes": list(self.net.sizes),
                "activations": list(self.net.activations),
                "inputs": f"{self.net.sizes[0]} letter-group counts",
                "hidden": self.net.sizes[1],
                "outputs": self.classes,
            },
            "topic": self.classes[k],
            "words": [{"text": w, "score": round(s, 4)} for w, s in top_words],
            "pieces": [{"text": _show_unit(u), "score": round(s, 4)} for u, s in top_units],
            "top": [{"topic": self.topics[i], "confidence": float(p[i])} for i in ranked],
            "other": float(p[-1]),
            "active_hidden": int((hidden > 0).sum()),
        }

    # ---- storage

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "topics": self.topics,
            "other": OTHER,
            "threshold": self.threshold,
            "training_hash": self.hash,
            "features": self.config,
            "activations": list(self.net.activations),
            "sizes": list(self.net.sizes),
            "metrics": self.metrics,
            "params": [{"W": np.round(W, 7).tolist(), "b": np.round(b, 7).tolist()} for W, b in self.net.params],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Recogniser:
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(f"recogniser file has format {data.get('format')!r}, expected {FORMAT_VERSION}")
        params = [(np.array(layer["W"], dtype=float), np.array(layer["b"], dtype=float)) for layer in data["params"]]
        net = Network.from_params(params, data["activations"])
        return cls(net=net, topics=list(data["topics"]), threshold=float(data["threshold"]),
                   hash=data["training_hash"], config=dict(data["features"]), metrics=dict(data.get("metrics", {})))


def _show_unit(unit: str) -> str:
    """A feature unit as a child could read it: 'c:<ba' -> 'ba…' (start of a word), 'p:go_backwards' -> 'go backwards'."""
    kind, _, text = unit.partition(":")
    if kind == "c":
        return text.replace("<", "").replace(">", "") if text.startswith("<") and text.endswith(">") else \
            text.replace("<", "[").replace(">", "]")
    return text.replace("_", " ")


# ---------------------------------------------------------------- training and evaluation


def _fit(texts: list[str], labels: np.ndarray, n_classes: int, config: Mapping[str, Any]) -> Network:
    X = features(texts)
    net = Network(sizes=[X.shape[1], config["hidden"], n_classes], activations=["relu", "softmax"],
                  seed=config["seed"])
    train(net, X, labels, loss="ce", lr=config["lr"], epochs=config["epochs"], seed=config["seed"],
          batch_size=config["batch_size"], momentum=config["momentum"])
    return net


def _split(training: Mapping[str, Sequence[str]], share: float, seed: int) -> tuple[dict, dict, list, list]:
    """Per-concept split of the bank's questions (and OTHER_QUESTIONS) into fit and validation parts."""
    rng = np.random.default_rng(seed)
    fit, val = {}, {}
    for topic, qs in sorted(training.items()):
        order = rng.permutation(len(qs))
        n_val = max(1, round(share * len(qs)))
        val[topic] = [qs[i] for i in order[:n_val]]
        fit[topic] = [qs[i] for i in order[n_val:]]
    order = rng.permutation(len(OTHER_QUESTIONS))
    n_val = round(share * len(OTHER_QUESTIONS))
    return fit, val, [OTHER_QUESTIONS[i] for i in order[n_val:]], [OTHER_QUESTIONS[i] for i in order[:n_val]]


def _tune_threshold(probs: np.ndarray, labels: np.ndarray, n_topics: int) -> float:
    """The confidence threshold that answers the most validation questions correctly: a concept question counts when
    its concept is given, an "other" question when the recogniser declines. Ties go to the lower threshold."""
    best, best_score = 0.0, -1.0
    for t in np.round(np.arange(0.0, 0.951, 0.01), 2):
        correct = 0
        for p, y in zip(probs, labels):
            k = int(np.argmax(p[:-1]))
            declined = p[-1] >= p[k] or p[k] < t
            correct += declined if y == n_topics else (not declined and k == y)
        if correct > best_score:
            best, best_score = float(t), correct
    return best


def train_recogniser(training: Mapping[str, Sequence[str]], topics: Sequence[str] | None = None,
                     config: Mapping[str, Any] = TRAINING_CONFIG) -> Recogniser:
    """Tune the confidence threshold on a validation split of the training questions, then train on all of them.

    training: concept id -> example questions (the bank's chat training set). Deterministic for a given input.
    """
    topics = list(topics or sorted(training))
    started = time.perf_counter()
    fit, val, other_fit, other_val = _split(training, config["validation_share"], config["seed"])

    # Validation run: OTHER_QUESTIONS are split too, so the held-back ones stand in for unseen off-topic questions.
    texts, labels = training_examples(fit, topics, config, other_fit)
    probe = _fit(texts, labels, len(topics) + 1, config)
    val_texts = [q for t in topics for q in val.get(t, [])] + list(other_val)
    val_labels = np.array([k for k, t in enumerate(topics) for _ in val.get(t, [])] + [len(topics)] * len(other_val))
    val_probs = probe.predict(features(val_texts))
    threshold = _tune_threshold(val_probs, val_labels, len(topics))
    val_pred = np.argmax(val_probs[:, :-1], axis=1)
    in_topic = val_labels < len(topics)
    validation = {
        "topic_accuracy": float(np.mean(val_pred[in_topic] == val_labels[in_topic])),
        "other_declined": float(np.mean([(p[-1] >= p[:-1].max()) or p[:-1].max() < threshold
                                         for p in val_probs[~in_topic]])),
        "questions": int(in_topic.sum()),
        "other_questions": int((~in_topic).sum()),
    }

    texts, labels = training_examples(training, topics, config)
    net = _fit(texts, labels, len(topics) + 1, config)
    metrics = {"validation": validation, "training_examples": len(texts),
               "bank_questions": sum(len(training.get(t, ())) for t in topics),
               "other_questions": len(OTHER_QUESTIONS),
               "train_seconds": round(time.perf_counter() - started, 3)}
    return Recogniser(net=net, topics=topics, threshold=threshold, hash=training_hash(training), metrics=metrics)


def evaluate(recogniser: Recogniser, held_out: Mapping[str, Sequence[str]], off_topic: Sequence[str]) -> dict[str, Any]:
    """Top-1 accuracy on the held-out questions (topic given and right), and the share of off-topic questions that
    get the honest "not sure" reply; with every miss listed so authors can see what went wrong."""
    questions = [(t, q) for t, qs in sorted(held_out.items()) for q in qs]
    results = recogniser.recognise_many([q for _, q in questions])
    misses = [{"question": q, "expected": t, "got": r.topic, "best": r.ranked[0][0], "confidence": round(r.confidence, 3),
               "status": r.status} for (t, q), r in zip(questions, results) if r.topic != t]
    top1 = sum(r.ranked[0][0] == t for (t, _), r in zip(questions, results))
    off = recogniser.recognise_many(list(off_topic))
    claimed = [{"question": q, "got": r.topic, "confidence": round(r.confidence, 3)}
               for q, r in zip(off_topic, off) if r.topic is not None]
    return {
        "held_out_accuracy": (len(questions) - len(misses)) / len(questions) if questions else 0.0,
        "held_out_top1_ranking": top1 / len(questions) if questions else 0.0,
        "held_out_questions": len(questions),
        "off_topic_not_sure": (len(off) - len(claimed)) / len(off) if off else 0.0,
        "off_topic_questions": len(off),
        "misses": misses,
        "off_topic_claimed": claimed,
    }


def save(recogniser: Recogniser, path: str | os.PathLike = DATA_PATH) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(recogniser.to_dict(), separators=(",", ":"), sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)  # readers never see half a file
    return path


def load(path: str | os.PathLike = DATA_PATH) -> Recogniser:
    return Recogniser.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


_cache: dict[str, tuple[float, Recogniser]] = {}
_cache_lock = threading.Lock()


def shipped(path: str | os.PathLike = DATA_PATH) -> Recogniser:
    """The trained recogniser from `path`, loaded once per process and again only when the file changes."""
    key = str(path)
    mtime = os.stat(key).st_mtime_ns
    cached = _cache.get(key)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    with _cache_lock:
        cached = _cache.get(key)
        if cached is None or cached[0] != mtime:
            cached = (mtime, load(key))
            _cache[key] = cached
    return cached[1]
