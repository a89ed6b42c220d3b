"""Kind smes: SMEs and, told apart by their columns, memberships of clusters."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.store import OxigraphStore
from loaders.pipeline import load_paths, validate_paths
from tests.loaders.helpers import EXAMPLES, objects


@pytest.mark.parametrize("form", ["csv", "json", "xlsx"])
def test_example_loads(reference_store: OxigraphStore, form: str) -> None:
    paths = [
        EXAMPLES / form / f"{stem}.{form}"
        for stem in [
            "clusters",
            "smes",
            "memberships",
        ]
    ]
    report = load_paths(reference_store, paths)
    assert report.ok, [str(p) for p in report.problems]
    assert objects(
        reference_store,
        "https://w3id.org/s3kg/id/membership/mechatronik-cluster--alpine-precision",
        "org:member",
    ) == [
        "https://w3id.org/s3kg/id/sme/alpine-precision",
    ]


def test_membership_of_an_unknown_sme(reference_store: OxigraphStore, tmp_path: Path) -> None:
    assert load_paths(reference_store, [EXAMPLES / "csv" / "clusters.csv"]).ok
    path = tmp_path / "memberships.csv"
    path.write_text("cluster_id,member_id\nmechatronik-cluster,alpine-precisio\n")
    report = validate_paths(reference_store, [path])
    assert [str(p) for p in report.problems] == [
        "memberships.csv:2:2: member_id: unknown SME 'alpine-precisio'"
    ]
