"""Web pages for people who will never write SPARQL."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

import graph
from api.deps import StoreDep
from graph.results import SelectResult
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
    "Region": "Regions", "S3Strategy": "S3 strategies", "S3Priority": "S3 priorities",
    "Cluster": "Clusters", "SME": "SMEs", "ClusterService": "Cluster services",
    "FundingCall": "Funding calls", "SynchronisedCallScheme": "Synchronised call schemes",
    "TransformativeActivity": "Transformative activities", "ActionPlan": "Joint action plans",
    "Action": "Actions",
}


def _overview(store: GraphStore) -> dict[str, object]:
    counts = store.query(_OVERVIEW)
    strategies = store.query(_STRATEGIES)
    assert isinstance(counts, SelectResult) and isinstance(strategies, SelectResult)
    found = {
        row[0].value.rsplit("#", 1)[-1]: int(row[1].value)
        for row in counts.rows
        if row[0] is not None and row[1] is not None
    }
    return {
        "counts": [(label, found.get(key, 0)) for key, label in LABELS.items()],
        "strategies": [
            {
                "region": row[0].value.rsplit("/", 1)[-1] if row[0] else "",
                "label": row[1].value if row[1] else "",
                "period": row[2].value if row[2] else "",
                "priorities": int(row[3].value) if row[3] else 0,
            }
            for row in strategies.rows
        ],
        "graphs": store.named_graphs(),
    }


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, store: StoreDep) -> HTMLResponse:
    """What the graph holds, at a glance."""
    context = await run_in_threadpool(_overview, store)
    return templates.TemplateResponse(
        request, "home.html", {"version": graph.__version__, **context}
    )
