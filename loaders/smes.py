"""Kind ``smes``: SMEs, and memberships of clusters (told apart by their columns).

>>> import tempfile
>>> from pathlib import Path
>>> from graph.namespaces import Graphs
>>> from loaders.base import LoadContext
>>> path = Path(tempfile.mkdtemp()) / "members.csv"
>>> _ = path.write_text("cluster_id,member_id,role\\nmechatronik,acme,member\\n", encoding="utf-8")
>>> graphs = Graphs("https://example.org/")
>>> known = {graphs.entity("cluster", "mechatronik"), graphs.entity("sme", "acme")}
>>> context = LoadContext(graphs, known=known)
>>> loader = SmesLoader()
>>> loader.layout(path).__name__
'Membership'
>>> [t.object.value for t in loader.convert(path, context)][:2]
['https://w3id.org/s3kg/ontology#Membership', 'https://example.org/id/sme/acme']
"""

from __future__ import annotations

from typing import ClassVar

from loaders.base import LoadContext
from loaders.records import Membership, Record, Sme
from loaders.references import References
from loaders.rows import RDF_TYPE, Builder, TableLoader, Triples, iri, node, s3, typed
from loaders.tabular import Row

SIZE_CLASSES = {"micro": "Micro", "small": "Small", "medium": "Medium"}
_FLAGS = {flag: typed(str(flag).lower(), "boolean") for flag in (True, False)}


class _Smes(Builder):
    def record(self, record: Record, row: Row, out: Triples) -> list[str]:
        assert isinstance(record, Sme)
        defined = self.graphs.entity("sme", record.sme_id)
        sme = node(defined)
        out.add(sme, RDF_TYPE, s3("SME"))
        out.text(sme, iri("legal", "legalName"), record.name)
        out.text(sme, iri("dcterms", "identifier"), record.identifier)
        out.add(sme, s3("region"), self.refs.region(row, "region", record.region))
        for number, code in enumerate(record.nace, start=1):
            out.add(sme, iri("rov", "orgActivity"), self.refs.nace(row, "nace", code, number))
        out.add(sme, s3("sizeClass"), s3(SIZE_CLASSES[record.size_class]))
        if record.illustrative is not None:
            out.add(sme, s3("illustrative"), _FLAGS[record.illustrative])
        out.common(sme, record)
        return [defined]


class _Memberships(Builder):
    def record(self, record: Record, row: Row, out: Triples) -> list[str]:
        assert isinstance(record, Membership)
        defined = self.graphs.entity("membership", record.key)
        membership = node(defined)
        out.add(membership, RDF_TYPE, s3("Membership"))
        member = self.refs.entity(row, "member_id", "sme", record.member_id)
        out.add(membership, iri("org", "member"), member)
        cluster = self.refs.entity(row, "cluster_id", "cluster", record.cluster_id)
        out.add(membership, iri("org", "organization"), cluster)
        out.text(membership, iri("org", "role"), record.role)
        out.date(membership, s3("startDate"), record.start_date)
        out.date(membership, s3("endDate"), record.end_date)
        out.common(membership, record)
        return [defined]


class SmesLoader(TableLoader):
    """Reads the ``smes`` and ``memberships`` layouts of ``docs/data-formats.md``."""

    kind: ClassVar[str] = "smes"
    layouts: ClassVar[tuple[type[Record], ...]] = (Sme, Membership)
    refers_to: ClassVar[dict[str, tuple[str, ...]]] = {
        "smes": ("s3:Region", "skos:Concept"),
        "memberships": ("s3:SME", "s3:Cluster"),
    }

    def builder(self, layout: type[Record], context: LoadContext, refs: References) -> Builder:
        if layout is Membership:
            return _Memberships(context, refs)
        return _Smes(context, refs)
