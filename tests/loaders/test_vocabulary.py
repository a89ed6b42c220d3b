"""The vocabulary loader takes SKOS in any RDF syntax and points at the line of a syntax error."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Triple

from graph.namespaces import Graphs
from graph.resources import ontology_dir
from loaders.base import LoadContext
from loaders.vocabulary import VocabularyLoader

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
CONCEPT = NamedNode("https://example.org/v/a")

TURTLE = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://example.org/v> a skos:ConceptScheme .
<https://example.org/v/a> a skos:Concept ;
    skos:inScheme <https://example.org/v> ;
    skos:prefLabel "A"@en .
"""
NTRIPLES = (
    "<https://example.org/v/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
    "<http://www.w3.org/2004/02/skos/core#Concept> .\n"
)
RDF_XML = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:skos="http://www.w3.org/2004/02/skos/core#">
  <skos:Concept rdf:about="https://example.org/v/a"><skos:prefLabel>A</skos:prefLabel></skos:Concept>
</rdf:RDF>
"""
JSON_LD = """{"@id": "https://example.org/v/a",
 "@type": "http://www.w3.org/2004/02/skos/core#Concept"}"""
TRIG = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://example.org/g> { <https://example.org/v/a> a skos:Concept . }
"""


def convert(path: Path) -> tuple[list[Triple], LoadContext]:
    context = LoadContext(graphs=Graphs("https://w3id.org/s3kg/"))
    return list(VocabularyLoader().convert(path, context)), context


@pytest.mark.parametrize(
    ("name", "text"),
    [
        pytest.param("v.ttl", TURTLE, id="turtle"),
        pytest.param("v.nt", NTRIPLES, id="ntriples"),
        pytest.param("v.rdf", RDF_XML, id="rdfxml"),
        pytest.param("v.jsonld", JSON_LD, id="jsonld"),
        pytest.param("v.trig", TRIG, id="trig-graph-dropped"),
    ],
)
def test_reads_skos_in_any_syntax(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    triples, context = convert(path)
    assert context.problems == []
    assert Triple(CONCEPT, RDF_TYPE, NamedNode(SKOS + "Concept")) in triples
    assert context.rows == len(triples)


def test_reads_gzipped_turtle(tmp_path: Path) -> None:
    path = tmp_path / "v.ttl.gz"
    path.write_bytes(gzip.compress(TURTLE.encode()))
    triples, context = convert(path)
    assert context.problems == []
    assert len(triples) == 4


def test_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text(TURTLE.replace('"A"@en .', '"A"@en\n<x> .'), encoding="utf-8")
    _, context = convert(path)
    (problem,) = context.problems
    assert (problem.file, problem.line) == ("broken.ttl", 6)
    assert problem.column is not None
    assert problem.message.startswith("Turtle syntax: ")
    assert "Parser error" not in problem.message


def test_rdf_without_skos_is_not_a_vocabulary(tmp_path: Path) -> None:
    path = tmp_path / "plain.ttl"
    path.write_text("<https://example.org/a> <https://example.org/p> 1 .\n", encoding="utf-8")
    triples, context = convert(path)
    assert len(triples) == 1
    (problem,) = context.problems
    assert "not a SKOS vocabulary" in problem.message


def test_unknown_extension_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "v.docx"
    path.write_text(TURTLE, encoding="utf-8")
    triples, context = convert(path)
    assert triples == []
    (problem,) = context.problems
    assert "docx" in problem.message


def test_recognises_rdf_files_mentioning_skos(tmp_path: Path) -> None:
    skos, plain, table = tmp_path / "v.ttl", tmp_path / "plain.ttl", tmp_path / "v.csv"
    skos.write_text(TURTLE, encoding="utf-8")
    plain.write_text("<https://example.org/a> <https://example.org/p> 1 .\n", encoding="utf-8")
    table.write_text("skos:Concept\n", encoding="utf-8")
    loader = VocabularyLoader()
    assert loader.recognises(skos)
    assert not loader.recognises(plain)
    assert not loader.recognises(table)


@pytest.mark.parametrize(
    "path", sorted((ontology_dir() / "vocabularies").glob("*.ttl")), ids=lambda p: p.name
)
def test_shipped_vocabularies_load(path: Path) -> None:
    triples, context = convert(path)
    assert context.problems == []
    assert triples
