"""The endpoint's plain functions: negotiation, the safety check, the named-query headers, the cache."""

from __future__ import annotations

from dataclasses import replace

import pyoxigraph as ox
import pytest

from kkni_rdf.endpoint.cache import AnswerCache
from kkni_rdf.endpoint.execute import Job, serialise
from kkni_rdf.endpoint.named import parse_named_query
from kkni_rdf.endpoint.protocol import accepts_html, negotiate
from kkni_rdf.endpoint.service import EndpointConfig
from kkni_rdf.formats import GRAPH_FORMATS, RESULT_FORMATS, format_key, results_format
from kkni_rdf.store.embedded import KkniStore
from kkni_rdf.store.guard import Refused

DEFAULTS = EndpointConfig()  # the endpoint's defaults, stated once there

GRAPHS = ["https://w3id.org/kkni/graph/ontology", "https://w3id.org/kkni/graph/kepmenaker-3-2021"]


@pytest.mark.parametrize(
    ("accept", "results", "graph"),
    [
        (None, "json", "turtle"),
        ("", "json", "turtle"),
        ("*/*", "json", "turtle"),
        ("text/csv", "csv", None),
        ("text/tab-separated-values", "tsv", None),
        ("application/sparql-results+xml", "xml", None),
        ("application/json", "json", "jsonld"),
        ("application/xml", "xml", "rdfxml"),
        ("text/*", "csv", "turtle"),
        ("text/csv;q=0.5, application/sparql-results+json", "json", None),
        ("application/n-triples, text/turtle;q=0.9", None, "ntriples"),
        ("text/turtle;q=0, */*;q=0.1", "json", "ntriples"),
        ("image/png", None, None),
    ],
)
def test_negotiate(accept: str | None, results: str | None, graph: str | None) -> None:
    assert negotiate(accept, RESULT_FORMATS) == results
    assert negotiate(accept, GRAPH_FORMATS) == graph


def test_format_parameter_names_and_media_types() -> None:
    assert format_key("csv", RESULT_FORMATS) == "csv"
    assert format_key("text/turtle", GRAPH_FORMATS) == "turtle"
    assert format_key("json", GRAPH_FORMATS) == "jsonld"
    assert format_key("ttl", RESULT_FORMATS) is None
    assert format_key("nonsense", GRAPH_FORMATS) is None


def test_accepts_html_only_when_the_browser_prefers_it() -> None:
    assert accepts_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert not accepts_html("text/turtle")
    assert not accepts_html("*/*")
    assert not accepts_html(None)
    assert not accepts_html("text/turtle, text/html;q=0.5")


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <http://example.org/> { ?s ?p ?o } }",
        "SELECT * WHERE { ?x ?y ?z SERVICE ?endpoint { ?s ?p ?o } }",
        "SELECT * WHERE { { SELECT * WHERE { OPTIONAL { SERVICE <http://a/> { ?s ?p ?o } } } } }",
        "ASK { FILTER EXISTS { SERVICE <http://a/> { ?s ?p ?o } } }",
        "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://a/> { ?s ?p ?o } }",
        # SPARQL 1.2 syntax rdflib cannot read: the conservative screen still refuses SERVICE
        "SELECT * WHERE { ?s ?p <<( ?a ?b ?c )>> SERVICE <http://a/> { ?s ?p ?o } }",
    ],
)
def test_service_is_refused(store: KkniStore, query: str) -> None:
    with pytest.raises(Refused) as info:
        store.query(query)
    assert info.value.status == 400
    assert info.value.error == "service refused"


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://a/s> <http://a/p> <http://a/o> }",
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "CLEAR ALL",
        "DELETE WHERE { ?s ?p ?o }",
        "DROP GRAPH <http://a/>",
    ],
)
def test_updates_are_refused_403(store: KkniStore, update: str) -> None:
    with pytest.raises(Refused) as info:
        store.query(update)
    assert info.value.status == 403


def test_dataset_clauses_may_only_name_graphs_the_store_holds(store: KkniStore) -> None:
    store.query("PREFIX g: <https://w3id.org/kkni/graph/> SELECT * FROM g:ontology FROM NAMED g:kepmenaker-3-2021 WHERE { ?s ?p ?o }")
    with pytest.raises(Refused) as info:
        store.query("SELECT * FROM <http://127.0.0.1:9/remote.ttl> WHERE { ?s ?p ?o }")
    assert info.value.as_dict()["unknown"] == ["http://127.0.0.1:9/remote.ttl"]


def test_named_query_header() -> None:
    text = (
        "# title: A title\n# question: What is asked,\n#   continued here?\n# variables:\n"
        "#   ?a  the first\n#   ?b  the second,\n#       wrapped\n# example: kkni query x.rq\nSELECT ?a ?b WHERE { ?a ?p ?b }\n"
    )
    q = parse_named_query("x", text)
    assert q.title == "A title"
    assert q.question == "What is asked, continued here?"
    assert q.variables == {"a": "the first", "b": "the second, wrapped"}
    assert q.example == "kkni query x.rq"
    assert parse_named_query("bare", "SELECT * {}").title == "bare"


def test_cache_is_bounded_lru() -> None:
    cache: AnswerCache[str] = AnswerCache(max_entries=2, max_bytes=1000)
    cache.put("a", "A", 10)
    cache.put("b", "B", 10)
    assert cache.get("a") == "A"  # a is now the most recent
    cache.put("c", "C", 10)
    assert cache.get("b") is None
    assert cache.get("a") == "A" and cache.get("c") == "C"
    cache.put("huge", "H", 600)  # more than a quarter of the budget: not kept
    assert cache.get("huge") is None


TRICKY = ['a "quoted, with commas"\r\nand lines', '<result> },{"', "plain"]  # what could fool a count of rows


@pytest.mark.parametrize("key", ["json", "xml", "csv", "tsv"])
def test_solution_cap_is_exact_in_every_format(key: str) -> None:
    store = ox.Store()
    for i, text in enumerate(TRICKY):
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/{i}"), ox.NamedNode("http://example.org/p"), ox.Literal(text)))
    query = "SELECT ?s ?o WHERE { ?s ?p ?o }"
    for cap, status in ((len(TRICKY), 200), (len(TRICKY) - 1, 422)):
        outcome = serialise(store.query(query), Job(query, key, None), replace(DEFAULTS.limits, max_results=cap), {})
        assert outcome.status == status, (cap, outcome.body)
    answered = serialise(store.query(query), Job(query, key, None), replace(DEFAULTS.limits, max_results=len(TRICKY)), {})
    if key != "csv":  # CSV is lossy: Oxigraph cannot read it back
        solutions = ox.parse_query_results(answered.body, format=results_format(key))
        assert isinstance(solutions, ox.QuerySolutions)
        assert len(list(solutions)) == len(TRICKY)


@pytest.mark.parametrize("key", ["json", "xml", "csv", "tsv"])
def test_solution_cap_holds_for_the_smallest_solutions(key: str) -> None:
    """Solutions with no bindings are the shortest an answer can hold: the byte bound that lets
    short answers skip the count (execute._MIN_SOLUTION_BYTES) must still count these."""
    store = ox.Store()
    query = "SELECT * WHERE { VALUES ?x { UNDEF UNDEF UNDEF UNDEF } }"
    for cap, status in ((4, 200), (3, 422), (1, 422)):
        outcome = serialise(store.query(query), Job(query, key, None), replace(DEFAULTS.limits, max_results=cap), {})
        assert outcome.status == status, (cap, outcome.body)
