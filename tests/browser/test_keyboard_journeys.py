"""Keyboard-only journeys: a learner (a lesson with quick replies, "Show me" and the check question; the chat; a quiz;
the matching exercise), a parent (adds a child, opens the week) and a teacher (creates a class, bulk-adds names, opens
the dashboard and sorts the grid). Only Tab, Shift+Tab, Enter, Space, Escape, arrow keys and typing: no clicks.

After every key the focused element must show it (a computed outline at 3:1 against what is behind it, or a
box-shadow, on it or on the label it sits in), and after an action that replaces content the focus must not fall back
to <body>. The demos whose buttons wait for the server are held to the same rule.
"""
from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from viewports import SIZES

from content import load_bank

BANK = load_bank()

# What is focused, and whether a person can see it.
FOCUS = """() => {
  const el = document.activeElement;
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '') +
    (e.textContent ? ' "' + e.textContent.trim().slice(0, 40) + '"' : '');
  if (!el || el === document.body || el === document.documentElement) return {lost: true, shown: false, what: 'body'};
  const rgba = c => (c.match(/[\\d.]+/g) || [0, 0, 0, 0]).map(Number).concat([1]).slice(0, 4);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const behind = e => {  // the colour the outline is drawn on: the first ancestor with a background
    for (let p = e.parentElement; p; p = p.parentElement) {
      const c = rgba(getComputedStyle(p).backgroundColor);
      if (c[3] > 0.5) return c;
    }
    return [255, 255, 255, 1];
  };
  const contrast = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((m, n) => n - m); return (x + 0.05) / (y + 0.05); };
  // An outline counts when it has width and stands out 3:1 from what is behind it (WCAG non-text contrast).
  const marked = e => {
    const s = getComputedStyle(e);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
      && contrast(rgba(s.outlineColor), behind(e)) >= 3;
    return outline || (s.boxShadow && s.boxShadow !== 'none');
  };
  let shown = marked(el);
  if (!shown && (el.type === 'radio' || el.type === 'checkbox')) {
    const label = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`));
    shown = !!label && marked(label);
  }
  return {lost: false, shown, what: name(el)};
}"""

SPEECH_OFF = "if (window.speechSynthesis) { window.speechSynthesis.speak = function () {}; }"


def focus_state(page: Page) -> dict:
    return page.evaluate(FOCUS)


def assert_focus_shown(page: Page, after: str) -> dict:
    state = focus_state(page)
    assert not state["lost"], f"after {after} the focus fell back to <body>"
    assert state["shown"], f"after {after} the focused {state['what']} shows no outline or box-shadow"
    return state


def key(page: Page, name: str, *, navigates: bool = False) -> None:
    """Press one key; unless it opens another page, the focus must stay somewhere visible."""
    if navigates:
        with page.expect_navigation():
            page.keyboard.press(name)
        page.wait_for_load_state()
        return
    on = focus_state(page)["what"]
    page.keyboard.press(name)
    assert_focus_shown(page, f"pressing {name} on {on} ({page.url})")


def focused_matches(page: Page, selector: str, text: str | None = None) -> bool:
    return page.evaluate(
        """([sel, text]) => { const el = document.activeElement;
             return !!el && el.matches(sel) && (!text || (el.textContent || el.value || '').includes(text)); }""",
        [selector, text])


def tab_to(page: Page, selector: str, text: str | None = None, *, back: bool | None = None, limit: int = 150) -> None:
    """Tab (or Shift+Tab when the element comes before the focus) until the focused element matches; every stop on the
    way must show its focus."""
    if back is None:
        back = page.evaluate(
            """([sel, text]) => { const el = document.activeElement;
                 const target = [...document.querySelectorAll(sel)].find(
                   t => !text || (t.textContent || t.value || '').includes(text));
                 return !!(el && el !== document.body && target
                           && (target.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)); }""",
            [selector, text])
    step = "Shift+Tab" if back else "Tab"
    seen: list[str] = []
    wrapped = False
    for _ in range(limit):
        page.keyboard.press(step)
        if not wrapped and focus_state(page)["lost"]:
            wrapped = True  # past the last (or first) control the focus leaves the page; the next Tab comes back
            continue
        state = assert_focus_shown(page, f"{step} on {page.url}")
        seen.append(state["what"])
        if focused_matches(page, selector, text):
            return
    raise AssertionError(f"{step} never reached {selector} {text or ''} on {page.url}; passed: {seen[-12:]}")


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def arrow_to_radio(page: Page, name: str, value: str) -> None:
    """In a radio group (focus on one of its radios), arrow keys until the one with ``value`` is checked."""
    for _ in range(12):
        if page.evaluate("v => document.activeElement.value === v", value):
            if not page.evaluate("() => document.activeElement.checked"):
                key(page, "Space")
            return
        key(page, "ArrowDown")
    raise AssertionError(f"the arrow keys never reached {name}={value}")


@pytest.fixture
def keyboard_page(browser, browser_context_args):
    context = browser.new_context(**{**browser_context_args, **SIZES["desktop"]})
    context.add_init_script(SPEECH_OFF)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


# ---- a learner --------------------------------------------------------------------------------------------------------

def test_learner_by_keyboard_lesson_chat_quiz_and_matching(keyboard_page: Page) -> None:
    page = keyboard_page
    page.goto("/")
    key(page, "Tab")
    assert focused_matches(page, "a.skip-link"), "the first Tab reaches the skip link"
    key(page, "Enter")  # past the menu: the next Tab is in the page's own content
    expect(page.locator("main")).to_be_focused()
    key(page, "Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    tab_to(page, "button.track-button[value='ages-9-12']")
    key(page, "Enter", navigates=True)
    expect(page).to_have_url(re.compile(r"/learn$"))

    # A lesson: quick replies, "Show me", the neuron lab's slider, the check question.
    tab_to(page, "a[href^='/learn/neuron']")
    key(page, "Enter", navigates=True)
    expect(page.locator("#quick-replies")).to_be_visible()
    tab_to(page, "#quick-replies button[data-reply='next']")
    for _ in range(10):
        if page.locator("#quick-replies button[data-reply='show']").count():
            break
        key(page, "Enter")
        expect(page.locator("#quick-replies")).to_be_visible()
        assert_focus_shown(page, "the next message arrived")
    tab_to(page, "#quick-replies button[data-reply='show']")
    key(page, "Enter")
    lab = page.locator("[data-demo='neuron-lab']")
    expect(lab).to_be_visible()
    expect(page.locator("#quick-replies")).to_be_visible()
    assert_focus_shown(page, "the demo opened")
    output = lab.locator("[data-part='a']")
    expect(output).not_to_have_text("…")
    before = output.inner_text()
    tab_to(page, "[data-demo='neuron-lab'] input[data-input='w1']")
    for _ in range(6):
        key(page, "ArrowRight")
    expect(output).not_to_have_text(before)
    tab_to(page, "#quick-replies button[data-reply='example']")
    key(page, "Enter")
    expect(page.locator("#conversation [data-extra]").first).to_be_visible()
    expect(page.locator("#quick-replies")).to_be_visible()
    assert_focus_shown(page, "the example arrived")
    tab_to(page, "#quick-replies button[data-reply='skip']")
    key(page, "Enter")
    expect(page.locator("#check-h")).to_be_focused()
    assert_focus_shown(page, "jumping to the check question")
    check = BANK.lesson("neuron", "ages-9-12").check
    if check.kind == "order":  # each step moved up to its place with its own "Move up" button and Enter
        for place, step in enumerate(check.steps):
            tab_to(page, f"#check-form .order-step[data-step='{step.id}'] .order-move[data-move='-1']")
            for _ in range(len(check.steps)):
                order = page.locator("#check-form .order-step").evaluate_all("els => els.map(e => e.dataset.step)")
                if order.index(step.id) == place:
                    break
                key(page, "Enter")
    else:
        right = next(o for o in check.options if o.correct)
        tab_to(page, "#check-form input[name=option]")
        arrow_to_radio(page, "option", right.id)
    tab_to(page, "#check-form button[type=submit]")
    key(page, "Enter")
    feedback = page.locator("#check-feedback")
    expect(feedback).to_be_focused()
    expect(feedback).to_have_class(re.compile("right"))

    # The chat: from the menu, a question typed and sent with Enter, then "How did you understand me?".
    tab_to(page, "nav a[href='/chat/']")
    key(page, "Enter", navigates=True)
    tab_to(page, "#chat-input, textarea, input[type=text]")
    page.keyboard.type("why does it go backwards??")
    key(page, "Enter")
    expect(page.locator(".bubble.tutor").nth(1)).to_contain_text("Backpropagation")
    assert_focus_shown(page, "the chat's answer arrived")
    tab_to(page, "#chat-chips .chip", "How did you understand me?")
    key(page, "Enter")
    expect(page.locator(".bubble.tutor").nth(1).locator("details.how")).to_have_attribute("open", "")

    # A quiz: every question answered from the keyboard, to the results.
    tab_to(page, "nav a[href='/practice/']")
    key(page, "Enter", navigates=True)
    quiz = "quiz-9-12-ai-and-you"
    tab_to(page, f"a[href='/practice/{quiz}']")
    key(page, "Enter", navigates=True)
    for number in range(len(BANK.quiz_items(quiz))):
        card = page.locator("section.question")
        expect(card).to_be_visible()
        if number:  # the first is where the page starts; each later one takes the focus from "Next question"
            expect(card.locator(".question-prompt")).to_be_focused()
            assert_focus_shown(page, f"question {number + 1} appeared")
        answer_by_keyboard(page, card.get_attribute("data-kind"))
        tab_to(page, "section.question .submit-answer")
        key(page, "Enter")
        expect(page.locator(".next-question")).to_be_focused()
        assert_focus_shown(page, f"question {number + 1}'s feedback appeared")
        key(page, "Enter")
    expect(page.locator(".quiz-summary h2")).to_be_focused()
    assert_focus_shown(page, "the results appeared")

    # The matching exercise: pick a term, arrow over to its meaning, Enter; every term paired.
    ms = BANK.matching_set("ages-9-12")
    page.goto(f"/practice/match:{ms.id}")
    expect(page.locator(".matching")).to_be_visible()
    tab_to(page, ".match-term")
    match_all_by_keyboard(page, ms.pairs)
    tab_to(page, ".submit-answer")
    key(page, "Enter")
    expect(page.locator(".feedback-title")).to_contain_text("Right")
    expect(page.locator(".next-question")).to_be_focused()
    assert_focus_shown(page, "the matching feedback appeared")


def answer_by_keyboard(page: Page, kind: str) -> None:
    """Give an answer to the question on screen (focus on its prompt) with keys only."""
    if kind in ("choice", "truefalse"):
        tab_to(page, "section.question input[type=radio]")
        key(page, "Space")
    elif kind == "multi":
        tab_to(page, "section.question input[type=checkbox]")
        key(page, "Space")
        key(page, "Tab")
        key(page, "Space")
    elif kind == "numeric":
        type_into(page, "section.question input[type=text], section.question input[inputmode]", "0.5")
    elif kind == "order":
        tab_to(page, "section.question .move-down:not([disabled])")
        key(page, "Enter")
    elif kind == "matching":
        tab_to(page, "section.question .match-term")
        match_all_by_keyboard(page, None)
    else:
        raise AssertionError(f"no keyboard answer for {kind!r}")


def match_all_by_keyboard(page: Page, pairs: dict[str, str] | None) -> None:
    """Focus on a term: Enter picks it, ArrowRight goes to the meanings, arrows find the one wanted (or stay), Enter
    pairs them and the focus moves on to the next term."""
    terms = page.locator(".match-term")
    for _ in range(terms.count()):
        term = page.evaluate("() => document.activeElement.dataset.term")
        assert term, f"the focus is on {focus_state(page)['what']}, not a term"
        key(page, "Enter")
        key(page, "ArrowRight")
        if pairs:
            goal = pairs[term]
            for _ in range(12):
                if page.evaluate("g => document.activeElement.dataset.definition === g", goal):
                    break
                key(page, "ArrowDown")
            else:
                for _ in range(12):
                    if page.evaluate("g => document.activeElement.dataset.definition === g", goal):
                        break
                    key(page, "ArrowUp")
        key(page, "Enter")
        if page.locator(".pair-list .pair").count() == terms.count():
            return
    expect(page.locator(".pair-list .pair")).to_have_count(terms.count())


# ---- a parent ---------------------------------------------------------------------------------------------------------

def test_parent_by_keyboard_adds_a_child_and_opens_the_week(keyboard_page: Page) -> None:
    page = keyboard_page
    page.goto("/auth/sign-up")
    type_into(page, "#display_name", "Priya")
    type_into(page, "#email", f"parent-{uuid.uuid4().hex[:8]}@example.org")
    type_into(page, "#password", "a long family password")
    key(page, "Enter", navigates=True)
    expect(page).to_have_url(re.compile(r"/parent/$"))

    tab_to(page, "main a", "Add a child")
    key(page, "Enter", navigates=True)
    type_into(page, "#nickname", "Arun")
    tab_to(page, "input[name=avatar]")
    arrow_to_radio(page, "avatar", "fox")
    type_into(page, "#age", "10")
    expect(page.get_by_label("Ages 9–12")).to_be_checked()
    type_into(page, "#pin", "4321")
    tab_to(page, "button[data-go]")
    key(page, "Enter", navigates=True)
    expect(page).to_have_url(re.compile(r"/parent/$"))
    expect(page.get_by_role("heading", name="Arun")).to_be_visible()

    tab_to(page, "a[href$='/week']")
    key(page, "Enter", navigates=True)
    expect(page).to_have_url(re.compile(r"/parent/children/\d+/week$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Arun")


# ---- a teacher --------------------------------------------------------------------------------------------------------

def test_teacher_by_keyboard_creates_a_class_adds_names_and_sorts_the_grid(keyboard_page: Page) -> None:
    page = keyboard_page
    page.goto("/auth/sign-up")
    tab_to(page, "input[name=role]")
    arrow_to_radio(page, "role", "teacher")
    type_into(page, "#display_name", "Mr Okafor")
    type_into(page, "#email", f"teacher-{uuid.uuid4().hex[:8]}@example.org")
    type_into(page, "#password", "a long teacher password")
    key(page, "Enter", navigates=True)
    expect(page).to_have_url(re.compile(r"/teacher/$"))

    tab_to(page, "main a", "Create a class")
    key(page, "Enter", navigates=True)
    tab_to(page, "main input[type=text]")
    page.keyboard.type("Class 6C")
    tab_to(page, "input[name=track]")
    arrow_to_radio(page, "track", "ages-9-12")
    tab_to(page, "main button[type=submit]", "Create class")
    key(page, "Enter", navigates=True)
    expect(page.get_by_role("heading", level=1)).to_have_text("Class 6C")

    tab_to(page, "textarea")
    page.keyboard.type("Ava\nBen\nChloe\nDev")
    tab_to(page, "main button", "Add learners")
    key(page, "Enter", navigates=True)
    for name in ("Ava", "Ben", "Chloe", "Dev"):
        expect(page.locator("#roster").get_by_role("rowheader", name=name)).to_be_visible()

    tab_to(page, "a[href$='/dashboard']")
    key(page, "Enter", navigates=True)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Class 6C")
    grid = page.locator("table.mastery-grid")
    tab_to(page, "th[data-sort-key='name'] button")
    header = grid.locator("th[data-sort-key='name']")
    first = header.get_attribute("aria-sort")
    key(page, "Enter")
    expect(header).to_have_attribute("aria-sort", "descending" if first == "ascending" else "ascending")
    names = grid.locator("tbody th").all_inner_texts()
    assert names == sorted(names, reverse=header.get_attribute("aria-sort") == "descending")
    tab_to(page, "th[data-sort-key='total'] button")
    key(page, "Enter")
    expect(grid.locator("th[data-sort-key='total']")).to_have_attribute("aria-sort", "descending")
    expect(header).not_to_have_attribute("aria-sort", re.compile("."))


# ---- demos whose buttons wait for the network --------------------------------------------------------------------------

def test_demo_buttons_keep_the_focus_while_they_wait(keyboard_page: Page) -> None:
    page = keyboard_page
    # The learning-loop stepper: five stages, then a new round from the server; "Next step" keeps the focus throughout.
    page.goto("/demos/loop-stepper?track=ages-9-12")
    stepper = page.locator("[data-demo='loop-stepper']")
    expect(stepper).to_have_attribute("data-demo-ready", "1")
    tab_to(page, "[data-demo='loop-stepper'] [data-part='next']")
    for _ in range(7):
        key(page, "Enter")
        expect(stepper.locator("[data-part='next']")).to_be_focused()
        expect(stepper.locator("[data-part='next']")).not_to_have_attribute("aria-disabled", "true")
    key(page, "Tab")
    key(page, "Enter")  # ten rounds at once
    expect(stepper.locator("[data-part='skip']")).to_be_focused()
    expect(stepper.locator("[data-part='skip']")).not_to_have_attribute("aria-disabled", "true")
    assert_focus_shown(page, "ten rounds arrived")

    # Guess and fix: dig spot after spot until the treasure is found; the robot's turn takes the focus, and when its
    # last round is shown the focus moves to "Play again" instead of being lost with the finished button.
    page.goto("/demos/guess-and-fix?track=ages-5-8")
    game = page.locator("[data-demo='guess-and-fix']")
    expect(game).to_have_attribute("data-demo-ready", "1")
    robot_go = game.locator("[data-part='robot-go']")
    tab_to(page, "[data-demo='guess-and-fix'] [data-spot='1']")
    for spot in range(1, 11):
        key(page, "Enter")
        expect(game.locator(f"[data-spot='{spot}']")).to_have_attribute("data-hint", re.compile("."))
        if robot_go.is_enabled():
            break
        key(page, "Tab")
    expect(robot_go).to_be_focused()
    key(page, "Enter")
    robot_next = game.locator("[data-part='robot-next']")
    expect(robot_next).to_be_focused()
    for _ in range(60):
        if robot_next.is_disabled():
            break
        key(page, "Enter")
    expect(game.locator("[data-part='again']")).to_be_focused()
    assert_focus_shown(page, "the robot's last round")
