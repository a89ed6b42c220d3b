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

Several graphs written together go through one load, which publishes them all at once:

>>> with store.loading() as load:
...     load.stage_lines(store.graphs.source("a"), ['<http://ex.org/a> <http://ex.org/p> "2" .\\n'])
...     load.stage_lines(store.graphs.source("b"), ['<http://ex.org/b> <http://ex.org/p> "3" .\\n'])
...     load.publish()
1
1
>>> len(store.named_graphs())
3
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
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

from graph.bulk import (
    DEV_FD,
    RdfSource,
    load_into,
    refill,
    remove_graph,
    stream_lines,
    triples_in,
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
from graph.visibility import Checkpoint, Sight, Visibility, WriteLock

Check: TypeAlias = Callable[[str], None]
# Makes the provenance record of a replacement from its number of triples.
RecordFactory: TypeAlias = Callable[[int], LoadRecord]

_RDF_TYPE = NamedNode(PREFIXES["rdf"] + "type")


@dataclass(frozen=True)
class GraphInfo:
    """A named graph and the number of triples in it."""

    iri: str
    triples: int


class Load(Protocol):
    """Graphs written together: each is staged where queries cannot see it, then all are
    published at once by :meth:`publish`. Whatever is not published is discarded."""

    def stage(
        self,
        graph: str,
        source: RdfSource,
        format: RdfFormat,
        *,
        base_iri: str | None = None,
        check: Check | None = None,
    ) -> int:
        """Stage the triples of ``source`` as the new content of ``graph``; return their number.

        ``check`` is called with the IRI of the graph that holds them (hidden from queries until
        publication); whatever it raises discards them and propagates.
        """
        ...

    def stage_lines(self, graph: str, lines: Iterable[str], *, check: Check | None = None) -> int:
        """Like :meth:`stage`, with N-Triples text streamed from an iterable of strings."""
        ...

    def discard(self, graph: str) -> None:
        """Forget what was staged for ``graph``."""
        ...

    def query(self, sparql: str, *, substitutions: Mapping[str, Term] | None = None) -> QueryResult:
        """A query over the data as it will be once published: the visible graphs, with the
        staged graphs in place of those they replace."""
        ...

    def typed(self, classes: Sequence[str]) -> Callable[[str], bool]:
        """A test of whether an IRI is an instance of one of ``classes`` (full IRIs), in the
        data as it will be once published; for references to more records than memory holds.
        The test sees the graphs as they are when it is made, and costs a few microseconds."""
        ...

    def publish(self, records: Mapping[str, LoadRecord] | None = None) -> None:
        """Make every staged graph visible, with its provenance record, in one step.

        A record's triple count is set to the number of triples staged.
        """
        ...


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

    def loading(self) -> AbstractContextManager[Load]:
        """A load: graphs staged one by one and published together (other writes wait)."""
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

    Writes are serialised by one lock. Loads write into graphs that queries do not see and
    publish them in one step (:class:`Visibility`), so readers see either the old graphs or the
    new ones, never a mix.
    """

    def __init__(self, store: Store, graphs: Graphs, path: Path | None = None) -> None:
        self._store = store
        self.graphs = graphs
        # Where the store lives on disk (None in memory): publications make checkpoints beside it.
        self._path = path
        self._write_lock = WriteLock()
        self._visibility = Visibility(Sight(store, self._unfinished()))

    @classmethod
    def open(cls, settings: Settings) -> OxigraphStore:
        """Open (and create if needed) the store the settings point to.

        What a load that did not end (a crash, a kill) left behind is cleared first: graphs it
        wrote are removed, a publication it began is completed.
        """
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
        instance = cls(store, graphs, path)
        instance._recover()
        return instance

    # -- reading ---------------------------------------------------------------------------

    def _visible_graphs(self, sight: Sight) -> list[NamedNode]:
        return [
            g
            for g in sight.store.named_graphs()
            if isinstance(g, NamedNode)
            and g.value not in sight.hidden
            and not self.graphs.is_staging(g.value)
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
        with self._visibility.reading() as sight:
            kwargs: dict[str, object] = {}
            visible = self._visible_graphs(sight) if sight.hidden else None
            if default_graph is not None:
                kwargs["default_graph"] = [NamedNode(g) for g in default_graph]
            elif visible is not None:
                kwargs["default_graph"] = [DefaultGraph(), *visible]
            else:
                kwargs["use_default_graph_as_union"] = True
            if named_graphs is not None:
                kwargs["named_graphs"] = [NamedNode(g) for g in named_graphs]
            elif visible is not None:
                kwargs["named_graphs"] = visible
            # pyoxigraph reads from a snapshot taken here: the dataset and the data agree
            raw = _run_query(sight.store, sparql, substitutions, kwargs)
            sight.acquire()
        try:
            return _materialise(raw, max_rows)
        finally:
            sight.release()

    def named_graphs(self) -> list[GraphInfo]:
        with self._visibility.reading() as sight:
            visible = self._visible_graphs(sight)
            raw = _run_query(
                sight.store,
                "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                None,
                {"named_graphs": visible},
            )
            sight.acquire()
        try:
            counts = _materialise(raw, None)
        finally:
            sight.release()
        assert isinstance(counts, SelectResult)
        sizes = {term_text(row[0]): int(term_text(row[1])) for row in counts.rows}
        return sorted(
            (GraphInfo(g.value, sizes.get(g.value, 0)) for g in visible),
            key=lambda info: info.iri,
        )

    def dump(self, output: IO[bytes], format: RdfFormat, graph: str | None = None) -> None:
        if graph is None and not format.supports_datasets:
            raise InputError(
                f"{format.name} holds a single graph; export the whole store as N-Quads or "
                "TriG, or name one graph"
            )
        with self._visibility.reading() as sight:
            visible = self._visible_graphs(sight)
            sight.acquire()
        try:
            if graph is None:
                quads = (
                    q for g in visible for q in sight.store.quads_for_pattern(None, None, None, g)
                )
                serialize(quads, output, format=format, prefixes=PREFIXES)
                return
            if NamedNode(graph) not in set(visible):
                raise NotFoundError(f"there is no graph {graph} in the store")
            sight.store.dump(output, format=format, from_graph=NamedNode(graph), prefixes=PREFIXES)
        finally:
            sight.release()

    # -- writing ---------------------------------------------------------------------------

    def update(self, sparql: str) -> None:
        with self._write_lock:
            try:
                self._store.update(sparql, prefixes=PREFIXES)
            except SyntaxError as error:
                raise _syntax_error(error, "the update") from None
            except OSError as error:
                raise StoreError(f"the update failed: {error}") from None

    @contextmanager
    def loading(self) -> Iterator[Load]:
        """A load: stage graphs, then publish them together; unpublished ones are discarded.

        Other writes (and snapshots) wait until the load ends; queries go on, and do not see the
        staged graphs.
        """
        with self._write_lock.held():
            load = _OxigraphLoad(self)
            try:
                yield load
            finally:
                load.close()

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

        ``check`` is called with the IRI of the (hidden) graph holding the new triples before
        they replace ``graph``; whatever it raises aborts the replacement and leaves the store as
        it was.
        """
        with self.loading() as load:
            count = load.stage(graph, source, format, base_iri=base_iri, check=check)
            load.publish({graph: record} if record is not None else None)
        return count

    def replace_graph_triples(
        self,
        graph: str,
        triples: Iterable[Triple],
        *,
        record: LoadRecord | RecordFactory | None = None,
        check: Check | None = None,
    ) -> int:
        """Like :meth:`replace_graph`, with triples streamed from an iterable.

        ``record`` may be a function of the number of triples, called once they are all staged,
        so a record can say when streaming ended and how many rows were read.
        """
        lines = (f"{triple} .\n" for triple in triples)
        with self.loading() as load:
            count = load.stage_lines(graph, lines, check=check)
            made = record(count) if callable(record) else record
            load.publish({graph: made} if made is not None else None)
        return count

    def drop_graph(self, graph: str) -> bool:
        target = NamedNode(graph)
        with self._write_lock:
            existed = target in set(self._visible_graphs(self._visibility.sight))
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

    def default_graph_triples(self) -> list[Triple]:
        """The triples of the store's own default graph (the Graph Store Protocol's ``?default``).

        s3kg keeps its data in named graphs; queries see this graph as part of their union
        default graph, and SPARQL updates without ``GRAPH`` write to it.
        """
        return [
            Triple(q.subject, q.predicate, q.object)
            for q in self._store.quads_for_pattern(None, None, None, DefaultGraph())
        ]

    def snapshot(self, target: Path, *, wait: bool = True) -> str | None:
        """Copy the whole dataset into the new directory ``target``; return the copy's version.

        An on-disk store makes a RocksDB checkpoint (hard links on the same file system, so it
        takes milliseconds), which ``Store.read_only`` opens; an in-memory store writes
        ``target/dataset.nq`` instead. The write lock is held, so no load is half done in it.
        With ``wait=False`` it returns None at once instead of waiting for a write to finish.
        """
        with self._write_lock.held(blocking=wait) as acquired:
            if not acquired:
                return None
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
        self.__dict__.pop("_visibility", None)  # its sight holds the store too
        if store is not None:
            store.flush()

    # -- internals: unfinished loads -------------------------------------------------------

    @property
    def _markers(self) -> NamedNode:
        """The graph where a load notes what it is doing, for :meth:`_recover`."""
        return NamedNode(self.graphs.staging("unfinished"))

    @property
    def _unfinished_graph(self) -> NamedNode:
        """The class of the graphs a load writes straight into: removed if it never ends."""
        return NamedNode(self._markers.value + "#Graph")

    @property
    def _replaced_by(self) -> NamedNode:
        """Links a graph a publication is rewriting to the staging graph it is copied from."""
        return NamedNode(self._markers.value + "#replacedBy")

    def _mark_unfinished(self, graph: NamedNode) -> None:
        self._store.update(
            f"INSERT DATA {{ GRAPH {self._markers} "
            f"{{ {graph} {_RDF_TYPE} {self._unfinished_graph} }} }}"
        )

    def _unfinished(self) -> frozenset[str]:
        """The graphs of a load that did not end (with the marker graph): never shown."""
        found = self._store.quads_for_pattern(None, None, None, self._markers)
        graphs = {q.subject.value for q in found if isinstance(q.subject, NamedNode)}
        return frozenset(graphs | {self._markers.value}) if graphs else frozenset()

    def _recover(self) -> None:
        """Clear what a load that did not end (a crash, a kill) left behind.

        A publication that had begun rewriting graphs is completed from its staging graphs
        (they hold checked data, and its provenance records are already written); the graphs a
        load was writing straight into are removed, and so is every staging graph.
        """
        markers = self._markers
        for quad in list(self._store.quads_for_pattern(None, self._replaced_by, None, markers)):
            target, staging = quad.subject, quad.object
            copyable = isinstance(staging, NamedNode) and self._store.contains_named_graph(staging)
            if isinstance(target, NamedNode) and isinstance(staging, NamedNode) and copyable:
                refill(self._store, target, staging)
        found = self._store.quads_for_pattern(None, _RDF_TYPE, self._unfinished_graph, markers)
        for graph in [q.subject for q in found]:
            if isinstance(graph, NamedNode):
                remove_graph(self._store, graph)
        for g in list(self._store.named_graphs()):
            if isinstance(g, NamedNode) and self.graphs.is_staging(g.value):
                remove_graph(self._store, g)
        if self._path is not None:
            for left in self._path.parent.glob(f".{self._path.name}.publishing-*"):
                shutil.rmtree(left, ignore_errors=True)
        self._visibility = Visibility(Sight(self._store, frozenset()))

    # -- internals: writing ----------------------------------------------------------------

    def _checkpoint(self) -> Checkpoint | None:
        """A read-only copy of the store as it is now, or None if one cannot be made."""
        if self._path is None or not DEV_FD.is_dir():
            return None
        path = self._path.parent / f".{self._path.name}.publishing-{uuid.uuid4().hex[:12]}"
        try:
            self._store.backup(str(path))
            return Checkpoint(path, Store.read_only(str(path)))
        except (OSError, RuntimeError):
            shutil.rmtree(path, ignore_errors=True)
            return None


@dataclass
class _Staged:
    """A graph staged by a load: ``work`` holds its triples until publication."""

    target: str
    work: NamedNode
    triples: int

    @property
    def replaces(self) -> bool:
        """True when the target existed: the work graph is a staging graph to copy into it."""
        return self.work.value != self.target


class _OxigraphLoad:
    """:class:`Load` over an :class:`OxigraphStore` (whose write lock the caller holds).

    A graph that does not exist yet is written straight into its own IRI while hidden from
    queries, and shown at publication: nothing is copied. A graph that exists is written into a
    staging graph, and copied over the old one at publication while queries read a checkpoint of
    the store as it was (:meth:`_publish_by_copying`). Graphs written straight into are listed in
    a marker graph first, so that a crash mid-load cannot leave them behind half written.
    """

    def __init__(self, owner: OxigraphStore) -> None:
        self._owner = owner
        self._staged: dict[str, _Staged] = {}
        self._marked = False

    def stage(
        self,
        graph: str,
        source: RdfSource,
        format: RdfFormat,
        *,
        base_iri: str | None = None,
        check: Check | None = None,
    ) -> int:
        def fill(work: NamedNode) -> None:
            load_into(self._owner._store, work, source, format, base_iri)

        return self._stage(graph, fill, check)

    def stage_lines(self, graph: str, lines: Iterable[str], *, check: Check | None = None) -> int:
        def fill(work: NamedNode) -> None:
            stream_lines(self._owner._store, work, lines)

        return self._stage(graph, fill, check)

    def _stage(self, graph: str, fill: Callable[[NamedNode], None], check: Check | None) -> int:
        self.discard(graph)
        work = self._work_graph(graph)
        try:
            fill(work)
            if check is not None:
                check(work.value)
            count = triples_in(self._owner._store, work)
        except BaseException:
            self._remove(work)
            raise
        self._staged[graph] = _Staged(graph, work, count)
        return count

    def _work_graph(self, graph: str) -> NamedNode:
        owner = self._owner
        target = NamedNode(graph)
        if owner._store.contains_named_graph(target):
            work = NamedNode(owner.graphs.staging(uuid.uuid4().hex))
            owner._visibility.hide({work.value})
            return work
        owner._visibility.hide({target.value, owner._markers.value})
        owner._mark_unfinished(target)
        self._marked = True
        return target

    def _remove(self, work: NamedNode) -> None:
        remove_graph(self._owner._store, work)
        self._owner._visibility.show({work.value})

    def discard(self, graph: str) -> None:
        staged = self._staged.pop(graph, None)
        if staged is not None:
            self._remove(staged.work)

    def _graphs(self) -> list[NamedNode]:
        """The graphs of the data as it will be once published (and the default graph)."""
        owner = self._owner
        replaced = {s.target for s in self._staged.values() if s.replaces}
        visible = owner._visible_graphs(owner._visibility.sight)
        graphs = [g for g in visible if g.value not in replaced]
        return graphs + [s.work for s in self._staged.values()]

    def query(self, sparql: str, *, substitutions: Mapping[str, Term] | None = None) -> QueryResult:
        kwargs: dict[str, object] = {"default_graph": [DefaultGraph(), *self._graphs()]}
        return _materialise(_run_query(self._owner._store, sparql, substitutions, kwargs), None)

    def typed(self, classes: Sequence[str]) -> Callable[[str], bool]:
        # Quads are tested whole, graph by graph, which decodes nothing (a pattern lookup
        # decodes each quad it finds, four times slower); the graph that answered last is
        # tried first, so a lookup usually costs one test.
        graphs: list[NamedNode | DefaultGraph] = [DefaultGraph(), *self._graphs()]
        types = [NamedNode(c) for c in classes]
        store = self._owner._store

        def test(iri: str) -> bool:
            try:
                subject = NamedNode(iri)
            except ValueError:
                return False
            for index, graph in enumerate(graphs):
                if any(Quad(subject, _RDF_TYPE, kind, graph) in store for kind in types):
                    graphs.insert(0, graphs.pop(index))
                    return True
            return False

        return test

    def publish(self, records: Mapping[str, LoadRecord] | None = None) -> None:
        owner = self._owner
        staged = list(self._staged.values())
        updates = [
            record_update(owner.graphs.metadata, replace(record, triples=item.triples))
            for item in staged
            if (record := (records or {}).get(item.target)) is not None
        ]
        checkpoint = owner._checkpoint() if any(s.replaces for s in staged) else None
        self._staged.clear()  # from here on, the staging graphs belong to the publication
        self._marked = False
        if checkpoint is None:
            self._publish_in_one_update(staged, updates)
        else:
            self._publish_by_copying(staged, updates, checkpoint)
        owner._write_lock.count_write()

    def _publish_in_one_update(self, staged: list[_Staged], updates: list[str]) -> None:
        """Publish with one update, which moves staging graphs into place in its transaction."""
        owner = self._owner
        parts: list[str] = []
        for item in staged:
            if item.replaces:
                target = NamedNode(item.target)
                parts += [
                    f"DROP SILENT GRAPH {target}",
                    f"MOVE SILENT GRAPH {item.work} TO {target}",
                ]
        parts += [*updates, f"DROP SILENT GRAPH {owner._markers}"]
        # A graph written straight into its IRI becomes visible when it leaves the hidden set;
        # its record must not be seen before that: readers wait while both change.
        shows_new = any(not item.replaces for item in staged)
        with owner._visibility.exclusive() if shows_new else nullcontext():
            owner._store.update(" ;\n".join(parts))
            owner._visibility.set_hidden(
                owner._visibility.sight.hidden - {item.work.value for item in staged}
            )

    def _publish_by_copying(
        self, staged: list[_Staged], updates: list[str], checkpoint: Checkpoint
    ) -> None:
        """Publish while queries read ``checkpoint``: the store as it was before publication.

        One small update writes the records and notes which graph is copied from which staging
        graph (so that :meth:`OxigraphStore._recover` completes the copy after a crash); then
        each replaced graph is emptied and refilled from its staging graph in bounded memory,
        and queries are turned back to the store, which now holds every new graph.
        """
        owner = self._owner
        visibility = owner._visibility
        replacing = [item for item in staged if item.replaces]
        with visibility.exclusive():
            visibility.sight = Sight(checkpoint.store, visibility.sight.hidden, checkpoint)
        notes = " ".join(f"<{i.target}> {owner._replaced_by} {i.work} ." for i in replacing)
        markers = owner._markers
        owner._store.update(
            f"DELETE WHERE {{ GRAPH {markers} {{ ?g {_RDF_TYPE} {owner._unfinished_graph} }} }} ;\n"
            + f"INSERT DATA {{ GRAPH {markers} {{ {notes} }} }}"
            + "".join(f" ;\n{update}" for update in updates)
        )
        try:
            for item in replacing:
                refill(owner._store, NamedNode(item.target), item.work)
            owner._store.update(f"DROP SILENT GRAPH {markers}")
        except Exception as error:
            raise StoreError(
                f"publishing stopped midway ({error}); queries still see the data as it was, "
                "and the store completes the publication when it is opened again"
            ) from error
        shown = {item.work.value for item in staged if not item.replaces}
        with visibility.exclusive():
            visibility.sight = Sight(owner._store, visibility.sight.hidden - shown)
        checkpoint.retire()
        for item in replacing:
            self._remove(item.work)

    def close(self) -> None:
        """Discard whatever was staged and not published."""
        for graph in list(self._staged):
            self.discard(graph)
        if self._marked:
            self._owner._store.remove_graph(self._owner._markers)
        self._owner._visibility.show({self._owner._markers.value})


def _run_query(
    store: Store, sparql: str, substitutions: Mapping[str, Term] | None, kwargs: dict[str, object]
) -> QuerySolutions | QueryBoolean | QueryTriples:
    subs = {Variable(k): v for k, v in (substitutions or {}).items()}
    try:
        return store.query(sparql, prefixes=PREFIXES, substitutions=subs, **kwargs)  # type: ignore[arg-type]
    except SyntaxError as error:
        raise _syntax_error(error, "the query") from None
    except OSError as error:
        raise StoreError(f"the query failed: {error}") from None


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
