"""SHACL Core shapes compiled into SPARQL queries that find the violating focus nodes.

Loads are validated inside the store, in the staging graph, before they become visible: each
constraint of ``ontology/shapes.ttl`` becomes one SELECT query run by pyoxigraph, which is far
faster than a SHACL engine over an in-memory copy and keeps memory flat for large loads.

Supported (SHACL 1.0, section 4 "Core Constraint Components"): targets (``sh:targetClass``, implicit
class targets, ``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``), property paths
(predicate, inverse, sequence, alternative, zero-or-more, one-or-more, zero-or-one), ``sh:class``,
``sh:datatype``, ``sh:nodeKind``, ``sh:minCount``, ``sh:maxCount``, ``sh:minInclusive``,
``sh:maxInclusive``, ``sh:minExclusive``, ``sh:maxExclusive``, ``sh:minLength``, ``sh:maxLength``,
``sh:pattern`` (with ``sh:flags``), ``sh:in``, ``sh:hasValue``, ``sh:lessThan``,
``sh:lessThanOrEquals``, ``sh:deactivated``, ``sh:message`` and ``sh:severity``. Any other
constraint component is listed in :attr:`Shapes.unsupported` and not checked.

One deliberate difference from the letter of SHACL: Oxigraph stores every subtype of
``xsd:integer`` (``xsd:nonNegativeInteger``, ``xsd:int``, ...) as ``xsd:integer``, so
``sh:datatype xsd:nonNegativeInteger`` accepts an ``xsd:integer`` value in the type's range.

>>> shapes = compile_shapes('''
...   @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
...   ex:Shape a sh:NodeShape ; sh:targetClass ex:Cluster ;
...     sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:message "A cluster needs a name." ] .
... ''')
>>> [(check.component, check.path) for check in shapes.checks]
[('MinCountConstraintComponent', '<http://example.org/name>')]
>>> from pyoxigraph import Store, RdfFormat
>>> store = Store()
>>> store.load(b"<http://example.org/c1> a <http://example.org/Cluster> .", RdfFormat.TURTLE)
>>> [str(v) for v in shapes.run(store.query)]
['<http://example.org/c1>: <http://example.org/name>: A cluster needs a name.']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, Triple
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

Term = NamedNode | BlankNode | Literal | Triple
#: Runs a SELECT query; returns its solutions (pyoxigraph solutions or dictionaries).
QueryFunction = Callable[[str], Iterable[Any]]

_XSD = "http://www.w3.org/2001/XMLSchema#"
# A path of one step: a predicate IRI, or its inverse.
_ONE_STEP = re.compile(r"\^?<[^<>\s]*>")
_XSD_INTEGER = _XSD + "integer"

_PREFIXES = (
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)

# The classes with instances in the data, and every class above them. The types are found
# first (one scan of rdf:type), then the class hierarchy is walked from each distinct one.
_CLASSES = (
    "SELECT DISTINCT ?c WHERE { { SELECT DISTINCT ?t WHERE { ?s rdf:type ?t } } "
    "?t rdfs:subClassOf* ?c }"
)

# What makes pyoxigraph keep state per focus node or value while it runs a query.
_GROWING = ("GROUP BY", "MINUS", "SELECT DISTINCT ?value")

# xsd:integer subtypes, which Oxigraph stores as xsd:integer, with their lower and upper bounds.
_INTEGER_TYPES: dict[str, tuple[int | None, int | None]] = {
    _XSD + "integer": (None, None),
    _XSD + "nonNegativeInteger": (0, None),
    _XSD + "positiveInteger": (1, None),
    _XSD + "nonPositiveInteger": (None, 0),
    _XSD + "negativeInteger": (None, -1),
    _XSD + "long": (-(2**63), 2**63 - 1),
    _XSD + "int": (-(2**31), 2**31 - 1),
    _XSD + "short": (-(2**15), 2**15 - 1),
    _XSD + "byte": (-128, 127),
    _XSD + "unsignedLong": (0, 2**64 - 1),
    _XSD + "unsignedInt": (0, 2**32 - 1),
    _XSD + "unsignedShort": (0, 2**16 - 1),
    _XSD + "unsignedByte": (0, 255),
}
# Datatypes whose lexical forms SPARQL can check with a cast of the same name.
_CASTABLE = {
    _XSD + "decimal",
    _XSD + "double",
    _XSD + "float",
    _XSD + "boolean",
    _XSD + "date",
    _XSD + "dateTime",
    _XSD + "time",
    _XSD + "gYear",
    _XSD + "duration",
}

_NODE_KINDS = {
    str(SH.IRI): "!isIRI(?value)",
    str(SH.BlankNode): "!isBlank(?value)",
    str(SH.Literal): "!isLiteral(?value)",
    str(SH.BlankNodeOrIRI): "isLiteral(?value)",
    str(SH.BlankNodeOrLiteral): "isIRI(?value)",
    str(SH.IRIOrLiteral): "isBlank(?value)",
}

_COMPARISONS = {
    str(SH.minInclusive): ">=",
    str(SH.maxInclusive): "<=",
    str(SH.minExclusive): ">",
    str(SH.maxExclusive): "<",
}

# Parameters of shapes that are not constraint components of their own.
_NOT_COMPONENTS = {
    SH.path, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
    SH.message, SH.severity, SH.name, SH.description, SH.property, SH.deactivated, SH.flags,
    SH.order, SH.group, SH.defaultValue, SH.ignoredProperties,
    RDF.type, RDFS.label, RDFS.comment,
}  # fmt: skip


@dataclass(frozen=True)
class Violation:
    """A focus node that does not meet one constraint."""

    focus: Term
    value: Term | None
    path: str | None
    name: str | None
    component: str
    shape: str
    message: str
    severity: str = "Violation"

    def __str__(self) -> str:
        field = f"{self.name or self.path}: " if self.name or self.path else ""
        return f"{self.focus}: {field}{self.message}"


@dataclass(frozen=True)
class Check:
    """One constraint of one shape as a SELECT query binding ``?focus`` (and ``?value``)."""

    shape: str
    component: str
    path: str | None
    name: str | None
    message: str
    severity: str
    query: str
    target_classes: frozenset[str] | None  # None: targets other than classes

    def violations(self, query: QueryFunction) -> Iterator[Violation]:
        """Run the check with ``query`` (a function taking SPARQL, returning solutions)."""
        for solution in query(self.query):
            focus = _get(solution, "focus")
            if focus is not None:
                yield self.violation(focus, _get(solution, "value"))

    def violation(self, focus: Term, value: Term | None) -> Violation:
        """The violation of this check by ``focus`` (with ``value``)."""
        return Violation(
            focus,
            value,
            self.path,
            self.name,
            self.component,
            self.shape,
            self.message,
            self.severity,
        )


@dataclass(frozen=True)
class Query:
    """A SELECT query finding the violations of one check, or of several checks of one shape on
    the values of one path: then ``?c0``, ``?c1``, ... tell which check each row violates."""

    sparql: str
    checks: tuple[Check, ...]
    target_classes: frozenset[str] | None

    @property
    def grows(self) -> bool:
        """True when pyoxigraph keeps something per focus node or value while running it."""
        return any(word in self.sparql for word in _GROWING)

    def violations(self, query: QueryFunction) -> list[Violation]:
        """Run the query with ``query``; the violations in the order of the checks."""
        found: list[list[Violation]] = [[] for _ in self.checks]
        flagged = len(self.checks) > 1
        for solution in query(self.sparql):
            focus = _get(solution, "focus")
            if focus is None:
                continue
            value = _get(solution, "value")
            for index, check in enumerate(self.checks):
                if not flagged or _true(_get(solution, f"c{index}")):
                    found[index].append(check.violation(focus, value))
        return [violation for some in found for violation in some]


@dataclass
class Shapes:
    """Compiled shapes: the checks, the queries that run them, and the constraints that could
    not be compiled. Each check also has a query of its own (:attr:`Check.query`)."""

    checks: list[Check] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    queries: list[Query] = field(default_factory=list)
    #: The same shapes compiled ``streaming`` (see :func:`compile_shapes`), for large data.
    streamed: Shapes | None = None

    def run(
        self, query: QueryFunction, threads: int = 1, *, one_growing: bool = False
    ) -> list[Violation]:
        """All violations in the data ``query`` runs over, in the order of the checks.

        Checks whose target classes have no instance in the data are skipped. With ``threads``
        above 1 the queries run that many at a time (pyoxigraph lets go of the GIL while it
        evaluates a query, so they really run side by side); the result is the same. With
        ``one_growing``, the queries whose memory grows with the data (:attr:`Query.grows`) run
        one after the other in a lane of their own, beside the others.
        """
        classes = query(_PREFIXES + _CLASSES)
        present = {str(getattr(_get(solution, "c"), "value", "")) for solution in classes}
        due = [
            item
            for item in self.queries
            if item.target_classes is None or item.target_classes & present
        ]
        if threads > 1 and len(due) > 1:
            lane = [item for item in due if one_growing and item.grows]
            rest = [item for item in due if not (one_growing and item.grows)]
            with ThreadPoolExecutor(threads, thread_name_prefix="s3kg-shacl") as pool:
                growing = pool.submit(lambda: [item.violations(query) for item in lane])
                others = list(pool.map(lambda item: item.violations(query), rest))
                by_query = dict(zip(map(id, lane), growing.result(), strict=True))
                by_query |= dict(zip(map(id, rest), others, strict=True))
            found = [by_query[id(item)] for item in due]
        else:
            found = [item.violations(query) for item in due]
        return [violation for some in found for violation in some]


def _true(term: Term | None) -> bool:
    return isinstance(term, Literal) and term.value == "true"


def _get(solution: Any, name: str) -> Term | None:
    """The value of ``name`` in a pyoxigraph solution or a dictionary (None when unbound)."""
    try:
        value: Term | None = solution[name]
    except KeyError:
        return None
    return value


def _sparql(term: rdflib.term.Node) -> str:
    """An rdflib term written as SPARQL, escaped by pyoxigraph."""
    if isinstance(term, rdflib.URIRef):
        return str(NamedNode(str(term)))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return str(Literal(str(term), language=term.language))
        if term.datatype:
            return str(Literal(str(term), datatype=NamedNode(str(term.datatype))))
        return str(Literal(str(term)))
    raise ValueError(f"a blank node ({term.n3()}) cannot be used as a constraint value")


def _path(graph: rdflib.Graph, node: rdflib.term.Node) -> str:
    """A SHACL property path as a SPARQL property path."""
    if isinstance(node, rdflib.URIRef):
        return _sparql(node)
    if (node, RDF.first, None) in graph:
        return "(" + "/".join(_path(graph, item) for item in Collection(graph, node)) + ")"
    for predicate, template in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = graph.value(node, predicate)
        if inner is not None:
            return template.format("(" + _path(graph, inner) + ")")
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path(graph, item) for item in Collection(graph, alternatives)) + ")"
    raise ValueError(f"unsupported property path {node.n3()}")


def _bounded(graph: rdflib.Graph, node: rdflib.term.Node) -> bool:
    """True when a path has no ``*``, ``+`` or ``?``: evaluating it from every node of the data
    (not from each focus node) is linear in the size of the data."""
    if isinstance(node, rdflib.URIRef):
        return True
    if (node, RDF.first, None) in graph:
        return all(_bounded(graph, item) for item in Collection(graph, node))
    inverse = graph.value(node, SH.inversePath)
    if inverse is not None:
        return _bounded(graph, inverse)
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        return all(_bounded(graph, item) for item in Collection(graph, alternatives))
    return False


def _name(node: rdflib.term.Node) -> str:
    return node.n3() if isinstance(node, rdflib.BNode) else str(node)


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


class _Compiler:
    def __init__(self, graph: rdflib.Graph, streaming: bool) -> None:
        self.graph = graph
        self.streaming = streaming
        self.result = Shapes()

    def targets(self, shape: rdflib.term.Node) -> tuple[list[str], frozenset[str] | None]:
        """Group patterns binding ``?focus`` to the shape's focus nodes; the target classes."""
        g = self.graph
        patterns: list[str] = []
        classes = [str(c) for c in g.objects(shape, SH.targetClass)]
        if (shape, RDF.type, RDFS.Class) in g or (
            shape,
            RDF.type,
            rdflib.URIRef("http://www.w3.org/2002/07/owl#Class"),
        ) in g:
            classes.append(str(shape))
        for cls in classes:
            patterns.append(f"?focus rdf:type/rdfs:subClassOf* {NamedNode(cls)} .")
        only_classes = bool(classes)
        for node in g.objects(shape, SH.targetNode):
            patterns.append(f"VALUES ?focus {{ {_sparql(node)} }}")
            only_classes = False
        for predicate in g.objects(shape, SH.targetSubjectsOf):
            patterns.append(
                f"{{ SELECT DISTINCT ?focus WHERE {{ ?focus {_sparql(predicate)} [] }} }}"
            )
            only_classes = False
        for predicate in g.objects(shape, SH.targetObjectsOf):
            patterns.append(
                f"{{ SELECT DISTINCT ?focus WHERE {{ [] {_sparql(predicate)} ?focus }} }}"
            )
            only_classes = False
        return patterns, (frozenset(classes) if only_classes else None)

    def compile(self) -> Shapes:
        g = self.graph
        node_shapes = set(g.subjects(RDF.type, SH.NodeShape))
        for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            node_shapes |= {s for s in g.subjects(predicate, None) if (s, SH.path, None) not in g}
        for shape in sorted(node_shapes, key=str):
            if self.deactivated(shape):
                continue
            targets, classes = self.targets(shape)
            if not targets:
                continue
            self.constraints(shape, None, targets, classes)
            for property_shape in g.objects(shape, SH.property):
                if not self.deactivated(property_shape):
                    self.constraints(
                        property_shape, g.value(property_shape, SH.path), targets, classes
                    )
        for shape in sorted(set(g.subjects(SH.path, None)), key=str):
            targets, classes = self.targets(shape)
            if targets and not self.deactivated(shape):
                self.constraints(shape, g.value(shape, SH.path), targets, classes)
        return self.result

    def deactivated(self, shape: rdflib.term.Node) -> bool:
        value = self.graph.value(shape, SH.deactivated)
        return isinstance(value, rdflib.Literal) and value.toPython() is True

    def constraints(
        self,
        shape: rdflib.term.Node,
        path_node: rdflib.term.Node | None,
        targets: list[str],
        classes: frozenset[str] | None,
    ) -> None:
        g = self.graph
        path = _path(g, path_node) if path_node is not None else None
        name_node = g.value(shape, SH.name)
        name = str(name_node) if name_node is not None else None
        message_node = g.value(shape, SH.message)
        severity_node = g.value(shape, SH.severity)
        severity = _local(str(severity_node)) if severity_node is not None else "Violation"
        forms = _Forms(
            focus=" UNION ".join(f"{{ {t} }}" for t in targets) if len(targets) > 1 else targets[0],
            path=path,
            bounded=path_node is not None and _bounded(g, path_node),
            # IRI values (regions, codes, classes) repeat: each distinct one is checked once
            distinct=isinstance(path_node, rdflib.URIRef) and (shape, SH.datatype, None) not in g,
            streaming=self.streaming,
        )
        on_values: list[tuple[Check, str]] = []

        def check(component: str, query: str, default: str) -> Check:
            message = str(message_node) if message_node is not None else default
            made = Check(_name(shape), component, path, name, message, severity,
                         _PREFIXES + query, classes)  # fmt: skip
            self.result.checks.append(made)
            return made

        def add(component: str, query: str, default: str) -> None:
            made = check(component, query, default)
            self.result.queries.append(Query(made.query, (made,), classes))

        def value_check(component: str, condition: str, default: str) -> None:
            on_values.append((check(component, forms.values([condition]), default), condition))

        what = f"{name or path}" if path else "the node"
        for predicate, obj in sorted(g.predicate_objects(shape), key=lambda po: str(po[0])):
            if predicate in _NOT_COMPONENTS:
                continue
            if predicate == SH.minCount:
                count = int(str(obj))
                if count > 0 and path is not None:
                    add("MinCountConstraintComponent", forms.min_count(count),
                        f"{what}: fewer than {count} values")  # fmt: skip
            elif predicate == SH.maxCount:
                count = int(str(obj))
                if path is not None:
                    add("MaxCountConstraintComponent", forms.max_count(count),
                        f"{what}: more than {count} values")  # fmt: skip
            elif predicate == SH["class"]:
                condition = f"NOT EXISTS {{ ?value rdf:type/rdfs:subClassOf* {_sparql(obj)} }}"
                value_check("ClassConstraintComponent", condition, f"{what}: not a {obj}")
            elif predicate == SH.datatype:
                value_check(
                    "DatatypeConstraintComponent", _datatype(str(obj)), f"{what}: not a {obj}"
                )
            elif predicate == SH.nodeKind and str(obj) in _NODE_KINDS:
                value_check(
                    "NodeKindConstraintComponent", _NODE_KINDS[str(obj)], f"{what}: not {obj}"
                )
            elif str(predicate) in _COMPARISONS:
                operator = _COMPARISONS[str(predicate)]
                value_check(
                    _component(predicate),
                    f"!COALESCE(?value {operator} {_sparql(obj)}, false)",
                    f"{what}: must be {operator} {obj}",
                )
            elif predicate in (SH.minLength, SH.maxLength):
                operator = ">=" if predicate == SH.minLength else "<="
                value_check(
                    _component(predicate),
                    f"isBlank(?value) || !COALESCE(STRLEN(STR(?value)) {operator} {int(str(obj))},"
                    " false)",
                    f"{what}: length must be {operator} {obj}",
                )  # fmt: skip
            elif predicate == SH.pattern:
                flags = g.value(shape, SH.flags)
                extra = f", {Literal(str(flags))}" if flags is not None else ""
                pattern = Literal(str(obj))
                value_check(
                    "PatternConstraintComponent",
                    f"isBlank(?value) || !REGEX(STR(?value), {pattern}{extra})",
                    f"{what}: does not match {obj}",
                )
            elif predicate == SH["in"]:
                members = [_sparql(item) for item in Collection(g, obj)]
                condition = " || ".join(f"sameTerm(?value, {m})" for m in members) or "false"
                value_check("InConstraintComponent", f"!({condition})", f"{what}: not allowed")
            elif predicate == SH.hasValue:
                add("HasValueConstraintComponent", forms.has_value(_sparql(obj)),
                    f"{what}: must have {obj}")  # fmt: skip
            elif predicate in (SH.lessThan, SH.lessThanOrEquals) and path:
                operator = "<" if predicate == SH.lessThan else "<="
                add(_component(predicate), forms.compared(operator, _sparql(obj)),
                    f"{what}: must be {operator} {obj}")  # fmt: skip
            else:
                self.result.unsupported.append(f"{_name(shape)} {predicate}")
        if len(on_values) == 1:
            made = on_values[0][0]
            self.result.queries.append(Query(made.query, (made,), classes))
        elif on_values:
            combined = _PREFIXES + forms.values([condition for _, condition in on_values])
            self.result.queries.append(Query(combined, tuple(c for c, _ in on_values), classes))


def _component(predicate: rdflib.term.Node) -> str:
    """The component of a parameter: ``sh:minLength`` gives ``MinLengthConstraintComponent``."""
    local = _local(str(predicate))
    return local[0].upper() + local[1:] + "ConstraintComponent"


@dataclass(frozen=True)
class _Forms:
    """The queries of the constraints of one shape (on one path), each linear in the data.

    pyoxigraph evaluates a join by looking up the right side once per row of the left, a few
    microseconds each, and every row it filters costs decoding its terms. So the queries start
    from what is rare: the values that break a condition, the nodes with too many values, and
    only then find whether they are focus nodes. ``bounded`` paths (no ``*``, ``+``, ``?``) can be
    evaluated over all the data; the others are evaluated from each focus node, as SHACL says.
    """

    focus: str
    path: str | None
    bounded: bool
    distinct: bool
    streaming: bool = False

    def values(self, conditions: list[str]) -> str:
        """Values of the path meeting any of ``conditions`` (each true for a violation)."""
        flags = [f"?c{index}" for index in range(len(conditions))]
        binds = " ".join(
            f"BIND(COALESCE({condition}, false) AS {flag})"
            for condition, flag in zip(conditions, flags, strict=True)
        )
        keep = f"FILTER({' || '.join(flags)})"
        shown = " ".join(["?focus ?value", *flags] if len(flags) > 1 else ["?focus ?value"])
        if self.path is None:
            return (
                f"SELECT DISTINCT {shown} WHERE {{ {self.focus} BIND(?focus AS ?value) "
                f"{binds} {keep} }}"
            )
        if self.distinct and not self.streaming:  # the BINDs keep the filter from being
            # applied before DISTINCT
            return (
                f"SELECT DISTINCT {shown} WHERE {{ "
                f"{{ SELECT DISTINCT ?value WHERE {{ [] {self.path} ?value }} }} {binds} {keep} "
                f"?focus {self.path} ?value . {self.is_focus} }}"
            )
        if self.bounded:
            test = f"FILTER({conditions[0]})" if len(conditions) == 1 else f"{binds} {keep}"
            return (
                f"SELECT DISTINCT {shown} WHERE {{ {{ SELECT * WHERE {{ "
                f"?focus {self.path} ?value {test} }} }} {self.is_focus} }}"
            )
        return (
            f"SELECT DISTINCT {shown} WHERE {{ {self.focus} ?focus {self.path} ?value "
            f"{binds} {keep} }}"
        )

    @property
    def is_focus(self) -> str:
        """A filter keeping the rows whose ``?focus`` is a focus node.

        It comes last, after the rare rows are found: a join with the focus nodes instead makes
        pyoxigraph find them all first, even when there is nothing to join them with (46 s for
        10^6 memberships, against nothing at all).
        """
        return f"FILTER EXISTS {{ {self.focus} }}"

    def min_count(self, count: int) -> str:
        """Focus nodes with fewer than ``count`` values."""
        if count == 1 and self.bounded and not self.streaming:
            return (
                f"SELECT ?focus ?value WHERE {{ {self.focus} MINUS {{ ?focus {self.path} ?any }} }}"
            )
        if count == 1:
            return (
                f"SELECT ?focus ?value WHERE {{ {self.focus} "
                f"FILTER NOT EXISTS {{ ?focus {self.path} ?any }} }}"
            )
        return (
            f"SELECT ?focus (SAMPLE(?none) AS ?value) WHERE {{ {self.focus} "
            f"OPTIONAL {{ ?focus {self.path} ?v }} }} GROUP BY ?focus "
            f"HAVING (COUNT(DISTINCT ?v) < {count})"
        )

    def max_count(self, count: int) -> str:
        """Focus nodes with more than ``count`` values.

        Over a path of one step (a predicate, or its inverse) every ``?focus ?v`` row is a
        distinct triple of the graph, so ``COUNT(*)`` counts the distinct values: pyoxigraph then
        keeps a number per focus node, not a set of values, which halves the memory of the
        query and makes it faster on large loads.
        """
        one_step = self.path is not None and _ONE_STEP.fullmatch(self.path) is not None
        counted = "*" if one_step else "DISTINCT ?v"
        having = f"GROUP BY ?focus HAVING (COUNT({counted}) > {count})"
        if self.bounded:
            return (
                f"SELECT DISTINCT ?focus ?value WHERE {{ "
                f"{{ SELECT ?focus WHERE {{ ?focus {self.path} ?v }} {having} }} {self.is_focus} }}"
            )
        return (
            f"SELECT ?focus (SAMPLE(?none) AS ?value) WHERE {{ {self.focus} "
            f"?focus {self.path} ?v }} {having}"
        )

    def has_value(self, value: str) -> str:
        """Focus nodes without ``value`` among their values (or other than it, without a path)."""
        if self.path is None:
            return (
                f"SELECT ?focus ?value WHERE {{ {self.focus} FILTER(!sameTerm(?focus, {value})) }}"
            )
        if self.bounded and not self.streaming:
            return (
                f"SELECT ?focus ?value WHERE {{ {self.focus} "
                f"MINUS {{ ?focus {self.path} {value} }} }}"
            )
        return (
            f"SELECT ?focus ?value WHERE {{ {self.focus} "
            f"FILTER NOT EXISTS {{ ?focus {self.path} {value} }} }}"
        )

    def compared(self, operator: str, other: str) -> str:
        """Values not ``operator`` (``<``, ``<=``) each value of the property ``other``.

        pyoxigraph joins in the order written: the pairs start from ``other`` (an end date,
        say), which nodes have more rarely than the value compared to it; the other way round,
        10^6 memberships with start dates and none with an end date took three minutes, not
        ten milliseconds.
        """
        return (
            f"SELECT DISTINCT ?focus ?value WHERE {{ ?focus {other} ?other . "
            f"?focus {self.path} ?value . FILTER(!COALESCE(?value {operator} ?other, false)) "
            f"{self.is_focus} }}"
        )


def _datatype(datatype: str) -> str:
    """A SPARQL condition true when ``?value`` is not a well-formed literal of ``datatype``."""
    iri = NamedNode(datatype)
    if datatype in _INTEGER_TYPES:
        low, high = _INTEGER_TYPES[datatype]
        accepted = f"(datatype(?value) = {iri} || datatype(?value) = <{_XSD_INTEGER}>)"
        checks = ["STR(xsd:integer(STR(?value))) = STR(xsd:integer(STR(?value)))"]
        if low is not None:
            checks.append(f"xsd:integer(STR(?value)) >= {low}")
        if high is not None:
            checks.append(f"xsd:integer(STR(?value)) <= {high}")
        valid = " && ".join(checks)
        return f"!isLiteral(?value) || !{accepted} || !COALESCE({valid}, false)".replace(
            "xsd:integer(", f"<{_XSD_INTEGER}>("
        )
    if datatype == str(RDF.langString):
        return "!isLiteral(?value) || LANG(?value) = ''"
    condition = f"!isLiteral(?value) || datatype(?value) != {iri}"
    if datatype in _CASTABLE:
        condition += f" || !COALESCE(STR({iri}(STR(?value))) = STR({iri}(STR(?value))), false)"
    return condition


def compile_shapes(
    source: str | bytes | Path, format: str = "turtle", *, streaming: bool = False
) -> Shapes:
    """Compile a shapes graph (Turtle text or a file) into SPARQL checks.

    With ``streaming``, the checks that otherwise keep something for every focus node or value
    do not: ``sh:minCount 1`` and ``sh:hasValue`` look each focus node up (``FILTER NOT EXISTS``
    in place of ``MINUS``), and the values of a predicate are checked as they come, not once
    per distinct value. Slower, but with memory that does not grow with the data, which matters
    from millions of focus nodes up. ``sh:maxCount`` still counts per focus node (``GROUP BY``):
    the lookup forms of it are two orders of magnitude slower in pyoxigraph.
    """
    graph = rdflib.Graph()
    if isinstance(source, Path):
        graph.parse(source, format=format)
    else:
        graph.parse(data=source, format=format)
    shapes = _Compiler(graph, streaming).compile()
    if not streaming:
        shapes.streamed = _Compiler(graph, True).compile()
    return shapes


def query_over(store: Any, graphs: Iterable[str]) -> QueryFunction:
    """A query function over the union of ``graphs`` of a pyoxigraph ``Store``."""
    default = [NamedNode(g) for g in graphs]
    return lambda sparql: store.query(sparql, default_graph=default)
