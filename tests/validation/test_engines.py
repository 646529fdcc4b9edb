"""The fast run (pySHACL core + the SPARQL checks in Oxigraph) finds what pySHACL alone finds."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from kkni_rdf.validation.engine import ValidationData, validate_data, validate_with_pyshacl
from kkni_rdf.validation.shapes import sparql_checks
from tests.validation.support import fixture_store


def words(text: str) -> tuple[str, ...]:
    return tuple(sorted(re.findall(r"[\w.]+", text)))


def pyshacl_results(g: Graph) -> set[tuple[str, str, str, tuple[str, ...]]]:
    results = validate_with_pyshacl(g)
    out = set()
    for r in results.subjects(None, SH.ValidationResult):
        if results.value(r, SH.sourceConstraintComponent) != SH.SPARQLConstraintComponent:
            continue
        msgs = sorted(words(str(m)) for m in results.objects(r, SH.resultMessage))
        for m in msgs:
            out.add((str(results.value(r, SH.sourceShape)), str(results.value(r, SH.focusNode)), str(results.value(r, SH.value)), m))
    return out


def fast_results(data: ValidationData) -> set[tuple[str, str, str, tuple[str, ...]]]:
    out = set()
    for f in validate_data(data).findings:
        if f.component != SH.SPARQLConstraintComponent:
            continue
        for lang in ("id", "en"):
            out.add((str(f.shape), str(f.focus), str(f.value), words(f.message[lang])))
    return out


SPARQL_RULES = sorted(c.rule for c in sparql_checks())


@pytest.mark.parametrize("rule", SPARQL_RULES)
def test_same_sparql_findings_as_pyshacl(rule: str) -> None:
    data = ValidationData.of(fixture_store(rule))
    fast = fast_results(data)
    assert fast, "the fixture fires"
    assert fast == pyshacl_results(data.graph)
