"""``s3kg synth``: a deterministic synthetic dataset in the loaders' formats and as N-Quads.

The checks follow ``docs/synthetic.md``: same seed, same bytes; real region and NACE codes; the
documented shares; the documented CSV headers; N-Quads that a store loads and that hold exactly
what the loader pipeline makes of the CSV files; memory that does not grow with the SMEs.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import subprocess
import sys
import tracemalloc
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
import typer
from pyoxigraph import Literal, QuerySolutions, RdfFormat, Store, parse
from typer.testing import CliRunner

from graph.errors import NotFoundError, ParameterError, UnsupportedFormatError
from graph.install import install
from graph.namespaces import Graphs
from graph.results import SelectResult
from graph.settings import Settings
from graph.store import open_store
from loaders.synth import (
    ALPINE_SPACE,
    COLUMNS,
    KIND_OF_LAYOUT,
    NACE_SAMPLE,
    NQUADS_FILE,
    PERIODS,
    SynthReport,
    generate,
    synth,
)

ROOT = Path(__file__).resolve().parents[2]
SMALL = {"seed": 5, "smes": 2_000, "clusters": 60}


def rows(folder: Path, layout: str) -> list[dict[str, str]]:
    with (folder / f"{layout}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def items(value: str) -> list[str]:
    return [item for item in value.split(";") if item]


def files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SynthReport]:
    folder = tmp_path_factory.mktemp("small")
    return folder, generate(folder, **SMALL)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def ten_thousand(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SynthReport]:
    folder = tmp_path_factory.mktemp("ten-thousand")
    return folder, generate(folder, seed=11, smes=10_000, clusters=300, formats={"csv"})


@pytest.fixture(scope="module")
def official(reference_dir: Path) -> tuple[set[str], set[str]]:
    """The NUTS-2 codes of NUTS 2021 (without extra-regio) and every NACE Rev.2 code."""
    book = openpyxl.load_workbook(reference_dir / "NUTS2021.xlsx", read_only=True)
    regions = {
        str(row[0])
        for row in book["NUTS & SR 2021"].iter_rows(min_row=2, values_only=True)
        if row[5] == 2 and not str(row[0]).endswith("ZZ")
    }
    book.close()
    path = reference_dir / "nace_rev2_ramon_en.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        codes = {row["Code"] for row in csv.DictReader(handle, delimiter=";")}
    return regions, codes


# -- determinism ---------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_bytes(
    small: tuple[Path, SynthReport], tmp_path: Path
) -> None:
    folder, report = small
    again = generate(tmp_path, **SMALL)  # type: ignore[arg-type]
    assert files(tmp_path) == files(folder)
    assert (again.counts, again.triples, again.files) == (
        report.counts,
        report.triples,
        report.files,
    )


def test_files_do_not_depend_on_the_process(
    small: tuple[Path, SynthReport], tmp_path: Path
) -> None:
    """Processes hash strings differently (PYTHONHASHSEED); the files must not change with it."""
    script = (
        "from pathlib import Path; from loaders.synth import generate; "
        f"generate(Path({str(tmp_path)!r}), **{SMALL!r})"
    )
    for hash_seed in ("1", "2"):
        environment = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", script], env=environment, check=True, cwd=ROOT)
        assert files(tmp_path) == files(small[0])


def test_another_seed_gives_other_data(small: tuple[Path, SynthReport], tmp_path: Path) -> None:
    folder, _ = small
    generate(tmp_path, **{**SMALL, "seed": 6})  # type: ignore[arg-type]
    for name in ("priorities.csv", "clusters.csv", "smes.csv", NQUADS_FILE):
        assert (tmp_path / name).read_bytes() != (folder / name).read_bytes(), name


def test_each_format_alone_holds_the_same_data(
    small: tuple[Path, SynthReport], tmp_path: Path
) -> None:
    folder, report = small
    generate(tmp_path / "csv", **SMALL, formats={"csv"})  # type: ignore[arg-type]
    alone = generate(tmp_path / "nq", **SMALL, formats={"nquads"})  # type: ignore[arg-type]
    both = files(folder)
    assert files(tmp_path / "csv") == {k: v for k, v in both.items() if k != NQUADS_FILE}
    assert files(tmp_path / "nq") == {NQUADS_FILE: both[NQUADS_FILE]}
    assert alone.triples == report.triples


# -- the CSV files -------------------------------------------------------------------------------


def documented_columns() -> dict[str, list[str]]:
    """The columns of each layout, in order, as ``docs/data-formats.md`` lists them.

    A layout's columns are in a table, or in a paragraph marking the required ones ``(yes``
    (``SMEs:``, ``Calls:``, ... when a section has two layouts); the list ends with ``note``.
    """
    text = (ROOT / "docs" / "data-formats.md").read_text(encoding="utf-8")
    labels = {"SMEs": "smes", "Memberships": "memberships", "Calls": "calls", "Schemes": "schemes"}
    found: dict[str, list[str]] = {}
    for section in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        kind = section.split()[0]
        if kind not in KIND_OF_LAYOUT.values():
            continue
        for block in section.split("\n\n")[1:]:
            layout = kind
            if block.startswith("| column"):
                body = "".join(line.split("|")[1] for line in block.splitlines()[2:])
            elif "(yes" in block:
                label, _, rest = block.partition(": ")
                if label in labels:
                    layout, block = labels[label], rest
                body = block
                while re.search(r"\([^()]*\)", body):
                    body = re.sub(r"\([^()]*\)", "", body)
            else:
                continue
            names = re.findall(r"`([a-z_]+)`", body)
            found[layout] = names[: names.index("note") + 1]
    return found


def test_headers_are_those_of_the_input_formats(small: tuple[Path, SynthReport]) -> None:
    folder, _ = small
    documented = documented_columns()
    assert set(documented) == set(COLUMNS)
    for layout, columns in documented.items():
        with (folder / f"{layout}.csv").open(encoding="utf-8", newline="") as handle:
            assert next(csv.reader(handle)) == columns, layout


def test_strategies_have_five_to_twelve_priorities(ten_thousand: tuple[Path, SynthReport]) -> None:
    folder, report = ten_thousand
    per_strategy = Counter((row["region"], row["period"]) for row in rows(folder, "priorities"))
    assert set(per_strategy) == {(code, period) for code, _ in ALPINE_SPACE for period in PERIODS}
    assert all(5 <= count <= 12 for count in per_strategy.values())
    assert report.counts["priorities"] == sum(per_strategy.values())
    assert all(1 <= len(items(row["nace"])) <= 3 for row in rows(folder, "priorities"))


def test_size_classes_have_their_shares(ten_thousand: tuple[Path, SynthReport]) -> None:
    folder, report = ten_thousand
    smes = rows(folder, "smes")
    assert len(smes) == report.counts["smes"] == 10_000
    shares = Counter(row["size_class"] for row in smes)
    for size, share in (("micro", 0.70), ("small", 0.22), ("medium", 0.08)):
        assert shares[size] / len(smes) == pytest.approx(share, abs=0.02), size
    assert {row["illustrative"] for row in smes} == {"true"}
    assert all(1 <= len(items(row["nace"])) <= 2 for row in smes)


def test_smes_join_up_to_two_clusters_of_their_region(
    ten_thousand: tuple[Path, SynthReport],
) -> None:
    folder, report = ten_thousand
    region_of_sme = {row["sme_id"]: row["region"] for row in rows(folder, "smes")}
    clusters = {row["cluster_id"]: row for row in rows(folder, "clusters")}
    memberships = rows(folder, "memberships")
    assert len(clusters) == report.counts["clusters"] == 300
    assert len(memberships) == report.counts["memberships"]
    per_sme = Counter(row["member_id"] for row in memberships)
    assert max(per_sme.values()) <= 2
    assert 0.2 < len(per_sme) / len(region_of_sme) < 0.4
    for row in memberships:
        assert clusters[row["cluster_id"]]["region"] == region_of_sme[row["member_id"]]
    per_cluster = Counter(row["cluster_id"] for row in memberships)
    assert all(int(c["sme_members"]) == per_cluster[k] for k, c in clusters.items())
    assert all(1 <= len(items(c["sectors"])) <= 4 for c in clusters.values())


def test_calls_come_about_three_per_region_and_period_some_in_schemes(
    ten_thousand: tuple[Path, SynthReport],
) -> None:
    folder, report = ten_thousand
    calls, schemes = rows(folder, "calls"), {r["scheme_id"]: r for r in rows(folder, "schemes")}
    per_region = Counter((row["region"], row["call_id"].split("-")[2]) for row in calls)
    assert len(per_region) == len(ALPINE_SPACE) * len(PERIODS)
    assert min(per_region.values()) >= 2
    assert 2.5 <= len(calls) / len(per_region) <= 3.6
    assert report.counts["services"] == 60
    shared = [row for row in calls if row["scheme_id"]]
    assert shared
    for row in calls:
        assert row["opening_date"] <= row["closing_date"]
    for row in shared:
        scheme = schemes[row["scheme_id"]]
        assert scheme["opening_date"] <= row["opening_date"] <= scheme["closing_date"]
        assert row["region"] in items(row["eligible_regions"])
    by_scheme = Counter(row["scheme_id"] for row in shared)
    assert all(3 <= count <= 6 for count in by_scheme.values())


def test_built_in_regions_and_codes_are_official(official: tuple[set[str], set[str]]) -> None:
    regions, codes = official
    assert {code for code, _ in ALPINE_SPACE} <= regions
    assert {code for code, _ in NACE_SAMPLE} <= codes


def nace_and_regions(folder: Path) -> tuple[set[str], set[str]]:
    """Every NACE code and every region code the CSV files use."""
    nace_columns = {
        "priorities": ("nace",),
        "clusters": ("sectors",),
        "smes": ("nace",),
        "calls": ("nace", "eligible_nace"),
        "schemes": ("topics",),
    }
    region_columns = {
        "priorities": ("region",),
        "clusters": ("region",),
        "smes": ("region",),
        "calls": ("region", "eligible_regions"),
        "activities": ("regions",),
    }
    codes = {
        code
        for layout, columns in nace_columns.items()
        for row in rows(folder, layout)
        for column in columns
        for code in items(row[column])
    }
    regions = {
        code
        for layout, columns in region_columns.items()
        for row in rows(folder, layout)
        for column in columns
        for code in items(row[column])
    }
    return codes, regions


def test_every_code_is_official(
    ten_thousand: tuple[Path, SynthReport], official: tuple[set[str], set[str]]
) -> None:
    codes, regions = nace_and_regions(ten_thousand[0])
    assert codes <= official[1]
    assert regions <= official[0]


def test_official_files_give_every_nuts2_region_and_nace_code(
    reference_dir: Path, official: tuple[set[str], set[str]], tmp_path: Path
) -> None:
    generate(
        tmp_path,
        smes=2_000,
        clusters=400,
        nuts_file=reference_dir / "NUTS2021.xlsx",
        nace_file=reference_dir / "nace_rev2_ramon_en.csv",
        formats={"csv"},
    )
    codes, regions = nace_and_regions(tmp_path)
    strategies = {row["region"] for row in rows(tmp_path, "priorities")}
    assert strategies == official[0]
    assert len(strategies) == 334
    assert codes <= official[1]
    assert regions <= official[0]
    assert len(codes - {code for code, _ in NACE_SAMPLE}) > 100


# -- the N-Quads ---------------------------------------------------------------------------------


def test_nquads_parse_and_load_into_a_store(
    small: tuple[Path, SynthReport], tmp_path: Path
) -> None:
    folder, report = small
    quads = list(parse(path=folder / NQUADS_FILE, format=RdfFormat.N_QUADS))
    assert len(quads) == len(set(quads)) == report.triples
    graphs = Graphs("https://w3id.org/s3kg/")
    expected = {graphs.source(f"synthetic-{kind}") for kind in KIND_OF_LAYOUT.values()}
    assert {str(quad.graph_name) for quad in quads} == {f"<{g}>" for g in expected}

    store = Store(str(tmp_path / "store"))
    store.bulk_load(path=folder / NQUADS_FILE, format=RdfFormat.N_QUADS)
    assert len(store) == report.triples
    smes = store.query("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s a s3:SME } }", prefixes=PREFIX)
    assert isinstance(smes, QuerySolutions)
    assert [int(row[0].value) for row in smes if isinstance(row[0], Literal)] == [SMALL["smes"]]
    outside = store.query(
        """ASK { GRAPH ?g { ?m org:member ?sme ; org:organization ?cluster }
                 GRAPH ?h { ?sme s3:region ?r } GRAPH ?k { ?cluster s3:region ?other }
                 FILTER(?r != ?other) }""",
        prefixes=PREFIX,
    )
    assert not bool(outside)
    store.flush()


PREFIX = {"s3": "https://w3id.org/s3kg/ontology#", "org": "http://www.w3.org/ns/org#"}


def test_nquads_hold_what_the_loader_pipeline_makes_of_the_csv_files(
    small: tuple[Path, SynthReport],
) -> None:
    pipeline = pytest.importorskip("loaders.pipeline")
    folder, report = small
    store = open_store(Settings(store=":memory:"))
    install(store)
    loaded = pipeline.load_paths(store, [folder / f"{layout}.csv" for layout in COLUMNS])
    assert loaded.ok, [str(problem) for problem in loaded.problems[:5]]
    result = store.query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert isinstance(result, SelectResult)
    sources = store.graphs.prefix + "source/"
    from_csv = {f"{s} {p} {o}" for g, s, p, o in result.rows if str(g).startswith(f"<{sources}")}
    # Through a store too, so that both sides get the same literal canonicalisation.
    written = Store()
    written.load(path=folder / NQUADS_FILE, format=RdfFormat.N_QUADS)
    from_nquads = {f"{q.subject} {q.predicate} {q.object}" for q in written}
    assert len(from_nquads) == report.triples
    assert from_nquads == from_csv


# -- scale ---------------------------------------------------------------------------------------


def peak_memory(folder: Path, smes: int) -> int:
    tracemalloc.start()
    try:
        generate(folder, seed=2, smes=smes, clusters=50)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_as_smes_grow(tmp_path: Path) -> None:
    one = peak_memory(tmp_path / "one", 8_000)
    two = peak_memory(tmp_path / "two", 16_000)
    assert two <= 1.2 * one, (one, two)


# -- arguments and the command -------------------------------------------------------------------


def test_wrong_arguments_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFormatError, match="turtle"):
        generate(tmp_path / "a", smes=10, formats={"csv", "turtle"})
    with pytest.raises(ParameterError, match="smes"):
        generate(tmp_path / "b", smes=-1)
    with pytest.raises(ParameterError, match="clusters"):
        generate(tmp_path / "c", clusters=0)
    with pytest.raises(NotFoundError, match="NUTS"):
        generate(tmp_path / "d", nuts_file=tmp_path / "missing.xlsx")
    assert not any(tmp_path.iterdir())


def test_the_base_iri_is_used_for_entities_and_graphs(tmp_path: Path) -> None:
    generate(tmp_path, smes=50, clusters=5, base_iri="https://example.org/s3/")
    text = (tmp_path / NQUADS_FILE).read_text(encoding="utf-8")
    assert "<https://example.org/s3/id/sme/sme-00000001>" in text
    assert "<https://example.org/s3/graph/source/synthetic-smes> ." in text
    assert "w3id.org/s3kg/id/" not in text


def test_the_command_prints_the_report(tmp_path: Path) -> None:
    app = typer.Typer()
    app.command()(synth)
    done = CliRunner().invoke(
        app, [str(tmp_path), "--smes", "200", "--clusters", "10", "--format", "csv"]
    )
    assert done.exit_code == 0, done.output
    assert "smes" in done.output and "200" in done.output
    assert (tmp_path / "smes.csv").is_file()
    assert not (tmp_path / NQUADS_FILE).exists()


def test_dates_are_iso_and_windows_are_real(ten_thousand: tuple[Path, SynthReport]) -> None:
    folder, _ = ten_thousand
    for row in rows(folder, "actions"):
        start, end = (
            dt.date.fromisoformat(row["start_date"]),
            dt.date.fromisoformat(row["end_date"]),
        )
        assert start < end
    for row in rows(folder, "memberships"):
        if row["start_date"]:
            assert dt.date.fromisoformat(row["start_date"]).year <= 2024
