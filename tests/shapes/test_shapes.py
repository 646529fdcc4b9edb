"""Every shape fires on a small failing fixture, and the conforming example passes them all.

Each fixture is a SPARQL Update on data/examples/decree-small.ttl (``{Q}`` is its one
qualification) that breaks exactly the rule named by its key.
"""

from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from kkni_rdf.namespaces import KSH
from kkni_rdf.resources import ontology_files
from kkni_rdf.validation.engine import packaging_queries, shapes_graph, sparql_checks
from tests.shapes.shapes_support import apply_update, base_graph, validate_graph

U = "https://w3id.org/kkni/unit/P.85ABC01"
DECREE = "https://w3id.org/kkni/act/kepmenaker-99-2030"

FIXTURES: dict[str, str] = {
    # -- legal acts, decree, diktum
    "legal-act.act-type": f"DELETE WHERE {{ <{DECREE}> kkni:actType ?x }}",
    "legal-act.act-number": f'DELETE WHERE {{ <{DECREE}> kkni:actNumber ?x }} ; INSERT DATA {{ <{DECREE}> kkni:actNumber "99" }}',
    "legal-act.act-year": f"DELETE WHERE {{ <{DECREE}> kkni:actYear ?x }} ; INSERT DATA {{ <{DECREE}> kkni:actYear 1900 }}",
    "legal-act.title": f'DELETE WHERE {{ <{DECREE}> dcterms:title ?x }} ; INSERT DATA {{ <{DECREE}> dcterms:title "no language" }}',
    "decree.date-enacted": f'DELETE WHERE {{ <{DECREE}> kkni:dateEnacted ?x }} ; INSERT DATA {{ <{DECREE}> kkni:dateEnacted "2 Januari 2030" }}',
    "decree.sets-qualification": f"DELETE WHERE {{ <{DECREE}> kkni:setsQualification ?x }}",
    "decree.diktum": f"INSERT DATA {{ <{DECREE}> kkni:hasDiktum <{DECREE}/diktum/kedua> }}",
    "diktum.ordinal": f"DELETE WHERE {{ <{DECREE}/diktum/kesatu> kkni:ordinal ?x }}",
    "diktum.text": f"DELETE WHERE {{ <{DECREE}/diktum/kesatu> kkni:text ?x }}",
    # -- classification
    "field.label": "DELETE WHERE { <https://w3id.org/kkni/field/contoh> rdfs:label ?x }",
    "subfield.label": 'INSERT DATA { <https://w3id.org/kkni/subfield/contoh> rdfs:label "Subbidang Lain"@id }',
    "subfield.field": "DELETE WHERE { <https://w3id.org/kkni/subfield/contoh> kkni:field ?x }",
    "group.label": "DELETE WHERE { <https://w3id.org/kkni/group/contoh> rdfs:label ?x }",
    "group.subfield": "DELETE WHERE { <https://w3id.org/kkni/group/contoh> kkni:subfield ?x }",
    "level.number": "DELETE WHERE { level:3 kkni:levelNumber ?x } ; INSERT DATA { level:3 kkni:levelNumber 10 }",
    "work-attitude-aspect.label": "DELETE WHERE { <https://w3id.org/kkni/work-attitude-aspect/belajar> rdfs:label ?x }",
    # -- qualification
    "qualification.decree": "DELETE WHERE { <{Q}> kkni:decree ?x }",
    "qualification.level": "INSERT DATA { <{Q}> kkni:level level:4 . level:4 a kkni:Level ; kkni:levelNumber 4 }",
    "qualification.group": "DELETE WHERE { <{Q}> kkni:group ?x }",
    "qualification.packaging-rule": "DELETE WHERE { <{Q}> kkni:packagingRule ?x }",
    "qualification.codification-code": 'DELETE WHERE { <{Q}> kkni:codificationCode ?x } ; INSERT DATA { <{Q}> kkni:codificationCode "P85-ABC01" }',
    "qualification.section-letter": 'INSERT DATA { <{Q}> kkni:sectionLetter "b" }',
    "qualification.codification-text": 'INSERT DATA { <{Q}> kkni:codificationText "Kualifikasi 3 Kelompok Contoh lain"@id }',
    "qualification.listing": "INSERT DATA { <{Q}> kkni:hasListing <{Q}/core/9> }",
    "qualification.label": "DELETE WHERE { <{Q}> rdfs:label ?x }",
    "qualification.source-line": "INSERT DATA { <{Q}> kkni:sourceLine 0 }",
    # -- packaging rule
    "packaging-rule.required-units": "DELETE WHERE { <{Q}/packaging-rule> kkni:requiredUnits ?x }",
    "packaging-rule.required-core": "INSERT DATA { <{Q}/packaging-rule> kkni:requiredCore 3 }",
    "packaging-rule.required-elective": 'DELETE WHERE { <{Q}/packaging-rule> kkni:requiredElective ?x } ; INSERT DATA { <{Q}/packaging-rule> kkni:requiredElective "2" }',
    "packaging-rule.number-words": 'DELETE WHERE { <{Q}/packaging-rule> kkni:requiredCoreInWords ?x } ; INSERT DATA { <{Q}/packaging-rule> kkni:requiredCoreInWords "Dua!" }',
    "packaging-rule.item-marker": 'DELETE WHERE { <{Q}/packaging-rule> kkni:coreItemMarker ?x } ; INSERT DATA { <{Q}/packaging-rule> kkni:coreItemMarker "a." }',
    "packaging-rule.qualification": "DELETE WHERE { <{Q}> kkni:packagingRule ?x } ; INSERT DATA { <{Q}> kkni:packagingRule <{Q}/rule-2> . <{Q}/rule-2> a kkni:PackagingRule ; kkni:requiredUnits 4 ; kkni:requiredCore 2 ; kkni:requiredElective 2 . <{Q}/packaging-rule> a kkni:PackagingRule }",
    # -- listings
    "listing.qualification": "DELETE WHERE { <{Q}/core/1> kkni:qualification ?x }",
    "listing.unit": f"INSERT DATA {{ <{{Q}}/core/1> kkni:unit <{U}.002.1> }}",
    "listing.role": "DELETE WHERE { <{Q}/core/1> kkni:role ?x } ; INSERT DATA { <{Q}/core/1> kkni:role kkni:Optional }",
    "listing.position": "DELETE WHERE { <{Q}/core/1> kkni:position ?x }",
    "listing.printed-code": 'DELETE WHERE { <{Q}/core/1> kkni:printedCode ?x } ; INSERT DATA { <{Q}/core/1> kkni:printedCode "P.85ABC01.001" }',
    "listing.printed-title": 'INSERT DATA { <{Q}/core/1> kkni:printedTitle "Unit Satu Lagi"@id }',
    "listing.prerequisite": "INSERT DATA { <{Q}/core/1> kkni:hasPrerequisite <{Q}/core/1/prerequisite/1> }",
    "listing.no-prerequisite": 'DELETE WHERE { <{Q}/core/1> kkni:noPrerequisite ?x } ; INSERT DATA { <{Q}/core/1> kkni:noPrerequisite "Tidak ada" }',
    "listing-role.label": "DELETE WHERE { kkni:Core rdfs:label ?x }",
    # -- prerequisites
    "prerequisite.qualification": "DELETE WHERE { <{Q}/elective/2/prerequisite/1> kkni:qualification ?x }",
    "prerequisite.listing": "DELETE WHERE { <{Q}/elective/2/prerequisite/1> kkni:listing ?x }",
    "prerequisite.required-unit": "DELETE WHERE { <{Q}/elective/2/prerequisite/1> kkni:requiredUnit ?x }",
    "prerequisite.printed-code": 'DELETE WHERE { <{Q}/elective/2/prerequisite/1> kkni:requiredUnitCode ?x } ; INSERT DATA { <{Q}/elective/2/prerequisite/1> kkni:requiredUnitCode "Tidak ada" }',
    "prerequisite.position": "DELETE WHERE { <{Q}/elective/2/prerequisite/1> kkni:position ?x } ; INSERT DATA { <{Q}/elective/2/prerequisite/1> kkni:position 0 }",
    # -- units
    "unit.code": f"DELETE WHERE {{ <{U}.001.1> kkni:code ?x }}",
    "unit.version": f'DELETE WHERE {{ <{U}.001.1> kkni:unitVersion ?x }} ; INSERT DATA {{ <{U}.001.1> kkni:unitVersion "1" }}',
    "unit.family": f"DELETE WHERE {{ <{U}.001.1> kkni:versionOf ?x }}",
    "unit.label": f'INSERT DATA {{ <{U}.001.1> rdfs:label "Unit Kesatu"@id }}',
    "unit.standard": f"INSERT DATA {{ <{U}.001.1> kkni:standard <{U}> }}",
    "unit-family.code": f'DELETE WHERE {{ <{U}.001> kkni:code ?x }} ; INSERT DATA {{ <{U}.001> kkni:code "P.85ABC01.001.1" }}',
    "standard.code": "DELETE WHERE { <https://w3id.org/kkni/standard/P.85ABC01> kkni:code ?x }",
    "kbli-section.code": 'DELETE WHERE { <https://w3id.org/kkni/kbli/section/P> kkni:code ?x } ; INSERT DATA { <https://w3id.org/kkni/kbli/section/P> kkni:code "p" }',
    "kbli-division.code": 'DELETE WHERE { <https://w3id.org/kkni/kbli/division/85> kkni:code ?x } ; INSERT DATA { <https://w3id.org/kkni/kbli/division/85> kkni:code "855" }',
    # -- job roles and attitudes
    "job-role.qualification": "DELETE WHERE { <{Q}/job-role/a> kkni:qualification ?x }",
    "job-role.printed-title": "DELETE WHERE { <{Q}/job-role/a> kkni:printedTitle ?x }",
    "work-attitude.aspect": "DELETE WHERE { <{Q}/work-attitude/belajar> kkni:aspect ?x }",
    "work-attitude.text": 'DELETE WHERE { <{Q}/work-attitude/belajar> kkni:text ?x } ; INSERT DATA { <{Q}/work-attitude/belajar> kkni:text "plain" }',
    "general-attitude.text": "DELETE WHERE { <{Q}/general-attitude/a> kkni:text ?x }",
    # -- users' data
    "candidate-record.unit": 'INSERT DATA { <urn:example:record> a kkni:CandidateRecord ; kkni:holdsUnit "P.85ABC01.001.1" }',
    "training-program.unit": "INSERT DATA { <urn:example:program> a kkni:TrainingProgram ; kkni:offersUnit <https://w3id.org/kkni/group/contoh> }",
    "user-data.target-qualification": "INSERT DATA { <urn:example:record> a kkni:CandidateRecord ; kkni:targetQualification <{Q}> , <{Q}-2> }",
    # -- packaging rule against the table (SHACL-SPARQL)
    "packaging.core-count": "DELETE WHERE { <{Q}/packaging-rule> kkni:requiredCore ?x } ; INSERT DATA { <{Q}/packaging-rule> kkni:requiredCore 3 }",
    "packaging.total": "DELETE WHERE { <{Q}/packaging-rule> kkni:requiredUnits ?x } ; INSERT DATA { <{Q}/packaging-rule> kkni:requiredUnits 5 }",
    "packaging.electives-offered": "DELETE WHERE { <{Q}/elective/3> ?p ?o } ; DELETE WHERE { <{Q}/elective/1> ?p ?o } ; DELETE WHERE { <{Q}> kkni:hasListing <{Q}/elective/3> }",
    "packaging.number-words": 'DELETE WHERE { <{Q}/packaging-rule> kkni:requiredUnitsInWords ?x } ; INSERT DATA { <{Q}/packaging-rule> kkni:requiredUnitsInWords "empat belas" }',
    "packaging.item-markers": 'DELETE WHERE { <{Q}/packaging-rule> kkni:coreItemMarker ?x } ; INSERT DATA { <{Q}/packaging-rule> kkni:coreItemMarker "c" }',
    "listing.duplicate": f"INSERT DATA {{ <{{Q}}> kkni:hasListing <{{Q}}/elective/4> . <{{Q}}/elective/4> a kkni:UnitListing ; kkni:qualification <{{Q}}> ; kkni:unit <{U}.005.1> ; kkni:role kkni:Elective ; kkni:position 4 }}",
    "listing.core-and-elective": f"INSERT DATA {{ <{{Q}}> kkni:hasListing <{{Q}}/elective/4> . <{{Q}}/elective/4> a kkni:UnitListing ; kkni:qualification <{{Q}}> ; kkni:unit <{U}.001.1> ; kkni:role kkni:Elective ; kkni:position 4 }}",
    "prerequisite.not-listed": f'DELETE WHERE {{ <{{Q}}/elective/2/prerequisite/1> kkni:requiredUnit ?x }} ; INSERT DATA {{ <{{Q}}/elective/2/prerequisite/1> kkni:requiredUnit <{U}.009.1> . <{U}.009.1> a kkni:Unit ; kkni:code "P.85ABC01.009.1" ; kkni:unitVersion 1 ; kkni:versionOf <{U}.009> . <{U}.009> a kkni:UnitFamily ; kkni:code "P.85ABC01.009" }}',
    "prerequisite.other-version": f'DELETE WHERE {{ <{{Q}}/elective/2/prerequisite/1> kkni:requiredUnit ?x }} ; INSERT DATA {{ <{{Q}}/elective/2/prerequisite/1> kkni:requiredUnit <{U}.003.2> . <{U}.003.2> a kkni:Unit ; kkni:code "P.85ABC01.003.2" ; kkni:unitVersion 2 ; kkni:versionOf <{U}.003> }}',
    "prerequisite.core-requires-elective": f"INSERT DATA {{ <{{Q}}/core/1> kkni:hasPrerequisite <{{Q}}/core/1/prerequisite/1> . <{{Q}}/core/1/prerequisite/1> a kkni:Prerequisite ; kkni:qualification <{{Q}}> ; kkni:listing <{{Q}}/core/1> ; kkni:requiredUnit <{U}.005.1> }}",
    "elective.needs-outside": f'INSERT DATA {{ <{{Q}}/elective/1> kkni:hasPrerequisite <{{Q}}/elective/1/prerequisite/1> . <{{Q}}/elective/1/prerequisite/1> a kkni:Prerequisite ; kkni:qualification <{{Q}}> ; kkni:listing <{{Q}}/elective/1> ; kkni:requiredUnit <{U}.009.1> . <{U}.009.1> a kkni:Unit ; kkni:code "P.85ABC01.009.1" ; kkni:unitVersion 1 ; kkni:versionOf <{U}.009> . <{U}.009> a kkni:UnitFamily ; kkni:code "P.85ABC01.009" }}',
    "elective.exceeds-slots": f"INSERT DATA {{ <{{Q}}/elective/1> kkni:hasPrerequisite <{{Q}}/elective/1/prerequisite/1> . <{{Q}}/elective/1/prerequisite/1> a kkni:Prerequisite ; kkni:qualification <{{Q}}> ; kkni:listing <{{Q}}/elective/1> ; kkni:requiredUnit <{U}.005.1> }}",
    "prerequisite.cycle": f"INSERT DATA {{ <{{Q}}/elective/1> kkni:hasPrerequisite <{{Q}}/elective/1/prerequisite/1> . <{{Q}}/elective/1/prerequisite/1> a kkni:Prerequisite ; kkni:qualification <{{Q}}> ; kkni:listing <{{Q}}/elective/1> ; kkni:requiredUnit <{U}.004.1> }}",
    "codification.ambiguous": 'INSERT DATA { <{Q}-2> a kkni:Qualification ; kkni:codificationCode "P85ABC01" ; kkni:level level:3 }',
    "codification.group-name": 'DELETE WHERE { <{Q}> kkni:codificationText ?x } ; INSERT DATA { <{Q}> kkni:codificationText "Kualifikasi 3 Bidang Contoh Subbidang Contoh Kelompok Lain"@id }',
    "codification.level": 'DELETE WHERE { <{Q}> kkni:codificationText ?x } ; INSERT DATA { <{Q}> kkni:codificationText "Kualifikasi 4 Bidang Contoh Subbidang Contoh Kelompok Contoh"@id }',
    "unit.title-variant": f'INSERT DATA {{ <{U}.001.1> skos:altLabel "Unit Pertama"@id }}',
    "unit.title-case-variant": f'INSERT DATA {{ <{U}.001.1> skos:altLabel "Unit  satu"@id }}',
    "unit.versions": f'INSERT DATA {{ <{U}.001.2> a kkni:Unit ; kkni:code "P.85ABC01.001.2" ; kkni:unitVersion 2 ; kkni:versionOf <{U}.001> }}',
    "listing.code-matches-unit": 'DELETE WHERE { <{Q}/core/1> kkni:printedCode ?x } ; INSERT DATA { <{Q}/core/1> kkni:printedCode "P.85ABC01.002.1" }',
    "prerequisite.scope": 'DELETE WHERE { <{Q}/elective/2/prerequisite/1> kkni:requiredUnitCode ?x } ; INSERT DATA { <{Q}/elective/2/prerequisite/1> kkni:requiredUnitCode "P.85ABC01.002.1" }',
    "unit.code-parts": f"DELETE WHERE {{ <{U}.001.1> kkni:unitVersion ?x }} ; INSERT DATA {{ <{U}.001.1> kkni:unitVersion 2 }}",
}


def all_rule_ids() -> set[str]:
    return {str(r) for r in shapes_graph().objects(None, KSH.ruleId)}


def test_every_rule_has_a_fixture() -> None:
    assert set(FIXTURES) == all_rule_ids()


def test_the_conforming_example_passes_every_shape() -> None:
    report = validate_graph(base_graph())
    assert report.findings == []


@pytest.mark.parametrize("rule", sorted(FIXTURES))
def test_rule_fires_on_its_fixture(rule: str) -> None:
    report = validate_graph(apply_update(FIXTURES[rule]))
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
    from pyshacl import validate

    conforms, _graph, text = validate(shapes_graph(), shacl_graph=None, meta_shacl=True, advanced=True)
    assert conforms, text


def test_every_ontology_class_has_a_shape() -> None:
    from rdflib.namespace import OWL, RDF

    from kkni_rdf.namespaces import KKNI

    onto = Graph()
    for path in ontology_files():
        if path.name in ("kkni.ttl", "kkni-user-data.ttl"):
            onto.parse(path)
    classes = {c for c in onto.subjects(RDF.type, OWL.Class) if str(c).startswith(str(KKNI))}
    targeted = set(shapes_graph().objects(None, SH.targetClass))
    assert classes - targeted == set()


def test_packaging_queries_are_plain_selects_that_run_unbound() -> None:
    import pyoxigraph as ox

    from kkni_rdf.validation.engine import decree_data

    queries = packaging_queries()
    assert len(queries) == len(sparql_checks()) >= 20
    store = decree_data().store
    for rule, severity, select in queries:
        assert severity in ("violation", "warning", "info")
        result = store.query(select)
        assert isinstance(result, ox.QuerySolutions), rule
        assert "this" in [v.value for v in result.variables], rule
