"""Kind ``calls``: funding calls, and synchronised call schemes (told apart by their columns).

>>> import tempfile
>>> from pathlib import Path
>>> from graph.namespaces import Graphs, nuts_iri
>>> from loaders.base import LoadContext
>>> path = Path(tempfile.mkdtemp()) / "calls.csv"
>>> _ = path.write_text("call_id,title,programme,region,opening_date,closing_date,budget_eur\\n"
...     "c1,Green tech,ERDF,ITC4,2025-03-01,2025-06-30,1500000\\n", encoding="utf-8")
>>> context = LoadContext(Graphs("https://example.org/"), known={nuts_iri("ITC4")})
>>> [t.object for t in CallsLoader().convert(path, context) if t.predicate.value.endswith("budget")]
[<Literal value=1500000 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#decimal>>]
"""

from __future__ import annotations

from typing import ClassVar

from loaders.base import LoadContext
from loaders.records import Call, Record, Scheme
from loaders.references import References
from loaders.rows import RDF_TYPE, Builder, TableLoader, Triples, iri, node, s3, typed
from loaders.smes import SIZE_CLASSES
from loaders.tabular import Row


class _Calls(Builder):
    def record(self, record: Record, row: Row, out: Triples) -> list[str]:
        assert isinstance(record, Call)
        refs = self.refs
        defined = self.graphs.entity("call", record.call_id)
        call = node(defined)
        out.add(call, RDF_TYPE, s3("FundingCall"))
        out.text(call, iri("dcterms", "title"), record.title)
        out.text(call, s3("programme"), record.programme)
        out.add(call, s3("issuedBy"), refs.region(row, "region", record.region))
        out.text(call, s3("authority"), record.authority)
        out.date(call, s3("openingDate"), record.opening_date)
        out.date(call, s3("closingDate"), record.closing_date)
        if record.budget_eur is not None:
            amount = format(record.budget_eur.normalize(), "f")  # canonical: 1200000.5
            out.add(call, s3("budget"), typed(amount, "decimal"))
        for number, code in enumerate(record.nace, start=1):
            out.add(call, s3("targetsConcept"), refs.nace(row, "nace", code, number))
        for number, goal in enumerate(record.sdgs, start=1):
            out.add(call, s3("targetsConcept"), refs.concept(row, "sdgs", "sdg", str(goal), number))
        for number, code in enumerate(record.kets, start=1):
            out.add(call, s3("targetsConcept"), refs.concept(row, "kets", "ket", code, number))
        for number, key in enumerate(record.priorities, start=1):
            priority = refs.entity(row, "priorities", "priority", key, number)
            out.add(call, s3("targetsPriority"), priority)
        for number, code in enumerate(record.eligible_regions, start=1):
            region = refs.region(row, "eligible_regions", code, number)
            out.add(call, s3("eligibleRegion"), region)
        for size in record.eligible_size_classes:
            out.add(call, s3("eligibleSizeClass"), s3(SIZE_CLASSES[size]))
        for number, code in enumerate(record.eligible_nace, start=1):
            out.add(call, s3("eligibleActivity"), refs.nace(row, "eligible_nace", code, number))
        if record.scheme_id:
            scheme = refs.entity(row, "scheme_id", "scheme", record.scheme_id)
            out.add(call, s3("partOfScheme"), scheme)
        if record.website:
            out.add(call, iri("foaf", "homepage"), node(record.website))
        out.common(call, record)
        return [defined]


class _Schemes(Builder):
    def record(self, record: Record, row: Row, out: Triples) -> list[str]:
        assert isinstance(record, Scheme)
        defined = self.graphs.entity("scheme", record.scheme_id)
        scheme = node(defined)
        out.add(scheme, RDF_TYPE, s3("SynchronisedCallScheme"))
        out.text(scheme, iri("dcterms", "title"), record.title)
        out.text(scheme, iri("dcterms", "description"), record.description)
        for number, topic in enumerate(record.topics, start=1):
            out.add(scheme, s3("topic"), self.refs.topic(row, "topics", topic, number))
        out.date(scheme, s3("openingDate"), record.opening_date)
        out.date(scheme, s3("closingDate"), record.closing_date)
        out.common(scheme, record)
        return [defined]


class CallsLoader(TableLoader):
    """Reads the ``calls`` and ``schemes`` layouts of ``docs/data-formats.md``."""

    kind: ClassVar[str] = "calls"
    layouts: ClassVar[tuple[type[Record], ...]] = (Call, Scheme)
    refers_to: ClassVar[dict[str, tuple[str, ...]]] = {
        "calls": ("s3:Region", "skos:Concept", "s3:S3Priority", "s3:SynchronisedCallScheme"),
        "schemes": ("skos:Concept",),
    }

    def builder(self, layout: type[Record], context: LoadContext, refs: References) -> Builder:
        if layout is Scheme:
            return _Schemes(context, refs)
        return _Calls(context, refs)
