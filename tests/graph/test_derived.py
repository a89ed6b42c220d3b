"""The derived graph (graph.derived): closure, profiles, pre-aggregated counts, never stale."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat

import graph.derived
from graph.derived import (
    Inputs,
    derive,
    profiles_by_period,
    read_profiles,
    read_taxonomy,
    rebuild,
    snapshot,
)
from graph.namespaces import NACE2, NUTS
from graph.results import SelectResult
from graph.settings import Settings
from graph.store import OxigraphStore, open_store

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "alignment-fixture.ttl"
ID = "https://w3id.org/s3kg/id/"


def load_fixture(store: OxigraphStore, text: str | None = None) -> None:
    source = text.encode() if text is not None else FIXTURE
    store.replace_graph(store.graphs.source("fixture"), source, RdfFormat.TURTLE)
    rebuild(store)


def select(store: OxigraphStore, sparql: str) -> list[tuple[str, ...]]:
    result = store.query(sparql, default_graph=[store.graphs.derived])
    assert isinstance(result, SelectResult)
    return sorted(
        tuple(t.value if isinstance(t, NamedNode | Literal) else "" for t in row)
        for row in result.rows
    )


def code(iri: str) -> str:
    for prefix in (NUTS, NACE2, ID, "http://metadata.un.org/sdg/"):
        iri = iri.removeprefix(prefix)
    return iri


@pytest.fixture
def loaded(store: OxigraphStore) -> OxigraphStore:
    load_fixture(store)
    return store


def test_taxonomy_closure_has_every_ancestor_and_the_depth(loaded: OxigraphStore) -> None:
    rows = select(loaded, "SELECT ?a ?d WHERE { nace:2830 s3:ancestorOrSelf ?a . ?a s3:depth ?d }")
    assert [(code(a), d) for a, d in rows] == [("28", "2"), ("283", "3"), ("2830", "4"), ("C", "1")]


def test_regions_at_different_nuts_levels_lie_within_their_parents(loaded: OxigraphStore) -> None:
    rows = select(loaded, "SELECT ?r WHERE { nuts:DE111 s3:withinRegion ?r }")
    assert [code(r) for (r,) in rows] == ["DE", "DE1", "DE11", "DE111"]
    assert not select(loaded, "SELECT ?r WHERE { nuts:ITC4 s3:withinRegion nuts:AT31 }")


def test_regions_are_not_mixed_into_the_concept_closure(loaded: OxigraphStore) -> None:
    assert not select(loaded, "SELECT ?r WHERE { nuts:ITC4 s3:ancestorOrSelf ?r }")


def test_profile_of_lombardy(loaded: OxigraphStore) -> None:
    rows = select(
        loaded,
        """SELECT ?taxonomy ?concept ?direct ?count ?weight WHERE {
          <https://w3id.org/s3kg/id/strategy/ITC4-2021-2027> s3:profileEntry ?e .
          ?e s3:taxonomy ?taxonomy ; s3:concept ?concept ; s3:direct ?direct ;
             s3:priorityCount ?count ; s3:weight ?weight }""",
    )
    assert [(t, code(c), d, n, w) for t, c, d, n, w in rows] == [
        ("nace", "26", "true", "1", "0.333333"),
        ("nace", "28", "false", "1", "0.333333"),
        ("nace", "283", "true", "1", "0.333333"),
        ("nace", "C", "false", "2", "0.666667"),
        ("sdg", "9", "true", "1", "0.333333"),
    ]


def test_profile_entries_name_the_priorities_under_the_concept(loaded: OxigraphStore) -> None:
    rows = select(
        loaded,
        """SELECT ?p WHERE { <https://w3id.org/s3kg/id/strategy/ITC4-2021-2027> s3:profileEntry ?e .
          ?e s3:concept nace:C ; s3:priority ?p }""",
    )
    assert [code(p) for (p,) in rows] == ["priority/itc4-p1", "priority/itc4-p2"]


def test_strategy_counts_include_entities_in_regions_within(loaded: OxigraphStore) -> None:
    rows = select(
        loaded,
        """SELECT ?s ?p ?c ?m WHERE {
          ?s s3:priorityCount ?p ; s3:clusterCount ?c ; s3:smeCount ?m .
          FILTER(CONTAINS(STR(?s), "strategy")) }""",
    )
    assert [(code(s), p, c, m) for s, p, c, m in rows] == [
        ("strategy/AT31-2014-2020", "1", "1", "1"),  # cluster and SME in AT312 (NUTS 3)
        ("strategy/AT31-2021-2027", "2", "1", "1"),
        ("strategy/CH022-2021-2027", "1", "0", "0"),
        ("strategy/DE1-2021-2027", "1", "1", "1"),  # NUTS-1 strategy, entities in DE111
        ("strategy/ITC4-2014-2020", "2", "2", "2"),
        ("strategy/ITC4-2021-2027", "3", "2", "2"),
        ("strategy/SI0-2021-2027", "2", "1", "0"),  # national strategy, cluster in SI04
    ]


def test_support_of_each_priority_by_nested_codes(loaded: OxigraphStore) -> None:
    rows = select(
        loaded,
        """SELECT ?p ?c ?m WHERE {
          ?p s3:clusterCount ?c ; s3:smeCount ?m . FILTER(CONTAINS(STR(?p), "priority")) }""",
    )
    assert [(code(p).removeprefix("priority/"), c, m) for p, c, m in rows] == [
        ("at31-old-1", "1", "0"),  # 28 covers the cluster's 28.9; the SME's 29 is elsewhere
        ("at31-q1", "1", "0"),
        ("at31-q2", "1", "1"),
        ("ch022-t1", "0", "0"),
        ("de1-s1", "0", "1"),
        ("itc4-old-1", "1", "1"),  # 28 covers the cluster's 28.3 and the SME's 28.30
        ("itc4-old-2", "1", "1"),
        ("itc4-p1", "1", "1"),
        ("itc4-p2", "0", "0"),
        ("itc4-p3", "0", "0"),  # coded with an SDG only: no NACE code to match
        ("si0-r1", "0", "0"),
        ("si0-r2", "1", "0"),
    ]


def test_clusters_and_smes_per_region_and_sector(loaded: OxigraphStore) -> None:
    rows = select(
        loaded,
        """SELECT ?c ?clusters ?smes WHERE {
          ?e a s3:SectorCount ; s3:forRegion nuts:ITC4 ; s3:concept ?c ;
             s3:clusterCount ?clusters ; s3:smeCount ?smes }""",
    )
    assert [(code(c), n, m) for c, n, m in rows] == [
        ("28", "1", "1"),
        ("283", "1", "1"),
        ("2830", "0", "1"),
        ("62", "1", "1"),
        ("C", "1", "1"),
        ("J", "1", "1"),
    ]


def test_sector_counts_exist_only_for_strategy_regions(loaded: OxigraphStore) -> None:
    rows = select(loaded, "SELECT DISTINCT ?r WHERE { ?e s3:forRegion ?r }")
    assert [code(r) for (r,) in rows] == ["AT31", "DE1", "ITC4", "SI0"]


def test_read_profiles_and_taxonomy_back(loaded: OxigraphStore) -> None:
    profiles = read_profiles(loaded, "2021-2027", "nace")
    assert sorted(code(r) for r in profiles) == ["AT31", "CH022", "DE1", "ITC4", "SI0"]
    lombardy = profiles[NUTS + "ITC4"]
    assert {code(c) for c in lombardy.concepts} == {"283", "26"}
    assert lombardy.weights[NACE2 + "C"] == pytest.approx(float(Fraction(2, 3)))
    everything = read_profiles(loaded, "2021-2027")[NUTS + "ITC4"]
    assert {code(c) for c in everything.concepts} == {"283", "26", "9"}
    assert set(profiles_by_period(loaded)) == {"2014-2020", "2021-2027"}
    taxonomy = read_taxonomy(loaded)
    assert taxonomy.meet(NACE2 + "283", NACE2 + "289") == NACE2 + "28"
    assert taxonomy.depth_of(NACE2 + "2830") == 4


def test_rebuild_is_idempotent_and_ignores_its_own_output(loaded: OxigraphStore) -> None:
    first = select(loaded, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    rebuild(loaded)
    assert select(loaded, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }") == first


def test_derived_facts_are_never_stale(loaded: OxigraphStore) -> None:
    query = """SELECT ?c WHERE {
      <https://w3id.org/s3kg/id/strategy/ITC4-2021-2027> s3:profileEntry ?e .
      ?e s3:concept ?c ; s3:direct true }"""
    assert [code(c) for (c,) in select(loaded, query)] == ["26", "283", "9"]
    changed = FIXTURE.read_text(encoding="utf-8").replace(
        "s3:economicDomain nace:26 .", "s3:economicDomain nace:289 ."
    )
    load_fixture(loaded, changed)
    assert [code(c) for (c,) in select(loaded, query)] == ["283", "289", "9"]
    loaded.drop_graph(loaded.graphs.source("fixture"))
    rebuild(loaded)
    assert select(loaded, query) == []
    assert select(loaded, "SELECT ?s WHERE { ?s ?p ?o }") == []


def test_rebuild_returns_the_size_of_the_derived_graph(loaded: OxigraphStore) -> None:
    sizes = {info.iri: info.triples for info in loaded.named_graphs()}
    assert rebuild(loaded) == sizes[loaded.graphs.derived]


def test_derive_without_any_input_yields_nothing() -> None:
    assert list(derive(Inputs(), "https://example.org/")) == []


def test_derive_counts_an_sme_with_two_matching_activities_once() -> None:
    x = "https://example.org/"
    inputs = Inputs(
        concept_edges=[(x + "283", x + "28"), (x + "289", x + "28")],
        regions={x + "R"},
        strategies={x + "s": (x + "R", "2021-2027")},
        priorities={x + "p": x + "s"},
    )
    inputs.codes[x + "p", "nace"] = {x + "28"}
    inputs.smes[x + "R", frozenset({x + "283", x + "289"})] = 5
    counts = {
        (t.subject.value.removeprefix(x), t.predicate.value.rsplit("#", 1)[-1]): str(t.object)
        for t in derive(inputs, x)
        if isinstance(t.subject, NamedNode)
    }
    assert counts["p", "smeCount"] == counts["s", "smeCount"] == str(Literal(5))


# -- rebuilding by difference -------------------------------------------------------------------


def derived_triples(store: OxigraphStore) -> list[tuple[str, ...]]:
    return select(store, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")


def test_a_rebuild_that_changes_nothing_writes_nothing(loaded: OxigraphStore) -> None:
    before = loaded.version
    assert rebuild(loaded) == len(derived_triples(loaded))
    assert loaded.version == before


def test_a_rebuild_after_a_change_equals_a_rebuild_from_scratch(loaded: OxigraphStore) -> None:
    changed = (
        FIXTURE.read_text(encoding="utf-8")
        .replace("s3:economicDomain nace:26 .", "s3:economicDomain nace:289 .")
        .replace("rov:orgActivity nace:2830", "rov:orgActivity nace:62")
    )
    assert changed != FIXTURE.read_text(encoding="utf-8")
    load_fixture(loaded, changed)
    fresh = open_store(Settings(store=":memory:"))
    load_fixture(fresh, changed)
    assert derived_triples(loaded) == derived_triples(fresh)
    sizes = {info.iri: info.triples for info in loaded.named_graphs()}
    assert rebuild(loaded) == sizes[loaded.graphs.derived]


def test_a_rebuild_into_a_dropped_derived_graph_writes_it_whole(loaded: OxigraphStore) -> None:
    expected = derived_triples(loaded)
    loaded.drop_graph(loaded.graphs.derived)
    assert derived_triples(loaded) == []
    rebuild(loaded)
    assert derived_triples(loaded) == expected


def test_a_nearly_empty_derived_graph_is_written_afresh(
    loaded: OxigraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = derived_triples(loaded)
    one = b'<https://example.org/a> <https://example.org/p> "1" .'
    loaded.replace_graph(loaded.graphs.derived, one, RdfFormat.N_TRIPLES)
    monkeypatch.setattr(graph.derived, "_AFRESH", 0)
    assert rebuild(loaded) == len(expected)
    assert derived_triples(loaded) == expected


# -- the snapshot the computed queries share ------------------------------------------------------


def test_the_snapshot_is_shared_until_the_store_changes(loaded: OxigraphStore) -> None:
    first = snapshot(loaded)
    assert snapshot(loaded) is first
    lombardy = first.profiles("2021-2027", "nace")[NUTS + "ITC4"].profile
    assert {code(c) for c in lombardy.concepts} == {"283", "26"}
    changed = FIXTURE.read_text(encoding="utf-8").replace(
        "s3:economicDomain nace:26 .", "s3:economicDomain nace:289 ."
    )
    load_fixture(loaded, changed)
    second = snapshot(loaded)
    assert second is not first
    lombardy = second.profiles("2021-2027", "nace")[NUTS + "ITC4"].profile
    assert {code(c) for c in lombardy.concepts} == {"283", "289"}


def test_the_snapshot_agrees_with_what_it_reads(loaded: OxigraphStore) -> None:
    shared = snapshot(loaded)
    profiles = read_profiles(loaded, "2021-2027")
    assert {r: p.profile for r, p in shared.profiles("2021-2027").items()} == profiles
    assert shared.taxonomy == read_taxonomy(loaded)
    assert shared.within[NUTS + "AT312"] == {NUTS + r for r in ("AT312", "AT31", "AT3", "AT")}
    location, sectors = shared.clusters[ID + "cluster/upper-austria"]
    assert (code(location), sorted(code(s) for s in sectors)) == ("AT312", ["289", "29"])
    alignment = shared.alignment("2021-2027", "nace", NUTS + "ITC4", NUTS + "AT31")
    assert alignment.similarity == pytest.approx(7 / 12)
    assert shared.alignment("2021-2027", "nace", NUTS + "AT31", NUTS + "ITC4") is alignment


class _Unversioned:
    """A store that does not say which state it is in."""

    def __init__(self, inner: OxigraphStore) -> None:
        self.inner = inner
        self.graphs = inner.graphs

    def query(self, sparql: str, **options: object) -> object:
        return self.inner.query(sparql, **options)  # type: ignore[arg-type]


def test_a_store_without_a_version_gets_a_fresh_snapshot_each_time(loaded: OxigraphStore) -> None:
    plain = _Unversioned(loaded)
    first = snapshot(plain)  # type: ignore[arg-type]
    assert snapshot(plain) is not first  # type: ignore[arg-type]
    assert NUTS + "ITC4" in first.profiles("2021-2027")
