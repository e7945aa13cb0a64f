"""JSON endpoints declared once: the route, its pydantic request/response models, and the OpenAPI document built from them."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, Callable, get_args, get_origin

from flask import Blueprint, Response, jsonify, request
from pydantic import BaseModel, ConfigDict
from pydantic.json_schema import models_json_schema

from .errors import ServiceError


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorInfo(BaseModel):
    code: str
    message: str
    details: list[Any] = []


class ErrorBody(BaseModel):
    """Every 4xx/5xx answer of the API has this shape."""

    error: ErrorInfo


@dataclass(frozen=True)
class Header:
    """A request header an operation reads: documented with the limits its handler enforces."""

    description: str
    required: bool = False
    max_length: int = 200
    pattern: str | None = None

    def parameter(self, name: str) -> dict:
        schema: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": self.max_length}
        if self.pattern:
            schema["pattern"] = self.pattern
        return {"name": name, "in": "header", "required": self.required, "description": self.description,
                "schema": schema}


@dataclass
class Operation:
    path: str
    method: str
    summary: str
    tag: str
    query: type[BaseModel] | None
    body: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    content_type: str
    errors: tuple[int, ...]
    headers: dict[str, Header] = field(default_factory=dict)
    csrf: bool = False


_PATH_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _openapi_path(rule: str) -> tuple[str, list[dict]]:
    params = []
    for converter, name in _PATH_PARAM.findall(rule):
        schema = {"type": "integer"} if converter == "int" else {"type": "string", "minLength": 1}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return _PATH_PARAM.sub(r"{\2}", rule), params


class ApiSpec:
    """Collects operations as views are declared and renders them as an OpenAPI 3.1 document."""

    def __init__(self, title: str, version: str, prefix: str = "/api"):
        self.title, self.version, self.prefix = title, version, prefix
        self.operations: list[Operation] = []

    def route(
        self,
        bp: Blueprint,
        rule: str,
        method: str = "GET",
        *,
        summary: str,
        query: type[BaseModel] | None = None,
        body: type[BaseModel] | None = None,
        response: type[BaseModel] | None = None,
        status: int = 200,
        content_type: str = "application/json",
        errors: tuple[int, ...] = (),
        headers: dict[str, str | Header] | None = None,
        csrf: bool = False,
    ) -> Callable:
        """Declare a JSON endpoint. The view gets `query=` and `body=` already validated and returns a model.

        `headers` documents the request headers the view reads: a description (an optional header) or a Header
        saying whether it is required and which values the view accepts.
        """
        declared = {name: h if isinstance(h, Header) else Header(h) for name, h in (headers or {}).items()}

        def decorator(view: Callable) -> Callable:
            @wraps(view)
            def endpoint(**path_args):
                kwargs: dict[str, Any] = dict(path_args)
                if query is not None:
                    kwargs["query"] = query.model_validate(_query_dict(query))
                if body is not None:
                    kwargs["body"] = body.model_validate(read_json())
                result = view(**kwargs)
                if isinstance(result, Response):
                    return result
                code = status
                if isinstance(result, tuple):
                    result, code = result
                payload = result.model_dump(mode="json") if isinstance(result, BaseModel) else result
                out = jsonify(payload)
                out.status_code = code
                return out

            bp.add_url_rule(rule, view.__name__, endpoint, methods=[method])
            path = (self.prefix + (bp.url_prefix or "").removeprefix(self.prefix) + rule).replace("//", "/")
            self.operations.append(
                Operation(path, method.lower(), summary, bp.name, query, body, response, status, content_type,
                          errors, declared, csrf)
            )
            return endpoint

        return decorator

    def document(self) -> dict:
        models: set[type[BaseModel]] = {ErrorBody}
        for op in self.operations:
            models.update(m for m in (op.body, op.response) if m is not None)
        ordered = sorted(models, key=lambda m: m.__name__)
        refs, schema = models_json_schema(
            [(m, "validation") for m in ordered], ref_template="#/components/schemas/{model}"
        )
        components = schema.get("$defs", {})
        paths: dict[str, dict] = {}
        for op in self.operations:
            path, params = _openapi_path(op.path)
            if op.query is not None:
                params += _query_parameters(op.query)
            params += [header.parameter(name) for name, header in op.headers.items()]
            responses: dict[str, Any] = {}
            ok: dict[str, Any] = {"description": "Success"}
            if op.response is not None:
                ok["content"] = {op.content_type: {"schema": refs[(op.response, "validation")]}}
            elif op.content_type != "application/json":
                ok["content"] = {op.content_type: {"schema": {"type": "string"}}}
            responses[str(op.status)] = ok
            error_ref = {"application/json": {"schema": refs[(ErrorBody, "validation")]}}
            codes = set(op.errors) | {404, 405, 429}
            if op.query is not None or op.body is not None or any(h.required for h in op.headers.values()):
                codes |= {400, 422}
            if op.body is not None:
                codes |= {413, 415}
            if op.csrf:
                codes |= {400}
            for code in sorted(codes):
                responses[str(code)] = {"description": _ERROR_TEXT.get(code, "Error"), "content": error_ref}
            entry: dict[str, Any] = {"summary": op.summary, "operationId": f"{op.tag}_{op.method}_{path}",
                                     "tags": [op.tag], "parameters": params, "responses": responses}
            entry["operationId"] = re.sub(r"[^A-Za-z0-9_]+", "_", entry["operationId"]).strip("_")
            if op.body is not None:
                entry["requestBody"] = {"required": True, "content": {
                    "application/json": {"schema": refs[(op.body, "validation")]}}}
            paths.setdefault(path, {})[op.method] = entry
        return {
            "openapi": "3.1.0",
            "info": {"title": self.title, "version": self.version,
                     "description": "JSON API of the neural-network tutor. Errors share one shape: "
                                    "{\"error\": {\"code\", \"message\", \"details\"}}."},
            "paths": paths,
            "components": {"schemas": components},
        }


_ERROR_TEXT = {400: "Bad request (malformed JSON or a missing CSRF token)", 404: "Not found",
               405: "Method not allowed", 413: "Body too large", 415: "Body is not JSON",
               422: "Validation failed", 429: "Too many requests", 503: "Not ready"}


def _is_list(annotation: Any) -> bool:
    return get_origin(annotation) is list or any(get_origin(a) is list for a in get_args(annotation))


def _query_dict(model: type[BaseModel]) -> dict[str, Any]:
    args = request.args
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key in args:
            data[key] = args.getlist(key) if _is_list(info.annotation) else args.get(key)
    unknown = set(args) - {info.alias or name for name, info in model.model_fields.items()}
    if unknown and model.model_config.get("extra") == "forbid":
        for key in sorted(unknown):
            data[key] = args.get(key)
    return data


def _query_parameters(model: type[BaseModel]) -> list[dict]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": prop,
         **({"description": prop["description"]} if "description" in prop else {})}
        for name, prop in schema.get("properties", {}).items()
    ]


def read_json() -> Any:
    """The request body as JSON, or a clear 4xx: JSON endpoints take application/json only."""
    if not request.is_json:
        raise ServiceError("Send the body as JSON with Content-Type: application/json.",
                           code="unsupported_media_type", status=415)
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested deeper than Python's parser goes: no request of ours looks like that
        data = None
    if data is None:
        raise ServiceError("The body is not valid JSON.", code="malformed_json", status=400)
    if _has_nul(data):
        raise ServiceError("Text in the body contains a NUL character (\\u0000), which cannot be stored.",
                           code="bad_characters", status=400)
    return data


def _has_nul(value: Any) -> bool:
    stack = [value]
    while stack:  # iterative: a deep body cannot exhaust the stack here either
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
