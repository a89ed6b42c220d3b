"""Kind ``activities``: transformative activities.

>>> import tempfile
>>> from pathlib import Path
>>> from graph.namespaces import Graphs, nuts_iri
>>> from loaders.base import LoadContext
>>> path = Path(tempfile.mkdtemp()) / "activities.csv"
>>> _ = path.write_text("activity_id,title,regions,capacities\\n"
...     "hydrogen-valley,Hydrogen valley,ITC4;ITC1,electrolysers;skills\\n", encoding="utf-8")
>>> context = LoadContext(Graphs("https://example.org/"), known={nuts_iri("ITC4")})
>>> list(ActivitiesLoader().convert(path, context))
[]
>>> print(context.problems[0])
activities.csv:2:3: regions: item 2: unknown NUTS code 'ITC1'; did you mean ITC4?
"""

from __future__ import annotations

from typing import ClassVar

from loaders.base import LoadContext
from loaders.records import Activity, Record
from loaders.references import References
from loaders.rows import RDF_TYPE, Builder, TableLoader, Triples, iri, node, s3
from loaders.tabular import Row


class _Activities(Builder):
    def record(self, record: Record, row: Row, out: Triples) -> list[str]:
        assert isinstance(record, Activity)
        refs = self.refs
        defined = self.graphs.entity("activity", record.activity_id)
        activity = node(defined)
        out.add(activity, RDF_TYPE, s3("TransformativeActivity"))
        out.text(activity, iri("dcterms", "title"), record.title)
        out.text(activity, iri("dcterms", "description"), record.description)
        for number, code in enumerate(record.regions, start=1):
            out.add(activity, s3("region"), refs.region(row, "regions", code, number))
        for number, key in enumerate(record.priorities, start=1):
            priority = refs.entity(row, "priorities", "priority", key, number)
            out.add(activity, s3("addressesPriority"), priority)
        for number, key in enumerate(record.clusters, start=1):
            cluster = refs.entity(row, "clusters", "cluster", key, number)
            out.add(activity, s3("involvesCluster"), cluster)
        for values, predicate in (
            (record.capacities, "capacity"),
            (record.opportunities, "opportunity"),
            (record.actors, "actor"),
        ):
            for value in values:
                out.text(activity, s3(predicate), value)
        out.common(activity, record)
        return [defined]


class ActivitiesLoader(TableLoader):
    """Reads the ``activities`` layout of ``docs/data-formats.md``."""

    kind: ClassVar[str] = "activities"
    layouts: ClassVar[tuple[type[Record], ...]] = (Activity,)
    refers_to: ClassVar[dict[str, tuple[str, ...]]] = {
        "activities": ("s3:Region", "s3:S3Priority", "s3:Cluster"),
    }

    def builder(self, layout: type[Record], context: LoadContext, refs: References) -> Builder:
        return _Activities(context, refs)
