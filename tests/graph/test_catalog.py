"""The named-query catalogue (graph.catalog): headers, typed parameters, binding, paging."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, QuerySolutions, RdfFormat, Store

from graph.catalog import (
    Catalog,
    NamedQuery,
    Parameter,
    resolve,
    self_contained,
    to_sparql_examples,
)
from graph.errors import InputError, NotFoundError, ParameterError
from graph.results import AskResult, SelectResult
from graph.store import OxigraphStore

NUTS = "http://data.europa.eu/nuts/code/"
NACE = "http://data.europa.eu/ux2/nace2/"
XSD = "http://www.w3.org/2001/XMLSchema#"

HEADER = """#+ summary: Strategies of a region
#+ description: One row per strategy,
#+   whatever its period.
#+ tags: strategies, regions
#+ tags: regions
#+ param region: nuts; required; example=ITC4; The region; its NUTS code
#+ param period: enum(2014-2020|2021-2027); default=2021-2027; The period
# a plain comment line does not end the header
SELECT ?region ?period ?strategy WHERE {
  ?strategy s3:region ?region ; s3:programmingPeriod ?period
} ORDER BY ?strategy
"""


def parse(text: str, name: str = "q") -> NamedQuery:
    return NamedQuery.parse(text, name=name)


# -- the header ------------------------------------------------------------------------------


def test_header_gives_metadata_and_parameters() -> None:
    query = parse(HEADER, name="strategies-of")
    assert query.name == "strategies-of"
    assert query.summary == "Strategies of a region"
    assert query.description == "One row per strategy, whatever its period."
    assert query.tags == ("strategies", "regions")
    assert query.form == "SELECT"
    region, period = query.parameters
    assert region == Parameter(
        "region", "nuts", "The region; its NUTS code", True, None, "ITC4", ()
    )
    assert (period.default, period.values, period.required) == (
        "2021-2027",
        ("2014-2020", "2021-2027"),
        False,
    )
    assert query.sparql.startswith("# a plain comment line does not end the header\nSELECT ?region")


def test_the_name_comes_from_the_header_then_the_file(tmp_path: Path) -> None:
    assert parse("#+ name: my-query\n#+ summary: x\nASK {}").name == "my-query"
    path = tmp_path / "from-file.rq"
    path.write_text("#+ summary: x\nASK {}", encoding="utf-8")
    assert NamedQuery.parse(path.read_text(), path=path).name == "from-file"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("#+ sumary: x\nASK {}", "line 1: expected '#+ key: value'", id="unknown-key"),
        pytest.param("#+ tags: a\nASK {}", "no '#+ summary:'", id="no-summary"),
        pytest.param(
            "#+ summary: a\n#+ summary: b\nASK {}", "line 2: 'summary' is given twice", id="twice"
        ),
        pytest.param(
            "#+ summary: x\n#+ param r: nuts\nSELECT ?r {}", "no description", id="no-description"
        ),
        pytest.param(
            "#+ summary: x\n#+ param r: region; R\nSELECT ?r {}", "unknown type", id="unknown-type"
        ),
        pytest.param(
            "#+ summary: x\n#+ param r: nuts; required; default=ITC4; R\nSELECT ?r {}",
            "cannot have a default",
            id="required-with-default",
        ),
        pytest.param(
            "#+ summary: x\n#+ param k: integer(1..5); default=9; K\nSELECT ?k {}",
            "the default '9' is invalid",
            id="bad-default",
        ),
        pytest.param(
            "#+ summary: x\n#+ param r: nuts; R\n#+ param r: nuts; R\nSELECT ?r {}",
            "declared twice",
            id="duplicate-parameter",
        ),
        pytest.param(
            "#+ summary: x\n#+ param region: nuts; R\nSELECT ?s { ?s ?p ?o }",
            "'region' is not used",
            id="unused-parameter",
        ),
        pytest.param(
            "#+ summary: x\n#+ param r: nuts; R\nSELECT ?s { ?s ?p ?r }",
            "must project every parameter",
            id="not-projected",
        ),
        pytest.param(
            "#+ summary: x\n#+ param rs: nuts[]; R\nSELECT ?rs { ?s ?p ?rs }",
            "needs exactly one 'VALUES ?rs {}'",
            id="list-without-values",
        ),
        pytest.param("#+ summary: x\nSELECT ?s WHERE { ?s ?p }", "does not parse", id="syntax"),
        pytest.param(
            "#+ summary: x\n#+ compute: os:system\n",
            "graph.module:function",
            id="compute-outside-graph",
        ),
        pytest.param(
            "#+ summary: x\n#+ compute: graph.measures:ranking\nASK {}",
            "holds no SPARQL",
            id="compute-with-sparql",
        ),
        pytest.param(
            "#+   continued\n#+ summary: x\nASK {}", "nothing to continue", id="nothing-to-continue"
        ),
    ],
)
def test_header_mistakes_are_reported_with_their_line(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse(text)


def test_load_collects_every_invalid_file(tmp_path: Path) -> None:
    (tmp_path / "good.rq").write_text("#+ summary: fine\nASK {}", encoding="utf-8")
    (tmp_path / "bad.rq").write_text("#+ summary: x\nSELECT ?s WHERE {", encoding="utf-8")
    (tmp_path / "worse.rq").write_text("SELECT * {}", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        Catalog.load(tmp_path)
    assert [p.split(":")[0] for p in caught.value.problems] == ["bad.rq", "worse.rq"]


def test_load_a_missing_folder() -> None:
    with pytest.raises(NotFoundError):
        Catalog.load(Path("/nonexistent/queries"))


def test_load_refuses_a_compute_function_that_does_not_exist(tmp_path: Path) -> None:
    (tmp_path / "x.rq").write_text("#+ summary: x\n#+ compute: graph.measures:nope\n")
    with pytest.raises(InputError, match="invalid") as caught:
        Catalog.load(tmp_path)
    assert "has no function nope" in caught.value.problems[0]


def test_the_bundled_catalogue_loads_sorted() -> None:
    catalog = Catalog.load()
    names = [q.name for q in catalog]
    assert names == sorted(names) == catalog.names()
    assert len(catalog) == len(names) and "alignment-matrix" in catalog


def test_get_suggests_close_names() -> None:
    with pytest.raises(NotFoundError, match="did you mean alignment-matrix"):
        Catalog.load().get("alignment-matrx")
    with pytest.raises(NotFoundError, match="--list"):
        Catalog.load().get("zzz")


def test_resolve_refuses_modules_outside_graph() -> None:
    with pytest.raises(NotFoundError):
        resolve("subprocess:run")
    assert callable(resolve("graph.measures:matrix"))


# -- binding parameters ------------------------------------------------------------------------


def one(spec: str, value: str | None) -> object:
    query = parse(f"#+ summary: x\n#+ param v: {spec}; V\nSELECT ?v WHERE {{ ?s ?p ?v }}")
    return query.bind({"v": value}).get("v")


@pytest.mark.parametrize(
    ("spec", "value", "term"),
    [
        pytest.param("nuts", "itc4", NamedNode(NUTS + "ITC4"), id="nuts-upper-cased"),
        pytest.param("nuts", NUTS + "CH022", NamedNode(NUTS + "CH022"), id="nuts-iri"),
        pytest.param("nace", "C28", NamedNode(NACE + "28"), id="nace-section-division"),
        pytest.param("nace", "28.3", NamedNode(NACE + "283"), id="nace-group"),
        pytest.param("nace", "c 28.30", NamedNode(NACE + "2830"), id="nace-class"),
        pytest.param("nace", "2830", NamedNode(NACE + "2830"), id="nace-no-dots"),
        pytest.param("nace", "C", NamedNode(NACE + "C"), id="nace-section"),
        pytest.param("country", "at", Literal("AT"), id="country"),
        pytest.param(
            "iri", "s3:Micro", NamedNode("https://w3id.org/s3kg/ontology#Micro"), id="iri-prefixed"
        ),
        pytest.param(
            "id(cluster)",
            "mecha-tronik",
            NamedNode("https://w3id.org/s3kg/id/cluster/mecha-tronik"),
            id="id",
        ),
        pytest.param("integer(1..10)", "7", Literal(7), id="integer"),
        pytest.param("float(0..1)", "0.25", Literal(0.25), id="float"),
        pytest.param(
            "date", "2025-03-01", Literal("2025-03-01", datatype=NamedNode(XSD + "date")), id="date"
        ),
        pytest.param("boolean", "yes", Literal(True), id="boolean"),
        pytest.param("enum(pairs|wide)", "WIDE", Literal("wide"), id="enum-case"),
        pytest.param("string", "  Smart   factory ", Literal("Smart   factory"), id="string"),
        pytest.param("nuts", "", None, id="empty-is-absent"),
        pytest.param("nuts", None, None, id="none-is-absent"),
    ],
)
def test_values_become_rdf_terms(spec: str, value: str | None, term: object) -> None:
    assert one(spec, value) == term


@pytest.mark.parametrize(
    ("spec", "value", "message"),
    [
        pytest.param("nuts", "ITC4X9", "not a NUTS code", id="nuts"),
        pytest.param("nace", "A28", "not a NACE Rev. 2 code", id="nace-wrong-section"),
        pytest.param("nace", "28.399", "not a NACE Rev. 2 code", id="nace-too-long"),
        pytest.param("country", "ITA", "not a country code", id="country"),
        pytest.param("iri", "nothing", "not an IRI", id="iri"),
        pytest.param("iri", "http://x/a b", "not a valid IRI", id="iri-space"),
        pytest.param("id(sme)", "Has Spaces", "not an id", id="id"),
        pytest.param("integer(1..10)", "11", "must be at most 10", id="integer-max"),
        pytest.param("integer(1..10)", "1.5", "whole number", id="integer-fraction"),
        pytest.param("float(0..1)", "nan", "finite", id="float-nan"),
        pytest.param("date", "2025-02-30", "not a date", id="date"),
        pytest.param("date", "1 March", "YYYY-MM-DD", id="date-form"),
        pytest.param("boolean", "maybe", "true or false", id="boolean"),
        pytest.param("enum(pairs|wide)", "tall", "not one of pairs, wide", id="enum"),
    ],
)
def test_invalid_values_name_the_parameter(spec: str, value: str, message: str) -> None:
    with pytest.raises(ParameterError, match=message) as caught:
        one(spec, value)
    assert caught.value.name == "v"


def test_required_defaults_and_unknown_parameters() -> None:
    query = parse(HEADER)
    with pytest.raises(ParameterError, match=r"required.*ITC4") as caught:
        query.bind({})
    assert caught.value.name == "region"
    assert query.bind({"region": "ITC4"})["period"] == Literal("2021-2027")
    with pytest.raises(ParameterError, match="did you mean period") as unknown:
        query.bind({"region": "ITC4", "perod": "x"})
    assert unknown.value.name == "perod"


def test_today_is_a_date_default() -> None:
    query = parse("#+ summary: x\n#+ param d: date; default=today; D\nSELECT ?d { ?s ?p ?d }")
    term = query.bind({})["d"]
    assert isinstance(term, Literal) and term.datatype == NamedNode(XSD + "date")


def test_an_id_uses_the_base_iri_it_is_given() -> None:
    query = parse("#+ summary: x\n#+ param c: id(cluster); C\nSELECT ?c { ?c ?p ?o }")
    bound = query.bind({"c": "abc"}, base_iri="https://example.org/s3/")
    assert bound["c"] == NamedNode("https://example.org/s3/id/cluster/abc")


def test_list_parameters_fill_their_values_block_with_escaped_terms() -> None:
    query = parse(
        "#+ summary: x\n#+ param regions: nuts[]; default=ITC4,AT31; R\n"
        "SELECT ?regions WHERE { VALUES ?regions {} } ORDER BY ?regions"
    )
    lists = query.bind_lists({"regions": "si0; ITC4 si0"})
    assert lists == {"regions": [NamedNode(NUTS + "SI0"), NamedNode(NUTS + "ITC4")]}
    assert f"VALUES ?regions {{ <{NUTS}SI0> <{NUTS}ITC4> }}" in query.render(lists)
    assert "VALUES ?regions { UNDEF }" in query.render({})
    assert query.bind({}) == {}
    with pytest.raises(ParameterError, match="not a NUTS code"):
        query.bind({"regions": "ITC4,toolong"})


def test_a_string_value_never_becomes_query_text(store: OxigraphStore) -> None:
    store.replace_graph(
        store.graphs.source("t"), b'<http://ex.org/a> <http://ex.org/p> "x" .', RdfFormat.N_TRIPLES
    )
    query = parse(
        "#+ summary: x\n#+ param text: string; T\n"
        "SELECT ?text ?s WHERE { ?s ?p ?o . FILTER(COALESCE(?o != ?text, true)) } ORDER BY ?s"
    )
    attack = '" ) } ; DROP ALL ; SELECT * { ?a ?b "'
    catalog = Catalog([query])
    result = catalog.run(store, "q", {"text": attack})
    assert isinstance(result, SelectResult)
    assert result.rows == [(Literal(attack), NamedNode("http://ex.org/a"))]
    assert sum(info.triples for info in store.named_graphs()) > 0


# -- running -----------------------------------------------------------------------------------


@pytest.fixture
def numbers(store: OxigraphStore) -> OxigraphStore:
    data = "".join(f'<http://ex.org/n{i}> <http://ex.org/v> "{i}" .\n' for i in range(5))
    data += f'<{NUTS}ITC4> <http://ex.org/v> "r" .\n'
    store.replace_graph(store.graphs.source("n"), data.encode(), RdfFormat.N_TRIPLES)
    return store


NUMBERS = parse(
    "#+ summary: numbers\n#+ param region: nuts; exists; example=ITC4; R\n"
    "SELECT ?s ?region WHERE { ?s <http://ex.org/v> ?o FILTER(COALESCE(?s != ?region, true)) }"
    " ORDER BY ?s",
    name="numbers",
)


def test_limit_and_offset_page_the_rows(numbers: OxigraphStore) -> None:
    catalog = Catalog([NUMBERS])
    page = catalog.run(numbers, "numbers", {}, limit=2, offset=1)
    assert isinstance(page, SelectResult)
    assert [str(row[0]) for row in page.rows] == ["<http://ex.org/n0>", "<http://ex.org/n1>"]
    assert page.truncated
    last = catalog.run(numbers, "numbers", {}, limit=10, offset=4)
    assert isinstance(last, SelectResult) and len(last.rows) == 2 and not last.truncated
    with pytest.raises(ParameterError) as caught:
        catalog.run(numbers, "numbers", {}, limit=-1)
    assert caught.value.name == "limit"


def test_exists_checks_that_the_region_is_in_the_store(numbers: OxigraphStore) -> None:
    catalog = Catalog([NUMBERS])
    result = catalog.run(numbers, "numbers", {"region": "ITC4"})
    assert isinstance(result, SelectResult) and len(result.rows) == 5
    with pytest.raises(ParameterError, match="there is no region ITC9 in the store"):
        catalog.run(numbers, "numbers", {"region": "ITC9"})


def test_ask_queries_run_too(numbers: OxigraphStore) -> None:
    query = parse("#+ summary: any?\nASK { ?s ?p ?o }", name="any")
    assert Catalog([query]).run(numbers, "any", {}) == AskResult(True)


def test_two_queries_of_one_name_are_refused() -> None:
    query = parse("#+ summary: x\nASK {}")
    with pytest.raises(InputError):
        Catalog([query, query])


# -- as SPARQL examples ------------------------------------------------------------------------


def test_sparql_examples_describe_each_sparql_query_in_the_sib_style() -> None:
    catalog = Catalog.load()
    triples = to_sparql_examples(catalog, "https://s3.example.org/")
    store = Store()
    store.extend(Quad(t.subject, t.predicate, t.object) for t in triples)
    solutions = store.query(
        """PREFIX sh: <http://www.w3.org/ns/shacl#>
               PREFIX schema: <https://schema.org/>
               PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
               SELECT ?ex ?text ?target ?comment WHERE {
                 ?ex a sh:SPARQLExecutable, sh:SPARQLSelectExecutable ; sh:select ?text ;
                     schema:target ?target ; rdfs:comment ?comment ; sh:prefixes ?p .
                 ?p sh:declare [ sh:prefix "s3" ; sh:namespace ?ns ] }"""
    )
    assert isinstance(solutions, QuerySolutions)
    rows = list(solutions)
    sparql_queries = [q for q in catalog if q.form != "COMPUTED"]
    assert len(rows) == len(sparql_queries)
    names = {row["ex"].value.rsplit("/", 1)[-1] for row in rows}
    assert names == {q.name for q in sparql_queries}
    for row in rows:
        assert row["target"].value == "https://s3.example.org/sparql"
        assert row["ex"].value.startswith("https://s3.example.org/.well-known/sparql-examples/")
        assert row["comment"].language == "en"
        # the text runs as it is, without s3kg's predefined prefixes
        Store().query(row["text"].value)


def test_self_contained_declares_only_the_prefixes_used() -> None:
    text = self_contained(parse("#+ summary: x\nSELECT ?s { ?s a s3:Cluster ; skos:notation ?n }"))
    assert text.splitlines()[:3] == [
        "PREFIX s3: <https://w3id.org/s3kg/ontology#>",
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>",
        "",
    ]
