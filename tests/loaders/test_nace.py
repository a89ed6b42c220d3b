"""The NACE loader reads Eurostat's RAMON export whole, and says where a broken file is broken."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Store

from graph.namespaces import Graphs
from loaders.base import LoadContext
from loaders.nace import (
    NACE2_SCHEME,
    SECTION_DIVISIONS,
    XKOS,
    NaceLoader,
    normalise_nace,
    section_of,
    suggest_nace,
)

SKOS = "http://www.w3.org/2004/02/skos/core#"
PREFIXES = f"PREFIX skos: <{SKOS}>\nPREFIX xkos: <{XKOS}>\n"
HEADER = ";".join(
    f'"{c}"'
    for c in (
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
)


def convert(path: Path, loader: NaceLoader | None = None) -> tuple[Store, LoadContext]:
    context = LoadContext(graphs=Graphs("https://w3id.org/s3kg/"))
    store = Store()
    triples = (loader or NaceLoader()).convert(path, context)
    store.extend(Quad(t.subject, t.predicate, t.object) for t in triples)
    return store, context


def count(store: Store, where: str) -> int:
    (row,) = store.query(f"{PREFIXES}SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
    return int(row["n"].value)


def objects(store: Store, code: str, prop: str) -> list[str]:
    iri = NamedNode(f"http://data.europa.eu/ux2/nace2/{code}")
    return [q.object.value for q in store.quads_for_pattern(iri, NamedNode(prop), None)]


@pytest.fixture(scope="module")
def official(reference_dir: Path) -> Path:
    return reference_dir / "nace_rev2_ramon_en.csv"


@pytest.fixture(scope="module")
def loaded(official: Path) -> tuple[Store, LoadContext]:
    return convert(official)


def write(tmp_path: Path, *rows: str, name: str = "nace.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


class TestOfficialExport:
    def test_reads_without_problems(self, loaded: tuple[Store, LoadContext]) -> None:
        _, context = loaded
        assert context.problems == []
        assert context.rows == 996

    def test_counts_per_level(self, loaded: tuple[Store, LoadContext]) -> None:
        store, _ = loaded
        scheme = f"<{NACE2_SCHEME}>"
        assert count(store, f"?c skos:topConceptOf {scheme}") == 21
        assert count(store, f"?c skos:broader/skos:topConceptOf {scheme}") == 88
        assert count(store, f"?c skos:broader/skos:broader/skos:topConceptOf {scheme}") == 272
        path = "skos:broader/skos:broader/skos:broader/skos:topConceptOf"
        assert count(store, f"?c {path} {scheme}") == 615
        assert count(store, f"?c a skos:Concept ; skos:inScheme {scheme}") == 996

    def test_broader_chain_of_a_class_reaches_its_section(
        self, loaded: tuple[Store, LoadContext]
    ) -> None:
        store, _ = loaded
        chain, code = [], "2830"
        while broader := objects(store, code, SKOS + "broader"):
            (code,) = (iri.rsplit("/", 1)[1] for iri in broader)
            chain.append(code)
        assert chain == ["283", "28", "C"]
        assert objects(store, "C", SKOS + "topConceptOf") == [NACE2_SCHEME]
        assert "http://data.europa.eu/ux2/nace2/2830" in objects(store, "283", SKOS + "narrower")

    def test_notation_and_english_label(self, loaded: tuple[Store, LoadContext]) -> None:
        store, _ = loaded
        assert objects(store, "2830", SKOS + "notation") == ["28.30"]
        assert objects(store, "C", SKOS + "notation") == ["C"]
        label = Literal("Manufacture of agricultural and forestry machinery", language="en")
        iri = NamedNode("http://data.europa.eu/ux2/nace2/2830")
        assert list(store.quads_for_pattern(iri, NamedNode(SKOS + "prefLabel"), label))

    def test_multi_line_note_is_kept_whole(
        self, loaded: tuple[Store, LoadContext], official: Path
    ) -> None:
        with official.open(newline="", encoding="utf-8") as stream:
            row = next(r for r in csv.DictReader(stream, delimiter=";") if r["Code"] == "01")
        (note,) = objects(loaded[0], "01", XKOS + "coreContentNote")
        assert note == row["This_item_includes"].strip()
        assert note.count("\n") >= 2
        assert note.endswith("to classify them in one category or the other.")

    def test_notes_are_told_apart(self, loaded: tuple[Store, LoadContext]) -> None:
        store, _ = loaded
        (excludes,) = objects(store, "2830", XKOS + "exclusionNote")
        assert excludes.startswith("This class excludes:")
        assert objects(store, "01", XKOS + "additionalContentNote")[0].startswith(
            "This division also includes"
        )
        assert objects(store, "0130", XKOS + "caseLaw") == [
            "- Nurturing and selling of tree seedlings"
        ]

    def test_without_notes(self, official: Path) -> None:
        store, context = convert(official, NaceLoader(notes=False))
        assert context.problems == []
        assert count(store, "?c xkos:coreContentNote ?n") == 0
        assert count(store, "?c a skos:Concept") == 996

    def test_section_table_matches_the_export(self, official: Path) -> None:
        with official.open(newline="", encoding="utf-8") as stream:
            rows = [r for r in csv.DictReader(stream, delimiter=";") if r["Level"] == "2"]
        assert {r["Code"]: r["Parent"] for r in rows} == {
            r["Code"]: section_of(r["Code"]) for r in rows
        }
        assert sum(high - low + 1 for low, high in SECTION_DIVISIONS.values()) == len(rows)

    def test_is_recognised(self, official: Path) -> None:
        assert NaceLoader().recognises(official)


class TestBrokenFiles:
    def test_comma_separated_file_is_one_problem(self, tmp_path: Path) -> None:
        path = write(tmp_path, HEADER.replace(";", ","), '1,1,"A","","FARMING","","","","","A"')
        store, context = convert(path)
        assert len(store) == 0
        (problem,) = context.problems
        assert (problem.file, problem.line) == ("nace.csv", 1)
        assert "not ';'-separated" in problem.message
        assert "','" in problem.message

    def test_missing_columns_are_named(self, tmp_path: Path) -> None:
        path = write(tmp_path, '"Order";"Level";"Code";"Description"', '1;1;"A";"FARMING"')
        store, context = convert(path)
        assert len(store) == 0
        (problem,) = context.problems
        assert problem.line == 1
        assert "missing column(s) Parent" in problem.message

    def test_unknown_parent_is_reported_at_its_line(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            HEADER,
            '1;1;"C";"";"MANUFACTURING";"Includes\nmore than\none line";"";"";"";"C"',
            '2;2;"28";"C";"Manufacture of machinery";"";"";"";"";"28"',
            '3;3;"27.1";"27";"Manufacture of electric motors";"";"";"";"";"271"',
            '4;3;"28.3";"28";"Manufacture of agricultural machinery";"";"";"";"";"282"',
        )
        store, context = convert(path)
        (problem,) = context.problems
        assert (problem.line, problem.column, problem.field) == (6, 4, "Parent")
        assert "unknown parent '27'" in problem.message
        codes = {
            q.object.value
            for q in store.quads_for_pattern(None, NamedNode(SKOS + "notation"), None)
        }
        assert codes == {"C", "28", "28.3"}
        assert context.rows == 4

    @pytest.mark.parametrize(
        ("row", "field", "message"),
        [
            pytest.param('2;7;"28";"C";"X";"";"";"";"";""', "Level", "level must be", id="level"),
            pytest.param('2;2;"2.8";"C";"X";"";"";"";"";""', "Code", "not a level-2", id="code"),
            pytest.param('2;2;"28";"C";"";"";"";"";"";""', "Description", "empty", id="label"),
            pytest.param('2;2;"28";"C";"X";"";"";""', None, "expected 10 fields", id="fields"),
        ],
    )
    def test_bad_row(self, tmp_path: Path, row: str, field: str | None, message: str) -> None:
        section = '1;1;"C";"";"MANUFACTURING";"";"";"";"";"C"'
        _, context = convert(write(tmp_path, HEADER, section, row))
        (problem,) = context.problems
        assert (problem.line, problem.field) == (3, field)
        assert message in problem.message

    def test_comma_file_is_not_recognised(self, tmp_path: Path) -> None:
        path = write(tmp_path, HEADER.replace(";", ","))
        assert not NaceLoader().recognises(path)


@pytest.mark.parametrize(
    ("written", "notation"),
    [
        ("C28", "28"),
        ("28", "28"),
        ("C28.3", "28.3"),
        ("28.3", "28.3"),
        ("C28.30", "28.30"),
        ("28.30", "28.30"),
        ("2830", "28.30"),
        ("283", "28.3"),
        ("C", "C"),
        ("c28.30", "28.30"),
        (" C 28 . 30 ", "28.30"),
        ("01.11", "01.11"),
        ("a01", "01"),
        ("A28", None),
        ("04", None),
        ("28.", None),
        ("V", None),
        ("", None),
    ],
)
def test_normalise_nace(written: str, notation: str | None) -> None:
    assert normalise_nace(written) == notation


def test_normalise_nace_against_known_codes() -> None:
    known = {"C", "28", "28.3", "28.30"}
    assert normalise_nace("C2830", known) == "28.30"
    assert normalise_nace("28.31", known) is None


def test_suggestions_for_an_unknown_class(official: Path) -> None:
    with official.open(newline="", encoding="utf-8") as stream:
        known = {row["Code"] for row in csv.DictReader(stream, delimiter=";")}
    assert normalise_nace("28.31", known) is None
    suggestions = suggest_nace("C28.31", known)
    assert suggestions[0] in {"28.30", "28.3"}
    assert set(suggestions) <= known
