"""Plots and worked examples served from the engine, cached by their parameters."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from engine import plots as engine_plots


def test_plot_svg_is_the_engines_plot(client):
    r = client.get("/plots/loss-curves.svg?seed=3")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    ET.fromstring(r.data)  # parses as SVG/XML
    svg, description = engine_plots.render("loss-curves", seed="3")
    assert r.get_data(as_text=True) == svg
    info = client.get("/api/plots/loss-curves?seed=3").get_json()
    assert info["description"] == description and info["url"].startswith("/plots/loss-curves.svg")


def test_same_parameters_render_once(app, client, monkeypatch):
    calls = []
    original = engine_plots.render

    def counting(name, **params):
        calls.append((name, params))
        return original(name, **params)

    monkeypatch.setattr(engine_plots, "render", counting)
    for _ in range(3):
        assert client.get("/plots/activations.svg?seed=5").status_code == 200
    assert client.get("/plots/activations.svg?seed=6").status_code == 200
    assert len(calls) == 2


def test_bad_plot_requests_are_4xx(client):
    assert client.get("/plots/no-such-plot.svg").status_code == 404
    assert client.get("/plots/network.svg?seed=abc").status_code == 422
    assert client.get("/plots/network.svg?nonsense=1").status_code == 422
    r = client.get("/api/plots/network?seed=-1")
    assert r.status_code == 422 and r.get_json()["error"]["message"]
    assert client.get("/plots/network.svg?seed=" + "9" * 500).status_code == 422


def test_a_class_asking_at_once_for_a_new_plot_gets_it_rendered_once(app, monkeypatch):
    """Threads of one worker asking together for a plot nobody asked for yet: one renders, the others wait for it."""
    import threading
    import time

    calls, started = [], threading.Barrier(8)
    original = engine_plots.render

    def slow_counting(name, **params):
        calls.append((name, params))
        time.sleep(0.2)  # long enough that every other thread arrives while the first one is still drawing
        return original(name, **params)

    monkeypatch.setattr(engine_plots, "render", slow_counting)
    statuses, bodies = [], []

    def ask() -> None:
        client = app.test_client()
        started.wait()
        r = client.get("/plots/descent-path.svg?seed=77")
        statuses.append(r.status_code)
        bodies.append(r.data)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 8 and len(set(bodies)) == 1 and len(calls) == 1
