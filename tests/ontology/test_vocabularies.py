"""The vocabularies shipped in ``ontology/vocabularies`` are well formed and agree with sources."""

from __future__ import annotations

import csv
import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import openpyxl
import pytest
from pyoxigraph import NamedNode, RdfFormat, Store

from graph.namespaces import NUTS, S3
from graph.resources import ontology_dir

ROOT = Path(__file__).resolve().parents[2]
VOCABULARIES = ontology_dir() / "vocabularies"
FILES = sorted(VOCABULARIES.glob("*.ttl"))
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
NACE = "http://data.europa.eu/ux2/nace2/"
KET_CODES = (
    "nanotechnology",
    "micro-nano-electronics",
    "photonics",
    "advanced-materials",
    "industrial-biotechnology",
    "advanced-manufacturing",
    "life-science-technologies",
    "artificial-intelligence",
    "security-connectivity",
)
PO_CODES = (
    "PO1",
    "PO2",
    "PO3",
    "PO4",
    "PO5",
    *(f"PO1-{n}" for n in ("i", "ii", "iii", "iv", "v", "vi")),
)
PREFIXES = f"PREFIX skos: <{SKOS}>\nPREFIX dcterms: <{DCTERMS}>\nPREFIX s3: <{S3}>\n"


def load(name: str) -> Store:
    store = Store()
    store.load(path=VOCABULARIES / name, format=RdfFormat.TURTLE)
    return store


def select(store: Store, query: str) -> list[dict[str, str]]:
    solutions = store.query(PREFIXES + query)
    names = [variable.value for variable in solutions.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]


def values(store: Store, iri: str, prop: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(NamedNode(iri), NamedNode(prop), None)}


def build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build", VOCABULARIES / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module", params=[p.name for p in FILES])
def vocabulary(request: pytest.FixtureRequest) -> Store:
    return load(request.param)


class TestEveryVocabulary:
    def test_files_are_all_there(self) -> None:
        names = {p.name for p in FILES}
        expected = {"nace2", "nuts", "sdg", "ford", "kets", "policy-objectives"}
        assert names == {f"{n}.ttl" for n in expected}

    def test_schemes_say_what_they_are_and_where_from(self, vocabulary: Store) -> None:
        schemes = select(vocabulary, "SELECT ?s WHERE { ?s a skos:ConceptScheme }")
        assert schemes
        for prop in ("title", "description", "source", "license"):
            for scheme in schemes:
                assert values(vocabulary, scheme["s"], DCTERMS + prop), (scheme["s"], prop)

    @pytest.mark.parametrize(
        "required",
        ["skos:prefLabel ?x", "skos:notation ?x", "skos:inScheme/a skos:ConceptScheme"],
    )
    def test_every_concept_has(self, vocabulary: Store, required: str) -> None:
        lacking = f"SELECT ?c WHERE {{ ?c a skos:Concept FILTER NOT EXISTS {{ ?c {required} }} }}"
        assert select(vocabulary, lacking) == []
        assert select(vocabulary, "SELECT ?c WHERE { ?c a skos:Concept }")

    def test_one_notation_per_concept_and_scheme(self, vocabulary: Store) -> None:
        rows = select(
            vocabulary,
            """SELECT ?a ?b WHERE {
                ?a skos:notation ?n ; skos:inScheme ?s . ?b skos:notation ?n ; skos:inScheme ?s .
                FILTER(STR(?a) < STR(?b))
            }""",
        )
        assert rows == []
        multiple = "SELECT ?c WHERE { ?c skos:notation ?a, ?b FILTER(?a != ?b) }"
        assert select(vocabulary, multiple) == []

    def test_broader_concepts_are_in_the_file(self, vocabulary: Store) -> None:
        dangling = (
            "SELECT ?c ?b WHERE { ?c skos:broader ?b FILTER NOT EXISTS { ?b a skos:Concept } }"
        )
        assert select(vocabulary, dangling) == []


def nace_rows(reference_dir: Path) -> Iterator[dict[str, str]]:
    with (reference_dir / "nace_rev2_ramon_en.csv").open(newline="", encoding="utf-8") as stream:
        yield from csv.DictReader(stream, delimiter=";")


@pytest.fixture(scope="module")
def nace() -> Store:
    return load("nace2.ttl")


@pytest.fixture(scope="module")
def nuts() -> Store:
    return load("nuts.ttl")


class TestNace:
    def test_agrees_with_the_official_csv(self, nace: Store, reference_dir: Path) -> None:
        rows = list(nace_rows(reference_dir))
        assert len(rows) == 996
        for row in rows:
            iri = NACE + row["Code"].replace(".", "")
            assert values(nace, iri, SKOS + "notation") == {row["Code"]}
            assert values(nace, iri, SKOS + "prefLabel") == {row["Description"].strip()}
            if row["Level"] == "1":
                assert values(nace, iri, SKOS + "topConceptOf") == {NACE + "nace2"}
                assert values(nace, iri, SKOS + "broader") == set()
            else:
                assert values(nace, iri, SKOS + "broader") == {
                    NACE + row["Parent"].replace(".", "")
                }
            assert depth(nace, iri) == int(row["Level"]), row["Code"]
        concepts = select(nace, "SELECT ?c WHERE { ?c a skos:Concept }")
        assert {c["c"] for c in concepts} == {NACE + r["Code"].replace(".", "") for r in rows}

    def test_labels_are_english_and_notes_left_out(self, nace: Store) -> None:
        languages = select(
            nace, "SELECT DISTINCT (LANG(?l) AS ?lang) WHERE { ?c skos:prefLabel ?l }"
        )
        assert languages == [{"lang": "en"}]
        notes = "SELECT ?c WHERE { ?c ?p ?n FILTER(CONTAINS(STR(?p), 'Note')) }"
        assert select(nace, notes) == []


def depth(store: Store, iri: str) -> int:
    level = 1
    while broader := values(store, iri, SKOS + "broader"):
        (iri,) = broader
        level += 1
    return level


def workbook_regions(reference_dir: Path) -> dict[str, dict[str, tuple[int, str]]]:
    """Code → (level, label) of each NUTS version, read straight from the workbooks."""
    regions: dict[str, dict[str, tuple[int, str]]] = {"2021": {}, "2024": {}}
    book = openpyxl.load_workbook(reference_dir / "NUTS2021.xlsx", read_only=True)
    for row in book["NUTS & SR 2021"].iter_rows(min_row=2, values_only=True):
        if isinstance(row[5], int):
            regions["2021"][row[0]] = (row[5], str(row[1 + row[5]]).replace("\xa0", " ").strip())
    book.close()
    book = openpyxl.load_workbook(reference_dir / "NUTS2021-NUTS2024.xlsx", read_only=True)
    for sheet in ("NUTS2024", "Statistical Regions"):
        for row in book[sheet].iter_rows(min_row=2, values_only=True):
            if isinstance(row[3], int):
                regions["2024"][row[1]] = (row[3], str(row[2]).strip())
    book.close()
    return regions


class TestNuts:
    def test_agrees_with_the_official_workbooks(self, nuts: Store, reference_dir: Path) -> None:
        official = workbook_regions(reference_dir)
        shipped = select(nuts, "SELECT ?r ?v WHERE { ?r a s3:Region ; s3:nutsVersion ?v }")
        assert shipped
        for row in shipped:
            code, version = row["r"].removeprefix(NUTS), row["v"]
            (level,) = values(nuts, row["r"], S3 + "nutsLevel")
            (label,) = values(nuts, row["r"], SKOS + "prefLabel")
            names = {label} | values(nuts, row["r"], SKOS + "altLabel")
            if version == "2024" and int(level) == 0:
                assert official["2021"][code] == (0, label)  # the 2024 workbook has no countries
            else:
                official_level, official_label = official[version][code]
                assert official_level == int(level), (code, version)
                assert official_label in names, (code, version)
                if version == "2024" or code not in official["2024"]:
                    assert official_label == label, (code, "the newest name is the prefLabel")
            expected_parent = {NUTS + code[:-1]} if len(code) > 2 else set()
            assert values(nuts, row["r"], SKOS + "broader") == expected_parent
            assert values(nuts, row["r"], SKOS + "notation") == {code}
            assert values(nuts, row["r"], S3 + "countryCode") == {code[:2]}

    def test_has_every_region_of_the_alpine_space_countries(
        self, nuts: Store, reference_dir: Path
    ) -> None:
        official = workbook_regions(reference_dir)
        countries = set(build_script().NUTS_COUNTRIES)
        assert countries == {"AT", "CH", "DE", "FR", "IT", "LI", "SI"}
        for version in ("2021", "2024"):
            wanted = {
                code
                for code in official[version]
                if code[:2] in countries and not code.endswith("Z")
            }
            shipped = select(
                nuts,
                "SELECT ?c WHERE { ?r skos:notation ?c ; s3:nutsVersion ?v }",
            )
            in_version = {
                row["c"]
                for row in shipped
                if version in values(nuts, NUTS + row["c"], S3 + "nutsVersion")
            }
            assert wanted <= in_version, sorted(wanted - in_version)[:10]
        for code in ("ITC4", "DE21", "FRF1", "AT11", "CH04", "CH022", "SI03"):
            assert values(nuts, NUTS + code, S3 + "nutsLevel"), code

    def test_swiss_and_liechtenstein_regions_are_statistical(self, nuts: Store) -> None:
        statistical = select(nuts, "SELECT ?r WHERE { ?r s3:statisticalRegion true }")
        codes = {row["r"].removeprefix(NUTS) for row in statistical}
        assert codes == {c for c in codes if c[:2] in {"CH", "LI"}}
        assert {"CH", "CH0", "CH02", "CH022", "LI", "LI0"} <= codes


class TestSmallVocabularies:
    def test_seventeen_sdgs(self) -> None:
        sdg = load("sdg.ttl")
        goals = select(sdg, "SELECT ?g ?n WHERE { ?g a skos:Concept ; skos:notation ?n }")
        assert {(g["g"], g["n"]) for g in goals} == {
            (f"http://metadata.un.org/sdg/{n}", str(n)) for n in range(1, 18)
        }
        assert values(sdg, "http://metadata.un.org/sdg/1", SKOS + "prefLabel") == {"No poverty"}
        label = values(sdg, "http://metadata.un.org/sdg/17", SKOS + "prefLabel")
        assert label == {"Partnerships for the goals"}

    def test_ford_has_6_broad_and_42_second_level_fields(self) -> None:
        ford = load("ford.ttl")
        top = select(ford, "SELECT ?c WHERE { ?c skos:topConceptOf ?s }")
        second = select(
            ford, "SELECT ?c ?n ?b WHERE { ?c skos:notation ?n ; skos:broader/skos:notation ?b }"
        )
        assert len(top) == 6
        assert len(second) == 42
        for row in second:
            assert row["n"].startswith(row["b"] + ".")
            assert row["c"] == "https://w3id.org/s3kg/vocab/ford/" + row["n"]

    def test_ket_codes(self) -> None:
        kets = load("kets.ttl")
        rows = select(kets, "SELECT ?c ?n WHERE { ?c a skos:Concept ; skos:notation ?n }")
        assert {r["n"] for r in rows} == set(KET_CODES)
        assert all(r["c"] == "https://w3id.org/s3kg/vocab/ket/" + r["n"] for r in rows)

    def test_policy_objective_codes(self) -> None:
        po = load("policy-objectives.ttl")
        rows = select(po, "SELECT ?c ?n WHERE { ?c a skos:Concept ; skos:notation ?n }")
        assert {r["n"] for r in rows} == set(PO_CODES)
        assert all(r["c"] == "https://w3id.org/s3kg/vocab/po/" + r["n"] for r in rows)
        specific = select(
            po, "SELECT ?n WHERE { ?c skos:broader/skos:notation 'PO1' ; skos:notation ?n }"
        )
        assert {r["n"] for r in specific} == {c for c in PO_CODES if c.startswith("PO1-")}

    @pytest.mark.parametrize("code", [*KET_CODES, *PO_CODES])
    def test_codes_are_documented(self, code: str) -> None:
        docs = (ROOT / "docs" / "vocabularies.md").read_text(encoding="utf-8")
        assert f"`{code}`" in docs
