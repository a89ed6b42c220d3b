"""``s3kg init``: install the ontology, the shapes and the bundled vocabularies into their graphs.

Each bundled file goes into its own named graph with a provenance record holding the file's
SHA-256. Installing again skips files whose checksum is unchanged (so ``init`` twice changes
nothing), replaces the graphs of files that changed (an upgraded ontology), and removes the
graphs of vocabularies that are no longer shipped. When anything changed, the derived graph is
rebuilt (its taxonomy closure comes from the vocabularies).

>>> from graph.settings import Settings
>>> from graph.store import open_store
>>> store = open_store(Settings(store=":memory:"))
>>> [r.status for r in install(store)][:2]
['installed', 'installed']
>>> {r.status for r in install(store)}
{'unchanged'}
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal as Status

from pyoxigraph import NamedNode

import graph
from graph.derived import rebuild
from graph.formats import rdf_format_of_path
from graph.provenance import LoadRecord, now, sha256_of
from graph.resources import ontology_dir
from graph.results import SelectResult, term_text
from graph.store import GraphStore

CC_BY_4 = "http://creativecommons.org/licenses/by/4.0/"

_INSTALLED_CHECKSUM = """
SELECT ?sha ?graph ?meta WHERE {
  GRAPH ?meta { ?graph prov:wasGeneratedBy/prov:used/spdx:checksum/spdx:checksumValue ?sha }
}"""

_INSTALLED_VOCABULARIES = """
SELECT DISTINCT ?graph ?meta ?vocabPrefix ?initAgent WHERE {
  GRAPH ?meta { ?graph prov:wasGeneratedBy/prov:wasAssociatedWith ?agent }
  FILTER(STRSTARTS(STR(?graph), STR(?vocabPrefix)) && STRSTARTS(STR(?agent), STR(?initAgent)))
}"""


@dataclass(frozen=True)
class InstallResult:
    """What ``install`` did with one bundled file."""

    graph: str
    file: str
    status: Status["installed", "upgraded", "unchanged", "removed"]
    triples: int | None


def bundled_files(store: GraphStore, root: Path | None = None) -> dict[str, Path]:
    """The bundled files by the graph they go into.

    >>> from graph.namespaces import Graphs
    >>> class _S: graphs = Graphs("https://w3id.org/s3kg/")
    >>> sorted(bundled_files(_S()))[:2]
    ['https://w3id.org/s3kg/graph/ontology', 'https://w3id.org/s3kg/graph/shapes']
    """
    base = root or ontology_dir()
    files = {store.graphs.ontology: base / "s3kg.ttl", store.graphs.shapes: base / "shapes.ttl"}
    for path in sorted((base / "vocabularies").glob("*.ttl")):
        files[store.graphs.vocabulary(path.stem)] = path
    return files


def _installed_checksum(store: GraphStore, graph_iri: str) -> str | None:
    result = store.query(
        _INSTALLED_CHECKSUM,
        substitutions={"graph": NamedNode(graph_iri), "meta": NamedNode(store.graphs.metadata)},
    )
    assert isinstance(result, SelectResult)
    return next((term_text(row[0]) for row in result.rows if row[0] is not None), None)


def install(store: GraphStore, root: Path | None = None) -> list[InstallResult]:
    """Install or upgrade the bundled ontology, shapes and vocabularies; see the module doc."""
    base = root or ontology_dir()
    results: list[InstallResult] = []
    files = bundled_files(store, base)
    for graph_iri, path in files.items():
        checksum = sha256_of(path)
        previous = _installed_checksum(store, graph_iri)
        name = path.relative_to(base.parent).as_posix()
        if previous == checksum:
            results.append(InstallResult(graph_iri, name, "unchanged", None))
            continue
        started = now()
        record = LoadRecord(
            graph=graph_iri,
            file_name=name,
            byte_size=path.stat().st_size,
            sha256=checksum,
            rows=None,
            triples=0,
            loader="init",
            loader_version=graph.__version__,
            started=started,
            ended=now(),
            license=CC_BY_4,
        )
        count = store.replace_graph(graph_iri, path, rdf_format_of_path(path), record=record)
        results.append(
            InstallResult(graph_iri, name, "installed" if previous is None else "upgraded", count)
        )
    results += _remove_retired_vocabularies(store, set(files))
    if any(r.status != "unchanged" for r in results):
        rebuild(store)  # the taxonomy closure follows the vocabularies
    return results


def _remove_retired_vocabularies(store: GraphStore, shipped: set[str]) -> list[InstallResult]:
    found = store.query(
        _INSTALLED_VOCABULARIES,
        substitutions={
            "meta": NamedNode(store.graphs.metadata),
            "vocabPrefix": NamedNode(store.graphs.vocabulary("x")[:-1]),
            "initAgent": NamedNode("https://w3id.org/s3kg/software/init/"),
        },
    )
    assert isinstance(found, SelectResult)
    removed = []
    for row in found.rows:
        iri = term_text(row[0])
        if iri and iri not in shipped:
            store.drop_graph(iri)
            removed.append(InstallResult(iri, "", "removed", None))
    return removed
