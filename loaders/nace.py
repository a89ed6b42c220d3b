"""NACE Rev. 2 from Eurostat's RAMON hierarchic CSV export, as a SKOS concept scheme.

The export (``NACE_REV2``, layout ``HIERARCHIC``, English) is a ``;``-separated, ``"``-quoted
UTF-8 file whose explanatory notes span several lines. Its codes carry no section letter
(``28.30``); the ``Parent`` column gives the hierarchy (``28.30`` → ``28.3`` → ``28`` → ``C``).

Concepts follow EU Vocabularies: IRI ``http://data.europa.eu/ux2/nace2/{code without dots}`` in
the scheme ``http://data.europa.eu/ux2/nace2/nace2``, ``skos:notation`` the official code with
dots, ``skos:prefLabel`` in English, ``skos:broader``/``skos:narrower`` up to the section, and the
explanatory notes under the XKOS note properties EU Vocabularies uses (sub-properties of
``skos:scopeNote``): ``xkos:coreContentNote`` (includes), ``xkos:additionalContentNote`` (also
includes), ``xkos:exclusionNote`` (excludes) and ``xkos:caseLaw`` (rulings). The ISIC Rev. 4
column holds bare codes whose correspondence type (exact, partial) the file does not say, so it
is not turned into mappings.

Codes as people write them are turned into official notations by :func:`normalise_nace`:

>>> [normalise_nace(c) for c in ("C28", "c 28.3", "C28.30", "2830", "283", "C")]
['28', '28.3', '28.30', '28.30', '28.3', 'C']
>>> normalise_nace("A28") is None  # division 28 is in section C, not A
True
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, TextIO

from pyoxigraph import Literal, NamedNode, Triple

from graph.namespaces import NACE2, PREFIXES, nace_iri
from loaders.base import LoadContext

XKOS = "http://rdf-vocabulary.ddialliance.org/xkos#"
NACE2_SCHEME = NACE2 + "nace2"

_SKOS = PREFIXES["skos"]
_DCTERMS = PREFIXES["dcterms"]
_RDF_TYPE = NamedNode(PREFIXES["rdf"] + "type")
_SCHEME = NamedNode(NACE2_SCHEME)

COLUMNS = (
    "Order",
    "Level",
    "Code",
    "Parent",
    "Description",
    "This_item_includes",
    "This_item_also_includes",
    "Rulings",
    "This_item_excludes",
    "Reference_to_ISIC_Rev._4",
)
"""The columns of the RAMON export, in file order."""

REQUIRED_COLUMNS = ("Level", "Code", "Parent", "Description")

NOTE_PROPERTIES = {
    "This_item_includes": XKOS + "coreContentNote",
    "This_item_also_includes": XKOS + "additionalContentNote",
    "This_item_excludes": XKOS + "exclusionNote",
    "Rulings": XKOS + "caseLaw",
}
"""Which XKOS explanatory-note property each note column becomes."""

SECTION_DIVISIONS: dict[str, tuple[int, int]] = {
    "A": (1, 3),
    "B": (5, 9),
    "C": (10, 33),
    "D": (35, 35),
    "E": (36, 39),
    "F": (41, 43),
    "G": (45, 47),
    "H": (49, 53),
    "I": (55, 56),
    "J": (58, 63),
    "K": (64, 66),
    "L": (68, 68),
    "M": (69, 75),
    "N": (77, 82),
    "O": (84, 84),
    "P": (85, 85),
    "Q": (86, 88),
    "R": (90, 93),
    "S": (94, 96),
    "T": (97, 98),
    "U": (99, 99),
}
"""The first and last division of each section (Regulation (EC) No 1893/2006, Annex I)."""

_LEVEL_PATTERNS = {
    1: re.compile(r"[A-U]"),
    2: re.compile(r"\d{2}"),
    3: re.compile(r"\d{2}\.\d"),
    4: re.compile(r"\d{2}\.\d{2}"),
}
_LEVEL_EXAMPLES = {1: "C", 2: "28", 3: "28.3", 4: "28.30"}
_WRITTEN_CODE = re.compile(r"(?P<section>[A-U])?(?P<division>\d{2})(?:\.?(?P<rest>\d{1,2}))?")

SCHEME_METADATA: dict[str, tuple[str, ...]] = {
    "title": (
        "NACE Rev. 2 - Statistical classification of economic activities in the European Community",
    ),
    "description": (
        "The four levels of NACE Rev. 2 (21 sections, 88 divisions, 272 groups, 615 "
        "classes) with English labels, official notations and the hierarchy, "
        "converted from Eurostat's RAMON hierarchic export.",
    ),
    "source": (
        "https://ec.europa.eu/eurostat/ramon/nomenclatures/index.cfm?TargetUrl=LST_CLS_DLD"
        "&StrNom=NACE_REV2&StrLanguageCode=EN&StrLayoutCode=HIERARCHIC",
        "http://data.europa.eu/eli/reg/2006/1893/oj",
    ),
    "license": ("https://ec.europa.eu/eurostat/about-us/policies/copyright",),
}
"""What the loader states about the scheme: title, description, sources and licence."""


def section_of(division: str) -> str | None:
    """The section letter of a two-digit division, or None if NACE Rev. 2 has no such division.

    >>> section_of("28"), section_of("04")
    ('C', None)
    """
    if not division.isdigit():
        return None
    number = int(division)
    return next((s for s, (low, high) in SECTION_DIVISIONS.items() if low <= number <= high), None)


def normalise_nace(code: str, known: Collection[str] | None = None) -> str | None:
    """The official NACE Rev. 2 notation of a code as people write it, or None.

    Accepts an optional section letter (which must be the division's), dots or none, lower case
    and spaces. With ``known`` (official notations such as ``"28.30"``), codes not in it give
    None; without, only the form and the division are checked.

    >>> normalise_nace("C 28.30"), normalise_nace("28"), normalise_nace("u")
    ('28.30', '28', 'U')
    >>> normalise_nace("28.39", known={"28.30", "28.3"}) is None
    True
    """
    text = re.sub(r"\s+", "", code).upper().replace(",", ".")
    if text in SECTION_DIVISIONS:
        notation: str | None = text
    else:
        notation = _notation_of_written_code(text)
    if notation is None or (known is not None and notation not in known):
        return None
    return notation


def _notation_of_written_code(text: str) -> str | None:
    match = _WRITTEN_CODE.fullmatch(text)
    if match is None:
        return None
    division, rest = match["division"], match["rest"] or ""
    section = section_of(division)
    if section is None or (match["section"] and match["section"] != section):
        return None
    return f"{division}.{rest}" if rest else division


def suggest_nace(code: str, known: Collection[str], limit: int = 3) -> list[str]:
    """Official notations close to ``code``, best first, for a "did you mean" message.

    >>> suggest_nace("C28.39", ["28.30", "28.3", "28.41", "29.10", "01.11"])
    ['28.3', '28.30', '28.41']
    """
    text = re.sub(r"\s+", "", code).upper().replace(",", ".")
    match = _WRITTEN_CODE.fullmatch(text)
    if match is not None:
        rest = match["rest"]
        text = f"{match['division']}.{rest}" if rest else match["division"]
    return difflib.get_close_matches(text, sorted(set(known)), n=limit, cutoff=0.6)


@dataclass(frozen=True)
class NaceItem:
    """One valid row of the export."""

    level: int
    code: str
    parent: str
    label: str
    notes: dict[str, str] = field(default_factory=dict)


class NaceLoader:
    """Converts Eurostat's RAMON hierarchic NACE Rev. 2 CSV into the EU Vocabularies scheme.

    ``notes=False`` leaves out the explanatory notes (the bundled ``nace2.ttl`` is built so).

    >>> NaceLoader.kind, NaceLoader().recognises(Path("clusters.xlsx"))
    ('nace', False)
    """

    kind: ClassVar[str] = "nace"
    version: ClassVar[str] = "1"

    def __init__(self, notes: bool = True) -> None:
        self.notes = notes

    def recognises(self, path: Path) -> bool:
        """True for a ``.csv`` whose header is the RAMON export's."""
        if path.suffix.lower() != ".csv" or not path.is_file():
            return False
        with path.open(encoding="utf-8-sig", errors="replace") as stream:
            header = stream.readline()
        names = {name.strip().strip('"') for name in header.split(";")}
        return set(REQUIRED_COLUMNS) <= names

    def convert(self, path: Path, context: LoadContext) -> Iterator[Triple]:
        """Yield the scheme and one concept per valid row; report bad rows with their line."""
        name = path.name
        try:
            with path.open(newline="", encoding="utf-8-sig") as stream:
                yield from self._convert_stream(stream, name, context)
        except UnicodeDecodeError as error:
            context.problem(name, None, None, None, f"not UTF-8 text: {error.reason}")
        except csv.Error as error:
            context.problem(name, None, None, None, f"not readable as CSV: {error}")
        except OSError as error:
            context.problem(name, None, None, None, f"cannot read the file: {error.strerror}")

    def _convert_stream(self, stream: TextIO, name: str, context: LoadContext) -> Iterator[Triple]:
        reader = csv.reader(stream, delimiter=";", quotechar='"')
        header = next(reader, None)
        columns = _columns(header, name, context)
        if columns is None:
            return
        yield from scheme_triples()
        levels: dict[str, int] = {}
        start = reader.line_num + 1
        for fields in reader:
            line, start = start, reader.line_num + 1
            if not any(value.strip() for value in fields):
                continue
            context.rows += 1
            item = self._item(fields, columns, levels, _Where(name, line, context))
            if item is not None:
                levels[item.code] = item.level
                yield from concept_triples(item)

    def _item(
        self, fields: list[str], columns: dict[str, int], levels: dict[str, int], where: _Where
    ) -> NaceItem | None:
        width = max(columns.values()) + 1
        if len(fields) != width:
            where.report(None, None, f"expected {width} fields, found {len(fields)}")
            return None
        value = {column: fields[index].strip() for column, index in columns.items()}
        error = _row_error(value, levels)
        if error is not None:
            column, message = error
            where.report(columns[column] + 1, column, message)
            return None
        level = int(value["Level"])
        notes = self._notes(fields, columns)
        return NaceItem(level, value["Code"], value["Parent"], value["Description"], notes)

    def _notes(self, fields: list[str], columns: dict[str, int]) -> dict[str, str]:
        if not self.notes:
            return {}
        notes = {}
        for column, prop in NOTE_PROPERTIES.items():
            if column in columns:
                text = fields[columns[column]].replace("\r\n", "\n").strip()
                if text:
                    notes[prop] = text
        return notes


@dataclass(frozen=True)
class _Where:
    """Where in the file a row starts, to report its problems."""

    file: str
    line: int
    context: LoadContext

    def report(self, column: int | None, name: str | None, message: str) -> None:
        self.context.problem(self.file, self.line, column, name, message)


def _columns(header: list[str] | None, name: str, context: LoadContext) -> dict[str, int] | None:
    if header is None:
        context.problem(name, None, None, None, "the file is empty")
        return None
    if len(header) == 1:
        seen = next((d for d in (",", "\t", "|") if d in header[0]), None)
        hint = f" (its header is split by {seen!r})" if seen else ""
        message = (
            f"the file is not ';'-separated{hint}; the RAMON NACE export separates columns by ';'"
        )
        context.problem(name, 1, None, None, message)
        return None
    columns = {value.strip(): index for index, value in enumerate(header)}
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        expected = ", ".join(COLUMNS)
        message = f"missing column(s) {', '.join(missing)}; the RAMON export has {expected}"
        context.problem(name, 1, None, None, message)
        return None
    return columns


def _row_error(value: dict[str, str], levels: dict[str, int]) -> tuple[str, str] | None:
    """The column at fault and what is wrong with it, or None for a valid row."""
    if value["Level"] not in {"1", "2", "3", "4"}:
        return "Level", f"the level must be 1, 2, 3 or 4, found {value['Level']!r}"
    level, code, parent = int(value["Level"]), value["Code"], value["Parent"]
    if not _LEVEL_PATTERNS[level].fullmatch(code):
        return "Code", f"{code!r} is not a level-{level} code like {_LEVEL_EXAMPLES[level]!r}"
    if code in levels:
        return "Code", f"{code!r} appears twice"
    if level == 1 and parent:
        return "Parent", f"a section has no parent, found {parent!r}"
    if level > 1 and levels.get(parent) != level - 1:
        return "Parent", f"unknown parent {parent!r}: no level-{level - 1} code of that name above"
    if not value["Description"]:
        return "Description", "the label is empty"
    return None


def scheme_triples() -> Iterator[Triple]:
    """The concept scheme itself, described by :data:`SCHEME_METADATA`."""
    yield Triple(_SCHEME, _RDF_TYPE, NamedNode(_SKOS + "ConceptScheme"))
    yield Triple(_SCHEME, NamedNode(_SKOS + "prefLabel"), Literal("NACE Rev. 2", language="en"))
    for key, values in SCHEME_METADATA.items():
        for value in values:
            obj = (
                NamedNode(value) if key in {"source", "license"} else Literal(value, language="en")
            )
            yield Triple(_SCHEME, NamedNode(_DCTERMS + key), obj)


def concept_triples(item: NaceItem) -> Iterator[Triple]:
    """The triples of one NACE concept.

    >>> item = NaceItem(4, "28.30", "28.3", "Manufacture of agricultural and forestry machinery")
    >>> [t.predicate.value.split("#")[-1] for t in concept_triples(item)]
    ['type', 'inScheme', 'notation', 'prefLabel', 'broader', 'narrower']
    """
    iri = NamedNode(nace_iri(item.code))
    yield Triple(iri, _RDF_TYPE, NamedNode(_SKOS + "Concept"))
    yield Triple(iri, NamedNode(_SKOS + "inScheme"), _SCHEME)
    yield Triple(iri, NamedNode(_SKOS + "notation"), Literal(item.code))
    yield Triple(iri, NamedNode(_SKOS + "prefLabel"), Literal(item.label, language="en"))
    if item.level == 1:
        yield Triple(iri, NamedNode(_SKOS + "topConceptOf"), _SCHEME)
        yield Triple(_SCHEME, NamedNode(_SKOS + "hasTopConcept"), iri)
    else:
        parent = NamedNode(nace_iri(item.parent))
        yield Triple(iri, NamedNode(_SKOS + "broader"), parent)
        yield Triple(parent, NamedNode(_SKOS + "narrower"), iri)
    for prop, text in item.notes.items():
        yield Triple(iri, NamedNode(prop), Literal(text, language="en"))
