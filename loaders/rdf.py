"""Kind ``rdf``: any RDF file (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD, N3), as is.

The file is parsed by the store's own parser, streamed, with its blank nodes renamed so that two
files never share one; named graphs in N-Quads or TriG are merged into the file's graph. A syntax
error is reported with the parser's line and column.

>>> import tempfile
>>> from pathlib import Path
>>> from graph.namespaces import Graphs
>>> from loaders.base import LoadContext
>>> path = Path(tempfile.mkdtemp()) / "extra.ttl"
>>> _ = path.write_text('@prefix ex: <http://example.org/> .\\nex:a ex:b "c" ;\\n  ex:d "e .\\n')
>>> context = LoadContext(Graphs("https://example.org/"))
>>> len(list(RdfLoader().convert(path, context)))  # the triples before the error
1
>>> print(context.problems[0])  # doctest: +ELLIPSIS
extra.ttl:3:8: not valid RDF: Parser error between line 3 column 8 and line 4 column 1: ...
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from pyoxigraph import Triple, parse

from graph.errors import UnsupportedFormatError
from graph.formats import rdf_format_of_path
from loaders.base import LoadContext, Problem

#: File extensions read as RDF (``.json`` is a table; JSON-LD files end in ``.jsonld``).
RDF_SUFFIXES = (".ttl", ".nt", ".nq", ".trig", ".rdf", ".owl", ".xml", ".jsonld", ".n3")

_POSITION = re.compile(r"line (\d+) column (\d+)")


def syntax_problem(file: str, error: SyntaxError) -> Problem:
    """A parser error as a problem with the parser's line and column."""
    message = str(error.args[0]) if error.args else str(error)
    line, column = error.lineno, error.offset
    if line is None and (found := _POSITION.search(message)):
        line, column = int(found[1]), int(found[2])
    return Problem(file, line, column, None, f"not valid RDF: {message}")


class RdfLoader:
    """Reads RDF files of any syntax pyoxigraph parses."""

    kind: ClassVar[str] = "rdf"
    version: ClassVar[str] = "1"

    def recognises(self, path: Path) -> bool:
        """True for a file with an RDF extension."""
        suffixes = [s.lower() for s in path.suffixes]
        if suffixes and suffixes[-1] == ".gz":
            suffixes.pop()
        return bool(suffixes) and suffixes[-1] in RDF_SUFFIXES

    def convert(self, path: Path, context: LoadContext) -> Iterator[Triple]:
        """Yield the triples of the file; a syntax error stops it with a problem."""
        try:
            format = rdf_format_of_path(path)
        except UnsupportedFormatError as error:
            context.problem(path.name, None, None, None, str(error))
            return
        if not path.is_file():
            context.problem(str(path), None, None, None, "no such file")
            return
        if path.stat().st_size == 0:
            context.problem(path.name, None, None, None, "the file is empty")
            return
        try:
            for quad in parse(path=path, format=format, rename_blank_nodes=True):
                context.rows += 1
                yield Triple(quad.subject, quad.predicate, quad.object)
        except SyntaxError as error:
            context.problems.append(syntax_problem(path.name, error))
        except (OSError, ValueError) as error:
            context.problem(path.name, None, None, None, f"cannot be read: {error}")
