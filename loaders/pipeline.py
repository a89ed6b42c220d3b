"""Loading source files into the store: find their kind, validate everything, then write.

:func:`load_paths` is what ``s3kg load`` and the API call; :func:`validate_paths` is its dry run
(``s3kg validate``). Both take files and directories; a directory contributes every file in it
whose kind is recognised, loaded in dependency order (vocabularies, NUTS, NACE, priorities,
clusters, SMEs and memberships, services, schemes and calls, activities, actions, other RDF).

A load reads every file once, streaming (memory stays flat as files grow), inside one
:meth:`~graph.store.GraphStore.loading` of the store:

1. **Staging.** Each file is converted (rows read, validated, references checked against what
   the store and the earlier files of the load hold) and its triples streamed, as N-Triples
   text, into the store's bulk loader: into the graph ``{base}graph/source/{file stem}`` itself
   while queries cannot see it, or into a hidden staging graph when that graph exists already.
   There the SHACL shapes of ``ontology/shapes.ttl`` are checked (:mod:`loaders.shacl`). Every
   problem of every file is collected. Nothing visible changes.
2. **Publishing**, only when nothing was found wrong (or ``skip_invalid`` is given): all the
   staged graphs become visible at once, with their provenance records; a graph that existed is
   replaced. Readers see the old graphs or the new ones, never a mix; a failed load, or a dry
   run, leaves the store as it was. Then the derived graph is rebuilt.

With ``skip_invalid``, invalid rows are left out and written with their reasons to a CSV file;
a file with problems that are not about single rows (wrong columns, SHACL violations) is left out
whole, and later files of the load cannot refer to its records.
"""

from __future__ import annotations

import csv
import functools
import importlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, cast

from pyoxigraph import NamedNode

from graph.derived import rebuild
from graph.errors import NotFoundError, ParameterError
from graph.namespaces import PREFIXES
from graph.provenance import LoadRecord, now, sha256_of
from graph.resources import ontology_dir
from graph.results import SelectResult
from graph.store import GraphStore, Load
from loaders.base import KnownIris, LoadContext, Loader, Problem
from loaders.records import layout_of
from loaders.rows import TableLoader
from loaders.shacl import Shapes, compile_shapes
from loaders.tabular import open_table, read_header

#: The kinds, in the order their files are loaded (later kinds refer to earlier ones).
KINDS: tuple[str, ...] = (
    "vocabulary",
    "nuts",
    "nace",
    "priorities",
    "clusters",
    "smes",
    "services",
    "calls",
    "activities",
    "actions",
    "rdf",
)

_MODULES = (
    "loaders.vocabulary",
    "loaders.nuts",
    "loaders.nace",
    "loaders.priorities",
    "loaders.clusters",
    "loaders.smes",
    "loaders.services",
    "loaders.calls",
    "loaders.activities",
    "loaders.actions",
    "loaders.rdf",
)

# The classes of records that other files may refer to: their IRIs make up ``context.known``.
_KNOWN_TYPES = (
    "s3:Region",
    "skos:Concept",
    "s3:Cluster",
    "s3:S3Priority",
    "s3:SME",
    "s3:SynchronisedCallScheme",
)

#: Up to how many instances of a class files may refer to are held in memory during a load;
#: the instances of larger classes are looked up in the store.
HELD_INSTANCES = 200_000
#: Files of more rows than this are checked against the SHACL shapes with the streaming forms of
#: the queries (slower; only the maximum counts keep something per focus node, one at a time).
STREAMED_ROWS = 1_000_000
# How many known IRIs of a looked-up class are read for suggestions.
_SAMPLES = 20_000

# Progress is reported every so many rows.
_PROGRESS_EVERY = 1000

Stage = Literal["validate", "load"]


@dataclass(frozen=True)
class Progress:
    """How far the reading of one file is: ``rows`` of ``total`` (None when not known yet)."""

    stage: Stage
    file: str
    rows: int
    total: int | None
    done: bool = False


ProgressCallback = Callable[[Progress], None]


@dataclass
class FileReport:
    """What happened to one source file."""

    path: str
    kind: str
    graph: str
    rows: int = 0
    triples: int = 0
    rejected_rows: int = 0
    problems: int = 0
    loaded: bool = False
    seconds: float = 0.0


@dataclass
class Report:
    """The outcome of a load or a validation: per file counts, every problem, timings."""

    dry_run: bool
    files: list[FileReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped_invalid: bool = False
    rejected_file: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when everything asked for was valid (and, for a load, written).

        With ``skip_invalid``, rejected rows do not make a load fail; a file left out does.
        """
        if self.skipped_invalid and not self.dry_run:
            return bool(self.files) and all(f.loaded for f in self.files)
        return not self.problems and bool(self.files)

    def summary(self) -> str:
        """One line: files, rows, triples and problems.

        >>> Report(dry_run=False, files=[FileReport("a.csv", "clusters", "g", 3, 50)]).summary()
        '1 file, 3 rows, 50 triples'
        """
        files = len(self.files)
        text = (
            f"{files} file{'s' if files != 1 else ''}, "
            f"{sum(f.rows for f in self.files):,} rows, "
            f"{sum(f.triples for f in self.files):,} triples"
        )
        if self.problems:
            count = len(self.problems)
            text += f", {count} problem{'s' if count != 1 else ''}"
        return text

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready values."""
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "seconds": round(self.seconds, 3),
            "files": [asdict(f) for f in self.files],
            "problems": [p.as_dict() for p in self.problems],
            "rejected_file": self.rejected_file,
        }


@dataclass
class _Planned:
    path: Path
    kind: str
    loader: Loader
    graph: str
    order: tuple[int, int, str]


def loaders() -> dict[str, Loader]:
    """One loader of each kind, by kind, in loading order."""
    found: dict[str, Loader] = {}
    for name in _MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name == name:
                continue
            raise
        for value in vars(module).values():
            kind = getattr(value, "kind", None)
            if (
                isinstance(value, type)
                and value.__module__ == name
                and isinstance(kind, str)
                and callable(getattr(value, "convert", None))
                and callable(getattr(value, "recognises", None))
                and not getattr(value, "__abstractmethods__", None)
            ):
                found[kind] = cast(Loader, value())
    return {kind: found[kind] for kind in KINDS if kind in found}


def detect_kind(path: Path) -> str:
    """The kind of a file, from its extension and columns.

    :raises NotFoundError: when the file does not exist.
    :raises ParameterError: when no loader recognises it.
    """
    if not path.exists():
        raise NotFoundError(f"{path}: no such file or directory")
    for kind, loader in loaders().items():
        if loader.recognises(path):
            return kind
    raise ParameterError("kind", _unrecognised(path))


def _unrecognised(path: Path) -> str:
    hint = ""
    if path.suffix.lower() in (".csv", ".xlsx", ".json"):
        columns = read_header(path)
        if columns:
            hint = f" (its columns: {', '.join(columns[:12])})"
    return (
        f"{path}: cannot tell what kind of file this is{hint}; pass --kind with one of "
        f"{', '.join(KINDS)} (docs/data-formats.md describes each)"
    )


def _order(kind: str, path: Path, loader: Loader) -> tuple[int, int, str]:
    sub = 0
    if isinstance(loader, TableLoader) and len(loader.layouts) > 1:
        layout = layout_of(read_header(path), loader.layouts)
        # schemes before calls, SMEs before memberships: the later refer to the earlier
        sub = {"schemes": 0, "calls": 1, "smes": 0, "memberships": 1}.get(
            layout.layout if layout else "", 0
        )
    return KINDS.index(kind), sub, path.name


def _plan(
    store: GraphStore, paths: Sequence[Path], kind: str | None, report: Report
) -> list[_Planned]:
    available = loaders()
    if kind is not None and kind not in available:
        raise ParameterError("kind", f"unknown kind {kind!r}; use one of {', '.join(available)}")
    planned: list[_Planned] = []

    def add(path: Path, chosen: str) -> None:
        loader = available[chosen]
        graph = store.graphs.source(path.stem)
        planned.append(_Planned(path, chosen, loader, graph, _order(chosen, path, loader)))

    for path in paths:
        if not path.exists():
            report.problems.append(
                Problem(str(path), None, None, None, "no such file or directory")
            )
            continue
        if path.is_dir():
            before = len(planned)
            for child in sorted(p for p in path.iterdir() if p.is_file()):
                if child.name.startswith("."):
                    continue
                if kind is not None:
                    if available[kind].recognises(child):
                        add(child, kind)
                    continue
                for name, loader in available.items():
                    if loader.recognises(child):
                        add(child, name)
                        break
            if len(planned) == before:
                what = f"{kind} file" if kind else "file of a kind s3kg loads"
                report.problems.append(
                    Problem(
                        str(path),
                        None,
                        None,
                        None,
                        f"the directory holds no {what} (see docs/data-formats.md)",
                    )
                )
            continue
        if kind is not None:
            add(path, kind)
            continue
        for name, loader in available.items():
            if loader.recognises(path):
                add(path, name)
                break
        else:
            report.problems.append(Problem(str(path), None, None, None, _unrecognised(path)))
    planned.sort(key=lambda item: item.order)
    graphs: dict[str, Path] = {}
    unique: list[_Planned] = []
    for item in planned:
        other = graphs.setdefault(item.graph, item.path)
        if other == item.path:
            unique.append(item)
        else:
            report.problems.append(
                Problem(
                    str(item.path),
                    None,
                    None,
                    None,
                    f"{other} and {item.path} would both load into {item.graph}; rename one "
                    "(each file's name without extension names its graph)",
                )
            )
    return unique


def known_iris(
    store: GraphStore | Load, classes: Sequence[str] = _KNOWN_TYPES, limit: int | None = None
) -> set[str]:
    """The IRIs of the instances of ``classes`` (regions, concepts, records files refer to),
    at most ``limit`` of them.

    ``store`` may be a load in progress: its staged graphs count, in place of those they replace.
    """
    if not classes:
        return set()
    values = " ".join(classes)
    paging = f" LIMIT {limit}" if limit is not None else ""
    result = store.query(f"SELECT DISTINCT ?s WHERE {{ VALUES ?t {{ {values} }} ?s a ?t }}{paging}")
    assert isinstance(result, SelectResult)
    return {row[0].value for row in result.rows if isinstance(row[0], NamedNode)}


_shapes_cache: dict[tuple[str, float], Shapes] = {}


def default_shapes() -> Shapes | None:
    """The compiled shapes of ``ontology/shapes.ttl`` (None when the file is missing)."""
    path = ontology_dir() / "shapes.ttl"
    if not path.is_file() or path.stat().st_size == 0:
        return None
    key = (str(path), path.stat().st_mtime)
    if key not in _shapes_cache:
        _shapes_cache.clear()
        _shapes_cache[key] = compile_shapes(path)
    return _shapes_cache[key]


def shacl_problems(
    store: GraphStore, shapes: Shapes, graph: str, file: str, rows: int = 0
) -> list[Problem]:
    """The SHACL violations in ``graph`` (a staged graph), as problems of ``file``.

    A file of more than :data:`STREAMED_ROWS` rows is checked with the streaming forms of the
    queries (:func:`loaders.shacl.compile_shapes`), with at most one query at a time whose
    memory grows with the data (the maximum counts); smaller ones with the faster forms.
    """
    large = rows > STREAMED_ROWS
    if large and shapes.streamed is not None:
        shapes = shapes.streamed

    def query(sparql: str) -> Iterable[dict[str, Any]]:
        result = store.query(sparql, default_graph=[graph])
        assert isinstance(result, SelectResult)
        return result.dicts()

    problems = []
    threads = min(4, os.cpu_count() or 1)
    for violation in shapes.run(query, threads=threads, one_growing=large):
        name = violation.name or (violation.path or "").strip("<>").rsplit("#", 1)[-1]
        focus = getattr(violation.focus, "value", str(violation.focus))
        message = f"{violation.message} ({focus})"
        if violation.value is not None:
            message = f"{violation.message} ({focus}, value {violation.value})"
        problems.append(Problem(file, None, None, name or None, message))
    return problems


@dataclass(frozen=True)
class _Options:
    """How a run goes: what it writes, what it records, whom it tells."""

    write: bool
    skip_invalid: Path | None = None
    license: str | None = None
    source_url: str | None = None
    progress: ProgressCallback | None = None
    shapes: Shapes | None = None
    derive: bool = True

    @property
    def stage(self) -> Stage:
        return "load" if self.write else "validate"


@dataclass
class _Staged:
    """A file staged by a run: its report, its problems and its provenance record."""

    item: _Planned
    report: FileReport
    problems: list[Problem]
    record: LoadRecord

    @property
    def loadable(self) -> bool:
        """True unless its problems are not about single rows (so it cannot be loaded at all)."""
        rows, problems = self.report.rows, self.problems
        return not ((rows == 0 and bool(problems)) or any(p.line is None for p in problems))


def _lines(item: _Planned, context: LoadContext, options: _Options) -> Iterator[str]:
    """The file's triples as N-Triples text, telling ``options.progress`` how far reading is."""
    loader = item.loader
    if isinstance(loader, TableLoader):
        lines: Iterable[str] = loader.ntriples(item.path, context, remember=False)
    else:
        lines = (f"{triple} .\n" for triple in loader.convert(item.path, context))
    progress, name = options.progress, item.path.name
    last = 0
    for text in lines:
        if progress is not None and context.rows - last >= _PROGRESS_EVERY:
            last = context.rows
            progress(Progress(options.stage, name, context.rows, None))
        yield text
    if progress is not None:
        progress(Progress(options.stage, name, context.rows, None, done=True))


def _references(load: Load, item: _Planned) -> KnownIris:
    """What the rows of the file may refer to: instances of the classes its layout names.

    They are held in memory, but for classes with more than :data:`HELD_INSTANCES` instances
    (SMEs, at EU scale), which are looked up in the store as rows refer to them, so that memory
    stays flat however many records earlier files have made.
    """
    if not isinstance(item.loader, TableLoader):
        return KnownIris()
    held: set[str] = set()
    looked_up: list[str] = []
    for curie in item.loader.references(item.path):
        some = known_iris(load, [curie], limit=HELD_INSTANCES + 1)
        if len(some) > HELD_INSTANCES:
            looked_up.append(_expand(curie))
        else:
            held |= some
    if not looked_up:
        return KnownIris(held)
    test = functools.lru_cache(maxsize=4096)(load.typed(looked_up))

    def samples(namespace: str) -> list[str]:
        values = " ".join(f"<{iri}>" for iri in looked_up)
        result = load.query(
            f"SELECT ?s ?namespace WHERE {{ VALUES ?t {{ {values} }} ?s a ?t "
            f"FILTER(STRSTARTS(STR(?s), STR($namespace))) }} LIMIT {_SAMPLES}",
            substitutions={"namespace": NamedNode(namespace)},
        )
        assert isinstance(result, SelectResult)
        return [row[0].value for row in result.rows if isinstance(row[0], NamedNode)]

    return KnownIris(held, [test], samples)


def _expand(curie: str) -> str:
    """``s3:SME`` as a full IRI."""
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local


def _stage_file(store: GraphStore, load: Load, item: _Planned, options: _Options) -> _Staged:
    """Convert, validate and stage one file; its graph stays hidden until the run publishes."""
    started_at, started = now(), time.perf_counter()
    sha256 = sha256_of(item.path)
    context = LoadContext(store.graphs, known=_references(load, item))
    violations: list[Problem] = []

    def check(graph: str) -> None:
        if options.shapes is not None and context.rows:
            violations.extend(
                shacl_problems(store, options.shapes, graph, item.path.name, context.rows)
            )

    triples = load.stage_lines(item.graph, _lines(item, context, options), check=check)
    problems = context.problems + violations
    if sha256_of(item.path) != sha256:
        problems.append(
            Problem(
                item.path.name,
                None,
                None,
                None,
                "the file changed while it was being loaded; load it again",
            )
        )
    rejected = {p.line for p in context.problems if p.line is not None} if context.rows else set()
    report = FileReport(
        str(item.path),
        item.kind,
        item.graph,
        rows=context.rows,
        triples=triples,
        rejected_rows=len(rejected),
        problems=len(problems),
    )
    record = LoadRecord(
        graph=item.graph,
        file_name=item.path.name,
        byte_size=item.path.stat().st_size,
        sha256=sha256,
        rows=context.rows,
        triples=triples,
        loader=item.kind,
        loader_version=item.loader.version,
        started=started_at,
        ended=now(),
        license=options.license,
        source_url=options.source_url,
    )
    report.seconds = time.perf_counter() - started
    return _Staged(item, report, problems, record)


def _publish(load: Load, staged: list[_Staged], report: Report, options: _Options) -> bool:
    """Publish the staged files, all at once; True when anything was published.

    By default only when nothing at all is wrong; with ``skip_invalid`` in any case (the files
    with file-level problems were discarded as soon as they were staged).
    """
    if not options.write or not staged:
        return False
    if options.skip_invalid is None and report.problems:
        return False
    load.publish({s.item.graph: s.record for s in staged})
    for s in staged:
        s.report.loaded = True
    return True


def _run(
    store: GraphStore, paths: Sequence[Path | str], kind: str | None, options: _Options
) -> Report:
    began = time.perf_counter()
    report = Report(dry_run=not options.write, skipped_invalid=options.skip_invalid is not None)
    planned = _plan(store, [Path(p) for p in paths], kind, report)
    if options.shapes is None:
        options = replace(options, shapes=default_shapes())
    staged: list[_Staged] = []
    with store.loading() as load:
        for item in planned:
            done = _stage_file(store, load, item, options)
            report.files.append(done.report)
            report.problems.extend(done.problems)
            if options.skip_invalid is not None and not done.loadable:
                load.discard(item.graph)  # later files must not refer to what it defines
                continue
            staged.append(done)
        published = _publish(load, staged, report, options)
    if published and options.derive:
        rebuild(store)
    if options.skip_invalid is not None and options.write:
        write_rejected(options.skip_invalid, planned, report.problems)
        report.rejected_file = str(options.skip_invalid)
    report.seconds = time.perf_counter() - began
    return report


def validate_paths(
    store: GraphStore,
    paths: Sequence[Path | str],
    kind: str | None = None,
    *,
    progress: ProgressCallback | None = None,
    shapes: Shapes | None = None,
) -> Report:
    """Check files (or directories) as a load would, without changing the store.

    :param kind: read every file as this kind instead of recognising each one.
    :param shapes: SHACL shapes to check (default: the compiled ``ontology/shapes.ttl``).
    :raises ParameterError: for an unknown ``kind``.
    """
    return _run(store, paths, kind, _Options(write=False, progress=progress, shapes=shapes))


def load_paths(
    store: GraphStore,
    paths: Sequence[Path | str],
    kind: str | None = None,
    skip_invalid: Path | None = None,
    license: str | None = None,
    source_url: str | None = None,
    progress: ProgressCallback | None = None,
    *,
    shapes: Shapes | None = None,
    derive: bool = True,
) -> Report:
    """Validate files (or directories) and, when all is valid, load each into its own graph.

    By default any problem means nothing is written: the files are published together or not at
    all. With ``skip_invalid`` (a CSV file to create), the valid rows are loaded and the rejected
    ones are written there with their reasons. ``license`` and ``source_url`` (IRIs) go into each
    file's provenance record. When anything was loaded, the derived graph is rebuilt
    (``derive=False`` leaves that to the caller, e.g. after several loads).

    :raises ParameterError: for an unknown ``kind``.
    """
    options = _Options(
        write=True,
        skip_invalid=skip_invalid,
        license=license,
        source_url=source_url,
        progress=progress,
        shapes=shapes,
        derive=derive,
    )
    return _run(store, paths, kind, options)


REJECTED_COLUMNS = ("file", "line", "column", "field", "reason", "row")


def write_rejected(target: Path, planned: Sequence[_Planned], problems: Sequence[Problem]) -> int:
    """Write the problems, one per line, with the content of the row each is about (as JSON).

    Returns the number of rejected rows. Files are read again to recover the rows, streaming.
    """
    by_file: dict[str, dict[int, list[Problem]]] = {}
    loose: list[Problem] = []
    names = {item.path.name: item.path for item in planned}
    for problem in problems:
        if problem.line is not None and problem.file in names:
            by_file.setdefault(problem.file, {}).setdefault(problem.line, []).append(problem)
        else:
            loose.append(problem)
    rejected = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REJECTED_COLUMNS)
        for problem in loose:
            writer.writerow([problem.file, "", "", problem.field or "", problem.message, ""])
        for name, lines in by_file.items():
            path = names[name]
            rows: dict[int, str] = {}
            if path.suffix.lower() in (".csv", ".xlsx", ".json"):
                for row in open_table(path, lambda problem: None):
                    if row.line in lines:
                        rows[row.line] = json.dumps(row.values(), ensure_ascii=False)
            for line in sorted(lines):
                rejected += 1
                for problem in lines[line]:
                    writer.writerow(
                        [
                            name,
                            line,
                            "" if problem.column is None else problem.column,
                            problem.field or "",
                            problem.message,
                            rows.get(line, ""),
                        ]
                    )
    return rejected
