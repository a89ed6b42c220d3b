"""What the service says about itself: SPARQL Service Description, VoID, a DCAT-AP 3 catalogue.

All three are built from the same per-graph statistics (:mod:`api.stats`) and dump files
(:mod:`api.dumps`). The dataset as a whole is ``{base}dataset``; each named graph is described
under its own IRI, as a ``void:subset`` and as a ``dcat:Dataset`` with a distribution per dump.
"""

from __future__ import annotations

from pyoxigraph import BlankNode, NamedNode, Triple

from api.dumps import DATASET_DUMP, DumpFile, DumpSet
from api.rdf import Subject, Triples, iri, text, typed
from api.stats import DatasetStats, GraphStats
from api.urls import Links
from graph.namespaces import ONTOLOGY_IRI, PREFIXES

TITLE = "s3kg: Smart Specialisation knowledge graph"
DESCRIPTION = (
    "An open knowledge graph of Europe's Smart Specialisation Strategies (S3), their priorities, "
    "clusters, SMEs, cluster services and funding calls, linked to NUTS regions and NACE Rev. 2."
)
KEYWORDS = ("smart specialisation", "S3", "clusters", "SMEs", "funding calls", "NUTS", "NACE")

RESULT_FORMATS = (
    "formats:SPARQL_Results_JSON",
    "formats:SPARQL_Results_XML",
    "formats:SPARQL_Results_CSV",
    "formats:SPARQL_Results_TSV",
    "formats:Turtle",
    "formats:N-Triples",
    "formats:N-Quads",
    "formats:TriG",
    "formats:RDF_XML",
    "formats:JSON-LD",
    "formats:N3",
)

VOCABULARIES = (
    ONTOLOGY_IRI,
    *(
        PREFIXES[p]
        for p in ("skos", "dcterms", "org", "legal", "rov", "prov", "cpsv", "eurio", "foaf")
    ),
)

STABLE = "http://publications.europa.eu/resource/authority/planned-availability/STABLE"
EUROPE = "http://publications.europa.eu/resource/authority/continent/EUROPE"
LANGUAGE_SCHEME = "http://publications.europa.eu/resource/authority/language"
THEME_SCHEME = "http://publications.europa.eu/resource/authority/data-theme"
FILE_TYPE_SCHEME = "http://publications.europa.eu/resource/authority/file-type"

_FILE_TYPES = {
    "application/n-quads": "eu-filetype:RDF_N_QUADS",
    "application/n-triples": "eu-filetype:RDF_N_TRIPLES",
}


def dataset_iri(links: Links) -> NamedNode:
    """The IRI of the dataset as a whole."""
    return NamedNode(links.base_iri + "dataset")


def graph_title(graph: str, links: Links) -> str:
    """A readable title for a named graph.

    >>> links = Links("http://h/", "https://w3id.org/s3kg/")
    >>> graph_title("https://w3id.org/s3kg/graph/source/clusters", links)
    'Named graph source/clusters'
    """
    prefix = links.base_iri + "graph/"
    return "Named graph " + (graph[len(prefix) :] if graph.startswith(prefix) else graph)


# -- SPARQL 1.1 Service Description ------------------------------------------------------------


def service_description(stats: DatasetStats, links: Links) -> list[Triple]:
    """The ``sd:Service`` of the endpoint, with its default dataset and named graphs."""
    g = Triples()
    service = NamedNode(links.sparql)
    g.add(service, "rdf:type", iri("sd:Service"))
    g.add(service, "sd:endpoint", service)
    g.add(service, "sd:supportedLanguage", iri("sd:SPARQL11Query"), iri("sd:SPARQL11Update"))
    g.add(service, "sd:resultFormat", *(iri(f) for f in RESULT_FORMATS))
    g.add(service, "sd:feature", iri("sd:UnionDefaultGraph"))
    g.add(service, "sd:defaultEntailmentRegime", iri("ent:Simple"))
    g.add(service, "dcterms:title", text("s3kg SPARQL endpoint"))
    g.add(service, "rdfs:seeAlso", NamedNode(links.url(".well-known/void")))
    dataset = BlankNode("dataset")
    g.add(service, "sd:defaultDataset", dataset)
    g.add(dataset, "rdf:type", iri("sd:Dataset"))
    g.add(dataset, "dcterms:title", text(TITLE))
    default = BlankNode("default_graph")
    g.add(dataset, "sd:defaultGraph", default)
    g.add(default, "rdf:type", iri("sd:Graph"))
    g.add(default, "void:triples", typed(stats.triples, "xsd:integer"))
    g.add(default, "rdfs:comment", text("The union of all named graphs."))
    for number, info in enumerate(stats.graphs):
        named, graph = BlankNode(f"named_{number}"), BlankNode(f"graph_{number}")
        g.add(dataset, "sd:namedGraph", named)
        g.add(named, "rdf:type", iri("sd:NamedGraph"))
        g.add(named, "sd:name", NamedNode(info.iri))
        g.add(named, "sd:graph", graph)
        g.add(graph, "rdf:type", iri("sd:Graph"))
        g.add(graph, "void:triples", typed(info.triples, "xsd:integer"))
    return g.list()


# -- VoID --------------------------------------------------------------------------------------


def void_description(
    stats: DatasetStats, dumps: DumpSet, links: Links, license: str
) -> list[Triple]:
    """The VoID description: the dataset, one ``void:subset`` per named graph."""
    g = Triples()
    document = NamedNode(links.url(".well-known/void"))
    dataset = dataset_iri(links)
    g.add(document, "rdf:type", iri("void:DatasetDescription"))
    g.add(document, "dcterms:title", text("VoID description of s3kg"))
    g.add(document, "foaf:primaryTopic", dataset)
    g.add(dataset, "rdf:type", iri("void:Dataset"))
    g.add(dataset, "dcterms:title", text(TITLE))
    g.add(dataset, "dcterms:description", text(DESCRIPTION))
    g.add(dataset, "dcterms:license", NamedNode(license))
    if stats.modified:
        g.add(dataset, "dcterms:modified", typed(stats.modified, "xsd:dateTime"))
    g.add(dataset, "foaf:homepage", NamedNode(links.root))
    g.add(dataset, "void:triples", typed(stats.triples, "xsd:integer"))
    g.add(dataset, "void:sparqlEndpoint", NamedNode(links.sparql))
    g.add(dataset, "void:dataDump", NamedNode(links.url(f"dumps/{DATASET_DUMP}")))
    g.add(dataset, "void:uriSpace", text(links.entities, None))
    g.add(dataset, "void:vocabulary", *(NamedNode(v) for v in VOCABULARIES))
    g.add(dataset, "void:feature", *(iri(f) for f in RESULT_FORMATS if "Results" not in f))
    g.add(dataset, "void:rootResource", NamedNode(ONTOLOGY_IRI))
    examples = [e for info in stats.graphs if "/source/" in info.iri for e in info.examples]
    g.add(dataset, "void:exampleResource", *(NamedNode(e) for e in examples[:5]))
    dumps_by_graph = {f.graph: f for f in dumps.files}
    for info in stats.graphs:
        subset = NamedNode(info.iri)
        g.add(dataset, "void:subset", subset)
        g.add(subset, "rdf:type", iri("void:Dataset"))
        g.add(subset, "dcterms:title", text(graph_title(info.iri, links)))
        g.add(subset, "void:triples", typed(info.triples, "xsd:integer"))
        g.add(subset, "void:sparqlEndpoint", NamedNode(links.sparql))
        if info.license:
            g.add(subset, "dcterms:license", NamedNode(info.license))
        dump = dumps_by_graph.get(info.iri)
        if dump is not None:
            g.add(subset, "void:dataDump", NamedNode(links.url(f"dumps/{dump.name}")))
        g.add(subset, "void:exampleResource", *(NamedNode(e) for e in info.examples))
    return g.list()


# -- DCAT-AP 3 ---------------------------------------------------------------------------------


def _concept(g: Triples, concept: NamedNode, scheme: str, label: str) -> None:
    g.add(concept, "rdf:type", iri("skos:Concept"))
    g.add(concept, "skos:inScheme", iri(scheme))
    g.add(concept, "skos:prefLabel", text(label))


def _distribution(
    g: Triples, dataset: Subject, file: DumpFile, links: Links, license: NamedNode
) -> None:
    url = NamedNode(links.url(f"dumps/{file.name}"))
    distribution = NamedNode(links.url(f"dumps/{file.name}#distribution"))
    g.add(dataset, "dcat:distribution", distribution)
    g.add(distribution, "rdf:type", iri("dcat:Distribution"))
    kind = "N-Quads" if file.graph is None else "N-Triples"
    g.add(distribution, "dcterms:title", text(f"{kind} dump, gzip-compressed"))
    what = (
        "the whole dataset, every named graph" if file.graph is None else f"the graph {file.graph}"
    )
    g.add(distribution, "dcterms:description", text(f"{kind} of {what}, compressed with gzip."))
    g.add(distribution, "dcatap:availability", iri(STABLE))
    g.add(distribution, "dcat:accessURL", url)
    g.add(distribution, "dcat:downloadURL", url)
    media_type = NamedNode(f"http://www.iana.org/assignments/media-types/{file.media_type}")
    g.add(distribution, "dcat:mediaType", media_type)
    g.add(media_type, "rdf:type", iri("dcterms:MediaType"))
    file_type = iri(_FILE_TYPES[file.media_type])
    g.add(distribution, "dcterms:format", file_type)
    g.add(file_type, "rdf:type", iri("dcterms:MediaTypeOrExtent"))
    g.add(file_type, "skos:inScheme", iri(FILE_TYPE_SCHEME))
    gzip = iri("iana:application/gzip")
    g.add(distribution, "dcat:compressFormat", gzip)
    g.add(gzip, "rdf:type", iri("dcterms:MediaType"))
    g.add(distribution, "dcterms:license", license)
    g.add(distribution, "dcat:byteSize", typed(file.size, "xsd:nonNegativeInteger"))
    checksum = NamedNode(links.url(f"dumps/{file.name}#sha256"))
    g.add(distribution, "spdx:checksum", checksum)
    g.add(checksum, "rdf:type", iri("spdx:Checksum"))
    g.add(checksum, "spdx:algorithm", iri("spdx:checksumAlgorithm_sha256"))
    g.add(iri("spdx:checksumAlgorithm_sha256"), "rdf:type", iri("spdx:ChecksumAlgorithm"))
    g.add(checksum, "spdx:checksumValue", typed(file.sha256, "xsd:hexBinary"))


def _provenance(g: Triples, dataset: NamedNode, info: GraphStats) -> None:
    statement = NamedNode(info.iri + "#provenance")
    g.add(dataset, "dcterms:provenance", statement)
    g.add(statement, "rdf:type", iri("dcterms:ProvenanceStatement"))
    if info.activity:
        said = f"Written by {info.agent or 's3kg'}"
        if info.file:
            said += f" from {info.file}"
        if info.source:
            said += f" ({info.source})"
        if info.modified:
            said += f" at {info.modified}"
        g.add(statement, "rdfs:label", text(said + "."))
        activity = NamedNode(info.activity)
        g.add(dataset, "prov:wasGeneratedBy", activity)
        g.add(activity, "rdf:type", iri("prov:Activity"))
    else:
        g.add(
            statement, "rdfs:label", text("Written through the SPARQL Update or Graph Store API.")
        )


def dcat_catalog(stats: DatasetStats, dumps: DumpSet, links: Links, license: str) -> list[Triple]:
    """A DCAT-AP 3 catalogue: the whole dataset and each named graph, their dumps, the endpoint."""
    g = Triples()
    catalog = NamedNode(links.url("catalog"))
    publisher = NamedNode(links.url("catalog#publisher"))
    licence = NamedNode(license)
    whole = dataset_iri(links)
    service = NamedNode(links.sparql)
    theme = iri("eu-theme:ECON")
    english = iri("eu-language:ENG")

    g.add(catalog, "rdf:type", iri("dcat:Catalog"))
    g.add(catalog, "dcterms:title", text("s3kg data catalogue"))
    g.add(catalog, "dcterms:description", text(DESCRIPTION))
    g.add(catalog, "dcterms:publisher", publisher)
    g.add(catalog, "foaf:homepage", NamedNode(links.root))
    g.add(catalog, "dcterms:license", licence)
    g.add(catalog, "dcterms:language", english)
    g.add(catalog, "dcterms:spatial", iri(EUROPE))
    g.add(catalog, "dcat:themeTaxonomy", iri(THEME_SCHEME))
    if stats.modified:
        g.add(catalog, "dcterms:modified", typed(stats.modified, "xsd:dateTime"))
    g.add(catalog, "dcat:service", service)
    g.add(catalog, "dcat:dataset", whole, *(NamedNode(info.iri) for info in stats.graphs))

    g.add(publisher, "rdf:type", iri("foaf:Agent"))
    g.add(publisher, "foaf:name", text("The s3kg developers"))
    g.add(NamedNode(links.root), "rdf:type", iri("foaf:Document"))
    g.add(licence, "rdf:type", iri("dcterms:LicenseDocument"))
    g.add(english, "rdf:type", iri("dcterms:LinguisticSystem"))
    g.add(english, "skos:inScheme", iri(LANGUAGE_SCHEME))
    taxonomy = iri(THEME_SCHEME)
    g.add(taxonomy, "rdf:type", iri("skos:ConceptScheme"))
    g.add(taxonomy, "dcterms:title", text("Data theme"))
    _concept(g, theme, THEME_SCHEME, "Economy and finance")
    _concept(
        g,
        iri(STABLE),
        "http://publications.europa.eu/resource/authority/planned-availability",
        "Stable",
    )
    europe = iri(EUROPE)
    g.add(europe, "rdf:type", iri("dcterms:Location"))
    g.add(
        europe, "skos:inScheme", iri("http://publications.europa.eu/resource/authority/continent")
    )
    contact = NamedNode(links.url("catalog#contact"))
    g.add(contact, "rdf:type", iri("vcard:Kind"), iri("vcard:Organization"))
    g.add(contact, "vcard:fn", text("s3kg", None))
    g.add(contact, "vcard:hasURL", NamedNode(links.root))

    def describe(dataset: NamedNode, title: str, description: str) -> None:
        g.add(dataset, "rdf:type", iri("dcat:Dataset"))
        g.add(dataset, "dcterms:title", text(title))
        g.add(dataset, "dcterms:description", text(description))
        g.add(dataset, "dcterms:publisher", publisher)
        g.add(dataset, "dcat:theme", theme)
        g.add(dataset, "dcat:keyword", *(text(k) for k in KEYWORDS))
        g.add(dataset, "dcterms:language", english)
        g.add(dataset, "dcterms:spatial", europe)
        g.add(dataset, "dcat:contactPoint", contact)

    describe(whole, TITLE, DESCRIPTION)
    if stats.modified:
        g.add(whole, "dcterms:modified", typed(stats.modified, "xsd:dateTime"))
    g.add(whole, "dcterms:hasPart", *(NamedNode(info.iri) for info in stats.graphs))
    g.add(whole, "void:sparqlEndpoint", service)
    files = {f.graph: f for f in dumps.files}
    if None in files:
        _distribution(g, whole, files[None], links, licence)
    endpoint = NamedNode(links.url("sparql#distribution"))
    g.add(whole, "dcat:distribution", endpoint)
    g.add(endpoint, "rdf:type", iri("dcat:Distribution"))
    g.add(endpoint, "dcterms:title", text("SPARQL 1.1 endpoint"))
    g.add(endpoint, "dcterms:description", text("Query the whole dataset with SPARQL 1.1."))
    g.add(endpoint, "dcatap:availability", iri(STABLE))
    g.add(endpoint, "dcat:accessURL", service)
    g.add(endpoint, "dcat:accessService", service)
    g.add(endpoint, "dcterms:license", licence)

    for info in stats.graphs:
        dataset = NamedNode(info.iri)
        describe(
            dataset,
            graph_title(info.iri, links),
            f"{info.triples:,} triples of the s3kg knowledge graph, in the named graph {info.iri}.",
        )
        if info.modified:
            g.add(dataset, "dcterms:modified", typed(info.modified, "xsd:dateTime"))
        _provenance(g, dataset, info)
        if info.iri in files:
            _distribution(g, dataset, files[info.iri], links, NamedNode(info.license or license))
            if info.license:
                g.add(NamedNode(info.license), "rdf:type", iri("dcterms:LicenseDocument"))

    g.add(service, "rdf:type", iri("dcat:DataService"))
    g.add(service, "dcterms:title", text("s3kg SPARQL endpoint"))
    g.add(
        service, "dcterms:description", text("SPARQL 1.1 Query, Update and Graph Store Protocol.")
    )
    g.add(service, "dcat:endpointURL", service)
    g.add(service, "dcat:endpointDescription", service)
    g.add(service, "dcat:servesDataset", whole)
    g.add(service, "dcterms:license", licence)
    g.add(service, "dcterms:publisher", publisher)
    standard = NamedNode("https://www.w3.org/TR/sparql11-protocol/")
    g.add(service, "dcterms:conformsTo", standard)
    g.add(standard, "rdf:type", iri("dcterms:Standard"))
    g.add(service, "dcat:keyword", text("SPARQL"))
    g.add(service, "dcat:contactPoint", contact)
    g.add(service, "dcat:theme", theme)
    return g.list()
