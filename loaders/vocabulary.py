"""Any SKOS vocabulary, in any RDF syntax pyoxigraph reads, checked to be one.

The file is parsed as it streams; quads of named graphs lose their graph (a vocabulary is loaded
into its own graph). A syntax error becomes a problem at the parser's line and column, and a file
declaring neither a ``skos:Concept`` nor a ``skos:ConceptScheme`` is reported as not a vocabulary.

>>> VocabularyLoader.kind, VocabularyLoader().recognises(Path("clusters.csv"))
('vocabulary', False)
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, ClassVar, cast

from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, parse

from graph.errors import UnsupportedFormatError
from graph.formats import rdf_format_of_path
from graph.namespaces import PREFIXES
from loaders.base import LoadContext

SKOS = PREFIXES["skos"]
_RDF_TYPE = NamedNode(PREFIXES["rdf"] + "type")
_SKOS_TYPES = {NamedNode(SKOS + "Concept"), NamedNode(SKOS + "ConceptScheme")}
_LOCATION = re.compile(r"^Parser error at line \d+ (?:between columns \d+ and \d+|column \d+): ")
_SNIFF_BYTES = 1 << 16


class VocabularyLoader:
    """Reads a SKOS file (Turtle, N-Triples, N-Quads, TriG, N3, RDF/XML, JSON-LD; ``.gz`` too)."""

    kind: ClassVar[str] = "vocabulary"
    version: ClassVar[str] = "1"

    def recognises(self, path: Path) -> bool:
        """True for an RDF file that mentions the SKOS namespace near its start."""
        try:
            rdf_format_of_path(path)
            with _open(path) as stream:
                head = stream.read(_SNIFF_BYTES)
        except (UnsupportedFormatError, OSError):
            return False
        return SKOS.encode() in head or b"skos:" in head

    def convert(self, path: Path, context: LoadContext) -> Iterator[Triple]:
        """Yield the file's triples; report syntax errors and a file without SKOS concepts."""
        try:
            rdf_format = rdf_format_of_path(path)
        except UnsupportedFormatError as error:
            context.problem(path.name, None, None, None, str(error))
            return
        found = False
        try:
            with _open(path) as stream:
                for item in parse(stream, format=rdf_format):
                    triple = item.triple if isinstance(item, Quad) else item
                    context.rows += 1
                    found = found or _declares_skos(triple)
                    yield triple
        except SyntaxError as error:
            _report_syntax_error(error, path.name, rdf_format, context)
            return
        except OSError as error:
            context.problem(path.name, None, None, None, f"cannot read the file: {error}")
            return
        if not found:
            message = "not a SKOS vocabulary: it declares no skos:Concept and no skos:ConceptScheme"
            context.problem(path.name, None, None, None, message)


def _open(path: Path) -> BinaryIO:
    if path.suffix.lower() == ".gz":
        return cast(BinaryIO, gzip.open(path, "rb"))
    return path.open("rb")


def _declares_skos(triple: Triple) -> bool:
    return triple.predicate == _RDF_TYPE and triple.object in _SKOS_TYPES


def _report_syntax_error(
    error: SyntaxError, name: str, rdf_format: RdfFormat, context: LoadContext
) -> None:
    message = _LOCATION.sub("", str(error.msg))
    context.problem(name, error.lineno, error.offset, None, f"{rdf_format.name} syntax: {message}")
