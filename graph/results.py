"""Query results as plain Python values, and their serialisations.

The store materialises results in the thread that ran the query (pyoxigraph iterators may not
cross threads), so these objects can be handed to any thread, paged and serialised.

>>> from pyoxigraph import Literal, NamedNode
>>> a = NamedNode("http://ex.org/a")
>>> r = SelectResult(["s", "n"], [(a, Literal("Z\\u00fcrich")), (None, Literal("2"))])
>>> print(serialize_select(r, "text/csv").decode(), end="")
s,n\r
http://ex.org/a,Zürich\r
,2\r
>>> serialize_select(r, "application/sparql-results+json")[:40]
b'{"head":{"vars":["s","n"]},"results":{"b'
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from typing import TypeAlias
from xml.sax.saxutils import escape, quoteattr

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from graph.errors import UnsupportedFormatError
from graph.formats import RESULTS_FORMATS

Term: TypeAlias = NamedNode | BlankNode | Literal | Triple
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass
class SelectResult:
    """Rows of a SELECT query; ``None`` stands for an unbound variable."""

    variables: list[str]
    rows: list[tuple[Term | None, ...]]
    truncated: bool = False

    def dicts(self) -> list[dict[str, Term]]:
        """The rows as ``{variable: term}`` dictionaries without the unbound variables."""
        return [
            {v: t for v, t in zip(self.variables, row, strict=True) if t is not None}
            for row in self.rows
        ]


@dataclass
class AskResult:
    """The answer of an ASK query."""

    value: bool


@dataclass
class GraphResult:
    """Triples of a CONSTRUCT or DESCRIBE query."""

    triples: list[Triple] = field(default_factory=list)
    truncated: bool = False


QueryResult: TypeAlias = SelectResult | AskResult | GraphResult


def term_text(term: Term | None) -> str:
    """The plain text of a term as SPARQL CSV writes it.

    >>> term_text(NamedNode("http://ex.org/a")), term_text(Literal("3")), term_text(None)
    ('http://ex.org/a', '3', '')
    """
    if term is None:
        return ""
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Triple):
        return str(term)
    return term.value


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    out: dict[str, object] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def _xml_term(term: Term) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, Triple):
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject>"
            f"<predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object></triple>"
        )
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _csv_field(text: str) -> str:
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _tsv_term(term: Term | None) -> str:
    if term is None:
        return ""
    if (
        isinstance(term, Literal)
        and not term.language
        and term.datatype.value
        in {
            "http://www.w3.org/2001/XMLSchema#integer",
            "http://www.w3.org/2001/XMLSchema#decimal",
            "http://www.w3.org/2001/XMLSchema#double",
            "http://www.w3.org/2001/XMLSchema#boolean",
        }
    ):
        return term.value
    return str(term)


def serialize_select(result: SelectResult, media_type: str) -> bytes:
    """A SELECT result in one of the four SPARQL 1.1 results formats."""
    if media_type == RESULTS_FORMATS["json"]:
        bindings = [
            {v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
            for row in result.rows
        ]
        doc = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    if media_type == RESULTS_FORMATS["csv"]:
        lines = [",".join(_csv_field(v) for v in result.variables)]
        lines += [",".join(_csv_field(term_text(t)) for t in row) for row in result.rows]
        return "".join(line + "\r\n" for line in lines).encode()
    if media_type == RESULTS_FORMATS["tsv"]:
        lines = ["\t".join(f"?{v}" for v in result.variables)]
        lines += ["\t".join(_tsv_term(t) for t in row) for row in result.rows]
        return "".join(line + "\n" for line in lines).encode()
    if media_type == RESULTS_FORMATS["xml"]:
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
        out.append("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in result.variables))
        out.append("</head><results>")
        for row in result.rows:
            out.append("<result>")
            for v, t in zip(result.variables, row, strict=True):
                if t is not None:
                    out.append(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
            out.append("</result>")
        out.append("</results></sparql>\n")
        return "".join(out).encode()
    raise UnsupportedFormatError(f"SELECT results cannot be written as {media_type}")


def serialize_ask(result: AskResult, media_type: str) -> bytes:
    """An ASK result in SPARQL JSON, XML, CSV or TSV."""
    if media_type == RESULTS_FORMATS["json"]:
        return json.dumps({"head": {}, "boolean": result.value}).encode()
    if media_type == RESULTS_FORMATS["xml"]:
        value = "true" if result.value else "false"
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{value}</boolean></sparql>\n"
        ).encode()
    if media_type in (RESULTS_FORMATS["csv"], RESULTS_FORMATS["tsv"]):
        return b"true\n" if result.value else b"false\n"
    raise UnsupportedFormatError(f"ASK results cannot be written as {media_type}")


def serialize_triples(
    triples: Sequence[Triple], format: RdfFormat, prefixes: dict[str, str] | None = None
) -> bytes:
    """Triples in an RDF format, with prefixes where the format has them."""
    out = BytesIO()
    serialize(triples, out, format=format, prefixes=prefixes)
    return out.getvalue()


def serialize_jsonld(triples: Sequence[Triple], context: Mapping[str, object]) -> bytes:
    """Triples as JSON-LD compacted with ``context`` (Oxigraph itself writes expanded JSON-LD).

    >>> t = Triple(NamedNode("http://ex.org/a"), NamedNode("http://ex.org/name"), Literal("A"))
    >>> print(serialize_jsonld([t], {"ex": "http://ex.org/", "name": "ex:name"}).decode())
    {
      "@context": {
        "ex": "http://ex.org/",
        "name": "ex:name"
      },
      "@id": "ex:a",
      "name": "A"
    }
    """
    from rdflib import Graph  # imported here: rdflib takes a while to load

    graph = Graph()
    graph.parse(data=serialize_triples(triples, RdfFormat.N_TRIPLES), format="nt")
    text = graph.serialize(format="json-ld", context=dict(context), auto_compact=True)
    return text.encode()
