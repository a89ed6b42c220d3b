"""The bundled dataset in data/: it loads cleanly into a fresh store and holds together.

The CSV checks read the files directly; the graph checks load the whole dataset into a real on-disk
store with the bundled vocabularies (``s3kg init``) and query it. Every check returns the offending
records, so a failure names them. The same graph checks run once on the example files of
docs/data-formats.md, which lack sources and coding notes, to show that they do find faults.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from graph.install import install
from graph.resources import data_dir
from graph.results import SelectResult, term_text
from graph.store import OxigraphStore
from loaders.pipeline import load_paths, validate_paths

EXAMPLES = Path(__file__).resolve().parent / "examples" / "csv"

# file stem -> the column(s) that identify a row
ID_COLUMNS: dict[str, tuple[str, ...]] = {
    "priorities": ("priority_id",),
    "clusters": ("cluster_id",),
    "services": ("service_id",),
    "calls": ("call_id",),
    "schemes": ("scheme_id",),
    "activities": ("activity_id",),
    "actions": ("action_id",),
    "smes": ("sme_id",),
    "memberships": ("cluster_id", "member_id"),
}

# The eleven regions of the Interreg Alpine Space project S3-4AlpClusters. A strategy counts for a
# region when it is drawn up for the region itself or for a region containing it (Bourgogne-
# Franche-Comté for Franche-Comté, the Länder DE1 and DE2).
S3_4ALPCLUSTERS = (
    "ITC1",
    "ITC4",
    "ITH2",
    "ITH3",
    "SI0",
    "AT31",
    "AT32",
    "DE1",
    "DE2",
    "FRC2",
    "CH022",
)
MIN_CLUSTERS = 60
URL = re.compile(r"https?://\S+")
NUTS = "http://data.europa.eu/nuts/code/"
Offenders = list[tuple[str, ...]]

# Properties whose values are concepts of the bundled vocabularies (NUTS, NACE, SDG, KET, PO, FORD).
VOCABULARY_PROPERTIES = (
    "s3:region",
    "s3:issuedBy",
    "s3:eligibleRegion",
    "s3:economicDomain",
    "s3:scientificDomain",
    "s3:policyObjective",
    "s3:sdg",
    "s3:keyEnablingTechnology",
    "s3:sector",
    "rov:orgActivity",
    "s3:targetsConcept",
    "s3:eligibleActivity",
    "s3:topic",
)
# Properties whose values are the ontology's own code lists (size class, ESCA label, status).
ONTOLOGY_CODE_PROPERTIES = ("s3:sizeClass", "s3:eligibleSizeClass", "s3:clusterLabel", "s3:status")
REGION_PROPERTIES = ("s3:region", "s3:issuedBy", "s3:eligibleRegion")

# ----------------------------------------------------------------------------------------------
# The CSV files themselves


def read_rows(stem: str) -> list[tuple[int, dict[str, str]]]:
    """The rows of data/{stem}.csv with the line each starts on."""
    with (data_dir() / f"{stem}.csv").open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        rows = []
        line = reader.line_num + 1
        for row in reader:
            rows.append((line, row))
            line = reader.line_num + 1
        return rows


def test_every_data_file_is_checked() -> None:
    assert sorted(p.stem for p in data_dir().glob("*.csv")) == sorted(ID_COLUMNS)


@pytest.mark.parametrize("stem", sorted(ID_COLUMNS))
def test_ids_are_unique(stem: str) -> None:
    keys = Counter(tuple(row[c].strip() for c in ID_COLUMNS[stem]) for _, row in read_rows(stem))
    duplicates = sorted("/".join(key) for key, n in keys.items() if n > 1)
    assert not duplicates, f"{stem}.csv: ids used more than once: {duplicates}"


@pytest.mark.parametrize("stem", sorted(ID_COLUMNS))
def test_every_row_cites_public_sources(stem: str) -> None:
    bad = []
    for line, row in read_rows(stem):
        parts = [p.strip() for p in (row.get("source") or "").split(";") if p.strip()]
        if not parts or not all(URL.fullmatch(p) for p in parts):
            key = "/".join(row[c] for c in ID_COLUMNS[stem])
            bad.append(f"line {line} ({key}): {row.get('source')!r}")
    assert not bad, f"{stem}.csv: rows without an http(s) source: {bad}"


# ----------------------------------------------------------------------------------------------
# The loaded graph


def select(store: OxigraphStore, sparql: str) -> Offenders:
    result = store.query(sparql)
    assert isinstance(result, SelectResult)
    return sorted(tuple(term_text(t) for t in row) for row in result.rows)


def source_graphs(store: OxigraphStore) -> str:
    """A FILTER keeping ?g to the graphs of loaded files."""
    return f'FILTER(STRSTARTS(STR(?g), "{store.graphs.prefix}source/"))'


def unresolved_codes(store: OxigraphStore) -> Offenders:
    """Coded values that are not a labelled concept of a bundled vocabulary or the ontology."""
    vocab = f"{store.graphs.prefix}vocab/"
    return select(
        store,
        f"""
        SELECT DISTINCT ?s ?p ?o WHERE {{
          {{ VALUES ?p {{ {" ".join(VOCABULARY_PROPERTIES)} }}
             GRAPH ?g {{ ?s ?p ?o }} {source_graphs(store)}
             FILTER NOT EXISTS {{
               GRAPH ?v {{ ?o skos:prefLabel ?label ; skos:inScheme ?scheme }}
               FILTER(STRSTARTS(STR(?v), "{vocab}"))
             }} }}
          UNION
          {{ VALUES ?p {{ {" ".join(ONTOLOGY_CODE_PROPERTIES)} }}
             GRAPH ?g {{ ?s ?p ?o }} {source_graphs(store)}
             FILTER NOT EXISTS {{
               GRAPH <{store.graphs.ontology}> {{ ?o skos:prefLabel ?label }}
             }} }}
        }}""",
    )


def unresolved_regions(store: OxigraphStore) -> Offenders:
    """Region values that are not a NUTS region with a label, a level and a country."""
    return select(
        store,
        f"""
        SELECT DISTINCT ?s ?p ?o WHERE {{
          VALUES ?p {{ {" ".join(REGION_PROPERTIES)} }}
          GRAPH ?g {{ ?s ?p ?o }} {source_graphs(store)}
          FILTER NOT EXISTS {{
            GRAPH <{store.graphs.vocabulary("nuts")}> {{
              ?o a s3:Region ; skos:prefLabel ?label ; s3:nutsLevel ?level ; s3:countryCode ?cc
            }}
          }}
        }}""",
    )


def unsourced_records(store: OxigraphStore) -> Offenders:
    """Records without a dcterms:source that is an http(s) IRI.

    Records are the subjects typed with an s3: class in the graphs of loaded files, except the
    controlled concepts. Action plans, milestones and service validations have no source column:
    they count as sourced when the record they belong to is.
    """
    https = 'FILTER(isIRI(?src) && REGEX(STR(?src), "^https?://"))'
    return select(
        store,
        f"""
        SELECT DISTINCT ?s ?type WHERE {{
          GRAPH ?g {{ ?s a ?type }} {source_graphs(store)}
          FILTER(STRSTARTS(STR(?type), STR(s3:)))
          FILTER(?type NOT IN (s3:Region, s3:ClusterLabel, s3:SizeClass, s3:ActionStatus))
          FILTER NOT EXISTS {{ ?s a skos:Concept }}
          FILTER NOT EXISTS {{ ?s dcterms:source ?src {https} }}
          FILTER NOT EXISTS {{
            ?s s3:hasAction|^s3:milestone|^s3:validation ?parent .
            ?parent dcterms:source ?src {https}
          }}
        }}""",
    )


def non_iri_sources(store: OxigraphStore) -> Offenders:
    """Sources that are not http(s) IRIs (text, other schemes)."""
    return select(
        store,
        f"""
        SELECT ?s ?src WHERE {{
          GRAPH ?g {{ ?s dcterms:source ?src }} {source_graphs(store)}
          FILTER(!isIRI(?src) || !REGEX(STR(?src), "^https?://"))
        }}""",
    )


def priorities_without_coding_note(store: OxigraphStore) -> Offenders:
    """Priorities coded with at least one concept but without skos:editorialNote."""
    return select(
        store,
        """
        SELECT DISTINCT ?priority WHERE {
          ?priority a s3:S3Priority .
          ?priority s3:economicDomain|s3:scientificDomain|s3:policyObjective|s3:sdg
                    |s3:keyEnablingTechnology ?code .
          FILTER NOT EXISTS { ?priority skos:editorialNote ?note FILTER(STRLEN(STR(?note)) > 0) }
        }""",
    )


def project_regions_without_strategy(store: OxigraphStore) -> Offenders:
    """Project regions lacking a strategy with priorities (theirs or a containing region's)."""
    values = " ".join(f"nuts:{code}" for code in S3_4ALPCLUSTERS)
    covered = {
        row[0]
        for row in select(
            store,
            f"""
            SELECT DISTINCT ?region WHERE {{
              VALUES ?region {{ {values} }}
              ?region skos:broader* ?area .
              ?strategy a s3:S3Strategy ; s3:region ?area .
              ?priority a s3:S3Priority ; s3:strategy ?strategy .
            }}""",
        )
    }
    return [(code,) for code in S3_4ALPCLUSTERS if f"{NUTS}{code}" not in covered]


def cluster_count(store: OxigraphStore) -> int:
    rows = select(store, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a s3:Cluster }")
    return int(rows[0][0])


def non_illustrative_smes(store: OxigraphStore) -> Offenders:
    """SMEs not marked s3:illustrative true (the bundled SMEs are all made up)."""
    return select(
        store,
        """
        SELECT ?sme WHERE {
          ?sme a s3:SME .
          FILTER NOT EXISTS { ?sme s3:illustrative true }
        }""",
    )


def shared_cluster_names(store: OxigraphStore) -> Offenders:
    """Names (case-insensitive) used by more than one cluster, with the clusters."""
    return select(
        store,
        """
        SELECT ?name (GROUP_CONCAT(STR(?c); separator=" ") AS ?clusters) WHERE {
          ?c a s3:Cluster ; skos:prefLabel ?label .
          BIND(LCASE(STR(?label)) AS ?name)
        } GROUP BY ?name HAVING (COUNT(DISTINCT ?c) > 1)""",
    )


GRAPH_CHECKS: dict[str, Callable[[OxigraphStore], Offenders]] = {
    "codes that are not labelled concepts of the bundled vocabularies": unresolved_codes,
    "regions that are not labelled NUTS regions": unresolved_regions,
    "records without an http(s) dcterms:source": unsourced_records,
    "sources that are not http(s) IRIs": non_iri_sources,
    "coded priorities without skos:editorialNote": priorities_without_coding_note,
    "S3-4AlpClusters regions without a strategy with priorities": project_regions_without_strategy,
    "SMEs not marked illustrative": non_illustrative_smes,
    "cluster names used more than once": shared_cluster_names,
}


def failures(store: OxigraphStore) -> dict[str, Offenders]:
    """The checks that found offenders, each with them."""
    found = {name: check(store) for name, check in GRAPH_CHECKS.items()}
    return {name: offenders for name, offenders in found.items() if offenders}


def test_the_whole_dataset_loads_and_holds_together(store: OxigraphStore) -> None:
    install(store)
    checked = validate_paths(store, [data_dir()])
    assert checked.ok, [p.as_dict() for p in checked.problems]
    report = load_paths(store, [data_dir()])
    assert report.ok, [p.as_dict() for p in report.problems]
    assert sorted(Path(f.path).stem for f in report.files) == sorted(ID_COLUMNS)
    assert all(f.loaded and f.rows > 0 for f in report.files), report.as_dict()["files"]

    found = failures(store)
    assert not found, "\n".join(f"{name}: {offenders}" for name, offenders in found.items())
    clusters = cluster_count(store)
    assert clusters >= MIN_CLUSTERS, f"only {clusters} clusters, expected at least {MIN_CLUSTERS}"


FAULTS = """
INSERT DATA {{
  GRAPH <{graph}> {{
    <{base}id/cluster/fault-a> a s3:Cluster ; skos:prefLabel "Twin Cluster" ;
        s3:region nuts:XX99 ; s3:sector nace:9999 ; s3:clusterLabel s3:PlatinumLabel ;
        dcterms:source "a page somewhere" .
    <{base}id/cluster/fault-b> a s3:Cluster ; skos:prefLabel "twin cluster" ; s3:region nuts:AT31 ;
        dcterms:source <ftp://example.org/page> .
    <{base}id/sme/fault-c> a s3:SME ; s3:region nuts:AT31 ;
        dcterms:source <https://example.org/sme> .
  }}
}}"""


def test_the_checks_find_faults(store: OxigraphStore) -> None:
    """Every graph check reports the faults of the example files and of faults added to them."""
    install(store)
    assert load_paths(store, [EXAMPLES]).ok
    base = store.graphs.base
    store.update(FAULTS.format(graph=store.graphs.source("clusters"), base=base))
    found = failures(store)
    assert found.keys() == GRAPH_CHECKS.keys(), found.keys()

    def subjects(check: str) -> set[str]:
        return {row[0] for row in found[check]}

    a, b, c = (f"{base}id/{kind}" for kind in ("cluster/fault-a", "cluster/fault-b", "sme/fault-c"))
    priority = f"{base}id/priority/itc4-life-sciences"  # coded, no source, no coding note
    assert subjects("codes that are not labelled concepts of the bundled vocabularies") == {a}
    assert subjects("regions that are not labelled NUTS regions") == {a}
    assert {a, b, priority} <= subjects("records without an http(s) dcterms:source")
    assert c not in subjects("records without an http(s) dcterms:source")
    assert subjects("sources that are not http(s) IRIs") == {a, b}
    assert priority in subjects("coded priorities without skos:editorialNote")
    assert ("ITC1",) in found["S3-4AlpClusters regions without a strategy with priorities"]
    assert subjects("SMEs not marked illustrative") == {c}
    twins = [(name, set(ids.split())) for name, ids in found["cluster names used more than once"]]
    assert twins == [("twin cluster", {a, b})]
    assert cluster_count(store) < MIN_CLUSTERS
