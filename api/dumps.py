"""Downloadable dumps: the whole dataset as gzipped N-Quads, and each named graph as N-Triples.

Dumps are written for one store version at a time into ``S3KG_DUMP_DIR`` (default: a temporary
folder), each file to a temporary name first and renamed when complete, so a download never sees
half a file. After a write the next request starts a rebuild in the background and, until it is
done, the last complete set is served (and described, with its sizes and checksums). The first
set is started when the service starts; until it is complete the catalogue lists no dump files
and a download answers ``503`` with ``Retry-After``. Gzip is written without a timestamp, so the
same data gives the same checksum.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from pyoxigraph import RdfFormat

from graph.errors import NotFoundError
from graph.guard import version_of
from graph.namespaces import slug
from graph.settings import Settings
from graph.store import GraphStore

log = logging.getLogger("s3kg.dumps")

DATASET_DUMP = "s3kg.nq.gz"
N_QUADS = "application/n-quads"
N_TRIPLES = "application/n-triples"


@dataclass(frozen=True)
class DumpFile:
    """One dump: its name under ``/dumps/``, what it holds, and its size and SHA-256."""

    name: str
    graph: str | None
    media_type: str
    path: Path
    size: int
    sha256: str
    triples: int | None = None


@dataclass(frozen=True)
class DumpSet:
    """The dumps of one store version."""

    version: str
    files: tuple[DumpFile, ...]

    def get(self, name: str) -> DumpFile:
        """The dump called ``name`` (NotFoundError if there is none)."""
        for file in self.files:
            if file.name == name:
                return file
        raise NotFoundError(f"there is no dump called {name}; /dumps lists them")


class _Hashing:
    """A binary sink counting and hashing what goes through it into ``target``."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.target.write(data)

    def flush(self) -> None:
        self.target.flush()


def graph_dump_name(graph: str, graph_prefix: str) -> str:
    """The file name of a graph's dump.

    >>> graph_dump_name("https://w3id.org/s3kg/graph/source/clusters", "https://w3id.org/s3kg/graph/")
    'graphs/source-clusters.nt.gz'
    """
    local = graph[len(graph_prefix) :] if graph.startswith(graph_prefix) else graph
    return f"graphs/{slug(local.replace('/', '-'))}.nt.gz"


class Dumps:
    """The dump files of a store, rebuilt when its version changes."""

    def __init__(self, store: GraphStore, settings: Settings) -> None:
        self.store = store
        if settings.dump_dir:
            self.root, self._owns_root = Path(settings.dump_dir).expanduser(), False
        else:
            self.root, self._owns_root = Path(tempfile.mkdtemp(prefix="s3kg-dumps-")), True
        self._current: DumpSet | None = None
        self._build_lock = threading.Lock()
        self._building: threading.Thread | None = None
        self._state_lock = threading.Lock()

    def available(self) -> DumpSet:
        """The newest complete set, at once: possibly of an earlier version while the current
        one is written in the background, and empty (version ``""``) before the first is
        complete. Never blocks."""
        current = self._current
        if current is None or current.version != self.version:
            self.refresh()
        return current if current is not None else DumpSet("", ())

    @property
    def version(self) -> str:
        """The store version the dumps should be of."""
        return version_of(self.store) or "unversioned"

    def refresh(self) -> None:
        """Start building the dumps of the current version in the background (if not running)."""
        with self._state_lock:
            if self._building is not None and self._building.is_alive():
                return
            self._building = threading.Thread(
                target=self._build_quietly, name="s3kg-dumps", daemon=True
            )
            self._building.start()

    def close(self) -> None:
        """Wait for a running build and remove the dumps the service wrote into a temp folder."""
        building = self._building
        if building is not None:
            building.join(timeout=30)
        if self._owns_root:
            shutil.rmtree(self.root, ignore_errors=True)

    # -- internals -----------------------------------------------------------------------------

    def _build_quietly(self) -> None:
        try:
            self._build(self.version)
        except Exception:
            log.exception("the dumps could not be written")

    def _build(self, version: str) -> DumpSet:
        with self._build_lock:
            current = self._current
            if current is not None and current.version == version:
                return current
            folder = self.root / f"v-{slug(version)}"
            files = [self._write(folder, DATASET_DUMP, None, RdfFormat.N_QUADS)]
            prefix = self.store.graphs.prefix
            for info in self.store.named_graphs():
                name = graph_dump_name(info.iri, prefix)
                files.append(self._write(folder, name, info.iri, RdfFormat.N_TRIPLES, info.triples))
            built = DumpSet(version, tuple(files))
            self._current = built
            for old in self.root.glob("v-*"):
                if old != folder:
                    shutil.rmtree(old, ignore_errors=True)
            return built

    def _write(
        self,
        folder: Path,
        name: str,
        graph: str | None,
        rdf_format: RdfFormat,
        triples: int | None = None,
    ) -> DumpFile:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with _partial(target) as partial, partial.open("wb") as raw:
            sink = _Hashing(raw)
            with gzip.GzipFile(fileobj=sink, mode="wb", mtime=0) as compressed:
                self.store.dump(cast(IO[bytes], compressed), rdf_format, graph)
        media_type = N_QUADS if rdf_format == RdfFormat.N_QUADS else N_TRIPLES
        return DumpFile(
            name, graph, media_type, target, sink.size, sink.digest.hexdigest(), triples
        )


@contextmanager
def _partial(target: Path) -> Iterator[Path]:
    """A temporary path next to ``target``, renamed to it when the block succeeds."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.part")
    try:
        yield partial
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
