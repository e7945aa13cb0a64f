"""The fourth review pass as a child, in Chromium with the browser's speech synthesis replaced by a recorder:

- read-aloud: one read at a time (a new read replaces the one playing, even one still waiting to start), pressing
  the playing button again or Escape stops it, the language is set, and what is said is what is shown: the lesson
  check's answers and (once opened) its hint, the feedback's verdict and mix-up, a quiz's answers and feedback, the
  matching words and meanings, the chat answer's title, each of the robot's tries in guess-and-fix; pictures are left
  out and symbols said as words ("minus", "times"); hidden text is not read;
- "Hear it again" after "I know this!" brings back the message it points to (it threw before) and reads it;
- the human-backpropagation role-play on a phone, keyboard only, on every track: the buttons hold their words, the
  numbers are the engine's, a 5-8 child can hear the blame questions, and no track ends with "You got 0 stars!";
- a 5-8 quiz summary says "Every one!" only when every answer was right.
"""
from __future__ import annotations

import re
import unicodedata

import pytest
from playwright.sync_api import expect

from tests.browser.test_chat_page import choose_track
from tutor.services import roleplay

# The browser's speechSynthesis replaced by a recorder that behaves like Chromium's: speak() queues, an utterance
# starts a second later (until then it is only "pending"), cancel() empties the queue and the cancelled utterances
# end with an "interrupted" error after a moment. window.__finish() ends the utterance playing.
SPEECH = """
(function () {
  window.__spoken = []; window.__cancels = 0;
  function Utterance(text) { this.text = text; this.rate = 1; this.lang = ""; this.onend = null; this.onerror = null; }
  window.SpeechSynthesisUtterance = Utterance;
  var synth = { speaking: false, pending: false, paused: false, queue: [],
    speak: function (u) {
      window.__spoken.push({ text: u.text, rate: u.rate, lang: u.lang });
      this.queue.push(u); this.pending = true;
      var self = this;
      setTimeout(function () { if (self.queue[0] === u) { self.speaking = true; self.pending = self.queue.length > 1; } }, 1000);
    },
    cancel: function () {
      window.__cancels += 1;
      var gone = this.queue; this.queue = []; this.speaking = false; this.pending = false;
      gone.forEach(function (u) { setTimeout(function () { if (u.onerror) { u.onerror({ error: "interrupted" }); } }, 5); });
    },
    pause: function () {}, resume: function () {}, getVoices: function () { return []; },
    addEventListener: function () {}, removeEventListener: function () {} };
  window.__finish = function () { var u = synth.queue.shift(); synth.speaking = false; if (u && u.onend) { u.onend({}); } };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
})();
"""

FLIP = {"formal": "casual", "casual": "formal"}
SYMBOLS = re.compile(r"[\u2212\u00d7\u00b7\u2192\u2190\u279c\u2713\u2714\u2717\u2718<>]|undefined|null|NaN|\de[+-]?\d")


def spoken(page) -> list[dict]:
    return page.evaluate("window.__spoken")


def forget(page) -> None:
    page.evaluate("window.__spoken = []; window.__cancels = 0")


def said(page, button) -> str:
    """Press a read-aloud button and let it read to the end; the one thing it said."""
    forget(page)
    button.click()
    out = spoken(page)
    assert len(out) == 1, out
    page.evaluate("window.__finish()")  # read to the end, so the next press reads again
    return out[0]["text"]


def words(text: str) -> str:
    """Text as a listener compares it: pictures, punctuation and case aside."""
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] in "LNZ" or ch in " \n")
    return re.sub(r"\s+", " ", kept).strip().lower()


def assert_says(text: str, *shown: str) -> None:
    assert not SYMBOLS.search(text), text
    assert not re.search(r"[\U0001F300-\U0001FAFF\u2600-\u27BF]", text), f"a picture is read out: {text!r}"
    for part in shown:
        assert words(part) in words(text), (part, text)


def young(open_page, path: str, size: str = "phone"):
    page = open_page("/", size, init_script=SPEECH)
    choose_track(page, "ages-5-8")
    page.goto(path)
    page.wait_for_load_state("networkidle")
    return page


# ---- one read at a time, stop, language ---------------------------------------------------------------------------

def test_a_new_read_replaces_the_one_waiting_and_pressing_again_or_escape_stops_it(open_page):
    page = young(open_page, "/chat/")
    page.locator("#chat-chips .chip").first.click()
    answer = page.locator(".bubble.tutor").nth(1)
    expect(answer).to_be_visible()
    hello = page.locator('[data-speak="chat-hello"]')
    reply = answer.locator(".speak")

    forget(page)
    hello.click()
    reply.click()  # at once: the hello has not started yet (it is only pending), so it must not stay queued
    assert page.evaluate("window.speechSynthesis.queue.length") == 1, "a second read waits behind the first"
    assert [s["text"] for s in spoken(page)][-1].startswith(answer.locator(".bubble-title").inner_text())
    page.wait_for_timeout(100)  # the replaced read's "interrupted" arrives after the new one started
    expect(hello).to_have_attribute("aria-pressed", "false")
    expect(reply).to_have_attribute("aria-pressed", "true")
    assert all(s["lang"] == "en" and s["rate"] == 0.85 for s in spoken(page)), spoken(page)

    forget(page)
    reply.click()  # pressed again while it plays: it stops, nothing new is read
    assert spoken(page) == [] and page.evaluate("window.speechSynthesis.queue.length") == 0
    expect(reply).to_have_attribute("aria-pressed", "false")

    reply.click()
    expect(reply).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Escape")
    assert page.evaluate("window.speechSynthesis.queue.length") == 0
    expect(reply).to_have_attribute("aria-pressed", "false")

    reply.click()
    page.evaluate("window.__finish()")  # read to the end: the button lets go by itself
    expect(reply).to_have_attribute("aria-pressed", "false")
    assert not page.errors


def test_the_chat_answer_is_read_with_its_title_and_the_question_chips_can_be_heard(open_page):
    page = young(open_page, "/chat/")
    page.get_by_label("Or type your question").fill("wats a neuron")
    page.keyboard.press("Enter")
    answer = page.locator(".bubble.tutor").last
    expect(answer.locator(".bubble-title")).to_be_visible()
    button = answer.get_by_role("button", name="Read aloud")
    text = said(page, button)
    assert_says(text, answer.locator(".bubble-title").inner_text(), answer.locator(".reply-text").inner_text())
    chips = page.get_by_role("button", name="Read aloud: the questions you can tap")
    heard = said(page, chips)
    for chip in page.locator("#chat-chips .chip").all_inner_texts():
        assert_says(heard, chip)


# ---- a lesson ------------------------------------------------------------------------------------------------------

def test_the_lesson_check_reads_its_answers_the_hint_once_open_and_the_whole_feedback(open_page):
    page = young(open_page, "/learn/neural-network?track=ages-5-8")
    page.locator('#quick-replies button[data-reply="skip"]').click()
    check = page.locator("#check-form")
    expect(check).to_be_visible()
    button = page.get_by_role("button", name="Read aloud: the question and the answers")
    hint = page.locator("#check-hint-text")
    before = said(page, button)
    assert_says(before, page.locator("#check-prompt").inner_text(), *check.locator(".check-option").all_inner_texts())
    assert words(hint.text_content()) not in words(before), "the closed hint was read"

    check.locator("details.hint summary").click()
    assert_says(said(page, button), hint.inner_text())

    check.locator(".check-option input").nth(1).check()  # a wrong answer: it has a mix-up
    check.locator("button[type=submit]").click()
    feedback = page.locator("#check-feedback")
    expect(feedback).to_have_class(re.compile("wrong"))
    text = said(page, feedback.get_by_role("button", name="Read aloud: the feedback"))
    assert_says(text, *[p for p in feedback.locator("#check-feedback-words p").all_inner_texts()])
    assert "A common mix-up" in text and "Try again" not in text
    assert not page.errors


def test_hear_it_again_after_i_know_this_brings_the_message_back_and_reads_it(open_page):
    page = young(open_page, "/learn/neural-network?track=ages-5-8")
    page.locator('#quick-replies button[data-reply="skip"]').click()
    page.locator("#check-form .check-option input").nth(1).check()
    page.locator("#check-form button[type=submit]").click()
    back = page.locator("#check-feedback a", has_text="Hear it again")
    expect(back).to_be_visible()
    target = back.get_attribute("href").lstrip("#")
    forget(page)
    back.click()
    message = page.locator(f"#{target}")
    expect(message).to_be_visible()
    expect(message).to_be_focused()
    assert [s["text"] for s in spoken(page)] == [message.locator(".bubble-text").inner_text()]
    assert not page.errors, page.errors


# ---- a quiz and the matching game ---------------------------------------------------------------------------------

def test_a_young_quiz_reads_the_answers_the_hint_when_asked_and_the_feedback(open_page):
    page = young(open_page, "/practice/quiz-5-8-meet-the-robot")
    card = page.locator(".question")
    expect(card).to_be_visible()
    button = page.get_by_role("button", name="Read aloud: the question and the answers")
    text = said(page, button)
    assert_says(text, page.locator("#q-prompt").inner_text(), *card.locator(".option-text").all_inner_texts())
    hint = page.locator("#q-hint")
    assert words(hint.text_content()) not in words(text), "the hidden hint was read"
    card.locator(".hint-button").click()
    assert_says(said(page, button), hint.inner_text())

    card.locator(".options input").last.check()
    card.locator(".submit-answer").click()
    feedback = page.locator("#q-feedback")
    expect(feedback.locator(".feedback-title")).to_be_visible()
    text = said(page, feedback.get_by_role("button", name="Read aloud: what the tutor says"))
    assert_says(text, *feedback.locator("#q-feedback-words p").all_inner_texts())
    assert "Next one" not in text
    assert not page.errors


def test_the_matching_words_and_meanings_can_be_heard(open_page):
    page = young(open_page, "/practice/match:match-words-5-8")
    terms, meanings = page.locator(".match-term"), page.locator(".match-definition")
    expect(terms.first).to_be_visible()
    heard = said(page, page.get_by_role("button", name="Read aloud: the words", exact=True))
    for term in terms.locator(".match-text").all_inner_texts():
        assert_says(heard, term)
    assert "not paired" not in heard, "the screen reader's hidden words were read"
    heard = said(page, page.get_by_role("button", name="Read aloud: what they mean"))
    for meaning in meanings.locator(".match-text").all_inner_texts():
        assert_says(heard, meaning)
    assert not page.errors


def test_one_pair_of_seven_right_earns_a_star_but_is_not_every_one(open_page):
    page = young(open_page, "/practice/match:match-words-5-8")
    terms, meanings = page.locator(".match-term"), page.locator(".match-definition")
    expect(terms.first).to_be_visible()
    for n in range(terms.count()):  # term n with meaning n: some right, most wrong
        terms.nth(n).click()
        meanings.nth(n).click()
    page.locator(".submit-answer").click()
    expect(page.locator(".feedback-title")).to_be_visible()
    assert "is-partial" in page.locator("#q-feedback").get_attribute("class")
    page.locator(".next-question").click()
    summary = page.locator(".quiz-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("You earned 1 star")
    assert "Every one" not in summary.inner_text(), summary.inner_text()
    assert not page.errors


# ---- guess and fix -------------------------------------------------------------------------------------------------

def play_until_found(page) -> None:
    for n in range(1, 11):
        spot = page.locator(f"[data-spot='{n}']")
        spot.click()
        expect(spot).to_have_attribute("data-hint", re.compile(r"\w"))  # this dig's answer is in
        if page.locator("[data-part='robot-go']").is_enabled():
            return
    raise AssertionError("the treasure was not found")


def test_every_try_of_the_robot_and_its_rule_can_be_heard_as_shown(open_page):
    page = young(open_page, "/demos/guess-and-fix?track=ages-5-8")
    play_until_found(page)
    page.locator("[data-part='robot-go']").click()
    page.locator("[data-part='robot-all']").click()
    rounds = page.locator(".robot-round")
    expect(rounds.first).to_be_visible()
    rule = said(page, page.get_by_role("button", name="Read aloud: how the robot plays"))
    assert_says(rule, page.locator("[data-part='formula']").inner_text())
    for n in range(rounds.count()):
        item = rounds.nth(n)
        text = said(page, item.get_by_role("button", name=f"Read aloud: try {n + 1}"))
        assert_says(text, f"Try {n + 1}", item.locator(".bar-text").inner_text(), item.locator(".robot-detail").inner_text())
    status = page.locator("[data-part='robot-status']")
    assert_says(said(page, page.get_by_role("button", name="Read aloud: how the robot did")), status.inner_text())
    assert not page.errors


def test_symbols_are_said_as_words(open_page):
    """The 13+ robot's rule is a formula: "−" and "×" must be heard ("treasure minus guess"), not skipped."""
    page = open_page("/demos/guess-and-fix?track=ages-13-plus", "desktop", init_script=SPEECH)
    play_until_found(page)
    page.locator("[data-part='robot-go']").click()
    text = said(page, page.get_by_role("button", name="Read aloud: how the robot plays"))
    assert "treasure minus guess" in text and "rate times error" in text and "squared" in text, text
    assert_says(text)


# ---- the human-backpropagation role-play --------------------------------------------------------------------------

def tab_to(page, selector: str, limit: int = 80):
    target = page.locator(selector).first
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return target
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} is not reached with Tab")


@pytest.mark.parametrize("track", ["ages-5-8", "ages-9-12", "ages-13-plus"])
def test_the_roleplay_on_a_phone_by_keyboard_to_the_end_with_the_engines_numbers(open_page, axe, track):
    seed = 5
    play = roleplay.page(track, seed)
    page = open_page(f"/activities/human-backprop?track={track}&seed={seed}", "phone", init_script=SPEECH)
    expect(page.locator("[data-roleplay]")).to_have_attribute("data-ready", "1")
    n = len(play["sentences"])
    for i, s in enumerate(play["sentences"]):
        scope = f'[data-sentence="{i}"]'
        for choice in page.locator(f"{scope} .rp-choice").all():  # the words stay inside their button
            assert choice.evaluate("b => b.scrollWidth <= b.clientWidth + 1"), choice.inner_text()
        guess = FLIP[s["label"]]  # every guess wrong: the blame step each time, and no star at the end
        tab_to(page, f'{scope} [data-guess="{guess}"]')
        page.keyboard.press("Enter")
        if i == 0 and track == "ages-5-8":
            heard = said(page, page.locator(f"{scope} .rp-blame").get_by_role("button", name="Read aloud"))
            blame = page.locator(f"{scope} .rp-blame")
            assert_says(heard, *blame.locator(".rp-question").all_inner_texts(),
                        *[f["label"] for f in play["features"]], "Too much", "Too little")
            verdict = said(page, page.get_by_role("button", name="Read aloud: right or wrong"))
            assert_says(verdict, "It was Fancy talk" if s["label"] == "formal" else "It was Friendly talk")
        tab_to(page, f'{scope} [data-feature="long words"]')
        page.keyboard.press("Enter")
        tab_to(page, f'{scope} [data-direction="too-low"]')
        page.keyboard.press("Space")
        if track == "ages-13-plus":  # the perceptron's step on this sentence, as the engine made it
            step = play["first_pass"][i]
            table = page.locator(f"{scope} .rp-numbers tbody tr")
            for j, _ in enumerate(play["features"]):
                cells = table.nth(j).locator("td").all_inner_texts()
                assert cells[0] == roleplay.fmt(step["features"][j]) and cells[4] == roleplay.fmt(step["weights_after"][j])
            expect(page.locator(f"{scope} .rp-score strong").first).to_have_text(roleplay.fmt(step["score"]))
        if i == 0:
            assert page.evaluate("document.documentElement.scrollWidth") <= 391
        tab_to(page, f'{scope} [data-part="next"]')
        page.keyboard.press("Enter")
    expect(page.locator("#rp-results-h")).to_be_focused()
    expect(page.locator("[data-roleplay]")).to_have_attribute("data-recorded", "stored")

    result = play["result"]
    score = page.locator('[data-part="score"]').inner_text()
    if track == "ages-5-8":
        assert "0 stars" not in score and score.startswith("No stars this time"), score
        summary = page.locator("#rp-robot-score").inner_text()
        assert f"{round(result['accuracy'] * n)} of {n}" in summary
        times = "time" if play["epochs_run"] == 1 else "times"
        expect(page.locator("#rp-learned-intro")).to_contain_text(f"{play['epochs_run']} {times}")
        fancy = [t["label"] for t in play["tally"] if t["points_to"] == "formal"]
        for label in fancy:
            expect(page.locator("#rp-learned-list li").first).to_contain_text(label)
        heard = said(page, page.get_by_role("button", name="Read aloud: what the robot learned"))
        assert_says(heard, *fancy, f"{round(result['accuracy'] * n)} of {n}")
    else:
        assert f"0 of {n}" in score
        final = page.locator(".rp-summary").inner_text()
        for t in play["tally"]:
            assert f"{t['label']} {roleplay.fmt(t['weight'])}" in final, (t, final)
        assert f"bias {roleplay.fmt(result['bias'])}" in final
        if track == "ages-13-plus":
            expect(page.locator(".rp-log tbody tr")).to_have_count(len(play["steps"]))
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    axe(page, f"review4-roleplay-{track}-end-phone")
    assert not page.errors
