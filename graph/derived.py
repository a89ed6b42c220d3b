"""Facts computed from the loaded graphs, kept in the derived graph so that queries stay fast.

:func:`rebuild` recomputes all of them from the other graphs and replaces the derived graph in one
step; call it after every load or drop, so the derived facts are never stale. What it writes
(``s3:`` is the s3kg ontology namespace; ``docs/alignment.md`` explains the choices):

Taxonomy closure (every concept of every ``skos:broader`` hierarchy, regions excepted)::

    nace:283 s3:depth 3 ; s3:ancestorOrSelf nace:283 , nace:28 , nace:C .

Region closure (a region lies within itself and every region above it)::

    nuts:DE111 s3:withinRegion nuts:DE111 , nuts:DE11 , nuts:DE1 , nuts:DE .

Region profiles (per strategy, i.e. per region and period, and per taxonomy: every concept the
priorities are coded with and every concept above them, with the number and share of the
strategy's priorities under it)::

    <strategy> s3:priorityCount 4 ; s3:clusterCount 12 ; s3:smeCount 230 ;
        s3:profileEntry <strategy/profile/nace/28-…> .
    <strategy/profile/nace/28-…> a s3:ProfileEntry ; s3:concept nace:28 ; s3:taxonomy "nace" ;
        s3:direct true ; s3:priorityCount 2 ; s3:weight 0.5 ; s3:priority <p1> , <p2> .

Support of each priority (clusters and SMEs located in the strategy's region whose NACE codes
are nested with the priority's: one equals or lies below the other)::

    <priority> s3:clusterCount 3 ; s3:smeCount 41 .

Clusters and SMEs per strategy region and NACE concept (their codes and every concept above)::

    <{base}id/sector-count/ITC4/28-…> a s3:SectorCount ; s3:forRegion nuts:ITC4 ;
        s3:concept nace:28 ; s3:clusterCount 5 ; s3:smeCount 120 .

An entity located in region X belongs to the strategy of every region that X lies within, so a
cluster in the NUTS-3 region DE111 counts for Baden-Württemberg's NUTS-1 strategy (DE1).
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
import weakref
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple

from graph.alignment import (
    Alignment,
    Matcher,
    Prepared,
    Profile,
    Taxonomy,
    compare_prepared,
    matcher,
)
from graph.errors import NotFoundError
from graph.namespaces import NUTS, PREFIXES, S3, slug
from graph.results import SelectResult, Term
from graph.store import GraphStore

if TYPE_CHECKING:
    from typing_extensions import Buffer

TAXONOMIES: dict[str, str] = {
    "nace": S3 + "economicDomain",
    "ford": S3 + "scientificDomain",
    "policy": S3 + "policyObjective",
    "sdg": S3 + "sdg",
    "ket": S3 + "keyEnablingTechnology",
}
"""The taxonomies priorities are coded in, by the property that codes them."""

_XSD = PREFIXES["xsd"]
_RDF_TYPE = NamedNode(PREFIXES["rdf"] + "type")
_TRUE = Literal(True)
_FALSE = Literal(False)


def _p(name: str) -> NamedNode:
    return NamedNode(S3 + name)


ANCESTOR_OR_SELF = _p("ancestorOrSelf")
DEPTH = _p("depth")
WITHIN_REGION = _p("withinRegion")
PROFILE_ENTRY = _p("profileEntry")
CONCEPT = _p("concept")
TAXONOMY = _p("taxonomy")
DIRECT = _p("direct")
WEIGHT = _p("weight")
PRIORITY = _p("priority")
PRIORITY_COUNT = _p("priorityCount")
CLUSTER_COUNT = _p("clusterCount")
SME_COUNT = _p("smeCount")
FOR_REGION = _p("forRegion")


# -- what the derivation reads ----------------------------------------------------------------


@dataclass
class Inputs:
    """Everything the derived facts are computed from, as plain values (IRIs as strings)."""

    concept_edges: list[tuple[str, str]] = field(default_factory=list)
    region_edges: list[tuple[str, str]] = field(default_factory=list)
    regions: set[str] = field(default_factory=set)
    strategies: dict[str, tuple[str, str]] = field(default_factory=dict)
    """strategy → (region, period)"""
    priorities: dict[str, str] = field(default_factory=dict)
    """priority → strategy"""
    codes: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    """(priority, taxonomy) → concepts"""
    clusters: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)
    """cluster → (region, sectors)"""
    smes: dict[tuple[str, frozenset[str]], int] = field(default_factory=lambda: defaultdict(int))
    """(region, activities) → number of SMEs"""


# The inputs are read from the union of all graphs: no pattern below matches a triple of the
# derived graph (whose predicates are s3kg's derived terms) or of the metadata graph (PROV-O,
# DCAT, VoID), so the derivation never reads its own output. Naming the source graphs instead
# would make every pattern a union over them, many times slower on a large store.
_BROADER = "SELECT ?narrower ?broader WHERE { ?narrower skos:broader ?broader }"
_REGIONS = """SELECT DISTINCT ?region WHERE {
  { ?region a s3:Region } UNION { ?region s3:nutsLevel ?level }
  UNION { ?thing s3:region|s3:issuedBy|s3:eligibleRegion ?region }
}"""
# Patterns are joined in the order written: the selective one comes first.
_STRATEGIES = """SELECT ?strategy ?region ?period WHERE {
  ?strategy s3:programmingPeriod ?period .
  ?strategy s3:region ?region .
}"""
_PRIORITIES = """SELECT ?priority ?strategy ?property ?concept WHERE {
  ?priority s3:strategy ?strategy .
  OPTIONAL {
    VALUES ?property { s3:economicDomain s3:scientificDomain s3:policyObjective s3:sdg
                       s3:keyEnablingTechnology }
    ?priority ?property ?concept
  }
}"""
_CLUSTERS = """SELECT ?cluster ?region ?sector WHERE {
  ?cluster a s3:Cluster ; s3:region ?region .
  OPTIONAL { ?cluster s3:sector ?sector }
}"""
# SMEs counted by location and set of activities, aggregated inside the store: Python gets one row
# per distinct (region, activities), not one per SME. Each sub-select is one scan of one
# predicate, and the sub-selects are joined by hashing: joining the patterns directly would look
# every SME up in another index, one random read each, many times slower on a large store.
_SMES = """SELECT ?region ?activities (COUNT(*) AS ?smes) WHERE {
  { SELECT ?sme WHERE { ?sme a s3:SME } }
  { SELECT ?sme ?region WHERE { ?sme s3:region ?region } }
  OPTIONAL {
    SELECT ?sme (GROUP_CONCAT(DISTINCT STR(?activity); separator=" ") AS ?activities)
    WHERE { ?sme rov:orgActivity ?activity } GROUP BY ?sme
  }
} GROUP BY ?region ?activities"""


def _rows(
    store: GraphStore, sparql: str, graphs: list[str] | None = None
) -> list[tuple[Term | None, ...]]:
    result = store.query(sparql, default_graph=graphs)
    assert isinstance(result, SelectResult)
    return result.rows


def _v(term: Term | None) -> str:
    return "" if term is None or not isinstance(term, NamedNode | Literal) else term.value


def read_inputs(store: GraphStore) -> Inputs:
    """Read the inputs from every graph except the derived and metadata graphs."""
    inputs = Inputs()
    inputs.regions = {
        row[0].value for row in _rows(store, _REGIONS) if isinstance(row[0], NamedNode)
    }
    for narrower, broader in _rows(store, _BROADER):
        if isinstance(narrower, NamedNode) and isinstance(broader, NamedNode):
            edge = (narrower.value, broader.value)
            is_region = edge[0] in inputs.regions or edge[0].startswith(NUTS)
            (inputs.region_edges if is_region else inputs.concept_edges).append(edge)
    for strategy, region, period in _rows(store, _STRATEGIES):
        inputs.strategies[_v(strategy)] = (_v(region), _v(period))
    by_property = {iri: name for name, iri in TAXONOMIES.items()}
    for priority, strategy, prop, concept in _rows(store, _PRIORITIES):
        inputs.priorities[_v(priority)] = _v(strategy)
        if prop is not None and isinstance(concept, NamedNode):
            inputs.codes[_v(priority), by_property[_v(prop)]].add(concept.value)
    sectors: dict[str, set[str]] = defaultdict(set)
    located: dict[str, str] = {}
    for cluster, region, sector in _rows(store, _CLUSTERS):
        located[_v(cluster)] = _v(region)
        if isinstance(sector, NamedNode):
            sectors[_v(cluster)].add(sector.value)
    inputs.clusters = {c: (r, frozenset(sectors[c])) for c, r in located.items()}
    names: dict[str, str] = {}  # one string object per IRI, however many sets hold it
    for region, activities, count in _rows(store, _SMES):
        codes = frozenset(names.setdefault(a, a) for a in _v(activities).split())
        inputs.smes[names.setdefault(_v(region), _v(region)), codes] += int(_v(count))
    return inputs


# -- the derivation ---------------------------------------------------------------------------


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(_XSD + "integer"))


def _decimal(value: float) -> Literal:
    """An ``xsd:decimal`` in the canonical form the store keeps (``1``, not ``1.0``), so that a
    rebuild recognises the triples it wrote before.

    >>> [_decimal(v).value for v in (1.0, 0.5, 1 / 3, 0.0)]
    ['1', '0.5', '0.333333', '0']
    """
    text = format(Decimal(repr(round(value, 6))).normalize(), "f")
    return Literal(text, datatype=NamedNode(_XSD + "decimal"))


def concept_key(iri: str) -> str:
    """A short, readable, collision-safe IRI segment for a concept.

    >>> concept_key("http://data.europa.eu/ux2/nace2/283")
    '283-f3de43e1'
    """
    local = re.split(r"[/#]", iri.rstrip("/#"))[-1]
    return f"{slug(local)}-{hashlib.sha256(iri.encode()).hexdigest()[:8]}"


def region_code(iri: str) -> str:
    """The NUTS code of a region IRI (or a readable key for another IRI).

    >>> region_code("http://data.europa.eu/nuts/code/ITC4")
    'ITC4'
    """
    return iri.removeprefix(NUTS) if iri.startswith(NUTS) else concept_key(iri)


def derive(inputs: Inputs, base_iri: str) -> Iterator[Triple]:
    """The derived triples for ``inputs``; ``base_iri`` roots the IRIs of the counts."""
    coded = {c for concepts in inputs.codes.values() for c in concepts}
    used = coded | {s for _, sectors in inputs.clusters.values() for s in sectors}
    used |= {a for _, activities in inputs.smes for a in activities}
    taxonomy = Taxonomy.from_broader(inputs.concept_edges, used)
    for concept in sorted(taxonomy.ancestors):
        node = NamedNode(concept)
        yield Triple(node, DEPTH, _integer(taxonomy.depth_of(concept)))
        for ancestor in sorted(taxonomy.ancestors[concept]):
            yield Triple(node, ANCESTOR_OR_SELF, NamedNode(ancestor))

    regions = Taxonomy.from_broader(inputs.region_edges, inputs.regions)
    for region in sorted(regions.ancestors):
        for above in sorted(regions.ancestors[region]):
            yield Triple(NamedNode(region), WITHIN_REGION, NamedNode(above))

    yield from _profiles(inputs, taxonomy)
    yield from _support(inputs, taxonomy, regions)
    yield from _sector_counts(inputs, taxonomy, regions, base_iri)


def _profiles(inputs: Inputs, taxonomy: Taxonomy) -> Iterator[Triple]:
    members: dict[str, list[str]] = defaultdict(list)
    for priority, strategy in inputs.priorities.items():
        members[strategy].append(priority)
    keys: dict[str, str] = {}
    for strategy in sorted(inputs.strategies):
        priorities = sorted(members[strategy])
        node = NamedNode(strategy)
        yield Triple(node, PRIORITY_COUNT, _integer(len(priorities)))
        for name in TAXONOMIES:
            under: dict[str, set[str]] = defaultdict(set)
            direct: set[str] = set()
            for priority in priorities:
                codes = inputs.codes.get((priority, name), set())
                direct |= codes
                for code in codes:
                    for ancestor in taxonomy.ancestors_of(code):
                        under[ancestor].add(priority)
            for concept in sorted(under):
                key = keys.get(concept) or keys.setdefault(concept, concept_key(concept))
                entry = NamedNode(f"{strategy}/profile/{name}/{key}")
                count = len(under[concept])
                yield Triple(node, PROFILE_ENTRY, entry)
                yield Triple(entry, _RDF_TYPE, _p("ProfileEntry"))
                yield Triple(entry, CONCEPT, NamedNode(concept))
                yield Triple(entry, TAXONOMY, Literal(name))
                yield Triple(entry, DIRECT, _TRUE if concept in direct else _FALSE)
                yield Triple(entry, PRIORITY_COUNT, _integer(count))
                yield Triple(entry, WEIGHT, _decimal(count / len(priorities)))
                for priority in sorted(under[concept]):
                    yield Triple(entry, PRIORITY, NamedNode(priority))


def _descendants(taxonomy: Taxonomy) -> dict[str, set[str]]:
    """Every concept below each concept, itself included (the closure read upwards)."""
    below: dict[str, set[str]] = defaultdict(set)
    for concept, ancestors in taxonomy.ancestors.items():
        for ancestor in ancestors:
            below[ancestor].add(concept)
    return below


@dataclass
class _SmesOf:
    """The SMEs located within one region: counts by set of activities, indexed by activity."""

    total: int = 0
    counts: list[int] = field(default_factory=list)
    by_activity: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def add(self, activities: frozenset[str], count: int) -> None:
        self.total += count
        if activities:
            for activity in activities:
                self.by_activity[activity].append(len(self.counts))
            self.counts.append(count)

    def with_any(self, concepts: Iterable[str]) -> int:
        """How many of the SMEs have at least one activity among ``concepts`` (each once)."""
        found: set[int] = set()
        for concept in concepts:
            found.update(self.by_activity.get(concept, ()))
        return sum(self.counts[i] for i in found)


def _support(inputs: Inputs, taxonomy: Taxonomy, regions: Taxonomy) -> Iterator[Triple]:
    strategy_regions = {region for region, _ in inputs.strategies.values()}
    clusters_in: dict[str, list[frozenset[str]]] = defaultdict(list)
    for location, sectors in inputs.clusters.values():
        for region in regions.ancestors_of(location) & strategy_regions:
            clusters_in[region].append(sectors)
    smes_in: dict[str, _SmesOf] = defaultdict(_SmesOf)
    for (location, activities), count in inputs.smes.items():
        for region in regions.ancestors_of(location) & strategy_regions:
            smes_in[region].add(activities, count)
    for strategy, (region, _) in sorted(inputs.strategies.items()):
        node = NamedNode(strategy)
        yield Triple(node, CLUSTER_COUNT, _integer(len(clusters_in[region])))
        yield Triple(node, SME_COUNT, _integer(smes_in[region].total))
    below = _descendants(taxonomy)
    for priority, strategy in sorted(inputs.priorities.items()):
        if strategy not in inputs.strategies:
            continue
        region = inputs.strategies[strategy][0]
        wanted = inputs.codes.get((priority, "nace"), set())
        nested = {n for w in wanted for n in taxonomy.ancestors_of(w) | below.get(w, set())}
        clusters = sum(1 for s in clusters_in[region] if not nested.isdisjoint(s))
        smes = smes_in[region].with_any(nested)
        yield Triple(NamedNode(priority), CLUSTER_COUNT, _integer(clusters))
        yield Triple(NamedNode(priority), SME_COUNT, _integer(smes))


def _sector_counts(
    inputs: Inputs, taxonomy: Taxonomy, regions: Taxonomy, base_iri: str
) -> Iterator[Triple]:
    strategy_regions = {region for region, _ in inputs.strategies.values()}
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    expanded: dict[frozenset[str], frozenset[str]] = {}

    def above(codes: frozenset[str]) -> frozenset[str]:
        if codes not in expanded:
            expanded[codes] = frozenset(a for code in codes for a in taxonomy.ancestors_of(code))
        return expanded[codes]

    for location, sectors in inputs.clusters.values():
        for region in regions.ancestors_of(location) & strategy_regions:
            for concept in above(sectors):
                counts[region, concept][0] += 1
    by_location: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (location, activities), number in inputs.smes.items():
        tally = by_location[location]
        for concept in above(activities):
            tally[concept] += number
    for location, tally in by_location.items():
        for region in regions.ancestors_of(location) & strategy_regions:
            for concept, number in tally.items():
                counts[region, concept][1] += number
    keys: dict[str, str] = {}
    for (region, concept), (clusters, smes) in sorted(counts.items()):
        key = keys.get(concept) or keys.setdefault(concept, concept_key(concept))
        entry = NamedNode(f"{base_iri}id/sector-count/{region_code(region)}/{key}")
        yield Triple(entry, _RDF_TYPE, _p("SectorCount"))
        yield Triple(entry, FOR_REGION, NamedNode(region))
        yield Triple(entry, CONCEPT, NamedNode(concept))
        yield Triple(entry, CLUSTER_COUNT, _integer(clusters))
        yield Triple(entry, SME_COUNT, _integer(smes))


def rebuild(store: GraphStore) -> int:
    """Recompute every derived fact and atomically replace the derived graph; return its size.

    The replacement is one update that deletes the triples that are no longer derived and inserts
    the new ones (most rebuilds change a few counts), or, when the graph is empty, one load.
    Rebuilds in one process run one at a time.

    >>> from pyoxigraph import RdfFormat
    >>> from graph.settings import Settings
    >>> from graph.store import open_store
    >>> store = open_store(Settings(store=":memory:"))
    >>> nace, broader = "http://data.europa.eu/ux2/nace2/", "http://www.w3.org/2004/02/skos/core#broader"
    >>> data = f"<{nace}28> <{broader}> <{nace}C> ."
    >>> store.replace_graph(store.graphs.source("t"), data.encode(), RdfFormat.N_TRIPLES)
    1
    >>> rebuild(store)  # depth and ancestors of nace:28 and nace:C
    5
    """
    with _REBUILDING:
        inputs = read_inputs(store)
        return _replace(store, store.graphs.derived, lambda: derive(inputs, store.graphs.base))


_REBUILDING = threading.Lock()


def _digest(line: bytes) -> bytes:
    return hashlib.blake2b(line, digest_size=16).digest()


class _LineSink(io.BytesIO):
    """A binary output that hands each complete line written to it to a function."""

    def __init__(self, take: Callable[[bytes], None]) -> None:
        super().__init__()
        self._take = take
        self._rest = b""

    def write(self, data: Buffer, /) -> int:
        chunk = self._rest + bytes(data)
        *lines, self._rest = chunk.split(b"\n")
        for line in lines:
            if line:
                self._take(line)
        return len(memoryview(data))


def _scan(store: GraphStore, graph: str, take: Callable[[bytes], None]) -> bool:
    """Stream the N-Triples lines of ``graph`` to ``take``; False when there is no such graph."""
    try:
        store.dump(_LineSink(take), RdfFormat.N_TRIPLES, graph)
    except NotFoundError:
        return False
    return True


def _replace(store: GraphStore, graph: str, triples: Callable[[], Iterable[Triple]]) -> int:
    """Make ``graph`` hold exactly ``triples()``, changing only what differs; return its size.

    The graph's lines are streamed and remembered by digest (16 bytes a triple, not the triples);
    the new triples are checked against them; one update then deletes the old triples that are
    not among the new ones and inserts the new ones that were not there. Deleting and inserting
    cost the store far more than reading, so a rebuild that changes little writes little.

    When the graph is missing or empty, or holds a small fraction of what is to be written (the
    first rebuild after ``s3kg init``, whose derived graph holds the vocabularies' closure only),
    it is dropped and written whole by the store's bulk path instead: one update inserting a
    million triples needs several GiB, the bulk path a fraction of that. Queries see no derived
    facts for those seconds, where they had few before.
    """
    existing: set[bytes] = set()
    if not _scan(store, graph, lambda line: existing.add(_digest(line))) or not existing:
        return store.replace_graph_triples(graph, triples())
    afresh = max(_AFRESH, _AFRESH_RATIO * len(existing))
    kept: set[bytes] = set()
    added: set[bytes] = set()
    inserts = io.StringIO()  # N-Triples text, not one string object a triple
    for triple in triples():
        line = f"{triple} .\n"
        digest = _digest(line[:-1].encode())
        if digest in existing:
            existing.discard(digest)
            kept.add(digest)
        elif digest not in kept and digest not in added:
            added.add(digest)
            inserts.write(line)
            if len(added) > afresh:
                inserts.close()
                store.drop_graph(graph)
                return store.replace_graph_triples(graph, triples())
    deletes: list[str] = []
    if existing:
        _scan(store, graph, lambda line: _take_if(line, existing, deletes))
    if any(_has_blank_node(line) for line in deletes):  # DELETE DATA cannot name blank nodes
        return store.replace_graph_triples(graph, triples())
    target = NamedNode(graph)
    parts = []
    if deletes:
        parts.append(f"DELETE DATA {{ GRAPH {target} {{\n" + "\n".join(deletes) + "\n} }")
    if added:
        parts.append(f"INSERT DATA {{ GRAPH {target} {{\n{inserts.getvalue()}}} }}")
    inserts.close()
    if parts:
        store.update(" ;\n".join(parts))
    return len(kept) + len(added)


_AFRESH = 100_000
_AFRESH_RATIO = 10
"""A graph is written afresh when more than ``max(_AFRESH, _AFRESH_RATIO × its size)`` triples
would be inserted into it."""


def _take_if(line: bytes, wanted: set[bytes], into: list[str]) -> None:
    if _digest(line) in wanted:
        into.append(line.decode())


def _has_blank_node(line: str) -> bool:
    return line.startswith("_:") or " _:" in line


# -- reading the derived facts back -----------------------------------------------------------

_CLOSURE = """SELECT ?concept ?ancestor ?depth WHERE {
  ?concept s3:ancestorOrSelf ?ancestor . ?ancestor s3:depth ?depth
}"""
_PROFILE_ROWS = """SELECT ?region ?period ?taxonomy ?concept ?direct ?count ?total WHERE {
  ?strategy s3:programmingPeriod ?period .
  ?strategy s3:region ?region ; s3:priorityCount ?total ; s3:profileEntry ?entry .
  ?entry s3:concept ?concept ; s3:taxonomy ?taxonomy ; s3:direct ?direct ;
         s3:priorityCount ?count .
}"""


def read_taxonomy(store: GraphStore) -> Taxonomy:
    """The materialised taxonomy closure (every concept's ancestors and depth)."""
    ancestors: dict[str, set[str]] = defaultdict(set)
    depth: dict[str, int] = {}
    graph = [store.graphs.derived]
    for concept, ancestor, level in _rows(store, _CLOSURE, graph):
        ancestors[_v(concept)].add(_v(ancestor))
        depth[_v(ancestor)] = int(_v(level))
    return Taxonomy({c: frozenset(a) for c, a in ancestors.items()}, depth)


def read_profiles(
    store: GraphStore,
    period: str,
    taxonomy: str | None = None,
    regions: Collection[str] | None = None,
) -> dict[str, Profile]:
    """The profiles of one period by region IRI, in one taxonomy (None: all), of some regions.

    Across several taxonomies a concept's weight is its largest; several strategies of one region
    and period (which the data should not have) are merged.
    """
    everything = profiles_by_period(store, taxonomy, regions, period=period)
    return everything.get(period, {})


def profiles_by_period(
    store: GraphStore,
    taxonomy: str | None = None,
    regions: Collection[str] | None = None,
    *,
    period: str | None = None,
) -> dict[str, dict[str, Profile]]:
    """The profiles by period, then by region IRI (see :func:`read_profiles`)."""
    wanted = set(regions) if regions is not None else None
    rows = (
        row for row in _profile_rows(store, period, taxonomy) if wanted is None or row[0] in wanted
    )
    return _profiles_from(rows)


def _profile_rows(
    store: GraphStore, period: str | None = None, taxonomy: str | None = None
) -> list[tuple[str, str, str, str, bool, int, int]]:
    """(region, period, taxonomy, concept, direct, priorities under it, priorities) rows."""
    bound: dict[str, Term] = {}
    if period is not None:
        bound["period"] = Literal(period)
    if taxonomy is not None:
        bound["taxonomy"] = Literal(taxonomy)
    result = store.query(_PROFILE_ROWS, substitutions=bound)
    assert isinstance(result, SelectResult)
    out = []
    for row in result.rows:
        region, when, name, concept, direct, count, total = (_v(t) for t in row)
        out.append((region, when, name, concept, direct == "true", int(count), int(total)))
    return out


def _profiles_from(
    rows: Iterable[tuple[str, str, str, str, bool, int, int]],
) -> dict[str, dict[str, Profile]]:
    """Profiles by period and region; a concept's weight is its largest over the taxonomies."""
    concepts: dict[tuple[str, str], set[str]] = defaultdict(set)
    weights: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for region, when, _, concept, direct, count, total in rows:
        key = (region, when)
        share = count / total if total else 0.0
        weights[key][concept] = max(weights[key].get(concept, 0.0), share)
        if direct:
            concepts[key].add(concept)
    out: dict[str, dict[str, Profile]] = defaultdict(dict)
    for region, when in sorted(weights):
        key = (region, when)
        out[when][region] = Profile(region, when, frozenset(concepts[key]), weights[key])
    return dict(out)


# -- what the computed queries read, once per state of the store ------------------------------


class Snapshot:
    """The derived facts the computed queries use, read from the store once per state of it.

    Profiles, the taxonomy and region closures, cluster sectors, and the alignment of every pair
    of regions compared so far are kept in memory and shared by the queries that run against the
    same state of the store. :func:`snapshot` keys them on the store's ``version``, which changes
    with every write (every load, drop and rebuild) and never names two different states, so
    nothing kept here can outlive the data it was read from. A store without a version gets a
    fresh snapshot for each query.
    """

    def __init__(self, store: GraphStore) -> None:
        self._store = weakref.ref(store)
        self._lock = threading.RLock()
        self._taxonomy: Taxonomy | None = None
        self._rows: dict[str, list[tuple[str, str, str, str, bool, int, int]]] = {}
        self._profiles: dict[tuple[str, str | None], dict[str, Prepared]] = {}
        self._within: dict[str, frozenset[str]] | None = None
        self._clusters: dict[str, tuple[str, frozenset[str]]] | None = None
        self._matchers: dict[frozenset[str], Matcher] = {}
        self._pairs: dict[tuple[str, str | None], dict[tuple[str, str], Alignment]] = {}

    def _source(self) -> GraphStore:
        store = self._store()
        if store is None:
            raise RuntimeError("the store of this snapshot is closed")
        return store

    @property
    def taxonomy(self) -> Taxonomy:
        """The taxonomy closure (:func:`read_taxonomy`)."""
        with self._lock:
            if self._taxonomy is None:
                self._taxonomy = read_taxonomy(self._source())
            return self._taxonomy

    def profiles(self, period: str, taxonomy: str | None = None) -> dict[str, Prepared]:
        """The prepared profiles of one period by region IRI (see :func:`read_profiles`)."""
        key = (period, taxonomy)
        with self._lock:
            if key not in self._profiles:
                if period not in self._rows:
                    self._rows[period] = _profile_rows(self._source(), period)
                rows = (r for r in self._rows[period] if taxonomy is None or r[2] == taxonomy)
                built = _profiles_from(rows).get(period, {})
                closure = self.taxonomy
                self._profiles[key] = {r: Prepared.of(closure, p) for r, p in built.items()}
            return self._profiles[key]

    def alignment(self, period: str, taxonomy: str | None, first: str, second: str) -> Alignment:
        """Every measure for the strategies of two regions (with profiles) in one period."""
        key = (first, second) if first <= second else (second, first)
        pairs = self._pairs.setdefault((period, taxonomy), {})
        found = pairs.get(key)
        if found is None:
            profiles = self.profiles(period, taxonomy)
            found = pairs[key] = compare_prepared(profiles[key[0]], profiles[key[1]])
        return found

    @property
    def within(self) -> dict[str, frozenset[str]]:
        """Every region and the regions it lies within (itself included)."""
        with self._lock:
            if self._within is None:
                above: dict[str, set[str]] = defaultdict(set)
                graph = [self._source().graphs.derived]
                for region, container in _rows(self._source(), _WITHIN, graph):
                    above[_v(region)].add(_v(container))
                self._within = {r: frozenset(a) for r, a in above.items()}
            return self._within

    @property
    def clusters(self) -> dict[str, tuple[str, frozenset[str]]]:
        """Every cluster: where it is located and its NACE sectors."""
        with self._lock:
            if self._clusters is None:
                sectors: dict[str, set[str]] = defaultdict(set)
                located: dict[str, str] = {}
                for cluster, region, sector in _rows(self._source(), _CLUSTERS):
                    located[_v(cluster)] = _v(region)
                    if isinstance(sector, NamedNode):
                        sectors[_v(cluster)].add(sector.value)
                self._clusters = {c: (r, frozenset(sectors[c])) for c, r in located.items()}
            return self._clusters

    def matcher(self, concepts: frozenset[str]) -> Matcher:
        """``concepts`` prepared for best-match similarity (kept for the next query)."""
        found = self._matchers.get(concepts)
        if found is None:
            found = self._matchers[concepts] = matcher(self.taxonomy, concepts)
        return found


_WITHIN = "SELECT ?region ?above WHERE { ?region s3:withinRegion ?above }"
_SNAPSHOTS: OrderedDict[str, Snapshot] = OrderedDict()
_SNAPSHOTS_LOCK = threading.Lock()
_KEPT = 2
"""How many states of stores keep their snapshot (the newest ones)."""


def snapshot(store: GraphStore) -> Snapshot:
    """The snapshot of the store's current state: shared while the store does not change."""
    version = getattr(store, "version", None)
    if not isinstance(version, str):
        return Snapshot(store)
    with _SNAPSHOTS_LOCK:
        found = _SNAPSHOTS.get(version)
        if found is None or found._store() is not store:
            found = _SNAPSHOTS[version] = Snapshot(store)
        _SNAPSHOTS.move_to_end(version)
        while len(_SNAPSHOTS) > _KEPT:
            _SNAPSHOTS.popitem(last=False)
        return found
