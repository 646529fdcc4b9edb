"""`kkni load --into` stages every graph, then swaps them in with one update: a reader of a real
`oxigraph serve` sees the old data or the new, never a part, even when the load is killed (-9)
midway; a re-run is idempotent (kkni_rdf/store/remote.py, load_into)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kkni_rdf.store.embedded import KkniStore
from kkni_rdf.store.protocol import graph_sizes
from kkni_rdf.store.remote import STAGING, RemoteStore, load_into, staging_graph, update_url
from tests.conftest import oxigraph_binary
from tests.helpers import decree_triples, free_port, serving

QUALIFICATIONS = "SELECT (COUNT(?q) AS ?n) WHERE { ?q a <https://w3id.org/kkni/ontology#Qualification> }"
DECREE = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/kkni/graph/kepmenaker-3-2021> { ?s ?p ?o } }"
STAGED = f'SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{STAGING}")) }}'


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[str]:
    """A fresh `oxigraph serve` of this test's own: its query URL."""
    port = free_port()
    argv = [oxigraph_binary(), "serve", "--location", str(tmp_path / "oxigraph"), "--bind", f"127.0.0.1:{port}"]
    with serving(argv, f"http://127.0.0.1:{port}/", wait=20):
        yield f"http://127.0.0.1:{port}/query"


def number(url: str, query: str) -> int:
    """A count straight from the store (its own default graph: no dataset in the request)."""
    r = httpx.post(url, data={"query": query}, headers={"Accept": "application/sparql-results+json"}, timeout=30)
    r.raise_for_status()
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


class Reader(threading.Thread):
    """Counts the qualifications and the decree graph's triples, again and again, until stopped."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url, self.seen, self.stopping = url, set[tuple[int, int]](), threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            self.seen.add((number(self.url, QUALIFICATIONS), number(self.url, DECREE)))


def clear_staging(url: str) -> None:
    """Drop the staging graphs a killed load left (the next load would replace them): each round starts clean."""
    r = httpx.post(url, data={"query": STAGED.replace("(COUNT(DISTINCT ?g) AS ?n)", "DISTINCT ?g")}, headers={"Accept": "text/csv"})
    graphs = r.text.split()[1:]
    if graphs:
        update = " ;\n".join(f"DROP GRAPH <{g}>" for g in graphs)
        httpx.post(url.removesuffix("/query") + "/update", data={"update": update}, timeout=30).raise_for_status()


def load_process(url: str) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "kkni_rdf", "load", "--into", url]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def test_readers_see_the_old_data_or_the_new_while_loads_are_killed_midway(oxigraph: str, store: KkniStore) -> None:
    load_into(oxigraph)
    whole = (14, number(oxigraph, DECREE))
    assert whole[1] == decree_triples()
    reader = Reader(oxigraph)
    reader.start()
    midway = 0  # loads killed after they had staged graphs in the store
    try:
        for staged in (1, 3, 6, 9):
            clear_staging(oxigraph)
            load = load_process(oxigraph)
            deadline = time.monotonic() + 60
            while number(oxigraph, STAGED) < staged and load.poll() is None and time.monotonic() < deadline:
                time.sleep(0.005)
            load.kill()  # -9, once it has staged that many graphs
            load.wait()
            midway += number(oxigraph, STAGED) >= staged
        done = load_process(oxigraph)  # the whole load, read all along too
        assert done.wait(120) == 0
    finally:
        reader.stopping.set()
        reader.join(60)
    assert reader.seen == {whole}, f"a reader saw a part: {sorted(reader.seen)}"
    assert midway, "no load was killed while it was staging: the test did not test the swap"
    assert number(oxigraph, STAGED) == 0  # the last load moved its staging graphs into place
    with RemoteStore(oxigraph) as remote:
        assert remote.graphs() == store.graphs() and len(remote) == len(store)


def test_a_rerun_is_idempotent(oxigraph: str) -> None:
    load_into(oxigraph)
    with RemoteStore(oxigraph) as remote:
        first = graph_sizes(remote)
        default = number(oxigraph, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        load_into(oxigraph)
        remote.forget_graphs()
        assert graph_sizes(remote) == first
    assert number(oxigraph, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == default
    assert number(oxigraph, STAGED) == 0


def test_each_load_stages_in_graphs_of_its_own_and_drops_what_killed_loads_left(oxigraph: str) -> None:
    """A killed load's last PUT may still be running in the store when the next load stages (Oxigraph's
    PUT is a clear, then a load: two at once into one graph keep its blank-node triples twice, which
    the swap then moved into place: a reader saw the decree graph with 15 triples too many). Each load
    stages in graphs of its own; what earlier loads left is dropped by the next swap."""
    left = staging_graph("https://w3id.org/kkni/graph/kepmenaker-3-2021", "killed")
    store = oxigraph.removesuffix("/query") + "/store"
    httpx.put(
        store, params={"graph": left}, content=b"_:b <urn:p> <urn:o> .\n", headers={"Content-Type": "application/n-triples"}
    ).raise_for_status()
    assert number(oxigraph, STAGED) == 1
    load_into(oxigraph)
    assert number(oxigraph, STAGED) == 0
    assert number(oxigraph, DECREE) == decree_triples()


def test_the_update_address_is_derived_or_asked_for() -> None:
    assert update_url("http://h:7878/query") == "http://h:7878/update"
    assert update_url("http://h:3030/ds/sparql") == "http://h:3030/ds/update"
    assert update_url("http://h:7200/repositories/kkni") == "http://h:7200/repositories/kkni/statements"
    assert update_url("http://h:8890/sparql", ("u", "p")) == "http://h:8890/sparql-auth"
    assert staging_graph("https://w3id.org/kkni/graph/ontology", "run1").startswith(STAGING)
    assert staging_graph("https://w3id.org/kkni/graph/ontology", "run1") != staging_graph("https://w3id.org/kkni/graph/ontology", "run2")
    with pytest.raises(ValueError, match="--update"):
        update_url("http://h/elsewhere")
