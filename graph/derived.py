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
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from pyoxigraph import Literal, NamedNode, Triple

from graph.alignment import Profile, Taxonomy
from graph.namespaces import NUTS, PREFIXES, S3, slug
from graph.results import SelectResult, Term
from graph.store import GraphStore

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


_BROADER = "SELECT ?narrower ?broader WHERE { ?narrower skos:broader ?broader }"
_REGIONS = """SELECT DISTINCT ?region WHERE {
  { ?region a s3:Region } UNION { ?region s3:nutsLevel ?level }
  UNION { ?thing s3:region|s3:issuedBy|s3:eligibleRegion ?region }
}"""
_STRATEGIES = """SELECT ?strategy ?region ?period WHERE {
  ?strategy s3:region ?region ; s3:programmingPeriod ?period
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
_SMES = """SELECT ?region ?activities (COUNT(*) AS ?smes) WHERE {
  { SELECT ?sme ?region (GROUP_CONCAT(DISTINCT STR(?activity); separator=" ") AS ?activities)
    WHERE { ?sme a s3:SME ; s3:region ?region . OPTIONAL { ?sme rov:orgActivity ?activity } }
    GROUP BY ?sme ?region }
} GROUP BY ?region ?activities"""


def _rows(store: GraphStore, sparql: str, graphs: list[str]) -> list[tuple[Term | None, ...]]:
    result = store.query(sparql, default_graph=graphs)
    assert isinstance(result, SelectResult)
    return result.rows


def _v(term: Term | None) -> str:
    return "" if term is None or not isinstance(term, NamedNode | Literal) else term.value


def read_inputs(store: GraphStore) -> Inputs:
    """Read the inputs from every graph except the derived and metadata graphs."""
    skip = {store.graphs.derived, store.graphs.metadata}
    graphs = [info.iri for info in store.named_graphs() if info.iri not in skip]
    inputs = Inputs()
    inputs.regions = {
        row[0].value for row in _rows(store, _REGIONS, graphs) if isinstance(row[0], NamedNode)
    }
    for narrower, broader in _rows(store, _BROADER, graphs):
        if isinstance(narrower, NamedNode) and isinstance(broader, NamedNode):
            edge = (narrower.value, broader.value)
            is_region = edge[0] in inputs.regions or edge[0].startswith(NUTS)
            (inputs.region_edges if is_region else inputs.concept_edges).append(edge)
    for strategy, region, period in _rows(store, _STRATEGIES, graphs):
        inputs.strategies[_v(strategy)] = (_v(region), _v(period))
    by_property = {iri: name for name, iri in TAXONOMIES.items()}
    for priority, strategy, prop, concept in _rows(store, _PRIORITIES, graphs):
        inputs.priorities[_v(priority)] = _v(strategy)
        if prop is not None and isinstance(concept, NamedNode):
            inputs.codes[_v(priority), by_property[_v(prop)]].add(concept.value)
    sectors: dict[str, set[str]] = defaultdict(set)
    located: dict[str, str] = {}
    for cluster, region, sector in _rows(store, _CLUSTERS, graphs):
        located[_v(cluster)] = _v(region)
        if isinstance(sector, NamedNode):
            sectors[_v(cluster)].add(sector.value)
    inputs.clusters = {c: (r, frozenset(sectors[c])) for c, r in located.items()}
    for region, activities, count in _rows(store, _SMES, graphs):
        key = (_v(region), frozenset(_v(activities).split()))
        inputs.smes[key] += int(_v(count))
    return inputs


# -- the derivation ---------------------------------------------------------------------------


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(_XSD + "integer"))


def _decimal(value: float) -> Literal:
    text = format(Decimal(repr(round(value, 6))).normalize(), "f")
    return Literal(text if "." in text else text + ".0", datatype=NamedNode(_XSD + "decimal"))


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
                entry = NamedNode(f"{strategy}/profile/{name}/{concept_key(concept)}")
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


def _supports(taxonomy: Taxonomy, codes: Collection[str], wanted: Collection[str]) -> bool:
    return any(taxonomy.nested(code, concept) for code in codes for concept in wanted)


def _support(inputs: Inputs, taxonomy: Taxonomy, regions: Taxonomy) -> Iterator[Triple]:
    clusters_in: dict[str, list[frozenset[str]]] = defaultdict(list)
    for location, sectors in inputs.clusters.values():
        for region in regions.ancestors_of(location):
            clusters_in[region].append(sectors)
    smes_in: dict[str, list[tuple[frozenset[str], int]]] = defaultdict(list)
    for (location, activities), count in inputs.smes.items():
        for region in regions.ancestors_of(location):
            smes_in[region].append((activities, count))
    for strategy, (region, _) in sorted(inputs.strategies.items()):
        node = NamedNode(strategy)
        yield Triple(node, CLUSTER_COUNT, _integer(len(clusters_in[region])))
        yield Triple(node, SME_COUNT, _integer(sum(n for _, n in smes_in[region])))
    for priority, strategy in sorted(inputs.priorities.items()):
        if strategy not in inputs.strategies:
            continue
        region = inputs.strategies[strategy][0]
        wanted = inputs.codes.get((priority, "nace"), set())
        clusters = sum(1 for s in clusters_in[region] if _supports(taxonomy, s, wanted))
        smes = sum(n for a, n in smes_in[region] if _supports(taxonomy, a, wanted))
        yield Triple(NamedNode(priority), CLUSTER_COUNT, _integer(clusters))
        yield Triple(NamedNode(priority), SME_COUNT, _integer(smes))


def _sector_counts(
    inputs: Inputs, taxonomy: Taxonomy, regions: Taxonomy, base_iri: str
) -> Iterator[Triple]:
    strategy_regions = {region for region, _ in inputs.strategies.values()}
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])

    def expanded(codes: Iterable[str]) -> set[str]:
        return {a for code in codes for a in taxonomy.ancestors_of(code)}

    for location, sectors in inputs.clusters.values():
        above = expanded(sectors)
        for region in regions.ancestors_of(location) & strategy_regions:
            for concept in above:
                counts[region, concept][0] += 1
    for (location, activities), number in inputs.smes.items():
        above = expanded(activities)
        for region in regions.ancestors_of(location) & strategy_regions:
            for concept in above:
                counts[region, concept][1] += number
    for (region, concept), (clusters, smes) in sorted(counts.items()):
        entry = NamedNode(f"{base_iri}id/sector-count/{region_code(region)}/{concept_key(concept)}")
        yield Triple(entry, _RDF_TYPE, _p("SectorCount"))
        yield Triple(entry, FOR_REGION, NamedNode(region))
        yield Triple(entry, CONCEPT, NamedNode(concept))
        yield Triple(entry, CLUSTER_COUNT, _integer(clusters))
        yield Triple(entry, SME_COUNT, _integer(smes))


def rebuild(store: GraphStore) -> int:
    """Recompute every derived fact and atomically replace the derived graph; return its size.

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
    triples = derive(read_inputs(store), store.graphs.base)
    return store.replace_graph_triples(store.graphs.derived, triples)


# -- reading the derived facts back -----------------------------------------------------------

_CLOSURE = """SELECT ?concept ?ancestor ?depth WHERE {
  ?concept s3:ancestorOrSelf ?ancestor . ?ancestor s3:depth ?depth
}"""
_PROFILE_ROWS = """SELECT ?region ?period ?taxonomy ?concept ?direct ?count ?total WHERE {
  ?strategy s3:profileEntry ?entry ; s3:priorityCount ?total ;
            s3:region ?region ; s3:programmingPeriod ?period .
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
    bound: dict[str, Term] = {}
    if period is not None:
        bound["period"] = Literal(period)
    if taxonomy is not None:
        bound["taxonomy"] = Literal(taxonomy)
    result = store.query(_PROFILE_ROWS, substitutions=bound)
    assert isinstance(result, SelectResult)
    concepts: dict[tuple[str, str], set[str]] = defaultdict(set)
    weights: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    wanted = set(regions) if regions is not None else None
    for row in result.rows:
        region, when, _, concept, direct, count, total = (_v(t) for t in row)
        if wanted is not None and region not in wanted:
            continue
        key = (region, when)
        share = int(count) / int(total) if int(total) else 0.0
        weights[key][concept] = max(weights[key].get(concept, 0.0), share)
        if direct == "true":
            concepts[key].add(concept)
    out: dict[str, dict[str, Profile]] = defaultdict(dict)
    for region, when in sorted(weights):
        key = (region, when)
        out[when][region] = Profile(region, when, frozenset(concepts[key]), weights[key])
    return dict(out)
