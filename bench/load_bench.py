"""Ingest rate and peak memory of the s3kg loaders against pyoxigraph's own ``bulk_load``.

For each kind (priorities, clusters, SMEs) and size, the benchmark writes a CSV file of that many
rows and loads it with ``s3kg``'s loader pipeline (reading, validation, reference checks,
conversion, SHACL, publication with provenance) into a fresh store holding the bundled
vocabularies; it then dumps the resulting graph as N-Triples and bulk-loads that same file with
raw pyoxigraph into another fresh store. Each measurement runs in its own child process so that
its peak memory (max RSS) is its own; the loader's peak is read as soon as the load returns.

With ``--repeat K``, both loads of each file run K times, taking turns (the machine's load from
other work changes over minutes), and the table shows the median of each figure. With
``--derived N``, the rebuild of the derived graph (:func:`graph.derived.rebuild`, which
``s3kg load`` runs after a load) is timed too for sizes up to N rows, on its own after the load,
with its peak apart: it is not part of ingesting a file (and needs far more memory than loading).

    .venv/bin/python bench/load_bench.py --rows 100000 1000000 --repeat 3 --derived 100000

Prints a Markdown table: seconds and triples/s of both, their ratio, peak RSS of both, and the
seconds and peak RSS of the derived-graph rebuild when measured (once, in the first turn).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REGIONS = [
    "ITC1",
    "ITC4",
    "ITH2",
    "ITH3",
    "SI03",
    "SI04",
    "AT31",
    "AT32",
    "DE11",
    "DE21",
    "DE27",
    "FRC2",
    "CH022",
    "AT33",
    "ITH1",
    "FRK2",
]
NACE = [
    "C28",
    "C28.3",
    "C28.30",
    "C29.1",
    "C26",
    "C26.5",
    "62.01",
    "72.1",
    "Q86",
    "A01.1",
    "D35.1",
    "C10.5",
    "C20.1",
    "C21",
    "C27.1",
    "J63",
    "M71.1",
    "C22.2",
    "C25.6",
    "H52",
]


def write_rows(kind: str, rows: int, path: Path, seed: int = 1) -> None:
    """A CSV file of ``rows`` valid ``kind`` records, deterministic from ``seed``."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        if kind == "priorities":
            out.writerow(
                [
                    "region",
                    "period",
                    "priority_id",
                    "title",
                    "description",
                    "nace",
                    "sdgs",
                    "coding_note",
                    "source",
                ]
            )
            for i in range(rows):
                out.writerow(
                    [
                        rng.choice(REGIONS),
                        rng.choice(["2014-2020", "2021-2027"]),
                        f"p{i}",
                        f"Priority {i}",
                        f"Synthetic priority number {i}",
                        ";".join(rng.sample(NACE, rng.randint(1, 3))),
                        str(rng.randint(1, 17)),
                        "synthetic",
                        "https://example.org/synthetic",
                    ]
                )
        elif kind == "clusters":
            out.writerow(
                [
                    "cluster_id",
                    "name",
                    "region",
                    "city",
                    "website",
                    "sectors",
                    "sme_members",
                    "large_company_members",
                    "label",
                    "founding_year",
                    "source",
                ]
            )
            for i in range(rows):
                out.writerow(
                    [
                        f"c{i}",
                        f"Cluster {i}",
                        rng.choice(REGIONS),
                        "Town",
                        f"https://cluster{i}.example.org/",
                        ";".join(rng.sample(NACE, rng.randint(1, 4))),
                        rng.randint(5, 400),
                        rng.randint(0, 40),
                        rng.choice(["", "bronze", "silver", "gold"]),
                        rng.randint(1990, 2023),
                        "https://example.org/synthetic",
                    ]
                )
        elif kind == "smes":
            out.writerow(
                [
                    "sme_id",
                    "name",
                    "identifier",
                    "region",
                    "nace",
                    "size_class",
                    "illustrative",
                    "source",
                ]
            )
            for i in range(rows):
                out.writerow(
                    [
                        f"s{i}",
                        f"SME {i}",
                        f"VAT{i:09d}",
                        rng.choice(REGIONS),
                        ";".join(rng.sample(NACE, rng.randint(1, 2))),
                        rng.choices(["micro", "small", "medium"], [70, 22, 8])[0],
                        "true",
                        "https://example.org/synthetic",
                    ]
                )
        else:
            raise SystemExit(f"unknown kind {kind}")


def child_loader(csv_path: str, store_dir: str, nt_path: str, derive: str) -> dict[str, float]:
    """Load ``csv_path`` with the s3kg pipeline; dump its graph as N-Triples for the baseline."""
    from pyoxigraph import RdfFormat

    from graph.derived import rebuild
    from graph.install import install
    from graph.settings import Settings
    from graph.store import open_store
    from loaders.pipeline import load_paths

    store = open_store(Settings(store=store_dir))
    install(store)
    start = time.perf_counter()
    report = load_paths(store, [Path(csv_path)], derive=False)
    seconds = time.perf_counter() - start
    peak = peak_rss_mib()
    if not report.ok:
        raise SystemExit(report.summary())
    derived = derived_peak = -1.0
    if derive == "yes":
        start = time.perf_counter()
        rebuild(store)
        derived = time.perf_counter() - start
        derived_peak = peak_rss_mib()
    graph = report.files[0].graph
    with open(nt_path, "wb") as handle:
        store.dump(handle, RdfFormat.N_TRIPLES, graph)
    store.close()
    return {
        "seconds": seconds,
        "triples": report.files[0].triples,
        "peak_rss_mib": peak,
        "derived_seconds": derived,
        "derived_peak_rss_mib": derived_peak,
    }


def child_raw(nt_path: str, store_dir: str) -> dict[str, float]:
    """Bulk-load the N-Triples file into a fresh raw pyoxigraph store."""
    from pyoxigraph import NamedNode, RdfFormat, Store

    store = Store(store_dir)
    start = time.perf_counter()
    store.bulk_load(path=nt_path, format=RdfFormat.N_TRIPLES, to_graph=NamedNode("urn:g"))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "triples": len(store), "peak_rss_mib": peak_rss_mib()}


def peak_rss_mib() -> float:
    """The peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(*args: str) -> dict[str, float]:
    """Run this script as a child process and return its result with its peak RSS."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000])
    parser.add_argument("--kinds", nargs="+", default=["priorities", "clusters", "smes"])
    parser.add_argument("--derived", type=int, default=0, metavar="N")
    parser.add_argument("--repeat", type=int, default=1, metavar="K")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, *rest = args.child
        result = child_loader(*rest) if mode == "loader" else child_raw(*rest)
        print(json.dumps(result))
        return
    print(
        "| kind | rows | triples | s3kg load | raw bulk_load | ratio (triples/s) "
        "| s3kg peak RSS | raw peak RSS | memory ratio | derived rebuild after |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for rows in args.rows:
        for kind in args.kinds:
            ours, raw = measure(kind, rows, args.repeat, rows <= args.derived)
            print(row(kind, rows, ours, raw), flush=True)


def measure(
    kind: str, rows: int, repeat: int, derive: bool
) -> tuple[dict[str, float], dict[str, float]]:
    """Both loads of one file, ``repeat`` times taking turns; the median of each figure."""
    ours: list[dict[str, float]] = []
    raw: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="s3kg-bench-") as tmp:
        folder = Path(tmp)
        source = folder / f"{kind}.csv"
        write_rows(kind, rows, source)
        nt = folder / f"{kind}.nt"
        for turn in range(repeat):
            rebuild = "yes" if derive and turn == 0 else "no"
            ours.append(
                run_child("loader", str(source), str(folder / f"s3kg{turn}"), str(nt), rebuild)
            )
            raw.append(run_child("raw", str(nt), str(folder / f"raw{turn}")))
    return median(ours), median(raw)


def median(runs: list[dict[str, float]]) -> dict[str, float]:
    """The median of each figure over the runs (the derived rebuild is measured once)."""
    result = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    for key in ("derived_seconds", "derived_peak_rss_mib"):
        if key in runs[0]:
            result[key] = runs[0][key]
    return result


def row(kind: str, rows: int, ours: dict[str, float], raw: dict[str, float]) -> str:
    """One line of the table."""
    ours_rate = ours["triples"] / ours["seconds"]
    raw_rate = raw["triples"] / raw["seconds"]
    return (
        f"| {kind} | {rows:,} | {int(ours['triples']):,} "
        f"| {ours['seconds']:,.1f} s ({ours_rate:,.0f}/s) "
        f"| {raw['seconds']:,.1f} s ({raw_rate:,.0f}/s) | {ours_rate / raw_rate:.2f}x "
        f"| {ours['peak_rss_mib']:,.0f} MiB | {raw['peak_rss_mib']:,.0f} MiB "
        f"| {ours['peak_rss_mib'] / raw['peak_rss_mib']:.2f}x "
        f"| {derived(ours)} |"
    )


def derived(ours: dict[str, float]) -> str:
    """The derived rebuild's cell: its seconds and peak RSS, when measured."""
    if ours["derived_seconds"] < 0:
        return "not measured"
    return f"{ours['derived_seconds']:,.1f} s, {ours['derived_peak_rss_mib']:,.0f} MiB"


if __name__ == "__main__":
    main()
