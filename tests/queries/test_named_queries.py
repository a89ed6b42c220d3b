"""Every named query in queries/: its header, and its exact results on a hand-made fixture.

The fixture (tests/data/alignment-fixture.ttl) has strategies for ITC4, AT31 (two periods),
SI0, DE1 and CH022 at NUTS levels 1 to 3, clusters and SMEs located in NUTS-3 regions, services,
calls, activities and an action plan. Each expected value below is worked out by hand; the
derivations of the alignment scores are in docs/alignment.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat

from graph.catalog import Catalog, NamedQuery
from graph.derived import rebuild
from graph.resources import queries_dir
from graph.results import SelectResult, Term
from graph.settings import Settings
from graph.store import OxigraphStore, open_store

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "alignment-fixture.ttl"
CATALOG = Catalog.load()
SHORT = (
    "http://data.europa.eu/nuts/code/",
    "http://data.europa.eu/ux2/nace2/",
    "https://w3id.org/s3kg/id/",
    "http://metadata.un.org/sdg/",
)


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphStore]:
    store = open_store(Settings(store=str(tmp_path_factory.mktemp("queries") / "store")))
    store.replace_graph(store.graphs.source("fixture"), FIXTURE, RdfFormat.TURTLE)
    rebuild(store)
    yield store
    store.close()


def short(term: Term | None) -> str:
    if not isinstance(term, NamedNode | Literal):
        return ""
    text = term.value
    for prefix in SHORT:
        text = text.removeprefix(prefix)
    return text


def rows(
    store: OxigraphStore, name: str, params: dict[str, str], columns: str
) -> list[tuple[str, ...]]:
    result = CATALOG.run(store, name, params)
    assert isinstance(result, SelectResult)
    wanted = columns.split()
    index = [result.variables.index(c) for c in wanted]
    return [
        tuple(_ordered(c, short(row[i])) for c, i in zip(wanted, index, strict=True))
        for row in result.rows
    ]


def _ordered(column: str, text: str) -> str:
    """GROUP_CONCAT lists in a fixed order (SPARQL leaves their order open)."""
    if column in ("partners", "clusters"):
        return "; ".join(sorted(text.split("; ")))
    if column in ("regionCodes", "priorities", "regions"):
        return " ".join(sorted(text.split(" ")))
    return text


# -- every file --------------------------------------------------------------------------------

QUERIES = list(CATALOG)


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_header_is_complete(query: NamedQuery) -> None:
    assert query.path is not None and query.path.parent == queries_dir()
    assert query.name == query.path.stem
    assert query.summary and query.description and query.tags
    for parameter in query.parameters:
        assert parameter.description
        if parameter.required:
            assert parameter.example, f"{parameter.name} is required but has no example"
    if query.form == "SELECT":
        assert "ORDER BY" in query.sparql, "SELECT queries are ordered so that pages are stable"
    if query.form == "COMPUTED":
        assert query.compute and query.compute.startswith("graph.measures:")


def test_every_rq_file_is_in_the_catalogue() -> None:
    assert sorted(p.stem for p in queries_dir().glob("*.rq")) == CATALOG.names()


def test_every_query_is_documented() -> None:
    listed = (Path(__file__).resolve().parents[2] / "docs" / "queries.md").read_text("utf-8")
    assert [name for name in CATALOG.names() if f"| `{name}` |" not in listed] == []


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_runs_with_its_examples(fixture_store: OxigraphStore, query: NamedQuery) -> None:
    required = {p.name: p.example for p in query.parameters if p.required}
    examples = {p.name: p.example for p in query.parameters if p.example}
    for params in (required, examples):
        known = {k: v for k, v in params.items() if k not in ("sme", "cluster")}
        if len(known) < len(params):
            continue  # the examples name entities of the real dataset, not of the fixture
        result = CATALOG.run(fixture_store, query.name, known, limit=5)
        assert isinstance(result, SelectResult)


# -- exact results -----------------------------------------------------------------------------

CASES: list[tuple[str, dict[str, str], str, list[tuple[str, ...]]]] = [
    (
        "strategies",
        {},
        "region period priorities clusters smes",
        [
            ("AT31", "2014-2020", "1", "1", "1"),
            ("AT31", "2021-2027", "2", "1", "1"),
            ("CH022", "2021-2027", "1", "0", "0"),
            ("DE1", "2021-2027", "1", "1", "1"),
            ("ITC4", "2014-2020", "2", "2", "2"),
            ("ITC4", "2021-2027", "3", "2", "2"),
            ("SI0", "2021-2027", "2", "1", "0"),
        ],
    ),
    (
        "strategies",
        {"country": "it", "period": "2021-2027"},
        "strategy title country",
        [("strategy/ITC4-2021-2027", "S3 Lombardia 2021-2027", "IT")],
    ),
    (
        "region-profile",
        {"region": "ITC4"},
        "taxonomy notation depth direct priorities weight",
        [
            ("nace", "C", "1", "false", "2", "0.666667"),
            ("nace", "26", "2", "true", "1", "0.333333"),
            ("nace", "28", "2", "false", "1", "0.333333"),
            ("nace", "28.3", "3", "true", "1", "0.333333"),
            ("sdg", "9", "1", "true", "1", "0.333333"),
        ],
    ),
    (
        "region-profile",
        {"region": "ITC4", "taxonomy": "nace", "direct": "true"},
        "notation",
        [("26",), ("28.3",)],
    ),
    (
        "shared-concepts",
        {"region": "ITC4", "other": "SI0"},
        "notation weight otherWeight",
        [("28.3", "0.333333", "0.5")],
    ),
    ("transnational-topics", {}, "notation", []),
    (
        "transnational-topics",
        {"min_regions": "2"},
        "notation regions",
        [("28.3", "2")],
    ),
    (
        "transnational-topics",
        {"expanded": "true"},
        "notation depth regions",
        [("C", "1", "4"), ("28", "2", "4")],
    ),
    (
        "complementarity",
        {"region": "ITC4"},
        "priority code cluster clusterRegion sector",
        [("priority/itc4-p1", "283", "cluster/stuttgart", "DE111", "2830")],
    ),
    ("complementarity", {"region": "ITC4", "partner": "AT31"}, "cluster", []),
    (
        "profile-change",
        {"region": "ITC4"},
        "taxonomy notation status",
        [
            ("nace", "26", "added"),
            ("nace", "28.3", "added"),
            ("sdg", "9", "added"),
            ("nace", "28", "dropped"),
            ("nace", "62", "dropped"),
        ],
    ),
    (
        "profile-change",
        {"region": "AT31", "taxonomy": "nace"},
        "notation status",
        [("28.9", "added"), ("29", "added"), ("28", "dropped")],
    ),
    (
        "sme-clusters",
        {"sme": "agri-parts"},
        "cluster sector activity sameRegion member",
        [("cluster/lombardy-mech", "283", "2830", "true", "true")],
    ),
    (
        "sme-clusters",
        {"sme": "agri-parts", "scope": "anywhere"},
        "cluster sameRegion member",
        [("cluster/lombardy-mech", "true", "true"), ("cluster/stuttgart", "false", "false")],
    ),
    (
        "sme-services",
        {"sme": "agri-parts"},
        "service cluster reason",
        [
            (
                "service/audit",
                "cluster/slovenia-food",
                "addresses a priority of its region that covers its activity",
            ),
            ("service/testbed", "cluster/lombardy-mech", "offered by a cluster of its sector"),
        ],
    ),
    (
        "sme-calls",
        {"sme": "agri-parts", "date": "2025-02-01"},
        "call status closing",
        [("call/lomb-1", "open", "2025-03-31")],
    ),
    ("sme-calls", {"sme": "agri-parts", "date": "2025-04-01"}, "call", []),
    ("sme-calls", {"sme": "code-lab", "date": "2025-02-01"}, "call", []),  # activity not eligible
    (
        "sme-calls",
        {"sme": "linz-cars", "date": "2025-02-01"},
        "call status",
        [("call/at-1", "upcoming")],
    ),
    (
        "priority-gaps",
        {},
        "strategyRegion priority clusters smes coded",
        [
            ("AT31", "priority/at31-q1", "1", "0", "true"),
            ("CH022", "priority/ch022-t1", "0", "0", "true"),
            ("DE1", "priority/de1-s1", "0", "1", "true"),
            ("ITC4", "priority/itc4-p2", "0", "0", "true"),
            ("ITC4", "priority/itc4-p3", "0", "0", "false"),
            ("SI0", "priority/si0-r1", "0", "0", "true"),
            ("SI0", "priority/si0-r2", "1", "0", "true"),
        ],
    ),
    (
        "priority-gaps",
        {"lacking": "clusters", "period": "2014-2020"},
        "priority",
        [],
    ),
    (
        "priority-gaps",
        {"lacking": "smes", "period": "2014-2020"},
        "priority",
        [("priority/at31-old-1",)],
    ),
    (
        "priority-support",
        {},
        "strategyRegion priority clusters smes",
        [
            ("AT31", "priority/at31-q1", "1", "0"),
            ("AT31", "priority/at31-q2", "1", "1"),
            ("CH022", "priority/ch022-t1", "0", "0"),
            ("DE1", "priority/de1-s1", "0", "1"),
            ("ITC4", "priority/itc4-p1", "1", "1"),
            ("ITC4", "priority/itc4-p2", "0", "0"),
            ("ITC4", "priority/itc4-p3", "0", "0"),
            ("SI0", "priority/si0-r1", "0", "0"),
            ("SI0", "priority/si0-r2", "1", "0"),
        ],
    ),
    (
        "priority-support",
        {"period": "2014-2020", "country": "it"},
        "strategyRegion period priority title clusters smes",
        [
            ("ITC4", "2014-2020", "priority/itc4-old-1", "Advanced manufacturing", "1", "1"),
            ("ITC4", "2014-2020", "priority/itc4-old-2", "Software", "1", "1"),
        ],
    ),
    (
        "priority-support",
        {"region": "AT312"},
        "region strategyRegion priority",
        [("AT312", "AT31", "priority/at31-q1"), ("AT312", "AT31", "priority/at31-q2")],
    ),
    (
        "cluster-gaps",
        {},
        "strategyRegion cluster location",
        [("DE1", "cluster/stuttgart", "DE111"), ("ITC4", "cluster/lombardy-ict", "ITC4")],
    ),
    ("cluster-gaps", {"region": "DE"}, "strategyRegion cluster", [("DE1", "cluster/stuttgart")]),
    ("priority-gaps", {"region": "AT312"}, "priority", [("priority/at31-q1",)]),
    # a region without a strategy of its own gets that of the closest region containing it
    (
        "region-profile",
        {"region": "AT312", "taxonomy": "nace", "direct": "true"},
        "strategyRegion notation",
        [("AT31", "29"), ("AT31", "28.9")],
    ),
    (
        "shared-concepts",
        {"region": "SI04", "other": "ITC4"},
        "notation weight otherWeight",
        [("28.3", "0.5", "0.333333")],
    ),
    (
        "complementarity",
        {"region": "SI04"},
        "strategyRegion priority cluster",
        [
            ("SI0", "priority/si0-r1", "cluster/stuttgart"),
            ("SI0", "priority/si0-r1", "cluster/lombardy-mech"),
        ],
    ),
    (
        "profile-change",
        {"region": "AT312", "taxonomy": "nace"},
        "notation status",
        [("28.9", "added"), ("29", "added"), ("28", "dropped")],
    ),
    (
        "transformative-activities",
        {},
        "activity regions priorities",
        [("activity/agri-digital", "SI0", ""), ("activity/pilot-lines", "AT31 ITC4", "itc4-p1")],
    ),
    ("transformative-activities", {"region": "IT"}, "activity", [("activity/pilot-lines",)]),
    (
        "transformative-activities",
        {"priority": "itc4-p1"},
        "activity",
        [("activity/pilot-lines",)],
    ),
    (
        "transformative-activities",
        {"cluster": "slovenia-food"},
        "activity",
        [("activity/agri-digital",)],
    ),
    (
        "action-plan",
        {},
        "action lead statusName partners priorities",
        [
            (
                "action/joint-testbed",
                "cluster/lombardy-mech",
                "ongoing",
                "Upper Austria Mobility Cluster",
                "itc4-p1",
            ),
            ("action/food-lab", "cluster/slovenia-food", "planned", "", ""),
        ],
    ),
    ("action-plan", {"status": "planned"}, "action", [("action/food-lab",)]),
    ("action-plan", {"region": "AT31"}, "action", [("action/joint-testbed",)]),
    ("action-plan", {"region": "SI0"}, "action", [("action/food-lab",)]),
    ("action-plan", {"lead": "lombardy-mech"}, "action", [("action/joint-testbed",)]),
    ("action-plan", {"priority": "itc4-p1"}, "action", [("action/joint-testbed",)]),
    (
        "clusters-by-sector",
        {"region": "ITC4"},
        "notation clusters smes",
        [
            ("C", "1", "1"),
            ("J", "1", "1"),
            ("28", "1", "1"),
            ("62", "1", "1"),
            ("28.3", "1", "1"),
            ("28.30", "0", "1"),
        ],
    ),
    (
        "clusters-by-sector",
        {"sector": "C28", "country": "AT"},
        "region notation clusters smes",
        [("AT31", "28", "1", "0")],
    ),
    (
        "calls",
        {"date": "2025-03-15"},
        "call",
        [("call/lomb-1",), ("call/at-1",)],
    ),
    (
        "calls",
        {"date": "2025-03-15", "upcoming": "true", "region": "DE"},
        "call issuedBy",
        [("call/de-1", "DE1")],
    ),
    (
        "calls",
        {"date": "2024-01-01", "upcoming": "true", "topic": "28.3"},
        "call",
        [("call/lomb-1",), ("call/de-1",)],
    ),
    (
        "alignment",
        {"region": "ITC4", "other": "AT31", "taxonomy": "nace"},
        "similarity jaccard overlap weighted shared",
        [("0.5833", "0.0000", "0.0000", "0.3158", "0")],
    ),
    (
        "alignment",
        {"region": "ITC4", "other": "AT31"},
        "similarity weighted",
        [("0.4667", "0.2857")],
    ),
    (
        "alignment",
        {"region": "ITC4", "other": "SI0", "taxonomy": "nace"},
        "similarity jaccard overlap weighted shared",
        [("0.5833", "0.3333", "0.5000", "0.3889", "1")],
    ),
    (
        "alignment",
        {
            "region": "ITC4",
            "other": "ITC4",
            "period": "2014-2020",
            "other_period": "2021-2027",
            "taxonomy": "nace",
        },
        "period otherPeriod similarity",
        [("2014-2020", "2021-2027", "0.4583")],
    ),
    ("alignment", {"region": "ITC4", "other": "CH022", "period": "2014-2020"}, "similarity", []),
    (
        "alignment",
        {"region": "AT312", "other": "ITC4", "taxonomy": "nace"},
        "region strategyRegion otherStrategyRegion similarity",
        [("AT312", "AT31", "ITC4", "0.5833")],
    ),
    (
        "alignment-evidence",
        {"region": "ITC4", "other": "AT31"},
        "priority otherPriority code otherCode meetNotation score",
        [
            ("priority/itc4-p1", "priority/at31-q1", "28.3", "28.9", "28", "0.6667"),
            ("priority/itc4-p2", "priority/at31-q2", "26", "29", "C", "0.5000"),
            ("priority/itc4-p1", "priority/at31-q2", "28.3", "29", "C", "0.3333"),
            ("priority/itc4-p2", "priority/at31-q1", "26", "28.9", "C", "0.3333"),
        ],
    ),
    (
        "alignment-evidence",
        {"region": "ITC4", "other": "AT31", "min_score": "0.5"},
        "priority otherPriority",
        [("priority/itc4-p1", "priority/at31-q1"), ("priority/itc4-p2", "priority/at31-q2")],
    ),
    (
        "alignment-ranking",
        {"region": "ITC4", "taxonomy": "nace"},
        "rank region similarity jaccard",
        [
            ("1", "CH022", "0.6111", "0.0000"),
            ("2", "SI0", "0.5833", "0.3333"),
            ("3", "AT31", "0.5833", "0.0000"),
            ("4", "DE1", "0.0000", "0.0000"),
        ],
    ),
    (
        "alignment-ranking",
        {"region": "ITC4", "taxonomy": "nace", "country": "AT", "k": "5"},
        "region",
        [("AT31",)],
    ),
    (
        "alignment-ranking",
        {"region": "DE111", "taxonomy": "nace", "k": "1"},
        "region similarity",
        [("AT31", "0.0000")],  # DE111 is ranked with DE1's strategy, which shares nothing
    ),
    (
        "alignment-matrix",
        {"taxonomy": "nace"},
        "region other similarity",
        [
            ("ITC4", "SI0", "0.5833"),
            ("ITC4", "AT31", "0.5833"),
            ("ITC4", "DE1", "0.0000"),
            ("ITC4", "CH022", "0.6111"),
            ("SI0", "AT31", "0.4167"),
            ("SI0", "DE1", "0.0000"),
            ("SI0", "CH022", "0.4444"),
            ("AT31", "DE1", "0.0000"),
            ("AT31", "CH022", "0.6111"),
            ("DE1", "CH022", "0.0000"),
        ],
    ),
    (
        "alignment-matrix",
        {"taxonomy": "nace", "layout": "wide", "regions": "ITC4,AT31,ITH2", "measure": "weighted"},
        "region ITC4 AT31 ITH2",
        [
            ("ITC4", "1.0000", "0.3158", ""),
            ("AT31", "0.3158", "1.0000", ""),
            ("ITH2", "", "", ""),
        ],
    ),
    (
        "alignment-matrix",
        {"taxonomy": "nace", "regions": "AT312 SI04 IT"},
        "region other similarity strategyRegion otherStrategyRegion",
        [("AT312", "SI04", "0.4167", "AT31", "SI0")],
    ),
    (
        "alignment-matrix",
        {"taxonomy": "nace", "all_regions": "true", "regions": "ITC4"},
        "region other similarity",
        [
            ("AT31", "CH022", "0.6111"),
            ("AT31", "DE1", "0.0000"),
            ("AT31", "ITC4", "0.5833"),
            ("AT31", "SI0", "0.4167"),
            ("CH022", "DE1", "0.0000"),
            ("CH022", "ITC4", "0.6111"),
            ("CH022", "SI0", "0.4444"),
            ("DE1", "ITC4", "0.0000"),
            ("DE1", "SI0", "0.0000"),
            ("ITC4", "SI0", "0.5833"),
        ],
    ),
    (
        "alignment-change",
        {"region": "ITC4", "taxonomy": "nace"},
        "region before after change",
        [("AT31", "0.6667", "0.5833", "-0.0833")],
    ),
    (
        "alignment-change",
        {"region": "AT312", "taxonomy": "nace"},
        "region before after change",
        [("ITC4", "0.6667", "0.5833", "-0.0833")],
    ),
    (
        "cluster-partners",
        {"cluster": "lombardy-mech"},
        "rank partner region score sectorSimilarity regionAlignment",
        [
            ("1", "cluster/upper-austria", "AT31", "0.5694", "0.5556", "0.5833"),
            ("2", "cluster/stuttgart", "DE1", "0.3750", "0.7500", "0.0000"),
            ("3", "cluster/slovenia-food", "SI0", "0.2917", "0.0000", "0.5833"),
        ],
    ),
    (
        "cluster-partners",
        {"cluster": "lombardy-mech", "weight": "1", "country": "DE"},
        "partner score reasons",
        [
            (
                "cluster/stuttgart",
                "0.7500",
                "28.3 ~ 28.30 meet at 28.3 (Manufacture of agricultural and forestry machinery);"
                " strategies of ITC4 and DE1 aligned 0.00",
            )
        ],
    ),
    (  # DE1 has no 2014-2020 strategy: partners are ranked by their sectors alone
        "cluster-partners",
        {"cluster": "stuttgart", "period": "2014-2020"},
        "partner region score sectorSimilarity regionAlignment",
        [
            ("cluster/lombardy-mech", "ITC4", "0.3750", "0.7500", "0.0000"),
            ("cluster/upper-austria", "AT31", "0.2083", "0.4167", "0.0000"),
            ("cluster/lombardy-ict", "ITC4", "0.0000", "0.0000", "0.0000"),
            ("cluster/slovenia-food", "SI04", "0.0000", "0.0000", "0.0000"),
        ],
    ),
    (
        "call-synchronisation",
        {},
        "call otherCall score topic similarity synchronised overlapStart overlapEnd overlapDays"
        " sameScheme",
        [
            ("call/de-1", "call/lomb-1", "0.7500", "283", "0.5000", "false", "", "", "0", "false"),
            (
                "call/at-1",
                "call/lomb-1",
                "0.6667",
                "28",
                "0.6667",
                "true",
                "2025-03-01",
                "2025-03-31",
                "31",
                "true",
            ),
            ("call/at-1", "call/de-1", "0.5000", "28", "0.3333", "false", "", "", "0", "false"),
        ],
    ),
    (
        "call-synchronisation",
        {"region": "ITC4", "status": "synchronised"},
        "call otherCall",
        [("call/lomb-1", "call/at-1")],
    ),
    (
        "call-synchronisation",
        {"status": "unsynchronised", "min_score": "0.6"},
        "call otherCall",
        [("call/de-1", "call/lomb-1")],
    ),
    (
        "call-synchronisation",
        {"after": "2025-04-01"},
        "call otherCall score",
        [("call/at-1", "call/de-1", "0.5000")],
    ),
    ("call-synchronisation", {"after": "2025-04-01", "min_score": "0.6"}, "call", []),
    (
        "call-scheme",
        {"topic": "C28"},
        "call proposedOpening proposedClosing inWindow shiftDays scheme",
        [
            ("call/lomb-1", "2025-03-01", "2025-03-31", "true", "0", "scheme/alpine-machinery"),
            ("call/at-1", "2025-03-01", "2025-03-31", "true", "0", "scheme/alpine-machinery"),
            ("call/de-1", "2025-03-01", "2025-03-31", "false", "-184", ""),
        ],
    ),
    (
        "call-scheme",
        {"topic": "J62", "after": "2025-01-01"},
        "call inWindow",
        [("call/de-1", "true")],
    ),
]


@pytest.mark.parametrize(
    ("name", "params", "columns", "expected"),
    CASES,
    ids=[f"{name}-{i}" for i, (name, *_) in enumerate(CASES)],
)
def test_exact_results(
    fixture_store: OxigraphStore,
    name: str,
    params: dict[str, str],
    columns: str,
    expected: list[tuple[str, ...]],
) -> None:
    assert rows(fixture_store, name, params, columns) == expected


def test_every_named_query_has_an_exact_case() -> None:
    assert {name for name, *_ in CASES} == set(CATALOG.names())


def test_unknown_regions_and_entities_are_reported(fixture_store: OxigraphStore) -> None:
    from graph.errors import ParameterError

    with pytest.raises(ParameterError, match="no region ITC9"):
        CATALOG.run(fixture_store, "alignment-ranking", {"region": "ITC9"})
    with pytest.raises(ParameterError, match="no sme nobody"):
        CATALOG.run(fixture_store, "sme-calls", {"sme": "nobody"})
