"""Lessons from the content bank, shaped for the API and the lesson pages."""
from __future__ import annotations

from typing import Any

from ..content_bank import bank
from ..errors import Invalid
from .questions import public_item


def track_info(track) -> dict[str, Any]:
    return {"id": track.id, "label": track.label, "min_age": track.min_age, "max_age": track.max_age,
            "description": track.description}


def _known_track(track_id: str) -> str:
    if bank().track(track_id) is None:
        raise Invalid(f"Unknown track '{track_id}'.", [{"field": "track", "message": "unknown track"}])
    return track_id


def concept_summaries(track_id: str) -> list[dict[str, str]]:
    return [{"id": lesson.id, "title": lesson.title, "summary": lesson.summary}
            for lesson in bank().concepts(_known_track(track_id))]


def concept_detail(concept_id: str, track_id: str) -> dict[str, Any] | None:
    lesson = bank().lesson(concept_id, _known_track(track_id))
    if lesson is None:
        return None
    data = lesson.model_dump(mode="json", exclude={"check"}, exclude_none=True)
    data["messages"] = data.get("messages") or []
    data["check"] = public_item(lesson.check) if lesson.check is not None else None
    return data
