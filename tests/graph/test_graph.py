"""The built graph: deterministic, equal to the committed files, faithful to the parsed decree."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from kkni_rdf.decree.model import Decree
from kkni_rdf.graph.build import build_files, build_graph
from kkni_rdf.graph.translations import Translations
from kkni_rdf.namespaces import KKNI, OWL, RDF, RDFS, SKOS
from kkni_rdf.resources import translations_file
from kkni_rdf.store.embedded import GraphFile, KkniStore
from kkni_rdf.store.protocol import ask, select

SOURCE_NAME = "kepmenaker-3-2021.txt"


def rows(store: KkniStore, query: str) -> list[dict[str, str]]:
    text = select(store, query).serialize(format=ox.QueryResultsFormat.CSV)
    assert text is not None
    return list(csv.DictReader(io.StringIO(text.decode("utf-8"))))


def test_build_is_deterministic_and_equals_the_committed_file(root: Path, tmp_path: Path) -> None:
    source = root / "data" / "source" / SOURCE_NAME
    first, _ = build_files(source, tmp_path / "a", translations_path=translations_file())
    second, _ = build_files(source, tmp_path / "b", translations_path=translations_file())
    assert first.read_bytes() == second.read_bytes()
    committed = root / "data" / "kepmenaker-3-2021.ttl"
    assert committed.read_bytes() == first.read_bytes(), "data/ is stale: run `kkni build`"


def test_every_resource_has_an_english_label(decree: Decree) -> None:
    result = build_graph(decree, translations=Translations.load(translations_file()))
    assert result.missing_translations == []
    # every translated resource carries its English label and the note that it is unofficial
    g = result.graph
    kinds = [KKNI.Qualification, KKNI.JobRole, KKNI.Group, KKNI.Subfield, KKNI.Field, KKNI.Level, KKNI.WorkAttitudeAspect, KKNI.Unit]
    translated = [s for k in kinds for s in g.subjects(RDF.type, k) if (s, RDFS.label, None) in g]
    assert len(translated) == 14 + 44 + 4 + 2 + 1 + 9 + 8 + 151
    for s in translated:
        assert any(isinstance(o, Literal) and o.language == "en" for o in g.objects(s, RDFS.label)), s
        assert any(isinstance(n, Literal) and n.language == "en" and "unofficial" in n for n in g.objects(s, SKOS.editorialNote)), s


def test_qualifications_contract_query(store: KkniStore, root: Path, decree: Decree) -> None:
    got = rows(store, (root / "queries" / "qualifications.rq").read_text())
    assert len(got) == 14
    for row, q in zip(got, decree.qualifications, strict=True):
        assert row["qualification"].endswith("/" + q.short_id)
        assert row["code"] == q.code
        assert int(row["level"]) == q.level
        assert row["group"] == q.group_name
        assert (int(row["requiredTotal"]), int(row["requiredCore"]), int(row["requiredElective"])) == (
            q.packaging.total,
            q.packaging.core,
            q.packaging.elective,
        )
        assert int(row["listedCore"]) == sum(r.role == "core" for r in q.rows)
        assert int(row["listedElective"]) == sum(r.role == "elective" for r in q.rows)
        assert int(row["jobRoles"]) == len(q.job_roles)
    # a spot value a reader can check in the text: section C prints 17 = 8 + 9, lists 8 + 24 rows
    c = got[2]
    assert [c[k] for k in ("requiredTotal", "requiredCore", "requiredElective", "listedCore", "listedElective")] == [
        "17",
        "8",
        "9",
        "8",
        "24",
    ]


def test_unit_listings_contract_query(store: KkniStore, root: Path, decree: Decree) -> None:
    got = rows(store, (root / "queries" / "unit-listings.rq").read_text())
    assert list(got[0]) == ["qualification", "unitCode", "role", "position", "title"]
    expected = [(q.short_id, r.code.code, r.role, r.position, r.title) for q in decree.qualifications for r in q.rows]
    assert sorted((g["qualification"].rsplit("/", 1)[1], g["unitCode"], g["role"], int(g["position"]), g["title"]) for g in got) == sorted(
        expected
    )
    assert len(got) == 372


def test_prerequisites_contract_query(store: KkniStore, root: Path, decree: Decree) -> None:
    got = rows(store, (root / "queries" / "prerequisites.rq").read_text())
    assert list(got[0]) == ["qualification", "unitCode", "requiredUnitCode"]
    expected = [(q.short_id, r.code.code, p.code.code) for q in decree.qualifications for r in q.rows for p in r.prerequisites]
    assert [(g["qualification"].rsplit("/", 1)[1], g["unitCode"], g["requiredUnitCode"]) for g in got] == expected
    assert len(got) == 117


def test_unit_title_variants_are_kept(store: KkniStore) -> None:
    # N.78SPS02.011.1 is printed "… Standar Kompetensi dan Kualifikasi Kerja" (A, B, F) and
    # "… Standar Kompetensi Kerja dan Kualifikasi Kerja" (E): the first is preferred (more often printed)
    got = rows(
        store,
        """SELECT ?pref ?alt WHERE { <https://w3id.org/kkni/unit/N.78SPS02.011.1> rdfs:label ?pref . FILTER(lang(?pref) = "id")
           OPTIONAL { <https://w3id.org/kkni/unit/N.78SPS02.011.1> skos:altLabel ?alt } }""",
    )
    assert got == [
        {
            "pref": "Mengidentifikasi Standar Kompetensi dan Kualifikasi Kerja",
            "alt": "Mengidentifikasi Standar Kompetensi Kerja dan Kualifikasi Kerja",
        }
    ]
    # each listing keeps its own printed title
    titles = rows(
        store,
        """SELECT DISTINCT ?t WHERE { ?l kkni:unit <https://w3id.org/kkni/unit/N.78SPS02.011.1> ; kkni:printedTitle ?t }""",
    )
    assert len(titles) == 2


def test_versions_are_distinct_units_linked_as_versions(store: KkniStore) -> None:
    got = rows(
        store,
        """SELECT ?family ?other WHERE { <https://w3id.org/kkni/unit/N.78SPS02.075.1> kkni:versionOf ?family ; kkni:otherVersion ?other }""",
    )
    assert got == [{"family": "https://w3id.org/kkni/unit/N.78SPS02.075", "other": "https://w3id.org/kkni/unit/N.78SPS02.075.2"}]


def test_units_known_only_from_a_prerequisite(store: KkniStore) -> None:
    # N.78SPS01.005.1 is printed only in D's prerequisite column (elective row 4), never as a row
    got = rows(
        store,
        """SELECT ?code ?label ?q WHERE { ?u kkni:code "N.78SPS01.005.1" ; kkni:code ?code .
             OPTIONAL { ?u rdfs:label ?label } ?p kkni:requiredUnit ?u ; kkni:qualification ?q }""",
    )
    assert got == [
        {"code": "N.78SPS01.005.1", "label": "", "q": "https://w3id.org/kkni/qualification/kepmenaker-3-2021/N78SPS02-6-instruktur"}
    ]


def test_decree_metadata_in_the_graph(store: KkniStore) -> None:
    got = rows(
        store,
        """SELECT ?enacted ?inForce ?review ?revokes ?bases WHERE {
             act:kepmenaker-3-2021 kkni:dateEnacted ?enacted ; kkni:dateInForce ?inForce ;
               kkni:reviewInterval ?review ; kkni:revokes ?revokes .
             { SELECT (COUNT(?b) AS ?bases) WHERE { act:kepmenaker-3-2021 kkni:legalBasis ?b } } }""",
    )
    assert got == [
        {
            "enacted": "2021-01-20",
            "inForce": "2021-07-20",
            "review": "P5Y",
            "revokes": "https://w3id.org/kkni/act/kepmenaker-233-2016",
            "bases": "7",
        }
    ]


def test_qualification_iris_are_unique_though_codes_are_not(store: KkniStore) -> None:
    got = rows(
        store,
        """SELECT ?code ?level (COUNT(?q) AS ?n) WHERE { ?q kkni:codificationCode ?code ; kkni:level/kkni:levelNumber ?level }
                         GROUP BY ?code ?level HAVING (COUNT(?q) > 1) ORDER BY ?level""",
    )
    assert [(g["code"], g["level"], g["n"]) for g in got] == [
        ("N78SPS01", "3", "2"),
        ("N78SPS01", "4", "2"),
        ("N78SPS01", "5", "3"),
        ("N78SPS01", "6", "3"),
    ]


def test_every_term_used_in_the_data_is_declared_in_the_ontology(root: Path) -> None:
    data = Graph().parse(root / "data" / "kepmenaker-3-2021.ttl")
    ontology = Graph()
    for path in sorted((root / "ontology").glob("*.ttl")):
        ontology.parse(path)
    declared = {s for s in ontology.subjects(RDF.type, None) if str(s).startswith(str(KKNI))}
    used = {p for p in data.predicates() if str(p).startswith(str(KKNI))}
    used |= {o for o in data.objects(None, RDF.type) if str(o).startswith(str(KKNI))}
    used |= {o for o in data.objects() if isinstance(o, URIRef) and str(o).startswith(str(KKNI))}
    assert sorted(str(t) for t in used - declared) == []
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
    for term in used:
        types = set(ontology.objects(term, RDF.type))
        assert types & kinds or (term, RDF.type, OWL.NamedIndividual) in ontology or types, term


@pytest.mark.parametrize("base", ["https://example.org/kkni/", "http://localhost:8000/"])
def test_base_is_configurable(decree: Decree, base: str) -> None:
    g = build_graph(decree, base=base).graph
    q = URIRef(f"{base}qualification/kepmenaker-3-2021/N78SPS01-5-asesor")
    assert (q, RDF.type, KKNI.Qualification) in g
    assert not any(str(s).startswith("https://w3id.org/kkni/") and not str(s).startswith(str(KKNI)) for s in g.subjects())


def test_store_rebases_committed_data(store: KkniStore) -> None:
    other = KkniStore.load_default("https://example.org/k/")
    assert ask(other, "ASK { <https://example.org/k/unit/N.78SPS02.019.2> kkni:code ?c }")
    assert len(other) == len(store)


def test_default_graph_is_the_union_with_each_triple_once(root: Path) -> None:
    """A triple held by two named graphs (two decrees both define level 5, say) is one triple of
    the default graph: every query sees the RDF merge, not a bag of the graphs."""
    data = root / "data" / "kepmenaker-3-2021.ttl"
    twice = KkniStore()
    twice.load_files([GraphFile(data, "https://example.org/graph/a"), GraphFile(data, "https://example.org/graph/b")])
    assert twice.graphs() == ["https://example.org/graph/a", "https://example.org/graph/b"]
    got = rows(twice, (root / "queries" / "qualifications.rq").read_text())
    assert len(got) == 14
    assert rows(twice, "SELECT (COUNT(*) AS ?n) WHERE { ?q a kkni:Qualification }") == [{"n": "14"}]
    assert rows(twice, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?q a kkni:Qualification } }") == [{"n": "28"}]
