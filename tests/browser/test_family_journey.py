"""A parent signs up, adds a child with a PIN and reads the family code; the child signs in on their own device."""
from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

# Anything wider than the screen makes a phone scroll sideways.
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def watch_for_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_family_journey(page, browser, browser_context_args, axe):
    errors = watch_for_errors(page)
    email = f"parent-{uuid.uuid4().hex[:8]}@example.org"

    page.goto("/auth/sign-up")
    axe(page, "family-01-sign-up")
    page.get_by_label("Your name").fill("Sam")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill("a long family password")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/parent/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sam's family")
    axe(page, "family-02-dashboard-empty")

    page.get_by_role("link", name="Add a child").first.click()
    axe(page, "family-03-add-child")
    page.get_by_label("Nickname").fill("Mia")
    page.get_by_role("radio", name="fox", exact=True).check()
    page.get_by_label("Age", exact=True).fill("6")
    expect(page.get_by_label("Ages 5–8")).to_be_checked()  # suggested from the age, and changeable
    expect(page.locator("[data-track-hint]")).to_contain_text("For age 6 we suggest")
    expect(page.locator("[data-secret=pictures]")).to_be_hidden()  # PIN chosen: the pictures are out of the way
    page.get_by_label("PIN", exact=True).fill("1234")
    page.get_by_role("button", name="Add child").click()
    expect(page).to_have_url(re.compile(r"/parent/$"))
    expect(page.get_by_role("heading", name="Mia")).to_be_visible()
    axe(page, "family-04-dashboard-with-child")
    family_code = page.locator(".join-code").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-9]{8}", family_code)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()

    # The child's own device: a fresh browser, the family code typed once.
    child = browser.new_context(**{**browser_context_args, **PHONE})
    try:
        kid = child.new_page()
        kid_errors = watch_for_errors(kid)
        kid.goto("/")
        kid.get_by_role("link", name="Learner sign-in").click()
        axe(kid, "family-05-learner-code-phone")
        assert kid.evaluate(FITS), "family-05-learner-code-phone scrolls sideways"
        kid.get_by_label("Code").fill(family_code.lower())
        kid.get_by_role("button", name="Next").click()
        axe(kid, "family-06-who-are-you-phone")
        assert kid.evaluate(FITS), "family-06-who-are-you-phone scrolls sideways"
        kid.get_by_role("link", name="Mia").click()
        axe(kid, "family-07-pin-phone")
        assert kid.evaluate(FITS), "family-07-pin-phone scrolls sideways"
        for digit in "1234":
            kid.locator(f"[data-pin-pad] [data-digit='{digit}']").click()
        expect(kid.get_by_label("Your PIN")).to_have_value("1234")
        kid.get_by_role("button", name="Sign in").click()
        expect(kid).to_have_url(re.compile(r"/learn$"))
        expect(kid.get_by_role("heading", level=1)).to_contain_text("Lessons")
        expect(kid.locator(".site-tools .who")).to_have_text("Mia")
        axe(kid, "family-08-lessons-phone")
        assert kid.evaluate(FITS), "family-08-lessons-phone scrolls sideways"
        assert not kid_errors, kid_errors
    finally:
        child.close()

    # The parent's pages at phone size too.
    phone = browser.new_context(**{**browser_context_args, **PHONE})
    try:
        p = phone.new_page()
        p.goto("/auth/sign-in")
        axe(p, "family-09-sign-in-phone")
        assert p.evaluate(FITS), "family-09-sign-in-phone scrolls sideways"
        p.get_by_label("E-mail").fill(email)
        p.get_by_label("Password").fill("a long family password")
        p.get_by_role("button", name="Sign in").click()
        expect(p).to_have_url(re.compile(r"/parent/$"))
        axe(p, "family-10-dashboard-phone")
        assert p.evaluate(FITS), "family-10-dashboard-phone scrolls sideways"
        p.get_by_role("link", name="Add a child").first.click()
        p.get_by_label("3 pictures").check()
        expect(p.locator("[data-secret=pictures]")).to_be_visible()
        axe(p, "family-11-add-child-pictures-phone")
        assert p.evaluate(FITS), "family-11-add-child-pictures-phone scrolls sideways"
    finally:
        phone.close()
    assert not errors, errors
