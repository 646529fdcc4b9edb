"""The other exports: the SKOS scheme of units, the CSV tables, the command line, and byte stability (the JSON-LD: test_jsonld.py)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from kkni_rdf import export
from kkni_rdf.cli import main
from kkni_rdf.decree.model import Decree
from kkni_rdf.namespaces import SKOS
from kkni_rdf.store.embedded import KkniStore


def test_jsonld_and_skos_exports_are_byte_stable(store: KkniStore) -> None:
    other = KkniStore.load_default()  # a second, independent run
    assert export.jsonld_document(other) == export.jsonld_document(store)
    assert export.skos_document(other) == export.skos_document(store)


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


def test_export_to_stdout_and_usage_errors(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], elm_bytes: bytes) -> None:
    assert main(["export", "--to", "skos"]) == 0
    out = capsysbinary.readouterr().out
    assert len(Graph().parse(data=out, format="turtle")) > 0
    assert main(["export", "--to", "csv"]) == 2
    assert b"--out" in capsysbinary.readouterr().err
    afile = tmp_path / "file"
    afile.write_text("x", encoding="utf-8")
    assert main(["export", "--to", "jsonld", "--out", str(afile)]) == 2
    assert main(["export", "--to", "elm", "--out", str(tmp_path / "new")]) == 0
    assert (tmp_path / "new" / "kkni-elm.jsonld").read_bytes() == elm_bytes
    assert main(["export", "--to", "ctdl", "--out", str(tmp_path / "new")]) == 0
    assert (tmp_path / "new" / "kkni-ctdl.jsonld").is_file()
