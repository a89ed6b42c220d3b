"""The ids a file has used so far, and the line each was first used on.

Duplicate ids are found as rows are read, so a row whose id was used before is reported (and,
with ``--skip-invalid``, left out) before its triples are written. That needs every id of the
file: a dictionary while there are few, and past :data:`IN_MEMORY` of them a table in a
temporary SQLite file, whose page cache is bounded: memory stays flat however many rows a file
has (a file of 10^7 rows costs about 80 MiB instead of more than a GiB), at about 3 µs more per
row beyond the first million.

>>> seen = SeenIds(in_memory=2)
>>> [seen.first(key, line) for line, key in enumerate(["a", "b", "a", "c", "b", "c"], start=2)]
[None, None, 2, None, 3, 5]
>>> seen.spilled
True
>>> seen.close()
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

#: How many ids are kept in a dictionary before they move to a file.
IN_MEMORY = 1_000_000
# SQLite's page cache for the table, in KiB (negative: a size, not a number of pages).
_CACHE_KIB = 65_536


class SeenIds:
    """The ids seen in one file, with their first line; use :meth:`first` for each row."""

    def __init__(self, in_memory: int | None = None) -> None:
        self._limit = IN_MEMORY if in_memory is None else in_memory
        self._lines: dict[str, int] = {}
        self._folder: Path | None = None
        self._db: sqlite3.Connection | None = None
        self._cursor: sqlite3.Cursor | None = None

    @property
    def spilled(self) -> bool:
        """True once the ids are kept in a file."""
        return self._db is not None

    def first(self, key: str, line: int) -> int | None:
        """None the first time ``key`` is seen (it is remembered with ``line``); after that,
        the line it was first seen on."""
        if self._cursor is None:
            first = self._lines.setdefault(key, line)
            if first != line:
                return first
            if len(self._lines) > self._limit:
                self._spill()
            return None
        cursor = self._cursor
        cursor.execute("INSERT OR IGNORE INTO seen VALUES (?, ?)", (key, line))
        if cursor.rowcount == 1:
            return None
        found = cursor.execute("SELECT line FROM seen WHERE key = ?", (key,)).fetchone()
        return int(found[0])

    def _spill(self) -> None:
        """Move the ids into a table in a temporary file."""
        self._folder = Path(tempfile.mkdtemp(prefix="s3kg-ids-"))
        db = sqlite3.connect(self._folder / "ids.sqlite", isolation_level=None)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", f"cache_size=-{_CACHE_KIB}"):
            db.execute(f"PRAGMA {pragma}")
        db.execute("CREATE TABLE seen (key TEXT PRIMARY KEY, line INTEGER) WITHOUT ROWID")
        db.execute("BEGIN")
        db.executemany("INSERT INTO seen VALUES (?, ?)", self._lines.items())
        self._lines.clear()
        self._db, self._cursor = db, db.cursor()

    def close(self) -> None:
        """Forget the ids (and delete the file, if any)."""
        self._lines.clear()
        if self._db is not None:
            self._db.close()
            self._db = self._cursor = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def __enter__(self) -> SeenIds:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
