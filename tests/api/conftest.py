"""Real servers for the HTTP API tests: uvicorn on a free loopback port, over a real on-disk store.

Three servers, started once per test run, each in a thread of the test process:

* ``server``: the ontology, shapes and vocabularies (``s3kg init``) plus ``data/fixture.ttl`` and
  60 generated SMEs; a write token; two query workers; small limits (3 s per query, 50 rows,
  64 KiB bodies) so that the limits can be reached quickly; CORS for one origin.
* ``w3c_server``: an empty store with a write token, for the W3C protocol test suites, which
  clear the whole store.
* ``readonly_server``: no write token, queries in threads (``query_workers = 0``).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from pyoxigraph import RdfFormat

import graph
from api.app import create_app
from graph.catalog import Catalog
from graph.install import install
from graph.provenance import LoadRecord, now, sha256_of
from graph.settings import Settings
from graph.store import GraphStore, open_store

DATA = Path(__file__).resolve().parent / "data"
TOKEN = "test-write-token-0123456789"
ORIGIN = "https://app.example"
SMES = 60


class Server:
    """A uvicorn server running an app in a background thread on a free loopback port."""

    def __init__(
        self, settings: Settings, store: GraphStore | None = None, catalog: Catalog | None = None
    ) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        app = create_app(settings, store=store, catalog=catalog)
        config = uvicorn.Config(app, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.socket.close()


def _smes() -> str:
    lines = ["@prefix s3: <https://w3id.org/s3kg/ontology#> ."]
    lines += [
        f"<https://w3id.org/s3kg/id/sme/sme-{n:02d}> a s3:SME ; "
        f'<http://www.w3.org/ns/legal#legalName> "SME number {n}" ; '
        f"s3:region <http://data.europa.eu/nuts/code/AT31> ; s3:sizeClass s3:Small ."
        for n in range(SMES)
    ]
    return "\n".join(lines) + "\n"


def _load_fixture(settings: Settings) -> None:
    store = open_store(settings)
    try:
        install(store)
        source = DATA / "fixture.ttl"
        started = now()
        for name, data in (("fixture", source.read_bytes()), ("smes", _smes().encode())):
            graph_iri = store.graphs.source(name)
            record = LoadRecord(
                graph=graph_iri,
                file_name=f"{name}.ttl",
                byte_size=len(data),
                sha256=sha256_of(source) if name == "fixture" else "00" * 32,
                rows=None,
                triples=0,
                loader="turtle",
                loader_version=graph.__version__,
                started=started,
                ended=now(),
                license="http://creativecommons.org/licenses/by/4.0/",
            )
            store.replace_graph(graph_iri, data, RdfFormat.TURTLE, record=record)
    finally:
        store.close()


@pytest.fixture(scope="session")
def server_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The settings of the main test server (its store is filled once per test run)."""
    root = tmp_path_factory.mktemp("api")
    settings = Settings(
        store=str(root / "store"),
        write_token=TOKEN,
        query_workers=2,
        query_timeout=3,
        max_rows=50,
        max_body_bytes=64 * 1024,
        cors_origins=[ORIGIN],
        dump_dir=str(root / "dumps"),
    )
    _load_fixture(settings)
    return settings


@pytest.fixture(scope="session")
def server(server_settings: Settings) -> Iterator[str]:
    """The base URL of the main test server."""
    with Server(server_settings) as running:
        yield running.url


@pytest.fixture(scope="session")
def w3c_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a writable server over an empty store, for the W3C test suites."""
    root = tmp_path_factory.mktemp("w3c")
    settings = Settings(store=str(root / "store"), write_token=TOKEN, query_workers=1)
    with Server(settings) as running:
        yield running.url


@pytest.fixture(scope="session")
def readonly_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a server without a write token, running queries in threads."""
    root = tmp_path_factory.mktemp("readonly")
    settings = Settings(store=str(root / "store"), query_workers=0)
    with Server(settings) as running:
        yield running.url


@pytest.fixture(scope="session")
def http(server: str) -> Iterator[httpx.Client]:
    """An HTTP client of the main test server."""
    with httpx.Client(base_url=server, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def auth() -> dict[str, str]:
    """The header that carries the write token."""
    return {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="session")
def origin() -> str:
    """The one origin the main test server allows by CORS."""
    return ORIGIN
