"""The human-backpropagation role-play in a real Chromium: completed on each track (keyboard only on one), the
printable card, axe scans and screenshots at desktop and phone sizes."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from viewports import SIZES

from tutor.services import roleplay

TRACKS = ["ages-5-8", "ages-9-12", "ages-13-plus"]
FLIP = {"formal": "casual", "casual": "formal"}


def fits_the_width(page) -> bool:
    """No sideways scrolling. On a phone the layout viewport widens to fit overflowing content, so compare the
    document with the viewport width the test asked for, not with window.innerWidth."""
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"] + 1



def sentence(page, i: int):
    return page.locator(f'[data-sentence="{i}"]')


def play_with_mouse(page, track: str, seed: int, rule_text: str | None = None) -> list[str]:
    """Guess every sentence, wrong on even ones; blame a feature when wrong. Returns the guesses made."""
    play = roleplay.roleplay(track, seed)
    guesses = []
    for i, s in enumerate(play["sentences"]):
        box = sentence(page, i)
        expect(box).to_be_visible()
        guess = FLIP[s["label"]] if i % 2 == 0 else s["label"]
        guesses.append(guess)
        box.locator(f'[data-guess="{guess}"]').click()
        feedback = box.locator('[data-part="verdict"]')
        expect(feedback).not_to_be_empty()
        if guess != s["label"]:
            expect(box.locator('[data-part="next"]')).to_be_hidden()
            box.locator('[data-feature="slang words"]').click()
            box.locator('[data-direction="too-high"]').click()
            if rule_text and track != "ages-5-8":
                box.locator('[data-part="rule"]').fill(rule_text)
        if track == "ages-13-plus":
            expect(box.locator('[data-part="engine"]')).to_be_visible()
        box.locator('[data-part="next"]').click()
    return guesses


@pytest.mark.parametrize("track", ["ages-5-8", "ages-13-plus"])
def test_roleplay_completed_with_the_mouse(open_page, axe, track):
    seed = 2
    page = open_page(f"/activities/human-backprop?track={track}&seed={seed}")
    expect(page.locator("[data-roleplay]")).to_have_attribute("data-ready", "1")
    axe(page, f"roleplay-{track}-start-desktop")
    play = roleplay.roleplay(track, seed)
    guesses = play_with_mouse(page, track, seed, rule_text="long words mean formal")
    results = page.locator('[data-part="results"]')
    expect(results).to_be_visible()
    expect(page.locator("[data-roleplay]")).to_have_attribute("data-recorded", "stored")
    correct = sum(g == s["label"] for g, s in zip(guesses, play["sentences"]))
    score = page.locator('[data-part="score"]')
    if track == "ages-5-8":
        expect(score).to_contain_text(f"{correct} star")
        expect(page.locator(".rp-feedback.rp-wrong")).to_have_count(2)  # gentle wording, never a cross
        assert "✗" not in page.locator("main").inner_text()
        expect(page.locator('[data-speak]').first).to_be_attached()
    else:
        expect(score).to_contain_text(f"{correct} of {len(play['sentences'])}")
        expect(page.locator('[data-you-rule="0"]')).to_have_text("long words mean formal")
        last = play["steps"][-1]
        expect(page.locator(".rp-log tbody tr")).to_have_count(len(play["steps"]))
        expect(page.locator(".rp-log tbody tr").last).to_contain_text(roleplay.fmt(last["score"]))
    expect(page.locator('[data-you-blamed="0"]')).to_contain_text("Slang")
    axe(page, f"roleplay-{track}-done-desktop")
    assert page.errors == []


def test_roleplay_completed_with_the_keyboard_only(open_page, axe):
    track, seed = "ages-9-12", 4
    play = roleplay.roleplay(track, seed)
    page = open_page(f"/activities/human-backprop?track={track}&seed={seed}")
    expect(page.locator("[data-roleplay]")).to_have_attribute("data-ready", "1")

    def focus_by_tab(selector: str, limit: int = 60):
        target = page.locator(selector).first
        for _ in range(limit):
            page.keyboard.press("Tab")
            if target.evaluate("el => el === document.activeElement"):
                return target
        raise AssertionError(f"could not reach {selector} with Tab")

    for i, s in enumerate(play["sentences"]):
        scope = f'[data-sentence="{i}"]'
        wrong = i in (0, 3)
        guess = FLIP[s["label"]] if wrong else s["label"]
        focus_by_tab(f'{scope} [data-guess="{guess}"]')
        page.keyboard.press("Enter")
        if wrong:
            focus_by_tab(f'{scope} [data-feature="long words"]')
            page.keyboard.press("Space")
            focus_by_tab(f'{scope} [data-direction="too-low"]')
            page.keyboard.press("Enter")
            focus_by_tab(f'{scope} [data-part="rule"]')
            page.keyboard.type("long words point to formal")
        focus_by_tab(f'{scope} [data-part="next"]')
        page.keyboard.press("Enter")
        if i + 1 < len(play["sentences"]):
            expect(page.locator(f'[data-sentence="{i + 1}"] h3')).to_be_focused()
    expect(page.locator("#rp-results-h")).to_be_focused()
    # Each "too low" on long words raised the learner's tally by one.
    expect(page.locator('[data-you-tally="long words"]')).to_have_text("+2")
    expect(page.locator("[data-roleplay]")).to_have_attribute("data-recorded", "stored")
    expect(page.locator('[data-part="agree"]')).to_contain_text("clues")
    expect(page.locator('[data-part="score"]')).to_contain_text(f"{len(play['sentences']) - 2} of {len(play['sentences'])}")
    axe(page, "roleplay-ages-9-12-done-keyboard")
    assert page.errors == []


def test_tally_buttons_change_the_tally(open_page):
    page = open_page("/activities/human-backprop?track=ages-9-12&seed=1")
    expect(page.locator("[data-roleplay]")).to_have_attribute("data-ready", "1")
    page.locator('[data-tally-change="1"][data-feature="polite phrases"]').click()
    page.locator('[data-tally-change="1"][data-feature="polite phrases"]').click()
    page.locator('[data-tally-change="-1"][data-feature="slang words"]').click()
    expect(page.locator('[data-tally="polite phrases"]')).to_have_text("+2")
    expect(page.locator('[data-tally="slang words"]')).to_have_text("−1")


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("track", TRACKS)
def test_roleplay_page_and_card_pass_axe_at_both_sizes(open_page, axe, track, size):
    page = open_page(f"/activities/human-backprop?track={track}&seed=0", size)
    expect(page.locator("[data-roleplay]")).to_have_attribute("data-ready", "1")
    expect(page.locator("h1")).to_have_count(1)
    # Show a wrong answer's blame panel (and the perceptron's step on 13+) before scanning.
    first = roleplay.roleplay(track, 0)["sentences"][0]
    page.locator(f'[data-sentence="0"] [data-guess="{FLIP[first["label"]]}"]').click()
    page.locator('[data-sentence="0"] [data-feature="long words"]').click()
    page.locator('[data-sentence="0"] [data-direction="too-low"]').click()
    axe(page, f"roleplay-{track}-{size}")
    assert fits_the_width(page), "no sideways scrolling"

    card = open_page(f"/activities/human-backprop/card?track={track}&seed=0", size)
    expect(card.locator("h1")).to_have_count(1)
    expect(card.locator("[data-print]")).to_be_visible()
    axe(card, f"roleplay-card-{track}-{size}")
    assert fits_the_width(card)
    assert page.errors == [] and card.errors == []


def test_card_print_button_prints_and_print_media_hides_the_controls(open_page, axe):
    card = open_page("/activities/human-backprop/card?track=ages-13-plus&seed=0")
    card.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    card.locator("[data-print]").click()
    assert card.evaluate("window.__printed") == 1
    card.emulate_media(media="print")
    expect(card.locator("[data-print]")).to_be_hidden()
    expect(card.locator(".site-header")).to_be_hidden()
    expect(card.locator(".rp-answer-key")).to_be_visible()
    card.screenshot(path="screenshots/roleplay-card-ages-13-plus-print.png", full_page=True)


def test_activities_index_links_to_the_roleplay_and_card(open_page, axe):
    page = open_page("/activities/?track=ages-9-12")
    axe(page, "activities-index-desktop")
    page.get_by_role("link", name="Printable card with answer key").click()
    expect(page).to_have_url(re.compile(r"/activities/human-backprop/card\?track=ages-9-12"))
    expect(page.locator(".rp-answer-key")).to_be_visible()
