"""The JSON-LD context of s3kg: short keys for the data model (``docs/model.md``).

Every JSON-LD document the service writes (SPARQL CONSTRUCT/DESCRIBE results, entity pages,
dataset descriptions) is compacted with this one context, so ``region``, ``prefLabel`` or
``budget`` mean the same everywhere.

>>> CONTEXT["region"], CONTEXT["Cluster"]
({'@id': 's3:region', '@type': '@id'}, 's3:Cluster')
>>> from pyoxigraph import Literal, NamedNode, Triple
>>> from graph.namespaces import S3
>>> t = Triple(NamedNode("https://w3id.org/s3kg/id/cluster/x"), NamedNode(S3 + "region"),
...            NamedNode("http://data.europa.eu/nuts/code/AT31"))
>>> print(to_jsonld([t]).decode())
{
  "@context": {
    "nuts": "http://data.europa.eu/nuts/code/",
    "s3": "https://w3id.org/s3kg/ontology#",
    "id": "@id",
    "region": {
      "@id": "s3:region",
      "@type": "@id"
    }
  },
  "id": "https://w3id.org/s3kg/id/cluster/x",
  "region": "nuts:AT31"
}
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from pyoxigraph import Triple

from graph.namespaces import PREFIXES
from graph.results import serialize_jsonld

_CLASSES = (
    "Region",
    "S3Strategy",
    "S3Priority",
    "Cluster",
    "SME",
    "Membership",
    "ClusterService",
    "ServiceValidation",
    "FundingCall",
    "SynchronisedCallScheme",
    "TransformativeActivity",
    "ActionPlan",
    "Action",
    "Milestone",
)

_LINKS = {
    name: f"s3:{name}"
    for name in (
        "region",
        "strategy",
        "economicDomain",
        "scientificDomain",
        "policyObjective",
        "sdg",
        "keyEnablingTechnology",
        "codedAs",
        "sector",
        "clusterLabel",
        "sizeClass",
        "offeredBy",
        "addressesPriority",
        "validation",
        "validatedBy",
        "issuedBy",
        "targetsConcept",
        "targetsPriority",
        "eligibleRegion",
        "eligibleSizeClass",
        "eligibleActivity",
        "partOfScheme",
        "topic",
        "involvesCluster",
        "hasAction",
        "lead",
        "partner",
        "status",
        "milestone",
        "withinRegion",
    )
} | {
    "broader": "skos:broader",
    "narrower": "skos:narrower",
    "inScheme": "skos:inScheme",
    "member": "org:member",
    "organization": "org:organization",
    "role": "org:role",
    "homepage": "foaf:homepage",
    "source": "dcterms:source",
    "license": "dcterms:license",
    "orgActivity": "rov:orgActivity",
    "wasGeneratedBy": "prov:wasGeneratedBy",
}

_TEXTS = {
    "title": "dcterms:title",
    "description": "dcterms:description",
    "identifier": "dcterms:identifier",
    "notation": "skos:notation",
    "note": "skos:note",
    "editorialNote": "skos:editorialNote",
    "legalName": "legal:legalName",
    "programmingPeriod": "s3:programmingPeriod",
    "programme": "s3:programme",
    "authority": "s3:authority",
    "city": "s3:city",
    "targetGroup": "s3:targetGroup",
    "validationResult": "s3:validationResult",
    "capacity": "s3:capacity",
    "opportunity": "s3:opportunity",
    "actor": "s3:actor",
    "countryCode": "s3:countryCode",
    "nutsVersion": "s3:nutsVersion",
}

_TYPED = {
    "foundingYear": ("s3:foundingYear", "xsd:gYear"),
    "nutsLevel": ("s3:nutsLevel", "xsd:integer"),
    "budget": ("s3:budget", "xsd:decimal"),
    "openingDate": ("s3:openingDate", "xsd:date"),
    "closingDate": ("s3:closingDate", "xsd:date"),
    "startDate": ("s3:startDate", "xsd:date"),
    "endDate": ("s3:endDate", "xsd:date"),
    "dueDate": ("s3:dueDate", "xsd:date"),
    "validationDate": ("s3:validationDate", "xsd:date"),
    "modified": ("dcterms:modified", "xsd:dateTime"),
    "triples": ("void:triples", "xsd:integer"),
    "illustrative": ("s3:illustrative", "xsd:boolean"),
    "statisticalRegion": ("s3:statisticalRegion", "xsd:boolean"),
} | {
    name: (f"s3:{name}", "xsd:nonNegativeInteger")
    for name in (
        "smeMembers",
        "largeCompanyMembers",
        "researchMembers",
        "publicMembers",
        "otherMembers",
    )
}

CONTEXT: dict[str, object] = {
    **PREFIXES,
    "id": "@id",
    "type": "@type",
    **{name: f"s3:{name}" for name in _CLASSES},
    **{name: {"@id": iri, "@type": "@id"} for name, iri in _LINKS.items()},
    **_TEXTS,
    **{name: {"@id": iri, "@type": datatype} for name, (iri, datatype) in _TYPED.items()},
    "prefLabel": {"@id": "skos:prefLabel", "@container": "@language"},
    "altLabel": {"@id": "skos:altLabel", "@container": "@language"},
    "label": {"@id": "rdfs:label", "@container": "@language"},
    "comment": {"@id": "rdfs:comment", "@container": "@language"},
}
"""The curated context: the prefixes, ``id``/``type``, and a short key per class and property."""


def _used(document: object, found: set[str]) -> set[str]:
    """Every key and string in a JSON document, and the prefixes of the compact IRIs among them."""
    if isinstance(document, dict):
        for key, value in document.items():
            if key != "@context":
                found.add(key)
                _used(value, found)
    elif isinstance(document, list):
        for item in document:
            _used(item, found)
    elif isinstance(document, str):
        found.add(document)
    return found


def _pruned(context: dict[str, object], used: set[str]) -> dict[str, object]:
    """The entries of ``context`` a document uses, and the prefixes those entries need."""
    kept = {name: value for name, value in context.items() if name in used}
    needed = {text.split(":", 1)[0] for text in used if ":" in text}
    for value in kept.values():
        for text in value.values() if isinstance(value, dict) else [value]:
            if isinstance(text, str) and ":" in text:
                needed.add(text.split(":", 1)[0])
    return {**{p: v for p, v in context.items() if p in needed and p not in kept}, **kept}


def to_jsonld(triples: Sequence[Triple]) -> bytes:
    """Triples as JSON-LD compacted with :data:`CONTEXT`, keeping the entries it uses."""
    document = json.loads(serialize_jsonld(triples, CONTEXT))
    if isinstance(document, dict) and isinstance(document.get("@context"), dict):
        document["@context"] = _pruned(document["@context"], _used(document, set()))
    return json.dumps(document, ensure_ascii=False, indent=2).encode()
