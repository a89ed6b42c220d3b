"""The README's HTTP examples run as written against a real server over the demo graph.

The curl commands run with curl (``--fail`` added, so an error status fails the test) and the
Python block runs as it is, with the server's address in place of ``http://127.0.0.1:8000``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph.demo import build_demo
from graph.settings import Settings
from graph.store import open_store
from tests.api.conftest import TOKEN, Server

README = Path(__file__).resolve().parents[1] / "README.md"
SECTION = "## The HTTP API, interface by interface"
DEFAULT = "http://127.0.0.1:8000"


def _blocks(language: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    section = text[start : end if end > 0 else len(text)]
    return re.findall(rf"```{language}\n(.*?)```", section, re.S)


def _commands(block: str) -> list[str]:
    joined = block.replace("\\\n", " ")
    lines = (line.split(" #")[0].strip() for line in joined.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("readme")
    settings = Settings(store=str(root / "store"), write_token=TOKEN, query_workers=1)
    store = open_store(settings)
    try:
        for _ in build_demo(store):
            pass
    finally:
        store.close()
    with Server(settings) as running:
        deadline = time.monotonic() + 60  # the first dumps are written once the server is up
        while not httpx.get(f"{running.url}/dumps").json()["complete"]:
            assert time.monotonic() < deadline, "the dumps were not written within 60 s"
            time.sleep(0.05)
        yield running.url


def test_the_readme_has_examples_for_every_interface() -> None:
    shell = "\n".join(_blocks("sh"))
    for path in (
        "/sparql",
        "/store",
        "/graph/",
        "/queries",
        "/id/",
        "/ontology",
        "/.well-known/void",
        "/catalog",
        "/dumps/",
    ):
        assert path in shell, path
    python = "\n".join(_blocks("python"))
    for path in ("/queries/", "/id/", "/graph/", "/sparql", "/dumps/"):
        assert path in python, path


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_curl_examples_work(demo_server: str, tmp_path: Path) -> None:
    (tmp_path / "notes.ttl").write_text('<https://example.org/a> <https://example.org/p> "A" .\n')
    env = {**os.environ, "S3KG_WRITE_TOKEN": TOKEN}
    commands = [c for block in _blocks("sh") for c in _commands(block)]
    assert len(commands) >= 10
    for command in commands:
        assert command.startswith("curl "), command
        command = command.replace(DEFAULT, demo_server).replace("curl ", "curl --fail -sS ", 1)
        done = subprocess.run(
            command, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, f"{command}\n{done.stderr}"
    assert (tmp_path / "clusters.ttl").stat().st_size > 1000
    assert (tmp_path / "matrix.csv").read_text().count("\n") > 10


def test_the_python_example_works(demo_server: str) -> None:
    (block,) = _blocks("python")
    namespace: dict[str, object] = {"token": TOKEN}
    exec(compile(block.replace(DEFAULT, demo_server), "README.md", "exec"), namespace)
    assert len(namespace["everything"]) > 1000  # type: ignore[arg-type]
    assert len(namespace["cluster"]) > 5  # type: ignore[arg-type]
    assert len(namespace["clusters"]) > 100  # type: ignore[arg-type]
    assert namespace["ranking"]["rows"]  # type: ignore[index]
