"""Kind ``clusters``: cluster organisations (ECCP-profile-like tables).

>>> import tempfile
>>> from pathlib import Path
>>> from graph.namespaces import Graphs, nuts_iri
>>> from loaders.base import LoadContext
>>> path = Path(tempfile.mkdtemp()) / "clusters.csv"
>>> _ = path.write_text("cluster_id,name,region,label,sme_members\\n"
...                     "mechatronik,Mechatronik-Cluster,AT31,gold,-3\\n", encoding="utf-8")
>>> context = LoadContext(Graphs("https://example.org/"), known={nuts_iri("AT31")})
>>> list(ClustersLoader().convert(path, context))
[]
>>> print(context.problems[0])
clusters.csv:2:5: sme_members: must be 0 or more, got '-3'
"""

from __future__ import annotations

from typing import ClassVar

from loaders.base import LoadContext
from loaders.records import Cluster, Record
from loaders.references import References
from loaders.rows import RDF_TYPE, Builder, TableLoader, Triples, iri, node, s3, typed
from loaders.tabular import Row

_LABELS = {"bronze": "BronzeLabel", "silver": "SilverLabel", "gold": "GoldLabel"}
_COUNTS = (
    ("sme_members", "smeMembers"),
    ("large_company_members", "largeCompanyMembers"),
    ("research_members", "researchMembers"),
    ("public_members", "publicMembers"),
    ("other_members", "otherMembers"),
)


class _Clusters(Builder):
    def record(self, record: Record, row: Row, out: Triples) -> list[str]:
        assert isinstance(record, Cluster)
        defined = self.graphs.entity("cluster", record.cluster_id)
        cluster = node(defined)
        out.add(cluster, RDF_TYPE, s3("Cluster"))
        out.text(cluster, iri("skos", "prefLabel"), record.name)
        out.text(cluster, iri("skos", "altLabel"), record.acronym)
        out.add(cluster, s3("region"), self.refs.region(row, "region", record.region))
        out.text(cluster, s3("city"), record.city)
        if record.website:
            out.add(cluster, iri("foaf", "homepage"), node(record.website))
        for number, code in enumerate(record.sectors, start=1):
            out.add(cluster, s3("sector"), self.refs.nace(row, "sectors", code, number))
        for column, predicate in _COUNTS:
            count = getattr(record, column)
            if count is not None:
                out.add(cluster, s3(predicate), typed(count, "nonNegativeInteger"))
        if record.label:
            out.add(cluster, s3("clusterLabel"), s3(_LABELS[record.label]))
        if record.founding_year:
            out.add(cluster, s3("foundingYear"), typed(record.founding_year, "gYear"))
        out.text(cluster, iri("dcterms", "description"), record.description)
        out.common(cluster, record)
        return [defined]


class ClustersLoader(TableLoader):
    """Reads the ``clusters`` layout of ``docs/data-formats.md``."""

    kind: ClassVar[str] = "clusters"
    layouts: ClassVar[tuple[type[Record], ...]] = (Cluster,)
    refers_to: ClassVar[dict[str, tuple[str, ...]]] = {"clusters": ("s3:Region", "skos:Concept")}

    def builder(self, layout: type[Record], context: LoadContext, refs: References) -> Builder:
        return _Clusters(context, refs)
