"""Checks on the ontology file and the curated English translations, on their own.

Files are found relative to this test file, never the working directory.
"""

from __future__ import annotations

import csv
import re
from collections import Counter

import pytest
from rdflib import Graph, Literal, URIRef

from kkni_rdf.namespaces import KKNI, KKNI_ONTOLOGY, OWL, RDF, RDFS, SKOS
from tests.helpers import ROOT

ONTOLOGY = ROOT / "ontology" / "kkni.ttl"
MODEL = ROOT / "docs" / "model.md"
TRANSLATIONS = ROOT / "data" / "curated" / "translations-en.csv"

DECLARATION_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
UNIT_CODE = re.compile(r"^[A-Z]\.\d{2}[A-Z]{3}\d{2}\.\d{3}\.\d+$")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def translations() -> list[dict[str, str]]:
    with TRANSLATIONS.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _kkni_terms(graph: Graph) -> dict[URIRef, set[URIRef]]:
    """Every kkni: subject typed as a class or property, with its declaration types."""
    terms: dict[URIRef, set[URIRef]] = {}
    for kind in DECLARATION_TYPES:
        for s in graph.subjects(RDF.type, kind):
            if isinstance(s, URIRef) and str(s).startswith(str(KKNI)):
                terms.setdefault(s, set()).add(kind)
    return terms


def _languages(graph: Graph, s: URIRef, p: URIRef) -> set[str]:
    return {o.language for o in graph.objects(s, p) if isinstance(o, Literal) and o.language}


def test_parses_and_is_the_ontology(ontology: Graph) -> None:
    assert (URIRef(KKNI_ONTOLOGY), RDF.type, OWL.Ontology) in ontology
    assert ontology.value(URIRef(KKNI_ONTOLOGY), OWL.versionInfo) is not None


def test_every_term_is_labelled_and_defined_in_both_languages(ontology: Graph) -> None:
    terms = _kkni_terms(ontology)
    assert terms, "no kkni: terms declared"
    problems = []
    for term in sorted(terms):
        for p in (RDFS.label, SKOS.definition):
            missing = {"id", "en"} - _languages(ontology, term, p)
            if missing:
                problems.append(
                    f"{term.n3(ontology.namespace_manager)} lacks {p.n3(ontology.namespace_manager)} @{'/@'.join(sorted(missing))}"
                )
    assert not problems, "\n".join(problems)


def test_no_term_is_declared_with_conflicting_types(ontology: Graph) -> None:
    clashes = {t: k for t, k in _kkni_terms(ontology).items() if len(k) > 1}
    assert not clashes, clashes


def test_every_term_named_in_the_model_is_declared(ontology: Graph) -> None:
    named = set(re.findall(r"kkni:(\w+)", MODEL.read_text(encoding="utf-8")))
    declared = {str(t)[len(str(KKNI)) :] for t in _kkni_terms(ontology)}
    individuals = {str(s)[len(str(KKNI)) :] for s in ontology.subjects(RDF.type, OWL.NamedIndividual) if str(s).startswith(str(KKNI))}
    missing = sorted(named - declared - individuals)
    assert not missing, f"named in docs/model.md but not declared: {missing}"


def test_listing_roles_carry_their_codes(ontology: Graph) -> None:
    for name, code in (("Core", "core"), ("Elective", "elective")):
        role = KKNI[name]
        assert (role, RDF.type, KKNI.ListingRole) in ontology
        assert ontology.value(role, KKNI.roleCode) == Literal(code)
        assert {"id", "en"} <= _languages(ontology, role, RDFS.label)


def test_translations_header_and_unique_keys(translations: list[dict[str, str]]) -> None:
    with TRANSLATIONS.open(encoding="utf-8", newline="") as f:
        assert next(csv.reader(f)) == ["kind", "key", "indonesian", "english"]
    pairs = Counter((r["kind"], r["key"]) for r in translations)
    assert not [p for p, n in pairs.items() if n > 1]
    assert [(r["kind"], r["key"]) for r in translations] == sorted(pairs)


def test_translations_have_english_except_prerequisite_only_units(translations: list[dict[str, str]]) -> None:
    missing = [
        (r["kind"], r["key"])
        for r in translations
        if not r["english"].strip() and not (r["kind"] == "unit" and not r["indonesian"].strip())
    ]
    assert not missing, missing
    for r in translations:
        if r["kind"] == "unit":
            assert UNIT_CODE.match(r["key"]), r["key"]
            if not r["indonesian"].strip():
                assert not r["english"].strip(), f"{r['key']}: no printed title, so no translation"


def test_translation_counts(translations: list[dict[str, str]]) -> None:
    kinds = Counter(r["kind"] for r in translations)
    assert kinds["qualification"] == 14
    assert kinds["field"] == 1
    assert kinds["subfield"] == 2
    assert kinds["group"] == 4
    assert kinds["aspect"] == 8
    assert kinds["level"] == 9
    job_quals = {r["key"].split("/")[0] for r in translations if r["kind"] == "job-role"}
    qual_keys = {r["key"] for r in translations if r["kind"] == "qualification"}
    assert job_quals == qual_keys
