"""Reference data and helpers for the loader tests: a real store with a few regions and concepts."""

from __future__ import annotations

import pytest
from pyoxigraph import RdfFormat

from graph.store import OxigraphStore

# The regions and concepts the example files and the tests refer to.
REFERENCE = b"""
@prefix s3: <https://w3id.org/s3kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix nuts: <http://data.europa.eu/nuts/code/> .
@prefix nace: <http://data.europa.eu/ux2/nace2/> .
@prefix sdg: <http://metadata.un.org/sdg/> .
@prefix ket: <https://w3id.org/s3kg/vocab/ket/> .
@prefix po: <https://w3id.org/s3kg/vocab/po/> .
@prefix ford: <https://w3id.org/s3kg/vocab/ford/> .

nuts:AT31 a s3:Region, skos:Concept ; skos:notation "AT31" .
nuts:AT32 a s3:Region, skos:Concept ; skos:notation "AT32" .
nuts:ITC4 a s3:Region, skos:Concept ; skos:notation "ITC4" .
nuts:ITC1 a s3:Region, skos:Concept ; skos:notation "ITC1" .
nuts:SI04 a s3:Region, skos:Concept ; skos:notation "SI04" .

nace:C a skos:Concept . nace:21 a skos:Concept . nace:25 a skos:Concept .
nace:256 a skos:Concept . nace:2573 a skos:Concept . nace:26 a skos:Concept .
nace:265 a skos:Concept . nace:27 a skos:Concept . nace:271 a skos:Concept .
nace:28 a skos:Concept . nace:283 a skos:Concept . nace:2830 a skos:Concept .
nace:2841 a skos:Concept . nace:2899 a skos:Concept . nace:6201 a skos:Concept .
nace:7211 a skos:Concept .

sdg:3 a skos:Concept . sdg:7 a skos:Concept . sdg:9 a skos:Concept .
ket:advanced-manufacturing a skos:Concept . ket:artificial-intelligence a skos:Concept .
ket:life-science-technologies a skos:Concept .
po:PO1 a skos:Concept . po:PO4 a skos:Concept .
ford:2.2 a skos:Concept . ford:2.3 a skos:Concept . ford:3.1 a skos:Concept .
"""


def install_reference(store: OxigraphStore) -> None:
    """Put the reference regions and concepts into their own graph of ``store``."""
    store.replace_graph(store.graphs.vocabulary("test-reference"), REFERENCE, RdfFormat.TURTLE)


@pytest.fixture
def reference_store(store: OxigraphStore) -> OxigraphStore:
    """The shared ``store`` fixture with the reference regions and concepts installed."""
    install_reference(store)
    return store
