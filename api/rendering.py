"""Query results written in the media type the client chose, as bytes ready to send.

This runs where the query ran (a query worker or a thread), so results never cross a process
boundary as RDF terms, only as bytes.

>>> from graph.results import AskResult
>>> render(AskResult(True), Choice.of(None, [])).body
b'{"head": {}, "boolean": true}'
>>> render(AskResult(True), Choice.of("text/turtle", []))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
graph.errors.UnsupportedFormatError: a boolean result cannot be written as text/turtle; ask for...
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple

from api.jsonld import to_jsonld
from api.media import (
    CANONICAL,
    GRAPH_TYPES,
    JSON,
    JSON_LD,
    N3,
    N_QUADS,
    N_TRIPLES,
    RDF_XML,
    SOLUTION_TYPES,
    TRIG,
    TURTLE,
    Choice,
)
from graph.errors import UnsupportedFormatError
from graph.namespaces import PREFIXES
from graph.results import (
    AskResult,
    GraphResult,
    QueryResult,
    SelectResult,
    serialize_ask,
    serialize_select,
    serialize_triples,
)

RDF_FORMATS = {
    TURTLE: RdfFormat.TURTLE,
    N3: RdfFormat.TURTLE,  # Turtle is N3
    N_TRIPLES: RdfFormat.N_TRIPLES,
    N_QUADS: RdfFormat.N_QUADS,
    TRIG: RdfFormat.TRIG,
    RDF_XML: RdfFormat.RDF_XML,
}


@dataclass(frozen=True)
class Answer:
    """A serialised result: the body, its media type, and whether rows were cut off."""

    body: bytes
    media_type: str
    truncated: bool = False
    count: int | None = None


def write_triples(
    triples: Sequence[Triple], media_type: str, prefixes: Mapping[str, str] = PREFIXES
) -> bytes:
    """Triples as Turtle, N-Triples, N-Quads, TriG, RDF/XML or compacted JSON-LD.

    >>> t = Triple(NamedNode("http://ex.org/a"), NamedNode("http://ex.org/p"), NamedNode("urn:b"))
    >>> write_triples([t], "application/n-triples")
    b'<http://ex.org/a> <http://ex.org/p> <urn:b> .\\n'
    """
    if media_type in (JSON_LD, JSON):
        return to_jsonld(triples)
    rdf_format = RDF_FORMATS.get(media_type)
    if rdf_format is None:
        raise UnsupportedFormatError(f"RDF cannot be written as {media_type} here")
    return serialize_triples(triples, rdf_format, used_prefixes(triples, prefixes))


def used_prefixes(triples: Sequence[Triple], prefixes: Mapping[str, str]) -> dict[str, str]:
    """The prefixes whose namespace is the namespace of an IRI in ``triples``.

    >>> from pyoxigraph import NamedNode
    >>> t = Triple(NamedNode("http://ex.org/a"), NamedNode("http://ex.org/p"), NamedNode("urn:x"))
    >>> used_prefixes([t], {"ex": "http://ex.org/", "other": "http://other.org/"})
    {'ex': 'http://ex.org/'}
    """
    namespaces: set[str] = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            iri = term.value if isinstance(term, NamedNode) else None
            if isinstance(term, Literal):
                iri = term.datatype.value
            if iri is not None:
                cut = max(iri.rfind("#"), iri.rfind("/")) + 1
                namespaces.add(iri[:cut])
    return {prefix: ns for prefix, ns in prefixes.items() if ns in namespaces}


def render(result: QueryResult, choice: Choice) -> Answer:
    """The result in the media type chosen for its kind (406 when the client accepts none)."""
    if isinstance(result, GraphResult):
        if choice.graphs is None:
            raise _refused("an RDF graph", choice.asked, GRAPH_TYPES)
        body = write_triples(result.triples, choice.graphs)
        return Answer(body, choice.graphs, result.truncated, len(result.triples))
    if choice.solutions is None:
        kind = "a boolean result" if isinstance(result, AskResult) else "a table of results"
        raise _refused(kind, choice.asked, SOLUTION_TYPES)
    canonical = CANONICAL.get(choice.solutions, choice.solutions)
    if isinstance(result, AskResult):
        return Answer(serialize_ask(result, canonical), choice.solutions)
    assert isinstance(result, SelectResult)
    body = serialize_select(result, canonical)
    return Answer(body, choice.solutions, result.truncated, len(result.rows))


def _refused(kind: str, asked: str, offered: Sequence[str]) -> UnsupportedFormatError:
    return UnsupportedFormatError(
        f"{kind} cannot be written as {asked}; ask for one of {', '.join(offered)}"
    )
