"""The search index (kkni_rdf.search): what it holds, stemming in both languages, typos, codes, ranking."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kkni_rdf.search import KINDS, SearchIndex, words
from kkni_rdf.store.embedded import GraphFile, KkniStore
from tests.helpers import run_cli


@pytest.fixture(scope="module")
def index(store: KkniStore) -> SearchIndex:
    return SearchIndex.from_store(store)


def titles(index: SearchIndex, query: str, kinds: tuple[str, ...] = KINDS) -> list[str]:
    return [" ".join(h.document.title.values()) for h in index.search(query, kinds, limit=100)]


def test_it_holds_every_qualification_unit_job_title_and_finding(index: SearchIndex, store: KkniStore) -> None:
    counts = {k: sum(1 for d in index.documents if d.kind == k) for k in KINDS}
    expected = {
        "qualification": "kkni:Qualification",
        "unit": "kkni:Unit",
        "job-title": "kkni:JobRole",
        "finding": "<http://www.w3.org/ns/shacl#ValidationResult>",
    }
    for kind, cls in expected.items():
        (row,) = list(store.query(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a {cls} }}"))  # type: ignore[arg-type]
        assert counts[kind] == int(row["n"].value) > 0, kind
    unit = next(d for d in index.documents if d.code == "M.74SPS03.090.1")
    assert unit.title == {
        "en": "Conduct Assessment",
        "id": "Melaksanakan Asesmen",
    }  # the decree prints "M.74SPS03.090.1 Melaksanakan Asesmen"


def test_indonesian_stems_pelatihan_finds_latih(index: SearchIndex) -> None:
    found = titles(index, "pelatihan", ("job-title",))
    assert any("pelatihan" in words(t) for t in found)
    # job titles without the word itself, found by its stem: "Pelatih" (Trainer), after those with the word
    by_stem = [t for t in found if "pelatihan" not in words(t) and {"pelatih", "melatih", "latih"} & set(words(t))]
    assert by_stem and found.index(by_stem[0]) > 0, found
    assert set(by_stem) <= set(titles(index, "latih", ("job-title",)))


def test_english_stems_assessment_finds_assess(index: SearchIndex) -> None:
    found = titles(index, "assessment")
    assert any("assess" in words(t) and "assessment" not in words(t) for t in found), found
    assert any("assessments" in words(t) for t in found)


def test_asesmen_and_assessment_find_the_same_units(index: SearchIndex) -> None:
    indonesian = {h.document.iri for h in index.search("asesmen", ["unit"], limit=100)}
    english = {h.document.iri for h in index.search("assessment", ["unit"], limit=100)}
    assert indonesian and english and len(indonesian & english) >= len(indonesian) // 2


@pytest.mark.parametrize(("typo", "meant"), [("asesmn", "asesmen"), ("assesment", "assessment"), ("instrukter", "instruktur")])
def test_typos_find_what_was_meant(index: SearchIndex, typo: str, meant: str) -> None:
    wanted = {h.document.iri for h in index.search(meant, limit=5)}
    got = [h.document.iri for h in index.search(typo, limit=20)]
    assert got and wanted & set(got), (typo, got)


def test_codes_whole_in_part_or_without_dots_come_first(index: SearchIndex) -> None:
    for query in ("M.74SPS03.104.1", "m74sps03.104", "M.74SPS03.104"):
        assert index.search(query)[0].document.code == "M.74SPS03.104.1"
    first = index.search("N78SPS01-4")[:2]
    assert {h.document.code for h in first} == {"N78SPS01-4-asesor", "N78SPS01-4-tenaga-pelatihan"}


def test_ranking_and_kinds(index: SearchIndex) -> None:
    hits = index.search("instruktur", limit=50)
    assert hits[0].document.kind == "qualification" and [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert {h.document.kind for h in index.search("asesor", limit=100)} >= {"qualification", "job-title", "unit"}
    only = index.search("not listed", ["finding"], limit=10)
    assert only and {h.document.kind for h in only} == {"finding"} and all(h.document.context for h in only)
    assert index.search("") == [] and index.search("  ,;  ") == []
    assert index.search("zzzqqqxxy") == []


def test_an_index_of_another_store(root: Path) -> None:
    small = KkniStore()
    small.load_files([GraphFile(root / "data" / "examples" / "decree-small.ttl", "https://w3id.org/kkni/graph/kepmenaker-99-2030")])
    index = SearchIndex.from_store(small)
    assert {d.kind for d in index.documents} <= set(KINDS)
    assert [d.code for d in index.documents if d.kind == "qualification"] == ["P85ABC01-3-contoh"]
    assert index.search("P.85ABC01.004")[0].document.code == "P.85ABC01.004.1"


def test_kkni_search(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "search", "asesmen", "--limit", "3")
    assert code == 0 and len(out.splitlines()) == 3 and "Asesmen" in out.splitlines()[0]
    code, out, _ = run_cli(capsys, "search", "assessment", "--kind", "unit", "--format", "json")
    body = json.loads(out)
    assert code == 0 and body["count"] > 0 and {r["kind"] for r in body["results"]} == {"unit"}
    assert run_cli(capsys, "search", "zzzqqqxxy")[0] == 1
    code, _, err = run_cli(capsys, "search", "x", "--limit", "0")
    assert code == 2 and "--limit must be from 1 to 100" in err
