"""The SPARQL 1.1 Protocol at /sparql, clause by clause, through a real server (httpx)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import httpx
import pytest
from rdflib import Graph

SELECT_SMES = "SELECT ?sme WHERE { ?sme a s3:SME } ORDER BY ?sme"
SELECT_CLUSTERS = "SELECT ?cluster ?label WHERE { ?cluster a s3:Cluster ; skos:prefLabel ?label }"
CONSTRUCT = "CONSTRUCT { ?c s3:region ?r } WHERE { ?c a s3:Cluster ; s3:region ?r }"
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"


def bindings(response: httpx.Response) -> list[dict[str, dict[str, str]]]:
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    rows: list[dict[str, dict[str, str]]] = response.json()["results"]["bindings"]
    return rows


# -- query operation: GET, POST form, POST direct (Protocol §2.1) ------------------------------


def test_query_via_get(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"query": SELECT_CLUSTERS})
    assert response.status_code == 200
    labels = {row["label"]["value"] for row in bindings(response)}
    assert "Mechatronik-Cluster" in labels


def test_query_via_url_encoded_post(http: httpx.Client) -> None:
    response = http.post("/sparql", data={"query": "ASK { ?c a s3:Cluster }"})
    assert response.status_code == 200
    assert response.json() == {"head": {}, "boolean": True}


def test_query_via_direct_post(http: httpx.Client) -> None:
    response = http.post(
        "/sparql",
        content="ASK { ?c a s3:Nothing }",
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 200
    assert response.json()["boolean"] is False


def test_direct_post_with_charset_utf8(http: httpx.Client) -> None:
    response = http.post(
        "/sparql",
        content=b'ASK { ?c skos:prefLabel "Mechatronik-Cluster"@de }',
        headers={"Content-Type": "application/sparql-query; charset=UTF-8"},
    )
    assert response.json()["boolean"] is True


@pytest.mark.parametrize(
    ("params", "data", "headers"),
    [
        pytest.param({"query": ["ASK {}", "ASK {}"]}, None, {}, id="two-query-parameters"),
        pytest.param({"query": "ASK {}"}, {"query": "ASK {}"}, {}, id="url-and-form"),
        pytest.param(
            {"query": "ASK {}"},
            "ASK {}",
            {"Content-Type": "application/sparql-query"},
            id="url-and-direct-body",
        ),
        pytest.param({"update": "CLEAR ALL"}, None, {}, id="update-by-get"),
    ],
)
def test_contradictory_requests_are_400(
    http: httpx.Client, params: dict[str, object], data: object, headers: dict[str, str]
) -> None:
    if data is None:
        response = http.get("/sparql", params=params)  # type: ignore[arg-type]
    elif isinstance(data, dict):
        response = http.post("/sparql", params=params, data=data)  # type: ignore[arg-type]
    else:
        response = http.post("/sparql", params=params, content=str(data), headers=headers)  # type: ignore[arg-type]
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["parameter"] in ("query", "update")


@pytest.mark.parametrize(
    ("content_type", "status"),
    [
        pytest.param("text/plain", 415, id="text-plain"),
        pytest.param(None, 415, id="no-content-type"),
        pytest.param("application/sparql-query; charset=UTF-16", 415, id="utf-16"),
        pytest.param("application/json", 415, id="json"),
    ],
)
def test_unsupported_bodies_are_415(
    http: httpx.Client, content_type: str | None, status: int
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    body = "ASK {}".encode("utf-16") if content_type and "16" in content_type else b"ASK {}"
    response = http.post("/sparql", content=body, headers=headers)
    assert response.status_code == status
    assert response.json()["title"] == "Unsupported media type"


def test_other_methods_are_405(http: httpx.Client) -> None:
    response = http.put("/sparql", params={"query": "ASK {}"})
    assert response.status_code == 405
    assert "GET" in response.headers["allow"]
    assert response.headers["content-type"] == "application/problem+json"


def test_malformed_query_is_400_with_the_parser_position(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"query": "SELECT ?x WHERE {\n  ?x ?y\n}"})
    assert response.status_code == 400
    problem = response.json()
    assert problem["title"] == "Malformed query"
    assert problem["line"] == 3  # where the parser stopped, in the query as sent
    assert f"error at 3:{problem['column']}" in problem["detail"]


def test_missing_query_in_post_is_400(http: httpx.Client) -> None:
    response = http.post("/sparql", data={"default-graph-uri": "http://example.org/g"})
    assert response.status_code == 400
    assert response.json()["parameter"] == "query"


def test_relative_iris_resolve_against_the_endpoint(http: httpx.Client, server: str) -> None:
    response = http.get("/sparql", params={"query": "SELECT (<x> AS ?iri) {}"})
    assert bindings(response)[0]["iri"]["value"] == f"{server}/x"


# -- the dataset (Protocol §2.1.4) -------------------------------------------------------------


def test_default_graph_uri_restricts_the_default_graph(http: httpx.Client) -> None:
    graph = "https://w3id.org/s3kg/graph/source/fixture"
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?sme a s3:SME }"
    everything = bindings(http.get("/sparql", params={"query": query}))
    only_fixture = bindings(
        http.get("/sparql", params={"query": query, "default-graph-uri": graph})
    )
    assert everything[0]["n"]["value"] == "60"
    assert only_fixture[0]["n"]["value"] == "0"


def test_named_graph_uri_limits_graph_patterns(http: httpx.Client) -> None:
    smes = "https://w3id.org/s3kg/graph/source/smes"
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    rows = bindings(http.get("/sparql", params={"query": query, "named-graph-uri": smes}))
    assert [row["g"]["value"] for row in rows] == [smes]


def test_an_invalid_graph_iri_is_400(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "not an iri"})
    assert response.status_code == 400
    assert response.json()["parameter"] == "default-graph-uri"


# -- results by Accept, q-values, wildcards, format parameters ---------------------------------


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        pytest.param(None, "application/sparql-results+json", id="no-accept"),
        pytest.param("*/*", "application/sparql-results+json", id="star"),
        pytest.param("application/sparql-results+xml", "application/sparql-results+xml", id="xml"),
        pytest.param("text/csv", "text/csv", id="csv"),
        pytest.param("text/tab-separated-values", "text/tab-separated-values", id="tsv"),
        pytest.param("application/json", "application/json", id="plain-json"),
        pytest.param("text/*", "text/csv", id="text-star"),
        pytest.param(
            "text/csv;q=0.5, application/sparql-results+xml;q=0.9",
            "application/sparql-results+xml",
            id="q-values",
        ),
        pytest.param("text/html, */*;q=0.1", "application/sparql-results+json", id="browser"),
    ],
)
def test_select_results_by_accept(http: httpx.Client, accept: str | None, media_type: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = http.get("/sparql", params={"query": SELECT_CLUSTERS}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in response.headers["vary"]


def test_results_in_every_format_say_the_same(http: httpx.Client) -> None:
    query = {"query": SELECT_CLUSTERS + " ORDER BY ?label"}
    from_json = [row["label"]["value"] for row in bindings(http.get("/sparql", params=query))]
    xml = http.get("/sparql", params=query, headers={"Accept": "application/sparql-results+xml"})
    root = ET.fromstring(xml.content)
    from_xml = [e.text for e in root.iter(f"{RESULTS_NS}literal")]
    text = http.get("/sparql", params=query, headers={"Accept": "text/csv"}).text
    from_csv = [row["label"] for row in csv.DictReader(io.StringIO(text))]
    tsv = http.get("/sparql", params=query, headers={"Accept": "text/tab-separated-values"})
    assert tsv.text.splitlines()[0] == "?cluster\t?label"
    assert from_json == from_xml == from_csv
    assert '"Mechatronik-Cluster"@de' in tsv.text


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        pytest.param("json", "application/sparql-results+json", id="json"),
        pytest.param("xml", "application/sparql-results+xml", id="xml"),
        pytest.param("csv", "text/csv", id="csv"),
        pytest.param("tsv", "text/tab-separated-values", id="tsv"),
        pytest.param("text/csv", "text/csv", id="media-type"),
    ],
)
@pytest.mark.parametrize("parameter", ["format", "output"])
def test_format_parameters_win_over_accept(
    http: httpx.Client, parameter: str, fmt: str, media_type: str
) -> None:
    response = http.get(
        "/sparql",
        params={"query": SELECT_CLUSTERS, parameter: fmt},
        headers={"Accept": "application/sparql-results+xml"} if fmt != "xml" else {},
    )
    assert response.headers["content-type"].split(";")[0] == media_type


def test_nothing_acceptable_is_406(http: httpx.Client) -> None:
    response = http.get(
        "/sparql", params={"query": SELECT_CLUSTERS}, headers={"Accept": "image/png"}
    )
    assert response.status_code == 406
    problem = response.json()
    assert "application/sparql-results+json" in problem["detail"]


def test_ask_cannot_be_turtle(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "text/turtle"})
    assert response.status_code == 406


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        pytest.param(None, "text/turtle", "turtle", id="default-turtle"),
        pytest.param("application/n-triples", "application/n-triples", "nt", id="n-triples"),
        pytest.param("application/n-quads", "application/n-quads", "nquads", id="n-quads"),
        pytest.param("application/trig", "application/trig", "trig", id="trig"),
        pytest.param("application/rdf+xml", "application/rdf+xml", "xml", id="rdf-xml"),
        pytest.param("application/ld+json", "application/ld+json", "json-ld", id="json-ld"),
        pytest.param("text/n3", "text/n3", "n3", id="n3"),
    ],
)
def test_construct_results_by_accept(
    http: httpx.Client, accept: str | None, media_type: str, rdflib_format: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = http.get("/sparql", params={"query": CONSTRUCT}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    parsed = Graph().parse(data=response.content, format=rdflib_format)
    assert len(parsed) == 2


def test_json_ld_is_compacted_with_the_curated_context(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"query": CONSTRUCT, "format": "jsonld"})
    document = response.json()
    assert document["@context"]["region"] == {"@id": "s3:region", "@type": "@id"}
    regions = {node["region"] for node in document["@graph"]}
    assert regions == {"nuts:AT31", "nuts:ITC4"}


def test_format_xml_means_rdf_xml_for_a_construct(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"query": CONSTRUCT, "format": "xml"})
    assert response.headers["content-type"].startswith("application/rdf+xml")


def test_describe_is_rdf(http: httpx.Client) -> None:
    response = http.get(
        "/sparql", params={"query": "DESCRIBE <https://w3id.org/s3kg/id/cluster/mechatronik>"}
    )
    parsed = Graph().parse(data=response.content, format="turtle")
    assert len(parsed) > 5


# -- the service description and the query page (bare GET) -------------------------------------


def test_bare_get_describes_the_service(http: httpx.Client, server: str) -> None:
    response = http.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    described = Graph().parse(data=response.content, format="turtle")
    answers = described.query(
        """PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        SELECT ?endpoint ?graph ?n WHERE {
          ?service a sd:Service ; sd:endpoint ?endpoint ;
                   sd:supportedLanguage sd:SPARQL11Query, sd:SPARQL11Update ;
                   sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_CSV> ;
                   sd:feature sd:UnionDefaultGraph ;
                   sd:defaultDataset/sd:namedGraph [ sd:name ?graph ;
                       sd:graph/<http://rdfs.org/ns/void#triples> ?n ] }"""
    )
    rows = {(str(r[0]), str(r[1])): int(r[2]) for r in answers}  # type: ignore[index]
    assert rows[(f"{server}/sparql", "https://w3id.org/s3kg/graph/source/smes")] == 4 * 60


def test_bare_get_from_a_browser_is_the_query_page(http: httpx.Client) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = http.get("/sparql", headers={"Accept": browser})
    assert response.headers["content-type"].startswith("text/html")
    assert '<textarea id="query"' in response.text
    assert "strategies" in response.text  # the named-query examples


def test_service_description_in_json_ld(http: httpx.Client) -> None:
    response = http.get("/sparql", headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    assert json.loads(response.content)["@context"]["sd"].startswith("http://www.w3.org/ns/")
