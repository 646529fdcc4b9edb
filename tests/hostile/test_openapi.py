"""The OpenAPI description says what the server does (issue 11, item 13), checked by schemathesis
over a real server: no 5xx, no answer that the description does not allow."""

from __future__ import annotations

import json

import pytest

from tests.hostile.conftest import Server

pytestmark = pytest.mark.e2e


def openapi(server: Server) -> dict[str, object]:
    status, _, body = server.request("GET", "/openapi.json")
    assert status == 200
    found: dict[str, object] = json.loads(body)
    return found


def test_documented_statuses_and_parameters(server: Server) -> None:
    paths = openapi(server)["paths"]
    assert isinstance(paths, dict)
    assert "406" in paths["/.well-known/void"]["get"]["responses"]
    assert "406" in paths["/ontology"]["get"]["responses"]
    params = {p["name"]: p for p in paths["/sparql"]["get"]["parameters"]}
    assert params["query"]["schema"]["minLength"] == 1
    assert "enum" in params["format"]["schema"]
    assert "accept" not in {name.lower() for name in params}  # OpenAPI ignores Accept parameters; the header is read as sent


def test_options_lists_every_method(server: Server) -> None:
    status, headers, _ = server.request("OPTIONS", "/sparql")
    assert status == 204
    assert {m.strip() for m in headers["allow"].split(",")} == {"GET", "POST", "OPTIONS"}
    status, headers, body = server.request("PUT", "/sparql", b"x")
    assert status == 405 and {m.strip() for m in headers["allow"].split(",")} == {"GET", "POST", "OPTIONS"}
    assert json.loads(body)["error"] == "method not allowed"


def test_schemathesis(server: Server) -> None:
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, Phase, settings

    schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
    failures: list[str] = []
    checks = [schemathesis.checks.not_a_server_error, schemathesis.openapi.checks.status_code_conformance]
    checks += [schemathesis.openapi.checks.content_type_conformance, schemathesis.openapi.checks.response_schema_conformance]

    for operation in schema.get_all_operations():
        op = operation.ok()

        @settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @schemathesis.given(case=op.as_strategy())  # type: ignore[misc]
        def run(case: object) -> None:
            try:
                case.call_and_validate(checks=checks, timeout=30)  # type: ignore[attr-defined]
            except Exception as exc:
                failures.append(f"{op.label}: {type(exc).__name__}: {str(exc)[:600]}")
                raise

        try:
            run()
        except Exception:  # recorded above; every operation gets its run
            pass
    assert not failures, "\n\n".join(failures[:10])
