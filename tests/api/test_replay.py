"""Whole responses replayed while the data is unchanged (:mod:`api.replay`), through a real server:
byte for byte what the app would answer, kept apart by what changes a response, never stale."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from api.replay import ReplayMiddleware
from graph.settings import Settings
from tests.api.conftest import ORIGIN, TOKEN, Server

QUERY = {"query": "SELECT ?o WHERE { <http://example.org/a> <http://example.org/p> ?o }"}
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("replay")
    settings = Settings(
        store=str(root / "store"), write_token=TOKEN, query_workers=0, cors_origins=[ORIGIN]
    )
    with Server(settings) as server:
        yield server


@pytest.fixture
def http(running: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=running.url, timeout=30) as client:
        yield client


def replay_of(running: Server) -> ReplayMiddleware:
    """The replay layer of the running app (built at the app's first request)."""
    app: FastAPI = running.server.config.app
    layer = app.middleware_stack
    while not isinstance(layer, ReplayMiddleware):
        layer = layer.app  # type: ignore[union-attr]
    return layer


def insert(http: httpx.Client, value: int) -> None:
    update = f"INSERT DATA {{ <http://example.org/a> <http://example.org/p> {value} }}"
    assert http.post("/sparql", data={"update": update}, headers=AUTH).status_code == 204


def values(response: httpx.Response) -> list[str]:
    assert response.status_code == 200
    return sorted(b["o"]["value"] for b in response.json()["results"]["bindings"])


def without_date(response: httpx.Response) -> list[tuple[str, str]]:
    return [(k, v) for k, v in response.headers.multi_items() if k != "date"]


def test_a_repeated_answer_is_replayed_byte_for_byte(running: Server, http: httpx.Client) -> None:
    insert(http, 1)
    computed = http.get("/sparql", params=QUERY)
    replay = replay_of(running)
    kept = len(replay.memo)
    assert kept >= 1
    replayed = http.get("/sparql", params=QUERY)
    assert len(replay.memo) == kept  # served from what was kept, nothing new computed
    assert replayed.content == computed.content
    assert without_date(replayed) == without_date(computed)
    assert values(replayed) == ["1"]


def test_what_changes_a_response_keeps_answers_apart(http: httpx.Client) -> None:
    as_json = http.get("/sparql", params=QUERY)
    as_csv = http.get("/sparql", params=QUERY, headers={"Accept": "text/csv"})
    assert as_json.headers["content-type"].startswith("application/sparql-results+json")
    assert as_csv.headers["content-type"].startswith("text/csv")
    big = {"query": "SELECT ?n WHERE { VALUES ?n { " + " ".join(map(str, range(400))) + " } }"}
    plain = http.get("/sparql", params=big, headers={"Accept-Encoding": "identity"})
    for _ in range(2):
        zipped = http.get("/sparql", params=big, headers={"Accept-Encoding": "gzip"})
        assert zipped.headers["content-encoding"] == "gzip"
        assert zipped.json() == plain.json()
    assert "content-encoding" not in plain.headers


def test_never_replayed_once_the_data_changed(http: httpx.Client) -> None:
    before = values(http.get("/sparql", params=QUERY))
    insert(http, 2)
    after = values(http.get("/sparql", params=QUERY))
    assert after == sorted({*before, "2"})
    assert values(http.get("/sparql", params=QUERY)) == after


def test_conditional_and_cross_origin_requests_go_through_the_app(http: httpx.Client) -> None:
    first = http.get("/sparql", params=QUERY)
    again = http.get("/sparql", params=QUERY, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    cross = http.get("/sparql", params=QUERY, headers={"Origin": ORIGIN})
    assert cross.headers["access-control-allow-origin"] == ORIGIN
    assert cross.content == first.content


def test_volatile_answers_are_not_kept(running: Server, http: httpx.Client) -> None:
    replay = replay_of(running)
    http.get("/health")
    kept = len(replay.memo)
    params = {"query": "SELECT (RAND() AS ?r) {}"}
    answers = {http.get("/sparql", params=params).content for _ in range(3)}
    assert len(answers) == 3
    assert len(replay.memo) == kept


def test_answers_larger_than_an_eighth_of_the_room_are_not_kept(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    root = tmp_path_factory.mktemp("replay-small")
    settings = Settings(store=str(root / "store"), query_workers=0, result_memo_bytes=16_384)
    numbers = " ".join(map(str, range(1000)))
    with Server(settings) as server, httpx.Client(base_url=server.url) as http:
        small = http.get("/sparql", params={"query": "SELECT ?n WHERE { VALUES ?n { 1 } }"})
        assert len(small.content) < 2048
        replay = replay_of(server)
        assert len(replay.memo) == 1
        big = http.get(
            "/sparql", params={"query": f"SELECT ?n WHERE {{ VALUES ?n {{ {numbers} }} }}"}
        )
        assert len(big.content) > 2048 and len(big.json()["results"]["bindings"]) == 1000
        assert len(replay.memo) == 1
