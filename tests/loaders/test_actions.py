"""Kind actions: joint action plans, their actions and milestones."""

from __future__ import annotations

import pytest

from graph.store import OxigraphStore
from loaders.pipeline import load_paths
from tests.loaders.helpers import EXAMPLES, objects


@pytest.mark.parametrize("form", ["csv", "json", "xlsx"])
def test_example_loads(reference_store: OxigraphStore, form: str) -> None:
    paths = [
        EXAMPLES / form / f"{stem}.{form}"
        for stem in [
            "priorities",
            "clusters",
            "actions",
        ]
    ]
    report = load_paths(reference_store, paths)
    assert report.ok, [str(p) for p in report.problems]
    assert objects(
        reference_store, "https://w3id.org/s3kg/id/plan/alpine-production-plan", "s3:hasAction"
    ) == [
        "https://w3id.org/s3kg/id/action/joint-training",
        "https://w3id.org/s3kg/id/action/shared-test-beds",
    ]


def test_milestones_are_blank_nodes_with_title_and_date(reference_store: OxigraphStore) -> None:
    paths = [EXAMPLES / "csv" / f"{s}.csv" for s in ("priorities", "clusters", "actions")]
    assert load_paths(reference_store, paths).ok
    result = reference_store.query(
        "SELECT ?title ?due WHERE { <https://w3id.org/s3kg/id/action/shared-test-beds> "
        "s3:milestone ?m . ?m a s3:Milestone ; dcterms:title ?title ; s3:dueDate ?due . "
        "FILTER(isBlank(?m)) } ORDER BY ?due"
    )
    assert [(r[0].value, r[1].value) for r in result.rows] == [  # type: ignore[union-attr]
        ("catalogue of test beds published", "2025-03-31"),
        ("first 20 cross-border tests", "2025-12-31"),
    ]
