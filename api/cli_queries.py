"""``s3kg run``: list the named queries and run one with its parameters.

    s3kg run --list
    s3kg run --list alignment-ranking          # one query's parameters
    s3kg run alignment-ranking -p region=ITC4 -p k=5
    s3kg run alignment-matrix --format csv > matrix.csv

Errors are :mod:`graph.errors` exceptions, which the main command prints (exit code 1).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Annotated

import typer
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat
from rich.console import Console
from rich.table import Table

from graph.catalog import Catalog, NamedQuery
from graph.commandline import StoreOption, opened
from graph.errors import ParameterError
from graph.formats import RESULTS_FORMATS
from graph.namespaces import PREFIXES
from graph.results import (
    AskResult,
    QueryResult,
    SelectResult,
    Term,
    serialize_ask,
    serialize_select,
    serialize_triples,
)

FORMATS = ("table", "csv", "json")
_out = Console(soft_wrap=True)
_err = Console(stderr=True, soft_wrap=True)


def parse_params(items: Sequence[str]) -> dict[str, str]:
    """``key=value`` items as a mapping; a repeated key collects its values with commas.

    >>> parse_params(["region=ITC4", "regions=AT31", "regions=SI0", "note=a=b"])
    {'region': 'ITC4', 'regions': 'AT31,SI0', 'note': 'a=b'}
    """
    params: dict[str, str] = {}
    for item in items:
        key, equals, value = item.partition("=")
        key = key.strip()
        if not equals or not key:
            raise ParameterError(key or item, f"write parameters as key=value, got {item!r}")
        params[key] = f"{params[key]},{value.strip()}" if key in params else value.strip()
    return params


def run(
    name: Annotated[
        str | None,
        typer.Argument(help="The named query to run (see --list).", show_default=False),
    ] = None,
    list_: Annotated[
        bool,
        typer.Option("--list", help="List the named queries, or the parameters of NAME."),
    ] = False,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            help="A parameter as key=value; repeat for several (a repeated key makes a list).",
            show_default=False,
        ),
    ] = None,
    format: Annotated[
        str, typer.Option("--format", help="table (default), csv or json.")
    ] = "table",
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=0, help="Return at most this many rows.", show_default=False),
    ] = None,
    offset: Annotated[
        int | None,
        typer.Option("--offset", min=0, help="Skip this many rows first.", show_default=False),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Run a named query of the catalogue (alignment, partners, calls, gaps, ...)."""
    chosen = format.lower()
    if chosen not in FORMATS:
        raise typer.BadParameter(f"use one of {', '.join(FORMATS)}", param_hint="--format")
    catalog = Catalog.load()
    if list_:
        _list(catalog, name, chosen)
        return
    if name is None:
        raise typer.BadParameter("name a query, or use --list to see them", param_hint="NAME")
    params = parse_params(param or [])
    catalog.get(name)
    with opened(store) as handle:
        result = catalog.run(handle, name, params, limit=limit, offset=offset)
    _write(result, chosen)
    if not isinstance(result, AskResult) and result.truncated:
        shown = len(result.rows) if isinstance(result, SelectResult) else len(result.triples)
        _err.print(f"more results follow: use --offset {(offset or 0) + shown}")


def _list(catalog: Catalog, name: str | None, chosen: str) -> None:
    queries = [catalog.get(name)] if name else list(catalog)
    if chosen == "json":
        described = [q.describe() for q in queries]
        sys.stdout.write(json.dumps(described if name is None else described[0], indent=2) + "\n")
        return
    if name is not None:
        _describe(queries[0], chosen)
        return
    if chosen == "csv":
        rows = [
            (q.name, q.form, q.summary, " ".join(p.name for p in q.parameters)) for q in queries
        ]
        _write_csv(("name", "form", "summary", "parameters"), rows)
        return
    table = Table("name", "summary", "parameters", box=None)
    for q in queries:
        table.add_row(
            q.name, q.summary, ", ".join(_param_text(p.name, p.required) for p in q.parameters)
        )
    _out.print(table)


def _param_text(name: str, required: bool) -> str:
    return f"{name}*" if required else name


def _describe(query: NamedQuery, chosen: str) -> None:
    rows = [
        (
            p.name,
            p.spec,
            "yes" if p.required else "",
            p.default or "",
            p.example or "",
            p.description,
        )
        for p in query.parameters
    ]
    header = ("parameter", "type", "required", "default", "example", "description")
    if chosen == "csv":
        _write_csv(header, rows)
        return
    _out.print(f"[bold]{query.name}[/]: {query.summary}", highlight=False)
    if query.description:
        _out.print(query.description, highlight=False)
    table = Table(*header, box=None)
    for row in rows:
        table.add_row(*row)
    _out.print(table)


def _write_csv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    result = SelectResult(list(header), [tuple(Literal(c) for c in row) for row in rows])
    sys.stdout.buffer.write(serialize_select(result, RESULTS_FORMATS["csv"]))


def _write(result: QueryResult, chosen: str) -> None:
    if isinstance(result, AskResult):
        if chosen == "table":
            _out.print("true" if result.value else "false")
        else:
            media = RESULTS_FORMATS["csv" if chosen == "csv" else "json"]
            sys.stdout.buffer.write(serialize_ask(result, media))
        return
    if not isinstance(result, SelectResult):
        sys.stdout.buffer.write(serialize_triples(result.triples, RdfFormat.TURTLE, PREFIXES))
        return
    if chosen != "table":
        sys.stdout.buffer.write(serialize_select(result, RESULTS_FORMATS[chosen]))
        return
    table = Table(*result.variables)
    for row in result.rows:
        table.add_row(*(_cell(term) for term in row))
    _out.print(table)
    _err.print(f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}")


def _cell(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        for prefix, namespace in PREFIXES.items():
            if term.value.startswith(namespace) and len(term.value) > len(namespace):
                return f"{prefix}:{term.value[len(namespace) :]}"
        return term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Literal):
        return term.value
    return str(term)
