"""What the dataset holds, per named graph: sizes, example resources, provenance records.

The service description, the VoID description, the DCAT catalogue and the home page all describe
the same numbers, computed once per store version by one guarded task and cached.

>>> from graph.settings import Settings
>>> from graph.store import open_store
>>> store = open_store(Settings(store=":memory:"))
>>> store.update("INSERT DATA { GRAPH <http://ex.org/g> { <http://ex.org/a> a <http://ex.org/C> }}")
>>> stats = dataset_stats(store)
>>> [(g.iri, g.triples, g.examples) for g in stats.graphs], stats.triples
([('http://ex.org/g', 1, ('http://ex.org/a',))], 1)
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from fastapi import Request
from pyoxigraph import NamedNode

from api.deps import guarded
from graph.guard import QueryGuard, version_of
from graph.results import SelectResult, term_text
from graph.store import GraphStore

EXAMPLES = 3

_RECORDS = """
SELECT ?graph ?license ?modified ?file ?source ?activity ?agent WHERE {
  GRAPH ?meta {
    ?graph prov:wasGeneratedBy ?activity .
    OPTIONAL { ?graph dcterms:license ?license }
    OPTIONAL { ?graph dcterms:modified ?modified }
    OPTIONAL { ?activity prov:used ?used . ?used dcterms:title ?file
               OPTIONAL { ?used dcterms:source ?source } }
    OPTIONAL { ?activity prov:wasAssociatedWith/rdfs:label ?agent }
  }
  FILTER(?meta = ?metadata)
}"""


@dataclass(frozen=True)
class GraphStats:
    """One named graph: its size, a few of its resources, and what its load record says."""

    iri: str
    triples: int
    examples: tuple[str, ...] = ()
    license: str | None = None
    modified: str | None = None
    file: str | None = None
    source: str | None = None
    activity: str | None = None
    agent: str | None = None


@dataclass(frozen=True)
class DatasetStats:
    """The named graphs of the dataset and the size of the store's own default graph."""

    graphs: tuple[GraphStats, ...]
    default_triples: int

    @property
    def triples(self) -> int:
        """Triples in the whole dataset."""
        return self.default_triples + sum(g.triples for g in self.graphs)

    @property
    def modified(self) -> str | None:
        """When the last recorded load ended."""
        return max((g.modified for g in self.graphs if g.modified), default=None)


def _examples(store: GraphStore, graph: str) -> tuple[str, ...]:
    found = store.query(
        f"SELECT DISTINCT ?s WHERE {{ GRAPH {NamedNode(graph)} {{ ?s a ?type }} "
        f"FILTER(isIRI(?s)) }} LIMIT {EXAMPLES}"
    )
    assert isinstance(found, SelectResult)
    return tuple(term_text(row[0]) for row in found.rows)


def dataset_stats(store: GraphStore) -> DatasetStats:
    """Count and sample every named graph and read the load records (a guarded task)."""
    records: dict[str, dict[str, str]] = {}
    found = store.query(_RECORDS.replace("?metadata", str(NamedNode(store.graphs.metadata))))
    assert isinstance(found, SelectResult)
    for row in found.rows:
        values = {v: term_text(t) for v, t in zip(found.variables, row, strict=True) if t}
        records.setdefault(values.pop("graph"), {}).update(values)
    graphs = tuple(
        GraphStats(
            info.iri,
            info.triples,
            _examples(store, info.iri),
            **records.get(info.iri, {}),
        )
        for info in store.named_graphs()
    )
    return DatasetStats(graphs, _default_size(store))


def _default_size(store: GraphStore) -> int:
    triples = getattr(store, "default_graph_triples", None)
    return len(triples()) if callable(triples) else 0


_cache_lock = threading.Lock()


async def current_stats(request: Request) -> DatasetStats:
    """The statistics of the store's current version (computed once per version)."""
    state = request.app.state
    version = version_of(state.store)
    cached: tuple[str | None, DatasetStats] | None = getattr(state, "stats", None)
    if cached is not None and version is not None and cached[0] == version:
        return cached[1]
    guard: QueryGuard = state.guard
    stats = await guarded(guard, dataset_stats)
    with _cache_lock:
        state.stats = (version, stats)
    return stats
