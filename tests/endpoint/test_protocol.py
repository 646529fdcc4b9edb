"""The SPARQL 1.1 Protocol at /sparql: methods, parameters, formats, errors and the safety rules."""

from __future__ import annotations

import csv
import io
import json
import logging
import time
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from kkni_rdf.store.embedded import KkniStore
from kkni_rdf.store.protocol import construct, select

ONTOLOGY_GRAPH = "https://w3id.org/kkni/graph/ontology"
DECREE_GRAPH = "https://w3id.org/kkni/graph/kepmenaker-3-2021"
LEVELS = "SELECT ?level ?n WHERE { ?level kkni:levelNumber ?n } ORDER BY ?n"
LEVEL_5 = "DESCRIBE <https://w3id.org/kkni/level/5>"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def expected_levels(store: KkniStore) -> list[str]:
    return [s["level"].value for s in select(store, LEVELS)]


def test_get_select_defaults_to_sparql_json(client: TestClient, store: KkniStore) -> None:
    r = client.get("/sparql", params={"query": LEVELS})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/sparql-results+json; charset=utf-8"
    rows = r.json()["results"]["bindings"]
    assert [b["level"]["value"] for b in rows] == expected_levels(store)
    assert len(rows) == 9  # the nine KKNI levels


@pytest.mark.parametrize(
    ("accept", "media", "fmt"),
    [
        ("application/sparql-results+json", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
        ("application/sparql-results+xml", "application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/tab-separated-values", "text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ],
)
def test_select_formats_by_accept(client: TestClient, store: KkniStore, accept: str, media: str, fmt: ox.QueryResultsFormat) -> None:
    r = client.get("/sparql", params={"query": LEVELS}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(media)
    parsed = ox.parse_query_results(r.content, format=fmt)
    assert isinstance(parsed, ox.QuerySolutions)
    assert [s["level"].value for s in parsed] == expected_levels(store)


def test_select_csv(client: TestClient, store: KkniStore) -> None:
    r = client.get("/sparql", params={"query": LEVELS}, headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["level"] for row in rows] == expected_levels(store)


@pytest.mark.parametrize(
    ("name", "media"),
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ],
)
def test_select_format_parameter_overrides_accept(client: TestClient, name: str, media: str) -> None:
    r = client.get("/sparql", params={"query": LEVELS, "format": name}, headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(media)


def test_ask_formats(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "ASK { ?q a kkni:Qualification }"})
    assert r.json() == {"head": {}, "boolean": True}
    r = client.get("/sparql", params={"query": "ASK { ?q a kkni:NoSuchClass }", "format": "xml"})
    assert bool(ox.parse_query_results(r.content, format=ox.QueryResultsFormat.XML)) is False


GRAPH_CASES = [
    (None, "text/turtle", ox.RdfFormat.TURTLE),
    ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/n-quads", "application/n-quads", ox.RdfFormat.N_QUADS),
    ("application/trig", "application/trig", ox.RdfFormat.TRIG),
    ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
]


@pytest.mark.parametrize(("accept", "media", "fmt"), GRAPH_CASES)
def test_describe_formats_by_accept(client: TestClient, store: KkniStore, accept: str | None, media: str, fmt: ox.RdfFormat) -> None:
    headers = {"Accept": accept} if accept else {}
    r = client.get("/sparql", params={"query": LEVEL_5}, headers=headers)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(media)
    got = {q.triple for q in ox.parse(r.content, format=fmt)}
    assert got == set(construct(store, LEVEL_5))


FORMAT_NAMES = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_construct_format_parameter(client: TestClient, name: str) -> None:
    query = "CONSTRUCT { ?l a kkni:Level } WHERE { ?l a kkni:Level }"
    r = client.post("/sparql", data={"query": query, "format": name})
    assert r.status_code == 200
    fmt = ox.RdfFormat.from_media_type(r.headers["content-type"].split(";")[0])
    assert fmt == FORMAT_NAMES[name]
    assert len({q.triple for q in ox.parse(r.content, format=fmt)}) == 9  # the nine levels


def test_post_sparql_query_body_with_charset(client: TestClient, store: KkniStore) -> None:
    r = client.post("/sparql", content=LEVELS.encode("utf-8"), headers={"Content-Type": "application/sparql-query; charset=UTF-8"})
    assert r.status_code == 200
    assert [b["level"]["value"] for b in r.json()["results"]["bindings"]] == expected_levels(store)
    latin = 'SELECT ?x WHERE { BIND ("café" AS ?x) }'
    r = client.post("/sparql", content=latin.encode("latin-1"), headers={"Content-Type": "application/sparql-query; charset=ISO-8859-1"})
    assert r.json()["results"]["bindings"][0]["x"]["value"] == "café"


def test_post_form(client: TestClient, store: KkniStore) -> None:
    r = client.post("/sparql", data={"query": LEVELS}, headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert [row["level"] for row in csv.DictReader(io.StringIO(r.text))] == expected_levels(store)


def count(client: TestClient, query: str, **params: object) -> int:
    r = client.get("/sparql", params={"query": query, **params})
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_default_and_named_graph_uri(client: TestClient, store: KkniStore) -> None:
    in_ontology = len(list(store.named.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH))))
    everything = count(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert count(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{"default-graph-uri": ONTOLOGY_GRAPH}) == in_ontology < everything
    # the protocol's dataset: named-graph-uri alone leaves an empty default graph and one graph for GRAPH
    q = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(client, q, **{"named-graph-uri": ONTOLOGY_GRAPH}) == 1
    r = client.post("/sparql", data={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "default-graph-uri": ONTOLOGY_GRAPH})
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == in_ontology


def test_from_clause_uses_the_stores_graph(client: TestClient, store: KkniStore) -> None:
    in_ontology = len(list(store.named.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH))))
    assert count(client, f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY_GRAPH}> WHERE {{ ?s ?p ?o }}") == in_ontology


@pytest.mark.parametrize(
    "params",
    [
        {"query": "SELECT * FROM <http://127.0.0.1:9/remote.ttl> WHERE { ?s ?p ?o }"},
        {"query": "SELECT * FROM NAMED <http://127.0.0.1:9/remote.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }"},
        {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": "http://127.0.0.1:9/remote.ttl"},
        {"query": "SELECT * WHERE { ?s ?p ?o }", "named-graph-uri": "http://127.0.0.1:9/remote.ttl"},
    ],
)
def test_graphs_the_store_does_not_hold_are_refused(client: TestClient, params: dict[str, str]) -> None:
    r = client.get("/sparql", params=params)
    assert r.status_code == 400
    body = r.json()
    assert body["error"] == "unknown graph"
    assert body["unknown"] == ["http://127.0.0.1:9/remote.ttl"]
    assert ONTOLOGY_GRAPH in body["known"]


def test_service_refused_with_400(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"})
    assert r.status_code == 400
    assert r.json()["error"] == "service refused"
    assert "SERVICE" in r.json()["message"] and r.json()["pesan"]


def test_malformed_query_400_with_line_and_column(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT ?s\nWHERE { ?s ?p ?o "})
    assert r.status_code == 400
    body = r.json()
    assert body["error"] == "malformed query"
    assert (body["line"], body["column"]) == (2, 18)  # the end of the text, where a } is missing
    assert "Traceback" not in r.text


def test_undeclared_prefix_is_named(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s nope:p ?o }"})
    assert r.status_code == 400
    assert "prefix" in r.json()["message"] and r.json()["line"] == 1


@pytest.mark.parametrize(
    ("request_args", "status", "error"),
    [
        ({"method": "GET", "url": "/sparql", "params": {"query": LEVELS}, "headers": {"Accept": "image/png"}}, 406, "not acceptable"),
        ({"method": "GET", "url": "/sparql", "params": {"query": LEVELS}, "headers": {"Accept": "text/turtle"}}, 406, "not acceptable"),
        ({"method": "GET", "url": "/sparql", "params": {"query": LEVEL_5, "format": "csv"}}, 406, "not acceptable"),
        ({"method": "GET", "url": "/sparql", "params": {"query": LEVELS, "format": "yaml"}}, 400, "unknown format"),
        ({"method": "POST", "url": "/sparql", "content": LEVELS, "headers": {"Content-Type": "text/plain"}}, 415, "unsupported media type"),
        ({"method": "POST", "url": "/sparql", "content": LEVELS}, 415, "unsupported media type"),
        (
            {
                "method": "POST",
                "url": "/sparql",
                "content": LEVELS,
                "headers": {"Content-Type": "application/sparql-query; charset=klingon"},
            },
            415,
            "unsupported charset",
        ),
        (
            {
                "method": "POST",
                "url": "/sparql",
                "content": b"SELECT * { ?s ?p \xff }",
                "headers": {"Content-Type": "application/sparql-query"},
            },
            400,
            "bad encoding",
        ),
        ({"method": "POST", "url": "/sparql", "data": {"format": "json"}}, 400, "missing query"),
        ({"method": "GET", "url": "/sparql", "params": {"query": "  "}}, 400, "missing query"),
        ({"method": "GET", "url": "/sparql", "params": {"update": "CLEAR ALL"}}, 403, "update refused"),
        ({"method": "GET", "url": "/sparql", "params": {"query": "DELETE WHERE { ?s ?p ?o }"}}, 403, "update refused"),
        ({"method": "POST", "url": "/sparql", "data": {"update": "CLEAR ALL"}}, 403, "update refused"),
        (
            {"method": "POST", "url": "/sparql", "content": "CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}},
            403,
            "update refused",
        ),
        (
            {
                "method": "POST",
                "url": "/sparql",
                "content": "LOAD <http://127.0.0.1:9/x.ttl>",
                "headers": {"Content-Type": "application/sparql-query"},
            },
            403,
            "update refused",
        ),
    ],
)
def test_client_errors(client: TestClient, request_args: dict[str, Any], status: int, error: str) -> None:
    r = client.request(**request_args)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["error"] == error
    assert r.json()["message"]


def test_oversized_bodies_and_queries_get_413(capped: TestClient) -> None:
    long_query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 3000
    r = capped.post("/sparql", content=long_query, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413 and r.json()["error"] == "request too large"
    r = capped.post("/sparql", data={"query": long_query})
    assert r.status_code == 413
    r = capped.get("/sparql", params={"query": long_query})
    assert r.status_code == 413


def test_nothing_changes_the_store(client: TestClient) -> None:
    before = count(client, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    for update in ["CLEAR ALL", "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }", "DROP ALL"]:
        client.post("/sparql", content=update, headers={"Content-Type": "application/sparql-update"})
        client.post("/sparql", data={"update": update})
        client.get("/sparql", params={"query": update})
    # a different text, so not an answer from the cache
    assert count(client, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o . } }") == before


def test_result_caps_give_an_explicit_error_never_a_truncated_200(capped: TestClient) -> None:
    r = capped.get("/sparql", params={"query": "SELECT ?l WHERE { ?l a kkni:Level }"})  # 9 > 5 solutions
    assert r.status_code == 422
    assert r.json()["error"] == "result too large" and r.json()["limit"] == 5 and r.json()["unit"] == "solutions"
    r = capped.get("/sparql", params={"query": "CONSTRUCT { ?l a kkni:Level } WHERE { ?l a kkni:Level }"})
    assert r.status_code == 422 and r.json()["unit"] == "triples"
    r = capped.get("/sparql", params={"query": "SELECT ?l WHERE { ?l a kkni:Level } LIMIT 5"})  # at the cap: answered whole
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 5


def test_byte_cap(capped: TestClient) -> None:
    r = capped.get("/sparql", params={"query": "SELECT (GROUP_CONCAT(?t) AS ?all) WHERE { ?u kkni:printedTitle ?t }"})  # one long row
    assert r.status_code == 422
    assert r.json()["unit"] == "bytes" and r.json()["limit"] == 20_000


def test_runaway_query_is_stopped_at_the_deadline_and_the_worker_replaced(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": RUNAWAY})
    assert r.status_code == 504
    assert r.json()["error"] == "query timeout"
    assert client.get("/healthz").status_code == 200
    assert client.get("/sparql", params={"query": LEVELS + " "}).status_code == 200
    for _ in range(300):  # wait for the replacement worker (bounded; no timing is asserted)
        health = client.get("/healthz").json()
        if health["alive"] == health["workers"] == health["idle"]:
            break
        time.sleep(0.1)
    assert health["alive"] == 2


def test_service_description(client: TestClient, store: KkniStore) -> None:
    r = client.get("/sparql")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    services = [t.subject for t in triples if t.predicate.value.endswith("#type") and t.object == ox.NamedNode(sd + "Service")]
    assert services == [ox.NamedNode("http://testserver/sparql")]
    names = {t.object.value for t in triples if t.predicate == ox.NamedNode(sd + "name")}
    assert names == set(store.graphs())
    formats = {t.object.value for t in triples if t.predicate == ox.NamedNode(sd + "resultFormat")}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats and "http://www.w3.org/ns/formats/JSON-LD" in formats
    # no claim of federation: SERVICE is refused
    assert not any(t.object == ox.NamedNode(sd + "BasicFederatedQuery") for t in triples)
    r = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert r.status_code == 200 and json.loads(r.text)


def test_void_and_its_downloads(client: TestClient) -> None:
    r = client.get("/.well-known/void")
    assert r.status_code == 200
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    dumps = [t.object.value for t in triples if t.predicate.value == "http://rdfs.org/ns/void#dataDump"]
    assert {d.rsplit("/", 1)[1] for d in dumps} == {"kkni.ttl", "kkni.nt", "kkni.jsonld", "kkni.rdf", "kkni.nq", "kkni.trig"}
    for d in dumps:
        assert client.get(d.replace("http://testserver", "")).status_code == 200
    endpoint = [t.object.value for t in triples if t.predicate.value == "http://rdfs.org/ns/void#sparqlEndpoint"]
    assert endpoint == ["http://testserver/sparql"]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("kkni.ttl", ox.RdfFormat.TURTLE),
        ("kkni.nt", ox.RdfFormat.N_TRIPLES),
        ("kkni.rdf", ox.RdfFormat.RDF_XML),
    ],
)
def test_triple_downloads_hold_the_whole_graph(client: TestClient, store: KkniStore, name: str, fmt: ox.RdfFormat) -> None:
    r = client.get(f"/download/{name}")
    assert r.status_code == 200 and r.headers["content-type"].startswith(fmt.media_type)
    got = list(ox.parse(r.content, format=fmt))
    # every named graph's triples (the default graph also holds what the store derives: store/derived.py)
    named = (q for q in store.named if not isinstance(q.graph_name, ox.DefaultGraph))
    distinct = {q.triple for q in named if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))}
    assert {q.triple for q in got if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))} == distinct


@pytest.mark.parametrize(
    ("name", "fmt"), [("kkni.nq", ox.RdfFormat.N_QUADS), ("kkni.trig", ox.RdfFormat.TRIG), ("kkni.jsonld", ox.RdfFormat.JSON_LD)]
)
def test_quad_downloads_keep_the_named_graphs(client: TestClient, store: KkniStore, name: str, fmt: ox.RdfFormat) -> None:
    got = list(ox.parse(client.get(f"/download/{name}").content, format=fmt))
    assert len(got) == len(store)
    assert {q.graph_name.value for q in got} == set(store.graphs())
    assert client.get("/download/kkni.zip").status_code == 404


def test_cors(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": LEVELS}, headers={"Origin": "https://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"
    r = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert r.status_code == 200
    assert "POST" in r.headers["access-control-allow-methods"]


def test_healthz(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json()["status"] == "ok" and r.json()["workers"] == 2


def test_requests_are_logged_without_query_text(client: TestClient, capped: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    secret = "SELECT ?marker_4711 WHERE { ?marker_4711 a kkni:Level }"
    with caplog.at_level(logging.INFO, logger="kkni.endpoint"):
        client.get("/sparql", params={"query": secret})
    assert any("/sparql" in m for m in caplog.messages)
    assert not any("marker_4711" in m for m in caplog.messages)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="kkni.endpoint"):
        capped.get("/sparql", params={"query": secret})  # this app has --log-queries
    assert any("marker_4711" in m for m in caplog.messages)


def test_openapi_describes_every_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for route in [
        "/",
        "/sparql",
        "/queries",
        "/queries/{name}",
        "/.well-known/void",
        "/healthz",
        "/download/{filename}",
        "/ontology",
        "/{path}",
    ]:
        assert route in paths, route
    get_params = {p["name"] for p in paths["/sparql"]["get"]["parameters"]}
    assert {"query", "default-graph-uri", "named-graph-uri", "format", "accept"} <= get_params
    post_body = paths["/sparql"]["post"]["requestBody"]["content"]
    assert set(post_body) == {"application/sparql-query", "application/x-www-form-urlencoded"}
    media = set(paths["/sparql"]["get"]["responses"]["200"]["content"])
    assert {"application/sparql-results+json", "text/csv", "text/turtle", "application/ld+json"} <= media
    assert {"400", "403", "406", "413", "415", "422", "503", "504"} <= set(paths["/sparql"]["post"]["responses"])
