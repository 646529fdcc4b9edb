"""Named queries take their parameters over HTTP, declared in each query's header and in OpenAPI (issue 12, item 5)."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from kkni_rdf.decree.model import Decree
from kkni_rdf.endpoint.named import ParameterError, load_named_queries


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_headers_declare_the_parameters() -> None:
    queries = load_named_queries()
    declared = {name: [(p.name, p.variable) for p in q.parameters] for name, q in queries.items() if q.parameters}
    assert declared == {
        "prerequisite-closure": [("unit", "unitCode")],
        "qualification-unit-table": [("qualification", "id")],
        "qualifications-by-aqf-level": [("aqf", "aqfLevel")],
        "qualifications-by-eqf-level": [("eqf", "eqfLevel")],
        "work-attitude-progression": [("aspect", "aspectSlug")],
    }
    assert "Edit the VALUES line to choose the qualification" not in queries["qualification-unit-table"].question


def test_a_parameter_chooses_the_qualification(web: TestClient, decree: Decree) -> None:
    for short_id in ("N78SPS02-3-instruktur", "N78SPS01-4-asesor", "N78SPS01-5-asesor"):
        r = web.get("/queries/qualification-unit-table", params={"qualification": short_id, "format": "csv"})
        assert r.status_code == 200, r.text
        expected = next(q for q in decree.qualifications if q.short_id == short_id).rows
        assert [(x["role"], int(x["position"]), x["unitCode"]) for x in rows(r.text)] == [
            (e.role, e.position, e.code.code) for e in expected
        ]
    default = web.get("/queries/qualification-unit-table", params={"format": "csv"})
    assert len(rows(default.text)) == 11  # the header's default, N78SPS02-3-instruktur


def test_a_repeated_parameter_gives_several_values(web: TestClient) -> None:
    one = rows(web.get("/queries/qualifications-by-eqf-level", params={"eqf": "4", "format": "csv"}).text)
    two = rows(web.get("/queries/qualifications-by-eqf-level", params=[("eqf", "4"), ("eqf", "5"), ("format", "csv")]).text)
    assert one and {r["eqfLevel"] for r in one} == {"4"}
    assert {r["eqfLevel"] for r in two} == {"4", "5"} and len(two) > len(one)


def test_a_value_is_always_one_term(web: TestClient) -> None:
    sneaky = 'N78SPS01-5-asesor" } ?qualification ?p ?o . { VALUES ?x { "'
    r = web.get("/queries/qualification-unit-table", params={"qualification": sneaky, "format": "csv"})
    assert r.status_code == 200 and rows(r.text) == []
    q = load_named_queries()["qualification-unit-table"]
    assert 'VALUES ?id { "N78SPS01-5-asesor\\" } ?qualification' in q.bind({"qualification": [sneaky]})


def test_unknown_parameters_are_400(web: TestClient) -> None:
    r = web.get("/queries/qualification-unit-table", params={"qualificaton": "N78SPS01-5-asesor"})
    assert r.status_code == 400
    body = r.json()
    assert body["error"] == "bad parameter" and body["parameter"] == "qualificaton" and "qualification" in body["message"] and body["pesan"]
    with pytest.raises(ParameterError):
        load_named_queries()["qualifications"].bind({"qualification": ["x"]})


def test_the_parameters_are_in_openapi(web: TestClient) -> None:
    spec = web.get("/openapi.json").json()
    op = spec["paths"]["/queries/qualification-unit-table"]["get"]
    params = {p["name"]: p for p in op["parameters"]}
    assert "qualification" in params and "format" in params
    assert "short id" in params["qualification"]["description"] and "N78SPS02-3-instruktur" in params["qualification"]["description"]
    assert op["summary"] == "One qualification's unit table"
    assert {p["name"] for p in spec["paths"]["/queries/prerequisite-closure"]["get"]["parameters"]} == {"unit", "format"}
    assert len([p for p in spec["paths"] if p.startswith("/queries/") and p != "/queries/{name}"]) == len(load_named_queries())
