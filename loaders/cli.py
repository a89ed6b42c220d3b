"""The ``s3kg load``, ``s3kg validate`` and ``s3kg drop`` commands (registered in ``api/cli.py``).

Problems are printed one per line as ``file:line:column: field: reason`` (or as JSON with
``--format json``). Exit codes: 0 all valid (and loaded), 1 problems found (nothing written unless
``--skip-invalid``), 2 wrong usage. Progress bars appear only when the error stream is a terminal.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from graph.commandline import StoreOption, opened
from graph.derived import rebuild
from loaders.pipeline import KINDS, Report, load_paths, validate_paths
from loaders.pipeline import Progress as LoadProgress

PathsArgument = Annotated[
    list[Path],
    typer.Argument(
        help="Files or directories to read. A directory contributes every file in it whose kind "
        "is recognised, in dependency order.",
        show_default=False,
    ),
]
KindOption = Annotated[
    str | None,
    typer.Option(
        "--kind",
        "-k",
        help=f"Read every file as this kind instead of recognising it: {', '.join(KINDS)}.",
        show_default=False,
    ),
]
FormatOption = Annotated[
    str,
    typer.Option("--format", help="How to print the report: text or json."),
]


def _check_options(kind: str | None, format: str) -> None:
    if kind is not None and kind not in KINDS:
        raise typer.BadParameter(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    if format not in ("text", "json"):
        raise typer.BadParameter(f"unknown format {format!r}; use text or json")


class _Bars:
    """Rich progress bars (rows read, rows per second, time spent), one per file."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[speed]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self.tasks: dict[tuple[str, str], TaskID] = {}

    def __call__(self, event: LoadProgress) -> None:
        key = (event.stage, event.file)
        if key not in self.tasks:
            verb = "checking" if event.stage == "validate" else "loading"
            self.tasks[key] = self.progress.add_task(
                f"{verb} {event.file}", total=event.total, speed=""
            )
        task = self.tasks[key]
        self.progress.update(task, completed=event.rows, total=event.total or None)
        speed = self.progress.tasks[task].speed
        self.progress.update(task, speed=f"{speed:,.0f} rows/s" if speed else "")
        if event.done:
            self.progress.update(task, total=event.rows, completed=event.rows)


@contextmanager
def _progress(enabled: bool) -> Iterator[_Bars | None]:
    console = Console(stderr=True)
    if not enabled or not console.is_terminal:
        yield None
        return
    bars = _Bars(console)
    with bars.progress:
        yield bars


def _print(report: Report, format: str, verb: str) -> None:
    if format == "json":
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    console = Console(soft_wrap=True, highlight=False)
    errors = Console(stderr=True, soft_wrap=True, highlight=False)
    for problem in report.problems:
        errors.print(str(problem), markup=False)
    for item in report.files:
        state = verb if item.loaded or report.dry_run else "not loaded"
        if report.dry_run:
            state = "valid" if item.problems == 0 else f"invalid ({item.problems} problems)"
        elif item.loaded and item.rejected_rows:
            state = f"loaded without {item.rejected_rows} invalid rows"
        graph = item.graph.rsplit("/graph/", 1)[-1]
        console.print(
            f"{item.path}: {item.kind}, {item.rows:,} rows, {item.triples:,} triples, "
            f"{state} ({graph}, {item.seconds:.2f} s)",
            markup=False,
        )
    count = len(report.problems)
    if report.rejected_file:
        console.print(f"rejected rows and their reasons: {report.rejected_file}", markup=False)
    if count:
        summary = f"{count} problem{'s' if count != 1 else ''}"
        if not report.dry_run and not report.skipped_invalid:
            summary += "; nothing was written"
        errors.print(summary, markup=False)


def load(
    paths: PathsArgument,
    kind: KindOption = None,
    store: StoreOption = None,
    skip_invalid: Annotated[
        Path | None,
        typer.Option(
            "--skip-invalid",
            help="Load the valid rows and write the rejected ones, with their reasons, to this "
            "CSV file (default: any problem means nothing is written).",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    format: FormatOption = "text",
    license: Annotated[
        str | None,
        typer.Option("--license", help="IRI of the data's licence, for the provenance record."),
    ] = None,
    source_url: Annotated[
        str | None,
        typer.Option("--source-url", help="IRI of the page the files come from (provenance)."),
    ] = None,
) -> None:
    """Load source files (CSV, XLSX, JSON, RDF) into the store, each into its own graph.

    Everything is validated first (columns, values, references to regions, NACE codes and other
    records, SHACL shapes); by default any problem means nothing is written. Loading a file again
    replaces its graph. The input formats are described in docs/data-formats.md.
    """
    _check_options(kind, format)
    with opened(store) as handle, _progress(format == "text") as bars:
        report = load_paths(
            handle,
            paths,
            kind,
            skip_invalid=skip_invalid,
            license=license,
            source_url=source_url,
            progress=bars,
        )
    _print(report, format, "loaded")
    if not report.ok:
        raise typer.Exit(1)


def validate(
    paths: PathsArgument,
    kind: KindOption = None,
    store: StoreOption = None,
    format: FormatOption = "text",
) -> None:
    """Check source files as 'load' would, without writing anything.

    References are checked against the regions, concepts and records in the store.
    """
    _check_options(kind, format)
    with opened(store) as handle, _progress(format == "text") as bars:
        report = validate_paths(handle, paths, kind, progress=bars)
    _print(report, format, "valid")
    if not report.ok:
        raise typer.Exit(1)


def drop(
    graph: Annotated[
        str,
        typer.Argument(
            help="The graph: its IRI, 'source/NAME', or the NAME of a loaded file "
            "(its file name without extension).",
            show_default=False,
        ),
    ],
    store: StoreOption = None,
) -> None:
    """Remove a loaded graph and its provenance record (and update the derived facts)."""
    with opened(store) as handle:
        if "://" in graph:
            iri = graph
        elif "/" in graph:
            iri = handle.graphs.prefix + graph.strip("/")
        else:
            iri = handle.graphs.source(graph)
        existed = handle.drop_graph(iri)
        if existed:
            rebuild(handle)
    if not existed:
        Console(stderr=True).print(f"there is no graph {iri} in the store", markup=False)
        raise typer.Exit(1)
    Console().print(f"dropped {iri}", markup=False, highlight=False)
