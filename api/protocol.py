"""SPARQL 1.1 Protocol requests: which operation, its text, its dataset (W3C Protocol §2.1, §2.2).

A query comes by GET (``?query=``), by POST of a form, or by POST of ``application/sparql-query``;
an update by POST of a form (``update=``) or of ``application/sparql-update``. The text must be
UTF-8, and exactly one operation string may be given, in the URL or in the body but not both.

>>> op = operation({"query": ["ASK {}"], "default-graph-uri": ["http://ex.org/g"]})
>>> op.query, op.default_graphs, op.named_graphs
('ASK {}', ('http://ex.org/g',), ())
>>> operation({"query": ["ASK {}", "ASK {}"]})
Traceback (most recent call last):
...
graph.errors.ParameterError: query: give one 'query' parameter, not 2
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qs

from fastapi import Request
from pyoxigraph import NamedNode

from api.media import FORMAT_PARAMETERS
from graph.errors import ParameterError, QuerySyntaxError, UnsupportedMediaTypeError

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"

_DATASET = ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri")
_POSITION = re.compile(r"error at (\d+):(\d+)")

Values = dict[str, list[str]]


@dataclass(frozen=True)
class Operation:
    """One protocol request: a query or an update (or neither: a bare GET), with its dataset."""

    query: str | None = None
    update: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    using_graphs: tuple[str, ...] = ()
    using_named_graphs: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()

    @property
    def has_dataset(self) -> bool:
        """True when the request names the query's dataset (which then replaces the default)."""
        return bool(self.default_graphs or self.named_graphs)


def query_values(query_string: str) -> Values:
    """The parameters of a URL query string, decoded once, repeated ones kept."""
    return parse_qs(query_string, keep_blank_values=True)


def _single(values: Mapping[str, Sequence[str]], name: str) -> str | None:
    found = values.get(name, [])
    if len(found) > 1:
        raise ParameterError(name, f"give one '{name}' parameter, not {len(found)}")
    return found[0] if found else None


def _iris(values: Mapping[str, Sequence[str]], name: str) -> tuple[str, ...]:
    found = tuple(values.get(name, []))
    for iri in found:
        try:
            NamedNode(iri)
        except ValueError:
            raise ParameterError(name, f"{iri!r} is not an absolute IRI") from None
    return found


def operation(values: Mapping[str, Sequence[str]]) -> Operation:
    """The operation the parameters describe (ParameterError when they contradict each other)."""
    query = _single(values, "query")
    update = _single(values, "update")
    if query is not None and update is not None:
        raise ParameterError("update", "send a query or an update, not both")
    formats = tuple(v for name in FORMAT_PARAMETERS for v in values.get(name, []) if v.strip())
    default_graphs, named_graphs, using_graphs, using_named = (_iris(values, n) for n in _DATASET)
    op = Operation(query, update, default_graphs, named_graphs, using_graphs, using_named, formats)
    if update is not None and op.has_dataset:
        raise ParameterError(
            "default-graph-uri", "an update names its dataset with using-graph-uri"
        )
    if query is not None and (op.using_graphs or op.using_named_graphs):
        raise ParameterError("using-graph-uri", "a query names its dataset with default-graph-uri")
    return op


def _media_type(request: Request) -> tuple[str, str | None]:
    header = request.headers.get("content-type", "")
    media_type, *params = (part.strip() for part in header.split(";"))
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media_type.lower(), charset


def _text(body: bytes, charset: str | None) -> str:
    if charset not in (None, "utf-8", "utf8"):
        raise UnsupportedMediaTypeError(f"send the request body in UTF-8, not {charset}")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise UnsupportedMediaTypeError("the request body is not valid UTF-8") from None


async def post_operation(request: Request) -> Operation:
    """The operation of a POST to the SPARQL endpoint (415 for any other body type)."""
    values = query_values(request.url.query)
    media_type, charset = _media_type(request)
    body = await request.body()
    if media_type == FORM:
        form = query_values(_text(body, charset))
        for name in ("query", "update"):
            if name in form and name in values:
                raise ParameterError(name, f"give the {name} either in the URL or in the body")
        for key, items in form.items():
            values.setdefault(key, []).extend(items)
    elif media_type in (SPARQL_QUERY, SPARQL_UPDATE):
        name = "query" if media_type == SPARQL_QUERY else "update"
        if "query" in values or "update" in values:
            raise ParameterError(name, f"give the {name} either in the URL or in the body")
        values[name] = [_text(body, charset)]
    else:
        raise UnsupportedMediaTypeError(
            f"a POST to the SPARQL endpoint is {FORM}, {SPARQL_QUERY} or {SPARQL_UPDATE}, "
            f"not {media_type or 'a body without Content-Type'}"
        )
    return operation(values)


def with_base(text: str, base: str) -> str:
    """The operation with ``base`` declared as its base IRI, so relative IRIs resolve.

    The declaration takes a line of its own; :func:`unshift` puts parser positions back.

    >>> with_base("ASK { <s> ?p ?o }", "http://ex.org/sparql")
    'BASE <http://ex.org/sparql>\\nASK { <s> ?p ?o }'
    """
    return f"BASE <{base}>\n{text}"


def unshift(error: QuerySyntaxError) -> QuerySyntaxError:
    """The parser error of an operation prefixed by :func:`with_base`, with its own line numbers.

    >>> str(unshift(QuerySyntaxError("the query does not parse: error at 2:7: expected WHERE")))
    'the query does not parse: error at 1:7: expected WHERE'
    """
    message = _POSITION.sub(
        lambda m: f"error at {max(1, int(m[1]) - 1)}:{m[2]}", str(error), count=1
    )
    return QuerySyntaxError(message)
