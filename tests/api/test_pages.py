"""The region and comparison pages, through the real test server (and once in a real browser)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph.demo import build_demo
from graph.settings import Settings
from graph.store import open_store
from tests.api.conftest import Server

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


@pytest.fixture(scope="module")
def demo() -> Iterator[httpx.Client]:
    """A client of a second real server over the bundled Alpine Space data, whose strategies
    are coded richly enough to be aligned (the fixture's are not)."""
    settings = Settings(store=":memory:", query_workers=0)
    store = open_store(settings)
    list(build_demo(store))
    try:
        with (
            Server(settings, store=store) as running,
            httpx.Client(base_url=running.url, timeout=60) as client,
        ):
            yield client
    finally:
        store.close()


def test_the_region_page_shows_strategies_priorities_and_clusters(http: httpx.Client) -> None:
    response = http.get("/regions/ITC4")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "ITC4" in page
    assert "2021-2027: Strategia di specializzazione intelligente della Lombardia" in page
    assert "Advanced manufacturing" in page
    assert "Lombardy Intelligent Factory Cluster" in page
    assert "<caption>" in page and 'scope="col"' in page


def test_the_region_page_ranks_the_aligned_regions(demo: httpx.Client) -> None:
    page = demo.get("/regions/ITC4").text
    ranked = page.split('id="aligned"', 1)[1].split('id="clusters"', 1)[0]
    assert ranked.count("<tr>") == 1 + 10
    assert 'href="/regions/AT31"' in ranked
    assert 'class="bar"' in ranked and "width: " in ranked
    assert 'href="/compare?regions=ITC4,AT31&amp;period=2021-2027"' in page


def test_the_region_page_links_csv_downloads_that_answer(http: httpx.Client) -> None:
    page = http.get("/regions/itc4").text
    links = re.findall(r'href="(/queries/[^"]+format=csv)"', page)
    assert any(link.startswith("/queries/alignment-ranking?region=ITC4") for link in links)
    for link in links:
        response = http.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link
        assert response.headers["content-type"].startswith("text/csv")


def test_the_region_page_lists_the_clusters_of_a_region(http: httpx.Client) -> None:
    page = http.get("/regions/AT31").text
    assert "Mechatronik" in page or "Mechatronics Cluster" in page
    assert "Linz" in page


def test_an_unknown_region_is_a_404_page(http: httpx.Client) -> None:
    response = http.get("/regions/ZZ9")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "there is no region ZZ9" in response.text


def test_a_malformed_region_code_is_a_400_page(http: httpx.Client) -> None:
    response = http.get("/regions/not-a-code")
    assert response.status_code == 400
    assert "<code>code</code>" in response.text


def test_the_compare_page_defaults_to_the_alpine_regions(demo: httpx.Client) -> None:
    response = demo.get("/compare")
    assert response.status_code == 200
    page = response.text
    assert 'id="matrix"' in page and "<caption>" in page
    for code in ("ITC1", "ITC4", "ITH2", "ITH3", "AT31", "AT32", "DE1", "FRC2", "CH022"):
        assert '<th scope="col" title=' in page and f">{code}</th>" in page
    assert re.search(r'aria-label="Lombardia and Oberösterreich: similarity 0\.\d\d"', page)
    assert 'type="checkbox" name="regions" value="ITC4" checked' in page
    assert 'id="evidence"' not in page
    assert "/queries/alignment-matrix?regions=" in page


def test_the_compare_page_shows_the_evidence_for_two_regions(demo: httpx.Client) -> None:
    response = demo.get("/compare", params={"regions": "ITC4,AT31", "period": "2021-2027"})
    assert response.status_code == 200
    page = response.text
    assert 'data-pair="ITC4-AT31"' in page and 'data-pair="AT31-ITC4"' in page
    assert 'id="evidence"' in page
    assert 'id="shared"' in page and 'id="matched"' in page
    assert "Mechanical engineering" in page
    assert "/queries/alignment-evidence?region=ITC4&amp;other=AT31" in page


def test_the_compare_form_sends_repeated_regions(http: httpx.Client) -> None:
    response = http.get("/compare?regions=ITC4&regions=AT31")
    assert response.status_code == 200
    assert 'id="evidence"' in response.text


@pytest.mark.parametrize(
    "query",
    ["regions=ITC4,XX1", "regions=ITC4,not!a!code", "regions=ITC4", "period=1999-2005"],
)
def test_invalid_comparisons_are_400_pages_naming_the_parameter(
    http: httpx.Client, query: str
) -> None:
    response = http.get(f"/compare?{query}")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    name = query.split("=", 1)[0]
    assert f"<code>{name}</code>" in response.text


def test_the_home_page_links_the_new_pages(http: httpx.Client) -> None:
    page = http.get("/").text
    assert 'href="/compare"' in page
    assert 'href="/regions/ITC4"' in page


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()


@pytest.mark.slow
def test_the_compare_form_in_a_browser(page: Any, demo: httpx.Client) -> None:
    page.goto(str(demo.base_url.join("/compare")))
    assert page.title() == "s3kg: Compare strategies"
    headers = page.locator("#matrix thead th").all_inner_texts()
    assert headers[0] == "Region" and "ITC4" in headers and "AT31" in headers
    rows = page.locator("#matrix tbody tr").count()
    assert rows == len(headers) - 1 == 11
    assert page.locator("#matrix tbody td").count() == rows * rows
    cell = page.locator("#matrix td[data-pair='ITC4-AT31']").inner_text()
    assert re.fullmatch(r"0\.\d\d", cell)
    assert page.locator("#evidence").count() == 0
    for box in page.locator("input[name=regions]").all():
        box.uncheck()
    page.check("input[name=regions][value=ITC4]")
    page.check("input[name=regions][value=AT31]")
    page.click("#compare")
    page.wait_for_selector("#evidence")
    assert "Why" in page.inner_text("#evidence h2")
    assert page.locator("#matrix td[data-pair='ITC4-AT31']").count() == 1
