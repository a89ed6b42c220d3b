"""The HTTP application factory: ``create_app(settings)`` builds a FastAPI app over one store.

Nothing happens at import time; the store is opened when the app starts (or passed in by tests).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware

import graph
from api.errors import install_error_handlers
from api.routes import pages, sparql, system
from graph.settings import Settings
from graph.store import GraphStore, open_store


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """Build the s3kg web application.

    >>> app = create_app(Settings(store=":memory:"))
    >>> sorted(r.path for r in app.routes if r.path.startswith("/sparql"))
    ['/sparql', '/sparql']
    """
    settings = settings or Settings()
    owns_store = store is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = store if store is not None else open_store(settings)
        try:
            yield
        finally:
            if owns_store:
                app.state.store.close()

    app = FastAPI(
        title="s3kg",
        version=graph.__version__,
        summary="Knowledge graph of Smart Specialisation Strategies, clusters, SMEs and calls.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    if store is not None:
        app.state.store = store
    install_error_handlers(app)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
            allow_headers=["Accept", "Content-Type", "Authorization"],
            allow_credentials=False,
        )
    app.include_router(system.router)
    app.include_router(sparql.router)
    app.include_router(pages.router)
    return app
