"""Linked data: entity IRIs dereference, and the ontology IRI serves the ontology.

``{base}id/{path}`` is served at ``/id/{path}``, which answers ``303 See Other`` to the document
``/doc/{path}`` about it (the IRI names the thing, the document describes it). The document is
HTML for browsers and Turtle, JSON-LD (compacted), RDF/XML or N-Triples for programs, by
``Accept`` or ``?format=``. The ontology IRI is served at ``/ontology``: its HTML documentation,
or the ontology itself in RDF.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from pyoxigraph import NamedNode, RdfFormat, Triple, parse

import graph
from api.answers import graph_document
from api.caching import not_modified, request_tag
from api.deps import GuardDep, LinksDep, StoreDep, guarded, remembered
from api.entity import entity_page, entity_rdf
from api.media import (
    FORMAT_PARAMETERS,
    GRAPH_TYPES,
    HTML,
    JSON,
    JSON_LD,
    N_TRIPLES,
    RDF_XML,
    TURTLE,
    pick,
)
from api.rendering import write_triples
from api.replay import remember
from graph.errors import NotFoundError, UnsupportedFormatError
from graph.ontology_doc import render_html
from graph.resources import ontology_dir

router = APIRouter(tags=["linked data"])
templates = Jinja2Templates(directory=Path(__file__).resolve().parents[1] / "templates")

DOCUMENT_TYPES = [TURTLE, HTML, JSON_LD, RDF_XML, N_TRIPLES, JSON]
"""What an entity's document is offered as (Turtle when the client has no preference)."""


def _chosen(request: Request, offered: list[str]) -> str:
    formats = [v for name in FORMAT_PARAMETERS for v in request.query_params.getlist(name)]
    accept = request.headers.get("accept")
    chosen = pick(accept, formats, offered, 1)
    if chosen is None:
        raise UnsupportedFormatError(
            f"this document is offered as {', '.join(offered)}, not {', '.join(formats) or accept}"
        )
    return chosen


@router.get(
    "/id/{path:path}",
    operation_id="entity",
    summary="An entity (redirects to its document)",
    status_code=303,
    response_model=None,
    responses={303: {"description": "See the document about the entity."}},
)
async def entity(path: str, request: Request) -> Response:
    """The IRI of an entity: ``303 See Other`` to the document describing it."""
    target = f"/doc/{path}"
    if request.url.query:
        target += f"?{request.url.query}"
    return RedirectResponse(target, status_code=303, headers={"Vary": "Accept"})


@router.get(
    "/doc/{path:path}",
    operation_id="entity_document",
    summary="The document about an entity",
    response_model=None,
    responses={
        200: {"content": {t: {} for t in DOCUMENT_TYPES}},
        404: {"description": "The knowledge graph says nothing about this entity."},
    },
)
async def document(path: str, request: Request, guard: GuardDep, links: LinksDep) -> Response:
    """What the knowledge graph says about the entity ``{base}id/{path}``."""
    iri = links.iri_of_path(path)
    try:
        NamedNode(iri)
    except ValueError:
        raise NotFoundError(f"{iri} is not an IRI s3kg could have made") from None
    chosen = _chosen(request, DOCUMENT_TYPES)
    tag = request_tag(request)
    cached = not_modified(request, tag)
    if cached is not None:
        return cached
    headers = {"Vary": "Accept", **({"ETag": tag} if tag else {})}
    if chosen == HTML:
        page = await remembered(guard, entity_page, iri)
        if page is None:
            raise NotFoundError(f"the knowledge graph says nothing about {iri}")
        return templates.TemplateResponse(
            request,
            "doc.html",
            {
                "version": graph.__version__,
                "page": page,
                "links": links,
                "alternates": _alternates(path),
            },
            headers=headers,
        )
    body = await remembered(guard, entity_rdf, iri, chosen)
    remember(request.scope)
    headers["Link"] = f'<{iri}>; rel="describes"'
    return Response(body, media_type=chosen, headers=headers)


def _alternates(path: str) -> list[tuple[str, str, str]]:
    return [
        ("Turtle", TURTLE, f"/doc/{path}?format=turtle"),
        ("JSON-LD", JSON_LD, f"/doc/{path}?format=jsonld"),
        ("RDF/XML", RDF_XML, f"/doc/{path}?format=rdfxml"),
        ("N-Triples", N_TRIPLES, f"/doc/{path}?format=ntriples"),
    ]


@lru_cache(maxsize=1)
def _ontology_html() -> str:
    return render_html()


def _bundled_ontology() -> list[Triple]:
    path = ontology_dir() / "s3kg.ttl"
    return [
        Triple(q.subject, q.predicate, q.object)
        for q in parse(path=str(path), format=RdfFormat.TURTLE)
    ]


@router.get(
    "/ontology",
    operation_id="ontology",
    summary="The s3kg ontology",
    response_model=None,
    responses={200: {"content": {t: {} for t in (HTML, *GRAPH_TYPES)}}},
)
async def ontology(request: Request, guard: GuardDep, store: StoreDep) -> Response:
    """The ontology: its documentation for browsers, the OWL ontology in RDF for programs."""
    chosen = _chosen(request, [TURTLE, HTML, *GRAPH_TYPES[1:]])
    if chosen == HTML:
        html = await run_in_threadpool(_ontology_html)
        return HTMLResponse(html, headers={"Vary": "Accept"})
    try:
        body = await guarded(guard, graph_document, store.graphs.ontology, chosen)
    except NotFoundError:
        body = write_triples(await run_in_threadpool(_bundled_ontology), chosen)
    return Response(body, media_type=chosen, headers={"Vary": "Accept"})


# HEAD answers like GET, without the body; one operation in the API description.
router.add_api_route("/id/{path:path}", entity, methods=["HEAD"], include_in_schema=False)
router.add_api_route("/doc/{path:path}", document, methods=["HEAD"], include_in_schema=False)
router.add_api_route("/ontology", ontology, methods=["HEAD"], include_in_schema=False)
