"""The named queries of the catalogue, one HTTP endpoint each (``/queries/{name}``).

The routes are generated when the app is built, one per :class:`graph.catalog.NamedQuery`, with
each query parameter typed in the OpenAPI schema from its declared type (numbers with their
range, enums as their values, codes with a pattern and an example), so adding a ``.rq`` file adds
a documented endpoint without code. Answers are JSON (row objects with plain values, paging
metadata and links) or CSV (``Accept: text/csv`` or ``?format=csv``), paged by ``limit`` and
``offset``. ``/queries`` lists them (JSON, or RDF in the SIB ``sparql-examples`` style).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.params import Query as QueryInfo

from api.answers import answer_named
from api.caching import not_modified, request_tag
from api.deps import CatalogDep, LinksDep, guarded, remembered
from api.media import CSV, GRAPH_TYPES, JSON, JSON_LD, from_name
from api.negotiation import best
from api.rdf import ALL_PREFIXES
from api.rendering import write_triples
from api.replay import remember
from api.routes.sparql import answer_response
from api.urls import Links
from graph.catalog import Catalog, NamedQuery, Parameter, self_contained, to_sparql_examples
from graph.errors import InputError, UnsupportedFormatError
from graph.guard import QueryGuard
from graph.memo import deterministic
from graph.settings import Settings

Endpoint = Callable[..., Awaitable[Response]]

RESERVED = ("limit", "offset", "format")
"""Query-string names every named-query endpoint uses for paging and format."""

_PATTERNS = {
    "date": r"^(\d{4}-\d{2}-\d{2}|today)$",
    "nuts": r"^([A-Za-z]{2}[A-Za-z0-9]{0,3}|http://data\.europa\.eu/nuts/code/[A-Za-z0-9]+)$",
    "nace": r"^([A-Za-z]|[A-Za-z]?\d{2}(\.\d{1,2})?|\d{3,4}|http://data\.europa\.eu/ux2/nace2/\w+)$",
    "country": r"^[A-Za-z]{2}$",
    "iri": r"^\S+$",
    "id": r"^([a-z0-9._~-]+|https?://\S+)$",
}
_SAMPLES = {
    "date": "2025-01-01",
    "nuts": "ITC4",
    "nace": "C28",
    "country": "IT",
    "iri": "https://w3id.org/s3kg/ontology#Cluster",
    "id": "example",
    "string": "text",
}
_TABLE_TYPES = [JSON, CSV]
_GRAPH_TYPES = [JSON_LD, *(t for t in GRAPH_TYPES if t not in (JSON_LD, JSON))]
_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "description": "The rows (JSON objects, or CSV), or the graph of a CONSTRUCT query.",
        "content": {JSON: {}, CSV: {}},
    },
    400: {"description": "A parameter is invalid; the problem names it."},
    406: {"description": "The result cannot be written in a format the client accepts."},
    422: {"description": "A parameter has the wrong type; the problem names it."},
    503: {"description": "The query ran past the time limit and was stopped."},
}


def operation_id(name: str) -> str:
    """The stable OpenAPI operation id of a named query.

    >>> operation_id("alignment-ranking")
    'query_alignment_ranking'
    """
    return "query_" + name.replace("-", "_")


def _typed(parameter: Parameter) -> tuple[Any, QueryInfo]:
    """The Python type and the FastAPI ``Query`` of one catalogue parameter."""
    description = parameter.description.rstrip(".")
    description += f". Default: {parameter.default}." if parameter.default else "."
    sample = parameter.example or parameter.default
    options: dict[str, Any] = {"alias": parameter.name, "description": description}
    kind: Any
    if parameter.many:
        kind = list[str]
        description += " Several values: repeat the parameter, or separate them with commas."
        options["description"] = description
        if sample:
            options["examples"] = [sample.split(",")]
    elif parameter.type == "integer":
        kind = int
        options.update(ge=parameter.minimum, le=parameter.maximum)
    elif parameter.type == "float":
        kind = float
        options.update(ge=parameter.minimum, le=parameter.maximum, allow_inf_nan=False)
    elif parameter.type == "boolean":
        kind = bool
    elif parameter.type == "enum":
        kind = Literal.__getitem__(parameter.values)
    else:
        kind = str
        options.update(min_length=1, max_length=1000, pattern=_PATTERNS.get(parameter.type))
        sample = sample or _SAMPLES.get(parameter.type)
    if sample and "examples" not in options:
        options["examples"] = [_example(kind, sample)]
    return kind, Query(**options)


def _example(kind: Any, sample: str) -> object:
    """An example value of the parameter's type (the header writes them as text)."""
    try:
        if kind is int:
            return int(sample)
        if kind is float:
            return float(sample)
    except ValueError:
        return sample
    if kind is bool:
        return sample.lower() in ("true", "1", "yes")
    return sample


def _text(value: Any) -> str | None:
    """A typed parameter value back as the text the catalogue validates."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def _annotated(kind: Any, info: Any) -> Any:
    """``Annotated[kind, info]`` for a type known only when the app is built."""
    return Annotated[kind, info]


def _signature(query: NamedQuery, max_rows: int) -> inspect.Signature:
    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [inspect.Parameter("request", keyword, annotation=Request)]
    for parameter in query.parameters:
        kind, info = _typed(parameter)
        annotation = _annotated(kind if parameter.required else kind | None, info)
        default: object = inspect.Parameter.empty if parameter.required else None
        parameters.append(
            inspect.Parameter(
                f"p_{parameter.name}", keyword, annotation=annotation, default=default
            )
        )
    limit = Query(
        alias="limit",
        ge=0,
        le=max_rows,
        description=f"Rows per page (default and most: {max_rows}).",
    )
    offset = Query(alias="offset", ge=0, description="Rows to skip first.")
    format = Query(alias="format", description="The answer's format; wins over the Accept header.")
    common: list[tuple[str, Any, object]] = [
        ("opt_limit", Annotated[int | None, limit], None),
        ("opt_offset", Annotated[int, offset], 0),
        ("opt_format", Annotated[Literal["json", "csv"] | None, format], None),
    ]
    for name, annotation, start in common:
        parameters.append(inspect.Parameter(name, keyword, annotation=annotation, default=start))
    return inspect.Signature(parameters, return_annotation=Response)


def _media_type(query: NamedQuery, accept: str | None, format: str | None) -> str:
    graph = query.form in ("CONSTRUCT", "DESCRIBE")
    offered = _GRAPH_TYPES if graph else _TABLE_TYPES
    if format is not None:
        chosen = {"json": JSON_LD if graph else JSON, "csv": None if graph else CSV}[format]
    else:
        chosen = best(accept, offered)
    if chosen is None:
        raise UnsupportedFormatError(
            f"the query {query.name} answers in {', '.join(offered)}, not {format or accept}"
        )
    return chosen


def _endpoint(query: NamedQuery, max_rows: int) -> Endpoint:
    run = remembered if deterministic(query.sparql) else guarded

    async def endpoint(request: Request, **values: Any) -> Response:
        settings: Settings = request.app.state.settings
        guard: QueryGuard = request.app.state.guard
        raw = {p.name: _text(values[f"p_{p.name}"]) for p in query.parameters}
        raw = {name: value for name, value in raw.items() if value is not None}
        limit = values["opt_limit"] if values["opt_limit"] is not None else max_rows
        offset = values["opt_offset"]
        media_type = _media_type(query, request.headers.get("accept"), values["opt_format"])
        query.arguments(raw, base_iri=settings.base_iri)  # bad values: 400 before any work
        tag = request_tag(request)
        cached = not_modified(request, tag)
        if cached is not None:
            return cached
        links = {
            "self": str(request.url),
            "next": str(request.url.include_query_params(offset=offset + limit)),
        }
        answer = await run(guard, answer_named, query, raw, limit, offset, media_type, links)
        if run is remembered:
            remember(request.scope)
        return answer_response(answer, tag)

    endpoint.__name__ = operation_id(query.name)
    endpoint.__doc__ = query.description or query.summary
    endpoint.__signature__ = _signature(query, max_rows)  # type: ignore[attr-defined]
    return endpoint


def _listing(catalog: Catalog, links: Links) -> dict[str, object]:
    return {
        "queries": [
            {
                **query.describe(),
                "href": links.url(f"queries/{query.name}"),
                **({"sparql": self_contained(query)} if query.form != "COMPUTED" else {}),
            }
            for query in catalog
        ],
        "_links": {"self": {"href": links.url("queries")}, "sparql": {"href": links.sparql}},
    }


async def list_queries(request: Request, catalog: CatalogDep, links: LinksDep) -> Response:
    """The named queries with their parameters (JSON), or as SPARQL examples (RDF by Accept)."""
    formats = request.query_params.getlist("format")
    if formats:
        chosen = JSON if formats[0].lower() == "json" else from_name(formats[0], _GRAPH_TYPES, 1)
    else:
        chosen = best(request.headers.get("accept"), [JSON, *_GRAPH_TYPES])
    if chosen is None:
        raise UnsupportedFormatError(
            "the list of queries is JSON or RDF (" + ", ".join(_GRAPH_TYPES) + ")"
        )
    if chosen == JSON:
        body = json.dumps(_listing(catalog, links), ensure_ascii=False).encode()
        return Response(body, media_type=JSON, headers={"Vary": "Accept"})
    triples = to_sparql_examples(catalog, links.base_iri, endpoint=links.sparql)
    return Response(
        write_triples(triples, chosen, ALL_PREFIXES), media_type=chosen, headers={"Vary": "Accept"}
    )


def build_router(catalog: Catalog, max_rows: int) -> APIRouter:
    """The routes of the named queries: the listing and one endpoint per query."""
    router = APIRouter(tags=["named queries"])
    router.add_api_route(
        "/queries",
        list_queries,
        methods=["GET"],
        operation_id="list_queries",
        summary="The named queries",
        response_model=None,
        responses={200: {"content": {JSON: {}, "text/turtle": {}, JSON_LD: {}}}},
    )
    router.add_api_route(
        "/.well-known/sparql-examples",
        list_queries,
        methods=["GET"],
        operation_id="sparql_examples",
        summary="The named queries as SPARQL examples (SIB sparql-examples)",
        response_model=None,
        include_in_schema=False,
    )
    for query in catalog:
        clash = [p.name for p in query.parameters if p.name in RESERVED]
        if clash:
            raise InputError(
                f"the named query {query.name} has a parameter called {clash[0]}, a name every "
                f"query endpoint already uses ({', '.join(RESERVED)}); rename it"
            )
        router.add_api_route(
            f"/queries/{query.name}",
            _endpoint(query, max_rows),
            methods=["GET"],
            operation_id=operation_id(query.name),
            summary=query.summary,
            description=query.description or query.summary,
            response_model=None,
            responses=_RESPONSES,
        )
    return router
