"""Lessons a teacher assigned appear at the top of the class's learners' lesson list."""
from __future__ import annotations

from tests.tutor.test_accounts import post_form, sign_up
from tests.tutor.test_classes import create_class, join
from tutor.models import Classroom


def test_assigned_lessons_show_for_class_members_only(app, client, db):
    sign_up(client, "rivera@example.org", "teacher", "Ms Rivera")
    class_id = create_class(client, track="ages-9-12")
    r = post_form(client, f"/teacher/classes/{class_id}/lessons", {"concepts": ["backpropagation", "loss"]})
    assert r.status_code in (200, 302), r.text
    code = db.get(Classroom, class_id).join_code

    learner = app.test_client()
    learner.get("/learn?track=ages-9-12")
    assert "Your teacher asked for these" not in learner.get("/learn?track=ages-9-12").text
    assert join(learner, code, "Ava").status_code == 302
    page = learner.get("/learn").text
    section = page.split('id="assigned-heading"', 1)[1].split("</section>", 1)[0]
    assert "/learn/backpropagation" in section and "/learn/loss" in section
    assert section.count("To do") == 2

    stranger = app.test_client()
    assert "Your teacher asked for these" not in stranger.get("/learn?track=ages-9-12").text
