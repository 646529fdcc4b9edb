"""Every shape fires on a small failing fixture, and the conforming example passes them all.

Each fixture is ``fixtures/{rule id}.trig``: a change to data/examples/decree-small.ttl that
breaks exactly that rule (``support.fixture_store``).
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from pyshacl import validate
from rdflib import Graph

from kkni_rdf.namespaces import KKNI, KSH, OWL, RDF, SH
from kkni_rdf.resources import ontology_files
from kkni_rdf.validation.engine import decree_data
from kkni_rdf.validation.shapes import packaging_queries, shapes_graph, sparql_checks
from tests.validation.support import fixture_rules, validate_fixture


def all_rule_ids() -> set[str]:
    return {str(r) for r in shapes_graph().objects(None, KSH.ruleId)}


def test_every_rule_has_a_fixture() -> None:
    assert set(fixture_rules()) == all_rule_ids()


def test_the_conforming_example_passes_every_shape() -> None:
    report = validate_fixture()
    assert report.findings == []


@pytest.mark.parametrize("rule", fixture_rules())
def test_rule_fires_on_its_fixture(rule: str) -> None:
    report = validate_fixture(rule)
    fired = {f.rule for f in report.findings}
    assert rule in fired, f"{rule} did not fire; got {sorted(fired)}"
    for f in report.findings:
        if f.rule == rule:
            assert f.message.get("id") and f.message.get("en") and f.message["id"] != f.message["en"]
            assert "{?" not in f.message["en"] and "{$" not in f.message["en"], f.message["en"]


def test_every_shape_is_bilingual_with_a_rule_id_and_severity() -> None:
    g = shapes_graph()
    for shape, rule in g.subject_objects(KSH.ruleId):
        assert g.value(shape, SH.severity) in (SH.Violation, SH.Warning, SH.Info), shape
        holders = [shape, *g.objects(shape, SH.sparql)]
        langs = {m.language for h in holders for m in g.objects(h, SH.message)}
        assert {"id", "en"} <= langs, (shape, rule)
    ids = [str(r) for r in g.objects(None, KSH.ruleId)]
    assert len(ids) == len(set(ids)), "rule ids are unique"


def test_shapes_conform_to_shacl_for_shacl() -> None:
    conforms, _graph, text = validate(shapes_graph(), shacl_graph=None, meta_shacl=True, advanced=True)
    assert conforms, text


def test_every_ontology_class_has_a_shape() -> None:
    onto = Graph()
    for path in ontology_files():
        if path.name in ("kkni.ttl", "kkni-user-data.ttl"):
            onto.parse(path)
    classes = {c for c in onto.subjects(RDF.type, OWL.Class) if str(c).startswith(str(KKNI))}
    targeted = set(shapes_graph().objects(None, SH.targetClass))
    assert classes - targeted == set()


def test_packaging_queries_are_plain_selects_that_run_unbound() -> None:
    queries = packaging_queries()
    assert len(queries) == len(sparql_checks()) >= 20
    store = decree_data().store
    for rule, severity, select in queries:
        assert severity in ("violation", "warning", "info")
        result = store.query(select)
        assert isinstance(result, ox.QuerySolutions), rule
        assert "this" in [v.value for v in result.variables], rule
