"""The SPARQL 1.1 Protocol endpoint for queries (``/sparql``).

Query by GET, by POST of a form, or by POST of ``application/sparql-query``; results in the
format the ``Accept`` header prefers (SPARQL JSON by default for SELECT/ASK, Turtle for graphs).
"""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from api.deps import SettingsDep, StoreDep
from api.negotiation import best
from graph.errors import ParameterError, UnsupportedFormatError, UnsupportedMediaTypeError
from graph.formats import RESULTS_FORMATS, rdf_format
from graph.namespaces import PREFIXES
from graph.results import (
    AskResult,
    GraphResult,
    QueryResult,
    serialize_ask,
    serialize_select,
    serialize_triples,
)
from graph.settings import Settings
from graph.store import GraphStore

router = APIRouter(tags=["sparql"])

SOLUTION_TYPES = [
    RESULTS_FORMATS["json"],
    "application/json",
    RESULTS_FORMATS["xml"],
    "application/xml",
    RESULTS_FORMATS["csv"],
    RESULTS_FORMATS["tsv"],
]
GRAPH_TYPES = [
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
    "application/ld+json",
    "text/n3",
]


def _single(values: dict[str, list[str]], name: str) -> str | None:
    found = values.get(name, [])
    if len(found) > 1:
        raise ParameterError(name, f"give one '{name}' parameter, not {len(found)}")
    return found[0] if found else None


def _render(result: QueryResult, accept: str | None) -> Response:
    headers = {"Vary": "Accept"}
    if isinstance(result, GraphResult):
        chosen = best(accept, GRAPH_TYPES)
        if chosen is None:
            raise UnsupportedFormatError(
                f"cannot answer this CONSTRUCT/DESCRIBE as {accept}; offered: "
                + ", ".join(GRAPH_TYPES)
            )
        body = serialize_triples(result.triples, rdf_format(chosen), PREFIXES)
        if result.truncated:
            headers["S3KG-Results-Truncated"] = "true"
        return Response(body, media_type=chosen, headers=headers)
    chosen = best(accept, SOLUTION_TYPES)
    if chosen is None:
        raise UnsupportedFormatError(
            f"cannot answer this query as {accept}; offered: " + ", ".join(SOLUTION_TYPES)
        )
    canonical = {"application/json": RESULTS_FORMATS["json"],
                 "application/xml": RESULTS_FORMATS["xml"]}.get(chosen, chosen)
    if isinstance(result, AskResult):
        body = serialize_ask(result, canonical)
    else:
        body = serialize_select(result, canonical)
        if result.truncated:
            headers["S3KG-Results-Truncated"] = "true"
    return Response(body, media_type=chosen, headers=headers)


def _run(store: GraphStore, settings: Settings, values: dict[str, list[str]]) -> QueryResult:
    query = _single(values, "query")
    if query is None:
        raise ParameterError("query", "missing: send the SPARQL query in the 'query' parameter")
    default_graphs = values.get("default-graph-uri") or None
    named_graphs = values.get("named-graph-uri") or None
    return store.query(
        query,
        default_graph=default_graphs,
        named_graphs=named_graphs,
        max_rows=settings.max_rows,
    )


@router.get("/sparql", operation_id="sparql_query_get", summary="SPARQL query (GET)")
async def query_get(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """Run the SPARQL query given in the ``query`` URL parameter."""
    values = parse_qs(request.url.query, keep_blank_values=True)
    result = await run_in_threadpool(_run, store, settings, values)
    return _render(result, request.headers.get("accept"))


@router.post("/sparql", operation_id="sparql_query_post", summary="SPARQL query (POST)")
async def query_post(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """Run a SPARQL query sent as a form or as ``application/sparql-query``."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    values = parse_qs(request.url.query, keep_blank_values=True)
    if content_type == "application/x-www-form-urlencoded":
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        if "query" in form and "query" in values:
            raise ParameterError("query", "give the query either in the URL or in the body")
        for key, items in form.items():
            values.setdefault(key, []).extend(items)
    elif content_type == "application/sparql-query":
        if "query" in values:
            raise ParameterError("query", "give the query either in the URL or in the body")
        values["query"] = [body.decode("utf-8")]
    else:
        raise UnsupportedMediaTypeError(
            f"unsupported Content-Type {content_type or '(none)'}: send "
            "application/x-www-form-urlencoded or application/sparql-query"
        )
    result = await run_in_threadpool(_run, store, settings, values)
    return _render(result, request.headers.get("accept"))
