"""The example files of docs/data-formats.md: the CSV, JSON and XLSX forms give the same graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import BlankNode

from graph.store import OxigraphStore
from loaders.base import LoadContext
from loaders.pipeline import detect_kind, known_iris, loaders

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"
ORDER = [
    "priorities", "clusters", "smes", "memberships", "services", "schemes", "calls",
    "activities", "actions",
]  # fmt: skip


def triples(store: OxigraphStore, form: str) -> tuple[set[str], int]:
    """The triples without blank nodes, and the number of those with one."""
    known = known_iris(store)
    named: set[str] = set()
    blank = 0
    for stem in ORDER:
        path = EXAMPLES / form / f"{stem}.{form}"
        context = LoadContext(store.graphs, known=known)
        for triple in loaders()[detect_kind(path)].convert(path, context):
            if isinstance(triple.subject, BlankNode) or isinstance(triple.object, BlankNode):
                blank += 1
            else:
                named.add(str(triple))
        assert context.problems == [], context.problems
    return named, blank


@pytest.mark.parametrize("form", ["json", "xlsx"])
def test_same_triples_as_the_csv_examples(reference_store: OxigraphStore, form: str) -> None:
    assert triples(reference_store, form) == triples(reference_store, "csv")


def test_every_layout_has_an_example_in_each_form() -> None:
    for form in ("csv", "json", "xlsx"):
        assert sorted(p.stem for p in (EXAMPLES / form).iterdir()) == sorted(ORDER)
