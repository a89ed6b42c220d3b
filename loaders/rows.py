"""The loop every table loader shares: read rows, validate them, check ids, write triples.

A kind's loader (``loaders/clusters.py``, ...) names the layouts it reads and writes the triples of
one valid record; :class:`TableLoader` does the rest. A row's triples are written only when the row
is valid and all its references are known.

Triples are written as N-Triples text, which the store's bulk loader reads directly, instead of a
pyoxigraph object per term and per triple (a row of SMEs took 28 µs to convert that way, 17 µs
now, reading and validation included). Terms are strings in N-Triples syntax (:data:`Term`)
written by pyoxigraph itself (``str(NamedNode(...))``, ``str(Literal(...))``), so escaping is the
standard's; the vocabulary's terms, regions and codes are made once.

>>> out = Triples()
>>> out.add(node("http://ex.org/a"), iri("dcterms", "title"), text('Say "hi"'))
>>> out.date(node("http://ex.org/a"), s3("startDate"), dt.date(2025, 3, 1))
>>> print("".join(out.lines), end="")  # doctest: +NORMALIZE_WHITESPACE
<http://ex.org/a> <http://purl.org/dc/terms/title> "Say \\"hi\\"" .
<http://ex.org/a> <https://w3id.org/s3kg/ontology#startDate>
    "2025-03-01"^^<http://www.w3.org/2001/XMLSchema#date> .
"""

from __future__ import annotations

import datetime as dt
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import ClassVar

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse

from graph.namespaces import PREFIXES, S3, slug
from loaders.base import LoadContext, Problem
from loaders.records import Record, layout_of, validate_row
from loaders.references import References, Term
from loaders.seen import SeenIds
from loaders.tabular import (
    TABLE_SUFFIXES,
    Report,
    Row,
    Table,
    check_columns,
    check_keys,
    open_table,
    read_header,
)

XSD = PREFIXES["xsd"]


def node(value: str) -> Term:
    """An IRI (pyoxigraph checks it).

    >>> node("https://example.org/a b")
    Traceback (most recent call last):
    ...
    ValueError: Invalid IRI code point ' '
    """
    return Term(str(NamedNode(value)))


@cache
def iri(prefix: str, local: str) -> Term:
    """A term of a known vocabulary, e.g. ``iri("dcterms", "title")``."""
    return node(PREFIXES[prefix] + local)


@cache
def s3(local: str) -> Term:
    """A term of the s3kg ontology."""
    return node(S3 + local)


RDF_TYPE = iri("rdf", "type")


def blank() -> Term:
    """A new blank node (the store gives it a fresh name when it is loaded)."""
    return Term(f"_:{uuid.uuid4().hex}")


def text(value: str) -> Term:
    """A plain string literal.

    >>> print(text('a "quoted"\\nline'))
    "a \\"quoted\\"\\nline"
    """
    return Term(str(Literal(value)))


@cache
def _datatype(name: str) -> NamedNode:
    return NamedNode(XSD + name)


def typed(value: str | int | Decimal, datatype: str) -> Term:
    """A literal of an XSD datatype (``"nonNegativeInteger"``, ``"gYear"``, ...)."""
    return Term(str(Literal(str(value), datatype=_datatype(datatype))))


def date(value: dt.date) -> Term:
    """An ``xsd:date`` literal."""
    return typed(value.isoformat(), "date")


class Triples:
    """Collects the triples of one record as N-Triples lines: ``out.add(s, p, o)``."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, subject: Term, predicate: Term, obj: Term | None) -> None:
        """Add a triple; an absent object (None) adds nothing."""
        if obj is not None:
            self.lines.append(f"{subject} {predicate} {obj} .\n")

    def text(self, subject: Term, predicate: Term, value: str | None) -> None:
        """Add a string value when there is one."""
        if value:
            self.add(subject, predicate, text(value))

    def date(self, subject: Term, predicate: Term, value: dt.date | None) -> None:
        """Add a date when there is one."""
        if value is not None:
            self.add(subject, predicate, date(value))

    def common(self, subject: Term, record: Record) -> None:
        """The source pages and the note every record may have."""
        for url in record.source:
            self.add(subject, iri("dcterms", "source"), node(url))
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
    #: The classes (as in ``s3:Region``) of the records each layout refers to, by layout name:
    #: the IRIs of their instances must be in ``context.known`` before a file is read.
    refers_to: ClassVar[Mapping[str, tuple[str, ...]]]

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

    def references(self, path: Path) -> tuple[str, ...]:
        """The classes of the records ``path`` may refer to (see :attr:`refers_to`)."""
        layout = self.layout(path) if path.is_file() else None
        if layout is None:
            return ()
        return self.refers_to.get(layout.layout, ())

    def convert(self, path: Path, context: LoadContext) -> Iterator[Triple]:
        """Yield the triples of the valid rows of ``path``; report problems to ``context``.

        The IRIs of the records produced are added to ``context.known``, so later files
        converted with the same context may refer to them.
        """
        for lines in self.ntriples(path, context):
            for quad in parse(lines.encode(), RdfFormat.N_TRIPLES):
                yield Triple(quad.subject, quad.predicate, quad.object)

    def ntriples(self, path: Path, context: LoadContext, *, remember: bool = True) -> Iterator[str]:
        """Yield the triples of each valid row of ``path`` as N-Triples text.

        Problems go to ``context``. With ``remember``, the IRIs of the records produced are added
        to ``context.known`` (for later files converted with the same context); a caller that
        finds them in the store instead saves the memory.
        """
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
        builder = self.builder(layout, context, References(context))
        with SeenIds() as seen:  # the only state that grows with a file, kept flat
            yield from self._rows(table, layout, columns, builder, seen, context, remember)

    def _rows(
        self,
        table: Table,
        layout: type[Record],
        columns: Sequence[str],
        builder: Builder,
        seen: SeenIds,
        context: LoadContext,
        remember: bool,
    ) -> Iterator[str]:
        report = context.problems.append
        out = Triples()
        for row in table:
            context.rows += 1
            if row.broken or (not table.columns and not check_keys(row, columns, report)):
                continue
            record = validate_row(layout, row, report)
            if record is None or _duplicate(record, row, layout, seen, report):
                continue
            before = len(context.problems)
            out.lines.clear()
            defined = builder.record(record, row, out)
            if len(context.problems) > before:
                continue
            if remember:
                context.known.update(defined)
            yield "".join(out.lines)
        out.lines.clear()
        builder.finish(out)
        yield "".join(out.lines)


def _duplicate(
    record: Record, row: Row, layout: type[Record], seen: SeenIds, report: Report
) -> bool:
    """True (after reporting it) when the record's id was used on an earlier row."""
    first = seen.first(slug(record.key), row.line)
    if first is None:
        return False
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
    return True


def _close(rows: Iterator[Row]) -> None:
    close = getattr(rows, "close", None)
    if close is not None:
        close()
