"""The embedded store (``KkniStore``): one RDF dataset, each file parsed once, whichever of its two
Oxigraph stores answers a query; the Protocol's dataset as the standard says."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kkni_rdf.namespaces import DEFAULT_BASE, default_prefixes
from kkni_rdf.resources import query_files
from kkni_rdf.store.embedded import GraphFile, KkniStore
from kkni_rdf.store.guard import Refused
from kkni_rdf.store.protocol import Dataset, QueryError

ONTOLOGY = "https://w3id.org/kkni/graph/ontology"
DECREE = "https://w3id.org/kkni/graph/kepmenaker-3-2021"
SHAPES = "https://w3id.org/kkni/graph/shapes"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _answer(result: object) -> object:
    """A result as something comparable: sorted solutions (blank nodes as one placeholder), triples as a sorted list."""

    def term(t: object) -> str:
        return "_:b" if isinstance(t, ox.BlankNode) else "" if t is None else str(t)

    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return names, sorted(tuple(term(s[n]) for n in names) for s in result)
    if isinstance(result, ox.QueryTriples):
        return sorted(" ".join(term(x) for x in (t.subject, t.predicate, t.object)) for t in result)
    assert isinstance(result, ox.QueryBoolean)
    return bool(result)


def _reference(kstore: KkniStore, text: str) -> object:
    """The answer of the store that holds the whole dataset, asked directly (no guard, no routing)."""
    return _answer(kstore.whole().query(text, prefixes=default_prefixes(DEFAULT_BASE)))


def test_each_file_is_parsed_once_so_blank_nodes_join_across_graphs(store: KkniStore) -> None:
    # the decree's legal basis is an rdf:List (blank nodes) in its named graph: the default graph holds the same nodes
    legal = "SELECT ?g ?act WHERE { GRAPH ?g { ?d kkni:legalBasisList ?list } ?list rdf:rest*/rdf:first ?act }"
    assert len(_answer(store.query(legal))[1]) == 7  # type: ignore[index]
    # the shapes' SPARQL constraints are blank nodes; their messages are read from the default graph
    messages = "SELECT ?g ?m WHERE { GRAPH ?g { ?shape sh:sparql ?c } ?c sh:message ?m }"
    assert len(_answer(store.query(messages))[1]) == 44  # type: ignore[index]
    assert _answer(store.query(legal)) == _reference(store, legal)


def test_the_default_graph_store_holds_the_same_terms(store: KkniStore) -> None:
    assert store.same_terms()
    assert list(store.union.named_graphs()) == []
    blank = [q for q in store.union if isinstance(q.subject, ox.BlankNode)]
    assert blank and all(q in store.whole() for q in blank)  # the very same blank nodes
    store_copy = KkniStore.load_default()
    store_copy.union.remove(next(iter(store_copy.union.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None, ox.DefaultGraph()))))
    assert not store_copy.same_terms()


ROUTED = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { ?q a kkni:Qualification . GRAPH ?g { ?q kkni:level ?l } } GROUP BY ?g",
    f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY}> WHERE {{ ?s ?p ?o }}",
    f"SELECT (COUNT(*) AS ?n) FROM NAMED <{ONTOLOGY}> WHERE {{ ?s ?p ?o }}",
    f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{ONTOLOGY}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g",
    "SELECT ?u ?r WHERE { ?u kkni:requiresTransitively ?r }",
    "DESCRIBE <https://w3id.org/kkni/level/5>",
    "ASK { GRAPH ?g { ?s a kkni:Qualification } }",
    # what a token scan misread: '<' as less-than before a GRAPH that a '#>' made look like an IRI's end
    "SELECT ?q WHERE { ?q a kkni:Qualification ; kkni:level ?lvl FILTER(STR(?lvl)<STR(?q))GRAPH#>\n?g { ?q a kkni:Qualification } }",
    # comments end at a carriage return as at a line feed
    "SELECT ?q WHERE { # a comment\rGRAPH ?g { ?q a kkni:Qualification } }",
    "SELECT * WHERE { ?q a kkni:Qualification } # c\r ORDER BY ?q LIMIT 3",
    # escapes, keywords in any case
    "SELECT ?q WHERE { GRAPH ?g { ?q a <https://w3id.org/kkni/ontology#Qualific\\u0061tion> } }",
    "SELECT ?q WHERE { gRaPh ?g { ?q a kkni:Qualification } }",
    "BASE <https://w3id.org/kkni/> BASE <graph/> SELECT (COUNT(*) AS ?n) FROM <ontology> WHERE { ?s ?p ?o }",
]


@pytest.mark.parametrize("text", ROUTED)
def test_each_query_has_the_answer_of_the_whole_dataset(store: KkniStore, text: str) -> None:
    assert _answer(store.query(text)) == _reference(store, text)


def test_every_named_query_has_the_answer_of_the_whole_dataset(store: KkniStore) -> None:
    for path in query_files():
        text = path.read_text(encoding="utf-8")
        assert _answer(store.query(text)) == _reference(store, text), path.name


GRAPHS_BY_NAME = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
DEFAULT_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _count(result: object) -> int:
    assert isinstance(result, ox.QuerySolutions)
    return int(next(iter(result))["n"].value)


def test_a_protocol_dataset_with_default_graphs_only_has_no_named_graphs(store: KkniStore) -> None:
    """SPARQL 1.1 Protocol §2.1.4: the request's dataset replaces the query's; GRAPH finds nothing."""
    assert _answer(store.query(GRAPHS_BY_NAME, Dataset(default=(ONTOLOGY,))))[1] == []  # type: ignore[index]
    ontology_triples = len(list(store.named.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY))))
    assert _count(store.query(DEFAULT_COUNT, Dataset(default=(ONTOLOGY,)))) == ontology_triples
    # FROM in the query is replaced too
    assert (
        _count(store.query(f"SELECT (COUNT(*) AS ?n) FROM <{DECREE}> WHERE {{ ?s ?p ?o }}", Dataset(default=(ONTOLOGY,))))
        == ontology_triples
    )


def test_a_protocol_dataset_with_named_graphs_only_has_an_empty_default_graph(store: KkniStore) -> None:
    assert _count(store.query(DEFAULT_COUNT, Dataset(named=(ONTOLOGY,)))) == 0
    graphs = _answer(store.query(GRAPHS_BY_NAME, Dataset(named=(ONTOLOGY,))))[1]  # type: ignore[index]
    assert [g for g, _ in graphs] == [f"<{ONTOLOGY}>"]
    # the query's own FROM NAMED does not apply beside named-graph-uri
    with_from = f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{SHAPES}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"
    assert [g for g, _ in _answer(store.query(with_from, Dataset(named=(ONTOLOGY,))))[1]] == [f"<{ONTOLOGY}>"]  # type: ignore[index]


def test_a_protocol_dataset_naming_a_graph_not_held_is_refused(store: KkniStore) -> None:
    with pytest.raises(Refused) as info:
        store.query(DEFAULT_COUNT, Dataset(default=("https://example.org/nothing",)))
    assert info.value.error == "unknown graph" and info.value.as_dict()["unknown"] == ["https://example.org/nothing"]


def test_relative_iris_resolve_against_the_base_given(store: KkniStore) -> None:
    got = store.query("SELECT ?o WHERE { VALUES ?o { 1 } FILTER(?o IN (1, <x>)) }", base_iri="http://127.0.0.1:8000/sparql")
    assert _answer(got)[1] == [('"1"^^<http://www.w3.org/2001/XMLSchema#integer>',)]  # type: ignore[index]
    # BASE chains: each BASE resolves against the one before
    chained = "BASE <https://w3id.org/kkni/> BASE <graph/> SELECT (COUNT(*) AS ?n) FROM <ontology> WHERE { ?s ?p ?o }"
    assert _count(store.query(chained)) == _count(store.query(DEFAULT_COUNT, Dataset(default=(ONTOLOGY,))))


def test_engine_errors_are_the_users_query_errors(store: KkniStore) -> None:
    with pytest.raises(QueryError) as info:
        store.query("SELECT (<http://example.org/f>(1) AS ?x) {}")
    assert "custom function" in info.value.message
    with pytest.raises(Refused) as refused:
        store.query("INSERT DATA { <http://a/s> <http://a/p> 1 }")
    assert refused.value.status == 403


def test_files_loaded_later_join_the_default_graph_and_the_closure(tmp_path: Path) -> None:
    a, b = tmp_path / "a.ttl", tmp_path / "b.ttl"
    kkni = "https://w3id.org/kkni/ontology#"
    a.write_text(f"<https://example.org/row/1> <{kkni}unit> <https://example.org/x> ; <{kkni}hasPrerequisite> _:p .\n"
                 f"_:p <{kkni}requiredUnit> <https://example.org/y> .\n")  # fmt: skip
    b.write_text(f"<https://example.org/row/2> <{kkni}unit> <https://example.org/y> ; <{kkni}hasPrerequisite> _:p .\n"
                 f"_:p <{kkni}requiredUnit> <https://example.org/z> .\n")  # fmt: skip
    kstore = KkniStore()
    kstore.load_files([GraphFile(a, "https://example.org/graph/a")])
    kstore.whole()  # the named graphs' store given the default graph: later files join it too
    kstore.load_files([GraphFile(b, "https://example.org/graph/b")])
    assert kstore.same_terms()
    mixed = "SELECT ?u ?r ?g WHERE { ?u kkni:requiresTransitively ?r . GRAPH ?g { ?row kkni:unit ?u } }"
    got = kstore.query(mixed)
    assert isinstance(got, ox.QuerySolutions)
    x, y, z = (f"<https://example.org/{n}>" for n in "xyz")
    assert {(str(s["u"]), str(s["r"])) for s in got} == {(x, y), (x, z), (y, z)}  # x's chain runs through b's row
    # the two files' blank nodes "_:p" stay two nodes in the union
    assert _count(kstore.query(f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?row <{kkni}hasPrerequisite> ?p }}")) == 2


def test_a_store_under_another_base_holds_one_dataset_too() -> None:
    kstore = KkniStore.load_default("https://example.org/kkni/")
    assert kstore.same_terms()
    legal = "SELECT ?g ?act WHERE { GRAPH ?g { ?d kkni:legalBasisList ?list } ?list rdf:rest*/rdf:first ?act }"
    assert len(_answer(kstore.query(legal))[1]) == 7  # type: ignore[index]
