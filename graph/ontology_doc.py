"""The ontology as a web page: one readable, self-contained HTML document for people.

Policymakers and data stewards read the ontology here rather than in Turtle. The page follows the
layout of pyLODE and Widoco (metadata, namespaces, contents, classes, properties, individuals) and
adds, for every class, the SHACL constraints its records must meet, so the model and its rules can
be read side by side. Every term has an anchor named after it, so a term's IRI such as
``https://w3id.org/s3kg/ontology#Cluster`` lands on its section when the page is served at the
ontology IRI.

>>> html = render_html()
>>> 'id="Cluster"' in html and 'lang="sl">Strategija pametne specializacije<' in html
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.exceptions import ParserError
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from graph.errors import InputError, NotFoundError
from graph.namespaces import ONTOLOGY_IRI, PREFIXES, S3
from graph.resources import ontology_dir

_TEMPLATES = Path(__file__).resolve().parent / "templates"
_SCHEMA = "https://schema.org/"
_VANN = "http://purl.org/vocab/vann/"
_LANGUAGES = {"de": "German", "fr": "French", "it": "Italian", "sl": "Slovenian"}
_ALIGNMENTS = (
    (SKOS.exactMatch, "exact match"),
    (SKOS.closeMatch, "close match"),
    (OWL.equivalentClass, "equivalent class"),
    (OWL.equivalentProperty, "equivalent property"),
)


@dataclass(frozen=True)
class Link:
    """A term or value as the page shows it; ``href`` is empty for values that are not links."""

    text: str
    href: str = ""


@dataclass(frozen=True)
class Label:
    """A label in one language, kept with its tag so the page can mark the language up."""

    text: str
    lang: str
    language: str


@dataclass(frozen=True)
class Rule:
    """One condition of a SHACL shape in words: what kind of check, and against which values."""

    kind: str
    values: tuple[Link, ...]


@dataclass(frozen=True)
class Constraint:
    """One SHACL property shape: the property, how many values, which values, and the message."""

    path: Link
    name: str
    cardinality: str
    rules: tuple[Rule, ...]
    message: str
    severity: str


@dataclass
class Entry:
    """One documented term: a class, a property, a concept scheme or an individual."""

    anchor: str
    iri: str
    curie: str
    kind: str
    label: str
    definition: str
    translations: list[Label] = field(default_factory=list)
    alt_labels: list[Label] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    types: list[Link] = field(default_factory=list)
    supers: list[Link] = field(default_factory=list)
    subs: list[Link] = field(default_factory=list)
    alignments: list[tuple[str, Link]] = field(default_factory=list)
    domain: list[Link] = field(default_factory=list)
    domain_includes: bool = False
    range: list[Link] = field(default_factory=list)
    properties: list[Link] = field(default_factory=list)
    used_by: list[Link] = field(default_factory=list)
    shape: Link | None = None
    node_rules: tuple[Rule, ...] = ()
    node_message: str = ""
    constraints: list[Constraint] = field(default_factory=list)
    constrained_in: list[tuple[Link, str]] = field(default_factory=list)
    notation: str = ""
    schemes: list[Link] = field(default_factory=list)
    members: list[Link] = field(default_factory=list)


@dataclass
class Page:
    """Everything the template shows, computed once from the ontology and shapes graphs."""

    iri: str
    title: str
    description: str
    version: str
    version_iri: str
    creators: list[str]
    license: Link | None
    created: str
    modified: str
    prefix: str
    namespace: str
    namespaces: list[tuple[str, str]]
    classes: list[Entry]
    object_properties: list[Entry]
    datatype_properties: list[Entry]
    annotation_properties: list[Entry]
    schemes: list[Entry]
    individuals: list[Entry]


def render_html(ontology: Path | None = None, shapes: Path | None = None) -> str:
    """Render the ontology and the shapes that apply to its classes as one HTML page.

    :param ontology: the Turtle file of the ontology; defaults to the bundled ``s3kg.ttl``.
    :param shapes: the Turtle file of the SHACL shapes; defaults to the bundled ``shapes.ttl``.
    :raises NotFoundError: a file does not exist.
    :raises InputError: a file is not valid Turtle.

    >>> html = render_html()
    >>> html.startswith("<!DOCTYPE html>"), 'href="#FundingCall"' in html
    (True, True)
    """
    onto = _read(ontology or ontology_dir() / "s3kg.ttl")
    rules = _read(shapes or ontology_dir() / "shapes.ttl")
    env = Environment(
        loader=FileSystemLoader(_TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("ontology.html").render(page=_Builder(onto, rules).page())


def _read(path: Path) -> Graph:
    if not path.is_file():
        raise NotFoundError(f"{path} does not exist")
    graph = Graph(bind_namespaces="core")
    try:
        graph.parse(path, format="turtle")
    except (ParserError, SyntaxError, ValueError) as error:
        raise InputError(f"{path} is not valid Turtle: {error}") from error
    return graph


def _by_label(entries: Iterable[Entry]) -> list[Entry]:
    """Entries in the order a reader looks for them: alphabetically by English label."""
    return sorted(entries, key=lambda entry: (entry.label.lower(), entry.anchor))


def _text(node: Node | None) -> str:
    return str(node) if node is not None else ""


class _Builder:
    """Turns the two graphs into a :class:`Page`; one instance per rendering."""

    def __init__(self, onto: Graph, shapes: Graph) -> None:
        self.onto = onto
        self.shapes = shapes
        self.namespaces = self._namespaces()

    # -- naming and linking -------------------------------------------------------------------

    def _namespaces(self) -> dict[str, str]:
        """The prefixes the page shows: the ones bound in either file or known to s3kg, if used."""
        known = dict(PREFIXES)
        for graph in (self.onto, self.shapes):
            known.update({prefix: str(ns) for prefix, ns in graph.namespaces() if prefix})
        used = {
            str(term) for graph in (self.onto, self.shapes) for triple in graph for term in triple
        }
        return {
            prefix: ns
            for prefix, ns in sorted(known.items())
            if any(iri.startswith(ns) for iri in used)
        }

    def curie(self, iri: str) -> str:
        matches = [(ns, prefix) for prefix, ns in self.namespaces.items() if iri.startswith(ns)]
        if not matches:
            return iri
        ns, prefix = max(matches, key=lambda match: len(match[0]))
        return f"{prefix}:{iri[len(ns) :]}"

    def link(self, node: Node) -> Link:
        if isinstance(node, URIRef):
            iri = str(node)
            href = "#" + iri[len(S3) :] if iri.startswith(S3) else iri
            return Link(self.curie(iri), href)
        if isinstance(node, Literal):
            return Link(str(node))
        return Link("(an anonymous node)")

    def links(self, nodes: Iterable[Node]) -> list[Link]:
        return sorted((self.link(node) for node in nodes), key=lambda link: link.text.lower())

    # -- labels ----------------------------------------------------------------------------------

    def _english(self, subject: Node, predicate: URIRef) -> str:
        values = list(self.onto.objects(subject, predicate))
        for value in values:
            if isinstance(value, Literal) and value.language == "en":
                return str(value)
        return _text(values[0]) if values else ""

    def _labels(self, subject: Node, predicate: URIRef) -> list[Label]:
        found = [
            Label(str(value), value.language, _LANGUAGES[value.language])
            for value in self.onto.objects(subject, predicate)
            if isinstance(value, Literal) and value.language in _LANGUAGES
        ]
        order = list(_LANGUAGES)
        return sorted(found, key=lambda label: (order.index(label.lang), label.text))

    def entry(self, subject: URIRef, kind: str) -> Entry:
        iri = str(subject)
        anchor = iri[len(S3) :]
        alt = [
            Label(
                str(value), value.language or "en", _LANGUAGES.get(value.language or "", "English")
            )
            for value in self.onto.objects(subject, SKOS.altLabel)
            if isinstance(value, Literal)
        ]
        entry = Entry(
            anchor=anchor,
            iri=iri,
            curie=self.curie(iri),
            kind=kind,
            label=self._english(subject, RDFS.label) or anchor,
            definition=self._english(subject, SKOS.definition),
            translations=self._labels(subject, RDFS.label),
            alt_labels=sorted(alt, key=lambda label: (label.lang, label.text)),
            notes=[
                _text(note)
                for predicate in (SKOS.scopeNote, SKOS.note, RDFS.comment)
                for note in self.onto.objects(subject, predicate)
            ],
        )
        for predicate, relation in _ALIGNMENTS:
            entry.alignments += [
                (relation, link) for link in self.links(self.onto.objects(subject, predicate))
            ]
        return entry

    # -- terms -----------------------------------------------------------------------------------

    def _declared(self, kind: URIRef) -> list[URIRef]:
        found = {
            subject
            for subject in self.onto.subjects(RDF.type, kind)
            if isinstance(subject, URIRef) and str(subject).startswith(S3)
        }
        return sorted(found, key=str)

    def klass(self, subject: URIRef) -> Entry:
        entry = self.entry(subject, "Class")
        entry.supers = self.links(self.onto.objects(subject, RDFS.subClassOf))
        entry.subs = self.links(self.onto.subjects(RDFS.subClassOf, subject))
        entry.properties = self.links(
            prop
            for predicate in (RDFS.domain, URIRef(_SCHEMA + "domainIncludes"))
            for prop in self.onto.subjects(predicate, subject)
        )
        entry.used_by = self.links(self.onto.subjects(RDFS.range, subject))
        for shape in sorted(self.shapes.subjects(SH.targetClass, subject), key=str):
            entry.shape = Link(self.curie(str(shape)))
            entry.node_rules = self.rules(shape)
            entry.node_message = self._message(shape)
            entry.constraints += [
                self.constraint(prop) for prop in self.shapes.objects(shape, SH.property)
            ]
        entry.constraints.sort(key=lambda c: (c.cardinality[0] == "0", c.name, c.path.text))
        return entry

    def prop(self, subject: URIRef, kind: str) -> Entry:
        entry = self.entry(subject, kind)
        entry.supers = self.links(self.onto.objects(subject, RDFS.subPropertyOf))
        entry.subs = self.links(self.onto.subjects(RDFS.subPropertyOf, subject))
        entry.domain = self.links(self.onto.objects(subject, RDFS.domain))
        includes = self.links(self.onto.objects(subject, URIRef(_SCHEMA + "domainIncludes")))
        entry.domain_includes = bool(includes) and not entry.domain
        entry.domain += includes
        entry.range = self.links(self.onto.objects(subject, RDFS.range))
        for shape in self.shapes.subjects(RDF.type, SH.NodeShape):
            for prop in self.shapes.objects(shape, SH.property):
                if (prop, SH.path, subject) in self.shapes:
                    for target in self.shapes.objects(shape, SH.targetClass):
                        entry.constrained_in.append((self.link(target), self._cardinality(prop)))
        entry.constrained_in = sorted(set(entry.constrained_in), key=lambda c: c[0].text)
        return entry

    def individual(self, subject: URIRef) -> Entry:
        entry = self.entry(subject, "Individual")
        entry.types = self.links(
            kind for kind in self.onto.objects(subject, RDF.type) if kind != OWL.NamedIndividual
        )
        entry.schemes = self.links(self.onto.objects(subject, SKOS.inScheme))
        entry.notation = _text(self.onto.value(subject, SKOS.notation))
        return entry

    def scheme(self, subject: URIRef) -> Entry:
        entry = self.entry(subject, "Concept scheme")
        entry.members = self.links(self.onto.subjects(SKOS.inScheme, subject))
        return entry

    # -- shapes ----------------------------------------------------------------------------------

    def _message(self, shape: Node) -> str:
        return _text(self.shapes.value(shape, SH.message))

    def _cardinality(self, shape: Node) -> str:
        low = self.shapes.value(shape, SH.minCount)
        high = self.shapes.value(shape, SH.maxCount)
        low_text = _text(low) or "0"
        high_text = _text(high) or "n"
        return low_text if low_text == high_text else f"{low_text}..{high_text}"

    def rules(self, shape: Node) -> tuple[Rule, ...]:
        """The value conditions of a shape, in the order a reader checks them."""
        found: list[Rule] = []
        for predicate, kind in (
            (SH.nodeKind, "is"),
            (SH.datatype, "datatype"),
            (SH["class"], "instance of"),
            (SH.hasValue, "equal to"),
            (SH.pattern, "matching"),
            (SH.minInclusive, "at least"),
            (SH.maxInclusive, "at most"),
            (SH.lessThanOrEquals, "not after"),
        ):
            values = [self._value(node) for node in self.shapes.objects(shape, predicate)]
            if values:
                found.append(Rule(kind, tuple(values)))
        for head in self.shapes.objects(shape, SH["in"]):
            items = Collection(self.shapes, head)
            found.append(Rule("one of", tuple(self._value(item) for item in items)))
        return tuple(found)

    def _value(self, node: Node) -> Link:
        if node == SH.IRI:
            return Link("an IRI")
        if node == SH.Literal:
            return Link("a literal")
        return self.link(node)

    def constraint(self, shape: Node) -> Constraint:
        path = self.shapes.value(shape, SH.path)
        severity = self.shapes.value(shape, SH.severity)
        return Constraint(
            path=self.link(path) if path is not None else Link("(no path)"),
            name=_text(self.shapes.value(shape, SH.name)),
            cardinality=self._cardinality(shape),
            rules=self.rules(shape),
            message=self._message(shape),
            severity=self.curie(str(severity)).removeprefix("sh:") if severity else "Violation",
        )

    # -- the page --------------------------------------------------------------------------------

    def page(self) -> Page:
        onto = URIRef(ONTOLOGY_IRI)
        meta = self.onto
        license_node = meta.value(onto, DCTERMS.license)
        creators = [
            _text(meta.value(creator, FOAF.name)) if isinstance(creator, BNode) else _text(creator)
            for creator in meta.objects(onto, DCTERMS.creator)
        ]
        schemes = self._declared(SKOS.ConceptScheme)
        return Page(
            iri=ONTOLOGY_IRI,
            title=self._english(onto, DCTERMS.title) or ONTOLOGY_IRI,
            description=self._english(onto, DCTERMS.description),
            version=_text(meta.value(onto, OWL.versionInfo)),
            version_iri=_text(meta.value(onto, OWL.versionIRI)),
            creators=sorted(creators),
            license=Link(str(license_node), str(license_node)) if license_node else None,
            created=_text(meta.value(onto, DCTERMS.created)),
            modified=_text(meta.value(onto, DCTERMS.modified)),
            prefix=_text(meta.value(onto, URIRef(_VANN + "preferredNamespacePrefix"))),
            namespace=_text(meta.value(onto, URIRef(_VANN + "preferredNamespaceUri"))),
            namespaces=sorted(self.namespaces.items()),
            classes=_by_label(self.klass(term) for term in self._declared(OWL.Class)),
            object_properties=_by_label(
                self.prop(term, "Object property") for term in self._declared(OWL.ObjectProperty)
            ),
            datatype_properties=_by_label(
                self.prop(term, "Datatype property")
                for term in self._declared(OWL.DatatypeProperty)
            ),
            annotation_properties=_by_label(
                self.prop(term, "Annotation property")
                for term in self._declared(OWL.AnnotationProperty)
            ),
            schemes=_by_label(self.scheme(term) for term in schemes),
            individuals=_by_label(
                self.individual(term)
                for term in self._declared(OWL.NamedIndividual)
                if term not in schemes
            ),
        )
