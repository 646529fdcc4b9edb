"""The query rewrites sent to Virtuoso (kkni_rdf/store/virtuoso.py): what each changes and leaves,
and that they keep the answers of every named query and every packaging check on a standard
engine (the embedded Oxigraph store). No Virtuoso needed."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kkni_rdf.resources import query_files
from kkni_rdf.store.embedded import KkniStore
from kkni_rdf.store.protocol import Dataset
from kkni_rdf.store.remote import query_form
from kkni_rdf.store.virtuoso import decimal_division, explicit_separator, fix_results, lift_aggregates, rewrite, typed_booleans
from kkni_rdf.validation.in_store import validate_in_store

BOOLEAN = "<http://www.w3.org/2001/XMLSchema#boolean>"


def rows(result: object) -> list[tuple[str, ...]]:
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [tuple(str(sol[n]) if sol[n] is not None else "" for n in names) for sol in result]


@pytest.mark.parametrize(
    ("query", "sent"),
    [
        ("SELECT (?a / ?b AS ?r) {}", "SELECT (1.0 * ?a / ?b AS ?r) {}"),
        ("SELECT (?c + ?a * ?b / ?d / 2 AS ?r) {}", "SELECT (?c + 1.0 * ?a * ?b / ?d / 2 AS ?r) {}"),
        ("SELECT (ROUND(1000 * ?x / ?y) / 1000 AS ?r) {}", "SELECT (1.0 * ROUND(1.0 * 1000 * ?x / ?y) / 1000 AS ?r) {}"),
        ('SELECT ("4"^^xsd:integer / (?n + 1) AS ?r) {}', 'SELECT (1.0 * "4"^^xsd:integer / (?n + 1) AS ?r) {}'),
        ("SELECT (COUNT(*)/2 AS ?r) {}", "SELECT (1.0 * COUNT(*)/2 AS ?r) {}"),
    ],
)
def test_a_division_is_sent_as_a_decimal_division(query: str, sent: str) -> None:
    assert decimal_division(query) == sent


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?o { ?s kkni:packagingRule/kkni:requiredElective ?o }",
        "SELECT ?o { ?s (^kkni:unit/kkni:hasPrerequisite/kkni:requiredUnit)+ ?o }",
        "SELECT ?o { ?s a/rdfs:subClassOf* ?o }",
        'SELECT ?o { ?s <http://example.org/a/b> "1/2" . BIND (REPLACE(STR(?s), "^.*/", "") AS ?o) }',
        "SELECT ?o { ?s !(kkni:a|kkni:b)/kkni:c ?o } # a / b in a comment",
    ],
)
def test_paths_iris_strings_and_comments_are_left_alone(query: str) -> None:
    assert rewrite(query) == query


def test_boolean_values_are_sent_typed() -> None:
    query = (
        "SELECT ?x (?a < ?b AS ?lt) (STR(?a) AS ?s) (COUNT(?a) AS ?n) WHERE {"
        ' BIND (true AS ?t) BIND (!BOUND(?q) AS ?u) BIND (IF(?a, ?b >= 1, false) AS ?v) BIND (IF(?a, "x", "y") AS ?w)'
        ' BIND (EXISTS { ?a ?b ?c } AS ?e) BIND ("a<b" AS ?str) BIND (?a IN (1, 2) AS ?in) }'
    )
    sent = typed_booleans(query)
    for expression in ("?a < ?b", "true", "!BOUND(?q)", "IF(?a, ?b >= 1, false)", "EXISTS { ?a ?b ?c }", "?a IN (1, 2)"):
        assert f"{BOOLEAN}({expression})" in sent
    for expression in ("(STR(?a) AS ?s)", "(COUNT(?a) AS ?n)", '(IF(?a, "x", "y") AS ?w)', '("a<b" AS ?str)'):
        assert expression in sent


def test_aggregates_inside_expressions_are_computed_in_a_sub_query() -> None:
    query = 'SELECT ?k (COALESCE(GROUP_CONCAT(?c; separator=" "), "") AS ?all) WHERE { ?s ?p ?c BIND (STR(?p) AS ?k) } GROUP BY ?s ?k ORDER BY ?s LIMIT 5'
    assert lift_aggregates(query) == (
        'SELECT ?k (COALESCE(?kkni_aggregate_1, "") AS ?all) WHERE { { SELECT ?s ?k (GROUP_CONCAT(?c; separator=" ") AS ?kkni_aggregate_1) '
        "WHERE { ?s ?p ?c BIND (STR(?p) AS ?k) } GROUP BY ?s ?k } } ORDER BY ?s LIMIT 5"
    )
    for untouched in (
        "SELECT ?s (COUNT(?c) AS ?n) WHERE { ?s ?p ?c } GROUP BY ?s",  # an aggregate alone needs nothing
        "SELECT ?s (STR(COUNT(?c)) AS ?n) WHERE { ?s ?p ?c } GROUP BY ?s ORDER BY DESC(COUNT(?c))",  # an aggregate in ORDER BY
        "SELECT (STR(COUNT(?c)) AS ?n) WHERE { ?s ?p ?c } GROUP BY STR(?s)",  # an unnamed GROUP BY expression
        "SELECT (STR(COUNT(?c)) AS ?n) WHERE { ?s ?p ?c ",  # brackets that do not close
    ):
        assert lift_aggregates(untouched) == untouched


def test_group_concat_gets_the_default_separator() -> None:
    assert explicit_separator("SELECT (GROUP_CONCAT(DISTINCT ?x) AS ?y) {}") == 'SELECT (GROUP_CONCAT(DISTINCT ?x; separator=" ") AS ?y) {}'
    assert explicit_separator('SELECT (GROUP_CONCAT(?x; separator=",") AS ?y) {}') == 'SELECT (GROUP_CONCAT(?x; separator=",") AS ?y) {}'


def test_the_query_form_is_told_past_prefixes_and_comments() -> None:
    assert query_form("PREFIX select: <urn:x#>\n# SELECT in a comment\nDESCRIBE <urn:a>") == "DESCRIBE"
    assert query_form("PREFIX a: <urn:ask#> CONSTRUCT WHERE { ?s a:select ?o }") == "CONSTRUCT"
    assert query_form("INSERT DATA { <urn:a> <urn:b> <urn:c> }") is None


def test_virtuoso_results_are_read_back_as_standard() -> None:
    body = (
        b'{"head": {"vars": ["b", "t", "n"]}, "results": {"bindings": [{"b": {"type": "bnode", "value": "nodeID://b10034"},'
        b' "t": {"type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#boolean", "value": "1"},'
        b' "n": {"type": "literal", "value": "nodeID://b1 is text"}}]}}'
    )
    result = ox.parse_query_results(fix_results("application/sparql-results+json", body), format=ox.QueryResultsFormat.JSON)
    assert isinstance(result, ox.QuerySolutions)
    (solution,) = list(result)
    assert solution["b"] == ox.BlankNode("b10034")
    assert solution["t"] == ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
    assert solution["n"] == ox.Literal("nodeID://b1 is text")


@pytest.mark.parametrize("path", query_files(), ids=lambda p: p.stem)
def test_rewritten_named_queries_answer_the_same_on_a_standard_engine(store: KkniStore, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert sorted(rows(store.query(rewrite(text)))) == sorted(rows(store.query(text)))


class Rewriting:
    """The embedded store, sent every query as Virtuoso is sent it."""

    def __init__(self, store: KkniStore) -> None:
        self.store, self.base = store, store.base

    def graphs(self) -> list[str]:
        return self.store.graphs()

    def query(
        self, text: str, dataset: Dataset | None = None, base_iri: str | None = None
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        return self.store.query(rewrite(text), dataset, base_iri)


def test_rewritten_packaging_checks_find_the_same_on_a_standard_engine(store: KkniStore) -> None:
    here = {(f.rule, str(f.focus), str(f.value), f.message.get("en")) for f in validate_in_store(store).findings}
    there = {(f.rule, str(f.focus), str(f.value), f.message.get("en")) for f in validate_in_store(Rewriting(store)).findings}
    assert there == here and len(here) == 91
