"""`kkni serve --store URL`: the same protocol, safety and pages over a real `oxigraph serve`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from kkni_rdf.endpoint.app import EndpointConfig, create_app
from kkni_rdf.resources import resource
from kkni_rdf.store.embedded import KkniStore
from kkni_rdf.store.remote import load_into


@pytest.fixture(scope="module")
def remote_client(oxigraph_url: str) -> Iterator[TestClient]:
    load_into(oxigraph_url)
    app = create_app(EndpointConfig(store_url=oxigraph_url, workers=1, timeout=20))
    with TestClient(app) as c:
        yield c


def test_contract_query_over_the_remote_store(remote_client: TestClient) -> None:
    text = (resource("queries") / "qualifications.rq").read_text(encoding="utf-8")
    r = remote_client.post("/sparql", content=text, headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert r.status_code == 200, r.text
    table = list(csv.reader(io.StringIO(r.text)))
    assert len(table) == 15 and table[1][1:4] == ["N78SPS02", "3", "Instruktur"]


def test_pages_and_downloads_come_from_the_remote_store(remote_client: TestClient, store: KkniStore) -> None:
    r = remote_client.get("/qualification/kepmenaker-3-2021/N78SPS01-5-asesor", headers={"Accept": "text/html"})
    assert r.status_code == 200 and "M.74SPS03.088.2" in r.text
    r = remote_client.get("/download/kkni.nq")
    assert r.status_code == 200
    assert len(list(ox.parse(r.content, format=ox.RdfFormat.N_QUADS))) == len(store)


def test_safety_holds_over_the_remote_store(remote_client: TestClient) -> None:
    r = remote_client.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"})
    assert r.status_code == 400 and "SERVICE" in r.json()["message"]
    r = remote_client.post(
        "/sparql", content="INSERT DATA { <urn:a> <urn:b> <urn:c> }", headers={"Content-Type": "application/sparql-query"}
    )
    assert r.status_code == 403
    r = remote_client.get("/sparql", params={"query": "SELECT ?x WHERE {\n ?x ?y }"})
    assert r.status_code == 400 and r.json()["line"] == 2
