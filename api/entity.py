"""One entity described: its RDF (for machines) or what its web page shows (for people).

Both are guarded tasks (:mod:`graph.guard`). The RDF is the entity's concise bounded description
(``DESCRIBE``) plus the statements that point at it; the page lists its properties with labels,
the resources it links to, and the resources linking to it.

>>> from graph.settings import Settings
>>> from graph.store import open_store
>>> store = open_store(Settings(store=":memory:"))
>>> store.update('INSERT DATA { GRAPH <http://ex.org/g> { <http://ex.org/a> skos:prefLabel "A"@en ;'
...              ' <http://ex.org/p> <http://ex.org/b> . <http://ex.org/c> <http://ex.org/q> '
...              '<http://ex.org/a> } }')
>>> page = entity_page(store, "http://ex.org/a")
>>> page.label, [r.predicate for r in page.properties], [i.subject.iri for i in page.incoming]
('A', ['http://ex.org/p', 'http://www.w3.org/2004/02/skos/core#prefLabel'], ['http://ex.org/c'])
>>> entity_page(store, "http://ex.org/nothing") is None
True
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from api.rendering import write_triples
from graph.errors import NotFoundError
from graph.namespaces import PREFIXES
from graph.results import GraphResult, SelectResult, Term
from graph.store import GraphStore

INCOMING = 100
"""The most incoming links a description holds."""
OUTGOING = 2000
"""The most property values a page shows."""

_LABELS = (
    "skos:prefLabel",
    "rdfs:label",
    "dcterms:title",
    "legal:legalName",
    "foaf:name",
    "skos:notation",
)
RDF_TYPE = PREFIXES["rdf"] + "type"


@dataclass(frozen=True)
class Value:
    """A term as a page shows it: its text, the IRI it links to, its label, language, type."""

    text: str
    iri: str | None = None
    label: str | None = None
    language: str | None = None
    datatype: str | None = None


@dataclass(frozen=True)
class Row:
    """A property of the entity and its values."""

    predicate: str
    label: str | None
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Incoming:
    """A resource linking to the entity, and how."""

    subject: Value
    predicate: str
    label: str | None


@dataclass(frozen=True)
class EntityPage:
    """What the entity's web page shows."""

    iri: str
    label: str | None
    types: tuple[Value, ...]
    properties: tuple[Row, ...]
    incoming: tuple[Incoming, ...]
    more_incoming: bool


def _select(store: GraphStore, sparql: str, max_rows: int | None = None) -> SelectResult:
    result = store.query(sparql, max_rows=max_rows)
    assert isinstance(result, SelectResult)
    return result


def _labels(store: GraphStore, iris: set[str]) -> dict[str, str]:
    """The best label of each IRI: English first, then no language, then any."""
    if not iris:
        return {}
    values = " ".join(str(NamedNode(i)) for i in sorted(iris))
    found = _select(
        store,
        f"SELECT ?x ?label WHERE {{ VALUES ?x {{ {values} }} ?x {'|'.join(_LABELS)} ?label }}",
    )
    ranked: dict[str, tuple[int, str]] = {}
    for x, label in found.rows:
        if not isinstance(x, NamedNode) or not isinstance(label, Literal):
            continue
        rank = 0 if label.language == "en" else 1 if not label.language else 2
        if x.value not in ranked or rank < ranked[x.value][0]:
            ranked[x.value] = (rank, label.value)
    return {iri: text for iri, (_, text) in ranked.items()}


def _value(term: Term | None, labels: dict[str, str]) -> Value:
    if isinstance(term, NamedNode):
        return Value(term.value, iri=term.value, label=labels.get(term.value))
    if isinstance(term, Literal):
        datatype = term.datatype.value if not term.language else None
        return Value(term.value, language=term.language, datatype=datatype)
    if isinstance(term, BlankNode):
        return Value(f"_:{term.value}")
    return Value(str(term))


def entity_page(store: GraphStore, iri: str) -> EntityPage | None:
    """The page of ``iri``, or None when the store says nothing about it."""
    subject = NamedNode(iri)
    outgoing = _select(store, f"SELECT ?p ?o WHERE {{ {subject} ?p ?o }}", OUTGOING)
    incoming = _select(
        store, f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {subject} }} LIMIT {INCOMING + 1}"
    )
    if not outgoing.rows and not incoming.rows:
        return None
    named = {iri}
    for row in (*outgoing.rows, *incoming.rows):
        named.update(t.value for t in row if isinstance(t, NamedNode))
    labels = _labels(store, named)
    by_predicate: dict[str, list[Value]] = {}
    types: list[Value] = []
    for p, o in outgoing.rows:
        assert isinstance(p, NamedNode)
        if p.value == RDF_TYPE:
            types.append(_value(o, labels))
        else:
            by_predicate.setdefault(p.value, []).append(_value(o, labels))
    rows = tuple(
        Row(p, labels.get(p), tuple(values))
        for p, values in sorted(by_predicate.items(), key=lambda item: labels.get(item[0], item[0]))
    )
    linking = tuple(
        Incoming(_value(s, labels), p.value, labels.get(p.value))
        for s, p in incoming.rows[:INCOMING]
        if isinstance(p, NamedNode)
    )
    return EntityPage(
        iri, labels.get(iri), tuple(types), rows, linking, len(incoming.rows) > INCOMING
    )


def entity_rdf(store: GraphStore, iri: str, media_type: str) -> bytes:
    """The entity's description in an RDF format (NotFoundError when there is none)."""
    subject = NamedNode(iri)
    described = store.query(f"DESCRIBE {subject}")
    pointing = store.query(
        f"CONSTRUCT {{ ?s ?p {subject} }} WHERE {{ ?s ?p {subject} }} LIMIT {INCOMING}"
    )
    assert isinstance(described, GraphResult) and isinstance(pointing, GraphResult)
    triples: list[Triple] = [*described.triples, *pointing.triples]
    if not triples:
        raise NotFoundError(f"the knowledge graph says nothing about {iri}")
    return write_triples(triples, media_type)
