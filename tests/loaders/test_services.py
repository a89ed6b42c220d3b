"""Kind services: a cluster's service and its validation by a pilot cluster."""

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
            "services",
        ]
    ]
    report = load_paths(reference_store, paths)
    assert report.ok, [str(p) for p in report.problems]
    assert objects(
        reference_store,
        "https://w3id.org/s3kg/id/service/digital-maturity-check/validation",
        "s3:validatedBy",
    ) == [
        "https://w3id.org/s3kg/id/cluster/lombardy-intelligent-factories",
    ]
