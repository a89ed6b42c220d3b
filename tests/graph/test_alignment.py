"""The alignment measures (graph.alignment): exact values on a NACE slice, and their properties."""

from __future__ import annotations

import math
from datetime import date
from fractions import Fraction
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.alignment import (
    Prepared,
    Profile,
    Taxonomy,
    change,
    common_window,
    compare,
    compare_prepared,
    evidence,
    exact_parts,
    jaccard,
    matched_similarity,
    matcher,
    matrix,
    overlap_coefficient,
    partner_score,
    profile_similarity,
    rank,
    shift_into,
    weighted_jaccard,
    window_overlap,
)

# C > 28 > 28.3 > 28.30, 28 > 28.9, C > 29, C > 26, J > 62, A > 01 (IRIs shortened to codes)
NACE = Taxonomy.from_broader(
    [
        ("28", "C"),
        ("283", "28"),
        ("2830", "283"),
        ("289", "28"),
        ("29", "C"),
        ("26", "C"),
        ("62", "J"),
        ("01", "A"),
    ]
)


def profile(region: str, *concepts: str, period: str = "2021-2027") -> Profile:
    return Profile(region, period, frozenset(concepts))


def approx(value: Fraction | float) -> object:
    return pytest.approx(float(value), abs=1e-12)


# -- the taxonomy -----------------------------------------------------------------------------


def test_depth_is_the_nace_level() -> None:
    assert [NACE.depth_of(c) for c in ("C", "28", "283", "2830")] == [1, 2, 3, 4]


def test_ancestors_include_the_concept_itself() -> None:
    assert NACE.ancestors_of("2830") == {"2830", "283", "28", "C"}


def test_an_unknown_concept_is_its_own_only_ancestor_at_depth_one() -> None:
    assert NACE.ancestors_of("sdg-9") == {"sdg-9"}
    assert NACE.depth_of("sdg-9") == 1


@pytest.mark.parametrize(
    ("a", "b", "meet", "score"),
    [
        pytest.param("283", "289", "28", Fraction(2, 3), id="groups-meet-at-division"),
        pytest.param("28", "29", "C", Fraction(1, 2), id="divisions-meet-at-section"),
        pytest.param("28", "283", "28", Fraction(2, 3), id="division-and-its-group"),
        pytest.param("283", "2830", "283", Fraction(3, 4), id="group-and-its-class"),
        pytest.param("2830", "29", "C", Fraction(1, 4), id="class-and-other-division"),
        pytest.param("283", "283", "283", Fraction(1), id="identical"),
        pytest.param("28", "62", None, Fraction(0), id="different-sections"),
    ],
)
def test_concept_similarity(a: str, b: str, meet: str | None, score: Fraction) -> None:
    assert NACE.meet(a, b) == meet
    assert NACE.similarity(a, b) == approx(score)
    assert NACE.similarity(b, a) == approx(score)


def test_meet_ties_go_to_the_smaller_iri() -> None:
    diamond = Taxonomy.from_broader([("x", "b"), ("x", "a"), ("y", "a"), ("y", "b")])
    assert diamond.meet("x", "y") == "a"


def test_depth_follows_the_longest_chain_in_a_polyhierarchy() -> None:
    t = Taxonomy.from_broader([("x", "top"), ("x", "mid"), ("mid", "top")])
    assert t.depth_of("x") == 3


def test_a_cycle_does_not_loop_and_keeps_similarity_in_bounds() -> None:
    t = Taxonomy.from_broader([("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")])
    assert t.ancestors_of("d") == {"a", "b", "c", "d"}
    for x in "abcd":
        for y in "abcd":
            assert 0.0 <= t.similarity(x, y) <= 1.0


def test_nested_means_equal_above_or_below() -> None:
    assert NACE.nested("2830", "C") and NACE.nested("C", "2830") and NACE.nested("28", "28")
    assert not NACE.nested("283", "289")


# -- set measures -----------------------------------------------------------------------------


def test_jaccard_and_overlap_coefficient() -> None:
    a, b = {"283", "26"}, {"283", "01"}
    assert jaccard(a, b) == approx(Fraction(1, 3))
    assert overlap_coefficient(a, b) == approx(Fraction(1, 2))
    assert overlap_coefficient({"283"}, {"283", "01", "26"}) == 1.0
    assert jaccard(set(), set()) == 0.0
    assert overlap_coefficient(set(), {"283"}) == 0.0


def test_weighted_jaccard_of_expanded_profiles() -> None:
    # Lombardy: 3 priorities (28.3, 26, uncoded); Upper Austria: 2 (28.9, 29)
    lombardy = {"283": 1 / 3, "28": 1 / 3, "26": 1 / 3, "C": 2 / 3}
    upper_austria = {"289": 1 / 2, "28": 1 / 2, "29": 1 / 2, "C": 1.0}
    # min: C 2/3 + 28 1/3 = 1 ; max: 1/3 + 1/3 + 1/2 + 1/2 + 1/2 + 1 = 19/6
    assert weighted_jaccard(lombardy, upper_austria) == approx(Fraction(6, 19))
    assert weighted_jaccard({}, {}) == 0.0


# -- profile similarity -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # 28.3→28.9 2/3, 26→29 1/2, 28.9→28.3 2/3, 29→26 1/2: (7/3)/4
        pytest.param({"283", "26"}, {"289", "29"}, Fraction(7, 12), id="lombardy-upper-austria"),
        # 28.3→28 2/3, 26→28 1/2, 28→28.3 2/3: (11/6)/3
        pytest.param({"283", "26"}, {"28"}, Fraction(11, 18), id="lombardy-fribourg"),
        # 28.3 1, 26→28.3 1/3, 28.3 1, 01 0: (7/3)/4
        pytest.param({"283", "26"}, {"283", "01"}, Fraction(7, 12), id="lombardy-slovenia"),
        # an SDG code meets nothing in NACE and earns no credit: (7/3)/5
        pytest.param({"283", "26", "sdg-9"}, {"289", "29"}, Fraction(7, 15), id="mixed-taxonomies"),
        pytest.param({"283", "26"}, {"62"}, Fraction(0), id="disjoint-sections"),
        pytest.param({"283", "26"}, {"26", "283"}, Fraction(1), id="identical"),
        pytest.param(set(), {"283"}, Fraction(0), id="empty"),
    ],
)
def test_profile_similarity(a: set[str], b: set[str], expected: Fraction) -> None:
    assert profile_similarity(NACE, a, b) == approx(expected)


def test_compare_gives_every_measure() -> None:
    lombardy = Profile("ITC4", "p", frozenset({"283", "26"}), {"283": 0.5, "26": 0.5})
    slovenia = Profile("SI0", "p", frozenset({"283", "01"}), {"283": 0.5, "01": 0.5})
    result = compare(NACE, lombardy, slovenia)
    assert result.shared == {"283"}
    assert result.jaccard == approx(Fraction(1, 3))
    assert result.overlap == approx(Fraction(1, 2))
    assert result.weighted == approx(Fraction(1, 3))  # 0.5 / (0.5 + 0.5 + 0.5)
    assert result.similarity == approx(Fraction(7, 12))


def test_rank_orders_by_similarity_then_jaccard_then_region() -> None:
    me = profile("ITC4", "283", "26")
    others = [
        profile("AT31", "289", "29"),  # 7/12, Jaccard 0
        profile("DE1", "62"),  # 0
        profile("SI0", "283", "01"),  # 7/12, Jaccard 1/3
        profile("CH022", "28"),  # 11/18
        profile("ITC4", "283"),  # the region itself: left out
    ]
    ranked = rank(NACE, me, others)
    assert [p.region for p, _ in ranked] == ["CH022", "SI0", "AT31", "DE1"]
    assert [p.region for p, _ in rank(NACE, me, others, k=2)] == ["CH022", "SI0"]


def test_matrix_has_every_ordered_pair_once_and_is_symmetric() -> None:
    m = matrix(NACE, [profile("ITC4", "283"), profile("AT31", "289"), profile("DE1", "62")])
    assert len(m) == 6
    assert m["ITC4", "AT31"] == m["AT31", "ITC4"]
    assert m["ITC4", "AT31"].similarity == approx(Fraction(2, 3))


def test_evidence_lists_the_best_code_pair_of_every_matching_priority_pair() -> None:
    lombardy = {"p1": {"283"}, "p2": {"26"}, "p3": {"sdg-9"}}
    upper_austria = {"q1": {"289"}, "q2": {"29"}}
    found = evidence(NACE, lombardy, upper_austria)
    rows = [(m.priority_a, m.priority_b, m.concept_a, m.concept_b, m.meet) for m in found]
    assert rows == [
        ("p1", "q1", "283", "289", "28"),
        ("p2", "q2", "26", "29", "C"),
        ("p1", "q2", "283", "29", "C"),
        ("p2", "q1", "26", "289", "C"),
    ]
    assert [m.score for m in found] == [approx(v) for v in (2 / 3, 1 / 2, 1 / 3, 1 / 3)]
    assert len(evidence(NACE, lombardy, upper_austria, min_score=0.5)) == 2


def test_change_between_periods() -> None:
    result = change(NACE, profile("ITC4", "28", "62"), profile("ITC4", "283", "26"))
    assert result.kept == frozenset()
    assert result.added == {"283", "26"}
    assert result.dropped == {"28", "62"}
    # 28→28.3 2/3, 62 0, 28.3→28 2/3, 26→28 1/2: (11/6)/4
    assert result.similarity == approx(Fraction(11, 24))


def test_partner_score_weighs_sector_against_region() -> None:
    assert partner_score(5 / 9, 7 / 12, 0.5) == approx(Fraction(41, 72))
    assert partner_score(0.2, 0.9, 1.0) == approx(0.2)
    with pytest.raises(ValueError, match="between 0 and 1"):
        partner_score(0.5, 0.5, 1.5)


# -- windows ----------------------------------------------------------------------------------

D = date


def test_window_overlap_includes_both_ends() -> None:
    assert window_overlap((D(2025, 1, 1), D(2025, 3, 1)), (D(2025, 3, 1), D(2025, 4, 1))) == (
        D(2025, 3, 1),
        D(2025, 3, 1),
    )
    assert window_overlap((D(2025, 1, 1), D(2025, 2, 1)), (D(2025, 3, 1), D(2025, 4, 1))) is None


def test_common_window_prefers_more_calls_then_longer_then_earlier() -> None:
    lombardy, austria = (D(2025, 1, 1), D(2025, 3, 31)), (D(2025, 3, 1), D(2025, 6, 30))
    baden = (D(2025, 9, 1), D(2025, 9, 30))
    assert common_window([baden, austria, lombardy]) == (D(2025, 3, 1), D(2025, 3, 31), 2)
    assert common_window([(D(2025, 1, 1), D(2025, 1, 10)), (D(2025, 2, 1), D(2025, 2, 20))]) == (
        D(2025, 2, 1),
        D(2025, 2, 20),
        1,
    )
    assert common_window([]) is None


@pytest.mark.parametrize(
    ("window", "shift"),
    [
        pytest.param((D(2025, 1, 1), D(2025, 3, 31)), 0, id="already-covers"),
        pytest.param((D(2025, 9, 1), D(2025, 9, 30)), -184, id="short-and-late-starts-with-it"),
        pytest.param((D(2025, 1, 1), D(2025, 3, 15)), 16, id="long-enough-but-closes-early"),
        pytest.param((D(2025, 3, 10), D(2025, 6, 30)), -9, id="long-enough-but-opens-late"),
    ],
)
def test_shift_into_the_common_window(window: tuple[date, date], shift: int) -> None:
    assert shift_into(window, (D(2025, 3, 1), D(2025, 3, 31))) == shift


# -- properties -------------------------------------------------------------------------------


@st.composite
def taxonomies(draw: st.DrawFn) -> Taxonomy:
    """A random forest: node i's parent is an earlier node or none."""
    size = draw(st.integers(min_value=1, max_value=14))
    edges = []
    for node in range(1, size):
        parent = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=node - 1)))
        if parent is not None:
            edges.append((f"c{node}", f"c{parent}"))
    return Taxonomy.from_broader(edges, [f"c{i}" for i in range(size)])


def concept_sets(size: int = 14) -> st.SearchStrategy[frozenset[str]]:
    return st.frozensets(st.sampled_from([f"c{i}" for i in range(size)]), max_size=6)


@settings(max_examples=150, deadline=None)
@given(taxonomies(), concept_sets(), concept_sets())
def test_similarity_is_symmetric_and_bounded(
    t: Taxonomy, a: frozenset[str], b: frozenset[str]
) -> None:
    forward = profile_similarity(t, a, b)
    assert forward == profile_similarity(t, b, a)
    assert 0.0 <= forward <= 1.0
    assert 0.0 <= jaccard(a, b) <= 1.0 and jaccard(a, b) == jaccard(b, a)
    assert 0.0 <= overlap_coefficient(a, b) <= 1.0


@settings(max_examples=100, deadline=None)
@given(taxonomies(), concept_sets().filter(bool))
def test_every_non_empty_profile_is_identical_to_itself(t: Taxonomy, a: frozenset[str]) -> None:
    assert profile_similarity(t, a, a) == 1.0
    assert jaccard(a, a) == 1.0 and overlap_coefficient(a, a) == 1.0


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(st.sampled_from("abcdef"), st.floats(0, 1), max_size=6),
    st.dictionaries(st.sampled_from("abcdef"), st.floats(0, 1), max_size=6),
)
def test_weighted_jaccard_is_symmetric_and_bounded(
    a: dict[str, float], b: dict[str, float]
) -> None:
    assert weighted_jaccard(a, b) == weighted_jaccard(b, a)
    assert 0.0 <= weighted_jaccard(a, b) <= 1.0


@settings(max_examples=60, deadline=None)
@given(taxonomies(), st.lists(concept_sets(), min_size=2, max_size=5), concept_sets(), st.randoms())
def test_adding_a_region_or_reordering_changes_no_pair(
    t: Taxonomy,
    sets: list[frozenset[str]],
    extra: frozenset[str],
    random: Random,
) -> None:
    profiles = [profile(f"R{i}", *s) for i, s in enumerate(sets)]
    before = matrix(t, profiles)
    shuffled = list(profiles)
    random.shuffle(shuffled)
    assert matrix(t, shuffled) == before
    after = matrix(t, [*shuffled, profile("NEW", *extra)])
    assert {k: v for k, v in after.items() if "NEW" not in k} == before
    target, others = profiles[0], profiles[1:]
    reversed_ranking = rank(t, target, list(reversed(others)))
    assert [p.region for p, _ in rank(t, target, others)] == [p.region for p, _ in reversed_ranking]


@settings(max_examples=60, deadline=None)
@given(taxonomies(), st.lists(st.sampled_from([f"c{i}" for i in range(14)]), max_size=6))
def test_input_order_and_duplicates_do_not_change_similarity(t: Taxonomy, items: list[str]) -> None:
    other = list(reversed(items)) + items
    assert profile_similarity(t, items, ["c0"]) == profile_similarity(t, other, ["c0"])


@settings(max_examples=60, deadline=None)
@given(taxonomies(), concept_sets(), concept_sets())
def test_evidence_is_symmetric(t: Taxonomy, a: frozenset[str], b: frozenset[str]) -> None:
    forward = evidence(t, {"a": a}, {"b": b})
    backward = evidence(t, {"b": b}, {"a": a})
    assert [m.score for m in forward] == [m.score for m in backward]
    for m in forward:
        assert m.meet in t.ancestors_of(m.concept_a) & t.ancestors_of(m.concept_b)


# -- prepared comparison: the same numbers, to the last bit -----------------------------------


@st.composite
def hierarchies(draw: st.DrawFn) -> Taxonomy:
    """A random polyhierarchy: up to two parents per node, now and then a link closing a cycle."""
    size = draw(st.integers(min_value=1, max_value=12))
    edges = []
    for node in range(1, size):
        parents = draw(st.sets(st.integers(min_value=0, max_value=node - 1), max_size=2))
        edges += [(f"c{node}", f"c{parent}") for parent in parents]
    if size > 2 and draw(st.booleans()):
        edges.append(("c0", f"c{size - 1}"))
    return Taxonomy.from_broader(edges, [f"c{i}" for i in range(size)])


def weighted_sets() -> st.SearchStrategy[dict[str, float]]:
    """Concepts (some unknown to the taxonomy) with non-negative weights, as in a profile."""
    names = [f"c{i}" for i in range(12)] + ["x1", "x2"]
    return st.dictionaries(st.sampled_from(names), st.floats(0, 1), max_size=7)


@settings(max_examples=300, deadline=None)
@given(st.one_of(taxonomies(), hierarchies()), weighted_sets(), weighted_sets(), st.data())
def test_prepared_comparison_equals_compare_exactly(
    t: Taxonomy, a: dict[str, float], b: dict[str, float], data: st.DataObject
) -> None:
    coded_a = frozenset(data.draw(st.sets(st.sampled_from(sorted(a)))) if a else ())
    coded_b = frozenset(data.draw(st.sets(st.sampled_from(sorted(b)))) if b else ())
    p, q = Profile("A", "p", coded_a, a), Profile("B", "p", coded_b, b)
    fast = compare_prepared(Prepared.of(t, p), Prepared.of(t, q))
    assert fast == compare(t, p, q)
    assert compare_prepared(Prepared.of(t, q), Prepared.of(t, p)) == fast


@settings(max_examples=200, deadline=None)
@given(st.one_of(taxonomies(), hierarchies()), concept_sets(), concept_sets())
def test_matched_similarity_equals_profile_similarity_and_remembers_nothing_wrong(
    t: Taxonomy, a: frozenset[str], b: frozenset[str]
) -> None:
    first, second = matcher(t, a), matcher(t, b)
    expected = profile_similarity(t, a, b)
    assert matched_similarity(first, second) == expected
    assert matched_similarity(first, second) == expected  # from the remembered credits
    assert matched_similarity(second, first) == expected


def test_matched_similarity_of_the_worked_example() -> None:
    lombardy, upper_austria = matcher(NACE, {"283", "26"}), matcher(NACE, {"289", "29"})
    assert matched_similarity(lombardy, upper_austria) == approx(Fraction(7, 12))
    assert matched_similarity(lombardy, matcher(NACE, set())) == 0.0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(-1e20, 1e20, allow_nan=False), max_size=30),
    st.lists(st.floats(-1e20, 1e20, allow_nan=False), max_size=10),
)
def test_exact_parts_keep_the_exact_sum(values: list[float], others: list[float]) -> None:
    assert math.fsum([*exact_parts(values), *others]) == math.fsum([*values, *others])
