"""The HTTP application factory: ``create_app(settings)`` builds a FastAPI app over one store.

Nothing happens at import time. The named-query routes are generated from the catalogue when
the app is built; the store is opened (unless one is passed in), the query workers started and
the dump folder prepared when the app starts, and all of it released when it stops.

>>> app = create_app(Settings(store=":memory:"))
>>> paths = app.openapi()["paths"]
>>> sorted(paths["/sparql"]), "/queries/alignment-ranking" in paths
(['get', 'post'], True)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware

import graph
from api.dumps import Dumps
from api.errors import install_error_handlers
from api.limits import BodyLimitMiddleware
from api.replay import ReplayMiddleware
from api.routes import dataset, graph_store, linked, pages, queries, sparql, system
from graph.catalog import Catalog
from graph.guard import QueryGuard
from graph.settings import Settings
from graph.store import GraphStore, open_store

EXPOSED_HEADERS = [
    "ETag",
    "Location",
    "Retry-After",
    "WWW-Authenticate",
    sparql.TRUNCATED,
]


def create_app(
    settings: Settings | None = None,
    store: GraphStore | None = None,
    catalog: Catalog | None = None,
) -> FastAPI:
    """Build the s3kg web application.

    :param settings: the settings (default: from the ``S3KG_*`` environment variables).
    :param store: an open store to serve; by default the app opens (and closes) the one the
        settings name.
    :param catalog: the named queries to serve (default: the bundled catalogue).
    """
    settings = settings or Settings()
    catalog = catalog if catalog is not None else Catalog.load()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened = store if store is not None else open_store(settings)
        guard = QueryGuard(opened, settings)
        dumps = Dumps(opened, settings)
        app.state.store, app.state.guard, app.state.dumps = opened, guard, dumps
        guard.start()
        dumps.refresh()  # the first dumps are written in the background from the start
        try:
            yield
        finally:
            guard.close()
            dumps.close()
            if store is None:
                opened.close()

    app = FastAPI(
        title="s3kg",
        version=graph.__version__,
        summary="Knowledge graph of Smart Specialisation Strategies, clusters, SMEs and calls.",
        description=(
            "SPARQL 1.1 Protocol and Update at `/sparql`, Graph Store Protocol at `/store`, "
            "named queries at `/queries`, dereferenceable entities at `/id/...`, VoID at "
            "`/.well-known/void`, a DCAT-AP catalogue at `/catalog` and dumps at `/dumps`."
        ),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.catalog = catalog
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
            allow_headers=["Accept", "Content-Type", "Authorization", "If-None-Match"],
            expose_headers=EXPOSED_HEADERS,
            allow_credentials=False,
        )
    # outermost: replays remembered answers before any other layer does work
    app.add_middleware(ReplayMiddleware, max_bytes=settings.result_memo_bytes)
    app.include_router(system.router)
    app.include_router(sparql.router)
    app.include_router(graph_store.router)
    app.include_router(queries.build_router(catalog, settings.max_rows))
    app.include_router(linked.router)
    app.include_router(dataset.router)
    app.include_router(pages.router)
    return app
