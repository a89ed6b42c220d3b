"""The dataset described and downloadable: VoID, a DCAT-AP 3 catalogue, and the dumps.

``/.well-known/void`` is the VoID description (RFC 5785 well-known location, VoID §7.2),
``/catalog`` the DCAT-AP catalogue, both in RDF by ``Accept`` (Turtle by default). ``/dumps``
lists the dump files; ``/dumps/{name}`` downloads one.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, JSONResponse

from api.caching import not_modified, request_tag
from api.deps import DumpsDep, LinksDep, SettingsDep
from api.descriptions import dcat_catalog, void_description
from api.errors import NotReadyError
from api.media import FORMAT_PARAMETERS, GRAPH_TYPES, pick
from api.rdf import ALL_PREFIXES
from api.rendering import write_triples
from api.stats import current_stats
from graph.errors import UnsupportedFormatError

router = APIRouter(tags=["dataset"])

_RDF: dict[int | str, dict[str, object]] = {200: {"content": {t: {} for t in GRAPH_TYPES}}}


def _chosen(request: Request) -> str:
    formats = [v for name in FORMAT_PARAMETERS for v in request.query_params.getlist(name)]
    accept = request.headers.get("accept")
    chosen = pick(accept, formats, GRAPH_TYPES, 1)
    if chosen is None:
        raise UnsupportedFormatError(
            f"this description is RDF: ask for one of {', '.join(GRAPH_TYPES)}, not {accept}"
        )
    return chosen


@router.get(
    "/.well-known/void",
    operation_id="void",
    summary="VoID description of the dataset",
    response_model=None,
    responses=_RDF,
)
async def void(
    request: Request, dumps: DumpsDep, links: LinksDep, settings: SettingsDep
) -> Response:
    """The dataset, its named graphs as subsets with their sizes, its endpoint and dumps."""
    chosen = _chosen(request)
    files = dumps.available()
    tag = request_tag(request, files.version)  # the dumps it lists may lag behind the data
    cached = not_modified(request, tag)
    if cached is not None:
        return cached
    stats = await current_stats(request)
    triples = void_description(stats, files, links, settings.license)
    return Response(
        write_triples(triples, chosen, ALL_PREFIXES),
        media_type=chosen,
        headers={"Vary": "Accept", **({"ETag": tag} if tag else {})},
    )


@router.get(
    "/catalog",
    operation_id="catalog",
    summary="DCAT-AP 3 catalogue of the dataset",
    response_model=None,
    responses=_RDF,
)
async def catalog(
    request: Request, dumps: DumpsDep, links: LinksDep, settings: SettingsDep
) -> Response:
    """The catalogue: the dataset and each named graph with licence, provenance, distributions
    (the dumps, with sizes and checksums) and the SPARQL endpoint as a data service."""
    chosen = _chosen(request)
    stats = await current_stats(request)
    files = dumps.available()
    triples = dcat_catalog(stats, files, links, settings.license)
    return Response(
        write_triples(triples, chosen, ALL_PREFIXES), media_type=chosen, headers={"Vary": "Accept"}
    )


@router.get("/dumps", operation_id="dumps", summary="The dump files")
async def list_dumps(dumps: DumpsDep, links: LinksDep) -> JSONResponse:
    """The dump files with what they hold, their size and SHA-256."""
    files = dumps.available()
    return JSONResponse(
        {
            "version": files.version or None,
            "complete": files.version == dumps.version,
            "dumps": [
                {
                    "name": f.name,
                    "href": links.url(f"dumps/{f.name}"),
                    "graph": f.graph,
                    "mediaType": f.media_type,
                    "compression": "gzip",
                    "bytes": f.size,
                    "sha256": f.sha256,
                    "triples": f.triples,
                }
                for f in files.files
            ],
        }
    )


@router.get(
    "/dumps/{name:path}",
    operation_id="dump",
    summary="Download a dump",
    response_model=None,
    responses={200: {"content": {"application/gzip": {}}}, 404: {"description": "No such dump."}},
)
async def dump(name: str, dumps: DumpsDep) -> FileResponse:
    """One dump file, gzip-compressed N-Quads (the whole dataset) or N-Triples (one graph)."""
    files = dumps.available()
    if not files.files:
        raise NotReadyError("the dumps are being written for the first time; try again shortly")
    found = files.get(name)
    return FileResponse(
        found.path,
        media_type="application/gzip",
        filename=found.name.rsplit("/", 1)[-1],
        headers={"ETag": f'"{found.sha256}"'},
    )
