"""Linked data: entity IRIs dereference (303 to a document), documents by content negotiation,
and the ontology served at its IRI."""

from __future__ import annotations

import httpx
import pytest
from rdflib import Graph, URIRef

MECHATRONIK = "https://w3id.org/s3kg/id/cluster/mechatronik"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_an_entity_iri_is_303_to_its_document(http: httpx.Client) -> None:
    response = http.get("/id/cluster/mechatronik", headers={"Accept": "text/turtle"})
    assert response.status_code == 303
    assert response.headers["location"] == "/doc/cluster/mechatronik"
    assert "Accept" in response.headers["vary"]


def test_the_format_parameter_survives_the_redirect(http: httpx.Client) -> None:
    response = http.get("/id/cluster/mechatronik", params={"format": "jsonld"})
    assert response.headers["location"] == "/doc/cluster/mechatronik?format=jsonld"


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        pytest.param(None, "text/turtle", "turtle", id="default"),
        pytest.param("text/turtle", "text/turtle", "turtle", id="turtle"),
        pytest.param("application/ld+json", "application/ld+json", "json-ld", id="json-ld"),
        pytest.param("application/rdf+xml", "application/rdf+xml", "xml", id="rdf-xml"),
        pytest.param("application/n-triples", "application/n-triples", "nt", id="n-triples"),
    ],
)
def test_documents_by_accept(
    http: httpx.Client, accept: str | None, media_type: str, rdflib_format: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = http.get("/id/cluster/mechatronik", headers=headers, follow_redirects=True)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in response.headers["vary"]
    described = Graph().parse(data=response.content, format=rdflib_format)
    assert (URIRef(MECHATRONIK), None, URIRef("http://data.europa.eu/nuts/code/AT31")) in described
    incoming = URIRef("https://w3id.org/s3kg/id/service/matchmaking")
    assert (incoming, None, URIRef(MECHATRONIK)) in described


def test_json_ld_documents_are_compacted(http: httpx.Client) -> None:
    document = http.get("/doc/cluster/mechatronik", params={"format": "jsonld"}).json()
    nodes = document.get("@graph", [document])
    cluster = next(n for n in nodes if n.get("id") == MECHATRONIK)
    assert cluster["type"] == "Cluster"
    assert cluster["prefLabel"] == {"de": "Mechatronik-Cluster", "en": "Mechatronics Cluster"}
    assert cluster["region"] == "nuts:AT31"


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        pytest.param("turtle", "text/turtle", id="turtle"),
        pytest.param("rdfxml", "application/rdf+xml", id="rdfxml"),
        pytest.param("ntriples", "application/n-triples", id="ntriples"),
        pytest.param("html", "text/html", id="html"),
    ],
)
def test_the_format_parameter_wins_over_accept(
    http: httpx.Client, fmt: str, media_type: str
) -> None:
    response = http.get(
        "/doc/cluster/mechatronik",
        params={"format": fmt},
        headers={"Accept": "application/ld+json"},
    )
    assert response.headers["content-type"].split(";")[0] == media_type


def test_the_html_page_has_labels_links_and_incoming_links(http: httpx.Client) -> None:
    response = http.get(
        "/id/cluster/mechatronik", headers={"Accept": BROWSER}, follow_redirects=True
    )
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<h1>Mechatronics Cluster</h1>" in page  # the English label
    assert 'href="https://www.mechatronik-cluster.at/"' in page
    assert 'href="/doc/service/matchmaking"' in page  # linked from, mapped to this server
    assert "Cross-regional matchmaking" in page  # the linking resource's label
    assert 'rel="alternate" type="text/turtle"' in page


def test_an_unknown_entity_is_404(http: httpx.Client) -> None:
    for accept in ("text/turtle", BROWSER):
        response = http.get("/doc/cluster/nowhere", headers={"Accept": accept})
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


def test_nothing_acceptable_is_406(http: httpx.Client) -> None:
    response = http.get("/doc/cluster/mechatronik", headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_the_ontology_for_people_and_for_programs(http: httpx.Client) -> None:
    html = http.get("/ontology", headers={"Accept": BROWSER})
    assert html.headers["content-type"].startswith("text/html")
    assert 'id="Cluster"' in html.text
    turtle = http.get("/ontology", headers={"Accept": "text/turtle"})
    ontology = Graph().parse(data=turtle.text, format="turtle")
    owl_ontology = URIRef("http://www.w3.org/2002/07/owl#Ontology")
    assert (URIRef("https://w3id.org/s3kg/ontology"), None, owl_ontology) in ontology
