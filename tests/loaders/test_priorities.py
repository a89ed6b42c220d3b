"""Kind priorities: strategies made once per region and period, priorities coded by concepts."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import NamedNode

from graph.store import OxigraphStore
from loaders.base import Problem
from loaders.pipeline import load_paths
from tests.loaders.helpers import EXAMPLES, objects


def test_priorities_and_their_strategy(reference_store: OxigraphStore) -> None:
    report = load_paths(reference_store, [EXAMPLES / "csv" / "priorities.csv"])
    assert report.ok, [str(p) for p in report.problems]
    base = "https://w3id.org/s3kg/id/"
    priority = base + "priority/itc4-advanced-manufacturing"
    strategy = base + "strategy/itc4-2021-2027"
    assert objects(reference_store, priority, "s3:strategy") == [strategy]
    assert objects(reference_store, priority, "s3:economicDomain") == [
        "http://data.europa.eu/ux2/nace2/256",
        "http://data.europa.eu/ux2/nace2/28",
    ]
    assert objects(reference_store, priority, "s3:sdg") == ["http://metadata.un.org/sdg/9"]
    assert objects(reference_store, priority, "s3:keyEnablingTechnology") == [
        "https://w3id.org/s3kg/vocab/ket/advanced-manufacturing"
    ]
    assert objects(reference_store, strategy, "dcterms:title") == [
        "Lombardy Smart Specialisation Strategy 2021-2027"
    ]
    assert objects(reference_store, strategy, "s3:region") == [
        "http://data.europa.eu/nuts/code/ITC4"
    ]


def test_strategy_without_title_gets_one(reference_store: OxigraphStore, tmp_path: Path) -> None:
    path = tmp_path / "priorities.csv"
    path.write_text("region,period,priority_id,title\nSI04,2021-2027,p1,Smart factories\n")
    assert load_paths(reference_store, [path]).ok
    strategy = "https://w3id.org/s3kg/id/strategy/si04-2021-2027"
    assert objects(reference_store, strategy, "dcterms:title") == [
        "Smart Specialisation Strategy of SI04, 2021-2027"
    ]


def test_unknown_concept_codes(reference_store: OxigraphStore, tmp_path: Path) -> None:
    path = tmp_path / "priorities.csv"
    path.write_text(
        "region,period,priority_id,title,kets,policy_objectives\n"
        "SI04,2021-2027,p1,Smart factories,advanced-manufactoring,PO9\n"
    )
    report = load_paths(reference_store, [path])
    assert report.problems == [
        Problem(
            "priorities.csv", 2, 6, "policy_objectives",
            "item 1: unknown policy-objective code 'PO9'; did you mean PO4 or PO1?",
        ),
        Problem(
            "priorities.csv", 2, 5, "kets",
            "item 1: unknown key enabling technology code 'advanced-manufactoring'; did you mean "
            "advanced-manufacturing?",
        ),
    ]  # fmt: skip
    assert NamedNode(reference_store.graphs.source("priorities")).value not in {
        info.iri for info in reference_store.named_graphs()
    }
