"""Named queries over HTTP: one generated, typed endpoint per query of the catalogue."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pyoxigraph import RdfFormat
from rdflib import Graph

from graph.catalog import Catalog
from graph.settings import Settings
from graph.store import open_store
from tests.api.conftest import Server

THINGS = """\
#+ summary: Things located in a region
#+ description: Everything with an s3:region, whatever its kind.
#+ tags: test
#+ param region: nuts; required; example=AT31; The region
#+ param label: string; A label to show
#+ param founded: integer(1800..2100); A founding year to show
#+ param small: boolean; A flag to show
#+ param since: date; A day to show
#+ param share: float(0..1); A share to show
#+ param kind: enum(cluster|sme); default=cluster; A kind to show
#+ param sectors: nace[]; Sectors to show
SELECT ?thing ?region ?label ?founded ?small ?since ?share ?kind ?sectors WHERE {
  VALUES ?sectors {}
  ?thing s3:region ?region .
}
ORDER BY ?thing
"""

LINKS = """\
#+ summary: The links of a resource
#+ param thing: iri; required; example=https://example.org/a; The resource
CONSTRUCT { ?thing ?p ?o } WHERE { ?thing ?p ?o }
"""

DATA = b"""
@prefix s3: <https://w3id.org/s3kg/ontology#> .
<https://example.org/a> s3:region <http://data.europa.eu/nuts/code/AT31> .
<https://example.org/b> s3:region <http://data.europa.eu/nuts/code/AT31> .
<https://example.org/c> s3:region <http://data.europa.eu/nuts/code/ITC4> .
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server over an in-memory store with a catalogue of two inline queries."""
    folder: Path = tmp_path_factory.mktemp("queries")
    (folder / "things-in-region.rq").write_text(THINGS)
    (folder / "links.rq").write_text(LINKS)
    settings = Settings(store=":memory:", query_workers=0, max_rows=2)
    store = open_store(settings)
    store.replace_graph(store.graphs.source("things"), DATA, RdfFormat.TURTLE)
    with Server(settings, store=store, catalog=Catalog.load(folder)) as running:
        yield running.url


@pytest.fixture(scope="module")
def openapi(small: str) -> dict[str, Any]:
    document: dict[str, Any] = httpx.get(f"{small}/openapi.json").json()
    return document


def parameters(openapi: dict[str, Any], path: str) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in openapi["paths"][path]["get"]["parameters"]}


def schema(parameter: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = parameter["schema"]
    for option in found.get("anyOf", []):
        if option.get("type") != "null":
            return {**found, **option}
    return found


# -- generated routes and their OpenAPI description --------------------------------------------


def test_each_query_has_a_route_with_a_stable_operation_id(openapi: dict[str, Any]) -> None:
    operation = openapi["paths"]["/queries/things-in-region"]["get"]
    assert operation["operationId"] == "query_things_in_region"
    assert operation["summary"] == "Things located in a region"
    assert openapi["paths"]["/queries/links"]["get"]["operationId"] == "query_links"


def test_parameters_are_typed_from_their_declaration(openapi: dict[str, Any]) -> None:
    found = parameters(openapi, "/queries/things-in-region")
    assert found["region"]["required"] is True
    assert "pattern" in schema(found["region"]) and schema(found["region"])["examples"] == ["AT31"]
    assert schema(found["founded"])["type"] == "integer"
    assert (schema(found["founded"])["minimum"], schema(found["founded"])["maximum"]) == (
        1800,
        2100,
    )
    assert schema(found["small"])["type"] == "boolean"
    assert schema(found["share"])["type"] == "number"
    assert schema(found["since"])["pattern"].startswith("^(\\d{4}")
    assert schema(found["kind"])["enum"] == ["cluster", "sme"]
    assert schema(found["sectors"])["type"] == "array"
    assert {"limit", "offset", "format"} <= set(found)
    assert "Default: cluster." in found["kind"]["description"]


def test_rows_are_plain_json_with_paging_metadata(small: str) -> None:
    response = httpx.get(
        f"{small}/queries/things-in-region",
        params={"region": "at31", "founded": 1990, "small": "true", "share": 0.5},
    )
    assert response.status_code == 200
    document = response.json()
    assert document["columns"][:2] == ["thing", "region"]
    first = document["rows"][0]
    assert first["thing"] == "https://example.org/a"
    assert (first["founded"], first["small"], first["share"], first["kind"]) == (
        1990,
        True,
        0.5,
        "cluster",
    )
    assert document["meta"] == {"count": 2, "offset": 0, "limit": 2, "truncated": False}


def test_paging_and_the_next_link(small: str) -> None:
    first = httpx.get(f"{small}/queries/things-in-region", params={"region": "AT31", "limit": 1})
    assert first.json()["meta"]["truncated"] is True
    assert first.headers["S3KG-Results-Truncated"] == "true"
    following = httpx.get(first.json()["_links"]["next"]["href"])
    assert [r["thing"] for r in following.json()["rows"]] == ["https://example.org/b"]
    assert "next" not in following.json()["_links"]


def test_csv_by_accept_or_format(small: str) -> None:
    url = f"{small}/queries/things-in-region"
    by_accept = httpx.get(url, params={"region": "AT31"}, headers={"Accept": "text/csv"})
    by_format = httpx.get(url, params={"region": "AT31", "format": "csv"})
    assert by_accept.headers["content-type"].startswith("text/csv")
    assert by_accept.text == by_format.text
    rows = list(csv.DictReader(io.StringIO(by_accept.text)))
    assert [r["thing"] for r in rows] == ["https://example.org/a", "https://example.org/b"]


def test_list_parameters_take_repeats_or_commas(small: str) -> None:
    url = f"{small}/queries/things-in-region"
    repeated = httpx.get(url, params={"region": "AT31", "sectors": ["C28", "C29"]})
    joined = httpx.get(url, params={"region": "AT31", "sectors": "C28,C29"})
    assert repeated.status_code == joined.status_code == 200
    assert repeated.json() | {"_links": None} == joined.json() | {"_links": None}
    sectors = {row["sectors"] for row in repeated.json()["rows"]}
    assert sectors == {"http://data.europa.eu/ux2/nace2/28", "http://data.europa.eu/ux2/nace2/29"}
    assert repeated.json()["meta"]["truncated"] is True  # 2 things x 2 sectors, 2 rows a page


@pytest.mark.parametrize(
    ("params", "status", "parameter"),
    [
        pytest.param({}, 422, "region", id="missing-required"),
        pytest.param({"region": "AT31", "founded": "old"}, 422, "founded", id="not-a-number"),
        pytest.param({"region": "AT31", "founded": 1700}, 422, "founded", id="out-of-range"),
        pytest.param({"region": "AT31", "kind": "dog"}, 422, "kind", id="not-in-enum"),
        pytest.param({"region": "Lombardy"}, 422, "region", id="not-a-nuts-code"),
        pytest.param({"region": "AT31", "since": "2025-02-30"}, 400, "since", id="no-such-day"),
        pytest.param({"region": "AT31", "sectors": "C28,X9.9"}, 400, "sectors", id="not-nace"),
        pytest.param({"region": "AT31", "limit": -1}, 422, "limit", id="negative-limit"),
    ],
)
def test_bad_parameters_are_named(
    small: str, params: dict[str, object], status: int, parameter: str
) -> None:
    response = httpx.get(f"{small}/queries/things-in-region", params=params)  # type: ignore[arg-type]
    assert response.status_code == status, response.text
    assert response.json()["parameter"] == parameter


def test_a_construct_query_answers_rdf(small: str) -> None:
    url = f"{small}/queries/links"
    turtle = httpx.get(
        url, params={"thing": "https://example.org/a"}, headers={"Accept": "text/turtle"}
    )
    assert len(Graph().parse(data=turtle.text, format="turtle")) == 1
    jsonld = httpx.get(url, params={"thing": "https://example.org/a"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    refused = httpx.get(url, params={"thing": "https://example.org/a", "format": "csv"})
    assert refused.status_code == 406


def test_the_listing(small: str) -> None:
    listing = httpx.get(f"{small}/queries").json()
    names = [q["name"] for q in listing["queries"]]
    assert names == ["links", "things-in-region"]
    things = listing["queries"][1]
    assert things["href"] == f"{small}/queries/things-in-region"
    assert things["sparql"].startswith("PREFIX s3:")
    assert [p["name"] for p in things["parameters"]][:2] == ["region", "label"]


def test_the_listing_as_sparql_examples(small: str) -> None:
    response = httpx.get(f"{small}/queries", headers={"Accept": "text/turtle"})
    examples = Graph().parse(data=response.text, format="turtle")
    found = examples.query(
        "SELECT ?e WHERE { ?e a <http://www.w3.org/ns/shacl#SPARQLSelectExecutable> ; "
        "<https://schema.org/target> ?target }"
    )
    assert len(found) == 1
    well_known = httpx.get(
        f"{small}/.well-known/sparql-examples", headers={"Accept": "text/turtle"}
    )
    assert well_known.status_code == 200


# -- the bundled catalogue on the main server --------------------------------------------------


def test_every_bundled_query_has_a_route(http: httpx.Client) -> None:
    paths = http.get("/openapi.json").json()["paths"]
    for query in Catalog.load():
        assert f"/queries/{query.name}" in paths, query.name
        operation = paths[f"/queries/{query.name}"]["get"]
        assert operation["operationId"] == "query_" + query.name.replace("-", "_")


def test_a_bundled_query_runs(http: httpx.Client) -> None:
    response = http.get("/queries/strategies")
    assert response.status_code == 200
    strategies = {row["strategy"] for row in response.json()["rows"]}
    assert "https://w3id.org/s3kg/id/strategy/itc4-2021-2027" in strategies


def test_an_unknown_region_is_400(http: httpx.Client) -> None:
    response = http.get("/queries/alignment-ranking", params={"region": "ZZ9"})
    assert response.status_code == 400
    assert response.json()["parameter"] == "region"


def test_named_query_answers_have_etags(http: httpx.Client) -> None:
    first = http.get("/queries/strategies")
    again = http.get("/queries/strategies", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
