"""Kind activities: transformative activities across regions, priorities and clusters."""

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
            "activities",
        ]
    ]
    report = load_paths(reference_store, paths)
    assert report.ok, [str(p) for p in report.problems]
    assert objects(
        reference_store,
        "https://w3id.org/s3kg/id/activity/alpine-smart-production-corridor",
        "s3:region",
    ) == [
        "http://data.europa.eu/nuts/code/AT31",
        "http://data.europa.eu/nuts/code/ITC4",
        "http://data.europa.eu/nuts/code/SI04",
    ]
