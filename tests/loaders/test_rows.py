"""The N-Triples terms the table loaders write: whatever the text, the store reads it back."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode, RdfFormat, parse

from loaders.rows import Triples, blank, date, iri, node, s3, text, typed

SUBJECT = node("http://example.org/a")

# Characters of Python strings that are not Unicode scalar values cannot be written as UTF-8.
TEXT = st.text(st.characters(exclude_categories=["Cs"]))


def read_back(out: Triples) -> list[Literal | NamedNode]:
    data = "".join(out.lines).encode()
    return [quad.object for quad in parse(data, RdfFormat.N_TRIPLES)]  # type: ignore[misc]


@given(TEXT)
def test_any_text_reads_back_unchanged(value: str) -> None:
    out = Triples()
    out.add(SUBJECT, iri("dcterms", "title"), text(value))
    assert read_back(out) == [Literal(value)]


@pytest.mark.parametrize(
    "value",
    ['say "hi"', "back\\slash", "two\nlines", "carriage\rreturn", "tab\tand \x00 nul", "Zürich €"],
)
def test_characters_that_must_be_escaped(value: str) -> None:
    out = Triples()
    out.text(SUBJECT, iri("skos", "note"), value)
    assert read_back(out) == [Literal(value)]


def test_typed_literals_dates_and_vocabulary_terms() -> None:
    out = Triples()
    out.add(SUBJECT, s3("smeMembers"), typed(12, "nonNegativeInteger"))
    out.date(SUBJECT, s3("startDate"), dt.date(2025, 3, 1))
    out.add(SUBJECT, iri("rdf", "type"), s3("Cluster"))
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert read_back(out) == [
        Literal("12", datatype=NamedNode(xsd + "nonNegativeInteger")),
        Literal("2025-03-01", datatype=NamedNode(xsd + "date")),
        NamedNode("https://w3id.org/s3kg/ontology#Cluster"),
    ]
    assert date(dt.date(2025, 3, 1)) == typed("2025-03-01", "date")


def test_absent_values_add_nothing() -> None:
    out = Triples()
    out.add(SUBJECT, s3("region"), None)
    out.text(SUBJECT, s3("city"), "")
    out.date(SUBJECT, s3("startDate"), None)
    assert out.lines == []


def test_blank_nodes_are_new_each_time() -> None:
    assert blank() != blank()
    out = Triples()
    out.add(SUBJECT, s3("milestone"), blank())
    assert len(read_back(out)) == 1


def test_an_invalid_iri_is_refused() -> None:
    with pytest.raises(ValueError, match="Invalid IRI"):
        node("http://example.org/a b")
