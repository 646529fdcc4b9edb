"""Careless and hostile input over HTTP (issue 11, items 4–7, 9–12): a clear JSON answer, never a
crash, a 500 or a dropped connection."""

from __future__ import annotations

import json
import urllib.parse

import pyoxigraph as ox
import pytest

from tests.endpoint.conftest import TRIVIAL, Server, json_status

pytestmark = pytest.mark.e2e

SPARQL = {"Content-Type": "application/sparql-query"}


def nested(depth: int) -> str:
    return "SELECT * WHERE " + "{ " * depth + "?s ?p ?o" + " }" * depth


def test_deeply_nested_query_is_refused_before_parsing(limited_server: Server) -> None:  # item 4
    status, _, body = limited_server.request("POST", "/sparql", nested(3000).encode(), SPARQL)
    answer = json.loads(body)
    assert status == 400, answer
    assert answer["error"] == "too deeply nested"
    assert answer["line"] == 1 and isinstance(answer["column"], int)
    # the worker is alive: no crash, nothing replaced
    assert limited_server.health()["alive"] == 2
    # brackets inside strings, IRIs and comments do not count
    text = 'ASK { ?s ?p ?o FILTER(?o != "' + "{" * 500 + '") } # ' + "(" * 500
    status, _, answer_body = limited_server.request("POST", "/sparql", text.encode(), SPARQL)
    assert status == 200, answer_body


@pytest.mark.parametrize("charset", ["undefined", "punycode", "rot13", "no-such-charset"])
def test_unusable_charset_is_415(limited_server: Server, charset: str) -> None:  # item 5
    status, _, body = limited_server.request("POST", "/sparql", b"ASK {}", {"Content-Type": f"application/sparql-query; charset={charset}"})
    answer = json.loads(body)
    assert status == 415 and answer["error"] == "unsupported charset"


def test_triple_term_as_json_ld_is_406(limited_server: Server) -> None:  # item 6
    query = "CONSTRUCT { <http://a/s> <http://a/p> <<( <http://a/s> <http://a/p> <http://a/o> )>> } WHERE {}"
    status, _, body = limited_server.request("POST", "/sparql", query.encode(), {**SPARQL, "Accept": "application/ld+json"})
    answer = json.loads(body)
    assert status == 406, answer
    assert "text/turtle" in answer["available"] and "application/ld+json" not in answer["available"]
    status, _, body = limited_server.request("POST", "/sparql", query.encode(), {**SPARQL, "Accept": "text/turtle"})
    assert status == 200
    (quad,) = ox.parse(body, format=ox.RdfFormat.TURTLE)
    assert isinstance(quad.object, ox.Triple)


@pytest.mark.parametrize(("size", "expected"), [(300_000, 413), (1_500_000, 414), (20_000_000, 414)])
def test_long_query_string_gets_json(limited_server: Server, size: int, expected: int) -> None:  # item 7
    query = urllib.parse.quote("ASK {} #") + "a" * size
    answer = limited_server.raw(f"GET /sparql?query={query} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    status, body = json_status(answer)
    assert status == expected, body
    assert body["limit"]


def test_long_header_gets_json_431(limited_server: Server) -> None:
    answer = limited_server.raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 2_000_000 + b"\r\n\r\n")
    status, _body = json_status(answer)
    assert status == 431


@pytest.mark.parametrize(
    "query",
    [
        # FROM with SPARQL 1.2 syntax rdflib cannot read
        "SELECT * FROM <http://127.0.0.1:9/remote.ttl> WHERE { ?s ?p ?o LATERAL { SELECT ?x WHERE { ?x ?y ?z } LIMIT 1 } }",
        # FROM NAMED in a query nested 60 deep
        "SELECT * FROM NAMED <http://127.0.0.1:9/g> WHERE " + "{ " * 60 + "?s ?p ?o" + " }" * 60,
        # a prefixed name and a relative IRI under BASE
        "PREFIX r: <http://127.0.0.1:9/> SELECT * FROM r:x WHERE { ?s ?p ?o }",
        "BASE <http://127.0.0.1:9/> SELECT * FROM <x> WHERE { ?s ?p ?o }",
    ],
)
def test_unknown_graphs_are_refused_whoever_parses(limited_server: Server, query: str) -> None:  # item 9
    status, _, body = limited_server.request("POST", "/sparql", query.encode(), SPARQL)
    answer = json.loads(body)
    assert status == 400, answer
    assert answer["error"] == "unknown graph"


def test_query_given_twice_is_400(limited_server: Server) -> None:  # item 10
    path = "/sparql?query=" + urllib.parse.quote("ASK {}") + "&query=" + urllib.parse.quote(TRIVIAL)
    status, _, body = limited_server.request("GET", path)
    assert status == 400 and json.loads(body)["error"] == "query given twice"
    form = urllib.parse.urlencode([("query", "ASK {}"), ("query", TRIVIAL)]).encode()
    status, _, body = limited_server.request("POST", "/sparql", form, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and json.loads(body)["error"] == "query given twice"


@pytest.mark.parametrize("path", ["/.well-known/void", "/sparql"])
def test_descriptions_do_not_echo_the_host_header(limited_server: Server, path: str) -> None:  # item 11
    status, _, body = limited_server.request("GET", path, headers={"Host": "attacker.example", "Accept": "text/turtle"})
    assert status == 200
    assert b"attacker.example" not in body
    assert f"127.0.0.1:{limited_server.port}".encode() in body


def test_a_line_break_in_the_path_cannot_forge_a_log_record(limited_server: Server) -> None:  # item 12
    answer = limited_server.raw(b"GET /x%0A2026-01-01%20INFO%20kkni.endpoint:%20forged HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    status, _ = json_status(answer)
    assert status == 404
    limited_server.health()  # one more request, so that the previous one is surely logged
    lines = limited_server.log.read_text(errors="replace").splitlines()
    assert not any(line.startswith("2026-01-01 INFO kkni.endpoint: forged") for line in lines)
    assert any("forged" in line and "%0A" in line for line in lines)


def test_a_query_string_over_64_kib_is_read_whole(limited_server: Server) -> None:
    """httptools' URL parser stops at 64 KiB; the server splits longer request targets itself.
    The query's only pattern comes after 100 kB of comment: cut anywhere, it would not be this answer."""
    query = urllib.parse.quote("#" + "a" * 100_000 + "\nASK { FILTER(false) }")
    answer = limited_server.raw(
        f"GET /sparql?query={query} HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\nConnection: close\r\n\r\n".encode()
    )
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 "), answer[:300]
    assert json.loads(body)["boolean"] is False


def test_a_client_that_half_closes_still_gets_its_answer(limited_server: Server) -> None:
    """The request whole, then the client's end of the connection shut (raw() does): the query is still evaluated and answered."""
    body = b"ASK { ?l a kkni:Level }"
    head = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nAccept: application/sparql-results+json\r\n"
    answer = limited_server.raw(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
    head_back, _, answer_body = answer.partition(b"\r\n\r\n")
    assert head_back.startswith(b"HTTP/1.1 200 "), answer[:300]
    assert json.loads(answer_body)["boolean"] is True
