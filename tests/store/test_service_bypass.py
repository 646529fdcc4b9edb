"""SERVICE in every form a scan could miss reaches no listener: not from ``kkni query``, ``kkni check``,
the endpoint's workers, nor a remote store behind ``kkni serve --store`` (which would follow SERVICE
itself). A real listener on a loopback port counts every connection; a positive control shows that
a store that is sent SERVICE does reach it."""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kkni_rdf.store.embedded import KkniStore
from kkni_rdf.store.guard import Refused
from kkni_rdf.store.remote import load_into
from tests.helpers import free_port, run_cli, serving

KKNI = str(Path(sys.executable).with_name("kkni"))  # the command pip installs beside this Python


class Listener:
    """A TCP listener on a loopback port that counts the connections it accepts (and closes them)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


def bypasses(port: int) -> list[str]:
    """Queries that would make an engine connect to ``port``, written to slip past a token scan."""
    url = f"http://127.0.0.1:{port}/sparql"
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        # '<' as less-than; '#>' ends what a scan took for an IRI; the keyword on the next line
        f"SELECT * WHERE {{ ?s ?p ?o FILTER(STR(?s)<STR(?o))SERVICE#>\nSILENT <{url}> {{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o # a comment ended by a carriage return\rSERVICE <{url}> {{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ sErViCe SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }} }}",
        f"SELECT * WHERE {{ ?s ?p 1SERVICE <{url}> {{ }} }}",
    ]


def test_kkni_query_and_the_store_reach_no_listener(listener: Listener, store: KkniStore, capsys: pytest.CaptureFixture[str]) -> None:
    for text in bypasses(listener.port):
        with pytest.raises(Refused):
            store.query(text)
        code, _, err = run_cli(capsys, "query", "--query", text)
        assert code == 2 and "SERVICE" in err, err
    assert listener.connections == 0


def test_kkni_check_reaches_no_listener(listener: Listener, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{listener.port}/sparql"
    crafted = f'N78SPS01-5-asesor" }} SERVICE <{url}> {{ ?s ?p ?o }} #'
    code, _, _ = run_cli(capsys, "check", crafted, f"M.74SPS03.088.2> }} SERVICE <{url}> {{ ?s ?p ?o }}")
    assert code == 2
    units = tmp_path / "units.csv"
    units.write_text(f"code\nM.74SPS03.088.2\n<{url}>\n", encoding="utf-8")
    run_cli(capsys, "check", "N78SPS01-4-asesor", "--file", str(units))
    assert listener.connections == 0


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    port = free_port()
    argv = [KKNI, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    with serving(argv, f"http://127.0.0.1:{port}/healthz"):
        yield f"http://127.0.0.1:{port}/sparql"


def _send_every_way(endpoint: str, text: str) -> list[int]:
    """The statuses of ``text`` sent by GET, POST form and POST body."""
    with httpx.Client(timeout=30) as client:
        return [
            client.get(endpoint, params={"query": text}).status_code,
            client.post(endpoint, data={"query": text}).status_code,
            client.post(endpoint, content=text.encode(), headers={"Content-Type": "application/sparql-query"}).status_code,
        ]


def test_the_endpoint_reaches_no_listener(listener: Listener, served: str) -> None:
    for text in bypasses(listener.port):
        assert _send_every_way(served, text) == [400, 400, 400], text
    assert listener.connections == 0


def test_workers_behind_a_remote_store_reach_no_listener(listener: Listener, oxigraph_url: str) -> None:
    load_into(oxigraph_url)
    # the control: the store itself follows SERVICE to the listener
    with httpx.Client(timeout=30) as client:
        client.post(oxigraph_url, content=bypasses(listener.port)[0].encode(), headers={"Content-Type": "application/sparql-query"})
    assert listener.connections >= 1
    reached = listener.connections
    port = free_port()
    argv = [KKNI, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--store", oxigraph_url]
    with serving(argv, f"http://127.0.0.1:{port}/healthz"):
        for text in bypasses(listener.port):
            assert _send_every_way(f"http://127.0.0.1:{port}/sparql", text) == [400, 400, 400], text
    assert listener.connections == reached
