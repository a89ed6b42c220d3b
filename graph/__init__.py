"""The s3kg graph layer: settings, the store that owns the data, and the named-graph conventions.

Everything that reads or writes RDF goes through :class:`graph.store.GraphStore`; the loaders,
the query catalogue, the CLI and the HTTP API are its callers.
"""

from __future__ import annotations

__version__ = "0.1.0"
