"""Helpers for the validation tests: the small conforming example, changed one rule at a time.

Each rule's fixture is ``fixtures/{rule id}.trig``, a change to ``data/examples/decree-small.ttl``
(loaded with the ontology) that breaks exactly that rule: the triples in its graph
``patch:removed`` come out of the data, the triples in its default graph go in.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kkni_rdf.validation.engine import files_store, validate_store
from kkni_rdf.validation.findings import Report

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "data" / "examples"
BASE_EXAMPLE = EXAMPLES / "decree-small.ttl"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REMOVED = ox.NamedNode("urn:kkni:patch:removed")


def fixture_rules() -> list[str]:
    """The rule ids that have a fixture."""
    return sorted(p.stem for p in FIXTURES.glob("*.trig"))


def fixture_store(rule: str | None = None) -> ox.Store:
    """The ontology and the conforming example in a store's default graph, changed by ``rule``'s fixture."""
    store = files_store([BASE_EXAMPLE])
    if rule is None:
        return store
    path = FIXTURES / f"{rule}.trig"
    for quad in ox.parse(path=path, format=ox.RdfFormat.TRIG):
        triple = ox.Quad(quad.subject, quad.predicate, quad.object, ox.DefaultGraph())
        if quad.graph_name == REMOVED:
            assert triple in store, f"{path.name} removes a triple the example does not hold: {quad.triple}"
            store.remove(triple)
        else:
            assert quad.graph_name == ox.DefaultGraph(), f"{path.name}: only patch:removed and the default graph"
            store.add(triple)
    return store


def validate_fixture(rule: str | None = None) -> Report:
    return validate_store(fixture_store(rule))
