"""The chat's "How did you understand me?" panel draws the tutor's own network (issue 5): an SVG with the words that
mattered, the hidden units that switched on and the outputs with their confidence. Every number drawn must be the
reply's own (compared with the POST /api/chat response the page received), the picture must fit a phone, keep its
text readable and apart, work with bigger text and high contrast, and pass axe."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_chat_page import choose_track
from viewports import SIZES

from engine import percent
from tests.browser.conftest import SCREENSHOTS

# Geometry of every text in the drawing, in CSS pixels, and the drawing's own box and scale.
READ_DRAWING = """svg => {
  const box = svg.getBoundingClientRect();
  const scale = box.width / svg.viewBox.baseVal.width;
  const texts = [...svg.querySelectorAll('text')].map(t => {
    const r = t.getBoundingClientRect();
    return {text: [...t.querySelectorAll('tspan')].map(s => s.textContent).join(' ') || t.textContent,
            left: r.left, right: r.right, top: r.top, bottom: r.bottom,
            px: parseFloat(t.getAttribute('font-size') || svg.getAttribute('font-size')) * scale};
  });
  const outputs = [...svg.querySelectorAll('.how-out')].map(g => ({
    topic: g.dataset.topic, chosen: g.classList.contains('chosen'),
    label: [...g.querySelectorAll('.how-out-label tspan')].map(s => s.textContent).join(' '),
    percent: g.querySelector('.how-out-pct').textContent}));
  return {box: {left: box.left, right: box.right, top: box.top, bottom: box.bottom, width: box.width},
          texts, outputs, scale,
          words: [...svg.querySelectorAll('.how-in')].map(g => g.dataset.word),
          units: svg.querySelectorAll('.how-unit').length, lit: svg.querySelectorAll('.how-unit.on').length,
          animations: svg.getAnimations({subtree: true}).length,
          title: svg.querySelector('title').textContent, desc: svg.querySelector('desc').textContent,
          labelledby: svg.getAttribute('aria-labelledby'), role: svg.getAttribute('role')};
}"""


def js_percent(x: float) -> str:
    """The page's percent(): halves round up, as engine.percent rounds them (unlike Python's round)."""
    return f"{percent(x)}%"


def ask_and_open(page, question: str, nth: int) -> tuple[dict, object]:
    """Ask by typing, capture the page's own POST /api/chat reply, open the reply's how panel; (reply, svg)."""
    with page.expect_response(lambda r: r.url.endswith("/api/chat") and r.request.method == "POST") as info:
        page.get_by_role("textbox").fill(question)
        page.get_by_role("textbox").press("Enter")
    reply = info.value.json()
    bubble = page.locator(".bubble.tutor").nth(nth)
    expect(bubble).to_be_visible()
    panel = bubble.locator("details.how")
    panel.locator("summary").click()
    expect(panel).to_have_attribute("open", "")
    svg = panel.locator("svg.how-drawing")
    expect(svg).to_be_visible()
    return reply, svg


def check_drawing(svg, reply: dict, viewport_width: int, young: bool) -> dict:
    how = reply["how"]
    d = svg.evaluate(READ_DRAWING)

    # Named for screen readers, with the numbers in words.
    assert d["role"] == "img"
    title_id, desc_id = d["labelledby"].split()
    assert svg.locator(f"#{title_id}").count() == 1 and svg.locator(f"#{desc_id}").count() == 1
    assert d["title"].strip()
    for t in how["top"]:
        assert f"{t['title']} {js_percent(t['confidence'])}" in d["desc"]
    assert f"{how['active_hidden']} of" in d["desc"] or f"{how['active_hidden']} of them" in d["desc"]

    # Outputs: the reply's top three, then "not about networks", with the reply's percentages.
    expected = [(t["topic"], t["title"], js_percent(t["confidence"])) for t in how["top"]]
    expected.append(("other", "Not about networks", js_percent(how["other"])))
    assert [(o["topic"], o["label"], o["percent"]) for o in d["outputs"]] == expected

    # The highlighted output is the reply's choice: its topic, "not about networks" when off-topic, none when unsure.
    chosen = [o["topic"] for o in d["outputs"] if o["chosen"]]
    if reply["topic"]:
        assert chosen == [reply["topic"]]
    elif reply["status"] == "off-topic":
        assert chosen == ["other"]
    else:
        assert chosen == []

    # Input words and hidden units come from the reply.
    assert d["words"] == [w["text"] for w in how["words"]]
    assert d["units"] == how["network"]["sizes"][1]
    assert d["lit"] == how["active_hidden"]
    total = how["network"]["sizes"][1]
    texts = [t["text"] for t in d["texts"]]
    if young:
        assert f"{how['active_hidden']} of {total} helpers switched on" in texts
    else:
        assert any(t.startswith(f"{how['active_hidden']} of {total} hidden ") and t.endswith(" units active")
                   for t in texts), texts
    assert any(js_percent(how["threshold"]) in t for t in texts), "the not-sure line's value is written"

    # Fits the window, every text inside the picture, none on top of another, none tiny; nothing moves.
    assert d["box"]["left"] >= 0 and d["box"]["right"] <= viewport_width + 0.5, d["box"]
    for t in d["texts"]:
        assert t["left"] >= d["box"]["left"] - 1 and t["right"] <= d["box"]["right"] + 1, ("cut off", t)
        assert t["top"] >= d["box"]["top"] - 1 and t["bottom"] <= d["box"]["bottom"] + 1, ("cut off", t)
        assert t["px"] >= 12, ("too small to read", t)
    for i, a in enumerate(d["texts"]):
        for b in d["texts"][i + 1:]:
            overlap = min(a["right"], b["right"]) - max(a["left"], b["left"]) > 1 and \
                min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 1
            assert not overlap, ("texts overlap", a, b)
    assert d["animations"] == 0
    return d


def shoot(page, svg, name: str) -> None:
    """A viewport screenshot with the drawing at the top (under the sticky question box otherwise)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    svg.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


@pytest.mark.parametrize("size", list(SIZES))
def test_how_panel_draws_the_replys_network(size, open_page, axe):
    page = open_page("/", size, reduced_motion="reduce")
    choose_track(page, "ages-9-12")
    page.goto("/chat/")
    width = SIZES[size]["viewport"]["width"]

    reply, svg = ask_and_open(page, "why does it go backwards??", 1)
    assert reply["how"] and reply["topic"], reply
    check_drawing(svg, reply, width, young=True)
    # The drawing adds to the text explanation, which stays.
    panel = page.locator(".bubble.tutor").nth(1).locator("details.how")
    expect(panel.locator(".how-top li")).to_have_count(4)
    expect(panel).to_contain_text("How sure I was")
    shoot(page, svg, f"chat-how-{size}")

    # A question that is not about networks: the picture follows the reply's own decision.
    other, other_svg = ask_and_open(page, "who won the cup final", 2)
    check_drawing(other_svg, other, width, young=True)

    axe(page, f"chat-how-{size}-axe")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, "the page scrolls sideways"

    if size == "desktop":
        # Narrowing the window redraws the picture for the new width, still inside it.
        before = svg.get_attribute("data-width")
        page.set_viewport_size({"width": 390, "height": 844})
        expect(svg).not_to_have_attribute("data-width", before)
        check_drawing(svg, reply, 390, young=True)
    assert not page.errors, page.errors


def test_teen_wording_and_reading_preferences_on_a_phone(open_page, axe):
    """13+: "hidden ReLU units"; then bigger text and high contrast (the site's own switches) still fit a phone."""
    page = open_page("/", "phone")
    choose_track(page, "ages-13-plus")
    page.goto("/chat/")
    reply, svg = ask_and_open(page, "how do the weights change when it learns", 1)
    before = check_drawing(svg, reply, 390, young=False)
    font_before = float(svg.get_attribute("font-size"))
    shoot(page, svg, "chat-how-phone-13plus")

    page.get_by_role("button", name="Bigger text").click()
    page.get_by_role("button", name="High contrast").click()
    expect(page.locator("html")).to_have_class("large-text high-contrast")
    expect(svg).not_to_have_attribute("font-size", str(font_before).removesuffix(".0"))
    after = check_drawing(svg, reply, 390, young=False)
    # The bigger text reaches the picture: redrawn with the larger font. On a phone the three columns then need
    # more room than the window has, so the picture is scaled to fit, but its text never gets smaller.
    assert float(svg.get_attribute("font-size")) > font_before
    assert min(t["px"] for t in after["texts"]) >= min(t["px"] for t in before["texts"]) - 0.01
    fill = svg.locator(".how-bar-fill").first.evaluate("e => getComputedStyle(e).fill")
    assert fill in ("rgb(0, 0, 0)", "#000"), fill
    shoot(page, svg, "chat-how-phone-13plus-large-contrast")
    axe(page, "chat-how-phone-13plus-large-contrast-axe")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
    assert not page.errors, page.errors
