"""The embedded store's two Oxigraph stores (``KkniStore``): each query is answered by the one that
holds what it reads, with the answers of one store that holds everything."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kkni_rdf.namespaces import DEFAULT_BASE, default_prefixes
from kkni_rdf.resources import query_files
from kkni_rdf.store.embedded import GraphFile, KkniStore, patterns_outside_graph, reads
from kkni_rdf.store.guard import analyse

ONTOLOGY = "https://w3id.org/kkni/graph/ontology"
DECREE = "https://w3id.org/kkni/graph/kepmenaker-3-2021"


def _one_store(kstore: KkniStore) -> ox.Store:
    """Everything in one Oxigraph store: the named graphs and their union as the default graph."""
    one = ox.Store()
    one.extend(kstore.named.quads_for_pattern(None, None, None, None))
    one.extend(kstore.union.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    return one


def _answer(result: object) -> object:
    """A result as something comparable: sorted solutions (ties of ORDER BY may come either way), triples as a set."""
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return names, sorted(tuple(str(s[n]) if s[n] is not None else "" for n in names) for s in result)
    if isinstance(result, ox.QueryTriples):
        return {str(t) for t in result}
    assert isinstance(result, ox.QueryBoolean)
    return bool(result)


QUERIES: list[tuple[str, dict[str, object]]] = [
    ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {}),
    ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", {}),
    # GRAPH beside a pattern on the default graph: both are read
    ("SELECT ?g (COUNT(*) AS ?n) WHERE { ?q a kkni:Qualification . GRAPH ?g { ?q kkni:level ?l } } GROUP BY ?g", {}),
    (f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY}> WHERE {{ ?s ?p ?o }}", {}),
    (f"SELECT (COUNT(*) AS ?n) FROM NAMED <{ONTOLOGY}> WHERE {{ ?s ?p ?o }}", {}),
    (f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{ONTOLOGY}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g", {}),
    ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {"use_default_graph_as_union": False, "default_graph": [ox.NamedNode(DECREE)]}),
    ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {"use_default_graph_as_union": False, "default_graph": []}),
    ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {"default_graph": [ox.DefaultGraph(), ox.NamedNode(ONTOLOGY)]}),
    ("SELECT ?g (COUNT(*) AS ?n) WHERE { ?s a kkni:Level GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", {"named_graphs": [ox.NamedNode(ONTOLOGY)]}),
    ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {"use_default_graph_as_union": True}),
    ("SELECT ?u ?r WHERE { ?u kkni:requiresTransitively ?r }", {}),
    ("DESCRIBE <https://w3id.org/kkni/level/5>", {}),
    ("ASK { GRAPH ?g { ?s a kkni:Qualification } }", {}),
]


@pytest.mark.parametrize(("text", "options"), QUERIES)
def test_each_query_has_the_answer_of_one_store_holding_everything(text: str, options: dict[str, object]) -> None:
    kstore = KkniStore.load_default()
    expected = _one_store(kstore).query(text, prefixes=default_prefixes(DEFAULT_BASE), **options)  # type: ignore[arg-type]
    assert _answer(kstore.query(text, **options)) == _answer(expected)


def test_every_named_query_has_the_answer_of_one_store(store: KkniStore) -> None:
    one = _one_store(store)
    for path in query_files():
        text = path.read_text(encoding="utf-8")
        expected = one.query(text, prefixes=default_prefixes(DEFAULT_BASE))
        assert _answer(store.query(text)) == _answer(expected), path.name


@pytest.mark.parametrize(
    ("text", "options", "default", "named"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", {}, True, False),
        ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", {}, False, True),
        ("SELECT * WHERE { ?s a kkni:Level GRAPH ?g { ?s ?p ?o } }", {}, True, True),
        (f"SELECT * FROM <{ONTOLOGY}> WHERE {{ ?s ?p ?o }}", {}, False, True),
        (f"SELECT * FROM NAMED <{ONTOLOGY}> WHERE {{ ?s ?p ?o }}", {}, False, False),  # an empty default graph
        (f"SELECT * FROM NAMED <{ONTOLOGY}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}, False, True),
        ("SELECT * WHERE { ?s ?p ?o }", {"default_graph": [ox.NamedNode(ONTOLOGY)]}, False, True),
        ("SELECT * WHERE { ?s ?p ?o }", {"default_graph": [ox.DefaultGraph()]}, True, False),
        ("SELECT * WHERE { ?s ?p ?o }", {"use_default_graph_as_union": True}, True, True),
    ],
)
def test_what_a_query_reads(text: str, options: dict[str, object], default: bool, named: bool) -> None:
    assert reads(text, analyse(text, default_prefixes(DEFAULT_BASE)), options) == (default, named)


@pytest.mark.parametrize(
    ("text", "outside"),
    [
        ("SELECT * WHERE { ?s a kkni:Level GRAPH ?g { ?s ?p ?o } }", True),
        ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } FILTER EXISTS { ?s a kkni:Level } }", True),
        ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o FILTER EXISTS { ?s a kkni:Level } } }", False),
        ("SELECT * WHERE { GRAPH ?g { { SELECT ?s WHERE { ?s ?p ?o } } } }", False),
        ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } { SELECT ?s WHERE { ?s a kkni:Unit } } }", True),
        ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } OPTIONAL { ?s a ?t } }", True),
        ("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } MINUS { ?s a ?t } }", True),
        ("SELECT * WHERE { { GRAPH ?g { ?s ?p ?o } } UNION { ?s kkni:x+ ?o } }", True),
        ("SELECT * WHERE { VALUES ?x { 1 } GRAPH ?g { ?s ?p ?o } BIND (2 AS ?y) }", False),
        ("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://example.org/g> { ?s ?p ?o } }", False),
        ("CONSTRUCT WHERE { ?s ?p ?o }", True),
        ("DESCRIBE ?s WHERE { GRAPH ?g { ?s a kkni:Level } }", True),  # described from the default graph
        ("SELECT * WHERE { GRAPH ?g { <<( ?s ?p ?o )>> ?q ?r } }", True),  # SPARQL 1.2, which rdflib cannot read
    ],
)
def test_which_queries_read_the_default_graph_beside_graph(text: str, outside: bool) -> None:
    assert patterns_outside_graph(text) is outside


def test_the_whole_store_is_made_only_for_a_query_that_reads_both() -> None:
    kstore = KkniStore.load_default()
    named_only = len(kstore.named)
    assert list(kstore.union.named_graphs()) == []  # the default graph alone
    assert all(isinstance(q.graph_name, ox.NamedNode) for q in kstore.named)
    kstore.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    kstore.query(f"SELECT * FROM <{ONTOLOGY}> WHERE {{ ?s ?p ?o }} LIMIT 1")
    kstore.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    for path in query_files():
        kstore.query(path.read_text(encoding="utf-8"))
    assert len(kstore.named) == named_only == len(kstore)
    kstore.query("SELECT * WHERE { ?s a kkni:Level GRAPH ?g { ?s ?p ?o } } LIMIT 1")
    assert len(kstore.named) == named_only + len(kstore.union)
    assert len(kstore) == named_only  # still the named graphs' quads


def test_files_loaded_after_the_store_was_made_whole_reach_both_stores(tmp_path: Path) -> None:
    a, b = tmp_path / "a.ttl", tmp_path / "b.ttl"
    kkni = "https://w3id.org/kkni/ontology#"
    a.write_text(f"<https://example.org/row/1> <{kkni}unit> <https://example.org/x> ; <{kkni}hasPrerequisite> _:p .\n"
                 f"_:p <{kkni}requiredUnit> <https://example.org/y> .\n")  # fmt: skip
    b.write_text(f"<https://example.org/row/2> <{kkni}unit> <https://example.org/y> ; <{kkni}hasPrerequisite> _:p .\n"
                 f"_:p <{kkni}requiredUnit> <https://example.org/z> .\n")  # fmt: skip
    kstore = KkniStore()
    kstore.load_files([GraphFile(a, "https://example.org/graph/a")])
    kstore.whole()
    kstore.load_files([GraphFile(b, "https://example.org/graph/b")])
    mixed = "SELECT ?u ?r ?g WHERE { ?u kkni:requiresTransitively ?r . GRAPH ?g { ?row kkni:unit ?u } }"
    expected = _one_store(kstore).query(mixed, prefixes=default_prefixes(DEFAULT_BASE))
    assert _answer(kstore.query(mixed)) == _answer(expected)
    got = kstore.query(mixed)
    assert isinstance(got, ox.QuerySolutions)
    x, y, z = (f"<https://example.org/{n}>" for n in "xyz")
    assert {(str(s["u"]), str(s["r"])) for s in got} == {(x, y), (x, z), (y, z)}  # x's chain runs through b's row
