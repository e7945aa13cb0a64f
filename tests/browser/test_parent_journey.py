"""A parent adds two children, one of them learns on their own phone, and the parent follows it: the dashboard card,
the 3-month plan with a milestone marked in the child's words, the week with dinner-table questions, exporting the
data and deleting it. Every page is scanned with axe and photographed at 1280×800 and 390×844."""
from __future__ import annotations

import json
import re
import uuid

import pytest
from playwright.sync_api import expect

from content import load_bank

FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
PASSWORD = "a long family password"

# The child's own requests, made by the page's script the way the lesson and quiz pages make them.
POST_JSON = """async ([url, body, key]) => {
  const headers = {"Content-Type": "application/json", "Accept": "application/json",
                   "X-CSRF-Token": document.querySelector('meta[name="csrf-token"]').content};
  if (key) headers["Idempotency-Key"] = key;
  const r = await fetch(url, {method: "POST", headers, body: JSON.stringify(body), credentials: "same-origin"});
  return {status: r.status, body: await r.json()};
}"""


@pytest.fixture(scope="module")
def content():
    return load_bank()


def errors_of(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def add_child(page, nickname: str, age: str, avatar: str, pin: str, suggested: str) -> None:
    page.get_by_role("link", name="Add a child").first.click()
    page.get_by_label("Nickname").fill(nickname)
    page.get_by_role("radio", name=avatar, exact=True).check()
    page.get_by_label("Age", exact=True).fill(age)
    expect(page.get_by_label(suggested)).to_be_checked()
    page.get_by_label("PIN", exact=True).fill(pin)
    page.get_by_role("button", name="Add child").click()
    expect(page).to_have_url(re.compile(r"/parent/$"))
    expect(page.get_by_role("heading", name=nickname)).to_be_visible()


def child_learns(browser, browser_context_args, family_code: str, content) -> None:
    """Leo, on his phone: signs in with the family code and PIN, reads a lesson, answers questions."""
    context = browser.new_context(**{**browser_context_args, **PHONE})
    try:
        kid = context.new_page()
        kid_errors = errors_of(kid)
        kid.goto("/auth/learner")
        kid.get_by_label("Code").fill(family_code)
        kid.get_by_role("button", name="Next").click()
        kid.get_by_role("link", name="Leo").click()
        for digit in "4321":
            kid.locator(f"[data-pin-pad] [data-digit='{digit}']").click()
        kid.get_by_role("button", name="Sign in").click()
        expect(kid).to_have_url(re.compile(r"/learn$"))
        track = "ages-9-12"
        lesson = content.lesson("loss", track)
        r = kid.evaluate(POST_JSON, ["/api/lessons/loss/progress",
                                     {"track": track, "messages_seen": len(lesson.messages), "completed": True}, None])
        assert r["status"] == 200 and r["body"]["stored"], r
        item = next(i for i in content.items if i.track == track and i.concept == "loss" and i.kind == "choice"
                    and any(not o.correct and o.misconception for o in i.options))
        wrong = next(o for o in item.options if not o.correct and o.misconception)
        right = next(o for o in item.options if o.correct)
        for option in (wrong, right, right):
            r = kid.evaluate(POST_JSON, ["/api/attempts", {"item_id": item.id, "answer": {"option": option.id}},
                                         str(uuid.uuid4())])
            assert r["status"] == 200, r
        assert not kid_errors, kid_errors
    finally:
        context.close()


def look(page, axe, name: str) -> None:
    axe(page, name)
    assert page.evaluate(FITS), f"{name} scrolls sideways"
    assert page.locator("h1").count() == 1, f"{name} has {page.locator('h1').count()} h1"


def test_parent_journey(page, browser, browser_context_args, axe, content):
    errors = errors_of(page)
    page.set_viewport_size(DESKTOP["viewport"])
    email = f"parent-{uuid.uuid4().hex[:8]}@example.org"
    page.goto("/auth/sign-up")
    page.get_by_label("Your name").fill("Robin")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/parent/$"))

    add_child(page, "Mia", "6", "fox", "1234", "Ages 5–8")
    add_child(page, "Leo", "11", "robot", "4321", "Ages 9–12")
    family_code = page.locator(".join-code").inner_text().replace(" ", "")

    child_learns(browser, browser_context_args, family_code, content)

    # The dashboard: both cards, this month's goal, the week, and what to talk about.
    page.reload()
    leo = page.locator(".child-card").filter(has=page.get_by_role("heading", name="Leo"))
    mia = page.locator(".child-card").filter(has=page.get_by_role("heading", name="Mia"))
    expect(leo).to_contain_text("Month 1 of 3: The learning loop")
    expect(leo).to_contain_text("This week: 1 lesson and 3 questions.")
    expect(mia).to_contain_text("Nothing yet this week.")
    expect(leo.get_by_role("heading", name="Talk about it at dinner")).to_be_visible()
    look(page, axe, "parent-01-dashboard")

    # The plan: evidence from Leo's lesson, a note in his words marks month 1 reached.
    leo.get_by_role("link", name="3-month plan for Leo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Leo's 3-month plan"))
    month1 = page.locator("#month-1")
    expect(month1).to_contain_text(f"{content.lesson('loss', 'ages-9-12').title}: Read it to the end")
    expect(month1.locator(".badge")).to_have_text(re.compile("This month"))
    look(page, axe, "parent-02-plan")
    month1.get_by_role("button", name="Mark month 1 as reached").click()  # without his words: refused, kept
    expect(page.locator(".error-summary")).to_contain_text("Write down what your child said")
    expect(page.locator("#month-1 textarea")).to_have_attribute("aria-invalid", "true")
    look(page, axe, "parent-03-plan-error")
    note = page.get_by_label("What did Leo say? (month 1)")
    note.fill("You show it examples, see how wrong it is, fix the weights a bit, and go again.")
    expect(page.locator("#count-month-1")).to_contain_text("characters left")
    note.focus()
    page.keyboard.press("Tab")  # keyboard only: the next stop is the button that marks it
    expect(page.get_by_role("button", name="Mark month 1 as reached")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/plan#month-1$"))
    expect(page.locator("#month-1 .badge")).to_have_text(re.compile("Reached"))
    expect(page.locator("#month-1 blockquote")).to_have_text(
        "You show it examples, see how wrong it is, fix the weights a bit, and go again.")
    look(page, axe, "parent-04-plan-reached")

    # The week: what he did, what he found hard, and questions for dinner.
    page.get_by_role("link", name="This week").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Leo's week"))
    expect(page.locator("main")).to_contain_text("3 questions answered, 2 right (67%)")
    expect(page.locator(".starters li")).to_have_count(3)
    expect(page.get_by_role("heading", name="Mix-ups to talk through")).to_be_visible()
    look(page, axe, "parent-05-week")
    page.get_by_role("link", name="← Week before").click()
    expect(page.get_by_role("heading", name="Nothing recorded this week")).to_be_visible()
    expect(page.get_by_role("link", name="Week after →")).to_be_visible()

    # Export: both files come down with Leo's answers and no secrets.
    page.get_by_role("link", name="Export or delete data").click()
    look(page, axe, "parent-06-data")
    with page.expect_download() as got:
        page.get_by_role("link", name="Everything (JSON)").click()
    exported = json.loads(got.value.path().read_text(encoding="utf-8"))
    assert got.value.suggested_filename == "leo-learning-data.json"
    assert exported["profile"]["nickname"] == "Leo" and len(exported["attempts"]) == 3
    assert exported["milestones"][0]["milestone"] == "month-1"
    assert "pin_hash" not in json.dumps(exported)
    with page.expect_download() as got:
        page.get_by_role("link", name="Answers as a spreadsheet (CSV)").click()
    lines = got.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "time,concept,question,correct,misconception" and len(lines) == 4

    # Delete the learning data: the nickname typed to confirm, then it is gone and the profile stays.
    page.get_by_role("link", name="Delete Leo's learning data").click()
    look(page, axe, "parent-07-delete-confirm")
    page.get_by_role("button", name="Delete the learning data").click()
    expect(page.locator(".error-summary")).to_contain_text("Type Leo to confirm")
    page.get_by_label("Type Leo to confirm").fill("Leo")
    page.get_by_role("button", name="Delete the learning data").click()
    expect(page.locator(".flash-success")).to_contain_text("Leo's learning data is deleted")
    expect(page.locator("main")).to_contain_text("No learning is stored yet.")
    look(page, axe, "parent-08-data-deleted")
    page.get_by_role("link", name="3-month plan").click()
    expect(page.locator("#month-1 .badge")).to_have_text(re.compile("This month"))  # the note went too
    assert not errors, errors

    # The same pages on a phone.
    phone = browser.new_context(**{**browser_context_args, **PHONE})
    try:
        p = phone.new_page()
        phone_errors = errors_of(p)
        p.goto("/auth/sign-in")
        p.get_by_label("E-mail").fill(email)
        p.get_by_label("Password").fill(PASSWORD)
        p.get_by_role("button", name="Sign in").click()
        expect(p).to_have_url(re.compile(r"/parent/$"))
        look(p, axe, "parent-09-dashboard-phone")
        card = p.locator(".child-card").filter(has=p.get_by_role("heading", name="Mia"))
        card.get_by_role("link", name="3-month plan for Mia").click()
        look(p, axe, "parent-10-plan-phone")
        p.get_by_role("link", name="This week").click()
        look(p, axe, "parent-11-week-phone")
        p.get_by_role("link", name="Export or delete data").click()
        look(p, axe, "parent-12-data-phone")
        p.get_by_role("link", name="Remove Mia completely").click()
        look(p, axe, "parent-13-remove-phone")
        p.get_by_role("button", name="Yes, delete Mia").click()
        expect(p).to_have_url(re.compile(r"/parent/$"))
        expect(p.get_by_role("heading", name="Mia")).to_have_count(0)
        assert not phone_errors, phone_errors
    finally:
        phone.close()
