"""Review pass 5, follow-ups, in the files and pages as the server sends them:

- read-aloud buttons made by a page script had names of their own ("Read it to me: ...", "Read the words aloud", a
  bare 🔊 named "Read try 2 aloud"): every script now makes them with app.js's tutorSpeakButton(ids, what), which
  writes what the templates' read_aloud macro writes ("🔊 Read aloud", named "Read aloud: <what it reads>");
- the 5-8 loop-stepper and bias lab could read their intro but not their live result: now each has a read-aloud of
  it (the step shown; how the robots did), on 5-8 only, like the other gentle demos;
- the pressed read-aloud style (.speak[aria-pressed="true"]) is written once, in app.css;
- "New pictures for X" on the teacher's class page changed a learner's picture password in one tap, breaking their
  printed sign-in card: it now opens a page saying so, with the button that does it; a parent's "New PIN or pictures"
  already was a page where the parent chooses them, and stays one.

What a person sees and hears of the same fixes, and the role-play's right-or-wrong marks: in
tests/browser/test_review_pass5_followups.py.
"""
# ruff: noqa: F811 - the tests take the shared fixtures imported below by name
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from tests.tutor.test_accounts import add_child, enter_code, learner_attempt, post_form, sign_up
from tests.tutor.test_family import family_with_child
from tests.tutor.test_review_pass3_grownups import store  # noqa: F401 - fixture, shared
from tests.tutor.test_review_pass4_grownups import create_class, teacher  # noqa: F401 - fixture, shared
from tests.tutor.test_review_pass4_learners import speak_buttons
from tutor.models import Account, Classroom, Learner
from tutor.services.accounts import PICTURES

STATIC = Path(__file__).resolve().parents[2] / "tutor" / "static"
SCRIPTS = sorted(p for p in (STATIC / "js").rglob("*.js") if "vendor" not in p.parts)


def code_of(path: Path) -> str:
    """A script without its comments (which may quote the old names)."""
    return re.sub(r"^\s*//[^\n]*|\s//[^\n]*", "", path.read_text(encoding="utf-8"), flags=re.MULTILINE)


# ---- 1. read-aloud buttons made by scripts --------------------------------------------------------------------------

def test_page_scripts_make_read_aloud_buttons_only_with_tutor_speak_button_and_say_what_they_read():
    calls = []
    for path in SCRIPTS:
        code = code_of(path)
        if path.name != "app.js":
            assert not re.search(r"""["']speak["']""", code), f"{path.name} makes a read-aloud button by hand"
            assert not re.search(r"Read it to me|Read[^\"\n]*aloud\"", code), f"{path.name} names a button its own way"
        calls += [(path.name, args) for args in re.findall(r"tutorSpeakButton\((.*?)\)\s*[;:,)]", code)]
    assert len(calls) >= 8, calls
    for name, args in calls:
        # two arguments: the ids it reads, and what it reads ("the words", "try " + step.round)
        parts = re.split(r",\s*(?=[\"a-z])", args)
        assert len(parts) == 2, (name, args)
        what = parts[1]
        assert not re.search(r"Read|aloud|\bto me\b", what), (name, what)


def test_tutor_speak_button_names_and_labels_each_button_as_the_macro_does():
    app_js = code_of(STATIC / "js" / "app.js")
    maker = app_js[app_js.index("window.tutorSpeakButton = function (ids, what)"):]
    maker = maker[:maker.index("};")]
    assert 'button.setAttribute("aria-label", "Read aloud: " + what);' in maker
    assert 'document.createTextNode(" Read aloud")' in maker and 'setAttribute("aria-hidden", "true")' in maker


# ---- 2. the 5-8 loop-stepper and bias lab read their live result ------------------------------------------------

# demo: (what its result read-aloud is named for, the ids after the demo's uid that it reads, in the order shown)
RESULTS = {
    "loop-stepper": ("this step", ["explain", "panel"]),
    "bias-lab": ("how the robots did", ["status", "lesson", "results"]),
}


@pytest.mark.parametrize("demo_id", sorted(RESULTS))
def test_the_young_loop_stepper_and_bias_lab_can_read_their_live_result(client, demo_id):
    what, parts = RESULTS[demo_id]
    page = client.get(f"/demos/{demo_id}?track=ages-5-8").get_data(as_text=True)
    uid = re.search(r'id="([^"]+)-intro"', page).group(1)
    present = set(re.findall(r'\bid="([^"]+)"', page))
    buttons = {b["name"]: b["targets"] for b in speak_buttons(page)}
    assert buttons[f"Read aloud: {what}"] == [f"{uid}-{part}" for part in parts]
    assert set(buttons[f"Read aloud: {what}"]) <= present
    assert 'data-gentle="true"' in page


@pytest.mark.parametrize("track", ["ages-9-12", "ages-13-plus"])
@pytest.mark.parametrize("demo_id", sorted(RESULTS))
def test_the_older_tracks_keep_only_the_intros_read_aloud(client, demo_id, track):
    page = client.get(f"/demos/{demo_id}?track={track}").get_data(as_text=True)
    assert [b["name"] for b in speak_buttons(page)] == ["Read aloud: what this demo is about"]
    assert 'data-gentle="false"' in page


# ---- 3. the pressed read-aloud style, once ------------------------------------------------------------------------

def test_the_pressed_read_aloud_style_is_written_once_in_app_css():
    pressed = re.compile(r'(?:^|[\s,}])\.speak\[aria-pressed="true"\]', re.MULTILINE)
    where = [p.name for p in sorted((STATIC / "css").glob("*.css")) if pressed.search(p.read_text(encoding="utf-8"))]
    assert where == ["app.css"], where
    # the quick replies' read-aloud has a border of its own (lesson.css), so it says again what pressed looks like
    lesson = (STATIC / "css" / "lesson.css").read_text(encoding="utf-8")
    assert lesson.count('.speak[aria-pressed="true"]') == 1
    assert '.quick-replies button.speak[aria-pressed="true"]' in lesson


# ---- 5. new pictures: first say what they break ------------------------------------------------------------------

def words_of(password: str) -> list[str]:
    return [PICTURES[p][1] for p in password.split("-")]


def test_new_pictures_first_says_what_they_break_then_makes_them(teacher, store):
    classroom = create_class(teacher)
    post_form(teacher, f"/teacher/classes/{classroom}/learners", {"names": "Ava\nBen"})
    ava = store.one(Learner, Learner.nickname == "Ava")
    url = f"/teacher/classes/{classroom}/learners/{ava.id}/pictures"

    page = teacher.get(f"/teacher/classes/{classroom}").get_data(as_text=True)
    # a link to the page that explains, not a button that changes the pictures in one tap
    assert re.search(rf'<a class="button secondary" href="{url}">New pictures<span class="visually-hidden"> for Ava'
                     r"</span></a>", page)
    assert f'action="{url}"' not in page

    r = teacher.get(url)
    assert r.status_code == 200
    confirm = r.get_data(as_text=True)
    assert "<h1>New pictures for Ava?</h1>" in confirm
    shown = re.sub(r"<[^>]+>", "", re.search(r"Ava signs in with <strong[^>]*>(.*?)</strong>", confirm).group(1))
    assert [w.strip().split()[-1] for w in shown.split(",")] == words_of(ava.picture_password)
    assert "the sign-in card you printed for Ava shows pictures that no longer work" in confirm
    assert f'href="/teacher/classes/{classroom}/sign-in-cards"' in confirm
    assert f'<form method="post" action="{url}"' in confirm and "Yes, give Ava new pictures" in confirm
    assert f'href="/teacher/classes/{classroom}#roster">No, keep these pictures</a>' in confirm
    assert store.one(Learner, Learner.id == ava.id).picture_password == ava.picture_password  # looking changes nothing

    for _ in range(5):  # 1 in 1728 that new pictures are the old ones; five tries make a flake impossible
        r = post_form(teacher, url)
        assert r.status_code == 302 and r.headers["Location"].endswith(f"/teacher/classes/{classroom}#roster")
        if store.one(Learner, Learner.id == ava.id).picture_password != ava.picture_password:
            break
    new = store.one(Learner, Learner.id == ava.id).picture_password
    assert new != ava.picture_password
    flashed = html.unescape(teacher.get(f"/teacher/classes/{classroom}").get_data(as_text=True))
    assert f"Ava's new picture password: {', '.join(words_of(new))}. Print their sign-in card again." in flashed


def test_a_family_childs_pictures_are_not_the_teachers_to_change(app, teacher, store):
    classroom = create_class(teacher)
    home = app.test_client()
    sign_up(home, "sam@example.org")
    assert add_child(home, "Mia", secret_kind="pictures", chosen="rocket-boat-moon", pin="").status_code == 302
    mia = store.one(Learner, Learner.nickname == "Mia")
    device = app.test_client()
    enter_code(device, store.one(Account, Account.role == "parent").family_code)
    assert learner_attempt(device, mia.id, chosen="rocket-boat-moon", go="1").status_code == 302
    enter_code(device, store.one(Classroom).join_code)
    assert post_form(device, "/auth/learner/join", {"go": "1"}).status_code == 302  # Mia joins, keeping her profile

    page = teacher.get(f"/teacher/classes/{classroom}").get_data(as_text=True)
    assert f"/learners/{mia.id}/pictures" not in page  # no "New pictures" beside her name
    for response in (teacher.get(f"/teacher/classes/{classroom}/learners/{mia.id}/pictures"),
                     post_form(teacher, f"/teacher/classes/{classroom}/learners/{mia.id}/pictures")):
        assert response.status_code == 422
        assert "their parent resets it" in response.get_data(as_text=True)
        assert "Yes, give" not in response.get_data(as_text=True)
    assert store.one(Learner, Learner.id == mia.id).picture_password == "rocket-boat-moon"


def test_a_parents_new_pin_or_pictures_is_a_page_where_they_choose_them(app, store):
    parent, child, _ = family_with_child(app)
    dashboard = parent.get("/parent/").get_data(as_text=True)
    assert f'href="/parent/children/{child}/secret">New PIN or pictures' in dashboard
    assert f'action="/parent/children/{child}/secret"' not in dashboard  # nothing changes in one tap
    before = store.one(Learner, Learner.id == child).pin_hash
    page = parent.get(f"/parent/children/{child}/secret").get_data(as_text=True)
    assert "The old PIN or pictures stop working at once." in page and ">Cancel</a>" in page
    assert store.one(Learner, Learner.id == child).pin_hash == before
