"""The fifth review pass on the human-backpropagation role-play, in Chromium:

- on a 390 px phone (and with bigger text) the results are one card per row, every value labelled with its column
  heading, with no sideways scrolling of the page or of a table; Chromium's accessibility tree still has each of them
  as a table (header row, row headings, cells whose names do not repeat the visible labels); on a laptop they are
  ordinary tables, and on a tablet the 13+ update log no longer scrolls either;
- the 9-12 role-play says clue and neuron in the browser too ("Which clue misled you?", the tally's agreement);
- the printable card fits A4 and US Letter: printed to PDF with a browser's usual margins, no page is shrunk to fit
  (Chromium shrinks a page whose content is wider than the paper), and laid out for print at the width inside
  half-inch margins nothing sticks out and no table scrolls.

(The server-side checks of the same review: tests/tutor/test_review_pass5_roleplay.py.)
"""
from __future__ import annotations

import re
import zlib

import pytest
from playwright.sync_api import expect

from tests.browser.test_roleplay import play_with_mouse
from tutor.services import roleplay

TRACKS = ["ages-5-8", "ages-9-12", "ages-13-plus"]

# per results table: [sideways scroll inside its box, its right edge, its heading row's height, cells whose
# ::before does not show their data-label]
RESULT_TABLES = """() => Array.from(document.querySelectorAll('[data-part=results] table')).map(t => {
  const wrap = t.closest('.table-wrap');
  const unlabelled = Array.from(t.querySelectorAll('tbody td')).filter(td =>
    !getComputedStyle(td, '::before').content.includes(td.dataset.label)).length;
  return [wrap.scrollWidth - wrap.clientWidth, t.getBoundingClientRect().right, t.tHead.getBoundingClientRect().height,
          unlabelled]; })"""


def page_fits(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width + 1


def chrome_tables(page, selector: str) -> list[tuple[str, str, list[list[tuple[str, str]]]]]:
    """Each table matching `selector` as Chromium's accessibility tree has it: its role, its name and its rows, each a
    list of (role, name) for its header and data cells."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("Accessibility.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        dom_ids = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]
        tops = [cdp.send("Accessibility.getPartialAXTree", {"nodeId": i, "fetchRelatives": False})["nodes"][0]
                for i in dom_ids]
        nodes = {n["nodeId"]: n for n in cdp.send("Accessibility.getFullAXTree")["nodes"]}
    finally:
        cdp.detach()

    def rows_of(node_id: str, rows: list, row: list | None) -> list:
        node = nodes[node_id]
        role = node.get("role", {}).get("value")
        if role == "row":
            row = []
            rows.append(row)
        elif role in ("columnheader", "rowheader", "cell") and row is not None:
            row.append((role, node.get("name", {}).get("value", "").strip()))
            return rows
        for child in node.get("childIds", []):
            rows_of(child, rows, row)
        return rows

    return [(top["role"]["value"], top.get("name", {}).get("value", ""), rows_of(top["nodeId"], [], None))
            for top in tops]


@pytest.mark.parametrize("track", TRACKS)
def test_on_a_phone_the_results_are_labelled_cards_that_stay_tables_for_screen_readers(open_page, axe, track):
    seed = 3
    page = open_page(f"/activities/human-backprop?track={track}&seed={seed}", "phone")
    expect(page.locator("[data-roleplay]")).to_have_attribute("data-ready", "1")
    play_with_mouse(page, track, seed, rule_text="slang means casual, always, no matter what else")
    expect(page.locator('[data-part="results"]')).to_be_visible()
    expect(page.locator("[data-roleplay]")).to_have_attribute("data-recorded", "stored")

    for bigger_text in (False, True):
        if bigger_text:  # what the header's "Bigger text" button does
            page.evaluate("document.documentElement.classList.add('large-text')")
        assert page_fits(page, 390), f"the page scrolls sideways (bigger text: {bigger_text})"
        tables = page.evaluate(RESULT_TABLES)
        assert len(tables) == (1 if track == "ages-5-8" else 2)
        for overflow, right, heading_row, unlabelled in tables:
            assert overflow <= 1 and right <= 391, f"a results table scrolls sideways (bigger text: {bigger_text})"
            assert heading_row <= 1, "on a phone the heading row is hidden from sight; each value has its label"
            assert unlabelled == 0
    page.screenshot(path=f"screenshots/review5-roleplay-{track}-results-phone.png", full_page=True)

    for role, name, rows in chrome_tables(page, "[data-part=results] table"):
        assert role == "table" and name, "a table, named by its heading"
        heads = [name for _, name in rows[0]]
        assert [r for r, _ in rows[0]] == ["columnheader"] * len(heads)
        assert len(rows) > 1
        for row in rows[1:]:
            assert [r for r, _ in row] == ["rowheader" if row[0][0] == "rowheader" else "cell"] + ["cell"] * (len(heads) - 1)
            for (role, name), head in zip(row, heads):
                assert not name.startswith(head + ":"), f"a screen reader hears the label {head!r} twice"

    if track == "ages-9-12":
        expect(page.locator('[data-sentence="0"] [data-part="verdict"]')).to_contain_text("Which clue misled you?")
        expect(page.locator('[data-part="agree"]')).to_contain_text("the neuron")
        assert "perceptron" not in page.locator("main").inner_text().lower()
    axe(page, f"review5-roleplay-{track}-results-phone")
    assert page.errors == []


@pytest.mark.parametrize(("width", "cards"), [(1280, False), (768, True)])
def test_on_a_laptop_the_results_are_tables_and_on_a_tablet_nothing_scrolls(open_page, width, cards):
    track, seed = "ages-13-plus", 3  # the widest results: six columns of choices and the update log
    page = open_page(f"/activities/human-backprop?track={track}&seed={seed}",
                     viewport={"width": width, "height": 900})
    expect(page.locator("[data-roleplay]")).to_have_attribute("data-ready", "1")
    play_with_mouse(page, track, seed, rule_text="long words mean formal")
    expect(page.locator('[data-part="results"]')).to_be_visible()
    assert page_fits(page, width)
    for overflow, right, heading_row, _ in page.evaluate(RESULT_TABLES):
        assert overflow <= 1 and right <= width
        assert (heading_row <= 1) == cards
    assert page.errors == []


def test_on_a_phone_the_9_12_tally_keeps_each_clues_minus_and_plus_side_by_side(open_page):
    page = open_page("/activities/human-backprop?track=ages-9-12&seed=3", "phone")
    expect(page.locator("[data-roleplay]")).to_have_attribute("data-ready", "1")
    for bigger_text in (False, True):
        if bigger_text:
            page.evaluate("document.documentElement.classList.add('large-text')")
        rows = page.evaluate("""() => Array.from(document.querySelectorAll('[data-tally-row]'), row => {
            const [minus, plus] = Array.from(row.querySelectorAll('.rp-step'), b => b.getBoundingClientRect());
            return [Math.abs(minus.top - plus.top), plus.right, minus.height]; })""")
        assert len(rows) == len(roleplay.roleplay("ages-9-12", 3)["features"])
        for gap, right, height in rows:
            assert gap <= 1, f"− above + instead of beside it (bigger text: {bigger_text})"
            assert right <= 390 and height >= 44, "inside the screen, and a finger-sized target"
        wrap = page.locator(".rp-tally .table-wrap")
        assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth + 1")
        assert page_fits(page, 390)
    page.locator('[data-tally-change="1"][data-feature="slang words"]').click()
    expect(page.locator('[data-tally="slang words"]')).to_have_text("+1")


# ---- the printable card on A4 and US Letter -------------------------------------------------------------------------

PAPER_MM = {"A4": 210.0, "Letter": 215.9}
PDF_MATRIX = re.compile(rb"(-?[\d.]+) 0 0 (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) cm")


def page_scales(pdf: bytes) -> list[float]:
    """How much each printed page was scaled, in PDF points per CSS pixel (0.75 when nothing was shrunk to fit).

    Chromium draws each page's content stream under two matrices, the page's and then the content's; their product
    is 72/96 = 0.75 unless the content was wider than the paper and shrunk to fit it."""
    scales = []
    for start in re.finditer(rb"stream\r?\n", pdf):
        end = pdf.find(b"endstream", start.end())
        try:
            stream = zlib.decompress(pdf[start.end():end])
        except zlib.error:
            continue  # fonts and images
        matrices = PDF_MATRIX.findall(stream[:300])
        if len(matrices) >= 2 and b" re" in stream[:200]:
            scales.append(round(float(matrices[0][0]) * float(matrices[1][0]), 4))
    return scales


# 13+ card 21 takes the perceptron three passes: 24 steps in its weights grid, the most any card has
@pytest.mark.parametrize(("track", "seed"), [("ages-5-8", 3), ("ages-9-12", 3), ("ages-13-plus", 3), ("ages-13-plus", 21)])
def test_the_printable_card_fits_a4_and_us_letter(open_page, track, seed):
    card = open_page(f"/activities/human-backprop/card?track={track}&seed={seed}")
    pages = {}
    for paper in PAPER_MM:
        # A browser's usual margins when a page sets none; the card's own @page margins replace them.
        pdf = card.pdf(format=paper, margin={side: "10mm" for side in ("top", "right", "bottom", "left")})
        pages[paper] = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
        scales = page_scales(pdf)
        assert len(scales) == pages[paper] >= 2, "every page of the PDF was read"
        assert scales == [0.75] * pages[paper], f"{paper}: shrunk to fit something wider than the paper: {scales}"
    # The shorter Letter paper may need one page more (a part that just fits an A4 page moves on), never a split part.
    assert pages["Letter"] <= pages["A4"] + 1, pages

    # Laid out for print inside half-inch margins: nothing wider than the paper, no table cut off at its edge, and
    # every part of the card before the answer key short enough to print whole on one (shorter, Letter) page.
    letter_height = (11 - 1) * 96
    for paper, paper_mm in PAPER_MM.items():
        width = int((paper_mm - 2 * 12.7) / 25.4 * 96)
        card.set_viewport_size({"width": width, "height": 1000})
        card.emulate_media(media="print")
        expect(card.locator(".rp-answer-key")).to_be_visible()
        expect(card.locator("[data-print]")).to_be_hidden()
        assert page_fits(card, width)
        sticking_out = card.evaluate("""w => Array.from(document.querySelectorAll('main *')).filter(e => {
            const box = e.getBoundingClientRect(); return box.width > 0 && (box.right > w + 1 || box.left < -1); })
            .map(e => e.tagName + '.' + e.className)""", width)
        assert sticking_out == [], paper
        assert card.evaluate("""() => Array.from(document.querySelectorAll('.table-wrap'))
            .every(w => w.scrollWidth <= w.clientWidth + 1)"""), paper
        heights = card.evaluate("""() => Array.from(document.querySelectorAll('.rp-card-section:not(.rp-answer-key)'),
            s => [s.querySelector('h2').textContent, s.getBoundingClientRect().height])""")
        too_tall = [(name, round(h)) for name, h in heights if h > letter_height]
        assert too_tall == [], f"{paper}: parts split over two Letter pages: {too_tall}"
        if track == "ages-13-plus":  # on paper the update log stays a compact table, not a card per step
            assert card.locator(".rp-log thead").evaluate("h => h.getBoundingClientRect().height") > 1
        card.screenshot(path=f"screenshots/review5-roleplay-card-{track}-{seed}-{paper}-print.png", full_page=True)
