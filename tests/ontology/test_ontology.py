"""The ontology file: it parses everywhere, describes itself, documents every term in English and
the project's languages, declares every term of the data model, and aligns only to real terms."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from graph.namespaces import ONTOLOGY_IRI, PREFIXES, S3
from graph.resources import ontology_dir

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY_FILE = ontology_dir() / "s3kg.ttl"
MODEL_DOC = ROOT / "docs" / "model.md"
ONTOLOGY = URIRef(ONTOLOGY_IRI)
VANN = "http://purl.org/vocab/vann/"
SCHEMA = "https://schema.org/"
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")

GRAPH = Graph().parse(ONTOLOGY_FILE, format="turtle")

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
TERMS = sorted(
    {
        subject
        for kind in TERM_TYPES
        for subject in GRAPH.subjects(RDF.type, kind)
        if str(subject).startswith(S3)
    },
    key=str,
)
DECLARED = {
    subject
    for kind in (*TERM_TYPES, OWL.NamedIndividual)
    for subject in GRAPH.subjects(RDF.type, kind)
}
MAIN_CLASSES = (
    "Region",
    "S3Strategy",
    "S3Priority",
    "Cluster",
    "SME",
    "Membership",
    "ClusterService",
    "FundingCall",
    "SynchronisedCallScheme",
    "TransformativeActivity",
    "ActionPlan",
    "Action",
)
LANGUAGES = ("en", "de", "fr", "it", "sl")

# Every foreign term the ontology aligns to, checked against the vocabulary that defines it.
# A new alignment must be checked and added here, so a misspelt IRI cannot slip in.
KNOWN_FOREIGN_TERMS = {
    "skos": {"Concept"},
    "dcterms": {"Location", "spatial", "isPartOf", "hasPart", "subject"},
    "prov": {"Entity", "Activity", "Plan", "wasAssociatedWith"},
    "org": {"FormalOrganization", "Membership"},
    "legal": {"LegalEntity"},
    "rov": {"RegisteredOrganization", "orgActivity"},
    "cpsv": {"PublicService"},
    "eurio": {"AdministrativeArea", "SME", "FundingScheme", "isSubSchemeOf"},
    "schema": {
        "Organization",
        "Service",
        "Action",
        "provider",
        "actionStatus",
        "addressLocality",
        "foundingDate",
        "startDate",
        "endDate",
        "PotentialActionStatus",
        "ActiveActionStatus",
        "CompletedActionStatus",
    },
    "xsd": {"integer", "string", "boolean", "gYear", "nonNegativeInteger", "date", "decimal"},
}
ALIGNMENT_PREDICATES = (
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    URIRef(SCHEMA + "domainIncludes"),
    SKOS.exactMatch,
    SKOS.closeMatch,
    OWL.equivalentClass,
    OWL.equivalentProperty,
)


def local(term: Node) -> str:
    return str(term)[len(S3) :]


def english(subject: URIRef, predicate: URIRef) -> list[Literal]:
    return [
        value
        for value in GRAPH.objects(subject, predicate)
        if isinstance(value, Literal) and value.language == "en" and str(value).strip()
    ]


def test_turtle_parses_with_rdflib_and_pyoxigraph_to_the_same_triples() -> None:
    quads = list(pyoxigraph.parse(path=ONTOLOGY_FILE, format=pyoxigraph.RdfFormat.TURTLE))
    assert len(quads) == len(GRAPH) > 500


@pytest.mark.parametrize(
    "predicate",
    [
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.creator,
        DCTERMS.license,
        DCTERMS.created,
        DCTERMS.modified,
        OWL.versionIRI,
        OWL.versionInfo,
        URIRef(VANN + "preferredNamespacePrefix"),
        URIRef(VANN + "preferredNamespaceUri"),
    ],
    ids=lambda predicate: GRAPH.namespace_manager.normalizeUri(predicate),
)
def test_the_ontology_header_has(predicate: URIRef) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in GRAPH
    assert GRAPH.value(ONTOLOGY, predicate) is not None


def test_header_values_follow_the_conventions() -> None:
    assert GRAPH.value(ONTOLOGY, OWL.versionIRI) == URIRef(ONTOLOGY_IRI + "/0.1.0")
    assert str(GRAPH.value(ONTOLOGY, OWL.versionInfo)) == "0.1.0"
    assert GRAPH.value(ONTOLOGY, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert str(GRAPH.value(ONTOLOGY, URIRef(VANN + "preferredNamespacePrefix"))) == "s3"
    assert str(GRAPH.value(ONTOLOGY, URIRef(VANN + "preferredNamespaceUri"))) == S3
    for predicate in (DCTERMS.created, DCTERMS.modified):
        value = GRAPH.value(ONTOLOGY, predicate)
        assert isinstance(value, Literal)
        assert value.datatype == XSD_DATE


def test_the_ontology_imports_nothing() -> None:
    """Reading the ontology must never fetch anything from the network."""
    assert list(GRAPH.objects(ONTOLOGY, OWL.imports)) == []


@pytest.mark.parametrize("term", TERMS, ids=local)
def test_every_term_has_an_english_label_and_definition(term: URIRef) -> None:
    assert english(term, RDFS.label), f"{term} has no English rdfs:label"
    assert english(term, SKOS.definition), f"{term} has no English skos:definition"
    assert (term, RDFS.isDefinedBy, ONTOLOGY) in GRAPH


@pytest.mark.parametrize("name", MAIN_CLASSES)
def test_main_classes_are_labelled_in_the_languages_of_the_alpine_regions(name: str) -> None:
    term = URIRef(S3 + name)
    assert (term, RDF.type, OWL.Class) in GRAPH
    languages = {
        value.language for value in GRAPH.objects(term, RDFS.label) if isinstance(value, Literal)
    }
    assert set(LANGUAGES) <= languages, f"{name} lacks labels in {set(LANGUAGES) - languages}"


def test_the_strategy_uses_the_official_slovenian_term() -> None:
    assert Literal("Strategija pametne specializacije", lang="sl") in set(
        GRAPH.objects(URIRef(S3 + "S3Strategy"), RDFS.label)
    )


def model_terms() -> list[str]:
    names = re.findall(r"\bs3:([A-Za-z][A-Za-z0-9]*)", MODEL_DOC.read_text(encoding="utf-8"))
    return sorted(set(names))


def test_the_data_model_names_many_terms() -> None:
    """Guards the parsing below: an empty list would make the next test pass vacuously."""
    assert len(model_terms()) > 60


@pytest.mark.parametrize("name", model_terms())
def test_every_term_of_the_data_model_is_declared(name: str) -> None:
    assert URIRef(S3 + name) in DECLARED, f"s3:{name} is in docs/model.md but not declared"


def test_every_s3_iri_used_in_the_ontology_is_declared() -> None:
    used = {
        term
        for triple in GRAPH
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(S3)
    }
    assert used - DECLARED == set()


def test_classes_start_upper_case_and_properties_lower_case() -> None:
    for term in GRAPH.subjects(RDF.type, OWL.Class):
        assert local(term)[0].isupper(), term
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        for term in GRAPH.subjects(RDF.type, kind):
            assert local(term)[0].islower(), term


def foreign_alignments() -> list[tuple[str, str]]:
    found = set()
    for predicate in ALIGNMENT_PREDICATES:
        for subject, target in GRAPH.subject_objects(predicate):
            if str(subject).startswith(S3) and not str(target).startswith(S3):
                found.add((local(subject), str(target)))
    return sorted(found)


def prefix_of(iri: str) -> tuple[str, str] | None:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and prefix != "s3":
            return prefix, iri[len(namespace) :]
    return None


@pytest.mark.parametrize(("term", "target"), foreign_alignments(), ids=lambda value: str(value))
def test_alignments_point_to_known_terms_of_known_namespaces(term: str, target: str) -> None:
    found = prefix_of(target)
    assert found is not None, f"s3:{term} refers to {target}, outside every known namespace"
    prefix, name = found
    assert name in KNOWN_FOREIGN_TERMS.get(prefix, set()), (
        f"s3:{term} refers to {prefix}:{name}, which is not in the list of checked terms"
    )


def test_there_are_foreign_alignments_to_check() -> None:
    targets = {prefix_of(target) for _, target in foreign_alignments()}
    prefixes = {found[0] for found in targets if found}
    assert {"org", "legal", "rov", "prov", "cpsv", "eurio", "schema", "dcterms"} <= prefixes


def test_priority_coding_properties_share_one_super_property_under_dcterms_subject() -> None:
    coded_as = URIRef(S3 + "codedAs")
    assert (coded_as, RDFS.subPropertyOf, DCTERMS.subject) in GRAPH
    for name in ("economicDomain", "scientificDomain", "policyObjective", "sdg"):
        assert (URIRef(S3 + name), RDFS.subPropertyOf, coded_as) in GRAPH
    assert (URIRef(S3 + "keyEnablingTechnology"), RDFS.subPropertyOf, coded_as) in GRAPH


@pytest.mark.parametrize(
    ("scheme", "concepts"),
    [
        (
            "ClusterLabelScheme",
            {"BronzeLabel": "bronze", "SilverLabel": "silver", "GoldLabel": "gold"},
        ),
        ("SizeClassScheme", {"Micro": "micro", "Small": "small", "Medium": "medium"}),
        (
            "ActionStatusScheme",
            {"Planned": "planned", "Ongoing": "ongoing", "Completed": "completed"},
        ),
    ],
)
def test_concept_schemes_hold_their_concepts_with_the_codes_of_the_input_files(
    scheme: str, concepts: dict[str, str]
) -> None:
    scheme_iri = URIRef(S3 + scheme)
    assert (scheme_iri, RDF.type, SKOS.ConceptScheme) in GRAPH
    members = {local(concept) for concept in GRAPH.subjects(SKOS.inScheme, scheme_iri)}
    assert members == set(concepts)
    for name, code in concepts.items():
        concept = URIRef(S3 + name)
        assert (concept, RDF.type, SKOS.Concept) in GRAPH
        assert (scheme_iri, SKOS.hasTopConcept, concept) in GRAPH
        assert str(GRAPH.value(concept, SKOS.notation)) == code
        assert english(concept, SKOS.prefLabel)
        assert english(concept, SKOS.definition)


@pytest.mark.parametrize(
    ("size", "staff", "money"),
    [
        ("Micro", "10", "EUR 2 million"),
        ("Small", "50", "EUR 10 million"),
        ("Medium", "250", "EUR 50 million"),
    ],
)
def test_size_classes_follow_recommendation_2003_361(size: str, staff: str, money: str) -> None:
    definition = str(english(URIRef(S3 + size), SKOS.definition)[0])
    assert f"fewer than {staff} persons" in definition
    assert money in definition
