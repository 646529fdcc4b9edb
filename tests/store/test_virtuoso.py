"""A real Virtuoso 7 as the project's store: `kkni load --into`, `kkni validate --store` and
`kkni serve --store` give what the embedded store gives (kkni_rdf/store/remote.py, virtuoso.py)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph
from rdflib.compare import isomorphic

from kkni_rdf.cli import main
from kkni_rdf.endpoint.app import EndpointConfig, create_app
from kkni_rdf.endpoint.describe import build_downloads
from kkni_rdf.resources import query_files
from kkni_rdf.store.embedded import KkniStore
from kkni_rdf.store.protocol import Dataset, QueryError
from kkni_rdf.store.remote import PASSWORD_VARIABLE, STAGING, USER_VARIABLE, RemoteError, RemoteStore, StoreAuth, load_into
from kkni_rdf.store.virtuoso import SYSTEM_GRAPH
from kkni_rdf.validation.engine import validate_decree
from tests.helpers import decree_triples
from tests.store.virtuoso_server import Virtuoso

UNION_GRAPH = "https://w3id.org/kkni/graph/union"
QUALIFICATION = "https://w3id.org/kkni/ontology#Qualification"
QUALIFICATIONS = f"SELECT (COUNT(?q) AS ?n) WHERE {{ ?q a <{QUALIFICATION}> }}"


def rows(result: object) -> list[tuple[str, ...]]:
    """Solutions as tuples of N-Triples-like term strings, in the order returned ("" for unbound)."""
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [tuple(str(sol[n]) if sol[n] is not None else "" for n in names) for sol in result]


def raw_count(virtuoso: Virtuoso, query: str) -> int:
    """A count straight from Virtuoso's endpoint, with no dataset in the request: its own default graph."""
    r = httpx.post(virtuoso.url, data={"query": query}, headers={"Accept": "text/csv"}, timeout=60)
    assert r.status_code == 200, r.text
    return int(r.text.split()[1])


def as_graph(triples: object) -> Graph:
    return Graph().parse(data=ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b"", format="nt")  # type: ignore[call-overload]


# --------------------------------------------------------------------------- loading


def test_the_graph_store_wants_digest_not_basic(virtuoso: Virtuoso) -> None:
    """Virtuoso's Graph Store endpoint answers Basic with a bare 401 (no challenge) and takes Digest;
    StoreAuth sends what the store asks for."""
    target = {"graph": "urn:kkni-test:auth"}
    body, headers = b'<urn:s> <urn:p> "o" .\n', {"Content-Type": "application/n-triples"}
    basic = httpx.put(virtuoso.graph_store, params=target, content=body, headers=headers, auth=httpx.BasicAuth(*virtuoso.loader))
    assert basic.status_code == 401 and "www-authenticate" not in basic.headers
    with httpx.Client(auth=StoreAuth(*virtuoso.loader)) as client:
        first = client.put(virtuoso.graph_store, params=target, content=body, headers=headers)
        assert first.status_code in (200, 201) and first.request.headers["authorization"].startswith("Digest ")
        again = client.put(virtuoso.graph_store, params=target, content=body, headers=headers)  # the challenge is reused
        assert again.status_code in (200, 201)
        assert client.delete(virtuoso.graph_store, params=target).status_code in (200, 204)


def test_kkni_load_into_virtuoso(
    loaded: Virtuoso, store: KkniStore, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(PASSWORD_VARIABLE, loaded.loader[1])
    monkeypatch.delenv(USER_VARIABLE, raising=False)
    code = main(["load", "--into", loaded.url, "--user", loaded.loader[0]])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"through {loaded.graph_store}" in out
    # the triples per graph: our graphs only, each as the embedded store holds it
    listed = [line.split() for line in out.splitlines() if line.startswith("  ")]
    per_graph = rows(store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"))
    assert [(g, n) for g, n, _ in listed] == [(g.strip("<>"), n.split('"')[1]) for g, n in per_graph]
    assert SYSTEM_GRAPH not in out and UNION_GRAPH not in out
    # staged, then swapped: no staging graph stays, and the union graph is whole (loaded twice: the fixture, then here)
    assert raw_count(loaded, f'SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{STAGING}")) }}') == 0
    union = raw_count(loaded, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{UNION_GRAPH}> {{ ?s ?p ?o }} }}")
    assert union >= len(store)
    assert raw_count(loaded, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{UNION_GRAPH}> {{ ?q a <{QUALIFICATION}> }} }}") == 14


def test_readers_see_the_old_data_or_the_new_while_virtuoso_is_reloaded(loaded: Virtuoso) -> None:
    """Staged, then swapped in one update request: a reader counting while the store is reloaded
    twice sees 14 qualifications every time (before: 0 qualifications in 202 of 229 reads during
    three loads). Virtuoso reads committed rows, not a snapshot: a query that runs across the swap's
    commit may miss the triples whose blank nodes the load made anew (15 in the decree graph; seen
    once: 10,088 of 10,102), never more."""
    decree = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/kkni/graph/kepmenaker-3-2021> { ?s ?p ?o } }"
    seen: set[tuple[int, int]] = set()
    stop = threading.Event()

    def read() -> None:
        with RemoteStore(loaded.url, timeout=60) as remote:
            while not stop.is_set():
                seen.add((int(rows(remote.query(QUALIFICATIONS))[0][0].split('"')[1]), int(rows(remote.query(decree))[0][0].split('"')[1])))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        for _ in range(2):
            load_into(loaded.url, auth=loaded.loader)
    finally:
        stop.set()
        reader.join(60)
    assert {qualifications for qualifications, _ in seen} == {14}
    size = decree_triples()
    assert all(size - 15 <= n <= size for _, n in seen), sorted(seen)


def test_only_the_projects_graphs_are_ours(remote: RemoteStore, store: KkniStore) -> None:
    assert remote.is_virtuoso()
    held = remote.store_graphs()
    assert SYSTEM_GRAPH in held and UNION_GRAPH in held  # Virtuoso's own graphs, and the union load_into wrote
    assert remote.graphs() == store.graphs()
    assert len(remote) == len(store)
    assert rows(remote.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")) == [(f"<{g}>",) for g in store.graphs()]


def test_the_default_graph_is_the_union_each_triple_once(remote: RemoteStore, store: KkniStore, loaded: Virtuoso) -> None:
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    # the union of the named graphs, each triple once, and the derived prerequisite closure (store/derived.py)
    union = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
    assert rows(remote.query(everything)) == rows(store.query(everything)) != rows(store.query(union))
    closure = "SELECT ?u ?r WHERE { ?u kkni:requiresTransitively ?r }"
    assert sorted(rows(remote.query(closure))) == sorted(rows(store.query(closure)))
    assert rows(remote.query(QUALIFICATIONS)) == [('"14"^^<http://www.w3.org/2001/XMLSchema#integer>',)]
    # Virtuoso's own default graph is every graph it holds, as a bag: why the union graph is sent as the default graph
    assert raw_count(loaded, QUALIFICATIONS) == 2 * 14  # the decree's graph and the union graph
    assert raw_count(loaded, everything) > int(rows(store.query(everything))[0][0].split('"')[1]) + 1000  # system graphs


# --------------------------------------------------------------------------- queries


def test_answers_read_as_the_standard_says(remote: RemoteStore, store: KkniStore) -> None:
    """Each of Virtuoso's deviations, on a query that shows it, answers as the embedded store does."""
    queries = [
        "SELECT (1 / 4 AS ?quarter) (7 / 2 AS ?half) (2 * 3 / 4 AS ?chain) WHERE {}",  # integer division
        "SELECT (2 > 1 AS ?yes) (false AS ?no) (EXISTS { ?q a kkni:Qualification } AS ?some) WHERE {}",  # booleans
        "SELECT ?c WHERE { GRAPH ?g { ?report sh:conforms ?c } }",  # a stored boolean
        "SELECT (STR(COUNT(?q)) AS ?n) (COALESCE(MAX(?q), 0) AS ?last) WHERE { ?q a kkni:Qualification }",  # aggregates in expressions
        'SELECT (GROUP_CONCAT(?c) AS ?all) WHERE { VALUES ?c { "x" } }',  # no separator
        "SELECT ?q WHERE { ?q a kkni:Qualification } ORDER BY ?q LIMIT 2",
    ]
    for query in queries:
        assert rows(remote.query(query)) == rows(store.query(query)), query
    # blank nodes: nodeID://… in Virtuoso's results, read as blank nodes
    bnode = "SELECT ?o WHERE { GRAPH <https://w3id.org/kkni/graph/shapes> { ?s sh:sparql ?o } FILTER (isBlank(?o)) } LIMIT 1"
    (solution,) = list(remote.query(bnode))  # type: ignore[arg-type]
    assert isinstance(solution["o"], ox.BlankNode)
    shapes = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://w3id.org/kkni/graph/shapes> { ?s ?p ?o } }"
    assert isomorphic(as_graph(remote.query(shapes)), as_graph(store.query(shapes)))
    # DESCRIBE: the resource's concise bounded description, as Oxigraph gives it
    describe = "DESCRIBE <https://w3id.org/kkni/level/5>"
    assert {str(t) for t in remote.query(describe)} == {str(t) for t in store.query(describe)}  # type: ignore[union-attr]


def test_ask_construct_and_dataset_options(remote: RemoteStore, store: KkniStore) -> None:
    assert bool(remote.query("ASK { ?q a kkni:Qualification }")) is True
    construct = "CONSTRUCT { ?q a kkni:Qualification } WHERE { ?q a kkni:Qualification }"
    assert {str(t) for t in remote.query(construct)} == {str(t) for t in store.query(construct)}  # type: ignore[union-attr]
    only_ontology = Dataset(default=("https://w3id.org/kkni/graph/ontology",))
    assert rows(remote.query(QUALIFICATIONS, only_ontology)) == [('"0"^^<http://www.w3.org/2001/XMLSchema#integer>',)]


def test_a_malformed_query_is_a_query_error_at_the_users_line(remote: RemoteStore) -> None:
    with pytest.raises(QueryError) as caught:
        remote.query("SELECT ?x WHERE {\n  ?x ?y }")
    assert caught.value.line == 2 and "syntax error" in caught.value.message
    with pytest.raises(QueryError, match="undeclared prefix 'nope'"):
        remote.query("SELECT * WHERE { ?s nope:p ?o }")
    with pytest.raises(QueryError) as caught:  # rewritten for Virtuoso, but reported on the user's text
        remote.query("SELECT (1 / 2 AS ?x) WHERE {\n ?x ?y }")
    assert caught.value.line == 2


def test_an_answer_cut_at_the_row_limit_is_an_error(remote: RemoteStore, loaded: Virtuoso) -> None:
    """Virtuoso stops at ResultSetMaxRows rows and answers 200; we say so instead of returning part of the answer."""
    with pytest.raises(RemoteError, match=f"cut the answer at its limit of {loaded.max_rows} rows.*ResultSetMaxRows"):
        remote.query(f"SELECT ?a ?d WHERE {{ ?a ?b ?c . ?d ?e ?f }} LIMIT {loaded.max_rows + 1}")


# --------------------------------------------------------------------------- kkni validate --store


def test_kkni_validate_store_gives_the_findings_of_validation_in_process(loaded: Virtuoso, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", "--store", loaded.url, "--format", "json", "--fail-on", "warning"])
    out, err = capsys.readouterr()
    assert code == 1, err  # the decree's packaging inconsistencies are warnings
    there = json.loads(out)["findings"]
    here = [f.as_dict() for f in validate_decree().findings]
    assert len(there) == len(here) == 91
    assert sorted(json.dumps(f, sort_keys=True) for f in there) == sorted(json.dumps(f, sort_keys=True) for f in here)


# --------------------------------------------------------------------------- kkni serve --store


@pytest.fixture(scope="module")
def served(loaded: Virtuoso) -> Iterator[TestClient]:
    with TestClient(create_app(EndpointConfig(store_url=loaded.url, workers=1, timeout=60))) as client:
        yield client


def answer(client: TestClient, name: str) -> list[tuple[str, ...]]:
    r = client.get(f"/queries/{name}", headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    return rows(ox.parse_query_results(r.content, format=ox.QueryResultsFormat.JSON))


#: The one named query whose rows differ, and how: a GROUP_CONCAT over a group whose values are all
#: unbound (a unit version no qualification lists) is the empty string on Virtuoso and unbound on Oxigraph.
DIFFERS = {"unit-versions": ("qualifications", '""', "")}


#: Named queries that Virtuoso with its stock ini may refuse before running them, on a cost estimate far off
#: (MaxQueryCostEstimationTime = 400: openlink/virtuoso-opensource#535, #1395), depending on its statistics.
ESTIMATE_REFUSED = {"qualifications", "qualification-unit-table"}


@pytest.mark.parametrize("path", query_files(), ids=lambda p: p.stem)
def test_named_queries_through_kkni_serve_answer_as_on_the_embedded_store(served: TestClient, store: KkniStore, path: Path) -> None:
    r = served.get(f"/queries/{path.stem}", headers={"Accept": "application/sparql-results+json"})
    if r.status_code == 502 and path.stem in ESTIMATE_REFUSED:
        # the store's refusal, named with its words and what to try; never our 500, never a part of the answer
        body = r.json()
        assert body["error"] == "store error" and "estimated execution time" in body["store"]
        assert "MaxQueryCostEstimationTime" in body["hint"]
        return
    there, here = answer(served, path.stem), rows(store.query(path.read_text(encoding="utf-8")))
    assert here, f"{path.name} returned no rows"
    if path.stem in DIFFERS:
        column, virtuoso_value, oxigraph_value = DIFFERS[path.stem]
        r = served.get(f"/queries/{path.stem}", headers={"Accept": "application/sparql-results+json"})
        k = r.json()["head"]["vars"].index(column)
        changed = [row for row in there if row[k] == virtuoso_value]
        assert changed, f"{path.name} no longer differs on Virtuoso: remove it from DIFFERS"
        there = [(*row[:k], oxigraph_value, *row[k + 1 :]) if row[k] == virtuoso_value else row for row in there]
    assert sorted(there) == sorted(here)


def test_the_stock_ini_cuts_answers_below_the_data(loaded: Virtuoso, store: KkniStore) -> None:
    """The tests run Virtuoso as Debian ships it: its ResultSetMaxRows (10,000) is below the quads
    the project serves, so every whole-graph read must be paged (the downloads below are whole)."""
    assert loaded.max_rows == 10_000 < len(store)


def test_pages_and_downloads_come_from_virtuoso(served: TestClient, store: KkniStore) -> None:
    r = served.get("/qualification/kepmenaker-3-2021/N78SPS01-5-asesor", headers={"Accept": "text/html"})
    assert r.status_code == 200 and "M.74SPS03.088.2" in r.text
    r = served.get("/download/kkni.nq")
    assert r.status_code == 200 and len(list(ox.parse(r.content, format=ox.RdfFormat.N_QUADS))) == len(store)
    r = served.get("/level/5", headers={"Accept": "application/n-triples"})
    assert r.status_code == 200
    described = store.query("DESCRIBE <https://w3id.org/kkni/level/5>")
    assert isinstance(described, ox.QueryTriples)
    assert {q.triple for q in ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES)} == set(described)
    r = served.get("/sparql", params={"query": "SELECT ?x WHERE {\n ?x ?y }"})
    assert r.status_code == 400 and r.json()["line"] == 2
    # every download whole, read in pages under the store's limit: what the embedded store's are, blank nodes aside
    embedded = build_downloads(store)
    for name, fmt in (("kkni.nq", ox.RdfFormat.N_QUADS), ("kkni.trig", ox.RdfFormat.TRIG), ("kkni.ttl", ox.RdfFormat.TURTLE)):
        r = served.get(f"/download/{name}")
        assert r.status_code == 200, r.text
        got, want = list(ox.parse(r.content, format=fmt)), list(ox.parse(embedded[name][1], format=fmt))
        assert len(got) == len(want) and (fmt == ox.RdfFormat.TURTLE or len(got) == len(store))
        assert named_only(got) == named_only(want)


DURATION = "http://www.w3.org/2001/XMLSchema#duration"


def named_only(quads: list[ox.Quad]) -> set[str]:
    """The quads without a blank node (a store names blank nodes its own way), as text; an xsd:duration
    as a datatype only (Virtuoso 7.2 keeps "P5Y"^^xsd:duration as "60": months; noted, not ours to fix here)."""
    return {
        str(q)
        if not (isinstance(q.object, ox.Literal) and q.object.datatype.value == DURATION)
        else f"{q.subject} {q.predicate} {DURATION}"
        for q in quads
        if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))
    }


def test_the_stores_own_errors_and_cut_answers_are_named_with_its_words(served: TestClient, loaded: Virtuoso) -> None:
    """Virtuoso's own error (SR353: it sorts no more than its row limit) is a 502 carrying its message;
    an answer it cuts at ResultSetMaxRows is a 502 "store answer cut" saying what to try; never our 500."""
    r = served.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 10 OFFSET 20000"})
    assert r.status_code == 502, r.text
    body = r.json()
    assert body["error"] == "store error" and "SR353" in body["store"] and body["pesan"] and "our fault" not in body["message"]
    r = served.get("/sparql", params={"query": f"SELECT ?a ?d WHERE {{ ?a ?b ?c . ?d ?e ?f }} LIMIT {loaded.max_rows + 1}"})
    assert r.status_code == 502, r.text
    assert r.json()["error"] == "store answer cut" and "ResultSetMaxRows" in r.json()["hint"]


# --------------------------------------------------------------------------- refusals and credentials


def load(virtuoso: Virtuoso, *extra: str) -> int:
    return main(["load", "--into", virtuoso.url, *extra])


def test_a_refused_write_says_why(loaded: Virtuoso, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv(USER_VARIABLE, raising=False)
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)
    # no credentials
    assert load(loaded) == 2
    err = capsys.readouterr().err
    assert "HTTP 401" in err and "--user" in err and PASSWORD_VARIABLE in err and "Traceback" not in err
    # a wrong password
    monkeypatch.setenv(PASSWORD_VARIABLE, "not-the-password")
    assert load(loaded, "--user", loaded.loader[0]) == 2
    err = capsys.readouterr().err
    assert "HTTP 401" in err and "did not accept the user name and password" in err and "Traceback" not in err
    # a user who may read but not write: Virtuoso's own message, and what to do
    monkeypatch.setenv(PASSWORD_VARIABLE, loaded.reader[1])
    assert load(loaded, "--user", loaded.reader[0]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kkni: error: loading ") and "HTTP 403" in err and "Permission denied" in err
    assert "GRANT SPARQL_UPDATE" in err and "Traceback" not in err and err[-1] == "\n" and err.count("\n") == 1


def test_the_password_is_never_on_the_command_line(
    loaded: Virtuoso, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(PASSWORD_VARIABLE, raising=False)
    monkeypatch.delenv(USER_VARIABLE, raising=False)
    assert load(loaded, "--user", loaded.loader[0]) == 2
    assert PASSWORD_VARIABLE in capsys.readouterr().err
    user, password = loaded.loader
    with_password = loaded.url.replace("http://", f"http://{user}:{password}@")
    for argv in (["load", "--into", with_password], ["validate", "--store", with_password]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "do not put a password in the store's address" in err and password not in err
    # the user may come from the environment too (as `kkni serve --store` passes it to its query workers)
    monkeypatch.setenv(USER_VARIABLE, user)
    monkeypatch.setenv(PASSWORD_VARIABLE, password)
    assert load(loaded) == 0
    capsys.readouterr()
