"""How the app is put together: ``/sparql`` answered by one function, the Endpoint the only state, no import cycle."""

from __future__ import annotations

import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from kkni_rdf.endpoint import app


def test_web_never_imports_app() -> None:
    """``app`` includes ``web``'s router; ``web`` (and ``http``, which both use) import nothing of ``app``."""
    code = "import sys, kkni_rdf.endpoint.web, kkni_rdf.endpoint.http; print('kkni_rdf.endpoint.app' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False", done.stderr


def test_the_sparql_routes_call_the_one_function() -> None:
    """The fast path and both routes of ``/sparql`` give what ``app.sparql`` gives: they call it, never a copy."""
    routes = [r for r in app.router.routes if getattr(r, "path", None) == "/sparql"]
    assert {m for r in routes for m in getattr(r, "methods", ())} == {"GET", "POST"}
    for route in routes:
        assert route.endpoint.__code__.co_names == ("sparql",), route  # type: ignore[attr-defined]  # return await sparql(request)


HTML = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}


@pytest.mark.parametrize(
    ("params", "headers", "status", "media"),
    [
        ({"query": "ASK {}"}, {}, 200, "application/sparql-results+json"),
        ({"query": "ASK {}", "lang": "en"}, {}, 200, "application/sparql-results+json"),  # other parameters are ignored
        ({"query": "ASK {}"}, HTML, 200, "text/html"),  # a browser opening a query: its answer as a page (web.query_page)
        ({"query": "ASK {}"}, {"Accept": "*/*"}, 200, "application/sparql-results+json"),  # a client: as before
        ({}, HTML, 200, "text/html"),  # the service description's page
        ({}, {}, 200, "text/turtle"),
        ({"format": "ntriples"}, HTML, 200, "application/n-triples"),
        ({"query": ""}, {}, 400, "application/json"),
        ({"query": ["ASK {}", "ASK {}"]}, {}, 400, "application/json"),
        ({"update": "CLEAR ALL"}, {}, 403, "application/json"),
        ({"query": "ASK {}", "update": "CLEAR ALL"}, {}, 403, "application/json"),
        ({"query": "ASK {}", "format": "nonsense"}, {}, 400, "application/json"),
    ],
)
def test_every_get_of_sparql_is_answered(
    client: TestClient, params: dict[str, str | list[str]], headers: dict[str, str], status: int, media: str
) -> None:
    r = client.get("/sparql", params=params, headers=headers)
    assert r.status_code == status and r.headers["content-type"].startswith(media), r.text
    head = client.head("/sparql", params=params, headers=headers)
    assert head.status_code == status and head.content == b""


def test_the_app_holds_its_endpoint_and_nothing_else(client: TestClient) -> None:
    for path in ("/", "/findings", "/check", "/queries", "/sparql", "/.well-known/void"):
        client.get(path, headers=HTML)
    client.get("/queries/qualification-unit-table", params={"qualification": "N78SPS01-5-asesor"})
    assert set(client.app.state._state) == {"endpoint"}  # type: ignore[attr-defined]
