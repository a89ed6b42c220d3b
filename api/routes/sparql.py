"""The SPARQL 1.1 Protocol endpoint (``/sparql``): queries, updates, and the service description.

Queries come by GET (``?query=``), by POST of a form, or by POST of ``application/sparql-query``;
``default-graph-uri`` and ``named-graph-uri`` name the dataset. Results come in the format the
``Accept`` header (or a ``format``/``output`` parameter) prefers: SPARQL JSON by default for
SELECT/ASK, Turtle for CONSTRUCT/DESCRIBE. Updates are POSTed (form field ``update`` or
``application/sparql-update``) with the write token. A bare GET describes the service (SPARQL
Service Description), or, for a browser, shows a page to write and run queries.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.templating import Jinja2Templates

import graph
from api.answers import answer_query
from api.auth import check_write
from api.caching import not_modified, request_tag
from api.deps import (
    CatalogDep,
    DumpsDep,
    GuardDep,
    LinksDep,
    SettingsDep,
    StoreDep,
    guarded,
    remembered,
)
from api.descriptions import service_description
from api.media import GRAPH_TYPES, HTML, TURTLE, Choice, pick
from api.protocol import (
    FORM,
    SPARQL_QUERY,
    SPARQL_UPDATE,
    Operation,
    operation,
    post_operation,
    query_values,
    unshift,
    with_base,
)
from api.rdf import ALL_PREFIXES
from api.rendering import Answer, write_triples
from api.replay import remember
from api.stats import current_stats
from api.update import with_using
from api.urls import Links
from graph.catalog import self_contained
from graph.errors import ParameterError, QuerySyntaxError, UnsupportedFormatError
from graph.guard import QueryGuard
from graph.memo import deterministic
from graph.settings import Settings
from graph.store import GraphStore

router = APIRouter(tags=["sparql"])
templates = Jinja2Templates(directory=Path(__file__).resolve().parents[1] / "templates")

TRUNCATED = "S3KG-Results-Truncated"
DESCRIPTION_TYPES = [TURTLE, HTML, *GRAPH_TYPES[1:]]

EXAMPLE_QUERY = """SELECT ?class (COUNT(?thing) AS ?things) WHERE {
  ?thing a ?class .
  FILTER(STRSTARTS(STR(?class), STR(s3:)))
}
GROUP BY ?class
ORDER BY DESC(?things)
"""


def _parameter(name: str, description: str, many: bool = False) -> dict[str, object]:
    schema: dict[str, object] = {"type": "string"}
    if many:
        schema = {"type": "array", "items": {"type": "string"}}
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
        **({"style": "form", "explode": True} if many else {}),
    }


_DATASET_PARAMETERS = [
    _parameter("default-graph-uri", "A graph of the query's default graph.", many=True),
    _parameter("named-graph-uri", "A graph the query may name with GRAPH.", many=True),
    _parameter("format", "A result format (json, xml, csv, tsv, turtle, ...); wins over Accept."),
]
_GET_DOC = {
    "parameters": [
        _parameter("query", "The SPARQL query; without it the service describes itself."),
        *_DATASET_PARAMETERS,
    ],
}
_POST_DOC = {
    "parameters": [
        *_DATASET_PARAMETERS,
        _parameter("using-graph-uri", "A graph of the update's default graph.", many=True),
        _parameter("using-named-graph-uri", "A named graph of the update's dataset.", many=True),
    ],
    "requestBody": {
        "required": True,
        "content": {
            FORM: {
                "schema": {
                    "type": "object",
                    "properties": {
                        "query": {"type": "string"},
                        "update": {"type": "string"},
                    },
                }
            },
            SPARQL_QUERY: {"schema": {"type": "string"}},
            SPARQL_UPDATE: {"schema": {"type": "string"}},
        },
    },
}
_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "description": "The results, in the negotiated format.",
        "content": {
            "application/sparql-results+json": {},
            "application/sparql-results+xml": {},
            "text/csv": {},
            "text/tab-separated-values": {},
            "text/turtle": {},
            "application/ld+json": {},
        },
    },
    400: {"description": "The query does not parse, or the parameters contradict each other."},
    406: {"description": "The result cannot be written in any format the client accepts."},
    503: {"description": "The query ran past the time limit and was stopped."},
}


def answer_response(answer: Answer, tag: str | None = None) -> Response:
    """The HTTP response carrying a serialised result."""
    headers = {"Vary": "Accept"}
    if answer.truncated:
        headers[TRUNCATED] = "true"
    if tag is not None:
        headers["ETag"] = tag
    return Response(answer.body, media_type=answer.media_type, headers=headers)


async def _answer(
    request: Request,
    op: Operation,
    guard: GuardDep,
    settings: Settings,
    endpoint: str,
    tag: str | None = None,
) -> Response:
    assert op.query is not None
    choice = Choice.of(request.headers.get("accept"), op.formats)
    dataset = (op.default_graphs, op.named_graphs) if op.has_dataset else None
    run = remembered if deterministic(op.query) else guarded
    try:
        answer = await run(
            guard, answer_query, with_base(op.query, endpoint), dataset, choice, settings.max_rows
        )
    except QuerySyntaxError as error:
        raise unshift(error) from None
    if run is remembered:
        remember(request.scope)
    return answer_response(answer, tag)


def _run_update(store: GraphStore, text: str) -> None:
    try:
        store.update(text)
    except QuerySyntaxError as error:
        raise unshift(error) from None


async def _describe(
    request: Request, op: Operation, catalog: CatalogDep, links: LinksDep
) -> Response:
    accept = request.headers.get("accept")
    chosen = pick(accept, op.formats, DESCRIPTION_TYPES, 1)
    if chosen is None:
        raise UnsupportedFormatError(
            f"the service description cannot be written as {accept}; ask for one of "
            + ", ".join(DESCRIPTION_TYPES)
        )
    if chosen == HTML:
        examples = [
            {"name": q.name, "summary": q.summary, "sparql": self_contained(q)}
            for q in catalog
            if q.form in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
        ]
        page = templates.TemplateResponse(
            request,
            "query.html",
            {"version": graph.__version__, "examples": examples, "default": EXAMPLE_QUERY},
        )
        page.headers["Vary"] = "Accept"
        return page
    stats = await current_stats(request)
    body = write_triples(service_description(stats, links), chosen, ALL_PREFIXES)
    return Response(body, media_type=chosen, headers={"Vary": "Accept"})


@router.get(
    "/sparql",
    operation_id="sparql_query_get",
    summary="SPARQL query (GET), or the service description",
    openapi_extra=_GET_DOC,
    responses=_RESPONSES,
    response_model=None,
)
async def query_get(request: Request) -> Response:
    """Run the SPARQL query given in the ``query`` URL parameter; without one, describe the
    service (RDF by ``Accept``, or an HTML query page for browsers)."""
    # The busiest route reads the app's state itself: resolving FastAPI dependencies costs
    # more than answering a remembered query.
    state = request.app.state
    guard: QueryGuard = state.guard
    settings: Settings = state.settings
    links = Links.of(request)
    op = operation(query_values(request.url.query))
    if op.update is not None:
        raise ParameterError(
            "update", "send updates with POST (form field 'update' or application/sparql-update)"
        )
    tag = request_tag(request)
    cached = not_modified(request, tag)
    if cached is not None:
        return cached
    if op.query is None:
        response = await _describe(request, op, state.catalog, links)
        if tag is not None:
            response.headers["ETag"] = tag
        return response
    return await _answer(request, op, guard, settings, links.sparql, tag)


@router.post(
    "/sparql",
    operation_id="sparql_post",
    summary="SPARQL query or update (POST)",
    openapi_extra=_POST_DOC,
    responses={**_RESPONSES, 204: {"description": "The update was applied."}},
    response_model=None,
)
async def query_post(
    request: Request,
    store: StoreDep,
    guard: GuardDep,
    settings: SettingsDep,
    dumps: DumpsDep,
    links: LinksDep,
) -> Response:
    """Run a SPARQL query (form field ``query`` or ``application/sparql-query``) or, with the
    write token, a SPARQL update (form field ``update`` or ``application/sparql-update``)."""
    op = await post_operation(request)
    if op.update is not None:
        check_write(request.headers.get("authorization"), settings)
        text = with_base(
            with_using(op.update, op.using_graphs, op.using_named_graphs), links.sparql
        )
        try:
            await run_in_threadpool(_run_update, store, text)
        finally:
            dumps.refresh()
        return Response(status_code=204)
    if op.query is None:
        raise ParameterError("query", "missing: send a 'query' (or an 'update')")
    return await _answer(request, op, guard, settings, links.sparql)
