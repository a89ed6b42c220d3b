"""The work behind the query interfaces, as tasks the query guard runs (:mod:`graph.guard`).

Each task takes the store first, runs its queries, and returns bytes or small plain values, so
that results cross the process boundary cheaply and are serialised in the thread that made them.

>>> from graph.settings import Settings
>>> from graph.store import open_store
>>> store = open_store(Settings(store=":memory:"))
>>> answer_query(store, "SELECT (1 AS ?one) {}", None, Choice.of("text/csv", []), 10).body
b'one\\r\\n1\\r\\n'
>>> from pyoxigraph import Literal
>>> plain(Literal("3", datatype=NamedNode(XSD + "integer"))), plain(NamedNode("http://ex.org/a"))
(3, 'http://ex.org/a')
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from io import BytesIO

from pyoxigraph import BlankNode, NamedNode, RdfFormat, Triple

from api.media import CSV, JSON, Choice
from api.rendering import RDF_FORMATS, Answer, render, write_triples
from graph.catalog import Catalog, NamedQuery
from graph.errors import NotFoundError
from graph.namespaces import PREFIXES
from graph.results import AskResult, GraphResult, SelectResult, Term, serialize_select
from graph.store import GraphStore, OxigraphStore

XSD = PREFIXES["xsd"]
_INTEGERS = {
    XSD + name
    for name in (
        *("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger"),
        *("negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong"),
        *("unsignedShort", "unsignedByte"),
    )
}
_NUMBERS = {XSD + "decimal", XSD + "double", XSD + "float"}

Dataset = tuple[tuple[str, ...], tuple[str, ...]]


def answer_query(
    store: GraphStore, text: str, dataset: Dataset | None, choice: Choice, max_rows: int
) -> Answer:
    """A SPARQL query's result, written as chosen; ``dataset`` is (default graphs, named graphs)."""
    if dataset is None:
        result = store.query(text, max_rows=max_rows)
    else:
        result = store.query(
            text, default_graph=dataset[0], named_graphs=dataset[1], max_rows=max_rows
        )
    return render(result, choice)


def plain(term: Term | None) -> object:
    """A term as a plain JSON value: numbers and booleans as such, everything else as text."""
    if term is None:
        return None
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Triple):
        return str(term)
    if isinstance(term, NamedNode) or term.language:
        return term.value
    datatype = term.datatype.value
    try:
        if datatype in _INTEGERS:
            return int(term.value)
        if datatype in _NUMBERS:
            number = float(term.value)
            return number if math.isfinite(number) else term.value
    except ValueError:
        return term.value
    if datatype == XSD + "boolean":
        return term.value in ("true", "1")
    return term.value


def answer_named(
    store: GraphStore,
    query: NamedQuery,
    params: Mapping[str, str | None],
    limit: int,
    offset: int,
    media_type: str,
    links: Mapping[str, str],
) -> Answer:
    """A named query's result: JSON rows with paging links, CSV, or RDF for graph queries.

    ``links`` holds ``self`` and the ``next`` page's URL, kept only when more rows follow.
    """
    result = Catalog([query]).run(store, query.name, params, limit=limit, offset=offset)
    if isinstance(result, GraphResult):
        return render(result, Choice(None, media_type if media_type != CSV else None, media_type))
    if isinstance(result, AskResult):
        if media_type == CSV:
            return render(result, Choice(CSV, None, CSV))
        document = {"query": query.name, "boolean": result.value, "_links": {"self": links["self"]}}
        return Answer(json.dumps(document).encode(), JSON)
    assert isinstance(result, SelectResult)
    if media_type == CSV:
        return Answer(serialize_select(result, CSV), CSV, result.truncated, len(result.rows))
    shown = {"self": {"href": links["self"]}}
    if result.truncated:
        shown["next"] = {"href": links["next"]}
    document = {
        "query": query.name,
        "columns": result.variables,
        "rows": [
            {v: plain(t) for v, t in zip(result.variables, row, strict=True)} for row in result.rows
        ],
        "meta": {
            "count": len(result.rows),
            "offset": offset,
            "limit": limit,
            "truncated": result.truncated,
        },
        "_links": shown,
    }
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return Answer(body, JSON, result.truncated, len(result.rows))


def graph_exists(store: GraphStore, graph: str) -> bool:
    """True when ``graph`` is a named graph of the store (even an empty one)."""
    result = store.query(f"ASK {{ GRAPH {NamedNode(graph)} {{ }} }}")
    return isinstance(result, AskResult) and result.value


def graph_document(store: GraphStore, graph: str | None, media_type: str) -> bytes:
    """One graph of the store (None: its own default graph) in an RDF format; 404 if absent."""
    if graph is None:
        if not isinstance(store, OxigraphStore):
            raise NotFoundError("this store has no default graph of its own")
        return write_triples(store.default_graph_triples(), media_type)
    if not graph_exists(store, graph):
        raise NotFoundError(f"there is no graph {graph} in the store")
    rdf_format = RDF_FORMATS.get(media_type)
    if rdf_format is None or rdf_format == RdfFormat.N_QUADS or rdf_format == RdfFormat.TRIG:
        found = store.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {NamedNode(graph)} {{ ?s ?p ?o }} }}"
        )
        assert isinstance(found, GraphResult)
        return write_triples(found.triples, media_type)
    output = BytesIO()
    store.dump(output, rdf_format, graph)
    return output.getvalue()
