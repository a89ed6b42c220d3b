"""Kind ``actions``: joint action plans and their actions, one row per action.

The plan's columns repeat on each of its rows; its title and description are taken from the first
row that gives them. Milestones are blank nodes of their action: reloading the file replaces them.

>>> import tempfile
>>> from pathlib import Path
>>> from graph.namespaces import Graphs
>>> from loaders.base import LoadContext
>>> path = Path(tempfile.mkdtemp()) / "actions.csv"
>>> _ = path.write_text("plan_id,plan_title,action_id,title,lead,status,milestones\\n"
...     "alps,Alpine plan,a1,Joint pilot,mechatronik,ongoing,2025-06-30 pilot starts\\n",
...     encoding="utf-8")
>>> graphs = Graphs("https://example.org/")
>>> context = LoadContext(graphs, known={graphs.entity("cluster", "mechatronik")})
>>> triples = list(ActionsLoader().convert(path, context))
>>> context.problems, len(triples)
([], 11)
"""

from __future__ import annotations

from typing import ClassVar

from loaders.base import LoadContext
from loaders.records import Action, Record
from loaders.references import References
from loaders.rows import RDF_TYPE, Builder, TableLoader, Triples, blank, iri, node, s3
from loaders.tabular import Row

_STATUS = {"planned": "Planned", "ongoing": "Ongoing", "completed": "Completed"}


class _Actions(Builder):
    def __init__(self, context: LoadContext, refs: References) -> None:
        super().__init__(context, refs)
        self.plans: dict[str, bool] = {}  # plan IRI -> has a description

    def record(self, record: Record, row: Row, out: Triples) -> list[str]:
        assert isinstance(record, Action)
        refs = self.refs
        plan_iri = self.graphs.entity("plan", record.plan_id)
        action_iri = self.graphs.entity("action", record.action_id)
        plan, action = node(plan_iri), node(action_iri)
        lead = refs.entity(row, "lead", "cluster", record.lead)
        partners = [
            refs.entity(row, "partners", "cluster", key, number)
            for number, key in enumerate(record.partners, start=1)
        ]
        priorities = [
            refs.entity(row, "priorities", "priority", key, number)
            for number, key in enumerate(record.priorities, start=1)
        ]
        if lead is None or None in partners or None in priorities:
            return []
        if plan_iri not in self.plans:
            self.plans[plan_iri] = False
            out.add(plan, RDF_TYPE, s3("ActionPlan"))
            out.text(plan, iri("dcterms", "title"), record.plan_title)
        if record.plan_description and not self.plans[plan_iri]:
            self.plans[plan_iri] = True
            out.text(plan, iri("dcterms", "description"), record.plan_description)
        out.add(plan, s3("hasAction"), action)
        out.add(action, RDF_TYPE, s3("Action"))
        out.text(action, iri("dcterms", "title"), record.title)
        out.text(action, iri("dcterms", "description"), record.description)
        out.add(action, s3("lead"), lead)
        for partner in partners:
            out.add(action, s3("partner"), partner)
        out.add(action, s3("status"), s3(_STATUS[record.status]))
        for priority in priorities:
            out.add(action, s3("addressesPriority"), priority)
        for milestone in record.milestones:
            step = blank()
            out.add(action, s3("milestone"), step)
            out.add(step, RDF_TYPE, s3("Milestone"))
            out.text(step, iri("dcterms", "title"), milestone.title)
            out.date(step, s3("dueDate"), milestone.due)
        out.date(action, s3("startDate"), record.start_date)
        out.date(action, s3("endDate"), record.end_date)
        out.common(action, record)
        return [plan_iri, action_iri]


class ActionsLoader(TableLoader):
    """Reads the ``actions`` layout of ``docs/data-formats.md``."""

    kind: ClassVar[str] = "actions"
    layouts: ClassVar[tuple[type[Record], ...]] = (Action,)
    refers_to: ClassVar[dict[str, tuple[str, ...]]] = {"actions": ("s3:Cluster", "s3:S3Priority")}

    def builder(self, layout: type[Record], context: LoadContext, refs: References) -> Builder:
        return _Actions(context, refs)
