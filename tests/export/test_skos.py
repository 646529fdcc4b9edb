"""SKOS as SKOS tools read it: the units' concept scheme (``kkni export --to skos``) and the levels and
work-attitude aspects the served data carries, checked with skosify (a dev dependency) and with the SKOS
reference's rules on labels and top concepts; labels checked against the decree as parsed."""

from __future__ import annotations

import logging
import re

import pytest
import skosify  # type: ignore[import-untyped]
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kkni_rdf import export
from kkni_rdf.decree.model import Decree
from kkni_rdf.export.common import construct
from kkni_rdf.namespaces import CC_BY, DCTERMS, RDF, RDFS, SKOS
from kkni_rdf.store.embedded import KkniStore

SCHEME = URIRef("https://w3id.org/kkni/unit")
PROJECT = URIRef("https://w3id.org/kkni/project")


@pytest.fixture(scope="module")
def units(store: KkniStore) -> Graph:
    return Graph().parse(data=export.skos_document(store), format="turtle")


@pytest.fixture(scope="module")
def served_schemes(store: KkniStore) -> Graph:
    """The levels' and the aspects' schemes and concepts as the store serves them (the decree's graph)."""
    return construct(
        store,
        """CONSTRUCT { ?s ?p ?o } WHERE {
  GRAPH <https://w3id.org/kkni/graph/kepmenaker-3-2021> {
    VALUES ?scheme { <https://w3id.org/kkni/level> <https://w3id.org/kkni/work-attitude-aspect> }
    { BIND (?scheme AS ?s) ?s ?p ?o } UNION { ?s skos:inScheme ?scheme ; ?p ?o }
    FILTER (?p IN (rdf:type, skos:prefLabel, skos:altLabel, skos:inScheme, skos:hasTopConcept, skos:topConceptOf,
                   skos:broader, skos:notation, skos:definition, rdfs:label))
  }
}""",
    )


def skosify_warnings(graph: Graph, caplog: pytest.LogCaptureFixture) -> list[str]:
    """What skosify reports (it logs its findings as warnings) checking a copy of ``graph``."""
    copy = Graph()
    for t in graph:
        copy.add(t)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        skosify.skosify(copy, label=None, mark_top_concepts=False, cleanup_unreachable=False)
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def one_label_per_language(graph: Graph, concept: Node) -> dict[str, str]:
    labels = [o for o in graph.objects(concept, SKOS.prefLabel) if isinstance(o, Literal)]
    by_language = {str(o.language): str(o) for o in labels}
    assert len(by_language) == len(labels), (concept, labels)  # SKOS S14: at most one per language
    assert set(by_language) == {"id", "en"}, (concept, labels)
    return by_language


def test_skosify_finds_nothing_in_the_units_scheme(units: Graph, caplog: pytest.LogCaptureFixture) -> None:
    assert skosify_warnings(units, caplog) == []


def test_skosify_would_report_a_second_label(units: Graph, caplog: pytest.LogCaptureFixture) -> None:
    """The control: skosify does report a broken label rule (two Indonesian prefLabels on one concept)."""
    broken = Graph()
    for t in units:
        broken.add(t)
    broken.add((URIRef("https://w3id.org/kkni/unit/N.78SPS02.011.1"), SKOS.prefLabel, Literal("Judul kedua", lang="id")))
    assert any("prefLabel" in w for w in skosify_warnings(broken, caplog))


def test_every_concept_has_one_preferred_label_in_indonesian_and_in_english(units: Graph) -> None:
    concepts = set(units.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) > 100
    for concept in concepts:
        one_label_per_language(units, concept)
        assert (concept, SKOS.inScheme, SCHEME) in units
    tops = set(units.objects(SCHEME, SKOS.hasTopConcept))
    assert len(tops) == 3 and tops == set(units.subjects(SKOS.topConceptOf, SCHEME))
    assert all(units.value(c, SKOS.broader) in tops for c in concepts - tops)


def test_unit_labels_are_the_printed_titles_and_no_title_is_invented(units: Graph, decree: Decree) -> None:
    printed = {r.code.code: r.title for q in decree.qualifications for r in q.rows}
    prerequisites_only = {p.code.code for q in decree.qualifications for r in q.rows for p in r.prerequisites} - set(printed)
    assert prerequisites_only == {"N.78SPS01.004.1", "N.78SPS01.005.1"}  # printed as codes only (N.78SPS01.007.2's row)
    for concept in units.subjects(RDF.type, SKOS.Concept):
        code = str(units.value(concept, SKOS.notation))
        labels = one_label_per_language(units, concept)
        if code in printed:
            assert re.sub(r"\s+", " ", labels["id"]) == printed[code] or (concept, SKOS.altLabel, None) in units, code
        elif code in prerequisites_only:
            assert labels == {
                "id": f"Unit kompetensi {code} (judul tidak tercetak dalam keputusan)",
                "en": f"Unit of competency {code} (title not printed in the decree)",
            }
            assert {n.language for n in units.objects(concept, SKOS.editorialNote) if isinstance(n, Literal)} == {"id", "en"}


def test_the_scheme_has_title_creator_publisher_licence_and_date(units: Graph, decree: Decree) -> None:
    assert {o.language for o in units.objects(SCHEME, DCTERMS.title) if isinstance(o, Literal)} == {"id", "en"}
    one_label_per_language(units, SCHEME)
    assert units.value(SCHEME, DCTERMS.creator) == PROJECT and units.value(SCHEME, DCTERMS.publisher) == PROJECT
    assert units.value(SCHEME, DCTERMS.license) == URIRef(CC_BY)
    date = units.value(SCHEME, DCTERMS.date)
    assert isinstance(date, Literal) and date.toPython() == decree.date_enacted
    assert units.value(SCHEME, DCTERMS.source) == URIRef(f"https://w3id.org/kkni/act/{decree.slug}")


@pytest.mark.parametrize(("scheme", "count"), [("level", 9), ("work-attitude-aspect", 8)])
def test_the_served_levels_and_aspects_are_proper_skos(served_schemes: Graph, scheme: str, count: int) -> None:
    iri = URIRef(f"https://w3id.org/kkni/{scheme}")
    assert (iri, RDF.type, SKOS.ConceptScheme) in served_schemes
    one_label_per_language(served_schemes, iri)
    concepts = set(served_schemes.subjects(SKOS.inScheme, iri))
    assert len(concepts) == count
    assert set(served_schemes.objects(iri, SKOS.hasTopConcept)) == concepts
    for concept in concepts:
        assert (concept, RDF.type, SKOS.Concept) in served_schemes
        assert (concept, SKOS.topConceptOf, iri) in served_schemes
        labels = one_label_per_language(served_schemes, concept)
        assert Literal(labels["id"], lang="id") in set(served_schemes.objects(concept, RDFS.label))


@pytest.mark.parametrize("scheme", ["level", "work-attitude-aspect"])
def test_skosify_finds_nothing_in_the_served_levels_and_aspects(
    served_schemes: Graph, scheme: str, caplog: pytest.LogCaptureFixture
) -> None:
    iri = URIRef(f"https://w3id.org/kkni/{scheme}")
    one = Graph()
    for s, p, o in served_schemes:
        if s == iri or (s, SKOS.inScheme, iri) in served_schemes:
            one.add((s, p, o))
    assert len(one) > 50
    assert skosify_warnings(one, caplog) == []
