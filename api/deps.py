"""Dependencies shared by the routers, as ``Annotated`` aliases, and the one way to run a task.

Handlers never run a query on the event loop: :func:`guarded` hands the task to the query guard
(:mod:`graph.guard`) from a thread of the pool, so a slow query delays nobody else. The
dependencies themselves only read the app's state, so they are coroutines: FastAPI would run a
plain function in the thread pool, one hop per dependency and request.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, Concatenate, ParamSpec, TypeVar

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool

from api.dumps import Dumps
from api.urls import Links
from graph.catalog import Catalog
from graph.guard import QueryGuard
from graph.settings import Settings
from graph.store import GraphStore

P = ParamSpec("P")
T = TypeVar("T")


async def _store(request: Request) -> GraphStore:
    store: GraphStore = request.app.state.store
    return store


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _guard(request: Request) -> QueryGuard:
    guard: QueryGuard = request.app.state.guard
    return guard


async def _catalog(request: Request) -> Catalog:
    catalog: Catalog = request.app.state.catalog
    return catalog


async def _dumps(request: Request) -> Dumps:
    dumps: Dumps = request.app.state.dumps
    return dumps


async def _links(request: Request) -> Links:
    return Links.of(request)


StoreDep = Annotated[GraphStore, Depends(_store)]
SettingsDep = Annotated[Settings, Depends(_settings)]
GuardDep = Annotated[QueryGuard, Depends(_guard)]
CatalogDep = Annotated[Catalog, Depends(_catalog)]
DumpsDep = Annotated[Dumps, Depends(_dumps)]
LinksDep = Annotated[Links, Depends(_links)]


async def guarded(
    guard: QueryGuard,
    task: Callable[Concatenate[GraphStore, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """Run ``task(store, *args, **kwargs)`` under the guard, from the thread pool."""
    call: Callable[[], T] = functools.partial(guard.run, task, *args, **kwargs)
    return await run_in_threadpool(call)


async def remembered(
    guard: QueryGuard,
    task: Callable[Concatenate[GraphStore, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """:func:`guarded`, for a task whose answer depends on its arguments and the data alone: an
    answer given before at the store's current version is given again straight from the memo
    (:mod:`graph.memo`), without a thread or a worker; a new one is kept for next time."""
    found, key = guard.remembered(task, *args, **kwargs)
    if found is not None:
        return found
    call: Callable[[], T] = functools.partial(guard.run_remembered, key, task, *args, **kwargs)
    return await run_in_threadpool(call)
