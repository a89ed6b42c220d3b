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

from collections.abc import Callable, Iterable, Iterator, Sequence
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


class KnownIris(set[str]):
    """The IRIs references may point to: a set, and tests for classes with more instances than
    are worth holding in memory (millions of SMEs), which look each IRI up in the store.

    >>> known = KnownIris({"https://example.org/a"}, [lambda iri: iri.endswith("/sme/1")])
    >>> "https://example.org/a" in known, "https://example.org/sme/1" in known
    (True, True)
    >>> "https://example.org/b" in known
    False
    """

    def __init__(
        self,
        iris: Iterable[str] = (),
        tests: Sequence[Callable[[str], bool]] = (),
        samples: Callable[[str], list[str]] | None = None,
    ) -> None:
        super().__init__(iris)
        self._tests = tuple(tests)
        self._samples = samples

    def __contains__(self, iri: object) -> bool:
        if set.__contains__(self, iri):
            return True
        return isinstance(iri, str) and any(test(iri) for test in self._tests)

    def candidates(self, namespace: str) -> list[str]:
        """Known IRIs starting with ``namespace``, for suggestions: all those held, and a
        sample of those looked up."""
        held = [iri for iri in self if iri.startswith(namespace)]
        if self._samples is None or not self._tests:
            return held
        return held + self._samples(namespace)


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
