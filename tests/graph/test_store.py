"""The store: named graphs, atomic replacement, staging invisibility, persistence, errors."""

from __future__ import annotations

import io
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, Store, Triple

from graph.errors import InputError, NotFoundError, QuerySyntaxError, StoreLockedError
from graph.namespaces import Graphs
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


# -- loads: several graphs published together ----------------------------------------------


def nquads(store: OxigraphStore) -> list[str]:
    output = io.BytesIO()
    store.dump(output, RdfFormat.N_QUADS)
    return sorted(output.getvalue().decode().splitlines())


def lines(n: int, value: str = "v") -> list[str]:
    return [f'<{EX}s{i}> <{EX}p> "{value}{i}" .\n' for i in range(n)]


def record(graph: str) -> LoadRecord:
    return LoadRecord(
        graph, "f.nt", 1, "0" * 64, None, 0, "rdf", "1", "2026-01-01T00:00:00Z",
        "2026-01-01T00:00:00Z",
    )  # fmt: skip


def test_a_load_publishes_all_its_graphs_at_once(store: OxigraphStore) -> None:
    old, new = store.graphs.source("old"), store.graphs.source("new")
    store.replace_graph(old, ntriples(2), RdfFormat.N_TRIPLES)
    with store.loading() as load:
        assert load.stage_lines(old, lines(3, "w")) == 3
        assert load.stage_lines(new, lines(4)) == 4
        assert [(i.iri, i.triples) for i in store.named_graphs()] == [(old, 2)]
        seen = load.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert isinstance(seen, SelectResult) and seen.rows[0][0].value == "7"  # type: ignore[union-attr]
        load.publish({old: record(old), new: record(new)})
    assert {(i.iri, i.triples) for i in store.named_graphs()} >= {(old, 3), (new, 4)}
    meta = store.graphs.metadata
    result = store.query(f"SELECT ?g ?n WHERE {{ GRAPH <{meta}> {{ ?g void:triples ?n }} }}")
    assert isinstance(result, SelectResult)
    assert sorted((r[0].value, r[1].value) for r in result.rows) == [(new, "4"), (old, "3")]  # type: ignore[union-attr]


def test_a_load_that_is_not_published_leaves_the_store_as_it_was(store: OxigraphStore) -> None:
    old = store.graphs.source("old")
    store.replace_graph(old, ntriples(2), RdfFormat.N_TRIPLES, record=record(old))
    before = nquads(store)

    def failing_load() -> None:
        with store.loading() as load:
            load.stage_lines(old, lines(3, "w"))
            load.stage_lines(store.graphs.source("new"), lines(4))
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        failing_load()
    with store.loading() as load:  # a dry run: staged, checked, never published
        load.stage_lines(store.graphs.source("new"), lines(4))
    assert nquads(store) == before
    assert sorted(g.value for g in store._store.named_graphs()) == [store.graphs.metadata, old]


def test_converted_text_that_does_not_parse_is_an_input_error(store: OxigraphStore) -> None:
    with pytest.raises(InputError, match=r"^2:\d+: "), store.loading() as load:
        load.stage_lines(store.graphs.source("x"), [lines(1)[0], "<a> <b> .\n", *lines(3)])
    assert store.named_graphs() == []


def test_readers_see_graphs_and_their_records_appear_together(store: OxigraphStore) -> None:
    prefix = store.graphs.source("pair-")
    check = f"""SELECT ?graphs ?records WHERE {{
      {{ SELECT (COUNT(DISTINCT ?g) AS ?graphs)
         WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{prefix}")) }} }}
      {{ SELECT (COUNT(DISTINCT ?r) AS ?records)
         WHERE {{ GRAPH <{store.graphs.metadata}> {{ ?r void:triples ?n }}
                  FILTER(STRSTARTS(STR(?r), "{prefix}")) }} }} }}"""
    seen: set[tuple[int, int]] = set()
    done = threading.Event()

    def reader() -> None:
        while not done.is_set():
            result = store.query(check)
            assert isinstance(result, SelectResult)
            seen.add(tuple(int(term.value) for term in result.rows[0]))  # type: ignore[union-attr,misc]

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i in range(12):
            a, b = store.graphs.source(f"pair-{i}a"), store.graphs.source(f"pair-{i}b")
            with store.loading() as load:
                load.stage_lines(a, lines(500))
                load.stage_lines(b, lines(500))
                load.publish({a: record(a), b: record(b)})
    finally:
        done.set()
        thread.join()
    assert all(graphs == records and graphs % 2 == 0 for graphs, records in seen), seen
    assert len(seen) > 1


CRASHING_LOAD = """
import sys, time
from pathlib import Path
from pyoxigraph import RdfFormat
from graph.settings import Settings
from graph.store import open_store

store = open_store(Settings(store=sys.argv[1]))
ready = Path(sys.argv[2])
kept = store.graphs.source("kept")
store.replace_graph(kept, b'<http://example.org/a> <http://example.org/p> "old" .',
                    RdfFormat.N_TRIPLES)
with open(sys.argv[3], "wb") as before:
    store.dump(before, RdfFormat.N_QUADS)

def stalled():
    for i in range(1000):
        yield f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\\n'
    ready.write_text("streaming")
    time.sleep(600)

with store.loading() as load:
    line = '<http://example.org/a> <http://example.org/p> "new" .\\n'
    load.stage_lines(store.graphs.source("complete"), [line] * 1)  # new, written, unpublished
    load.stage_lines(kept, [line])  # a replacement, staged
    load.stage_lines(store.graphs.source("partial"), stalled())  # killed while it streams
"""


def test_a_load_killed_midway_leaves_nothing_behind(tmp_path: Path) -> None:
    location, ready, before = tmp_path / "store", tmp_path / "ready", tmp_path / "before.nq"
    child = subprocess.Popen(
        [sys.executable, "-c", CRASHING_LOAD, str(location), str(ready), str(before)]
    )
    try:
        for _ in range(600):
            if ready.exists() or child.poll() is not None:
                break
            time.sleep(0.1)
        assert ready.exists(), "the child did not reach the middle of its load"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    graphs = Graphs(Settings().base_iri)
    # a read-only copy (how the query guard's workers see the store) hides the unfinished load
    readonly = OxigraphStore(Store.read_only(str(location)), graphs)
    assert [i.iri for i in readonly.named_graphs()] == [graphs.source("kept")]
    assert count(readonly) == 1
    del readonly
    reopened = open_store(Settings(store=str(location)))
    try:
        assert nquads(reopened) == sorted(before.read_text().splitlines())
        assert [g.value for g in reopened._store.named_graphs()] == [graphs.source("kept")]
    finally:
        reopened.close()


def test_a_reload_shows_the_new_graph_and_its_record_together(store: OxigraphStore) -> None:
    graph = store.graphs.source("reloaded")
    store.replace_graph(graph, ntriples(300), RdfFormat.N_TRIPLES, record=record(graph))
    check = f"""SELECT ?size ?recorded WHERE {{
      {{ SELECT (COUNT(*) AS ?size) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} }}
      GRAPH <{store.graphs.metadata}> {{ <{graph}> void:triples ?recorded }} }}"""
    seen: set[tuple[int, int]] = set()
    done = threading.Event()

    def reader() -> None:
        while not done.is_set():
            result = store.query(check)
            assert isinstance(result, SelectResult)
            seen.add(tuple(int(term.value) for term in result.rows[0]))  # type: ignore[union-attr,misc]

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for size in (900, 300, 900, 300):
            store.replace_graph(graph, ntriples(size), RdfFormat.N_TRIPLES, record=record(graph))
    finally:
        done.set()
        thread.join()
    assert seen == {(300, 300), (900, 900)}
    assert not list(store._path.parent.glob(".*publishing*"))  # type: ignore[union-attr]


KILLED_WHILE_PUBLISHING = """
import sys, time
from pathlib import Path
from pyoxigraph import NamedNode, RdfFormat
from graph.provenance import LoadRecord
from graph.settings import Settings
from graph.store import open_store
import graph.bulk

store = open_store(Settings(store=sys.argv[1]))
ready = Path(sys.argv[2])
kept = store.graphs.source("kept")
store.replace_graph(kept, b'<http://example.org/a> <http://example.org/p> "old" .',
                    RdfFormat.N_TRIPLES)
remove = graph.bulk.remove_graph

def remove_then_stall(raw, graph):  # killed once the old graph is gone, before the copy
    remove(raw, graph)
    if graph == NamedNode(kept):
        ready.write_text("publishing")
        time.sleep(600)

graph.bulk.remove_graph = remove_then_stall
record = LoadRecord(kept, "kept.nt", 1, "0" * 64, None, 0, "rdf", "1", "2026-01-01T00:00:00Z",
                    "2026-01-01T00:00:00Z")
lines = [f'<http://example.org/s{i}> <http://example.org/p> "new" .\\n' for i in range(5)]
with store.loading() as load:
    load.stage_lines(kept, lines)
    load.publish({kept: record})
"""


def test_a_publication_killed_midway_is_completed_when_the_store_opens(tmp_path: Path) -> None:
    location, ready = tmp_path / "store", tmp_path / "ready"
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_WHILE_PUBLISHING, str(location), str(ready)]
    )
    try:
        for _ in range(600):
            if ready.exists() or child.poll() is not None:
                break
            time.sleep(0.1)
        assert ready.exists(), "the child did not reach the middle of its publication"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    graphs = Graphs(Settings().base_iri)
    kept = graphs.source("kept")
    readonly = OxigraphStore(Store.read_only(str(location)), graphs)
    assert kept not in {i.iri for i in readonly.named_graphs()}  # neither old nor half new
    del readonly
    reopened = open_store(Settings(store=str(location)))
    try:
        assert count(reopened, kept) == 5
        result = reopened.query(
            f"SELECT ?n WHERE {{ GRAPH <{graphs.metadata}> {{ <{kept}> void:triples ?n }} }}"
        )
        assert isinstance(result, SelectResult)
        assert [row[0].value for row in result.rows] == ["5"]  # type: ignore[union-attr]
        assert sorted(g.value for g in reopened._store.named_graphs()) == [graphs.metadata, kept]
        assert not list(tmp_path.glob(".*publishing*"))
    finally:
        reopened.close()


def test_a_store_in_memory_replaces_graphs_in_one_update() -> None:
    memory = open_store(Settings(store=":memory:"))
    graph = memory.graphs.source("m")
    memory.replace_graph(graph, ntriples(5), RdfFormat.N_TRIPLES, record=record(graph))
    memory.replace_graph(graph, ntriples(2, "w"), RdfFormat.N_TRIPLES, record=record(graph))
    assert [(i.iri, i.triples) for i in memory.named_graphs()] == [
        (memory.graphs.metadata, 19),
        (graph, 2),
    ]
    assert sorted(g.value for g in memory._store.named_graphs()) == [memory.graphs.metadata, graph]


def test_closing_releases_the_store_for_a_new_handle(settings: Settings) -> None:
    """Regression: ``s3kg demo`` builds the store, closes it, then serves it from a new handle."""
    first = open_store(settings)
    first.replace_graph(first.graphs.source("a"), ntriples(3), RdfFormat.N_TRIPLES)
    first.close()
    second = open_store(settings)
    try:
        assert count(second) == 3
    finally:
        second.close()
