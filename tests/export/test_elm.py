"""The ELM export against the European Commission's LOQ profile (LOQ 1.1.0, ELM v3), and what it says.

How the profile is applied. Its shapes are written for a data graph validated on its own: where
a value may be of a class or of its subclass, the profile lists both (``sh:or ([sh:class
elm:Agent] [sh:class elm:Organisation])``), which it would not need with subclass reasoning.
Given ELM.ttl as the ontology graph (``pyshacl -e ELM.ttl``), SHACL targets every instance of a
subclass too, and the profile contradicts itself: ``elm:Qualification`` is a subclass of
``elm:Specification``, whose shape is closed and does not allow ``elm:EQFLevel``, which the
qualification shape requires. No qualification record can conform that way (the third test
proves it on a minimal record). So the export must conform to the profile as written (no
result at all), and, with ELM.ttl as the ontology graph, give exactly the results that the
profile's own contradiction forces, and no other.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from kkni_rdf import export
from kkni_rdf.decree.model import Decree
from kkni_rdf.export.common import curated_file
from kkni_rdf.export.compact import write_document
from kkni_rdf.export.elm import ELM_VOCABULARY
from kkni_rdf.iris import Iris
from kkni_rdf.namespaces import DCTERMS, ELM, EU_EQF, EU_ISCEDF, EU_ISCEDF_SCHEME, KKNI, RDF, RDFS, SH, SKOS
from kkni_rdf.store.embedded import KkniStore
from tests.export.conftest import ElmProfile

Result = tuple[str, str, str]  # focus node, source shape, result path


def _results(report: Graph) -> Iterator[tuple[Result, URIRef]]:
    """Each validation result of a report: (focus, source shape, path) and its constraint component."""
    for r in report.subjects(RDF.type, SH.ValidationResult):
        focus, shape, path = (report.value(r, p) for p in (SH.focusNode, SH.sourceShape, SH.resultPath))
        component = report.value(r, SH.sourceConstraintComponent)
        assert isinstance(component, URIRef)
        yield (str(focus), str(shape), str(path)), component


def _ancestors(ontology: Graph, cls: URIRef) -> set[URIRef]:
    found: set[URIRef] = set()
    todo = [cls]
    while todo:
        for parent in ontology.objects(todo.pop(), RDFS.subClassOf):
            if isinstance(parent, URIRef) and parent not in found:
                found.add(parent)
                todo.append(parent)
    return found


def _paths(shapes: Graph, shape: URIRef) -> set[URIRef]:
    return {p for ps in shapes.objects(shape, SH.property) if isinstance(p := shapes.value(ps, SH.path), URIRef)}


def forced_by_the_profile(data: Graph, profile: ElmProfile) -> Counter[Result]:
    """The results that subclass targeting must give: for a node of class T, a closed shape of a strict
    superclass of T reports each value of each property that shape does not list."""
    shapes, forced = profile.shapes, Counter[Result]()
    closed = {
        s: (shapes.value(s, SH.targetClass), _paths(shapes, s) | set(Collection(shapes, shapes.value(s, SH.ignoredProperties) or RDF.nil)))
        for s in shapes.subjects(SH.closed, Literal(True))
        if (s, SH.deactivated, Literal(True)) not in shapes and isinstance(s, URIRef)
    }
    for node in set(data.subjects()):
        for cls in data.objects(node, RDF.type):
            assert isinstance(cls, URIRef)
            for shape, (target, allowed) in closed.items():
                if target in _ancestors(profile.ontology, cls):
                    for p in data.predicates(node):
                        if p not in allowed:
                            forced[(str(node), str(shape), str(p))] += 1
    return forced


def _own_shape_paths(profile: ElmProfile, cls: URIRef) -> set[URIRef]:
    shapes = profile.shapes
    return set().union(*(_paths(shapes, s) for s in shapes.subjects(SH.targetClass, cls) if isinstance(s, URIRef)))


# --------------------------------------------------------------------------- the profile


def test_elm_export_conforms_to_the_loq_profile(elm_doc_graph: Graph, elm_profile: ElmProfile) -> None:
    conforms, report, text = validate(elm_doc_graph, shacl_graph=elm_profile.shapes, advanced=False)
    assert [r for r, _ in _results(report)] == [], text
    assert conforms


def test_with_the_elm_ontology_only_the_profiles_own_contradiction_is_reported(elm_doc_graph: Graph, elm_profile: ElmProfile) -> None:
    """``pyshacl -s LOQ-constraints.ttl -e ELM.ttl``: every result is one the profile forces on any record, none else."""
    conforms, report, text = validate(elm_doc_graph, shacl_graph=elm_profile.shapes, ont_graph=elm_profile.ontology)
    got = Counter(r for r, _ in _results(report))
    assert {c for _, c in _results(report)} <= {SH.ClosedConstraintComponent}, text
    assert got == forced_by_the_profile(elm_doc_graph, elm_profile)
    # each forced result is a property that the node's own class shape declares
    for focus, _, path in got:
        for cls in elm_doc_graph.objects(URIRef(focus), RDF.type):
            assert URIRef(path) in _own_shape_paths(elm_profile, cls), (focus, path)  # type: ignore[arg-type]
    assert not conforms  # the day the profile is fixed, this fails: then drop the ontology-graph exception


def test_the_loq_profile_rejects_any_qualification_under_subclass_targeting(elm_profile: ElmProfile) -> None:
    """A minimal record with only the qualification shape's mandatory properties."""
    record = Graph().parse(
        data="""PREFIX elm: <http://data.europa.eu/snb/model/elm/>
PREFIX dc: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
<https://example.org/q> a elm:Qualification ; dc:title "Q"@en ;
  elm:EQFLevel <http://data.europa.eu/snb/eqf/4> ; elm:NQFLevel <https://example.org/nqf/4> ;
  elm:ISCEDFCode <http://data.europa.eu/snb/isced-f/0111> ; elm:learningOutcome <https://example.org/lo> .
<https://example.org/lo> a elm:LearningOutcome ; dc:title "LO"@en .
<http://data.europa.eu/snb/eqf/4> a skos:Concept . <https://example.org/nqf/4> a skos:Concept .
<http://data.europa.eu/snb/isced-f/0111> a skos:Concept .
""",
        format="turtle",
    )
    assert validate(record, shacl_graph=elm_profile.shapes)[0]
    conforms, report, _ = validate(record, shacl_graph=elm_profile.shapes, ont_graph=elm_profile.ontology)
    assert not conforms
    assert {(shape.rsplit("/", 1)[-1], path.rsplit("/", 1)[-1]) for (_, shape, path), _ in _results(report)} == {
        ("SpecificationShape", p) for p in ("EQFLevel", "NQFLevel", "ISCEDFCode", "learningOutcome")
    }


def test_the_profile_check_bites(elm_doc_graph: Graph, elm_profile: ElmProfile) -> None:
    """Without the curated thematic area (mandatory), the same check fails on every record."""
    broken = Graph()
    for t in elm_doc_graph:
        if t[1] != ELM.ISCEDFCode:
            broken.add(t)
    conforms, report, _ = validate(broken, shacl_graph=elm_profile.shapes)
    assert not conforms
    assert Counter(path for (_, _, path), _ in _results(report)) == {str(ELM.ISCEDFCode): 14}


def test_every_elm_term_written_is_in_the_elm_ontology_or_a_vocabulary_it_imports(elm_profile: ElmProfile) -> None:
    declared = set(elm_profile.ontology.subjects())
    for term in ELM_VOCABULARY.terms:
        if str(term.iri).startswith(str(ELM)):
            assert term.iri in declared, term
    for cls in ELM_VOCABULARY.classes:
        if str(cls).startswith(str(ELM)):
            assert cls in declared, cls


# --------------------------------------------------------------------------- what the records say


def test_elm_records_carry_the_decree(elm_doc_graph: Graph, decree: Decree) -> None:
    g, iris = elm_doc_graph, Iris()
    records = set(g.subjects(RDF.type, ELM.Qualification))
    assert len(records) == 14
    for x in decree.qualifications:
        q = iris.qualification(decree.slug, x.short_id)
        assert q in records
        assert {t.language for t in g.objects(q, DCTERMS.title)} == {"id", "en"}  # type: ignore[attr-defined]
        assert Literal(x.description, lang="id") in set(g.objects(q, DCTERMS.description))
        assert g.value(q, ELM.NQFLevel) == iris.level(x.level)
        assert str(g.value(g.value(q, ELM.NQFLevel), SKOS.notation)) == str(x.level)
        # the proposed crosswalk maps KKNI 3-6 one to one, and the record says it is proposed
        assert g.value(q, ELM.EQFLevel) == EU_EQF[str(x.level)]
        notes = [str(n) for note in g.objects(q, ELM.additionalNote) for n in g.objects(note, ELM.noteLiteral)]
        assert any(f"EQF level {x.level}" in n and "PROPOSED" in n for n in notes)
        assert any(n.startswith("Dasar hukum: Keputusan Menteri Ketenagakerjaan Nomor 3 Tahun 2021") for n in notes)
        assert set(g.objects(q, ELM.learningOutcome)) == {iris.unit(r.code.code) for r in x.rows}
        summary = g.value(q, ELM.learningOutcomeSummary)
        text_id = next(str(n) for n in g.objects(summary, ELM.noteLiteral) if isinstance(n, Literal) and n.language == "id")
        p = x.packaging
        assert f"{p.core_marker}. {p.core} ({p.core_words}) unit kompetensi inti" in text_id
        assert f"{p.elective_marker}. {p.elective} ({p.elective_words}) unit kompetensi pilihan" in text_id
        for r in x.rows:
            assert f"{r.position}. {r.code.code} {r.title}" in text_id
        assert len(list(g.objects(q, ELM.ISCEDFCode))) == 1
        assert g.value(q, DCTERMS.language) == URIRef("http://publications.europa.eu/resource/authority/language/IND")
        assert g.value(q, DCTERMS.publisher) == URIRef("https://w3id.org/kkni/organisation/kementerian-ketenagakerjaan")
    units = set(g.subjects(RDF.type, ELM.LearningOutcome))
    assert units == {iris.unit(r.code.code) for x in decree.qualifications for r in x.rows}


def test_thematic_areas_are_the_curated_mappings_and_say_so(elm_doc_graph: Graph) -> None:
    curated = Graph().parse(curated_file("elm.ttl"))
    g = elm_doc_graph
    for q in g.subjects(RDF.type, ELM.Qualification):
        area = g.value(q, ELM.ISCEDFCode)
        assert (area, SKOS.inScheme, EU_ISCEDF_SCHEME) in g
        notes = [str(n) for note in g.objects(q, ELM.additionalNote) for n in g.objects(note, ELM.noteLiteral)]
        assert any(f"ISCED-F field {g.value(area, SKOS.notation)}" in n and "PROPOSED" in n for n in notes)
    for m in curated.subjects(RDF.type, KKNI.Mapping):
        assert str(curated.value(m, KKNI.mappingObject)).startswith(str(EU_ISCEDF))


def test_curated_elm_inputs_are_documented_and_complete(decree: Decree) -> None:
    path = curated_file("elm.ttl")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# ") and "HAND-CURATED" in text and "Who chose these values" in text
    g = Graph().parse(path)
    mapped = set()
    for m in g.subjects(RDF.type, KKNI.Mapping):
        subject, target, relation = (g.value(m, p) for p in (KKNI.mappingSubject, KKNI.mappingObject, KKNI.mappingRelation))
        assert (subject, relation, target) in g, f"{m}: the plain SKOS triple is missing"
        assert g.value(m, KKNI.mappingStatus) == KKNI.Proposed
        assert g.value(m, DCTERMS.source) is not None
        assert {r.language for r in g.objects(m, KKNI.rationale)} == {"id", "en"}  # type: ignore[attr-defined]
        mapped.add(subject)
    assert {Iris().group(x.group_slug) for x in decree.qualifications} <= mapped


def test_an_official_eqf_mapping_wins_over_the_proposed_one_and_is_called_official(tmp_path: Path) -> None:
    path = tmp_path / "official.ttl"
    path.write_text(
        """PREFIX kkni: <https://w3id.org/kkni/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
<https://example.org/m> a kkni:LevelMapping ; kkni:mappingSubject <https://w3id.org/kkni/level/5> ;
  kkni:mappingObject <http://data.europa.eu/snb/eqf/4> ; kkni:mappingStatus kkni:Official ;
  dcterms:source <https://example.org/referencing-report> .
""",
        encoding="utf-8",
    )
    extended = KkniStore.load_default()
    extended.load_file(path, str(Iris().graph("crosswalks/official")))
    g = export.elm_graph(extended)
    at5 = set(g.subjects(ELM.NQFLevel, Iris().level(5)))
    assert len(at5) == 4
    for q in at5:
        assert g.value(q, ELM.EQFLevel) == EU_EQF["4"]
        notes = [str(n) for note in g.objects(q, ELM.additionalNote) for n in g.objects(note, ELM.noteLiteral)]
        assert any("EQF level 4" in n and "official mapping" in n and "referencing-report" in n for n in notes)


def test_elm_export_under_another_base_keeps_its_curated_inputs(elm_profile: ElmProfile) -> None:
    base = "https://example.org/kkni/"
    g = Graph().parse(data=export.elm_document(KkniStore.load_default(base)), format="json-ld")
    records = set(g.subjects(RDF.type, ELM.Qualification))
    assert len(records) == 14 and all(str(q).startswith(base) for q in records)
    assert all(g.value(q, ELM.ISCEDFCode) is not None for q in records)
    assert {g.value(q, DCTERMS.publisher) for q in records} == {URIRef(f"{base}organisation/kementerian-ketenagakerjaan")}
    assert validate(g, shacl_graph=elm_profile.shapes)[0]


# --------------------------------------------------------------------------- the document


def test_elm_document_is_byte_stable_and_reads_back_as_the_graph(elm_bytes: bytes, elm_doc_graph: Graph) -> None:
    graph = export.elm_graph(KkniStore.load_default())  # a second, independent run
    assert write_document(graph, ELM_VOCABULARY) == elm_bytes
    ids = [n["@id"] for n in json.loads(elm_bytes)["@graph"]]
    assert ids == sorted(ids)
    # what a receiver parses is the graph: written again, it gives the same bytes (blank nodes are
    # embedded trees, so equal documents mean isomorphic graphs; rdflib's isomorphism test takes 10 s here)
    assert write_document(elm_doc_graph, ELM_VOCABULARY) == elm_bytes
    assert len(elm_doc_graph) == len(graph)


def test_elm_document_uses_the_elm_v3_context_terms(elm_bytes: bytes) -> None:
    doc = json.loads(elm_bytes)
    context = doc["@context"]
    # the ELM v3 context's names for the profile's properties
    assert context["eqfLevel"] == {"@id": "elm:EQFLevel", "@type": "@id"}
    assert context["nqfLevel"] == {"@id": "elm:NQFLevel", "@type": "@id"}
    assert context["thematicArea"] == {"@id": "elm:ISCEDFCode", "@type": "@id"}
    assert context["title"] == {"@id": "dc:title", "@container": "@language"}
    record = next(n for n in doc["@graph"] if n.get("@type") == "Qualification")
    assert {"title", "eqfLevel", "nqfLevel", "thematicArea", "learningOutcome"} <= set(record)


def test_compact_writer_refuses_terms_outside_the_vocabulary() -> None:
    g = Graph()
    g.add((URIRef("https://example.org/q"), RDF.type, ELM.Qualification))
    g.add((URIRef("https://example.org/q"), ELM.hasPart, BNode()))
    with pytest.raises(ValueError, match="not in the vocabulary"):
        write_document(g, ELM_VOCABULARY)
