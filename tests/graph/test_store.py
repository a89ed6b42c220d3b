"""The store: named graphs, atomic replacement, staging invisibility, persistence, errors."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple

from graph.errors import InputError, NotFoundError, QuerySyntaxError, StoreLockedError
from graph.provenance import LoadRecord
from graph.results import AskResult, GraphResult, SelectResult
from graph.settings import Settings
from graph.store import OxigraphStore, open_store

EX = "http://example.org/"


def ntriples(n: int, value: str = "v") -> bytes:
    return "".join(f'<{EX}s{i}> <{EX}p> "{value}{i}" .\n' for i in range(n)).encode()


def count(store: OxigraphStore, graph: str | None = None) -> int:
    sparql = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        if graph is None
        else f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    )
    result = store.query(sparql)
    assert isinstance(result, SelectResult)
    return int(result.rows[0][0].value)  # type: ignore[union-attr]


def test_replace_graph_loads_into_the_named_graph(store: OxigraphStore) -> None:
    g = store.graphs.source("a")
    assert store.replace_graph(g, ntriples(3), RdfFormat.N_TRIPLES) == 3
    assert count(store, g) == 3
    assert [(i.iri, i.triples) for i in store.named_graphs()] == [(g, 3)]


def test_reloading_replaces_instead_of_adding_even_with_blank_nodes(store: OxigraphStore) -> None:
    g = store.graphs.source("b")
    data = b'_:x <http://example.org/p> "1" . _:y <http://example.org/p> "2" .'
    store.replace_graph(g, data, RdfFormat.TURTLE)
    store.replace_graph(g, data, RdfFormat.TURTLE)
    assert count(store, g) == 2


def test_union_default_graph_sees_every_graph(store: OxigraphStore) -> None:
    store.replace_graph(store.graphs.source("a"), ntriples(2), RdfFormat.N_TRIPLES)
    store.replace_graph(store.graphs.source("b"), ntriples(3, "w"), RdfFormat.N_TRIPLES)
    assert count(store) == 5


def test_explicit_dataset_restricts_the_default_graph(store: OxigraphStore) -> None:
    a, b = store.graphs.source("a"), store.graphs.source("b")
    store.replace_graph(a, ntriples(2), RdfFormat.N_TRIPLES)
    store.replace_graph(b, ntriples(3, "w"), RdfFormat.N_TRIPLES)
    result = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=[b])
    assert isinstance(result, SelectResult)
    assert result.rows[0][0] == Literal(
        "3", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    )


def test_malformed_rdf_reports_line_and_column_and_keeps_old_data(store: OxigraphStore) -> None:
    g = store.graphs.source("c")
    store.replace_graph(g, ntriples(2), RdfFormat.N_TRIPLES)
    bad = (
        b'<http://example.org/a> <http://example.org/p> "ok" .\n<http://example.org/a> <p> "x" .\n'
    )
    with pytest.raises(InputError, match=r"^2:\d+: "):
        store.replace_graph(g, bad, RdfFormat.N_TRIPLES)
    assert count(store, g) == 2
    assert all(not store.graphs.is_staging(i.iri) for i in store.named_graphs())


def test_readers_never_see_a_half_replaced_graph(store: OxigraphStore) -> None:
    g = store.graphs.source("big")
    store.replace_graph(g, ntriples(2_000), RdfFormat.N_TRIPLES)
    seen: set[int] = set()
    done = threading.Event()

    def reader() -> None:
        while not done.is_set():
            seen.add(count(store))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for _ in range(3):
            store.replace_graph(g, ntriples(5_000, "new"), RdfFormat.N_TRIPLES)
            store.replace_graph(g, ntriples(2_000), RdfFormat.N_TRIPLES)
    finally:
        done.set()
        thread.join()
    assert seen <= {2_000, 5_000}
    assert seen


def test_staging_graphs_are_invisible_to_queries(store: OxigraphStore) -> None:
    g = store.graphs.source("visible")
    store.replace_graph(g, ntriples(1), RdfFormat.N_TRIPLES)
    seen_during_load: list[int] = []

    def triples():  # a stream that queries the store halfway through the load
        for i in range(10):
            if i == 5:
                seen_during_load.append(count(store))
            yield Triple(NamedNode(f"{EX}t{i}"), NamedNode(f"{EX}p"), Literal(str(i)))

    store.replace_graph_triples(store.graphs.source("other"), triples())
    assert seen_during_load == [1]
    assert count(store) == 11


def test_provenance_record_is_written_with_the_graph(store: OxigraphStore) -> None:
    g = store.graphs.source("d")
    record = LoadRecord(
        g,
        "d.nt",
        10,
        "0" * 64,
        2,
        0,
        "rdf",
        "0.1.0",
        "2026-01-01T00:00:00+00:00",
        "2026-01-01T00:00:01+00:00",
        license="http://creativecommons.org/licenses/by/4.0/",
    )
    store.replace_graph(g, ntriples(2), RdfFormat.N_TRIPLES, record=record)
    result = store.query(
        f"SELECT ?n ?file WHERE {{ GRAPH <{store.graphs.metadata}> {{ <{g}> void:triples ?n ;"
        " prov:wasGeneratedBy/prov:used/dcterms:title ?file } }"
    )
    assert isinstance(result, SelectResult)
    assert [(r[0].value, r[1].value) for r in result.rows] == [("2", "d.nt")]  # type: ignore[union-attr]


def test_drop_graph_removes_data_and_record(store: OxigraphStore) -> None:
    g = store.graphs.source("e")
    record = LoadRecord(
        g,
        "e.nt",
        1,
        "0" * 64,
        None,
        0,
        "rdf",
        "0.1.0",
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:00:00Z",
    )
    store.replace_graph(g, ntriples(2), RdfFormat.N_TRIPLES, record=record)
    assert store.drop_graph(g) is True
    assert [i.iri for i in store.named_graphs()] == [store.graphs.metadata]  # the agent remains
    assert store.query(f"ASK {{ GRAPH <{store.graphs.metadata}> {{ <{g}> ?p ?o }} }}") == (
        AskResult(False)
    )
    assert store.drop_graph(g) is False


def test_query_kinds_and_row_cap(store: OxigraphStore) -> None:
    store.replace_graph(store.graphs.source("f"), ntriples(5), RdfFormat.N_TRIPLES)
    assert store.query("ASK { ?s ?p ?o }") == AskResult(True)
    graph_result = store.query("CONSTRUCT WHERE { ?s ?p ?o }", max_rows=2)
    assert isinstance(graph_result, GraphResult)
    assert len(graph_result.triples) == 2 and graph_result.truncated
    rows = store.query("SELECT * WHERE { ?s ?p ?o }", max_rows=10)
    assert isinstance(rows, SelectResult)
    assert len(rows.rows) == 5 and not rows.truncated


def test_substitutions_bind_values_as_terms(store: OxigraphStore) -> None:
    store.replace_graph(store.graphs.source("g"), ntriples(3), RdfFormat.N_TRIPLES)
    hostile = Literal('v1" } } ; DROP ALL ; #')
    result = store.query("SELECT ?s ?o WHERE { ?s ?p ?o }", substitutions={"o": hostile})
    assert isinstance(result, SelectResult) and result.rows == []
    result = store.query("SELECT ?s ?o WHERE { ?s ?p ?o }", substitutions={"o": Literal("v1")})
    assert isinstance(result, SelectResult)
    assert [r[0] for r in result.rows] == [NamedNode(f"{EX}s1")]


def test_syntax_errors_carry_the_position(store: OxigraphStore) -> None:
    with pytest.raises(QuerySyntaxError, match=r"1:\d+"):
        store.query("SELECT * WHERE { ?s ?p }")


def test_dump_whole_store_and_one_graph(store: OxigraphStore) -> None:
    g = store.graphs.source("h")
    store.replace_graph(g, ntriples(2), RdfFormat.N_TRIPLES)
    whole, one = io.BytesIO(), io.BytesIO()
    store.dump(whole, RdfFormat.N_QUADS)
    store.dump(one, RdfFormat.N_TRIPLES, g)
    assert whole.getvalue().count(f"<{g}>".encode()) == 2
    assert one.getvalue().count(b"\n") == 2
    with pytest.raises(NotFoundError):
        store.dump(io.BytesIO(), RdfFormat.TURTLE, store.graphs.source("missing"))
    with pytest.raises(InputError, match="single graph"):
        store.dump(io.BytesIO(), RdfFormat.TURTLE)


def test_data_survives_a_process_restart(tmp_path: Path) -> None:
    location = tmp_path / "store"
    script = textwrap.dedent(
        f"""
        from pyoxigraph import RdfFormat
        from graph.settings import Settings
        from graph.store import open_store
        s = open_store(Settings(store={str(location)!r}))
        s.replace_graph(s.graphs.source("persist"), b'<{EX}a> <{EX}p> "kept" .',
                        RdfFormat.N_TRIPLES)
        s.close()
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    reopened = open_store(Settings(store=str(location)))
    try:
        result = reopened.query("SELECT ?o WHERE { ?s ?p ?o }")
        assert isinstance(result, SelectResult)
        assert [r[0].value for r in result.rows] == ["kept"]  # type: ignore[union-attr]
    finally:
        reopened.close()


def test_a_second_process_gets_a_clear_lock_error(store: OxigraphStore, settings: Settings) -> None:
    script = (
        "from graph.settings import Settings; from graph.store import open_store; "
        f"open_store(Settings(store={settings.store!r}))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode != 0
    assert "StoreLockedError" in done.stderr
    assert "in use by another s3kg process" in done.stderr
    with pytest.raises(StoreLockedError):
        # in-process: a second handle on the same directory is refused the same way
        open_store(settings)


def test_a_file_in_place_of_the_store_directory_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "not-a-dir"
    path.write_text("x")
    from graph.errors import StoreError

    with pytest.raises(StoreError, match="is a file"):
        open_store(Settings(store=str(path)))


def test_a_failing_check_aborts_the_replacement(store: OxigraphStore) -> None:
    g = store.graphs.source("checked")
    store.replace_graph(g, ntriples(2), RdfFormat.N_TRIPLES)
    seen: list[str] = []

    def check(staging: str) -> None:
        seen.append(staging)
        raise InputError("shape violated")

    with pytest.raises(InputError, match="shape violated"):
        store.replace_graph(g, ntriples(7), RdfFormat.N_TRIPLES, check=check)
    assert len(seen) == 1
    assert store.graphs.is_staging(seen[0])
    assert count(store, g) == 2
    assert [i.iri for i in store.named_graphs()] == [g]
