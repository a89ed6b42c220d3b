"""Kind clusters: organisations with region, sectors, member counts and ESCA label."""

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
            "clusters",
        ]
    ]
    report = load_paths(reference_store, paths)
    assert report.ok, [str(p) for p in report.problems]
    assert objects(
        reference_store, "https://w3id.org/s3kg/id/cluster/mechatronik-cluster", "s3:clusterLabel"
    ) == [
        "https://w3id.org/s3kg/ontology#GoldLabel",
    ]


def test_member_counts_and_founding_year(reference_store: OxigraphStore) -> None:
    assert load_paths(reference_store, [EXAMPLES / "csv" / "clusters.csv"]).ok
    cluster = "https://w3id.org/s3kg/id/cluster/slovenian-toolmakers"
    assert objects(reference_store, cluster, "s3:smeMembers") == ["90"]
    assert objects(reference_store, cluster, "s3:foundingYear") == ["2000"]
    assert objects(reference_store, cluster, "s3:sector") == [
        "http://data.europa.eu/ux2/nace2/2573",
        "http://data.europa.eu/ux2/nace2/2841",
    ]
