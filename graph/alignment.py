"""How closely the Smart Specialisation Strategies of two regions are aligned: the measures.

Pure functions over :class:`Taxonomy` (a SKOS hierarchy with the depth of each concept) and
:class:`Profile` (the concepts a strategy's priorities are coded with). Reading them from the
store is :mod:`graph.derived`'s job; turning them into named-query results is
:mod:`graph.measures`'. ``docs/alignment.md`` defines every measure with a worked example.

A tiny slice of NACE Rev. 2: section C, divisions 28 and 29, groups 28.3 and 28.9.

>>> nace = Taxonomy.from_broader([("28", "C"), ("29", "C"), ("283", "28"), ("289", "28")])
>>> nace.depth["C"], nace.depth["28"], nace.depth["283"]
(1, 2, 3)
>>> nace.meet("283", "289"), nace.similarity("283", "289")
('28', 0.6666666666666666)
>>> nace.similarity("28", "29"), nace.similarity("28", "28")
(0.5, 1.0)
>>> profile_similarity(nace, {"283"}, {"289", "29"})
0.5555555555555555
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import date

# -- the taxonomy -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Taxonomy:
    """A concept hierarchy: each concept's ancestors (itself included) and its depth.

    The depth of a concept is one more than the length of the longest chain of ``skos:broader``
    links from it to a top concept: NACE sections are 1, divisions 2, groups 3, classes 4.
    Concepts the taxonomy does not know are their own only ancestor, at depth 1.
    """

    ancestors: Mapping[str, frozenset[str]]
    depth: Mapping[str, int]

    @classmethod
    def from_broader(
        cls, edges: Iterable[tuple[str, str]], concepts: Iterable[str] = ()
    ) -> Taxonomy:
        """The taxonomy of ``(narrower, broader)`` links; a link that closes a cycle is ignored.

        >>> t = Taxonomy.from_broader([("b", "a"), ("c", "b"), ("a", "c")], ["d"])
        >>> sorted(t.ancestors["c"]), t.depth["d"]
        (['a', 'b', 'c'], 1)
        """
        parents: dict[str, set[str]] = defaultdict(set)
        nodes: set[str] = set(concepts)
        for narrower, broader in edges:
            nodes.update((narrower, broader))
            if narrower != broader:
                parents[narrower].add(broader)
        ancestors = {node: frozenset(_reachable(node, parents)) for node in nodes}
        return cls(ancestors, _depths(sorted(nodes), parents))

    def ancestors_of(self, concept: str) -> frozenset[str]:
        """The concept and every concept above it."""
        return self.ancestors.get(concept, frozenset((concept,)))

    def depth_of(self, concept: str) -> int:
        """The depth of the concept (1 for a top concept or an unknown one)."""
        return self.depth.get(concept, 1)

    def meet(self, a: str, b: str) -> str | None:
        """The deepest concept above (or equal to) both, or None; ties go to the smaller IRI.

        >>> Taxonomy.from_broader([("x", "top"), ("y", "top")]).meet("x", "y")
        'top'
        """
        common = self.ancestors_of(a) & self.ancestors_of(b)
        if not common:
            return None
        return min(common, key=lambda c: (-self.depth_of(c), c))

    def similarity(self, a: str, b: str) -> float:
        """``depth(meet(a, b)) / max(depth(a), depth(b))``: 1 for equal concepts, 0 for unrelated.

        >>> Taxonomy.from_broader([("x", "top")]).similarity("x", "elsewhere")
        0.0
        """
        if a == b:
            return 1.0
        common = self.meet(a, b)
        if common is None:
            return 0.0
        return min(1.0, self.depth_of(common) / max(self.depth_of(a), self.depth_of(b)))

    def nested(self, a: str, b: str) -> bool:
        """True when one concept is the other or lies below it (``28.30`` and ``C``).

        >>> t = Taxonomy.from_broader([("28", "C")])
        >>> t.nested("28", "C"), t.nested("C", "28"), t.nested("28", "29")
        (True, True, False)
        """
        return b in self.ancestors_of(a) or a in self.ancestors_of(b)


def _reachable(start: str, parents: Mapping[str, Set[str]]) -> set[str]:
    seen = {start}
    frontier = [start]
    while frontier:
        for parent in parents.get(frontier.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                frontier.append(parent)
    return seen


def _depths(nodes: Sequence[str], parents: Mapping[str, Set[str]]) -> dict[str, int]:
    """Longest-chain depths by an iterative depth-first walk that skips links closing a cycle."""
    depth: dict[str, int] = {}
    for root in nodes:
        if root in depth:
            continue
        on_path: set[str] = {root}
        stack: list[tuple[str, list[str]]] = [(root, sorted(parents.get(root, ())))]
        while stack:
            node, pending = stack[-1]
            while pending and (pending[-1] in depth or pending[-1] in on_path):
                pending.pop()
            if pending:
                child = pending.pop()
                on_path.add(child)
                stack.append((child, sorted(parents.get(child, ()))))
                continue
            stack.pop()
            on_path.discard(node)
            above = [depth[p] for p in parents.get(node, ()) if p in depth]
            depth[node] = 1 + max(above, default=0)
    return depth


# -- profiles and their comparison ------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """What one region's strategy for one period is about.

    ``concepts`` are the concepts its priorities are coded with; ``weights`` gives, for those
    concepts and every concept above them, the share of the strategy's priorities that fall
    under it (0 to 1).
    """

    region: str
    period: str
    concepts: frozenset[str]
    weights: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Alignment:
    """How two profiles compare; every score is in [0, 1]."""

    shared: frozenset[str]
    jaccard: float
    overlap: float
    weighted: float
    similarity: float


def jaccard(a: Collection[str], b: Collection[str]) -> float:
    """``|A ∩ B| / |A ∪ B|``, 0 when both are empty.

    >>> jaccard({"28", "29"}, {"29", "30", "31"})
    0.25
    """
    union = len(set(a) | set(b))
    return len(set(a) & set(b)) / union if union else 0.0


def overlap_coefficient(a: Collection[str], b: Collection[str]) -> float:
    """``|A ∩ B| / min(|A|, |B|)`` (Szymkiewicz-Simpson), 0 when either is empty.

    >>> overlap_coefficient({"28", "29"}, {"29", "30", "31"})
    0.5
    """
    smaller = min(len(set(a)), len(set(b)))
    return len(set(a) & set(b)) / smaller if smaller else 0.0


def weighted_jaccard(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """``Σ min(a_c, b_c) / Σ max(a_c, b_c)`` over all concepts (Ruzicka), 0 when both are empty.

    >>> weighted_jaccard({"C": 1.0, "28": 0.5}, {"C": 1.0, "29": 1.0})
    0.4
    """
    keys = sorted(set(a) | set(b))
    top = math.fsum(max(a.get(k, 0.0), b.get(k, 0.0)) for k in keys)
    if top == 0:
        return 0.0
    return math.fsum(min(a.get(k, 0.0), b.get(k, 0.0)) for k in keys) / top


def profile_similarity(taxonomy: Taxonomy, a: Collection[str], b: Collection[str]) -> float:
    """Symmetric best-match average of :meth:`Taxonomy.similarity`; 0 when either is empty.

    Each concept of A is credited with its best match in B and each concept of B with its best
    match in A; the result is the mean of those ``|A| + |B|`` credits.

    >>> t = Taxonomy.from_broader([("28", "C"), ("29", "C"), ("01", "A")])
    >>> profile_similarity(t, {"28"}, {"28"}), profile_similarity(t, {"28"}, {"01"})
    (1.0, 0.0)
    """
    first, second = sorted(set(a)), sorted(set(b))
    if not first or not second:
        return 0.0
    credits = [max(taxonomy.similarity(x, y) for y in second) for x in first]
    credits += [max(taxonomy.similarity(x, y) for x in first) for y in second]
    return math.fsum(credits) / len(credits)


def compare(taxonomy: Taxonomy, a: Profile, b: Profile) -> Alignment:
    """Every measure for one pair of profiles.

    >>> t = Taxonomy.from_broader([("28", "C"), ("29", "C")])
    >>> p = Profile("ITC4", "2021-2027", frozenset({"28", "29"}), {"C": 1.0, "28": 0.5, "29": 0.5})
    >>> q = Profile("AT31", "2021-2027", frozenset({"28"}), {"C": 1.0, "28": 1.0})
    >>> r = compare(t, p, q)
    >>> sorted(r.shared), r.jaccard, r.overlap, r.weighted, r.similarity
    (['28'], 0.5, 1.0, 0.6, 0.8333333333333334)
    """
    return Alignment(
        shared=a.concepts & b.concepts,
        jaccard=jaccard(a.concepts, b.concepts),
        overlap=overlap_coefficient(a.concepts, b.concepts),
        weighted=weighted_jaccard(a.weights, b.weights),
        similarity=profile_similarity(taxonomy, a.concepts, b.concepts),
    )


# -- prepared comparison: the same measures, for many pairs ----------------------------------


@dataclass(frozen=True)
class Matcher:
    """A set of concepts prepared for best-match similarity against many other sets.

    ``entries`` holds, per concept, the concept, its depth and its ancestors with their depths;
    ``below`` maps every concept at or above one of the set to the smallest depth of the set's
    concepts below it. A concept ``a`` then finds its best match in the set through its
    ancestors: a concept ``b`` of the set below ancestor ``x`` meets ``a`` at ``x`` or deeper, so

        max_b sim(a, b) = max_x depth(x) / max(depth(a), below[x])

    which :func:`matched_similarity` uses in place of comparing every pair of concepts, and
    remembers per concept. The result is :func:`profile_similarity`'s, to the last bit.
    """

    entries: tuple[tuple[str, int, tuple[tuple[str, int], ...]], ...]
    below: Mapping[str, int]
    _credits: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    def best(self, depth: int, ancestors: tuple[tuple[str, int], ...]) -> float:
        """The best similarity of a concept (its depth and ancestors) with one of the set."""
        best = 0.0
        below = self.below
        for ancestor, level in ancestors:
            deepest = below.get(ancestor)
            if deepest is not None:
                credit = level / (depth if depth > deepest else deepest)
                if credit > best:
                    best = credit
        return 1.0 if best > 1.0 else best

    def credit(self, entry: tuple[str, int, tuple[tuple[str, int], ...]]) -> float:
        """:meth:`best` for an entry of another matcher, remembered by concept."""
        found = self._credits.get(entry[0])
        if found is None:
            found = self._credits[entry[0]] = self.best(entry[1], entry[2])
        return found


def matcher(taxonomy: Taxonomy, concepts: Iterable[str]) -> Matcher:
    """``concepts`` prepared for :func:`matched_similarity`.

    >>> t = Taxonomy.from_broader([("28", "C"), ("29", "C"), ("283", "28"), ("289", "28")])
    >>> sorted(matcher(t, {"283", "29"}).below.items())
    [('28', 3), ('283', 3), ('29', 2), ('C', 2)]
    """
    entries = []
    below: dict[str, int] = {}
    for concept in sorted(set(concepts)):
        depth = taxonomy.depth_of(concept)
        ancestors = tuple(sorted((a, taxonomy.depth_of(a)) for a in taxonomy.ancestors_of(concept)))
        entries.append((concept, depth, ancestors))
        for ancestor, _ in ancestors:
            if depth < below.get(ancestor, depth + 1):
                below[ancestor] = depth
    return Matcher(tuple(entries), below)


def matched_similarity(a: Matcher, b: Matcher) -> float:
    """:func:`profile_similarity` of two prepared sets (the same value, found faster).

    >>> t = Taxonomy.from_broader([("28", "C"), ("29", "C"), ("283", "28"), ("289", "28")])
    >>> matched_similarity(matcher(t, {"283"}), matcher(t, {"289", "29"}))
    0.5555555555555555
    """
    if not a.entries or not b.entries:
        return 0.0
    credits = list(map(b.credit, a.entries))
    credits.extend(map(a.credit, b.entries))
    return math.fsum(credits) / len(credits)


@dataclass(frozen=True)
class Prepared:
    """A profile prepared for :func:`compare_prepared` against many others."""

    profile: Profile
    matcher: Matcher
    weights: tuple[float, ...]
    """The exact sum of the profile's weights, as a few floats (see :func:`exact_parts`)."""
    weighed: frozenset[str]

    @classmethod
    def of(cls, taxonomy: Taxonomy, profile: Profile) -> Prepared:
        """Prepare ``profile`` (its weights must not be negative, as shares never are)."""
        weights = tuple(exact_parts(profile.weights[k] for k in sorted(profile.weights)))
        return cls(
            profile, matcher(taxonomy, profile.concepts), weights, frozenset(profile.weights)
        )


def exact_parts(values: Iterable[float]) -> list[float]:
    """Floats whose exact sum is the exact sum of ``values`` (Shewchuk's partials, as in fsum).

    ``math.fsum`` of the parts and other numbers equals ``math.fsum`` of the values and the same
    numbers, to the last bit: both are the correctly rounded value of one exact sum.

    >>> exact_parts([1e16, 1.0, 1e-16])
    [1e-16, 1.0, 1e+16]
    """
    parts: list[float] = []
    for value in values:
        x = value
        i = 0
        for y in parts:
            if abs(x) < abs(y):
                x, y = y, x
            high = x + y
            low = y - (high - x)
            if low:
                parts[i] = low
                i += 1
            x = high
        parts[i:] = [x]
    return parts


def compare_prepared(a: Prepared, b: Prepared) -> Alignment:
    """:func:`compare` of two prepared profiles: the same measures, to the last bit, faster.

    The weighted Jaccard sums the minima over the concepts both profiles weigh and gets the sum
    of the maxima as (the sum of every weight of both, kept exact in a few floats) − (the sum of
    those minima): the same exact sum, so ``math.fsum`` rounds it to the same number.

    >>> t = Taxonomy.from_broader([("28", "C"), ("29", "C")])
    >>> p = Profile("ITC4", "2021-2027", frozenset({"28", "29"}), {"C": 1.0, "28": 0.5, "29": 0.5})
    >>> q = Profile("AT31", "2021-2027", frozenset({"28"}), {"C": 1.0, "28": 1.0})
    >>> compare_prepared(Prepared.of(t, p), Prepared.of(t, q)) == compare(t, p, q)
    True
    """
    first, second = a.profile, b.profile
    shared = first.concepts & second.concepts
    n, m, both = len(first.concepts), len(second.concepts), len(shared)
    wa, wb = first.weights, second.weights
    minima = [min(wa[k], wb[k]) for k in a.weighed & b.weighed]
    top = math.fsum([*a.weights, *b.weights, *(-x for x in minima)])
    return Alignment(
        shared=shared,
        jaccard=both / (n + m - both) if n + m else 0.0,
        overlap=both / min(n, m) if n and m else 0.0,
        weighted=math.fsum(minima) / top if top else 0.0,
        similarity=matched_similarity(a.matcher, b.matcher),
    )


def rank(
    taxonomy: Taxonomy, target: Profile, candidates: Iterable[Profile], k: int | None = None
) -> list[tuple[Profile, Alignment]]:
    """The candidates (other than the target's region) most aligned with the target, best first.

    Ordered by similarity, then Jaccard, then region, so the order never depends on the input's.

    >>> t = Taxonomy.from_broader([("28", "C"), ("29", "C")])
    >>> me = Profile("ITC4", "p", frozenset({"28"}))
    >>> others = [Profile("AT31", "p", frozenset({"29"})), Profile("SI0", "p", frozenset({"28"}))]
    >>> [(p.region, round(a.similarity, 2)) for p, a in rank(t, me, others)]
    [('SI0', 1.0), ('AT31', 0.5)]
    """
    scored = [(c, compare(taxonomy, target, c)) for c in candidates if c.region != target.region]
    scored.sort(key=lambda pair: (-pair[1].similarity, -pair[1].jaccard, pair[0].region))
    return scored if k is None else scored[:k]


def matrix(taxonomy: Taxonomy, profiles: Iterable[Profile]) -> dict[tuple[str, str], Alignment]:
    """Every ordered pair of distinct regions (by region code) with its alignment.

    >>> t = Taxonomy.from_broader([])
    >>> m = matrix(t, [Profile("B", "p", frozenset({"x"})), Profile("A", "p", frozenset({"x"}))])
    >>> sorted(m), m["A", "B"].jaccard
    ([('A', 'B'), ('B', 'A')], 1.0)
    """
    by_region = {p.region: p for p in profiles}
    out: dict[tuple[str, str], Alignment] = {}
    codes = sorted(by_region)
    for i, first in enumerate(codes):
        for second in codes[i + 1 :]:
            result = compare(taxonomy, by_region[first], by_region[second])
            out[first, second] = out[second, first] = result
    return out


# -- evidence ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """Two priorities whose codes meet in the taxonomy, with where and how well."""

    priority_a: str
    priority_b: str
    concept_a: str
    concept_b: str
    meet: str
    score: float


def evidence(
    taxonomy: Taxonomy,
    priorities_a: Mapping[str, Collection[str]],
    priorities_b: Mapping[str, Collection[str]],
    min_score: float = 0.0,
) -> list[Match]:
    """For every pair of priorities, their best-matching pair of codes, if it scores above 0.

    Among equally good pairs of codes the one meeting deepest wins (the most specific shared
    concept), then the first by code. Matches scoring below ``min_score`` are left out.
    Ordered by score, then by priorities.

    >>> t = Taxonomy.from_broader([("283", "28"), ("289", "28"), ("28", "C")])
    >>> [(m.priority_a, m.priority_b, m.meet, round(m.score, 3))
    ...  for m in evidence(t, {"a1": {"283"}}, {"b1": {"289"}, "b2": {"01"}})]
    [('a1', 'b1', '28', 0.667)]
    """
    out: list[Match] = []
    for pa, codes_a in sorted(priorities_a.items()):
        for pb, codes_b in sorted(priorities_b.items()):
            best: Match | None = None
            for ca in sorted(codes_a):
                for cb in sorted(codes_b):
                    common = taxonomy.meet(ca, cb)
                    if common is None:
                        continue
                    score = taxonomy.similarity(ca, cb)
                    rank_ = (score, taxonomy.depth_of(common))
                    if best is None or rank_ > (best.score, taxonomy.depth_of(best.meet)):
                        best = Match(pa, pb, ca, cb, common, score)
            if best is not None and best.score > 0 and best.score >= min_score:
                out.append(best)
    out.sort(key=lambda m: (-m.score, m.priority_a, m.priority_b))
    return out


# -- change over time -------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """How a region's coded concepts changed from one period to the next."""

    kept: frozenset[str]
    added: frozenset[str]
    dropped: frozenset[str]
    similarity: float


def change(taxonomy: Taxonomy, before: Profile, after: Profile) -> Change:
    """Concepts kept, added and dropped, and the similarity of the two profiles.

    >>> t = Taxonomy.from_broader([("28", "C"), ("29", "C")])
    >>> c = change(t, Profile("X", "2014-2020", frozenset({"28"})),
    ...            Profile("X", "2021-2027", frozenset({"28", "29"})))
    >>> sorted(c.kept), sorted(c.added), sorted(c.dropped), round(c.similarity, 3)
    (['28'], ['29'], [], 0.833)
    """
    return Change(
        kept=before.concepts & after.concepts,
        added=after.concepts - before.concepts,
        dropped=before.concepts - after.concepts,
        similarity=profile_similarity(taxonomy, before.concepts, after.concepts),
    )


# -- partners and calls -----------------------------------------------------------------------


def partner_score(sector_similarity: float, region_alignment: float, weight: float) -> float:
    """``weight · sector similarity + (1 − weight) · alignment of the two regions``.

    >>> partner_score(1.0, 0.5, 0.5)
    0.75
    """
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"the weight must be between 0 and 1, got {weight}")
    return weight * sector_similarity + (1.0 - weight) * region_alignment


def window_overlap(a: tuple[date, date], b: tuple[date, date]) -> tuple[date, date] | None:
    """The days both windows are open (both ends included), or None.

    >>> window_overlap((date(2025, 1, 1), date(2025, 3, 31)), (date(2025, 3, 1), date(2025, 6, 30)))
    (datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))
    """
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return (start, end) if start <= end else None


def common_window(windows: Sequence[tuple[date, date]]) -> tuple[date, date, int] | None:
    """The stretch of days on which the most windows are all open, and how many they are.

    The stretch starts when one of them opens and ends when the first of them closes; among equal
    counts the longest stretch wins, then the earliest.

    >>> d = date
    >>> common_window([(d(2025, 1, 1), d(2025, 3, 31)), (d(2025, 3, 1), d(2025, 6, 30)),
    ...                (d(2025, 9, 1), d(2025, 9, 30))])
    (datetime.date(2025, 3, 1), datetime.date(2025, 3, 31), 2)
    """
    valid = [(s, e) for s, e in windows if s <= e]
    if not valid:
        return None
    starts = sorted({s for s, _ in valid})
    best: tuple[date, date, int] | None = None
    for start in starts:
        open_ = [(s, e) for s, e in valid if s <= start <= e]
        end = min(e for _, e in open_)
        candidate = (start, end, len(open_))
        if best is None or (candidate[2], (end - start).days) > (best[2], (best[1] - best[0]).days):
            best = candidate
    return best


def shift_into(window: tuple[date, date], target: tuple[date, date]) -> int:
    """Days a window must move to cover ``target`` (negative: earlier), 0 if it already does.

    A window shorter than the target is moved so that it starts with it.

    >>> shift_into((date(2025, 5, 1), date(2025, 8, 31)), (date(2025, 3, 1), date(2025, 3, 31)))
    -61
    """
    start, end = window
    if start <= target[0] and target[1] <= end:
        return 0
    if end - start < target[1] - target[0] or start > target[0]:
        return (target[0] - start).days
    return (target[1] - end).days
