"""Public queries under a time limit that really stops them.

pyoxigraph cannot cancel a running query from Python, so a query from the public endpoint runs in
one of a few warm worker processes, each over a read-only snapshot of the store, and a worker
still busy at the deadline is killed (and replaced) while the caller gets
:class:`~graph.errors.QueryTimeoutError`. The fast path stays fast: the workers are started once
and keep their snapshot open; a task costs one round trip over a pipe.

The snapshot is taken with :meth:`graph.store.OxigraphStore.snapshot` (a RocksDB checkpoint made of
hard links, so it takes milliseconds) the first time a task runs after the store's version
changed. An in-memory store cannot make checkpoints: it writes an N-Quads copy that each worker
loads into memory, which suits the small data sets in-memory stores hold.

A task is a picklable function (defined at the top level of a module) called in the worker as
``task(store, *args, **kwargs)``; what it returns travels back pickled, so tasks serialise their
results themselves (bytes pickle fast, pyoxigraph terms do not). Errors of the
:class:`~graph.errors.S3KGError` family come back as themselves; anything else is a fault.

With ``query_workers = 0``, or over a store that cannot make snapshots (a remote SPARQL backend,
which enforces its own limits), tasks run in threads: the caller still gets its answer or a
timeout error at the deadline, but the abandoned query runs on until it ends.

>>> from graph.store import open_store
>>> store = open_store(Settings(store=":memory:"))
>>> guard = QueryGuard(store, Settings(store=":memory:", query_workers=0, query_timeout=5))
>>> guard.run(count_triples)
0
>>> guard.close()
"""

from __future__ import annotations

import importlib
import logging
import os
import queue
import shutil
import signal
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, runtime_checkable

from pyoxigraph import RdfFormat, Store

from graph.errors import QueryTimeoutError, S3KGError, StoreError
from graph.memo import ResultMemo, size_of
from graph.namespaces import Graphs
from graph.results import SelectResult, term_text
from graph.settings import Settings
from graph.store import GraphStore, OxigraphStore

log = logging.getLogger("s3kg.guard")

P = ParamSpec("P")
T = TypeVar("T")

_SNAPSHOT_PREFIX = "snapshot-"
_MEMORY_COPY = "dataset.nq"


@runtime_checkable
class Snapshottable(Protocol):
    """A store that names its state and can copy itself (:class:`~graph.store.OxigraphStore`)."""

    @property
    def version(self) -> str:
        """Changes with every write."""
        ...

    def snapshot(self, target: Path, *, wait: bool = True) -> str | None:
        """Copy the dataset into the new directory ``target``; return the copy's version, or
        None when ``wait`` is False and a write is in progress."""
        ...


def version_of(store: object) -> str | None:
    """The store's version, or None for a store that does not keep one.

    >>> version_of(object()) is None
    True
    """
    # Not isinstance(store, Snapshottable): checking a runtime protocol costs tens of
    # microseconds, and this runs on every request.
    version = getattr(store, "version", None)
    return version if isinstance(version, str) else None


def count_triples(store: GraphStore) -> int:
    """A tiny task: the number of triples the default graph sees (used in examples and checks)."""
    result = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert isinstance(result, SelectResult)
    return int(term_text(result.rows[0][0]) or 0)


def open_snapshot(path: Path, base_iri: str) -> OxigraphStore:
    """Open a snapshot made by :meth:`~graph.store.OxigraphStore.snapshot`, read-only."""
    copy = path / _MEMORY_COPY
    if copy.is_file():
        store = Store()
        store.bulk_load(path=str(copy), format=RdfFormat.N_QUADS)
        return OxigraphStore(store, Graphs(base_iri))
    return OxigraphStore(Store.read_only(str(path)), Graphs(base_iri))


# -- errors across the process boundary --------------------------------------------------------


def _pack_error(error: S3KGError) -> tuple[str, str, tuple[Any, ...], dict[str, Any]]:
    kind = type(error)
    return kind.__module__, kind.__qualname__, error.args, dict(error.__dict__)


def _unpack_error(packed: tuple[str, str, tuple[Any, ...], dict[str, Any]]) -> S3KGError:
    module, name, args, attributes = packed
    kind = getattr(importlib.import_module(module), name, None)
    if not (isinstance(kind, type) and issubclass(kind, S3KGError)):
        return StoreError(str(args[0]) if args else "the query failed")
    error = kind.__new__(kind)
    Exception.__init__(error, *args)
    error.__dict__.update(attributes)
    return error


# -- the worker process ------------------------------------------------------------------------


def _worker_main(conn: Connection, base_iri: str) -> None:
    """Run tasks sent over ``conn`` until the parent closes it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    opened: tuple[str, OxigraphStore] | None = None
    while True:
        try:
            path, task, args, kwargs = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if opened is None or opened[0] != path:
                opened = None  # let go of the previous snapshot before opening the next
                opened = (path, open_snapshot(Path(path), base_iri))
            reply: tuple[str, Any] = ("ok", task(opened[1], *args, **kwargs))
        except S3KGError as error:
            reply = ("error", _pack_error(error))
        except Exception:
            log.exception("a query task failed in worker %s", os.getpid())
            reply = ("fault", "the query failed inside s3kg; the fault has been logged")
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return
        except Exception:
            log.exception("a query result could not be sent back from worker %s", os.getpid())
            conn.send(("fault", "the query result could not be returned; the fault is logged"))


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection


@dataclass
class _Snapshot:
    version: str
    path: Path
    users: int = 0
    retired: bool = False


class QueryGuard:
    """Runs tasks against the store with a deadline that stops them (see the module docstring).

    Every method is safe to call from any thread; :meth:`run` blocks, so async code calls it
    through a thread pool.
    """

    def __init__(self, store: GraphStore, settings: Settings) -> None:
        self.store = store
        self.timeout = settings.query_timeout
        self._base_iri = settings.base_iri
        self._size = settings.query_workers if isinstance(store, Snapshottable) else 0
        self._lock = threading.Lock()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: set[_Worker] = set()
        self._started = False
        self._closed = False
        self._current: _Snapshot | None = None
        self._root, self._owns_root = _snapshot_root(settings) if self._size else (Path(), False)
        self._threads = ThreadPoolExecutor(max_workers=8, thread_name_prefix="s3kg-query")
        self.memo = ResultMemo(settings.result_memo_bytes)

    @property
    def isolated(self) -> bool:
        """True when tasks run in worker processes (and a deadline really stops them)."""
        return self._size > 0

    def start(self) -> None:
        """Start the worker processes (they warm up in the background); idempotent."""
        with self._lock:
            if self._started or self._closed or not self._size:
                return
            self._started = True
            self._root.mkdir(parents=True, exist_ok=True)
            for leftover in self._root.glob(_SNAPSHOT_PREFIX + "*"):
                shutil.rmtree(leftover, ignore_errors=True)
            for _ in range(self._size):
                self._idle.put(self._spawn())

    def run(
        self, task: Callable[Concatenate[GraphStore, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """``task(store, *args, **kwargs)``, stopped at the deadline (QueryTimeoutError)."""
        return self._run(task, args, kwargs)[0]

    def remembered(
        self, task: Callable[Concatenate[GraphStore, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> tuple[T | None, bytes]:
        """The answer of ``task(store, *args, **kwargs)`` at the store's current version if
        :meth:`run_remembered` computed it already (else None), and the key to pass to
        :meth:`run_remembered`. Runs nothing, so it is safe to call on the event loop."""
        key = self.memo.key(task, *args, **kwargs) if self.memo.enabled else b""
        found: T | None = self.memo.get(version_of(self.store), key) if key else None
        return found, key

    def run_remembered(
        self,
        key: bytes,
        task: Callable[Concatenate[GraphStore, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """:meth:`run`, with the answer kept under ``key`` (from :meth:`remembered`) until the
        store changes (see :mod:`graph.memo`); only for tasks whose answer depends on their
        arguments and the data alone."""
        result, version = self._run(task, args, kwargs)
        if key and version is not None and version == version_of(self.store):
            self.memo.put(version, key, result, size_of(result))
        return result

    def close(self) -> None:
        """Stop the workers and remove the snapshots."""
        with self._lock:
            self._closed = True
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.conn.close()
            worker.process.join(timeout=2)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(timeout=2)
        self._threads.shutdown(wait=False, cancel_futures=True)
        if self._size:
            if self._owns_root:
                shutil.rmtree(self._root, ignore_errors=True)
            else:
                for leftover in self._root.glob(_SNAPSHOT_PREFIX + "*"):
                    shutil.rmtree(leftover, ignore_errors=True)

    # -- internals -----------------------------------------------------------------------------

    def _run(
        self, task: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[T, str | None]:
        """The task's result and the version of the data it read (None: not known)."""
        if not self._size:
            version = version_of(self.store)
            return self._run_in_thread(task, *args, **kwargs), version
        self.start()
        deadline = time.monotonic() + self.timeout
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise QueryTimeoutError(
                f"every query worker stayed busy for {self.timeout:g} s; try again shortly"
            ) from None
        try:
            snapshot = self._acquire_snapshot()
        except BaseException:
            self._give_back(worker)
            raise
        try:
            status, payload = self._exchange(
                worker, (str(snapshot.path), task, args, kwargs), deadline
            )
        finally:
            self._release_snapshot(snapshot)
        if status == "ok":
            result: T = payload
            return result, snapshot.version
        if status == "error":
            raise _unpack_error(payload)
        raise StoreError(str(payload))

    def _run_in_thread(
        self, task: Callable[Concatenate[GraphStore, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        future = self._threads.submit(task, self.store, *args, **kwargs)
        try:
            return future.result(timeout=self.timeout)
        except FutureTimeout:
            raise QueryTimeoutError(
                f"the query ran longer than the {self.timeout:g} s limit; its answer was dropped"
            ) from None

    def _spawn(self) -> _Worker:
        context = get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(
            target=_worker_main, args=(child, self._base_iri), daemon=True, name="s3kg-query"
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._workers.add(worker)
        return worker

    def _exchange(
        self, worker: _Worker, message: tuple[Any, ...], deadline: float
    ) -> tuple[str, Any]:
        """Send one task and wait for the reply; the worker then goes back or is replaced."""
        try:
            try:
                worker.conn.send(message)
            except OSError:  # the worker died while idle: start another and send it there
                self._discard(worker)
                with self._lock:
                    worker = self._spawn()
                worker.conn.send(message)
            ready = worker.conn.poll(max(0.0, deadline - time.monotonic()))
            reply: tuple[str, Any] | None = worker.conn.recv() if ready else None
        except (EOFError, OSError):
            self._replace(worker)
            raise StoreError(
                "the query stopped its worker process (out of memory?); it has been restarted"
            ) from None
        except BaseException:
            self._replace(worker)
            raise
        if reply is None:
            self._replace(worker)
            raise QueryTimeoutError(
                f"the query ran longer than the {self.timeout:g} s limit and was stopped; "
                "narrow it down (a LIMIT, fewer unbound property paths) or use a named query"
            )
        self._give_back(worker)
        return reply

    def _give_back(self, worker: _Worker) -> None:
        if worker in self._workers:
            self._idle.put(worker)

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            self._workers.discard(worker)
        worker.conn.close()
        if worker.process.is_alive():
            worker.process.kill()
        threading.Thread(target=worker.process.join, daemon=True).start()

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker (stuck past its deadline, or dead) and put a fresh one in the pool."""
        self._discard(worker)
        with self._lock:
            if self._closed:
                return
            fresh = self._spawn()
        self._idle.put(fresh)

    def _acquire_snapshot(self) -> _Snapshot:
        assert isinstance(self.store, Snapshottable)
        with self._lock:
            current = self._current
            if current is None or current.version != self.store.version:
                # While a write (a long load, say) holds the store, queries go on over the
                # previous snapshot rather than wait; only the very first one waits.
                path = self._root / f"{_SNAPSHOT_PREFIX}{uuid.uuid4().hex}"
                version = self.store.snapshot(path, wait=current is None)
                if version is not None:
                    if current is not None:
                        current.retired = True
                        if current.users == 0:
                            shutil.rmtree(current.path, ignore_errors=True)
                    current = self._current = _Snapshot(version, path)
            assert current is not None
            current.users += 1
            return current

    def _release_snapshot(self, snapshot: _Snapshot) -> None:
        with self._lock:
            snapshot.users -= 1
            if snapshot.retired and snapshot.users == 0:
                shutil.rmtree(snapshot.path, ignore_errors=True)


def _snapshot_root(settings: Settings) -> tuple[Path, bool]:
    """Where snapshots go, and whether the guard made (and so removes) that folder."""
    if settings.snapshot_dir:
        return Path(settings.snapshot_dir).expanduser(), False
    if settings.in_memory:
        return Path(tempfile.mkdtemp(prefix="s3kg-snapshots-")), True
    store = Path(settings.store).expanduser().resolve()
    return store.with_name(store.name + "-snapshots"), False
