"""A small builder for the RDF descriptions the service writes (service, VoID, DCAT).

>>> g = Triples()
>>> g.add(iri("http://ex.org/d"), "rdf:type", iri("dcat:Dataset"))
>>> g.add(iri("http://ex.org/d"), "dcterms:title", text("Data"), typed(3, "xsd:integer"))
>>> [t.object.value for t in g]
['http://www.w3.org/ns/dcat#Dataset', 'Data', '3']
"""

from __future__ import annotations

from collections.abc import Iterator

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from graph.namespaces import PREFIXES

EXTRA_PREFIXES = {
    "adms": "http://purl.org/adms/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "dcatap": "http://data.europa.eu/r5r/",
    "formats": "http://www.w3.org/ns/formats/",
    "ent": "http://www.w3.org/ns/entailment/",
    "eu-filetype": "http://publications.europa.eu/resource/authority/file-type/",
    "eu-theme": "http://publications.europa.eu/resource/authority/data-theme/",
    "eu-language": "http://publications.europa.eu/resource/authority/language/",
    "eu-licence": "http://publications.europa.eu/resource/authority/licence/",
    "iana": "http://www.iana.org/assignments/media-types/",
}
"""Prefixes of the description vocabularies that the data model does not use."""

ALL_PREFIXES = {**PREFIXES, **EXTRA_PREFIXES}

Subject = NamedNode | BlankNode
Object = NamedNode | BlankNode | Literal


def iri(name: str) -> NamedNode:
    """A full IRI, or a prefixed name such as ``dcat:Dataset``."""
    if "://" in name or name.startswith(("urn:", "mailto:")):
        return NamedNode(name)
    prefix, _, local = name.partition(":")
    return NamedNode(ALL_PREFIXES[prefix] + local)


def text(value: str, language: str | None = "en") -> Literal:
    """A string, in English unless said otherwise (None: no language)."""
    return Literal(value, language=language) if language else Literal(value)


def typed(value: object, datatype: str) -> Literal:
    """A literal of ``datatype`` (a prefixed name such as ``xsd:integer``)."""
    return Literal(str(value), datatype=iri(datatype))


class Triples:
    """Triples collected in order."""

    def __init__(self) -> None:
        self._items: list[Triple] = []

    def add(self, subject: Subject, predicate: str, *objects: Object | None) -> None:
        """Add ``subject predicate object`` for each object given (None objects are skipped)."""
        for value in objects:
            if value is not None:
                self._items.append(Triple(subject, iri(predicate), value))

    def extend(self, triples: list[Triple]) -> None:
        """Add triples made elsewhere."""
        self._items.extend(triples)

    def __iter__(self) -> Iterator[Triple]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def list(self) -> list[Triple]:
        """The triples."""
        return list(self._items)
