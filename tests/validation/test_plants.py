"""Every planted inconsistency is found by the in-store checks, and nothing else; the in-process
validator finds the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.synth import PLANT_KINDS, ExpectedFinding, Manifest, check_plants, synthesize
from kkni_rdf.graph.build import build_many
from kkni_rdf.iris import Iris
from kkni_rdf.resources import ontology_files
from kkni_rdf.store.embedded import GraphFile, KkniStore
from kkni_rdf.validation.engine import Finding, Report, sparql_checks, validate_files
from kkni_rdf.validation.in_store import decree_of, validate_in_store


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Manifest, list[Path], KkniStore]:
    tmp = tmp_path_factory.mktemp("planted")
    # two sectors (42 qualifications), a plant in every one: every kind at least once
    manifest = synthesize(tmp / "text", scale=3, seed=11, plant_every=1)
    built = build_many([tmp / "text" / n for n in manifest.decrees], tmp / "rdf", jobs=1)
    iris = Iris()
    store = KkniStore()
    store.load_files([GraphFile(p, str(iris.graph("ontology"))) for p in ontology_files()])
    store.load_files([GraphFile(b.path, str(iris.graph(b.slug))) for b in built])
    return manifest, [b.path for b in built], store


def as_expected(report: Report) -> list[ExpectedFinding]:
    return [ExpectedFinding(f.rule, str(f.focus), str(f.value)) for f in report.findings]


def test_every_kind_is_planted(planted: tuple[Manifest, list[Path], KkniStore]) -> None:
    manifest, _, _ = planted
    assert {p.kind for p in manifest.plants} == set(PLANT_KINDS)
    assert len(manifest.plants) >= 20
    # the manifest round-trips through its JSON file
    assert Manifest.load(_manifest_path(planted)) == manifest


def _manifest_path(planted: tuple[Manifest, list[Path], KkniStore]) -> Path:
    return planted[1][0].parent.parent / "text" / "manifest.json"


def test_in_store_checks_find_every_plant_and_nothing_else(planted: tuple[Manifest, list[Path], KkniStore]) -> None:
    manifest, _, store = planted
    report = validate_in_store(store)
    check = check_plants(manifest, as_expected(report), [c.rule for c in sparql_checks()])
    assert check.missed == []
    assert check.unexpected == []
    assert check.found == check.expected == len(manifest.expected())
    # each finding says which decree it comes from (qualification-scoped rules)
    by_plant = {(e.rule, e.focus): p.decree for p in manifest.plants for e in p.expected}
    for f in report.findings:
        if (f.rule, str(f.focus)) in by_plant and f.qualification is not None:
            assert decree_of(f) == by_plant[(f.rule, str(f.focus))]


def test_in_process_validation_finds_the_same(planted: tuple[Manifest, list[Path], KkniStore]) -> None:
    _, files, store = planted
    rules = {c.rule for c in sparql_checks()}
    in_process = validate_files(files)
    key = lambda fs: sorted((f.rule, str(f.focus), str(f.value), f.message["en"], f.source_line) for f in fs)  # noqa: E731
    in_store: list[Finding] = validate_in_store(store).findings
    assert key(f for f in in_process.findings if f.rule in rules) == key(in_store)
    # the structural (core SHACL) shapes find nothing wrong with the synthetic decrees' graphs
    assert [f for f in in_process.findings if f.rule not in rules] == []
