"""The human-backpropagation role-play: which sentences each track plays, the engine's perceptron on the same
sentences (its weights before and after every update), the printable card's answer key, and recording a finished run.

Every number here comes from engine.text_features; the phrase tables below hold only words, at each track's level.
They are kept here (reviewed, short) until the content bank grows texts for this activity.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from content import Bank
from engine import text_features

from ..errors import Invalid
from ..models import TRACK_IDS, ActivityRun, Learner

ACTIVITY_ID = "human-backprop"
DEFAULT_TRACK = "ages-9-12"
SENTENCE_COUNT = {"ages-5-8": 3, "ages-9-12": 6, "ages-13-plus": 8}
LEARNING_RATE = 1.0
MAX_EPOCHS = 10  # the perceptron stops earlier, as soon as one pass through the sentences has no mistakes
MAX_SEED = 1_000_000
BANK_ACTIVITY = {"ages-5-8": "human-backprop-5-8", "ages-9-12": "human-backprop-9-12", "ages-13-plus": "human-backprop-13-plus"}

# ---- phrase tables (reviewed words only; no numbers) -----------------------------------------------------------

TITLES = {
    "ages-5-8": "Be the robot: fancy talk or friendly talk?",
    "ages-9-12": "Human backpropagation: formal or casual?",
    "ages-13-plus": "Human backpropagation: you versus a perceptron",
}

INTROS = {
    "ages-5-8": "You are the robot! A grown-up reads a sentence. You say: fancy talk or friendly talk?",
    "ages-9-12": "You are the network. For each sentence, say formal or casual. When you are wrong, find the clue you "
                 "trusted too much or too little, and fix your rule.",
    "ages-13-plus": "You are the network. Predict each label, and when you are wrong, name the feature whose weight "
                    "was too high or too low. A real perceptron trains on the same sentences beside you.",
}

# What each track calls the engine's perceptron. Only 13+ lessons use the word "perceptron"; the 9-12 lessons call the
# same thing a neuron (one neuron that adds weighted clues and a bias is exactly a perceptron), and 5-8 says robot.
MODEL_WORDS = {
    "ages-5-8": {"name": "robot", "first": "a real robot brain"},
    "ages-9-12": {"name": "neuron", "first": "the computer's neuron"},
    "ages-13-plus": {"name": "perceptron", "first": "the perceptron"},
}

# The answer key's note on where its numbers come from, in each track's words.
KEY_NOTES = {
    "ages-5-8": "The computer worked these out: the clues in each sentence, and what a real robot brain learned "
                "from these sentences.",
    "ages-9-12": "The computer worked these out: the clue counts in each sentence, and what its neuron learned "
                 "practising on these sentences in this order.",
    "ages-13-plus": "Computed by the tutor's engine: feature counts from each sentence, and a real perceptron "
                    "trained on these sentences in this order.",
}

# What the two labels are called on each track, and their picture.
LABEL_WORDS = {
    "ages-5-8": {"formal": ("🎩", "Fancy talk"), "casual": ("👟", "Friendly talk")},
    "ages-9-12": {"formal": ("🎩", "Formal"), "casual": ("👟", "Casual")},
    "ages-13-plus": {"formal": ("🎩", "Formal"), "casual": ("👟", "Casual")},
}

# Readable names of the engine's FEATURES, with a picture and a short example.
FEATURE_WORDS = {
    "contractions": {"picture": "✂️", "ages-5-8": "Squished words", "label": "Contractions",
                     "example": "don't, I'm"},
    "slang words": {"picture": "🛹", "ages-5-8": "Slang words", "label": "Slang", "example": "gonna, cool, lol"},
    "casual greetings": {"picture": "👋", "ages-5-8": "Hey or hi at the start", "label": "Casual greeting",
                         "example": "hey, hi"},
    "long words": {"picture": "📏", "ages-5-8": "Long words", "label": "Long words", "example": "committee"},
    "polite phrases": {"picture": "🙏", "ages-5-8": "Polite words", "label": "Polite phrases",
                       "example": "please, thank you"},
    "exclamation marks": {"picture": "❗", "ages-5-8": "Excited marks", "label": "Exclamation marks",
                          "example": "!"},
}

# A picture cue for each engine sentence (used on the 5-8 track, and on the card).
SENTENCE_PICTURES = {
    "I would be grateful for your assistance with the application.": ("📝", "a letter asking for help"),
    "Hey, wanna grab pizza after school?": ("🍕", "pizza with a friend"),
    "The committee has reviewed the proposal carefully.": ("🗂️", "a meeting about a plan"),
    "Yeah that movie was so cool lol!": ("🎬", "a fun film"),
    "Could you please send me the documents by Friday?": ("📄", "asking for papers"),
    "Gonna be late, don't wait up!": ("⏰", "running late"),
    "Dear Ms. Patel, thank you for the invitation.": ("💌", "a thank-you letter"),
    "Hi! I can't find my other sock.": ("🧦", "a lost sock"),
    "Kindly return the library books before the holidays.": ("📚", "library books"),
    "Dude, that game was awesome!": ("🎮", "a great game"),
    "We regret to inform you that the museum is closed.": ("🏛️", "a closed museum"),
    "Nope, I'm gonna stay home today.": ("🏠", "staying home"),
}

STEPS = {
    "ages-5-8": {
        "trainer": [
            "Grown-up: read the sentence aloud. Point at its picture.",
            "Ask: is this fancy talk or friendly talk?",
            "Say right or wrong. Be kind: a wrong guess is how robots learn!",
            "If it was wrong, ask: which clue tricked you? Did you listen to it too much or too little?",
        ],
        "network": [
            "Listen to the sentence.",
            "Say fancy talk 🎩 or friendly talk 👟.",
            "Wrong? Point to the clue that tricked you. Say: I listened to it too much, or too little.",
        ],
    },
    "ages-9-12": {
        "trainer": [
            "Read one sentence at a time. Do not show the answer key.",
            "The network says formal or casual. Say right or wrong.",
            "When it is wrong, ask: which clue did you weight too high or too low? What is your new rule?",
            "At the end, read out what the computer's neuron learned and compare it with the network's tally.",
        ],
        "network": [
            "Listen to the sentence and look for clues: slang, contractions, greetings, long or polite words.",
            "Say formal or casual.",
            "When you are wrong, name one clue you weighted too high or too low, and write your new rule.",
            "Keep a tally: a mark up when a clue should point more to formal, a mark down when it should point "
            "more to casual.",
        ],
    },
    "ages-13-plus": {
        "trainer": [
            "Give the network one sentence at a time; keep the answer key hidden.",
            "The network computes score = w·x + b from its feature counts and predicts formal when the score is "
            "above zero. Reveal the label.",
            "On a mistake, the network names the weight it blames and updates: w ← w + lr·(target − prediction)·x.",
            "Afterwards compare the network's weights, update by update, with the perceptron's in the answer key.",
        ],
        "network": [
            "Start with every weight and the bias at zero.",
            "Count each feature in the sentence, compute the score, and predict.",
            "When wrong, name the feature you weighted too high or too low, then apply the update and write the "
            "new weights in the grid.",
            "Keep going through the sentences until a whole pass has no mistakes.",
        ],
    },
}

ENCOURAGEMENT = {  # the gentle track never shows a red cross
    "right": ["Yes! Great listening! ⭐", "You got it! ⭐", "Super robot! ⭐"],
    "wrong": ["Good try! Robots learn from wrong guesses.", "Nice try! Let's fix the robot's rule.",
              "Oops, that's OK! Now the robot learns."],
}


# ---- the role-play -------------------------------------------------------------------------------------------------

def known_track(track: str | None) -> str:
    return track if track in TRACK_IDS else DEFAULT_TRACK


def feature_list(track: str) -> list[dict[str, Any]]:
    """The engine's FEATURES with the track's readable label, a picture and an example."""
    out = []
    for name in text_features.FEATURES:
        words = FEATURE_WORDS.get(name, {})
        label = words.get(track if track == "ages-5-8" else "label") or words.get("label") or name.capitalize()
        example = words.get("example", "")
        if name == "long words":
            example = f"{text_features.LONG_WORD}+ letters, like {example}"
        out.append({"id": name, "label": label, "picture": words.get("picture", "•"), "example": example})
    return out


def choose_sentences(track: str, seed: int) -> list[int]:
    """Indices into engine.text_features.SENTENCES for (track, seed): the same pair always gives the same list.

    Seed 0 keeps the engine's own order (which alternates formal and casual); other seeds pick an even mix of
    formal and casual sentences and shuffle them.
    """
    n = SENTENCE_COUNT[track]
    total = len(text_features.SENTENCES)
    if seed == 0:
        return list(range(n))
    rng = np.random.default_rng([seed, TRACK_IDS.index(track)])
    labels = np.array([label for _, label in text_features.SENTENCES])
    formal = rng.permutation(np.flatnonzero(labels == text_features.FORMAL))
    casual = rng.permutation(np.flatnonzero(labels == text_features.CASUAL))
    n_formal = n // 2 + (n % 2) * int(rng.integers(0, 2))
    chosen = np.concatenate([formal[:n_formal], casual[: n - n_formal]])
    assert len(chosen) == n <= total
    return [int(i) for i in rng.permutation(chosen)]


def roleplay(track: str | None, seed: int = 0) -> dict[str, Any]:
    """Everything the role-play page, its JSON and the card show for (track, seed): the sentences with their labels
    and feature counts, the readable features, and the engine perceptron trained on the same sentences in the same
    order (each step's weights before and after, the final weights and accuracy)."""
    track = known_track(track)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise Invalid(f"The seed must be a whole number from 0 to {MAX_SEED}.",
                      [{"field": "seed", "message": f"0 to {MAX_SEED}"}])
    order = choose_sentences(track, seed)
    pairs = [text_features.SENTENCES[i] for i in order]
    X, y = text_features.feature_table(pairs)
    trained = text_features.perceptron(X, y, lr=LEARNING_RATE, epochs=MAX_EPOCHS)
    names = list(text_features.FEATURES)
    sentences = []
    for i, ((text, label), x) in enumerate(zip(pairs, X)):
        picture = SENTENCE_PICTURES.get(text)
        sentences.append({
            "index": i, "text": text, "label": text_features.LABELS[int(label)], "counts": x.tolist(),
            "features": dict(zip(names, x.tolist())),
            "picture": {"emoji": picture[0], "words": picture[1]} if picture else None,
        })
    labels = {f["id"]: f["label"] for f in feature_list(track)}
    steps = []
    for step in trained["steps"]:
        steps.append({**step, "updated": step["error"] != 0,
                      "label": text_features.LABELS[step["target"]],
                      "prediction": text_features.LABELS[step["predicted"]],
                      "blame": [names[j] for j, c in enumerate(step["weight_change"]) if c != 0],
                      "changes": [{"feature": names[j], "label": labels[names[j]], "change": c}
                                  for j, c in enumerate(step["weight_change"]) if c != 0]})
    epochs_run = 1 + max((s["epoch"] for s in steps), default=0)
    return {
        "activity": ACTIVITY_ID, "track": track, "seed": seed, "lr": LEARNING_RATE, "title": TITLES[track],
        "features": feature_list(track), "sentences": sentences, "steps": steps,
        "first_pass": [s for s in steps if s["epoch"] == 0],
        "epochs_run": epochs_run,
        "result": {"weights": dict(zip(names, trained["weights"])), "bias": trained["bias"],
                   "predictions": [text_features.LABELS[p] for p in trained["predictions"]],
                   "accuracy": trained["accuracy"], "converged": trained["converged"],
                   "mistakes_first_pass": sum(1 for s in steps if s["epoch"] == 0 and s["updated"])},
    }


def tally(weights: dict[str, float], track: str = DEFAULT_TRACK) -> list[dict[str, Any]]:
    """The perceptron's final weights as a simple tally: which way each clue points, and how strongly."""
    readable = {f["id"]: f for f in feature_list(track)}
    rows = []
    for name, w in weights.items():
        direction = "formal" if w > 0 else "casual" if w < 0 else "neither"
        rows.append({"feature": name, "label": readable[name]["label"], "picture": readable[name]["picture"],
                     "weight": w, "marks": min(int(round(abs(w))), 5), "points_to": direction})
    return rows


def page(track: str | None, seed: int = 0, bank: Bank | None = None) -> dict[str, Any]:
    """The role-play with everything its page and card print: words for the track, the perceptron's tally, and the
    content bank's talk-about questions and concepts for the track's activity when the bank has one."""
    data = roleplay(track, seed)
    track = data["track"]
    activity = bank.activity(BANK_ACTIVITY[track]) if bank is not None else None
    data["talk_about"] = list(activity.talk_about) if activity else []
    data["concepts"] = list(activity.concepts) if activity else ["backpropagation", "weights-and-biases"]
    data["minutes"] = activity.minutes if activity else 15
    data.update({
        "intro": INTROS[track], "label_words": LABEL_WORDS[track], "steps_text": STEPS[track],
        "model": MODEL_WORDS[track], "key_note": KEY_NOTES[track],
        "next_seed": (seed + 1) % (MAX_SEED + 1),  # "other sentences" from the last card goes round to the first
        "encouragement": ENCOURAGEMENT, "tally": tally(data["result"]["weights"], track),
        "long_word": text_features.LONG_WORD,
    })
    return data


def fmt(x: float) -> str:
    """How pages write an engine number: whole numbers without a decimal point, others to two places."""
    x = float(x)
    if x.is_integer():
        return str(int(x)).replace("-", "−")
    return f"{x:.2f}".replace("-", "−")


# ---- recording a finished run --------------------------------------------------------------------------------------

def summarise_run(track: str, seed: int, guesses: list[str], blamed: list[dict[str, Any]],
                  learner_tally: dict[str, int] | None, rules_written: int) -> dict[str, Any]:
    """Grade the learner's guesses against the engine's labels and build the stored result (choices only).

    Raises Invalid when the guesses do not match the sentences of (track, seed), or a blame names a sentence the
    learner got right; nothing is written in that case.
    """
    data = roleplay(track, seed)
    labels = [s["label"] for s in data["sentences"]]
    if len(guesses) != len(labels):
        raise Invalid(f"This role-play has {len(labels)} sentences; send one guess for each.",
                      [{"field": "guesses", "message": f"exactly {len(labels)} guesses"}])
    wrong = {i for i, (g, label) in enumerate(zip(guesses, labels)) if g != label}
    seen: set[int] = set()
    for k, blame in enumerate(blamed):
        i = blame["sentence"]
        if i not in wrong:
            raise Invalid("A feature can only be blamed for a sentence that was guessed wrong.",
                          [{"field": f"blamed.{k}.sentence", "message": "not a wrong guess"}])
        if i in seen:
            raise Invalid("Blame one feature per wrong sentence.",
                          [{"field": f"blamed.{k}.sentence", "message": "blamed twice"}])
        seen.add(i)
    if rules_written > len(wrong):
        raise Invalid("There cannot be more rules than wrong guesses.",
                      [{"field": "rules_written", "message": f"at most {len(wrong)}"}])
    weights = data["result"]["weights"]
    result: dict[str, Any] = {
        "track": data["track"], "seed": seed, "sentences": len(labels), "correct": len(labels) - len(wrong),
        "features_blamed": [{"sentence": b["sentence"], "feature": b["feature"], "direction": b["direction"]}
                            for b in blamed],
        "rules_written": rules_written,
        "perceptron": {"weights": weights, "bias": data["result"]["bias"],
                       "accuracy": data["result"]["accuracy"]},
    }
    if learner_tally is not None:
        full = {name: int(learner_tally.get(name, 0)) for name in text_features.FEATURES}
        agree = [name for name, v in full.items() if np.sign(v) == np.sign(weights[name])]
        result["tally"] = full
        result["tally_agrees"] = agree
    return result


def record_run(db: Session, learner: Learner | None, result: dict[str, Any]) -> ActivityRun | None:
    """Store one finished role-play for the learner (one row per call); None for a grown-up trying it out."""
    if learner is None:
        return None
    run = ActivityRun(learner_id=learner.id, activity=ACTIVITY_ID, result=result)
    db.add(run)
    db.commit()
    return run


def catalogue(bank: Bank, track: str | None) -> list[dict[str, Any]]:
    """The activities page for a track: the on-screen role-play first, then the bank's unplugged activities
    (the bank's own human-backpropagation entries, "human-backprop-<track>", are this role-play, so they are not
    repeated)."""
    track = known_track(track)
    entries = [{"id": ACTIVITY_ID, "title": TITLES[track], "summary": INTROS[track], "roleplay": True,
                "minutes": None, "steps": [], "materials": [], "talk_about": [], "demo": None}]
    for activity in bank.activities_for(track):
        if activity.id in BANK_ACTIVITY.values() or activity.id.startswith(ACTIVITY_ID + "-"):
            continue
        entries.append({"id": activity.id, "title": activity.title, "summary": activity.summary, "roleplay": False,
                        "minutes": activity.minutes, "steps": list(activity.steps),
                        "materials": list(activity.materials), "talk_about": list(activity.talk_about),
                        "demo": activity.demo})
    return entries
