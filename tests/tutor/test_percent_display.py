"""Percents on pages round a half up, as the engine's descriptions, the CSV exports and the pages' scripts do."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("share, shown", [(0.125, "13%"), (0.575, "58%"), (0.565, "57%"), (46 / 80, "58%"),
                                          (0.0, "0%"), (1.0, "100%"), (None, "–")])
def test_the_dashboards_percent_macro_rounds_halves_up(app, share, shown):
    with app.test_request_context("/"):
        template = app.jinja_env.from_string(
            "{% from 'teacher/_macros.html' import percent %}{{ percent(share) }}")
        assert template.render(share=share) == shown


def test_the_percent_filter_is_the_engines(app):
    from engine import percent

    with app.test_request_context("/"):
        render = app.jinja_env.from_string("{{ x | percent }}").render
        assert [render(x=x) for x in (0.125, 0.575, 0.345)] == [str(percent(x)) for x in (0.125, 0.575, 0.345)]
        assert render(x=0.125) == "13"
