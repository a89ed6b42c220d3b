"""Real SPARQL clients against the endpoint: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import CSV, JSON, JSONLD, POST, TSV, TURTLE, XML, SPARQLWrapper

PREFIXES = "PREFIX s3: <https://w3id.org/s3kg/ontology#>\n"
CLUSTERS = PREFIXES + "SELECT ?c WHERE { ?c a s3:Cluster } ORDER BY ?c"
MECHATRONIK = "https://w3id.org/s3kg/id/cluster/mechatronik"
LOMBARDY = "https://w3id.org/s3kg/id/cluster/lombardy-manufacturing"


@pytest.fixture
def wrapper(server: str) -> SPARQLWrapper:
    return SPARQLWrapper(f"{server}/sparql", updateEndpoint=f"{server}/sparql")


def test_sparqlwrapper_select_json(wrapper: SPARQLWrapper) -> None:
    wrapper.setQuery(CLUSTERS)
    wrapper.setReturnFormat(JSON)
    result = wrapper.query().convert()
    assert [b["c"]["value"] for b in result["results"]["bindings"]] == [LOMBARDY, MECHATRONIK]


def test_sparqlwrapper_select_xml_by_post(wrapper: SPARQLWrapper) -> None:
    wrapper.setQuery(CLUSTERS)
    wrapper.setReturnFormat(XML)
    wrapper.setMethod(POST)
    document = wrapper.query().convert()
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]
    assert uris == [LOMBARDY, MECHATRONIK]


@pytest.mark.parametrize("fmt", [CSV, TSV])
def test_sparqlwrapper_select_csv_and_tsv(wrapper: SPARQLWrapper, fmt: str) -> None:
    wrapper.setQuery(CLUSTERS)
    wrapper.setReturnFormat(fmt)
    text = wrapper.query().convert().decode()
    assert MECHATRONIK in text


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(wrapper: SPARQLWrapper, fmt: str) -> None:
    wrapper.setQuery(PREFIXES + "ASK { ?c a s3:Cluster }")
    wrapper.setReturnFormat(fmt)
    result = wrapper.query().convert()
    if fmt == JSON:
        assert result["boolean"] is True
    else:
        assert result.getElementsByTagName("boolean")[0].firstChild.data == "true"


@pytest.mark.parametrize("fmt", [XML, TURTLE, JSON, JSONLD])
def test_sparqlwrapper_construct(wrapper: SPARQLWrapper, fmt: str) -> None:
    wrapper.setQuery(PREFIXES + "CONSTRUCT WHERE { ?c a s3:Cluster ; s3:region ?r }")
    wrapper.setReturnFormat(fmt)
    result = wrapper.query().convert()
    graph = result if isinstance(result, Graph) else Graph().parse(data=result, format="turtle")
    assert (URIRef(MECHATRONIK), None, URIRef("http://data.europa.eu/nuts/code/AT31")) in graph


def test_sparqlwrapper_update_with_the_token(wrapper: SPARQLWrapper, auth: dict[str, str]) -> None:
    wrapper.addCustomHttpHeader("Authorization", auth["Authorization"])
    wrapper.setMethod(POST)
    wrapper.setQuery(
        "INSERT DATA { GRAPH <http://example.org/wrapper> { <http://example.org/a> "
        "<http://example.org/p> 1 } }"
    )
    wrapper.query()
    wrapper.setQuery("DROP GRAPH <http://example.org/wrapper>")
    wrapper.query()


def test_rdflib_sparqlstore_select_and_ask(server: str) -> None:
    graph = Graph(store=SPARQLStore(f"{server}/sparql"))
    rows = list(graph.query(CLUSTERS))
    assert [str(row[0]) for row in rows] == [LOMBARDY, MECHATRONIK]  # type: ignore[index]
    assert graph.query(PREFIXES + "ASK { ?c a s3:SME }").askAnswer is True


def test_rdflib_sparqlstore_triples(server: str) -> None:
    graph = Graph(store=SPARQLStore(f"{server}/sparql", returnFormat="json"))
    labels = {
        str(o)
        for o in graph.objects(URIRef(MECHATRONIK), None)
        if o.__class__.__name__ == "Literal"
    }
    assert "Mechatronik-Cluster" in labels


def test_rdflib_sparqlupdatestore_writes_with_the_token(server: str, auth: dict[str, str]) -> None:
    store = SPARQLUpdateStore(
        f"{server}/sparql", f"{server}/sparql", headers={"Authorization": auth["Authorization"]}
    )
    graph = Graph(store=store, identifier=URIRef("http://example.org/rdflib"))
    graph.add(
        (
            URIRef("http://example.org/a"),
            URIRef("http://example.org/p"),
            URIRef("http://example.org/b"),
        )
    )
    assert len(graph) == 1
    store.update("DROP GRAPH <http://example.org/rdflib>")
