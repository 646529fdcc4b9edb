"""Availability (issue 11, items 1–3): no client starves another, no query takes the machine's
memory, no half-open connection is held for ever. Statuses are asserted, never timings."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator

import pytest

from tests.endpoint.conftest import RUNAWAY, TRIVIAL, Server, json_status, kkni_serve, read_all

pytestmark = pytest.mark.e2e


def sparql_path(query: str) -> str:
    return "/sparql?query=" + urllib.parse.quote(query)


@pytest.fixture(scope="module")
def fair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Two workers (and two spares, so that a stopped worker is replaced at once on a loaded machine);
    a query that runs past 0.5 s is long, and only one long query runs at a time."""
    options = [
        "--workers",
        "2",
        "--spare-workers",
        "2",
        "--timeout",
        "8",
        "--short-seconds",
        "0.5",
        "--long-queries",
        "1",
        "--per-client",
        "2",
    ]
    with kkni_serve(tmp_path_factory.mktemp("fair"), *options) as s:
        yield s


def wait_for(server: Server, key: str, value: int, done: threading.Event) -> None:
    for _ in range(1000):  # bounded: until the pool reports it (no timing asserted)
        if server.health()[key] == value or done.is_set():
            return
        time.sleep(0.02)


def test_runaways_do_not_starve_other_clients(fair: Server) -> None:
    results: dict[str, list[int]] = {"first": [], "second": [], "more": []}
    first_done = threading.Event()

    def send(name: str, client: str) -> None:
        status, headers, body = fair.request("POST", "/sparql", RUNAWAY.encode(), {"Content-Type": "application/sparql-query"}, client)
        if status in (429, 503):
            assert int(headers["retry-after"]) >= 1
        assert json.loads(body)["error"]
        results[name].append(status)

    def first() -> None:
        try:
            send("first", "127.0.0.2")
        finally:
            first_done.set()

    t1 = threading.Thread(target=first)
    t1.start()
    wait_for(fair, "long", 1, first_done)  # the first runaway holds the one long-query slot
    assert not first_done.is_set()
    # another client's runaway, and a burst of six from a third client
    others = [threading.Thread(target=send, args=("second", "127.0.0.3"))]
    others += [threading.Thread(target=send, args=("more", "127.0.0.4")) for _ in range(6)]
    for t in others:
        t.start()
    # meanwhile a fourth client's trivial query and the editor page are answered
    status, _, body = fair.request("GET", sparql_path(TRIVIAL), client="127.0.0.5")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 9
    status, _, _ = fair.request("GET", "/", client="127.0.0.5")
    assert status == 200
    assert not first_done.is_set()  # both answered while the first runaway was still running
    for t in others:
        t.join(60)
    t1.join(60)
    assert results["first"] == [504]  # stopped at its deadline
    assert results["second"] == [503]  # the long-query lane was taken: stopped, told when to retry
    assert len(results["more"]) == 6
    assert results["more"].count(429) >= 4  # at most two of one client's queries are admitted at once
    assert set(results["more"]) <= {429, 503, 504}  # refused, stopped when long, or out of time after waiting its turn


@pytest.fixture(scope="module")
def small_memory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One worker allowed 200 MiB above what its loaded store takes."""
    options = ["--workers", "1", "--timeout", "30", "--worker-memory", "200"]
    with kkni_serve(tmp_path_factory.mktemp("memory"), *options) as s:
        yield s


def test_a_query_that_needs_too_much_memory_is_stopped(small_memory: Server) -> None:
    before = small_memory.health()
    query = "SELECT ?a ?f WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
    status, _, body = small_memory.request("POST", "/sparql", query.encode(), {"Content-Type": "application/sparql-query"})
    answer = json.loads(body)
    assert status == 422, answer
    assert answer["error"] == "memory limit" and answer["unit"] == "bytes of memory"
    # the worker was replaced: the next query is answered
    status, _, body = small_memory.request("GET", sparql_path(TRIVIAL))
    assert status == 200
    after = small_memory.health()
    assert after["alive"] == before["alive"] == 1


def test_half_open_connections_are_closed(limited_server: Server) -> None:
    """Connections that never finish their request head get 408 after the read timeout."""
    sockets = []
    for _ in range(20):
        s = socket.create_connection(("127.0.0.1", limited_server.port), timeout=30)
        s.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n")  # never the blank line
        sockets.append(s)
    try:
        for s in sockets:
            status, body = json_status(read_all(s))  # the server answers, then closes
            assert status == 408 and body["error"] == "request timeout"
    finally:
        for s in sockets:
            s.close()
    assert limited_server.health()["status"] == "ok"


def test_a_body_shorter_than_its_content_length_does_not_hang(limited_server: Server) -> None:
    with socket.create_connection(("127.0.0.1", limited_server.port), timeout=30) as s:
        s.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 100\r\n\r\nASK {}")
        status, body = json_status(read_all(s))
    assert status == 408 and body["error"] == "request timeout"
