"""IRIs s3kg uses: the ontology namespace, reused vocabularies, and the named-graph conventions.

The ontology namespace is fixed; the IRIs of s3kg's own entities and graphs hang off the
configurable base IRI (``S3KG_BASE_IRI``).

Named graphs (see ``docs/graphs.md``):

========================  =====================================================
``{base}graph/ontology``  the s3kg OWL ontology
``{base}graph/shapes``    the SHACL shapes
``{base}graph/vocab/X``   one graph per bundled vocabulary (``nace2``, ``nuts``, ...)
``{base}graph/source/X``  one graph per loaded source
``{base}graph/derived``   facts computed from the others (rebuilt after loads)
``{base}graph/metadata``  PROV-O records of installs and loads
``{base}graph/staging/X`` work area of a load in progress; never visible to queries
========================  =====================================================

>>> g = Graphs("https://example.org/s3/")
>>> g.ontology
'https://example.org/s3/graph/ontology'
>>> g.source("clusters-2024")
'https://example.org/s3/graph/source/clusters-2024'
>>> g.is_staging(g.staging("x"))
True
"""

from __future__ import annotations

import re

S3 = "https://w3id.org/s3kg/ontology#"
ONTOLOGY_IRI = "https://w3id.org/s3kg/ontology"

NUTS = "http://data.europa.eu/nuts/code/"
NACE2 = "http://data.europa.eu/ux2/nace2/"

PREFIXES: dict[str, str] = {
    "s3": S3,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "legal": "http://www.w3.org/ns/legal#",
    "rov": "http://www.w3.org/ns/regorg#",
    "locn": "http://www.w3.org/ns/locn#",
    "cpsv": "http://purl.org/vocab/cpsv#",
    "eurio": "http://data.europa.eu/s66#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "sh": "http://www.w3.org/ns/shacl#",
    "void": "http://rdfs.org/ns/void#",
    "spdx": "http://spdx.org/rdf/terms#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "vann": "http://purl.org/vocab/vann/",
    "nuts": NUTS,
    "nace": NACE2,
}

_SLUG = re.compile(r"[^A-Za-z0-9._~-]+")


def slug(text: str) -> str:
    """A readable IRI path segment for ``text``.

    >>> slug("Clusters 2024 / Lombardy")
    'clusters-2024-lombardy'
    """
    return _SLUG.sub("-", text.strip().lower()).strip("-") or "unnamed"


def nuts_iri(code: str) -> str:
    """The official Eurostat IRI of a NUTS region.

    >>> nuts_iri("ITC4")
    'http://data.europa.eu/nuts/code/ITC4'
    """
    return NUTS + code


def nace_iri(code: str) -> str:
    """The EU Vocabularies IRI of a NACE Rev.2 concept (dots dropped, section letter kept).

    >>> nace_iri("28.30"), nace_iri("C")
    ('http://data.europa.eu/ux2/nace2/2830', 'http://data.europa.eu/ux2/nace2/C')
    """
    return NACE2 + code.replace(".", "")


class Graphs:
    """The named-graph IRIs for one base IRI."""

    def __init__(self, base_iri: str) -> None:
        self.base = base_iri
        self.prefix = f"{base_iri}graph/"
        self.ontology = self.prefix + "ontology"
        self.shapes = self.prefix + "shapes"
        self.derived = self.prefix + "derived"
        self.metadata = self.prefix + "metadata"
        self._staging = self.prefix + "staging/"

    def vocabulary(self, name: str) -> str:
        """The graph of a bundled vocabulary."""
        return f"{self.prefix}vocab/{slug(name)}"

    def source(self, name: str) -> str:
        """The graph of a loaded source."""
        return f"{self.prefix}source/{slug(name)}"

    def staging(self, name: str) -> str:
        """The work graph of a load in progress."""
        return self._staging + slug(name)

    def is_staging(self, graph: str) -> bool:
        """True for graphs that queries must never see."""
        return graph.startswith(self._staging)

    def entity(self, kind: str, key: str) -> str:
        """The IRI of one of s3kg's own entities, e.g. ``entity('cluster', 'mechatronik')``."""
        return f"{self.base}id/{slug(kind)}/{slug(key)}"
