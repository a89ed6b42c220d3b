"""The ontology, queries and data are found in a regular (non-editable) install too."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
    )
    return next(out.glob("s3kg-*.whl"))


def test_wheel_carries_the_bundled_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "graph/_resources/ontology/s3kg.ttl" in names
    assert "graph/_resources/ontology/shapes.ttl" in names
    assert any(n.startswith("graph/_resources/ontology/vocabularies/") for n in names)
    assert any(n.startswith("graph/_resources/data/") for n in names)
    assert "graph/py.typed" in names


def test_installed_wheel_finds_its_files_and_initialises(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    script = (
        "import graph.resources as r, sys; "
        "from graph.settings import Settings; from graph.store import open_store; "
        "from graph.install import install; "
        "assert str(r.ontology_dir()).startswith(sys.argv[1]), r.ontology_dir(); "
        "s = open_store(Settings(store=':memory:')); "
        "print(sum(1 for x in install(s) if x.status == 'installed'))"
    )
    # Run from an empty directory with the wheel's copy first on the path, not the checkout.
    done = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path.insert(0, {str(target)!r}); "
            + script.replace("sys.argv[1]", repr(str(target))),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 3
