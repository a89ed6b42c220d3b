"""Turning the codes and ids a row mentions into IRIs, and checking that they exist.

A reference is valid when its IRI is in ``context.known``: the regions, concepts and records
already in the store or produced earlier in the same load. Unknown ones are reported at the
value's place with the closest known codes.

>>> from graph.namespaces import Graphs, nuts_iri
>>> from loaders.base import LoadContext
>>> from loaders.tabular import Cell, Row
>>> context = LoadContext(Graphs("https://example.org/"), known={nuts_iri("ITC4")})
>>> refs = References(context)
>>> row = Row("clusters.csv", 3, {"region": Cell("ITC9", 3, 4)})
>>> refs.region(row, "region", "ITC4")  # as written in N-Triples
'<http://data.europa.eu/nuts/code/ITC4>'
>>> refs.region(row, "region", "ITC9") is None
True
>>> print(context.problems[0])
clusters.csv:3:4: region: unknown NUTS code 'ITC9'; did you mean ITC4?
"""

from __future__ import annotations

from typing import NewType

from pyoxigraph import NamedNode

from graph.namespaces import NACE2, NUTS, nace_iri, nuts_iri
from loaders.base import KnownIris, LoadContext, Problem
from loaders.nace import normalise_nace, suggest_nace
from loaders.tabular import Row, closest

#: Where the concepts of s3kg's own vocabularies live: ``{VOCAB}{scheme}/{code}``.
VOCAB = "https://w3id.org/s3kg/vocab/"
#: The UN SDG KOS: goal ``n`` is ``{SDG}{n}``.
SDG = "http://metadata.un.org/sdg/"

#: The vocabularies a code may come from, by the prefix written before it in ``topics``
#: (``sdg:7``, ``ket:ai``), with the scheme's IRI namespace and what it is called in messages.
SCHEMES: dict[str, tuple[str, str]] = {
    "sdg": (SDG, "SDG"),
    "ford": (VOCAB + "ford/", "OECD field of science (FORD) code"),
    "ket": (VOCAB + "ket/", "key enabling technology code"),
    "po": (VOCAB + "po/", "policy-objective code"),
}

Term = NewType("Term", str)
"""An RDF term in N-Triples syntax: ``<http://...>``, ``"text"``, ``"1"^^<...#integer>``, ``_:b``.

:mod:`loaders.rows` writes triples of these; references resolve to them."""

# Entity kinds (as in ``Graphs.entity``) and how they are called in messages.
_ENTITIES = {
    "cluster": "cluster",
    "priority": "priority",
    "sme": "SME",
    "scheme": "call scheme",
}


def concept_iri(scheme: str, code: str) -> str:
    """The IRI of a concept of one of the :data:`SCHEMES`.

    >>> concept_iri("sdg", "7"), concept_iri("ket", "AI")
    ('http://metadata.un.org/sdg/7', 'https://w3id.org/s3kg/vocab/ket/AI')
    """
    namespace = SCHEMES[scheme][0]
    if scheme == "sdg":
        return namespace + str(int(code.strip().lower().removeprefix("sdg")))
    return namespace + code.strip()


def nace_notation(iri: str) -> str:
    """The official notation of a NACE concept IRI.

    >>> [nace_notation(NACE2 + c) for c in ("C", "28", "283", "2830")]
    ['C', '28', '28.3', '28.30']
    """
    code = iri[len(NACE2) :]
    return code if len(code) <= 2 else f"{code[:2]}.{code[2:]}"


class References:
    """Resolves references for one file, reporting the unknown ones to ``context``."""

    def __init__(self, context: LoadContext) -> None:
        self.context = context
        self._candidates: dict[str, list[str]] = {}
        # References found, by how they were written: regions, codes and concepts repeat.
        self._found: dict[tuple[str, str], Term] = {}

    def _term(self, iri: str) -> Term | None:
        """``iri`` in N-Triples syntax when it is known, else None."""
        if iri not in self.context.known:
            return None
        return Term(str(NamedNode(iri)))

    def _cached(self, kind: str, written: str, iri: str | None) -> Term | None:
        term = self._term(iri) if iri is not None else None
        if term is not None:
            self._found[kind, written] = term
        return term

    def _codes(self, namespace: str) -> list[str]:
        """The known codes of a namespace (computed once per file, for suggestions)."""
        if namespace not in self._candidates:
            known = self.context.known
            iris = (
                known.candidates(namespace)
                if isinstance(known, KnownIris)
                else [iri for iri in known if iri.startswith(namespace)]
            )
            self._candidates[namespace] = sorted({iri[len(namespace) :] for iri in iris})
        return self._candidates[namespace]

    def _report(self, row: Row, column: str, message: str, item: int | None) -> None:
        line, col = row.place(column)
        if item is not None:
            message = f"item {item}: {message}"
        self.context.problems.append(Problem(row.file, line, col, column, message))

    def _hint(self, word: str, codes: list[str]) -> str:
        if len(codes) > 20_000:  # keep suggestions cheap on very large stores
            codes = [c for c in codes if c[:1] == word[:1]][:20_000]
        found = closest(word, codes)
        if not found:
            return ""
        return "; did you mean " + " or ".join(found[:2]) + "?"

    def region(self, row: Row, column: str, code: str, item: int | None = None) -> Term | None:
        """The IRI of a NUTS region (codes are already upper case)."""
        found = self._found.get(("region", code)) or self._cached("region", code, nuts_iri(code))
        if found is not None:
            return found
        hint = self._hint(code, self._codes(NUTS))
        if not self._codes(NUTS):
            hint = " (no NUTS regions are installed: run 's3kg init' or load the NUTS files first)"
        self._report(row, column, f"unknown NUTS code {code!r}{hint}", item)
        return None

    def nace(self, row: Row, column: str, code: str, item: int | None = None) -> Term | None:
        """The IRI of a NACE Rev. 2 concept, from a code as people write it."""
        found = self._found.get(("nace", code))
        if found is not None:
            return found
        notation = normalise_nace(code)
        iri = nace_iri(notation) if notation is not None else None
        if (found := self._cached("nace", code, iri)) is not None:
            return found
        known = [nace_notation(NACE2 + c) for c in self._codes(NACE2)]
        if not known:
            hint = " (NACE Rev. 2 is not installed: run 's3kg init' or load it first)"
        else:
            close = suggest_nace(code, known)
            hint = "; did you mean " + " or ".join(close[:2]) + "?" if close else ""
        what = "unknown NACE Rev. 2 code" if notation else "not a NACE Rev. 2 code"
        self._report(row, column, f"{what} {code!r}{hint}", item)
        return None

    def concept(
        self, row: Row, column: str, scheme: str, code: str, item: int | None = None
    ) -> Term | None:
        """The IRI of a concept of one of s3kg's vocabularies or the SDGs."""
        found = self._found.get((scheme, code))
        if found is not None:
            return found
        namespace, name = SCHEMES[scheme]
        try:
            iri = concept_iri(scheme, code)
        except ValueError:
            self._report(row, column, f"{code!r} is not a {name}", item)
            return None
        if (found := self._cached(scheme, code, iri)) is not None:
            return found
        codes = self._codes(namespace)
        wanted = iri[len(namespace) :].lower()
        same = [c for c in codes if c.lower() == wanted]
        if len(same) == 1 and (found := self._cached(scheme, code, namespace + same[0])):
            return found
        hint = self._hint(iri[len(namespace) :], codes)
        if not codes:
            hint = " (the vocabulary is not installed: run 's3kg init')"
        self._report(row, column, f"unknown {name} {code!r}{hint}", item)
        return None

    def topic(self, row: Row, column: str, text: str, item: int | None = None) -> Term | None:
        """A concept written ``sdg:7``, ``ket:CODE``, ``ford:CODE``, ``po:CODE`` or a NACE code."""
        prefix, colon, code = text.partition(":")
        if colon and prefix.strip().lower() in SCHEMES:
            return self.concept(row, column, prefix.strip().lower(), code.strip(), item)
        return self.nace(row, column, text, item)

    def entity(
        self, row: Row, column: str, kind: str, key: str, item: int | None = None
    ) -> Term | None:
        """The IRI of one of s3kg's records (cluster, priority, SME, scheme), if it exists."""
        iri = self.context.graphs.entity(kind, key)
        found = self._term(iri)
        if found is not None:
            return found
        namespace = self.context.graphs.entity(kind, "x")[:-1]
        hint = self._hint(iri[len(namespace) :], self._codes(namespace))
        self._report(row, column, f"unknown {_ENTITIES.get(kind, kind)} {key!r}{hint}", item)
        return None
