"""HTTP throughput and latency of s3kg's server against Oxigraph server and rdflib-endpoint.

All three serve the same data (the bundled Alpine Space demo graph) on loopback, side by side in
one run; `wrk` (Debian package) sends the load. Two questions:

* a small SELECT (ten cluster names), as the same SPARQL text to every server;
* the alignment ranking of one region: s3kg answers with its named query
  (`/queries/alignment-ranking`, taxonomy-aware similarity over the derived graph); the peers
  answer the same question with a plain SPARQL query (shared NACE concepts, property paths).

Each is sent twice over: the same request again and again (which s3kg answers from memory while
the data is unchanged, see `graph/memo.py`), and with every request made new by a number of its
own (a SPARQL comment, or an extra URL parameter for s3kg's named query), so that every answer
is computed.

    .venv/bin/pip install oxigraph rdflib-endpoint   # the peers (CLI `oxigraph`, `rdflib-endpoint`)
    apt-get install wrk
    .venv/bin/python bench/http_bench.py --seconds 10

Prints a Markdown table: requests/s and p50/p99 latency at concurrency 1, 8 and 32.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent

PREFIXES = """PREFIX s3: <https://w3id.org/s3kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX nuts: <http://data.europa.eu/nuts/code/>
"""
SMALL_SELECT = (
    PREFIXES + "SELECT ?c ?name WHERE { ?c a s3:Cluster ; skos:prefLabel ?name } LIMIT 10"
)
NAIVE_RANKING = (
    PREFIXES
    + """SELECT ?other (COUNT(DISTINCT ?concept) AS ?shared) WHERE {
  ?mine s3:region nuts:ITC4 ; s3:programmingPeriod "2021-2027" .
  ?p s3:strategy ?mine ; s3:economicDomain/skos:broader* ?concept .
  ?theirs s3:region ?other ; s3:programmingPeriod "2021-2027" .
  FILTER(?other != nuts:ITC4)
  ?q s3:strategy ?theirs ; s3:economicDomain/skos:broader* ?concept .
} GROUP BY ?other ORDER BY DESC(?shared) LIMIT 10"""
)
RANKING_PARAMS = {"region": "ITC4", "period": "2021-2027", "k": "10"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(command: list[str], ready_url: str, env: dict[str, str] | None = None) -> Iterator[None]:
    """Start a server, wait until ``ready_url`` answers, stop it afterwards."""
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    try:
        for _ in range(600):
            try:
                if httpx.get(ready_url, timeout=2).status_code < 500:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise SystemExit(f"{command[0]} did not start")
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


# A wrk script making every request different: it appends its first argument and a number that
# no other request of the run carries (a SPARQL comment, or an extra URL parameter).
VARY = """
local threads = 0
function setup(thread) thread:set("id", threads); threads = threads + 1 end
function init(args) suffix = args[1] end
local n = 0
function request()
  n = n + 1
  return wrk.format(nil, wrk.path .. suffix .. id .. "x" .. n)
end
"""


def wrk(
    url: str, concurrency: int, seconds: int, vary: str | None = None
) -> tuple[float, str, str, int]:
    """Requests/s, p50, p99 and non-2xx count of a wrk run against ``url``; with ``vary``, each
    request appends ``vary`` and a number of its own to the URL (so no two are the same)."""
    threads = min(concurrency, 2)
    script: list[str] = []
    if vary is not None:
        path = Path(tempfile.mkdtemp(prefix="s3kg-wrk-")) / "vary.lua"
        path.write_text(VARY)
        script = ["-s", str(path)]
    done = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{concurrency}",
            f"-d{seconds}s",
            "--latency",
            *script,
            "-H",
            "Accept: application/sparql-results+json, application/json;q=0.9",
            url,
            *([] if vary is None else ["--", vary]),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out = done.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)  # type: ignore[union-attr]
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rate, p50, p99, int(bad.group(1)) if bad else 0


def sparql_url(base: str, query: str) -> str:
    return f"{base}?{urllib.parse.urlencode({'query': query})}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="s3kg-http-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("S3KG_")}
    try:
        store = work / "store"
        subprocess.run(
            [str(BIN / "s3kg"), "demo", "--no-serve", "--store", str(store)],
            check=True,
            env=env,
            capture_output=True,
        )
        dump = work / "all.nq"
        subprocess.run(
            [str(BIN / "s3kg"), "export", "--store", str(store), "-o", str(dump)],
            check=True,
            env=env,
            capture_output=True,
        )
        union = work / "all.nt"  # rdflib-endpoint serves one graph: the union of all
        with dump.open() as quads, union.open("w") as triples:
            for line in quads:
                triples.write(re.sub(r" <[^>]*> \.$", " .", line.rstrip("\n")) + "\n")
        oxi_store = work / "oxigraph"
        subprocess.run(
            [str(BIN / "oxigraph"), "load", "--location", str(oxi_store), "--file", str(dump)],
            check=True,
            capture_output=True,
        )

        ports = {name: free_port() for name in ("s3kg", "oxigraph", "rdflib")}
        s3kg_base = f"http://127.0.0.1:{ports['s3kg']}"
        oxi_base = f"http://127.0.0.1:{ports['oxigraph']}"
        rdflib_base = f"http://127.0.0.1:{ports['rdflib']}"
        ranking = f"{s3kg_base}/queries/alignment-ranking?{urllib.parse.urlencode(RANKING_PARAMS)}"
        targets = {
            "s3kg": (f"{s3kg_base}/sparql", ranking),
            "oxigraph": (f"{oxi_base}/query", sparql_url(f"{oxi_base}/query", NAIVE_RANKING)),
            "rdflib": (f"{rdflib_base}/", sparql_url(f"{rdflib_base}/", NAIVE_RANKING)),
        }
        commands = {
            "s3kg": (
                [str(BIN / "s3kg"), "serve", "--store", str(store), "--port", str(ports["s3kg"])],
                f"{s3kg_base}/health",
            ),
            "oxigraph": (
                [
                    str(BIN / "oxigraph"),
                    "serve-read-only",
                    "--location",
                    str(oxi_store),
                    "--bind",
                    f"127.0.0.1:{ports['oxigraph']}",
                    "--union-default-graph",
                ],
                f"{oxi_base}/query?query=ASK%7B%7D",
            ),
            "rdflib": (
                [
                    str(BIN / "rdflib-endpoint"),
                    "serve",
                    str(union),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(ports["rdflib"]),
                ],
                f"{rdflib_base}/?query=ASK%7B%7D",
            ),
        }
        print("| question | server | concurrency | requests/s | p50 | p99 | non-2xx |")
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
        results: dict[tuple[str, str, int], float] = {}
        for name, (command, ready) in commands.items():
            with server(command, ready, env):
                endpoint, ranking_url = targets[name]
                # A SPARQL comment ("\n#...") makes each request new; s3kg's named query gets
                # an extra URL parameter instead (ignored, but part of what it remembers).
                named = name == "s3kg"
                questions = {
                    "small SELECT": (sparql_url(endpoint, SMALL_SELECT), None),
                    "small SELECT, each request new": (
                        sparql_url(endpoint, SMALL_SELECT),
                        "%0A%23",
                    ),
                    "alignment top-10": (ranking_url, None),
                    "alignment top-10, each request new": (
                        ranking_url,
                        "&seq=" if named else "%0A%23",
                    ),
                }
                for question, (url, vary) in questions.items():
                    check = httpx.get(
                        url,
                        headers={
                            "Accept": "application/sparql-results+json, application/json;q=0.9"
                        },
                        timeout=120,
                    )
                    if check.status_code != 200:
                        raise SystemExit(f"{name} {question}: {check.status_code} {check.text}")
                    for c in args.concurrency:
                        rate, p50, p99, bad = wrk(url, c, args.seconds, vary)
                        results[(question, name, c)] = rate
                        print(
                            f"| {question} | {name} | {c} | {rate:,.0f} | {p50} | {p99} | {bad} |",
                            flush=True,
                        )
        print()
        print("| question | concurrency | s3kg / oxigraph | s3kg / rdflib-endpoint |")
        print("| --- | ---: | ---: | ---: |")
        for question in sorted({q for q, _, _ in results}):
            for c in args.concurrency:
                ours = results[(question, "s3kg", c)]
                print(
                    f"| {question} | {c} | {ours / results[(question, 'oxigraph', c)]:.2f}x "
                    f"| {ours / results[(question, 'rdflib', c)]:.1f}x |"
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
