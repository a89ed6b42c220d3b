"""ETags for answers computed from the store: they change exactly when the store's version does.

A tag is a digest of the store version and of everything else the answer depends on (the path,
the query string, the ``Accept`` header). Tags are weak: the gzip middleware may recompress the
bytes, the content stays the same.

>>> tag = etag("v1-3", "/sparql", "query=ASK%7B%7D", "*/*")
>>> tag.startswith('W/"') and tag != etag("v1-4", "/sparql", "query=ASK%7B%7D", "*/*")
True
>>> matches(tag, tag), matches("*", tag), matches('"other", ' + tag, tag), matches(None, tag)
(True, True, True, False)
"""

from __future__ import annotations

import hashlib

from fastapi import Request, Response

from graph.guard import version_of


def etag(version: str, *parts: str) -> str:
    """A weak entity tag for ``version`` and the request ``parts``."""
    digest = hashlib.sha256("\x1f".join((version, *parts)).encode()).hexdigest()[:32]
    return f'W/"{digest}"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """True when an ``If-None-Match`` header names ``tag`` (weak comparison) or is ``*``."""
    if not if_none_match:
        return False
    wanted = tag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False


#: The scope key under which :func:`request_tag` leaves the version it read (see
#: :func:`api.replay.remember`).
VERSION = "s3kg.version"


def request_tag(request: Request, *extra: str) -> str | None:
    """The tag of a GET answer to ``request`` at the store's current version (None: no version).

    The version read is left in the request's scope: the answer is computed at it or later.
    """
    version = version_of(request.app.state.store)
    if version is None:
        return None
    request.scope[VERSION] = version
    accept = request.headers.get("accept", "")
    return etag(version, request.url.path, request.url.query, accept, *extra)


def not_modified(request: Request, tag: str | None) -> Response | None:
    """A 304 response when the client already holds the answer tagged ``tag``."""
    if tag is None or request.method not in ("GET", "HEAD"):
        return None
    if matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers={"ETag": tag, "Vary": "Accept"})
    return None
