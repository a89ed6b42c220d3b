"""Web pages for people who will never write SPARQL."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pyoxigraph import Literal, NamedNode

import graph
from api.deps import GuardDep, remembered
from api.errors import status_of
from api.stats import current_stats
from graph.catalog import Catalog
from graph.errors import NotFoundError, ParameterError, S3KGError
from graph.guard import QueryGuard
from graph.results import QueryResult, SelectResult, Term, term_text
from graph.store import GraphStore

router = APIRouter(tags=["pages"], include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parents[1] / "templates")

_OVERVIEW = """
SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {
  VALUES ?class { s3:Region s3:S3Strategy s3:S3Priority s3:Cluster s3:SME s3:ClusterService
                  s3:FundingCall s3:SynchronisedCallScheme s3:TransformativeActivity
                  s3:ActionPlan s3:Action }
  ?x a ?class .
} GROUP BY ?class"""

_STRATEGIES = """
SELECT ?region ?regionLabel ?period (COUNT(DISTINCT ?priority) AS ?priorities) WHERE {
  ?strategy a s3:S3Strategy ; s3:region ?region ; s3:programmingPeriod ?period .
  OPTIONAL { ?priority s3:strategy ?strategy }
  OPTIONAL { ?region skos:prefLabel ?regionLabel }
} GROUP BY ?region ?regionLabel ?period ORDER BY ?regionLabel ?period"""

LABELS = {
    "Region": "Regions",
    "S3Strategy": "S3 strategies",
    "S3Priority": "S3 priorities",
    "Cluster": "Clusters",
    "SME": "SMEs",
    "ClusterService": "Cluster services",
    "FundingCall": "Funding calls",
    "SynchronisedCallScheme": "Synchronised call schemes",
    "TransformativeActivity": "Transformative activities",
    "ActionPlan": "Joint action plans",
    "Action": "Actions",
}


def overview(store: GraphStore) -> dict[str, object]:
    """What the home page shows: counts per class and the strategies (a guarded task)."""
    counts = store.query(_OVERVIEW)
    strategies = store.query(_STRATEGIES)
    assert isinstance(counts, SelectResult) and isinstance(strategies, SelectResult)
    found = {
        term_text(row[0]).rsplit("#", 1)[-1]: int(term_text(row[1]) or 0) for row in counts.rows
    }
    return {
        "counts": [(label, found.get(key, 0)) for key, label in LABELS.items()],
        "strategies": [
            {
                "region": term_text(row[0]).rsplit("/", 1)[-1],
                "label": term_text(row[1]),
                "period": term_text(row[2]),
                "priorities": int(term_text(row[3]) or 0),
            }
            for row in strategies.rows
        ],
    }


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, guard: GuardDep) -> HTMLResponse:
    """What the graph holds, at a glance."""
    context = await remembered(guard, overview)
    stats = await current_stats(request)
    return templates.TemplateResponse(
        request, "home.html", {"version": graph.__version__, "graphs": stats.graphs, **context}
    )


# -- region and comparison pages ---------------------------------------------------------------

NUTS = "http://data.europa.eu/nuts/code/"
PERIODS = ("2021-2027", "2014-2020")
ALP_REGIONS = ("ITC1", "ITC4", "ITH2", "ITH3", "SI0", "AT31", "AT32", "DE1", "DE2", "FRC2", "CH022")
"""The eleven S3-4AlpClusters regions, compared by default."""
MAX_COMPARED = 40
_CODE = re.compile(r"[A-Z]{2}[A-Z0-9]{0,3}")
_CODING = {
    "economicDomain": "Economic domain (NACE)",
    "scientificDomain": "Field of science (FORD)",
    "policyObjective": "Policy objective",
    "sdg": "Sustainable development goal",
    "keyEnablingTechnology": "Key enabling technology",
}

_REGION = """
SELECT ?region ?label ?known WHERE {
  BIND(EXISTS { { ?region ?p ?o } UNION { ?s ?p ?region } } AS ?known)
  OPTIONAL { ?region skos:prefLabel ?label }
} ORDER BY ?label"""

_PRIORITIES = """
SELECT ?region ?strategy ?period ?title ?priority ?identifier ?priorityTitle ?description WHERE {
  ?strategy a s3:S3Strategy ; s3:region ?region ; s3:programmingPeriod ?period .
  OPTIONAL { ?strategy dcterms:title ?title }
  OPTIONAL {
    ?priority s3:strategy ?strategy .
    OPTIONAL { ?priority dcterms:identifier ?identifier }
    OPTIONAL { ?priority dcterms:title ?priorityTitle }
    OPTIONAL { ?priority dcterms:description ?description }
  }
} ORDER BY DESC(?period) ?strategy ?identifier ?priority"""

_CODES = """
SELECT ?region ?priority ?property ?concept ?notation ?label WHERE {
  VALUES ?property { s3:economicDomain s3:scientificDomain s3:policyObjective s3:sdg
                     s3:keyEnablingTechnology }
  ?strategy s3:region ?region .
  ?priority s3:strategy ?strategy ; ?property ?concept .
  OPTIONAL { ?concept skos:notation ?notation }
  OPTIONAL { ?concept skos:prefLabel ?label FILTER(LANG(?label) IN ("en", "")) }
} ORDER BY ?priority ?property ?notation ?concept"""

_CLUSTERS = """
SELECT DISTINCT ?region ?cluster ?label ?located ?city ?homepage WHERE {
  ?cluster a s3:Cluster ; s3:region ?located .
  { FILTER(?located = ?region) } UNION { ?located s3:withinRegion ?region }
  OPTIONAL { ?cluster skos:prefLabel ?label FILTER(LANG(?label) IN ("en", "")) }
  OPTIONAL { ?cluster s3:city ?city }
  OPTIONAL { ?cluster foaf:homepage ?homepage }
} ORDER BY ?label ?cluster"""

_KNOWN = """
SELECT ?region ?label ?period WHERE {
  ?strategy a s3:S3Strategy ; s3:region ?region ; s3:programmingPeriod ?period .
  OPTIONAL { ?region skos:prefLabel ?label }
} ORDER BY ?region ?period"""


_LABELS = """
SELECT ?region ?label WHERE {
  VALUES ?region {}
  FILTER EXISTS { ?region ?p ?o }
  OPTIONAL { ?region skos:prefLabel ?label }
} ORDER BY ?region ?label"""


def _select(store: GraphStore, sparql: str, **values: Term) -> list[dict[str, Term]]:
    result = store.query(sparql, substitutions=values or None)
    assert isinstance(result, SelectResult)
    return result.dicts()


def _text(row: Mapping[str, Term], key: str) -> str:
    return term_text(row.get(key)) if row.get(key) is not None else ""


def _code(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def region_code(value: str, parameter: str = "code") -> str:
    """A NUTS code as written in a URL, checked (ParameterError names the parameter)."""
    code = value.strip().upper()
    if not _CODE.fullmatch(code):
        raise ParameterError(
            parameter, f"{value!r} is not a NUTS region code (two letters and up to 3 more)"
        )
    return code


def region_details(store: GraphStore, code: str) -> dict[str, Any]:
    """What the region page shows, but the alignment ranking (a guarded task)."""
    region = NamedNode(NUTS + code)
    found = _select(store, _REGION, region=region)
    if not found or term_text(found[0].get("known")) != "true":
        raise NotFoundError(f"there is no region {code} in the graph")
    strategies: dict[str, dict[str, Any]] = {}
    priorities: dict[str, dict[str, Any]] = {}
    for row in _select(store, _PRIORITIES, region=region):
        key = _text(row, "strategy")
        strategy = strategies.setdefault(
            key,
            {"iri": key, "period": _text(row, "period"), "title": "", "priorities": []},
        )
        strategy["title"] = strategy["title"] or _text(row, "title")
        iri = _text(row, "priority")
        if not iri:
            continue
        if iri not in priorities:
            priorities[iri] = {
                "iri": iri,
                "identifier": _text(row, "identifier"),
                "title": "",
                "description": "",
                "codes": [],
            }
            strategy["priorities"].append(priorities[iri])
        priority = priorities[iri]
        priority["title"] = priority["title"] or _text(row, "priorityTitle")
        priority["description"] = priority["description"] or _text(row, "description")
    seen: set[tuple[str, str]] = set()
    for row in _select(store, _CODES, region=region):
        coded = priorities.get(_text(row, "priority"))
        concept = _text(row, "concept")
        if coded is None or (coded["iri"], concept) in seen:
            continue
        seen.add((coded["iri"], concept))
        kind = _CODING.get(_text(row, "property").rsplit("#", 1)[-1], "Concept")
        notation = _text(row, "notation") or concept.rsplit("/", 1)[-1]
        coded["codes"].append(
            {"kind": kind, "notation": notation, "label": _text(row, "label") or notation}
        )
    clusters: dict[str, dict[str, str]] = {}
    for row in _select(store, _CLUSTERS, region=region):
        iri = _text(row, "cluster")
        clusters.setdefault(
            iri,
            {
                "iri": iri,
                "label": _text(row, "label") or iri.rsplit("/", 1)[-1],
                "located": _code(_text(row, "located")),
                "city": _text(row, "city"),
                "homepage": _text(row, "homepage"),
            },
        )
    return {
        "code": code,
        "label": _text(found[0], "label") or code,
        "strategies": list(strategies.values()),
        "clusters": list(clusters.values()),
    }


def known_regions(store: GraphStore) -> list[dict[str, Any]]:
    """The regions with a strategy, with their periods (for the comparison form)."""
    regions: dict[str, dict[str, Any]] = {}
    for row in _select(store, _KNOWN):
        code = _code(_text(row, "region"))
        entry = regions.setdefault(
            code, {"code": code, "label": _text(row, "label") or code, "periods": []}
        )
        entry["periods"].append(_text(row, "period"))
    return sorted(regions.values(), key=lambda r: r["code"])


def region_labels(store: GraphStore, codes: list[str]) -> dict[str, str]:
    """The label of each of the regions (checked codes) that the graph knows, by code."""
    values = " ".join(f"<{NUTS}{code}>" for code in codes if _CODE.fullmatch(code))
    sparql = _LABELS.replace("VALUES ?region {}", f"VALUES ?region {{ {values} }}")
    labels: dict[str, str] = {}
    for row in _select(store, sparql):
        code = _code(_text(row, "region"))
        labels[code] = labels.get(code) or _text(row, "label") or code
    return labels


def _rows(result: QueryResult) -> list[dict[str, Any]]:
    """The rows of a named query's answer as plain Python values."""
    assert isinstance(result, SelectResult)
    rows = []
    for row in result.dicts():
        plain: dict[str, Any] = {}
        for key, term in row.items():
            text = term_text(term)
            if isinstance(term, Literal) and term.datatype.value.endswith(
                ("#double", "#decimal", "#float")
            ):
                plain[key] = float(text)
            else:
                plain[key] = text
        rows.append(plain)
    return rows


async def _named(
    request: Request, name: str, params: Mapping[str, str], limit: int | None = None
) -> list[dict[str, Any]]:
    """Run a named query of the catalogue under the guard, from the thread pool."""
    catalog: Catalog = request.app.state.catalog
    guard: QueryGuard = request.app.state.guard
    return _rows(await remembered(guard, catalog.run, name, dict(params), limit))


def csv_link(name: str, **params: str) -> str:
    """The CSV download of a named query."""
    return f"/queries/{name}?" + urlencode({**params, "format": "csv"})


def _period(value: str | None) -> str:
    if value is None or value == "":
        return PERIODS[0]
    if value not in PERIODS:
        raise ParameterError("period", f"must be {' or '.join(PERIODS)}, not {value!r}")
    return value


def error_page(request: Request, error: S3KGError) -> HTMLResponse:
    """The error of an HTML page as a page, with the status of the app's one error mapping."""
    status, title = status_of(error)
    return templates.TemplateResponse(
        request,
        "error.html",
        {
            "version": graph.__version__,
            "status": status,
            "title": title,
            "message": str(error),
            "parameter": getattr(error, "name", None),
        },
        status_code=status,
    )


@router.get("/regions/{code}", response_class=HTMLResponse)
async def region_page(
    request: Request, code: str, guard: GuardDep, period: str | None = None
) -> HTMLResponse:
    """A region: its strategies and priorities, the regions most aligned with it, its clusters."""
    try:
        code = region_code(code)
        region = await remembered(guard, region_details, code)
        periods = [s["period"] for s in region["strategies"]]
        chosen = _period(period) if period else (PERIODS[0] if PERIODS[0] in periods else None)
        chosen = chosen or (periods[0] if periods else PERIODS[0])
        ranking = await _named(
            request, "alignment-ranking", {"region": code, "period": chosen, "k": "10"}
        )
    except S3KGError as error:
        return error_page(request, error)
    gaps = csv_link("priority-gaps", region=code, period=chosen)
    downloads = [
        ("Most aligned regions", csv_link("alignment-ranking", region=code, period=chosen)),
        ("Strategy profile (concepts)", csv_link("region-profile", region=code, period=chosen)),
        ("Priorities without clusters or SMEs", gaps),
        ("Clusters matching no priority", csv_link("cluster-gaps", region=code, period=chosen)),
        ("Clusters and SMEs by sector", csv_link("clusters-by-sector", region=code)),
    ]
    return templates.TemplateResponse(
        request,
        "region.html",
        {
            "version": graph.__version__,
            **region,
            "period": chosen,
            "periods": PERIODS,
            "ranking": [{**row, "code": _code(row["region"])} for row in ranking],
            "downloads": downloads,
        },
    )


def _codes(request: Request) -> list[str]:
    """The region codes of ``regions`` (comma-separated, repeated, or both)."""
    values = request.query_params.getlist("regions")
    codes = [part for value in values for part in value.split(",") if part.strip()]
    if not values:
        return list(ALP_REGIONS)
    checked = list(dict.fromkeys(region_code(code, "regions") for code in codes))
    if len(checked) < 2:
        raise ParameterError("regions", "choose at least two regions to compare")
    if len(checked) > MAX_COMPARED:
        raise ParameterError("regions", f"compare at most {MAX_COMPARED} regions at once")
    return checked


def _colour(value: float | None) -> tuple[str, str]:
    """The background and text colour of a heat-map cell (white to dark blue)."""
    if value is None:
        return "#f1f3f5", "#1d2a36"
    v = max(0.0, min(1.0, value))
    start, end = (247, 251, 255), (8, 48, 107)
    rgb = [round(a + (b - a) * v) for a, b in zip(start, end, strict=True)]
    channels = [(c / 255) / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    dark_ink = 0.0185  # the relative luminance of #1d2a36
    on_white = 1.05 / (luminance + 0.05)
    on_dark = (luminance + 0.05) / (dark_ink + 0.05)
    ink = "#ffffff" if on_white > on_dark else "#1d2a36"
    return "rgb({},{},{})".format(*rgb), ink


def _matrix(
    codes: list[str], labels: dict[str, str], pairs: list[dict[str, Any]], period: str
) -> list[dict[str, Any]]:
    scores: dict[tuple[str, str], float] = {}
    for row in pairs:
        a, b = _code(row["region"]), _code(row["other"])
        if isinstance(row.get("similarity"), float):
            scores[a, b] = scores[b, a] = row["similarity"]
    matrix = []
    for a in codes:
        cells = []
        for b in codes:
            value = 1.0 if a == b else scores.get((a, b))
            background, ink = _colour(value)
            cells.append(
                {
                    "code": b,
                    "value": value,
                    "same": a == b,
                    "background": background,
                    "ink": ink,
                    "href": "/compare?" + urlencode({"regions": f"{a},{b}", "period": period}),
                }
            )
        matrix.append({"code": a, "label": labels.get(a, a), "cells": cells})
    return matrix


def _evidence(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The matched priorities: one entry per pair of priorities, its meeting concepts."""
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row.get("priority", ""), row.get("otherPriority", ""))
        entry = pairs.setdefault(
            key,
            {
                "title": row.get("priorityTitle") or _code(key[0]),
                "other": row.get("otherPriorityTitle") or _code(key[1]),
                "score": 0.0,
                "meets": [],
            },
        )
        score = row.get("score") if isinstance(row.get("score"), float) else 0.0
        entry["score"] = max(entry["score"], score)
        label = row.get("meetLabel") or row.get("meetNotation") or ""
        if label and label not in entry["meets"]:
            entry["meets"].append(label)
    return sorted(pairs.values(), key=lambda e: (-e["score"], e["title"], e["other"]))


@router.get("/compare", response_class=HTMLResponse)
async def compare_page(request: Request, guard: GuardDep) -> HTMLResponse:
    """The alignment of a set of regions as a heat map, and the evidence for a pair."""
    try:
        codes = _codes(request)
        period = _period(request.query_params.get("period"))
        known = await remembered(guard, known_regions)
        labels = await remembered(guard, region_labels, codes)
        unknown = [code for code in codes if code not in labels]
        if unknown and request.query_params.getlist("regions"):
            raise ParameterError("regions", f"there is no region {', '.join(unknown)} in the graph")
        codes = [code for code in codes if code in labels]
        joined = ",".join(codes)
        pairs = await _named(
            request, "alignment-matrix", {"regions": joined, "period": period} if codes else {}
        )
        pair: dict[str, Any] | None = None
        if len(codes) == 2:
            a, b = codes
            params = {"region": a, "other": b, "period": period}
            shared = await _named(request, "shared-concepts", params)
            evidence = await _named(request, "alignment-evidence", params)
            pair = {
                "a": a,
                "b": b,
                "shared": shared,
                "evidence": _evidence(evidence),
                "shared_csv": csv_link("shared-concepts", **params),
                "evidence_csv": csv_link("alignment-evidence", **params),
            }
    except S3KGError as error:
        return error_page(request, error)
    return templates.TemplateResponse(
        request,
        "compare.html",
        {
            "version": graph.__version__,
            "codes": codes,
            "labels": labels,
            "known": sorted(
                known
                + [
                    {"code": c, "label": labels[c], "periods": []}
                    for c in codes
                    if c not in {r["code"] for r in known}
                ],
                key=lambda r: r["code"],
            ),
            "period": period,
            "periods": PERIODS,
            "matrix": _matrix(codes, labels, pairs, period),
            "pair": pair,
            "matrix_csv": csv_link("alignment-matrix", regions=joined, period=period),
            "wide_csv": csv_link("alignment-matrix", regions=joined, period=period, layout="wide"),
        },
    )
