"""One error shape for the whole JSON API, and friendly pages for people: never a stack trace."""
from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ServiceError(Exception):
    """A rule of the service was broken by the caller: becomes a 4xx with a message a person understands."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: list | None = None, *, code: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []
        if code:
            self.code = code
        if status:
            self.status = status


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Forbidden(ServiceError):
    # Access failures look like "not found" to the caller so ids of other people's data reveal nothing.
    status = 404
    code = "not_found"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class Invalid(ServiceError):
    status = 422
    code = "invalid"


def error_body(code: str, message: str, details: list | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or []}}


def json_error(status: int, code: str, message: str, details: list | None = None) -> Response:
    response = jsonify(error_body(code, message, details))
    response.status_code = status
    return response


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/api" or request.is_json


def validation_details(exc: ValidationError) -> list[dict]:
    return [
        {"field": ".".join(str(p) for p in err["loc"]) or "(body)", "message": err["msg"], "type": err["type"]}
        for err in exc.errors(include_url=False, include_context=False, include_input=False)
    ]


def _page(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template("error.html", status=status, title=title, message=message), status


HTTP_MESSAGES = {
    400: ("bad_request", "The request could not be understood."),
    401: ("unauthorized", "Please sign in first."),
    403: ("forbidden", "This page is for someone else's account. Ask a grown-up if you think it should work."),
    404: ("not_found", "There is nothing here."),
    405: ("method_not_allowed", "This address does not accept that method."),
    413: ("too_large", "That is too much data to send at once."),
    415: ("unsupported_media_type", "Send JSON with Content-Type: application/json."),
    429: ("too_many_requests", "Too many tries. Wait a minute and try again."),
}


def register(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        if wants_json():
            return json_error(exc.status, exc.code, exc.message, exc.details)
        return _page(exc.status, "That did not work", exc.message)

    @app.errorhandler(ValidationError)
    def pydantic_error(exc: ValidationError):
        details = validation_details(exc)
        if wants_json():
            return json_error(422, "invalid", "Some fields are missing or not valid.", details)
        return _page(422, "That did not work", "; ".join(f"{d['field']}: {d['message']}" for d in details))

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        message = "The security token is missing or out of date. Reload the page and try again."
        if wants_json():
            return json_error(400, "csrf_failed", message, [exc.description])
        return _page(400, "Please try again", message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        code, message = HTTP_MESSAGES.get(status, ("error", exc.description or "Something went wrong."))
        if status == 429:
            message = HTTP_MESSAGES[429][1]
        if wants_json():
            response = json_error(status, code, message)
        else:
            response = app.make_response(_page(status, exc.name, message))
        if status == 405 and exc.valid_methods:  # type: ignore[attr-defined]
            response.headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
        if status == 429:
            retry = getattr(exc, "retry_after", None)
            if retry:
                response.headers["Retry-After"] = str(retry)
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        message = "Something went wrong on our side. It has been logged; please try again."
        if wants_json():
            return json_error(500, "internal", message)
        return _page(500, "Oops", message)
