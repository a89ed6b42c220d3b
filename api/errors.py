"""The one place where s3kg errors become HTTP responses (RFC 9457 problem details).

Every error a handler raises is an :class:`graph.errors.S3KGError` (mapped here to its status) or
a fault (500, with no internals shown). Nothing is ever answered 200 with an error inside.
"""

from __future__ import annotations

import logging

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
    StoreLockedError,
    UnsupportedFormatError,
    UnsupportedMediaTypeError,
)

log = logging.getLogger("s3kg.api")

PROBLEM = "application/problem+json"

STATUS: list[tuple[type[S3KGError], int, str]] = [
    (QuerySyntaxError, 400, "Malformed query"),
    (ParameterError, 400, "Invalid parameter"),
    (InputError, 400, "Invalid input"),
    (ReadOnlyError, 403, "Read-only service"),
    (NotFoundError, 404, "Not found"),
    (UnsupportedFormatError, 406, "Not acceptable"),
    (UnsupportedMediaTypeError, 415, "Unsupported media type"),
    (QueryTimeoutError, 503, "Query took too long"),
    (StoreLockedError, 503, "Store unavailable"),
]


def problem(
    status: int, title: str, detail: str, headers: dict[str, str] | None = None, **extra: object
) -> JSONResponse:
    """A problem-details response."""
    body: dict[str, object] = {"type": "about:blank", "title": title, "status": status,
                               "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def status_of(error: S3KGError) -> tuple[int, str]:
    """The HTTP status and title for an s3kg error."""
    for kind, status, title in STATUS:
        if isinstance(error, kind):
            return status, title
    return 500, "Internal error"


def install_error_handlers(app: FastAPI) -> None:
    """Register the mapping on ``app``."""

    @app.exception_handler(S3KGError)
    async def _s3kg_error(request: Request, error: S3KGError) -> JSONResponse:
        status, title = status_of(error)
        headers = {"Retry-After": "5"} if status == 503 else None
        extra: dict[str, object] = {}
        if isinstance(error, ParameterError):
            extra["parameter"] = error.name
        if isinstance(error, InputError) and error.problems:
            extra["problems"] = [str(p) for p in error.problems]
        return problem(status, title, str(error), headers, **extra)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        return problem(error.status_code, str(error.detail), str(error.detail),
                       dict(error.headers) if error.headers else None)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        details = [
            f"{'.'.join(str(p) for p in e['loc'] if p not in ('query', 'body'))}: {e['msg']}"
            for e in error.errors()
        ]
        return problem(422, "Invalid parameter", "; ".join(details))

    @app.exception_handler(Exception)
    async def _fault(request: Request, error: Exception) -> JSONResponse:
        log.exception("fault while answering %s %s", request.method, request.url.path)
        return problem(500, "Internal error", "s3kg failed to answer; the fault has been logged.")
