"""What every loader is: a converter from one kind of source file to RDF triples.

A loader reads a file, yields triples and reports every problem it finds with its location; it
never writes to the store. :mod:`loaders.pipeline` runs loaders, validates what they produce and
writes it atomically into the source's named graph with a provenance record.

>>> p = Problem("clusters.csv", 4, 2, "region", "unknown NUTS code 'ITC9'; did you mean ITC4?")
>>> str(p)
"clusters.csv:4:2: region: unknown NUTS code 'ITC9'; did you mean ITC4?"
>>> str(Problem("a.ttl", None, None, None, "empty file"))
'a.ttl: empty file'
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol

from pyoxigraph import Triple

from graph.namespaces import Graphs


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, and where: ``file:line:column: field: message``."""

    file: str
    line: int | None
    column: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        prefix = f"{self.field}: " if self.field else ""
        return f"{where}: {prefix}{self.message}"

    def as_dict(self) -> dict[str, object]:
        """The problem as JSON-ready values (for ``--format json``)."""
        return asdict(self)


@dataclass
class LoadContext:
    """What a loader may consult while converting, and where it reports problems.

    ``known`` holds the IRIs already in the store or in earlier files of the same load (regions,
    concepts, clusters, priorities, ...), so references can be checked without a query per row.
    """

    graphs: Graphs
    known: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0

    def problem(
        self, file: str, line: int | None, column: int | None, name: str | None, message: str
    ) -> None:
        """Record a problem."""
        self.problems.append(Problem(file, line, column, name, message))


class Loader(Protocol):
    """A converter for one kind of source file (``--kind``)."""

    kind: ClassVar[str]
    version: ClassVar[str]

    def recognises(self, path: Path) -> bool:
        """True when the file looks like this kind (by extension, sheet names or columns)."""
        ...

    def convert(self, path: Path, context: LoadContext) -> Iterator[Triple]:
        """Yield the triples of ``path``; report problems to ``context`` instead of raising.

        ``context.rows`` is advanced as rows are read. Triples of an invalid row are not yielded.
        """
        ...
