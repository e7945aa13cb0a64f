"""A teacher creates "Class 5B" and bulk-adds names; a learner joins with the code, a nickname and three pictures
(keyboard only), signs out and back in with the pictures, and the teacher sees the picture password."""
from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

# Anything wider than the screen makes a phone scroll sideways.
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def test_class_journey(page, browser, browser_context_args, axe):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    email = f"teacher-{uuid.uuid4().hex[:8]}@example.org"

    page.goto("/auth/sign-up?role=teacher")
    page.get_by_label("Teacher").check()
    page.get_by_label("Your name").fill("Ms Rivera")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill("a long teacher password")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/teacher/$"))
    axe(page, "class-01-classes-empty")

    page.get_by_role("link", name="Create a class").first.click()
    axe(page, "class-02-create")
    page.get_by_label("Class name").fill("Class 5B")
    page.get_by_label("Ages 9–12").check()
    page.get_by_role("button", name="Create class").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Class 5B")
    code = page.locator("[data-join-code]").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{8}", code)
    axe(page, "class-03-class-page")

    page.get_by_role("link", name="Printable join sheet").click()
    expect(page.locator(".join-code")).to_have_text(code)
    axe(page, "class-04-join-sheet")
    page.get_by_role("link", name="Back to Class 5B").click()

    page.get_by_label("Nicknames, one per line").fill("Ava\nBen\nChloe")
    page.get_by_role("button", name="Add learners").click()
    roster = page.locator("#roster")
    for name in ("Ava", "Ben", "Chloe"):
        expect(roster.get_by_role("rowheader", name=name)).to_be_visible()
    axe(page, "class-05-roster")

    # A learner on a school laptop: a fresh browser, keyboard only for the picture password.
    laptop = browser.new_context(**browser_context_args)
    try:
        kid = laptop.new_page()
        kid.on("pageerror", lambda error: errors.append(str(error)))
        kid.goto("/auth/learner")
        kid.get_by_label("Code").fill(code)
        kid.get_by_label("Code").press("Enter")
        expect(kid.get_by_role("heading", level=1)).to_have_text("Who are you?")
        axe(kid, "class-06-who-are-you")
        kid.get_by_role("link", name="I'm new in this class").click()
        axe(kid, "class-07-join")

        kid.get_by_label("Your nickname").focus()
        kid.keyboard.type("Dev")
        kid.keyboard.press("Tab")
        expect(kid.get_by_role("button", name="cat")).to_be_focused()
        kid.keyboard.press("Enter")                      # cat
        kid.keyboard.press("Tab")
        kid.keyboard.press("Space")                      # dog
        kid.keyboard.press("Tab")
        kid.keyboard.press("Tab")
        kid.keyboard.press("Enter")                      # frog
        status = kid.locator("[data-status]")
        expect(status).to_contain_text("Chosen: 3 of 3")
        expect(kid.get_by_role("button", name="Join the class")).to_be_focused()  # ready to go on
        axe(kid, "class-08-join-pictures-chosen")
        kid.keyboard.press("Enter")
        expect(kid).to_have_url(re.compile(r"/learn$"))
        expect(kid.locator(".site-tools .who")).to_have_text("Dev")

        kid.get_by_role("button", name="Sign out").click()
        expect(kid.get_by_role("heading", level=1)).to_have_text("Who are you?")  # the class code is remembered
        kid.get_by_role("link", name="Dev").click()
        axe(kid, "class-09-picture-sign-in")
        kid.get_by_role("button", name="cat").click()
        kid.get_by_role("button", name="dog").click()
        kid.get_by_role("button", name="Start again").click()
        expect(kid.locator("[data-status]")).to_contain_text("Chosen: 0 of 3")
        for word in ("cat", "dog", "frog"):
            kid.get_by_role("button", name=word, exact=True).click()
        kid.get_by_role("button", name="Sign in").click()
        expect(kid).to_have_url(re.compile(r"/learn$"))
        expect(kid.locator(".site-tools .who")).to_have_text("Dev")
    finally:
        laptop.close()

    page.reload()
    row = page.locator("#roster tr", has=page.get_by_role("rowheader", name="Dev"))
    expect(row).to_contain_text(re.compile(r"cat, \S+ dog, \S+ frog"))

    # The teacher's pages and the learner's sign-in at phone size.
    phone = browser.new_context(**{**browser_context_args, **PHONE})
    try:
        p = phone.new_page()
        p.goto("/auth/learner")
        p.get_by_label("Code").fill(code)
        p.get_by_role("button", name="Next").click()
        axe(p, "class-10-who-are-you-phone")
        assert p.evaluate(FITS), "class-10-who-are-you-phone scrolls sideways"
        p.get_by_role("link", name="Ava").click()
        axe(p, "class-11-picture-sign-in-phone")
        assert p.evaluate(FITS), "class-11-picture-sign-in-phone scrolls sideways"
        p.goto("/auth/sign-in")
        p.get_by_label("E-mail").fill(email)
        p.get_by_label("Password").fill("a long teacher password")
        p.get_by_role("button", name="Sign in").click()
        p.get_by_role("link", name="Class 5B", exact=True).click()
        axe(p, "class-12-class-page-phone")
        assert p.evaluate(FITS), "class-12-class-page-phone scrolls sideways"
        p.get_by_role("link", name="Printable join sheet").click()
        axe(p, "class-13-join-sheet-phone")
        assert p.evaluate(FITS), "class-13-join-sheet-phone scrolls sideways"
    finally:
        phone.close()
    assert not errors, errors
