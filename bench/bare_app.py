"""The load bench's baseline: a bare Flask app with the tutor's URLs and nothing behind them.

bench/load.py serves it under the same gunicorn settings (inline worker, quick access log, 2 workers) and drives it
with the same simulated learners before the tutor, so each run also measures what this machine gives a Flask app
that does no work: no database, no session cookie, no templates, no security headers. The tutor's rate as a share
of that ceiling says how much the tutor's own code costs, independently of how fast the machine is that day.

Replies are about the size of the tutor's: a lesson page averages 16 kB across the bank's 45 lessons; an answer's
reply is a small JSON object. Nothing here is imported by the tutor.
"""
from __future__ import annotations

from flask import Flask, request

LESSON_BYTES = 16_000
PAGE = "<!doctype html><title>lesson</title>" + "<p>" + "x" * (LESSON_BYTES - 40) + "</p>"

app = Flask(__name__)


@app.get("/api/health")
def health():
    return {"status": "ok"}


@app.get("/api/session")
def session_info():
    return {"csrf_token": "bare", "guest": True, "track": None, "user": None}


@app.get("/learn/<concept>")
def lesson(concept: str):
    return PAGE


@app.post("/api/attempts")
def attempts():
    body = request.get_json()
    return {"item_id": body["item_id"], "correct": True, "feedback": "Yes!", "mastery": {"level": 0.5, "attempts": 1},
            "idempotency_key": request.headers.get("Idempotency-Key")}


@app.post("/api/chat")
def chat():
    body = request.get_json()
    return {"reply": [{"kind": "text", "text": body["message"][:40]}], "concept": None, "confidence": 0.5}
