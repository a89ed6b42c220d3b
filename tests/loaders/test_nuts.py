"""The NUTS loader reads both Eurostat workbooks, their statistical regions and their changes."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from graph.namespaces import NUTS, S3, Graphs
from loaders.base import LoadContext
from loaders.nuts import COUNTRY_LABELS, NUTS_SCHEME, NutsLoader

SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
EU27 = {
    *("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU"),
    *("IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"),
}


def convert(path: Path, loader: NutsLoader | None = None) -> tuple[Store, LoadContext]:
    context = LoadContext(graphs=Graphs("https://w3id.org/s3kg/"))
    store = Store()
    triples = (loader or NutsLoader()).convert(path, context)
    store.extend(Quad(t.subject, t.predicate, t.object) for t in triples)
    return store, context


def values(store: Store, code: str, prop: str) -> set[str]:
    quads = store.quads_for_pattern(NamedNode(NUTS + code), NamedNode(prop), None)
    return {q.object.value for q in quads}


def eu_counts(store: Store) -> dict[int, int]:
    """Regions per level of the 27 member states, without the extra-regio codes."""
    counts: dict[int, int] = {}
    for quad in store.quads_for_pattern(None, NamedNode(S3 + "nutsLevel"), None):
        code, level = quad.subject.value.removeprefix(NUTS), int(quad.object.value)
        extra_regio = level > 0 and set(code[2:]) == {"Z"}
        statistical = values(store, code, S3 + "statisticalRegion") == {"true"}
        if code[:2] in EU27 and not extra_regio and not statistical:
            counts[level] = counts.get(level, 0) + 1
    return counts


@pytest.fixture(scope="module")
def nuts2021(reference_dir: Path) -> tuple[Store, LoadContext]:
    return convert(reference_dir / "NUTS2021.xlsx")


@pytest.fixture(scope="module")
def nuts2024(reference_dir: Path) -> tuple[Store, LoadContext]:
    return convert(reference_dir / "NUTS2021-NUTS2024.xlsx")


def workbook(tmp_path: Path, sheets: dict[str, list[tuple[object, ...]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "nuts.xlsx"
    book.save(path)
    return path


NUTS2024_HEADER = ("Country code", "NUTS Code", "NUTS label", "NUTS level", "Country order", "#")
SR_HEADER = ("Country code", "SR Code", "Territorial level", "SR level", "Country order", "#")


class TestNuts2021:
    def test_reads_without_problems(self, nuts2021: tuple[Store, LoadContext]) -> None:
        assert nuts2021[1].problems == []
        assert nuts2021[1].rows == 2121

    def test_official_eu27_counts(self, nuts2021: tuple[Store, LoadContext]) -> None:
        assert eu_counts(nuts2021[0]) == {0: 27, 1: 92, 2: 242, 3: 1166}

    def test_label_comes_from_the_column_of_the_level(
        self, nuts2021: tuple[Store, LoadContext]
    ) -> None:
        store, _ = nuts2021
        assert values(store, "ITC4", SKOS + "prefLabel") == {"Lombardia"}
        assert values(store, "IT", SKOS + "prefLabel") == {"Italia"}
        assert values(store, "EL", SKOS + "prefLabel") == {"Ελλάδα"}
        assert values(store, "ITC4", S3 + "nutsLevel") == {"2"}
        assert values(store, "ITC4", SKOS + "broader") == {NUTS + "ITC"}
        assert values(store, "ITC", SKOS + "broader") == {NUTS + "IT"}
        assert values(store, "IT", SKOS + "topConceptOf") == {NUTS_SCHEME + "2021"}

    def test_statistical_regions_follow_the_separator_row(
        self, nuts2021: tuple[Store, LoadContext]
    ) -> None:
        store, _ = nuts2021
        for code in ("CH", "CH022", "LI0", "TR", "IS001"):
            assert values(store, code, S3 + "statisticalRegion") == {"true"}, code
        for code in ("AT", "ITC4", "SI03", "UK"):
            assert values(store, code, S3 + "statisticalRegion") == set(), code

    def test_country_labels_table_is_the_workbooks(
        self, nuts2021: tuple[Store, LoadContext]
    ) -> None:
        store, _ = nuts2021
        level0 = store.quads_for_pattern(None, NamedNode(S3 + "nutsLevel"), Literal(0))
        countries = {q.subject.value.removeprefix(NUTS) for q in level0}
        assert {c: values(store, c, SKOS + "prefLabel").pop() for c in countries} == COUNTRY_LABELS

    def test_changes_from_2016_are_stated(self, nuts2021: tuple[Store, LoadContext]) -> None:
        store, _ = nuts2021
        assert values(store, "BE328", DCTERMS + "replaces") == {NUTS + "BE324", NUTS + "BE327"}
        assert values(store, "BE221", DCTERMS + "isReplacedBy") == {NUTS + "BE224"}
        assert "NUTS 2016 to 2021: boundary change, recode" in values(
            store, "BE224", SKOS + "changeNote"
        )


class TestNuts2024:
    def test_reads_without_problems(self, nuts2024: tuple[Store, LoadContext]) -> None:
        assert nuts2024[1].problems == []

    def test_official_eu27_counts(self, nuts2024: tuple[Store, LoadContext]) -> None:
        assert eu_counts(nuts2024[0]) == {0: 27, 1: 92, 2: 244, 3: 1165}

    def test_countries_are_made_from_level_1_codes(
        self, nuts2024: tuple[Store, LoadContext]
    ) -> None:
        store, _ = nuts2024
        assert values(store, "AT", S3 + "nutsLevel") == {"0"}
        assert values(store, "AT", SKOS + "prefLabel") == {"Österreich"}
        assert values(store, "AT", S3 + "nutsVersion") == {"2024"}
        assert values(store, "AT3", SKOS + "broader") == {NUTS + "AT"}
        assert values(store, "XK", SKOS + "prefLabel") == {"Kosovë/Kosovo"}

    def test_change_between_2021_and_2024_is_stated(
        self, nuts2024: tuple[Store, LoadContext]
    ) -> None:
        store, _ = nuts2024
        assert values(store, "NL361", DCTERMS + "replaces") == {NUTS + "NL332"}
        assert values(store, "NL332", DCTERMS + "isReplacedBy") == {NUTS + "NL361"}
        assert values(store, "DEG0S", DCTERMS + "replaces") == {NUTS + "DEG04"}
        assert values(store, "PT17", DCTERMS + "isReplacedBy") == {NUTS + "PT1A", NUTS + "PT1B"}
        notes = values(store, "BE31", SKOS + "changeNote")
        assert "NUTS 2021 to 2024: Name change (formely: Prov. Brabant Wallon)" in notes
        assert "NUTS 2021 to 2024: Merged" in values(store, "LV007", SKOS + "changeNote")


@pytest.mark.parametrize("version", ["2021", "2024"])
def test_fribourg_is_a_statistical_region(
    version: str, nuts2021: tuple[Store, LoadContext], nuts2024: tuple[Store, LoadContext]
) -> None:
    store = {"2021": nuts2021, "2024": nuts2024}[version][0]
    assert values(store, "CH022", SKOS + "prefLabel") == {"Fribourg / Freiburg"}
    assert values(store, "CH022", SKOS + "notation") == {"CH022"}
    assert values(store, "CH022", S3 + "nutsLevel") == {"3"}
    assert values(store, "CH022", S3 + "countryCode") == {"CH"}
    assert values(store, "CH022", SKOS + "broader") == {NUTS + "CH02"}
    assert values(store, "CH022", S3 + "statisticalRegion") == {"true"}
    assert values(store, "CH022", S3 + "nutsVersion") == {version}
    assert values(store, "CH022", SKOS + "inScheme") == {NUTS_SCHEME + version}
    types = values(store, "CH022", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    assert types == {S3 + "Region", SKOS + "Concept"}


def test_both_versions_live_side_by_side(
    nuts2021: tuple[Store, LoadContext], nuts2024: tuple[Store, LoadContext]
) -> None:
    store = Store()
    for one, _ in (nuts2021, nuts2024):
        store.extend(one)
    assert values(store, "ITH2", S3 + "nutsVersion") == {"2021", "2024"}
    assert values(store, "ITH2", SKOS + "prefLabel") == {"Provincia Autonoma di Trento"}
    assert values(store, "ITH2", S3 + "nutsLevel") == {"2"}
    assert values(store, "NL332", S3 + "nutsVersion") == {"2021"}
    assert values(store, "NL361", S3 + "nutsVersion") == {"2024"}


def test_codes_keep_only_those_regions_and_their_ancestors(reference_dir: Path) -> None:
    store, context = convert(reference_dir / "NUTS2021-NUTS2024.xlsx", NutsLoader(codes=["CH022"]))
    assert context.problems == []
    notations = store.quads_for_pattern(None, NamedNode(SKOS + "notation"), None)
    assert {q.object.value for q in notations} == {"CH", "CH0", "CH02", "CH022"}


def test_workbook_without_statistical_regions_is_one_problem(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"NUTS2024": [NUTS2024_HEADER, ("AT", "AT1", "Ost", 1, 1, 1)]})
    store, context = convert(path)
    assert len(store) == 0
    (problem,) = context.problems
    assert problem.file == "nuts.xlsx"
    assert "'Statistical Regions'" in problem.message


def test_workbook_without_nuts_sheets_names_the_expected_ones(tmp_path: Path) -> None:
    store, context = convert(workbook(tmp_path, {"Regions": [("code", "label")]}))
    assert len(store) == 0
    (problem,) = context.problems
    for sheet in ("'NUTS & SR 2021'", "'NUTS2024'", "'Statistical Regions'", "'Regions'"):
        assert sheet in problem.message


def test_bad_rows_are_reported_with_sheet_and_row(tmp_path: Path) -> None:
    rows = [
        NUTS2024_HEADER,
        ("AT", "AT1", "Ostösterreich", 1, 1, 1),
        ("AT", "AT11", "Burgenland", 3, 1, 2),
        ("AT", "AT12", None, 2, 1, 3),
        ("AT", "AT2", "Südösterreich", 1, 1, 4),
        ("AT", "AT999", "Nowhere", 3, 1, 5),
    ]
    path = workbook(tmp_path, {"NUTS2024": rows, "Statistical Regions": [SR_HEADER]})
    store, context = convert(path)
    found = [(p.file, p.line, p.field) for p in context.problems]
    assert found == [
        ("nuts.xlsx[NUTS2024]", 3, "NUTS level"),
        ("nuts.xlsx[NUTS2024]", 4, "NUTS label"),
        ("nuts.xlsx[NUTS2024]", 6, None),
    ]
    assert "parent AT99" in context.problems[2].message
    notations = store.quads_for_pattern(None, NamedNode(SKOS + "notation"), None)
    assert {q.object.value for q in notations} == {"AT", "AT1", "AT2"}


def test_missing_header_column_is_named(tmp_path: Path) -> None:
    header = ("Country code", "NUTS Code", "Label", "NUTS level")
    path = workbook(tmp_path, {"NUTS2024": [header], "Statistical Regions": [SR_HEADER]})
    _, context = convert(path)
    (problem,) = context.problems
    assert (problem.file, problem.line) == ("nuts.xlsx[NUTS2024]", 1)
    assert "'NUTS label'" in problem.message


def test_recognises_nuts_workbooks_only(reference_dir: Path, tmp_path: Path) -> None:
    assert NutsLoader().recognises(reference_dir / "NUTS2021.xlsx")
    assert NutsLoader().recognises(reference_dir / "NUTS2021-NUTS2024.xlsx")
    assert not NutsLoader().recognises(workbook(tmp_path, {"clusters": [("cluster_id",)]}))
