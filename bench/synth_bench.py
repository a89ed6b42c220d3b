"""How long the synthetic EU-scale data takes to generate and to load (10^6 to 5x10^7 triples).

For each number of SMEs, ``s3kg synth`` (its function, in a child process) writes the CSV files
and ``synthetic.nq`` (every NUTS-2 region of the official NUTS 2021 workbook, all NACE codes of
the RAMON file, 5,000 clusters), then two fresh stores are filled from them, each in a child
process of its own so that its peak memory is its own:

* s3kg: ``s3kg init``, the NUTS workbook, then the CSV files with the loader pipeline (reading,
  validation, reference checks, SHACL, provenance), then the derived graph rebuilt, as
  ``s3kg load`` does it;
* raw pyoxigraph: ``bulk_load`` of ``synthetic.nq`` (the same triples, already made).

    .venv/bin/python bench/synth_bench.py --smes 116000 1350000 6800000

Prints a Markdown table. The official files are read from ``../shared/data/reference`` (or
``--reference``); the work folder (``--workdir``, default ``/tmp/s3kg-synth-bench``) needs about
30 GB at the largest size and is emptied after each size unless ``--keep`` is given.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CSV_KINDS = (
    "priorities",
    "clusters",
    "smes",
    "memberships",
    "services",
    "schemes",
    "calls",
    "activities",
    "actions",
)


def peak_rss_mib() -> float:
    """This process's peak resident set, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_s3kg(out: str, store_dir: str, nuts: str) -> dict[str, float]:
    """Fill a fresh store the way ``s3kg init`` and ``s3kg load`` do; time each step."""
    from graph.derived import rebuild
    from graph.install import install
    from graph.settings import Settings
    from graph.store import open_store
    from loaders.pipeline import load_paths

    store = open_store(Settings(store=store_dir))
    start = time.perf_counter()
    install(store)
    report = load_paths(store, [Path(nuts)], derive=False)
    if not report.ok:
        raise SystemExit(report.summary())
    reference = time.perf_counter() - start
    start = time.perf_counter()
    report = load_paths(store, [Path(out) / f"{kind}.csv" for kind in CSV_KINDS], derive=False)
    if not report.ok:
        raise SystemExit(report.summary())
    load = time.perf_counter() - start
    load_peak = peak_rss_mib()
    start = time.perf_counter()
    derived = rebuild(store)
    rebuild_seconds = time.perf_counter() - start
    store.close()
    return {
        "reference_seconds": reference,
        "load_seconds": load,
        "loaded_triples": sum(item.triples for item in report.files),
        "load_peak_mib": load_peak,
        "rebuild_seconds": rebuild_seconds,
        "derived_triples": derived,
        "peak_mib": peak_rss_mib(),
    }


def child_raw(nquads: str, store_dir: str) -> dict[str, float]:
    """Bulk-load ``synthetic.nq`` into a fresh raw pyoxigraph store."""
    from pyoxigraph import RdfFormat, Store

    store = Store(store_dir)
    start = time.perf_counter()
    store.bulk_load(path=nquads, format=RdfFormat.N_QUADS)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "quads": len(store), "peak_mib": peak_rss_mib()}


def run_child(step: str, *args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--step", step, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{step} failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def child_synth(out: str, smes: str, reference: str) -> dict[str, float]:
    """Write the synthetic files as ``s3kg synth`` does; its seconds and peak RSS."""
    from loaders.synth import generate as synth

    start = time.perf_counter()
    synth(
        Path(out),
        smes=int(smes),
        nuts_file=Path(reference) / "NUTS2021.xlsx",
        nace_file=Path(reference) / "nace_rev2_ramon_en.csv",
    )
    return {"seconds": time.perf_counter() - start, "peak_mib": peak_rss_mib()}


def generate(out: Path, smes: int, reference: Path) -> tuple[float, float, int]:
    """Generate the files (in a child process); its seconds, peak RSS (MiB) and the triples."""
    made = run_child("synth", str(out), str(smes), str(reference))
    with (out / "synthetic.nq").open("rb") as handle:
        triples = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 24), b""))
    return made["seconds"], made["peak_mib"], triples


def size_of(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smes", type=int, nargs="+", default=[116_000, 1_350_000, 6_800_000])
    parser.add_argument("--workdir", default="/tmp/s3kg-synth-bench")
    parser.add_argument("--reference", default=str(ROOT.parent / "shared" / "data" / "reference"))
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        name, *rest = args.step
        steps = {"s3kg": child_s3kg, "raw": child_raw, "synth": child_synth}
        result = steps[name](*rest)
        print(json.dumps(result))
        return
    reference = Path(args.reference)
    if not (reference / "NUTS2021.xlsx").is_file():
        raise SystemExit(f"the official NUTS 2021 workbook is not in {reference}")
    print(
        "| SMEs | triples | synth | synth peak | `synthetic.nq` | CSV files | s3kg load (CSV) "
        "| load peak | derived rebuild | s3kg peak | store | raw bulk_load (N-Quads) | raw peak |"
    )
    print("|" + " ---: |" * 13)
    for smes in args.smes:
        work = Path(args.workdir) / f"smes-{smes}"
        shutil.rmtree(work, ignore_errors=True)
        out = work / "out"
        try:
            synth_seconds, synth_peak, triples = generate(out, smes, reference)
            nq = (out / "synthetic.nq").stat().st_size
            csvs = sum((out / f"{kind}.csv").stat().st_size for kind in CSV_KINDS)
            ours = run_child(
                "s3kg", str(out), str(work / "s3kg-store"), str(reference / "NUTS2021.xlsx")
            )
            store_bytes = size_of(work / "s3kg-store")
            shutil.rmtree(work / "s3kg-store", ignore_errors=True)
            raw = run_child("raw", str(out / "synthetic.nq"), str(work / "raw-store"))
            rate = ours["loaded_triples"] / ours["load_seconds"]
            raw_rate = raw["quads"] / raw["seconds"]
            print(
                f"| {smes:,} | {triples:,} | {synth_seconds:,.1f} s | {synth_peak:,.0f} MiB "
                f"| {nq / 1e9:,.2f} GB | {csvs / 1e6:,.0f} MB "
                f"| {ours['load_seconds']:,.0f} s ({rate:,.0f}/s) "
                f"| {ours['load_peak_mib']:,.0f} MiB "
                f"| {ours['rebuild_seconds']:,.0f} s ({ours['derived_triples']:,.0f} triples) "
                f"| {ours['peak_mib']:,.0f} MiB | {store_bytes / 1e9:,.1f} GB "
                f"| {raw['seconds']:,.0f} s ({raw_rate:,.0f}/s) | {raw['peak_mib']:,.0f} MiB |",
                flush=True,
            )
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
