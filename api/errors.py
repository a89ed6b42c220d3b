"""The one place where s3kg errors become HTTP responses (RFC 9457 problem details).

Every error a handler raises is an :class:`graph.errors.S3KGError` (mapped here to its status) or
a fault (500, with no internals shown). Nothing is ever answered 200 with an error inside.

>>> status_of(QuerySyntaxError("the query does not parse: error at 1:8: expected WHERE"))
(400, 'Malformed query')
>>> position("the query does not parse: error at 3:14: expected one of LATERAL")
(3, 14)
"""

from __future__ import annotations

import logging
import re
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import (
    InputError,
    NotFoundError,
    ParameterError,
    QuerySyntaxError,
    QueryTimeoutError,
    ReadOnlyError,
    S3KGError,
    StoreError,
    StoreLockedError,
    UnsupportedFormatError,
    UnsupportedMediaTypeError,
)

log = logging.getLogger("s3kg.api")

PROBLEM = "application/problem+json"
RETRY_AFTER = "5"


class UnauthorizedError(S3KGError):
    """A write came without the right bearer token."""

    def __init__(self, message: str, *, token_given: bool = False) -> None:
        super().__init__(message)
        self.token_given = token_given


class PayloadTooLargeError(S3KGError):
    """A request body is larger than the service accepts."""


class NotReadyError(S3KGError):
    """Something the service prepares in the background (the first dumps) is not ready yet."""


STATUS: list[tuple[type[S3KGError], int, str]] = [
    (QuerySyntaxError, 400, "Malformed query"),
    (ParameterError, 400, "Invalid parameter"),
    (InputError, 400, "Invalid input"),
    (UnauthorizedError, 401, "Unauthorized"),
    (ReadOnlyError, 403, "Read-only service"),
    (NotFoundError, 404, "Not found"),
    (UnsupportedFormatError, 406, "Not acceptable"),
    (PayloadTooLargeError, 413, "Request body too large"),
    (UnsupportedMediaTypeError, 415, "Unsupported media type"),
    (QueryTimeoutError, 503, "Query took too long"),
    (StoreLockedError, 503, "Store unavailable"),
    (NotReadyError, 503, "Not ready yet"),
    (StoreError, 500, "Store error"),
]

_POSITION = re.compile(r"error at (\d+):(\d+)")


def position(message: str) -> tuple[int, int] | None:
    """The ``(line, column)`` a parser message points at, if it says."""
    found = _POSITION.search(message)
    return (int(found[1]), int(found[2])) if found else None


def problem(
    status: int, title: str, detail: str, headers: dict[str, str] | None = None, **extra: object
) -> JSONResponse:
    """A problem-details response."""
    body: dict[str, object] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def status_of(error: S3KGError) -> tuple[int, str]:
    """The HTTP status and title for an s3kg error."""
    for kind, status, title in STATUS:
        if isinstance(error, kind):
            return status, title
    return 500, "Internal error"


def error_response(error: S3KGError) -> JSONResponse:
    """The problem-details response for an s3kg error."""
    status, title = status_of(error)
    headers: dict[str, str] = {}
    extra: dict[str, object] = {}
    if status == 503:
        headers["Retry-After"] = RETRY_AFTER
    if isinstance(error, UnauthorizedError):
        challenge = 'Bearer realm="s3kg"'
        if error.token_given:
            challenge += ', error="invalid_token"'
        headers["WWW-Authenticate"] = challenge
    if isinstance(error, ParameterError):
        extra["parameter"] = error.name
    if isinstance(error, QuerySyntaxError):
        where = position(str(error))
        if where is not None:
            extra["line"], extra["column"] = where
    if isinstance(error, InputError) and error.problems:
        extra["problems"] = [str(p) for p in error.problems]
    if status == 500:
        log.error("store error: %s", error)
    return problem(status, title, str(error), headers or None, **extra)


def install_error_handlers(app: FastAPI) -> None:
    """Register the mapping on ``app``."""

    @app.exception_handler(S3KGError)
    async def _s3kg_error(request: Request, error: S3KGError) -> JSONResponse:
        return error_response(error)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        try:
            title = HTTPStatus(error.status_code).phrase
        except ValueError:
            title = "Error"
        detail = str(error.detail)
        if error.status_code == 405:
            allowed = (error.headers or {}).get("Allow", "")
            detail = f"{request.method} is not allowed here; use {allowed or 'another method'}"
        return problem(
            error.status_code,
            title,
            detail,
            dict(error.headers) if error.headers else None,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        names = []
        details = []
        for e in error.errors():
            name = ".".join(str(p) for p in e["loc"] if p not in ("query", "body", "path"))
            names.append(name)
            details.append(f"{name}: {e['msg']}")
        extra: dict[str, object] = {"parameter": names[0]} if names else {}
        return problem(422, "Invalid parameter", "; ".join(details), None, **extra)

    @app.exception_handler(Exception)
    async def _fault(request: Request, error: Exception) -> JSONResponse:
        log.exception("fault while answering %s %s", request.method, request.url.path)
        return problem(500, "Internal error", "s3kg failed to answer; the fault has been logged.")
