"""How the service behaves under load and at its limits: time limits, rows, bodies, caching,
CORS, compression, writes and their authorisation."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_a_slow_query_is_stopped_with_503_and_the_service_keeps_answering(
    http: httpx.Client, server: str
) -> None:
    outcome: dict[str, httpx.Response] = {}

    def slow() -> None:
        with httpx.Client(base_url=server, timeout=60) as client:
            outcome["slow"] = client.get("/sparql", params={"query": SLOW})

    started = time.monotonic()
    worker = threading.Thread(target=slow)
    worker.start()
    time.sleep(0.5)
    health_started = time.monotonic()
    assert http.get("/health").status_code == 200
    assert time.monotonic() - health_started < 0.5  # the event loop is not blocked
    fast = http.get("/sparql", params={"query": "ASK { ?s a s3:Cluster }"})
    assert fast.json()["boolean"] is True  # the other worker answers meanwhile
    worker.join()
    response = outcome["slow"]
    assert 2.5 < time.monotonic() - started < 10  # stopped at the 3 s limit
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert "3 s limit" in response.json()["detail"]
    for _ in range(3):  # the killed worker is replaced; queries keep working
        again = http.get("/sparql", params={"query": "ASK { ?s a s3:SME }"})
        assert again.json()["boolean"] is True


def test_results_are_capped_at_max_rows_and_the_cut_is_signalled(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"query": "SELECT ?s WHERE { ?s a s3:SME }"})
    assert len(response.json()["results"]["bindings"]) == 50
    assert response.headers["S3KG-Results-Truncated"] == "true"
    small = http.get("/sparql", params={"query": "SELECT ?s WHERE { ?s a s3:Cluster }"})
    assert "S3KG-Results-Truncated" not in small.headers


def test_a_body_over_the_limit_is_413(http: httpx.Client) -> None:
    query = "ASK {}" + " " * (64 * 1024)
    response = http.post(
        "/sparql", content=query, headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_a_chunked_body_over_the_limit_is_413(http: httpx.Client) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        yield b"ASK {}"
        for _ in range(80):
            yield b" " * 1024

    response = http.post(
        "/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 413


def test_etag_and_if_none_match(http: httpx.Client, auth: dict[str, str]) -> None:
    params = {"query": "SELECT ?c WHERE { ?c a s3:Cluster }"}
    first = http.get("/sparql", params=params)
    tag = first.headers["etag"]
    assert tag.startswith('W/"')
    again = http.get("/sparql", params=params, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    other_format = http.get(
        "/sparql", params=params, headers={"If-None-Match": tag, "Accept": "text/csv"}
    )
    assert other_format.status_code == 200
    write = http.post(
        "/sparql",
        data={
            "update": "INSERT DATA { GRAPH <http://example.org/etag> { <http://example.org/a> "
            "<http://example.org/p> 1 } }"
        },
        headers=auth,
    )
    assert write.status_code == 204
    after = http.get("/sparql", params=params, headers={"If-None-Match": tag})
    assert after.status_code == 200  # the store changed, so the tag did
    assert after.headers["etag"] != tag
    http.post("/sparql", data={"update": "DROP GRAPH <http://example.org/etag>"}, headers=auth)


def test_answers_given_again_follow_every_change_of_the_data(
    http: httpx.Client, auth: dict[str, str]
) -> None:
    query = "SELECT ?o WHERE { GRAPH <http://example.org/memo> { ?s ?p ?o } }"
    graph = "<http://example.org/memo>"

    def values() -> list[str]:
        response = http.get("/sparql", params={"query": query})
        assert response.status_code == 200
        return sorted(b["o"]["value"] for b in response.json()["results"]["bindings"])

    try:
        for n in range(1, 4):
            update = f"INSERT DATA {{ GRAPH {graph} {{ <http://example.org/a> <urn:p> {n} }} }}"
            assert http.post("/sparql", data={"update": update}, headers=auth).status_code == 204
            assert values() == [str(k) for k in range(1, n + 1)]
            assert values() == [str(k) for k in range(1, n + 1)]  # asked again: the same
        assert http.post("/sparql", data={"update": f"DROP GRAPH {graph}"}, headers=auth)
        assert values() == []
    finally:
        http.post("/sparql", data={"update": f"DROP SILENT GRAPH {graph}"}, headers=auth)


def test_queries_with_volatile_functions_are_run_every_time(http: httpx.Client) -> None:
    params = {"query": "SELECT (STRUUID() AS ?u) {}"}
    seen = {
        http.get("/sparql", params=params).json()["results"]["bindings"][0]["u"]["value"]
        for _ in range(3)
    }
    assert len(seen) == 3


def test_cors_allows_the_configured_origin_only(http: httpx.Client, origin: str) -> None:
    allowed = http.get("/health", headers={"Origin": origin})
    assert allowed.headers["access-control-allow-origin"] == origin
    assert "access-control-allow-credentials" not in allowed.headers
    assert "ETag" in allowed.headers["access-control-expose-headers"]
    other = http.get("/health", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers
    preflight = http.options(
        "/sparql",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_large_answers_are_gzipped(http: httpx.Client) -> None:
    response = http.get(
        "/sparql",
        params={"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 50"},
        headers={"Accept-Encoding": "gzip"},
    )
    assert response.headers["content-encoding"] == "gzip"
    assert len(response.json()["results"]["bindings"]) == 50


@pytest.mark.parametrize(
    ("headers", "status", "challenge"),
    [
        pytest.param({}, 401, 'Bearer realm="s3kg"', id="no-token"),
        pytest.param(
            {"Authorization": "Bearer wrong-token-wrong-token"},
            401,
            'Bearer realm="s3kg", error="invalid_token"',
            id="wrong-token",
        ),
        pytest.param(
            {"Authorization": "Basic dXNlcjpwYXNz"}, 401, 'Bearer realm="s3kg"', id="basic"
        ),
    ],
)
def test_updates_need_the_write_token(
    http: httpx.Client, headers: dict[str, str], status: int, challenge: str
) -> None:
    response = http.post("/sparql", data={"update": "CLEAR ALL"}, headers=headers)
    assert response.status_code == status
    assert response.headers["www-authenticate"] == challenge
    assert http.get("/sparql", params={"query": "ASK { ?s a s3:SME }"}).json()["boolean"]


def test_a_service_without_a_token_is_read_only(readonly_server: str) -> None:
    with httpx.Client(base_url=readonly_server) as client:
        update = client.post(
            "/sparql",
            data={"update": "CLEAR ALL"},
            headers={"Authorization": "Bearer anything-at-all-anything"},
        )
        assert update.status_code == 403
        assert "read-only" in update.json()["detail"]
        put = client.put(
            "/store",
            params={"graph": "http://example.org/g"},
            content=b"<http://example.org/a> <http://example.org/b> 1 .",
            headers={"Content-Type": "application/n-triples"},
        )
        assert put.status_code == 403
        assert client.get("/sparql", params={"query": "ASK {}"}).json()["boolean"] is True


def test_an_update_with_the_token_changes_the_data(
    http: httpx.Client, auth: dict[str, str]
) -> None:
    graph = "http://example.org/update-test"
    update = (
        f'INSERT DATA {{ GRAPH <{graph}> {{ <http://example.org/s> <http://example.org/p> "v" }} }}'
    )
    response = http.post(
        "/sparql", content=update, headers={**auth, "Content-Type": "application/sparql-update"}
    )
    assert response.status_code == 204
    ask = http.get("/sparql", params={"query": f'ASK {{ GRAPH <{graph}> {{ ?s ?p "v" }} }}'})
    assert ask.json()["boolean"] is True
    http.post("/sparql", data={"update": f"DROP GRAPH <{graph}>"}, headers=auth)
    gone = http.get("/sparql", params={"query": f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"})
    assert gone.json()["boolean"] is False


def test_a_malformed_update_is_400_with_its_position(
    http: httpx.Client, auth: dict[str, str]
) -> None:
    response = http.post("/sparql", data={"update": "INSERT DATA {\n  <a> <b> \n}"}, headers=auth)
    assert response.status_code == 400
    assert response.json()["line"] == 3


def test_unknown_paths_are_404_problems(http: httpx.Client) -> None:
    response = http.get("/nowhere")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
