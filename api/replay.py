"""Whole responses replayed while the data is unchanged: the outermost layer of the app.

:mod:`graph.memo` spares a remembered query its evaluation, but the request still passes the
middlewares, the router, content negotiation and serialisation, about as much time again as
Oxigraph server spends on the whole request. This layer, plain ASGI in front of everything,
keeps the finished response (status, headers, body, compressed or not) of a GET a route has
marked with :func:`remember`, and sends it again for the same request while the store's version
is the one the answer was computed at. The version is read before the answer is computed, so a
response that might reflect a later write is never replayed as an earlier one.

A request is only replayed when nothing else could change the response: the same path, query
string, ``Accept`` and ``Accept-Encoding``; requests with ``If-None-Match`` (answered 304 by the
route), ``Origin`` (CORS), ``Authorization``, ``Cookie`` or ``Range`` always go through the app.
The memory is bounded by ``S3KG_RESULT_MEMO_BYTES``, like the memo of results.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.caching import VERSION
from graph.guard import version_of
from graph.memo import ResultMemo

#: The scope key :func:`remember` sets to the store version the answer was computed at.
MARK = "s3kg.remember"

# Headers that make a request's response differ in ways the key does not capture.
_PERSONAL = frozenset({b"if-none-match", b"origin", b"authorization", b"cookie", b"range"})


def remember(scope: Scope) -> None:
    """Mark the response to this request as replayable while the store stays at the version
    :func:`api.caching.request_tag` read before the answer was computed (if it did)."""
    version = scope.get(VERSION)
    if version is not None:
        scope[MARK] = version


class ReplayMiddleware:
    """ASGI middleware replaying the responses routes marked with :func:`remember`."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.memo = ResultMemo(max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not self.memo.enabled:
            await self.app(scope, receive, send)
            return
        accept = encoding = b""
        for name, value in scope["headers"]:
            if name == b"accept":
                accept = value
            elif name == b"accept-encoding":
                encoding = value
            elif name in _PERSONAL:
                await self.app(scope, receive, send)
                return
        key = b"\x1f".join((scope["path"].encode(), scope["query_string"], accept, encoding))
        version = version_of(scope["app"].state.store)
        found = self.memo.get(version, key)
        if found is not None:
            headers, body = found
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await self._through(scope, receive, send, key)

    async def _through(self, scope: Scope, receive: Receive, send: Send, key: bytes) -> None:
        """Run the app; keep its response if the route marked it and it is a complete 200."""
        start: dict[str, Any] = {}
        chunks: list[bytes] = []
        keep = True
        room = self.memo.max_bytes // 8  # the memo keeps no larger answer (a dump, say)

        async def sending(message: Message) -> None:
            nonlocal keep, room
            if message["type"] == "http.response.start":
                start.update(message)
                keep = message["status"] == 200
            elif message["type"] == "http.response.body" and keep:
                body = message.get("body", b"")
                room -= len(body)
                keep = room >= 0
                if keep:
                    chunks.append(body)
                else:
                    chunks.clear()
            elif message["type"] != "http.response.body":
                keep = False  # another kind of message (a file sent by path): not kept
            await send(message)

        await self.app(scope, receive, sending)
        version = scope.get(MARK)
        current = version_of(scope["app"].state.store)
        if keep and version is not None and version == current and start:
            body = b"".join(chunks)
            headers = list(start.get("headers", []))
            size = len(body) + sum(len(n) + len(v) for n, v in headers) + 200
            self.memo.put(version, key, (headers, body), size)
