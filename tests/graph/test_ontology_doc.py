"""The HTML documentation of the ontology: complete, linkable, well-formed and safe."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from graph.errors import InputError, NotFoundError
from graph.namespaces import S3
from graph.ontology_doc import render_html
from graph.resources import ontology_dir

ONTOLOGY = Graph().parse(ontology_dir() / "s3kg.ttl", format="turtle")
VOID_ELEMENTS = {"area", "br", "col", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Page(HTMLParser):
    """Collects ids, internal links and language tags, and checks that every element closes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.fragments: set[str] = set()
        self.langs: set[str] = set()
        self.open: list[str] = []
        self.errors: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(str(values["id"]))
        href = values.get("href") or ""
        if href.startswith("#"):
            self.fragments.add(href[1:])
        if values.get("lang"):
            self.langs.add(str(values["lang"]))
        if tag not in VOID_ELEMENTS:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.open[-1] if self.open else None}>")
            return
        self.open.pop()


@pytest.fixture(scope="module")
def html() -> str:
    return render_html()


@pytest.fixture(scope="module")
def page(html: str) -> Page:
    return Page(html)


def s3_terms(*kinds: URIRef) -> list[Node]:
    return sorted(
        {
            term
            for kind in kinds
            for term in ONTOLOGY.subjects(RDF.type, kind)
            if str(term).startswith(S3)
        },
        key=str,
    )


def test_the_page_is_well_formed(page: Page) -> None:
    assert page.errors == []
    assert page.open == []


def test_ids_are_unique(page: Page) -> None:
    assert len(page.ids) == len(set(page.ids))


def test_every_internal_link_has_a_target(page: Page) -> None:
    assert page.fragments - set(page.ids) == set()


def test_every_term_has_an_anchor_named_after_it(page: Page) -> None:
    terms = s3_terms(
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        OWL.NamedIndividual,
    )
    assert len(terms) > 80
    missing = {str(term)[len(S3) :] for term in terms} - set(page.ids)
    assert missing == set()


@pytest.mark.parametrize("term", s3_terms(OWL.Class), ids=lambda term: str(term)[len(S3) :])
def test_every_class_is_shown_with_its_labels_in_every_language(html: str, term: Node) -> None:
    assert f'<section class="term" id="{str(term)[len(S3) :]}"' in html
    for label in ONTOLOGY.objects(term, RDFS.label):
        assert isinstance(label, Literal)
        text = str(label).replace("'", "&#39;")
        if label.language == "en":
            assert f">{text} <span" in html
        else:
            assert f'<span lang="{label.language}">{text}</span>' in html


def test_labels_are_marked_up_with_their_language(page: Page) -> None:
    assert {"en", "de", "fr", "it", "sl"} <= page.langs


def test_the_header_shows_the_metadata(html: str) -> None:
    assert "<code>https://w3id.org/s3kg/ontology/0.1.0</code>" in html
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in html
    assert "The s3kg developers" in html
    assert '<h2 id="namespaces">' in html
    assert "<code>http://data.europa.eu/s66#</code>" in html


def test_a_class_shows_the_constraints_of_its_shape(html: str) -> None:
    call = html.split('<section class="term" id="FundingCall"')[1].split("</section>")[0]
    assert "A funding call needs a closing date (s3:closingDate, xsd:date" in call
    assert 'not after <a href="#closingDate">' in call
    assert (
        '<a href="http://data.europa.eu/s66#FundingScheme"><code>eurio:FundingScheme</code>' in call
    )


def test_other_files_can_be_rendered_and_their_text_is_escaped(tmp_path: Path) -> None:
    ontology = tmp_path / "tiny.ttl"
    ontology.write_text(
        """
        @prefix s3: <https://w3id.org/s3kg/ontology#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        <https://w3id.org/s3kg/ontology> a owl:Ontology ; dcterms:title "Tiny"@en .
        s3:Thing a owl:Class ; rdfs:label "Thing <script>alert(1)</script>"@en ;
            skos:definition "A & B."@en .
        """,
        encoding="utf-8",
    )
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("", encoding="utf-8")
    html = render_html(ontology, shapes)
    assert "<title>Tiny</title>" in html
    assert 'id="Thing"' in html and 'id="Cluster"' not in html
    assert "<script>" not in html
    assert "Thing &lt;script&gt;" in html and "A &amp; B." in html


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="does not exist"):
        render_html(tmp_path / "absent.ttl")


def test_a_broken_file_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(InputError, match="is not valid Turtle"):
        render_html(broken)
