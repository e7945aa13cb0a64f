"""The human-backpropagation role-play: sentences per track, the perceptron's answer key recomputed by hand, the card
showing the engine's numbers, and recording a finished run (choices only, nothing stored on bad input)."""
from __future__ import annotations

import html
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from engine import text_features
from tests.tutor.test_accounts import sign_up
from tutor.models import ActivityRun, Learner
from tutor.services import roleplay

TRACKS = ("ages-5-8", "ages-9-12", "ages-13-plus")
seeds = st.integers(min_value=0, max_value=roleplay.MAX_SEED)


# ---- an independent perceptron, written out here so the engine never checks itself ----------------------------------

def hand_perceptron(rows: list[list[float]], targets: list[int], lr: float, max_passes: int) -> list[dict]:
    """The classic rule in plain Python: predict 1 when w·x + b > 0; on a mistake w += lr·(t − p)·x and b += lr·(t − p);
    stop after a pass with no mistakes."""
    w = [0.0] * len(rows[0])
    b = 0.0
    log = []
    for epoch in range(max_passes):
        mistakes = 0
        for i, (x, t) in enumerate(zip(rows, targets)):
            score = sum(xi * wi for xi, wi in zip(x, w)) + b
            p = 1 if score > 0 else 0
            before, b_before = list(w), b
            if p != t:
                mistakes += 1
                w = [wi + lr * (t - p) * xi for wi, xi in zip(w, x)]
                b = b + lr * (t - p)
            log.append({"epoch": epoch, "example": i, "weights_before": before, "bias_before": b_before,
                        "score": score, "predicted": p, "weights_after": list(w), "bias_after": b})
        if mistakes == 0:
            break
    return log


HAND_COUNTED = {  # contractions, slang, greeting at the start, words of 9+ letters, polite phrases, "!"
    "I would be grateful for your assistance with the application.": [0, 0, 0, 2, 1, 0],
    "Hey, wanna grab pizza after school?": [0, 1, 1, 0, 0, 0],
    "The committee has reviewed the proposal carefully.": [0, 0, 0, 2, 0, 0],
    "Gonna be late, don't wait up!": [1, 1, 0, 0, 0, 1],
}


def test_feature_counts_match_hand_counts():
    assert text_features.FEATURES == ("contractions", "slang words", "casual greetings", "long words",
                                      "polite phrases", "exclamation marks")
    play = roleplay.roleplay("ages-13-plus", 0)
    by_text = {s["text"]: s["counts"] for s in play["sentences"]}
    for text, counts in HAND_COUNTED.items():
        if text in by_text:
            assert by_text[text] == counts, text
    assert set(HAND_COUNTED) & set(by_text), "seed 0 plays the engine's first sentences"


@settings(max_examples=40, deadline=None)
@given(track=st.sampled_from(TRACKS), seed=seeds)
def test_answer_key_is_the_hand_perceptron(track, seed):
    play = roleplay.roleplay(track, seed)
    rows = [s["counts"] for s in play["sentences"]]
    targets = [1 if s["label"] == "formal" else 0 for s in play["sentences"]]
    expected = hand_perceptron(rows, targets, play["lr"], roleplay.MAX_EPOCHS)
    assert len(play["steps"]) == len(expected)
    for got, want in zip(play["steps"], expected):
        for key in ("epoch", "example", "predicted"):
            assert got[key] == want[key]
        for key in ("score", "bias_before", "bias_after"):
            assert got[key] == pytest.approx(want[key])
        assert got["weights_before"] == pytest.approx(want["weights_before"])
        assert got["weights_after"] == pytest.approx(want["weights_after"])
        assert got["updated"] == (want["weights_before"] != want["weights_after"] or got["bias_change"] != 0)
    final = expected[-1]
    assert list(play["result"]["weights"].values()) == pytest.approx(final["weights_after"])
    assert play["result"]["bias"] == pytest.approx(final["bias_after"])
    right = sum((sum(x * w for x, w in zip(r, final["weights_after"])) + final["bias_after"] > 0) == bool(t)
                for r, t in zip(rows, targets))
    assert play["result"]["accuracy"] == pytest.approx(right / len(rows))
    assert play["first_pass"] == [s for s in play["steps"] if s["epoch"] == 0]
    assert len(play["first_pass"]) == len(rows)


@settings(max_examples=60, deadline=None)
@given(track=st.sampled_from(TRACKS), seed=seeds)
def test_sentence_count_and_choice_per_track(track, seed):
    play = roleplay.roleplay(track, seed)
    n = len(play["sentences"])
    if track == "ages-5-8":
        assert n == 3
    elif track == "ages-9-12":
        assert 6 <= n <= 8
    else:
        assert n >= 6
    texts = [s["text"] for s in play["sentences"]]
    assert len(set(texts)) == n
    known = dict(text_features.SENTENCES)
    for s in play["sentences"]:
        assert s["label"] == text_features.LABELS[known[s["text"]]]
    labels = [s["label"] for s in play["sentences"]]
    assert abs(labels.count("formal") - labels.count("casual")) <= 1, "an even mix of formal and casual"
    assert roleplay.roleplay(track, seed)["sentences"] == play["sentences"], "the same seed, the same sentences"


def test_other_seeds_give_other_sentences():
    plays = {tuple(s["text"] for s in roleplay.roleplay("ages-9-12", seed)["sentences"]) for seed in range(6)}
    assert len(plays) > 1


def test_young_track_has_picture_cues_and_every_sentence_has_one():
    for seed in range(10):
        for s in roleplay.roleplay("ages-5-8", seed)["sentences"]:
            assert s["picture"] and s["picture"]["emoji"] and s["picture"]["words"]


# ---- pages and JSON --------------------------------------------------------------------------------------------------

def _cells(row_html: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.S)]


@pytest.mark.parametrize("track", TRACKS)
def test_card_renders_the_engines_numbers(client, track):
    seed = 7
    play = roleplay.roleplay(track, seed)
    r = client.get(f"/activities/human-backprop/card?track={track}&seed={seed}")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert page.count("<h1") == 1
    assert "data-print" in page and "<script>" not in page and 'style="' not in page
    for i, s in enumerate(play["sentences"]):
        assert html.escape(s["text"]) in page or s["text"] in html.unescape(page)
        row = re.search(rf'<tr data-key-row="{i}">(.*?)</tr>', page, re.S).group(1)
        cells = _cells(row)
        assert [float(c.replace("−", "-")) for c in cells[1:]] == s["counts"]
        words = roleplay.LABEL_WORDS[track][s["label"]][1]
        assert words in cells[0]
    for name, weight in play["result"]["weights"].items():
        row = re.search(rf'<tr data-tally-key="{re.escape(name)}">(.*?)</tr>', page, re.S).group(1)
        cells = _cells(row)
        direction = "more" if weight else "no change"
        assert direction in cells[-1]
        if track != "ages-5-8":
            assert float(cells[0].replace("−", "-")) == weight
    if track == "ages-13-plus":
        vectors = re.findall(r'<td class="rp-vector"[^>]*>(.*?)</td>', page, re.S)
        text = [html.unescape(re.sub(r"<[^>]+>", "", v)).replace("updated: ", "").replace("✎", "").strip()
                for v in vectors]
        for k, step in enumerate(play["steps"]):
            before = "[" + ", ".join(roleplay.fmt(w) for w in step["weights_before"]) + "] · " + roleplay.fmt(step["bias_before"])
            after = "[" + ", ".join(roleplay.fmt(w) for w in step["weights_after"]) + "] · " + roleplay.fmt(step["bias_after"])
            assert text[2 * k] == before and text[2 * k + 1] == after


@pytest.mark.parametrize("track", TRACKS)
def test_roleplay_page_renders_each_track(client, track):
    play = roleplay.roleplay(track, 3)
    page = client.get(f"/activities/human-backprop?track={track}&seed=3").get_data(as_text=True)
    assert page.count("<h1") == 1
    assert page.count('data-sentence="') == len(play["sentences"])
    assert 'seed=4' in page, "Try other sentences picks a new seed"
    if track == "ages-5-8":
        assert "Grown-up: read the sentence aloud" in page and "data-speak" in page
        assert 'data-part="rule"' not in page
    else:
        assert page.count('data-part="rule"') == len(play["sentences"])
        assert 'maxlength="200"' in page
    assert ('data-tally="' in page) == (track == "ages-9-12")
    if track == "ages-13-plus":
        assert page.count('data-part="engine"') == len(play["sentences"])


def test_pages_default_to_the_sessions_track(client):
    with client.session_transaction() as session:
        session["track"] = "ages-5-8"
    page = client.get("/activities/human-backprop").get_data(as_text=True)
    assert page.count('data-sentence="') == 3
    assert 'href="/activities/human-backprop?track=ages-5-8"' in client.get("/activities/").get_data(as_text=True)


def test_bad_seed_on_a_page_is_a_friendly_422(client):
    r = client.get("/activities/human-backprop?track=ages-9-12&seed=-3")
    assert r.status_code == 422 and "<h1" in r.get_data(as_text=True)


def test_json_endpoint_is_the_same_roleplay(api):
    body = api.get("/api/activities/human-backprop?track=ages-13-plus&seed=11").get_json()
    play = roleplay.roleplay("ages-13-plus", 11)
    assert [s["text"] for s in body["sentences"]] == [s["text"] for s in play["sentences"]]
    assert [s["weights_after"] for s in body["steps"]] == [s["weights_after"] for s in play["steps"]]
    assert body["result"]["accuracy"] == play["result"]["accuracy"]
    assert api.get("/api/activities/human-backprop?track=ages-13-plus&seed=-1").status_code == 422
    assert api.get("/api/activities/human-backprop?track=adults").status_code == 422
    assert api.get("/api/activities/human-backprop?track=ages-9-12&junk=1").status_code == 422


# ---- recording a run -------------------------------------------------------------------------------------------------

def counts(db) -> tuple[int, int]:
    db.expire_all()
    return (db.scalar(select(func.count()).select_from(ActivityRun)),
            db.scalar(select(func.count()).select_from(Learner)))


def a_run(track: str = "ages-9-12", seed: int = 5) -> dict:
    """A plausible finished run: the first sentence guessed wrong and blamed, the rest right."""
    labels = [s["label"] for s in roleplay.roleplay(track, seed)["sentences"]]
    flip = {"formal": "casual", "casual": "formal"}
    guesses = [flip[labels[0]]] + labels[1:]
    body = {"track": track, "seed": seed, "guesses": guesses,
            "blamed": [{"sentence": 0, "feature": "slang words", "direction": "too-high"}], "rules_written": 1}
    if track == "ages-9-12":
        body["tally"] = {"slang words": -1, "long words": 2}
    return body


ALLOWED_WORDS = set(TRACKS) | set(text_features.FEATURES) | {"too-high", "too-low"}


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


@pytest.mark.parametrize("track", TRACKS)
def test_a_finished_run_is_stored_once_per_post_without_free_text(api, db, track):
    body = a_run(track)
    before = counts(db)
    r = api.post("/api/activities/runs", body)
    assert r.status_code == 200, r.get_json()
    reply = r.get_json()
    assert reply["stored"] is True and reply["correct"] == len(body["guesses"]) - 1
    runs, learners = counts(db)
    assert runs == before[0] + 1 and learners == before[1] + 1, "one row, for a new guest"
    row = db.scalars(select(ActivityRun)).all()[-1]
    assert row.activity == "human-backprop"
    assert row.result["track"] == track and row.result["correct"] == reply["correct"]
    assert row.result["features_blamed"] == body["blamed"]
    assert set(_strings(row.result)) <= ALLOWED_WORDS, "only choices from fixed lists, never typed text"
    assert set(row.result) <= {"track", "seed", "sentences", "correct", "features_blamed", "rules_written",
                               "perceptron", "tally", "tally_agrees"}
    assert set(row.result.get("tally", {})) <= set(text_features.FEATURES)
    assert ("tally" in row.result) == (track == "ages-9-12")
    # The same guest posting again is a second run, stored once too; no new guest.
    assert api.post("/api/activities/runs", body).status_code == 200
    assert counts(db) == (runs + 1, learners)


def test_the_stored_result_grades_on_the_server(api, db):
    body = a_run("ages-13-plus", 9)
    labels = [s["label"] for s in roleplay.roleplay("ages-13-plus", 9)["sentences"]]
    body["guesses"] = labels  # all right: the blame now names a right answer
    assert api.post("/api/activities/runs", body).status_code == 422
    body["blamed"] = []
    body["rules_written"] = 0
    reply = api.post("/api/activities/runs", body).get_json()
    assert reply["correct"] == len(labels)


def _bad_bodies():
    good = a_run()
    yield {**good, "rule": "slang means casual"}                        # free text is refused outright
    yield {**good, "blamed": [{**good["blamed"][0], "rule": "my rule"}]}
    yield {**good, "guesses": good["guesses"][:-1]}                     # one guess short
    yield {**good, "guesses": good["guesses"] + ["formal"]}
    yield {**good, "guesses": ["fancy"] + good["guesses"][1:]}
    yield {**good, "blamed": [{"sentence": 0, "feature": "emoji", "direction": "too-high"}]}
    yield {**good, "blamed": [{"sentence": 0, "feature": "slang words", "direction": "sideways"}]}
    yield {**good, "blamed": [{"sentence": 1, "feature": "slang words", "direction": "too-low"}]}   # a right guess
    yield {**good, "blamed": good["blamed"] * 2}
    yield {**good, "seed": -1}
    yield {**good, "seed": roleplay.MAX_SEED + 1}
    yield {**good, "track": "adults"}
    yield {**good, "activity": "hot-and-cold"}
    yield {**good, "tally": {"slang words": 99}}
    yield {**good, "tally": {"vibes": 1}}
    yield {**good, "rules_written": 5}
    yield {k: v for k, v in good.items() if k != "guesses"}


@pytest.mark.parametrize("body", list(_bad_bodies()))
def test_bad_input_is_422_and_stores_nothing(api, db, body):
    before = counts(db)
    r = api.post("/api/activities/runs", body)
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["error"]["message"]
    assert counts(db) == before


def test_not_json_and_no_csrf_store_nothing(api, db):
    before = counts(db)
    assert api.post("/api/activities/runs", raw="guesses=formal").status_code in (400, 415, 422)
    r = api.post("/api/activities/runs", a_run(), csrf=False)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "csrf_failed"
    assert counts(db) == before


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(guesses=st.lists(st.sampled_from(["formal", "casual", "maybe"]), min_size=0, max_size=10),
       seed=st.integers(min_value=-5, max_value=5))
def test_any_guesses_are_graded_or_refused_never_half_stored(api, db, guesses, seed):
    before = counts(db)
    r = api.post("/api/activities/runs", {"track": "ages-5-8", "seed": seed, "guesses": guesses})
    labels = [s["label"] for s in roleplay.roleplay("ages-5-8", max(seed, 0))["sentences"]]
    valid = seed >= 0 and len(guesses) == len(labels) and set(guesses) <= {"formal", "casual"}
    runs, _ = counts(db)
    if valid:
        assert r.status_code == 200
        assert r.get_json()["correct"] == sum(g == label for g, label in zip(guesses, labels))
        assert runs == before[0] + 1
    else:
        assert r.status_code == 422
        assert runs == before[0]


def test_a_grown_up_trying_it_is_not_recorded(client, api, db):
    sign_up(client, "teacher-roleplay@example.org", role="teacher")
    before = counts(db)
    api._token = None
    reply = api.post("/api/activities/runs", a_run()).get_json()
    assert reply["stored"] is False and reply["run_id"] is None and "Not saved" in reply["message"]
    assert counts(db) == before
