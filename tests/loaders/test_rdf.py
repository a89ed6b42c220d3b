"""Kind rdf: any RDF file into its own graph, blank nodes kept apart, syntax errors placed."""

from __future__ import annotations

from pathlib import Path

from graph.store import OxigraphStore
from loaders.pipeline import detect_kind, load_paths


def test_turtle_file_loads_into_its_graph(store: OxigraphStore, tmp_path: Path) -> None:
    path = tmp_path / "extra.ttl"
    path.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b [ ex:c "d" ] .\n')
    report = load_paths(store, [path])
    assert report.ok
    assert [(i.iri, i.triples) for i in store.named_graphs() if "/source/" in i.iri] == [
        (store.graphs.source("extra"), 2)
    ]
    assert load_paths(store, [path]).ok  # again: replaced, not added
    assert [i.triples for i in store.named_graphs() if "/source/" in i.iri] == [2]


def test_two_files_never_share_a_blank_node(store: OxigraphStore, tmp_path: Path) -> None:
    for name in ("one.nt", "two.nt"):
        (tmp_path / name).write_text("_:b1 <http://example.org/p> <http://example.org/o> .\n")
    assert load_paths(store, [tmp_path / "one.nt", tmp_path / "two.nt"]).ok
    result = store.query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s <http://example.org/p> ?o }")
    assert int(result.rows[0][0].value) == 2  # type: ignore[union-attr]


def test_nquads_graph_names_are_merged(store: OxigraphStore, tmp_path: Path) -> None:
    path = tmp_path / "data.nq"
    path.write_text("<http://e.org/a> <http://e.org/p> <http://e.org/o> <http://e.org/g> .\n")
    assert detect_kind(path) == "rdf"
    assert load_paths(store, [path]).ok
    assert [i.iri for i in store.named_graphs() if "/source/" in i.iri] == [
        store.graphs.source("data")
    ]


def test_ntriples_syntax_error_is_placed(store: OxigraphStore, tmp_path: Path) -> None:
    path = tmp_path / "bad.nt"
    path.write_text(
        "<http://e.org/a> <http://e.org/p> <http://e.org/o> .\n<http://e.org/a> <p> .\n"
    )
    report = load_paths(store, [path])
    assert not report.ok
    [problem] = report.problems
    assert (problem.file, problem.line, problem.column) == ("bad.nt", 2, 18)
    assert str(problem).startswith("bad.nt:2:18: not valid RDF: ")
    assert store.named_graphs() == []
