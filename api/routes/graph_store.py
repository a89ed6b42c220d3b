"""The SPARQL 1.1 Graph Store HTTP Protocol: indirect identification at ``/store``, direct at
``/graph/...``.

At ``/store``, ``?graph=IRI`` names a named graph and ``?default`` the store's own default graph.
The graphs s3kg names under its base IRI (``{base}graph/source/clusters``, ``{base}graph/derived``,
graphs created by POST) are also identified directly: ``/graph/source/clusters`` on the server is
that graph, as ``/id/...`` is the entity of the same path, so graph IRIs dereference. GET and HEAD
are open to everyone; PUT (replace), POST (merge, or create a new graph when no graph is named)
and DELETE need the write token. Graphs are sent and returned in any RDF graph syntax s3kg reads
and writes (Turtle, N-Triples, RDF/XML, JSON-LD); a POST may also carry several such documents
as ``multipart/form-data``.
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import uuid
from collections.abc import Iterator

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from pyoxigraph import NamedNode, RdfFormat, Triple, parse

import graph
from api.answers import graph_document, graph_exists
from api.auth import check_write
from api.caching import not_modified, request_tag
from api.deps import DumpsDep, GuardDep, LinksDep, SettingsDep, StoreDep, remembered
from api.dumps import Dumps
from api.media import FORMAT_PARAMETERS, GRAPH_TYPES, pick
from api.protocol import query_values
from api.replay import remember
from api.urls import Links
from graph.errors import (
    InputError,
    NotFoundError,
    ParameterError,
    UnsupportedFormatError,
    UnsupportedMediaTypeError,
)
from graph.provenance import LoadRecord, now
from graph.store import GraphStore

router = APIRouter(tags=["graph store"])

_TARGET_DOC = {
    "parameters": [
        {
            "name": "graph",
            "in": "query",
            "required": False,
            "description": "The IRI of the named graph.",
            "schema": {"type": "string", "format": "iri"},
        },
        {
            "name": "default",
            "in": "query",
            "required": False,
            "allowEmptyValue": True,
            "description": "Present (without a value) to name the default graph.",
            "schema": {"type": "string"},
        },
    ]
}
_BODY_DOC = {
    **_TARGET_DOC,
    "requestBody": {
        "required": True,
        "content": {
            "text/turtle": {"schema": {"type": "string"}},
            "application/n-triples": {"schema": {"type": "string"}},
            "application/rdf+xml": {"schema": {"type": "string"}},
            "application/ld+json": {"schema": {"type": "string"}},
        },
    },
}
_GRAPH_FORMATS = {
    "text/turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/rdf+xml": RdfFormat.RDF_XML,
    "application/ld+json": RdfFormat.JSON_LD,
    "text/n3": RdfFormat.N3,
}
_WRITE_RESPONSES: dict[int | str, dict[str, object]] = {
    201: {"description": "The graph was created."},
    204: {"description": "The graph was replaced, merged into or deleted."},
    401: {"description": "The write token is missing or wrong."},
    403: {"description": "The service is read-only."},
}


def _target(request: Request) -> str | None:
    """The graph the request names (None: the default graph); 400 unless exactly one."""
    values = query_values(request.url.query)
    graphs = values.get("graph", [])
    if "default" in values and graphs:
        raise ParameterError("graph", "name a graph or the default graph, not both")
    if "default" in values:
        return None
    if len(graphs) != 1:
        raise ParameterError(
            "graph", "name one graph: ?graph=IRI for a named graph, or ?default for the default"
        )
    try:
        return NamedNode(graphs[0]).value
    except ValueError:
        raise ParameterError("graph", f"{graphs[0]!r} is not an absolute IRI") from None


def _body_format(content_type: str | None) -> RdfFormat:
    media_type = (content_type or "").split(";")[0].strip().lower()
    if not media_type:
        raise UnsupportedMediaTypeError("say what the body is with a Content-Type header")
    found = _GRAPH_FORMATS.get(media_type)
    if found is None:
        raise UnsupportedMediaTypeError(
            f"{media_type} is not an RDF graph syntax s3kg reads; send " + ", ".join(_GRAPH_FORMATS)
        )
    return found


def _parts(content_type: str, body: bytes) -> Iterator[tuple[str | None, bytes]]:
    """The (media type, content) of each part of a ``multipart/form-data`` body."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise InputError("the multipart body has no parts")
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        yield part.get("Content-Type"), payload if isinstance(payload, bytes) else b""


def _triples(body: bytes, content_type: str | None, base_iri: str) -> list[Triple]:
    """The triples of a request body (a graph document, or multipart documents)."""
    documents: list[tuple[str | None, bytes]]
    if (content_type or "").lower().startswith("multipart/form-data"):
        documents = list(_parts(content_type or "", body))
    else:
        documents = [(content_type, body)]
    triples: list[Triple] = []
    for part_type, data in documents:
        try:
            triples += [
                Triple(q.subject, q.predicate, q.object)
                for q in parse(data, _body_format(part_type), base_iri=base_iri)
            ]
        except SyntaxError as error:
            raise InputError(f"the request body does not parse: {error}") from None
    return triples


def _record(graph_iri: str, body: bytes, started: str) -> LoadRecord:
    return LoadRecord(
        graph=graph_iri,
        file_name="HTTP PUT",
        byte_size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
        rows=None,
        triples=0,
        loader="graph-store-protocol",
        loader_version=graph.__version__,
        started=started,
        ended=now(),
    )


def _insert(store: GraphStore, target: str | None, triples: list[Triple]) -> None:
    data = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
    if target is None:
        store.update(f"INSERT DATA {{\n{data}\n}}")
    else:
        store.update(f"INSERT DATA {{ GRAPH {NamedNode(target)} {{\n{data}\n}} }}")


def _put(store: GraphStore, target: str | None, body: bytes, media: str | None) -> bool:
    """Replace the target graph; True when it did not exist before."""
    if target is None:
        triples = _triples(body, media, _fallback_base(store))
        data = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
        store.update(f"DROP SILENT DEFAULT ;\nINSERT DATA {{\n{data}\n}}")
        return False
    created = not graph_exists(store, target)
    started = now()
    store.replace_graph(
        target, body, _body_format(media), base_iri=target, record=_record(target, body, started)
    )
    return created


def _post(store: GraphStore, target: str | None, body: bytes, media: str | None) -> bool:
    """Merge into the target graph; True when it did not exist before."""
    created = target is not None and not graph_exists(store, target)
    triples = _triples(body, media, target or _fallback_base(store))
    _insert(store, target, triples)
    return created


def _fallback_base(store: GraphStore) -> str:
    return store.graphs.base


def _head_or_get(request: Request, body: bytes, media_type: str, tag: str | None) -> Response:
    headers = {"Vary": "Accept"}
    if tag is not None:
        headers["ETag"] = tag
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(body))
        return Response(None, media_type=media_type, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


@router.get(
    "/store",
    operation_id="graph_store_get",
    summary="Get a graph",
    openapi_extra=_TARGET_DOC,
    response_model=None,
    responses={404: {"description": "There is no such graph."}},
)
async def store_get(request: Request, guard: GuardDep) -> Response:
    """A named graph (``?graph=IRI``) or the default graph (``?default``), in the RDF format
    the ``Accept`` header prefers (Turtle by default)."""
    return await _get(request, guard, _target(request))


async def _get(request: Request, guard: GuardDep, target: str | None) -> Response:
    values = query_values(request.url.query)
    formats = [v for name in FORMAT_PARAMETERS for v in values.get(name, [])]
    accept = request.headers.get("accept")
    chosen = pick(accept, formats, GRAPH_TYPES, 1)
    if chosen is None:
        raise UnsupportedFormatError(
            f"a graph cannot be written as {accept}; ask for one of {', '.join(GRAPH_TYPES)}"
        )
    tag = request_tag(request)
    cached = not_modified(request, tag)
    if cached is not None:
        return cached
    body = await remembered(guard, graph_document, target, chosen)
    remember(request.scope)
    return _head_or_get(request, body, chosen, tag)


@router.put(
    "/store",
    operation_id="graph_store_put",
    summary="Replace a graph",
    openapi_extra=_BODY_DOC,
    responses=_WRITE_RESPONSES,
    status_code=204,
    response_model=None,
)
async def store_put(
    request: Request, store: StoreDep, settings: SettingsDep, dumps: DumpsDep
) -> Response:
    """Replace the graph with the RDF in the body (write token needed)."""
    check_write(request.headers.get("authorization"), settings)
    return await _replace(request, store, dumps, _target(request))


async def _replace(
    request: Request, store: GraphStore, dumps: Dumps, target: str | None
) -> Response:
    body = await request.body()
    media = request.headers.get("content-type")
    try:
        created = await run_in_threadpool(_put, store, target, body, media)
    finally:
        dumps.refresh()
    return Response(status_code=201 if created else 204)


@router.post(
    "/store",
    operation_id="graph_store_post",
    summary="Add to a graph, or create one",
    openapi_extra={**_BODY_DOC, "parameters": _TARGET_DOC["parameters"]},
    responses=_WRITE_RESPONSES,
    status_code=204,
    response_model=None,
)
async def store_post(
    request: Request, store: StoreDep, settings: SettingsDep, dumps: DumpsDep, links: LinksDep
) -> Response:
    """Merge the RDF in the body into the graph; without ``graph`` or ``default``, create a new
    graph and answer with its IRI in ``Location`` (write token needed)."""
    check_write(request.headers.get("authorization"), settings)
    body = await request.body()
    values = query_values(request.url.query)
    if "graph" in values or "default" in values:
        return await _merge(request, store, dumps, _target(request), body)
    created_iri = f"{links.base_iri}graph/upload/{uuid.uuid4().hex}"
    response = await _merge(request, store, dumps, created_iri, body)
    response.status_code = 201
    response.headers["Location"] = created_iri
    return response


async def _merge(
    request: Request, store: GraphStore, dumps: Dumps, target: str | None, body: bytes
) -> Response:
    media = request.headers.get("content-type")
    try:
        created = await run_in_threadpool(_post, store, target, body, media)
    finally:
        dumps.refresh()
    return Response(status_code=201 if created else 204)


@router.delete(
    "/store",
    operation_id="graph_store_delete",
    summary="Delete a graph",
    openapi_extra=_TARGET_DOC,
    responses={**_WRITE_RESPONSES, 404: {"description": "There is no such graph."}},
    status_code=204,
    response_model=None,
)
async def store_delete(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    dumps: DumpsDep,
) -> Response:
    """Delete the graph (write token needed); deleting the default graph empties it."""
    check_write(request.headers.get("authorization"), settings)
    return await _delete(store, dumps, _target(request))


async def _delete(store: GraphStore, dumps: Dumps, target: str | None) -> Response:
    try:
        if target is None:
            await run_in_threadpool(store.update, "DROP SILENT DEFAULT")
            return Response(status_code=204)
        existed = await run_in_threadpool(store.drop_graph, target)
    finally:
        dumps.refresh()
    if not existed:
        raise NotFoundError(f"there is no graph {target} in the store")
    return Response(status_code=204)


# HEAD answers like GET, without the body; one operation in the API description.
router.add_api_route("/store", store_get, methods=["HEAD"], include_in_schema=False)


# -- direct identification: the graphs under the base IRI at their own paths -------------------

_DIRECT_PATH = "/graph/{path:path}"


def _direct(links: Links, path: str) -> str:
    """The graph a path under ``/graph/`` names: the same path under the base IRI."""
    if not path:
        raise NotFoundError("name a graph: /graph/source/clusters, for instance")
    try:
        return NamedNode(f"{links.base_iri}graph/{path}").value
    except ValueError:
        raise NotFoundError(f"graph/{path} is not a graph s3kg could have made") from None


@router.get(
    _DIRECT_PATH,
    operation_id="graph_get",
    summary="Get a graph by its own IRI",
    response_model=None,
    responses={404: {"description": "There is no such graph."}},
)
async def graph_get(request: Request, path: str, guard: GuardDep, links: LinksDep) -> Response:
    """The graph ``{base}graph/{path}`` (a source graph, the derived graph, the metadata graph,
    the ontology...), in the RDF format the ``Accept`` header prefers (Turtle by default)."""
    return await _get(request, guard, _direct(links, path))


@router.put(
    _DIRECT_PATH,
    operation_id="graph_put",
    summary="Replace a graph named by its own IRI",
    responses=_WRITE_RESPONSES,
    status_code=204,
    response_model=None,
    openapi_extra={"requestBody": _BODY_DOC["requestBody"]},
)
async def graph_put(
    request: Request,
    path: str,
    store: StoreDep,
    settings: SettingsDep,
    dumps: DumpsDep,
    links: LinksDep,
) -> Response:
    """Replace the graph ``{base}graph/{path}`` with the RDF in the body (write token needed)."""
    check_write(request.headers.get("authorization"), settings)
    return await _replace(request, store, dumps, _direct(links, path))


@router.post(
    _DIRECT_PATH,
    operation_id="graph_post",
    summary="Add to a graph named by its own IRI",
    responses=_WRITE_RESPONSES,
    status_code=204,
    response_model=None,
    openapi_extra={"requestBody": _BODY_DOC["requestBody"]},
)
async def graph_post(
    request: Request,
    path: str,
    store: StoreDep,
    settings: SettingsDep,
    dumps: DumpsDep,
    links: LinksDep,
) -> Response:
    """Merge the RDF in the body into the graph ``{base}graph/{path}`` (write token needed)."""
    check_write(request.headers.get("authorization"), settings)
    target = _direct(links, path)
    return await _merge(request, store, dumps, target, await request.body())


@router.delete(
    _DIRECT_PATH,
    operation_id="graph_delete",
    summary="Delete a graph named by its own IRI",
    responses={**_WRITE_RESPONSES, 404: {"description": "There is no such graph."}},
    status_code=204,
    response_model=None,
)
async def graph_delete(
    request: Request,
    path: str,
    store: StoreDep,
    settings: SettingsDep,
    dumps: DumpsDep,
    links: LinksDep,
) -> Response:
    """Delete the graph ``{base}graph/{path}`` (write token needed)."""
    check_write(request.headers.get("authorization"), settings)
    return await _delete(store, dumps, _direct(links, path))


router.add_api_route(_DIRECT_PATH, graph_get, methods=["HEAD"], include_in_schema=False)
