"""The dataset described (VoID, DCAT-AP 3) and downloadable (dumps)."""

from __future__ import annotations

import gzip
import hashlib
import time
from pathlib import Path

import httpx
import pytest
from pyshacl import validate
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from graph.settings import Settings
from tests.api.conftest import Server

DCAT_AP = Path(__file__).resolve().parents[3] / "shared" / "data" / "dcat-ap-3.0.1"
SHAPES = ("shapes.ttl", "range.ttl", "mdr-vocabularies.shape.ttl", "shapes_recommended.ttl")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SMES = "https://w3id.org/s3kg/graph/source/smes"


@pytest.fixture(autouse=True)
def dumps_written(http: httpx.Client) -> None:
    """Wait until the dumps of the current data are written (the server starts them at once)."""
    deadline = time.monotonic() + 60
    while not http.get("/dumps").json()["complete"]:
        assert time.monotonic() < deadline, "the dumps were not written within 60 s"
        time.sleep(0.05)


def rdf(http: httpx.Client, path: str) -> Graph:
    response = http.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    return Graph().parse(data=response.text, format="turtle")


def test_void_describes_the_dataset_and_each_graph(http: httpx.Client, server: str) -> None:
    void = rdf(http, "/.well-known/void")
    dataset = URIRef("https://w3id.org/s3kg/dataset")
    assert (dataset, RDF.type, VOID.Dataset) in void
    assert (dataset, VOID.sparqlEndpoint, URIRef(f"{server}/sparql")) in void
    assert (dataset, VOID.dataDump, URIRef(f"{server}/dumps/s3kg.nq.gz")) in void
    assert (dataset, VOID.vocabulary, URIRef("https://w3id.org/s3kg/ontology")) in void
    assert (dataset, VOID.subset, URIRef(SMES)) in void
    assert void.value(URIRef(SMES), VOID.triples) == Literal(4 * 60)
    assert void.value(dataset, VOID.exampleResource) is not None
    total = int(void.value(dataset, VOID.triples))  # type: ignore[arg-type]
    parts = sum(int(n) for n in void.objects(None, VOID.triples)) - total  # type: ignore[call-overload]
    assert total == parts


def test_the_catalogue_is_valid_dcat_ap_3(http: httpx.Client) -> None:
    """The official DCAT-AP 3.0.1 shapes (mandatory, ranges, controlled vocabularies and
    recommended) find no violation, except one in the shapes themselves: the controlled
    vocabulary shape expects checksum algorithms under ``https://spdx.org/rdf/terms``, while
    SPDX, DCAT-AP's own text and s3kg's provenance records use ``http://spdx.org/rdf/terms#``.
    """
    if not DCAT_AP.is_dir():
        pytest.skip(f"the DCAT-AP 3.0.1 shapes are not at {DCAT_AP}")
    catalogue = rdf(http, "/catalog")
    shapes = Graph()
    for name in SHAPES:
        shapes.parse(DCAT_AP / name, format="turtle")
    _, report, _ = validate(catalogue, shacl_graph=shapes, inference="none")
    violations = []
    for result in report.objects(None, SH.result):
        if report.value(result, SH.resultSeverity) != SH.Violation:
            continue
        if report.value(result, SH.resultPath) == SPDX.algorithm:
            assert report.value(result, SH.value) == SPDX.checksumAlgorithm_sha256
            continue
        violations.append(
            f"{report.value(result, SH.focusNode)} {report.value(result, SH.resultPath)}: "
            f"{report.value(result, SH.resultMessage)}"
        )
    assert not violations, "\n".join(violations)


def test_the_catalogue_lists_graphs_with_licence_provenance_and_dumps(
    http: httpx.Client, server: str
) -> None:
    catalogue = rdf(http, "/catalog")
    smes = URIRef(SMES)
    assert (URIRef(f"{server}/catalog"), DCAT.dataset, smes) in catalogue
    assert catalogue.value(smes, URIRef("http://purl.org/dc/terms/provenance")) is not None
    distribution = catalogue.value(smes, DCAT.distribution)
    download = catalogue.value(distribution, DCAT.downloadURL)
    assert str(download) == f"{server}/dumps/graphs/source-smes.nt.gz"
    assert str(catalogue.value(distribution, URIRef("http://purl.org/dc/terms/license"))) == (
        "http://creativecommons.org/licenses/by/4.0/"
    )
    size = int(catalogue.value(distribution, DCAT.byteSize))  # type: ignore[arg-type]
    checksum = catalogue.value(distribution, SPDX.checksum)
    digest = str(catalogue.value(checksum, SPDX.checksumValue))
    body = http.get(str(download).removeprefix(server)).content
    assert (len(body), hashlib.sha256(body).hexdigest()) == (size, digest)
    service = URIRef(f"{server}/sparql")
    assert (service, RDF.type, DCAT.DataService) in catalogue
    assert (service, DCAT.endpointURL, service) in catalogue


def test_the_whole_dataset_dump_is_gzipped_n_quads(http: httpx.Client) -> None:
    response = http.get("/dumps/s3kg.nq.gz")
    assert response.headers["content-type"] == "application/gzip"
    dataset = Dataset()
    dataset.parse(data=gzip.decompress(response.content), format="nquads")
    graphs = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert SMES in graphs and "https://w3id.org/s3kg/graph/ontology" in graphs


def test_a_graph_dump_is_gzipped_n_triples(http: httpx.Client) -> None:
    response = http.get("/dumps/graphs/source-smes.nt.gz")
    graph = Graph().parse(data=gzip.decompress(response.content), format="nt")
    assert len(graph) == 4 * 60
    assert http.get("/dumps/graphs/nothing.nt.gz").status_code == 404


def test_dumps_are_rebuilt_after_a_write(http: httpx.Client, auth: dict[str, str]) -> None:
    before = http.get("/dumps").json()
    graph = "http://example.org/dump-test"
    put = http.put(
        "/store",
        params={"graph": graph},
        content=b'<http://example.org/a> <http://example.org/p> "dumped" .',
        headers={**auth, "Content-Type": "application/n-triples"},
    )
    assert put.status_code == 201
    deadline = time.monotonic() + 30
    listing = before
    while time.monotonic() < deadline:
        listing = http.get("/dumps").json()
        if any(d["graph"] == graph for d in listing["dumps"]):
            break
        time.sleep(0.2)
    assert listing["version"] != before["version"]
    dump = next(d for d in listing["dumps"] if d["graph"] == graph)
    content = gzip.decompress(http.get(f"/dumps/{dump['name']}").content)
    assert b'"dumped"' in content
    http.delete("/store", params={"graph": graph}, headers=auth)


def test_the_catalogue_does_not_wait_for_the_first_dumps(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("the dumps cannot be written under a file")
    settings = Settings(
        store=str(tmp_path / "store"), query_workers=0, dump_dir=str(blocked / "dumps")
    )
    with Server(settings) as running, httpx.Client(base_url=running.url, timeout=30) as client:
        listing = client.get("/dumps")
        assert listing.status_code == 200
        assert listing.json() == {"version": None, "complete": False, "dumps": []}
        catalog = client.get("/catalog", headers={"Accept": "text/turtle"})
        assert catalog.status_code == 200
        described = Graph().parse(data=catalog.text, format="turtle")
        assert (None, DCAT.downloadURL, None) not in described
        assert (None, DCAT.accessURL, URIRef(f"{running.url}/sparql")) in described
        download = client.get("/dumps/s3kg.nq.gz")
        assert download.status_code == 503
        assert download.headers["retry-after"]
        assert "being written" in download.json()["detail"]
