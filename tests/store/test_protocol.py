"""store.protocol's typed helpers, on the embedded store (the remote one is tested in test_remote.py)."""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
import pytest

from kkni_rdf.store.embedded import KkniStore
from kkni_rdf.store.protocol import QueryError, ask, construct, graph_sizes, select


def test_each_helper_returns_its_forms_answer(store: KkniStore) -> None:
    solutions = select(store, "SELECT (COUNT(*) AS ?n) WHERE { ?q a kkni:Qualification }")
    assert [s["n"].value for s in solutions] == ["14"]
    assert ask(store, "ASK { ?q a kkni:Qualification }") is True
    assert ask(store, "ASK { ?q a kkni:Nothing }") is False
    triples = construct(store, "CONSTRUCT { ?q a kkni:Qualification } WHERE { ?q a kkni:Qualification }")
    assert isinstance(triples, ox.QueryTriples) and len(list(triples)) == 14


@pytest.mark.parametrize(
    ("helper", "query", "message"),
    [
        (select, "ASK { ?s ?p ?o }", "expected a SELECT query; this one answers with a boolean"),
        (ask, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "expected an ASK query; this one answers with solutions"),
        (construct, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "expected a CONSTRUCT or DESCRIBE query"),
    ],
)
def test_a_query_of_another_form_is_a_query_error(
    store: KkniStore, helper: Callable[[KkniStore, str], object], query: str, message: str
) -> None:
    with pytest.raises(QueryError, match=message):
        helper(store, query)


def test_graph_sizes_are_the_named_graphs(store: KkniStore) -> None:
    sizes = graph_sizes(store)
    assert [g for g, _ in sizes] == store.graphs()
    assert sum(n for _, n in sizes) == len(store)
