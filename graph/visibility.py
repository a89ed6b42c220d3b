"""Who reads what while s3kg writes: the graphs hidden from queries, the checkpoints queries
read during a publication, and the one write lock.

A load writes into graphs that queries do not see (:class:`Visibility` hides them) and shows
them when it publishes; a publication that rewrites existing graphs lets queries read a
checkpoint of the store as it was (:class:`Checkpoint`). Every write holds :class:`WriteLock`,
which counts writes so that the store's version changes with each.

>>> from pyoxigraph import Store
>>> visibility = Visibility(Sight(Store(), frozenset()))
>>> visibility.hide({"http://ex.org/g"})
>>> with visibility.reading() as sight:
...     sorted(sight.hidden)
['http://ex.org/g']
>>> lock = WriteLock()
>>> with lock:
...     pass
>>> lock.writes
1
"""

from __future__ import annotations

import shutil
import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from pyoxigraph import Store


class Checkpoint:
    """A read-only copy of the store (a RocksDB checkpoint: hard links, made in milliseconds)
    that queries read while a publication rewrites graphs; removed once no query reads it."""

    def __init__(self, path: Path, store: Store) -> None:
        self.path = path
        self.store = store
        self._lock = threading.Lock()
        self._readers = 0
        self._retired = False

    def acquire(self) -> None:
        with self._lock:
            self._readers += 1

    def release(self) -> None:
        with self._lock:
            self._readers -= 1
            remove = self._retired and not self._readers
        if remove:
            shutil.rmtree(self.path, ignore_errors=True)

    def retire(self) -> None:
        """No new query will read it: remove it when the last one is done."""
        with self._lock:
            self._retired = True
            remove = not self._readers
        if remove:
            shutil.rmtree(self.path, ignore_errors=True)


@dataclass(frozen=True)
class Sight:
    """What queries read: a pyoxigraph store, and the graphs in it they must not see."""

    store: Store
    hidden: frozenset[str]
    checkpoint: Checkpoint | None = None

    def acquire(self) -> None:
        """Keep the store readable until :meth:`release` (results are still being read)."""
        if self.checkpoint is not None:
            self.checkpoint.acquire()

    def release(self) -> None:
        if self.checkpoint is not None:
            self.checkpoint.release()


class Visibility:
    """What queries read, changed only while no query is choosing its dataset.

    A query holds :meth:`reading` while it works out its dataset and pyoxigraph takes its
    snapshot; a change holds :meth:`exclusive`. So a query's dataset and its data always agree:
    no query sees a graph before it is complete, or a provenance record before its graph.
    """

    def __init__(self, sight: Sight) -> None:
        self.sight = sight
        self._condition = threading.Condition()
        self._readers = 0
        self._changing = False

    @contextmanager
    def reading(self) -> Iterator[Sight]:
        """Hold off changes; yields what to read."""
        with self._condition:
            while self._changing:
                self._condition.wait()
            self._readers += 1
        try:
            yield self.sight
        finally:
            with self._condition:
                self._readers -= 1
                if not self._readers:
                    self._condition.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Wait until no query is choosing its dataset, and keep new ones waiting."""
        with self._condition:
            while self._changing:
                self._condition.wait()
            self._changing = True
            while self._readers:
                self._condition.wait()
        try:
            yield
        finally:
            with self._condition:
                self._changing = False
                self._condition.notify_all()

    def set_hidden(self, hidden: frozenset[str]) -> None:
        """Replace the hidden graphs (the caller holds :meth:`exclusive`)."""
        self.sight = replace(self.sight, hidden=hidden)

    def hide(self, graphs: Iterable[str]) -> None:
        """Hide ``graphs`` from the queries that start from now on."""
        with self.exclusive():
            self.set_hidden(self.sight.hidden | frozenset(graphs))

    def show(self, graphs: Iterable[str]) -> None:
        """Stop hiding ``graphs``."""
        with self.exclusive():
            self.set_hidden(self.sight.hidden - frozenset(graphs))


class WriteLock:
    """The store's write lock; each write it guards changes the store's version."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.epoch = uuid.uuid4().hex[:12]
        self.writes = 0

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(self, *exc: object) -> None:
        self.writes += 1
        self._lock.release()

    @contextmanager
    def held(self, blocking: bool = True) -> Iterator[bool]:
        """Hold the lock without counting a write (call :meth:`count_write` on a change).

        Yields whether the lock was acquired: always with ``blocking``, else only if it was free.
        """
        acquired = self._lock.acquire(blocking)
        try:
            yield acquired
        finally:
            if acquired:
                self._lock.release()

    def count_write(self) -> None:
        """Count a change made while :meth:`held`."""
        self.writes += 1
