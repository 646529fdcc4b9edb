"""`kkni serve --store URL`: the same protocol, safety and pages over a real `oxigraph serve`."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from kkni_rdf.endpoint.app import EndpointConfig, create_app
from kkni_rdf.resources import resource
from kkni_rdf.store.embedded import KkniStore
from kkni_rdf.store.remote import load_into
from tests.conftest import oxigraph_binary
from tests.helpers import answers, free_port, serving


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


# --------------------------------------------------------------------------- the store's faults, with real processes

QUALIFICATIONS = "SELECT (COUNT(?q) AS ?n) WHERE {{ ?q a kkni:Qualification }} # {0}"


class OwnOxigraph:
    """An `oxigraph serve` of the test's own, on a fixed port and folder: killed, stopped and started again."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.url = f"http://127.0.0.1:{self.port}/query"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        argv = [oxigraph_binary(), "serve", "--location", str(self.folder), "--bind", f"127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while not answers(f"http://127.0.0.1:{self.port}/"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"oxigraph serve did not start (exit code {self.process.poll()})")
            time.sleep(0.1)

    def signal(self, sig: int) -> None:
        assert self.process is not None
        os.kill(self.process.pid, sig)

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
            self.kill()


@pytest.fixture
def own_oxigraph(tmp_path: Path) -> Iterator[OwnOxigraph]:
    server = OwnOxigraph(tmp_path / "oxigraph")
    server.start()
    load_into(server.url)
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def kkni_serving(store_url: str, log: Path, timeout: float = 4.0) -> Iterator[str]:
    """`kkni serve --store URL` as users run it (a real process, one query worker): its address."""
    port = free_port()
    argv = [sys.executable, "-m", "kkni_rdf", "serve", "--store", store_url, "--port", str(port), "--workers", "1"]
    with serving([*argv, "--timeout", str(timeout)], f"http://127.0.0.1:{port}/healthz", wait=120, log=log):
        yield f"http://127.0.0.1:{port}"


def count(site: str, n: int) -> httpx.Response:
    """The qualifications counted over /sparql (each ``n`` a new text: never an answer from the cache)."""
    return httpx.post(
        f"{site}/sparql",
        content=QUALIFICATIONS.format(n),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        timeout=60,
    )


def counted(r: httpx.Response) -> int:
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def assert_store_fault(r: httpx.Response, status: int, kind: str, *words: str) -> None:
    """A named store fault: the status, JSON in both languages, the store's fault said, never "our fault"."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["error"] == kind and body["pesan"] and body["hint"]
    assert "our fault" not in body["message"] and "store" in body["message"]
    for word in words:
        assert word in body["message"] or word in str(body.get("reason", "")), body


def test_a_killed_store_is_named_and_the_endpoint_recovers_when_it_is_back(own_oxigraph: OwnOxigraph, tmp_path: Path) -> None:
    with kkni_serving(own_oxigraph.url, tmp_path / "serve.log") as site:
        assert counted(count(site, 1)) == 14
        own_oxigraph.kill()  # kill -9
        assert_store_fault(count(site, 2), 503, "store refused connection", "refused")
        page = httpx.get(f"{site}/qualification/kepmenaker-3-2021/N78SPS01-5-asesor", headers={"Accept": "text/html"}, timeout=60)
        assert_store_fault(page, 503, "store refused connection")
        health = httpx.get(f"{site}/healthz", timeout=60)
        assert_store_fault(health, 503, "store refused connection")
        assert health.json()["status"] == "unavailable" and health.headers["retry-after"]
        own_oxigraph.start()  # the same folder and port: the store is back, the endpoint not restarted
        assert counted(count(site, 3)) == 14
        page = httpx.get(f"{site}/qualification/kepmenaker-3-2021/N78SPS01-5-asesor", headers={"Accept": "text/html"}, timeout=60)
        assert page.status_code == 200 and "M.74SPS03.088.2" in page.text
        assert httpx.get(f"{site}/healthz", timeout=60).json()["status"] != "unavailable"
    assert "Traceback" not in (tmp_path / "serve.log").read_text(errors="replace")


def test_a_stalled_store_is_a_named_timeout_and_the_endpoint_recovers(own_oxigraph: OwnOxigraph, tmp_path: Path) -> None:
    with kkni_serving(own_oxigraph.url, tmp_path / "serve.log", timeout=4.0) as site:
        assert counted(count(site, 1)) == 14
        own_oxigraph.signal(signal.SIGSTOP)
        try:
            assert_store_fault(count(site, 2), 504, "store timeout", "did not answer within")
            assert_store_fault(httpx.get(f"{site}/healthz", timeout=60), 503, "store timeout")
        finally:
            own_oxigraph.signal(signal.SIGCONT)
        assert counted(count(site, 3)) == 14  # the same worker: it was not killed at the deadline
        assert httpx.get(f"{site}/healthz", timeout=60).status_code == 200


def test_start_up_against_a_stalled_store_ends_with_a_message(own_oxigraph: OwnOxigraph) -> None:
    own_oxigraph.signal(signal.SIGSTOP)
    argv = [sys.executable, "-m", "kkni_rdf", "serve", "--store", own_oxigraph.url, "--port", str(free_port()), "--timeout", "2"]
    try:
        done = subprocess.run(argv, check=False, capture_output=True, text=True, timeout=120)
    finally:
        own_oxigraph.signal(signal.SIGCONT)
    assert done.returncode == 2, done.stderr
    assert "did not answer within 2 s" in done.stderr and "Traceback" not in done.stderr
