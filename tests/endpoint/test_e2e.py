"""End to end: `kkni serve` on a free port, used by real SPARQL clients; the safety cases over HTTP."""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kkni_rdf.store.embedded import KkniStore
from tests.helpers import free_port, serving

pytestmark = pytest.mark.e2e

DEADLINE = 2.0
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def get_json(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=30) as r:
        result: dict[str, object] = json.load(r)
        return result


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    cmd = [sys.executable, "-m", "kkni_rdf", "serve", "--port", str(port), "--timeout", str(DEADLINE), "--workers", "2"]
    url = f"http://127.0.0.1:{port}"
    with serving(cmd, url + "/healthz", cwd=Path(__file__).parent) as proc:
        yield url, proc


class Listener:
    """A local HTTP server that records every request it gets."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        record = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                record.append(f"GET {self.path}")
                self.send_response(200)
                self.end_headers()

            def do_POST(self) -> None:
                record.append(f"POST {self.path}")
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/sparql"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_sparqlwrapper_select_construct_ask(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    url = server[0] + "/sparql"
    sw = SPARQLWrapper(url)
    sw.setQuery("PREFIX kkni: <https://w3id.org/kkni/ontology#> SELECT ?l WHERE { ?l a kkni:Level } ORDER BY ?l")
    sw.setReturnFormat(JSON)
    rows = sw.query().convert()["results"]["bindings"]  # type: ignore[index, call-overload]
    assert len(rows) == 9
    sw.setQuery("PREFIX kkni: <https://w3id.org/kkni/ontology#> CONSTRUCT { ?l a kkni:Level } WHERE { ?l a kkni:Level }")
    sw.setReturnFormat(TURTLE)
    g = Graph().parse(data=sw.query().convert(), format="turtle")  # type: ignore[arg-type]
    assert len(g) == 9
    sw.setMethod("POST")
    sw.setQuery("ASK { ?s ?p ?o }")
    sw.setReturnFormat(JSON)
    assert sw.query().convert()["boolean"] is True  # type: ignore[index, call-overload]


def test_rdflib_sparqlstore(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    g = Graph(store=SPARQLStore(server[0] + "/sparql", returnFormat="json"))
    rows = list(g.query("SELECT ?q WHERE { ?q a <https://w3id.org/kkni/ontology#Qualification> }"))
    assert len(rows) > 10
    assert all(str(r[0]).startswith("https://w3id.org/kkni/qualification/") for r in rows)  # type: ignore[index]


def test_service_to_a_local_listener_makes_no_request(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    listener = Listener()
    try:
        query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
        # the control: the engine itself does call the listener
        with contextlib.suppress(OSError, SyntaxError):  # the empty answer is not valid SPARQL results
            list(ox.Store().query(query))  # type: ignore[arg-type]
        assert listener.requests == ["POST /sparql"]
        listener.requests.clear()
        sw = SPARQLWrapper(server[0] + "/sparql")
        sw.setQuery(query)
        sw.setReturnFormat(JSON)
        with pytest.raises(QueryBadFormed, match="SERVICE"):
            sw.query()
        sw.setQuery(f"SELECT * FROM <{listener.url}> WHERE {{ ?s ?p ?o }}")
        with pytest.raises(QueryBadFormed, match="unknown graph"):
            sw.query()
        time.sleep(0.2)  # let a stray request arrive if one were made (not a timing assertion)
        assert listener.requests == []
    finally:
        listener.close()


def children(pid: int) -> set[int]:
    """The processes ``pid``'s threads started (a thread may end while they are read: it has none then)."""
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            out |= {int(c) for c in (task / "children").read_text().split()}
    return out


def test_runaway_query_is_cut_off_while_others_answer(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    url, proc = server
    workers_before = children(proc.pid)
    assert len(workers_before) == 2
    outcome: dict[str, object] = {}
    answered_runaway = threading.Event()

    def runaway() -> None:
        req = urllib.request.Request(url + "/sparql", data=RUNAWAY.encode(), headers={"Content-Type": "application/sparql-query"})
        try:
            urllib.request.urlopen(req, timeout=60)
            outcome["status"] = 200
        except urllib.error.HTTPError as e:
            outcome["status"] = e.code
            outcome["body"] = json.loads(e.read())
        finally:
            answered_runaway.set()

    t = threading.Thread(target=runaway)
    t.start()
    for _ in range(600):  # until a worker has taken the runaway: one of the two is no longer idle (bounded; no timing asserted)
        health = get_json(url + "/healthz")
        if health["idle"] == 1 or answered_runaway.is_set():
            break
        time.sleep(0.01)
    assert health["status"] == "ok" and health["idle"] == 1 and not answered_runaway.is_set()
    answered = get_json(url + "/sparql?query=" + urllib.parse.quote("SELECT ?l WHERE { ?l a kkni:Level }"))
    assert len(answered["results"]["bindings"]) == 9  # type: ignore[index]
    # the health check and the other query were answered while the runaway was still running
    assert not answered_runaway.is_set()
    t.join(60)
    assert outcome["status"] == 504
    assert outcome["body"]["error"] == "query timeout"  # type: ignore[index]
    # its worker process was killed (no core left spinning) and a fresh one replaces it
    for _ in range(300):
        now = children(proc.pid)
        if len(now) == 2 and now != workers_before:
            break
        time.sleep(0.1)
    gone = workers_before - now
    assert len(gone) == 1 and len(now) == 2
    (pid,) = gone
    assert not os.path.exists(f"/proc/{pid}") or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]


def test_an_answer_larger_than_a_socket_buffer_arrives_whole(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    """The HTTP process reads a worker's answer as it arrives (issue 10): every graph's triples,
    megabytes of N-Triples, come back as the embedded store gives them, then the next query is answered."""
    query = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER(!isBlank(?s) && !isBlank(?o)) }"  # (blank node labels differ)
    request = urllib.request.Request(
        server[0] + "/sparql",
        data=query.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"},
    )
    with urllib.request.urlopen(request, timeout=60) as r:
        body = r.read()
    assert len(body) > 1_000_000  # far past a socket buffer (208 KiB by default on Linux)
    served = {q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)}
    triples = KkniStore.load_default().query(query)
    assert isinstance(triples, ox.QueryTriples)
    expected = set(triples)
    assert served == expected
    assert get_json(server[0] + "/sparql?query=" + urllib.parse.quote("ASK {}"))["boolean"] is True
