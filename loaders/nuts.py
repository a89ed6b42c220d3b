"""NUTS regions from Eurostat's classification workbooks, as ``s3:Region`` concepts.

Two workbooks are understood, read with openpyxl in read-only (streaming) mode:

* ``NUTS2021.xlsx``: sheet ``NUTS & SR 2021`` with ``Code 2021``, ``Country``, ``NUTS level 1``,
  ``NUTS level 2``, ``NUTS level 3`` (the label sits in the column of the region's level) and
  ``NUTS level``. A text row introduces the statistical regions of EFTA and candidate countries.
* ``NUTS2021-NUTS2024.xlsx``: sheets ``NUTS2024`` (EU regions) and ``Statistical Regions``, one
  label column each and no country (level 0) rows: countries are made from the first two letters
  of their level-1 codes.

Each region is ``http://data.europa.eu/nuts/code/{CODE}`` (Eurostat's IRI, shared by every NUTS
version in which the code exists) in the version scheme ``http://data.europa.eu/nuts/scheme/2021``
or ``.../2024``, with ``s3:nutsVersion`` saying which workbook stated it. Labels are the official
language-neutral ones, without a language tag. The change sheets (``Changes NUTS-1/2/3``, and in
the 2024 workbook ``NUTS2021- NUTS2024`` and ``SR2021- SR2024``) become ``skos:changeNote`` with
the workbook's wording and ``dcterms:replaces``/``dcterms:isReplacedBy`` between old and new codes.

Problems name the sheet: ``NUTS2021.xlsx[NUTS & SR 2021]:1848: ...``.

>>> parent_code("CH022"), parent_code("CH0"), parent_code("CH")
('CH02', 'CH', None)
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from pyoxigraph import Literal, NamedNode, Triple

from graph.namespaces import NUTS, PREFIXES, S3, nuts_iri
from loaders.base import LoadContext

NUTS_SCHEME = "http://data.europa.eu/nuts/scheme/"

_SKOS = PREFIXES["skos"]
_DCTERMS = PREFIXES["dcterms"]
_XSD = PREFIXES["xsd"]
_RDF_TYPE = NamedNode(PREFIXES["rdf"] + "type")
_CODE = re.compile(r"[A-Z]{2}[0-9A-Z]{0,3}")
_FORMULA_SIDE = r"(?:ex-)?[A-Z]{2}[0-9A-Z]{1,3}(?:\s*\+\s*(?:ex-)?[A-Z]{2}[0-9A-Z]{1,3})*"
_FORMULA = re.compile(rf"\s*(?P<new>{_FORMULA_SIDE})\s*=\s*(?P<old>{_FORMULA_SIDE})\s*(?:,.*)?")

COUNTRY_LABELS = {
    "BE": "Belgique/België",
    "BG": "България",
    "CZ": "Česko",
    "DK": "Danmark",
    "DE": "Deutschland",
    "EE": "Eesti",
    "IE": "Éire/Ireland",
    "EL": "Ελλάδα",
    "ES": "España",
    "FR": "France",
    "HR": "Hrvatska",
    "IT": "Italia",
    "CY": "Κύπρος",
    "LV": "Latvija",
    "LT": "Lietuva",
    "LU": "Luxembourg",
    "HU": "Magyarország",
    "MT": "Malta",
    "NL": "Nederland",
    "AT": "Österreich",
    "PL": "Polska",
    "PT": "Portugal",
    "RO": "România",
    "SI": "Slovenija",
    "SK": "Slovensko",
    "FI": "Suomi/Finland",
    "SE": "Sverige",
    "UK": "United Kingdom",
    "IS": "Ísland",
    "LI": "Liechtenstein",
    "NO": "Norge",
    "CH": "Schweiz/Suisse/Svizzera",
    "ME": "Црна Гора",
    "MK": "Северна Македонија",
    "AL": "Shqipëria",
    "RS": "Srbija/Сpбија",
    "TR": "Türkiye",
}
"""Country (level 0) labels of the ``NUTS2021.xlsx`` workbook.

The NUTS 2024 workbook has no level-0 rows; its countries take these labels, or else the label
of their single level-1 region ``{CC}0`` (as for ``XK0``).
"""


@dataclass(frozen=True)
class RegionSheet:
    """Where a sheet keeps the code, level and label of its regions."""

    name: str
    code: str
    level: str
    labels: tuple[str, ...]
    """One label column, or one per level (0 to 3)."""
    statistical: bool = False
    """Whether every region of the sheet is a statistical region."""


@dataclass(frozen=True)
class Edition:
    """One NUTS workbook: its version, region sheets and where to read more about it."""

    version: str
    sheets: tuple[RegionSheet, ...]
    has_countries: bool
    sources: tuple[str, ...]
    region_change_sheets: tuple[str, ...] = ()

    @property
    def scheme(self) -> str:
        return NUTS_SCHEME + self.version


EDITIONS = (
    Edition(
        "2021",
        (
            RegionSheet(
                "NUTS & SR 2021",
                "Code 2021",
                "NUTS level",
                ("Country", "NUTS level 1", "NUTS level 2", "NUTS level 3"),
            ),
        ),
        has_countries=True,
        sources=(
            "https://ec.europa.eu/eurostat/web/nuts/history",
            "http://data.europa.eu/eli/reg_del/2019/1755/oj",
        ),
    ),
    Edition(
        "2024",
        (
            RegionSheet("NUTS2024", "NUTS Code", "NUTS level", ("NUTS label",)),
            RegionSheet("Statistical Regions", "SR Code", "SR level", ("Territorial level",), True),
        ),
        has_countries=False,
        sources=(
            "https://ec.europa.eu/eurostat/documents/345175/629341/NUTS2021-NUTS2024.xlsx",
            "http://data.europa.eu/eli/reg_del/2023/674/oj",
        ),
        region_change_sheets=("NUTS2021- NUTS2024", "SR2021- SR2024"),
    ),
)
"""The workbooks this loader reads."""

DETAILED_CHANGE_SHEETS = ("Changes NUTS-1", "Changes NUTS-2", "Changes NUTS-3")
LICENSE = "https://ec.europa.eu/eurostat/about-us/policies/copyright"


def parent_code(code: str) -> str | None:
    """The code of the region one level up (a NUTS code grows by one character a level)."""
    return code[:-1] if len(code) > 2 else None


def ancestors_and_self(codes: Iterable[str]) -> set[str]:
    """The codes with all their parents up to the country.

    >>> sorted(ancestors_and_self(["ITH2", "SI03"]))
    ['IT', 'ITH', 'ITH2', 'SI', 'SI0', 'SI03']
    """
    return {code[:size] for code in codes for size in range(2, len(code) + 1)}


@dataclass(frozen=True)
class Region:
    """One region row of a workbook."""

    code: str
    level: int
    label: str | None
    statistical: bool


@dataclass
class _Sheet:
    """A sheet being read: its problems' file part and its header columns."""

    where: str
    context: LoadContext
    columns: dict[str, int] = field(default_factory=dict)

    def report(self, line: int | None, name: str | None, message: str) -> None:
        column = self.columns.get(name) if name else None
        self.context.problem(
            self.where, line, None if column is None else column + 1, name, message
        )

    def value(self, row: tuple[Any, ...], name: str) -> Any:
        index = self.columns.get(name)
        return row[index] if index is not None and index < len(row) else None


class NutsLoader:
    """Converts Eurostat's NUTS 2021 or NUTS 2024 workbook into ``s3:Region`` concepts.

    ``codes`` keeps only those regions and their ancestors (the bundled ``nuts.ttl`` is built so).

    >>> NutsLoader.kind, NutsLoader().recognises(Path("regions.csv"))
    ('nuts', False)
    """

    kind: ClassVar[str] = "nuts"
    version: ClassVar[str] = "1"

    def __init__(self, codes: Collection[str] | None = None) -> None:
        self.wanted = None if codes is None else ancestors_and_self(codes)

    def recognises(self, path: Path) -> bool:
        """True for an Excel workbook with the region sheets of a NUTS edition."""
        if path.suffix.lower() not in {".xlsx", ".xlsm"} or not path.is_file():
            return False
        try:
            workbook = openpyxl.load_workbook(path, read_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError):
            return False
        names = set(workbook.sheetnames)
        workbook.close()
        return any({s.name for s in edition.sheets} <= names for edition in EDITIONS)

    def convert(self, path: Path, context: LoadContext) -> Iterator[Triple]:
        """Yield the version scheme, its regions and the changes the workbook records."""
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError) as error:
            context.problem(path.name, None, None, None, f"not an Excel workbook: {error}")
            return
        except OSError as error:
            context.problem(path.name, None, None, None, f"cannot read the file: {error.strerror}")
            return
        try:
            edition = _edition(workbook.sheetnames, path.name, context)
            if edition is not None:
                yield from self._convert_workbook(workbook, edition, path.name, context)
        finally:
            workbook.close()

    def _convert_workbook(
        self, workbook: Any, edition: Edition, name: str, context: LoadContext
    ) -> Iterator[Triple]:
        yield from scheme_triples(edition)
        seen: set[str] = set()
        for sheet in edition.sheets:
            reader = _Sheet(f"{name}[{sheet.name}]", context)
            regions = _regions(workbook[sheet.name], sheet, edition, seen, reader)
            for region in regions:
                if self._keeps(region.code):
                    yield from region_triples(region, edition)
        changes = _Changes(self.wanted)
        for sheet_name in DETAILED_CHANGE_SHEETS:
            if sheet_name in workbook.sheetnames:
                reader = _Sheet(f"{name}[{sheet_name}]", context)
                yield from changes.detailed(workbook[sheet_name], reader)
        for sheet_name in edition.region_change_sheets:
            if sheet_name in workbook.sheetnames:
                reader = _Sheet(f"{name}[{sheet_name}]", context)
                yield from changes.by_region(workbook[sheet_name], reader)

    def _keeps(self, code: str) -> bool:
        return self.wanted is None or code in self.wanted


def _edition(sheetnames: list[str], name: str, context: LoadContext) -> Edition | None:
    present = set(sheetnames)
    for edition in EDITIONS:
        if {sheet.name for sheet in edition.sheets} <= present:
            return edition
    for edition in EDITIONS:
        missing = [sheet.name for sheet in edition.sheets if sheet.name not in present]
        if len(missing) < len(edition.sheets):
            message = f"the NUTS {edition.version} workbook lacks the sheet(s) {_quoted(missing)}"
            context.problem(name, None, None, None, message)
            return None
    expected = " or ".join(_quoted([s.name for s in edition.sheets]) for edition in EDITIONS)
    message = f"no NUTS sheets: expected {expected}; found {_quoted(sheetnames)}"
    context.problem(name, None, None, None, message)
    return None


def _quoted(names: Iterable[str]) -> str:
    return " and ".join(repr(name) for name in names)


def _header(value: Any) -> str:
    """A header cell's first line, with runs of spaces made one."""
    return " ".join(str(value).split("\n")[0].split()) if value is not None else ""


def _text(value: Any) -> str | None:
    """A cell as stripped text (non-breaking spaces too), or None when empty."""
    if value is None:
        return None
    text = str(value).replace("\xa0", " ").strip()
    return text or None


def _columns(row: tuple[Any, ...] | None, wanted: Iterable[str], sheet: _Sheet) -> bool:
    """Find the ``wanted`` header columns; report the missing ones at once."""
    headers = [_header(value) for value in row or ()]
    sheet.columns = {header: index for index, header in enumerate(headers) if header}
    missing = [name for name in wanted if name not in sheet.columns]
    if missing:
        sheet.report(1, None, f"missing column(s) {_quoted(missing)}; found {_quoted(headers)}")
        return False
    return True


def _regions(
    worksheet: Any, layout: RegionSheet, edition: Edition, seen: set[str], sheet: _Sheet
) -> Iterator[Region]:
    """The valid regions of a sheet, countries made up where the sheet has none."""
    rows = worksheet.iter_rows(values_only=True)
    if not _columns(next(rows, None), (layout.code, layout.level, *layout.labels), sheet):
        return
    statistical = layout.statistical
    for line, row in enumerate(rows, start=2):
        code, level = _text(sheet.value(row, layout.code)), sheet.value(row, layout.level)
        if level is None and (code is None or not _CODE.fullmatch(code)):
            statistical = statistical or "statistical region" in (code or "").lower()
            continue
        sheet.context.rows += 1
        region = _region(row, line, layout, statistical, sheet)
        if region is None:
            continue
        if not edition.has_countries and region.code[:2] not in seen:
            seen.add(region.code[:2])
            yield _country(region)
        if _placed(region, seen, line, sheet):
            seen.add(region.code)
            yield region


def _region(
    row: tuple[Any, ...], line: int, layout: RegionSheet, statistical: bool, sheet: _Sheet
) -> Region | None:
    code, level = _text(sheet.value(row, layout.code)), _level(sheet.value(row, layout.level))
    if code is None or not _CODE.fullmatch(code):
        sheet.report(line, layout.code, f"{code!r} is not a NUTS code")
        return None
    if level is None or len(code) != level + 2:
        found = sheet.value(row, layout.level)
        message = f"the level {found!r} does not fit the code {code!r} (level = length - 2)"
        sheet.report(line, layout.level, message)
        return None
    column = layout.labels[level] if len(layout.labels) > 1 else layout.labels[0]
    label = _text(sheet.value(row, column))
    if label is None:
        sheet.report(line, column, f"no label for {code} in column {column!r}")
        return None
    return Region(code, level, label, statistical)


def _level(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and value == int(value) and 0 <= value <= 3:
        return int(value)
    if isinstance(value, str) and value.strip() in {"0", "1", "2", "3"}:
        return int(value)
    return None


def _placed(region: Region, seen: set[str], line: int, sheet: _Sheet) -> bool:
    """Whether the region is new and its parent came before it; report it if not."""
    if region.code in seen:
        sheet.report(line, None, f"{region.code} appears twice")
        return False
    parent = parent_code(region.code)
    if parent is not None and parent not in seen:
        sheet.report(line, None, f"the parent {parent} of {region.code} is not above this row")
        return False
    return True


def _country(region: Region) -> Region:
    code = region.code[:2]
    label = COUNTRY_LABELS.get(code)
    if label is None and region.code == code + "0":
        label = region.label
    return Region(code, 0, label, region.statistical)


def scheme_triples(edition: Edition) -> Iterator[Triple]:
    """The version scheme, its title, sources and licence."""
    scheme = NamedNode(edition.scheme)
    title = f"NUTS {edition.version} - Nomenclature of territorial units for statistics"
    yield Triple(scheme, _RDF_TYPE, NamedNode(_SKOS + "ConceptScheme"))
    yield Triple(scheme, NamedNode(_SKOS + "prefLabel"), Literal(f"NUTS {edition.version}"))
    description = (
        f"The regions of NUTS {edition.version} and the statistical regions of EFTA and candidate "
        "countries, with their official labels, levels and parents, as published in Eurostat's "
        "classification workbook."
    )
    yield Triple(scheme, NamedNode(_DCTERMS + "title"), Literal(title, language="en"))
    yield Triple(scheme, NamedNode(_DCTERMS + "description"), Literal(description, language="en"))
    for source in edition.sources:
        yield Triple(scheme, NamedNode(_DCTERMS + "source"), NamedNode(source))
    yield Triple(scheme, NamedNode(_DCTERMS + "license"), NamedNode(LICENSE))


def region_triples(region: Region, edition: Edition) -> Iterator[Triple]:
    """The triples of one region in one NUTS version.

    >>> region = Region("CH022", 3, "Fribourg / Freiburg", statistical=True)
    >>> [t.predicate.value.split("#")[-1] for t in region_triples(region, EDITIONS[1])][-4:]
    ['nutsVersion', 'inScheme', 'broader', 'statisticalRegion']
    """
    iri, scheme = NamedNode(nuts_iri(region.code)), NamedNode(edition.scheme)
    yield Triple(iri, _RDF_TYPE, NamedNode(S3 + "Region"))
    yield Triple(iri, _RDF_TYPE, NamedNode(_SKOS + "Concept"))
    if region.label is not None:
        yield Triple(iri, NamedNode(_SKOS + "prefLabel"), Literal(region.label))
    yield Triple(iri, NamedNode(_SKOS + "notation"), Literal(region.code))
    level = Literal(str(region.level), datatype=NamedNode(_XSD + "integer"))
    yield Triple(iri, NamedNode(S3 + "nutsLevel"), level)
    yield Triple(iri, NamedNode(S3 + "countryCode"), Literal(region.code[:2]))
    yield Triple(iri, NamedNode(S3 + "nutsVersion"), Literal(edition.version))
    yield Triple(iri, NamedNode(_SKOS + "inScheme"), scheme)
    parent = parent_code(region.code)
    if parent is None:
        yield Triple(iri, NamedNode(_SKOS + "topConceptOf"), scheme)
        yield Triple(scheme, NamedNode(_SKOS + "hasTopConcept"), iri)
    else:
        yield Triple(iri, NamedNode(_SKOS + "broader"), NamedNode(NUTS + parent))
    if region.statistical:
        true = Literal("true", datatype=NamedNode(_XSD + "boolean"))
        yield Triple(iri, NamedNode(S3 + "statisticalRegion"), true)


class _Changes:
    """States the changes of the change sheets, each replacement once."""

    def __init__(self, wanted: set[str] | None) -> None:
        self.wanted = wanted
        self.stated: set[tuple[str, str]] = set()
        self.ended: list[tuple[str, str]] = []
        """(code, label) of regions that end without a successor code on their row."""

    def detailed(self, worksheet: Any, sheet: _Sheet) -> Iterator[Triple]:
        """``Changes NUTS-n``: old code, new code, label, change and explanation."""
        rows = worksheet.iter_rows(values_only=True)
        header = [_header(value) for value in next(rows, None) or ()]
        code_columns = [h for h in header if re.fullmatch(r"Code \d{4}", h)]
        if len(code_columns) != 2:
            sheet.report(1, None, "expected two columns 'Code YYYY' (old and new code)")
            return
        old_column, new_column = code_columns
        if not _columns(tuple(header), (old_column, new_column, "Label", "Change"), sheet):
            return
        explanation = next((h for h in header if h.startswith("Explanation")), "")
        prefix = f"NUTS {old_column[5:]} to {new_column[5:]}: "
        for row in rows:
            old, new = _code(sheet.value(row, old_column)), _code(sheet.value(row, new_column))
            texts = [_text(sheet.value(row, "Change")), _text(sheet.value(row, explanation))]
            for text in filter(None, texts):
                yield from self._notes((old, new), prefix + text)
            yield from self._replacements(old, new, _text(sheet.value(row, "Label")))
            yield from self._formula(texts[1])

    def by_region(self, worksheet: Any, sheet: _Sheet) -> Iterator[Triple]:
        """``NUTS2021- NUTS2024``: every region with its 2021 and 2024 code and the change."""
        rows = worksheet.iter_rows(values_only=True)
        header = next(rows, None)
        if not _columns(header, ("Code 2021", "Code 2024", "Change"), sheet):
            return
        labels = range(sheet.columns["Code 2024"] + 1, sheet.columns["Change"])
        for row in rows:
            change = _text(sheet.value(row, "Change"))
            if change is None:
                continue
            old, new = _code(sheet.value(row, "Code 2021")), _code(sheet.value(row, "Code 2024"))
            label = next((_text(row[i]) for i in labels if i < len(row) and _text(row[i])), None)
            yield from self._notes((old, new), f"NUTS 2021 to 2024: {change}")
            yield from self._replacements(old, new, label)

    def _notes(self, codes: tuple[str | None, str | None], text: str) -> Iterator[Triple]:
        for code in dict.fromkeys(codes):
            if code is not None and self._keeps(code):
                note = Literal(text, language="en")
                yield Triple(NamedNode(nuts_iri(code)), NamedNode(_SKOS + "changeNote"), note)

    def _replacements(
        self, old: str | None, new: str | None, label: str | None
    ) -> Iterator[Triple]:
        """A code change on one row, or a new region taking over an ended one of the same name."""
        if old is not None and new is not None:
            yield from self._replaces(new, old)
        elif old is not None and label is not None:
            self.ended.append((old, label))
        elif new is not None and label is not None:
            for ended, ended_label in self.ended:
                if ended_label == label and len(ended) == len(new) and ended[:2] == new[:2]:
                    yield from self._replaces(new, ended)

    def _formula(self, explanation: str | None) -> Iterator[Triple]:
        """``NEW [+ NEW] = [ex-]OLD [+ [ex-]OLD]``, kept where old and new are at one level."""
        match = _FORMULA.fullmatch(explanation or "")
        if match is None:
            return
        news, olds = (re.findall(r"[A-Z]{2}[0-9A-Z]{1,3}", match[side]) for side in ("new", "old"))
        for new in news:
            for old in olds:
                if len(new) == len(old):
                    yield from self._replaces(new, old)

    def _replaces(self, new: str, old: str) -> Iterator[Triple]:
        if new == old or (new, old) in self.stated or not (self._keeps(new) and self._keeps(old)):
            return
        self.stated.add((new, old))
        new_iri, old_iri = NamedNode(nuts_iri(new)), NamedNode(nuts_iri(old))
        yield Triple(new_iri, NamedNode(_DCTERMS + "replaces"), old_iri)
        yield Triple(old_iri, NamedNode(_DCTERMS + "isReplacedBy"), new_iri)

    def _keeps(self, code: str) -> bool:
        return self.wanted is None or code in self.wanted


def _code(value: Any) -> str | None:
    text = _text(value)
    return text if text is not None and _CODE.fullmatch(text) else None
