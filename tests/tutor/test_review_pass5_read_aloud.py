"""Review pass 5, read-aloud and the chat's track, in the pages as the server sends them:

- every read-aloud button a template writes comes from the one macro (macros.html read_aloud): it shows "Read aloud"
  and is named "Read aloud: <what it reads>" (the older demo buttons were a bare 🔊 named "Read this aloud");
- the chat's question chips are questions ("Can AI be unfair?", not "can ai be unfair"), so read-aloud says them with
  a question's rise;
- the demos with a version of their own for ages 5-8 can read their live result, not only their intro;
- the chat page lets everyone but a learner whose track a grown-up set switch the age track (that read-aloud then
  speaks at the pace of the track shown, not the session's, is checked in the browser).

The same review in Chromium: tests/browser/test_review_pass5_read_aloud.py.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from tests.tutor.test_accounts import sign_up
from tests.tutor.test_family import child_client, family_with_child
from tests.tutor.test_review_pass4_learners import speak_buttons
from tutor.services import demos as demo_service

TRACKS = ("ages-5-8", "ages-9-12", "ages-13-plus")
TEMPLATES = Path(__file__).resolve().parents[2] / "tutor" / "templates"

# The demos with a version of their own for 5-8 ({% if gentle %} in their template), and the ids (after the page's
# demo uid) of the live result each one's result read-aloud reads, in the order they are shown.
GENTLE_RESULTS = {
    "neuron-lab": ["calc", "summary"],
    "playground": ["diagram-text"],
    "lr-explorer": ["cards"],
    "training-playground": ["stats", "status", "alert", "loss-text"],
    # review pass 5 follow-ups (tests/tutor/test_review_pass5_followups.py): the step shown, how the robots did
    "loop-stepper": ["explain", "panel"],
    "bias-lab": ["status", "lesson", "results"],
}


def track_switcher(page: str) -> dict[str, bool] | None:
    """The age-track links of the page's "Age track" switcher ({href: is the current one}), or None."""
    nav = re.search(r'<nav class="rp-tracks[^"]*" aria-label="Age track">(.*?)</nav>', page, re.S)
    if nav is None:
        return None
    return {html.unescape(href): bool(current)
            for href, current in re.findall(r'<a href="([^"]+)"( aria-current="page")?', nav.group(1))}


# ---- one macro, one name ------------------------------------------------------------------------------------------

def test_no_template_writes_a_read_aloud_button_by_hand():
    by_hand = [str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html")
               if path.name != "macros.html" and re.search(r'class="speak|data-speak=', path.read_text(encoding="utf-8"))]
    assert not by_hand, f"read-aloud buttons written out by hand instead of with macros.html read_aloud: {by_hand}"


def pages(content_bank):
    for track in TRACKS:
        yield f"/chat/?track={track}"
        yield f"/activities/human-backprop?track={track}&seed=3"
        for demo in demo_service.DEMO_IDS:
            yield f"/demos/{demo}?track={track}"
        for lesson in content_bank.concepts(track):
            yield f"/learn/{lesson.id}?track={track}"


def test_every_read_aloud_button_shows_read_aloud_and_is_named_for_what_it_reads(client, content_bank):
    seen = 0
    for path in pages(content_bank):
        page = client.get(path).get_data(as_text=True)
        present = set(re.findall(r'\bid="([^"]+)"', page))
        for button in speak_buttons(page):
            seen += 1
            name = button["name"]
            assert name.startswith("Read aloud: ") and len(name) > len("Read aloud: ") + 2, (path, name)
            assert button["targets"] and set(button["targets"]) <= present, (path, button)
        # What the button shows is "Read aloud" after its (hidden) loudspeaker, never the picture alone.
        for inner in re.findall(r'<button\b[^>]*\bclass="speak[^"]*"[^>]*>(.*?)</button>', page, re.S):
            assert inner == '<span aria-hidden="true">🔊</span> Read aloud', (path, inner)
    assert seen > 400, seen


# ---- the 5-8 demos read their live result -------------------------------------------------------------------------

@pytest.mark.parametrize("demo_id", sorted(GENTLE_RESULTS))
def test_each_young_demo_with_its_own_version_can_read_its_live_result(client, demo_id):
    page = client.get(f"/demos/{demo_id}?track=ages-5-8").get_data(as_text=True)
    assert f'data-demo="{demo_id}"' in page and 'data-gentle="true"' in page
    uid = re.search(r'id="([^"]+)-intro"', page).group(1)
    targets = [b["targets"] for b in speak_buttons(page)]
    assert [f"{uid}-intro"] in targets, "the intro can still be heard"
    assert [f"{uid}-{part}" for part in GENTLE_RESULTS[demo_id]] in targets, targets


def test_the_demos_with_a_young_version_are_the_ones_listed():
    """A new demo with a 5-8 version of its own needs a read-aloud for its result too (and a line above)."""
    gentle = {path.stem[1:] for path in (TEMPLATES / "demos").glob("_*.html")
              if re.search(r"{%-? if (not )?gentle -?%}", path.read_text(encoding="utf-8"))}
    assert gentle == set(GENTLE_RESULTS)


# ---- the chat's question chips are questions ---------------------------------------------------------------------

@pytest.mark.parametrize("question, label", [
    ("can ai be unfair", "Can AI be unfair?"),
    ("is it like a brain?", "Is it like a brain?"),
    ("how does my phone know my face", "How does my phone know my face?"),
    ("  where is ai in my life ", "Where is AI in my life?"),
    ("Wait!", "Wait!"),
])
def test_a_question_chip_is_worded_as_a_question(question, label):
    from tutor.views.chat import question_label
    assert question_label(question) == label


@pytest.mark.parametrize("track", TRACKS)
def test_the_chat_pages_first_chips_are_questions(client, track):
    page = client.get(f"/chat/?track={track}").get_data(as_text=True)
    chips = re.findall(r'<button type="button" class="chip" data-ask="([^"]+)">([^<]+)</button>', page)
    assert len(chips) >= 4
    for asked, shown in chips:
        assert asked == shown and shown.endswith("?") and shown[0].isupper(), shown


# ---- the chat's track: a switcher for everyone whose track nobody fixed ------------------------------------------

def test_a_visitor_can_switch_the_chats_track(client):
    with client.session_transaction() as session:
        session["track"] = "ages-13-plus"  # what the home page's "13+" button stores
    page = client.get("/chat/?track=ages-5-8").get_data(as_text=True)
    assert 'id="chat-app" data-track="ages-5-8"' in page
    assert track_switcher(page) == {"/chat/?track=ages-5-8": True, "/chat/?track=ages-9-12": False,
                                    "/chat/?track=ages-13-plus": False}
    assert track_switcher(client.get("/chat/").get_data(as_text=True))["/chat/?track=ages-13-plus"]


def test_a_parent_previewing_the_chat_can_switch_its_track(app):
    parent, _, _ = family_with_child(app)
    page = parent.get("/chat/?track=ages-9-12").get_data(as_text=True)
    assert track_switcher(page) == {"/chat/?track=ages-5-8": False, "/chat/?track=ages-9-12": True,
                                    "/chat/?track=ages-13-plus": False}


def test_a_teacher_can_switch_the_chats_track(client):
    sign_up(client, "tea@example.org", "teacher", "Ms Tea")
    page = client.get("/chat/").get_data(as_text=True)
    assert track_switcher(page)["/chat/?track=ages-9-12"]  # no track of their own: the chat's default


def test_a_guest_can_switch_the_chats_track(api):
    r = api.post("/api/lessons/neural-network/progress", {"track": "ages-5-8", "messages_seen": 1})
    assert r.status_code == 200 and r.get_json()["stored"], r.text  # the visitor is now a guest learner
    page = api.get("/chat/").get_data(as_text=True)
    assert 'class="who"' in page and track_switcher(page)["/chat/?track=ages-5-8"]


def test_a_learner_whose_track_a_grown_up_set_gets_no_switcher(app):
    _, child, code = family_with_child(app, track="ages-9-12")
    learner = child_client(app, code, child)
    page = learner.get("/chat/").get_data(as_text=True)
    assert track_switcher(page) is None and 'aria-label="Age track"' not in page
    assert 'id="chat-app" data-track="ages-9-12"' in page
