"""Review pass 5, read-aloud, in Chromium at phone size, keyboard only, with the browser's speech synthesis replaced by
the recorder of tests/browser/test_review_pass4_learners.py:

- a 5-8 lesson's quick replies ("Next", "Why?", "I know this!") can be heard: a child who cannot read them yet has a
  read-aloud button first in the row, and the focus still lands on the first reply after each answer;
- the chat's question chips are read as questions (each line ends with its "?"), the first ones and a reply's;
- the four demos with a 5-8 version of their own read their live result as it is shown, and again after a change;
- a grown-up (or any visitor whose track nobody fixed) switches the chat's age track from the page, and read-aloud
  speaks at the pace of the track the page shows, not the session's.

The server-side half of this review: tests/tutor/test_review_pass5_read_aloud.py.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_chat_page import choose_track
from tests.browser.test_review_pass4_learners import SPEECH, assert_says, forget, spoken, tab_to, words, young

YOUNG_PACE, OLDER_PACE = 0.85, 0.95  # the rates tutor/static/js/app.js speaks at


def press_and_hear(page, selector: str) -> dict:
    """Tab to a read-aloud button, press Enter, let it read to the end; the one utterance it made."""
    tab_to(page, selector)
    forget(page)
    page.keyboard.press("Enter")
    out = spoken(page)
    assert len(out) == 1, out
    page.evaluate("window.__finish()")
    return out[0]


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 391


# ---- a 5-8 lesson's quick replies ----------------------------------------------------------------------------------

def test_a_young_lessons_replies_can_be_heard_and_the_focus_still_goes_to_the_first_reply(open_page, axe):
    page = young(open_page, "/learn/neural-network?track=ages-5-8")
    replies = page.locator("#quick-replies")
    expect(replies).to_be_visible()
    for _ in range(4):  # a few turns of the conversation: every new row of replies can be heard
        speak = replies.get_by_role("button", name="Read aloud: the replies you can tap")
        expect(speak).to_have_count(1)
        heard = press_and_hear(page, "#quick-replies .speak")
        shown = replies.locator("button[data-reply]").all_inner_texts()
        assert len(heard["text"].split("\n")) == len(shown), (heard, shown)
        assert_says(heard["text"], *shown)
        assert heard["rate"] == YOUNG_PACE
        if replies.locator('[data-reply="why"]').count():
            assert "Why?" in heard["text"], heard  # asked as a question
        tab_to(page, '#quick-replies [data-reply="next"]')
        page.keyboard.press("Enter")
        expect(page.locator('#quick-replies [data-reply="next"]')).to_be_focused()
    no_sideways_scroll(page)
    axe(page, "review5-lesson-replies-5-8-phone")
    assert not page.errors, page.errors


def test_older_lessons_replies_have_no_read_aloud_of_their_own(open_page):
    page = open_page("/learn/neural-network?track=ages-9-12", "phone", init_script=SPEECH)
    expect(page.locator("#quick-replies")).to_be_visible()
    expect(page.locator("#quick-replies .speak")).to_have_count(0)


# ---- the chat's question chips -------------------------------------------------------------------------------------

def test_the_chats_question_chips_are_read_as_questions(open_page, axe):
    page = young(open_page, "/chat/")
    chips = page.locator("#chat-chips .chip")
    for turn in range(2):  # the page's first chips, then the chips of the tutor's answer
        shown = chips.all_inner_texts()
        heard = press_and_hear(page, '[data-speak="chat-chips"]')["text"].split("\n")
        assert heard == shown, (heard, shown)
        assert all(line.endswith("?") for line in heard), heard
        if turn == 0:
            tab_to(page, "#chat-chips .chip")
            page.keyboard.press("Enter")
            expect(page.locator(".bubble.tutor")).to_have_count(2)
            expect(chips.last).to_have_text("How did you understand me?")
    asked = page.locator(".bubble.learner p").first.inner_text()
    assert asked.endswith("?") and asked[0].isupper(), asked  # the question as its chip showed it
    no_sideways_scroll(page)
    axe(page, "review5-chat-chips-5-8-phone")
    assert not page.errors, page.errors


# ---- the 5-8 demos read their live result ------------------------------------------------------------------------

def change_neuron(page):
    tab_to(page, 'input[data-input="w1"]')
    for _ in range(4):
        page.keyboard.press("ArrowLeft")  # the red knob from "adds 2" to "takes away 2"


def change_playground(page):
    tab_to(page, 'input[data-input="x1"]')
    page.keyboard.press("End")  # the first number from 50 to 100


def change_hill(page):
    tab_to(page, 'input[data-input="steps"]')
    page.keyboard.press("Home")  # 2 steps instead of 10


def change_training(page):
    tab_to(page, '[data-part="step"]')
    page.keyboard.press("Enter")  # one practice round


# demo: (the result read-aloud's name, the parts it reads in the order shown, a keyboard change of the result)
RESULTS = {
    "neuron-lab": ("Read aloud: what the helper does", ["calc", "summary"], change_neuron),
    "playground": ("Read aloud: what the helpers did", ["diagram-text"], change_playground),
    "lr-explorer": ("Read aloud: how each friend did", ["cards"], change_hill),
    "training-playground": ("Read aloud: how it is doing", ["stats", "status", "alert", "loss-text"], change_training),
}


def shown_result(demo, parts: list[str]) -> str:
    return " ".join(demo.locator(f'[data-part="{p}"]').inner_text() for p in parts
                    if demo.locator(f'[data-part="{p}"]').is_visible())


@pytest.mark.parametrize("demo_id", sorted(RESULTS))
def test_a_young_demo_reads_its_live_result_as_shown(open_page, axe, demo_id):
    name, parts, change = RESULTS[demo_id]
    page = open_page(f"/demos/{demo_id}?track=ages-5-8", "phone", init_script=SPEECH)
    demo = page.locator(f'[data-demo="{demo_id}"]')
    expect(demo).to_have_attribute("data-demo-ready", "1")
    page.wait_for_load_state("networkidle")
    button = demo.get_by_role("button", name=name)
    expect(button).to_be_visible()
    selector = f'[data-demo="{demo_id}"] .speak[aria-label="{name}"]'

    before = shown_result(demo, parts)
    heard = press_and_hear(page, selector)
    assert words(heard["text"]) == words(before), (heard, before)
    assert heard["rate"] == YOUNG_PACE
    assert_says(heard["text"])  # no pictures, no symbols

    change(page)
    page.wait_for_function("([sel, was]) => { const d = document.querySelector(sel); return d && "
                           "d.innerText.replace(/\\s+/g, ' ').indexOf(was) === -1; }",
                           arg=[f'[data-demo="{demo_id}"] [data-part="{parts[-1]}"]',
                                " ".join(demo.locator(f'[data-part="{parts[-1]}"]').inner_text().split())])
    page.wait_for_load_state("networkidle")
    after = shown_result(demo, parts)
    assert after != before
    heard = press_and_hear(page, selector)
    assert words(heard["text"]) == words(after), (heard, after)
    no_sideways_scroll(page)
    axe(page, f"review5-{demo_id}-result-5-8-phone")
    assert not page.errors, page.errors


# ---- the chat's track, for grown-ups -------------------------------------------------------------------------------

def test_a_grown_up_switches_the_chats_track_by_keyboard_and_it_is_read_at_that_tracks_pace(open_page, axe):
    page = open_page("/", "phone", init_script=SPEECH)
    choose_track(page, "ages-13-plus")  # the session's track
    page.goto("/chat/?track=ages-5-8")  # a grown-up previews the 5-8 chat
    page.wait_for_load_state("networkidle")
    tracks = page.get_by_role("navigation", name="Age track")
    expect(tracks.get_by_role("link", name="Ages 5–8")).to_have_attribute("aria-current", "page")
    expect(page.locator(".chip").first).to_have_text("Is it like a brain?")
    assert press_and_hear(page, '[data-speak="chat-hello"]')["rate"] == YOUNG_PACE
    axe(page, "review5-chat-track-5-8-phone")

    tab_to(page, 'nav[aria-label="Age track"] a[href$="ages-9-12"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/chat/?track=ages-9-12")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#chat-app")).to_have_attribute("data-track", "ages-9-12")
    expect(page.get_by_role("navigation", name="Age track").get_by_role("link", name="Ages 9–12")).to_have_attribute(
        "aria-current", "page")
    expect(page.get_by_role("button", name="Read aloud: the questions you can tap")).to_have_count(0)
    assert press_and_hear(page, '[data-speak="chat-hello"]')["rate"] == OLDER_PACE
    no_sideways_scroll(page)
    axe(page, "review5-chat-track-9-12-phone")
    assert not page.errors, page.errors
