"""Review pass 3, grown-ups' side, in a phone-sized browser: what a parent and a teacher read after the fixes.

- a parent who leaves both the age and the track empty is told, in words, to type the age or pick a track (the form
  used to list internal ids, "ages-5-8, ages-9-12, ages-13-plus", and mark the field "unknown");
- the printed join sheet of a class whose names the teacher added tells those learners to tap their name (it used
  to send everybody to "I'm new", where their own name was refused as taken).

The server-side checks of the same fixes are in tests/tutor/test_review_pass3_grownups.py.
"""
from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def sign_up(page, role: str) -> None:
    page.goto(f"/auth/sign-up?role={role}")
    page.fill("#display_name", "Ana" if role == "parent" else "Ms Rivera")
    page.fill("#email", f"{role}-{uuid.uuid4().hex[:8]}@example.org")
    page.fill("#password", "a long grown-up password")
    page.click("main button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/{role}/$"))


def test_a_parent_without_age_or_track_is_told_what_to_do_in_words(open_page, axe):
    page = open_page("/", size="phone")
    sign_up(page, "parent")
    page.goto("/parent/children/new")
    page.fill("#nickname", "Zoë")
    page.fill("#pin", "4321")
    page.click("button[data-go]")
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Type the child's age or pick an age track.")
    expect(page.locator("#track-error")).to_be_visible()
    text = page.inner_text("main")
    assert "ages-5-8" not in text and "unknown" not in text
    assert page.evaluate(FITS), "the add-a-child form scrolls sideways on a phone"
    axe(page, "review3-add-child-no-track-phone")
    assert page.errors == []


def test_the_join_sheet_sends_added_learners_to_their_name(open_page, axe):
    page = open_page("/", size="phone")
    sign_up(page, "teacher")
    page.goto("/teacher/classes/new")
    page.fill("#name", "Class 5B")
    page.click("main button[type=submit]")
    page.fill("#names", "\n".join(["Aisha", "Ben", "Chloé", "李明"]))
    page.click("form:has(#names) button[type=submit]")
    expect(page.locator("#roster")).to_contain_text("李明")
    expect(page.locator("main")).to_contain_text("tap their name")
    page.get_by_role("link", name="Printable join sheet").click()
    expect(page.locator("[data-added-learners]")).to_contain_text("Is your name in the list?")
    assert page.evaluate(FITS), "the join sheet scrolls sideways on a phone"
    axe(page, "review3-join-sheet-added-learners-phone")
    assert page.errors == []
