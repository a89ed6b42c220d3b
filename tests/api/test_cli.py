"""The ``s3kg`` command line, end to end: each test runs the real console script as a subprocess."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

S3KG = shutil.which("s3kg", path=str(Path(sys.executable).parent)) or "s3kg"


def run(*args: str, store: Path | None = None, ok: bool = True) -> subprocess.CompletedProcess[str]:
    command = [S3KG, *args]
    if store is not None:
        command += ["--store", str(store)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("S3KG_")}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    if ok:
        assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("cli") / "store"
    run("init", store=store)
    return store


def test_help_lists_the_commands() -> None:
    done = run("--help")
    for command in ("init", "query", "export", "graphs", "serve", "demo", "load", "validate"):
        assert command in done.stdout


def test_version() -> None:
    assert run("--version").stdout.startswith("s3kg ")


def test_init_twice_reports_unchanged(initialised: Path) -> None:
    done = run("init", store=initialised)
    assert "unchanged" in done.stdout
    assert "installed" not in done.stdout


def test_graphs_lists_installed_graphs_with_provenance(initialised: Path) -> None:
    records = json.loads(run("graphs", "--format", "json", store=initialised).stdout)
    by_graph = {r["graph"].rsplit("/graph/", 1)[-1]: r for r in records}
    assert by_graph["ontology"]["triples"] > 100
    assert by_graph["ontology"]["file"] == "ontology/s3kg.ttl"
    assert "vocab/nace2" in by_graph


def test_query_table_csv_json(initialised: Path) -> None:
    sparql = "SELECT ?c WHERE { ?c a owl:Class } ORDER BY ?c LIMIT 3"
    table = run("query", sparql, store=initialised)
    assert "s3:" in table.stdout
    csv_out = run("query", sparql, "--format", "csv", store=initialised).stdout.splitlines()
    assert csv_out[0] == "c" and len(csv_out) == 4
    doc = json.loads(run("query", sparql, "--format", "json", store=initialised).stdout)
    assert doc["head"]["vars"] == ["c"] and len(doc["results"]["bindings"]) == 3


def test_query_from_a_file_with_rdf_output(initialised: Path, tmp_path: Path) -> None:
    query_file = tmp_path / "q.rq"
    query_file.write_text("CONSTRUCT { ?c a owl:Class } WHERE { ?c a owl:Class }")
    out = tmp_path / "classes.nt"
    run(
        "query",
        "--file",
        str(query_file),
        "--format",
        "ntriples",
        "-o",
        str(out),
        store=initialised,
    )
    lines = out.read_text().splitlines()
    assert lines and all(line.endswith(" .") for line in lines)


def test_export_store_gzip_and_one_graph(initialised: Path, tmp_path: Path) -> None:
    whole = tmp_path / "all.nq.gz"
    run("export", "-o", str(whole), store=initialised)
    quads = gzip.decompress(whole.read_bytes()).decode().splitlines()
    assert any("/graph/ontology>" in q for q in quads)
    one = tmp_path / "ontology.ttl"
    run("export", "--graph", "ontology", "-o", str(one), store=initialised)
    assert "owl:Ontology" in one.read_text()


def test_bad_query_fails_with_message_and_no_traceback(initialised: Path) -> None:
    done = run("query", "SELECT * WHERE { ?s ?p }", store=initialised, ok=False)
    assert done.returncode == 1
    assert "does not parse" in done.stderr and "1:" in done.stderr
    assert "Traceback" not in done.stderr


def test_debug_shows_the_traceback(initialised: Path) -> None:
    done = run("--debug", "query", "SELECT * WHERE { ?s ?p }", store=initialised, ok=False)
    assert done.returncode == 1
    assert "Traceback" in done.stderr


def test_usage_errors_exit_2(initialised: Path) -> None:
    assert run("query", store=initialised, ok=False).returncode == 2
    assert run("no-such-command", ok=False).returncode == 2
    done = run("export", "--format", "docx", store=initialised, ok=False)
    assert done.returncode == 1 and "unknown RDF format 'docx'" in done.stderr


def test_export_whole_store_as_turtle_is_refused(initialised: Path) -> None:
    done = run("export", "--format", "turtle", store=initialised, ok=False)
    assert done.returncode == 1 and "one graph only" in done.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_sparql_over_http(initialised: Path, tmp_path: Path) -> None:
    copy = tmp_path / "served"
    shutil.copytree(initialised, copy)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("S3KG_")}
    server = subprocess.Popen(
        [S3KG, "serve", "--store", str(copy), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        reply = httpx.get(f"{base}/sparql", params={"query": "ASK { ?c a owl:Class }"})
        assert reply.status_code == 200
        assert reply.json()["boolean"] is True
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_store_in_use_gives_a_clear_error(initialised: Path, tmp_path: Path) -> None:
    copy = tmp_path / "busy"
    shutil.copytree(initialised, copy)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from graph.settings import Settings; "
            "from graph.store import open_store; "
            f"s = open_store(Settings(store={str(copy)!r})); "
            "print('open', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        done = run("graphs", store=copy, ok=False)
        assert done.returncode == 1
        assert "in use by another s3kg process" in done.stderr
    finally:
        holder.kill()
        holder.wait()


def test_demo_builds_and_serves_the_bundled_data(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("S3KG_")}
    server = subprocess.Popen(
        [S3KG, "demo", "--store", str(tmp_path / "demo"), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                if httpx.get(f"{base}/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
            assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
        reply = httpx.get(f"{base}/sparql", params={"query": "ASK { ?c a s3:Cluster }"})
        assert reply.status_code == 200
        assert reply.json()["boolean"] is True
    finally:
        server.terminate()
        server.wait(timeout=20)
