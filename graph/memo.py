"""Answers remembered until the store changes: a bounded, thread-safe memo keyed by store version.

A public endpoint gets the same questions again and again (a portal's landing query, a dashboard
refreshing, a region page everyone opens). Their answers only change when the data does, and the
store names every state of its data with a version (:attr:`graph.store.OxigraphStore.version`),
so an answer computed at one version can be given again, without running anything, for as long
as the store stays at that version. The memo forgets everything when the version moves on, and
its least recently used answers when it holds more than its byte budget.

Only answers of deterministic questions belong here: a SPARQL query calling ``RAND()``, ``NOW()``,
``UUID()``, ``STRUUID()`` or ``BNODE()`` gives a new answer each time it runs
(:func:`deterministic`). The day is part of every key, as named queries may read "today".

>>> memo = ResultMemo(max_bytes=1000)
>>> key = memo.key(len, "abc")
>>> memo.put("v1", key, 3, size=8)
>>> memo.get("v1", key), memo.get("v2", key), memo.get("v1", key)
(3, None, None)
"""

from __future__ import annotations

import pickle
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import Any

_VOLATILE = re.compile(r"\b(?:RAND|NOW|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)


def deterministic(query: str) -> bool:
    """False when a SPARQL text calls a function whose value changes from one run to the next.

    >>> deterministic("SELECT * { ?s ?p ?o }"), deterministic("SELECT (rand() AS ?r) {}")
    (True, False)
    """
    return _VOLATILE.search(query) is None


class ResultMemo:
    """Answers by (task, arguments), valid for one store version, at most ``max_bytes`` in all.

    A single answer larger than an eighth of the budget is not kept: it would push out many
    small ones that are cheaper to keep and as likely to be asked for again.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._version: str | None = None
        self._entries: OrderedDict[bytes, tuple[Any, int]] = OrderedDict()
        self._bytes = 0

    @property
    def enabled(self) -> bool:
        """False when the budget is 0: nothing is kept."""
        return self.max_bytes > 0

    def key(self, task: Callable[..., Any], *args: Any, **kwargs: Any) -> bytes:
        """The key of ``task(store, *args, **kwargs)`` asked today (the task and its arguments
        must pickle, as they must to reach a worker: a function pickles as its name)."""
        what = (date.today().toordinal(), task, args, sorted(kwargs.items()))
        return pickle.dumps(what, protocol=pickle.HIGHEST_PROTOCOL)

    def get(self, version: str | None, key: bytes) -> Any | None:
        """The answer kept under ``key`` at ``version``, or None."""
        if version is None:
            return None
        with self._lock:
            if version != self._version:
                self._forget(version)
                return None
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, version: str | None, key: bytes, value: Any, size: int) -> None:
        """Keep ``value`` (about ``size`` bytes) as the answer under ``key`` at ``version``."""
        if version is None or value is None or size > self.max_bytes // 8:
            return
        with self._lock:
            if version != self._version:
                self._forget(version)
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._bytes -= previous[1]
            self._entries[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped

    def __len__(self) -> int:
        return len(self._entries)

    def _forget(self, version: str) -> None:
        self._entries.clear()
        self._bytes = 0
        self._version = version


def size_of(value: object) -> int:
    """About how many bytes ``value`` holds: the length of bytes, or of the ``body`` bytes of a
    serialised answer, plus a little; the pickled size of anything else.

    >>> size_of(b"x" * 1000), size_of({"rows": [1, 2, 3]}) > 10
    (1100, True)
    """
    body = value if isinstance(value, bytes) else getattr(value, "body", None)
    if isinstance(body, bytes):
        return len(body) + 100
    return len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
