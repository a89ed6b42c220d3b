"""Property-based tests over the OpenAPI description: whatever a client sends, no 5xx.

The description is the app's own (built in-process with the main test server's limits, so it is
the document the server publishes at /openapi.json); every generated request goes to the real
server.
"""

from __future__ import annotations

import json

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from api.app import create_app
from graph.settings import Settings

pytestmark = pytest.mark.slow


@schemathesis.serializer(
    "application/sparql-query",
    "application/sparql-update",
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
)
def _as_text(ctx: object, value: object) -> bytes:
    """Bodies of the text media types: a generated string as UTF-8, anything else as JSON."""
    return value.encode() if isinstance(value, str) else json.dumps(value).encode()


schemathesis.serializer.alias("application/ld+json", "application/json")

schema = schemathesis.openapi.from_dict(
    create_app(Settings(store=":memory:", max_rows=50, write_token="x" * 20)).openapi()
)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_server_errors(case: schemathesis.Case, server: str) -> None:
    response = case.call(base_url=server, timeout=30)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} {case.query} -> {response.status_code}: "
        f"{response.text[:500]}"
    )


def test_the_published_description_is_the_one_tested(server: str) -> None:
    published = httpx.get(f"{server}/openapi.json").json()
    assert set(published["paths"]) == set(schema.raw_schema["paths"])
