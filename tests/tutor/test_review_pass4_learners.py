"""The fourth review pass on the learner side, in the pages as the server sends them: every read-aloud button names
what it reads and every name it reads is on the page; the lesson check's button reads the answers and the hint, the
robot's rule is read with its intro, the 5-8 role-play can read its blame questions and what the robot learned, and
the 5-8 chat can read its question chips; a read-aloud button's accessible name is words ("Read aloud: ..."), never a
picture first. (The browser side of the same review: tests/browser/test_review_pass4_learners.py.)"""
from __future__ import annotations

import html
import re

import pytest

TRACKS = ("ages-5-8", "ages-9-12", "ages-13-plus")
SPEAK = re.compile(r'<button\b([^>]*\bclass="speak[^"]*"[^>]*)>(.*?)</button>', re.DOTALL)
ATTR = re.compile(r'([a-z-]+)="([^"]*)"')
HIDDEN_SPAN = re.compile(r'<span aria-hidden="true">.*?</span>', re.DOTALL)
TAG = re.compile(r"<[^>]+>")


def speak_buttons(page: str) -> list[dict]:
    out = []
    for attrs, inner in SPEAK.findall(page):
        a = dict(ATTR.findall(attrs))
        shown = html.unescape(TAG.sub("", HIDDEN_SPAN.sub("", inner))).strip()
        out.append({"targets": a.get("data-speak", "").split(), "name": html.unescape(a.get("aria-label", shown)),
                    "attrs": a})
    return out


def ids(page: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', page))


def check_buttons(page: str, where: str) -> list[dict]:
    buttons = speak_buttons(page)
    assert buttons, where
    present = ids(page)
    for b in buttons:
        assert b["targets"], (where, b)
        missing = [t for t in b["targets"] if t not in present]
        assert not missing, f"{where}: a read-aloud button reads {missing}, which the page does not have"
        # The accessible name is words a screen reader says first ("Read aloud: the hint"), not "speaker high volume".
        assert re.match(r"[A-Z]", b["name"]) and "Read" in b["name"], (where, b["name"])
    return buttons


def lessons(content_bank, track):
    return [lesson.id for lesson in content_bank.concepts(track)]


@pytest.mark.parametrize("track", TRACKS)
def test_every_lesson_read_aloud_reads_what_is_on_the_page_and_the_check_reads_its_answers(client, content_bank, track):
    for concept in lessons(content_bank, track):
        page = client.get(f"/learn/{concept}?track={track}").get_data(as_text=True)
        buttons = check_buttons(page, concept)
        if 'id="check-form"' in page:
            check = [b for b in buttons if "check-prompt" in b["targets"]]
            assert len(check) == 1, concept
            assert check[0]["targets"] == ["check-prompt", "check-choices", "check-hint-text"], concept
        assert any(b["targets"] == ["lesson-summary"] for b in buttons), concept


@pytest.mark.parametrize("track", TRACKS)
def test_the_guess_and_fix_robot_rule_is_read_with_its_intro(client, track):
    page = client.get(f"/demos/guess-and-fix?track={track}").get_data(as_text=True)
    buttons = check_buttons(page, f"guess-and-fix {track}")
    intro = [b for b in buttons if any(t.endswith("-robot-intro") for t in b["targets"])]
    assert len(intro) == 1 and [t.rsplit("-", 2)[-2:] for t in intro[0]["targets"]] == [["robot", "intro"], ["1", "formula"]], intro
    status = [b for b in buttons if any(t.endswith("-robot-status") for t in b["targets"])]
    assert len(status) == 1, "how the robot did can be heard too"


@pytest.mark.parametrize("track", TRACKS)
def test_the_roleplay_read_alouds_name_what_they_read(client, track):
    page = client.get(f"/activities/human-backprop?track={track}&seed=3").get_data(as_text=True)
    buttons = check_buttons(page, f"role-play {track}")
    blame = [b for b in buttons if b["targets"] == ["rp-s0-which", "rp-s0-clues", "rp-s0-dir", "rp-s0-dirs"]]
    learned = [b for b in buttons if b["targets"] == ["rp-learned-intro", "rp-learned-list", "rp-robot-score"]]
    if track == "ages-5-8":  # a child who cannot read yet hears the blame questions and the robot's lesson
        assert len(blame) == 1 and len(learned) == 1
    else:
        assert not blame and not learned


def test_the_young_chat_can_read_its_question_chips_and_every_chat_read_aloud_has_a_name(client):
    with client.session_transaction() as session:
        session["track"] = "ages-5-8"  # what the home page's "5-8" button stores
    page = client.get("/chat/").get_data(as_text=True)
    assert 'data-track="ages-5-8"' in page
    buttons = check_buttons(page, "chat 5-8")
    assert any(b["targets"] == ["chat-chips"] for b in buttons)
