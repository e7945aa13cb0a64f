"""Review pass 5, grown-ups' side: defects a teacher met on a phone and on a new class's dashboard, each with the test
that would have caught it.

- the mastery chart's concept names took half of its width on a phone, and the chart scrolled sideways: each
  dashboard chart is now also drawn for a phone's width (the engine's layout="narrow", 3.3 inches), the mastery
  chart with each name above its own bar, and the page offers that drawing below its phone breakpoint;
- on a laptop the mastery chart's legend was 9 pt (about 9 px in its column) and long names pushed it off the edge;
- a new class's charts said "What Is a Neural Network? has the most at Mastered (0)", and its activity axis ran
  from -0.04 to 0.04 answers a day;
- "New code" broke every printed join sheet and sign-in card in one tap: it now opens a page saying so first;

What a person sees of the same fixes in a browser is in tests/browser/test_review_pass5_grownups.py.
"""
# ruff: noqa: F811 - the tests take the shared fixtures imported below by name
from __future__ import annotations

import base64
import itertools
import re

import matplotlib
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from engine import plots
from tests.tutor.test_accounts import post_form
from tests.tutor.test_review_pass3_grownups import store  # noqa: F401 - fixture, shared
from tests.tutor.test_review_pass4_grownups import create_class, teacher  # noqa: F401 - fixture, shared
from tutor.models import Classroom, Learner

CONCEPTS = ["What Is a Neural Network?", "The Neuron", "Neural Networks All Around You",
            "Backpropagation: Tracing Mistakes Backwar", "Loss"]  # the last but one: as long as short_title() allows
COUNTS = [[0, 5, 9, 6, 0], [0, 0, 9, 11, 0], [16, 0, 0, 4, 0], [3, 2, 8, 6, 1], [1, 4, 1, 13, 1]]
BODY_PT = 11  # the engine's body text size (plots.STYLE)


def drawn(function, **params):
    """(figure, description, renderer) of an engine plot function, drawn as the engine draws it."""
    with plots._DRAWING, matplotlib.rc_context(plots.STYLE):
        fig, description = function.__wrapped__(0, **params)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        return fig, description, canvas.get_renderer()


def texts(fig) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def check_every_text_is_whole_and_readable(fig, renderer) -> None:
    for t in texts(fig):
        assert t.get_fontsize() >= BODY_PT, f"{t.get_text()!r} is {t.get_fontsize()} pt"
    drawn_box = fig.get_tightbbox(renderer)  # inches: everything drawn, names, legend and tick labels included
    width, height = fig.get_size_inches()
    assert (drawn_box.x0 >= -0.01 and drawn_box.y0 >= -0.01 and drawn_box.x1 <= width + 0.01
            and drawn_box.y1 <= height + 0.01), f"something is cut off at the chart's edge: {drawn_box} in {width}x{height}"


# ---- 1. the mastery chart on a phone ----------------------------------------------------------------------------

def test_the_phone_mastery_chart_gives_the_bars_the_width_and_puts_each_name_above_its_bar():
    fig, description, renderer = drawn(plots.mastery_distribution, concepts=CONCEPTS, counts=COUNTS,
                                       layout="narrow")
    # 3.3 inches is 317 CSS px: a 390 px phone's content column shows it at its drawn size, 11 pt at about 14 px
    assert fig.get_figwidth() == pytest.approx(3.3)
    ax = fig.axes[0]
    assert ax.get_position().width >= 0.85, "the bars do not get the chart's width"
    check_every_text_is_whole_and_readable(fig, renderer)

    names = {t.get_text().replace("\n", " "): t.get_window_extent(renderer) for t in ax.texts}
    assert list(names) == CONCEPTS  # every name in full (wrapped, never shortened), in order
    segments: dict[float, list] = {}  # the stacked segments of one concept share a y
    for patch in ax.patches:
        e = patch.get_window_extent(renderer)
        segments.setdefault(round(e.y0, 1), []).append(e)
    bars = [Bbox.union(s) for s in segments.values()]  # each concept's whole bar, in display coordinates
    tops = sorted(bars, key=lambda e: -e.y1)  # the first concept is drawn on top
    assert len(tops) == len(CONCEPTS)
    for k, (name, extent) in enumerate(names.items()):
        bar = tops[k]
        assert extent.y0 >= bar.y1 - 1, f"{name!r} is not above its bar"
        assert k == 0 or extent.y1 <= tops[k - 1].y0 + 1, f"{name!r} runs into the bar above it"
        assert abs(extent.x0 - bar.x0) <= 0.05 * ax.bbox.width, f"{name!r} does not start where its bar starts"
    # the same sentence for screen readers as the wide chart's
    assert description == plots.render("mastery-distribution", concepts=CONCEPTS, counts=COUNTS)[1]


def test_the_laptop_mastery_chart_keeps_its_legend_and_names_inside_and_readable():
    fig, _, renderer = drawn(plots.mastery_distribution, concepts=CONCEPTS, counts=COUNTS)
    check_every_text_is_whole_and_readable(fig, renderer)  # the legend was 9 pt, and "Mastered" fell off the edge
    assert fig.axes[0].get_position().width >= 0.6, "long names take the bars' room (they wrap now)"


def test_the_phone_activity_chart_shows_four_dates_that_do_not_run_into_each_other():
    days = [f"2026-11-{d:02d}" for d in range(3, 31)]
    fig, _, renderer = drawn(plots.activity, days=days, attempts=[3] * 28, correct=[2] * 28, layout="narrow")
    assert fig.get_figwidth() == pytest.approx(3.3)
    check_every_text_is_whole_and_readable(fig, renderer)
    labels = [t for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert 3 <= len(labels) <= 4
    extents = sorted((t.get_window_extent(renderer) for t in labels), key=lambda e: e.x0)
    assert all(a.x1 + 4 <= b.x0 for a, b in itertools.pairwise(extents)), "the dates touch"


def test_a_layout_that_does_not_exist_is_refused_in_words():
    with pytest.raises(ValueError, match="layout must be one of wide, narrow"):
        plots.render("mastery-distribution", concepts=["a"], counts=[[1, 0, 0, 0, 0]], layout="tiny")


def _svg(data_uri: str) -> str:
    return base64.b64decode(data_uri.removeprefix("data:image/svg+xml;base64,")).decode()


FIGURE = re.compile(r'<figure class="plot plot-narrow" aria-labelledby="([\w-]+)-cap">(.*?)</figure>', re.DOTALL)


def test_the_dashboard_and_learner_page_offer_each_chart_drawn_for_a_phone(teacher, store):
    classroom = create_class(teacher)
    post_form(teacher, f"/teacher/classes/{classroom}/learners", {"names": "Ben\nChloé"})
    ben = store.one(Learner, Learner.nickname == "Ben").id
    for path, count in ((f"/teacher/classes/{classroom}/dashboard", 2),
                        (f"/teacher/classes/{classroom}/learners/{ben}", 1)):
        html = teacher.get(path).get_data(as_text=True)
        figures = FIGURE.findall(html)
        assert len(figures) == count == html.count('<figure class="plot'), path
        for _, figure in figures:
            narrow = re.search(r'<source media="\(max-width: 44rem\)" srcset="(data:image/svg\+xml;base64,[^"]+)">',
                               figure).group(1)
            wide = re.search(r'<img src="(data:image/svg\+xml;base64,[^"]+)" alt="([^"]+)">', figure)
            assert 'width="237.6pt"' in _svg(narrow) and 'width="504pt"' in _svg(wide.group(1))
            # one text alternative for both drawings, and the description under the chart, as before
            caption = re.search(r"<figcaption[^>]*><strong>([^<]+)\.</strong> ([^<]+)</figcaption>", figure)
            assert wide.group(2) == f"{caption.group(1)}: {caption.group(2)}"
            # it fits a phone, so there is nothing to swipe, and its frame is no Tab stop (teacher.js adds one
            # if it ever scrolls)
            assert "plot-swipe" not in figure
            frame = re.search(r'<div class="plot-scroll"[^>]*>', figure).group(0)
            assert "tabindex" not in frame and 'role="region"' in frame and "data-scroll-frame" in frame


# ---- 2. a new class's charts ------------------------------------------------------------------------------------

def test_a_new_class_mastery_chart_says_nobody_is_there_yet_instead_of_naming_a_concept():
    description = plots.render("mastery-distribution", concepts=["a", "b", "c"], counts=[[3, 0, 0, 0, 0]] * 3)[1]
    assert description == ("Across 3 concepts and up to 3 learners, nobody is at Mastered, every concept has 3 at "
                           "Not started, and 0% of all learner-concept pairs are at Good at it or above.")
    tied = plots.render("mastery-distribution", concepts=["a", "b", "c"],
                        counts=[[1, 0, 0, 0, 2], [1, 0, 0, 0, 2], [3, 0, 0, 0, 0]])[1]
    assert tied.startswith("Across 3 concepts and up to 3 learners, 2 concepts share the most at Mastered (2 each), "
                           "c has the most at Not started (3), and")


def test_a_new_class_activity_axis_counts_whole_answers_from_zero():
    days = [f"2026-11-{d:02d}" for d in range(1, 29)]
    for layout in plots.LAYOUTS:
        fig, _, _ = drawn(plots.activity, days=days, attempts=[0] * 28, layout=layout)
        ax = fig.axes[0]
        assert ax.get_ylim() == (0, 1)
        assert all(float(t).is_integer() for t in ax.get_yticks() if 0 <= t <= 1)


def test_a_new_class_dashboard_caption_names_no_concept_as_the_most_mastered(teacher):
    classroom = create_class(teacher)
    post_form(teacher, f"/teacher/classes/{classroom}/learners", {"names": "Ben\nChloé"})
    html = teacher.get(f"/teacher/classes/{classroom}/dashboard").get_data(as_text=True)
    assert "has the most at Mastered (0)" not in html
    assert "nobody is at Mastered, every concept has 2 at Not started" in html


# ---- 3. a new join code only after saying what it breaks ---------------------------------------------------------

def test_new_code_first_says_what_it_breaks_then_makes_the_code(teacher, store):
    classroom = create_class(teacher)
    page = teacher.get(f"/teacher/classes/{classroom}").get_data(as_text=True)
    # a link to the page that explains, not a button that changes the code in one tap
    assert re.search(rf'<a class="button secondary" href="/teacher/classes/{classroom}/code">New code</a>', page)
    assert f'action="/teacher/classes/{classroom}/code"' not in page

    old = store.one(Classroom, Classroom.id == classroom).join_code
    r = teacher.get(f"/teacher/classes/{classroom}/code")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert old in html and "print them again" in html and "Nobody loses anything" in html
    assert f'<form method="post" action="/teacher/classes/{classroom}/code"' in html
    assert f'href="/teacher/classes/{classroom}">No, keep {old}</a>' in html
    assert store.one(Classroom, Classroom.id == classroom).join_code == old  # looking changes nothing

    r = post_form(teacher, f"/teacher/classes/{classroom}/code")
    assert r.status_code == 302
    assert store.one(Classroom, Classroom.id == classroom).join_code != old
