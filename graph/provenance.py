"""PROV-O records of what was installed or loaded into each named graph.

Every install (``s3kg init``) and every load writes one record per graph into the metadata graph,
in the same transaction that replaces the graph, so the record and the data never disagree::

    <graph>        a prov:Entity ; prov:wasGeneratedBy <graph/load> ; void:triples 1234 ;
                   dcterms:license <...> ; dcterms:source <...> .
    <graph/load>   a prov:Activity ; prov:used <graph/file> ; prov:wasAssociatedWith <agent> ;
                   prov:startedAtTime ... ; prov:endedAtTime ... .
    <graph/file>   a prov:Entity ; dcterms:title "clusters.csv" ; dcat:byteSize 2048 ;
                   s3:rowCount 60 ; spdx:checksum <graph/file#sha256> .

>>> rec = LoadRecord(graph="https://ex.org/graph/source/x", file_name="x.csv", byte_size=3,
...                  sha256="ab" * 32, rows=1, triples=5, loader="clusters", loader_version="0.1.0",
...                  started="2026-01-01T00:00:00+00:00", ended="2026-01-01T00:00:01+00:00")
>>> len(rec.as_triples())
20
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, serialize

from graph.namespaces import PREFIXES, S3

RDF_TYPE = NamedNode(PREFIXES["rdf"] + "type")
PROV = "http://www.w3.org/ns/prov#"
DCT = PREFIXES["dcterms"]
SPDX = "http://spdx.org/rdf/terms#"
VOID = PREFIXES["void"]
XSD = PREFIXES["xsd"]
SOFTWARE = "https://w3id.org/s3kg/software/"


def sha256_of(path: Path) -> str:
    """The hex SHA-256 digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def now() -> str:
    """The current time as an ``xsd:dateTime`` lexical form in UTC."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class LoadRecord:
    """What was written into one named graph, from which file, by which loader, when."""

    graph: str
    file_name: str
    byte_size: int
    sha256: str
    rows: int | None
    triples: int
    loader: str
    loader_version: str
    started: str
    ended: str
    license: str | None = None
    source_url: str | None = None

    @property
    def activity(self) -> str:
        return self.graph + "/load"

    @property
    def file(self) -> str:
        return self.graph + "/file"

    def subjects(self) -> list[str]:
        """The subjects whose triples make up the record (to delete it before a rewrite)."""
        return record_subjects(self.graph)

    def as_triples(self) -> list[Triple]:
        """The record as RDF triples."""
        g, act, file = NamedNode(self.graph), NamedNode(self.activity), NamedNode(self.file)
        checksum = NamedNode(self.file + "#sha256")
        agent = NamedNode(f"{SOFTWARE}{self.loader}/{self.loader_version}")

        def dt(value: str) -> Literal:
            return Literal(value, datatype=NamedNode(XSD + "dateTime"))

        def integer(value: int) -> Literal:
            return Literal(str(value), datatype=NamedNode(XSD + "integer"))

        out = [
            Triple(g, RDF_TYPE, NamedNode(PROV + "Entity")),
            Triple(g, NamedNode(PROV + "wasGeneratedBy"), act),
            Triple(g, NamedNode(VOID + "triples"), integer(self.triples)),
            Triple(g, NamedNode(DCT + "modified"), dt(self.ended)),
            Triple(act, RDF_TYPE, NamedNode(PROV + "Activity")),
            Triple(act, NamedNode(PROV + "used"), file),
            Triple(act, NamedNode(PROV + "wasAssociatedWith"), agent),
            Triple(act, NamedNode(PROV + "startedAtTime"), dt(self.started)),
            Triple(act, NamedNode(PROV + "endedAtTime"), dt(self.ended)),
            Triple(act, NamedNode(PREFIXES["rdfs"] + "label"), Literal(f"{self.loader} load")),
            Triple(file, RDF_TYPE, NamedNode(PROV + "Entity")),
            Triple(file, NamedNode(DCT + "title"), Literal(self.file_name)),
            Triple(file, NamedNode(PREFIXES["dcat"] + "byteSize"), integer(self.byte_size)),
            Triple(file, NamedNode(SPDX + "checksum"), checksum),
            Triple(checksum, RDF_TYPE, NamedNode(SPDX + "Checksum")),
            Triple(
                checksum,
                NamedNode(SPDX + "algorithm"),
                NamedNode(SPDX + "checksumAlgorithm_sha256"),
            ),
            Triple(
                checksum,
                NamedNode(SPDX + "checksumValue"),
                Literal(self.sha256, datatype=NamedNode(XSD + "hexBinary")),
            ),
            Triple(agent, RDF_TYPE, NamedNode(PROV + "SoftwareAgent")),
            Triple(
                agent,
                NamedNode(PREFIXES["rdfs"] + "label"),
                Literal(f"s3kg {self.loader} loader {self.loader_version}"),
            ),
        ]
        if self.rows is not None:
            out.append(Triple(file, NamedNode(S3 + "rowCount"), integer(self.rows)))
        if self.license:
            out.append(Triple(g, NamedNode(DCT + "license"), NamedNode(self.license)))
        if self.source_url:
            out.append(Triple(file, NamedNode(DCT + "source"), NamedNode(self.source_url)))
        return out


def record_subjects(graph: str) -> list[str]:
    """The metadata subjects of the record of ``graph``."""
    return [graph, graph + "/load", graph + "/file", graph + "/file#sha256"]


def forget_update(metadata_graph: str, subjects: Iterable[str]) -> str:
    """A SPARQL update that deletes every metadata triple about ``subjects``."""
    parts = []
    for subject in subjects:
        s = NamedNode(subject)  # validates the IRI; str() writes it escaped as <...>
        parts.append(f"DELETE WHERE {{ GRAPH {NamedNode(metadata_graph)} {{ {s} ?p ?o }} }}")
    return " ;\n".join(parts)


def record_update(metadata_graph: str, record: LoadRecord) -> str:
    """A SPARQL update that replaces the metadata record of ``record.graph``."""
    data = serialize(record.as_triples(), format=RdfFormat.N_TRIPLES)
    assert data is not None
    delete = forget_update(metadata_graph, record.subjects())
    graph = NamedNode(metadata_graph)
    return f"{delete} ;\nINSERT DATA {{ GRAPH {graph} {{\n{data.decode()}}} }}"
