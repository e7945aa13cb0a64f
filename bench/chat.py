"""Chat reply time: p50/p99 per message over the bank's held-out questions, in-process (the service function) and
through the Flask test client (POST /api/chat), plus how long `tutor chat train` takes. Prints ratios, asserts nothing.
The recogniser keeps its reading of the last few hundred messages (so a reply's recognise() and explain() share one);
that cache is emptied before each phase, so every message is measured as new.

Run: .venv/bin/python bench/chat.py
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)  # bench/engine.py would otherwise shadow the engine package


def percentiles(samples: list[float]) -> str:
    ms = np.array(samples) * 1000
    return f"p50 {np.percentile(ms, 50):7.2f} ms   p99 {np.percentile(ms, 99):7.2f} ms   mean {statistics.fmean(ms):7.2f} ms"


def main() -> None:
    from content import load_bank
    from tutor import create_app
    from tutor import recogniser as rec
    from tutor.db import upgrade_database
    from tutor.services import chat

    content = load_bank()
    questions = [q for qs in content.chat.held_out.values() for q in qs] + list(content.chat.off_topic)
    folder = tempfile.mkdtemp()
    url = f"sqlite:///{folder}/bench.db"
    upgrade_database(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True, "CONTENT_BANK": content})

    recogniser = rec.shipped()
    recogniser.recognise("warm up")
    recogniser._readings.clear()
    t = []
    for q in questions:
        start = time.perf_counter()
        recogniser.recognise(q)
        t.append(time.perf_counter() - start)
    print(f"recognise only       ({len(t)} messages): {percentiles(t)}")
    recognise_p50 = float(np.percentile(t, 50))

    with app.app_context():
        for q in questions:  # warm up: plot descriptions and lesson message features are cached per process
            chat.reply(q, "ages-9-12")
        recogniser._readings.clear()
        t = []
        for q in questions:
            start = time.perf_counter()
            chat.reply(q, "ages-9-12")
            t.append(time.perf_counter() - start)
    print(f"service reply        ({len(t)} messages): {percentiles(t)}")
    service_p50 = float(np.percentile(t, 50))

    client = app.test_client()
    recogniser._readings.clear()
    t = []
    for q in questions:
        start = time.perf_counter()
        response = client.post("/api/chat", json={"message": q, "track": "ages-9-12"})
        t.append(time.perf_counter() - start)
        assert response.status_code == 200, response.get_data(as_text=True)
    print(f"POST /api/chat       ({len(t)} messages): {percentiles(t)}")
    http_p50 = float(np.percentile(t, 50))
    print(f"ratios (p50): service / recognise = {service_p50 / recognise_p50:.1f}x, "
          f"HTTP+DB / service = {http_p50 / service_p50:.1f}x")

    start = time.perf_counter()
    trained = rec.train_for_bank(content)
    seconds = time.perf_counter() - start
    folds, nets = rec.TRAINING_CONFIG["folds"], len(rec.TRAINING_CONFIG["seeds"])
    print(f"training ({folds} out-of-fold runs + final run, {nets} network(s) each): {seconds:.1f} s on {trained.metrics['training_examples']} examples; "
          f"{seconds / trained.metrics['training_examples'] * 1000:.2f} ms per example")


if __name__ == "__main__":
    main()
