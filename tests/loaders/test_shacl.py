"""SHACL shapes compiled to SPARQL find the same violations as pySHACL, and guard every load."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
import rdflib
from pyoxigraph import RdfFormat, Store, Triple, serialize

from graph.resources import ontology_dir
from graph.store import OxigraphStore
from loaders.base import LoadContext
from loaders.pipeline import detect_kind, known_iris, load_paths, loaders
from loaders.shacl import Shapes, compile_shapes

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .

ex:ClusterShape a sh:NodeShape ;
  sh:targetClass ex:Cluster ;
  sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ] ;
  sh:property [ sh:path ex:members ; sh:datatype xsd:nonNegativeInteger ] ;
  sh:property [ sh:path ex:staff ; sh:minInclusive 1 ; sh:maxInclusive 1000 ] ;
  sh:property [ sh:path ex:label ; sh:in ( ex:Bronze ex:Silver ex:Gold ) ] ;
  sh:property [ sh:path ex:region ; sh:nodeKind sh:IRI ;
                sh:pattern "^http://data\\\\.europa\\\\.eu/nuts/code/" ] ;
  sh:property [ sh:path ex:plan ; sh:class ex:Plan ] ;
  sh:property [ sh:path ex:opens ; sh:lessThanOrEquals ex:closes ] ;
  sh:property [ sh:path ex:kind ; sh:hasValue ex:Organisation ] ;
  sh:property [ sh:path ex:code ; sh:minLength 2 ; sh:maxLength 4 ] ;
  sh:property [ sh:path [ sh:inversePath ex:member ] ; sh:maxCount 2 ] .
"""

VALID = """
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:c1 a ex:Cluster ; ex:name "One" ; ex:members "12"^^xsd:nonNegativeInteger ; ex:staff 40 ;
  ex:label ex:Gold ; ex:region <http://data.europa.eu/nuts/code/ITC4> ; ex:plan ex:p1 ;
  ex:opens "2025-01-01"^^xsd:date ; ex:closes "2025-02-01"^^xsd:date ; ex:kind ex:Organisation ;
  ex:code "AB" .
ex:p1 a ex:Plan .
ex:m1 ex:member ex:c1 .
"""

INVALID = """
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:c1 a ex:Cluster ; ex:name "One", "Uno" ; ex:members "-3"^^xsd:nonNegativeInteger ; ex:staff 0 ;
  ex:label ex:Platinum ; ex:region <http://example.org/ITC4> ; ex:plan ex:p1 ;
  ex:opens "2025-03-01"^^xsd:date ; ex:closes "2025-02-01"^^xsd:date ; ex:code "ABCDEF" .
ex:c2 a ex:Cluster ; ex:members 5 ; ex:staff 5000 ; ex:region "ITC4" ; ex:kind ex:Organisation ;
  ex:code "A" ; ex:name 7 .
ex:m1 ex:member ex:c2 . ex:m2 ex:member ex:c2 . ex:m3 ex:member ex:c2 .
"""


def ours(shapes: Shapes, data: str) -> set[tuple[str, str]]:
    store = Store()
    store.load(data.encode(), RdfFormat.TURTLE)
    return {(str(v.focus).strip("<>"), v.component) for v in shapes.run(store.query)}


def theirs(data: str, shapes: str = SHAPES) -> set[tuple[str, str]]:
    _, graph, _ = pyshacl.validate(
        rdflib.Graph().parse(data=data, format="turtle"),
        shacl_graph=rdflib.Graph().parse(data=shapes, format="turtle"),
        inference="none",
    )
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    found = set()
    for result in graph.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus = graph.value(result, sh.focusNode)
        component = str(graph.value(result, sh.sourceConstraintComponent)).rsplit("#", 1)[-1]
        found.add((str(focus), component))
    return found


def test_every_constraint_is_compiled() -> None:
    shapes = compile_shapes(SHAPES)
    assert shapes.unsupported == []
    assert len(shapes.checks) == 15


# Both forms of the queries: the default, and the one whose memory does not grow with the data.
FORMS = pytest.mark.parametrize("streaming", [False, True], ids=["default", "streaming"])


@FORMS
def test_agrees_with_pyshacl_on_valid_data(streaming: bool) -> None:
    shapes = compile_shapes(SHAPES, streaming=streaming)
    assert ours(shapes, VALID) == theirs(VALID) == set()


@FORMS
def test_agrees_with_pyshacl_on_invalid_data(streaming: bool) -> None:
    shapes = compile_shapes(SHAPES, streaming=streaming)
    expected = theirs(INVALID)
    assert len(expected) >= 12
    assert ours(shapes, INVALID) == expected


PATHS = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .

ex:ConceptShape a sh:NodeShape ;
  sh:targetClass ex:Concept ;
  sh:property [ sh:path [ sh:zeroOrMorePath ex:broader ] ; sh:nodeKind sh:IRI ; sh:maxCount 3 ] ;
  sh:property [ sh:path [ sh:oneOrMorePath ex:broader ] ; sh:minCount 1 ; sh:class ex:Concept ] ;
  sh:property [ sh:path ( ex:broader ex:label ) ; sh:datatype xsd:string ; sh:maxCount 1 ] ;
  sh:property [ sh:path [ sh:alternativePath ( ex:label ex:altLabel ) ] ; sh:minLength 2 ;
                sh:pattern "^[A-Z]" ] ;
  sh:property [ sh:path ex:scheme ; sh:hasValue ex:Scheme ; sh:in ( ex:Scheme ex:Other ) ] .
"""

PATH_DATA = """
@prefix ex: <http://example.org/> .
ex:top a ex:Concept ; ex:label "Top" ; ex:scheme ex:Scheme .
ex:mid a ex:Concept ; ex:broader ex:top ; ex:label "Mid" ; ex:scheme ex:Scheme, ex:Third .
ex:low a ex:Concept ; ex:broader ex:mid , ex:other ; ex:altLabel "L" .
ex:other ex:label "Other", "autre" ; ex:broader "a literal" .
ex:leaf a ex:Concept ; ex:broader ex:low ; ex:label "leaf" .
"""


@FORMS
def test_agrees_with_pyshacl_on_paths_of_every_kind(streaming: bool) -> None:
    expected = theirs(PATH_DATA, PATHS)
    assert len(expected) >= 8
    assert ours(compile_shapes(PATHS, streaming=streaming), PATH_DATA) == expected


def test_streaming_forms_keep_nothing_per_focus_node_or_value() -> None:
    default, streaming = compile_shapes(SHAPES), compile_shapes(SHAPES, streaming=True)
    assert any("MINUS" in q.sparql for q in default.queries)
    assert any("GROUP BY" in q.sparql for q in default.queries)
    assert any("SELECT DISTINCT ?value" in q.sparql for q in default.queries)
    for query in streaming.queries:
        assert "MINUS" not in query.sparql
        assert "SELECT DISTINCT ?value" not in query.sparql  # no set of all distinct values


def test_checks_of_one_path_share_a_query() -> None:
    shapes = compile_shapes(SHAPES)
    [region] = [q for q in shapes.queries if q.checks[0].path == "<http://example.org/region>"]
    assert [c.component for c in region.checks] == [
        "NodeKindConstraintComponent",
        "PatternConstraintComponent",
    ]
    assert sum(len(q.checks) for q in shapes.queries) == len(shapes.checks)


def test_unsupported_components_are_listed() -> None:
    shapes = compile_shapes(
        """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
          sh:property [ sh:path ex:p ; sh:uniqueLang true ] ."""
    )
    assert shapes.checks == []
    assert [u.rsplit("#", 1)[-1] for u in shapes.unsupported] == ["uniqueLang"]


def test_deactivated_shapes_are_skipped() -> None:
    shapes = compile_shapes(
        """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:deactivated true ;
          sh:property [ sh:path ex:p ; sh:minCount 1 ] ."""
    )
    assert shapes.checks == []


def test_the_project_shapes_compile_completely() -> None:
    path = ontology_dir() / "shapes.ttl"
    if not path.is_file() or path.stat().st_size == 0:
        pytest.skip("ontology/shapes.ttl is not there yet")
    shapes = compile_shapes(path)
    assert shapes.unsupported == []
    assert len(shapes.checks) > 100
    store = Store()
    for check in shapes.checks:
        list(store.query(check.query))  # every query parses and runs


def test_the_project_shapes_agree_with_pyshacl_on_the_examples(
    reference_store: OxigraphStore,
) -> None:
    """Both find nothing wrong with the examples: pySHACL on the triples as the loaders make them,
    the compiled checks on them as stored (where integer subtypes have become xsd:integer)."""
    path = ontology_dir() / "shapes.ttl"
    if not path.is_file() or path.stat().st_size == 0:
        pytest.skip("ontology/shapes.ttl is not there yet")
    examples = Path(__file__).resolve().parents[1] / "data" / "examples" / "csv"
    known = known_iris(reference_store)
    produced: list[Triple] = []
    for file in sorted(examples.iterdir(), key=lambda f: _ORDER.index(f.stem)):
        context = LoadContext(reference_store.graphs, known=known)
        produced += loaders()[detect_kind(file)].convert(file, context)
        assert context.problems == []
    text = serialize(produced, format=RdfFormat.N_TRIPLES)
    assert text is not None
    data = rdflib.Graph().parse(data=text.decode(), format="nt")
    conforms, _, report = pyshacl.validate(
        data, shacl_graph=rdflib.Graph().parse(path), inference="none"
    )
    assert conforms, report
    assert load_paths(reference_store, [examples]).ok
    for streaming in (False, True):
        shapes = compile_shapes(path, streaming=streaming)
        for info in reference_store.named_graphs():
            if "/source/" in info.iri:
                found = shapes.run(
                    lambda q, g=info.iri: reference_store.query(q, default_graph=[g]).dicts()  # type: ignore[union-attr]
                )
                assert found == []


_ORDER = [
    "priorities", "clusters", "smes", "memberships", "services", "schemes", "calls",
    "activities", "actions",
]  # fmt: skip


NAME_SHAPE = """@prefix sh: <http://www.w3.org/ns/shacl#> .
    @prefix s3: <https://w3id.org/s3kg/ontology#> .
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    [] a sh:NodeShape ; sh:targetClass s3:Cluster ;
      sh:property [ sh:path skos:prefLabel ; sh:minCount 1 ; sh:name "name" ;
                    sh:message "A cluster needs a name%s." ] ."""


@pytest.mark.parametrize("large", [False, True], ids=["small", "large"])
def test_a_shape_violation_aborts_the_load(
    store: OxigraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, large: bool
) -> None:
    """Files of more than ``STREAMED_ROWS`` rows are checked with the streaming forms."""
    if large:
        monkeypatch.setattr("loaders.pipeline.STREAMED_ROWS", 0)
    rdf = tmp_path / "clusters-extra.ttl"
    rdf.write_text(
        "@prefix s3: <https://w3id.org/s3kg/ontology#> .\n"
        "<https://w3id.org/s3kg/id/cluster/x> a s3:Cluster .\n",
        encoding="utf-8",
    )
    shapes = compile_shapes(NAME_SHAPE % "")
    shapes.streamed = compile_shapes(NAME_SHAPE % " (streamed)", streaming=True)
    report = load_paths(store, [rdf], shapes=shapes)
    assert not report.ok
    how = " (streamed)" if large else ""
    assert [str(p) for p in report.problems] == [
        f"clusters-extra.ttl: name: A cluster needs a name{how}. "
        "(https://w3id.org/s3kg/id/cluster/x)"
    ]
    assert store.named_graphs() == []


@pytest.mark.parametrize("one_growing", [False, True])
def test_threads_and_lanes_give_the_same_violations(one_growing: bool) -> None:
    shapes = compile_shapes(SHAPES, streaming=True)
    store = Store()
    store.load(INVALID.encode(), RdfFormat.TURTLE)
    alone = shapes.run(store.query)
    assert any(q.grows for q in shapes.queries) and not all(q.grows for q in shapes.queries)
    assert shapes.run(store.query, threads=2, one_growing=one_growing) == alone
