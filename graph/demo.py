"""The demo graph: the ontology and vocabularies plus the bundled Alpine Space dataset."""

from __future__ import annotations

from collections.abc import Iterator

from graph.install import install
from graph.resources import data_dir
from graph.store import GraphStore


def build_demo(store: GraphStore) -> Iterator[str]:
    """Install the ontology and vocabularies, then load every file of ``data/``; say what happens.

    >>> from graph.settings import Settings
    >>> from graph.store import open_store
    >>> store = open_store(Settings(store=":memory:"))
    >>> lines = list(build_demo(store))
    >>> lines[0].startswith("installed ontology, shapes and")
    True
    """
    results = install(store)
    yield f"installed ontology, shapes and {len(results) - 2} vocabularies"
    from loaders.pipeline import load_paths

    report = load_paths(store, [data_dir()])
    yield f"loaded {report.summary()}"
