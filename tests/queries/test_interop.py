"""Crosswalks, alignments, exports and the ontology's HTML documentation."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, SKOS

from kkni_rdf import export
from kkni_rdf.cli import main
from kkni_rdf.decree.model import Decree
from kkni_rdf.iris import Iris
from kkni_rdf.namespaces import CTDL, ELM, KKNI
from kkni_rdf.ontology_docs import render_html
from kkni_rdf.resources import ontology_files, resource
from kkni_rdf.store.embedded import KkniStore

ROOT = Path(__file__).resolve().parents[2]
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


# --------------------------------------------------------------------------- exports


def test_jsonld_export_reads_back_as_the_graph(store: KkniStore) -> None:
    data = export.jsonld_document(store)
    doc = json.loads(data)
    published = json.loads(export.context_file().read_text(encoding="utf-8"))
    assert doc["@context"] == published["@context"], "the document uses the published context, version 1"
    assert export.CONTEXT_IRI.endswith("/v1.jsonld")
    back = Graph().parse(data=data, format="json-ld")
    assert isomorphic(back, export.data_graph(store))
    quads = ox.Store()
    for path in [*resource("data").glob("*.ttl"), *CURATED]:
        quads.load(path.read_bytes(), format=ox.RdfFormat.TURTLE)
    assert len(back) == len(quads)  # every triple of the decree, the crosswalks and the alignments


def test_ctdl_export_has_condition_profiles_with_the_required_numbers(store: KkniStore, decree: Decree) -> None:
    back = Graph().parse(data=export.ctdl_document(store), format="json-ld")
    iris = Iris()
    certs = set(back.subjects(RDF.type, CTDL.Certification))
    assert len(certs) == 14
    for x in decree.qualifications:
        q = iris.qualification(decree.slug, x.short_id)
        assert q in certs
        profiles = set(back.objects(q, CTDL.requires))
        assert len(profiles) == 2
        core = next(p for p in back.objects(q, CTDL.requires) if str(p).endswith("/core"))
        elective = next(p for p in back.objects(q, CTDL.requires) if str(p).endswith("/elective"))
        assert back.value(core, CTDL.requiredNumber).toPython() == x.packaging.core
        assert back.value(elective, CTDL.requiredNumber).toPython() == x.packaging.elective
        assert len(set(back.objects(core, CTDL.targetCompetency))) == sum(r.role == "core" for r in x.rows)
        assert len(set(back.objects(elective, CTDL.targetCompetency))) == sum(r.role == "elective" for r in x.rows)


def test_elm_export_has_levels_and_parts(store: KkniStore, decree: Decree) -> None:
    back = Graph().parse(data=export.elm_document(store), format="json-ld")
    iris = Iris()
    for x in decree.qualifications:
        q = iris.qualification(decree.slug, x.short_id)
        assert (q, RDF.type, ELM.Qualification) in back
        assert back.value(q, ELM.nqfLevel) == iris.level(x.level)
        assert set(back.objects(q, ELM.hasPart)) == {iris.unit(r.code.code) for r in x.rows}
        # every shipped EQF mapping is only proposed: no EQF level is claimed
        assert back.value(q, ELM.eqfLevel) is None
    assert isomorphic(back, export.elm_graph(store))


def test_elm_export_gives_the_eqf_level_of_an_official_mapping(tmp_path: Path) -> None:
    path = tmp_path / "official.ttl"
    path.write_text(
        """PREFIX kkni: <https://w3id.org/kkni/ontology#>
<https://example.org/m> a kkni:LevelMapping ; kkni:mappingSubject <https://w3id.org/kkni/level/5> ;
  kkni:mappingObject <http://data.europa.eu/snb/eqf/5> ; kkni:mappingStatus kkni:Official .
""",
        encoding="utf-8",
    )
    extended = KkniStore.load_default()
    extended.load_file(path, str(Iris().graph("crosswalks/official")))
    back = export.elm_graph(extended)
    at5 = {q for q in back.subjects(ELM.nqfLevel, Iris().level(5))}
    assert len(at5) == 4
    assert {back.value(q, ELM.eqfLevel) for q in at5} == {URIRef("http://data.europa.eu/snb/eqf/5")}


def test_skos_export_is_a_concept_scheme_of_the_units(store: KkniStore, decree: Decree) -> None:
    back = Graph().parse(data=export.skos_document(store), format="turtle")
    scheme = URIRef("https://w3id.org/kkni/unit")
    codes = {r.code.code for x in decree.qualifications for r in x.rows} | {
        p.code.code for x in decree.qualifications for r in x.rows for p in r.prerequisites
    }
    units = {c for c in back.subjects(SKOS.inScheme, scheme) if back.value(c, SKOS.broader) is not None}
    assert {str(back.value(c, SKOS.notation)) for c in units} == codes
    assert set(back.objects(scheme, SKOS.hasTopConcept)) == {
        URIRef(f"https://w3id.org/kkni/standard/{s}") for s in ("N.78SPS01", "N.78SPS02", "M.74SPS03")
    }
    unit = URIRef("https://w3id.org/kkni/unit/N.78SPS02.011.1")
    assert Literal("Mengidentifikasi Standar Kompetensi dan Kualifikasi Kerja", lang="id") in set(back.objects(unit, SKOS.prefLabel))


def test_csv_export_through_the_command_line(tmp_path: Path, decree: Decree, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--to", "csv", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(export.CSV_TABLES)
    with (tmp_path / "unit-listings.csv").open(newline="", encoding="utf-8") as f:
        listings = list(csv.DictReader(f))
    assert len(listings) == sum(len(x.rows) for x in decree.qualifications)
    with (tmp_path / "qualifications.csv").open(newline="", encoding="utf-8") as f:
        quals = {r["qualification"].rsplit("/", 1)[-1]: r for r in csv.DictReader(f)}
    for x in decree.qualifications:
        assert int(quals[x.short_id]["requiredTotal"]) == x.packaging.total
    with (tmp_path / "prerequisites.csv").open(newline="", encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == sum(len(r.prerequisites) for x in decree.qualifications for r in x.rows)
    with (tmp_path / "job-roles.csv").open(newline="", encoding="utf-8") as f:
        assert [r["jobTitle"] for r in csv.DictReader(f)] == [
            j.text for x in sorted(decree.qualifications, key=lambda x: (x.level, x.group_name)) for j in x.job_roles
        ]


def test_export_to_stdout_and_usage_errors(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["export", "--to", "skos"]) == 0
    out = capsysbinary.readouterr().out
    assert len(Graph().parse(data=out, format="turtle")) > 0
    assert main(["export", "--to", "csv"]) == 2
    assert b"--out" in capsysbinary.readouterr().err
    afile = tmp_path / "file"
    afile.write_text("x", encoding="utf-8")
    assert main(["export", "--to", "jsonld", "--out", str(afile)]) == 2
    assert main(["export", "--to", "elm", "--out", str(tmp_path / "new")]) == 0
    assert (tmp_path / "new" / "kkni-elm.jsonld").is_file()


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
