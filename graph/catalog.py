"""The catalogue of named queries: ``queries/*.rq`` files with a header of metadata and parameters.

Each file is one query. Its header, ``#+ key: value`` lines at the top, says what the query is
for and which typed parameters it takes (``docs/queries.md`` has the full syntax)::

    #+ summary: Priorities of a region's strategy
    #+ tags: strategies
    #+ param region: nuts; required; example=ITC4; The region
    SELECT ?region ?priority WHERE { ?strategy s3:region ?region . ?priority s3:strategy ?strategy }
    ORDER BY ?priority

Parameter values are validated, turned into RDF terms and bound to the query's variables of the
same name (pyoxigraph ``substitutions``), so a value never becomes query text. A list parameter
fills the query's ``VALUES ?name {}`` block with escaped terms. A *computed* query names a Python
function instead of holding SPARQL (``#+ compute: graph.measures:ranking``), so that every named
query, whatever computes it, is run the same way by the command line and the HTTP API.

>>> q = NamedQuery.parse('''#+ summary: Strategies of a region
... #+ param region: nuts; required; example=ITC4; The region
... SELECT ?region ?strategy WHERE { ?strategy s3:region ?region } ORDER BY ?strategy
... ''', name="strategies-of")
>>> q.name, q.form, [p.name for p in q.parameters]
('strategies-of', 'SELECT', ['region'])
>>> q.bind({"region": "at31"})
{'region': <NamedNode value=http://data.europa.eu/nuts/code/AT31>}
"""

from __future__ import annotations

import difflib
import importlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from pyoxigraph import BlankNode, Literal, NamedNode, Store, Triple, Variable

from graph.errors import InputError, NotFoundError, ParameterError
from graph.namespaces import PREFIXES
from graph.parameters import Arguments, Parameter
from graph.resources import queries_dir
from graph.results import AskResult, GraphResult, QueryResult, SelectResult, Term
from graph.settings import DEFAULT_BASE_IRI
from graph.store import GraphStore

__all__ = [
    "Arguments",
    "Catalog",
    "Compute",
    "NamedQuery",
    "Parameter",
    "to_sparql_examples",
]

Compute = Callable[[GraphStore, Arguments], SelectResult]
"""A computed named query: the store and the validated parameters in, a table out."""

HEADER_KEYS = ("name", "summary", "description", "tags", "param", "compute")
"""The keys a query header may use."""

_QUERY_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
_HEADER_LINE = re.compile(
    r"(?P<key>[a-z]+)(?:\s+(?P<arg>[A-Za-z_][A-Za-z0-9_]*))?\s*:\s?(?P<value>.*)"
)
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_COMPUTE = re.compile(r"(?P<module>graph(?:\.[a-z_][a-z0-9_]*)+):(?P<function>[a-z_][a-z0-9_]*)")
_SAMPLES = {
    "string": "x",
    "date": "2025-01-01",
    "boolean": "true",
    "nuts": "ITC4",
    "nace": "C28",
    "country": "IT",
    "iri": "https://example.org/x",
    "id": "x",
}


def _values_block(name: str) -> re.Pattern[str]:
    return re.compile(r"VALUES\s+[?$]" + re.escape(name) + r"\s*\{\s*\}", re.IGNORECASE)


@dataclass(frozen=True)
class NamedQuery:
    """One named query: its metadata, its typed parameters and its SPARQL (or Python) body."""

    name: str
    summary: str
    description: str
    tags: tuple[str, ...]
    parameters: tuple[Parameter, ...]
    sparql: str
    path: Path | None = None
    compute: str | None = field(default=None, kw_only=True)

    @classmethod
    def parse(cls, text: str, path: Path | None = None, name: str | None = None) -> NamedQuery:
        """A named query from the text of a ``.rq`` file; ValueError says what is wrong, where.

        The name is the header's ``name``, else ``name``, else the file name without ``.rq``.
        """
        header, body, first_body_line = _split_header(text)
        values: dict[str, str] = {}
        tags: list[str] = []
        parameters: list[Parameter] = []
        for line, key, arg, value in header:
            try:
                if key == "param":
                    parameter = Parameter.parse(f"{arg}: {value}")
                    if any(p.name == parameter.name for p in parameters):
                        raise ValueError(f"the parameter {parameter.name!r} is declared twice")
                    parameters.append(parameter)
                elif key == "tags":
                    tags += [t.strip() for t in value.split(",") if t.strip()]
                elif key in values:
                    raise ValueError(f"'{key}' is given twice")
                else:
                    values[key] = value.strip()
            except ValueError as error:
                raise ValueError(f"line {line}: {error}") from None
        query_name = values.get("name") or name or (path.stem if path else "")
        if not _QUERY_NAME.fullmatch(query_name):
            raise ValueError(f"the query name {query_name!r} is not lower-case words joined by '-'")
        if not values.get("summary"):
            raise ValueError("the header has no '#+ summary:' line")
        compute = values.get("compute")
        sparql = body.strip()
        query = cls(
            name=query_name,
            summary=values["summary"],
            description=values.get("description", ""),
            tags=tuple(dict.fromkeys(tags)),
            parameters=tuple(parameters),
            sparql="" if compute else sparql + "\n",
            path=path,
            compute=compute,
        )
        if compute:
            if _COMPUTE.fullmatch(compute) is None:
                raise ValueError(
                    f"'compute' names a function as graph.module:function, not {compute!r}"
                )
            if _without_comments(sparql):
                raise ValueError(f"line {first_body_line}: a computed query holds no SPARQL")
        else:
            query._check_sparql()
        return query

    @property
    def form(self) -> str:
        """``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``, or ``COMPUTED`` (a Python measure)."""
        if self.compute:
            return "COMPUTED"
        match = _FORM.search(_without_comments(self.sparql))
        return match[1].upper() if match else "SELECT"

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name`` (ParameterError if the query has none of that name)."""
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        known = [p.name for p in self.parameters]
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        takes = f"it takes {', '.join(known)}" if known else "it takes none"
        raise ParameterError(name, f"the query {self.name} has no such parameter ({takes}){hint}")

    def bind(
        self, raw: Mapping[str, str | None], *, base_iri: str = DEFAULT_BASE_IRI
    ) -> dict[str, Term]:
        """Validate every parameter and return the terms of the single-valued ones that have one.

        Raises ParameterError naming the first parameter that is unknown, missing or invalid.
        List parameters are validated too; :meth:`bind_lists` returns their terms.
        """
        return dict(self.arguments(raw, base_iri=base_iri).terms)

    def bind_lists(
        self, raw: Mapping[str, str | None], *, base_iri: str = DEFAULT_BASE_IRI
    ) -> dict[str, list[Term]]:
        """Validate every parameter and return the terms of the list parameters."""
        return {k: list(v) for k, v in self.arguments(raw, base_iri=base_iri).lists.items()}

    def arguments(
        self, raw: Mapping[str, str | None], *, base_iri: str = DEFAULT_BASE_IRI
    ) -> Arguments:
        """All validated parameter values, as computed queries receive them."""
        for key in raw:
            self.parameter(key)
        terms: dict[str, Term] = {}
        lists: dict[str, list[Term]] = {}
        for parameter in self.parameters:
            value = raw.get(parameter.name)
            if parameter.many:
                lists[parameter.name] = parameter.convert_many(value, base_iri)
            else:
                term = parameter.convert(value, base_iri)
                if term is not None:
                    terms[parameter.name] = term
        return Arguments(terms, lists)

    def render(self, lists: Mapping[str, Sequence[Term]] | None = None) -> str:
        """The SPARQL with each list parameter's ``VALUES ?name {}`` filled with escaped terms.

        A list parameter without values becomes ``VALUES ?name { UNDEF }``, which restricts
        nothing.
        """
        text = self.sparql
        for parameter in self.parameters:
            if parameter.many:
                terms = (lists or {}).get(parameter.name, ())
                filled = " ".join(str(t) for t in terms) or "UNDEF"
                block = _values_block(parameter.name).search(text)
                if block is not None:
                    filled_block = f"VALUES ?{parameter.name} {{ {filled} }}"
                    text = text[: block.start()] + filled_block + text[block.end() :]
        return text

    def describe(self) -> dict[str, object]:
        """The query's metadata as JSON-ready values (for listings and API documentation)."""
        return {
            "name": self.name,
            "summary": self.summary,
            "description": self.description,
            "tags": list(self.tags),
            "form": self.form,
            "parameters": [p.describe() for p in self.parameters],
        }

    def _check_sparql(self) -> None:
        """Fail early on a query that does not parse or whose parameters cannot be bound."""
        for parameter in self.parameters:
            if parameter.many:
                if len(_values_block(parameter.name).findall(self.sparql)) != 1:
                    raise ValueError(
                        f"the list parameter {parameter.name!r} needs exactly one "
                        f"'VALUES ?{parameter.name} {{}}' block in the query"
                    )
            elif not re.search(r"[?$]" + re.escape(parameter.name) + r"\b", self.sparql):
                raise ValueError(f"the parameter {parameter.name!r} is not used in the query")
        sample = {p.name: _sample(p) for p in self.parameters}
        arguments = self.arguments(sample)
        try:
            Store().query(
                self.render(arguments.lists),
                prefixes=PREFIXES,
                substitutions={Variable(k): v for k, v in arguments.terms.items()},
            )
        except SyntaxError as error:
            raise ValueError(f"the SPARQL does not parse: {error}") from None
        except (RuntimeError, ValueError) as error:
            raise ValueError(
                f"the parameters cannot be bound ({error}); a SELECT query must project every "
                "parameter variable or use SELECT *"
            ) from None


def _sample(parameter: Parameter) -> str:
    if parameter.example or parameter.default:
        return str(parameter.example or parameter.default)
    if parameter.type == "enum":
        return parameter.values[0]
    if parameter.type in ("integer", "float"):
        return _number_text(parameter.minimum if parameter.minimum is not None else 1)
    return _SAMPLES[parameter.type]


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _split_header(text: str) -> tuple[list[tuple[int, str, str, str]], str, int]:
    """The header entries ``(line, key, argument, value)``, the body, the body's first line."""
    lines = text.splitlines()
    entries: list[tuple[int, str, str, str]] = []
    body_start = 0
    for index, line in enumerate(lines):
        number = index + 1
        if line.startswith("#+"):
            rest = line[2:].rstrip()
            body_start = index + 1
            if not rest.strip():
                continue
            if rest.startswith("  "):
                if not entries:
                    raise ValueError(f"line {number}: a continuation line with nothing to continue")
                ln, key, arg, value = entries[-1]
                entries[-1] = (ln, key, arg, f"{value} {rest.strip()}".strip())
                continue
            match = _HEADER_LINE.fullmatch(rest.strip())
            if match is None or match["key"] not in HEADER_KEYS:
                raise ValueError(
                    f"line {number}: expected '#+ key: value' with a key among "
                    f"{', '.join(HEADER_KEYS)}, got {line!r}"
                )
            if (match["key"] == "param") != bool(match["arg"]):
                raise ValueError(f"line {number}: write parameters as '#+ param NAME: TYPE; ...'")
            entries.append((number, match["key"], match["arg"] or "", match["value"]))
        elif line.strip() and not line.lstrip().startswith("#"):
            break
    return entries, "\n".join(lines[body_start:]), body_start + 1


def _without_comments(sparql: str) -> str:
    return "\n".join(
        line for line in sparql.splitlines() if line.strip() and not line.lstrip().startswith("#")
    )


# -- the catalogue -----------------------------------------------------------------------------


class Catalog:
    """The named queries, by name.

    >>> catalog = Catalog.load()
    >>> "alignment-ranking" in catalog, catalog.get("alignment-ranking").form
    (True, 'COMPUTED')
    """

    def __init__(self, queries: Iterable[NamedQuery]) -> None:
        self._queries: dict[str, NamedQuery] = {}
        for query in queries:
            if query.name in self._queries:
                raise InputError(f"two named queries are called {query.name}")
            self._queries[query.name] = query

    @classmethod
    def load(cls, directory: Path | None = None) -> Catalog:
        """Read every ``*.rq`` file of ``directory`` (default: the bundled ``queries/``).

        Raises InputError listing every file that is wrong, with the line and the reason.
        """
        folder = directory if directory is not None else queries_dir()
        if not folder.is_dir():
            raise NotFoundError(f"there is no query folder {folder}")
        queries: list[NamedQuery] = []
        problems: list[str] = []
        for path in sorted(folder.glob("*.rq")):
            try:
                query = NamedQuery.parse(path.read_text(encoding="utf-8"), path=path)
                if query.compute:
                    resolve(query.compute)
                queries.append(query)
            except (ValueError, UnicodeDecodeError, NotFoundError) as error:
                problems.append(f"{path.name}: {error}")
        if problems:
            raise InputError(
                f"{len(problems)} named quer{'y is' if len(problems) == 1 else 'ies are'} invalid",
                problems,
            )
        return cls(queries)

    def __iter__(self) -> Iterator[NamedQuery]:
        return iter(sorted(self._queries.values(), key=lambda q: q.name))

    def __len__(self) -> int:
        return len(self._queries)

    def __contains__(self, name: object) -> bool:
        return name in self._queries

    def names(self) -> list[str]:
        """The query names, sorted."""
        return sorted(self._queries)

    def get(self, name: str) -> NamedQuery:
        """The query called ``name``; NotFoundError suggests close names.

        >>> Catalog.load().get("alignment-rankng")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        graph.errors.NotFoundError: there is no named query 'alignment-rankng'; did you mean ...
        """
        query = self._queries.get(name)
        if query is not None:
            return query
        close = difflib.get_close_matches(name, self.names(), n=3)
        hint = (
            f"; did you mean {' or '.join(close)}?" if close else "; 's3kg run --list' lists them"
        )
        raise NotFoundError(f"there is no named query {name!r}{hint}")

    def run(
        self,
        store: GraphStore,
        name: str,
        params: Mapping[str, str | None],
        limit: int | None = None,
        offset: int | None = None,
    ) -> QueryResult:
        """Run the named query with the parameters as the user typed them.

        ``limit`` and ``offset`` page the rows (or triples); ``truncated`` is set on the result
        when more follow. Raises NotFoundError, ParameterError, or the store's errors.
        """
        query = self.get(name)
        for what, value in (("limit", limit), ("offset", offset)):
            if value is not None and value < 0:
                raise ParameterError(what, "must be 0 or more")
        arguments = query.arguments(params, base_iri=store.graphs.base)
        _check_existence(store, query, arguments)
        start = offset or 0
        cap = None if limit is None else start + limit
        if query.compute:
            result: QueryResult = resolve(query.compute)(store, arguments)
        else:
            result = store.query(
                query.render(arguments.lists), substitutions=arguments.terms, max_rows=cap
            )
        return _page(result, start, limit)


def resolve(reference: str) -> Compute:
    """The function a computed query names (``graph.module:function``).

    >>> resolve("graph.measures:ranking").__name__
    'ranking'
    """
    match = _COMPUTE.fullmatch(reference)
    if match is None:
        raise NotFoundError(f"{reference!r} does not name a function as graph.module:function")
    try:
        module = importlib.import_module(match["module"])
    except ImportError:
        raise NotFoundError(f"there is no module {match['module']}") from None
    function = getattr(module, match["function"], None)
    if not callable(function):
        raise NotFoundError(f"{match['module']} has no function {match['function']}")
    return cast(Compute, function)


def _check_existence(store: GraphStore, query: NamedQuery, arguments: Arguments) -> None:
    for parameter in query.parameters:
        if not parameter.exists:
            continue
        terms = list(arguments.lists.get(parameter.name, ()))
        if parameter.name in arguments.terms:
            terms.append(arguments.terms[parameter.name])
        for term in terms:
            found = store.query("ASK { ?thing ?p ?o }", substitutions={"thing": term})
            if isinstance(found, AskResult) and not found.value:
                what = "region" if parameter.type == "nuts" else parameter.entity or "resource"
                shown = term.value.rsplit("/", 1)[-1] if isinstance(term, NamedNode) else str(term)
                raise ParameterError(parameter.name, f"there is no {what} {shown} in the store")


def _page(result: QueryResult, start: int, limit: int | None) -> QueryResult:
    if isinstance(result, AskResult):
        return result
    end = None if limit is None else start + limit
    if isinstance(result, GraphResult):
        more = result.truncated or (end is not None and len(result.triples) > end)
        return GraphResult(result.triples[start:end], truncated=more)
    more = result.truncated or (end is not None and len(result.rows) > end)
    return SelectResult(result.variables, result.rows[start:end], truncated=more)


# -- the catalogue as SPARQL examples ----------------------------------------------------------

_SH = PREFIXES["sh"]
_RDF_TYPE = NamedNode(PREFIXES["rdf"] + "type")
_SCHEMA = PREFIXES["schema"]
_EXECUTABLE = {
    "SELECT": ("SPARQLSelectExecutable", "select"),
    "ASK": ("SPARQLAskExecutable", "ask"),
    "CONSTRUCT": ("SPARQLConstructExecutable", "construct"),
}
SPEX = "https://purl.expasy.org/sparql-examples/ontology#"


def self_contained(query: NamedQuery) -> str:
    """The query's SPARQL with the PREFIX declarations it relies on and no parameter bound.

    >>> q = NamedQuery.parse("#+ summary: x\\nSELECT ?s WHERE { ?s a s3:Cluster } ORDER BY ?s",
    ...                      name="clusters")
    >>> print(self_contained(q), end="")
    PREFIX s3: <https://w3id.org/s3kg/ontology#>
    <BLANKLINE>
    SELECT ?s WHERE { ?s a s3:Cluster } ORDER BY ?s
    """
    body = query.render({})
    used = [p for p in PREFIXES if re.search(r"(?<![\w:/#<-])" + re.escape(p) + r":", body)]
    declarations = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in used)
    return declarations + "\n" + body


def to_sparql_examples(
    catalog: Iterable[NamedQuery], base_iri: str, *, endpoint: str | None = None
) -> list[Triple]:
    """The SPARQL named queries as RDF in the SIB ``sparql-examples`` style.

    Each becomes ``{base_iri}.well-known/sparql-examples/{name}``, a ``sh:SPARQLExecutable``
    and ``sh:SPARQL{Select,Ask,Construct}Executable`` with ``rdfs:comment``, the query text
    (``sh:select``, ``sh:ask`` or ``sh:construct``, PREFIX declarations included),
    ``schema:target`` (``endpoint``, default ``{base_iri}sparql``), ``schema:keywords`` from its
    tags and ``sh:prefixes`` declaring the prefixes. Computed queries are not SPARQL and are
    left out.

    >>> q = NamedQuery.parse("#+ summary: All clusters\\n#+ tags: clusters\\n"
    ...                      "SELECT ?s WHERE { ?s a s3:Cluster } ORDER BY ?s", name="clusters")
    >>> triples = to_sparql_examples([q], "https://s3.example.org/")
    >>> names = {t.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1] for t in triples}
    >>> print(*sorted(names))
    comment declare keywords namespace prefix prefixes select target type
    """
    prefixes = BlankNode("sparql_examples_prefixes")
    target = NamedNode(endpoint or f"{base_iri}sparql")
    out: list[Triple] = []
    declared: set[str] = set()
    for query in catalog:
        if query.form not in _EXECUTABLE:
            continue
        kind, text_property = _EXECUTABLE[query.form]
        example = NamedNode(f"{base_iri}.well-known/sparql-examples/{query.name}")
        text = self_contained(query)
        comment = query.summary + (f" {query.description}" if query.description else "")
        out += [
            Triple(example, _RDF_TYPE, NamedNode(_SH + "SPARQLExecutable")),
            Triple(example, _RDF_TYPE, NamedNode(_SH + kind)),
            Triple(
                example, NamedNode(PREFIXES["rdfs"] + "comment"), Literal(comment, language="en")
            ),
            Triple(example, NamedNode(_SH + text_property), Literal(text)),
            Triple(example, NamedNode(_SCHEMA + "target"), target),
            Triple(example, NamedNode(_SH + "prefixes"), prefixes),
        ]
        out += [
            Triple(example, NamedNode(_SCHEMA + "keywords"), Literal(tag)) for tag in query.tags
        ]
        for line in text.splitlines():
            if line.startswith("PREFIX "):
                declared.add(line.split()[1].rstrip(":"))
    for prefix in sorted(declared):
        declaration = BlankNode(f"prefix_{prefix}")
        out += [
            Triple(prefixes, NamedNode(_SH + "declare"), declaration),
            Triple(declaration, NamedNode(_SH + "prefix"), Literal(prefix)),
            Triple(
                declaration,
                NamedNode(_SH + "namespace"),
                Literal(PREFIXES[prefix], datatype=NamedNode(PREFIXES["xsd"] + "anyURI")),
            ),
        ]
    return out
