"""``s3kg run``: list the named queries and run them from the command line.

The command runs in-process through a small Typer app; once the main command registers it, the
same behaviour is checked end to end with the real ``s3kg`` process.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from pyoxigraph import RdfFormat
from typer.testing import CliRunner

from api.cli_queries import parse_params, run
from graph.catalog import Catalog
from graph.derived import rebuild
from graph.errors import NotFoundError, ParameterError
from graph.settings import Settings
from graph.store import open_store

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "alignment-fixture.ttl"

app = typer.Typer()
app.command(name="run")(run)


@app.callback()
def _main() -> None:
    """A stand-in for the s3kg command."""


runner = CliRunner()


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("cli-queries") / "store"
    store = open_store(Settings(store=str(path)))
    store.replace_graph(store.graphs.source("fixture"), FIXTURE, RdfFormat.TURTLE)
    rebuild(store)
    store.close()
    return str(path)


def invoke(*args: str) -> tuple[int, str, str, BaseException | None]:
    result = runner.invoke(app, ["run", *args], env={"S3KG_STORE": None})
    return result.exit_code, result.stdout, result.stderr, result.exception


def test_list_names_every_query() -> None:
    code, out, _, _ = invoke("--list", "--format", "csv")
    assert code == 0
    names = [row["name"] for row in csv.DictReader(io.StringIO(out))]
    assert names == Catalog.load().names()


def test_list_as_json_describes_parameters() -> None:
    code, out, _, _ = invoke("--list", "--format", "json")
    assert code == 0
    ranking = next(q for q in json.loads(out) if q["name"] == "alignment-ranking")
    region = next(p for p in ranking["parameters"] if p["name"] == "region")
    assert region == {
        "name": "region",
        "type": "nuts",
        "description": "The region to compare the others with",
        "required": True,
        "default": None,
        "example": "ITC4",
        "values": [],
    }


def test_list_one_query_shows_its_parameters() -> None:
    code, out, _, _ = invoke("--list", "alignment-ranking", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["parameter"] for r in rows] == ["region", "period", "taxonomy", "country", "k"]
    assert rows[-1]["type"] == "integer(1..1000)" and rows[-1]["default"] == "10"


def test_list_as_a_table() -> None:
    code, out, _, _ = invoke("--list")
    assert code == 0
    assert "alignment-matrix" in out and "summary" in out


def test_run_as_csv(store_path: str) -> None:
    code, out, _, _ = invoke(
        "alignment-ranking", "-p", "region=itc4", "-p", "taxonomy=nace", "--format", "csv",
        "--store", store_path,
    )  # fmt: skip
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["rank"], r["region"][-5:], r["similarity"]) for r in rows] == [
        ("1", "CH022", "0.6111"),
        ("2", "e/SI0", "0.5833"),
        ("3", "/AT31", "0.5833"),
        ("4", "e/DE1", "0.0000"),
    ]


def test_run_as_sparql_json(store_path: str) -> None:
    code, out, _, _ = invoke(
        "alignment-matrix", "-p", "regions=ITC4", "-p", "regions=SI0", "-p", "taxonomy=nace",
        "--format", "json", "--store", store_path,
    )  # fmt: skip
    assert code == 0
    document = json.loads(out)
    assert document["head"]["vars"][:4] == ["region", "regionLabel", "other", "otherLabel"]
    [binding] = document["results"]["bindings"]
    assert binding["jaccard"]["value"] == "0.3333"


def test_run_as_a_table_with_paging(store_path: str) -> None:
    code, out, err, _ = invoke("strategies", "--limit", "2", "--offset", "1", "--store", store_path)
    assert code == 0
    assert "region" in out and "2 rows" in err
    assert "more results follow: use --offset 3" in err


def test_an_unknown_query_is_an_s3kg_error() -> None:
    code, _, _, error = invoke("alignment-rankin")
    assert code == 1 and isinstance(error, NotFoundError)
    assert "did you mean alignment-ranking" in str(error)


def test_a_bad_parameter_is_an_s3kg_error_naming_it(store_path: str) -> None:
    code, _, _, error = invoke("alignment-ranking", "-p", "region=ITC4", "-p", "k=0",
                               "--store", store_path)  # fmt: skip
    assert code == 1 and isinstance(error, ParameterError) and error.name == "k"
    code, _, _, error = invoke("alignment-ranking", "-p", "region", "--store", store_path)
    assert isinstance(error, ParameterError) and "key=value" in str(error)


@pytest.mark.parametrize(
    "args",
    [pytest.param([], id="no-name"), pytest.param(["--list", "--format", "xml"], id="format")],
)
def test_usage_errors_exit_with_2(args: list[str]) -> None:
    code, _, _, _ = invoke(*args)
    assert code == 2


def test_parse_params_collects_repeated_keys() -> None:
    assert parse_params(["a=1", "a=2", "b= x "]) == {"a": "1,2", "b": "x"}
    with pytest.raises(ParameterError):
        parse_params(["=1"])


def _registered() -> bool:
    from api.cli import app as main_app

    return any(c.name == "run" for c in main_app.registered_commands)


@pytest.mark.skipif(not _registered(), reason="the main command does not register 'run' yet")
def test_end_to_end_through_the_s3kg_command(store_path: str) -> None:
    gc.collect()  # in-process runs above may keep a closed store's handle (and lock) alive
    env = {k: v for k, v in os.environ.items() if not k.startswith("S3KG_")}
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "run", "alignment", "-p", "region=ITC4",
         "-p", "other=AT31", "-p", "taxonomy=nace", "--format", "csv", "--store", store_path],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    [row] = list(csv.DictReader(io.StringIO(done.stdout)))
    assert (row["similarity"], row["weighted"]) == ("0.5833", "0.3158")
    failed = subprocess.run(
        [sys.executable, "-m", "api.cli", "run", "alignment", "-p", "region=ITC9",
         "-p", "other=AT31", "--store", store_path],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert failed.returncode == 1
    assert "region: there is no region ITC9 in the store" in failed.stderr
