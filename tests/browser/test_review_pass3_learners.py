"""The third review pass as a child, checked in Chromium on a phone: a 5-8 lesson's "Show me" opens the gentle demo,
the chat's "How did you understand me?" speaks in helpers (no relu, no softmax) and shows letter groups without the
recogniser's [ and ] marks, and the matching feedback ends each sentence with one full stop."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_chat_page import ask_on_a_phone, choose_track
from tests.browser.test_lesson_journeys import next_until_show


def test_a_young_lessons_show_me_opens_the_gentle_neuron_lab(open_page):
    page = open_page("/learn/neuron?track=ages-5-8", "phone")
    next_until_show(page)
    demo = page.locator('[data-demo="neuron-lab"]')
    expect(demo).to_be_visible()
    expect(demo).to_have_attribute("data-gentle", "true")
    text = demo.inner_text()
    assert "Knob" in text and not re.search(r"activation|bias|\d\.\d", text, re.IGNORECASE), text
    assert not page.errors


def test_the_young_chats_how_panel_speaks_in_helpers_and_plain_letter_groups(open_page):
    page = ask_on_a_phone(open_page, "ages-5-8", "Or type your question", "wats a neuron")
    page.locator("details.how summary").last.click()
    body = page.locator("details.how .how-body").last
    expect(body).to_be_visible()
    text = body.inner_text()
    assert not re.search(r"relu|softmax", text, re.IGNORECASE), text
    assert "helpers" in page.locator(".how-network").last.inner_text()
    groups = page.locator("details.how .how-body p.muted").first.inner_text()
    assert groups.startswith("Letter groups") and "[" not in groups and "]" not in groups, groups
    quoted = re.findall(r"“([^”]*)”", groups)
    assert len(quoted) == len(set(quoted)), groups  # each group once
    assert not page.errors


def test_the_matching_feedback_ends_each_sentence_with_one_full_stop(open_page):
    page = open_page("/", "phone")
    choose_track(page, "ages-5-8")
    page.goto("/practice/match:match-words-5-8")
    terms, definitions = page.locator(".match-term"), page.locator(".match-definition")
    expect(terms.first).to_be_visible()
    for n in range(terms.count()):  # term n with meaning n: most pairs wrong
        terms.nth(n).click()
        definitions.nth(n).click()
    page.locator(".submit-answer").click()
    wrong = page.locator(".wrong-pairs li")
    expect(wrong.first).to_be_visible()
    for line in wrong.all_inner_texts():
        assert ".”." not in line and "..“" not in line, line
    assert ".." not in page.locator("main").inner_text().replace("…", "")
    assert not page.errors
