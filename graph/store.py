"""The one owner of s3kg's data: an RDF dataset of named graphs behind a small interface.

:class:`GraphStore` is what every caller (loaders, query catalogue, CLI, API) depends on.
:class:`OxigraphStore` implements it over an embedded pyoxigraph store, on disk or in memory;
a remote SPARQL 1.1 backend implements the same methods (``docs/graphs.md``).

>>> store = open_store(Settings(store=":memory:"))
>>> g = store.graphs.source("example")
>>> store.replace_graph(g, b'<http://ex.org/a> <http://ex.org/p> "1" .', RdfFormat.N_TRIPLES)
1
>>> store.query("SELECT ?o WHERE { ?s ?p ?o }").rows
[(<Literal value=1 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>,)]
>>> [(info.iri.rsplit("/", 1)[-1], info.triples) for info in store.named_graphs()]
[('example', 1)]
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Protocol, TypeAlias

from pyoxigraph import (
    DefaultGraph,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    Triple,
    Variable,
    serialize,
)

from graph.errors import (
    InputError,
    NotFoundError,
    QuerySyntaxError,
    StoreError,
    StoreLockedError,
)
from graph.namespaces import PREFIXES, Graphs
from graph.provenance import LoadRecord, forget_update, record_subjects, record_update
from graph.results import AskResult, GraphResult, QueryResult, SelectResult, Term, term_text
from graph.settings import Settings

RdfSource: TypeAlias = bytes | str | Path | IO[bytes]
Check: TypeAlias = Callable[[str], None]
# Makes the provenance record of a replacement from its number of triples.
RecordFactory: TypeAlias = Callable[[int], LoadRecord]

# Inputs larger than this go through pyoxigraph's bulk loader (streams, writes SST files)
# into the staging graph; smaller ones through the transactional in-memory loader.
_BULK_THRESHOLD = 32 * 1024 * 1024


@dataclass(frozen=True)
class GraphInfo:
    """A named graph and the number of triples in it."""

    iri: str
    triples: int


class GraphStore(Protocol):
    """What s3kg needs from a store. Every method is safe to call from any thread."""

    graphs: Graphs

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        """Run a SPARQL query; by default its default graph is the union of all named graphs."""
        ...

    def update(self, sparql: str) -> None:
        """Run a SPARQL update in one transaction."""
        ...

    def replace_graph(
        self,
        graph: str,
        source: RdfSource,
        format: RdfFormat,
        *,
        base_iri: str | None = None,
        record: LoadRecord | None = None,
        check: Check | None = None,
    ) -> int:
        """Atomically replace ``graph`` with the triples of ``source``; return their number."""
        ...

    def replace_graph_triples(
        self,
        graph: str,
        triples: Iterable[Triple],
        *,
        record: LoadRecord | RecordFactory | None = None,
        check: Check | None = None,
    ) -> int:
        """Like ``replace_graph``, with triples streamed from an iterable."""
        ...

    def drop_graph(self, graph: str) -> bool:
        """Remove ``graph`` and its metadata record; False when there was no such graph."""
        ...

    def named_graphs(self) -> list[GraphInfo]:
        """The named graphs visible to queries, with their sizes, sorted by IRI."""
        ...

    def dump(self, output: IO[bytes], format: RdfFormat, graph: str | None = None) -> None:
        """Write the whole dataset (quad formats) or one graph (any format) to ``output``."""
        ...

    def close(self) -> None:
        """Release the store."""
        ...


def _syntax_error(error: SyntaxError, what: str) -> QuerySyntaxError:
    return QuerySyntaxError(f"{what} does not parse: {error}")


class OxigraphStore:
    """:class:`GraphStore` over an embedded pyoxigraph store.

    Reads run concurrently (pyoxigraph releases the GIL); writes are serialised by one lock.
    Loads go to a staging graph first, which queries never see, and are then moved into place by a
    single update, so readers see either the old graph or the new one, never a mix.
    """

    def __init__(self, store: Store, graphs: Graphs) -> None:
        self._store = store
        self.graphs = graphs
        self._write_lock = _WriteLock()
        self._staging: set[str] = set()

    @classmethod
    def open(cls, settings: Settings) -> OxigraphStore:
        """Open (and create if needed) the store the settings point to."""
        graphs = Graphs(settings.base_iri)
        if settings.in_memory:
            return cls(Store(), graphs)
        path = Path(settings.store).expanduser()
        if path.exists() and not path.is_dir():
            raise StoreError(f"the store location {path} is a file, not a directory")
        try:
            path.mkdir(parents=True, exist_ok=True)
            store = Store(str(path))
        except OSError as error:
            if "lock" in str(error).lower():
                raise StoreLockedError(
                    f"the store at {path} is in use by another s3kg process "
                    "(only one process may open it for writing); stop it or use --store"
                ) from None
            raise StoreError(f"cannot open the store at {path}: {error}") from None
        instance = cls(store, graphs)
        instance._drop_leftover_staging()
        return instance

    # -- reading ---------------------------------------------------------------------------

    def _visible_graphs(self) -> list[NamedNode]:
        return [
            g
            for g in self._store.named_graphs()
            if isinstance(g, NamedNode) and not self.graphs.is_staging(g.value)
        ]

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        subs = {Variable(k): v for k, v in (substitutions or {}).items()}
        kwargs: dict[str, object] = {}
        if default_graph is not None:
            kwargs["default_graph"] = [NamedNode(g) for g in default_graph]
        elif self._staging:
            kwargs["default_graph"] = [DefaultGraph(), *self._visible_graphs()]
        else:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs is not None:
            kwargs["named_graphs"] = [NamedNode(g) for g in named_graphs]
        elif self._staging:
            kwargs["named_graphs"] = self._visible_graphs()
        try:
            raw = self._store.query(sparql, prefixes=PREFIXES, substitutions=subs, **kwargs)  # type: ignore[arg-type]
        except SyntaxError as error:
            raise _syntax_error(error, "the query") from None
        except OSError as error:
            raise StoreError(f"the query failed: {error}") from None
        return _materialise(raw, max_rows)

    def named_graphs(self) -> list[GraphInfo]:
        counts = self.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
        assert isinstance(counts, SelectResult)
        sizes = {term_text(row[0]): int(term_text(row[1])) for row in counts.rows}
        return sorted(
            (GraphInfo(g.value, sizes.get(g.value, 0)) for g in self._visible_graphs()),
            key=lambda info: info.iri,
        )

    def dump(self, output: IO[bytes], format: RdfFormat, graph: str | None = None) -> None:
        if graph is None:
            if not format.supports_datasets:
                raise InputError(
                    f"{format.name} holds a single graph; export the whole store as N-Quads or "
                    "TriG, or name one graph"
                )
            quads = (
                q
                for g in self._visible_graphs()
                for q in self._store.quads_for_pattern(None, None, None, g)
            )
            serialize(quads, output, format=format, prefixes=PREFIXES)
            return
        if NamedNode(graph) not in set(self._visible_graphs()):
            raise NotFoundError(f"there is no graph {graph} in the store")
        self._store.dump(output, format=format, from_graph=NamedNode(graph), prefixes=PREFIXES)

    # -- writing ---------------------------------------------------------------------------

    def update(self, sparql: str) -> None:
        with self._write_lock:
            try:
                self._store.update(sparql, prefixes=PREFIXES)
            except SyntaxError as error:
                raise _syntax_error(error, "the update") from None
            except OSError as error:
                raise StoreError(f"the update failed: {error}") from None

    def replace_graph(
        self,
        graph: str,
        source: RdfSource,
        format: RdfFormat,
        *,
        base_iri: str | None = None,
        record: LoadRecord | None = None,
        check: Check | None = None,
    ) -> int:
        """Atomically replace ``graph`` with the triples of ``source``; return their number.

        ``check`` is called with the staging graph's IRI once the data is in it and before it
        replaces ``graph``; whatever it raises aborts the replacement and leaves the store as it
        was.
        """

        def fill(staging: NamedNode) -> None:
            self._load_into(staging, source, format, base_iri)

        return self._replace(graph, fill, record, check)

    def replace_graph_triples(
        self,
        graph: str,
        triples: Iterable[Triple],
        *,
        record: LoadRecord | RecordFactory | None = None,
        check: Check | None = None,
    ) -> int:
        """Like :meth:`replace_graph`, with triples streamed from an iterable.

        ``record`` may be a function of the number of triples, called once they are all in the
        staging graph, so a record can say when streaming ended and how many rows were read.
        """

        def fill(staging: NamedNode) -> None:
            self._store.bulk_extend(
                Quad(t.subject, t.predicate, t.object, staging) for t in triples
            )

        return self._replace(graph, fill, record, check)

    def _replace(
        self,
        graph: str,
        fill: Callable[[NamedNode], None],
        record: LoadRecord | RecordFactory | None,
        check: Check | None,
    ) -> int:
        target = NamedNode(graph)
        staging = NamedNode(self.graphs.staging(uuid.uuid4().hex))
        with self._write_lock:
            self._staging.add(staging.value)
            try:
                fill(staging)
                if check is not None:
                    check(staging.value)
                count = sum(1 for _ in self._store.quads_for_pattern(None, None, None, staging))
                swap = f"DROP SILENT GRAPH {target} ;\nMOVE SILENT GRAPH {staging} TO {target}"
                if record is not None:
                    filled = record(count) if callable(record) else replace(record, triples=count)
                    swap += " ;\n" + record_update(self.graphs.metadata, filled)
                self._store.update(swap)
            finally:
                self._store.remove_graph(staging)
                self._staging.discard(staging.value)
        return count

    def drop_graph(self, graph: str) -> bool:
        target = NamedNode(graph)
        with self._write_lock:
            existed = target in set(self._visible_graphs())
            self._store.update(
                f"DROP SILENT GRAPH {target} ;\n"
                + forget_update(self.graphs.metadata, record_subjects(graph))
            )
        return existed

    # -- version and snapshots (the HTTP API's caches and query guard) ---------------------

    @property
    def version(self) -> str:
        """A name for the current state of the data: it changes with every write.

        It is ``{epoch}-{writes}``; the epoch is drawn afresh each time the store is opened, so a
        version never names two different states, even across restarts (caches keyed by it are
        merely rebuilt after a restart).

        >>> store = open_store(Settings(store=":memory:"))
        >>> before = store.version
        >>> store.update("INSERT DATA { <http://ex.org/a> <http://ex.org/p> 1 }")
        >>> store.version != before
        True
        """
        return f"{self._write_lock.epoch}-{self._write_lock.writes}"

    def snapshot(self, target: Path) -> str:
        """Copy the whole dataset into the new directory ``target``; return the copy's version.

        An on-disk store makes a RocksDB checkpoint (hard links on the same file system, so it
        takes milliseconds), which ``Store.read_only`` opens; an in-memory store writes
        ``target/dataset.nq`` instead. The write lock is held, so no load is half done in it.
        """
        with self._write_lock.held():
            version = self.version
            try:
                self._store.backup(str(target))
            except RuntimeError:  # an in-memory store cannot make checkpoints
                target.mkdir(parents=True)
                with (target / "dataset.nq").open("wb") as output:
                    self._store.dump(output, format=RdfFormat.N_QUADS)
        return version

    def close(self) -> None:
        """Flush and let go of the store, which releases its lock for other processes."""
        store = self.__dict__.pop("_store", None)
        if store is not None:
            store.flush()

    # -- internals -------------------------------------------------------------------------

    def _load_into(
        self, graph: NamedNode, source: RdfSource, format: RdfFormat, base_iri: str | None
    ) -> None:
        if isinstance(source, Path):
            size: int | None = source.stat().st_size
            data: bytes | str | IO[bytes] | None = None
            path: Path | None = source
        else:
            size = len(source) if isinstance(source, bytes | str) else None
            data, path = source, None
        try:
            if size is not None and size < _BULK_THRESHOLD:
                self._store.load(data, format, path=path, base_iri=base_iri, to_graph=graph)
            else:
                self._store.bulk_load(data, format, path=path, base_iri=base_iri, to_graph=graph)
        except SyntaxError as error:
            line = getattr(error, "lineno", None)
            column = getattr(error, "offset", None)
            where = f"{line}:{column}: " if line else ""
            message = str(error.args[0]) if error.args else str(error)
            raise InputError(f"{where}{message}") from None
        except OSError as error:
            raise StoreError(f"loading into the store failed: {error}") from None

    def _drop_leftover_staging(self) -> None:
        """Remove staging graphs a crashed load may have left behind."""
        for g in list(self._store.named_graphs()):
            if isinstance(g, NamedNode) and self.graphs.is_staging(g.value):
                self._store.remove_graph(g)


class _WriteLock:
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
    def held(self) -> Iterator[None]:
        """Hold the lock without counting a write."""
        with self._lock:
            yield


def _materialise(
    raw: QuerySolutions | QueryBoolean | QueryTriples, max_rows: int | None
) -> QueryResult:
    """Turn pyoxigraph's thread-bound iterators into plain values, capped at ``max_rows``."""
    if isinstance(raw, QueryBoolean):
        return AskResult(bool(raw))
    if isinstance(raw, QueryTriples):
        triples: list[Triple] = []
        for triple in raw:
            if max_rows is not None and len(triples) >= max_rows:
                return GraphResult(triples, truncated=True)
            triples.append(triple)
        return GraphResult(triples)
    variables = [v.value for v in raw.variables]
    rows: list[tuple[Term | None, ...]] = []
    width = len(variables)
    for solution in raw:
        if max_rows is not None and len(rows) >= max_rows:
            return SelectResult(variables, rows, truncated=True)
        rows.append(tuple(solution[i] for i in range(width)))
    return SelectResult(variables, rows)


def open_store(settings: Settings) -> OxigraphStore:
    """Open the store named by the settings."""
    return OxigraphStore.open(settings)
