"""The media types s3kg answers in, and the choice of one for a request.

A client says what it wants with ``Accept`` (q-values and wildcards, :mod:`api.negotiation`) or,
as many SPARQL clients do, with a ``format``/``output``/``results`` parameter (``json``, ``xml``,
``csv``, ``turtle``, ... or a media type), which wins over ``Accept``. The same word can mean two
formats: ``xml`` is SPARQL XML for a SELECT and RDF/XML for a CONSTRUCT, so the choice is made for
both kinds of result before the query runs (:class:`Choice`) and applied to whichever comes back.

>>> c = Choice.of("text/csv;q=0.9, text/turtle", [])
>>> c.solutions, c.graphs
('text/csv', 'text/turtle')
>>> Choice.of("application/sparql-results+json", ["xml"]).graphs
'application/rdf+xml'
>>> Choice.of(None, ["csv"]).graphs is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from api.negotiation import best

SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
N_TRIPLES = "application/n-triples"
N_QUADS = "application/n-quads"
TRIG = "application/trig"
RDF_XML = "application/rdf+xml"
JSON_LD = "application/ld+json"
N3 = "text/n3"
HTML = "text/html"
JSON = "application/json"

SOLUTION_TYPES = [SPARQL_JSON, SPARQL_XML, CSV, TSV, JSON, "application/xml"]
"""What a SELECT or ASK result can be written as, the default first."""

GRAPH_TYPES = [TURTLE, N_TRIPLES, N_QUADS, TRIG, RDF_XML, JSON_LD, N3, JSON]
"""What a CONSTRUCT or DESCRIBE result (or any RDF document) can be written as."""

CANONICAL = {JSON: SPARQL_JSON, "application/xml": SPARQL_XML}
"""Generic media types accepted for SPARQL results, and the format they are answered in."""

FORMAT_PARAMETERS = ("format", "output", "results")
"""The query parameters clients use to ask for a format."""

# name -> (for SELECT/ASK, for CONSTRUCT/DESCRIBE)
_NAMES: dict[str, tuple[str | None, str | None]] = {
    "json": (SPARQL_JSON, JSON_LD),
    "srj": (SPARQL_JSON, None),
    "xml": (SPARQL_XML, RDF_XML),
    "srx": (SPARQL_XML, None),
    "csv": (CSV, None),
    "tsv": (TSV, None),
    "turtle": (None, TURTLE),
    "ttl": (None, TURTLE),
    "n3": (None, N3),
    "nt": (None, N_TRIPLES),
    "ntriples": (None, N_TRIPLES),
    "n-triples": (None, N_TRIPLES),
    "nq": (None, N_QUADS),
    "nquads": (None, N_QUADS),
    "n-quads": (None, N_QUADS),
    "trig": (None, TRIG),
    "rdf": (None, RDF_XML),
    "rdfxml": (None, RDF_XML),
    "rdf+xml": (None, RDF_XML),
    "rdf/xml": (None, RDF_XML),
    "jsonld": (None, JSON_LD),
    "json-ld": (None, JSON_LD),
    "json+ld": (None, JSON_LD),
    "html": (HTML, HTML),
}


def from_name(value: str, offered: Sequence[str], kind: int) -> str | None:
    """The offered media type a format name or media type stands for, for result ``kind``.

    ``kind`` is 0 for SELECT/ASK results and 1 for RDF graphs.

    >>> from_name("XML", GRAPH_TYPES, 1), from_name("text/csv", SOLUTION_TYPES, 0)
    ('application/rdf+xml', 'text/csv')
    """
    key = value.strip().lower()
    if "/" in key:
        media_type = key.split(";")[0].strip()
        return media_type if media_type in offered else None
    chosen = _NAMES.get(key, (None, None))[kind]
    return chosen if chosen in offered else None


def pick(
    accept: str | None, formats: Sequence[str], offered: Sequence[str], kind: int
) -> str | None:
    """The media type to answer in: the first usable ``formats`` value, else by ``Accept``."""
    if formats:
        for value in formats:
            chosen = from_name(value, offered, kind)
            if chosen is not None:
                return chosen
        return None
    return best(accept, offered)


@dataclass(frozen=True)
class Choice:
    """The media type chosen for each kind of result (None: the client accepts none of them)."""

    solutions: str | None
    graphs: str | None
    asked: str

    @classmethod
    def of(cls, accept: str | None, formats: Sequence[str]) -> Choice:
        """Choose from an Accept header and the ``format``-like parameter values."""
        asked = ", ".join(formats) if formats else (accept or "*/*")
        return cls(
            solutions=pick(accept, formats, SOLUTION_TYPES, 0),
            graphs=pick(accept, formats, GRAPH_TYPES, 1),
            asked=asked,
        )
