"""Helpers shared by the tests of the per-kind loaders."""

from __future__ import annotations

from pathlib import Path

from graph.store import OxigraphStore

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"
"""The example input files of docs/data-formats.md, one folder per format."""


def objects(store: OxigraphStore, subject: str, predicate: str) -> list[str]:
    """The values of ``predicate`` on ``subject``, sorted."""
    result = store.query(f"SELECT ?o WHERE {{ <{subject}> {predicate} ?o }} ORDER BY ?o")
    return [row[0].value for row in result.rows if row[0] is not None]  # type: ignore[union-attr]
