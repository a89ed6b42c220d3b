"""The query page and the home page in a real headless browser (Chromium driven by Playwright)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    ),
]


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def test_the_query_page_runs_a_query_and_shows_a_table(page: Any, server: str) -> None:
    page.goto(f"{server}/sparql")
    assert page.title() == "s3kg: SPARQL query"
    page.fill("#query", "SELECT ?c ?label WHERE { ?c a s3:Cluster ; skos:prefLabel ?label }")
    page.click("#run")
    page.wait_for_selector("#results table tbody tr")
    cells = page.locator("#results table tbody td").all_inner_texts()
    assert "Mechatronik-Cluster@de" in cells
    assert "rows" in page.inner_text("#status")


def test_the_query_page_shows_errors(page: Any, server: str) -> None:
    page.goto(f"{server}/sparql")
    page.fill("#query", "SELECT ?x WHERE {")
    page.click("#run")
    page.wait_for_selector("#results .error")
    assert "Malformed query" in page.inner_text("#results .error")


def test_an_example_loads_into_the_editor(page: Any, server: str) -> None:
    page.goto(f"{server}/sparql")
    page.click("button.example[data-index='0']")
    assert page.input_value("#query").startswith("PREFIX")


def test_the_home_page(page: Any, server: str) -> None:
    page.goto(f"{server}/")
    assert "Smart Specialisation" in page.inner_text("h1")
    cards = page.locator(".cards li").all_inner_texts()
    assert any("Clusters" in card and "2" in card for card in cards)
    page.click("text=SPARQL")
    page.wait_for_url(f"{server}/sparql")
