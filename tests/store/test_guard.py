"""The one guard and the depth limits as plain functions: SERVICE wherever it could be read, what may read
named graphs, the dataset a query names, updates, nesting."""

from __future__ import annotations

import pytest

from kkni_rdf.limits import MAX_DEPTH, TooDeep, check_depth, json_depth, rdf_depth, xml_depth
from kkni_rdf.store.guard import Refused, analyse, check_graphs, is_update

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
        # '<' read as less-than, '#>' hiding the keyword from a scan that took '<…>' for an IRI
        "SELECT * WHERE { ?s ?p ?o FILTER(STR(?s)<STR(?o))SERVICE#>\nSILENT <http://127.0.0.1:9/> { ?a ?b ?c } }",
        "SELECT * WHERE { ?s ?p 1SERVICE <http://127.0.0.1:9/> { } }",  # a number does not end a keyword's left edge
        "SELECT * WHERE { \u017fervice <http://127.0.0.1:9/> { } }",  # LATIN SMALL LETTER LONG S: 'S' to Java's toUpperCase
        'SELECT * WHERE { ?s ?p "a\\" SERVICE <http://127.0.0.1:9/> { } " }',  # for a lexer that knows no escapes
        "SELECT * WHERE { ?s a <http://example.org/Service> }",  # an IRI's '<' may be less-than
    ],
)
def test_service_is_refused_wherever_it_could_be_read(query: str) -> None:
    with pytest.raises(Refused) as info:
        analyse(query)
    assert info.value.error == "service refused"
    assert "inside a string or a comment it is fine" in info.value.message


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?service WHERE { ?service ?p $SERVICE }",
        "PREFIX service: <http://a/service/> SELECT * WHERE { ?s ex:service ?o }",
        "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> SELECT * WHERE { ?s a sd:Service }",
        'SELECT * WHERE { ?s skos:prefLabel ?l FILTER(CONTAINS(LCASE(STR(?l)), "services")) }',  # in a string
        "SELECT * WHERE { ?s ?p 'customer service' }",
        'SELECT * WHERE { ?s ?p """a long\nservice""" }',
        "SELECT * WHERE { ?s ?p ?o } # SERVICE",  # in a comment
        'SELECT * WHERE { FILTER(?a<?b) FILTER(CONTAINS(?l, "service")) FILTER(?c>1) }',
    ],
)
def test_variables_prefixed_names_and_prefix_lines_are_not_the_keyword(query: str) -> None:
    assert analyse(query).reads_named is False


@pytest.mark.parametrize(
    ("query", "reads_named"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", False),
        ("# which graphs? from where?\nSELECT * WHERE { ?s ?p ?o }", False),  # a comment line
        ("PREFIX g: <https://w3id.org/kkni/graph/> SELECT * WHERE { ?s ?p ?o }", False),  # the prologue
        ("SELECT * WHERE { ?s ?p ?o }  # from the decree", True),  # a comment after code: cautious
        ('SELECT * WHERE { ?s rdfs:label "graph" }', True),  # in a string: cautious (slower, never wrong)
        ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", True),
        ("SELECT * FROM <https://w3id.org/kkni/graph/ontology> WHERE { ?s ?p ?o }", True),
        ("SELECT * WHERE { # c\rGRAPH ?g { ?s ?p ?o } }", True),  # a comment ends at CR
        ("SELECT * WHERE { ?s ?p ?o FILTER(STR(?s)<STR(?o))GRAPH#>\n?g { ?a ?b ?c } }", True),
        ("SELECT * WHERE { \\u0047RAPH ?g { ?s ?p ?o } }", True),  # escapes
        ("SELECT * WHERE { gRaPh ?g { ?s ?p ?o } }", True),
    ],
)
def test_what_may_read_named_graphs(query: str, reads_named: bool) -> None:
    assert analyse(query).reads_named is reads_named


@pytest.mark.parametrize(
    "query",
    [
        # rdflib reads ')?a' as an optional path and 'a', and cannot read this; Oxigraph reads the variable ?a
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?a ?c # FROM <https://example.org/not-held>\n"
        "WHERE { ?c ^(kkni:requiresTransitively/rdfs:label)?a }",
        # escapes in the prologue's IRIs, comments ended by carriage returns
        "PREFIX owl: <http://www.w3.\\u006Frg/2002/07/owl#> # FROM <https://example.org/not-held>\rSELECT ?x WHERE { ?x a owl:Class }",
    ],
)
def test_from_in_a_comment_names_no_graph(query: str) -> None:
    shape = analyse(query, {"kkni": "https://w3id.org/kkni/ontology#"})
    assert shape.default_graphs == shape.named_graphs == ()


def test_dataset_resolved_as_the_standard_says() -> None:
    shape = analyse(
        "BASE <https://w3id.org/kkni/graph/> PREFIX g: <https://w3id.org/kkni/graph/> SELECT * FROM <ontology> FROM NAMED g:x { }"
    )
    assert shape.default_graphs == ("https://w3id.org/kkni/graph/ontology",)
    assert shape.named_graphs == ("https://w3id.org/kkni/graph/x",)
    # each BASE resolves against the one before; the first against the endpoint's URL
    chained = analyse("BASE <https://w3id.org/kkni/> BASE <graph/> SELECT * FROM <ontology> { }")
    assert chained.default_graphs == ("https://w3id.org/kkni/graph/ontology",)
    relative = analyse("SELECT * FROM <graph/ontology> { }", base_iri="http://127.0.0.1:8000/sparql")
    assert relative.default_graphs == ("http://127.0.0.1:8000/graph/ontology",)
    with pytest.raises(Refused) as info:
        check_graphs(analyse("SELECT * FROM NAMED <https://w3id.org/kkni/graph/x> { }").named_graphs, GRAPHS)
    assert info.value.as_dict()["unknown"] == ["https://w3id.org/kkni/graph/x"]


@pytest.mark.parametrize(
    ("text", "update"),
    [
        ("INSERT DATA { <http://a/s> <http://a/p> 1 }", True),
        ("PREFIX a: <http://a/> DELETE WHERE { ?s a:p ?o }", True),
        ("LOAD <http://127.0.0.1:9/data.ttl>", True),
        ("SELEC * { }", False),
        ("PREFIX a: <http://a/>", False),  # a prologue alone
    ],
)
def test_updates_are_told_apart_from_malformed_queries(text: str, update: bool) -> None:
    assert is_update(text) is update


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
