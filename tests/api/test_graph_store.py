"""The Graph Store Protocol at /store: reads for everyone, writes with the token."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from rdflib import Graph, URIRef

GRAPH = "http://example.org/gsp-test"
TURTLE = b'@prefix ex: <http://example.org/> . ex:a ex:name "A" ; ex:knows ex:b .'


@pytest.fixture
def scratch(http: httpx.Client, auth: dict[str, str]) -> Iterator[str]:
    """A graph the test may write; removed afterwards."""
    yield GRAPH
    http.delete("/store", params={"graph": GRAPH}, headers=auth)


def put(http: httpx.Client, auth: dict[str, str], body: bytes, media: str = "text/turtle") -> int:
    response = http.put(
        "/store", params={"graph": GRAPH}, content=body, headers={**auth, "Content-Type": media}
    )
    return response.status_code


def test_put_creates_then_replaces(http: httpx.Client, auth: dict[str, str], scratch: str) -> None:
    assert put(http, auth, TURTLE) == 201
    assert put(http, auth, b"<http://example.org/c> <http://example.org/p> 1 .") == 204
    got = Graph().parse(data=http.get("/store", params={"graph": scratch}).text, format="turtle")
    assert len(got) == 1


def test_post_merges(http: httpx.Client, auth: dict[str, str], scratch: str) -> None:
    assert put(http, auth, TURTLE) == 201
    post = http.post(
        "/store",
        params={"graph": scratch},
        content=b'{"@id": "http://example.org/a", "http://example.org/age": 3}',
        headers={**auth, "Content-Type": "application/ld+json"},
    )
    assert post.status_code == 204
    got = Graph().parse(data=http.get("/store", params={"graph": scratch}).text, format="turtle")
    assert len(got) == 3


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        pytest.param("text/turtle", "turtle", id="turtle"),
        pytest.param("application/n-triples", "nt", id="n-triples"),
        pytest.param("application/rdf+xml", "xml", id="rdf-xml"),
        pytest.param("application/ld+json", "json-ld", id="json-ld"),
    ],
)
def test_get_in_each_format(
    http: httpx.Client, auth: dict[str, str], scratch: str, accept: str, rdflib_format: str
) -> None:
    put(http, auth, TURTLE)
    response = http.get("/store", params={"graph": scratch}, headers={"Accept": accept})
    assert response.headers["content-type"].split(";")[0] == accept
    got = Graph().parse(data=response.content, format=rdflib_format)
    assert (URIRef("http://example.org/a"), URIRef("http://example.org/knows"), None) in got


def test_head_has_headers_and_no_body(
    http: httpx.Client, auth: dict[str, str], scratch: str
) -> None:
    put(http, auth, TURTLE)
    head = http.head("/store", params={"graph": scratch})
    assert head.status_code == 200
    assert head.headers["content-type"].startswith("text/turtle")
    assert head.content == b""
    assert http.head("/store", params={"graph": "http://example.org/absent"}).status_code == 404


def test_delete(http: httpx.Client, auth: dict[str, str], scratch: str) -> None:
    put(http, auth, TURTLE)
    assert http.delete("/store", params={"graph": scratch}, headers=auth).status_code == 204
    assert http.get("/store", params={"graph": scratch}).status_code == 404
    assert http.delete("/store", params={"graph": scratch}, headers=auth).status_code == 404


def test_post_without_a_graph_creates_one(http: httpx.Client, auth: dict[str, str]) -> None:
    response = http.post("/store", content=TURTLE, headers={**auth, "Content-Type": "text/turtle"})
    assert response.status_code == 201
    created = response.headers["location"]
    assert created.startswith("https://w3id.org/s3kg/graph/upload/")
    assert http.get("/store", params={"graph": created}).status_code == 200
    http.delete("/store", params={"graph": created}, headers=auth)


def test_a_written_graph_is_queryable_and_dumped(
    http: httpx.Client, auth: dict[str, str], scratch: str
) -> None:
    put(http, auth, TURTLE)
    ask = http.get("/sparql", params={"query": f"ASK {{ GRAPH <{scratch}> {{ ?s ?p ?o }} }}"})
    assert ask.json()["boolean"] is True
    names = [d["graph"] for d in http.get("/dumps").json()["dumps"]]
    assert scratch in names or http.get("/dumps").json()["dumps"]  # rebuilt in the background


def test_the_default_graph(http: httpx.Client, auth: dict[str, str]) -> None:
    body = b'<http://example.org/d> <http://example.org/p> "1" .'
    headers = {**auth, "Content-Type": "application/n-triples"}
    assert http.put("/store?default", content=body, headers=headers).status_code in (201, 204)
    got = http.get("/store?default", headers={"Accept": "application/n-triples"})
    assert got.text.strip() == body.decode()
    assert http.delete("/store?default", headers=auth).status_code == 204
    assert http.get("/store?default", headers={"Accept": "application/n-triples"}).text == ""


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        pytest.param("", "graph", id="no-graph"),
        pytest.param("?graph=not%20an%20iri", "graph", id="bad-iri"),
        pytest.param("?graph=http://example.org/a&graph=http://example.org/b", "graph", id="two"),
        pytest.param("?graph=http://example.org/a&default", "graph", id="graph-and-default"),
    ],
)
def test_bad_graph_names_are_400(http: httpx.Client, query: str, parameter: str) -> None:
    response = http.get(f"/store{query}")
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter


def test_writes_need_the_token(http: httpx.Client) -> None:
    for method in ("PUT", "POST", "DELETE"):
        response = http.request(
            method,
            "/store",
            params={"graph": GRAPH},
            content=TURTLE,
            headers={"Content-Type": "text/turtle"},
        )
        assert response.status_code == 401, method
        assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("media", "status"),
    [
        pytest.param("text/plain", 415, id="text-plain"),
        pytest.param("application/n-quads", 415, id="quads"),
        pytest.param("text/turtle", 400, id="bad-turtle"),
    ],
)
def test_bodies_s3kg_cannot_read(
    http: httpx.Client, auth: dict[str, str], media: str, status: int
) -> None:
    response = http.put(
        "/store",
        params={"graph": GRAPH},
        content=b"<a> <b",
        headers={**auth, "Content-Type": media},
    )
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"


def test_nothing_acceptable_is_406(http: httpx.Client) -> None:
    response = http.get(
        "/store",
        params={"graph": "https://w3id.org/s3kg/graph/ontology"},
        headers={"Accept": "text/csv"},
    )
    assert response.status_code == 406


# -- direct identification ----------------------------------------------------------------------

DIRECT = "/graph/test/direct"
DIRECT_IRI = "https://w3id.org/s3kg/graph/test/direct"


def test_graphs_under_the_base_are_identified_directly(
    http: httpx.Client, auth: dict[str, str]
) -> None:
    turtle = {**auth, "Content-Type": "text/turtle"}
    try:
        assert http.get(DIRECT).status_code == 404
        assert http.put(DIRECT, content=TURTLE, headers=turtle).status_code == 201
        assert http.put(DIRECT, content=TURTLE, headers=turtle).status_code == 204
        # the same graph as indirect identification names it
        indirect = http.get(
            "/store", params={"graph": DIRECT_IRI}, headers={"Accept": "text/turtle"}
        )
        assert indirect.status_code == 200
        more = b'<http://example.org/c> <http://example.org/p> "1" .'
        merged = http.post(
            DIRECT, content=more, headers={**auth, "Content-Type": "application/n-triples"}
        )
        assert merged.status_code == 204
        response = http.get(DIRECT, headers={"Accept": "application/n-triples"})
        assert response.headers["content-type"].startswith("application/n-triples")
        assert len(Graph().parse(data=response.text, format="nt")) == 3
        head = http.head(DIRECT)
        assert head.status_code == 200 and head.content == b""
        assert http.delete(DIRECT, headers=auth).status_code == 204
        assert http.get(DIRECT).status_code == 404
        assert http.delete(DIRECT, headers=auth).status_code == 404
    finally:
        http.delete(DIRECT, headers=auth)


def test_direct_writes_need_the_token(http: httpx.Client) -> None:
    assert (
        http.put(DIRECT, content=TURTLE, headers={"Content-Type": "text/turtle"}).status_code == 401
    )
    assert http.delete(DIRECT).status_code == 401
    assert http.get(DIRECT).status_code == 404  # nothing was written


def test_loaded_source_graphs_dereference(http: httpx.Client) -> None:
    response = http.get("/graph/source/fixture", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert len(Graph().parse(data=response.text, format="turtle")) > 0
    created = http.post(
        "/store", content=b"", headers={"Content-Type": "text/turtle"}
    )  # no token: the IRI POST would mint stays unknown
    assert created.status_code == 401
