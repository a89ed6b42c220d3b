"""The query guard: tasks in worker processes over snapshots, stopped at their deadline."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.errors import ParameterError, QueryTimeoutError, StoreError
from graph.guard import QueryGuard, count_triples
from graph.settings import Settings
from graph.store import GraphStore, OxigraphStore, open_store

INSERT = "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/a> <urn:p> %d } }"
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def refuse(store: GraphStore, name: str) -> None:
    raise ParameterError(name, "is refused")


def endless(store: GraphStore) -> None:
    store.query(ENDLESS)


def nap(store: GraphStore) -> None:
    time.sleep(1.5)


def crash(store: GraphStore) -> None:
    os._exit(3)


def filled(settings: Settings, triples: int = 300) -> OxigraphStore:
    store = open_store(settings)
    for n in range(triples):
        store.update(INSERT % n)
    return store


@pytest.fixture
def on_disk(tmp_path: Path) -> Iterator[tuple[OxigraphStore, QueryGuard, Path]]:
    settings = Settings(store=str(tmp_path / "store"), query_workers=1, query_timeout=2)
    store = filled(settings)
    guard = QueryGuard(store, settings)
    yield store, guard, tmp_path / "store-snapshots"
    guard.close()
    store.close()


def test_tasks_run_in_a_worker_over_a_snapshot(
    on_disk: tuple[OxigraphStore, QueryGuard, Path],
) -> None:
    store, guard, snapshots = on_disk
    assert guard.isolated
    assert guard.run(count_triples) == 300
    assert len(list(snapshots.iterdir())) == 1
    store.update(INSERT % 1000)
    assert guard.run(count_triples) == 301  # a write makes a fresh snapshot
    assert len(list(snapshots.iterdir())) == 1  # and the old one goes


def test_the_deadline_stops_the_worker(on_disk: tuple[OxigraphStore, QueryGuard, Path]) -> None:
    _, guard, _ = on_disk
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match="2 s limit"):
        guard.run(endless)
    assert time.monotonic() - started < 4
    assert guard.run(count_triples) == 300  # a fresh worker took its place


def test_errors_come_back_as_themselves(on_disk: tuple[OxigraphStore, QueryGuard, Path]) -> None:
    _, guard, _ = on_disk
    with pytest.raises(ParameterError) as raised:
        guard.run(refuse, "region")
    assert raised.value.name == "region"
    assert str(raised.value) == "region: is refused"


def test_a_crashed_worker_is_replaced(on_disk: tuple[OxigraphStore, QueryGuard, Path]) -> None:
    _, guard, _ = on_disk
    with pytest.raises(StoreError, match="restarted"):
        guard.run(crash)
    assert guard.run(count_triples) == 300


def test_closing_removes_the_snapshots(tmp_path: Path) -> None:
    settings = Settings(store=str(tmp_path / "store"), query_workers=1)
    store = filled(settings, 3)
    guard = QueryGuard(store, settings)
    guard.run(count_triples)
    guard.close()
    assert list((tmp_path / "store-snapshots").iterdir()) == []
    store.close()


def test_an_in_memory_store_is_copied_to_the_workers() -> None:
    settings = Settings(store=":memory:", query_workers=1)
    store = filled(settings, 5)
    guard = QueryGuard(store, settings)
    try:
        assert guard.run(count_triples) == 5
    finally:
        guard.close()


def test_without_workers_the_caller_still_gets_its_deadline() -> None:
    settings = Settings(store=":memory:", query_workers=0, query_timeout=0.5)
    store = filled(settings, 3)
    guard = QueryGuard(store, settings)
    assert not guard.isolated
    with pytest.raises(QueryTimeoutError, match="dropped"):
        guard.run(nap)
    guard.close()


def test_queries_go_on_over_the_last_snapshot_while_a_load_holds_the_store(
    on_disk: tuple[OxigraphStore, QueryGuard, Path],
) -> None:
    store, guard, _ = on_disk
    assert guard.run(count_triples) == 300
    store.update(INSERT % 1000)
    with store.loading():  # a load in progress holds the write lock
        started = time.monotonic()
        assert guard.run(count_triples) == 300  # the previous snapshot, without waiting
        assert time.monotonic() - started < 1
    assert guard.run(count_triples) == 301


def remember(guard: QueryGuard) -> int:
    """count_triples through the memo, as the API runs remembered tasks."""
    found, key = guard.remembered(count_triples)
    return found if found is not None else guard.run_remembered(key, count_triples)


def test_remembered_answers_last_until_the_store_changes(
    on_disk: tuple[OxigraphStore, QueryGuard, Path],
) -> None:
    store, guard, _ = on_disk
    assert guard.remembered(count_triples)[0] is None  # nothing computed yet
    assert remember(guard) == 300
    assert guard.remembered(count_triples)[0] == 300  # given again without running
    store.update(INSERT % 1000)
    assert guard.remembered(count_triples)[0] is None  # the write made it stale
    assert remember(guard) == 301
    assert guard.remembered(count_triples)[0] == 301


def test_without_a_memo_budget_nothing_is_remembered(tmp_path: Path) -> None:
    settings = Settings(store=":memory:", query_workers=0, result_memo_bytes=0)
    store = filled(settings, triples=3)
    guard = QueryGuard(store, settings)
    try:
        assert remember(guard) == 3
        assert guard.remembered(count_triples) == (None, b"")
    finally:
        guard.close()
