"""``install``: the bundled ontology, shapes and vocabularies go into their graphs, idempotently."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from pyoxigraph import RdfFormat

from graph.install import bundled_files, install
from graph.resources import ontology_dir
from graph.results import SelectResult
from graph.store import OxigraphStore


def dump(store: OxigraphStore) -> bytes:
    out = io.BytesIO()
    store.dump(out, RdfFormat.N_QUADS)
    return b"\n".join(sorted(out.getvalue().splitlines()))


def test_install_puts_each_bundled_file_in_its_graph(store: OxigraphStore) -> None:
    results = install(store)
    assert {r.status for r in results} == {"installed"}
    graphs = {info.iri: info.triples for info in store.named_graphs()}
    for graph_iri in bundled_files(store):
        assert graphs.get(graph_iri, 0) > 0, graph_iri
    assert store.graphs.ontology in graphs
    assert store.graphs.shapes in graphs
    assert store.graphs.metadata in graphs


def test_installing_twice_changes_nothing(store: OxigraphStore) -> None:
    install(store)
    before = dump(store)
    results = install(store)
    assert {r.status for r in results} == {"unchanged"}
    assert dump(store) == before


def test_an_upgraded_ontology_replaces_its_graph(store: OxigraphStore, tmp_path: Path) -> None:
    root = tmp_path / "ontology"
    shutil.copytree(ontology_dir(), root)
    install(store, root)
    with (root / "s3kg.ttl").open("a", encoding="utf-8") as handle:
        handle.write(
            "\n<https://w3id.org/s3kg/ontology> <http://www.w3.org/2002/07/owl#versionInfo>"
            ' "9.9.9-upgrade-test" .\n'
        )
    (root / "vocabularies" / "retired.ttl").write_text(
        '<http://example.org/c> <http://www.w3.org/2004/02/skos/core#prefLabel> "c" .\n'
    )
    statuses = {Path(r.file).name: r.status for r in install(store, root)}
    assert statuses["s3kg.ttl"] == "upgraded"
    assert statuses["shapes.ttl"] == "unchanged"
    assert statuses["retired.ttl"] == "installed"
    result = store.query(
        f'ASK {{ GRAPH <{store.graphs.ontology}> {{ ?o owl:versionInfo "9.9.9-upgrade-test" }} }}'
    )
    assert getattr(result, "value", False)
    (root / "vocabularies" / "retired.ttl").unlink()
    removed = [r for r in install(store, root) if r.status == "removed"]
    assert [r.graph for r in removed] == [store.graphs.vocabulary("retired")]
    assert store.graphs.vocabulary("retired") not in {i.iri for i in store.named_graphs()}


def test_install_records_provenance_with_checksums(store: OxigraphStore) -> None:
    install(store)
    result = store.query(
        f"""SELECT ?file ?sha WHERE {{ GRAPH <{store.graphs.metadata}> {{
              <{store.graphs.ontology}> prov:wasGeneratedBy/prov:used ?f .
              ?f dcterms:title ?file ; spdx:checksum/spdx:checksumValue ?sha }} }}"""
    )
    assert isinstance(result, SelectResult)
    assert [r[0].value for r in result.rows] == ["ontology/s3kg.ttl"]  # type: ignore[union-attr]
    assert len(result.rows[0][1].value) == 64  # type: ignore[union-attr]
