"""Pydantic request and response models of the JSON API (the OpenAPI document is generated from these)."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

TrackId = Literal["ages-5-8", "ages-9-12", "ages-13-plus"]


class Query(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    database: str
    content: str
    concepts: int


class SessionUser(BaseModel):
    kind: Literal["parent", "teacher", "learner"]
    id: int
    name: str
    track: TrackId | None = None
    is_guest: bool = False


class SessionInfo(BaseModel):
    csrf_token: str
    user: SessionUser | None
    track: TrackId | None
    guest: bool = Field(description="True when nobody is signed in or the learner is a guest profile")


class Track(BaseModel):
    id: TrackId
    label: str
    min_age: int
    max_age: int | None
    description: str


class TrackList(BaseModel):
    tracks: list[Track]


class TrackQuery(Query):
    track: TrackId = Field(description="Age track id")


class ConceptSummary(BaseModel):
    id: str
    title: str
    summary: str


class ConceptList(BaseModel):
    track: TrackId
    concepts: list[ConceptSummary]


class ConceptDetail(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    track: TrackId
    title: str
    summary: str
    messages: list[dict[str, Any]] = []
    check: dict[str, Any] | None = None
