"""Kind smes: SMEs and, told apart by their columns, memberships of clusters."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.store import OxigraphStore
from loaders.pipeline import load_paths, validate_paths

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"


def objects(store: OxigraphStore, subject: str, predicate: str) -> list[str]:
    result = store.query(f"SELECT ?o WHERE {{ <{subject}> {predicate} ?o }} ORDER BY ?o")
    return [row[0].value for row in result.rows if row[0] is not None]  # type: ignore[union-attr]


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
