"""`kkni build` and `kkni query`, run in-process."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

from tests.helpers import run_cli as run


def test_query_csv_prints_fourteen_rows(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "query", str(root / "queries" / "qualifications.rq"), "--format", "csv")
    assert code == 0, err
    table = list(csv.reader(io.StringIO(out)))
    assert table[0] == [
        "qualification",
        "code",
        "level",
        "group",
        "requiredTotal",
        "requiredCore",
        "requiredElective",
        "listedCore",
        "listedElective",
        "jobRoles",
    ]
    assert len(table) == 15
    assert table[1][1:] == ["N78SPS02", "3", "Instruktur", "9", "5", "4", "5", "6", "5"]


def test_query_table_tsv_and_json(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rq = str(root / "queries" / "prerequisites.rq")
    code, out, _ = run(capsys, "query", rq)
    assert code == 0 and out.splitlines()[0].split() == ["qualification", "unitCode", "requiredUnitCode"]
    assert out.rstrip().endswith("(117 rows)")
    code, out, _ = run(capsys, "query", rq, "--format", "tsv")
    assert code == 0 and out.splitlines()[0] == "?qualification\t?unitCode\t?requiredUnitCode" and len(out.splitlines()) == 118
    code, out, _ = run(capsys, "query", rq, "--format", "json")
    assert code == 0 and len(json.loads(out)["results"]["bindings"]) == 117


def test_query_text_and_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(capsys, "query", "--query", "ASK { ?q a kkni:Qualification }")
    assert (code, out) == (0, "true\n")
    monkeypatch.setattr(sys, "stdin", io.StringIO("SELECT (COUNT(*) AS ?n) WHERE { ?q a kkni:Qualification }"))
    code, out, _ = run(capsys, "query", "-", "--format", "csv")
    assert (code, out.split()) == (0, ["n", "14"])


def test_construct_prints_turtle(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "query", "--query", "CONSTRUCT { ?q a kkni:Qualification } WHERE { ?q a kkni:Qualification }")
    assert code == 0 and out.count("kkni:Qualification") == 14


def test_malformed_query_is_a_usage_error_with_line_and_column(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "query", "--query", "SELECT ?x WHERE {\n  ?x ?y }")
    assert code == 2 and out == ""
    assert err.startswith("kkni: error: malformed query: syntax error") and "line 2, column " in err
    assert "Traceback" not in err


def test_undeclared_prefix_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "query", "--query", "SELECT * WHERE { ?s nope:p ?o }")
    assert code == 2 and "undeclared prefix" in err and "line 1, column" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["query", "/nonexistent/q.rq"], "no such query file"),
        (["query"], "give a query file"),
        (["query", "x.rq", "--query", "ASK {}"], "not both"),
        (["build", "/nonexistent/decree.txt"], "no such decree text"),
    ],
)
def test_usage_errors(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err


def test_build_writes_into_a_folder(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "build", str(root / "data" / "source" / "kepmenaker-3-2021.txt"), "--out", str(tmp_path))
    assert code == 0 and "14 qualifications, 372 unit rows, 117 prerequisites" in out
    assert (tmp_path / "kepmenaker-3-2021.ttl").read_bytes() == (root / "data" / "kepmenaker-3-2021.ttl").read_bytes()
    # the decree's validation report and the ontology's documentation are built with it
    assert "the validation report (0 violations, 79 warnings, 12 infos)" in out
    findings = tmp_path / "findings" / "kepmenaker-3-2021.ttl"
    assert findings.read_bytes() == (root / "data" / "findings" / "kepmenaker-3-2021.ttl").read_bytes()
    assert "<html" in (tmp_path / "ontology" / "index.html").read_text(encoding="utf-8")


def test_build_can_skip_findings_and_docs(root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "build", str(root / "data" / "source" / "kepmenaker-3-2021.txt"), "--out", str(tmp_path), "--no-findings", "--no-docs"
    )
    assert code == 0 and out.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kepmenaker-3-2021.ttl"]


def test_build_reports_unreadable_text_with_its_line(source_text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(source_text.replace("KOMPETENSI PILIHAN", "KOMPETENSI LAIN", 1), encoding="utf-8")
    code, _, err = run(capsys, "build", str(bad), "--out", str(tmp_path / "out"))
    assert code == 2
    assert err.startswith("kkni: error: cannot read the decree: bad.txt:")
    assert not (tmp_path / "out" / "kepmenaker-3-2021.ttl").exists()  # nothing partial is written


def test_build_reports_non_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Keputusan Menteri \xe9".encode("latin-1"))
    code, _, err = run(capsys, "build", str(bad), "--out", str(tmp_path))
    assert code == 2 and "not UTF-8" in err


def test_load_with_a_user_needs_the_password_in_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KKNI_STORE_PASSWORD", raising=False)
    code, out, err = run(capsys, "load", "--into", "http://127.0.0.1:9/query", "--user", "kkni")
    assert (code, out) == (2, "")
    assert err == "kkni: error: a store user (kkni) needs the password in the environment variable KKNI_STORE_PASSWORD\n"
