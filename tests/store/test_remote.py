"""A real `oxigraph serve`: `kkni load --into` fills it, `RemoteStore` answers like the embedded store,
and the packaging-rule checks run inside it find what pySHACL finds."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from kkni_rdf.cli import main
from kkni_rdf.endpoint import errors
from kkni_rdf.resources import query_files
from kkni_rdf.store.embedded import KkniStore
from kkni_rdf.store.protocol import Dataset, QueryError
from kkni_rdf.store.remote import (
    RemoteError,
    RemoteStore,
    StoreCutAnswer,
    StoreRefused,
    StoreUnreachable,
    graph_store_url,
    load_into,
)
from kkni_rdf.validation.in_store import validate_in_store
from tests.helpers import decree_triples, free_port
from tests.validation.pyshacl_reference import decree_reference

DECREE_GRAPH = "https://w3id.org/kkni/graph/kepmenaker-3-2021"


@pytest.fixture(scope="module")
def oxigraph_store(oxigraph_url: str) -> Iterator[RemoteStore]:
    """The server, loaded with what the embedded store serves (the ontology and data/)."""
    load_into(oxigraph_url)
    with RemoteStore(oxigraph_url) as store:
        yield store


def rows(result: object) -> list[tuple[str, ...]]:
    """Solutions as tuples of N-Triples-like term strings, in the order returned."""
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [tuple(str(sol[n]) if sol[n] is not None else "" for n in names) for sol in result]


def test_kkni_load_into_fills_every_named_graph(oxigraph_url: str, store: KkniStore, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["load", "--into", oxigraph_url])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"through {oxigraph_url.removesuffix('/query')}/store" in out
    with RemoteStore(oxigraph_url) as remote:
        assert remote.graphs() == store.graphs()
        assert len(remote) == len(store)
    assert f"{DECREE_GRAPH}  {decree_triples()} triples" in out


@pytest.mark.parametrize("path", query_files(), ids=lambda p: p.stem)
def test_named_queries_answer_as_the_embedded_store_does(oxigraph_store: RemoteStore, store: KkniStore, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    here, there = rows(store.query(text)), rows(oxigraph_store.query(text))
    assert there, f"{path.name} returned no rows"
    assert sorted(there) == sorted(here)
    if "ORDER BY" in text:
        # ordered queries: the same order wherever the ORDER BY keys decide it
        assert len(there) == len(here)


def test_ask_construct_and_dataset_options(oxigraph_store: RemoteStore, store: KkniStore) -> None:
    ask = "ASK { ?q a kkni:Qualification }"
    assert isinstance(oxigraph_store.query(ask), ox.QueryBoolean) and bool(oxigraph_store.query(ask)) is True
    construct = "CONSTRUCT { ?q a kkni:Qualification } WHERE { ?q a kkni:Qualification }"
    got, want = oxigraph_store.query(construct), store.query(construct)
    assert isinstance(got, ox.QueryTriples)
    there, here = {str(t) for t in got}, {str(t) for t in want}  # type: ignore[union-attr]
    assert there == here and len(here) == 14
    # the protocol's dataset: the ontology graph alone holds no qualification
    only_ontology = Dataset(default=("https://w3id.org/kkni/graph/ontology",))
    count = "SELECT (COUNT(?q) AS ?n) WHERE { ?q a kkni:Qualification }"
    assert (
        rows(oxigraph_store.query(count, only_ontology))
        == rows(store.query(count, only_ontology))
        == [('"0"^^<http://www.w3.org/2001/XMLSchema#integer>',)]
    )
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a kkni:Qualification } }"
    assert rows(oxigraph_store.query(graphs)) == [(f"<{DECREE_GRAPH}>",)]


def test_a_malformed_query_is_a_query_error_at_the_users_line(oxigraph_store: RemoteStore, store: KkniStore) -> None:
    text = "SELECT ?x WHERE {\n  ?x ?y }"
    with pytest.raises(QueryError) as there:
        oxigraph_store.query(text)
    with pytest.raises(QueryError) as here:
        store.query(text)
    assert (there.value.line, there.value.column) == (here.value.line, here.value.column) == (2, 3)  # at the incomplete triple
    with pytest.raises(QueryError, match="undeclared prefix"):
        oxigraph_store.query("SELECT * WHERE { ?s nope:p ?o }")


def closed_port_url() -> str:
    return f"http://127.0.0.1:{free_port()}/query"


def test_unreachable_store_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    url = closed_port_url()
    with pytest.raises(RemoteError, match="cannot connect"):
        RemoteStore(url, timeout=2).query("ASK {}")
    code = main(["load", "--into", url])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("kkni: error: cannot connect to") and "Traceback" not in err


def test_http_errors_from_the_store_are_clear(oxigraph_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    wrong = oxigraph_url.removesuffix("/query") + "/no-such-endpoint"
    code = main(["load", "--into", oxigraph_url, "--graph-store", wrong])
    _, err = capsys.readouterr()
    assert code == 2 and "answered HTTP 404" in err and "Traceback" not in err
    code = main(["load", "--into", oxigraph_url.removesuffix("/query") + "/elsewhere"])
    _, err = capsys.readouterr()
    assert code == 2 and "--graph-store" in err


@pytest.mark.parametrize(
    ("query", "gsp"),
    [
        ("http://localhost:7878/query", "http://localhost:7878/store"),
        ("http://localhost:3030/ds/sparql", "http://localhost:3030/ds/data"),
        ("http://localhost:3030/kkni/query", "http://localhost:3030/kkni/data"),
        ("http://localhost:7200/repositories/kkni", "http://localhost:7200/repositories/kkni/rdf-graphs/service"),
        ("http://localhost:8890/sparql", "http://localhost:8890/sparql-graph-crud-auth"),
    ],
)
def test_graph_store_address_is_derived(query: str, gsp: str) -> None:
    assert graph_store_url(query) == gsp


def test_graph_store_address_that_cannot_be_derived() -> None:
    with pytest.raises(ValueError, match="--graph-store"):
        graph_store_url("http://localhost:7019/api/")


def test_in_store_checks_find_exactly_what_pyshacl_finds(oxigraph_store: RemoteStore, store: KkniStore) -> None:
    """The SHACL-SPARQL constraints, sent as queries to the server and to the embedded store,
    give the same (rule id, focus node, value node) as pySHACL running the shapes on the decree
    (its results committed in tests/validation/pyshacl-decree.tsv, checked current there)."""
    expected = decree_reference()
    assert len(expected) > 50  # the decree's real inconsistencies (docs/findings.md)
    for where in (oxigraph_store, store):
        report = validate_in_store(where)
        got = {(f.rule, str(f.focus), str(f.value)) for f in report.findings}
        assert got == expected, where


def test_kkni_validate_store_reports_the_stores_findings(oxigraph_store: RemoteStore, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    code = main(["validate", "--store", oxigraph_store.url, "--format", "json", "--fail-on", "warning"])
    out, err = capsys.readouterr()
    assert code == 1, err  # the decree's packaging inconsistencies are warnings
    got = {(f["rule"], f["focus"]) for f in json.loads(out)["findings"]}
    want = {(f.rule, str(f.focus)) for f in validate_in_store(oxigraph_store).findings}
    assert len(got) == len({(r, f) for r, f in want}) and {r for r, _ in got} == {r for r, _ in want}
    code = main(["validate", "--store", closed_port_url()])
    _, err = capsys.readouterr()
    assert code == 2 and "cannot connect" in err and "Traceback" not in err


def test_load_into_writes_the_union_into_the_default_graph(oxigraph_store: RemoteStore, oxigraph_url: str) -> None:
    """The server's own default graph holds the union, each triple once (as the embedded store's)."""
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?q a <https://w3id.org/kkni/ontology#Qualification> }"
    r = httpx.get(oxigraph_url, params={"query": query}, headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.text.split() == ["n", "14"]
    assert rows(oxigraph_store.query(query)) == [('"14"^^<http://www.w3.org/2001/XMLSchema#integer>',)]


def test_load_into_sends_the_derived_triples_with_the_union(oxigraph_store: RemoteStore, store: KkniStore) -> None:
    """The prerequisite closure (store/derived.py) answers on the server as in the embedded store."""
    for query in ("SELECT ?u ?r WHERE { ?u kkni:requiresTransitively ?r }", "SELECT ?u ?r WHERE { ?u kkni:requires ?r }"):
        there = rows(oxigraph_store.query(query))
        assert there and sorted(there) == sorted(rows(store.query(query)))


# --------------------------------------------------------------------------- the store's faults, named


class CuttingServer(threading.Thread):
    """A fault of the network between us and the store: every answer starts, announces its length,
    and the connection closes mid-body (a store killed mid-answer, a proxy cutting it)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/query"

    def run(self) -> None:
        while True:
            try:
                conn, _ = self.socket.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                head = b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nContent-Length: 4000\r\n\r\n"
                conn.sendall(head + b'{"head": {"vars": ["g"]}, "results": {"bindings": [')


def test_a_cut_answer_and_an_unreachable_store_are_named_faults() -> None:
    server = CuttingServer()
    server.start()
    try:
        with RemoteStore(server.url, timeout=5) as remote, pytest.raises(StoreCutAnswer, match="closed the connection before its answer"):
            remote.query("ASK {}")
    finally:
        server.socket.close()
    answer = errors.store_fault(StoreCutAnswer("cut", hint="try again"))
    assert answer.status == 502 and json.loads(answer.body)["error"] == "store answer cut"
    with RemoteStore(closed_port_url(), timeout=2) as remote, pytest.raises(StoreRefused) as refused:
        remote.ping(1)
    answer = errors.store_fault(refused.value)
    assert answer.status == 503 and ("Retry-After", "5") in answer.headers
    body = json.loads(answer.body)
    assert body["error"] == "store refused connection" and body["pesan"] and "running" in body["hint"]
    with RemoteStore("http://kkni-no-such-host.invalid/sparql", timeout=2) as remote, pytest.raises(StoreUnreachable) as unreachable:
        remote.ping(1)
    assert not isinstance(unreachable.value, StoreRefused) and errors.store_fault(unreachable.value).status == 502
