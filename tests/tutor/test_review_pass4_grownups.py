"""Review pass 4, grown-ups' side: defects a parent or a teacher met, each with the test that would have caught it.

- the class page promised "a picture password you can read out or print" for every added learner, but there was
  nothing to print: now there is a page of sign-in cards, one per learner (name, class code, the steps of the join
  sheet and the learner's 3 pictures with their names), for the class's own teacher only; a family's child gets a
  card that sends them to their family code and never shows the family's PIN or pictures;
- the add-a-child form reported only the first problem (an empty name hid a bad age and a missing PIN): every
  problem is now reported at once, next to its field and in the list at the top, and nothing is stored;
- the dashboard charts shrank to half their size on a phone: they now keep their drawn size in a frame that scrolls
  sideways (what a person sees is checked in tests/browser/test_review_pass4_grownups.py).
"""
# ruff: noqa: F811 - the tests take the shared fixtures imported below by name
from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from tests.tutor.test_accounts import add_child, enter_code, learner_attempt, post_form, sign_up, who
from tests.tutor.test_review_pass3_grownups import parent, store  # noqa: F401 - fixtures, shared
from tutor.db import get_db
from tutor.errors import Invalid
from tutor.models import Account, Classroom, Learner
from tutor.services import accounts
from tutor.services.accounts import PICTURES


@pytest.fixture
def teacher(client):
    sign_up(client, "rivera@example.org", "teacher", "Ms Rivera")
    return client


def create_class(client, name: str = "Class 5B") -> int:
    r = post_form(client, "/teacher/classes/new", {"name": name, "track": "ages-9-12"})
    assert r.status_code == 302, r.text
    return int(r.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def card_of(html: str, nickname: str) -> str:
    """The HTML of one learner's card on the sign-in cards page."""
    cards = re.findall(r'<li class="signin-card">(.*?)</li>\s*(?=<li class="signin-card">|</ul>)', html, re.DOTALL)
    found = [c for c in cards if re.search(rf"<h2[^>]*>.*?{re.escape(nickname)}</h2>", c, re.DOTALL)]
    assert len(found) == 1, f"one card for {nickname}, found {len(found)} of {len(cards)} cards"
    return found[0]


# ---- 1. printable sign-in cards ---------------------------------------------------------------------------------

def test_the_class_page_links_to_sign_in_cards_and_its_hint_says_what_is_true(teacher):
    classroom = create_class(teacher)
    page = teacher.get(f"/teacher/classes/{classroom}").text
    assert f'href="/teacher/classes/{classroom}/sign-in-cards"' in page
    assert "read out or print" not in page
    hint = re.search(r'<p class="hint" id="names-hint">(.*?)</p>', page, re.DOTALL).group(1)
    assert "3 pictures" in hint and "sign-in card" in hint


def test_every_added_learner_gets_a_card_with_the_class_code_their_name_and_their_pictures(teacher, store):
    classroom = create_class(teacher)
    names = ["Aisha", "Ben", "Chloé", "李明"]
    r = post_form(teacher, f"/teacher/classes/{classroom}/learners", {"names": "\n".join(names)})
    assert r.status_code == 302
    code = store.one(Classroom, Classroom.id == classroom).join_code

    r = teacher.get(f"/teacher/classes/{classroom}/sign-in-cards")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert html.count('class="signin-card"') == len(names)
    assert "<h1" in html and "Sign-in cards for Class 5B" in html
    for name in names:
        learner = store.one(Learner, Learner.nickname == name)
        card = card_of(html, name)
        assert code in card and "Learner sign-in" in card and f"Tap your name: <strong>{name}</strong>" in card
        shown = re.findall(r'<span class="pic" aria-hidden="true">(.*?)</span><span class="word">(.*?)</span>', card)
        assert shown == [PICTURES[p] for p in learner.picture_password.split("-")]  # in order, each with its name


def test_a_family_childs_card_sends_them_to_the_family_code_and_shows_no_family_secret(app, teacher, store):
    classroom = create_class(teacher)
    post_form(teacher, f"/teacher/classes/{classroom}/learners", {"names": "Ben"})
    home = app.test_client()
    sign_up(home, "sam@example.org")
    assert add_child(home, "Mia", secret_kind="pictures", chosen="rocket-boat-moon", pin="").status_code == 302
    family_code = store.one(Account, Account.role == "parent").family_code
    mia = store.one(Learner, Learner.nickname == "Mia")
    device = app.test_client()
    enter_code(device, family_code)
    assert learner_attempt(device, mia.id, chosen="rocket-boat-moon", go="1").status_code == 302
    enter_code(device, store.one(Classroom).join_code)
    assert post_form(device, "/auth/learner/join", {"go": "1"}).status_code == 302  # Mia keeps her profile
    assert who(device)["id"] == mia.id

    html = teacher.get(f"/teacher/classes/{classroom}/sign-in-cards").get_data(as_text=True)
    card = card_of(html, "Mia")
    assert "family" in card and 'class="pic"' not in card
    assert not any(word in card for word in ("rocket", "boat", "moon"))
    assert 'class="pic"' in card_of(html, "Ben")


def test_a_member_without_pictures_gets_a_card_saying_what_to_do(app, teacher, store):
    classroom = create_class(teacher)
    post_form(teacher, f"/teacher/classes/{classroom}/learners", {"names": "Ben"})
    with app.extensions["db_sessionmaker"]() as s:
        s.execute(update(Learner).where(Learner.nickname == "Ben").values(picture_password=None))
        s.commit()
    card = card_of(teacher.get(f"/teacher/classes/{classroom}/sign-in-cards").get_data(as_text=True), "Ben")
    assert "no picture password yet" in card and "New pictures" in card and 'class="pic"' not in card


def test_an_empty_class_has_no_cards_and_says_so(teacher):
    classroom = create_class(teacher)
    html = teacher.get(f"/teacher/classes/{classroom}/sign-in-cards").get_data(as_text=True)
    assert 'class="signin-card"' not in html and "nobody in this class yet" in html


def test_only_the_class_teacher_sees_the_cards(app, teacher, store):
    classroom = create_class(teacher)
    post_form(teacher, f"/teacher/classes/{classroom}/learners", {"names": "Ben"})
    path = f"/teacher/classes/{classroom}/sign-in-cards"
    other = app.test_client()
    sign_up(other, "other@example.org", "teacher", "Mr Other")
    r = other.get(path)
    assert r.status_code == 404 and "Ben" not in r.get_data(as_text=True)
    grown_up = app.test_client()
    sign_up(grown_up, "sam@example.org", "parent", "Sam")
    assert grown_up.get(path).status_code == 403
    assert app.test_client().get(path).status_code == 302  # to the sign-in page


# ---- 2. the add-a-child form reports every problem at once ------------------------------------------------------

def summary_items(html: str) -> list[tuple[str, str]]:
    summary = re.search(r'<div class="error-summary" role="alert">(.*?)</div>', html, re.DOTALL).group(1)
    return re.findall(r'<li><a href="#([^"]+)">(.*?)</a></li>', summary)


def test_every_problem_is_reported_next_to_its_field_and_in_the_summary(parent, store):
    r = add_child(parent, "", avatar="dragon", age="eleven", track="", pin="")
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    for field in ("nickname", "avatar", "age", "pin"):
        assert f'id="{field}-error"' in html, f"no message next to {field}"
    assert re.search(r'<input[^>]*id="nickname"[^>]*aria-invalid="true" aria-describedby="nickname-hint '
                     r'nickname-error"', html)
    assert re.search(r'<input[^>]*id="age"[^>]*aria-invalid="true" aria-describedby="age-hint age-error"', html)
    assert re.search(r'<input[^>]*id="pin"[^>]*aria-invalid="true" aria-describedby="pin-hint pin-error"', html)
    items = summary_items(html)
    assert [target for target, _ in items] == ["nickname", "avatar-error", "age", "pin"]
    for target, message in items:  # the summary says what the field says
        field = target.removesuffix("-error")
        assert re.search(rf'<p class="field-error" id="{field}-error">{re.escape(message)}</p>', html)
    assert "4 things to fix" in html
    assert 'id="track-error"' not in html  # the age is what to fix: a right age suggests the track
    assert store.count(Learner) == 0


def test_a_bad_nickname_does_not_hide_a_missing_track_or_incomplete_pictures(parent, store):
    r = add_child(parent, "mia@example.org", track="", age="", secret_kind="pictures", chosen="cat-sun", pin="")
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert [t for t, _ in summary_items(html)] == ["nickname", "track-error", "pictures-error"]
    assert store.count(Learner) == 0


def test_one_problem_is_still_told_in_one_sentence(parent, store):
    r = add_child(parent, "Mia", pin="12ab")
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert '<div class="error-summary" role="alert"><p>A PIN is 4 to 6 digits.</p>' in html
    assert summary_items(html) == []
    assert store.count(Learner) == 0


def test_the_service_collects_every_problem_and_stores_nothing(app, store):
    with app.app_context():
        db = get_db()
        parent = accounts.sign_up(db, email="sam@example.org", password="a long password", role="parent",
                                  display_name="Sam")
        with pytest.raises(Invalid) as caught:
            accounts.add_child(db, parent, nickname=" ", avatar="dragon", track="ages-99", pin="12")
        db.rollback()
        assert [d["field"] for d in caught.value.details] == ["nickname", "avatar", "track", "pin"]
        assert caught.value.status == 422 and store.count(Learner) == 0
        child = accounts.add_child(db, parent, nickname="Leo", avatar="fox", track="", age="7", pin="٤٣٢١")
        assert (child.track, child.picture_password) == ("ages-5-8", None) and child.pin_hash


def test_the_other_family_forms_report_every_problem_too(app, store, request):
    """Keeping a guest's progress and editing a child: a wrong code no longer hides a missing PIN, an empty name no
    longer hides a made-up avatar; each problem is by its field and in the list, and nothing changes."""
    from tests.tutor.test_accounts import _guest_code, add_guest_route

    add_guest_route(app)  # before the app's first request
    guest_id, _ = _guest_code(app, app.test_client(), store)
    parent = request.getfixturevalue("parent")
    r = post_form(parent, "/parent/claim", {"code": "WRONG234", "nickname": "", "avatar": "fox",
                                            "secret_kind": "pin", "pin": "", "go": "1"})
    assert r.status_code == 422
    assert [t for t, _ in summary_items(r.text)] == ["code", "nickname", "pin"] and "3 things to fix" in r.text
    for field in ("code", "nickname", "pin"):
        assert f'id="{field}-error"' in r.text
    assert store.one(Learner, Learner.id == guest_id).is_guest

    add_child(parent, "Mia")
    child = store.one(Learner, Learner.nickname == "Mia")
    r = post_form(parent, f"/parent/children/{child.id}/edit", {"nickname": " ", "avatar": "dragon",
                                                                  "track": "ages-99"})
    assert r.status_code == 422
    assert [t for t, _ in summary_items(r.text)] == ["nickname", "avatar-error", "track-error"]
    child = store.one(Learner, Learner.id == child.id)
    assert (child.nickname, child.avatar, child.track) == ("Mia", "fox", "ages-5-8")


# ---- 3. charts keep a readable size on a phone ------------------------------------------------------------------

def test_charts_sit_in_a_labelled_keyboard_scrollable_frame_and_keep_their_description(teacher, store):
    classroom = create_class(teacher)
    post_form(teacher, f"/teacher/classes/{classroom}/learners", {"names": "Ben"})
    ben = store.one(Learner, Learner.nickname == "Ben").id
    for path in (f"/teacher/classes/{classroom}/dashboard", f"/teacher/classes/{classroom}/learners/{ben}"):
        html = teacher.get(path).get_data(as_text=True)
        # (pass 5: a chart may also offer a variant drawn for a phone, in a <picture>, which fits its frame, so the
        # frame need not be a Tab stop; the one <img> keeps the alt)
        frames = re.findall(r'<div class="plot-scroll"(?: tabindex="0")? role="region" aria-label="Chart: ([^"]+)"'
                            r'(?: data-scroll-frame)?>\s*(?:<picture>\s*<source media="[^"]+" '
                            r'srcset="data:image/svg\+xml;base64,[^"]+">\s*)?'
                            r'<img src="data:image/svg\+xml;base64,[^"]+" alt="([^"]+)">', html)
        assert frames, path
        for title, alt in frames:
            assert alt.startswith(f"{title}: ") and len(alt) > len(title) + 10  # the chart's description is kept
