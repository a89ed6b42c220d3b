"""The computed named queries: alignment measures that need Python, as tables.

Each function takes the store and the validated parameters of its query file in ``queries/``
(``#+ compute: graph.measures:NAME``) and returns a :class:`~graph.results.SelectResult`, so the
catalogue runs them exactly like SPARQL queries. Profiles and the taxonomy closure come from the
derived graph (:mod:`graph.derived`); the measures themselves are in :mod:`graph.alignment`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from pyoxigraph import Literal, NamedNode

from graph.alignment import (
    Alignment,
    Taxonomy,
    common_window,
    compare_prepared,
    evidence,
    matched_similarity,
    partner_score,
    profile_similarity,
    shift_into,
    window_overlap,
)
from graph.derived import Snapshot, region_code, snapshot
from graph.namespaces import NUTS, PREFIXES
from graph.parameters import XSD_DATE, Arguments
from graph.results import SelectResult, Term
from graph.store import GraphStore

_XSD_DECIMAL = NamedNode(PREFIXES["xsd"] + "decimal")
_LABEL_PREFERENCE = ("en", "")


def _score(value: float) -> Literal:
    """A score as an ``xsd:decimal`` with four decimals."""
    return Literal(f"{value:.4f}", datatype=_XSD_DECIMAL)


def _day(value: date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD_DATE)


def _taxonomy_name(arguments: Arguments) -> str | None:
    name = arguments.text("taxonomy")
    return None if name in (None, "all") else name


def _text(term: Term | None) -> str:
    """The IRI or lexical value of a term ('' for none)."""
    return term.value if isinstance(term, NamedNode | Literal) else ""


def _select(store: GraphStore, sparql: str, **bound: Term) -> list[dict[str, Term]]:
    result = store.query(sparql, substitutions=bound)
    assert isinstance(result, SelectResult)
    return result.dicts()


@dataclass(frozen=True)
class Names:
    """Labels and notations of the IRIs a result mentions."""

    labels: Mapping[str, str]
    notations: Mapping[str, str]

    def label(self, iri: str) -> Literal:
        """The label, else the notation, else the IRI's last segment."""
        return Literal(self.labels.get(iri) or self.short(iri))

    def short(self, iri: str) -> str:
        """The notation, else the region code, else the IRI's last segment."""
        if iri in self.notations:
            return self.notations[iri]
        if iri.startswith(NUTS):
            return region_code(iri)
        return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def names(store: GraphStore, iris: Iterable[str]) -> Names:
    """Labels (English or untagged first) and notations of ``iris``, in one query."""
    wanted = sorted({iri for iri in iris if iri})
    if not wanted:
        return Names({}, {})
    values = " ".join(str(NamedNode(i)) for i in wanted)
    rows = _select(
        store,
        f"""SELECT ?x ?label ?notation WHERE {{
          VALUES ?x {{ {values} }}
          {{ ?x skos:prefLabel|dcterms:title|legal:legalName ?label }}
          UNION {{ ?x skos:notation ?notation }}
        }}""",
    )
    labels: dict[str, tuple[int, str]] = {}
    notations: dict[str, str] = {}
    for row in rows:
        iri = _text(row["x"])
        label = row.get("label")
        if isinstance(label, Literal):
            lang = label.language or ""
            rank_ = _LABEL_PREFERENCE.index(lang) if lang in _LABEL_PREFERENCE else 2
            if iri not in labels or (rank_, label.value) < labels[iri]:
                labels[iri] = (rank_, label.value)
        notation = row.get("notation")
        if isinstance(notation, Literal):
            notations[iri] = min(notation.value, notations.get(iri, notation.value))
    return Names({k: v[1] for k, v in labels.items()}, notations)


def _measures(alignment: Alignment) -> tuple[Literal, ...]:
    return (
        _score(alignment.similarity),
        _score(alignment.jaccard),
        _score(alignment.overlap),
        _score(alignment.weighted),
        Literal(len(alignment.shared)),
    )


_MEASURE_VARIABLES = ["similarity", "jaccard", "overlap", "weighted", "shared"]


# -- strategy regions -------------------------------------------------------------------------


def _strategy_region(
    location: str, within: Mapping[str, Collection[str]], profiles: Mapping[str, object]
) -> str | None:
    """The most specific region with a profile that ``location`` lies within, or None.

    So a NUTS-3 region gets the strategy of its NUTS-2 or NUTS-1 region, FRC2 that of FRC.
    """
    if location in profiles:
        return location
    candidates = [r for r in {*within.get(location, ()), location} if r in profiles]
    if not candidates:
        return None
    return max(candidates, key=lambda r: (len(within.get(r, ())), r))


def _resolved(
    snap: Snapshot, regions: Iterable[str], profiles: Mapping[str, object]
) -> dict[str, str | None]:
    """For each requested region, the region whose strategy applies to it."""
    return {r: r if r in profiles else _strategy_region(r, snap.within, profiles) for r in regions}


# -- region alignment -------------------------------------------------------------------------


def alignment(store: GraphStore, arguments: Arguments) -> SelectResult:
    """Every alignment measure for two regions (``alignment``)."""
    region, other = str(arguments.iri("region")), str(arguments.iri("other"))
    period = str(arguments.text("period"))
    other_period = arguments.text("other_period") or period
    taxonomy_name = _taxonomy_name(arguments)
    snap = snapshot(store)
    mine = snap.profiles(period, taxonomy_name)
    theirs = snap.profiles(other_period, taxonomy_name)
    variables = ["region", "regionLabel", "period", "other", "otherLabel", "otherPeriod"]
    variables += [*_MEASURE_VARIABLES, "strategyRegion", "otherStrategyRegion"]
    home = _resolved(snap, [region], mine)[region]
    away = _resolved(snap, [other], theirs)[other]
    if home is None or away is None:
        return SelectResult(variables, [])
    if period == other_period:
        result = snap.alignment(period, taxonomy_name, home, away)
    else:
        result = compare_prepared(mine[home], theirs[away])
    n = names(store, [region, other])
    row: tuple[Term | None, ...] = (
        NamedNode(region),
        n.label(region),
        Literal(period),
        NamedNode(other),
        n.label(other),
        Literal(other_period),
        *_measures(result),
        NamedNode(home),
        NamedNode(away),
    )
    return SelectResult(variables, [row])


_PRIORITY_CODES = """SELECT ?region ?period ?priority ?taxonomy ?concept WHERE {
  ?strategy s3:region ?region ; s3:programmingPeriod ?period .
  ?priority s3:strategy ?strategy .
  VALUES (?property ?taxonomy) {
    (s3:economicDomain "nace") (s3:scientificDomain "ford") (s3:policyObjective "policy")
    (s3:sdg "sdg") (s3:keyEnablingTechnology "ket")
  }
  ?priority ?property ?concept .
}"""


def _priority_codes(
    store: GraphStore, region: str, period: str, taxonomy_name: str | None
) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    bound: dict[str, Term] = {"region": NamedNode(region), "period": Literal(period)}
    if taxonomy_name is not None:
        bound["taxonomy"] = Literal(taxonomy_name)
    for row in _select(store, _PRIORITY_CODES, **bound):
        out[_text(row["priority"])].add(_text(row["concept"]))
    return out


def alignment_evidence(store: GraphStore, arguments: Arguments) -> SelectResult:
    """The pairs of priorities of two regions that match, and where their codes meet."""
    region, other = str(arguments.iri("region")), str(arguments.iri("other"))
    period = str(arguments.text("period"))
    taxonomy_name = _taxonomy_name(arguments)
    minimum = arguments.number("min_score") or 0.0
    snap = snapshot(store)
    resolved = _resolved(snap, [region, other], snap.profiles(period, taxonomy_name))
    mine = _priority_codes(store, resolved[region] or region, period, taxonomy_name)
    theirs = _priority_codes(store, resolved[other] or other, period, taxonomy_name)
    matches = evidence(snap.taxonomy, mine, theirs, minimum)
    mentioned = [x for m in matches for x in (m.priority_a, m.priority_b, m.concept_a)]
    mentioned += [x for m in matches for x in (m.concept_b, m.meet)]
    n = names(store, mentioned)
    rows: list[tuple[Term | None, ...]] = [
        (
            NamedNode(m.priority_a),
            n.label(m.priority_a),
            NamedNode(m.priority_b),
            n.label(m.priority_b),
            Literal(n.short(m.concept_a)),
            Literal(n.short(m.concept_b)),
            NamedNode(m.meet),
            Literal(n.short(m.meet)),
            n.label(m.meet),
            _score(m.score),
        )
        for m in matches
    ]
    variables = [
        "priority",
        "priorityTitle",
        "otherPriority",
        "otherPriorityTitle",
        "code",
        "otherCode",
        "meet",
        "meetNotation",
        "meetLabel",
        "score",
    ]
    return SelectResult(variables, rows)


def ranking(store: GraphStore, arguments: Arguments) -> SelectResult:
    """The regions whose strategies are most aligned with a region's."""
    region = str(arguments.iri("region"))
    period = str(arguments.text("period"))
    country = arguments.text("country")
    k = arguments.integer("k")
    taxonomy_name = _taxonomy_name(arguments)
    snap = snapshot(store)
    profiles = snap.profiles(period, taxonomy_name)
    variables = ["rank", "region", "regionLabel", *_MEASURE_VARIABLES]
    home = _resolved(snap, [region], profiles)[region]
    if home is None:
        return SelectResult(variables, [])
    scored = [
        (other, snap.alignment(period, taxonomy_name, home, other))
        for other in profiles
        if other != home and (country is None or region_code(other).startswith(country))
    ]
    scored.sort(key=lambda pair: (-pair[1].similarity, -pair[1].jaccard, pair[0]))
    ranked = scored if k is None else scored[:k]
    n = names(store, [other for other, _ in ranked])
    rows: list[tuple[Term | None, ...]] = [
        (Literal(i), NamedNode(other), n.label(other), *_measures(a))
        for i, (other, a) in enumerate(ranked, start=1)
    ]
    return SelectResult(variables, rows)


def matrix(store: GraphStore, arguments: Arguments) -> SelectResult:
    """Alignment of every pair of a set of regions, as pairs or as a square table."""
    period = str(arguments.text("period"))
    measure = arguments.text("measure") or "similarity"
    taxonomy_name = _taxonomy_name(arguments)
    snap = snapshot(store)
    profiles = snap.profiles(period, taxonomy_name)
    regions = sorted(profiles) if arguments.flag("all_regions") else arguments.iris("regions")
    resolved = _resolved(snap, regions, profiles)
    n = names(store, regions)
    node = {r: NamedNode(r) for r in regions}
    label = {r: n.label(r) for r in regions}
    strategy = {r: NamedNode(a) for r, a in resolved.items() if a is not None}
    scores = _Scores()

    def pair(first: str, second: str) -> Alignment | None:
        a, b = resolved[first], resolved[second]
        return None if a is None or b is None else snap.alignment(period, taxonomy_name, a, b)

    if arguments.text("layout") == "wide":
        rows: list[tuple[Term | None, ...]] = []
        for first in regions:
            cells: list[Term | None] = [node[first], label[first]]
            for second in regions:
                result = pair(first, second)
                cells.append(None if result is None else scores(_pick(result, measure)))
            rows.append(tuple(cells))
        return SelectResult(["region", "regionLabel", *map(region_code, regions)], rows)
    pairs: list[tuple[Term | None, ...]] = []
    for i, first in enumerate(regions):
        for second in regions[i + 1 :]:
            result = pair(first, second)
            if result is not None:
                pairs.append(
                    (
                        node[first],
                        label[first],
                        node[second],
                        label[second],
                        *scores.measures(result),
                        strategy[first],
                        strategy[second],
                    )
                )
    variables = ["region", "regionLabel", "other", "otherLabel", *_MEASURE_VARIABLES]
    return SelectResult([*variables, "strategyRegion", "otherStrategyRegion"], pairs)


class _Scores:
    """:func:`_score` and :func:`_measures` for many rows: each distinct value made once."""

    def __init__(self) -> None:
        self._scores: dict[float, Literal] = {}
        self._counts: dict[int, Literal] = {}

    def __call__(self, value: float) -> Literal:
        found = self._scores.get(value)
        if found is None:
            found = self._scores[value] = _score(value)
        return found

    def measures(self, alignment: Alignment) -> tuple[Literal, ...]:
        shared = len(alignment.shared)
        count = self._counts.get(shared)
        if count is None:
            count = self._counts[shared] = Literal(shared)
        return (
            self(alignment.similarity),
            self(alignment.jaccard),
            self(alignment.overlap),
            self(alignment.weighted),
            count,
        )


def _pick(result: Alignment, measure: str) -> float:
    values = {
        "similarity": result.similarity,
        "jaccard": result.jaccard,
        "overlap": result.overlap,
        "weighted": result.weighted,
    }
    return values[measure]


def alignment_change(store: GraphStore, arguments: Arguments) -> SelectResult:
    """How a region's alignment with every other region changed from one period to the next."""
    region = str(arguments.iri("region"))
    before, after = str(arguments.text("from")), str(arguments.text("to"))
    taxonomy_name = _taxonomy_name(arguments)
    snap = snapshot(store)
    old, new = snap.profiles(before, taxonomy_name), snap.profiles(after, taxonomy_name)
    variables = ["region", "regionLabel", "before", "after", "change"]
    was_home = _resolved(snap, [region], old)[region]
    now_home = _resolved(snap, [region], new)[region]
    if was_home is None or now_home is None:
        return SelectResult(variables, [])
    changes: list[tuple[str, float, float]] = []
    for other in sorted(set(old) & set(new) - {was_home, now_home}):
        was = snap.alignment(before, taxonomy_name, was_home, other).similarity
        now = snap.alignment(after, taxonomy_name, now_home, other).similarity
        changes.append((other, was, now))
    changes.sort(key=lambda c: (-(c[2] - c[1]), c[0]))
    n = names(store, [c[0] for c in changes])
    rows: list[tuple[Term | None, ...]] = [
        (NamedNode(o), n.label(o), _score(was), _score(now), _score(now - was))
        for o, was, now in changes
    ]
    return SelectResult(variables, rows)


# -- partners ---------------------------------------------------------------------------------


def _reasons(taxonomy: Taxonomy, mine: Sequence[str], theirs: Sequence[str], n: Names) -> str:
    found: list[tuple[float, str]] = []
    for a in sorted(mine):
        best = max(((taxonomy.similarity(a, b), b) for b in theirs), default=(0.0, ""))
        if best[0] <= 0:
            continue
        b = best[1]
        meet = taxonomy.meet(a, b) or a
        where = n.short(meet) + (f" ({n.labels[meet]})" if meet in n.labels else "")
        text = f"both in {where}" if a == b else f"{n.short(a)} ~ {n.short(b)} meet at {where}"
        found.append((best[0], text))
    found.sort(key=lambda f: (-f[0], f[1]))
    return "; ".join(text for _, text in found[:3])


def cluster_partners(store: GraphStore, arguments: Arguments) -> SelectResult:
    """Clusters of other regions, by sector similarity combined with their regions' alignment."""
    me = str(arguments.iri("cluster"))
    period = str(arguments.text("period"))
    weight = arguments.number("weight")
    k = arguments.integer("k")
    country = arguments.text("country")
    variables = ["rank", "partner", "partnerLabel", "region", "regionLabel", "score"]
    variables += ["sectorSimilarity", "regionAlignment", "reasons"]
    snap = snapshot(store)
    clusters = snap.clusters
    if me not in clusters:
        return SelectResult(variables, [])
    taxonomy = snap.taxonomy
    profiles = snap.profiles(period, "nace")
    within = snap.within
    where_am_i, my_sectors = clusters[me]
    home = _strategy_region(where_am_i, within, profiles)
    mine = snap.matcher(my_sectors)
    strategy_of: dict[str, str | None] = {}
    scored: list[tuple[float, float, float, str, str | None]] = []
    for other, (where, sectors) in clusters.items():
        if where not in strategy_of:
            strategy_of[where] = _strategy_region(where, within, profiles)
        there = strategy_of[where]
        same_place = where == where_am_i or (home is not None and there == home)
        if other == me or same_place:
            continue
        if country is not None and not region_code(where).startswith(country):
            continue
        sector = matched_similarity(mine, snap.matcher(sectors))
        regional = 0.0
        if home is not None and there is not None:
            regional = snap.alignment(period, "nace", home, there).similarity
        score = partner_score(sector, regional, 0.5 if weight is None else weight)
        scored.append((score, sector, regional, other, there))
    scored.sort(key=lambda s: (-s[0], -s[1], s[3]))
    top = scored if k is None else scored[:k]
    sectors_of = {s[3]: clusters[s[3]][1] for s in top}
    mentioned = [s[3] for s in top] + [s[4] or "" for s in top] + [home or ""]
    concepts = {a for s in top for a in sectors_of[s[3]]} | my_sectors
    concepts |= {m for a in concepts for m in taxonomy.ancestors_of(a)}
    n = names(store, [*mentioned, *concepts, *(clusters[s[3]][0] for s in top)])
    rows: list[tuple[Term | None, ...]] = []
    for i, (score, sector, regional, other, there) in enumerate(top, start=1):
        region = there or clusters[other][0]
        reasons = _reasons(taxonomy, sorted(my_sectors), sorted(sectors_of[other]), n)
        if home and there:
            reasons += f"{'; ' if reasons else ''}strategies of {region_code(home)} and "
            reasons += f"{region_code(there)} aligned {regional:.2f}"
        rows.append(
            (
                Literal(i),
                NamedNode(other),
                n.label(other),
                NamedNode(region),
                n.label(region),
                _score(score),
                _score(sector),
                _score(regional),
                Literal(reasons),
            )
        )
    return SelectResult(variables, rows)


# -- calls ------------------------------------------------------------------------------------

_CALLS = """SELECT ?call ?region ?opening ?closing ?concept ?scheme WHERE {
  ?call a s3:FundingCall ; s3:issuedBy ?region ; s3:openingDate ?opening ;
        s3:closingDate ?closing .
  OPTIONAL {
    { ?call s3:targetsConcept ?concept }
    UNION { ?call s3:targetsPriority ?priority . ?priority s3:codedAs ?concept }
    UNION {
      VALUES ?coding { s3:economicDomain s3:scientificDomain s3:policyObjective s3:sdg
                       s3:keyEnablingTechnology }
      ?call s3:targetsPriority ?priority . ?priority ?coding ?concept
    }
  }
  OPTIONAL { ?call s3:partOfScheme ?scheme }
}"""


@dataclass
class _Call:
    iri: str
    region: str
    window: tuple[date, date]
    concepts: set[str]
    scheme: str | None


def _calls(store: GraphStore) -> dict[str, _Call]:
    calls: dict[str, _Call] = {}
    for row in _select(store, _CALLS):
        iri = _text(row["call"])
        try:
            window = (
                date.fromisoformat(_text(row["opening"])),
                date.fromisoformat(_text(row["closing"])),
            )
        except ValueError:
            continue
        scheme = _text(row.get("scheme")) or None
        call = calls.setdefault(iri, _Call(iri, _text(row["region"]), window, set(), scheme))
        if "concept" in row:
            call.concepts.add(_text(row["concept"]))
    return calls


def call_synchronisation(store: GraphStore, arguments: Arguments) -> SelectResult:
    """Pairs of calls of different regions that share a topic, synchronised or not.

    A pair's score is that of its best-matching pair of targeted concepts (the topic is where
    they meet); ``similarity`` compares everything the two calls target.
    """
    status = arguments.text("status") or "all"
    minimum = arguments.number("min_score") or 0.0
    region = arguments.iri("region")
    after = arguments.day("after")
    snap = snapshot(store)
    taxonomy = snap.taxonomy
    calls = sorted(_calls(store).values(), key=lambda c: c.iri)
    if after is not None:
        calls = [c for c in calls if c.window[1] >= after]
    within = snap.within if region is not None else {}
    found: list[tuple[float, float, str, _Call, _Call, tuple[date, date] | None]] = []
    for i, first in enumerate(calls):
        for second in calls[i + 1 :]:
            a, b = first, second
            if a.region == b.region:
                continue
            if region is not None:
                in_a, in_b = region in within.get(a.region, ()), region in within.get(b.region, ())
                if not (in_a or in_b):
                    continue
                if in_b and not in_a:
                    a, b = b, a
            best = evidence(taxonomy, {a.iri: a.concepts}, {b.iri: b.concepts})
            overlap = window_overlap(a.window, b.window)
            wanted = {"synchronised": overlap is not None, "unsynchronised": overlap is None}
            if best and best[0].score >= minimum and wanted.get(status, True):
                similarity = profile_similarity(taxonomy, a.concepts, b.concepts)
                found.append((best[0].score, similarity, best[0].meet, a, b, overlap))
    found.sort(key=lambda f: (-f[0], -f[1], f[3].iri, f[4].iri))
    n = names(store, [x for f in found for x in (f[2], f[3].iri, f[4].iri, f[3].region)])
    rows: list[tuple[Term | None, ...]] = []
    for score, similarity, topic, a, b, overlap in found:
        rows.append(
            (
                NamedNode(a.iri),
                n.label(a.iri),
                NamedNode(a.region),
                NamedNode(b.iri),
                n.label(b.iri),
                NamedNode(b.region),
                _score(score),
                NamedNode(topic),
                n.label(topic),
                _score(similarity),
                Literal(overlap is not None),
                _day(overlap[0]) if overlap else None,
                _day(overlap[1]) if overlap else None,
                Literal((overlap[1] - overlap[0]).days + 1 if overlap else 0),
                Literal(a.scheme is not None and a.scheme == b.scheme),
            )
        )
    variables = ["call", "callTitle", "region", "otherCall", "otherCallTitle", "otherRegion"]
    variables += ["score", "topic", "topicLabel", "similarity", "synchronised", "overlapStart"]
    variables += ["overlapEnd", "overlapDays", "sameScheme"]
    return SelectResult(variables, rows)


def call_scheme(store: GraphStore, arguments: Arguments) -> SelectResult:
    """A synchronised call scheme for a topic: the calls on it and a common window for them."""
    topic = str(arguments.iri("topic"))
    after = arguments.day("after")
    taxonomy = snapshot(store).taxonomy
    calls = [
        c
        for c in sorted(_calls(store).values(), key=lambda c: (c.window, c.iri))
        if any(taxonomy.nested(topic, concept) for concept in c.concepts)
        and (after is None or c.window[1] >= after)
    ]
    variables = ["call", "callTitle", "region", "opening", "closing", "proposedOpening"]
    variables += ["proposedClosing", "inWindow", "shiftDays", "scheme"]
    window = common_window([c.window for c in calls])
    if window is None:
        return SelectResult(variables, [])
    target = (window[0], window[1])
    n = names(store, [x for c in calls for x in (c.iri, c.region)])
    rows: list[tuple[Term | None, ...]] = []
    for c in calls:
        shift = shift_into(c.window, target)
        rows.append(
            (
                NamedNode(c.iri),
                n.label(c.iri),
                NamedNode(c.region),
                _day(c.window[0]),
                _day(c.window[1]),
                _day(target[0]),
                _day(target[1]),
                Literal(shift == 0),
                Literal(shift),
                NamedNode(c.scheme) if c.scheme else None,
            )
        )
    return SelectResult(variables, rows)


__all__ = [
    "alignment",
    "alignment_change",
    "alignment_evidence",
    "call_scheme",
    "call_synchronisation",
    "cluster_partners",
    "matrix",
    "names",
    "ranking",
]
