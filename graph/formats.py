"""RDF and SPARQL-results formats, found by name, file extension or media type.

>>> rdf_format("turtle").media_type, rdf_format("nq").name, rdf_format("application/ld+json").name
('text/turtle', 'N-Quads', 'JSON-LD')
>>> results_format("csv")
'text/csv'
>>> rdf_format("docx")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
graph.errors.UnsupportedFormatError: unknown RDF format 'docx'; use one of: turtle, ntriples, ...
"""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import RdfFormat

from graph.errors import UnsupportedFormatError

RDF_FORMATS: dict[str, RdfFormat] = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "nquads": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "rdfxml": RdfFormat.RDF_XML,
    "jsonld": RdfFormat.JSON_LD,
    "n3": RdfFormat.N3,
}
_ALIASES = {
    "ttl": "turtle",
    "nt": "ntriples",
    "nq": "nquads",
    "rdf": "rdfxml",
    "xml": "rdfxml",
    "owl": "rdfxml",
    "json-ld": "jsonld",
    "json": "jsonld",
    "n-triples": "ntriples",
    "n-quads": "nquads",
    "rdf/xml": "rdfxml",
}

RESULTS_FORMATS: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}


def rdf_format(name: str) -> RdfFormat:
    """The RDF format called ``name`` (a short name, a file extension or a media type)."""
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key in RDF_FORMATS:
        return RDF_FORMATS[key]
    found = RdfFormat.from_media_type(key) or RdfFormat.from_extension(key)
    if found is None:
        raise UnsupportedFormatError(
            f"unknown RDF format {name!r}; use one of: {', '.join(RDF_FORMATS)}"
        )
    return found


def rdf_format_of_path(path: Path) -> RdfFormat:
    """The RDF format of a file, from its extension (a trailing ``.gz`` is ignored)."""
    suffixes = [s.lstrip(".") for s in path.suffixes]
    if suffixes and suffixes[-1] == "gz":
        suffixes.pop()
    if not suffixes:
        raise UnsupportedFormatError(f"{path}: no file extension to tell its RDF format by")
    return rdf_format(suffixes[-1])


def results_format(name: str) -> str:
    """The media type of a SPARQL results format called ``name`` or given by media type."""
    key = name.strip().lower()
    if key in RESULTS_FORMATS:
        return RESULTS_FORMATS[key]
    if key in RESULTS_FORMATS.values():
        return key
    raise UnsupportedFormatError(
        f"unknown SPARQL results format {name!r}; use one of: {', '.join(RESULTS_FORMATS)}"
    )
