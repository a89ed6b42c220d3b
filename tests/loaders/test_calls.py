"""Kind calls: funding calls and, told apart by their columns, synchronised call schemes."""

from __future__ import annotations

import pytest

from graph.store import OxigraphStore
from loaders.pipeline import load_paths, validate_paths
from tests.loaders.helpers import EXAMPLES, objects


@pytest.mark.parametrize("form", ["csv", "json", "xlsx"])
def test_example_loads(reference_store: OxigraphStore, form: str) -> None:
    paths = [
        EXAMPLES / form / f"{stem}.{form}"
        for stem in [
            "priorities",
            "schemes",
            "calls",
        ]
    ]
    report = load_paths(reference_store, paths)
    assert report.ok, [str(p) for p in report.problems]
    assert objects(
        reference_store,
        "https://w3id.org/s3kg/id/call/at31-digital-production",
        "s3:eligibleRegion",
    ) == [
        "http://data.europa.eu/nuts/code/AT31",
        "http://data.europa.eu/nuts/code/AT32",
    ]


def test_budget_and_scheme(reference_store: OxigraphStore) -> None:
    paths = [EXAMPLES / "csv" / f"{stem}.csv" for stem in ("priorities", "schemes", "calls")]
    assert load_paths(reference_store, paths).ok
    call = "https://w3id.org/s3kg/id/call/at31-digital-production"
    assert objects(reference_store, call, "s3:budget") == ["1200000.5"]
    assert objects(reference_store, call, "s3:partOfScheme") == [
        "https://w3id.org/s3kg/id/scheme/alpine-green-production"
    ]
    scheme = "https://w3id.org/s3kg/id/scheme/alpine-green-production"
    assert objects(reference_store, scheme, "s3:topic") == [
        "http://data.europa.eu/ux2/nace2/28",
        "http://metadata.un.org/sdg/9",
        "https://w3id.org/s3kg/vocab/ket/advanced-manufacturing",
    ]


def test_a_call_of_an_unknown_scheme(reference_store: OxigraphStore) -> None:
    report = validate_paths(reference_store, [EXAMPLES / "csv" / "calls.csv"])
    assert "calls.csv:2:16: scheme_id: unknown call scheme 'alpine-green-production'" in [
        str(p) for p in report.problems
    ]
