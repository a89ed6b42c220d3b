"""Service health."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["system"])


@router.get("/health", operation_id="health")
async def health() -> dict[str, str]:
    """Answers as long as the service is up, whatever queries are running."""
    return {"status": "ok"}
