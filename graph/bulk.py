"""Writing into one graph of a pyoxigraph store, fast and in bounded memory.

The loaders' N-Triples text goes to pyoxigraph's bulk loader through a pipe, so that the Python
writing it and the indexing in Rust run side by side on two cores; a graph is copied or removed
without one large transaction. These functions work on a raw ``pyoxigraph.Store``;
:class:`graph.store.OxigraphStore` decides when to call them (under its write lock, on graphs
that queries do not see).

>>> from pyoxigraph import Store
>>> store, graph = Store(), NamedNode("http://ex.org/g")
>>> stream_lines(store, graph, ['<http://ex.org/a> <http://ex.org/p> "1" .\\n'] * 3)
>>> triples_in(store, graph)
1
>>> remove_graph(store, graph)
>>> triples_in(store, graph)
0
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TypeAlias

from pyoxigraph import NamedNode, QuerySolutions, RdfFormat, Store

from graph.errors import InputError, StoreError
from graph.results import term_text

RdfSource: TypeAlias = bytes | str | Path | IO[bytes]

# Inputs larger than this go through pyoxigraph's bulk loader (streams, writes SST files)
# into the staging graph; smaller ones through the transactional in-memory loader.
_BULK_THRESHOLD = 32 * 1024 * 1024
# N-Triples text is handed to the bulk loader in pieces of about this many characters.
_CHUNK = 256 * 1024
# Graphs that no reader sees are removed this many triples per transaction, and the store is
# flushed after every few transactions: deletions otherwise pile up in memory (about 0.45 KiB
# per triple with pyoxigraph 0.5), flushed they stay flat and go faster.
_DELETE_BATCH = 50_000
_FLUSH_EVERY = 4
# Where the operating system shows a process's open files by number (Linux, macOS, BSD).
DEV_FD = Path("/dev/fd")


def triples_in(store: Store, graph: NamedNode) -> int:
    """The number of triples in ``graph``."""
    result = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=[graph])
    assert isinstance(result, QuerySolutions)
    return int(term_text(next(result)[0]))


def load_into(
    store: Store,
    graph: NamedNode,
    source: RdfSource,
    format: RdfFormat,
    base_iri: str | None,
) -> None:
    """Parse ``source`` into ``graph``: small inputs in one transaction, large ones through the
    bulk loader (which streams and writes SST files)."""
    if isinstance(source, Path):
        size: int | None = source.stat().st_size
        data: bytes | str | IO[bytes] | None = None
        path: Path | None = source
    else:
        size = len(source) if isinstance(source, bytes | str) else None
        data, path = source, None
    try:
        if size is not None and size < _BULK_THRESHOLD:
            store.load(data, format, path=path, base_iri=base_iri, to_graph=graph)
        else:
            store.bulk_load(data, format, path=path, base_iri=base_iri, to_graph=graph)
    except SyntaxError as error:
        raise input_error(error) from None
    except OSError as error:
        raise StoreError(f"loading into the store failed: {error}") from None


def stream_lines(store: Store, graph: NamedNode, lines: Iterable[str]) -> None:
    """Bulk-load N-Triples text into ``graph`` as ``lines`` produces it."""

    def write(pipe: IO[bytes]) -> None:
        for chunk in _chunks(lines):
            pipe.write(chunk)

    if DEV_FD.is_dir():
        pipe_into(store, graph, write)
    else:
        _bulk_load(store, graph, None, _ChunkReader(_chunks(lines)))


def refill(store: Store, target: NamedNode, source: NamedNode) -> None:
    """Make ``target`` a copy of ``source``, without a transaction (so in bounded memory)."""
    remove_graph(store, target)

    def write(pipe: IO[bytes]) -> None:
        store.dump(pipe, RdfFormat.N_TRIPLES, from_graph=source)

    pipe_into(store, target, write)


def pipe_into(store: Store, graph: NamedNode, write: Callable[[IO[bytes]], None]) -> None:
    """Bulk-load into ``graph`` the N-Triples that ``write`` writes into a pipe.

    The bulk loader reads the pipe in a thread of its own (it releases the GIL), so the
    writing, in Python or in pyoxigraph, and the indexing run side by side.
    """
    read_end, write_end = os.pipe()
    failure: list[BaseException] = []

    def load() -> None:
        try:
            _bulk_load(store, graph, f"{DEV_FD}/{read_end}", None)
        except BaseException as error:  # re-raised in the calling thread
            failure.append(error)
        finally:
            os.close(read_end)  # a writer still writing now gets BrokenPipeError

    loader = threading.Thread(target=load, name="s3kg-bulk-load", daemon=True)
    loader.start()
    try:
        # A broken pipe means the loader stopped early; its own error is raised below.
        with contextlib.suppress(BrokenPipeError), os.fdopen(write_end, "wb") as pipe:
            write(pipe)
    finally:
        loader.join()
    if failure:
        raise failure[0]


def _bulk_load(
    store: Store, graph: NamedNode, path: str | None, data: IO[bytes] | _ChunkReader | None
) -> None:
    try:
        store.bulk_load(data, RdfFormat.N_TRIPLES, path=path, to_graph=graph)  # type: ignore[arg-type]
    except SyntaxError as error:
        raise input_error(error) from None
    except OSError as error:
        raise StoreError(f"loading into the store failed: {error}") from None


def remove_graph(store: Store, graph: NamedNode) -> None:
    """Remove ``graph`` in transactions of bounded size.

    One transaction removing a graph holds all of it in memory (pyoxigraph 0.5 needs about
    0.5 GiB and 19 s per million triples); a graph that readers cannot see does not need one.
    """
    batch = (
        f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{ {{ SELECT ?s ?p ?o "
        f"WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }} LIMIT {_DELETE_BATCH} }} }}"
    )
    done = 0
    while next(iter(store.quads_for_pattern(None, None, None, graph)), None) is not None:
        store.update(batch)
        done += 1
        if done % _FLUSH_EVERY == 0:
            store.flush()
    store.remove_graph(graph)


def _chunks(lines: Iterable[str]) -> Iterator[bytes]:
    """``lines`` joined into UTF-8 pieces of about ``_CHUNK`` characters."""
    batch: list[str] = []
    size = 0
    for line in lines:
        batch.append(line)
        size += len(line)
        if size >= _CHUNK:
            yield "".join(batch).encode()
            batch.clear()
            size = 0
    if batch:
        yield "".join(batch).encode()


class _ChunkReader:
    """A binary file-like object reading from an iterator of byte strings."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._rest = b""

    def read(self, size: int = -1) -> bytes:
        parts = [self._rest]
        have = len(self._rest)
        for chunk in self._chunks:
            parts.append(chunk)
            have += len(chunk)
            if 0 <= size <= have:
                break
        data = b"".join(parts)
        if size < 0:
            self._rest = b""
            return data
        self._rest = data[size:]
        return data[:size]


def input_error(error: SyntaxError) -> InputError:
    """A parser's error as an input error saying where (line:column)."""
    line = getattr(error, "lineno", None)
    column = getattr(error, "offset", None)
    where = f"{line}:{column}: " if line else ""
    message = str(error.args[0]) if error.args else str(error)
    return InputError(f"{where}{message}")
