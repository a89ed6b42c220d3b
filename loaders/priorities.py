"""Kind ``priorities``: S3 strategies and their priorities (Eye@RIS3-like tables).

One row per priority; the strategy (region and programming period) is made once per file, its
title from the first row that gives one.

>>> import tempfile
>>> from pathlib import Path
>>> from graph.namespaces import Graphs, nuts_iri, nace_iri
>>> from loaders.base import LoadContext
>>> path = Path(tempfile.mkdtemp()) / "priorities.csv"
>>> _ = path.write_text("region,period,priority_id,title,nace\\n"
...                     "ITC4,2021-2027,itc4-p1,Advanced manufacturing,C28\\n", encoding="utf-8")
>>> context = LoadContext(Graphs("https://example.org/"), known={nuts_iri("ITC4"), nace_iri("28")})
>>> triples = list(PrioritiesLoader().convert(path, context))
>>> context.problems, context.rows, len(triples)
([], 1, 9)
>>> sorted({t.subject.value for t in triples})
['https://example.org/id/priority/itc4-p1', 'https://example.org/id/strategy/itc4-2021-2027']
"""

from __future__ import annotations

from typing import ClassVar

from loaders.base import LoadContext
from loaders.records import Priority, Record
from loaders.references import References, Term
from loaders.rows import RDF_TYPE, Builder, TableLoader, Triples, iri, node, s3
from loaders.tabular import Row

_DCT = "dcterms"


class _Priorities(Builder):
    def __init__(self, context: LoadContext, refs: References) -> None:
        super().__init__(context, refs)
        self.titled: dict[str, bool] = {}  # strategy IRI -> has a title

    def strategy(self, record: Priority, row: Row, out: Triples) -> Term | None:
        region = self.refs.region(row, "region", record.region)
        key = f"{record.region}-{record.period}"
        defined = self.graphs.entity("strategy", key)
        if region is None:
            return None
        strategy = node(defined)
        if defined not in self.titled:
            self.titled[defined] = False
            out.add(strategy, RDF_TYPE, s3("S3Strategy"))
            out.add(strategy, s3("region"), region)
            out.text(strategy, s3("programmingPeriod"), record.period)
        if record.strategy_title and not self.titled[defined]:
            self.titled[defined] = True
            out.text(strategy, iri(_DCT, "title"), record.strategy_title)
        if record.strategy_source:
            out.add(strategy, iri(_DCT, "source"), node(record.strategy_source))
        return strategy

    def record(self, record: Record, row: Row, out: Triples) -> list[str]:
        assert isinstance(record, Priority)
        strategy = self.strategy(record, row, out)
        defined = self.graphs.entity("priority", record.priority_id)
        priority = node(defined)
        out.add(priority, RDF_TYPE, s3("S3Priority"))
        out.add(priority, s3("strategy"), strategy)
        out.text(priority, iri(_DCT, "identifier"), record.priority_id)
        out.text(priority, iri(_DCT, "title"), record.title)
        out.text(priority, iri(_DCT, "description"), record.description)
        for number, code in enumerate(record.nace, start=1):
            out.add(priority, s3("economicDomain"), self.refs.nace(row, "nace", code, number))
        coded = (
            ("scientific_domains", "ford", "scientificDomain", record.scientific_domains),
            ("policy_objectives", "po", "policyObjective", record.policy_objectives),
            ("sdgs", "sdg", "sdg", [str(n) for n in record.sdgs]),
            ("kets", "ket", "keyEnablingTechnology", record.kets),
        )
        for column, scheme, predicate, codes in coded:
            for number, code in enumerate(codes, start=1):
                concept = self.refs.concept(row, column, scheme, code, number)
                out.add(priority, s3(predicate), concept)
        out.text(priority, iri("skos", "editorialNote"), record.coding_note)
        out.common(priority, record)
        return [defined]

    def finish(self, out: Triples) -> None:
        for strategy, titled in self.titled.items():
            if not titled:
                key = strategy.rsplit("/", 1)[-1]
                region, _, period = key.partition("-")
                title = f"Smart Specialisation Strategy of {region.upper()}, {period}"
                out.text(node(strategy), iri(_DCT, "title"), title)


class PrioritiesLoader(TableLoader):
    """Reads the ``priorities`` layout of ``docs/data-formats.md``."""

    kind: ClassVar[str] = "priorities"
    layouts: ClassVar[tuple[type[Record], ...]] = (Priority,)
    refers_to: ClassVar[dict[str, tuple[str, ...]]] = {"priorities": ("s3:Region", "skos:Concept")}

    def builder(self, layout: type[Record], context: LoadContext, refs: References) -> Builder:
        return _Priorities(context, refs)
