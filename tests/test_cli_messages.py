"""The command line's fixes (issue 12, item 7): check --file with a record that names its target, unknown
codes reported, a printed code's qualifications, syntax errors at the first wrong token."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from kkni_rdf.resources import resource
from tests.helpers import run_cli

EXAMPLES = resource("data") / "examples"


def test_check_file_takes_the_qualification_the_record_names(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "check", "--file", str(EXAMPLES / "record-asesor-4-achieved.ttl"))
    assert code == 0 and out.startswith("N78SPS01-4-asesor: ACHIEVED"), err
    code, _, err = run_cli(capsys, "check")
    assert code == 2 and "name the qualification" in err and "Traceback" not in err


def test_unknown_codes_are_reported_and_lower_case_codes_read(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(
        capsys, "check", "N78SPS01-4-asesor", "M.74SPS03.088.2", "m.74sps03.090.1", "M.74SPS03.104.1", "X.00XXX00.000.1", "--format", "json"
    )
    assert code == 0, err  # checked, not aborted: the core unit given in lower case is read as the decree's code (issue 21)
    body = json.loads(out)
    assert body["missingCore"] == [] and body["readAs"] == [{"given": "m.74sps03.090.1", "code": "M.74SPS03.090.1"}]
    assert body["notInQualification"] == ["X.00XXX00.000.1"]
    assert body["unknownCodes"] == [{"code": "X.00XXX00.000.1", "nearest": []}]
    code, out, _ = run_cli(capsys, "check", "N78SPS01-4-asesor", "m.74sps03.090.1", "M.74SPS03.089.9")
    assert (
        "m.74sps03.090.1 read as M.74SPS03.090.1" in out
        and "M.74SPS03.089.9 is no unit code of the decree (nearest: M.74SPS03.089.1" in out
    )


def test_a_printed_code_names_its_qualifications(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "check", "N78SPS01", "M.74SPS03.088.2")
    assert code == 2
    named = err.split("give one of them: ", 1)[1].strip().split(", ")
    assert len(named) == 10 and all(n.startswith("N78SPS01-") for n in named)  # every one, and no N78SPS02
    code, _, err = run_cli(capsys, "check", "N78SPS01-5", "M.74SPS03.088.2")
    assert err.split("give one of them: ", 1)[1].strip().split(", ") == [
        "N78SPS01-5-asesor",
        "N78SPS01-5-pengelola-lembaga-sertifikasi",
        "N78SPS01-5-tenaga-pelatihan",
    ]
    code, out, _ = run_cli(capsys, "check", "N78SPS02-3", "N.78SPS02.011.1")  # one qualification: checked
    assert code == 1 and out.startswith("N78SPS02-3-instruktur:")


@pytest.mark.parametrize(
    ("query", "line", "column", "words"),
    [
        ("SELEC ?x", 1, 1, ["'SELEC'", "SELECT"]),
        ("SELECT ?x WHERE { ?x ?y }", 1, 19, ["'?x'", "subject, a predicate and an object"]),
        ("SELECT ?x WHERE { ?x ?y ?z } LIMT 3", 1, 30, ["'LIMT'", "LIMIT"]),
        ("PREFIX k: <x:>\nSELEKT * { ?s ?p ?o }", 2, 1, ["'SELEKT'", "SELECT"]),
        ("SELECT * WHERE { ?s ?p ?o } ORDER ?s", 1, 29, ["'ORDER'", "BY"]),
    ],
)
def test_syntax_errors_point_at_the_first_wrong_token(
    capsys: pytest.CaptureFixture[str], web: TestClient, query: str, line: int, column: int, words: list[str]
) -> None:
    code, _, err = run_cli(capsys, "query", "--query", query)
    assert code == 2 and f"line {line}, column {column}" in err
    for w in words:
        assert w in err
    for noise in ("LATERAL", "[_]", "DESCRIBE, "):
        assert noise not in err
    r = web.get("/sparql", params={"query": query})
    assert r.status_code == 400 and (r.json()["line"], r.json()["column"]) == (line, column)
