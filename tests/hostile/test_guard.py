"""The one guard and the depth limits as plain functions: what counts as a keyword, a nesting, a graph."""

from __future__ import annotations

import pytest

from kkni_rdf.limits import MAX_DEPTH, TooDeep, check_depth, json_depth, rdf_depth, xml_depth
from kkni_rdf.store.guard import Refused, analyse, check_query

GRAPHS = ["https://w3id.org/kkni/graph/ontology"]


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { sErViCe <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",  # escapes decoded and screened
        "SELECT * WHERE { <http://a/(#> <http://a/p> ?o SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",  # '#' inside an IRI
        "PREFIX ex: <http://a/> SELECT * WHERE { ex:a\\#b ?p ?o SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",  # escaped '#'
        "SELECT * WHERE { ?s ?p <<( ?a ?b ?c )>> LATERAL { SERVICE <http://a/> { ?s ?p ?o } } }",
        "SELECT * WHERE { ?s ?p ?o # c\rSERVICE <http://127.0.0.1:9/> { ?a ?b ?c }\n}",  # a comment ends at CR too
    ],
)
def test_service_keyword_is_found_wherever_it_hides(query: str) -> None:
    with pytest.raises(Refused) as info:
        analyse(query)
    assert info.value.error == "service refused"


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ?service WHERE { ?service ?p "SERVICE" } # SERVICE',
        "PREFIX service: <http://a/> SELECT * WHERE { service:x <http://a/service> ?o }",
        "SELECT * WHERE { ?s ?p '''a SERVICE\nb''' }",
    ],
)
def test_the_word_elsewhere_is_not_the_keyword(query: str) -> None:
    assert analyse(query).form == "select"


def test_dataset_resolved_like_the_engine_does() -> None:
    shape = analyse(
        "BASE <https://w3id.org/kkni/graph/> PREFIX g: <https://w3id.org/kkni/graph/> SELECT * FROM <ontology> FROM NAMED g:x { }"
    )
    assert shape.default_graphs == ("https://w3id.org/kkni/graph/ontology",)
    assert shape.named_graphs == ("https://w3id.org/kkni/graph/x",)
    with pytest.raises(Refused) as info:
        check_query("SELECT * FROM NAMED <https://w3id.org/kkni/graph/x> { }", GRAPHS)
    assert info.value.as_dict()["unknown"] == ["https://w3id.org/kkni/graph/x"]


def test_too_deep_says_where() -> None:
    with pytest.raises(Refused) as info:
        analyse("SELECT *\nWHERE " + "{ " * (MAX_DEPTH + 1) + "}" * (MAX_DEPTH + 1))
    assert info.value.status == 400 and info.value.extra["line"] == 2
    # escaped brackets count too
    with pytest.raises(Refused):
        analyse("SELECT * WHERE " + "\\u007B " * 300)
    # brackets in IRIs never hide nesting, and balanced ones cost nothing
    analyse("SELECT * WHERE { <http://a/(b)> ?p ?o }")


def test_data_depth_limits() -> None:
    with pytest.raises(TooDeep) as info:
        xml_depth(b"<?xml version='1.0'?>\n" + b"<a>" * 200 + b"</a>" * 200)
    assert info.value.line == 2 and info.value.kind == "RDF/XML"
    with pytest.raises(TooDeep):
        check_depth(b"<a>" * 200 + b"</a>" * 200, "RDF_XML")
    with pytest.raises(TooDeep):
        json_depth("[" * 200 + "]" * 200)
    json_depth('["' + "[" * 500 + '"]')  # inside a string: no nesting
    with pytest.raises(TooDeep):
        rdf_depth("<http://a/s> <http://a/p> " + "( " * 200 + ") " * 200 + ".", "Turtle")
    check_depth(b'<http://a/s> <http://a/p> "' + b"[" * 500 + b'" .', "TURTLE")
