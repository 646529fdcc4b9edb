"""Crosswalks, alignments and the ontology's HTML documentation (the exports: tests/export/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from kkni_rdf.decree.model import Decree
from kkni_rdf.iris import Iris
from kkni_rdf.namespaces import KKNI, RDF, RDFS, SKOS
from kkni_rdf.ontology_docs import render_html
from kkni_rdf.resources import ontology_files, resource
from kkni_rdf.store.embedded import KkniStore
from tests.helpers import ROOT

CURATED = sorted((ROOT / "data" / "crosswalks").glob("*.ttl")) + sorted((ROOT / "data" / "alignments").glob("*.ttl"))
MAPPING_CLASSES = (KKNI.LevelMapping, KKNI.SectorMapping, KKNI.OccupationMapping)


# --------------------------------------------------------------------------- curated files


@pytest.mark.parametrize("path", CURATED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_curated_file_is_documented_and_every_mapping_is_complete(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# ") and "HAND-CURATED" in text
    g = Graph().parse(path)
    for cls in MAPPING_CLASSES:
        for m in g.subjects(RDF.type, cls):
            subject, target = g.value(m, KKNI.mappingSubject), g.value(m, KKNI.mappingObject)
            relation, status = g.value(m, KKNI.mappingRelation), g.value(m, KKNI.mappingStatus)
            assert None not in (subject, target, relation, status), m
            assert status in (KKNI.Official, KKNI.Proposed)
            assert (subject, relation, target) in g, f"{m}: the plain SKOS triple is missing"
            assert g.value(m, URIRef("http://purl.org/dc/terms/source")) is not None
            assert g.value(m, KKNI.rationale) is not None
            if cls == KKNI.OccupationMapping:
                assert 0 < float(g.value(m, KKNI.confidence)) <= 1


def test_no_shipped_mapping_claims_official_status() -> None:
    # The referencing report's level table was not checked: nothing is presented as official.
    for path in CURATED:
        assert (None, KKNI.mappingStatus, KKNI.Official) not in Graph().parse(path), path


@pytest.mark.parametrize("path", sorted((ROOT / "data" / "crosswalks").glob("*.ttl")), ids=lambda p: p.name)
def test_a_level_crosswalk_maps_every_kkni_level_in_order(path: Path) -> None:
    """Every KKNI level (1-9) maps to at least one level of the target framework, and the mappings never
    cross: a higher KKNI level never maps below a lower one's target."""
    g = Graph().parse(path)
    targets: dict[int, set[int]] = {}
    for m in g.subjects(RDF.type, KKNI.LevelMapping):
        subject, target = g.value(m, KKNI.mappingSubject), g.value(m, KKNI.mappingObject)
        targets.setdefault(int(str(subject).rsplit("/", 1)[-1]), set()).add(int(str(g.value(target, SKOS.notation))))
    assert sorted(targets) == list(range(1, 10))
    for low, high in zip(range(1, 9), range(2, 10), strict=True):
        assert max(targets[low]) <= min(targets[high]), (path.name, low, high)


def test_the_aqf_crosswalk_reaches_all_ten_aqf_levels_from_its_published_criteria() -> None:
    g = Graph().parse(ROOT / "data" / "crosswalks" / "aqf.ttl")
    scheme = URIRef("https://w3id.org/kkni/aqf/level")
    levels = set(g.objects(scheme, SKOS.hasTopConcept))
    assert {str(g.value(c, SKOS.notation)) for c in levels} == {str(n) for n in range(1, 11)}
    assert {g.value(m, KKNI.mappingObject) for m in g.subjects(RDF.type, KKNI.LevelMapping)} == levels
    source = URIRef("https://w3id.org/kkni/source/aqf-2013")
    for m in g.subjects(RDF.type, KKNI.LevelMapping):
        assert (m, URIRef("http://purl.org/dc/terms/source"), source) in g
        assert {o.language for o in g.objects(m, KKNI.rationale) if isinstance(o, Literal)} == {"id", "en"}
        n = str(g.value(g.value(m, KKNI.mappingObject), SKOS.notation))
        assert f"AQF 2013, level {n}" in str(next(o for o in g.objects(m, KKNI.rationale) if o.language == "en"))  # type: ignore[attr-defined]
    # KKNI 5 spans AQF 5 and 6; the other levels map one to one
    assert set(g.objects(URIRef("https://w3id.org/kkni/level/5"), SKOS.narrowMatch)) == {
        URIRef("https://w3id.org/kkni/aqf/level/5"),
        URIRef("https://w3id.org/kkni/aqf/level/6"),
    }


def test_isco_mappings_name_the_printed_job_titles(decree: Decree) -> None:
    g = Graph().parse(ROOT / "data" / "alignments" / "isco.ttl")
    iris = Iris()
    jobs = {
        str(iris.qualification(decree.slug, x.short_id)) + f"/job-role/{j.marker}": j.text
        for x in decree.qualifications
        for j in x.job_roles
    }
    for m in g.subjects(RDF.type, KKNI.OccupationMapping):
        subject = str(g.value(m, KKNI.mappingSubject))
        assert subject in jobs
        assert str(g.value(m, RDFS.label)).startswith(jobs[subject])


def test_interop_ontology_terms_have_bilingual_labels_and_definitions() -> None:
    g = Graph().parse(ROOT / "ontology" / "kkni-interop.ttl")
    terms = {s for s in g.subjects(RDFS.label, None) if str(s).startswith(str(KKNI))}
    assert KKNI.LevelMapping in terms and KKNI.mappingStatus in terms
    for term in terms:
        for prop in (RDFS.label, SKOS.definition):
            assert {o.language for o in g.objects(term, prop) if isinstance(o, Literal)} == {"id", "en"}, (term, prop)


def test_an_extra_crosswalk_file_joins_the_queries_without_code(tmp_path: Path, store: KkniStore) -> None:
    """A crosswalk to another framework (here a made-up one) is just another Turtle file."""
    path = tmp_path / "example.ttl"
    path.write_text(
        """PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX kkni: <https://w3id.org/kkni/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
<https://example.org/nqf/levels> a skos:ConceptScheme ; rdfs:label "Example NQF levels"@en .
<https://example.org/nqf/level/7> a skos:Concept ; skos:inScheme <https://example.org/nqf/levels> ; skos:notation "7" .
<https://w3id.org/kkni/level/5> skos:closeMatch <https://example.org/nqf/level/7> .
<https://example.org/mapping/5-7> a kkni:LevelMapping ;
  dcterms:source <https://example.org/report> ;
  kkni:mappingSubject <https://w3id.org/kkni/level/5> ;
  kkni:mappingObject <https://example.org/nqf/level/7> ;
  kkni:mappingRelation skos:closeMatch ;
  kkni:mappingStatus kkni:Official ;
  kkni:rationale "Stated by the example report, table 3."@en .
""",
        encoding="utf-8",
    )
    extended = KkniStore.load_default()
    # the same call load_default makes for data/crosswalks/*.ttl
    extended.load_file(path, str(Iris().graph(f"crosswalks/{path.stem}")))
    text = (resource("queries") / "level-crosswalk.rq").read_text(encoding="utf-8")
    rows = list(extended.query(text))  # type: ignore[arg-type]
    example = [r for r in rows if r["framework"].value == "Example NQF levels"]
    assert [(r["kkniLevel"].value, r["targetLevel"].value, r["status"].value) for r in example] == [("5", "7", str(KKNI.Official))]
    assert len(rows) == len(list(store.query(text))) + 1  # type: ignore[arg-type]


# --------------------------------------------------------------------------- ontology docs


def test_ontology_html_names_every_class() -> None:
    html = render_html()
    g = Graph()
    for path in ontology_files():
        g.parse(path)
    classes = {c for c in g.subjects(RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) if str(c).startswith(str(KKNI))}
    assert KKNI.LevelMapping in classes
    for c in classes:
        labels = [str(label) for label in g.objects(c, RDFS.label)]
        assert any(label in html for label in labels), f"{c} is not documented"


def test_ontology_html_is_written_to_a_file(tmp_path: Path) -> None:
    from kkni_rdf.ontology_docs import write_ontology_html

    path = write_ontology_html(tmp_path / "docs" / "index.html")
    assert path.read_text(encoding="utf-8").lstrip().startswith("<!DOCTYPE html>")
