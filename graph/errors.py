"""The exceptions s3kg raises. Their messages are written for users and safe to show them.

Every boundary (CLI, HTTP API) maps these, and only these, to an exit code or a status; any other
exception is a fault in s3kg itself.
"""

from __future__ import annotations


class S3KGError(Exception):
    """Base class of every error s3kg reports to its users."""


class StoreError(S3KGError):
    """The store could not be opened, read or written."""


class StoreLockedError(StoreError):
    """Another process holds the store open for writing."""


class ReadOnlyError(S3KGError):
    """A write was attempted where only reads are allowed."""


class QuerySyntaxError(S3KGError):
    """A SPARQL query or update does not parse; the message carries the parser's position."""


class QueryTimeoutError(S3KGError):
    """A query ran past its time limit and was stopped."""


class ParameterError(S3KGError):
    """A parameter value is missing or invalid; ``name`` says which one."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name


class NotFoundError(S3KGError):
    """A named graph, query, file or entity does not exist."""


class UnsupportedFormatError(S3KGError):
    """A serialization format s3kg cannot read or write was asked for."""


class InputError(S3KGError):
    """Input data is invalid; ``problems`` lists each problem with its location."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class UnsupportedMediaTypeError(S3KGError):
    """A request body came in a media type s3kg does not read."""
