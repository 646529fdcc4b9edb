"""Helpers for the shape tests: the small conforming example, changed one rule at a time."""

from __future__ import annotations

from rdflib import Graph

from kkni_rdf.namespaces import sparql_prologue
from kkni_rdf.resources import ontology_files
from kkni_rdf.validation.engine import DataGraphs, Report, validate_data
from tests.helpers import ROOT

EXAMPLES = ROOT / "data" / "examples"
BASE_EXAMPLE = EXAMPLES / "decree-small.ttl"
Q = "https://w3id.org/kkni/qualification/kepmenaker-99-2030/P85ABC01-3-contoh"


def base_graph() -> Graph:
    g = Graph()
    for path in ontology_files():
        g.parse(path, format="turtle")
    g.parse(BASE_EXAMPLE, format="turtle")
    return g


def validate_graph(g: Graph) -> Report:
    return validate_data(DataGraphs.from_graph(g))


def apply_update(update: str) -> Graph:
    g = base_graph()
    g.update(sparql_prologue() + update.replace("{Q}", Q))
    return g
