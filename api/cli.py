"""The ``s3kg`` command line: set up a store, load data, query it, export it, serve it.

Exit codes: 0 success, 1 failure (the message says what is wrong and where), 2 usage error.
Errors are printed without a traceback unless ``--debug`` is given.
"""

from __future__ import annotations

import gzip
import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Annotated, cast

import typer
from pyoxigraph import BlankNode, Literal, NamedNode
from rich.console import Console
from rich.table import Table

import graph
from api import cli_queries
from graph.commandline import StoreOption, opened, settings_for
from graph.errors import S3KGError, UnsupportedFormatError
from graph.formats import RDF_FORMATS, RESULTS_FORMATS, rdf_format, results_format
from graph.install import install
from graph.namespaces import PREFIXES
from graph.results import (
    AskResult,
    GraphResult,
    SelectResult,
    Term,
    serialize_ask,
    serialize_select,
    serialize_triples,
    term_text,
)
from graph.settings import Settings
from graph.store import OxigraphStore, open_store
from loaders import cli as loaders_cli
from loaders.synth import synth as synth_cli

app = typer.Typer(
    name="s3kg",
    help="s3kg: the knowledge graph of Europe's Smart Specialisation Strategies, clusters, "
    "SMEs, cluster services and funding calls.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="rich",
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
_state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        out.print(f"s3kg {graph.__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    _state["debug"] = debug


@app.command()
def init(store: StoreOption = None) -> None:
    """Install the ontology, SHACL shapes and bundled vocabularies (safe to run again)."""
    with opened(store) as handle:
        results = install(handle)
    table = Table("graph", "file", "status", "triples", box=None)
    for r in results:
        table.add_row(
            _short(r.graph), r.file, r.status, "" if r.triples is None else str(r.triples)
        )
    out.print(table)


def _short(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _cell(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        return _short(term.value)
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Literal):
        return term.value
    return str(term)


def _graph_name(store: OxigraphStore, name: str) -> str:
    """A graph IRI from a full IRI or a short name like ``ontology`` or ``source/clusters``."""
    if "://" in name:
        return name
    return store.graphs.prefix + name.strip("/")


@contextmanager
def _output(path: Path | None, compress: bool = False) -> Iterator[IO[bytes]]:
    if path is None or str(path) == "-":
        target: IO[bytes] = sys.stdout.buffer
        if compress:
            with gzip.GzipFile(fileobj=target, mode="wb") as zipped:
                yield cast(IO[bytes], zipped)
        else:
            yield target
        target.flush()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        with gzip.open(partial, "wb") if compress else partial.open("wb") as handle:
            yield cast(IO[bytes], handle)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


@app.command()
def query(
    sparql: Annotated[
        str | None, typer.Argument(help="The SPARQL query (or use --file).", show_default=False)
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            "-f",
            help="Read the query from this file.",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ] = None,
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="table (default for SELECT/ASK), csv, tsv, json, xml; for CONSTRUCT/DESCRIBE: "
            "turtle (default), ntriples, rdfxml, jsonld, n3.",
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Run a SPARQL query over all graphs (prefixes such as s3:, skos:, nuts: are predefined)."""
    if (sparql is None) == (file is None):
        raise typer.BadParameter("give the query either as an argument or with --file")
    text = file.read_text(encoding="utf-8") if file is not None else str(sparql)
    chosen = (format or "").lower()
    if chosen and chosen != "table" and chosen not in RESULTS_FORMATS:
        rdf_format(chosen)  # raises a clear error for unknown names
    with opened(store) as handle:
        result = handle.query(text)
    if isinstance(result, GraphResult):
        fmt = rdf_format(chosen or "turtle") if chosen != "table" else rdf_format("turtle")
        if fmt.supports_datasets and fmt.name in ("N-Quads", "TriG"):
            fmt = rdf_format("ntriples" if fmt.name == "N-Quads" else "turtle")
        with _output(output) as target:
            target.write(serialize_triples(result.triples, fmt, PREFIXES))
        return
    if chosen in ("", "table") and output is None:
        _print_table(result)
        return
    media = results_format(chosen or "csv")
    data = (
        serialize_ask(result, media)
        if isinstance(result, AskResult)
        else serialize_select(result, media)
    )
    with _output(output) as target:
        target.write(data)


def _print_table(result: SelectResult | AskResult) -> None:
    if isinstance(result, AskResult):
        out.print("true" if result.value else "false")
        return
    table = Table(*result.variables, show_lines=False)
    for row in result.rows:
        table.add_row(*(_cell(t) for t in row))
    out.print(table)
    err.print(f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}")


@app.command()
def export(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (default: stdout). '.gz' compresses."),
    ] = None,
    graph_name: Annotated[
        str | None,
        typer.Option(
            "--graph",
            "-g",
            help="Export only this graph (IRI or short name such as 'ontology', "
            "'vocab/nace2', 'source/clusters').",
        ),
    ] = None,
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help=f"{', '.join(RDF_FORMATS)} (default: nquads for the store, turtle for a graph; "
            "otherwise guessed from --output).",
        ),
    ] = None,
    compress: Annotated[bool, typer.Option("--gzip", help="Gzip the output.")] = False,
    store: StoreOption = None,
) -> None:
    """Export the whole store (N-Quads, TriG) or one graph (any RDF format)."""
    zipped = compress or (output is not None and output.suffix == ".gz")
    if format:
        fmt = rdf_format(format)
    elif output is not None and str(output) != "-":
        name = output.name.removesuffix(".gz")
        fmt = rdf_format(name.rsplit(".", 1)[-1]) if "." in name else rdf_format("nquads")
    else:
        fmt = rdf_format("turtle" if graph_name else "nquads")
    with opened(store) as handle:
        iri = _graph_name(handle, graph_name) if graph_name else None
        if iri is None and not fmt.supports_datasets:
            raise UnsupportedFormatError(
                f"{fmt.name} holds one graph only: export the whole store as nquads or trig, "
                "or choose a graph with --graph"
            )
        with _output(output, zipped) as target:
            handle.dump(target, fmt, iri)
    if output is not None and str(output) != "-":
        err.print(f"wrote {output}")


_GRAPHS_QUERY = """
SELECT ?graph ?file ?loader ?ended ?meta WHERE {
  GRAPH ?meta {
    ?graph prov:wasGeneratedBy ?load .
    ?load prov:endedAtTime ?ended ; prov:wasAssociatedWith/rdfs:label ?loader .
    OPTIONAL { ?load prov:used/dcterms:title ?file }
  }
}"""


@app.command()
def graphs(
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    store: StoreOption = None,
) -> None:
    """List the named graphs with their sizes and where their data came from."""
    if format not in ("table", "json"):
        raise typer.BadParameter("use table or json", param_hint="--format")
    with opened(store) as handle:
        infos = handle.named_graphs()
        meta = handle.query(
            _GRAPHS_QUERY, substitutions={"meta": NamedNode(handle.graphs.metadata)}
        )
    assert isinstance(meta, SelectResult)
    origin = {term_text(row[0]): row for row in meta.rows}
    records = []
    for info in infos:
        row = origin.get(info.iri)
        records.append(
            {
                "graph": info.iri,
                "triples": info.triples,
                "file": _cell(row[1]) if row else "",
                "loader": _cell(row[2]) if row else "",
                "loaded": _cell(row[3]) if row else "",
            }
        )
    if format == "json":
        out.print_json(json.dumps(records))
        return
    table = Table("graph", "triples", "file", "loaded", "by", box=None)
    for r in records:
        table.add_row(
            _short(str(r["graph"])),
            str(r["triples"]),
            str(r["file"]),
            str(r["loaded"]),
            str(r["loader"]),
        )
    out.print(table)


HostOption = Annotated[str | None, typer.Option("--host", help="Address to listen on.")]
PortOption = Annotated[int | None, typer.Option("--port", help="Port to listen on.")]


def _serve(settings: Settings) -> None:
    import uvicorn

    from api.app import create_app

    err.print(f"s3kg serving {settings.store} on http://{settings.host}:{settings.port}/")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")


@app.command()
def serve(host: HostOption = None, port: PortOption = None, store: StoreOption = None) -> None:
    """Serve the store over HTTP: SPARQL endpoint, named queries, linked data, pages."""
    _serve(settings_for(store, host=host, port=port))


@app.command()
def demo(
    host: HostOption = None,
    port: PortOption = None,
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            help="Where to build the demo store (default: a fresh temporary "
            "directory, removed on exit). An existing store there is replaced.",
        ),
    ] = None,
    serve_it: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the demo store when it is built.")
    ] = True,
) -> None:
    """Build a fresh store with the bundled Alpine Space data and serve it."""
    from graph.demo import build_demo

    temporary = store is None
    if store is None:
        location = Path(tempfile.mkdtemp(prefix="s3kg-demo-")) / "store"
    else:
        location = Path(store)
    try:
        if location.exists():
            shutil.rmtree(location)
        settings = settings_for(str(location), host=host, port=port)
        handle = open_store(settings)
        try:
            for line in build_demo(handle):
                err.print(line)
        finally:
            handle.close()
        if serve_it:
            _serve(settings)
    finally:
        if temporary:
            shutil.rmtree(location.parent, ignore_errors=True)


# Commands defined next to the code they drive.
app.command()(loaders_cli.load)
app.command()(loaders_cli.validate)
app.command()(loaders_cli.drop)
app.command()(synth_cli)
app.command(name="run")(cli_queries.run)


def main() -> None:
    """Entry point of the ``s3kg`` console script."""
    try:
        app()
    except S3KGError as error:
        if _state["debug"]:
            raise
        err.print(f"[bold red]error:[/] {error}", highlight=False)
        problems = getattr(error, "problems", [])
        for problem in problems:
            err.print(f"  {problem}", highlight=False, markup=False)
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except Exception as error:
        if _state["debug"]:
            raise
        err.print(
            f"[bold red]internal error:[/] {type(error).__name__}: {error}\n"
            "Run again with --debug for the traceback, and please report it.",
            highlight=False,
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
