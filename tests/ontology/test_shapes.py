"""The SHACL shapes: they parse, cover every class that records are made of, stay within SHACL
Core, accept a small valid graph of every kind of record, and reject invalid records with messages
people can act on."""

from __future__ import annotations

import pyoxigraph
import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SH
from rdflib.term import Node

from graph.namespaces import S3
from graph.resources import ontology_dir

SHAPES_FILE = ontology_dir() / "shapes.ttl"
SHAPES = Graph().parse(SHAPES_FILE, format="turtle")
ONTOLOGY = Graph().parse(ontology_dir() / "s3kg.ttl", format="turtle")

# The constraint components the loaders know how to compile into SPARQL, plus the
# non-validating ones that describe a shape.
CORE_COMPONENTS = {
    "targetClass",
    "property",
    "path",
    "minCount",
    "maxCount",
    "datatype",
    "class",
    "nodeKind",
    "in",
    "pattern",
    "minInclusive",
    "maxInclusive",
    "lessThanOrEquals",
    "hasValue",
    "name",
    "message",
    "severity",
}

PREFIXES = """
@prefix s3: <https://w3id.org/s3kg/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix legal: <http://www.w3.org/ns/legal#> .
@prefix rov: <http://www.w3.org/ns/regorg#> .
@prefix nuts: <http://data.europa.eu/nuts/code/> .
@prefix nace: <http://data.europa.eu/ux2/nace2/> .
@prefix sdg: <http://metadata.un.org/sdg/> .
@prefix id: <https://w3id.org/s3kg/id/> .
"""

VALID = (
    PREFIXES
    + """
nuts:ITC4 a s3:Region ;
    skos:prefLabel "Lombardia"@it ;
    skos:notation "ITC4" ;
    s3:nutsLevel 2 ;
    s3:countryCode "IT" ;
    skos:broader nuts:ITC ;
    s3:nutsVersion "2021" , "2024" .

nuts:CH022 a s3:Region ;
    skos:prefLabel "Freiburg"@de , "Fribourg"@fr ;
    skos:notation "CH022" ;
    s3:nutsLevel 3 ;
    s3:countryCode "CH" ;
    s3:nutsVersion "2024" ;
    s3:statisticalRegion true .

<https://w3id.org/s3kg/id/strategy/itc4-2021-2027> a s3:S3Strategy ;
    s3:region nuts:ITC4 ;
    s3:programmingPeriod "2021-2027" ;
    dcterms:title "Strategia regionale di specializzazione intelligente 2021-2027" ;
    dcterms:source <https://www.regione.lombardia.it/s3> .

<https://w3id.org/s3kg/id/priority/itc4-advanced-manufacturing> a s3:S3Priority ;
    s3:strategy <https://w3id.org/s3kg/id/strategy/itc4-2021-2027> ;
    dcterms:identifier "itc4-advanced-manufacturing" ;
    dcterms:title "Manifattura avanzata" ;
    dcterms:description "Smart factories and advanced mechatronics." ;
    s3:economicDomain nace:28 , nace:2830 ;
    s3:sdg sdg:9 ;
    skos:editorialNote "Coded from the published list of ecosystems." .

<https://w3id.org/s3kg/id/cluster/afil> a s3:Cluster ;
    skos:prefLabel "Associazione Fabbrica Intelligente Lombardia" ;
    skos:altLabel "AFIL" ;
    s3:region nuts:ITC4 ;
    s3:city "Milano" ;
    foaf:homepage <https://www.afil.it/> ;
    s3:sector nace:C , nace:28 ;
    s3:clusterLabel s3:SilverLabel ;
    s3:foundingYear "2013"^^xsd:gYear ;
    s3:smeMembers "120"^^xsd:nonNegativeInteger ;
    s3:researchMembers "15"^^xsd:nonNegativeInteger ;
    skos:note "Member counts from the 2023 annual report." .

<https://w3id.org/s3kg/id/cluster/mechatronik> a s3:Cluster ;
    skos:prefLabel "Mechatronik-Cluster" ;
    s3:region nuts:CH022 .

<https://w3id.org/s3kg/id/sme/robotica-srl> a s3:SME ;
    legal:legalName "Robotica Esempio S.r.l." ;
    dcterms:identifier "IT00000000000" ;
    s3:region nuts:ITC4 ;
    rov:orgActivity nace:2830 ;
    s3:sizeClass s3:Small ;
    s3:illustrative true .

<https://w3id.org/s3kg/id/membership/afil--robotica-srl> a s3:Membership ;
    org:member <https://w3id.org/s3kg/id/sme/robotica-srl> ;
    org:organization <https://w3id.org/s3kg/id/cluster/afil> ;
    org:role "member" ;
    s3:startDate "2019-03-01"^^xsd:date ;
    s3:endDate "2024-12-31"^^xsd:date .

<https://w3id.org/s3kg/id/service/matchmaking> a s3:ClusterService ;
    s3:offeredBy <https://w3id.org/s3kg/id/cluster/afil> ;
    dcterms:title "Cross-border matchmaking" ;
    s3:targetGroup "SMEs entering foreign markets" ;
    s3:addressesPriority <https://w3id.org/s3kg/id/priority/itc4-advanced-manufacturing> ;
    s3:validation <https://w3id.org/s3kg/id/service/matchmaking/validation> .

<https://w3id.org/s3kg/id/service/matchmaking/validation> a s3:ServiceValidation ;
    s3:validatedBy <https://w3id.org/s3kg/id/cluster/mechatronik> ;
    s3:validationResult "Twelve matches, three joint proposals." ;
    s3:validationDate "2019-06-30"^^xsd:date .

<https://w3id.org/s3kg/id/call/smart-factory-2025> a s3:FundingCall ;
    dcterms:title "Smart factory vouchers 2025" ;
    s3:programme "PR FESR Lombardia 2021-2027" ;
    s3:issuedBy nuts:ITC4 ;
    s3:authority "Regione Lombardia" ;
    s3:openingDate "2025-01-15"^^xsd:date ;
    s3:closingDate "2025-03-31"^^xsd:date ;
    s3:budget 2500000.00 ;
    s3:targetsConcept nace:28 , sdg:9 ;
    s3:targetsPriority <https://w3id.org/s3kg/id/priority/itc4-advanced-manufacturing> ;
    s3:eligibleRegion nuts:ITC4 ;
    s3:eligibleSizeClass s3:Micro , s3:Small ;
    s3:eligibleActivity nace:C ;
    s3:partOfScheme <https://w3id.org/s3kg/id/scheme/alpine-manufacturing> ;
    foaf:homepage <https://www.bandi.regione.lombardia.it/> .

<https://w3id.org/s3kg/id/scheme/alpine-manufacturing> a s3:SynchronisedCallScheme ;
    dcterms:title "Alpine advanced manufacturing" ;
    s3:topic nace:28 ;
    s3:openingDate "2025-01-01"^^xsd:date ;
    s3:closingDate "2025-04-30"^^xsd:date .

<https://w3id.org/s3kg/id/activity/flexible-production> a s3:TransformativeActivity ;
    dcterms:title "Flexible production for small batches" ;
    s3:region nuts:ITC4 , nuts:CH022 ;
    s3:addressesPriority <https://w3id.org/s3kg/id/priority/itc4-advanced-manufacturing> ;
    s3:involvesCluster <https://w3id.org/s3kg/id/cluster/afil> ;
    s3:capacity "Machine-tool makers" ;
    s3:opportunity "Reshoring of production" ;
    s3:actor "Universities of applied sciences" .

<https://w3id.org/s3kg/id/plan/alpine-manufacturing> a s3:ActionPlan ;
    dcterms:title "Joint action plan for advanced manufacturing" ;
    s3:hasAction <https://w3id.org/s3kg/id/action/joint-call> .

<https://w3id.org/s3kg/id/action/joint-call> a s3:Action ;
    dcterms:title "Prepare a synchronised call" ;
    s3:lead <https://w3id.org/s3kg/id/cluster/afil> ;
    s3:partner <https://w3id.org/s3kg/id/cluster/mechatronik> ;
    s3:status s3:Ongoing ;
    s3:milestone <https://w3id.org/s3kg/id/action/joint-call/milestone/1> ;
    s3:startDate "2024-09-01"^^xsd:date ;
    s3:endDate "2025-12-31"^^xsd:date .

<https://w3id.org/s3kg/id/action/joint-call/milestone/1> a s3:Milestone ;
    dcterms:title "Call text agreed" ;
    s3:dueDate "2024-12-15"^^xsd:date .

<https://w3id.org/s3kg/id/strategy/itc4-2021-2027/profile/nace/28> a s3:ProfileEntry ;
    s3:concept nace:28 ;
    s3:taxonomy "nace" ;
    s3:direct true ;
    s3:weight 0.5 .

<https://w3id.org/s3kg/id/sector-count/itc4/28> a s3:SectorCount ;
    s3:forRegion nuts:ITC4 ;
    s3:concept nace:28 ;
    s3:clusterCount 3 ;
    s3:smeCount 41 .
"""
)


def check(turtle: str) -> tuple[bool, str]:
    data = Graph().parse(data=turtle, format="turtle")
    conforms, _, text = validate(data, shacl_graph=SHAPES, inference="none")
    return bool(conforms), str(text)


def test_shapes_parse_with_rdflib_and_pyoxigraph_to_the_same_triples() -> None:
    quads = list(pyoxigraph.parse(path=SHAPES_FILE, format=pyoxigraph.RdfFormat.TURTLE))
    assert len(quads) == len(SHAPES) > 300


def test_every_target_class_is_a_class_of_the_ontology() -> None:
    targets = set(SHAPES.objects(None, SH.targetClass))
    assert targets
    for target in targets:
        assert (target, RDF.type, OWL.Class) in ONTOLOGY, f"{target} is not declared"


def test_every_class_whose_records_come_from_data_has_a_shape() -> None:
    """Classes whose instances are defined in the ontology itself (labels, size classes,
    statuses) need no shape; every other class is filled by loaders and needs one."""
    classes = {term for term in ONTOLOGY.subjects(RDF.type, OWL.Class) if str(term).startswith(S3)}
    with_individuals = {term for term in classes if any(ONTOLOGY.subjects(RDF.type, term))}
    targets = set(SHAPES.objects(None, SH.targetClass))
    assert classes - with_individuals - targets == set()
    assert len(classes - with_individuals) >= 14


def test_shapes_use_only_simple_shacl_core_components() -> None:
    used = {
        str(predicate)[len(str(SH)) :]
        for predicate in SHAPES.predicates()
        if str(predicate).startswith(str(SH))
    }
    assert used <= CORE_COMPONENTS, f"not compilable to SPARQL: {used - CORE_COMPONENTS}"


def property_shapes() -> list[tuple[str, Node]]:
    found = []
    for shape in SHAPES.subjects(RDF.type, SH.NodeShape):
        for prop in SHAPES.objects(shape, SH.property):
            found.append((f"{str(shape).split('#')[1]}-{SHAPES.value(prop, SH.name)}", prop))
    return sorted(found, key=lambda item: item[0])


@pytest.mark.parametrize(
    ("name", "shape"), property_shapes(), ids=[n for n, _ in property_shapes()]
)
def test_every_property_shape_is_named_graded_and_explained(name: str, shape: Node) -> None:
    path = SHAPES.value(shape, SH.path)
    assert isinstance(path, URIRef), f"{name}: the path must be a single property"
    assert SHAPES.value(shape, SH.name) is not None
    assert SHAPES.value(shape, SH.severity) in {SH.Violation, SH.Warning, SH.Info}
    message = SHAPES.value(shape, SH.message)
    assert isinstance(message, Literal)
    assert SHAPES.namespace_manager.normalizeUri(path) in str(message), (
        f"{name}: the message should name the property it is about"
    )
    if str(path).startswith(S3):
        assert (path, RDF.type, None) in ONTOLOGY, f"{path} is not declared in the ontology"


def test_region_and_nace_references_are_checked_by_iri_form_not_by_class() -> None:
    """Regions and NACE concepts are typed in the vocabulary graphs, which a load does not see."""
    for path in ("region", "issuedBy", "eligibleRegion", "sector", "eligibleActivity"):
        for shape in SHAPES.subjects(SH.path, URIRef(S3 + path)):
            assert SHAPES.value(shape, SH["class"]) is None
            assert SHAPES.value(shape, SH.nodeKind) == SH.IRI
            assert str(SHAPES.value(shape, SH.pattern)).startswith("^http://data\\.europa\\.eu/")


def test_a_valid_graph_of_every_kind_of_record_conforms() -> None:
    conforms, text = check(VALID)
    assert conforms, text


def test_the_valid_graph_has_a_record_of_every_shaped_class() -> None:
    data = Graph().parse(data=VALID, format="turtle")
    for target in SHAPES.objects(None, SH.targetClass):
        assert any(data.subjects(RDF.type, target)), f"no example of {target}"


def test_a_call_without_closing_date_and_with_a_negative_budget_is_rejected() -> None:
    conforms, text = check(
        PREFIXES
        + """
        id:call a s3:FundingCall ;
            dcterms:title "Broken call" ;
            s3:programme "PR FESR" ;
            s3:issuedBy nuts:ITC4 ;
            s3:openingDate "2025-01-15"^^xsd:date ;
            s3:budget -1000.00 .
        """
    )
    assert not conforms
    assert "A funding call needs a closing date (s3:closingDate, xsd:date" in text
    assert "A funding call has at most one budget (s3:budget), an amount in euros of 0" in text


CALL = """
id:call a s3:FundingCall ; dcterms:title "Call" ; s3:programme "P" ; s3:issuedBy nuts:ITC4 ;
"""


@pytest.mark.parametrize(
    ("turtle", "message"),
    [
        pytest.param(
            CALL
            + 's3:openingDate "2025-03-01"^^xsd:date ; s3:closingDate "2025-01-31"^^xsd:date .',
            "A funding call cannot close before it opens",
            id="call-closes-before-it-opens",
        ),
        pytest.param(
            CALL + 's3:openingDate "2025-03-01" ; s3:closingDate "2025-03-31"^^xsd:date .',
            "A funding call needs an opening date (s3:openingDate",
            id="call-opening-date-not-a-date",
        ),
        pytest.param(
            CALL
            + 's3:openingDate "2025-01-01"^^xsd:date ; s3:closingDate "2025-03-31"^^xsd:date ;'
            + " s3:eligibleSizeClass s3:Large .",
            "must be micro, small or medium",
            id="call-size-class-not-in-list",
        ),
        pytest.param(
            'nuts:ITC4 a s3:Region ; skos:prefLabel "Lombardia" ; skos:notation "ITC4" ;'
            ' s3:nutsLevel 4 ; s3:countryCode "IT" ; s3:nutsVersion "2021" .',
            "a whole number from 0 (country) to 3",
            id="region-level-above-3",
        ),
        pytest.param(
            '<https://example.org/lombardy> a s3:Region ; skos:prefLabel "Lombardia" ;'
            ' skos:notation "ITC4" ; s3:nutsLevel 2 ; s3:countryCode "IT" ;'
            ' s3:nutsVersion "2021" .',
            "A region must be identified by its Eurostat NUTS address",
            id="region-not-a-nuts-iri",
        ),
        pytest.param(
            'id:s a s3:S3Strategy ; s3:region nuts:ITC4 ; dcterms:title "S3" ;'
            ' s3:programmingPeriod "2021-2028" .',
            "programming period (s3:programmingPeriod): 2014-2020 or 2021-2027",
            id="strategy-period-unknown",
        ),
        pytest.param(
            'id:c a s3:Cluster ; skos:prefLabel "C" ; s3:region "ITC4" .',
            "A cluster needs exactly one region (s3:region)",
            id="cluster-region-given-as-text",
        ),
        pytest.param(
            'id:c a s3:Cluster ; skos:prefLabel "C" ; s3:region nuts:ITC4 ;'
            " s3:clusterLabel s3:Micro .",
            "bronze, silver or gold",
            id="cluster-label-not-in-list",
        ),
        pytest.param(
            'id:c a s3:Cluster ; skos:prefLabel "C" ; s3:region nuts:ITC4 ;'
            " s3:sector <http://example.org/nace/28> .",
            "must be a NACE Rev.2 code",
            id="cluster-sector-not-nace",
        ),
        pytest.param(
            'id:e a s3:SME ; legal:legalName "E" ; s3:region nuts:ITC4 ; s3:sizeClass s3:Small .',
            "An SME needs at least one economic activity (rov:orgActivity)",
            id="sme-without-activity",
        ),
        pytest.param(
            "id:m a s3:Membership ; org:member id:e ; org:organization id:c ;"
            ' s3:startDate "2024-01-01"^^xsd:date ; s3:endDate "2023-01-01"^^xsd:date .',
            "A membership cannot end before it starts",
            id="membership-ends-before-it-starts",
        ),
        pytest.param(
            'id:a a s3:Action ; dcterms:title "A" ; s3:lead <https://w3id.org/s3kg/id/cluster/c> ;'
            ' s3:status "ongoing" .',
            "planned, ongoing or completed",
            id="action-status-as-text",
        ),
        pytest.param(
            'id:p a s3:ActionPlan ; dcterms:title "Plan" .',
            "A joint action plan needs at least one action (s3:hasAction)",
            id="plan-without-actions",
        ),
        pytest.param(
            'id:p a s3:S3Priority ; dcterms:title "P" ; dcterms:identifier "p" ;'
            " s3:strategy id:s ; s3:sdg sdg:18 .",
            "one of the 17 UN goals",
            id="priority-sdg-out-of-range",
        ),
    ],
)
def test_invalid_records_are_rejected_with_a_readable_message(turtle: str, message: str) -> None:
    conforms, text = check(PREFIXES + turtle)
    assert not conforms
    assert message in text, text


def test_the_loaders_compile_every_constraint_and_agree_on_the_valid_graph() -> None:
    """The loaders validate large loads with these shapes compiled to SPARQL; nothing may be
    left unchecked, and the compiled checks must accept what pySHACL accepts."""
    shacl = pytest.importorskip("loaders.shacl")
    compiled = shacl.compile_shapes(SHAPES_FILE)
    assert compiled.unsupported == []
    store = pyoxigraph.Store()
    store.load(VALID.encode(), pyoxigraph.RdfFormat.TURTLE)
    assert [str(violation) for violation in compiled.run(store.query)] == []
    store.update(
        "DELETE WHERE { <https://w3id.org/s3kg/id/call/smart-factory-2025>"
        " <https://w3id.org/s3kg/ontology#closingDate> ?date }"
    )
    messages = [violation.message for violation in compiled.run(store.query)]
    assert any(message.startswith("A funding call needs a closing date") for message in messages)
