"""``s3kg load``, ``validate`` and ``drop`` as a user runs them: exit codes, messages, effects."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "tests" / "data" / "examples"


def s3kg(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("S3KG_")}
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
        check=False,
    )


def export(store: Path) -> list[str]:
    result = s3kg("export", "--store", str(store), "--format", "nquads")
    assert result.returncode == 0, result.stderr
    return sorted(result.stdout.splitlines())


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the bundled vocabularies, which the examples refer to."""
    store = tmp_path_factory.mktemp("cli") / "store"
    result = s3kg("init", "--store", str(store))
    assert result.returncode == 0, result.stderr
    return store


def test_load_validate_and_drop(initialised: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    for item in initialised.iterdir():
        (store / item.name).write_bytes(item.read_bytes())
    result = s3kg("validate", str(EXAMPLES / "csv"), "--store", str(store))
    assert result.returncode == 0, result.stderr
    assert "clusters.csv: clusters, 3 rows" in result.stdout
    result = s3kg("load", str(EXAMPLES / "xlsx"), "--store", str(store), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] and len(report["files"]) == 9
    assert all(item["loaded"] for item in report["files"])
    result = s3kg("drop", "clusters", "--store", str(store))
    assert result.returncode == 0
    assert "dropped" in result.stdout
    result = s3kg("drop", "clusters", "--store", str(store))
    assert result.returncode == 1
    assert "there is no graph" in result.stderr


def test_problems_are_printed_with_their_place_and_nothing_is_written(
    initialised: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "clusters.csv"
    bad.write_text("cluster_id,name,region\nc1,One,ITC9\n", encoding="utf-8")
    before = export(initialised)
    result = s3kg("load", str(bad), "--store", str(initialised))
    assert result.returncode == 1
    assert "clusters.csv:2:3: region: unknown NUTS code 'ITC9'; did you mean" in result.stderr
    assert "nothing was written" in result.stderr
    assert export(initialised) == before


def test_json_problems(initialised: Path, tmp_path: Path) -> None:
    bad = tmp_path / "calls.csv"
    bad.write_text(
        "call_id,title,programme,region,opening_date,closing_date,budget_eur\n"
        "c1,Call,ERDF,ITC4,2025-03-01,2025-06-30,-5\n",
        encoding="utf-8",
    )
    result = s3kg("validate", str(bad), "--store", str(initialised), "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["problems"] == [
        {
            "file": "calls.csv",
            "line": 2,
            "column": 7,
            "field": "budget_eur",
            "message": "must be 0 or more, got '-5'",
        }
    ]


def test_skip_invalid_writes_the_rejected_rows(initialised: Path, tmp_path: Path) -> None:
    data = tmp_path / "clusters-extra.csv"
    data.write_text("cluster_id,name,region\nc1,One,ITC4\nc2,Two,ITC9\n", encoding="utf-8")
    rejected = tmp_path / "rejected.csv"
    result = s3kg(
        "load", str(data), "--kind", "clusters", "--store", str(initialised),
        "--skip-invalid", str(rejected),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "loaded without 1 invalid rows" in result.stdout
    assert "ITC9" in rejected.read_text(encoding="utf-8")


def test_usage_errors_exit_with_2(initialised: Path) -> None:
    result = s3kg("load", str(EXAMPLES / "csv"), "--kind", "cluster", "--store", str(initialised))
    assert result.returncode == 2
    assert "unknown kind 'cluster'" in result.stderr
    assert s3kg("load", "--store", str(initialised)).returncode == 2


def test_missing_path(initialised: Path, tmp_path: Path) -> None:
    result = s3kg("load", str(tmp_path / "nothing.csv"), "--store", str(initialised))
    assert result.returncode == 1
    assert f"{tmp_path / 'nothing.csv'}: no such file or directory" in result.stderr


def test_help_describes_the_options() -> None:
    result = s3kg("load", "--help")
    assert result.returncode == 0
    for option in ("--kind", "--skip-invalid", "--format", "--license", "--source-url"):
        assert option in result.stdout
