"""Where the files that ship with s3kg are: the ontology, the query catalogue, the demo data.

In a source checkout or an editable install they are the top-level folders ``ontology/``,
``queries/`` and ``data/``; a wheel carries the same folders inside ``graph/_resources/``.

>>> (ontology_dir() / "s3kg.ttl").is_file()
True
"""

from __future__ import annotations

from pathlib import Path

from graph.errors import NotFoundError

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / "_resources" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise NotFoundError(
        f"the bundled folder {name!r} is missing from this installation of s3kg; reinstall it"
    )


def ontology_dir() -> Path:
    """The folder holding ``s3kg.ttl``, ``shapes.ttl`` and ``vocabularies/``."""
    return _find("ontology")


def queries_dir() -> Path:
    """The folder holding the named SPARQL queries (``*.rq``)."""
    return _find("queries")


def data_dir() -> Path:
    """The folder holding the bundled demo dataset."""
    return _find("data")
