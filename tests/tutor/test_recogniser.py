"""The chat's topic recogniser: deterministic features, shipped weights that match the bank, and measured quality."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Network
from tutor import recogniser as rec

# The issue's target is 0.90 for both. Measured with `tutor chat eval` on the bank of this commit (1201 training
# questions, 135 held-out, 34 off-topic): held-out top-1 0.904 (best guess right 0.941), off-topic "not sure" 1.0.
# Settings (three seeds averaged, two misspelt copies per question, weight decay 0.02) were chosen by 5-fold
# cross-validation over the training questions (`tutor chat cv --set folds=5`, averaged over three fold seeds), not on
# these sets. The FLOORs guard against regressions; raise them as the bank's question sets grow.
TARGET = 0.90
FLOOR = 0.88
OFF_TOPIC_FLOOR = 0.97


@pytest.fixture(scope="module")
def shipped():
    return rec.load()


@pytest.fixture(scope="module")
def evaluation(shipped, content_bank):
    return rec.evaluate(shipped, content_bank.chat.held_out, content_bank.chat.off_topic)


def test_shipped_weights_match_the_banks_training_questions(shipped, content_bank):
    assert shipped.hash == rec.bank_hash(content_bank), (
        "the chat questions (or the recogniser's settings) changed since tutor/data/recogniser.json was trained: "
        "run `tutor chat train` and commit the new weights")
    assert shipped.topics == list(content_bank.concept_ids)
    assert len(shipped.nets) == len(rec.TRAINING_CONFIG["seeds"])
    for net in shipped.nets:
        assert net.sizes == [rec.FEATURE_CONFIG["buckets"], rec.TRAINING_CONFIG["hidden"], len(shipped.topics) + 1]
        assert net.activations == ["relu", "softmax"]


def test_retraining_reproduces_the_shipped_weights(shipped, content_bank):
    again = rec.train_for_bank(content_bank)
    assert again.threshold == shipped.threshold
    assert again.max_other == shipped.max_other
    assert again.lexicon.counts == shipped.lexicon.counts
    assert again.lexicon.topic_words == shipped.lexicon.topic_words
    np.testing.assert_allclose(again.lexicon.idf, shipped.lexicon.idf, atol=1e-5)
    assert len(again.nets) == len(shipped.nets)
    for net_a, net_b in zip(again.nets, shipped.nets):
        for (W1, b1), (W2, b2) in zip(net_a.params, net_b.params):
            np.testing.assert_allclose(W1, W2, atol=1e-5)
            np.testing.assert_allclose(b1, b2, atol=1e-5)


def test_training_is_deterministic_and_uses_the_engine(content_bank):
    small = dict(rec.TRAINING_CONFIG, epochs=2, folds=2, seeds=[0, 1], bank_texts=0)
    a = rec.train_recogniser(content_bank.chat.training, config=small)
    b = rec.train_recogniser(content_bank.chat.training, config=small)
    assert len(a.nets) == 2 and all(isinstance(net, Network) for net in a.nets)
    for net_a, net_b in zip(a.nets, b.nets):
        for (Wa, ba), (Wb, bb) in zip(net_a.params, net_b.params):
            assert np.array_equal(Wa, Wb) and np.array_equal(ba, bb)
    assert not np.array_equal(a.nets[0].params[0][0], a.nets[1].params[0][0])  # different seeds, different nets
    assert a.threshold == b.threshold and a.max_other == b.max_other


def test_off_topic_evaluation_set_is_never_trained_on(content_bank):
    extra = rec.bank_texts(content_bank)
    texts, _ = rec.training_examples(content_bank.chat.training, list(content_bank.concept_ids), extra=extra)
    trained = {rec.normalise(t) for t in texts} | {rec.normalise(q) for q in rec.OTHER_QUESTIONS}
    for question in content_bank.chat.off_topic:
        assert rec.normalise(question) not in trained, question
    # Held-out questions are checked against the written questions only: a generated short copy may coincide
    # with a very short held-out one (e.g. "node" from "what is a node in a network" and "node??").
    written = {rec.normalise(q) for qs in content_bank.chat.training.values() for q in qs}
    written |= {rec.normalise(q) for q in rec.OTHER_QUESTIONS}
    written |= {rec.normalise(q) for qs in extra.values() for q in qs}
    for questions in content_bank.chat.held_out.values():
        for question in questions:
            assert rec.normalise(question) not in written, question


def test_off_topic_questions_get_the_not_sure_reply(evaluation):
    assert evaluation["off_topic_not_sure"] >= TARGET, evaluation["off_topic_claimed"]


def test_off_topic_not_sure_rate_does_not_fall_below_todays_level(evaluation):
    assert evaluation["off_topic_not_sure"] >= OFF_TOPIC_FLOOR, evaluation["off_topic_claimed"]


def test_held_out_top1_accuracy_reaches_the_target(evaluation):
    assert evaluation["held_out_accuracy"] >= TARGET


def test_held_out_accuracy_does_not_fall_below_todays_level(evaluation):
    assert evaluation["held_out_questions"] >= 135
    assert evaluation["held_out_accuracy"] >= FLOOR, evaluation["misses"]


def test_the_issues_own_examples_are_understood(shipped):
    expected = {"why does the computer go backwards": "backpropagation", "wats a wieght": "weights-and-biases",
                "is it like a brain?": "neural-network", "why does it go backwards??": "backpropagation"}
    for message, topic in expected.items():
        found = shipped.recognise(message)
        assert (found.status, found.topic) == ("answered", topic), (message, found)


def test_features_use_a_stable_hash_not_pythons():
    # zlib.crc32 of the unit, so the same bucket in every process (str hash() is salted per process).
    assert rec._bucket("w:weight", 2048) == 286
    X = rec.features(["weight", "weight"])
    assert X.shape == (2, rec.FEATURE_CONFIG["buckets"])
    assert np.array_equal(X[0], X[1])


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=300))
def test_features_are_finite_unit_length_or_empty(text):
    x = rec.features([text])[0]
    assert np.all(np.isfinite(x))
    norm = np.linalg.norm(x)
    assert norm == pytest.approx(1.0) or (norm == 0 and not rec.normalise(text))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=60), max_size=4))
def test_counts_are_the_hashed_units_of_each_message(texts):
    # The fast counting (each word's n-grams hashed once per process) counts exactly the units `_units` lists.
    for lexicon in (None, rec.shipped().lexicon):
        X = rec._counts(texts, rec.FEATURE_CONFIG, lexicon)
        buckets = rec.FEATURE_CONFIG["buckets"]
        for row, text in enumerate(texts):
            expected = np.zeros(buckets)
            for unit, _ in rec._units(text, rec.FEATURE_CONFIG, lexicon):
                expected[rec._bucket(unit, buckets)] += 1
            assert np.array_equal(X[row], expected)


def test_one_message_alone_and_in_a_batch_are_recognised_alike(shipped, content_bank):
    messages = [qs[0] for qs in content_bank.chat.training.values()] + ["hi there", "qqqq", "wats a wieght", ""]
    batch = shipped.recognise_many(messages)
    probs = shipped.probabilities(messages)
    for message, together, p in zip(messages, batch, probs):
        alone = shipped.recognise(message)
        assert (alone.status, alone.topic, alone.known) == (together.status, together.topic, together.known)
        assert alone.confidence == pytest.approx(together.confidence, abs=1e-12)
        how = shipped.explain(message)
        assert [t["confidence"] for t in how["top"]] == pytest.approx(sorted(p[:-1], reverse=True)[:3], abs=1e-12)
        assert how["known_words"] == together.known


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gets_a_decision_and_an_explanation(text):
    shipped = rec.shipped()
    found = shipped.recognise(text)
    assert found.status in ("answered", "unsure", "off-topic")
    assert (found.topic is None) == (found.status != "answered")
    assert 0.0 <= found.confidence <= 1.0
    how = shipped.explain(text)
    words = set(rec.normalise(text).split())
    assert all(w["text"] in words and w["score"] > 0 for w in how["words"])
    assert sum(t["confidence"] for t in how["top"]) + how["other"] <= 1.0 + 1e-9


def test_explanation_names_the_words_that_mattered(shipped):
    how = shipped.explain("why does it go backwards??")
    assert how["topic"] == "backpropagation"
    assert "backwards" in [w["text"] for w in how["words"][:2]]
    assert how["top"][0]["topic"] == "backpropagation"
    assert how["network"]["sizes"] == shipped.net.sizes
    assert [t["confidence"] for t in how["top"]] == sorted((t["confidence"] for t in how["top"]), reverse=True)


def test_shipped_recogniser_is_loaded_once_per_file_version(tmp_path, shipped):
    path = rec.save(shipped, tmp_path / "r.json")
    first = rec.shipped(path)
    assert rec.shipped(path) is first
    import os

    stat = os.stat(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert rec.shipped(path) is not first


# ---------------------------------------------------------------- reading a message


@pytest.fixture(scope="module")
def lexicon():
    return rec.Lexicon.build(["what is a weight", "why does it go backwards", "what is a neuron",
                              "how does backpropagation work", "what is the learning rate"],
                             ["hi there", "i am hungry"], rec.FEATURE_CONFIG)


def test_slang_and_repeated_letters_are_read_as_words(lexicon):
    assert [w for _, w in lexicon.words("wat r u")] == ["what", "are", "you"]
    assert [w for _, w in lexicon.words("whyyy does it go backwards")] == ["why", "does", "it", "go", "backwards"]
    assert [w for _, w in lexicon.words("I dunno what's a neuron")] == ["i", "do", "not", "know", "what", "is", "a",
                                                                         "neuron"]
    # every word read keeps the index of the word typed, so explanations can name what the child wrote
    assert [i for i, _ in lexicon.words("dunno neuron")] == [0, 0, 0, 1]


def test_misspelt_words_are_corrected_to_the_nearest_training_word(lexicon):
    assert lexicon.read_word("wieght") == ("weight",)  # swapped letters: distance 1
    assert lexicon.read_word("backwords") == ("backwards",)
    assert lexicon.read_word("nueron") == ("neuron",)
    assert lexicon.read_word("backpropogation") == ("backpropagation",)
    assert lexicon.read_word("lerning") == ("learning",)
    assert lexicon.read_word("pizza") == ("pizza",)  # nothing close: kept as typed
    assert lexicon.read_word("wat") == ("what",)  # slang first
    assert lexicon.read_word("ab") == ("ab",)  # too short to correct


def test_the_known_word_rule_needs_a_concept_word(lexicon):
    assert lexicon.knows("wats a wieght")
    assert not lexicon.knows("i am hungry")  # only stop words and everyday words
    assert not lexicon.knows("asdfgh")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcde", max_size=8), st.text(alphabet="abcde", max_size=8))
def test_edit_distance_is_a_symmetric_bounded_distance(a, b):
    d = rec.edit_distance(a, b, 2)
    assert d == rec.edit_distance(b, a, 2)
    assert (d == 0) == (a == b)
    assert 0 <= d <= 3
    if len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1:
        assert d == 1


def test_bank_texts_are_lesson_sentences_per_concept(content_bank):
    texts = rec.bank_texts(content_bank)
    assert set(texts) == set(content_bank.concept_ids)
    lesson = content_bank.lesson("loss", "ages-5-8")
    assert lesson.title in texts["loss"]  # "How Far Off?"
    assert lesson.misconceptions[0].myth in texts["loss"]
    assert all(len(rec.normalise(s).split()) >= 2 for qs in texts.values() for s in qs)


def test_a_message_with_no_known_word_is_not_answered(shipped):
    found = shipped.recognise("qqqq zzzxx")
    assert found.topic is None and not found.known


def test_refusal_rule_answers_most_while_declining_enough_everyday_sentences():
    # Three concept questions (labels 0, 1) and four everyday sentences (label 2 = "other").
    probs = np.array([
        [0.90, 0.05, 0.05],  # concept 0, sure
        [0.30, 0.62, 0.08],  # concept 1, "other" gets a little
        [0.45, 0.35, 0.20],  # concept 0, unsure
        [0.10, 0.10, 0.80],  # everyday, "other" wins
        [0.60, 0.10, 0.30],  # everyday that looks like concept 0
        [0.40, 0.35, 0.25],  # everyday, low confidence
        [0.20, 0.70, 0.10],  # everyday, confidently concept 1 (never declined by any rule that answers concept 1)
    ])
    labels = np.array([0, 1, 0, 2, 2, 2, 2])
    t, o = rec._tune_policy(probs, labels, 2, everyday_declined=0.75)
    declined = rec._declined(probs, np.ones(7, dtype=bool), t, o)
    assert declined[3:].mean() >= 0.75 and not declined[:2].any()
    # asking for every everyday sentence to be declined gives up concept 1's question too
    t, o = rec._tune_policy(probs, labels, 2, everyday_declined=1.0)
    assert rec._declined(probs, np.ones(7, dtype=bool), t, o)[3:].all()
    found = rec.score_out_of_fold({"probs": probs, "labels": labels, "known": np.ones(7, dtype=bool)}, 2,
                                  everyday_declined=0.75)
    # the "other" ceiling (0.2) declines rows 4 and 5 while the unsure concept question (row 2) is still answered
    assert found["accuracy"] == 1.0 and found["other_declined"] == 0.75 and found["max_other"] == 0.2


def test_cross_validation_only_uses_training_questions(content_bank):
    small = dict(rec.TRAINING_CONFIG, epochs=1, folds=2, seeds=[0], bank_texts=0)
    training = {c: list(qs[:6]) for c, qs in content_bank.chat.training.items()}
    result = rec.cross_validate(training, list(content_bank.concept_ids), small)
    assert result["questions"] == sum(len(qs) for qs in training.values())
    assert result["other_questions"] == len(rec.OTHER_QUESTIONS)
    assert 0.0 <= result["accuracy"] <= result["top1_ranking"] <= 1.0


def test_the_eval_command_prints_each_miss_confidence_as_the_pages_round_it(evaluation):
    """`tutor chat eval --verbose` rounds a confidence's half percent up (engine.percent), as every page does."""
    import re

    from click.testing import CliRunner

    from engine import percent
    from tutor.cli import main

    result = CliRunner().invoke(main, ["chat", "eval", "--verbose"])
    assert result.exit_code == 0, result.output
    shown = [int(p) for p in re.findall(r"\(best [\w-]+, (\d+)%, [\w-]+\)", result.output)]
    assert shown == [percent(miss["confidence"]) for miss in evaluation["misses"]]
    claimed = [int(p) for p in re.findall(r"off-topic answered: .* \((\d+)%\)", result.output)]
    assert claimed == [percent(claim["confidence"]) for claim in evaluation["off_topic_claimed"]]


def test_a_half_percent_confidence_is_reported_rounded_up(capsys):
    from tutor import cli_chat

    assert f"{0.145:.0%}" == "14%"  # what Python's own format gave: the float just under the half
    cli_chat._report({"held_out_accuracy": 0.9, "held_out_questions": 10, "held_out_top1_ranking": 0.9,
                      "off_topic_not_sure": 1.0, "off_topic_questions": 2,
                      "misses": [{"question": "q", "expected": "neuron", "got": None, "best": "loss",
                                  "confidence": 0.145, "status": "unsure"}],
                      "off_topic_claimed": [{"question": "r", "got": "loss", "confidence": 0.125}]}, verbose=True)
    out = capsys.readouterr().out
    assert "(best loss, 15%, unsure)" in out and "as loss (13%)" in out
