"""Kind ``services``: services clusters offer, and their validation by a pilot cluster.

>>> import tempfile
>>> from pathlib import Path
>>> from graph.namespaces import Graphs
>>> from loaders.base import LoadContext
>>> path = Path(tempfile.mkdtemp()) / "services.csv"
>>> _ = path.write_text("service_id,cluster_id,title,validated_by,validation_result\\n"
...     "matchmaking,mechatronik,B2B matchmaking,mechatronic,useful\\n", encoding="utf-8")
>>> graphs = Graphs("https://example.org/")
>>> context = LoadContext(graphs, known={graphs.entity("cluster", "mechatronik")})
>>> list(ServicesLoader().convert(path, context))
[]
>>> print(context.problems[0])
services.csv:2:4: validated_by: unknown cluster 'mechatronic'; did you mean mechatronik?
"""

from __future__ import annotations

from typing import ClassVar

from loaders.base import LoadContext
from loaders.records import Record, Service
from loaders.references import References
from loaders.rows import RDF_TYPE, Builder, TableLoader, Triples, iri, node, s3
from loaders.tabular import Row


class _Services(Builder):
    def record(self, record: Record, row: Row, out: Triples) -> list[str]:
        assert isinstance(record, Service)
        defined = self.graphs.entity("service", record.service_id)
        service = node(defined)
        out.add(service, RDF_TYPE, s3("ClusterService"))
        cluster = self.refs.entity(row, "cluster_id", "cluster", record.cluster_id)
        out.add(service, s3("offeredBy"), cluster)
        out.text(service, iri("dcterms", "title"), record.title)
        out.text(service, iri("dcterms", "description"), record.description)
        for group in record.target_group:
            out.text(service, s3("targetGroup"), group)
        for number, key in enumerate(record.priorities, start=1):
            priority = self.refs.entity(row, "priorities", "priority", key, number)
            out.add(service, s3("addressesPriority"), priority)
        if record.validated_by:
            validation = node(defined + "/validation")
            pilot = self.refs.entity(row, "validated_by", "cluster", record.validated_by)
            out.add(service, s3("validation"), validation)
            out.add(validation, RDF_TYPE, s3("ServiceValidation"))
            out.add(validation, s3("validatedBy"), pilot)
            out.text(validation, s3("validationResult"), record.validation_result)
            out.date(validation, s3("validationDate"), record.validation_date)
        out.common(service, record)
        return [defined]


class ServicesLoader(TableLoader):
    """Reads the ``services`` layout of ``docs/data-formats.md``."""

    kind: ClassVar[str] = "services"
    layouts: ClassVar[tuple[type[Record], ...]] = (Service,)
    refers_to: ClassVar[dict[str, tuple[str, ...]]] = {"services": ("s3:Cluster", "s3:S3Priority")}

    def builder(self, layout: type[Record], context: LoadContext, refs: References) -> Builder:
        return _Services(context, refs)
