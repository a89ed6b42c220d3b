"""Where things are on this server, and how entity IRIs map to it.

Entities are named ``{base}id/...`` (``S3KG_BASE_IRI``), but in development the server runs
elsewhere (``http://127.0.0.1:8000/``), so an IRI under the base is shown and linked as the
server's own ``/id/...`` path, and a path is turned back into the IRI it stands for.

>>> links = Links("http://127.0.0.1:8000/", "https://w3id.org/s3kg/")
>>> links.local("https://w3id.org/s3kg/id/cluster/x"), links.iri_of_path("cluster/x")
('/doc/cluster/x', 'https://w3id.org/s3kg/id/cluster/x')
>>> links.local("https://w3id.org/s3kg/ontology#Cluster"), links.local("http://ex.org/") is None
('/ontology#Cluster', True)
>>> links.url("sparql")
'http://127.0.0.1:8000/sparql'
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request

from graph.namespaces import ONTOLOGY_IRI
from graph.settings import Settings


class Links:
    """Absolute URLs of this service's resources, and the IRI ↔ path mapping of entities."""

    def __init__(self, root: str, base_iri: str) -> None:
        self.root = root if root.endswith("/") else root + "/"
        self.base_iri = base_iri
        self.entities = base_iri + "id/"

    @classmethod
    def of(cls, request: Request) -> Links:
        """The links as seen from a request (the public URL setting wins when there is one)."""
        settings: Settings = request.app.state.settings
        return cls(settings.public_url or str(request.base_url), settings.base_iri)

    def url(self, path: str) -> str:
        """The absolute URL of one of the service's paths."""
        return self.root + path.lstrip("/")

    @property
    def sparql(self) -> str:
        """The SPARQL endpoint."""
        return self.url("sparql")

    def iri_of_path(self, path: str) -> str:
        """The entity IRI that ``/id/{path}`` (or ``/doc/{path}``) stands for."""
        return self.entities + path

    def local(self, iri: str) -> str | None:
        """The server path showing ``iri``, or None for IRIs this server does not describe."""
        if iri.startswith(self.entities) and len(iri) > len(self.entities):
            return "/doc/" + quote(iri[len(self.entities) :], safe="/:@!$&'()*+,;=-._~")
        if iri == ONTOLOGY_IRI or iri.startswith(ONTOLOGY_IRI + "#"):
            return "/ontology" + iri[len(ONTOLOGY_IRI) :]
        return None
