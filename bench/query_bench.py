"""Strategy-alignment questions at EU scale: s3kg's named queries against naive SPARQL and rdflib.

For each size (number of synthetic SMEs) the benchmark builds, once, an on-disk store in
``--workdir``: the ontology and vocabularies (``graph.install``), the official NUTS 2021 workbook
(the NUTS loader), and the synthetic EU dataset (``loaders.synth``: every NUTS-2 region, 5,000
clusters, ``--smes`` SMEs) bulk-loaded from N-Quads into its named graphs with pyoxigraph's
``Store.bulk_load``. It then rebuilds the derived graph (``graph.derived.rebuild``, timed, with
its peak memory) and times five questions, each answered three ways:

- **s3kg**: the named query, ``Catalog.load().run(store, name, params)``;
- **naive**: the same question as one plain SPARQL query over the raw data (property paths, no
  derived graph), run by pyoxigraph on the same store;
- **rdflib**: the naive query run by rdflib on the same triples (a ``Dataset`` parsed from an
  N-Quads dump of the raw graphs), for sizes up to ``--rdflib-max-smes`` only.

The questions: the full region-by-region alignment matrix (every region with a strategy, one
period), the ten regions most aligned with one region, partner search for one cluster, the calls
one SME is eligible for, and the SMEs behind every priority of every region.

Every step runs in its own child process, so that its peak memory is its own and a naive query
can be stopped at its time budget (``--timeout``, reported as "> N s"). The answers of the three
ways are compared, so that the timings are of the same question.

    .venv/bin/python bench/query_bench.py --smes 116000 1350000
    .venv/bin/python bench/query_bench.py --report-only --smes 116000 1350000 \\
        --markdown queries-table.md

116,000 SMEs give about 10^6 triples, 1,350,000 about 10^7 (``docs/synthetic.md``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import queue
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CODE = os.environ.get("S3KG_BENCH_CODE")
"""Another copy of s3kg to build the data with (--build-code), else this one."""
sys.path.insert(0, CODE or str(ROOT))

REFERENCE = Path(os.environ.get("S3KG_REFERENCE", ROOT.parent / "shared" / "data" / "reference"))
NUTS_FILE = REFERENCE / "NUTS2021.xlsx"
NACE_FILE = REFERENCE / "nace_rev2_ramon_en.csv"
PERIOD = "2021-2027"
DAY = "2025-06-01"
REGION = "ITC4"
CODING = "s3:economicDomain|s3:scientificDomain|s3:policyObjective|s3:sdg|s3:keyEnablingTechnology"
"""The properties that code a priority, as an alternative path."""
PREFIXES = """PREFIX s3: <https://w3id.org/s3kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rov: <http://www.w3.org/ns/regorg#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX nuts: <http://data.europa.eu/nuts/code/>
"""
NUTS = "http://data.europa.eu/nuts/code/"
MIB = 1024.0
NAIVE_MEMORY_GIB = 8.0
RDFLIB_MEMORY_GIB = 12.0
Deadline = float | Callable[[], float | None] | None


# -- the questions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    key: str
    title: str
    query: str
    """The s3kg named query."""
    goal_ms: float
    """s3kg's target time (median)."""


QUESTIONS = (
    Question("matrix", "Alignment matrix, every region with a strategy", "alignment-matrix", 2000),
    Question(
        "matrix-jaccard",
        "Alignment matrix, every region; naive computes Jaccard only",
        "alignment-matrix",
        2000,
    ),
    Question("top10", "Top-10 regions aligned with one region", "alignment-ranking", 100),
    Question("partners", "Partner search for one cluster (top 10)", "cluster-partners", 100),
    Question("sme-calls", "Calls one SME is eligible for", "sme-calls", 100),
    Question("sme-support", "SMEs behind every priority of every region", "priority-support", 0),
)
BY_KEY = {q.key: q for q in QUESTIONS}


def s3kg_params(key: str, picks: Mapping[str, str]) -> dict[str, str]:
    """The named query's parameters for a question."""
    return {
        "matrix": {"all_regions": "true", "period": PERIOD},
        "matrix-jaccard": {"all_regions": "true", "period": PERIOD},
        "top10": {"region": picks["region"], "period": PERIOD, "k": "10"},
        "partners": {"cluster": picks["cluster"], "period": PERIOD, "k": "10"},
        "sme-calls": {"sme": picks["sme"], "date": DAY},
        "sme-support": {"period": PERIOD},
    }[key]


def _coded(owner: str, concept: str, depth: str, pattern: str) -> str:
    """A sub-select of (owner, concept, depth of the concept) for the owners ``pattern`` binds.

    Depth is the number of concepts at or above the concept (NACE is a tree, so this is one more
    than the length of the chain of broader links to its section), found with a property path.
    """
    return f"""{{ SELECT ?{owner} ?{concept} (COUNT(DISTINCT ?up) AS ?{depth}) WHERE {{
        {{ SELECT DISTINCT ?{owner} ?{concept} WHERE {{ {pattern} }} }}
        ?{concept} skos:broader* ?up .
      }} GROUP BY ?{owner} ?{concept} }}"""


def _strategy_codes(owner: str, concept: str, properties: str, restrict: str = "") -> str:
    return f"""{restrict}
        ?strategy s3:region ?{owner} ; s3:programmingPeriod "{PERIOD}" .
        ?priority s3:strategy ?strategy ; {properties} ?{concept} ."""


def _directed(source: str, target: str, total: str, owned: Callable[[str, str, str], str]) -> str:
    """Sub-select of Σ_{a ∈ C(source)} max_{b ∈ C(target)} sim(a, b) for every pair of owners.

    ``owned(owner, concept, depth)`` is the sub-select of each side's concepts with their depths.
    The best match of ``a`` is found through the concepts ``x`` above it: a ``b`` below ``x``
    meets ``a`` at ``x`` or deeper, so max_b sim(a, b) = max_x depth(x) / max(depth(a), the
    smallest depth of the target's concepts below x).
    """
    return f"""{{ SELECT ?{source} ?{target} (SUM(?best) AS ?{total}) WHERE {{
      {{ SELECT ?{source} ?a ?{target} (MAX(?credit) AS ?best) WHERE {{
        {owned(source, "a", "da")}
        ?a skos:broader* ?x .
        {{ SELECT ?x (COUNT(DISTINCT ?xup) AS ?dx) WHERE {{
            {{ SELECT DISTINCT ?x WHERE {{ {owned("o", "c", "dc")} ?c skos:broader* ?x }} }}
            ?x skos:broader* ?xup }} GROUP BY ?x }}
        {{ SELECT ?{target} ?x (MIN(?db) AS ?mb) WHERE {{
            {owned(target, "b", "db")} ?b skos:broader* ?x }} GROUP BY ?{target} ?x }}
        FILTER(?{source} != ?{target})
        BIND(?dx / IF(?da > ?mb, ?da, ?mb) AS ?credit)
      }} GROUP BY ?{source} ?a ?{target} }}
    }} GROUP BY ?{source} ?{target} }}"""


def _counted(owner: str, total: str, owned: Callable[[str, str, str], str]) -> str:
    return f"""{{ SELECT ?{owner} (COUNT(*) AS ?{total}) WHERE {{ {owned(owner, "c", "d")} }}
      GROUP BY ?{owner} }}"""


def _shared(first: str, second: str, total: str, pattern: Callable[[str, str], str]) -> str:
    return f"""{{ SELECT ?{first} ?{second} (COUNT(DISTINCT ?c) AS ?{total}) WHERE {{
        {{ SELECT DISTINCT ?{first} ?c WHERE {{ {pattern(first, "c")} }} }}
        {{ SELECT DISTINCT ?{second} ?c WHERE {{ {pattern(second, "c")} }} }}
        FILTER(?{first} != ?{second}) }} GROUP BY ?{first} ?{second} }}"""


def _region_similarity(
    first: str, second: str, properties: str, only: str = "", prefix: str = ""
) -> str:
    """Patterns binding ?{prefix}similarity and ?{prefix}jaccard for regions ?first, ?second.

    ``only`` is a pattern restricting ``first`` inside every sub-select (sub-selects are
    evaluated on their own, so a restriction outside them would come too late).
    """

    def restrict(var: str) -> str:
        return only if var == first else ""

    def pattern(owner: str, concept: str) -> str:
        return _strategy_codes(owner, concept, properties, restrict(owner))

    def owned_first(owner: str, concept: str, depth: str) -> str:
        return _coded(owner, concept, depth, pattern(owner, concept))

    def owned_any(owner: str, concept: str, depth: str) -> str:
        return _coded(owner, concept, depth, _strategy_codes(owner, concept, properties))

    def owned(side: str) -> Callable[[str, str, str], str]:
        return owned_first if side == first else owned_any

    def directed(source: str, target: str, total: str) -> str:
        def either(owner: str, concept: str, depth: str) -> str:
            if owner in (source, target):
                return owned(owner)(owner, concept, depth)
            return owned_any(owner, concept, depth)

        return _directed(source, target, total, either)

    p = prefix
    return f"""
      {_counted(first, p + "n1", owned(first))}
      {_counted(second, p + "n2", owned_any)}
      FILTER(?{first} != ?{second})
      OPTIONAL {directed(first, second, p + "s12")}
      OPTIONAL {directed(second, first, p + "s21")}
      OPTIONAL {_shared(first, second, p + "shared", pattern)}
      BIND((COALESCE(?{p}s12, 0) + COALESCE(?{p}s21, 0)) / (?{p}n1 + ?{p}n2) AS ?{p}similarity)
      BIND(COALESCE(?{p}shared, 0) / (?{p}n1 + ?{p}n2 - COALESCE(?{p}shared, 0)) AS ?{p}jaccard)"""


def naive_query(key: str, picks: Mapping[str, str]) -> str:
    """The question as one plain SPARQL query over the raw data (no derived graph)."""
    if key == "matrix":
        return f"""{PREFIXES}SELECT ?region ?other ?similarity ?jaccard WHERE {{
      {_region_similarity("region", "other", CODING)}
      FILTER(STR(?region) < STR(?other))
    }} ORDER BY ?region ?other"""
    if key == "matrix-jaccard":

        def coded(owner: str, concept: str) -> str:
            return _strategy_codes(owner, concept, CODING)

        return f"""{PREFIXES}SELECT ?region ?other ?jaccard WHERE {{
      {{ SELECT ?region (COUNT(DISTINCT ?c) AS ?n1) WHERE {{ {coded("region", "c")} }}
         GROUP BY ?region }}
      {{ SELECT ?other (COUNT(DISTINCT ?c) AS ?n2) WHERE {{ {coded("other", "c")} }}
         GROUP BY ?other }}
      FILTER(STR(?region) < STR(?other))
      OPTIONAL {_shared("region", "other", "shared", coded)}
      BIND(COALESCE(?shared, 0) / (?n1 + ?n2 - COALESCE(?shared, 0)) AS ?jaccard)
    }} ORDER BY ?region ?other"""
    if key == "top10":
        region = NUTS + picks["region"]
        return f"""{PREFIXES}SELECT ?region ?other ?similarity ?jaccard WHERE {{
      {_region_similarity("region", "other", CODING, only=f"VALUES ?region {{ <{region}> }}")}
    }} ORDER BY DESC(?similarity) DESC(?jaccard) ?other LIMIT 10"""
    if key == "partners":
        return _naive_partners(picks["cluster_iri"])
    if key == "sme-calls":
        return f"""{PREFIXES}SELECT ?call ?title ?issuedBy ?opening ?closing ?status WHERE {{
      VALUES ?sme {{ <{picks["sme_iri"]}> }}
      VALUES ?date {{ "{DAY}"^^xsd:date }}
      ?sme s3:region ?smeRegion ; s3:sizeClass ?size .
      ?call a s3:FundingCall ; dcterms:title ?title ; s3:issuedBy ?issuedBy ;
            s3:openingDate ?opening ; s3:closingDate ?closing .
      FILTER(?closing >= ?date)
      FILTER(
        EXISTS {{ ?call s3:eligibleRegion ?eligible . ?smeRegion skos:broader* ?eligible }}
        || (NOT EXISTS {{ ?call s3:eligibleRegion ?any }}
            && EXISTS {{ ?smeRegion skos:broader* ?issuedBy }}))
      FILTER(NOT EXISTS {{ ?call s3:eligibleSizeClass ?anySize }}
             || EXISTS {{ ?call s3:eligibleSizeClass ?size }})
      FILTER(NOT EXISTS {{ ?call s3:eligibleActivity ?anyActivity }}
             || EXISTS {{ ?call s3:eligibleActivity ?activityWanted .
                          ?sme rov:orgActivity ?activity .
                          ?activity skos:broader* ?activityWanted }})
      BIND(IF(?opening <= ?date, "open", "upcoming") AS ?status)
    }} ORDER BY ?closing ?call"""
    if key == "sme-support":
        # Every priority with 0, and the count of those that have SMEs: MAX keeps the count.
        return f"""{PREFIXES}SELECT ?region ?priority (MAX(?n) AS ?smes) WHERE {{
      {{ SELECT ?region ?priority (0 AS ?n) WHERE {{
          ?strategy s3:programmingPeriod "{PERIOD}" ; s3:region ?region .
          ?priority s3:strategy ?strategy }} }}
      UNION
      {{ SELECT ?region ?priority (COUNT(DISTINCT ?sme) AS ?n) WHERE {{
          ?strategy s3:programmingPeriod "{PERIOD}" ; s3:region ?region .
          ?priority s3:strategy ?strategy ; s3:economicDomain ?code .
          ?location skos:broader* ?region .
          ?sme s3:region ?location .
          ?sme rov:orgActivity ?activity .
          {{ ?activity skos:broader* ?code }} UNION {{ ?code skos:broader* ?activity }}
          ?sme a s3:SME .
        }} GROUP BY ?region ?priority }}
    }} GROUP BY ?region ?priority ORDER BY ?region ?priority"""
    raise KeyError(key)


def _naive_partners(cluster: str) -> str:
    def sectors(owner: str, concept: str) -> str:
        return f"?{owner} a s3:Cluster ; s3:sector ?{concept} ."

    def mine(owner: str, concept: str) -> str:
        if owner == "me":
            return f"VALUES ?me {{ <{cluster}> }} ?me s3:sector ?{concept} ."
        return sectors(owner, concept)

    def owned(owner: str, concept: str, depth: str) -> str:
        return _coded(owner, concept, depth, mine(owner, concept))

    home = f"VALUES ?me {{ <{cluster}> }} ?me s3:region ?at . ?at skos:broader* ?home ."
    # The score is computed in doubles: Oxigraph's xsd:decimal has 18 decimal places, and a product
    # needing more is an error, which would leave the score unbound.
    return f"""{PREFIXES}SELECT ?partner ?there ?score ?sector ?rsimilarity WHERE {{
      VALUES ?me {{ <{cluster}> }}
      ?me s3:region ?myLocation . ?myLocation skos:broader* ?home .
      ?homeStrategy s3:region ?home ; s3:programmingPeriod "{PERIOD}" .
      ?partner a s3:Cluster ; s3:region ?location .
      ?location skos:broader* ?there .
      ?thereStrategy s3:region ?there ; s3:programmingPeriod "{PERIOD}" .
      FILTER(?partner != ?me && ?location != ?myLocation && ?there != ?home)
      {_counted("me", "m1", owned)}
      {_counted("partner", "m2", owned)}
      OPTIONAL {_directed("me", "partner", "t12", owned)}
      OPTIONAL {_directed("partner", "me", "t21", owned)}
      BIND((COALESCE(?t12, 0) + COALESCE(?t21, 0)) / (?m1 + ?m2) AS ?sector)
      OPTIONAL {{ SELECT ?home ?there ?rsimilarity WHERE {{
        {_region_similarity("home", "there", "s3:economicDomain", only=home, prefix="r")}
      }} }}
      BIND(0.5 * xsd:double(?sector) + 0.5 * xsd:double(COALESCE(?rsimilarity, 0)) AS ?score)
    }} ORDER BY DESC(?score) DESC(?sector) ?partner LIMIT 10"""


# -- answers, to check that the three ways answer the same question ---------------------------


def _short(value: str) -> str:
    for prefix in (NUTS, "https://w3id.org/s3kg/id/"):
        value = value.removeprefix(prefix)
    return value


def answer(key: str, rows: list[dict[str, str]]) -> list[list[Any]]:
    """The comparable core of a result: what every way must agree on."""
    if key == "matrix":
        return sorted(
            [*sorted((_short(r["region"]), _short(r["other"]))), round(float(r["similarity"]), 4)]
            for r in rows
        )
    if key == "matrix-jaccard":
        return sorted(
            [*sorted((_short(r["region"]), _short(r["other"]))), round(float(r["jaccard"]), 4)]
            for r in rows
        )
    if key == "top10":
        return [[_short(r["other"]), round(float(r["similarity"]), 4)] for r in rows]
    if key == "partners":
        return [[_short(r["partner"]), round(float(r["score"]), 4)] for r in rows]
    if key == "sme-calls":
        return [[_short(r["call"])] for r in rows]
    return sorted([_short(r["priority"]), int(r["smes"])] for r in rows)


def _s3kg_rows(
    key: str, variables: list[str], rows: Iterable[tuple[Any, ...]]
) -> list[dict[str, str]]:
    out = [
        {v: ("" if t is None else t.value) for v, t in zip(variables, row, strict=True)}
        for row in rows
    ]
    if key == "top10":  # the named query calls the compared region "region"
        for r in out:
            r["other"] = r["region"]
    return out


def compare_answers(a: list[list[Any]], b: list[list[Any]]) -> str:
    """'same', or what differs (scores within 1e-4 count as the same)."""
    if len(a) != len(b):
        return f"differ: {len(a)} rows against {len(b)}"
    wrong = 0
    for x, y in zip(a, b, strict=True):
        if len(x) != len(y):
            wrong += 1
            continue
        for u, v in zip(x, y, strict=True):
            if isinstance(u, float) and isinstance(v, float | int):
                if abs(u - v) > 1.01e-4:
                    wrong += 1
                    break
            elif u != v:
                wrong += 1
                break
    return "same" if wrong == 0 else f"differ in {wrong} of {len(a)} rows"


# -- timing helpers ---------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / MIB


def current_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / MIB
    return 0.0


def cap_memory(gib: float) -> None:
    """Keep this process's heap under ``gib`` GiB: on a shared machine a runaway naive query must
    fail on its own rather than bring the kernel's out-of-memory killer down on other work."""
    limit = int(gib * (1 << 30))
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def emit(record: Mapping[str, Any]) -> None:
    """A child's report to its parent: one JSON line on stdout."""
    print("@@" + json.dumps(record), flush=True)


# -- child steps ------------------------------------------------------------------------------


def step_generate(folder: str, smes: str, clusters: str) -> None:
    from loaders.synth import generate

    report = generate(
        Path(folder),
        seed=1,
        smes=int(smes),
        clusters=int(clusters),
        nuts_file=NUTS_FILE,
        nace_file=NACE_FILE,
        formats={"nquads"},
    )
    emit({"triples": report.triples, "seconds": report.seconds, "bytes": report.bytes})


def step_install(store_dir: str) -> None:
    from graph.install import install
    from graph.settings import Settings
    from graph.store import open_store
    from loaders.pipeline import load_paths

    started = time.perf_counter()
    store = open_store(Settings(store=store_dir))
    install(store)
    report = load_paths(store, [NUTS_FILE], kind="nuts")
    if not report.ok:
        raise SystemExit(report.summary())
    store.close()
    emit({"seconds": time.perf_counter() - started, "peak_rss_mib": peak_rss_mib()})


def step_bulk_load(store_dir: str, nquads: str) -> None:
    from pyoxigraph import RdfFormat, Store

    store = Store(store_dir)
    before = len(store)
    started = time.perf_counter()
    store.bulk_load(path=nquads, format=RdfFormat.N_QUADS)
    store.flush()
    seconds = time.perf_counter() - started
    after = len(store)
    del store
    emit(
        {
            "seconds": seconds,
            "quads": after - before,
            "store_quads": after,
            "peak_rss_mib": peak_rss_mib(),
        }
    )


EXTRA_GRAPH = "https://w3id.org/s3kg/graph/source/bench-extra-smes"
REBUILDS = {
    "first": "first build (the derived graph held one triple, as after init)",
    "unchanged": "rebuild, nothing changed",
    "add": "rebuild after loading 1,000 more SMEs",
    "remove": "rebuild after dropping those SMEs again",
}


def _extra_smes(count: int = 1000) -> bytes:
    """N-Triples of ``count`` SMEs in Lombardy, for a small load between two rebuilds."""
    s3 = "https://w3id.org/s3kg/ontology#"
    lines = []
    for i in range(count):
        sme = f"<https://w3id.org/s3kg/id/sme/bench-extra-{i:05d}>"
        activity = ("2830", "2899", "2611", "6201", "7219")[i % 5]
        lines += [
            f"{sme} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{s3}SME> .",
            f"{sme} <{s3}region> <{NUTS}{REGION}> .",
            f"{sme} <http://www.w3.org/ns/regorg#orgActivity> "
            f"<http://data.europa.eu/ux2/nace2/{activity}> .",
            f"{sme} <{s3}sizeClass> <{s3}Micro> .",
        ]
    return ("\n".join(lines) + "\n").encode()


def step_rebuild(store_dir: str, mode: str) -> None:
    """One rebuild of the derived graph, after preparing the store for ``mode`` (REBUILDS)."""
    from pyoxigraph import RdfFormat

    from graph.derived import rebuild
    from graph.settings import Settings
    from graph.store import open_store

    store = open_store(Settings(store=store_dir))
    derived = store.graphs.derived
    if mode == "first":
        store.drop_graph(derived)
        one = f'<{derived}> <http://purl.org/dc/terms/title> "derived facts" .\n'
        store.replace_graph(derived, one.encode(), RdfFormat.N_TRIPLES)
    elif mode == "add":
        store.replace_graph(EXTRA_GRAPH, _extra_smes(), RdfFormat.N_TRIPLES)
    elif mode == "remove":
        store.drop_graph(EXTRA_GRAPH)
    before = current_rss_mib()
    started = time.perf_counter()
    size = rebuild(store)
    seconds = time.perf_counter() - started
    store.close()
    emit(
        {
            "seconds": seconds,
            "derived_triples": size,
            "rss_before_mib": before,
            "peak_rss_mib": peak_rss_mib(),
        }
    )


def step_pick(store_dir: str) -> None:
    """The region, cluster and SME the one-entity questions ask about."""
    from graph.settings import Settings
    from graph.store import open_store

    store = open_store(Settings(store=store_dir))
    region = NUTS + REGION

    def first(sparql: str) -> str:
        result = store.query(sparql)
        return result.rows[0][0].value  # type: ignore[union-attr]

    cluster = first(f"""SELECT ?c WHERE {{ ?c a s3:Cluster ; s3:region <{region}> }}
                        ORDER BY ?c LIMIT 1""")
    sme = first(f"""SELECT ?s WHERE {{ ?s a s3:SME ; s3:region <{region}> }}
                    ORDER BY ?s LIMIT 1""")
    regions = (
        store.query(f"""SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {{
        ?s s3:region ?r ; s3:programmingPeriod "{PERIOD}" }}""")
        .rows[0][0]
        .value
    )  # type: ignore[union-attr]
    store.close()
    emit(
        {
            "region": REGION,
            "cluster": cluster.rsplit("/", 1)[-1],
            "cluster_iri": cluster,
            "sme": sme.rsplit("/", 1)[-1],
            "sme_iri": sme,
            "strategy_regions": int(regions),
        }
    )


def step_s3kg(
    store_dir: str, key: str, picks_json: str, repeat: str, budget: str, answers: str
) -> None:
    """Time one named query in a fresh process: its first call, then repeated calls."""
    from graph.catalog import Catalog
    from graph.results import SelectResult
    from graph.settings import Settings
    from graph.store import open_store

    picks = json.loads(picks_json)
    store = open_store(Settings(store=store_dir))
    catalog = Catalog.load()
    question = BY_KEY[key]
    params = s3kg_params(key, picks)
    times: list[float] = []
    started = time.perf_counter()
    result: Any = None
    while len(times) < int(repeat) + 1 and (
        len(times) < 4 or time.perf_counter() - started < float(budget)
    ):
        t0 = time.perf_counter()
        result = catalog.run(store, question.query, params)
        times.append(time.perf_counter() - t0)
    assert isinstance(result, SelectResult)
    rows = _s3kg_rows(key, result.variables, result.rows)
    Path(answers, f"s3kg-{key}.json").write_text(json.dumps(answer(key, rows)))
    store.close()
    emit({"first": times[0], "times": times[1:], "rows": len(rows), "peak_rss_mib": peak_rss_mib()})


def step_naive(store_dir: str, key: str, picks_json: str, repeat: str, answers: str) -> None:
    """Run one naive query on pyoxigraph, reporting each run as it finishes."""
    from pyoxigraph import Store

    cap_memory(NAIVE_MEMORY_GIB)
    picks = json.loads(picks_json)
    store = Store.read_only(store_dir)
    sparql = naive_query(key, picks)
    for i in range(int(repeat)):
        t0 = time.perf_counter()
        solutions = store.query(sparql, use_default_graph_as_union=True)
        variables = [v.value for v in solutions.variables]  # type: ignore[union-attr]
        rows = [
            {v: ("" if s[v] is None else s[v].value) for v in variables}
            for s in solutions  # type: ignore[union-attr]
        ]
        seconds = time.perf_counter() - t0
        if i == 0:
            Path(answers, f"naive-{key}.json").write_text(json.dumps(answer(key, rows)))
        emit({"run": i, "seconds": seconds, "rows": len(rows), "peak_rss_mib": peak_rss_mib()})


def step_dump(store_dir: str, target: str) -> None:
    """Write the raw graphs (not the derived and metadata graphs) as N-Quads for rdflib."""
    from pyoxigraph import NamedNode, RdfFormat, Store, serialize

    store = Store.read_only(store_dir)
    graphs = [
        g
        for g in store.named_graphs()
        if isinstance(g, NamedNode) and not g.value.endswith(("/graph/derived", "/graph/metadata"))
    ]
    quads = (q for g in graphs for q in store.quads_for_pattern(None, None, None, g))
    with open(target, "wb") as output:
        serialize(quads, output, format=RdfFormat.N_QUADS)
    emit({"bytes": Path(target).stat().st_size})


def step_rdflib(nquads: str, keys: str, picks_json: str, answers: str, timeout: str) -> None:
    """Parse the dump into an rdflib Dataset once, then run each naive query in a forked child.

    The child shares the parsed data with this process (copy on write) and is killed when its
    query runs past ``timeout`` seconds, so a slow query costs no second parse.
    """
    from rdflib import Dataset

    cap_memory(RDFLIB_MEMORY_GIB)
    picks = json.loads(picks_json)
    t0 = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(nquads, format="nquads")
    emit(
        {
            "parsed": time.perf_counter() - t0,
            "triples": len(dataset),
            "peak_rss_mib": peak_rss_mib(),
        }
    )
    for key in keys.split(","):
        pid = os.fork()
        if pid == 0:  # the child: run the query, report, and leave without cleaning up
            status = 1
            try:
                t0 = time.perf_counter()
                result = dataset.query(naive_query(key, picks))
                variables = [str(v) for v in result.vars or []]
                rows = [
                    {v: ("" if row[i] is None else str(row[i])) for i, v in enumerate(variables)}
                    for row in result
                ]
                seconds = time.perf_counter() - t0
                Path(answers, f"rdflib-{key}.json").write_text(json.dumps(answer(key, rows)))
                emit(
                    {
                        "key": key,
                        "seconds": seconds,
                        "rows": len(rows),
                        "peak_rss_mib": peak_rss_mib(),
                    }
                )
                status = 0
            finally:
                os._exit(status)
        deadline = time.monotonic() + float(timeout)
        started = time.monotonic()
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                if status:
                    spent = time.monotonic() - started
                    emit({"key": key, "failed": f"failed (status {status}) after {spent:.0f} s"})
                break
            if time.monotonic() > deadline:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                emit({"key": key, "timeout": float(timeout)})
                break
            time.sleep(0.2)


STEPS: dict[str, Callable[..., None]] = {
    "generate": step_generate,
    "install": step_install,
    "bulk-load": step_bulk_load,
    "rebuild": step_rebuild,
    "pick": step_pick,
    "s3kg": step_s3kg,
    "naive": step_naive,
    "dump": step_dump,
    "rdflib": step_rdflib,
}


# -- the parent -------------------------------------------------------------------------------


def child(
    *args: str, deadline: Deadline = None, code: str | None = None
) -> Iterator[dict[str, Any]]:
    """Run a step in a child process and yield its reports; stop it at the deadline.

    ``deadline`` is a ``time.monotonic()`` instant, or a function giving the current one (None:
    no limit). When it passes, the child is killed and ``{"timeout": True}`` is the last report.
    """
    command = [sys.executable, str(Path(__file__).resolve()), "--step", *args]
    env = dict(os.environ)
    env.pop("S3KG_BENCH_CODE", None)
    if code:
        env["S3KG_BENCH_CODE"] = code
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    while True:
        limit = deadline() if callable(deadline) else deadline
        try:
            line = lines.get(timeout=1.0)
        except queue.Empty:
            if limit is not None and time.monotonic() > limit:
                process.kill()
                process.wait()
                yield {"timeout": True}
                return
            continue
        if line is None:
            if process.wait() != 0:
                yield {"failed": process.returncode}
            return
        if line.startswith("@@"):
            yield json.loads(line[2:])


def last(*args: str, code: str | None = None) -> dict[str, Any]:
    reports = list(child(*args, code=code))
    if reports and "failed" in reports[-1]:
        raise SystemExit(f"step {args[0]} failed with exit code {reports[-1]['failed']}")
    return reports[-1] if reports else {}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def build(folder: Path, smes: int, clusters: int, code: str | None) -> dict[str, Any]:
    """Generate and load the data once; later runs reuse the store (build.json says how)."""
    marker = folder / "build.json"
    if marker.exists():
        built: dict[str, Any] = json.loads(marker.read_text())
        return built
    folder.mkdir(parents=True, exist_ok=True)
    data, store = folder / "data", folder / "store"
    log(f"generating {smes:,} SMEs")
    generated = last("generate", str(data), str(smes), str(clusters), code=code)
    log(f"  {generated['triples']:,} triples in {generated['seconds']:.1f} s; installing")
    installed = last("install", str(store), code=code)
    log(f"  installed in {installed['seconds']:.1f} s; bulk loading")
    loaded = last("bulk-load", str(store), str(data / "synthetic.nq"))
    log(f"  {loaded['quads']:,} quads in {loaded['seconds']:.1f} s")
    built = {
        "smes": smes,
        "clusters": clusters,
        "generated": generated,
        "install": installed,
        "bulk_load": loaded,
    }
    marker.write_text(json.dumps(built, indent=2))
    return built


def run_size(args: argparse.Namespace, smes: int) -> dict[str, Any]:
    folder = Path(args.workdir) / f"smes-{smes}"
    built = build(folder, smes, args.clusters, args.build_code)
    store = str(folder / "store")
    answers = folder / "answers"
    answers.mkdir(exist_ok=True)
    results_file = folder / "results.json"
    results: dict[str, Any] = json.loads(results_file.read_text()) if results_file.exists() else {}
    results["build"] = built

    def save() -> None:
        results_file.write_text(json.dumps(results, indent=2))

    if "rebuild" in args.parts:
        results["rebuilds"] = {}
        for mode, what in REBUILDS.items():
            report = last("rebuild", store, mode)
            results["rebuilds"][mode] = report
            log(
                f"{what}: {report['seconds']:.1f} s, {report['derived_triples']:,} triples, "
                f"peak {report['peak_rss_mib']:,.0f} MiB"
            )
            save()
        results["rebuild"] = results["rebuilds"]["first"]
    picks = last("pick", store)
    results["picks"] = picks
    picks_json = json.dumps(picks)
    if "s3kg" in args.parts:
        results.setdefault("s3kg", {})
        for question in QUESTIONS:
            if args.only and question.key not in args.only:
                continue
            report = last(
                "s3kg",
                store,
                question.key,
                picks_json,
                str(args.repeat),
                str(args.budget),
                str(answers),
            )
            results["s3kg"][question.key] = report
            log(
                f"s3kg {question.key}: first {report['first'] * 1000:.1f} ms, median "
                f"{statistics.median(report['times']) * 1000:.2f} ms, {report['rows']} rows"
            )
            save()
    if "naive" in args.parts:
        results.setdefault("naive", {})
        for question in QUESTIONS:
            if args.only and question.key not in args.only:
                continue
            log(f"naive {question.key}")
            runs: list[dict[str, Any]] = []
            timed_out = False
            failed = None
            began = time.monotonic()
            for report in child(
                "naive",
                store,
                question.key,
                picks_json,
                str(args.naive_repeat),
                str(answers),
                deadline=time.monotonic() + args.timeout,
            ):
                if "timeout" in report:
                    timed_out = not runs
                    break
                if "failed" in report:
                    failed = (
                        f"failed (exit {report['failed']}) after {time.monotonic() - began:.0f} s"
                    )
                    log(f"  {failed}")
                    break
                runs.append(report)
                log(f"  run {report['run']}: {report['seconds']:.2f} s, {report['rows']} rows")
            results["naive"][question.key] = {
                "times": [r["seconds"] for r in runs],
                "rows": runs[0]["rows"] if runs else None,
                "timeout": args.timeout if timed_out else None,
                "failed": None if runs else failed,
                "peak_rss_mib": max((r["peak_rss_mib"] for r in runs), default=None),
            }
            save()
    if "rdflib" in args.parts and smes <= args.rdflib_max_smes:
        dump = folder / "raw.nq"
        if not dump.exists():
            log("dumping the raw graphs for rdflib")
            last("dump", store, str(dump))
        keys = [q.key for q in QUESTIONS if not args.only or q.key in args.only]
        results.setdefault("rdflib", {})
        log(f"rdflib: parsing, then {', '.join(keys)}")
        budget = time.monotonic() + args.rdflib_parse_budget + (args.timeout + 60) * len(keys)
        for report in child(
            "rdflib",
            str(dump),
            ",".join(keys),
            picks_json,
            str(answers),
            str(args.timeout),
            deadline=budget,
        ):
            if "parsed" in report:
                results["rdflib_parse"] = report
                log(
                    f"  parsed {report['triples']:,} triples in {report['parsed']:.0f} s, "
                    f"{report['peak_rss_mib']:,.0f} MiB"
                )
            elif "failed" in report and "key" in report:
                results["rdflib"][report["key"]] = {
                    "times": [],
                    "rows": None,
                    "failed": report["failed"],
                }
                log(f"  {report['key']}: {report['failed']}")
            elif "timeout" in report and "key" in report:
                results["rdflib"][report["key"]] = {
                    "times": [],
                    "rows": None,
                    "timeout": report["timeout"],
                }
                log(f"  {report['key']}: > {report['timeout']:.0f} s")
            elif "key" in report:
                results["rdflib"][report["key"]] = {
                    "times": [report["seconds"]],
                    "rows": report["rows"],
                    "timeout": None,
                    "peak_rss_mib": report["peak_rss_mib"],
                }
                log(f"  {report['key']}: {report['seconds']:.1f} s")
            elif "timeout" in report or "failed" in report:
                log(f"  rdflib stopped: {report}")
            save()
    results["answers"] = {}
    for question in QUESTIONS:
        mine = answers / f"s3kg-{question.key}.json"
        if not mine.exists():
            continue
        ours = json.loads(mine.read_text())
        for way in ("naive", "rdflib"):
            theirs = answers / f"{way}-{question.key}.json"
            if theirs.exists():
                verdict = compare_answers(ours, json.loads(theirs.read_text()))
                results["answers"][f"{question.key}/{way}"] = verdict
    save()
    return results


# -- the report -------------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    ms = seconds * 1000
    if ms < 10:
        return f"{ms:.2f} ms"
    if ms < 1000:
        return f"{ms:.0f} ms"
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def _cell(entry: Mapping[str, Any] | None, *, p95: bool = True) -> str:
    if not entry:
        return "not run"
    if entry.get("timeout"):
        return f"> {entry['timeout']:.0f} s"
    if entry.get("failed"):
        return str(entry["failed"])
    times = entry.get("times") or []
    if not times:
        return "not run"
    median = statistics.median(times)
    if p95 and len(times) > 1:
        return f"{_ms(median)} / {_ms(percentile(times, 0.95))}"
    return _ms(median)


def _median(entry: Mapping[str, Any] | None) -> float | None:
    if not entry or entry.get("timeout") or not entry.get("times"):
        return None
    return float(statistics.median(entry["times"]))


def report(args: argparse.Namespace) -> str:
    sizes: list[tuple[int, dict[str, Any]]] = []
    for smes in args.smes:
        path = Path(args.workdir) / f"smes-{smes}" / "results.json"
        if path.exists():
            sizes.append((smes, json.loads(path.read_text())))
    lines: list[str] = []
    add = lines.append
    add("### Data and build\n")
    add(
        "| SMEs | triples generated | quads in store | bulk_load | bulk_load peak RSS "
        "| derived triples | rebuild | rebuild peak RSS (before) |"
    )
    add("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for smes, r in sizes:
        b, rb = r["build"], r.get("rebuild", {})
        add(
            f"| {smes:,} | {b['generated']['triples']:,} | {b['bulk_load']['store_quads']:,} "
            f"| {b['bulk_load']['seconds']:.1f} s | {b['bulk_load']['peak_rss_mib']:,.0f} MiB "
            f"| {rb.get('derived_triples', 0):,} | {rb.get('seconds', 0):.1f} s "
            f"| {rb.get('peak_rss_mib', 0):,.0f} MiB ({rb.get('rss_before_mib', 0):,.0f} MiB) |"
        )
    add("\n### Rebuilding the derived graph\n")
    add("Each rebuild in a fresh process; peak RSS of that process (RSS once the store was open).")
    add("")
    add("| SMEs | rebuild | time | derived triples | peak RSS (before) |")
    add("| ---: | --- | ---: | ---: | ---: |")
    for smes, r in sizes:
        for mode, what in REBUILDS.items():
            rb = r.get("rebuilds", {}).get(mode)
            if rb:
                add(
                    f"| {smes:,} | {what} | {rb['seconds']:.1f} s | {rb['derived_triples']:,} "
                    f"| {rb['peak_rss_mib']:,.0f} MiB ({rb['rss_before_mib']:,.0f} MiB) |"
                )
    for smes, r in sizes:
        add(f"\n### {r['build']['generated']['triples']:,} triples ({smes:,} SMEs)\n")
        add("Median / p95; s3kg's first call in a fresh process separately.\n")
        add(
            "| question | rows | s3kg first | s3kg | naive (pyoxigraph) | rdflib | naive ÷ s3kg "
            "| answers |"
        )
        add("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
        for q in QUESTIONS:
            ours = r.get("s3kg", {}).get(q.key)
            naive = r.get("naive", {}).get(q.key)
            rdf = r.get("rdflib", {}).get(q.key)
            m_ours, m_naive = _median(ours), _median(naive)
            if m_ours and m_naive:
                ratio = f"{m_naive / m_ours:,.0f}x"
            elif m_ours and naive and naive.get("timeout"):
                ratio = f"> {naive['timeout'] / m_ours:,.0f}x"
            else:
                ratio = ""
            checks = [
                f"{w}: {r.get('answers', {}).get(f'{q.key}/{w}')}"
                for w in ("naive", "rdflib")
                if f"{q.key}/{w}" in r.get("answers", {})
            ]
            rdf_cell = (
                _cell(rdf, p95=False) if rdf else ("not run" if smes > args.rdflib_max_smes else "")
            )
            add(
                f"| {q.title} | {ours['rows'] if ours else ''} "
                f"| {_ms(ours['first']) if ours else ''} | {_cell(ours)} | {_cell(naive)} "
                f"| {rdf_cell} | {ratio} | {'; '.join(checks)} |"
            )
        if "rdflib_parse" in r:
            p = r["rdflib_parse"]
            add(
                f"\nrdflib parsed {p['triples']:,} triples in {p['parsed']:.0f} s "
                f"(peak {p['peak_rss_mib']:,.0f} MiB)."
            )
    if len(sizes) >= 2:
        a, b = sizes[0][1], sizes[-1][1]
        ta = a["build"]["generated"]["triples"]
        tb = b["build"]["generated"]["triples"]
        add(f"\n### Growth from {ta:,} to {tb:,} triples ({tb / ta:.1f}x the data)\n")
        add("| question | s3kg | naive (pyoxigraph) |")
        add("| --- | ---: | ---: |")
        for q in QUESTIONS:
            cells = []
            for way in ("s3kg", "naive"):
                x, y = _median(a.get(way, {}).get(q.key)), _median(b.get(way, {}).get(q.key))
                cells.append(f"{y / x:.1f}x" if x and y else "")
            add(f"| {q.title} | {cells[0]} | {cells[1]} |")
        ra, rb = a.get("rebuild", {}), b.get("rebuild", {})
        if ra and rb:
            add(f"| rebuild of the derived graph | {rb['seconds'] / ra['seconds']:.1f}x | |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smes", type=int, nargs="+", default=[116_000, 1_350_000])
    parser.add_argument("--clusters", type=int, default=5000)
    parser.add_argument("--workdir", default="/tmp/s3kg-bench")
    parser.add_argument(
        "--build-code", help="a copy of s3kg (e.g. a git archive) to generate and install with"
    )
    parser.add_argument("--repeat", type=int, default=20, help="timed runs of each s3kg query")
    parser.add_argument("--budget", type=float, default=60, help="seconds per s3kg question")
    parser.add_argument("--naive-repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300, help="budget of a naive query (s)")
    parser.add_argument("--rdflib-max-smes", type=int, default=116_000)
    parser.add_argument("--rdflib-parse-budget", type=float, default=1800)
    parser.add_argument("--parts", nargs="+", default=["rebuild", "s3kg", "naive", "rdflib"])
    parser.add_argument("--only", nargs="+", help="only these questions (naive and rdflib)")
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument("--markdown", help="also write the report to this file")
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        name, *rest = args.step
        STEPS[name](*rest)
        return
    if not args.report_only:
        log(f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}")
        for smes in args.smes:
            run_size(args, smes)
    text = report(args)
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text)


if __name__ == "__main__":
    main()
