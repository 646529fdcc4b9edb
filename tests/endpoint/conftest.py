"""Fixtures for the endpoint's tests: apps started once per session (each starts query workers), what a
browser sends to the pages, and `kkni serve` as a real process for hostile and careless clients.

The real servers here run on a free loopback port with small limits, so that the tests stay short and
their memory bounded on a shared two-core machine. Different clients are told apart by their
address: a client socket may bind any source address of 127.0.0.0/8 on Linux.
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kkni_rdf.endpoint.app import EndpointConfig, create_app
from kkni_rdf.endpoint.served import ServedStore
from kkni_rdf.store.embedded import KkniStore, default_prefixes
from tests.helpers import free_port, serving

#: Short enough to keep the suite fast, long enough for every real query on a loaded machine.
TEST_TIMEOUT = 4.0

#: What a browser sends.
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
BASE = "https://w3id.org/kkni/"
ASESOR_5 = "qualification/kepmenaker-3-2021/N78SPS01-5-asesor"

#: a query that never ends on the decree (a five-way cross product of every triple)
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?x ?y }"
TRIVIAL = "SELECT ?l WHERE { ?l a kkni:Level }"


@pytest.fixture(scope="session")
def client() -> Iterator[TestClient]:
    """The endpoint as `kkni serve` runs it, with a short deadline."""
    with TestClient(create_app(EndpointConfig(timeout=TEST_TIMEOUT, workers=2))) as c:
        yield c


@pytest.fixture(scope="session")
def capped() -> Iterator[TestClient]:
    """An endpoint with tiny result caps and query logging on."""
    config = EndpointConfig(timeout=TEST_TIMEOUT, workers=1, max_results=5, max_bytes=20_000, max_query_bytes=2_000, log_queries=True)
    with TestClient(create_app(config)) as c:
        yield c


@pytest.fixture(scope="session")
def served(store: KkniStore) -> ServedStore:
    """The session's store as the endpoint serves it (its prefixes and named graphs read once)."""
    return ServedStore(store, default_prefixes(store.base), tuple(store.graphs()))


# ------------------------------------------------------------------ `kkni serve` over real sockets


@dataclass
class Server:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        client: str = "127.0.0.1",
        timeout: float = 60.0,
    ) -> tuple[int, dict[str, str], bytes]:
        """One request from the client address ``client``: status, headers (lower-case names), body."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout, source_address=(client, 0))
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def raw(self, data: bytes, timeout: float = 30.0) -> bytes:
        """Send ``data`` as it is, half-close, and read the whole answer."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            return read_all(s)

    def health(self) -> dict[str, object]:
        status, _, body = self.request("GET", "/healthz")
        assert status == 200
        found: dict[str, object] = json.loads(body)
        return found


def read_all(s: socket.socket) -> bytes:
    out = bytearray()
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return bytes(out)
        out += chunk


def json_status(answer: bytes) -> tuple[int, dict[str, object]]:
    """The status and JSON body of a raw HTTP/1.1 answer."""
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    assert b"application/json" in head.lower(), answer[:300]
    found: dict[str, object] = json.loads(body)
    return status, found


@contextmanager
def kkni_serve(tmp: Path, *options: str) -> Iterator[Server]:
    """`kkni serve` with ``options`` on a free port; its log (standard error) in ``tmp/serve.log``."""
    port = free_port()
    log = tmp / "serve.log"
    url = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "kkni_rdf", "serve", "--port", str(port), *options]
    with serving(argv, url + "/healthz", log=log) as process:
        yield Server(url, port, process, log)


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The endpoint with the defaults of `kkni serve`, a 3 s deadline and a 2 s read timeout."""
    with kkni_serve(tmp_path_factory.mktemp("serve"), "--timeout", "3", "--workers", "2", "--read-timeout", "2") as s:
        yield s
