"""Teachers' classes: join codes, joining, picture passwords, rosters, bulk adding and claiming guests, removing
learners (and deleting the record of a learner the class was all of)."""
from __future__ import annotations

import re

import pytest

from tests.conftest import Api
from tests.tutor.test_accounts import (
    Store,
    add_child,
    add_guest_route,
    enter_code,
    learner_attempt,
    post_form,
    sign_out,
    sign_up,
    who,
)
from tests.tutor.test_family import answer
from tutor.models import Account, Attempt, Classroom, Learner, Mastery, Membership
from tutor.services.accounts import PICTURES


def create_class(client, name: str = "Class 5B", track: str = "") -> int:
    r = post_form(client, "/teacher/classes/new", {"name": name, "track": track})
    assert r.status_code == 302, r.text
    return int(r.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def join(client, code: str, nickname: str, pictures: str = "cat-dog-sun"):
    enter_code(client, code)
    return post_form(client, "/auth/learner/join", {"nickname": nickname, "chosen": pictures, "go": "1"})


@pytest.fixture
def store(app) -> Store:
    return Store(app)


@pytest.fixture
def teacher(app, client):
    add_guest_route(app)  # routes can only be added before the app's first request
    sign_up(client, "rivera@example.org", "teacher", "Ms Rivera")
    return client


@pytest.fixture
def classroom(teacher, store) -> Classroom:
    return store.one(Classroom, Classroom.id == create_class(teacher, "Class 5B", "ages-9-12"))


def test_create_class_shows_the_join_code_and_a_printable_sheet(teacher, classroom):
    page = teacher.get(f"/teacher/classes/{classroom.id}").text
    assert "Class 5B" in page and classroom.join_code in page
    sheet = teacher.get(f"/teacher/classes/{classroom.id}/join-sheet")
    assert sheet.status_code == 200 and classroom.join_code in sheet.text and "I'm new" in sheet.text
    assert "Class 5B" in teacher.get("/teacher/").text


@pytest.mark.parametrize("data", [{"name": ""}, {"name": "x" * 81}, {"name": "Class 5B", "track": "ages-99"}])
def test_create_class_with_bad_input_is_422_and_stores_nothing(teacher, store, data):
    r = post_form(teacher, "/teacher/classes/new", data)
    assert r.status_code == 422 and 'aria-invalid="true"' in r.text
    assert store.count(Classroom) == 0


def test_rename_change_track_and_archive(teacher, classroom, store):
    r = post_form(teacher, f"/teacher/classes/{classroom.id}/edit", {"name": "Class 6B", "track": "ages-13-plus"})
    assert r.status_code == 302
    assert (store.one(Classroom).name, store.one(Classroom).track) == ("Class 6B", "ages-13-plus")
    r = post_form(teacher, f"/teacher/classes/{classroom.id}/edit", {"name": " ", "track": ""})
    assert r.status_code == 422 and store.one(Classroom).name == "Class 6B"
    post_form(teacher, f"/teacher/classes/{classroom.id}/archive", {"archived": "1"})
    assert store.one(Classroom).archived
    assert enter_code(teacher.application.test_client(), classroom.join_code).status_code == 422
    post_form(teacher, f"/teacher/classes/{classroom.id}/archive", {"archived": "0"})
    assert not store.one(Classroom).archived


def test_a_learner_joins_with_the_code_a_nickname_and_three_pictures(app, teacher, classroom, store):
    learner = app.test_client()
    enter_code(learner, classroom.join_code.lower())
    page = learner.get("/auth/learner").text
    assert "Class 5B" in page and "/auth/learner/join" in page
    # choosing the pictures one tap at a time (no JavaScript) keeps the nickname typed so far
    r = post_form(learner, "/auth/learner/join", {"nickname": "Ava", "chosen": "cat", "pick": "star"})
    assert r.status_code == 200 and 'value="Ava"' in r.text and 'value="cat-star"' in r.text
    assert store.count(Learner) == 0
    r = post_form(learner, "/auth/learner/join", {"nickname": "Ava", "chosen": "cat-star-boat", "go": "1"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/learn")
    ava = store.one(Learner, Learner.nickname == "Ava")
    assert who(learner)["id"] == ava.id and ava.picture_password == "cat-star-boat" and ava.track == "ages-9-12"
    assert store.count(Membership, Membership.classroom_id == classroom.id) == 1
    roster = teacher.get(f"/teacher/classes/{classroom.id}").text
    assert "Ava" in roster and all(word in roster for word in ("cat", "star", "boat"))

    # and signs in again with the same pictures
    sign_out(learner)
    assert "Ava" in learner.get("/auth/learner").text  # the class code is remembered on this device
    assert learner_attempt(learner, ava.id, chosen="boat-star-cat", go="1").status_code == 401
    assert who(learner) is None
    assert learner_attempt(learner, ava.id, chosen="cat-star-boat", go="1").status_code == 302
    assert who(learner)["id"] == ava.id


@pytest.mark.parametrize("data, field, status", [
    ({"nickname": "Ava", "chosen": "cat-dog"}, "pictures", 422),
    ({"nickname": "", "chosen": "cat-dog-sun"}, "nickname", 422),
    ({"nickname": "ava@example.org", "chosen": "cat-dog-sun"}, "nickname", 422),
    ({"nickname": "BEN", "chosen": "cat-dog-sun"}, "nickname", 409),
])
def test_joining_with_bad_input_stores_nothing(app, teacher, classroom, store, data, field, status):
    post_form(teacher, f"/teacher/classes/{classroom.id}/learners", {"names": "Ben"})
    before = store.count(Learner)
    learner = app.test_client()
    enter_code(learner, classroom.join_code)
    r = post_form(learner, "/auth/learner/join", {**data, "go": "1"})
    assert r.status_code == status and f'id="{field}-error"' in r.text
    assert store.count(Learner) == before and who(learner) is None


def test_bulk_add_gives_everyone_a_picture_password(teacher, classroom, store):
    r = post_form(teacher, f"/teacher/classes/{classroom.id}/learners", {"names": "Ava\n  Ben \n\nChloe\r\n"})
    assert r.status_code == 302
    added = store.all(Learner)
    assert sorted(l.nickname for l in added) == ["Ava", "Ben", "Chloe"]
    assert all(len(l.picture_password.split("-")) == 3 and set(l.picture_password.split("-")) <= set(PICTURES)
               for l in added)
    roster = teacher.get(f"/teacher/classes/{classroom.id}").text
    for learner in added:
        for part in learner.picture_password.split("-"):
            assert PICTURES[part][1] in roster


@pytest.mark.parametrize("names, status", [
    ("Dev\nEla\ndev", 422),        # the same name twice in the list
    ("Dev\nAva", 409),             # a name already in the class
    ("Dev\nmail@example.org", 422),  # not a nickname
    ("   \n", 422),                # nothing at all
    ("\n".join(f"Kid {i}" for i in range(61)), 422),  # more than a class
])
def test_bulk_add_is_all_or_nothing(teacher, classroom, store, names, status):
    post_form(teacher, f"/teacher/classes/{classroom.id}/learners", {"names": "Ava"})
    r = post_form(teacher, f"/teacher/classes/{classroom.id}/learners", {"names": names})
    assert r.status_code == status and 'id="names-error"' in r.text
    assert [l.nickname for l in store.all(Learner)] == ["Ava"]
    assert store.count(Membership) == 1


def test_reset_picture_password_and_remove_from_class(app, teacher, classroom, store):
    post_form(teacher, f"/teacher/classes/{classroom.id}/learners", {"names": "Ava"})
    ava = store.one(Learner)
    for _ in range(5):  # 1 in 1728 that a new password equals the old one; five tries make a flake impossible
        post_form(teacher, f"/teacher/classes/{classroom.id}/learners/{ava.id}/pictures")
        if store.one(Learner).picture_password != ava.picture_password:
            break
    new = store.one(Learner).picture_password
    assert new != ava.picture_password
    learner = app.test_client()
    enter_code(learner, classroom.join_code)
    assert learner_attempt(learner, ava.id, chosen=ava.picture_password, go="1").status_code == 401
    assert learner_attempt(learner, ava.id, chosen=new, go="1").status_code == 302

    confirm = teacher.get(f"/teacher/classes/{classroom.id}/learners/{ava.id}/remove")
    assert confirm.status_code == 200 and store.count(Membership) == 1
    r = post_form(teacher, f"/teacher/classes/{classroom.id}/learners/{ava.id}/remove", {"outcome": "delete"})
    assert r.status_code == 302
    assert store.count(Membership) == 0 and store.count(Learner) == 0  # the class was all Ava had
    teacher.get("/teacher/")  # shows (and so clears) the "Ava is no longer in Class 5B" message
    assert "Ava" not in teacher.get(f"/teacher/classes/{classroom.id}").text


def test_a_new_join_code_retires_the_old_one(app, teacher, classroom, store):
    post_form(teacher, f"/teacher/classes/{classroom.id}/code")
    new_code = store.one(Classroom).join_code
    assert new_code != classroom.join_code
    learner = app.test_client()
    assert enter_code(learner, classroom.join_code).status_code == 422
    assert enter_code(learner, new_code).status_code == 302


def test_a_teacher_claims_a_guest_into_the_class(app, teacher, classroom, store):
    guest = app.test_client()
    guest_id = guest.get("/_test/guest").get_json()["id"]
    guest.get("/auth/guest")
    code = store.one(Learner, Learner.id == guest_id).claim_code
    r = post_form(teacher, f"/teacher/classes/{classroom.id}/claim", {"code": "ZZZZ2222", "nickname": "Gus"})
    assert r.status_code == 422 and 'id="code-error"' in r.text
    r = post_form(teacher, f"/teacher/classes/{classroom.id}/claim", {"code": code, "nickname": ""})
    assert r.status_code == 422 and store.one(Learner, Learner.id == guest_id).is_guest
    r = post_form(teacher, f"/teacher/classes/{classroom.id}/claim", {"code": code, "nickname": "Gus"})
    assert r.status_code == 302
    gus = store.one(Learner, Learner.id == guest_id)
    assert (gus.is_guest, gus.nickname, gus.claim_code, gus.track) == (False, "Gus", None, "ages-9-12")
    assert gus.picture_password and store.count(Membership, Membership.learner_id == gus.id) == 1
    # the guest, still on their device, is now that class member, and can sign in with the class code later
    assert who(guest)["id"] == gus.id


def test_a_guest_who_joins_a_class_keeps_their_progress(app, teacher, classroom, store):
    guest = app.test_client()
    guest_id = guest.get("/_test/guest").get_json()["id"]
    r = join(guest, classroom.join_code, "Gus", "moon-moon-tree")
    assert r.status_code == 302 and who(guest)["id"] == guest_id
    gus = store.one(Learner, Learner.id == guest_id)
    assert (gus.is_guest, gus.nickname, gus.picture_password) == (False, "Gus", "moon-moon-tree")
    assert store.count(Learner) == 1


def test_a_learner_in_a_family_and_a_class_at_once(app, teacher, classroom, store):
    home = app.test_client()
    sign_up(home, "sam@example.org")
    add_child(home, "Mia", pin="1234", track="ages-5-8")
    family_code = store.one(Account, Account.role == "parent").family_code
    mia = store.one(Learner, Learner.nickname == "Mia")

    device = app.test_client()
    enter_code(device, family_code)
    learner_attempt(device, mia.id, pin="1234")
    assert who(device)["id"] == mia.id
    enter_code(device, classroom.join_code)
    page = device.get("/auth/learner/join").text
    assert "keep everything" in page and 'name="nickname"' not in page
    r = post_form(device, "/auth/learner/join", {"go": "1"})
    assert r.status_code == 302 and who(device)["id"] == mia.id
    assert store.count(Learner) == 1  # the same profile, not a copy
    mia = store.one(Learner)
    assert mia.parent_id is not None and mia.track == "ages-5-8"  # the parent's choice of track stays
    assert store.count(Membership, Membership.learner_id == mia.id) == 1

    roster = teacher.get(f"/teacher/classes/{classroom.id}").text
    assert "Mia" in roster and "family code" in roster
    assert "Mia" in home.get("/parent/").text
    # the family sign-in still works; the class sign-in page points Mia to it
    sign_out(device)
    enter_code(device, family_code)
    assert learner_attempt(device, mia.id, pin="1234").status_code == 302
    sign_out(device)
    enter_code(device, classroom.join_code)
    assert "family code" in device.get(f"/auth/learner/{mia.id}").text


def test_a_class_member_joining_a_second_class_keeps_one_profile(app, teacher, classroom, store):
    other = create_class(teacher, "Code club")
    other_code = store.one(Classroom, Classroom.id == other).join_code
    device = app.test_client()
    join(device, classroom.join_code, "Ava", "cat-cat-cat")
    ava_id = who(device)["id"]
    r = join(device, other_code, "ignored")
    assert r.status_code == 302 and who(device)["id"] == ava_id
    assert store.count(Learner) == 1 and store.count(Membership, Membership.learner_id == ava_id) == 2


# ---- removing a learner ----------------------------------------------------------------------------------------------

def member_with_answers(app, content_bank, code: str, nickname: str) -> tuple[int, Api]:
    """A learner who joined with the class code on their own device and answered two questions there."""
    device = app.test_client()
    assert join(device, code, nickname).status_code == 302
    api = Api(device)
    item = next(i for i in content_bank.items if i.track == "ages-9-12" and i.kind == "choice")
    answer(api, content_bank, item.id, True)
    answer(api, content_bank, item.id, False)
    return who(device)["id"], api


def remove(teacher, classroom_id: int, learner_id: int, outcome: str | None = None):
    page = teacher.get(f"/teacher/classes/{classroom_id}/learners/{learner_id}/remove")
    assert page.status_code == 200
    shown = re.search(r'name="outcome" value="(\w+)"', page.text).group(1)
    return page, post_form(teacher, f"/teacher/classes/{classroom_id}/learners/{learner_id}/remove",
                           {"outcome": outcome or shown})


def test_removing_a_learner_the_class_was_all_of_deletes_them_and_their_record(app, teacher, classroom, store,
                                                                             content_bank):
    ava, device = member_with_answers(app, content_bank, classroom.join_code, "Ava")
    ben, _ = member_with_answers(app, content_bank, classroom.join_code, "Ben")
    assert store.count(Attempt, Attempt.learner_id == ava) == 2

    page, r = remove(teacher, classroom.id, ava)
    assert "deletes their profile and everything" in page.text and "Yes, remove and delete Ava" in page.text
    assert r.status_code == 302
    assert store.count(Learner, Learner.id == ava) == 0
    assert store.count(Attempt, Attempt.learner_id == ava) == 0 and store.count(Mastery, Mastery.learner_id == ava) == 0
    assert "everything stored about them is deleted" in teacher.get("/teacher/").text
    # Ben and his answers are untouched; Ava's device is signed out, and her pictures no longer open anything
    assert store.count(Attempt, Attempt.learner_id == ben) == 2 and store.count(Membership) == 1
    assert device.client.get("/api/session").get_json()["user"] is None
    enter_code(device.client, classroom.join_code)
    assert learner_attempt(device.client, ava, chosen="cat-dog-sun", go="1").status_code in (401, 404)


def test_removing_a_learner_who_has_another_class_or_a_family_keeps_them(app, teacher, classroom, store,
                                                                         content_bank):
    ava, device = member_with_answers(app, content_bank, classroom.join_code, "Ava")
    other = store.one(Classroom, Classroom.id == create_class(teacher, "Coding club", "ages-9-12"))
    enter_code(device.client, other.join_code)
    assert post_form(device.client, "/auth/learner/join", {"go": "1"}).status_code == 302

    page, r = remove(teacher, classroom.id, ava)
    assert "stay with their other class" in page.text and "delete" not in page.text.split("<form")[1].lower()
    assert r.status_code == 302
    assert store.count(Learner, Learner.id == ava) == 1 and store.count(Attempt, Attempt.learner_id == ava) == 2
    assert [m.classroom_id for m in store.all(Membership)] == [other.id]
    # now "Coding club" is all Ava has: removing her there deletes her
    page, r = remove(teacher, other.id, ava)
    assert "Yes, remove and delete Ava" in page.text and r.status_code == 302
    assert store.count(Learner) == 0 and store.count(Attempt) == 0

    home = app.test_client()
    sign_up(home, "sam@example.org")
    add_child(home, "Mia", pin="1234", track="ages-9-12")
    mia = store.one(Learner, Learner.nickname == "Mia")
    family_code = store.one(Account, Account.role == "parent").family_code
    child = app.test_client()
    enter_code(child, family_code)
    learner_attempt(child, mia.id, pin="1234")
    enter_code(child, classroom.join_code)
    assert post_form(child, "/auth/learner/join", {"go": "1"}).status_code == 302
    page, r = remove(teacher, classroom.id, mia.id)
    assert "stay with their family" in page.text and r.status_code == 302
    assert store.count(Learner, Learner.id == mia.id) == 1 and store.count(Membership) == 0
    assert "Mia" in home.get("/parent/").text


def test_a_removal_whose_outcome_changed_since_the_page_was_shown_asks_again(app, teacher, classroom, store,
                                                                             content_bank):
    ava, device = member_with_answers(app, content_bank, classroom.join_code, "Ava")
    page = teacher.get(f"/teacher/classes/{classroom.id}/learners/{ava}/remove")
    assert 'name="outcome" value="delete"' in page.text
    # meanwhile Ava joins another class: removing her from this one no longer deletes her
    other = create_class(teacher, "Coding club", "ages-9-12")
    enter_code(device.client, store.one(Classroom, Classroom.id == other).join_code)
    post_form(device.client, "/auth/learner/join", {"go": "1"})

    for outcome in ("delete", "", "anything"):
        r = post_form(teacher, f"/teacher/classes/{classroom.id}/learners/{ava}/remove", {"outcome": outcome})
        assert r.status_code == 409 and "Something changed" in r.text
        assert 'name="outcome" value="leave"' in r.text
        assert store.count(Membership, Membership.learner_id == ava) == 2
    r = post_form(teacher, f"/teacher/classes/{classroom.id}/learners/{ava}/remove", {"outcome": "leave"})
    assert r.status_code == 302 and store.count(Membership, Membership.learner_id == ava) == 1
    assert store.count(Attempt, Attempt.learner_id == ava) == 2
