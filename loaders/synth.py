"""Synthetic S3 data at EU scale, in the loaders' input formats and as N-Quads.

:func:`generate` writes strategies and priorities, clusters, SMEs and their cluster memberships,
cluster services, funding calls and synchronised call schemes, transformative activities and
joint action plans for a set of real NUTS-2 regions, coded with real NACE Rev.2 codes. Everything
else is made up: names say "Synthetic", SMEs carry ``illustrative=true`` and the other records
the note :data:`NOTE`. ``docs/synthetic.md`` describes the distributions, sizes and run times.

The same seed gives byte-identical files. SMEs and their memberships are written while they are
drawn, so memory stays flat however many SMEs are asked for.

``synthetic.nq`` holds the triples the loaders make of the CSV files, one named graph per kind
(``{base}graph/source/synthetic-{kind}``). The small kinds go through the loaders themselves
(:mod:`loaders.priorities`, :mod:`loaders.clusters`, ...); SMEs and memberships, nearly all of the
data, are written as N-Quads text directly, which is many times faster.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> report = generate(folder, seed=7, smes=300, clusters=40)
>>> report.counts["smes"], report.counts["clusters"], report.counts["strategies"]
(300, 40, 62)
>>> sorted(path.name for path in folder.iterdir())  # doctest: +NORMALIZE_WHITESPACE
['actions.csv', 'activities.csv', 'calls.csv', 'clusters.csv', 'memberships.csv',
 'priorities.csv', 'schemes.csv', 'services.csv', 'smes.csv', 'synthetic.nq']
>>> (folder / "smes.csv").read_text(encoding="utf-8").splitlines()[1]
'sme-00000001,Synthetic SME 00000001,,AT33,26.51;35.11,small,true,,'
>>> generate(folder, seed=7, smes=300, clusters=40).files == report.files
True
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import itertools
import math
import random
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Annotated, Generic, TypeVar

import typer
from pyoxigraph import Literal, NamedNode
from rich.console import Console
from rich.table import Table

from graph.errors import InputError, NotFoundError, ParameterError, UnsupportedFormatError
from graph.namespaces import PREFIXES, Graphs, nace_iri, nuts_iri
from loaders.actions import ActionsLoader
from loaders.activities import ActivitiesLoader
from loaders.base import LoadContext
from loaders.calls import CallsLoader
from loaders.clusters import ClustersLoader
from loaders.nace import NaceLoader, section_of
from loaders.priorities import PrioritiesLoader
from loaders.records import LAYOUTS
from loaders.references import SDG
from loaders.rows import TableLoader
from loaders.services import ServicesLoader

DEFAULT_BASE_IRI = "https://w3id.org/s3kg/"
FORMATS = ("csv", "nquads")
NQUADS_FILE = "synthetic.nq"
PERIODS = ("2014-2020", "2021-2027")
NOTE = "Synthetic record made by s3kg synth; not real data."
"""The note of every record but SMEs (marked ``illustrative``) and memberships."""

_COMMON = ("source", "note")
COLUMNS: dict[str, tuple[str, ...]] = {
    layout.layout: (*(c for c in layout.columns() if c not in _COMMON), *_COMMON)
    for layout in LAYOUTS
}
"""The columns of each CSV file (``{layout}.csv``), in the order of ``docs/data-formats.md``."""

KIND_OF_LAYOUT = {
    "priorities": "priorities",
    "clusters": "clusters",
    "smes": "smes",
    "memberships": "smes",
    "services": "services",
    "calls": "calls",
    "schemes": "calls",
    "activities": "activities",
    "actions": "actions",
}
"""The loader kind (``--kind``) that reads each layout; each kind has one named graph."""

_CONVERTED: tuple[tuple[str, type[TableLoader]], ...] = (
    ("priorities", PrioritiesLoader),
    ("clusters", ClustersLoader),
    ("services", ServicesLoader),
    ("schemes", CallsLoader),
    ("calls", CallsLoader),
    ("activities", ActivitiesLoader),
    ("actions", ActionsLoader),
)
"""The layouts converted to triples by their loaders, in dependency order."""

_STREAMED = ("smes", "memberships")

ALPINE_SPACE: tuple[tuple[str, str], ...] = (
    ("ITC1", "Piemonte"),
    ("ITC2", "Valle d’Aosta/Vallée d’Aoste"),
    ("ITC3", "Liguria"),
    ("ITC4", "Lombardia"),
    ("ITH1", "Provincia Autonoma di Bolzano/Bozen"),
    ("ITH2", "Provincia Autonoma di Trento"),
    ("ITH3", "Veneto"),
    ("ITH4", "Friuli-Venezia Giulia"),
    ("ITH5", "Emilia-Romagna"),
    ("SI03", "Vzhodna Slovenija"),
    ("SI04", "Zahodna Slovenija"),
    ("AT31", "Oberösterreich"),
    ("AT32", "Salzburg"),
    ("AT33", "Tirol"),
    ("AT34", "Vorarlberg"),
    ("DE11", "Stuttgart"),
    ("DE12", "Karlsruhe"),
    ("DE13", "Freiburg"),
    ("DE14", "Tübingen"),
    ("DE21", "Oberbayern"),
    ("DE22", "Niederbayern"),
    ("DE27", "Schwaben"),
    ("FRC2", "Franche-Comté"),
    ("FRK2", "Rhône-Alpes"),
    ("FRL0", "Provence-Alpes-Côte d’Azur"),
    ("CH02", "Espace Mittelland"),
    ("CH03", "Nordwestschweiz"),
    ("CH05", "Ostschweiz"),
    ("CH06", "Zentralschweiz"),
    ("CH07", "Ticino"),
    ("LI00", "Liechtenstein"),
)
"""NUTS-2 regions (codes and labels of the NUTS 2021 workbook) used when no NUTS file is given."""

NACE_SAMPLE: tuple[tuple[str, str], ...] = (
    ("A", "AGRICULTURE, FORESTRY AND FISHING"),
    ("C", "MANUFACTURING"),
    ("D", "ELECTRICITY, GAS, STEAM AND AIR CONDITIONING SUPPLY"),
    ("J", "INFORMATION AND COMMUNICATION"),
    ("M", "PROFESSIONAL, SCIENTIFIC AND TECHNICAL ACTIVITIES"),
    ("Q", "HUMAN HEALTH AND SOCIAL WORK ACTIVITIES"),
    ("01", "Crop and animal production, hunting and related service activities"),
    ("01.1", "Growing of non-perennial crops"),
    ("01.11", "Growing of cereals (except rice), leguminous crops and oil seeds"),
    ("01.4", "Animal production"),
    ("01.41", "Raising of dairy cattle"),
    ("03", "Fishing and aquaculture"),
    ("03.2", "Aquaculture"),
    ("10", "Manufacture of food products"),
    ("10.1", "Processing and preserving of meat and production of meat products"),
    ("10.11", "Processing and preserving of meat"),
    ("10.5", "Manufacture of dairy products"),
    ("10.51", "Operation of dairies and cheese making"),
    ("10.8", "Manufacture of other food products"),
    ("10.89", "Manufacture of other food products n.e.c."),
    ("11", "Manufacture of beverages"),
    ("11.0", "Manufacture of beverages"),
    ("11.02", "Manufacture of wine from grape"),
    ("13", "Manufacture of textiles"),
    ("16", "Manufacture of wood and of products of wood and cork, except furniture"),
    ("16.2", "Manufacture of products of wood, cork, straw and plaiting materials"),
    ("17", "Manufacture of paper and paper products"),
    ("17.1", "Manufacture of pulp, paper and paperboard"),
    ("20", "Manufacture of chemicals and chemical products"),
    ("20.1", "Manufacture of basic chemicals, fertilisers and nitrogen compounds"),
    ("20.14", "Manufacture of other organic basic chemicals"),
    ("20.5", "Manufacture of other chemical products"),
    ("20.59", "Manufacture of other chemical products n.e.c."),
    ("21", "Manufacture of basic pharmaceutical products and pharmaceutical preparations"),
    ("21.1", "Manufacture of basic pharmaceutical products"),
    ("21.10", "Manufacture of basic pharmaceutical products"),
    ("21.2", "Manufacture of pharmaceutical preparations"),
    ("21.20", "Manufacture of pharmaceutical preparations"),
    ("22", "Manufacture of rubber and plastic products"),
    ("22.2", "Manufacture of plastic products"),
    ("22.29", "Manufacture of other plastic products"),
    ("23", "Manufacture of other non-metallic mineral products"),
    ("24", "Manufacture of basic metals"),
    ("24.4", "Manufacture of basic precious and other non-ferrous metals"),
    ("25", "Manufacture of fabricated metal products, except machinery and equipment"),
    ("25.6", "Treatment and coating of metals; machining"),
    ("25.62", "Machining"),
    ("25.7", "Manufacture of cutlery, tools and general hardware"),
    ("26", "Manufacture of computer, electronic and optical products"),
    ("26.1", "Manufacture of electronic components and boards"),
    ("26.11", "Manufacture of electronic components"),
    ("26.2", "Manufacture of computers and peripheral equipment"),
    ("26.20", "Manufacture of computers and peripheral equipment"),
    ("26.3", "Manufacture of communication equipment"),
    ("26.30", "Manufacture of communication equipment"),
    ("26.5", "Manufacture of instruments and appliances for measuring, testing and navigation"),
    ("26.51", "Manufacture of instruments and appliances for measuring, testing and navigation"),
    ("26.6", "Manufacture of irradiation, electromedical and electrotherapeutic equipment"),
    ("26.60", "Manufacture of irradiation, electromedical and electrotherapeutic equipment"),
    ("26.7", "Manufacture of optical instruments and photographic equipment"),
    ("26.70", "Manufacture of optical instruments and photographic equipment"),
    ("27", "Manufacture of electrical equipment"),
    ("27.1", "Manufacture of electric motors, generators, transformers and distribution apparatus"),
    ("27.11", "Manufacture of electric motors, generators and transformers"),
    ("27.2", "Manufacture of batteries and accumulators"),
    ("27.20", "Manufacture of batteries and accumulators"),
    ("27.9", "Manufacture of other electrical equipment"),
    ("27.90", "Manufacture of other electrical equipment"),
    ("28", "Manufacture of machinery and equipment n.e.c."),
    ("28.1", "Manufacture of general-purpose machinery"),
    ("28.11", "Manufacture of engines and turbines, except aircraft, vehicle and cycle engines"),
    ("28.15", "Manufacture of bearings, gears, gearing and driving elements"),
    ("28.2", "Manufacture of other general-purpose machinery"),
    ("28.22", "Manufacture of lifting and handling equipment"),
    ("28.29", "Manufacture of other general-purpose machinery n.e.c."),
    ("28.3", "Manufacture of agricultural and forestry machinery"),
    ("28.30", "Manufacture of agricultural and forestry machinery"),
    ("28.4", "Manufacture of metal forming machinery and machine tools"),
    ("28.41", "Manufacture of metal forming machinery"),
    ("28.9", "Manufacture of other special-purpose machinery"),
    ("28.96", "Manufacture of plastics and rubber machinery"),
    ("28.99", "Manufacture of other special-purpose machinery n.e.c."),
    ("29", "Manufacture of motor vehicles, trailers and semi-trailers"),
    ("29.1", "Manufacture of motor vehicles"),
    ("29.10", "Manufacture of motor vehicles"),
    ("29.3", "Manufacture of parts and accessories for motor vehicles"),
    ("29.32", "Manufacture of other parts and accessories for motor vehicles"),
    ("30", "Manufacture of other transport equipment"),
    ("30.1", "Building of ships and boats"),
    ("30.11", "Building of ships and floating structures"),
    ("30.2", "Manufacture of railway locomotives and rolling stock"),
    ("30.20", "Manufacture of railway locomotives and rolling stock"),
    ("30.3", "Manufacture of air and spacecraft and related machinery"),
    ("30.30", "Manufacture of air and spacecraft and related machinery"),
    ("32", "Other manufacturing"),
    ("32.5", "Manufacture of medical and dental instruments and supplies"),
    ("32.50", "Manufacture of medical and dental instruments and supplies"),
    ("33", "Repair and installation of machinery and equipment"),
    ("33.1", "Repair of fabricated metal products, machinery and equipment"),
    ("33.12", "Repair of machinery"),
    ("35", "Electricity, gas, steam and air conditioning supply"),
    ("35.1", "Electric power generation, transmission and distribution"),
    ("35.11", "Production of electricity"),
    ("35.14", "Trade of electricity"),
    ("35.3", "Steam and air conditioning supply"),
    ("38", "Waste collection, treatment and disposal activities; materials recovery"),
    ("38.3", "Materials recovery"),
    ("38.32", "Recovery of sorted materials"),
    ("42", "Civil engineering"),
    ("42.2", "Construction of utility projects"),
    ("46", "Wholesale trade, except of motor vehicles and motorcycles"),
    ("49", "Land transport and transport via pipelines"),
    ("52", "Warehousing and support activities for transportation"),
    ("52.2", "Support activities for transportation"),
    ("55", "Accommodation"),
    ("58", "Publishing activities"),
    ("58.2", "Software publishing"),
    ("58.29", "Other software publishing"),
    ("61", "Telecommunications"),
    ("61.2", "Wireless telecommunications activities"),
    ("62", "Computer programming, consultancy and related activities"),
    ("62.0", "Computer programming, consultancy and related activities"),
    ("62.01", "Computer programming activities"),
    ("62.02", "Computer consultancy activities"),
    ("62.09", "Other information technology and computer service activities"),
    ("63", "Information service activities"),
    ("63.1", "Data processing, hosting and related activities; web portals"),
    ("63.11", "Data processing, hosting and related activities"),
    ("71", "Architectural and engineering activities; technical testing and analysis"),
    ("71.1", "Architectural and engineering activities and related technical consultancy"),
    ("71.12", "Engineering activities and related technical consultancy"),
    ("71.2", "Technical testing and analysis"),
    ("71.20", "Technical testing and analysis"),
    ("72", "Scientific research and development"),
    ("72.1", "Research and experimental development on natural sciences and engineering"),
    ("72.11", "Research and experimental development on biotechnology"),
    ("72.19", "Other research and experimental development on natural sciences and engineering"),
    ("72.2", "Research and experimental development on social sciences and humanities"),
    ("72.20", "Research and experimental development on social sciences and humanities"),
    ("74", "Other professional, scientific and technical activities"),
    ("74.9", "Other professional, scientific and technical activities n.e.c."),
    ("79", "Travel agency, tour operator and other reservation service and related activities"),
    ("85", "Education"),
    ("85.4", "Higher education"),
    ("86", "Human health activities"),
    ("86.1", "Hospital activities"),
    ("86.10", "Hospital activities"),
    ("86.2", "Medical and dental practice activities"),
    ("86.21", "General medical practice activities"),
    ("86.9", "Other human health activities"),
    ("86.90", "Other human health activities"),
    ("87", "Residential care activities"),
    ("90", "Creative, arts and entertainment activities"),
)
"""Real NACE Rev.2 codes (official notation, English label, some shortened) used when no NACE
file is given: the sections, divisions, groups and classes S3 priorities most often name."""

DIVISION_POPULARITY = (
    "28", "26", "62", "72", "29", "27", "86", "30", "01", "35", "10", "21", "20", "22", "25",
    "71", "63", "32", "33", "24", "38", "58", "61", "23", "16", "13", "11", "17", "85", "55",
)  # fmt: skip
"""Divisions in decreasing order of popularity in S3 priorities; the others follow in code order.
A division's weight is ``rank ** -_ZIPF``."""

_ZIPF = 0.8

# Shares of a division's weight by the depth of the code that carries it (priorities, sectors).
_DEPTH_SHARES = {2: 0.45, 3: 0.30, 4: 0.25}
# A section code gets this fraction of the summed weight of its divisions.
_SECTION_SHARE = 0.04

SIZE_CLASSES = (("micro", 0.70), ("small", 0.22), ("medium", 0.08))
"""SME size classes and their shares."""

MEMBERSHIP_SHARES = (0.72, 0.22, 0.06)
"""Shares of SMEs in 0, 1 and 2 clusters of their region."""

_SDGS = (3, 7, 8, 9, 11, 12, 13)
_LABELS = (("bronze", 0.20), ("silver", 0.07), ("gold", 0.03))
_SERVICES = (
    "Matchmaking and B2B events",
    "Internationalisation support",
    "Access to finance",
    "Training and skills",
    "Technology scouting",
    "Innovation management coaching",
    "Foresight and market intelligence",
    "Testing and demonstration facilities",
)
_TARGET_GROUPS = ("SMEs", "start-ups", "research organisations", "large companies")
_RESULTS = ("successful", "successful with adaptations", "not transferable")
_CAPACITIES = (
    "advanced manufacturing skills",
    "testing facilities",
    "digital innovation hub",
    "university research groups",
    "pilot lines",
)
_OPPORTUNITIES = (
    "circular economy",
    "digitalisation of SMEs",
    "energy transition",
    "healthy ageing",
    "sustainable mobility",
)
_ACTORS = ("cluster organisations", "universities", "regional development agency", "SMEs")
_STATUSES = (("planned", 0.30), ("ongoing", 0.45), ("completed", 0.25))

_BUFFER_ROWS = 2048  # SMEs drawn between two writes

# -- N-Quads terms of the SME loop ------------------------------------------------------------

_XSD = PREFIXES["xsd"]


def _iri(prefixed: str) -> str:
    prefix, _, local = prefixed.partition(":")
    return f"<{PREFIXES[prefix]}{local}>"


_A = _iri("rdf:type")
_TRUE = f'"true"^^<{_XSD}boolean>'
_SIZE_IRIS = {"micro": _iri("s3:Micro"), "small": _iri("s3:Small"), "medium": _iri("s3:Medium")}


# -- reference data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    """A NUTS-2 region: its code and its name in the NUTS workbook."""

    code: str
    label: str


@dataclass(frozen=True)
class NaceCode:
    """A NACE Rev.2 code in official notation (``C``, ``28``, ``28.3``, ``28.30``)."""

    code: str
    label: str
    level: int
    section: str
    division: str  # empty for a section
    iri: str  # the concept's IRI in angle brackets, as N-Quads write it

    @classmethod
    def of(cls, code: str, label: str) -> NaceCode:
        """The code with its level, section, division and IRI worked out.

        >>> c = NaceCode.of("28.30", "Manufacture of agricultural and forestry machinery")
        >>> c.level, c.section, c.division, c.iri
        (4, 'C', '28', '<http://data.europa.eu/ux2/nace2/2830>')
        """
        if code.isalpha():
            return cls(code, label, 1, code, "", f"<{nace_iri(code)}>")
        level = len(code.replace(".", ""))
        section = section_of(code[:2])
        if section is None or level not in (2, 3, 4):
            raise InputError(f"{code!r} is not a NACE Rev.2 code")
        return cls(code, label, level, section, code[:2], f"<{nace_iri(code)}>")

    @property
    def keys(self) -> tuple[str, ...]:
        """What two codes must share to count as overlapping: the section or the division."""
        return (self.section,) if self.level == 1 else (self.section, self.division)

    @property
    def title(self) -> str:
        """The label in sentence case (sections are upper case in the RAMON export)."""
        return self.label.capitalize() if self.level == 1 else self.label


def read_regions(path: Path) -> list[Region]:
    """The NUTS-2 regions of the official NUTS 2021 workbook, without the extra-regio ones.

    Reads sheet ``NUTS & SR 2021`` (EU-27 and the statistical regions of EFTA and candidate
    countries); a region's name is in the column of its level.
    """
    import openpyxl  # a slow import, needed only with a NUTS file

    if not path.is_file():
        raise NotFoundError(f"{path}: no such NUTS workbook")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for files that are not workbooks
        raise InputError(f"{path.name}: not an XLSX workbook ({error})") from None
    try:
        if "NUTS & SR 2021" not in book.sheetnames:
            raise InputError(
                f"{path.name}: no sheet 'NUTS & SR 2021'; give Eurostat's NUTS2021.xlsx"
            )
        rows = book["NUTS & SR 2021"].iter_rows(values_only=True)
        header = [str(value or "").strip() for value in next(rows, ())]
        try:
            code_at, level_at = header.index("Code 2021"), header.index("NUTS level")
            label_at = header.index("NUTS level 2")
        except ValueError:
            raise InputError(
                f"{path.name}: sheet 'NUTS & SR 2021' lacks the columns 'Code 2021', "
                "'NUTS level 2' and 'NUTS level'"
            ) from None
        regions = []
        for row in rows:
            if len(row) <= max(code_at, level_at, label_at) or str(row[level_at]) != "2":
                continue
            code = str(row[code_at] or "").strip()
            if len(code) == 4 and code[2:] != "ZZ":
                regions.append(Region(code, str(row[label_at] or code).strip()))
    finally:
        book.close()
    if not regions:
        raise InputError(f"{path.name}: no NUTS-2 regions found in sheet 'NUTS & SR 2021'")
    return regions


def read_nace(path: Path) -> list[NaceCode]:
    """All codes of Eurostat's RAMON hierarchic NACE Rev.2 CSV export, read by its loader."""
    if not path.is_file():
        raise NotFoundError(f"{path}: no such NACE file")
    context = LoadContext(Graphs(DEFAULT_BASE_IRI))
    notation = PREFIXES["skos"] + "notation"
    label = PREFIXES["skos"] + "prefLabel"
    values: dict[str, dict[str, str]] = {}
    for triple in NaceLoader(notes=False).convert(path, context):
        name, subject, value = triple.predicate.value, triple.subject, triple.object
        if not isinstance(subject, NamedNode) or not isinstance(value, Literal):
            continue
        if name in (notation, label):
            values.setdefault(subject.value, {})[name] = value.value
    if context.problems:
        raise InputError(
            f"{path.name}: not a valid RAMON NACE Rev.2 export",
            [str(problem) for problem in context.problems],
        )
    codes = [NaceCode.of(v[notation], v.get(label, "")) for v in values.values() if notation in v]
    if not codes:
        raise InputError(f"{path.name}: no NACE codes found")
    return codes


# -- sampling ---------------------------------------------------------------------------------

T = TypeVar("T")
U = TypeVar("U")
Leaf = tuple[str, str, tuple[str, ...]]  # a NACE code in the SME loop: notation, N-Quads, keys


class _Sampler(Generic[T]):
    """Draws items with fixed weights: one uniform number and a binary search per draw.

    The last cumulative weight is infinite, so rounding can never draw past the last item.
    """

    __slots__ = ("cumulative", "items", "total")

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]
        self.cumulative[-1] = math.inf

    def map(self, convert: Callable[[T], U]) -> _Sampler[U]:
        """The same draws with every item converted."""
        twin: _Sampler[U] = _Sampler.__new__(_Sampler)
        twin.items = [convert(item) for item in self.items]
        twin.cumulative, twin.total = self.cumulative, self.total
        return twin

    def pick(self, uniform: Callable[[], float]) -> T:
        return self.items[bisect.bisect_right(self.cumulative, uniform() * self.total)]


class _Nomenclature:
    """NACE codes and the popularity-weighted ways of drawing them.

    A division's weight is ``rank ** -0.8`` in :data:`DIVISION_POPULARITY` (then code order). For
    priorities, sectors and calls the weight is spread over the division and its groups and
    classes (``_DEPTH_SHARES``), and a section gets ``_SECTION_SHARE`` of its divisions' weight;
    SME activities use the most detailed codes of each division.
    """

    def __init__(self, codes: Sequence[NaceCode]) -> None:
        self.codes = list(codes)
        by_division: dict[str, list[NaceCode]] = {}
        for code in codes:
            if code.level > 1:
                by_division.setdefault(code.division, []).append(code)
        ranked = [d for d in DIVISION_POPULARITY if d in by_division]
        ranked += sorted(d for d in by_division if d not in ranked)
        weight = {d: rank**-_ZIPF for rank, d in enumerate(ranked, start=1)}
        self.divisions = _Sampler(ranked, [weight[d] for d in ranked])
        mixed: dict[NaceCode, float] = {}
        leaves: dict[NaceCode, float] = {}
        self.within: dict[str, _Sampler[NaceCode]] = {}
        self.leaves_within: dict[str, list[NaceCode]] = {}
        for division in ranked:
            levels = [[c for c in by_division[division] if c.level == n] for n in (2, 3, 4)]
            levels = [level for level in levels if level]
            shares = [_DEPTH_SHARES[level[0].level] for level in levels]
            own = {
                code: weight[division] * share / sum(shares) / len(level)
                for level, share in zip(levels, shares, strict=True)
                for code in level
            }
            mixed |= own
            self.within[division] = _Sampler(list(own), list(own.values()))
            self.leaves_within[division] = levels[-1]
            leaves |= {code: weight[division] / len(levels[-1]) for code in levels[-1]}
        for code in codes:
            if code.level == 1:
                summed = sum(w for d, w in weight.items() if section_of(d) == code.section)
                mixed[code] = _SECTION_SHARE * summed
        self.mixed = _Sampler(list(mixed), list(mixed.values()))
        self.leaves = _Sampler(list(leaves), list(leaves.values()))

    def leaves_of(self, divisions: Sequence[str]) -> _Sampler[NaceCode]:
        """The most detailed codes of some divisions, equally likely."""
        items = [code for d in divisions for code in self.leaves_within[d]]
        return _Sampler(items, [1.0] * len(items))

    def theme(self, rng: random.Random, focus: Sequence[str]) -> list[NaceCode]:
        """1-3 codes of mixed depth for a priority: mostly in one division, often a focus one."""
        division = rng.choice(focus) if rng.random() < 0.6 else self.divisions.pick(rng.random)
        codes = [self.within[division].pick(rng.random)]
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            extra = self.within[division] if rng.random() < 0.5 else self.mixed
            codes.append(extra.pick(rng.random))
        return _unique(codes)


def _unique(items: Iterable[T]) -> list[T]:
    return list(dict.fromkeys(items))


def _choose(rng: random.Random, shares: Sequence[tuple[str, float]]) -> str | None:
    """One of the names with its share, or None with the remaining probability."""
    u = rng.random()
    for name, share in shares:
        if u < share:
            return name
        u -= share
    return None


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def _largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split in proportion to ``weights`` into whole numbers that add up to it.

    >>> _largest_remainder(10, [1.0, 1.0, 2.0])
    [3, 2, 5]
    """
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    counts = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


# -- the synthetic world ----------------------------------------------------------------------


@dataclass(eq=False)
class _Priority:
    priority_id: str
    nace: list[NaceCode]


@dataclass
class _Place:
    """A region and what is generated for it."""

    region: Region
    iri: str
    weight: float
    focus: list[str]  # the divisions the region specialises in
    priorities: dict[str, list[_Priority]] = field(default_factory=dict)
    clusters: list[int] = field(default_factory=list)
    overlap: dict[str, list[int]] = field(default_factory=dict)  # section/division -> clusters


@dataclass(frozen=True)
class _Scheme:
    scheme_id: str
    opening: dt.date
    closing: dt.date
    topics: list[NaceCode]
    places: list[int]


@dataclass(eq=False)
class _Cluster:
    cluster_id: str
    iri: str
    place: int
    sectors: list[NaceCode]
    founded: int
    label: str | None
    others: dict[str, int]  # member counts other than SMEs, by column
    sme_members: int = 0


@dataclass(frozen=True)
class SynthReport:
    """What :func:`generate` wrote.

    ``counts``: records by kind; ``triples``: lines of ``synthetic.nq`` (0 without N-Quads);
    ``bytes`` and ``files``: sizes of the files written, in total and by name.
    """

    counts: dict[str, int]
    triples: int
    bytes: int
    seconds: float
    files: dict[str, int]

    @property
    def smes_per_second(self) -> float:
        """SMEs (with their memberships) generated per second, all outputs included."""
        return self.counts.get("smes", 0) / self.seconds if self.seconds else 0.0


class _Writer:
    """The CSV files (in ``csv_dir``) and the N-Quads file (in ``out_dir``) of one run.

    Without the ``csv`` format, the CSV files of the small layouts go to a temporary
    ``csv_dir`` (the loaders read them to make their triples) and SMEs and memberships are not
    written as CSV at all.
    """

    def __init__(self, out_dir: Path, csv_dir: Path, formats: Set[str], graphs: Graphs) -> None:
        self.csv_dir = csv_dir
        self.graphs = graphs
        self.triples = 0
        self.tables: dict[str, IO[str]] = {}
        self.writers: dict[str, Callable[[list[str]], object]] = {}
        self.graph_of = {
            layout: f" <{graphs.source('synthetic-' + kind)}> .\n"
            for layout, kind in KIND_OF_LAYOUT.items()
        }
        out_dir.mkdir(parents=True, exist_ok=True)
        self.outputs: list[Path] = []
        for layout, columns in COLUMNS.items():
            if "csv" in formats or layout not in _STREAMED:
                path = csv_dir / f"{layout}.csv"
                self.tables[layout] = path.open("w", encoding="utf-8", newline="")
                self.writers[layout] = csv.writer(self.tables[layout], lineterminator="\n").writerow
                self.writers[layout](list(columns))
                if "csv" in formats:
                    self.outputs.append(path)
        self.nquads: IO[str] | None = None
        if "nquads" in formats:
            self.outputs.append(out_dir / NQUADS_FILE)
            self.nquads = self.outputs[-1].open("w", encoding="utf-8", newline="")

    def row(self, layout: str, values: dict[str, str]) -> None:
        """One CSV row; columns not in ``values`` are empty."""
        self.writers[layout]([values.get(c, "") for c in COLUMNS[layout]])

    def convert(self, known: set[str]) -> None:
        """Append the triples the loaders make of the small layouts' files to the N-Quads.

        ``known`` holds the IRIs of the regions and concepts the rows refer to.

        :raises RuntimeError: if a loader finds a problem: generated rows must always load.
        """
        if self.nquads is None:
            return
        context = LoadContext(self.graphs, known=known)
        for layout, loader in _CONVERTED:
            self.tables[layout].close()
            tail = self.graph_of[layout]
            lines = [
                f"{t}{tail}" for t in loader().convert(self.csv_dir / f"{layout}.csv", context)
            ]
            self.nquads.write("".join(lines))
            self.triples += len(lines)
            if context.problems:
                found = "; ".join(str(p) for p in context.problems[:5])
                raise RuntimeError(f"s3kg synth wrote rows its loaders reject: {found}")

    def close(self) -> dict[str, int]:
        """Close every file; the sizes of those asked for, by name."""
        for handle in [*self.tables.values(), *([self.nquads] if self.nquads else [])]:
            handle.close()
        return {path.name: path.stat().st_size for path in self.outputs}


class _Generator:
    """One run of the generator: the random streams, the world built so far, the writer."""

    def __init__(
        self, seed: int, regions: Sequence[Region], nace: _Nomenclature, writer: _Writer
    ) -> None:
        self.seed = seed
        self.nace = nace
        self.out = writer
        self.graphs = writer.graphs
        rng = self.rng("regions")
        self.places: list[_Place] = []
        for region in regions:
            weight = rng.lognormvariate(0.0, 1.0)
            focus: list[str] = []
            while len(focus) < min(4, len(nace.divisions.items)):
                division = nace.divisions.pick(rng.random)
                if division not in focus:
                    focus.append(division)
            self.places.append(_Place(region, f"<{nuts_iri(region.code)}>", weight, focus))
        self.clusters: list[_Cluster] = []
        self.counts: dict[str, int] = {}

    def rng(self, part: str) -> random.Random:
        """An independent random stream per part, so parts do not shift each other's data."""
        return random.Random(f"{self.seed}:{part}")  # noqa: S311 (not for security)

    def known(self) -> set[str]:
        """The IRIs of the regions and concepts the records may refer to."""
        return (
            {nuts_iri(p.region.code) for p in self.places}
            | {nace_iri(code.code) for code in self.nace.codes}
            | {f"{SDG}{number}" for number in _SDGS}
        )

    # -- strategies and priorities ------------------------------------------------------------

    def priorities(self) -> None:
        """A strategy per region and period, with 5-12 priorities coded with 1-3 NACE codes."""
        rng = self.rng("priorities")
        for place in self.places:
            code = place.region.code
            for period in PERIODS:
                title = f"Synthetic smart specialisation strategy of {place.region.label}, {period}"
                chosen = place.priorities.setdefault(period, [])
                for number in range(1, rng.randint(5, 12) + 1):
                    priority = _Priority(
                        f"{code.lower()}-{period[:4]}-{number:02d}",
                        self.nace.theme(rng, place.focus),
                    )
                    chosen.append(priority)
                    sdgs = sorted(rng.sample(_SDGS, rng.choice((0, 1, 1, 2))))
                    self.out.row(
                        "priorities",
                        {
                            "region": code,
                            "period": period,
                            "strategy_title": title,
                            "priority_id": priority.priority_id,
                            "title": f"Synthetic priority {number}: {priority.nace[0].title}",
                            "nace": ";".join(c.code for c in priority.nace),
                            "sdgs": ";".join(map(str, sdgs)),
                            "note": NOTE,
                        },
                    )
        self.counts["strategies"] = len(self.places) * len(PERIODS)
        self.counts["priorities"] = sum(
            len(chosen) for p in self.places for chosen in p.priorities.values()
        )

    # -- clusters -----------------------------------------------------------------------------

    def plan_clusters(self, total: int) -> None:
        """Clusters per region in proportion to its weight; sectors follow its priorities."""
        rng = self.rng("clusters")
        per_place = _largest_remainder(total, [p.weight for p in self.places])
        for index, (place, count) in enumerate(zip(self.places, per_place, strict=True)):
            themes = [c for p in place.priorities[PERIODS[-1]] for c in p.nace]
            for _ in range(count):
                cluster_id = f"cluster-{len(self.clusters) + 1:05d}"
                sectors = _unique(
                    rng.choice(themes) if rng.random() < 0.7 else self.nace.mixed.pick(rng.random)
                    for _ in range(rng.choice((1, 1, 1, 1, 2, 2, 2, 3, 3, 4)))
                )
                others = {
                    "large_company_members": rng.randint(0, 15),
                    "research_members": rng.randint(0, 12),
                    "public_members": rng.randint(0, 5),
                    "other_members": rng.randint(0, 10),
                }
                founded = rng.randint(1995, 2022)
                cluster = _Cluster(
                    cluster_id,
                    f"<{self.graphs.entity('cluster', cluster_id)}>",
                    index,
                    sectors,
                    founded,
                    _choose(rng, _LABELS),
                    others,
                )
                for key in _unique(code.keys[-1] for code in sectors):
                    place.overlap.setdefault(key, []).append(len(self.clusters))
                place.clusters.append(len(self.clusters))
                self.clusters.append(cluster)
        self.counts["clusters"] = total

    def write_clusters(self) -> None:
        """The clusters, once their SME members are counted."""
        for cluster in self.clusters:
            self.out.row(
                "clusters",
                {
                    "cluster_id": cluster.cluster_id,
                    "name": f"Synthetic cluster {cluster.cluster_id.removeprefix('cluster-')}",
                    "region": self.places[cluster.place].region.code,
                    "sectors": ";".join(c.code for c in cluster.sectors),
                    "sme_members": str(cluster.sme_members),
                    **{column: str(n) for column, n in cluster.others.items()},
                    "label": cluster.label or "",
                    "founding_year": str(cluster.founded),
                    "note": NOTE,
                },
            )

    # -- SMEs and memberships -----------------------------------------------------------------

    def smes(self, total: int) -> None:
        """SMEs and their memberships, written every ``_BUFFER_ROWS`` SMEs as they are drawn.

        This loop is most of the run time: it draws with inlined binary searches and assembles
        each SME's CSV row and N-Quads lines from pre-built pieces.
        """
        rng = self.rng("smes")
        uniform, bisect_right = rng.random, bisect.bisect_right
        out, clusters = self.out, self.clusters
        g_sme, g_member = out.graph_of["smes"], out.graph_of["memberships"]
        activity = f" {_iri('rov:orgActivity')} "

        def leaf(code: NaceCode) -> Leaf:
            return code.code, f"{activity}{code.iri}{g_sme}", code.keys

        everywhere = self.nace.leaves.map(leaf)
        places = [
            (
                p.region.code,
                f" {_iri('s3:region')} {p.iri}{g_sme}",
                p.clusters,
                p.overlap,
                self.nace.leaves_of(p.focus).map(leaf),
            )
            for p in self.places
        ]
        regions = _Sampler(range(len(places)), [p.weight for p in self.places])
        sme = f"<{self.graphs.entity('sme', 'sme-0')[:-1]}"
        membership = f"<{self.graphs.entity('membership', 'x')[:-1]}"
        a_sme = f" {_A} {_iri('s3:SME')}{g_sme}"
        name = f' {_iri("legal:legalName")} "Synthetic SME '
        illustrative = f" {_iri('s3:illustrative')} {_TRUE}{g_sme}"
        sizes = [(n, f" {_iri('s3:sizeClass')} {_SIZE_IRIS[n]}{g_sme}") for n, _ in SIZE_CLASSES]
        micro, small = SIZE_CLASSES[0][1], SIZE_CLASSES[0][1] + SIZE_CLASSES[1][1]
        none, one = MEMBERSHIP_SHARES[0], MEMBERSHIP_SHARES[0] + MEMBERSHIP_SHARES[1]
        a_member = f" {_A} {_iri('s3:Membership')}{g_member}"
        member, organization = f" {_iri('org:member')} ", f" {_iri('org:organization')} "
        start_date = f" {_iri('s3:startDate')} "
        date_tail = f'"^^<{_XSD}date>{g_member}'
        last_day = dt.date(2024, 12, 31).toordinal()
        want_csv, want_nq = "smes" in out.tables, out.nquads is not None
        sme_rows: list[str] = []
        member_rows: list[str] = []
        quads: list[str] = []
        triples = 0

        def flush() -> None:
            if want_csv:
                out.tables["smes"].write("".join(sme_rows))
                out.tables["memberships"].write("".join(member_rows))
            if out.nquads is not None:
                out.nquads.write("".join(quads))
            sme_rows.clear()
            member_rows.clear()
            quads.clear()

        def join(
            num: str,
            codes: Sequence[Leaf],
            two: bool,
            members: list[int],
            overlap: dict[str, list[int]],
        ) -> tuple[int, int]:
            """Memberships of one SME in one or two clusters of its region; how many, triples."""
            chosen: list[int] = []
            for _ in range(2 if two else 1):
                candidates: list[int] = []
                if uniform() < 0.85:
                    for c in codes:
                        for key in c[2]:
                            candidates += overlap.get(key, ())
                candidates = candidates or members
                pick = candidates[int(uniform() * len(candidates))]
                if pick not in chosen:
                    chosen.append(pick)
            added = 0
            for pick in chosen:
                cluster = clusters[pick]
                cluster.sme_members += 1
                start = ""
                if uniform() < 0.4:
                    founded = dt.date(cluster.founded, 1, 1).toordinal()
                    day = founded + int(uniform() * (last_day + 1 - founded))
                    start = dt.date.fromordinal(day).isoformat()
                added += 4 if start else 3
                if want_csv:
                    member_rows.append(f"{cluster.cluster_id},sme-{num},,{start},,,\n")
                if want_nq:
                    m = f"{membership}{cluster.cluster_id}--sme-{num}>"
                    quads.append(
                        f"{m}{a_member}{m}{member}{sme}{num}>{g_member}"
                        f"{m}{organization}{cluster.iri}{g_member}"
                        + (f'{m}{start_date}"{start}{date_tail}' if start else "")
                    )
            return len(chosen), added

        memberships = 0
        for begin in range(1, total + 1, _BUFFER_ROWS):
            for number in range(begin, min(begin + _BUFFER_ROWS, total + 1)):
                at = bisect_right(regions.cumulative, uniform() * regions.total)
                code, region, members, overlap, focus = places[at]
                leaves = focus if uniform() < 0.35 else everywhere
                first = leaves.items[bisect_right(leaves.cumulative, uniform() * leaves.total)]
                codes: Sequence[Leaf] = (first,)
                if uniform() < 0.2:
                    at = bisect_right(everywhere.cumulative, uniform() * everywhere.total)
                    if everywhere.items[at][0] != first[0]:
                        codes = (first, everywhere.items[at])
                u = uniform()
                size, size_tail = sizes[0 if u < micro else 1 if u < small else 2]
                num = f"{number:08d}"
                triples += 5 + len(codes)
                if want_csv:
                    nace = first[0] if len(codes) == 1 else f"{first[0]};{codes[1][0]}"
                    sme_rows.append(f"sme-{num},Synthetic SME {num},,{code},{nace},{size},true,,\n")
                if want_nq:
                    s = f"{sme}{num}>"
                    activities = (
                        s + first[1] if len(codes) == 1 else f"{s}{first[1]}{s}{codes[1][1]}"
                    )
                    quads.append(
                        f'{s}{a_sme}{s}{name}{num}"{g_sme}{s}{region}{activities}'
                        f"{s}{size_tail}{s}{illustrative}"
                    )
                u = uniform()
                if u >= none and members:
                    joined, added = join(num, codes, u >= one, members, overlap)
                    memberships += joined
                    triples += added
            flush()
        out.triples += triples if want_nq else 0
        self.counts["smes"] = total
        self.counts["memberships"] = memberships

    # -- services -----------------------------------------------------------------------------

    def services(self) -> None:
        """About one service per five clusters; half piloted by a cluster of another region."""
        rng = self.rng("services")
        count = round(len(self.clusters) / 5)
        for number in range(1, count + 1):
            cluster = rng.choice(self.clusters)
            own = self.places[cluster.place].priorities[PERIODS[-1]]
            priorities = _unique(rng.choice(own) for _ in range(rng.randint(1, 2)))
            values = {
                "service_id": f"service-{number:05d}",
                "cluster_id": cluster.cluster_id,
                "title": f"Synthetic service {number:05d}: {rng.choice(_SERVICES)}",
                "target_group": ";".join(sorted(rng.sample(_TARGET_GROUPS, rng.randint(1, 2)))),
                "priorities": ";".join(p.priority_id for p in priorities),
                "note": NOTE,
            }
            pilot = rng.choice(self.clusters)
            if rng.random() < 0.5 and pilot.place != cluster.place:
                values["validated_by"] = pilot.cluster_id
                values["validation_result"] = rng.choice(_RESULTS)
                day = _day(rng, dt.date(2019, 1, 1), dt.date(2025, 12, 31))
                values["validation_date"] = day.isoformat()
            self.out.row("services", values)
        self.counts["services"] = count

    # -- calls and schemes --------------------------------------------------------------------

    def calls(self) -> None:
        """Two to four calls per region and period; some in schemes shared by 3-6 regions."""
        rng = self.rng("calls")
        windows = {
            "2014-2020": (dt.date(2015, 1, 1), dt.date(2021, 6, 30)),
            "2021-2027": (dt.date(2022, 1, 1), dt.date(2027, 6, 30)),
        }
        calls = schemes = 0
        for period in PERIODS:
            first, last = windows[period]
            joined: dict[int, list[_Scheme]] = {}
            for _ in range(max(1, len(self.places) // 8)):
                schemes += 1
                scheme = self._scheme(rng, f"scheme-{period[:4]}-{schemes:03d}", first, last)
                for index in scheme.places:
                    joined.setdefault(index, []).append(scheme)
            for index, place in enumerate(self.places):
                shared = joined.get(index, [])
                total = max(rng.choice((2, 3, 3, 4)), len(shared))
                for number in range(1, total + 1):
                    in_scheme = shared[number - 1] if number <= len(shared) else None
                    self._call(rng, place, period, number, in_scheme, first, last)
                    calls += 1
        self.counts["calls"] = calls
        self.counts["schemes"] = schemes

    def _scheme(self, rng: random.Random, scheme_id: str, first: dt.date, last: dt.date) -> _Scheme:
        """A scheme of 3-6 regions with a common window of two to five months."""
        opening = _day(rng, first, last - dt.timedelta(days=150))
        closing = opening + dt.timedelta(days=rng.randint(60, 150))
        topics = _unique(self.nace.mixed.pick(rng.random) for _ in range(rng.randint(1, 2)))
        size = rng.randint(min(3, len(self.places)), min(6, len(self.places)))
        places = sorted(rng.sample(range(len(self.places)), size))
        self.out.row(
            "schemes",
            {
                "scheme_id": scheme_id,
                "title": f"Synthetic synchronised call scheme {scheme_id.rsplit('-', 1)[-1]}",
                "topics": ";".join(c.code for c in topics),
                "opening_date": opening.isoformat(),
                "closing_date": closing.isoformat(),
                "note": NOTE,
            },
        )
        return _Scheme(scheme_id, opening, closing, topics, places)

    def _call(
        self,
        rng: random.Random,
        place: _Place,
        period: str,
        number: int,
        scheme: _Scheme | None,
        first: dt.date,
        last: dt.date,
    ) -> None:
        """A call of a region; a call in a scheme opens and closes within the scheme's window."""
        code, label = place.region.code, place.region.label
        own = place.priorities[period]
        priorities = _unique(rng.choice(own) for _ in range(rng.randint(1, 2)))
        nace = _unique(p.nace[0] for p in priorities)
        sdgs = sorted(rng.sample(_SDGS, 1)) if rng.random() < 0.4 else []
        sizes = "micro;small" if rng.random() < 0.3 else ""
        eligible_nace = rng.random() < 0.2
        values = {
            "call_id": f"call-{code.lower()}-{period[:4]}-{number:02d}",
            "title": f"Synthetic call {number} of {label}, {period}",
            "programme": f"Synthetic regional programme {code} {period}",
            "region": code,
            "authority": f"Synthetic managing authority of {label}",
            "budget_eur": str(round(10 ** rng.uniform(5.3, 7.3) / 1000) * 1000),
            "sdgs": ";".join(map(str, sdgs)),
            "priorities": ";".join(p.priority_id for p in priorities),
            "eligible_size_classes": sizes,
            "note": NOTE,
        }
        if scheme is None:
            opening = _day(rng, first, last - dt.timedelta(days=180))
            closing = opening + dt.timedelta(days=rng.randint(30, 180))
        else:
            nace = scheme.topics
            opening = scheme.opening + dt.timedelta(days=rng.randint(0, 20))
            closing = scheme.closing - dt.timedelta(days=rng.randint(0, 20))
            values["scheme_id"] = scheme.scheme_id
            values["eligible_regions"] = ";".join(self.places[i].region.code for i in scheme.places)
        values["nace"] = ";".join(c.code for c in nace)
        values["eligible_nace"] = values["nace"] if eligible_nace else ""
        values["opening_date"], values["closing_date"] = opening.isoformat(), closing.isoformat()
        self.out.row("calls", values)

    # -- transformative activities and action plans -------------------------------------------

    def activities(self) -> None:
        """One activity per three regions, spanning 1-3 regions, their priorities and clusters."""
        rng = self.rng("activities")
        count = max(1, len(self.places) // 3)
        for number in range(1, count + 1):
            size = min(len(self.places), rng.choice((1, 2, 2, 3)))
            places = [self.places[i] for i in sorted(rng.sample(range(len(self.places)), size))]
            priorities = [rng.choice(p.priorities[PERIODS[-1]]) for p in places]
            clusters = _unique(
                self.clusters[rng.choice(p.clusters)]
                for p in places
                if p.clusters
                for _ in range(rng.randint(1, 2))
            )
            self.out.row(
                "activities",
                {
                    "activity_id": f"activity-{number:04d}",
                    "title": f"Synthetic transformative activity {number:04d}",
                    "regions": ";".join(p.region.code for p in places),
                    "priorities": ";".join(p.priority_id for p in priorities),
                    "clusters": ";".join(c.cluster_id for c in clusters),
                    "capacities": ";".join(sorted(rng.sample(_CAPACITIES, rng.randint(1, 2)))),
                    "opportunities": ";".join(
                        sorted(rng.sample(_OPPORTUNITIES, rng.randint(1, 2)))
                    ),
                    "actors": ";".join(sorted(rng.sample(_ACTORS, rng.randint(1, 3)))),
                    "note": NOTE,
                },
            )
        self.counts["activities"] = count

    def actions(self) -> None:
        """One joint action plan per six regions, with 3-8 actions led by clusters."""
        rng = self.rng("actions")
        plans = max(1, len(self.places) // 6)
        actions = 0
        for number in range(1, plans + 1):
            for _ in range(rng.randint(3, 8)):
                actions += 1
                lead = rng.choice(self.clusters)
                elsewhere = [c for c in self.clusters if c.place != lead.place]
                elsewhere = elsewhere or [c for c in self.clusters if c is not lead]
                partners = (
                    _unique(rng.choice(elsewhere) for _ in range(rng.randint(1, 3)))
                    if elsewhere
                    else []
                )
                own = self.places[lead.place].priorities[PERIODS[-1]]
                priorities = _unique(rng.choice(own) for _ in range(rng.randint(1, 2)))
                start = _day(rng, dt.date(2021, 1, 1), dt.date(2026, 12, 31))
                end = start + dt.timedelta(days=rng.randint(180, 900))
                self.out.row(
                    "actions",
                    {
                        "plan_id": f"plan-{number:03d}",
                        "plan_title": f"Synthetic joint action plan {number:03d}",
                        "action_id": f"action-{actions:05d}",
                        "title": f"Synthetic action {actions:05d}",
                        "lead": lead.cluster_id,
                        "partners": ";".join(c.cluster_id for c in partners),
                        "status": _choose(rng, _STATUSES) or "planned",
                        "priorities": ";".join(p.priority_id for p in priorities),
                        "start_date": start.isoformat(),
                        "end_date": end.isoformat(),
                        "note": NOTE,
                    },
                )
        self.counts["plans"] = plans
        self.counts["actions"] = actions


def generate(
    out_dir: Path,
    *,
    seed: int = 1,
    smes: int = 100_000,
    clusters: int = 5_000,
    nuts_file: Path | None = None,
    nace_file: Path | None = None,
    formats: Set[str] = frozenset(FORMATS),
    base_iri: str = DEFAULT_BASE_IRI,
) -> SynthReport:
    """Write a synthetic S3 dataset into ``out_dir``; the same arguments give the same bytes.

    :param out_dir: folder for ``{layout}.csv`` and ``synthetic.nq`` (created if missing;
        files of those names are overwritten).
    :param seed: seed of the random streams.
    :param smes: number of SMEs (their memberships come with them).
    :param clusters: number of clusters, spread over the regions.
    :param nuts_file: Eurostat's ``NUTS2021.xlsx``, to use all its NUTS-2 regions; by default
        the 31 NUTS-2 regions of the Alpine Space (:data:`ALPINE_SPACE`).
    :param nace_file: Eurostat's RAMON NACE Rev.2 CSV, to use all its codes; by default
        :data:`NACE_SAMPLE`.
    :param formats: ``csv`` (the loaders' input files), ``nquads`` (``synthetic.nq``) or both.
    :param base_iri: the base of entity and graph IRIs (``S3KG_BASE_IRI``).
    :raises ParameterError: for a negative number of SMEs, no clusters or an invalid base IRI.
    :raises UnsupportedFormatError: for a format other than ``csv`` and ``nquads``.
    :raises NotFoundError: for a reference file that does not exist.
    :raises InputError: for a reference file that cannot be read.
    """
    started = time.perf_counter()
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or not formats:
        raise UnsupportedFormatError(
            f"unknown output format {', '.join(unknown) or '(none given)'}: use csv and/or nquads"
        )
    if smes < 0:
        raise ParameterError("smes", f"must be 0 or more, got {smes}")
    if clusters < 1:
        raise ParameterError("clusters", f"must be 1 or more, got {clusters}")
    try:
        NamedNode(base_iri)
    except ValueError:
        raise ParameterError("base_iri", f"{base_iri!r} is not an IRI") from None
    regions = read_regions(nuts_file) if nuts_file else [Region(*r) for r in ALPINE_SPACE]
    codes = read_nace(nace_file) if nace_file else [NaceCode.of(*c) for c in NACE_SAMPLE]
    with tempfile.TemporaryDirectory(prefix="s3kg-synth-") as scratch:
        csv_dir = out_dir if "csv" in formats else Path(scratch)
        writer = _Writer(out_dir, csv_dir, formats, Graphs(base_iri))
        try:
            run = _Generator(seed, regions, _Nomenclature(codes), writer)
            run.priorities()
            run.plan_clusters(clusters)
            run.smes(smes)
            run.write_clusters()
            run.services()
            run.calls()
            run.activities()
            run.actions()
            writer.convert(run.known())
        finally:
            files = writer.close()
    return SynthReport(
        counts=run.counts,
        triples=writer.triples,
        bytes=sum(files.values()),
        seconds=time.perf_counter() - started,
        files=files,
    )


def synth(
    out: Annotated[Path, typer.Argument(help="Folder for the CSV files and synthetic.nq.")],
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same files.")] = 1,
    smes: Annotated[int, typer.Option(help="Number of SMEs (10^4 to 10^7 are typical).")] = 100000,
    clusters: Annotated[int, typer.Option(help="Number of clusters.")] = 5000,
    nuts: Annotated[
        Path | None,
        typer.Option(help="Eurostat's NUTS2021.xlsx: use all its NUTS-2 regions.", dir_okay=False),
    ] = None,
    nace: Annotated[
        Path | None,
        typer.Option(help="Eurostat's RAMON NACE Rev.2 CSV: use all its codes.", dir_okay=False),
    ] = None,
    format: Annotated[
        list[str] | None,
        typer.Option("--format", help="csv and/or nquads (repeat the option); default both."),
    ] = None,
) -> None:
    """Generate a synthetic S3 dataset: real regions and NACE codes, everything else made up."""
    report = generate(
        out,
        seed=seed,
        smes=smes,
        clusters=clusters,
        nuts_file=nuts,
        nace_file=nace,
        formats=set(format or FORMATS),
    )
    table = Table("records", "count", box=None)
    for kind, count in report.counts.items():
        table.add_row(kind, f"{count:,}")
    console = Console(soft_wrap=True)
    console.print(table)
    for name, size in report.files.items():
        console.print(f"{out / name}: {size:,} bytes")
    console.print(
        f"{report.triples:,} triples, {report.bytes:,} bytes in {report.seconds:.1f} s "
        f"({report.smes_per_second:,.0f} SMEs/s)"
    )
