"""The loop every table loader shares: read rows, validate them, check ids, build triples.

A kind's loader (``loaders/clusters.py``, ...) names the layouts it reads and builds the triples of
one valid record; :class:`TableLoader` does the rest. A row's triples are yielded only when the row
is valid and all its references are known; the ids of the records it produced become known to
later rows and files.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import ClassVar

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from graph.namespaces import PREFIXES, S3, slug
from loaders.base import LoadContext, Problem
from loaders.records import Record, layout_of, validate_row
from loaders.references import References
from loaders.tabular import TABLE_SUFFIXES, Row, check_columns, check_keys, open_table, read_header

XSD = PREFIXES["xsd"]
RDF_TYPE = NamedNode(PREFIXES["rdf"] + "type")
Subject = NamedNode | BlankNode


def iri(prefix: str, local: str) -> NamedNode:
    """A term of a known vocabulary, e.g. ``iri("dcterms", "title")``."""
    return NamedNode(PREFIXES[prefix] + local)


def s3(local: str) -> NamedNode:
    """A term of the s3kg ontology."""
    return NamedNode(S3 + local)


def text(value: str) -> Literal:
    """A plain string literal."""
    return Literal(value)


def date(value: dt.date) -> Literal:
    """An ``xsd:date`` literal."""
    return Literal(value.isoformat(), datatype=NamedNode(XSD + "date"))


def typed(value: str | int | Decimal, datatype: str) -> Literal:
    """A literal of an XSD datatype (``"nonNegativeInteger"``, ``"gYear"``, ...)."""
    return Literal(str(value), datatype=NamedNode(XSD + datatype))


class Triples:
    """Collects the triples of one record: ``out.add(subject, predicate, object)``."""

    def __init__(self) -> None:
        self.items: list[Triple] = []

    def add(self, subject: Subject, predicate: NamedNode, obj: Subject | Literal | None) -> None:
        """Add a triple; an absent object (None) adds nothing."""
        if obj is not None:
            self.items.append(Triple(subject, predicate, obj))

    def text(self, subject: Subject, predicate: NamedNode, value: str | None) -> None:
        """Add a string value when there is one."""
        if value:
            self.add(subject, predicate, text(value))

    def date(self, subject: Subject, predicate: NamedNode, value: dt.date | None) -> None:
        """Add a date when there is one."""
        if value is not None:
            self.add(subject, predicate, date(value))

    def common(self, subject: NamedNode, record: Record) -> None:
        """The source pages and the note every record may have."""
        for url in record.source:
            self.add(subject, iri("dcterms", "source"), NamedNode(url))
        self.text(subject, iri("skos", "note"), record.note)


class Builder(ABC):
    """Builds the triples of the records of one file; may keep state across its rows."""

    def __init__(self, context: LoadContext, refs: References) -> None:
        self.context = context
        self.refs = refs
        self.graphs = context.graphs

    @abstractmethod
    def record(self, record: Record, row: Row, out: Triples) -> list[str]:
        """Add the triples of ``record``; return the IRIs of the records it defines."""

    def finish(self, out: Triples) -> None:  # noqa: B027 (most layouts add nothing)
        """Add triples that depend on the whole file (after the last row)."""


class TableLoader(ABC):
    """A loader for one or more table layouts (CSV, XLSX or JSON); see :mod:`loaders.tabular`."""

    kind: ClassVar[str]
    version: ClassVar[str] = "1"
    layouts: ClassVar[tuple[type[Record], ...]]

    @abstractmethod
    def builder(self, layout: type[Record], context: LoadContext, refs: References) -> Builder:
        """The builder of the triples of one layout."""

    def recognises(self, path: Path) -> bool:
        """True for a table whose columns fit one of this loader's layouts best."""
        if path.suffix.lower() not in TABLE_SUFFIXES or not path.is_file():
            return False
        return layout_of(read_header(path)) in self.layouts

    def layout(self, path: Path) -> type[Record] | None:
        """The layout of a table of this kind (by its columns), or None."""
        if len(self.layouts) == 1:
            return self.layouts[0]
        return layout_of(read_header(path), self.layouts)

    def convert(self, path: Path, context: LoadContext) -> Iterator[Triple]:
        """Yield the triples of the valid rows of ``path``; report problems to ``context``."""
        report = context.problems.append
        layout = self.layout(path) if path.is_file() else None
        table = open_table(path, report)
        if layout is None:
            if table.columns or path.suffix.lower() == ".json":
                names = " or ".join(layout.layout for layout in self.layouts)
                report(
                    Problem(
                        path.name,
                        table.header_line if table.columns else None,
                        None,
                        None,
                        f"the columns fit no {names} layout (see docs/data-formats.md)",
                    )
                )
            _close(table.rows)
            return
        columns = layout.columns()
        if table.columns and not check_columns(table, columns, layout.required(), report):
            _close(table.rows)
            return
        refs = References(context)
        builder = self.builder(layout, context, refs)
        seen: dict[str, int] = {}
        out = Triples()
        for row in table:
            context.rows += 1
            if row.broken or (not table.columns and not check_keys(row, columns, report)):
                continue
            record = validate_row(layout, row, report)
            if record is None:
                continue
            key = slug(record.key)
            first = seen.get(key)
            if first is not None:
                line, column = row.place(layout.id_column)
                report(
                    Problem(
                        row.file,
                        line,
                        column,
                        layout.id_column,
                        f"duplicate id {record.key!r}: already used on line {first}",
                    )
                )
                continue
            seen[key] = row.line
            before = len(context.problems)
            out.items.clear()
            defined = builder.record(record, row, out)
            if len(context.problems) > before:
                continue
            context.known.update(defined)
            yield from out.items
        out.items.clear()
        builder.finish(out)
        yield from out.items


def _close(rows: Iterator[Row]) -> None:
    close = getattr(rows, "close", None)
    if close is not None:
        close()
