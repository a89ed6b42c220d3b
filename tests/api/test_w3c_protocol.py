"""The W3C SPARQL 1.1 Protocol and Graph Store Protocol test suites, run against a real server.

Each ``mf:ProtocolTest`` or ``mf:GraphStoreProtocolTest`` of the manifests (read in place from
``../shared/data/w3c-sparql11-protocol``) becomes one test, named after its manifest entry. Its
``ut:graphData`` is loaded first; its requests are then sent in order, with these adaptations:

* the manifests' ``/sparql/`` and ``/gsp?graph=`` paths are s3kg's ``/sparql`` and ``/store``;
* a graph identified directly (``/gsp/person/1.ttl``) is one of the graphs under s3kg's base IRI,
  so its path moves under ``/graph/`` (``/graph/gsp/person/1.ttl``);
* every request carries the write token (the suites assume an open endpoint).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS

SUITE = Path(__file__).resolve().parents[3] / "shared" / "data" / "w3c-sparql11-protocol"
MANIFESTS = [
    SUITE / "protocol" / "manifest.ttl",
    SUITE / "graph-store-protocol" / "manifest-indirect.ttl",
    SUITE / "graph-store-protocol" / "manifest-direct.ttl",
]
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
STATUS = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404}


@dataclass
class Exchange:
    """One request of a test and what its response must be."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: list[str]
    boolean: bool | None = None
    result_format: str | None = None
    content_type: str | None = None
    graph: str | None = None
    location: str | None = None


@dataclass
class Case:
    """One manifest entry."""

    name: str
    label: str
    graphs: list[tuple[Path, str]] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)


def _path(raw: str) -> str:
    """The suite's request path on s3kg: ``/gsp?graph=`` is ``/store``, and a graph the suite
    identifies directly (``/gsp/person/1.ttl``) lives under s3kg's ``/graph/``."""
    path = raw.replace("/sparql/", "/sparql", 1)
    if path.startswith("/gsp/"):
        return "/graph" + path
    if path.startswith("/gsp"):
        path = "/store" + path[len("/gsp") :]
    return path


def _exchange(manifest: Graph, request: URIRef | BNode) -> Exchange:
    headers: dict[str, str] = {}
    header_list = manifest.value(request, HT.headers)
    if header_list is not None:
        for header in Collection(manifest, header_list):  # type: ignore[arg-type]
            headers[str(manifest.value(header, HT.fieldName))] = str(
                manifest.value(header, HT.fieldValue)
            )
    body = None
    content = manifest.value(request, HT.body)
    if content is not None:
        encoding = str(manifest.value(content, CNT.characterEncoding) or "UTF-8")
        body = str(manifest.value(content, CNT.chars)).encode(encoding.lower())
    response = manifest.value(request, HT.resp)
    statuses = [str(s).rsplit("#", 1)[-1] for s in manifest.objects(response, MF.expectedStatus)]
    boolean = manifest.value(response, MF.expectedBoolean)
    result_format = manifest.value(response, MF.expectedFormat)
    content_type = None
    response_headers = manifest.value(response, HT.headers)
    if response_headers is not None:
        for header in Collection(manifest, response_headers):  # type: ignore[arg-type]
            if str(manifest.value(header, HT.fieldName)).lower() == "content-type":
                content_type = str(manifest.value(header, HT.fieldValue))
    expected_body = manifest.value(response, HT.body)
    location = manifest.value(response, MF.expectedLocation)
    return Exchange(
        method=str(manifest.value(request, HT.methodName)),
        path=_path(str(manifest.value(request, HT.absolutePath))),
        headers=headers,
        body=body,
        statuses=statuses,
        boolean=bool(boolean.toPython()) if isinstance(boolean, Literal) else None,
        result_format=str(result_format) if result_format is not None else None,
        content_type=content_type,
        graph=str(manifest.value(expected_body, CNT.chars)) if expected_body is not None else None,
        location=str(location) if location is not None else None,
    )


def _cases() -> Iterator[Case]:
    for path in MANIFESTS:
        manifest = Graph().parse(path, format="turtle")
        entries = manifest.value(predicate=RDF.type, object=MF.Manifest)
        entry_list = manifest.value(entries, MF.entries)
        for entry in Collection(manifest, entry_list):  # type: ignore[arg-type]
            name = str(entry).rsplit("#", 1)[-1]
            case = Case(name, str(manifest.value(entry, MF.name)))
            for data in manifest.objects(entry, UT.graphData):
                file = manifest.value(data, UT.graph)
                case.graphs.append(
                    (
                        path.parent / str(file).rsplit("/", 1)[-1],
                        str(manifest.value(data, RDFS.label)),
                    )
                )
            action = manifest.value(entry, MF.action)
            requests = manifest.value(action, HT.requests)
            for request in Collection(manifest, requests):  # type: ignore[arg-type]
                case.exchanges.append(_exchange(manifest, request))  # type: ignore[arg-type]
            yield case


def _params() -> list[object]:
    if not SUITE.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"W3C test suite not at {SUITE}"))]
    return [pytest.param(case, id=case.name) for case in _cases()]


def _status_ok(status: int, expected: list[str]) -> bool:
    for name in expected:
        if name.startswith("StatusCode") and str(status).startswith(name[len("StatusCode")]):
            return True
        if STATUS.get(name) == status:
            return True
    return False


def _boolean(response: httpx.Response) -> bool:
    media_type = response.headers["content-type"].split(";")[0]
    if media_type.endswith("json"):
        value: bool = json.loads(response.content)["boolean"]
        return value
    found = ET.fromstring(response.content).find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert found is not None
    return found.text == "true"


FORMATS = {
    "boolean": ("application/sparql-results+json", "application/sparql-results+xml"),
    "tabular": (
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ),
    "RDF": ("text/turtle", "application/rdf+xml", "application/n-triples"),
}


def _reset(client: httpx.Client, auth: dict[str, str], graphs: list[tuple[Path, str]]) -> None:
    assert client.post("/sparql", data={"update": "DROP ALL"}, headers=auth).status_code == 204
    for file, name in graphs:
        put = client.put(
            "/store",
            params={"graph": name},
            content=file.read_bytes(),
            headers={**auth, "Content-Type": "application/n-triples"},
        )
        assert put.status_code in (201, 204)


@pytest.mark.parametrize("case", _params())
def test_w3c(case: Case, w3c_server: str, auth: dict[str, str]) -> None:
    with httpx.Client(base_url=w3c_server, timeout=30) as client:
        _reset(client, auth, case.graphs)
        location = ""
        for number, exchange in enumerate(case.exchanges):
            path = exchange.path.replace("$LOCATION$", location)
            response = client.request(
                exchange.method,
                path,
                content=exchange.body,
                headers={**exchange.headers, **auth},
            )
            where = f"{case.label}, request {number + 1}: {exchange.method} {path}"
            assert _status_ok(response.status_code, exchange.statuses), (
                f"{where}: {response.status_code} {response.text[:300]}"
            )
            if exchange.location is not None:
                location = response.headers["location"]
            if exchange.result_format is not None:
                media_type = response.headers["content-type"].split(";")[0]
                assert media_type in FORMATS[exchange.result_format], where
            if exchange.boolean is not None:
                assert _boolean(response) is exchange.boolean, where
            if exchange.content_type is not None:
                assert response.headers["content-type"].lower().replace(" ", "") == (
                    exchange.content_type.lower().replace(" ", "")
                ), where
            if exchange.graph is not None:
                got = Graph().parse(data=response.text, format="turtle")
                expected = Graph().parse(data=exchange.graph, format="turtle")
                assert isomorphic(got, expected), f"{where}: got\n{response.text}"
