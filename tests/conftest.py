"""Fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.settings import Settings
from graph.store import OxigraphStore, open_store

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = (ROOT.parent / "shared" / "data" / "reference").resolve()
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """The official Eurostat files, read in place; tests using them skip when they are absent."""
    if not REFERENCE.is_dir():
        pytest.skip(f"official reference files not found at {REFERENCE}")
    return REFERENCE


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for an on-disk store in a fresh temporary directory."""
    return Settings(store=str(tmp_path / "store"))


@pytest.fixture
def store(settings: Settings) -> Iterator[OxigraphStore]:
    """A real, empty, on-disk pyoxigraph store in a temporary directory."""
    opened = open_store(settings)
    yield opened
    opened.close()
