"""What every ``s3kg`` command shares: the ``--store`` option and opening the store it names.

>>> settings_for(":memory:", port=9000, host=None).port
9000
>>> with opened(":memory:") as store:
...     store.version.count("-")
1
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from graph.settings import Settings
from graph.store import OxigraphStore, open_store

StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        envvar="S3KG_STORE",
        help="Store directory (or ':memory:'). Default: the per-user s3kg data directory.",
        show_default=False,
    ),
]


def settings_for(store: str | None, **overrides: object) -> Settings:
    """Settings from the environment, with ``--store`` and other flags taking precedence."""
    values = {k: v for k, v in overrides.items() if v is not None}
    if store is not None:
        values["store"] = store
    return Settings(**values)  # type: ignore[arg-type]


@contextmanager
def opened(store: str | None) -> Iterator[OxigraphStore]:
    """Open the store for one command and release it afterwards."""
    handle = open_store(settings_for(store))
    try:
        yield handle
    finally:
        handle.close()
