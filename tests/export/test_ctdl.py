"""The CTDL export: the KKNI as a qualifications framework, the qualifications on its levels, the
packaging rules as condition profiles and counted component conditions, only checked CTDL terms."""

from __future__ import annotations

import csv
import json
from collections import Counter

from rdflib import Graph, Literal, URIRef

from kkni_rdf import export
from kkni_rdf.decree.model import Decree
from kkni_rdf.export.common import curated_file
from kkni_rdf.export.compact import write_document
from kkni_rdf.export.ctdl import CTDL_VOCABULARY, TERMS_FILE, framework_iri
from kkni_rdf.iris import Iris, child
from kkni_rdf.namespaces import ASN, CEASN, CTDL, DEFAULT_BASE, RDF, SKOS
from kkni_rdf.store.embedded import KkniStore

SOURCES = {"schema", "asn", "ra-qf", "ra-pm", "ra-id", "ra-cred", "hb-basic", "hb-level", "hb-desc"}


def checked_terms() -> dict[str, tuple[str, list[str]]]:
    """data/curated/ctdl-terms.csv: term -> (class or property, the sources it was checked in)."""
    path = curated_file(TERMS_FILE)
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return {r["term"]: (r["kind"], r["source"].split(";")) for r in csv.DictReader(rows)}


def test_the_checked_terms_file_says_where_each_term_was_checked() -> None:
    text = curated_file(TERMS_FILE).read_text(encoding="utf-8")
    assert text.startswith("# ") and "HAND-CURATED" in text
    for source in SOURCES:
        assert f"#   {source} " in text, f"source {source} is not described in the header"
    terms = checked_terms()
    assert len(terms) > 30
    for term, (kind, sources) in terms.items():
        assert kind in ("class", "property"), term
        assert sources and set(sources) <= SOURCES, term
        assert term.split(":")[0] in ("ceterms", "ceasn", "asn", "skos"), term


def test_every_term_the_ctdl_export_writes_was_checked(ctdl_doc_graph: Graph) -> None:
    terms = checked_terms()
    used = CTDL_VOCABULARY.terms_used(ctdl_doc_graph)
    assert used, "the export wrote nothing"
    for iri in sorted(used):
        term = CTDL_VOCABULARY.compact(iri)
        assert term in terms, f"{term} is not in data/curated/{TERMS_FILE}"
        is_class = (None, RDF.type, iri) in ctdl_doc_graph
        assert terms[term][0] == ("class" if is_class else "property"), term
    # and the vocabulary the writer accepts is no wider than the checked list
    for t in CTDL_VOCABULARY.terms:
        assert t.key in terms, t.key
    for key in CTDL_VOCABULARY.classes.values():
        assert key in terms, key


def test_kkni_is_a_qualifications_framework_with_ordered_levels(ctdl_doc_graph: Graph) -> None:
    g, iris = ctdl_doc_graph, Iris()
    framework, model = framework_iri(DEFAULT_BASE), iris.level_scheme()
    assert (framework, RDF.type, CTDL.QualificationsFramework) in g
    assert Literal("Kerangka Kualifikasi Nasional Indonesia", lang="id") in set(g.objects(framework, CTDL.name))
    assert g.value(framework, ASN.hasProgressionModel) == model
    assert (model, RDF.type, ASN.ProgressionModel) in g
    assert g.value(model, CTDL.inQualificationsFramework) == framework
    levels = [iris.level(n) for n in range(1, 10)]
    assert set(g.objects(model, ASN.hasProgressionLevel)) == set(levels)
    for i, level in enumerate(levels):
        assert (level, RDF.type, ASN.ProgressionLevel) in g
        assert g.value(level, CEASN.inProgressionModel) == model
        assert g.value(level, SKOS.topConceptOf) == model
        assert str(g.value(level, SKOS.notation)) == str(i + 1)
        assert g.value(level, CTDL.precedes) == (levels[i + 1] if i + 1 < len(levels) else None)
        assert g.value(level, CTDL.precededBy) == (levels[i - 1] if i else None)


def test_each_qualification_is_a_certification_at_its_level(ctdl_doc_graph: Graph, decree: Decree) -> None:
    g, iris = ctdl_doc_graph, Iris()
    certs = set(g.subjects(RDF.type, CTDL.Certification))
    assert len(certs) == 14
    for x in decree.qualifications:
        q = iris.qualification(decree.slug, x.short_id)
        assert q in certs
        at = g.value(q, CTDL.atLevel)
        assert (at, RDF.type, CTDL.CredentialAlignmentObject) in g
        assert g.value(at, CTDL.framework) == iris.level_scheme()
        assert g.value(at, CTDL.targetNode) == iris.level(x.level)
        assert str(g.value(g.value(q, CTDL.identifier), CTDL.identifierValueCode)) == x.code


def test_packaging_rules_are_condition_profiles_and_counted_component_conditions(ctdl_doc_graph: Graph, decree: Decree) -> None:
    g, iris = ctdl_doc_graph, Iris()
    for x in decree.qualifications:
        q = iris.qualification(decree.slug, x.short_id)
        rows = {role: [r for r in x.rows if r.role == role] for role in ("core", "elective")}
        # condition profiles: one per role, a target competency per listed row
        profiles = list(g.objects(q, CTDL.requires))
        assert len(profiles) == 2 and all((p, RDF.type, CTDL.ConditionProfile) in g for p in profiles)
        assert sorted(len(list(g.objects(p, CTDL.targetCompetency))) for p in profiles) == sorted(len(v) for v in rows.values())
        # the pathway: its destination stands for the qualification and carries the packaging rule
        pathway, destination = child(q, "pathway"), child(q, "pathway", "destination")
        assert g.value(pathway, CTDL.hasDestinationComponent) == destination
        assert g.value(destination, CTDL.proxyFor) == q
        rule = URIRef(str(g.value(destination, CTDL.hasCondition)))
        assert rule == child(q, "packaging-rule")
        assert (rule, RDF.type, CTDL.ComponentCondition) in g
        assert g.value(rule, CTDL.requiredNumber).toPython() == 2  # type: ignore[union-attr]
        numbers = {"core": x.packaging.core, "elective": x.packaging.elective}
        assert set(g.objects(rule, CTDL.hasCondition)) == {child(rule, role) for role in numbers}
        for role, n in numbers.items():
            condition = child(rule, role)
            assert g.value(condition, CTDL.requiredNumber).toPython() == n  # type: ignore[union-attr]
            components = set(g.objects(condition, CTDL.targetComponent))
            assert components == {child(q, role, r.position) for r in rows[role]}
            for r in rows[role]:
                c = child(q, role, r.position)
                assert (c, RDF.type, CTDL.CompetencyComponent) in g
                assert g.value(c, CTDL.proxyFor) == iris.unit(r.code.code)
                assert g.value(c, CTDL.isPartOf) == pathway


def test_prerequisites_are_stated_on_the_components(ctdl_doc_graph: Graph) -> None:
    g = ctdl_doc_graph
    row = URIRef("https://w3id.org/kkni/qualification/kepmenaker-3-2021/N78SPS02-3-instruktur/core/3")
    assert Literal("Persyaratan kompetensi: N.78SPS02.019.2", lang="id") in set(g.objects(row, CTDL.description))


def test_ctdl_document_is_byte_stable_and_reads_back_as_the_graph(ctdl_bytes: bytes, ctdl_doc_graph: Graph) -> None:
    graph = export.ctdl_graph(KkniStore.load_default())
    assert write_document(graph, CTDL_VOCABULARY) == ctdl_bytes
    assert write_document(ctdl_doc_graph, CTDL_VOCABULARY) == ctdl_bytes
    doc = json.loads(ctdl_bytes)
    assert Counter(n["@type"] for n in doc["@graph"])["ceterms:Certification"] == 14
    assert doc["@context"]["ceterms"] == "https://purl.org/ctdl/terms/"
