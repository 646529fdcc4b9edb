"""The OpenAPI description says what the server does (issue 11, item 13), checked by schemathesis
over a real server: no 5xx, no answer that the description does not allow."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import CHECKS as REGISTRY

from tests.endpoint.conftest import Server

pytestmark = pytest.mark.e2e


def openapi(limited_server: Server) -> dict[str, object]:
    status, _, body = limited_server.request("GET", "/openapi.json")
    assert status == 200
    found: dict[str, object] = json.loads(body)
    return found


def test_documented_statuses_and_parameters(limited_server: Server) -> None:
    paths = openapi(limited_server)["paths"]
    assert isinstance(paths, dict)
    assert "406" in paths["/.well-known/void"]["get"]["responses"]
    assert "406" in paths["/ontology"]["get"]["responses"]
    params = {p["name"]: p for p in paths["/sparql"]["get"]["parameters"]}
    assert params["query"]["schema"]["minLength"] == 1
    assert "enum" in params["format"]["schema"]
    assert params["accept"]["schema"]["type"] == "string" and "anyOf" not in params["accept"]["schema"]  # never null


def test_options_lists_every_method(limited_server: Server) -> None:
    status, headers, _ = limited_server.request("OPTIONS", "/sparql")
    assert status == 204
    assert {m.strip() for m in headers["allow"].split(",")} - {"HEAD"} == {"GET", "POST", "OPTIONS"}
    status, headers, body = limited_server.request("PUT", "/sparql", b"x")
    assert status == 405 and {m.strip() for m in headers["allow"].split(",")} - {"HEAD"} == {"GET", "POST", "OPTIONS"}
    assert json.loads(body)["error"] == "method not allowed"


CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance"]


def test_schemathesis(limited_server: Server) -> None:
    """Every operation, 20 generated cases each (bounded: well under a minute): no 5xx, nothing undocumented."""
    schema = schemathesis.openapi.from_url(limited_server.url + "/openapi.json")
    checks: list[Any] = list(REGISTRY.get_by_names(CHECKS))
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an invalid operation raises here, failing the test
        operations += 1

        @settings(
            max_examples=20, deadline=None, phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck), database=None
        )
        @given(case=operation.as_strategy())
        def run(case: schemathesis.Case[Any], label: str = operation.label) -> None:
            try:
                case.call_and_validate(checks=checks, timeout=30)
            except Exception as exc:
                failures.append(f"{label}: {type(exc).__name__}: {str(exc)[:800]}")
                raise

        with contextlib.suppress(Exception):  # recorded above; every operation gets its run
            run()
    assert operations >= 8
    assert not failures, "\n\n".join(failures[:8])
